//! Does each DOI name the work its entry cites? And is that work retracted?
//!
//! Runs after resolution, on a DOI that exists and whose registered metadata was
//! fetched ([`Registered`]). The entry's claims ([`claims`]) are compared with the
//! record part by part: the title by [`title_similarity`], the first author by family
//! name, the year within one (print and online years differ). Precision comes first:
//! a genuine reference must never be flagged, so only the combinations that say "this
//! DOI names a different work" are errors:
//!
//! | title | first author | year | finding |
//! | --- | --- | --- | --- |
//! | differs | absent | any | `metadata-mismatch` error |
//! | differs | unknown | off by more than one | `metadata-mismatch` error |
//! | unsure | absent | off by more than one | `metadata-mismatch` error |
//! | differs | present or unknown | within one or unknown | `metadata-mismatch` warning |
//! | matches, unsure or unknown | absent | any | `metadata-mismatch` warning |
//! | matches, unsure or unknown | present or unknown | off by more than one | `metadata-mismatch` warning |
//!
//! Parts the entry does not state clearly, or the registry does not record, are
//! unknown and never count against the entry. A chapter cited with its book's DOI
//! agrees when the entry names the book's title and one of its authors or editors. A registered title that starts with
//! "Retracted:" is compared without that prefix. Notices give `retracted` (error),
//! `expression-of-concern` (warning) and `corrected` (note), each naming the notice's
//! DOI and date. Every comparison leaves an [`Evidence`] record for the JSON report.

use super::claims::{claims, Claims};
use super::normalize::{author_present, content_words, family_key, title_similarity};
use crate::diagnostic::{Code, Finding, Severity};
use crate::metadata::{strip_retraction_prefix, Notice, Origin, Registered, Standing};
use crate::model::{Identifier, Reference};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A title similarity at or above this is the same title.
pub const TITLE_MATCHES: f64 = 0.8;
/// A title similarity below this is a different title.
pub const TITLE_DIFFERS: f64 = 0.35;

/// How the entry's title compares with the registered one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TitleAgreement {
    Matches,
    Unsure,
    Differs,
    /// The entry cites a part (a chapter) of the registered work and names the
    /// registered work itself (the book) as where that part appeared.
    Container,
    Unknown,
}

/// The verdict on one DOI in one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Nothing disagrees.
    Match,
    /// Something disagrees, but not enough to say it is another work (a warning).
    Doubtful,
    /// The DOI names a different work (an error).
    Mismatch,
}

/// What was compared and how, for reviewers (JSON report, per DOI identifier).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub registered_title: Option<String>,
    pub registered_first_author: Option<String>,
    pub registered_year: Option<i32>,
    pub cited_title: Option<String>,
    pub cited_first_author: Option<String>,
    pub cited_year: Option<i32>,
    /// Title similarity from 0 to 1, rounded to two decimals; absent when either
    /// title is unknown.
    pub title_similarity: Option<f64>,
    pub title_agreement: TitleAgreement,
    /// Whether the entry's first author is among the registered authors.
    pub first_author_found: Option<bool>,
    /// Whether the years agree within one.
    pub year_matches: Option<bool>,
    pub verdict: Verdict,
    /// Retractions, expressions of concern and corrections of the work.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    pub source: Option<Origin>,
}

/// The findings about one DOI of one entry, and the evidence behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub evidence: Evidence,
}

