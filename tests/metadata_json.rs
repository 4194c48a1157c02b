//! The JSON report carries, for each DOI identifier, the registered metadata and the
//! similarity used (issue 4, "Evidence for reviewers"), and a suggested DOI for an
//! entry when there is one.

use refcheck::check::metadata::check;
use refcheck::check::suggest::Suggestion;
use refcheck::metadata::parse;
use refcheck::report::{render, OutputFormat, RenderOptions};
use refcheck::{check_sources, Options, SourceFile};

const ARTICLE: &str = "Water is strange [1], and so is everything else [2].\n\nReferences\n\n1. Frank HS. The structure of ordinary water. Science. 1970;169(3946):635-41. doi:10.1126/science.169.3946.635\n2. Frank HS. Free volume and entropy in condensed systems. J Chem Phys. 1945;13:507-32.\n";

/// Frank's record as DOI content negotiation returns it, trimmed to what matters.
const CSL: &str = r#"{"DOI":"10.1126/science.169.3946.635","type":"journal-article","title":"The Structure of Ordinary Water",
  "subtitle":["New data and interpretations are yielding new insights into this fascinating substance."],
  "author":[{"given":"Henry S.","family":"Frank"}],"issued":{"date-parts":[[1970,8,14]]},"container-title":"Science"}"#;

#[test]
fn doi_identifiers_carry_their_evidence_and_entries_their_suggestion() {
    let mut report = check_sources(
        vec![SourceFile::new("a.txt", ARTICLE)],
        Vec::new(),
        &Options {
            offline: true,
            ..Options::default()
        },
    );
    let registered = parse::csl(CSL).unwrap();
    let doc = &report.files[0].document;
    let (entry, id) = (&doc.references[0], &doc.references[0].identifiers[0]);
    let outcome = check(0, entry, id, &registered);
    assert!(outcome.findings.is_empty());
    report.evidence.insert((0, id.span), outcome.evidence);
    let second = doc.references[1].span;
    report.suggestions.insert(
        (0, second),
        Suggestion {
            doi: "10.5555/free-volume".into(),
            title: Some("Free Volume and Entropy in Condensed Systems".into()),
            first_author: Some("Frank".into()),
            year: Some(1945),
            title_similarity: 1.0,
        },
    );

    let mut out = Vec::new();
    render(
        &report,
        OutputFormat::Json,
        RenderOptions::default(),
        &mut out,
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let refs = &json["files"][0]["references"];
    let m = &refs[0]["identifiers"][0]["metadata"];
    assert_eq!(m["registered_title"], "The Structure of Ordinary Water");
    assert_eq!(m["registered_first_author"], "Frank");
    assert_eq!(m["registered_year"], 1970);
    assert_eq!(m["title_similarity"], 1.0);
    assert_eq!(m["verdict"], "match");
    assert_eq!(m["source"], "csl");
    assert_eq!(refs[1]["suggestion"]["doi"], "10.5555/free-volume");
    assert!(refs[0].get("suggestion").is_none());
}
