//! Plain-text articles: find the reference list, then the markers in the rest.
//!
//! The reference list is the numbered run of entries after the last heading such as
//! "References", "Bibliography", "Notes" (decorated as pages write them:
//! `References:`, `17 References`, `References[edit]`, `REFERENCES`). Without such a
//! heading it is the last run of consecutively numbered entries that reads like a
//! bibliography (years, DOIs, URLs, ISBNs in at least half its entries), so that a
//! numbered list of steps is never taken for references. An entry continues over the
//! following lines until a blank line or a line indented less than its number; the
//! list ends at the first line after a blank that is not an entry, so an author bio
//! or a page footer after the list is left alone.

use super::ident;
use super::markers;
use crate::model::{Document, Format, Reference};
use crate::source::{SourceFile, Span};
use regex::Regex;
use std::sync::LazyLock;

/// Section names that introduce a reference list.
const HEADINGS: &[&str] = &[
    "references",
    "reference",
    "reference list",
    "references and notes",
    "references cited",
    "references and further reading",
    "notes and sources",
    "sources and notes",
    "bibliography and notes",
    "notes and references",
    "bibliography",
    "select bibliography",
    "sources",
    "works cited",
    "cited works",
    "literature",
    "literature cited",
    "cited literature",
    "notes",
    "endnotes",
    "footnotes",
    "citations",
];

static HEADING_DECOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[#=*_\s]*(?:\d+(?:\.\d+)*\.?\s+)?(?P<name>.*?)\s*(?:\[edit\]|\[\s*edit\s*source\s*\])?[\s:#=*_.]*$")
        .expect("valid regex")
});

pub(crate) static BIBLIOGRAPHIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:1[5-9]\d\d|20\d\d)\b|https?://|\bdoi\b|10\.\d{4,9}/|\bisbn\b|\bet al\b|\bpp?\.\s*\d")
        .expect("valid regex")
});

static WIKI_BACKLINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\^\s*(?:Jump up to:\s*)?(?:a(?:\s+[b-z]){1,25}\s+)?").expect("valid regex")
});

static AUTHOR_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\([A-Z][\p{L}'’\-]+(?: et al\.?| and [A-Z][\p{L}'’\-]+| & [A-Z][\p{L}'’\-]+)?,? (?:1[5-9]|20)\d\d[a-z]?[;,)]|[A-Z][\p{L}'’\-]+ et al\.? \((?:1[5-9]|20)\d\d[a-z]?\)")
        .expect("valid regex")
});

/// A numbered entry line.
#[derive(Debug, Clone)]
struct EntryLine {
    indent: usize,
    number: u64,
    label_span: Span,
    text_start: usize,
    /// Written as a bare number and a space (`1 Author`), as notes pages print them.
    bare: bool,
}

/// Bullets that may stand before an entry's number.
const BULLETS: &[char] = &['•', '·', '▪', '◦', '‣', '∙', '*', '-', '–'];

