//! Identifiers in reference entries: DOIs, URLs, ISBNs, arXiv ids and PMIDs.
//!
//! Every extractor hands the raw text of each reference entry (which may span lines)
//! to [`find_identifiers`], so all formats agree on what an identifier is. The rules:
//!
//! - URLs first (`url`): a URL that carries a DOI or an arXiv id is reported once, as
//!   that identifier with the URL's span (DESIGN: URLs that carry a DOI are checked as
//!   DOIs); nothing else is looked for inside a URL.
//! - Then DOIs (`doi`), arXiv ids (`arxiv`), ISBNs (`isbn`) and PMIDs outside the
//!   spans already taken. ISBNs and PMIDs count only after their label, new-style arXiv
//!   ids only after `arXiv` or in a link, so that page ranges and phone numbers are
//!   never taken for identifiers.
//! - A malformed identifier is kept with a `problem` (invalid-doi, invalid-isbn,
//!   invalid-arxiv) only where one was clearly intended; on random text no identifier
//!   is better than a false error.
//! - Where an identifier ends is decided once, in `scan`, for DOIs and URLs alike.
//! - Every mention is reported, with its span: an entry that writes one DOI twice
//!   (`doi:…` and its link) yields it twice; resolution looks each key up once.
//!
//! Every pass is a `regex` search with a literal prefilter plus a forward scan, so the
//! whole is linear in the length of the entry.

mod arxiv;
mod doi;
mod isbn;
mod scan;
mod url;

pub use arxiv::arxiv_problem;
pub use doi::{doi_in_url, normalize_doi};
pub use isbn::{isbn_is_valid, isbn_problem, isbn_to_13};

use crate::model::{IdKind, Identifier};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

static PMID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)PMID\s*[:：]?\s*\d+(?-u:\b)").expect("valid regex"));

/// Every identifier in `text`, in order of position; spans are byte offsets into
/// `text` plus `base`.
///
/// ```
/// use refcheck::extract::ident::find_identifiers;
/// use refcheck::model::IdKind;
/// let ids = find_identifiers("Norcross (2005). doi:10.1037/0003-066X.60.8.840.", 0);
/// assert_eq!(ids[0].kind, IdKind::Doi);
/// assert_eq!(ids[0].value, "10.1037/0003-066x.60.8.840");
/// ```
pub fn find_identifiers(text: &str, base: usize) -> Vec<Identifier> {
    let mut out = url::find(text);
    let taken = spans(&out);
    out.extend(
        doi::find(text, |at| overlaps(&taken, at, at + 1))
            .into_iter()
            .map(|d| Identifier {
                kind: IdKind::Doi,
                value: d.value,
                span: Span::new(d.start, d.end),
                problem: d.problem,
            }),
    );
    let taken = spans(&out);
    out.extend(arxiv::find(text, |s, e| overlaps(&taken, s, e)));
    let taken = spans(&out);
    out.extend(isbn::find(text, |s, e| overlaps(&taken, s, e)));
    let taken = spans(&out);
    out.extend(find_pmids(text, |s, e| overlaps(&taken, s, e)));
    out.sort_by_key(|id| (id.span.start, id.span.end));
    for id in &mut out {
        id.span = Span::new(id.span.start + base, id.span.end + base);
    }
    out
}

/// The spans of `ids`, sorted by start.
fn spans(ids: &[Identifier]) -> Vec<Span> {
    let mut s: Vec<Span> = ids.iter().map(|id| id.span).collect();
    s.sort();
    s
}

/// Does `start..end` overlap any of the sorted, disjoint `taken` spans?
fn overlaps(taken: &[Span], start: usize, end: usize) -> bool {
    let i = taken.partition_point(|s| s.end <= start);
    taken.get(i).is_some_and(|s| s.start < end)
}

