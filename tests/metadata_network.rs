//! Registered metadata over the network: real servers on 127.0.0.1 serving the answers
//! Crossref and the DOI proxy really gave (recorded in ../shared/corpus/http/, read at
//! run time; the tests skip with a message when the corpus is absent).
//!
//! The entries are written by us; the registered side is always a real recording.

mod metadata_common;

use metadata_common::*;
use refcheck::check::metadata::Verdict;
use refcheck::model::Status;
use refcheck::{check_sources, Code, Severity, SourceFile};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DELPHI_APA: &str = "Boulkedid, R., Abdoul, H., Loustau, M., Sibony, O., & Alberti, C. (2011). Using and reporting the Delphi method for selecting healthcare quality indicators: A systematic review. PLoS ONE, 6(6), e20476. https://doi.org/10.1371/journal.pone.0020476";
const FGENE_VANCOUVER: &str = "Pánek J, Modrák M, Schwarz M. An algorithm for template-based prediction of secondary structures of individual RNA sequences. Front Genet. 2017;8:147. doi:10.3389/fgene.2017.00147";
const GINO_VANCOUVER: &str = "Gino F, Wiltermuth SS. Evil genius? How dishonesty can lead to greater creativity. Psychol Sci. 2014;25(4):973-981. doi:10.1177/0956797614520714";