/// Compare the entry `reference` (of file `file`) with the record registered for its
/// DOI `doi`, and report retractions and other notices.
pub fn check(
    file: usize,
    reference: &Reference,
    doi: &Identifier,
    registered: &Registered,
) -> Outcome {
    let evidence = compare_entry(&reference.text, registered);
    let mut findings = Vec::new();
    let finding = |code: Code, message: String| {
        Finding::new(code, file, doi.span, message).labels([reference.label.clone()])
    };
    if evidence.verdict != Verdict::Match {
        let message = format!(
            "DOI {} is registered as {}, but the entry cites {}",
            doi.value,
            side(
                &evidence.registered_title,
                &evidence.registered_first_author,
                evidence.registered_year
            ),
            side(
                &evidence.cited_title,
                &evidence.cited_first_author,
                evidence.cited_year
            ),
        );
        let mut f =
            finding(Code::MetadataMismatch, message).help(mismatch_help(&evidence, registered));
        if evidence.verdict == Verdict::Doubtful {
            f = f.severity(Severity::Warning);
        }
        findings.push(f);
    }
    for standing in [
        Standing::Retracted,
        Standing::ExpressionOfConcern,
        Standing::Corrected,
    ] {
        let notices: Vec<&Notice> = registered.notices_of(standing).collect();
        if notices.is_empty() {
            continue;
        }
        let listed = notices
            .iter()
            .map(|n| describe_notice(n))
            .collect::<Vec<_>>()
            .join("; ");
        let (code, message, help) = match standing {
            Standing::Retracted => (
                Code::Retracted,
                format!("the work cited by DOI {} has been retracted ({listed})", doi.value),
                "cite a retracted work only to discuss its retraction, and say so in the text; otherwise remove it",
            ),
            Standing::ExpressionOfConcern => (
                Code::ExpressionOfConcern,
                format!("the publisher has issued an expression of concern about the work cited by DOI {} ({listed})", doi.value),
                "read the notice before relying on the work, and mention the concern where you cite it",
            ),
            Standing::Corrected => (
                Code::Corrected,
                format!("a correction to the work cited by DOI {} has been published ({listed})", doi.value),
                "check that what you cite still holds after the correction; cite the correction too if it matters",
            ),
        };
        findings.push(finding(code, message).help(help));
    }
    Outcome { findings, evidence }
}

/// Compare an entry's text with a registered record.
pub fn compare_entry(text: &str, registered: &Registered) -> Evidence {
    assess(&claims(text), Some(text), registered)
}

/// Compare what an entry claims with a registered record.
pub fn compare(claimed: &Claims, registered: &Registered) -> Evidence {
    assess(claimed, None, registered)
}

fn assess(claimed: &Claims, text: Option<&str>, registered: &Registered) -> Evidence {
    let similarity = claimed
        .title
        .as_deref()
        .and_then(|cited| best_title_similarity(strip_retraction_prefix(cited), registered));
    let title = match similarity {
        None => TitleAgreement::Unknown,
        Some(s) if s >= TITLE_MATCHES => TitleAgreement::Matches,
        Some(s) if s < TITLE_DIFFERS => TitleAgreement::Differs,
        Some(_) => TitleAgreement::Unsure,
    };
    let names: Vec<String> = registered
        .authors
        .iter()
        .chain(&registered.editors)
        .cloned()
        .collect();
    let author = match &claimed.first_author {
        Some(a) if !names.is_empty() => Some(author_present(a, &names)),
        _ => None,
    };
    // A chapter cited with its book's DOI: the book's title and its editors are named
    // in the entry ("In J. C. Norcross & M. R. Goldfried (Eds.), Handbook of ...").
    let (title, author) = match text {
        Some(t) if title != TitleAgreement::Matches && names_registered_title(t, registered) => (
            TitleAgreement::Container,
            author.map(|found| found || names_any(t, &names)),
        ),
        _ => (title, author),
    };
    let year = match claimed.year {
        Some(y) if !registered.years.is_empty() => {
            Some(registered.years.iter().any(|r| r.abs_diff(y) <= 1))
        }
        _ => None,
    };
    let verdict = verdict(title, author, year);
    Evidence {
        registered_title: registered.title_without_retraction().map(str::to_string),
        registered_first_author: registered.first_author().map(str::to_string),
        registered_year: registered.year(),
        cited_title: claimed.title.clone(),
        cited_first_author: claimed.first_author.clone(),
        cited_year: claimed.year,
        title_similarity: similarity.map(|s| (s * 100.0).round() / 100.0),
        title_agreement: title,
        first_author_found: author,
        year_matches: year,
        verdict,
        notices: registered.notices.clone(),
        source: registered.origin,
    }
}

/// The decision table of the module documentation.
fn verdict(title: TitleAgreement, author: Option<bool>, year: Option<bool>) -> Verdict {
    use TitleAgreement::*;
    let author_absent = author == Some(false);
    let year_off = year == Some(false);
    match title {
        Differs if author_absent || (author.is_none() && year_off) => Verdict::Mismatch,
        Unsure if author_absent && year_off => Verdict::Mismatch,
        Differs => Verdict::Doubtful,
        _ if author_absent || year_off => Verdict::Doubtful,
        _ => Verdict::Match,
    }
}

/// Does the entry's text contain every content word of the registered title (at
/// least three of them)?
fn names_registered_title(text: &str, registered: &Registered) -> bool {
    let Some(title) = registered.title_without_retraction() else {
        return false;
    };
    let wanted: HashSet<String> = content_words(title).into_iter().collect();
    let present: HashSet<String> = content_words(text).into_iter().collect();
    wanted.len() >= 3 && wanted.is_subset(&present)
}

