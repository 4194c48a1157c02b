//! The binary against a stand-in DOI registry on 127.0.0.1: handle-API answers,
//! deduplication across entries and files, the cache, and an unreachable registry.
//!
//! The registry's answers are shaped on real handle-API records (responseCode 1 with
//! the handle and its values); the not-found answer follows the handle API's
//! documentation (HTTP 404, responseCode 100), as no real recording of one exists.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ARTICLE: &str = "Title\n\nOne claim [1], another [2], a third [3].\n\nReferences\n\
1. Smith J (2020). A registered work. Chem J. doi:10.1002/chem.202000622\n\
2. Jones K (2019). A mistyped DOI. https://doi.org/10.1002/chem.209999999\n\
3. Brown L (2020). The same work again. 10.1002/chem.202000622\n";

fn found(doi: &str) -> Value {
    serde_json::json!({
        "responseCode": 1,
        "handle": doi,
        "values": [{
            "index": 1,
            "type": "URL",
            "data": {"format": "string", "value": format!("https://publisher.example/doi/{doi}")},
            "ttl": 86400,
            "timestamp": "2020-09-25T16:02:07Z"
        }]
    })
}

/// A stand-in registry that knows `known` DOIs and nothing else.
async fn registry(known: &'static [&'static str]) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(move |req: &Request| {
            let doi = req
                .url
                .path()
                .trim_start_matches("/api/handles/")
                .to_string();
            if known.contains(&doi.as_str()) {
                ResponseTemplate::new(200).set_body_json(found(&doi))
            } else {
                ResponseTemplate::new(404)
                    .set_body_json(serde_json::json!({"responseCode": 100, "handle": doi}))
            }
        })
        .mount(&server)
        .await;
    server
}

fn refcheck(registry: &str, cache: Option<&Path>) -> Command {
    let mut cmd = Command::cargo_bin("refcheck").expect("binary is built");
    cmd.args(["--format", "json", "--no-progress", "--timeout", "2"])
        .args(["--doi-resolver", registry])
        // Metadata lookups go to the same server, which knows no works (404s).
        .args(["--crossref-api", registry]);
    match cache {
        Some(dir) => cmd.arg("--cache-dir").arg(dir),
        None => cmd.arg("--no-cache"),
    };
    cmd
}

