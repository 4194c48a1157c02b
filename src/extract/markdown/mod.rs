//! Markdown articles, read with a real CommonMark parser (pulldown-cmark, with GFM
//! footnotes and tables) so that code, HTML comments and link syntax are never taken
//! for citations.
//!
//! The rules:
//! * Footnotes follow GFM: `[^1]` and `[^note]` cite their definition `[^1]: …`. A
//!   `[^x]` with no definition stays literal text for the parser; it is reported as a
//!   marker citing `x`, so the missing definition is found. A label defined twice
//!   gives two entries (a duplicate label).
//! * A numbered list (`1.` items, or lines starting `[1]`) under a heading such as
//!   "References" or "Notes" is the reference list; so are numeric link reference
//!   definitions (`[1]: https://…`, cited by `[1][]` or `[text][1]`), and lines that
//!   open with `<sup>N</sup>` followed by text (source notes under a table). A
//!   reference section of plain bullets is numbered by position when the text cites
//!   it by number; a list written in HTML counts when the Markdown has none.
//! * Inline markers: `[4]`, `[1–3]`, `[12]–[15]` in text, `<sup>2,3</sup>` after a
//!   word or punctuation (not `n<sup>2</sup>`), outside code spans, code blocks, HTML
//!   comments and links that carry their own target (`[[1]](https://…)`).

use super::{markers, markup, text};
use crate::model::{parse_number, Citation, CiteItem, Document, Format, Reference};
use crate::source::{SourceFile, Span};
use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

static SUP_ELEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)^<sup(?:\s[^>]*)?>(.{0,200}?)</sup\s*>").expect("valid regex")
});

static LINK_DEST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\]\([^)\s]*\)").expect("valid regex"));

static SUP_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<sup[\s>]").expect("valid regex"));

static UNDEFINED_FOOTNOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\^([^\]\s\[]{1,100})\]").expect("valid regex"));

static PARA_ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t>]*(?:<[a-zA-Z][^>\n]{0,200}>[ \t]*(?:</[a-zA-Z]+>[ \t]*)?)*[*_]{0,2}(\[(\d{1,5})\]|(\d{1,5})\\\.)[*_]{0,2}[ \t]*\S")
        .expect("valid regex")
});

static ITEM_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]*(?:[-*+][ \t]+)?(?:<[a-zA-Z][^>\n]{0,200}>[ \t]*(?:</[a-zA-Z]+>[ \t]*)?)*[*_]{0,2}(\[(\d{1,5})\]|(\d{1,9})[.)])").expect("valid regex")
});

fn options() -> Options {
    Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

/// An open list: its first number and how many items it has had.
struct List {
    start: Option<u64>,
    index: u64,
    entries: bool,
}

#[derive(Default)]
struct Walk<'a> {
    src: &'a str,
    code_block: usize,
    skip: usize,
    link_skips: Vec<bool>,
    text_ranges: Vec<Span>,
    citations: Vec<Citation>,
    footnotes: Vec<(String, Span)>,
    /// Footnote labels by their case-folded form (GFM matches labels without case).
    footnote_names: HashMap<String, String>,
    footnote_depth: usize,
    entries: Vec<Reference>,
    refs_section: Option<HeadingLevel>,
    heading: Option<String>,
    /// Bullets without a label in a reference section (`- Author (2001) …`).
    bullets: Vec<Span>,
    /// HTML blocks, and whether each sits in a reference section.
    html_blocks: Vec<(Span, bool)>,
    /// The text of an open top-level paragraph outside a reference section.
    paragraph: Option<String>,
    lists: Vec<List>,
    /// An open link into the page: its span, the text it shows, whether it names a note.
    anchor: Option<(Span, String, bool)>,
}

/// Extract a Markdown article.
pub fn extract(source: &SourceFile) -> Document {
    let src = source.text.as_str();
    let parser = Parser::new_ext(src, options());
    let mut link_defs: Vec<(String, Span)> = parser
        .reference_definitions()
        .iter()
        .filter(|(k, _)| parse_number(k.trim()).is_some())
        .map(|(k, d)| (k.trim().to_string(), Span::new(d.span.start, d.span.end)))
        .collect();
    link_defs.sort_by_key(|(_, s)| s.start);
    let labels: HashSet<String> = link_defs.iter().map(|(l, _)| l.clone()).collect();
    let mut w = Walk {
        src,
        ..Walk::default()
    };
    for (event, range) in parser.into_offset_iter() {
        w.event(event, Span::new(range.start, range.end), &labels);
    }
    w.finish(link_defs)
}

