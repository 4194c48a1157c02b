//! A configuration file changes what the resolver does: finding levels, excludes,
//! and per-host settings (extra headers, request spacing), end to end against a
//! stand-in DOI registry on 127.0.0.1.

use assert_cmd::Command;
use serde_json::Value;
use std::time::{Duration, Instant};
use wiremock::matchers::{header, method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ARTICLE: &str = "Claims [1] [2] [3].\n\nReferences\n\
1. Smith J (2020). First work. doi:10.5555/first.1\n\
2. Jones K (2019). Second work. doi:10.5555/second.2\n\
3. Brown L (2018). Third work. doi:10.5555/skipped.3\n\
4. Green M (2017). Never cited. doi:10.5555/first.1x\n";

async fn registry_that_wants_a_header() -> MockServer {
    let server = MockServer::start().await;
    // Found only when the configured header arrives; anything else is a 500, which
    // refcheck would report as unverifiable.
    Mock::given(method("GET"))
        .and(path_regex("^/api/handles/"))
        .and(header("x-refcheck-test", "from-config"))
        .respond_with(|req: &wiremock::Request| {
            let doi = req
                .url
                .path()
                .trim_start_matches("/api/handles/")
                .to_string();
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"responseCode": 1, "handle": doi}))
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn config_sets_levels_excludes_headers_and_spacing() {
    let server = registry_that_wants_a_header().await;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.txt"), ARTICLE).expect("write article");
    std::fs::write(
        dir.path().join("refcheck.toml"),
        format!(
            r#"doi-resolver = "{uri}"
crossref-api = "{uri}"
no-cache = true
timeout = 2
retries = 0
exclude = ["^10\\.5555/skipped"]

[levels]
uncited-reference = "error"

[hosts."127.0.0.1"]
concurrency = 1
interval-ms = 300
headers = {{ X-Refcheck-Test = "from-config" }}
"#,
            uri = server.uri()
        ),
    )
    .expect("write config");
    let cwd = dir.path().to_path_buf();
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        Command::cargo_bin("refcheck")
            .expect("binary")
            .current_dir(&cwd)
            .args(["--format", "json", "--no-progress", "a.txt"])
            .output()
            .expect("runs")
    })
    .await
    .expect("joins");
    let elapsed = started.elapsed();
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut statuses = Vec::new();
    for r in report["files"][0]["references"]
        .as_array()
        .expect("references")
    {
        for id in r["identifiers"].as_array().expect("identifiers") {
            statuses.push((
                id["value"].as_str().unwrap_or_default().to_string(),
                id["status"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    assert_eq!(
        statuses,
        vec![
            ("10.5555/first.1".to_string(), "ok".to_string()),
            ("10.5555/second.2".to_string(), "ok".to_string()),
            ("10.5555/skipped.3".to_string(), "unchecked".to_string()),
            ("10.5555/first.1x".to_string(), "ok".to_string()),
        ],
        "the header reached the registry and the excluded DOI was not asked for"
    );
    let requests = server.received_requests().await.unwrap_or_default();
    // Metadata lookups follow for the DOIs that exist; only the handle API is counted.
    let handles = requests
        .iter()
        .filter(|r| r.url.path().starts_with("/api/handles/"))
        .count();
    assert_eq!(
        handles, 3,
        "three unique DOIs resolved, the excluded one not"
    );
    let uncited = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "uncited-reference")
        .expect("entry 4 is uncited");
    assert_eq!(
        uncited["severity"], "error",
        "the config's [levels] applies"
    );
    // Three requests to one host spaced 300 ms apart cannot finish sooner than 600 ms.
    assert!(
        elapsed >= Duration::from_millis(600),
        "requests were spaced: {elapsed:?}"
    );
}
