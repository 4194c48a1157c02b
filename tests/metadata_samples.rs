//! The sample article with flaws (`references/flawed-article.txt`) shows a metadata
//! mismatch and a retraction when its DOIs' recorded metadata is compared with its
//! entries (issue 4, "Done when"). The records are the real answers in
//! ../shared/corpus/http/, listed in tests/fixtures/metadata/entries.toml.

use refcheck::check::metadata::check;
use refcheck::metadata::{parse, Registered};
use refcheck::model::IdKind;
use refcheck::{Code, Finding, Format, Severity, SourceFile};
use std::collections::HashMap;
use std::path::PathBuf;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The recorded records by DOI, or `None` when the shared corpus is absent.
fn records() -> Option<HashMap<String, Registered>> {
    let http = manifest().join("../shared/corpus/http");
    if !http.is_dir() {
        eprintln!("skipped: {} is absent", http.display());
        return None;
    }
    let set: toml::Table =
        std::fs::read_to_string(manifest().join("tests/fixtures/metadata/entries.toml"))
            .expect("fixture readable")
            .parse()
            .expect("fixture is TOML");
    let mut out = HashMap::new();
    for (doi, rec) in set["records"].as_table().expect("records table") {
        let body = std::fs::read_to_string(http.join(rec["path"].as_str().expect("path")))
            .expect("body readable");
        let parsed = match rec["format"].as_str() {
            Some("csl") => parse::csl(&body),
            _ => parse::crossref_work(&body),
        };
        out.insert(doi.clone(), parsed.expect("recorded body parses"));
    }
    Some(out)
}

/// The metadata findings for every entry of `path` whose DOI has a recorded record.
fn metadata_findings(path: &str, records: &HashMap<String, Registered>) -> Option<Vec<Finding>> {
    let text = std::fs::read_to_string(manifest().join(path)).ok()?;
    let source = SourceFile::new(path, text);
    let doc = refcheck::extract::extract(&source, Format::Text).expect("sample extracts");
    let mut findings = Vec::new();
    for r in &doc.references {
        for id in r.identifiers.iter().filter(|i| i.kind == IdKind::Doi) {
            if let Some(reg) = records.get(&id.value) {
                findings.extend(check(0, r, id, reg).findings);
            }
        }
    }
    Some(findings)
}

#[test]
fn the_flawed_sample_shows_a_mismatch_and_a_retraction() {
    let Some(records) = records() else {
        return;
    };
    let Some(findings) = metadata_findings("references/flawed-article.txt", &records) else {
        eprintln!("skipped: references/flawed-article.txt is absent");
        return;
    };
    let has = |code: Code, severity: Severity| {
        findings
            .iter()
            .any(|f| f.code == code && f.severity == severity)
    };
    assert!(
        has(Code::MetadataMismatch, Severity::Error),
        "{findings:#?}"
    );
    assert!(has(Code::Retracted, Severity::Error), "{findings:#?}");
    // Its correct entries stay clean: one mismatch only.
    let mismatches = findings
        .iter()
        .filter(|f| f.code == Code::MetadataMismatch)
        .count();
    assert_eq!(mismatches, 1, "{findings:#?}");
}
