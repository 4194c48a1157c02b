//! Unit tests of `check::metadata`: the decision table, the messages, and the
//! notices of real recorded registry answers.

use super::*;
use crate::metadata::parse;
use crate::model::IdKind;
use crate::source::Span;

fn entry(text: &str, doi: &str) -> (Reference, Identifier) {
    let id = Identifier {
        kind: IdKind::Doi,
        value: doi.to_string(),
        span: Span::new(10, 10 + doi.len()),
        problem: None,
    };
    let r = Reference {
        label: "7".into(),
        label_span: Span::new(0, 1),
        span: Span::new(0, text.len()),
        text: text.into(),
        identifiers: vec![id.clone()],
    };
    (r, id)
}

fn record(title: &str, authors: &[&str], years: &[i32]) -> Registered {
    Registered {
        doi: "10.1/x".into(),
        title: Some(title.into()),
        authors: authors.iter().map(|a| a.to_string()).collect(),
        years: years.to_vec(),
        ..Registered::default()
    }
}

/// A recorded registry answer from the shared corpus, or `None` (with a note) when
/// the corpus is not beside the checkout.
#[allow(clippy::print_stderr)]
fn corpus(path: &str) -> Option<String> {
    let full = format!(
        "{}/../shared/corpus/http/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(&full) {
        Ok(s) => Some(s),
        Err(_) => {
            eprintln!("skipped: {full} is absent (the shared corpus is not beside the checkout)");
            None
        }
    }
}

fn check_text(text: &str, registered: &Registered) -> Outcome {
    let (r, id) = entry(text, "10.1/x");
    check(0, &r, &id, registered)
}

const WATER: &str = "The Structure of Ordinary Water";

#[test]
fn the_decision_table_holds() {
    use TitleAgreement::*;
    assert_eq!(verdict(Differs, Some(false), None), Verdict::Mismatch);
    assert_eq!(verdict(Differs, None, Some(false)), Verdict::Mismatch);
    assert_eq!(verdict(Unsure, Some(false), Some(false)), Verdict::Mismatch);
    assert_eq!(verdict(Differs, Some(true), Some(false)), Verdict::Doubtful);
    assert_eq!(verdict(Differs, None, Some(true)), Verdict::Doubtful);
    assert_eq!(verdict(Differs, None, None), Verdict::Doubtful);
    assert_eq!(verdict(Matches, Some(false), Some(true)), Verdict::Doubtful);
    assert_eq!(verdict(Matches, Some(true), Some(false)), Verdict::Doubtful);
    assert_eq!(
        verdict(Unknown, Some(false), Some(false)),
        Verdict::Doubtful
    );
    assert_eq!(verdict(Unsure, Some(true), Some(true)), Verdict::Match);
    assert_eq!(verdict(Unknown, None, None), Verdict::Match);
    assert_eq!(verdict(Matches, Some(true), Some(true)), Verdict::Match);
}

#[test]
fn a_good_entry_gives_no_finding_and_full_evidence() {
    let reg = record(WATER, &["Frank"], &[1970]);
    let out = check_text(
        "Frank, H. S. (1971). The structure of ordinary water. Science.",
        &reg,
    );
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let e = out.evidence;
    assert_eq!(e.verdict, Verdict::Match);
    assert_eq!(e.title_similarity, Some(1.0));
    assert_eq!(
        (e.first_author_found, e.year_matches),
        (Some(true), Some(true))
    );
    assert_eq!(e.registered_first_author.as_deref(), Some("Frank"));
}

#[test]
fn another_work_is_an_error_that_shows_both_sides() {
    let reg = record(
        "Evil Genius? How Dishonesty Can Lead to Greater Creativity",
        &["Gino", "Wiltermuth"],
        &[2014],
    );
    let out = check_text(
        "Frank, H. S. (1970). The structure of ordinary water. Science.",
        &reg,
    );
    assert_eq!(out.findings.len(), 1);
    let f = &out.findings[0];
    assert_eq!(
        (f.code, f.severity),
        (Code::MetadataMismatch, Severity::Error)
    );
    assert_eq!(
        f.message,
        "DOI 10.1/x is registered as \"Evil Genius? How Dishonesty Can Lead to Greater Creativity\" (Gino, 2014), but the entry cites \"The structure of ordinary water\" (Frank, 1970)"
    );
    let help = f.help.as_deref().unwrap();
    assert!(
        help.contains("Frank is not among the registered authors (Gino, Wiltermuth)"),
        "{help}"
    );
    assert!(help.contains("the registered year is 2014"), "{help}");
    assert_eq!(f.labels, vec!["7"]);
    assert_eq!(f.span, Span::new(10, 16));
}

#[test]
fn weaker_disagreements_are_warnings() {
    let reg = record(WATER, &["Frank"], &[1970]);
    let year = check_text(
        "Frank, H. S. (1975). The structure of ordinary water. Science.",
        &reg,
    );
    assert_eq!(year.findings[0].severity, Severity::Warning);
    assert!(year.findings[0]
        .help
        .as_deref()
        .unwrap()
        .contains("check the year"));
    let author = check_text(
        "Smith, H. S. (1970). The structure of ordinary water. Science.",
        &reg,
    );
    assert_eq!(author.findings[0].severity, Severity::Warning);
    assert!(author.findings[0]
        .help
        .as_deref()
        .unwrap()
        .contains("check the author list"));
}

