//! Every recorded registry answer in ../shared/corpus/http/ is read the way the
//! resolver will read it: Crossref works records are found with their title, authors
//! and years; Crossref 404s mean "not known here, ask the next registry"; CSL-JSON
//! from content negotiation is found; other bodies (BibTeX, DataCite's own REST
//! format, HTML error pages) are unusable rather than read as an empty work.

use refcheck::metadata::api::{read_crossref, read_csl, Answer};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Deserialize)]
struct Recorded {
    file: String,
    uri: String,
    /// A number in some indexes, a string in others.
    #[serde(deserialize_with = "number_or_string")]
    status: u16,
}

fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| serde::de::Error::custom("status is not a number"))
}

/// Every recorded answer with its URI and status, or `None` when the corpus is absent.
fn recorded() -> Option<Vec<(Recorded, String)>> {
    let decoded = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/http/decoded");
    if !decoded.is_dir() {
        eprintln!("skipped: {} is absent", decoded.display());
        return None;
    }
    let mut out = Vec::new();
    for tool in std::fs::read_dir(&decoded).expect("readable").flatten() {
        for f in std::fs::read_dir(tool.path()).expect("readable").flatten() {
            let path = f.path();
            if !path.to_string_lossy().ends_with(".index.json") {
                continue;
            }
            let index: Vec<Recorded> =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("readable"))
                    .expect("index is JSON");
            for r in index {
                let body = std::fs::read_to_string(tool.path().join(&r.file)).unwrap_or_default();
                out.push((r, body));
            }
        }
    }
    out.sort_by(|a, b| a.0.file.cmp(&b.0.file));
    Some(out)
}

#[test]
fn crossref_works_answers_are_read() {
    let Some(all) = recorded() else {
        return;
    };
    let mut found = 0;
    let mut unknown = 0;
    for (r, body) in &all {
        let Some(doi) = r.uri.strip_prefix("https://api.crossref.org/works/") else {
            continue;
        };
        if doi.contains("/transform") || doi.ends_with("/agency") {
            continue;
        }
        match read_crossref(r.status, body) {
            Answer::Found(reg) => {
                assert_eq!(reg.doi, doi.to_lowercase(), "{}", r.file);
                assert!(
                    reg.title.is_some() && !reg.authors.is_empty() && !reg.years.is_empty(),
                    "{}: {reg:?}",
                    r.file
                );
                found += 1;
            }
            Answer::Unknown => {
                assert_eq!(r.status, 404, "{}", r.file);
                unknown += 1;
            }
            other => panic!("{}: {other:?}", r.file),
        }
    }
    assert_eq!((found, unknown), (4, 2), "recorded Crossref works answers");
}

#[test]
fn content_negotiation_answers_are_read() {
    let Some(all) = recorded() else {
        return;
    };
    let mut found = 0;
    for (r, body) in &all {
        let answer = read_csl(r.status, body);
        if r.uri
            .ends_with("/transform/application/vnd.citationstyles.csl+json")
            && r.status == 200
        {
            let Answer::Found(reg) = answer else {
                panic!("{}: {answer:?}", r.file);
            };
            assert_eq!(
                reg.title.as_deref(),
                Some("The Structure of Ordinary Water")
            );
            assert_eq!(reg.authors, vec!["Frank"]);
            assert_eq!(reg.year(), Some(1970));
            found += 1;
        } else if r.file.ends_with(".bib") {
            assert!(
                matches!(answer, Answer::Unusable(_)),
                "{}: {answer:?}",
                r.file
            );
        } else if r.uri.starts_with("https://api.datacite.org/") && r.status == 200 {
            // DataCite's REST format is not CSL-JSON; it must not pass for an empty work.
            assert!(
                matches!(answer, Answer::Unusable(_)),
                "{}: {answer:?}",
                r.file
            );
        } else if r.uri.starts_with("https://doi.org/10.") && r.status == 404 {
            assert_eq!(answer, Answer::Unknown, "{}", r.file);
        }
    }
    assert_eq!(found, 2);
}

#[test]
fn stored_csl_json_records_are_read() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/http/csl-json");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    };
    let mut n = 0;
    for f in entries.flatten() {
        let body = std::fs::read_to_string(f.path()).expect("readable");
        let Answer::Found(reg) = read_csl(200, &body) else {
            panic!("{} is not read as a work", f.path().display());
        };
        assert!(
            reg.title.is_some() && !reg.authors.is_empty() && reg.year().is_some(),
            "{reg:?}"
        );
        n += 1;
    }
    assert!(n >= 2);
}
