//! Helpers shared by the markup extractors (Markdown, HTML, JATS, reST).
//!
//! Markup formats show a reader different text from the bytes in the file: entities
//! are decoded, tags vanish, white space collapses. Findings must still point at the
//! real bytes, so decoded text is built as a [`MappedText`] that remembers where each
//! piece came from, and identifiers found in the decoded text are mapped back to
//! source spans. Ranges written across two markers (`[12]–[15]`, or two JATS xrefs
//! joined by a dash) are joined by [`join_ranges`], whatever markup sits between them.

use super::ident;
use crate::model::{Citation, CiteItem, Identifier};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

/// An in-page anchor that names a note or an entry: `cite_note-4`, `fn3`, `ref-7`,
/// `bib.bib12`, `footnote-2`.
pub static NOTE_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:cite[_-]?note|fn|footnote|endnote|note|ref|bib|reference|cite)[-_:.]?[\w.:-]*?\d+$")
        .expect("valid regex")
});

const DASHES: &[char] = &['-', '–', '—', '‐', '‑', '−'];

/// One piece of decoded text and the source bytes it came from.
#[derive(Debug, Clone, Copy)]
struct Segment {
    decoded: usize,
    source: Span,
    /// The decoded piece is byte-for-byte the source piece.
    verbatim: bool,
}

/// Decoded text that remembers where each piece sits in the source.
#[derive(Debug, Clone, Default)]
pub struct MappedText {
    pub text: String,
    segments: Vec<Segment>,
}

impl MappedText {
    /// Append text copied unchanged from the source at `start`.
    pub fn push_verbatim(&mut self, piece: &str, start: usize) {
        if piece.is_empty() {
            return;
        }
        self.segments.push(Segment {
            decoded: self.text.len(),
            source: Span::new(start, start + piece.len()),
            verbatim: true,
        });
        self.text.push_str(piece);
    }

    /// Append text decoded from the source bytes `source` (entities, character references).
    pub fn push_decoded(&mut self, piece: &str, source: Span, source_text: &str) {
        if source_text.get(source.start..source.end) == Some(piece) {
            self.push_verbatim(piece, source.start);
            return;
        }
        if piece.is_empty() {
            return;
        }
        self.segments.push(Segment {
            decoded: self.text.len(),
            source,
            verbatim: false,
        });
        self.text.push_str(piece);
    }

    /// Append a separating space (for a tag boundary at `at`) unless the text already
    /// ends in white space.
    pub fn push_space(&mut self, at: usize) {
        if self.text.is_empty() || self.text.ends_with(char::is_whitespace) {
            return;
        }
        self.segments.push(Segment {
            decoded: self.text.len(),
            source: Span::new(at, at),
            verbatim: false,
        });
        self.text.push(' ');
    }

    fn segment_at(&self, offset: usize) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.decoded <= offset);
        self.segments.get(i.checked_sub(1)?)
    }

    /// The source position of decoded byte `offset`.
    fn source_offset(&self, offset: usize) -> usize {
        match self.segment_at(offset) {
            Some(s) if s.verbatim => s.source.start + (offset - s.decoded),
            Some(s) => s.source.start,
            None => 0,
        }
    }

    /// The source span of the decoded range `start..end`. Where the decoded text is not
    /// a verbatim copy, the same characters are looked for in the source piece.
    pub fn source_span(&self, start: usize, end: usize, source_text: &str) -> Span {
        let a = self.source_offset(start);
        let b = if end > start {
            self.source_offset(end - 1)
                + self.text[..end]
                    .chars()
                    .next_back()
                    .map_or(1, char::len_utf8)
        } else {
            a
        };
        if let (Some(first), Some(last)) = (
            self.segment_at(start),
            self.segment_at(end.saturating_sub(1).max(start)),
        ) {
            if !(first.verbatim && last.verbatim) {
                let window = Span::new(first.source.start, last.source.end.max(first.source.start));
                if let (Some(hay), Some(needle)) = (
                    source_text.get(window.start..window.end),
                    self.text.get(start..end),
                ) {
                    if let Some(i) = hay.find(needle) {
                        return Span::new(window.start + i, window.start + i + needle.len());
                    }
                }
            }
        }
        Span::new(a, b.max(a))
    }

    /// Identifiers in the decoded text, with spans in the source.
    pub fn identifiers(&self, source_text: &str) -> Vec<Identifier> {
        ident::find_identifiers(&self.text, 0)
            .into_iter()
            .map(|mut id| {
                id.span = self.source_span(id.span.start, id.span.end, source_text);
                id
            })
            .collect()
    }

    /// The text with white space collapsed.
    pub fn collapsed(&self) -> String {
        collapse(&self.text)
    }
}

