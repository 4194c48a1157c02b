//! Registered metadata: what a DOI registry says a DOI names.
//!
//! A DOI can exist and still belong to another paper than the one an entry cites, so
//! after resolution refcheck fetches the DOI's registered record and compares it with
//! the entry (see `check::metadata`). This module holds the shape of that record,
//! [`Registered`], and the notices attached to it (retractions, expressions of
//! concern, corrections). It is filled from two sources:
//!
//! - the Crossref REST API (`/works/{doi}`, and `/works?query.bibliographic=` for
//!   `--suggest-dois`), see [`parse::crossref_work`] and [`parse::crossref_search`];
//! - DOI content negotiation as CSL-JSON, for DOIs that Crossref does not know
//!   (DataCite, mEDRA, ...), see [`parse::csl`].
//!
//! [`api`] describes the requests (URLs, headers) and reads Crossref's rate-limit
//! headers; it does no I/O, so the resolver decides how and when to send them.
//! [`Registered`] is serde-serialisable so that the resolver can cache it on disk.
//!
//! How a run uses it, once per unique DOI the registry confirmed:
//!
//! 1. `GET` [`api::works_url`] and read it with [`api::read_crossref`] (pace the
//!    Crossref host by [`api::Pacing::from_headers`], at most
//!    [`api::CROSSREF_MAX_IN_FLIGHT`] requests in flight). On [`api::Answer::Unknown`],
//!    `GET` [`api::csl_url`] with `Accept:` [`api::CSL_ACCEPT`] and read it with
//!    [`api::read_csl`]. Cache the [`Registered`] record like any other result.
//! 2. For every entry carrying the DOI, [`crate::check::metadata::check`] gives the
//!    findings (`metadata-mismatch`, `retracted`, `expression-of-concern`, `corrected`)
//!    and the [`crate::check::metadata::Evidence`] that the JSON report shows under the
//!    identifier (`Report::evidence`, keyed by file index and identifier span).
//! 3. With `--suggest-dois`, for entries without an identifier and entries whose DOI
//!    names another work: `GET` [`api::search_url`] with
//!    [`crate::check::suggest::search_query`], read the hits with
//!    [`parse::crossref_search`] and keep what [`crate::check::suggest::suggest`]
//!    returns (its `help()` goes on the finding, the suggestion into
//!    `Report::suggestions`).
//!
//! When metadata cannot be had (Crossref unreachable, an unusable answer), nothing is
//! compared: the DOI keeps the status the registry gave it and no mismatch is claimed.

pub mod api;
pub mod parse;

use serde::{Deserialize, Serialize};

/// Where a [`Registered`] record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// The Crossref REST API.
    Crossref,
    /// DOI content negotiation (`application/vnd.citationstyles.csl+json`).
    Csl,
}

/// The registered metadata of one DOI, as far as the checks need it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Registered {
    /// The DOI as the registry spells it, lower-cased.
    pub doi: String,
    pub origin: Option<Origin>,
    /// The main title, as registered (may carry HTML tags such as `<i>`).
    pub title: Option<String>,
    pub subtitle: Option<String>,
    /// Other registered titles (original-language title, short title).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_titles: Vec<String>,
    /// Family names of the authors in order (an organisation's name when it has no
    /// family name).
    #[serde(default)]
    pub authors: Vec<String>,
    /// Family names of the editors, for books cited by their editors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub editors: Vec<String>,
    /// Publication years: issued first, then print, online and other dates, without
    /// repeats. Print and online years often differ by one.
    #[serde(default)]
    pub years: Vec<i32>,
    /// The journal, book or repository it appeared in.
    pub container: Option<String>,
    /// The registry's type of work ("journal-article", "dataset", ...).
    pub kind: Option<String>,
    /// Notices about this work: retractions, expressions of concern, corrections.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    /// When this record is itself a notice, the works it updates (Crossref
    /// `update-to`): citing it is citing the notice, not the work.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notice_for: Vec<Notice>,
}

impl Registered {
    /// The year the work was issued (the first registered year).
    pub fn year(&self) -> Option<i32> {
        self.years.first().copied()
    }

    pub fn first_author(&self) -> Option<&str> {
        self.authors.first().map(String::as_str)
    }

    /// The registered title without a retraction prefix ("Retracted: ...").
    pub fn title_without_retraction(&self) -> Option<&str> {
        self.title.as_deref().map(strip_retraction_prefix)
    }

    /// The most serious standing among the notices: retracted beats an expression of
    /// concern, which beats a correction.
    pub fn standing(&self) -> Option<Standing> {
        self.notices.iter().map(|n| n.kind.standing()).max()
    }

    /// The notices of one standing, in registry order.
    pub fn notices_of(&self, standing: Standing) -> impl Iterator<Item = &Notice> {
        self.notices
            .iter()
            .filter(move |n| n.kind.standing() == standing)
    }
}

