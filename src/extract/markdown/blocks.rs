//! Source-level helpers of the Markdown extractor: where lines start, which text
//! events form one run of prose, how an entry is cut from the source, and how a
//! reference list written as plain bullets or as embedded HTML is read.

use crate::extract::html;
use crate::extract::markup;
use crate::extract::text;
use crate::model::{parse_number, Citation, Reference};
use crate::source::Span;

/// Can the line starting at `line_begin` be a note line rather than wrapped prose? It
/// can when the line before it is blank, ends in a line break (two spaces, `\`,
/// `<br>`), is a table row, or is itself a note line or other HTML.
pub(super) fn opens_a_note_line(src: &str, line_begin: usize) -> bool {
    if line_begin == 0 {
        return true;
    }
    let prev_begin = line_start(src, line_begin - 1);
    let prev = src[prev_begin..line_begin - 1].trim_end_matches('\r');
    let trimmed = prev.trim();
    trimmed.is_empty()
        || prev.ends_with("  ")
        || trimmed.ends_with('\\')
        || trimmed.starts_with(['<', '|'])
        || trimmed.ends_with('>')
}

/// Entries of a reference list written in HTML (`<h2>References</h2><ol>…`), for a
/// post whose Markdown has none: the HTML blocks are read as HTML, first on their own,
/// then, if that finds nothing, those under a Markdown reference heading as a section.
pub(super) fn embedded_entries(src: &str, blocks: &[(Span, bool)]) -> Vec<Reference> {
    let only = |keep: &dyn Fn(bool) -> bool| {
        let mut bytes: Vec<u8> = src
            .bytes()
            .map(|b| if b == b'\n' { b'\n' } else { b' ' })
            .collect();
        for (span, in_refs) in blocks {
            if keep(*in_refs) {
                if let (Some(to), Some(from)) = (
                    bytes.get_mut(span.start..span.end),
                    src.as_bytes().get(span.start..span.end),
                ) {
                    to.copy_from_slice(from);
                }
            }
        }
        String::from_utf8(bytes).unwrap_or_default()
    };
    if blocks.is_empty() {
        return Vec::new();
    }
    let found = html::embedded_entries(&only(&|_| true), false);
    if !found.is_empty() || !blocks.iter().any(|(_, r)| *r) {
        return found;
    }
    html::embedded_entries(&only(&|in_refs| in_refs), true)
}

pub(super) fn line_start(src: &str, at: usize) -> usize {
    src[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Join text ranges separated by nothing but white space or escaping backslashes into
/// runs, so that a marker split over several text events (`\[1\]`) is seen whole.
pub(super) fn merge_runs(src: &str, ranges: &[Span]) -> Vec<Span> {
    let mut runs: Vec<Span> = Vec::new();
    for r in ranges {
        match runs.last_mut() {
            Some(last)
                if r.start >= last.end
                    && src[last.end..r.start]
                        .chars()
                        .all(|c| c.is_whitespace() || c == '\\') =>
            {
                last.end = r.end
            }
            _ => runs.push(*r),
        }
    }
    runs
}

pub(super) fn make_entry(
    src: &str,
    label: String,
    label_span: Span,
    span: Span,
    body_start: usize,
) -> Reference {
    let end = span.start.max(
        span.end - (src[span.start..span.end].len() - src[span.start..span.end].trim_end().len()),
    );
    let body_start = body_start.min(end);
    let body = &src[body_start..end];
    Reference {
        label,
        label_span,
        span: Span::new(span.start, end),
        text: markup::collapse(body),
        identifiers: crate::extract::ident::find_identifiers(body, body_start),
    }
}

/// A bulleted list of sources under "References" while the text cites `[1]`, `[2]`:
/// its entries are numbered by position, as the markers count them, when every one
/// reads like a bibliography and the list is as long as the highest marker.
pub(super) fn bullet_entries(
    src: &str,
    bullets: &[Span],
    citations: &[Citation],
) -> Option<Vec<Reference>> {
    let highest = citations
        .iter()
        .flat_map(Citation::labels)
        .filter_map(|l| parse_number(&l))
        .max()?;
    let count = u64::try_from(bullets.len()).ok()?;
    if bullets.is_empty()
        || highest > count
        || !bullets
            .iter()
            .all(|b| text::BIBLIOGRAPHIC.is_match(&src[b.start..b.end]))
    {
        return None;
    }
    Some(
        bullets
            .iter()
            .zip(1u64..)
            .map(|(b, n)| {
                let slice = &src[b.start..b.end];
                let lead = slice.len() - slice.trim_start_matches([' ', '\t', '-', '*', '+']).len();
                let at = b.start + lead;
                make_entry(src, n.to_string(), Span::new(at, at), *b, at)
            })
            .collect(),
    )
}