/// Collapse runs of white space into single spaces and trim.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Remove markup tags (`<i>`, `</sub>`, `<mml:math ...>`), keeping their text, so that
/// `H<sub>2</sub>O` reads `H2O`. A `<` that opens no tag is kept.
pub fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        match after.find('>').filter(|_| is_tag) {
            Some(end) => rest = &after[end + 1..],
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a named or numeric character reference stands for (`amp`, `#8211`,
/// `#x2013`). Only the XML built-ins, numeric references and the dashes and spaces that
/// articles put between markers are known; anything else is left alone.
pub fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hyphen" | "dash" => '‐',
        "minus" => '−',
        "thinsp" => '\u{2009}',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

/// Decode the character references in `text` that [`decode_entity`] knows.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(';').filter(|&j| j <= 10) {
            Some(j) => match decode_entity(&after[..j]) {
                Some(c) => {
                    out.push(c);
                    rest = &after[j + 1..];
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            },
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Is the markup between two markers nothing but one dash (with brackets, white space
/// and tags around it)? Then the two markers are the ends of one range.
fn joined_by_dash(between: &str) -> bool {
    if between.len() > 200 {
        return false;
    }
    let text = decode_entities(&strip_tags(between));
    let rest: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '[' | ']' | '(' | ')'))
        .collect();
    rest.chars().count() == 1 && rest.starts_with(DASHES)
}

fn single(c: &Citation) -> Option<u64> {
    match c.items.as_slice() {
        [CiteItem::Label(l)] => l.parse().ok(),
        _ => None,
    }
}

/// Join neighbouring single-label markers separated only by a dash into one range
/// marker (`[12]–[15]` as two links or two xrefs). `citations` must be in source order.
pub fn join_ranges(citations: Vec<Citation>, source_text: &str) -> Vec<Citation> {
    let mut out: Vec<Citation> = Vec::with_capacity(citations.len());
    let mut iter = citations.into_iter().peekable();
    while let Some(c) = iter.next() {
        let next = iter.peek();
        let joined = match (single(&c), next.and_then(single), next) {
            (Some(a), Some(b), Some(n)) if n.span.start >= c.span.end => source_text
                .get(c.span.end..n.span.start)
                .filter(|between| joined_by_dash(between))
                .map(|between| (a, b, n.span.end, n.text.clone(), between.to_string())),
            _ => None,
        };
        match joined {
            Some((a, b, end, next_text, between)) => {
                iter.next();
                let dash = collapse(&decode_entities(&strip_tags(&between)));
                out.push(Citation {
                    span: Span::new(c.span.start, end),
                    text: format!("{}{dash}{next_text}", c.text),
                    items: vec![CiteItem::Range(a, b)],
                });
            }
            None => out.push(c),
        }
    }
    out
}

/// A label as lists write it: `[12]`, `12.`, `12)`, ` 12 ` -> `12`.
pub fn clean_label(label: &str) -> String {
    let t = label.trim();
    let t = t
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(t);
    let t = t.trim_end_matches(['.', ')', ':']).trim();
    t.to_string()
}

/// Is the text before a `<sup>` on its line one a citation follows (a word of three or
/// more letters, closing punctuation, a space) rather than maths (`n`, `2`, `)`)?
pub fn marker_context(before: &str) -> bool {
    let before = before.trim_end_matches(['*', '_']);
    let Some(prev) = before.chars().next_back() else {
        return true;
    };
    if prev.is_alphabetic() {
        return before
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .count()
            >= 3;
    }
    prev.is_whitespace() || ".,;:!?\"”’'>".contains(prev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cite(start: usize, end: usize, label: &str) -> Citation {
        Citation {
            span: Span::new(start, end),
            text: format!("[{label}]"),
            items: vec![CiteItem::Label(label.into())],
        }
    }

    #[test]
    fn ranges_across_two_markers_are_joined() {
        let src = "<x>12</x>&#x2013;<x>15</x> and <x>3</x>, <x>4</x>";
        let cs = vec![
            cite(0, 9, "12"),
            cite(17, 26, "15"),
            cite(31, 39, "3"),
            cite(41, 49, "4"),
        ];
        let out = join_ranges(cs, src);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].items, vec![CiteItem::Range(12, 15)]);
        assert_eq!(out[0].span, Span::new(0, 26));
        assert!(joined_by_dash("]-["));
        assert!(!joined_by_dash(", "));
    }

    #[test]
    fn decoded_text_maps_back_to_the_source() {
        let src = "<p>see 10.1000/a&amp;b here</p>";
        let mut m = MappedText::default();
        m.push_verbatim("see 10.1000/a", 3);
        m.push_decoded("&", Span::new(16, 21), src);
        m.push_verbatim("b here", 21);
        assert_eq!(m.text, "see 10.1000/a&b here");
        assert_eq!(m.source_span(4, 13, src), Span::new(7, 16));
        assert_eq!(decode_entities("a&ndash;b&#8211;c&bogus;"), "a–b–c&bogus;");
        assert_eq!(clean_label(" [12] "), "12");
        assert_eq!(clean_label("3."), "3");
    }
}