/// What a notice says about the cited work, ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// A correction, erratum or corrigendum was published.
    Corrected,
    /// The publisher raised concerns about the work.
    ExpressionOfConcern,
    /// The work was retracted, withdrawn or removed.
    Retracted,
}

/// The kind of a notice, as the registry names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    Retraction,
    Withdrawal,
    Removal,
    ExpressionOfConcern,
    Correction,
    Erratum,
    Corrigendum,
    PartialRetraction,
}

impl NoticeKind {
    /// The kind for a Crossref `updated-by`/`update-to` type; `None` for updates
    /// that say nothing about reliability (new versions, addenda, clarifications).
    pub fn from_crossref(kind: &str) -> Option<Self> {
        let k = kind.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match k.as_str() {
            "retraction" => NoticeKind::Retraction,
            "withdrawal" => NoticeKind::Withdrawal,
            "removal" => NoticeKind::Removal,
            "expression_of_concern" => NoticeKind::ExpressionOfConcern,
            "correction" => NoticeKind::Correction,
            "erratum" => NoticeKind::Erratum,
            "corrigendum" => NoticeKind::Corrigendum,
            "partial_retraction" => NoticeKind::PartialRetraction,
            _ => return None,
        })
    }

    pub fn standing(self) -> Standing {
        match self {
            NoticeKind::Retraction | NoticeKind::Withdrawal | NoticeKind::Removal => {
                Standing::Retracted
            }
            NoticeKind::ExpressionOfConcern => Standing::ExpressionOfConcern,
            // A partial retraction leaves the rest of the work standing: it is read as
            // a correction of the retracted part.
            NoticeKind::Correction
            | NoticeKind::Erratum
            | NoticeKind::Corrigendum
            | NoticeKind::PartialRetraction => Standing::Corrected,
        }
    }

    /// How messages name it: "retraction", "expression of concern".
    pub fn as_words(self) -> &'static str {
        match self {
            NoticeKind::Retraction => "retraction",
            NoticeKind::Withdrawal => "withdrawal",
            NoticeKind::Removal => "removal",
            NoticeKind::ExpressionOfConcern => "expression of concern",
            NoticeKind::Correction => "correction",
            NoticeKind::Erratum => "erratum",
            NoticeKind::Corrigendum => "corrigendum",
            NoticeKind::PartialRetraction => "partial retraction",
        }
    }
}

/// One notice about a work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    /// The notice's own DOI, when registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// When it was issued, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Who asserted it: "publisher", "retraction-watch", "relation", "title".
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Prefixes publishers put before the title of a retracted work.
const RETRACTION_PREFIXES: &[&str] = &[
    "retracted article:",
    "retracted:",
    "retracted article",
    "retracted",
];

/// `title` without a leading "Retracted:" / "RETRACTED ARTICLE:" prefix.
pub fn strip_retraction_prefix(title: &str) -> &str {
    let t = title.trim_start();
    for prefix in RETRACTION_PREFIXES {
        if let Some(head) = t.get(..prefix.len()) {
            if head.eq_ignore_ascii_case(prefix) {
                let rest = &t[prefix.len()..];
                // "Retractedness of ..." is a word, not a prefix.
                if rest.starts_with(|c: char| c.is_alphanumeric()) {
                    continue;
                }
                return rest
                    .trim_start_matches([':', ' ', '.', '-', '\u{2013}', '\u{2014}'])
                    .trim_start();
            }
        }
    }
    t
}

/// Does the registered title announce a retraction ("RETRACTED: ...")?
pub fn title_says_retracted(title: &str) -> bool {
    strip_retraction_prefix(title).len() != title.trim_start().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retraction_prefixes_are_stripped_and_words_kept() {
        assert_eq!(
            strip_retraction_prefix("Retracted: Evil Genius?"),
            "Evil Genius?"
        );
        assert_eq!(strip_retraction_prefix("RETRACTED ARTICLE: Cells"), "Cells");
        assert_eq!(strip_retraction_prefix("RETRACTED - Cells"), "Cells");
        assert_eq!(
            strip_retraction_prefix("Retractedness of claims"),
            "Retractedness of claims"
        );
        assert!(title_says_retracted("RETRACTED: x"));
        assert!(!title_says_retracted("Retraction Watch at ten"));
    }

    #[test]
    fn notice_kinds_order_by_seriousness() {
        assert_eq!(
            NoticeKind::from_crossref("expression-of-concern"),
            Some(NoticeKind::ExpressionOfConcern)
        );
        assert_eq!(NoticeKind::from_crossref("new_version"), None);
        let r = Registered {
            notices: vec![
                Notice {
                    kind: NoticeKind::Erratum,
                    doi: None,
                    date: None,
                    sources: vec![],
                },
                Notice {
                    kind: NoticeKind::Withdrawal,
                    doi: None,
                    date: None,
                    sources: vec![],
                },
            ],
            ..Registered::default()
        };
        assert_eq!(r.standing(), Some(Standing::Retracted));
        assert_eq!(r.notices_of(Standing::Corrected).count(), 1);
    }
}
