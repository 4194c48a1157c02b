//! What an article is made of, once extracted: a [`Document`] with its reference list,
//! its inline citation markers and the identifiers found in each entry.
//!
//! Every extractor (plain text, Markdown, HTML, JATS, reST) produces this same shape,
//! so the checks and renderers never need to know which format an article came in.

use crate::source::Span;
use serde::Serialize;

/// The input formats refcheck reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    Html,
    Jats,
    Rst,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Jats => "jats",
            Format::Rst => "rst",
        }
    }
}

/// One extracted article.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub format: Format,
    /// Entries of the reference list, in list order.
    pub references: Vec<Reference>,
    /// Inline markers, in document order.
    pub citations: Vec<Citation>,
    /// The article cites by author and year ("Smith, 2005"), not by number: numeric
    /// findings (uncited, missing, order) would be noise and are not reported.
    pub author_year: bool,
}

impl Document {
    pub fn new(format: Format) -> Self {
        Document {
            format,
            references: Vec::new(),
            citations: Vec::new(),
            author_year: false,
        }
    }
}

/// One entry of the reference list.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The label as written: "22", "miri".
    pub label: String,
    /// Where the label is written (or the start of the entry when it has none).
    pub label_span: Span,
    /// The whole entry, label included.
    pub span: Span,
    /// The entry's text with markup removed and white space collapsed.
    pub text: String,
    pub identifiers: Vec<Identifier>,
}

impl Reference {
    /// The label as a number, when it is one.
    pub fn number(&self) -> Option<u64> {
        parse_number(&self.label)
    }
}

/// One inline marker such as `[4]`, `[1–3]`, `<sup>2</sup>` or `[^note]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    pub span: Span,
    /// The marker as written.
    pub text: String,
    pub items: Vec<CiteItem>,
}

impl Citation {
    /// Every label the marker cites, ranges expanded (invalid ranges contribute their ends).
    pub fn labels(&self) -> Vec<String> {
        let mut out = Vec::new();
        for item in &self.items {
            match item {
                CiteItem::Label(l) => out.push(l.clone()),
                CiteItem::Range(a, b) if range_is_valid(*a, *b) => {
                    out.extend((*a..=*b).map(|n| n.to_string()))
                }
                CiteItem::Range(a, b) => {
                    out.push(a.to_string());
                    out.push(b.to_string());
                }
            }
        }
        out
    }
}

/// The longest range a marker may span before it is taken for a typo (`[3-900]`).
pub const MAX_RANGE_LEN: u64 = 100;

/// A range is valid when it runs upwards over at most [`MAX_RANGE_LEN`] labels.
pub fn range_is_valid(a: u64, b: u64) -> bool {
    a >= 1 && a < b && b - a <= MAX_RANGE_LEN
}

/// One part of a marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CiteItem {
    Label(String),
    /// `[1-3]`, kept unexpanded so that checks can judge it.
    Range(u64, u64),
}

/// The kinds of identifier refcheck knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdKind {
    Doi,
    Url,
    Isbn,
    Arxiv,
    Pmid,
}

impl IdKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Doi => "doi",
            IdKind::Url => "url",
            IdKind::Isbn => "isbn",
            IdKind::Arxiv => "arxiv",
            IdKind::Pmid => "pmid",
        }
    }
}

/// An identifier found in a reference entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    pub kind: IdKind,
    /// Normalised value: a DOI in lower case without resolver prefix, an ISBN without
    /// hyphens, a URL as written minus trailing punctuation.
    pub value: String,
    /// Where it is written in the source file.
    pub span: Span,
    /// Why the identifier is malformed (bad check digit, bad syntax), if it is.
    pub problem: Option<String>,
}

impl Identifier {
    /// The key under which this identifier is resolved and cached.
    pub fn key(&self) -> IdKey {
        IdKey {
            kind: self.kind,
            value: self.value.clone(),
        }
    }
}

/// A resolution key: one network lookup per unique key per run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdKey {
    pub kind: IdKind,
    pub value: String,
}

/// What resolution found out about an identifier (DESIGN.md, identifier `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    NotFound,
    Broken,
    Unverifiable,
    Redirected,
    Skipped,
    Invalid,
    Unchecked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NotFound => "not-found",
            Status::Broken => "broken",
            Status::Unverifiable => "unverifiable",
            Status::Redirected => "redirected",
            Status::Skipped => "skipped",
            Status::Invalid => "invalid",
            Status::Unchecked => "unchecked",
        }
    }
}

/// The outcome of resolving one identifier, shared by every entry that carries it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, serde::Deserialize)]
pub struct Resolution {
    pub status: Option<Status>,
    /// Why, in a few words ("HTTP 404", "connection refused", "Retry-After 120 s").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The last HTTP status seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Where a permanent redirect points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
}

impl Resolution {
    pub fn new(status: Status) -> Self {
        Resolution {
            status: Some(status),
            ..Resolution::default()
        }
    }

    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub fn status(&self) -> Status {
        self.status.unwrap_or(Status::Unchecked)
    }
}

/// Parse a label that is a plain decimal number.
pub fn parse_number(label: &str) -> Option<u64> {
    if label.is_empty() || label.len() > 9 || !label.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    label.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_expand_and_bad_ranges_keep_their_ends() {
        let c = Citation {
            span: Span::new(0, 5),
            text: "[1-3,7]".into(),
            items: vec![
                CiteItem::Range(1, 3),
                CiteItem::Label("7".into()),
                CiteItem::Range(5, 2),
            ],
        };
        assert_eq!(c.labels(), vec!["1", "2", "3", "7", "5", "2"]);
        assert!(!range_is_valid(3, 900));
        assert!(range_is_valid(3, 9));
    }

    #[test]
    fn numbers_are_plain_decimals() {
        assert_eq!(parse_number("12"), Some(12));
        assert_eq!(parse_number("12a"), None);
        assert_eq!(parse_number(""), None);
    }
}