impl<'a> Walk<'a> {
    fn event(&mut self, event: Event<'_>, span: Span, link_defs: &HashSet<String>) {
        match event {
            Event::Start(tag) => self.start(tag, span, link_defs),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some(h) = self.heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some(p) = self.paragraph.as_mut() {
                    p.push_str(&t);
                }
                if let Some((_, shown, _)) = self.anchor.as_mut() {
                    shown.push_str(&t);
                }
                self.text(span);
            }
            Event::SoftBreak | Event::HardBreak => self.text(span),
            Event::FootnoteReference(label) => {
                let label = self
                    .footnote_label(&label)
                    .unwrap_or_else(|| label.to_string());
                self.citations.push(Citation {
                    span,
                    text: self.src[span.start..span.end].to_string(),
                    items: vec![CiteItem::Label(label)],
                });
            }
            Event::InlineHtml(html)
                if self.code_block == 0
                    && self.skip == 0
                    && html.len() < 200
                    && SUP_START.is_match(&html) =>
            {
                self.sup(span.start);
            }
            _ => {}
        }
    }

    /// An in-page link that shows a number: a marker when it shows it in brackets or
    /// points at a note (`#fn1`, `#ref-4`).
    fn anchor_marker(&mut self, span: Span, shown: &str, note_like: bool) {
        let shown = shown.trim();
        let bracketed = shown.starts_with('[') && shown.ends_with(']');
        let body = shown.trim_start_matches('[').trim_end_matches(']');
        if !(bracketed || note_like) || self.code_block > 0 {
            return;
        }
        if let Some(items) = markers::parse_items(body) {
            self.citations.push(Citation {
                span,
                text: self.src[span.start..span.end].to_string(),
                items,
            });
        }
    }

    fn footnote_label(&self, label: &str) -> Option<String> {
        self.footnote_names.get(&label.to_lowercase()).cloned()
    }

    fn text(&mut self, span: Span) {
        if self.code_block == 0 && self.skip == 0 {
            self.text_ranges.push(span);
        }
    }

    fn start(&mut self, tag: Tag<'_>, span: Span, link_defs: &HashSet<String>) {
        match tag {
            Tag::Heading { level, .. } => {
                if self.refs_section.is_some_and(|l| level <= l) {
                    self.refs_section = None;
                }
                self.heading = Some(String::new());
            }
            Tag::CodeBlock(_) => self.code_block += 1,
            Tag::HtmlBlock => {
                self.html_blocks.push((span, self.refs_section.is_some()));
                self.html_block(span)
            }
            Tag::FootnoteDefinition(label) => {
                self.footnote_depth += 1;
                self.footnote_names
                    .entry(label.to_lowercase())
                    .or_insert_with(|| label.to_string());
                self.footnotes.push((label.to_string(), span));
            }
            Tag::List(start) => {
                let entries = self.refs_section.is_some()
                    && self.lists.is_empty()
                    && self.footnote_depth == 0;
                self.lists.push(List {
                    start,
                    index: 0,
                    entries,
                });
            }
            Tag::Item => self.item(span),
            Tag::Paragraph if self.lists.is_empty() && self.footnote_depth == 0 => {
                if self.refs_section.is_some() {
                    self.paragraph_entries(span);
                } else {
                    self.paragraph = Some(String::new());
                }
            }
            Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            } => {
                let by_reference = matches!(
                    link_type,
                    LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
                );
                let label = id.trim();
                if by_reference && link_defs.contains(label) {
                    self.citations.push(Citation {
                        span,
                        text: self.src[span.start..span.end].to_string(),
                        items: vec![CiteItem::Label(label.to_string())],
                    });
                    self.skip += 1;
                    self.link_skips.push(true);
                } else {
                    // A link into the page (`[\[1\]](#ref-1)`) is judged whole when it
                    // closes; a link with its own target is never a marker.
                    if let Some(anchor) = dest_url.strip_prefix('#') {
                        self.anchor = Some((span, String::new(), markup::NOTE_ID.is_match(anchor)));
                    }
                    self.skip += 1;
                    self.link_skips.push(true);
                }
            }
            Tag::Image { .. } => self.skip += 1,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => {
                if let Some(h) = self.heading.take() {
                    if text::is_heading(&h) {
                        self.refs_section = Some(level);
                    }
                }
            }
            // A paragraph that is nothing but "**References**" serves as a heading.
            TagEnd::Paragraph => {
                let paragraph = self.paragraph.take();
                if paragraph.is_some_and(|p| text::is_heading(&p)) {
                    self.refs_section = Some(HeadingLevel::H6);
                }
            }
            TagEnd::CodeBlock => self.code_block = self.code_block.saturating_sub(1),
            TagEnd::FootnoteDefinition => {
                self.footnote_depth = self.footnote_depth.saturating_sub(1)
            }
            TagEnd::List(_) => {
                self.lists.pop();
            }
            TagEnd::Link => {
                let skipped = self.link_skips.pop() == Some(true);
                self.skip = self.skip.saturating_sub(usize::from(skipped));
                if let Some((span, shown, note_like)) = self.anchor.take() {
                    self.anchor_marker(span, &shown, note_like);
                }
            }
            TagEnd::Image => self.skip = self.skip.saturating_sub(1),
            _ => {}
        }
    }

    /// A list item; an entry when its list is the reference list.
    fn item(&mut self, span: Span) {
        let depth = self.lists.len();
        let Some(list) = self.lists.last_mut() else {
            return;
        };
        list.index += 1;
        if !list.entries || depth != 1 {
            return;
        }
        let slice = &self.src[span.start..span.end];
        let Some(caps) = ITEM_LABEL.captures(slice) else {
            if list.start.is_none() {
                self.bullets.push(span);
            }
            return;
        };
        let Some(whole) = caps.get(1) else { return };
        let label = match (list.start, caps.get(2)) {
            (_, Some(bracketed)) => bracketed.as_str().to_string(),
            (Some(start), None) => (start + list.index - 1).to_string(),
            (None, None) => return,
        };
        let label_span = Span::new(span.start + whole.start(), span.start + whole.end());
        let entry = make_entry(
            self.src,
            label,
            label_span,
            Span::new(label_span.start, span.end),
            label_span.end,
        );
        self.entries.push(entry);
    }

    /// Lines of a paragraph in the reference section that open with `[n]`.
    fn paragraph_entries(&mut self, span: Span) {
        let slice = &self.src[span.start..span.end];
        let heads: Vec<(usize, usize, String)> = PARA_ENTRY
            .captures_iter(slice)
            .filter_map(|c| {
                let m = c.get(1)?;
                Some((
                    span.start + m.start(),
                    span.start + m.end(),
                    c.get(2).or(c.get(3))?.as_str().to_string(),
                ))
            })
            .collect();
        for (i, (start, end, label)) in heads.iter().enumerate() {
            let stop = heads
                .get(i + 1)
                .map_or(span.end, |h| line_start(self.src, h.0));
            let entry = make_entry(
                self.src,
                label.clone(),
                Span::new(*start, *end),
                Span::new(*start, stop),
                *end,
            );
            self.entries.push(entry);
        }
    }

    /// An HTML block: `<sup>` markers and note lines in it, comments skipped.
    fn html_block(&mut self, span: Span) {
        let block = &self.src[span.start..span.end];
        let mut from = 0;
        while let Some(m) = SUP_START.find_at(block, from) {
            let at = m.start();
            if let Some(open) = block[..at].rfind("<!--") {
                if !block[open..at].contains("-->") {
                    from = block[at..].find("-->").map_or(block.len(), |i| at + i + 3);
                    continue;
                }
            }
            self.sup(span.start + at);
            from = m.end();
        }
    }

    /// A `<sup>` element starting at byte `start`: a note line's label, a marker, or maths.
    fn sup(&mut self, start: usize) {
        let rest = &self.src[start..];
        let Some(caps) = SUP_ELEMENT.captures(rest) else {
            return;
        };
        let (Some(whole), Some(inner)) = (caps.get(0), caps.get(1)) else {
            return;
        };
        // `<sup>[1](#fn1)</sup>`: Markdown inside the element is not parsed; drop link targets.
        let inner = LINK_DEST.replace_all(inner.as_str(), "]");
        let inner_text = markup::decode_entities(&markup::strip_tags(&inner));
        let body = inner_text
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']');
        let Some(items) = markers::parse_items(body) else {
            return;
        };
        let end = start + whole.end();
        let line_begin = line_start(self.src, start);
        let line_stop = self.src[end..]
            .find('\n')
            .map_or(self.src.len(), |i| end + i);
        let after = self.src[end..line_stop].trim();
        let at_line_start = self.src[line_begin..start]
            .trim_matches([' ', '\t', '>'])
            .is_empty();
        if at_line_start
            && after.chars().next().is_some_and(char::is_alphanumeric)
            && opens_a_note_line(self.src, line_begin)
        {
            if let [CiteItem::Label(label)] = items.as_slice() {
                let label_span = Span::new(start, end);
                let entry = make_entry(
                    self.src,
                    label.clone(),
                    label_span,
                    Span::new(start, line_stop),
                    end,
                );
                self.entries.push(entry);
            }
            return;
        }
        if !markup::marker_context(&self.src[line_begin..start]) {
            return;
        }
        self.citations.push(Citation {
            span: Span::new(start, end),
            text: whole.as_str().to_string(),
            items,
        });
    }

    fn finish(mut self, link_defs: Vec<(String, Span)>) -> Document {
        let src = self.src;
        let mut references = std::mem::take(&mut self.entries);
        if references.is_empty() && self.footnotes.is_empty() && link_defs.is_empty() {
            references = embedded_entries(src, &self.html_blocks);
        }
        references.sort_by_key(|r| r.span.start);
        let list_spans: Vec<Span> = references.iter().map(|r| r.span).collect();
        // Footnotes and a numbered list may both use "1"; then footnotes keep their caret
        // ("^1") so that each marker finds its own entry.
        let numbered: HashSet<&str> = references
            .iter()
            .map(|r| r.label.as_str())
            .chain(link_defs.iter().map(|(l, _)| l.as_str()))
            .collect();
        let caret = self
            .footnotes
            .iter()
            .any(|(l, _)| numbered.contains(l.as_str()));
        let footnote = |l: &str| {
            if caret {
                format!("^{l}")
            } else {
                l.to_string()
            }
        };
        for (label, span) in &self.footnotes {
            let head_end = src[span.start..span.end]
                .find("]:")
                .map_or(span.start, |i| span.start + i + 2);
            let label_span = Span::new(span.start, head_end.saturating_sub(1).max(span.start));
            references.push(make_entry(
                src,
                footnote(label),
                label_span,
                *span,
                head_end,
            ));
        }
        for (label, span) in &link_defs {
            let slice = &src[span.start..span.end];
            let open = slice.find('[').map_or(span.start, |i| span.start + i);
            let head_end = slice.find("]:").map_or(span.start, |i| span.start + i + 2);
            references.push(make_entry(
                src,
                label.clone(),
                Span::new(open, head_end.saturating_sub(1).max(open)),
                *span,
                head_end,
            ));
        }
        references.sort_by_key(|r| r.span.start);
        let max_label = references
            .iter()
            .filter_map(Reference::number)
            .max()
            .unwrap_or(0);

        // Entries are in document order and do not overlap: a binary search finds the
        // one a marker could fall in.
        let inside_list = |s: Span| {
            let i = list_spans.partition_point(|l| l.start <= s.start);
            i > 0 && s.start < list_spans[i - 1].end
        };
        for c in self
            .citations
            .iter_mut()
            .filter(|c| c.text.starts_with("[^"))
        {
            for item in &mut c.items {
                if let CiteItem::Label(l) = item {
                    let def = self.footnote_names.get(&l.to_lowercase()).unwrap_or(l);
                    *l = footnote(def);
                }
            }
        }
        let mut found: Vec<Citation> = std::mem::take(&mut self.citations)
            .into_iter()
            .filter(|c| !c.text.starts_with('<') || !inside_list(c.span))
            .collect();
        let runs = merge_runs(src, &self.text_ranges);
        let mut brackets = Vec::new();
        for run in &runs {
            let slice = &src[run.start..run.end];
            // `\[1\]`, as converters escape a marker: the same bytes with the
            // backslashes blanked, so that spans still point into the source.
            let unescaped = slice.replace("\\[", " [").replace("\\]", " ]");
            brackets.extend(markers::find_brackets(&unescaped, run.start, max_label));
            for caps in UNDEFINED_FOOTNOTE.captures_iter(slice) {
                let (Some(m), Some(label)) = (caps.get(0), caps.get(1)) else {
                    continue;
                };
                let label = footnote(
                    &self
                        .footnote_label(label.as_str())
                        .unwrap_or_else(|| label.as_str().to_string()),
                );
                found.push(Citation {
                    span: Span::new(run.start + m.start(), run.start + m.end()),
                    text: m.as_str().to_string(),
                    items: vec![CiteItem::Label(label)],
                });
            }
        }
        found.extend(brackets.into_iter().filter(|c| !inside_list(c.span)));
        if found.is_empty() {
            for run in &runs {
                let slice = &src[run.start..run.end];
                found.extend(
                    markers::find_superscripts(slice, run.start, max_label)
                        .into_iter()
                        .filter(|c| !inside_list(c.span)),
                );
            }
        }
        // A marker inside another (a link inside `<sup>`) is the same citation.
        found.sort_by_key(|c| (c.span.start, std::cmp::Reverse(c.span.end)));
        let mut reach = 0;
        found.retain(|c| {
            let keep = c.span.start >= reach;
            reach = reach.max(c.span.end);
            keep
        });
        let mut citations = markup::join_ranges(found, src);
        if references.is_empty() {
            if let Some(entries) = bullet_entries(src, &self.bullets, &citations) {
                citations.retain(|c| {
                    !entries
                        .iter()
                        .any(|r| r.span.start <= c.span.start && c.span.start < r.span.end)
                });
                references = entries;
            }
        }
        let mut doc = Document::new(Format::Markdown);
        doc.author_year = citations.is_empty() && text::cites_author_year(src);
        doc.references = references;
        doc.citations = citations;
        doc
    }
}

mod blocks;
use blocks::{
    bullet_entries, embedded_entries, line_start, make_entry, merge_runs, opens_a_note_line,
};

#[cfg(test)]
mod tests;
