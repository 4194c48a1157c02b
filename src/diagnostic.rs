//! Findings and their stable codes.
//!
//! A finding's code never changes meaning: CI configurations, `--deny`/`--allow` and
//! other tools rely on it. Each code carries its default level and the text that
//! `--explain` prints, so the explanation lives beside the code it explains.

use crate::source::Span;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// How serious a finding is. Ordered from least to most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The level a user gives a code: a severity, or `allow` to drop it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    At(Severity),
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $sev:ident, $summary:literal, $explain:literal; )*) => {
        /// Stable finding codes (DESIGN.md, "Findings: stable codes").
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            /// Every code, in the order DESIGN.md lists them.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The kebab-case name used on the command line and in reports.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One line: what the finding means.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// Several lines: why it matters and how to fix it.
            pub fn explanation(self) -> &'static str {
                match self { $( Code::$variant => $explain, )* }
            }
        }
    };
}

codes! {
    MissingReference = "missing-reference", Error,
        "a marker cites a label with no entry in the reference list",
        "A citation marker such as [14] points at a label that the reference list does not\ncontain. Readers cannot find the source. Add the missing entry to the list, or correct\nthe marker so that it cites the entry you meant.";
    UncitedReference = "uncited-reference", Warning,
        "an entry of the reference list is never cited",
        "No marker in the text cites this entry. Either the text lost its marker (add it back\nwhere the source is used) or the entry is not needed (remove it and renumber).";
    DuplicateReference = "duplicate-reference", Warning,
        "two entries are the same work",
        "Two or more entries carry the same DOI or URL, or nearly the same text. Keep one entry,\npoint every marker at it, and renumber the list.";
    DuplicateLabel = "duplicate-label", Error,
        "two entries carry the same number or label",
        "Two entries of the reference list have the same label, so a marker citing it is\nambiguous. Renumber the list so that every label is unique.";
    NumberingGap = "numbering-gap", Warning,
        "the reference list skips a number",
        "The numbered reference list jumps over one or more numbers. An entry was probably\ndeleted without renumbering, or lost while copying. Restore it or renumber the list\nand the markers.";
    InvalidRange = "invalid-range", Error,
        "a range such as [5-2] or [3-900] makes no sense",
        "A citation range must run upwards over a plausible number of entries, as in [3-6].\nA range that runs backwards or spans hundreds of labels is almost always a typo.";
    MissingReferenceList = "missing-reference-list", Error,
        "the text has markers but no reference list was found",
        "The article cites by number but refcheck found no reference list. Add a list under a\nheading such as References, or check that its entries are numbered (1., [1], (1)).";
    CitationOrder = "citation-order", Note,
        "first citations are not in ascending order",
        "In numeric (Vancouver) style, references are numbered in the order they are first\ncited, so the first citations read 1, 2, 3, ... This article first cites a higher\nnumber before a lower one. If your style requires it, renumber the list.";
    InvalidDoi = "invalid-doi", Error,
        "a DOI is malformed",
        "The DOI does not have the form 10.PREFIX/SUFFIX. Copy it again from the publisher's\npage or the DOI registry (https://doi.org).";
    InvalidIsbn = "invalid-isbn", Error,
        "an ISBN has the wrong length or check digit",
        "An ISBN-10 or ISBN-13 has a check digit that does not match its other digits, or the\nwrong number of digits. It was probably mistyped; copy it again from the book.";
    InvalidArxiv = "invalid-arxiv", Error,
        "an arXiv identifier is malformed",
        "arXiv identifiers look like 2101.01234 (or 2101.01234v2) or, before 2007,\nmath.GT/0309136. Check the identifier on arxiv.org.";
    DoiNotFound = "doi-not-found", Error,
        "the DOI registry says this DOI does not exist",
        "The DOI registry answered that the DOI is not registered. It is probably mistyped,\nor was never registered. Look the work up and copy its DOI again.";
    BrokenUrl = "broken-url", Error,
        "the URL is dead (404/410, unknown host, refused connection)",
        "The server answered that the page does not exist, or the host name does not exist,\nafter retries. Find the page's new address or an archived copy\n(https://web.archive.org) and cite that.";
    UnverifiableUrl = "unverifiable-url", Note,
        "the URL could not be verified (bot wall, 401/403/429, timeout)",
        "The server refused an automated check or did not answer in time, so refcheck cannot\ntell whether the page is alive. It is not reported as broken. Check it by hand, or\nexclude it with --exclude if it is known to be good.";
    RedirectedUrl = "redirected-url", Note,
        "the URL permanently redirects elsewhere",
        "The server answered with a permanent redirect. Update the reference to the new\naddress so that it keeps working when the redirect is removed.";
    MetadataMismatch = "metadata-mismatch", Error,
        "the DOI's registered title/authors/year do not match the entry",
        "The DOI exists but the registry describes a different work than the entry does. The\nDOI was probably copied from a neighbouring reference or mistyped. Look the cited work\nup and use its own DOI.";
    Retracted = "retracted", Error,
        "the cited work has been retracted, withdrawn or removed",
        "The publisher has retracted this work. Cite it only to discuss the retraction, and\nsay so in the text; otherwise remove it.";
    ExpressionOfConcern = "expression-of-concern", Warning,
        "the publisher has issued an expression of concern",
        "The publisher has raised concerns about the reliability of this work. Read the\nnotice before relying on it.";
    Corrected = "corrected", Note,
        "the cited work has a published correction or erratum",
        "A correction or erratum has been published for this work. Check that what you cite\nis still right after the correction.";
    UnverifiableDoi = "unverifiable-doi", Note,
        "the DOI registry could not be reached",
        "refcheck could not reach the DOI registry, so whether the DOI exists is unknown.\nRun again later; this is never reported as an error.";
    MissingIdentifier = "missing-identifier", Note,
        "the entry has no DOI, URL or ISBN",
        "The entry carries no identifier that a reader or a tool can follow. Add its DOI if it\nhas one (refcheck --suggest-dois can look one up), or a stable URL.";
    SkippedPrivate = "skipped-private", Note,
        "the URL's host is a private or loopback address and was not fetched",
        "The URL points at a loopback, private or link-local address. refcheck does not fetch\nsuch addresses from article content unless --allow-private is given.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The error for a code name that does not exist; suggests the closest one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown finding code `{name}`{}", suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
pub struct UnknownCode {
    pub name: String,
    pub suggestion: Option<&'static str>,
}

impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        if let Some(code) = Code::ALL.iter().find(|c| c.as_str() == wanted) {
            return Ok(*code);
        }
        let suggestion = Code::ALL
            .iter()
            .map(|c| (edit_distance(c.as_str(), &wanted), c.as_str()))
            .filter(|(d, _)| *d <= 3)
            .min()
            .map(|(_, name)| name);
        Err(UnknownCode {
            name: s.to_string(),
            suggestion,
        })
    }
}

/// Levenshtein distance, for "did you mean" on code names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// Index of the file in [`crate::Report::files`].
    pub file: usize,
    /// The place the finding points at.
    pub span: Span,
    /// The reference labels it concerns.
    pub labels: Vec<String>,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    /// A finding at its code's default severity.
    pub fn new(code: Code, file: usize, span: Span, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.default_severity(),
            file,
            span,
            labels: Vec::new(),
            message: message.into(),
            help: None,
        }
    }

    pub fn labels<I, S>(mut self, labels: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.labels = labels.into_iter().map(Into::into).collect();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_names() {
        for code in Code::ALL {
            assert_eq!(code.as_str().parse::<Code>(), Ok(*code));
            assert!(!code.explanation().is_empty());
        }
        assert_eq!(Code::ALL.len(), 22);
    }

    #[test]
    fn unknown_codes_suggest_the_closest_name() {
        let err = "uncited-refernce".parse::<Code>().unwrap_err();
        assert_eq!(err.suggestion, Some("uncited-reference"));
        let err = "bogus".parse::<Code>().unwrap_err();
        assert_eq!(err.suggestion, None);
        assert_eq!(
            "UNCITED_REFERENCE".parse::<Code>(),
            Ok(Code::UncitedReference)
        );
    }
}