/// PMIDs after a `PMID` label; more than eight digits is a problem.
fn find_pmids(text: &str, skip: impl Fn(usize, usize) -> bool) -> Vec<Identifier> {
    PMID.find_iter(text)
        .map(|m| {
            let digits = m.as_str().trim_start_matches(|c: char| !c.is_ascii_digit());
            (m.end() - digits.len(), m.end(), digits)
        })
        .filter(|&(start, end, _)| !skip(start, end))
        .map(|(start, end, digits)| {
            let problem = if digits.len() > 8 {
                Some(format!(
                    "PMID {digits} has {} digits; PMIDs have at most 8",
                    digits.len()
                ))
            } else if digits.bytes().all(|b| b == b'0') {
                Some("PMID 0 does not exist".to_string())
            } else {
                None
            };
            Identifier {
                kind: IdKind::Pmid,
                value: digits.to_string(),
                span: Span::new(start, end),
                problem,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(IdKind, String)> {
        find_identifiers(text, 0)
            .into_iter()
            .map(|id| (id.kind, id.value))
            .collect()
    }

    #[test]
    fn spans_are_shifted_by_base_and_cover_the_identifier() {
        let text = "A. (2016). Title. https://doi.org/10.3389/fpsyg.2015.02021\n";
        let ids = find_identifiers(text, 100);
        assert_eq!(ids.len(), 1);
        let span = ids[0].span;
        assert_eq!(
            &text[span.start - 100..span.end - 100],
            "https://doi.org/10.3389/fpsyg.2015.02021"
        );
    }

    #[test]
    fn a_doi_in_a_url_is_reported_once() {
        let got = kinds("Retrieved from: https://onlinelibrary.wiley.com/doi/abs/10.1002/ch.339");
        assert_eq!(got, [(IdKind::Doi, "10.1002/ch.339".to_string())]);
        let got = kinds("doi: https://doi.org/10.1000/ABC.");
        assert_eq!(got, [(IdKind::Doi, "10.1000/abc".to_string())]);
    }

    #[test]
    fn mixed_entries_come_out_in_text_order() {
        let text = "Smith J. Title. Publisher; 2001. ISBN 978-1-55608-010-4. PMID: 12345678. \
                    arXiv:2101.01234. doi:10.1000/xyz. https://example.org/page.";
        assert_eq!(
            kinds(text),
            [
                (IdKind::Isbn, "9781556080104".to_string()),
                (IdKind::Pmid, "12345678".to_string()),
                (IdKind::Arxiv, "2101.01234".to_string()),
                (IdKind::Doi, "10.1000/xyz".to_string()),
                (IdKind::Url, "https://example.org/page".to_string()),
            ]
        );
    }

    #[test]
    fn nothing_is_found_inside_a_url() {
        let got =
            kinds("https://example.org/search?term=PMID:123&isbn=0521539277&x=hep-th/9901001");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, IdKind::Url);
    }

    #[test]
    fn pmids_need_their_label() {
        assert_eq!(
            kinds("PMID 31234567"),
            [(IdKind::Pmid, "31234567".to_string())]
        );
        assert!(kinds("pages 31234567").is_empty());
        let ids = find_identifiers("PMID: 123456789", 0);
        assert!(ids[0].problem.is_some());
    }

    #[test]
    fn multi_line_entries() {
        let text = "Norcross, J. C. (2005). The Psychotherapist's Own\n     Psychotherapy. DOI:\n     10.1037/0003-066X.60.8.840";
        assert_eq!(
            kinds(text),
            [(IdKind::Doi, "10.1037/0003-066x.60.8.840".to_string())]
        );
    }

    #[test]
    fn arbitrary_input_never_panics() {
        let samples = [
            "",
            "10.",
            "10./",
            "doi:",
            "doi:10",
            "ISBN",
            "ISBN X",
            "ISBN 9X",
            "arXiv:",
            "http://",
            "https://doi.org/",
            "PMID:",
            "10.1000/\u{301}",
            "ISBN ä",
            "https://doi.org/10.1000/<",
            "(((10.1000/x",
        ];
        for s in samples {
            let _ = find_identifiers(s, 0);
        }
    }
}