/// Is any of `names` written in `text`?
fn names_any(text: &str, names: &[String]) -> bool {
    let words: HashSet<String> = content_words(text).into_iter().collect();
    names.iter().any(|n| words.contains(&family_key(n)))
}

/// The best similarity of `cited` with any registered form of the title: as
/// registered, with its subtitle, or one of its other titles.
fn best_title_similarity(cited: &str, registered: &Registered) -> Option<f64> {
    let main = registered.title_without_retraction()?;
    let mut forms = vec![main.to_string()];
    if let Some(sub) = &registered.subtitle {
        forms.push(format!("{main}: {sub}"));
    }
    forms.extend(
        registered
            .other_titles
            .iter()
            .map(|t| strip_retraction_prefix(t).to_string()),
    );
    forms
        .iter()
        .map(|f| title_similarity(cited, f))
        .reduce(f64::max)
}

/// One side of a mismatch message: `"Title" (Smith, 2019)`.
fn side(title: &Option<String>, author: &Option<String>, year: Option<i32>) -> String {
    let who = match (author, year) {
        (Some(a), Some(y)) => format!("{a}, {y}"),
        (Some(a), None) => a.clone(),
        (None, Some(y)) => y.to_string(),
        (None, None) => String::new(),
    };
    match (title, who.is_empty()) {
        (Some(t), false) => format!("\"{}\" ({who})", crate::check::normalize::strip_tags(t)),
        (Some(t), true) => format!("\"{}\"", crate::check::normalize::strip_tags(t)),
        (None, false) => format!("a work by {who}"),
        (None, true) => "a work refcheck could not read".to_string(),
    }
}

/// Which parts disagree, and what to do about it.
fn mismatch_help(e: &Evidence, registered: &Registered) -> String {
    let mut parts = Vec::new();
    match (e.title_agreement, e.title_similarity) {
        (TitleAgreement::Differs, Some(s)) => {
            parts.push(format!("the titles differ (similarity {s:.2})"))
        }
        (TitleAgreement::Unsure, Some(s)) => {
            parts.push(format!("the titles only partly agree (similarity {s:.2})"))
        }
        _ => {}
    }
    if e.first_author_found == Some(false) {
        let listed: Vec<&str> = registered
            .authors
            .iter()
            .take(4)
            .map(String::as_str)
            .collect();
        parts.push(format!(
            "{} is not among the registered authors ({}{})",
            e.cited_first_author
                .as_deref()
                .unwrap_or("the first author"),
            listed.join(", "),
            if registered.authors.len() > 4 {
                ", ..."
            } else {
                ""
            }
        ));
    }
    if e.year_matches == Some(false) {
        let years: Vec<String> = registered.years.iter().map(i32::to_string).collect();
        parts.push(format!("the registered year is {}", years.join(" or ")));
    }
    if let Some(original) = registered.notice_for.iter().find_map(|n| n.doi.as_deref()) {
        parts.push(format!(
            "the DOI is a notice about {original}, not the work itself"
        ));
    }
    let advice = match e.verdict {
        Verdict::Mismatch => {
            "the DOI belongs to another work, probably copied from a neighbouring entry or mistyped: look the cited work up and use its own DOI"
        }
        _ if e.title_agreement == TitleAgreement::Differs => {
            "check that the DOI belongs to the cited work and not to another work by the same author"
        }
        _ if e.first_author_found == Some(false) => "the title agrees, so the DOI is probably right: check the author list",
        _ => "the title agrees, so the DOI is probably right: check the year (print and online years may differ by one)",
    };
    if parts.is_empty() {
        advice.to_string()
    } else {
        format!("{}; {advice}", parts.join("; "))
    }
}

/// `retraction 10.1177/09567976231187595 of 2023-07-06`.
fn describe_notice(n: &Notice) -> String {
    let mut s = n.kind.as_words().to_string();
    match &n.doi {
        Some(doi) => s.push_str(&format!(" {doi}")),
        None if n.sources.iter().any(|x| x == "title") => {
            s.push_str(" announced in the registered title")
        }
        None => {}
    }
    if let Some(date) = &n.date {
        s.push_str(&format!(" of {date}"));
    }
    s
}

#[cfg(test)]
#[path = "metadata_tests.rs"]
mod tests;