/// Parse an entry line: indent, optional bullet, then `1.`, `1)`, `[1]` or `(1)`, then
/// the entry's text; with `bare`, also a number followed by white space and a capital
/// letter or quote (`1 Author`), which only a list under a heading may use. Written by
/// hand rather than as a capturing regex: it runs on every line of the article.
fn entry_line(source: &SourceFile, index: usize, bare: bool) -> Option<EntryLine> {
    let span = source.line_span(index);
    let line = source.slice(span);
    let body = line.trim_start();
    let indent = line[..line.len() - body.len()].chars().count();
    let mut rest = body;
    if let Some(c) = rest.chars().next().filter(|c| BULLETS.contains(c)) {
        rest = rest[c.len_utf8()..].trim_start();
    }
    let label_at = line.len() - rest.len();
    let bytes = rest.as_bytes();
    let (open, close) = match bytes.first()? {
        b'[' => (1, Some(b']')),
        b'(' => (1, Some(b')')),
        b'0'..=b'9' => (0, None),
        _ => return None,
    };
    let digits = bytes[open..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let term = *bytes.get(open + digits)?;
    // A bare number has at most three digits: "2019 Annual report" is a title.
    let spaced = bare && close.is_none() && digits <= 3 && (term == b' ' || term == b'\t') && {
        let after = rest[digits..].trim_start();
        after.starts_with(|c: char| c.is_uppercase() || "\"“‘'".contains(c))
    };
    let closes = match close {
        Some(c) => term == c,
        None => term == b'.' || term == b')' || spaced,
    };
    if !closes {
        return None;
    }
    let label_end = if spaced { digits } else { open + digits + 1 };
    let tail = &rest[label_end..];
    let text = tail.trim_start();
    if text.is_empty() {
        return None;
    }
    if close.is_none() && text.len() == tail.len() && text.starts_with(|c: char| c.is_ascii_digit())
    {
        return None; // "1.5 million" is not an entry; "1.Author" is.
    }
    Some(EntryLine {
        indent,
        number: rest[open..open + digits].parse().ok()?,
        label_span: Span::new(span.start + label_at, span.start + label_at + label_end),
        text_start: span.start + line.len() - text.len(),
        bare: spaced,
    })
}

pub(crate) fn is_heading(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 48 {
        return false;
    }
    let Some(caps) = HEADING_DECOR.captures(line) else {
        return false;
    };
    let name = caps.name("name").map_or("", |m| m.as_str()).to_lowercase();
    HEADINGS.contains(&name.trim())
}

fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
}

/// One entry being collected: its first line and the last line it covers.
struct RawEntry {
    head: EntryLine,
    last_line: usize,
}

/// Collect the list whose first entry is on line `first`. Returns the entries and the
/// line after the list.
fn collect_list(source: &SourceFile, first: usize, head: EntryLine) -> (Vec<RawEntry>, usize) {
    let base_indent = head.indent;
    let bare = head.bare;
    let mut entries = vec![RawEntry {
        head,
        last_line: first,
    }];
    let mut blank_run = 0usize;
    let mut i = first + 1;
    while i < source.line_count() {
        let line = source.line_text(i);
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 3 {
                break;
            }
            i += 1;
            continue;
        }
        let last_number = entries.last().map_or(0, |e| e.head.number);
        if let Some(e) = entry_line(source, i, bare) {
            let in_sequence = e.number >= last_number && e.number <= last_number + 20;
            if in_sequence && e.indent.abs_diff(base_indent) <= 4 {
                entries.push(RawEntry {
                    head: e,
                    last_line: i,
                });
                blank_run = 0;
                i += 1;
                continue;
            }
            break;
        }
        let indent = indent_of(line);
        let continues = if blank_run > 0 {
            indent > base_indent
        } else {
            base_indent == 0 || indent >= base_indent
        };
        if !continues {
            break;
        }
        if let Some(last) = entries.last_mut() {
            last.last_line = i;
        }
        blank_run = 0;
        i += 1;
    }
    let end = entries.last().map_or(first + 1, |e| e.last_line + 1);
    (entries, end)
}

fn looks_bibliographic(source: &SourceFile, entries: &[RawEntry]) -> bool {
    let hits = entries
        .iter()
        .filter(|e| {
            let end = source.line_span(e.last_line).end;
            BIBLIOGRAPHIC.is_match(source.slice(Span::new(e.head.text_start, end)))
        })
        .count();
    hits * 2 >= entries.len()
}

/// The located reference list: entries and the source lines it covers.
pub(crate) struct ListBlock {
    pub references: Vec<Reference>,
    pub span: Span,
}