fn run(mut cmd: Command, files: &[&Path]) -> (Value, String, Option<i32>) {
    let out = cmd.args(files).output().expect("refcheck runs");
    let json = serde_json::from_slice(&out.stdout).expect("JSON report");
    (
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["files"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|f| f["references"].as_array().cloned().unwrap_or_default())
        .flat_map(|r| r["identifiers"].as_array().cloned().unwrap_or_default())
        .map(|i| {
            (
                i["value"].as_str().unwrap_or("").to_string(),
                i["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn write_article(dir: &Path, name: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, ARTICLE).expect("write article");
    p
}

/// Requests to the handle API (metadata lookups, which follow for DOIs that exist,
/// are counted in tests/metadata_network.rs).
async fn requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().starts_with("/api/handles/"))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn found_and_not_found_dois_with_one_request_per_unique_doi() {
    let server = registry(&["10.1002/chem.202000622"]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let a = write_article(dir.path(), "a.txt");
    let b = write_article(dir.path(), "b.txt");
    let uri = server.uri();
    let (report, _, code) =
        tokio::task::spawn_blocking(move || run(refcheck(&uri, None), &[&a, &b]))
            .await
            .expect("joins");
    assert_eq!(code, Some(1), "a DOI that does not exist is an error");
    let s = statuses(&report);
    assert_eq!(s.len(), 6);
    for (value, status) in &s {
        let want = if value.ends_with("202000622") {
            "ok"
        } else {
            "not-found"
        };
        assert_eq!(status, want, "{value}");
    }
    assert_eq!(
        codes(&report)
            .iter()
            .filter(|c| *c == "doi-not-found")
            .count(),
        2,
        "one per file"
    );
    // Six identifiers in two files, two unique DOIs: two requests.
    assert_eq!(requests(&server).await, 2);
    let finding = &report["findings"].as_array().expect("findings")[0];
    assert_eq!(finding["labels"], serde_json::json!(["2"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_is_answered_from_the_cache() {
    let server = registry(&["10.1002/chem.202000622"]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let article = write_article(dir.path(), "a.txt");
    let cache = dir.path().join("cache");
    let uri = server.uri();
    let (first, second) = tokio::task::spawn_blocking(move || {
        let first = run(refcheck(&uri, Some(&cache)), &[&article]);
        let second = run(refcheck(&uri, Some(&cache)), &[&article]);
        (first, second)
    })
    .await
    .expect("joins");
    assert_eq!(requests(&server).await, 2, "the second run asked nothing");
    assert_eq!(statuses(&first.0), statuses(&second.0));
    assert_eq!(second.2, Some(1), "a cached not-found is still an error");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_cache_is_a_warning_and_is_rebuilt() {
    let server = registry(&["10.1002/chem.202000622"]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let article = write_article(dir.path(), "a.txt");
    let cache = dir.path().join("cache");
    let uri = server.uri();
    let (third, entries) = tokio::task::spawn_blocking(move || {
        run(refcheck(&uri, Some(&cache)), &[&article]);
        let mut entries = Vec::new();
        for shard in std::fs::read_dir(cache.join("v1"))
            .expect("cache written")
            .flatten()
        {
            for e in std::fs::read_dir(shard.path()).expect("shard").flatten() {
                std::fs::write(e.path(), b"\0garbage").expect("corrupt it");
                entries.push(e.path());
            }
        }
        (run(refcheck(&uri, Some(&cache)), &[&article]), entries)
    })
    .await
    .expect("joins");
    let (report, stderr, code) = third;
    assert_eq!(entries.len(), 2);
    assert!(
        stderr.contains("warning:") && stderr.contains("corrupt"),
        "{stderr}"
    );
    assert_eq!(code, Some(1));
    assert_eq!(statuses(&report).len(), 3);
    assert_eq!(
        requests(&server).await,
        4,
        "corrupt entries were asked again"
    );
    for e in entries {
        let text = std::fs::read_to_string(&e).expect("rebuilt entry");
        assert!(text.starts_with('{'), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unusable_cache_directory_is_a_warning_not_a_failure() {
    let server = registry(&["10.1002/chem.202000622"]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let article = write_article(dir.path(), "a.txt");
    let not_a_dir = dir.path().join("cache-is-a-file");
    std::fs::write(&not_a_dir, b"").expect("write");
    let uri = server.uri();
    let (report, stderr, code) =
        tokio::task::spawn_blocking(move || run(refcheck(&uri, Some(&not_a_dir)), &[&article]))
            .await
            .expect("joins");
    assert!(
        stderr.contains("warning: resolution cache disabled"),
        "{stderr}"
    );
    assert_eq!(
        code,
        Some(1),
        "the run goes on: the missing DOI is still found"
    );
    assert_eq!(statuses(&report).len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_registry_makes_dois_unverifiable_not_missing() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let dir = tempfile::tempdir().expect("temp dir");
    let article = write_article(dir.path(), "a.txt");
    let (report, _, code) =
        tokio::task::spawn_blocking(move || run(refcheck(&closed, None), &[&article]))
            .await
            .expect("joins");
    assert!(
        statuses(&report).iter().all(|(_, s)| s == "unverifiable"),
        "{report}"
    );
    assert!(codes(&report).iter().any(|c| c == "unverifiable-doi"));
    assert!(!codes(&report).iter().any(|c| c == "doi-not-found"));
    assert_eq!(code, Some(0), "a registry that is down is never an error");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registry_error_page_is_not_taken_for_not_found() {
    let server = MockServer::start().await;
    Mock::given(path("/api/handles/10.1002/chem.202000622"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>wrong path</html>"))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let article = dir.path().join("a.txt");
    std::fs::write(
        &article,
        "Claim [1].\n\nReferences\n1. Smith (2020). Work. doi:10.1002/chem.202000622\n",
    )
    .expect("write");
    let uri = server.uri();
    let (report, _, _) =
        tokio::task::spawn_blocking(move || run(refcheck(&uri, None), &[&article]))
            .await
            .expect("joins");
    assert_eq!(
        statuses(&report),
        [(
            "10.1002/chem.202000622".to_string(),
            "unverifiable".to_string()
        )]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_and_excluded_dois_stay_unchecked_and_ask_nothing() {
    let server = registry(&[]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let article = write_article(dir.path(), "a.txt");
    let uri = server.uri();
    let (offline, excluded) = tokio::task::spawn_blocking(move || {
        let mut cmd = refcheck(&uri, None);
        cmd.arg("--offline");
        let offline = run(cmd, &[&article]);
        let mut cmd = refcheck(&uri, None);
        cmd.args(["--exclude", "^10\\.1002/"]);
        (offline, run(cmd, &[&article]))
    })
    .await
    .expect("joins");
    for report in [&offline.0, &excluded.0] {
        assert!(
            statuses(report).iter().all(|(_, s)| s == "unchecked"),
            "{report}"
        );
    }
    assert_eq!(requests(&server).await, 0);
}
