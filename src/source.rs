//! Source text and positions.
//!
//! Everything inside refcheck works on byte spans into the text of one file; only the
//! edges (renderers, the JSON report) turn a byte offset into a 1-based line and a
//! 1-based column counted in characters. Keeping one line-start index per file makes
//! that conversion a binary search, so it stays cheap even for very large inputs.

use std::path::{Path, PathBuf};

/// A half-open byte range `[start, end)` into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// One input article: where it came from, its text (BOM removed) and a line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user named it (or `-` for standard input).
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Build a source file from text, dropping a leading UTF-8 byte-order mark.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        let mut text: String = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path as shown to users.
    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// 0-based index of the line holding byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 1-based line and 1-based column (in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let li = self.line_index(offset);
        let start = self.line_starts[li];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (li + 1, col + 1)
    }

    /// Byte range of 0-based line `index`, without its line terminator (`\n` or `\r\n`).
    pub fn line_span(&self, index: usize) -> Span {
        let start = self.line_starts.get(index).copied().unwrap_or(self.text.len());
        let mut end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start, end.max(start))
    }

    /// Text of 0-based line `index`, without its terminator.
    pub fn line_text(&self, index: usize) -> &str {
        let s = self.line_span(index);
        &self.text[s.start..s.end]
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of a span, or "" if the span does not fall on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped_and_columns_count_characters() {
        let f = SourceFile::new("a.txt", "\u{feff}ab\r\n–x[1]\n");
        assert_eq!(f.text.chars().next(), Some('a'));
        let at = f.text.find("[1]").unwrap();
        assert_eq!(f.line_col(at), (2, 3));
        assert_eq!(f.line_text(0), "ab");
        assert_eq!(f.line_text(1), "–x[1]");
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let f = SourceFile::new("a.txt", "one\ntwo");
        assert_eq!(f.line_col(100), (2, 4));
        assert_eq!(f.line_count(), 2);
        assert_eq!(f.line_text(5), "");
    }
}