/// Find the reference list of a plain-text article.
pub(crate) fn find_list(source: &SourceFile) -> Option<ListBlock> {
    let n = source.line_count();
    let mut chosen: Option<(usize, Vec<RawEntry>, usize)> = None;
    // 1. After the last heading that is followed by entries.
    for h in (0..n).rev() {
        if !is_heading(source.line_text(h)) {
            continue;
        }
        let mut prose = 0;
        let mut j = h + 1;
        while j < n && prose <= 2 {
            if let Some(e) = entry_line(source, j, false) {
                let (entries, end) = collect_list(source, j, e);
                chosen = Some((j, entries, end));
                break;
            }
            // `1 Author …`: a bare number is an entry only in a list that reads like a
            // bibliography, so that "3 eggs" under "Notes" stays prose.
            if let Some(e) = entry_line(source, j, true) {
                let (entries, end) = collect_list(source, j, e);
                if looks_bibliographic(source, &entries) {
                    chosen = Some((j, entries, end));
                    break;
                }
            }
            if !source.line_text(j).trim().is_empty() {
                if is_heading(source.line_text(j)) {
                    break;
                }
                prose += 1;
            }
            j += 1;
        }
        if chosen.is_some() {
            break;
        }
    }
    // 2. Else the last bibliographic run of consecutive entries.
    if chosen.is_none() {
        let mut i = 0;
        let mut last: Option<(usize, Vec<RawEntry>, usize)> = None;
        while i < n {
            match entry_line(source, i, false) {
                Some(e) if e.number == 1 => {
                    let (entries, end) = collect_list(source, i, e);
                    let consecutive = entries
                        .windows(2)
                        .all(|w| w[1].head.number <= w[0].head.number + 3);
                    if consecutive && looks_bibliographic(source, &entries) {
                        last = Some((i, entries, end));
                    }
                    i = end.max(i + 1);
                }
                _ => i += 1,
            }
        }
        chosen = last;
    }
    let (first, entries, end) = chosen?;
    let start = source.line_span(first).start;
    let stop = source.line_span(end.saturating_sub(1)).end;
    let references = entries.iter().map(|e| to_reference(source, e)).collect();
    Some(ListBlock {
        references,
        span: Span::new(start, stop),
    })
}

fn to_reference(source: &SourceFile, e: &RawEntry) -> Reference {
    let end = source.line_span(e.last_line).end;
    let body = Span::new(e.head.text_start, end);
    let raw = source.slice(body);
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = if collapsed.starts_with('^') {
        WIKI_BACKLINK.replace(&collapsed, "").into_owned()
    } else {
        collapsed
    };
    Reference {
        label: e.head.number.to_string(),
        label_span: e.head.label_span,
        span: Span::new(e.head.label_span.start, end),
        text,
        identifiers: {
            let mut ids = ident::find_identifiers(raw, body.start);
            ids.shrink_to_fit();
            ids
        },
    }
}

/// A reference list whose entries carry no numbers, as pages print a list of sources
/// under "References" while the text cites them `[1]`, `[2]`: the entries after the
/// last such heading, one per line (a deeper-indented or lower-case line continues
/// the entry above), as long as each reads like a bibliography. They are numbered by
/// position, which is how the markers count them; a list shorter than the highest
/// marker is not taken for theirs.
fn unnumbered_list(source: &SourceFile, highest_cited: u64) -> Option<ListBlock> {
    let n = source.line_count();
    let h = (0..n).rev().find(|&h| is_heading(source.line_text(h)))?;
    let mut entries: Vec<(usize, usize, usize)> = Vec::new(); // first line, last line, indent
    let mut blank_run = 0;
    for i in h + 1..n {
        let line = source.line_text(i);
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 2 && !entries.is_empty() {
                break;
            }
            continue;
        }
        if entry_line(source, i, false).is_some() || is_heading(line) {
            break;
        }
        let indent = indent_of(line);
        let body = line.trim_start().trim_start_matches(BULLETS).trim_start();
        let continues = entries.last().is_some_and(|&(_, _, first_indent)| {
            blank_run == 0
                && (indent > first_indent || body.starts_with(|c: char| c.is_lowercase()))
        });
        blank_run = 0;
        match entries.last_mut() {
            Some(last) if continues => last.1 = i,
            _ => {
                if !BIBLIOGRAPHIC.is_match(body) {
                    break;
                }
                entries.push((i, i, indent));
            }
        }
    }
    let count = u64::try_from(entries.len()).ok()?;
    if entries.is_empty() || highest_cited > count {
        return None;
    }
    let references = entries
        .iter()
        .zip(1u64..)
        .map(|(&(first, last, _), number)| {
            let span = source.line_span(first);
            let line = source.slice(span);
            let body = line.trim_start().trim_start_matches(BULLETS).trim_start();
            let at = span.start + line.len() - body.len();
            let end = source.line_span(last).end;
            let raw = source.slice(Span::new(at, end));
            Reference {
                label: number.to_string(),
                label_span: Span::new(at, at),
                span: Span::new(at, end),
                text: raw.split_whitespace().collect::<Vec<_>>().join(" "),
                identifiers: ident::find_identifiers(raw, at),
            }
        })
        .collect();
    let start = source.line_span(entries.first()?.0).start;
    let stop = source.line_span(entries.last()?.1).end;
    Some(ListBlock {
        references,
        span: Span::new(start, stop),
    })
}