#[tokio::test(flavor = "multi_thread")]
async fn correct_entries_give_no_finding_and_carry_evidence() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    let report = check(
        &[DELPHI_APA, FGENE_VANCOUVER],
        &options(&server.uri(), &server.uri()),
    );
    assert_eq!(metadata_findings(&report), vec![]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.evidence.len(), 2, "one evidence record per DOI");
    for e in report.evidence.values() {
        assert_eq!(e.verdict, Verdict::Match, "{e:?}");
        assert!(e.title_similarity.is_some_and(|s| s >= 0.8), "{e:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dois_swapped_between_neighbouring_entries_are_mismatches() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    // Both DOIs exist; each entry carries the other's.
    let report = check(
        &[
            "Boulkedid R, Abdoul H, Loustau M, Sibony O, Alberti C. Using and reporting the Delphi method for selecting healthcare quality indicators: a systematic review. PLoS One. 2011;6(6):e20476. doi:10.1371/journal.pone.0033693",
            "Sadasivan S, Pond BB, Pani AK, Qu C, Jiao Y, Smeyne RJ. Methylphenidate exposure induces dopamine neuron loss and activation of microglia in the basal ganglia of mice. PLoS One. 2012;7(3):e33693. doi:10.1371/journal.pone.0020476",
        ],
        &options(&server.uri(), &server.uri()),
    );
    let found = metadata_findings(&report);
    assert!(
        found.contains(&(Code::MetadataMismatch, Severity::Error, "1".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&(Code::MetadataMismatch, Severity::Error, "2".into())),
        "{found:?}"
    );
    let mismatch = report
        .findings
        .iter()
        .find(|f| f.code == Code::MetadataMismatch && f.labels == ["1"])
        .expect("entry 1 mismatch");
    assert!(
        mismatch.message.contains("Methylphenidate") && mismatch.message.contains("Delphi"),
        "both sides are shown: {}",
        mismatch.message
    );
    // The registry's verdict stands: the DOIs exist.
    for r in report.resolutions.values() {
        assert_eq!(r.status(), Status::Ok);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_title_with_the_wrong_year_is_a_warning() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    let report = check(
        &[&DELPHI_APA.replace("(2011)", "(2005)")],
        &options(&server.uri(), &server.uri()),
    );
    assert_eq!(
        metadata_findings(&report),
        vec![(Code::MetadataMismatch, Severity::Warning, "1".to_string())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retracted_work_is_an_error_naming_the_notice() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    let report = check(&[GINO_VANCOUVER], &options(&server.uri(), &server.uri()));
    assert_eq!(
        metadata_findings(&report),
        vec![(Code::Retracted, Severity::Error, "1".to_string())],
        "retracted, and the \"Retracted:\" title prefix is no mismatch"
    );
    let f = &report.findings.iter().find(|f| f.code == Code::Retracted);
    let message = &f.expect("retracted").message;
    assert!(message.contains("10.1177/09567976231187595"), "{message}");
    assert!(message.contains("2023"), "{message}");
    let evidence = report.evidence.values().next().expect("evidence");
    assert!(!evidence.notices.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_datacite_doi_is_read_by_content_negotiation() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    let report = check(
        &["Himmelstein DS. The hetnet awakens: understanding complex diseases through data integration and open science [dissertation]. San Francisco: University of California; 2017. doi:10.6084/m9.figshare.4724797"],
        &options(&server.uri(), &server.uri()),
    );
    assert_eq!(metadata_findings(&report), vec![]);
    let evidence = report.evidence.values().next().expect("evidence");
    assert_eq!(evidence.verdict, Verdict::Match);
    assert_eq!(evidence.source, Some(refcheck::metadata::Origin::Csl));
    assert_eq!(
        requests_to(&server, &crossref_path(THESIS)).await,
        1,
        "Crossref asked first"
    );
    assert_eq!(
        requests_to(&server, &format!("/{THESIS}")).await,
        1,
        "then content negotiation"
    );
    assert_eq!(
        requests_to(&server, "/datacite/thesis").await,
        1,
        "through the redirect"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn crossref_429_with_retry_after_is_waited_for() {
    let Some(http) = http_dir() else { return };
    let server = MockServer::start().await;
    Mock::given(path(crossref_path(GINO)))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_registry(&server, &http).await;
    let started = std::time::Instant::now();
    let report = check(&[GINO_VANCOUVER], &options(&server.uri(), &server.uri()));
    assert_eq!(
        metadata_findings(&report),
        vec![(Code::Retracted, Severity::Error, "1".to_string())]
    );
    assert_eq!(requests_to(&server, &crossref_path(GINO)).await, 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After");
}

#[tokio::test(flavor = "multi_thread")]
async fn crossref_unreachable_claims_nothing_and_the_doi_stays_ok() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    // Nothing listens on port 9 (discard) of this machine: connections are refused.
    let mut o = options(&server.uri(), "http://127.0.0.1:9");
    o.resolve.retries = 1;
    let report = check(
        &["Hartmann L, Okafor B. Moral licensing in the open-plan office. J Organ Behav. 2016;37(2):113-129. doi:10.1371/journal.pone.0033693"],
        &o,
    );
    assert_eq!(metadata_findings(&report), vec![]);
    assert!(report.evidence.is_empty());
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("10.1371/journal.pone.0033693") && w.contains("not compared")),
        "the user hears that nothing was compared: {:?}",
        report.warnings
    );
    assert_eq!(report.resolutions.len(), 1);
    for r in report.resolutions.values() {
        assert_eq!(r.status(), Status::Ok);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn crossref_errors_claim_nothing() {
    let Some(http) = http_dir() else { return };
    let server = MockServer::start().await;
    Mock::given(path_regex("^/works/"))
        .respond_with(ResponseTemplate::new(503))
        .with_priority(1)
        .mount(&server)
        .await;
    mount_registry(&server, &http).await;
    let report = check(&[GINO_VANCOUVER], &options(&server.uri(), &server.uri()));
    assert_eq!(metadata_findings(&report), vec![]);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(
        report.warnings[0].contains("HTTP 503"),
        "{:?}",
        report.warnings
    );
    assert_eq!(
        requests_to(&server, "/works/").await,
        3,
        "one attempt and two retries"
    );
    assert_eq!(
        requests_to(&server, &format!("/{GINO}")).await,
        0,
        "a Crossref error is not a reason to ask another registry"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_metadata_request_per_unique_doi_and_a_second_run_from_the_cache() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    let cache = tempfile::tempdir().expect("temp dir");
    let mut o = options(&server.uri(), &server.uri());
    o.resolve.cache = true;
    o.resolve.cache_dir = Some(cache.path().to_path_buf());
    let text = article(&[DELPHI_APA, GINO_VANCOUVER, DELPHI_APA, GINO_VANCOUVER]);
    let files = || {
        vec![
            SourceFile::new("a.txt", text.clone()),
            SourceFile::new("b.txt", text.clone()),
        ]
    };
    let first = check_sources(files(), Vec::new(), &o);
    assert_eq!(
        metadata_findings(&first)
            .iter()
            .filter(|f| f.0 == Code::Retracted)
            .count(),
        4,
        "every entry citing the retracted work, in both files"
    );
    assert_eq!(first.evidence.len(), 8, "evidence for every DOI written");
    assert_eq!(requests_to(&server, &crossref_path(DELPHI)).await, 1);
    assert_eq!(requests_to(&server, &crossref_path(GINO)).await, 1);
    let before = requests_to(&server, "/").await;
    let second = check_sources(files(), Vec::new(), &o);
    assert_eq!(
        requests_to(&server, "/").await,
        before,
        "the second run asked nothing"
    );
    assert_eq!(metadata_findings(&first), metadata_findings(&second));
    assert_eq!(first.evidence, second.evidence);
}

#[tokio::test(flavor = "multi_thread")]
async fn suggest_dois_offers_the_top_hit_only_when_all_three_agree() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    Mock::given(method("GET"))
        .and(path("/works"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(search_answer(&http, &[DELPHI, FGENE])),
        )
        .mount(&server)
        .await;
    let mut o = options(&server.uri(), &server.uri());
    let entries = [
        // Title, first author and year agree with the top hit.
        "Boulkedid R, Abdoul H, Loustau M, Sibony O, Alberti C. Using and reporting the Delphi method for selecting healthcare quality indicators: a systematic review. PLoS One. 2011;6(6).",
        // The year disagrees.
        "Boulkedid R, Abdoul H, Loustau M, Sibony O, Alberti C. Using and reporting the Delphi method for selecting healthcare quality indicators: a systematic review. PLoS One. 1998;6(6).",
        // The first author disagrees.
        "Whitfield K, Abdoul H. Using and reporting the Delphi method for selecting healthcare quality indicators: a systematic review. PLoS One. 2011;6(6).",
    ];
    let without = check(&entries, &o);
    assert!(without.suggestions.is_empty(), "only with --suggest-dois");
    assert_eq!(requests_to(&server, "/works").await, 0);

    o.resolve.suggest_dois = true;
    let report = check(&entries, &o);
    assert_eq!(report.suggestions.len(), 1, "{:?}", report.suggestions);
    let (key, s) = report.suggestions.iter().next().expect("one");
    assert_eq!(s.doi, DELPHI);
    let first = &report.files[0].document.references[0];
    assert_eq!(*key, (0, first.span));
    let help = report
        .findings
        .iter()
        .find(|f| f.code == Code::MissingIdentifier && f.labels == ["1"])
        .and_then(|f| f.help.clone())
        .expect("entry 1 has no identifier");
    assert!(help.contains(DELPHI), "{help}");
    for label in ["2", "3"] {
        let f = report
            .findings
            .iter()
            .find(|f| f.code == Code::MissingIdentifier && f.labels == [label])
            .expect("no identifier");
        assert!(
            !f.help.as_deref().unwrap_or("").contains("10.1371"),
            "{f:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn suggest_dois_offers_the_right_doi_for_a_mismatch() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    Mock::given(path("/works"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(search_answer(&http, &[DELPHI, METHYLPHENIDATE])),
        )
        .mount(&server)
        .await;
    let mut o = options(&server.uri(), &server.uri());
    o.resolve.suggest_dois = true;
    let report = check(
        &["Boulkedid R, Abdoul H, Loustau M, Sibony O, Alberti C. Using and reporting the Delphi method for selecting healthcare quality indicators: a systematic review. PLoS One. 2011;6(6):e20476. doi:10.1371/journal.pone.0033693"],
        &o,
    );
    let mismatch = report
        .findings
        .iter()
        .find(|f| f.code == Code::MetadataMismatch)
        .expect("mismatch");
    let help = mismatch.help.as_deref().unwrap_or("");
    assert!(help.contains(DELPHI), "{mismatch:?}");
    assert!(
        help.contains("titles differ"),
        "the explanation stays: {help}"
    );
    assert_eq!(report.suggestions.len(), 1);
}

/// The flawed sample article, run by the binary against a server built from the same
/// recordings as tests/mock_registry.py: one metadata mismatch (entry 4, whose DOI is
/// registered to another paper) and one retraction (entry 2), and nothing about the
/// correct entries.
#[tokio::test(flavor = "multi_thread")]
async fn the_flawed_sample_shows_a_mismatch_and_a_retraction() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    let uri = server.uri();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("references/flawed-article.txt");
    let output = tokio::task::spawn_blocking(move || {
        assert_cmd::Command::cargo_bin("refcheck")
            .expect("binary is built")
            .args(["--format", "json", "--no-progress", "--no-cache"])
            .args(["--doi-resolver", &uri, "--crossref-api", &uri])
            // The sample's one URL is not the subject here, and tests stay off the internet.
            .args(["--exclude", r"osf\.io"])
            .arg(sample)
            .output()
            .expect("runs")
    })
    .await
    .expect("joins");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let findings = report["findings"].as_array().expect("findings");
    let of = |code: &str| -> Vec<Value> {
        findings
            .iter()
            .filter(|f| f["code"] == code)
            .map(|f| f["labels"].clone())
            .collect()
    };
    assert_eq!(of("metadata-mismatch"), vec![serde_json::json!(["4"])]);
    assert_eq!(of("retracted"), vec![serde_json::json!(["2"])]);
    for f in findings {
        let code = f["code"].as_str().unwrap_or_default();
        if matches!(
            code,
            "metadata-mismatch" | "retracted" | "expression-of-concern"
        ) {
            for correct in ["1", "3", "5"] {
                assert_ne!(f["labels"], serde_json::json!([correct]), "{f}");
            }
        }
    }
    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn crossref_rate_limit_headers_pace_its_requests() {
    let Some(http) = http_dir() else { return };
    let server = MockServer::start().await;
    // Four requests a second: 250 ms between the starts of two requests.
    mount_registry_paced(&server, &http, "4").await;
    let mut o = options(&server.uri(), &server.uri());
    // One request at a time, so that every request after the first knows the pace.
    o.resolve.hosts.insert(
        "127.0.0.1".into(),
        refcheck::resolve::hosts::HostLimits {
            concurrency: Some(1),
            ..Default::default()
        },
    );
    let started = std::time::Instant::now();
    let report = check(&[DELPHI_APA, FGENE_VANCOUVER, GINO_VANCOUVER], &o);
    assert_eq!(report.evidence.len(), 3);
    assert!(
        started.elapsed() >= Duration::from_millis(490),
        "three Crossref requests at 250 ms spacing: {:?}",
        started.elapsed()
    );
}

/// Records what the library reports to the progress bar.
#[derive(Default)]
struct Recorder {
    events: std::sync::Mutex<Vec<String>>,
}

impl Recorder {
    fn push(&self, e: String) {
        self.events.lock().expect("lock").push(e);
    }
}

impl refcheck::resolve::Progress for Recorder {
    fn start(&self, total: usize) {
        self.push(format!("start {total}"));
    }
    fn resolved(&self, key: &refcheck::model::IdKey, _: &refcheck::model::Resolution) {
        self.push(format!("resolved {}", key.value));
    }
    fn more(&self, n: usize) {
        self.push(format!("more {n}"));
    }
    fn looked_up(&self, what: &str) {
        self.push(format!("looked up {what}"));
    }
    fn finish(&self) {
        self.push("finish".into());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_counts_metadata_lookups_and_finishes_once() {
    let Some(http) = http_dir() else { return };
    let server = registry(&http).await;
    let recorder = Recorder::default();
    refcheck::check_sources_with(
        vec![SourceFile::new(
            "a.txt",
            article(&[DELPHI_APA, GINO_VANCOUVER, DELPHI_APA]),
        )],
        Vec::new(),
        &options(&server.uri(), &server.uri()),
        &recorder,
    );
    let events = recorder.events.into_inner().expect("lock");
    let count = |prefix: &str| events.iter().filter(|e| e.starts_with(prefix)).count();
    assert_eq!(events.first().map(String::as_str), Some("start 2"));
    assert_eq!(count("resolved "), 2);
    assert!(events.contains(&"more 2".to_string()), "{events:?}");
    assert_eq!(count("looked up "), 2, "one step per unique DOI");
    assert_eq!(count("finish"), 1);
    assert_eq!(events.last().map(String::as_str), Some("finish"));
}
