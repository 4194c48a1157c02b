//! The metadata evaluation set (issue 4): entries written by us in varied citation
//! styles, half correct and half deliberately wrong, checked against the metadata
//! that Crossref and DOI content negotiation really returned for their DOIs
//! (recorded in ../shared/corpus/http/, read at run time).
//!
//! refcheck must flag every wrong entry with `metadata-mismatch` at the expected
//! severity and none of the correct ones, and report the notices (retraction,
//! correction) the records carry.

use refcheck::check::metadata::{check, Verdict};
use refcheck::metadata::{parse, Registered};
use refcheck::model::IdKind;
use refcheck::{Code, Format, Severity, SourceFile};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

#[derive(Deserialize)]
struct Set {
    records: BTreeMap<String, Record>,
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Record {
    path: String,
    format: String,
}

#[derive(Deserialize)]
struct Entry {
    style: String,
    expect: String,
    mistake: Option<String>,
    notice: Option<String>,
    text: String,
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_set() -> Set {
    let path = manifest().join("tests/fixtures/metadata/entries.toml");
    let text = std::fs::read_to_string(&path).expect("the fixture is part of the repository");
    toml::from_str(&text).expect("the fixture is valid TOML")
}

/// The recorded registry answers by DOI, or `None` when the shared corpus is absent.
fn load_records(set: &Set) -> Option<HashMap<String, Registered>> {
    let http = manifest().join("../shared/corpus/http");
    if !http.is_dir() {
        eprintln!(
            "skipped: {} is absent (the shared corpus is not beside the checkout)",
            http.display()
        );
        return None;
    }
    let mut out = HashMap::new();
    for (doi, rec) in &set.records {
        let body =
            std::fs::read_to_string(http.join(&rec.path)).expect("recorded body is readable");
        let registered = match rec.format.as_str() {
            "crossref" => parse::crossref_work(&body),
            "csl" => parse::csl(&body),
            other => panic!("unknown record format {other}"),
        }
        .expect("recorded body parses");
        assert_eq!(
            &registered.doi, doi,
            "record {} is registered under its DOI",
            rec.path
        );
        out.insert(doi.clone(), registered);
    }
    Some(out)
}

#[test]
fn the_set_is_balanced_and_varied() {
    let set = load_set();
    let correct: Vec<&Entry> = set.entry.iter().filter(|e| e.expect == "ok").collect();
    let wrong: Vec<&Entry> = set.entry.iter().filter(|e| e.expect != "ok").collect();
    assert!(set.entry.len() >= 40, "{} entries", set.entry.len());
    assert_eq!(correct.len(), wrong.len(), "half correct, half wrong");
    assert!(correct.iter().all(|e| e.mistake.is_none()));
    let styles: BTreeSet<&str> = correct.iter().map(|e| e.style.as_str()).collect();
    assert!(styles.len() >= 6, "styles: {styles:?}");
    let mistakes: BTreeSet<&str> = wrong.iter().filter_map(|e| e.mistake.as_deref()).collect();
    for kind in ["swapped-doi", "wrong-title", "wrong-author", "wrong-year"] {
        assert!(mistakes.contains(kind), "no {kind} entry");
    }
}

#[test]
fn every_wrong_entry_is_flagged_and_no_correct_one() {
    let set = load_set();
    let Some(records) = load_records(&set) else {
        return;
    };
    // All entries form the reference list of one article, as a user would write it.
    let mut article = String::from("Evaluation set\n\nReferences\n\n");
    for (i, e) in set.entry.iter().enumerate() {
        article.push_str(&format!("{}. {}\n", i + 1, e.text));
    }
    let source = SourceFile::new("set.txt", article);
    let doc = refcheck::extract::extract(&source, Format::Text).expect("text extracts");
    assert_eq!(doc.references.len(), set.entry.len());

    let mut failures = Vec::new();
    let (mut wrong_flagged, mut wrong, mut correct_flagged) = (0, 0, 0);
    for (e, r) in set.entry.iter().zip(&doc.references) {
        let id = r
            .identifiers
            .iter()
            .find(|i| i.kind == IdKind::Doi)
            .unwrap_or_else(|| panic!("entry {} has a DOI", r.label));
        let registered = &records[&id.value];
        let out = check(0, r, id, registered);
        let mismatch = out
            .findings
            .iter()
            .find(|f| f.code == Code::MetadataMismatch);
        let got = match mismatch.map(|f| f.severity) {
            None => "ok",
            Some(Severity::Warning) => "warning",
            Some(Severity::Error) => "error",
            Some(Severity::Note) => "note",
        };
        if e.expect == "ok" {
            correct_flagged += usize::from(got != "ok");
        } else {
            wrong += 1;
            wrong_flagged += usize::from(got != "ok");
        }
        let verdict_agrees = match got {
            "ok" => out.evidence.verdict == Verdict::Match,
            "warning" => out.evidence.verdict == Verdict::Doubtful,
            _ => out.evidence.verdict == Verdict::Mismatch,
        };
        if got != e.expect || !verdict_agrees {
            failures.push(format!(
                "[{}] {} {}: expected {}, got {got} ({:?})\n    {}\n    evidence: {:?}",
                r.label,
                e.style,
                e.mistake.as_deref().unwrap_or("correct"),
                e.expect,
                mismatch.map(|f| &f.message),
                e.text,
                out.evidence
            ));
        }
        let notice = out
            .findings
            .iter()
            .find(|f| f.code != Code::MetadataMismatch)
            .map(|f| f.code.as_str());
        if notice != e.notice.as_deref() {
            failures.push(format!(
                "[{}] expected notice {:?}, got {notice:?}",
                r.label, e.notice
            ));
        }
        if let Some(f) = mismatch {
            // Both sides are shown: the registered title and what the entry cites.
            let reg_title = out.evidence.registered_title.as_deref().unwrap_or_default();
            if !f.message.contains(reg_title) || !f.message.contains("but the entry cites") {
                failures.push(format!(
                    "[{}] message does not show both sides: {}",
                    r.label, f.message
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wrong entries flagged, {} correct entries flagged\n{}",
        wrong_flagged,
        wrong,
        correct_flagged,
        failures.join("\n")
    );
    assert_eq!(wrong_flagged, wrong);
    assert_eq!(correct_flagged, 0);
}
