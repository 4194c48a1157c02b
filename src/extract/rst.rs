//! reStructuredText articles (PEPs, Sphinx documentation): footnotes and citations
//! as Docutils defines them.
//!
//! The rules:
//! * Entries are explicit markup blocks `.. [1] …`, `.. [#name] …`, `.. [#] …`,
//!   `.. [*] …` and citations `.. [CIT2002] …`; an entry runs over the following
//!   lines indented deeper than its `..`.
//! * Markers are `[1]_`, `[#name]_`, `[#]_`, `[*]_` and `[CIT2002]_`. Auto-numbered
//!   `[#]_` markers and `[#]` entries are numbered in document order, skipping the
//!   numbers written by hand, as Docutils does; `[*]_` markers take the symbols
//!   `*`, `†`, `‡`, … in order.
//! * Nothing in a literal block (after a paragraph ending in `::`), a code directive, a
//!   comment or an inline literal (` ``[1]_`` `) is a marker.

use super::ident;
use crate::model::{parse_number, Citation, CiteItem, Document, Format, Reference};
use crate::source::{SourceFile, Span};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

static DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([ \t]*)\.\.[ \t]+(\[(\d+|#[\w.\-]*|\*|[A-Za-z][\w.\-]*)\])(?:[ \t]+|$)")
        .expect("valid regex")
});

static DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([ \t]*)\.\.[ \t]+([\w:\-]+)::").expect("valid regex"));

static EXPLICIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([ \t]*)\.\.(?:[ \t]|$)").expect("valid regex"));

static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[(\d+|#[\w.\-]*|\*|[A-Za-z][\w.\-]*)\]_(?:[^\w]|$)").expect("valid regex")
});

const SYMBOLS: &[&str] = &["*", "†", "‡", "§", "¶", "#", "♠", "♥", "♦", "♣"];

/// Directives whose content is code, not prose.
const CODE_DIRECTIVES: &[&str] = &[
    "code",
    "code-block",
    "sourcecode",
    "literalinclude",
    "highlight",
    "math",
    "raw",
    "csv-table",
];

fn indent(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ' || *c == '\t').count()
}

/// Labels for auto-numbered and auto-symbol footnotes, handed out in document order.
struct Auto {
    taken: HashSet<u64>,
    next: u64,
    symbols: usize,
}

impl Auto {
    fn number(&mut self) -> String {
        loop {
            self.next += 1;
            if !self.taken.contains(&self.next) {
                return self.next.to_string();
            }
        }
    }

    fn symbol(&mut self) -> String {
        let i = self.symbols;
        self.symbols += 1;
        let sym = SYMBOLS[i % SYMBOLS.len()];
        sym.repeat(i / SYMBOLS.len() + 1)
    }

    /// The label a written `[x]` stands for.
    fn label(&mut self, raw: &str) -> String {
        match raw {
            "#" => self.number(),
            "*" => self.symbol(),
            _ => raw.trim_start_matches('#').to_string(),
        }
    }
}

/// Extract a reStructuredText article.
pub fn extract(source: &SourceFile) -> Document {
    let src = source.text.as_str();
    let taken: HashSet<u64> = (0..source.line_count())
        .filter_map(|i| DEFINITION.captures(source.line_text(i)))
        .filter_map(|c| parse_number(c.get(3)?.as_str()))
        .collect();
    let mut defs = Auto {
        taken: taken.clone(),
        next: 0,
        symbols: 0,
    };
    let mut refs_auto = Auto {
        taken,
        next: 0,
        symbols: 0,
    };
    let mut references: Vec<Reference> = Vec::new();
    let mut citations: Vec<Citation> = Vec::new();
    let mut skip_deeper_than: Option<usize> = None;
    let n = source.line_count();
    let mut i = 0;
    while i < n {
        let line = source.line_text(i);
        let span = source.line_span(i);
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        let ind = indent(line);
        if let Some(limit) = skip_deeper_than {
            if ind > limit {
                i += 1;
                continue;
            }
            skip_deeper_than = None;
        }
        if let Some(c) = DEFINITION.captures(line) {
            let (Some(whole), Some(label_m), Some(raw)) = (c.get(0), c.get(2), c.get(3)) else {
                i += 1;
                continue;
            };
            let mut last = i;
            let mut j = i + 1;
            while j < n {
                let l = source.line_text(j);
                if l.trim().is_empty() {
                    j += 1;
                    continue;
                }
                if indent(l) <= ind {
                    break;
                }
                last = j;
                j += 1;
            }
            let body_start = span.start + whole.end();
            let end = source.line_span(last).end.max(body_start);
            let body = &src[body_start..end];
            references.push(Reference {
                label: defs.label(raw.as_str()),
                label_span: Span::new(span.start + label_m.start(), span.start + label_m.end()),
                span: Span::new(span.start + ind, end),
                text: body.split_whitespace().collect::<Vec<_>>().join(" "),
                identifiers: ident::find_identifiers(body, body_start),
            });
            i = last + 1;
            continue;
        }
        if let Some(c) = DIRECTIVE.captures(line) {
            let name = c.get(2).map_or("", |m| m.as_str()).to_ascii_lowercase();
            if CODE_DIRECTIVES.contains(&name.as_str()) {
                skip_deeper_than = Some(ind);
            }
            i += 1;
            continue;
        }
        if EXPLICIT.is_match(line) {
            // A comment or a hyperlink target: its indented block is not prose.
            skip_deeper_than = Some(ind);
            i += 1;
            continue;
        }
        markers_in_line(line, span.start, &mut refs_auto, &mut citations);
        if line.trim_end().ends_with("::") {
            skip_deeper_than = Some(ind);
        }
        i += 1;
    }
    let mut doc = Document::new(Format::Rst);
    doc.references = references;
    doc.citations = citations;
    doc
}

/// Markers on one line of prose, inline literals (` ``…`` `) skipped.
fn markers_in_line(line: &str, base: usize, auto: &mut Auto, out: &mut Vec<Citation>) {
    let literals: Vec<(usize, usize)> = {
        let ticks: Vec<usize> = line.match_indices("``").map(|(k, _)| k).collect();
        ticks
            .chunks(2)
            .map(|p| (p[0], p.get(1).map_or(line.len(), |e| e + 2)))
            .collect()
    };
    for c in MARKER.captures_iter(line) {
        let (Some(m), Some(raw)) = (c.get(0), c.get(1)) else {
            continue;
        };
        if literals
            .iter()
            .any(|(a, b)| m.start() >= *a && m.start() < *b)
        {
            continue;
        }
        let end = raw.end() + 2;
        out.push(Citation {
            span: Span::new(base + m.start(), base + end),
            text: line[m.start()..end].to_string(),
            items: vec![CiteItem::Label(auto.label(raw.as_str()))],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        extract(&SourceFile::new("t.rst", text))
    }

    fn cited(d: &Document) -> Vec<String> {
        d.citations.iter().flat_map(|c| c.labels()).collect()
    }

    #[test]
    fn footnotes_of_every_kind() {
        let d = doc("Text [1]_ and [#note]_ and [#]_ and [*]_ and ``[9]_``.\n\n.. [1] https://example.org/a\n   continued\n.. [#note] Named.\n.. [#] Auto.\n.. [*] Symbol.\n");
        let labels: Vec<&str> = d.references.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, vec!["1", "note", "2", "*"]);
        assert_eq!(cited(&d), vec!["1", "note", "2", "*"]);
        assert_eq!(d.references[0].text, "https://example.org/a continued");
        assert_eq!(d.citations[0].span, Span::new(5, 9));
    }

    #[test]
    fn literal_blocks_and_comments_hold_no_markers() {
        let d = doc("Example::\n\n    x = [3]_\n\n.. code-block:: rst\n\n   [4]_\n\n..\n   [5]_ in a comment\n\nBack [1]_.\n\n.. [1] One.\n");
        assert_eq!(cited(&d), vec!["1"]);
    }
}
