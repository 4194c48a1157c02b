//! Shared pieces of the metadata network tests: the recorded answers (read from
//! ../shared/corpus/http/ at run time) and a wiremock server that plays the DOI
//! registry, Crossref and content negotiation from them.
#![allow(dead_code)]

use refcheck::{check_sources, Code, Options, Report, Severity, SourceFile};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const GINO: &str = "10.1177/0956797614520714";
pub const DELPHI: &str = "10.1371/journal.pone.0020476";
pub const METHYLPHENIDATE: &str = "10.1371/journal.pone.0033693";
pub const FGENE: &str = "10.3389/fgene.2017.00147";
pub const THESIS: &str = "10.6084/m9.figshare.4724797";

/// The recorded Crossref work of each DOI above (the thesis is DataCite's: CSL-JSON).
pub const CROSSREF: &[(&str, &str)] = &[
    (
        GINO,
        "crossref/works_10.1177_0956797614520714_retracted.json",
    ),
    (
        METHYLPHENIDATE,
        "decoded/habanero/test_works_mixed_ids_warn.01.200.json",
    ),
    (
        DELPHI,
        "decoded/habanero/test_works_mixed_ids_warn.03.200.json",
    ),
    (FGENE, "decoded/rcrossref/cr_works_empty_funder.01.200.json"),
];
pub const THESIS_CSL: &str = "csl-json/manubot_datacite-thesis.csl.json";

pub fn http_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/http");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: the recorded answers in {} are absent",
            dir.display()
        );
        None
    }
}

pub fn recorded(http: &Path, rel: &str) -> String {
    std::fs::read_to_string(http.join(rel)).expect("recording is readable")
}

pub fn crossref_path(doi: &str) -> String {
    format!("/works/{}", doi.replace('/', "%2F"))
}

/// A server playing both the DOI registry and Crossref: every DOI of `CROSSREF` and the
/// thesis exists, Crossref knows the `CROSSREF` ones, content negotiation serves the
/// thesis. Other paths answer 404.
pub async fn registry(http: &Path) -> MockServer {
    let server = MockServer::start().await;
    mount_registry(&server, http).await;
    server
}

pub async fn mount_registry(server: &MockServer, http: &Path) {
    mount_registry_paced(server, http, "50").await;
}

/// As [`mount_registry`], Crossref announcing `limit` requests per second.
pub async fn mount_registry_paced(server: &MockServer, http: &Path, limit: &str) {
    for doi in CROSSREF.iter().map(|(d, _)| *d).chain([THESIS]) {
        Mock::given(path(format!("/api/handles/{doi}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "responseCode": 1, "handle": doi, "values": []
            })))
            .mount(server)
            .await;
    }
    for (doi, rel) in CROSSREF {
        Mock::given(path(crossref_path(doi)))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-rate-limit-limit", limit)
                    .insert_header("x-rate-limit-interval", "1s")
                    .set_body_raw(recorded(http, rel), "application/json"),
            )
            .mount(server)
            .await;
    }
    // As the DOI proxy does, content negotiation is redirected to the agency.
    Mock::given(path(format!("/{THESIS}")))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/datacite/thesis"))
        .mount(server)
        .await;
    Mock::given(path("/datacite/thesis"))
        .and(header("accept", "application/vnd.citationstyles.csl+json"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            recorded(http, THESIS_CSL),
            "application/vnd.citationstyles.csl+json",
        ))
        .mount(server)
        .await;
}

pub fn options(registry: &str, crossref: &str) -> Options {
    let mut o = Options::default();
    o.resolve.cache = false;
    o.resolve.allow_private = true;
    o.resolve.timeout = Duration::from_secs(2);
    o.resolve.retries = 2;
    o.resolve.backoff_base = Duration::from_millis(20);
    o.resolve.doi_resolver = url::Url::parse(registry).expect("server URL");
    o.resolve.crossref_api = url::Url::parse(crossref).expect("server URL");
    o
}

pub fn article(entries: &[&str]) -> String {
    let mut s = String::from("Text citing");
    for i in 1..=entries.len() {
        s.push_str(&format!(" [{i}]"));
    }
    s.push_str(".\n\nReferences\n\n");
    for (i, e) in entries.iter().enumerate() {
        s.push_str(&format!("{}. {e}\n", i + 1));
    }
    s
}

pub fn check(entries: &[&str], options: &Options) -> Report {
    check_sources(
        vec![SourceFile::new("a.txt", article(entries))],
        Vec::new(),
        options,
    )
}

/// (code, severity, label) of the metadata findings.
pub fn metadata_findings(report: &Report) -> Vec<(Code, Severity, String)> {
    report
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.code,
                Code::MetadataMismatch
                    | Code::Retracted
                    | Code::ExpressionOfConcern
                    | Code::Corrected
            )
        })
        .map(|f| (f.code, f.severity, f.labels.join(",")))
        .collect()
}

pub async fn requests_to(server: &MockServer, prefix: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().starts_with(prefix))
        .count()
}

/// A Crossref search answer whose hits are recorded works, best first.
pub fn search_answer(http: &Path, dois: &[&str]) -> Value {
    let items: Vec<Value> = dois
        .iter()
        .map(|doi| {
            let rel = CROSSREF
                .iter()
                .find(|(d, _)| d == doi)
                .map(|(_, r)| *r)
                .expect("recorded");
            let work: Value = serde_json::from_str(&recorded(http, rel)).expect("JSON");
            work["message"].clone()
        })
        .collect();
    serde_json::json!({
        "status": "ok",
        "message-type": "work-list",
        "message": { "total-results": items.len(), "items": items }
    })
}