#[test]
fn subtitles_other_titles_and_retraction_prefixes_are_forgiven() {
    let mut reg = record("Retracted: Evil Genius?", &["Gino"], &[2014]);
    reg.subtitle = Some("How Dishonesty Can Lead to Greater Creativity".into());
    let out = check_text(
        "Gino, F. (2014). Evil genius? How dishonesty can lead to greater creativity. Psychol Sci.",
        &reg,
    );
    assert_eq!(out.evidence.verdict, Verdict::Match);
    assert_eq!(
        out.evidence.registered_title.as_deref(),
        Some("Evil Genius?")
    );
    assert!(out.findings.is_empty());
}

#[test]
fn unknown_parts_never_count_against_the_entry() {
    let reg = Registered::default();
    let out = check_text(
        "Frank, H. S. (1970). The structure of ordinary water.",
        &reg,
    );
    assert!(out.findings.is_empty());
    assert_eq!(out.evidence.title_agreement, TitleAgreement::Unknown);
    assert_eq!(out.evidence.first_author_found, None);
}

#[test]
fn the_recorded_retraction_is_reported_with_its_notice() {
    let Some(body) = corpus("crossref/works_10.1177_0956797614520714_retracted.json") else {
        return;
    };
    let reg = parse::crossref_work(&body).unwrap();
    assert_eq!(reg.standing(), Some(Standing::Retracted));
    assert_eq!(
        reg.notices.len(),
        1,
        "publisher and Retraction Watch assert one retraction"
    );
    assert_eq!(
        reg.notices[0].sources,
        vec!["retraction-watch", "publisher"]
    );
    let out = check_text(
        "Gino, F., & Wiltermuth, S. S. (2014). Evil genius? How dishonesty can lead to greater creativity. Psychological Science, 25(4), 973-981.",
        &reg,
    );
    let codes: Vec<Code> = out.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, vec![Code::Retracted]);
    assert_eq!(
        out.findings[0].message,
        "the work cited by DOI 10.1/x has been retracted (retraction 10.1177/09567976231187595 of 2023-07-06)"
    );
    assert_eq!(out.evidence.notices.len(), 1);
}

#[test]
fn the_recorded_correction_is_a_note() {
    let Some(body) = corpus("decoded/habanero/test_works_with_one_id.01.200.json") else {
        return;
    };
    let reg = parse::crossref_work(&body).unwrap();
    let out = check_text(
        "Sadasivan S, Pond BB, Pani AK, Qu C, Jiao Y, Smeyne RJ. Methylphenidate exposure induces dopamine neuron loss and activation of microglia in the basal ganglia of mice. PLoS One. 2012;7(3):e33693.",
        &reg,
    );
    assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
    assert_eq!(
        (out.findings[0].code, out.findings[0].severity),
        (Code::Corrected, Severity::Note)
    );
    assert!(out.findings[0].message.contains(
        "correction 10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda of 2012-05-08"
    ));
}

#[test]
fn expressions_of_concern_are_warnings() {
    let mut reg = record(WATER, &["Frank"], &[1970]);
    reg.notices.push(Notice {
        kind: crate::metadata::NoticeKind::ExpressionOfConcern,
        doi: Some("10.1/eoc".into()),
        date: Some("2020-01-02".into()),
        sources: vec!["publisher".into()],
    });
    let out = check_text(
        "Frank, H. S. (1970). The structure of ordinary water.",
        &reg,
    );
    assert_eq!(out.findings[0].code, Code::ExpressionOfConcern);
    assert_eq!(out.findings[0].severity, Severity::Warning);
    assert!(out.findings[0].message.contains("10.1/eoc of 2020-01-02"));
}

#[test]
fn evidence_serialises_for_the_report() {
    let reg = record(WATER, &["Frank"], &[1970]);
    let out = check_text(
        "Frank, H. S. (1970). The structure of ordinary water.",
        &reg,
    );
    let json = serde_json::to_value(&out.evidence).unwrap();
    assert_eq!(json["verdict"], "match");
    assert_eq!(json["title_agreement"], "matches");
    assert_eq!(json["title_similarity"], 1.0);
    let back: Evidence = serde_json::from_value(json).unwrap();
    assert_eq!(back, out.evidence);
}

#[test]
fn a_chapter_cited_with_its_books_doi_agrees() {
    let mut reg = record("Handbook of Psychotherapy Integration", &[], &[2005]);
    reg.editors = vec!["Norcross".into(), "Goldfried".into()];
    let text = "Miller, S. D., Duncan, B. L., & Hubble, M. A. (2005). Outcome-informed clinical work. In J. C. Norcross & M. R. Goldfried (Eds.), Handbook of psychotherapy integration (pp. 84-102). Oxford University Press.";
    let out = check_text(text, &reg);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert_eq!(out.evidence.title_agreement, TitleAgreement::Container);
    // The same book's DOI on an entry that does not name the book is another work.
    let out = check_text(
        "Miller, S. D. (2005). Outcome-informed clinical work. Oxford University Press.",
        &reg,
    );
    assert_eq!(out.evidence.verdict, Verdict::Mismatch);
}

#[test]
fn a_notice_doi_cited_for_the_work_says_so() {
    let mut reg = record("Retraction notice", &["Editors"], &[2023]);
    reg.notice_for.push(Notice {
        kind: crate::metadata::NoticeKind::Retraction,
        doi: Some("10.1177/0956797614520714".into()),
        date: None,
        sources: vec![],
    });
    let out = check_text(
        "Gino, F. (2014). Evil genius? How dishonesty can lead to greater creativity. Psychol Sci.",
        &reg,
    );
    assert_eq!(out.evidence.verdict, Verdict::Mismatch);
    assert!(out.findings[0]
        .help
        .as_deref()
        .unwrap()
        .contains("a notice about 10.1177/0956797614520714"));
}
