//! Identifiers in reference entries: DOIs, URLs, ISBNs, arXiv ids and PMIDs.
//!
//! (Minimal first version; the full extractor replaces it.)

use crate::model::{IdKind, Identifier};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

static DOI: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"10\.\d{4,9}/[^\s]+").expect("valid regex"));

/// Every identifier in `text`; spans are offsets into `text` plus `base`.
pub fn find_identifiers(text: &str, base: usize) -> Vec<Identifier> {
    DOI.find_iter(text)
        .map(|m| {
            let v = m.as_str().trim_end_matches(['.', ',', ';', ')']);
            Identifier {
                kind: IdKind::Doi,
                value: v.to_lowercase(),
                span: Span::new(base + m.start(), base + m.start() + v.len()),
                problem: None,
            }
        })
        .collect()
}
