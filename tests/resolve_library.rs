//! Resolution as the library runs it: progress reports, findings at the identifier,
//! statuses in the report, nothing at all when offline.

use refcheck::model::{IdKey, Resolution, Status};
use refcheck::resolve::Progress;
use refcheck::{check_sources_with, Code, Options, SourceFile};
use std::sync::Mutex;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TEXT: &str = "Claims [1] and [2].\n\nReferences\n\
1. Smith (2020). Found. doi:10.1234/found\n\
2. Jones (2021). Missing. doi:10.1234/missing\n";

#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<String>>,
}

impl Progress for Recorder {
    fn start(&self, total: usize) {
        self.events
            .lock()
            .expect("lock")
            .push(format!("start {total}"));
    }
    fn resolved(&self, key: &IdKey, r: &Resolution) {
        self.events
            .lock()
            .expect("lock")
            .push(format!("{} {}", key.value, r.status().as_str()));
    }
    fn finish(&self) {
        self.events.lock().expect("lock").push("finish".into());
    }
}

async fn registry() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/api/handles/10.1234/found"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "responseCode": 1, "handle": "10.1234/found", "values": []
        })))
        .mount(&server)
        .await;
    Mock::given(path("/api/handles/10.1234/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "responseCode": 100, "handle": "10.1234/missing"
        })))
        .mount(&server)
        .await;
    server
}

fn options(server: &MockServer, offline: bool) -> Options {
    let mut o = Options {
        offline,
        ..Options::default()
    };
    o.resolve.cache = false;
    o.resolve.doi_resolver = url::Url::parse(&server.uri()).expect("server URL");
    o.resolve.crossref_api = o.resolve.doi_resolver.clone();
    o
}

#[tokio::test(flavor = "multi_thread")]
async fn statuses_findings_and_progress() {
    let server = registry().await;
    let recorder = Recorder::default();
    let report = check_sources_with(
        vec![SourceFile::new("a.txt", TEXT)],
        Vec::new(),
        &options(&server, false),
        &recorder,
    );
    let mut events = recorder.events.into_inner().expect("lock");
    assert_eq!(events.first().map(String::as_str), Some("start 2"));
    assert_eq!(events.last().map(String::as_str), Some("finish"));
    events.sort();
    assert!(
        events.contains(&"10.1234/found ok".to_string()),
        "{events:?}"
    );
    assert!(
        events.contains(&"10.1234/missing not-found".to_string()),
        "{events:?}"
    );

    let ids: Vec<_> = report.files[0]
        .document
        .references
        .iter()
        .flat_map(|r| &r.identifiers)
        .collect();
    assert_eq!(report.status_of(ids[0]), Status::Ok);
    assert_eq!(report.status_of(ids[1]), Status::NotFound);
    let missing: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.code == Code::DoiNotFound)
        .collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(
        missing[0].span, ids[1].span,
        "the finding points at the DOI"
    );
    assert_eq!(missing[0].labels, ["2"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_resolves_nothing() {
    let server = registry().await;
    let recorder = Recorder::default();
    let report = check_sources_with(
        vec![SourceFile::new("a.txt", TEXT)],
        Vec::new(),
        &options(&server, true),
        &recorder,
    );
    assert!(report.resolutions.is_empty());
    assert!(recorder.events.into_inner().expect("lock").is_empty());
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn levels_apply_to_resolution_findings() {
    let server = registry().await;
    let mut o = options(&server, false);
    o.levels
        .set(Code::DoiNotFound, refcheck::diagnostic::Level::Allow);
    let report = check_sources_with(
        vec![SourceFile::new("a.txt", TEXT)],
        Vec::new(),
        &o,
        &refcheck::resolve::NoProgress,
    );
    assert!(!report.findings.iter().any(|f| f.code == Code::DoiNotFound));
}