/// Markers in the parts of `source` outside `skip`, in the style the article uses.
pub(crate) fn find_markers(
    source: &SourceFile,
    skip: Option<Span>,
    max_label: u64,
) -> Vec<crate::model::Citation> {
    let text = &source.text;
    let regions: Vec<(usize, &str)> = match skip {
        Some(s) => vec![(0, &text[..s.start]), (s.end, &text[s.end..])],
        None => vec![(0, text.as_str())],
    };
    type Finder = fn(&str, usize, u64) -> Vec<crate::model::Citation>;
    let finders: [Finder; 4] = [
        markers::find_brackets,
        markers::find_superscripts,
        markers::find_parentheticals,
        markers::find_glued,
    ];
    for find in finders {
        let found: Vec<_> = regions
            .iter()
            .flat_map(|(base, part)| find(part, *base, max_label))
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// Does the article cite by author and year rather than by number?
pub(crate) fn cites_author_year(text: &str) -> bool {
    AUTHOR_YEAR.find_iter(text).take(2).count() >= 2
}

/// Extract a plain-text article.
pub fn extract(source: &SourceFile) -> Document {
    let mut doc = Document::new(Format::Text);
    let list = find_list(source);
    let max_label = list
        .as_ref()
        .and_then(|l| l.references.iter().filter_map(Reference::number).max())
        .unwrap_or(0);
    doc.citations = find_markers(source, list.as_ref().map(|l| l.span), max_label);
    if doc.citations.is_empty() && cites_author_year(&source.text) {
        doc.author_year = true;
    }
    let list = list.or_else(|| {
        let highest = doc
            .citations
            .iter()
            .flat_map(|c| c.labels())
            .filter_map(|l| l.parse::<u64>().ok())
            .max()?;
        let list = unnumbered_list(source, highest)?;
        // The markers were looked for with no list to bound them: look again.
        doc.citations = find_markers(source, Some(list.span), list.references.len() as u64);
        Some(list)
    });
    if let Some(list) = list {
        doc.references = list.references;
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        extract(&SourceFile::new("t.txt", text))
    }

    fn labels(d: &Document) -> Vec<&str> {
        d.references.iter().map(|r| r.label.as_str()).collect()
    }

    #[test]
    fn headings_in_their_many_dresses() {
        for h in [
            "References",
            "References:",
            "17 References",
            "References[edit]",
            "REFERENCES",
            "## Bibliography",
            "Works Cited",
            "3.2 Notes",
        ] {
            assert!(is_heading(h), "{h}");
        }
        for h in [
            "The references we used were good",
            "Referencesxyz",
            "Notes on the method of 2019 and later work, a long line",
        ] {
            assert!(!is_heading(h), "{h}");
        }
    }

    #[test]
    fn entry_styles() {
        let d = doc("Text [1] [2] [3] [4] [5] [6].\n\nReferences\n\n1. A 2001\n  2) B 2002\n[3] C 2003\n(4) D 2004\n • 5.   E 2005\n6.F 2006\n");
        assert_eq!(labels(&d), vec!["1", "2", "3", "4", "5", "6"]);
        assert_eq!(d.references[5].text, "F 2006");
        assert_eq!(d.citations.len(), 6);
    }

    #[test]
    fn continuation_lines_and_trailing_boilerplate() {
        let d = doc("Body [1] [2].\n\n  1. Smith, J. (2001). A title\n     that wraps. Journal.\n  2. Jones, K. (2002). Other.\nAbout the author\n\nShe writes 1. things.\n");
        assert_eq!(labels(&d), vec!["1", "2"]);
        assert_eq!(
            d.references[0].text,
            "Smith, J. (2001). A title that wraps. Journal."
        );
        assert_eq!(d.references[1].text, "Jones, K. (2002). Other.");
    }

    #[test]
    fn a_numbered_list_of_steps_is_not_a_reference_list() {
        let d = doc("How to:\n\n1. Open the box\n2. Take it out\n3. Enjoy\n");
        assert!(d.references.is_empty());
    }

    #[test]
    fn the_last_bibliographic_run_wins_without_a_heading() {
        let d = doc("Steps:\n1. Open\n2. Close\n\nBody [1].\n\n1. Smith (2001) Title.\n2. Jones (2003) Other.\n");
        assert_eq!(labels(&d), vec!["1", "2"]);
        assert!(d.references[0].text.starts_with("Smith"));
    }

    #[test]
    fn wikipedia_backlinks_are_not_entry_text() {
        let d = doc("Shown[1][2].\n\nReferences[edit]\n\n  1.  ^ a b Horn, R. (2013). Matrix Analysis.\n  2.  ^ Also known as a ratio.\n");
        assert_eq!(d.references[0].text, "Horn, R. (2013). Matrix Analysis.");
        assert_eq!(d.references[1].text, "Also known as a ratio.");
        assert_eq!(d.citations.len(), 2);
        let d = doc("Shown[1].\n\nReferences\n\n  1.  ^ Jump up to: a b Horn, R. (2013). Matrix Analysis.\n");
        assert_eq!(d.references[0].text, "Horn, R. (2013). Matrix Analysis.");
    }

    #[test]
    fn bare_numbers_are_entries_only_in_a_bibliography() {
        let d = doc("Shown [1] [2].\n\nNotes\n\n1 Adams, R. (2012). Starch.\n2 Brook, L. https://example.org/a\n");
        assert_eq!(labels(&d), vec!["1", "2"]);
        assert_eq!(d.references[0].text, "Adams, R. (2012). Starch.");
        let d = doc("Shown [1].\n\nNotes\n\n3 Eggs are enough.\n4 Cups of flour.\n");
        assert!(d.references.is_empty());
        let d = doc("Shown [1].\n\nSources\n\n2019 Annual report. https://example.org/r\n");
        assert_eq!(
            labels(&d),
            vec!["1"],
            "a year opening a line is not a label"
        );
    }

    #[test]
    fn unnumbered_sources_are_numbered_by_position() {
        let d = doc("Shown [1] and [2].\n\nSources\n\n• Ross, T. (2011). Purring.\n  continued here.\n• Stone, U. https://example.org/x\n\nAbout us\nWe write.\n");
        assert_eq!(labels(&d), vec!["1", "2"]);
        assert_eq!(
            d.references[0].text,
            "Ross, T. (2011). Purring. continued here."
        );
        let d = doc("Shown [3].\n\nSources\n\nRoss, T. (2011). Purring.\n");
        assert!(
            d.references.is_empty(),
            "a list shorter than the markers is not theirs"
        );
    }

    #[test]
    fn author_year_articles_are_recognised() {
        let d = doc("As shown (Smith, 2001) and (Jones et al., 2003).\n\nReferences\n\nSmith, J. 2001. A.\n");
        assert!(d.author_year);
    }
}
