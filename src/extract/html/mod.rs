//! HTML articles, read with a real HTML tokenizer (html5gum, with byte spans) so that
//! scripts, styles, comments and entities are handled as a browser would.
//!
//! The rules:
//! * Entries: `<li>` of a list under a heading such as "References" or "Notes", or
//!   inside a container whose class, id or role names references or notes
//!   (`references`, `reflist`, `footnotes`, `doc-endnotes`, …), or whose own id is a
//!   note anchor (`cite_note-4`, `fn3`, `ref7`); elements marked as a footnote
//!   (`data-type="footnote"`, `epub:type="footnote"`, `role="doc-endnote"`); in such a
//!   section, paragraphs that open with `[n]` or `n.`; and a paragraph whose id is a
//!   note anchor (`<p id="note1">`) when a marker links to it. A paragraph that reads
//!   "References" (`<p><strong>References</strong></p>`) opens a section as a heading
//!   does; a page `<footer>` or `<nav>` holds neither entries nor markers. An `<ol>`
//!   entry's label is its rendered number (`start`, `value`), so a chapter whose notes
//!   run 22–25 has no gap; other entries take the number they open with.
//! * Markers: `<sup>` holding numbers (`[4]`, `2,3`) that links into the page or
//!   follows a word or punctuation (`n<sup>2</sup>` is maths); in-page links to notes
//!   (`#cite_note-4`, `#ref4`, `data-type="noteref"`) showing numbers; bracketed
//!   numbers in the text. Inside an entry a linked marker cites only when it points at
//!   another entry (a note citing a reference); the `^ a b` back-links point at the
//!   markers instead, so an entry cited twice is simply cited.
//! * `[citation needed]` and other non-numeric superscripts are not markers; `script`,
//!   `style`, `template`, `code` and `pre` never hold markers.

use super::markup::{self, MappedText};
use super::{ident, markers, text};
use crate::model::{Citation, Document, Identifier, Reference};
use crate::source::{SourceFile, Span};
use html5gum::{DefaultEmitter, Token, Tokenizer};
use std::collections::HashMap;
use vocabulary::{separates, BLOCK, CONTAINER, FOOTNOTE, MAX_DEPTH, NOTEREF, SKIP, VOID};

mod entries;
mod vocabulary;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Plain,
    Skip,
    Code,
    Sup,
    Link,
    Entry,
    List,
    Heading(u8),
    Container,
    Furniture,
    /// A paragraph outside reference sections: a heading if it reads "References".
    Para,
}

struct El {
    name: String,
    role: Role,
    /// Its class asks for letters as list numbers (Wikipedia's `reflist-lower-alpha`).
    alpha: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    /// A list item: labelled by its rendered number or letter, if it has one.
    Item(Option<u64>, bool),
    /// A note element: labelled by the number it opens with.
    Note,
    /// A paragraph in a reference section: an entry only if it opens with a number.
    Para,
    /// A paragraph or block whose id is a note anchor (`<p id="note1">`): an entry,
    /// labelled like a note, if some marker links to it.
    Anchored,
}

struct EntryBuild {
    kind: EntryKind,
    start: usize,
    tag_end: usize,
    text: MappedText,
    links: Vec<Identifier>,
    id: Option<String>,
    list: Option<usize>,
}

struct Inline {
    start: usize,
    text: String,
    in_page: bool,
    noteref: bool,
    /// The in-page anchor a link points at.
    target: Option<String>,
    before: String,
    /// A superscript inside this link already made the citation.
    consumed: bool,
}

struct ListState {
    /// Which list this is, counted over the document.
    no: usize,
    start: u64,
    index: u64,
    ordered: bool,
    alpha: bool,
    entries: bool,
}

#[derive(Default)]
struct Walk {
    stack: Vec<El>,
    skip: usize,
    code: usize,
    containers: usize,
    refs_section: Option<u8>,
    heading: Option<String>,
    lists: Vec<ListState>,
    entry: Option<EntryBuild>,
    sup: Option<Inline>,
    link: Option<Inline>,
    flow: MappedText,
    tail: String,
    references: Vec<Reference>,
    /// The list each entry belongs to, if any (parallel to `references`).
    entry_lists: Vec<Option<usize>>,
    list_count: usize,
    /// The anchor id of each entry that has one, with the entry's index.
    entry_ids: HashMap<String, usize>,
    citations: Vec<Citation>,
    /// Linked markers: where they start, the anchor they point at, and whether they
    /// show a name (`[a]`) rather than numbers.
    targets: Vec<(usize, String, bool)>,
    /// Linked markers inside an entry (a note that cites a reference): the marker, the
    /// anchor it points at and the index the entry will have. Kept once all entries
    /// are known if the anchor is another entry; a back-link points elsewhere.
    inner: Vec<(Citation, String, usize)>,
    /// Unnumbered bullets of a reference section (see `entries::by_position`).
    bullets: Vec<Reference>,
    /// Entries that are entries only if a marker links to them: index and anchor.
    anchored: Vec<(usize, String)>,
    /// Depth inside page furniture (`<footer>`, `<nav>`): no entries, no markers.
    furniture: usize,
}

fn attr(tag: &html5gum::StartTag<usize>, name: &str) -> Option<String> {
    tag.attributes
        .get(name.as_bytes())
        .map(|v| String::from_utf8_lossy(&v.value).into_owned())
}

/// Extract an HTML article.
pub fn extract(source: &SourceFile) -> Document {
    let src = source.text.as_str();
    let mut w = Walk::default();
    walk(&mut w, src);
    w.finish(src)
}

/// The entries of HTML embedded in another format (an `<ol>` in a Markdown post):
/// `src` is that document with everything but its HTML blanked out byte for byte, so
/// that spans point into it; `in_section` says the HTML sits under a reference heading
/// written in the host format.
pub(crate) fn embedded_entries(src: &str, in_section: bool) -> Vec<Reference> {
    let mut w = Walk::default();
    if in_section {
        w.refs_section = Some(1);
    }
    walk(&mut w, src);
    w.finish(src).references
}

fn walk(w: &mut Walk, src: &str) {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(src, emitter).flatten() {
        match token {
            Token::StartTag(tag) => w.start_tag(&tag, src),
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                w.end_tag(&name, Span::new(tag.span.start, tag.span.end), src);
            }
            Token::String(s) => {
                let text = String::from_utf8_lossy(&s.value);
                w.text(
                    &text,
                    Span::new(s.span.start, s.span.end.min(src.len())),
                    src,
                );
            }
            _ => {}
        }
    }
    while let Some(el) = w.stack.pop() {
        w.close(el, Span::new(src.len(), src.len()), src);
    }
}

impl Walk {
    fn start_tag(&mut self, tag: &html5gum::StartTag<usize>, src: &str) {
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        let span = Span::new(tag.span.start, tag.span.end.min(src.len()));
        self.implicit_close(&name, span, src);
        if let Some(e) = self.entry.as_mut().filter(|_| separates(&name)) {
            e.text.push_space(span.start);
        }
        if BLOCK.contains(&name.as_str()) {
            self.flow.push_space(span.start);
            self.tail.clear();
        }
        if VOID.contains(&name.as_str()) || tag.self_closing {
            return;
        }
        let role = self.role_for(&name, tag, span);
        let alpha = attr(tag, "class").is_some_and(|c| c.contains("alpha"));
        // Unclosed inline elements in broken markup must not make every later tag
        // search a deep stack: past this depth plain elements are not tracked.
        if role != Role::Plain || self.stack.len() < MAX_DEPTH {
            self.stack.push(El { name, role, alpha });
        }
    }

    /// `<li>` closes an open `<li>`, a block closes an open `<p>`.
    fn implicit_close(&mut self, name: &str, span: Span, src: &str) {
        let closes: &[&str] = match name {
            "li" => &["li", "p"],
            "dt" | "dd" => &["dt", "dd", "p"],
            _ if BLOCK.contains(&name) => &["p"],
            _ => return,
        };
        let stop: &[&str] = &["ol", "ul", "dl", "table", "div", "section", "body"];
        let Some(pos) = self
            .stack
            .iter()
            .rposition(|e| closes.contains(&e.name.as_str()) || stop.contains(&e.name.as_str()))
        else {
            return;
        };
        if !closes.contains(&self.stack[pos].name.as_str()) {
            return;
        }
        while self.stack.len() > pos {
            if let Some(el) = self.stack.pop() {
                self.close(el, Span::new(span.start, span.start), src);
            }
        }
    }

    fn role_for(&mut self, name: &str, tag: &html5gum::StartTag<usize>, span: Span) -> Role {
        if SKIP.contains(&name) {
            self.skip += 1;
            return Role::Skip;
        }
        let class = attr(tag, "class").unwrap_or_default();
        let id = attr(tag, "id").unwrap_or_default();
        let role_attr = attr(tag, "role").unwrap_or_default();
        let data_type = attr(tag, "data-type").unwrap_or_default();
        let epub = attr(tag, "epub:type").unwrap_or_default();
        let is_note = [&data_type, &epub, &role_attr]
            .iter()
            .any(|v| v.split_whitespace().any(|t| FOOTNOTE.is_match(t)));
        match name {
            "code" | "pre" | "kbd" | "samp" => {
                self.code += 1;
                Role::Code
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name.as_bytes()[1] - b'0';
                if self.refs_section.is_some_and(|l| level <= l) {
                    self.refs_section = None;
                }
                self.heading = Some(String::new());
                Role::Heading(level)
            }
            "sup" if self.sup.is_none() => {
                // `<a href="#fn1"><sup>1</sup></a>`: the superscript is the link's marker.
                let (in_page, noteref, target) =
                    self.link.as_ref().map_or((false, false, None), |l| {
                        (l.in_page, l.noteref, l.target.clone())
                    });
                self.sup = Some(self.inline(span.start, in_page, noteref, target));
                Role::Sup
            }
            "a" if self.link.is_none() => {
                let href = attr(tag, "href").unwrap_or_default();
                let noteref = [&data_type, &epub, &role_attr]
                    .iter()
                    .any(|v| v.split_whitespace().any(|t| NOTEREF.is_match(t)));
                let in_page = href.starts_with('#');
                if let (Some(e), false) = (self.entry.as_mut(), in_page) {
                    if attr(tag, "title").is_none()
                        && (href.starts_with("http://") || href.starts_with("https://"))
                    {
                        let tag_src_at = span.start + 1;
                        e.links.extend(ident::find_identifiers(&href, tag_src_at));
                    }
                }
                let target = href.strip_prefix('#').map(str::to_string);
                if let Some(s) = self.sup.as_mut() {
                    s.in_page |= in_page;
                    s.noteref |= noteref;
                    if s.target.is_none() {
                        s.target.clone_from(&target);
                    }
                }
                self.link = Some(self.inline(
                    span.start,
                    in_page,
                    noteref || markup::NOTE_ID.is_match(href.trim_start_matches('#')),
                    target,
                ));
                Role::Link
            }
            "ol" | "ul" => {
                let entries = self.entry.is_none()
                    && (self.lists.is_empty()
                        && (self.refs_section.is_some() || self.containers > 0)
                        || CONTAINER.is_match(&class));
                let start = attr(tag, "start")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(1);
                let kind = format!(
                    "{} {} {}",
                    attr(tag, "type").unwrap_or_default(),
                    class,
                    attr(tag, "style").unwrap_or_default()
                );
                let alpha = kind.split_whitespace().any(|t| t == "a" || t == "A")
                    || kind.contains("alpha")
                    || kind.contains("latin")
                    || self.stack.last().is_some_and(|e| e.alpha);
                self.list_count += 1;
                self.lists.push(ListState {
                    no: self.list_count,
                    start,
                    index: 0,
                    ordered: name == "ol",
                    alpha,
                    entries,
                });
                Role::List
            }
            "li" => {
                let Some(list) = self.lists.last_mut() else {
                    return self.maybe_note(
                        is_note || markup::NOTE_ID.is_match(&id),
                        EntryKind::Note,
                        span,
                        &id,
                        None,
                    );
                };
                list.index += 1;
                if let Some(v) = attr(tag, "value").and_then(|v| v.trim().parse::<u64>().ok()) {
                    list.index = v.saturating_sub(list.start) + 1;
                }
                let number = list.ordered.then(|| list.start + list.index - 1);
                let alpha = list.alpha;
                let list_no = list.no;
                let named = is_note || markup::NOTE_ID.is_match(&id);
                let wanted = list.entries || named;
                // A bullet of a plain list is an entry only if it opens with a number.
                let kind = match number {
                    Some(_) => EntryKind::Item(number, alpha),
                    None if named => EntryKind::Note,
                    None => EntryKind::Para,
                };
                self.maybe_note(wanted, kind, span, &id, Some(list_no))
            }
            _ if is_note => self.maybe_note(true, EntryKind::Note, span, &id, None),
            "div" if class.split_whitespace().any(|c| c == "csl-entry") => {
                self.maybe_note(true, EntryKind::Para, span, &id, None)
            }
            "p" | "div" if self.entry.is_none() && markup::NOTE_ID.is_match(&id) => {
                self.maybe_note(true, EntryKind::Anchored, span, &id, None)
            }
            "p" if self.refs_section.is_some() || self.containers > 0 => {
                self.maybe_note(true, EntryKind::Para, span, &id, None)
            }
            "p" if self.entry.is_none() && self.heading.is_none() => {
                self.heading = Some(String::new());
                Role::Para
            }
            "div" | "section" | "aside" | "nav" | "footer"
                if [&class, &id, &role_attr]
                    .iter()
                    .any(|v| CONTAINER.is_match(v)) =>
            {
                self.containers += 1;
                Role::Container
            }
            // The page's own footer and menus ("1. Home 2. About") are not the article.
            "nav" | "footer" => {
                self.furniture += 1;
                Role::Furniture
            }
            _ => Role::Plain,
        }
    }

    fn inline(&self, start: usize, in_page: bool, noteref: bool, target: Option<String>) -> Inline {
        Inline {
            start,
            text: String::new(),
            in_page,
            noteref,
            target,
            before: self.tail.clone(),
            consumed: false,
        }
    }

    fn maybe_note(
        &mut self,
        wanted: bool,
        kind: EntryKind,
        span: Span,
        id: &str,
        list: Option<usize>,
    ) -> Role {
        // In a page footer only an element that names itself a note is an entry.
        let furniture =
            self.furniture > 0 && kind != EntryKind::Note && !markup::NOTE_ID.is_match(id);
        if !wanted || self.entry.is_some() || self.skip > 0 || furniture {
            return Role::Plain;
        }
        self.entry = Some(EntryBuild {
            kind,
            start: span.start,
            tag_end: span.end,
            text: MappedText::default(),
            links: Vec::new(),
            id: (!id.is_empty()).then(|| id.to_string()),
            list,
        });
        Role::Entry
    }

    fn end_tag(&mut self, name: &str, span: Span, src: &str) {
        if let Some(e) = self.entry.as_mut().filter(|_| separates(name)) {
            e.text.push_space(span.start);
        }
        if BLOCK.contains(&name) {
            self.flow.push_space(span.start);
            self.tail.clear();
        }
        let Some(pos) = self.stack.iter().rposition(|e| e.name == name) else {
            return;
        };
        while self.stack.len() > pos {
            if let Some(el) = self.stack.pop() {
                self.close(el, span, src);
            }
        }
    }

    fn close(&mut self, el: El, span: Span, src: &str) {
        match el.role {
            Role::Skip => self.skip = self.skip.saturating_sub(1),
            Role::Code => self.code = self.code.saturating_sub(1),
            Role::Container => self.containers = self.containers.saturating_sub(1),
            Role::Furniture => self.furniture = self.furniture.saturating_sub(1),
            Role::List => {
                self.lists.pop();
            }
            // `<p><strong>References</strong></p>` opens a section that any heading ends.
            Role::Para => {
                if self.heading.take().is_some_and(|h| text::is_heading(&h)) {
                    self.refs_section = Some(6);
                }
            }
            Role::Heading(level) => {
                if let Some(h) = self.heading.take() {
                    if text::is_heading(&h) {
                        self.refs_section = Some(level);
                    }
                }
            }
            Role::Sup => {
                if let Some(s) = self.sup.take() {
                    let linked = s.in_page || s.noteref;
                    if self.marker(s, span.end, linked, true) {
                        if let Some(l) = self.link.as_mut() {
                            l.consumed = true;
                        }
                    }
                }
            }
            Role::Link => {
                if let Some(l) = self.link.take() {
                    if self.sup.is_none() && !l.consumed {
                        let wanted =
                            l.in_page && (l.noteref || l.text.trim_start().starts_with('['));
                        self.marker(l, span.end, wanted, false);
                    }
                }
            }
            Role::Entry => {
                if let Some(e) = self.entry.take() {
                    self.finish_entry(e, span.end, src);
                }
            }
            Role::Plain => {}
        }
    }

    /// A `<sup>` or link that closed: a citation if it shows numbers and is linked or,
    /// for a superscript, stands where a citation can.
    fn marker(&mut self, m: Inline, end: usize, linked: bool, superscript: bool) -> bool {
        if self.code > 0 || self.furniture > 0 {
            return false;
        }
        let shown = markup::collapse(&m.text);
        let body = shown.trim_start_matches('[').trim_end_matches(']');
        let items = markers::parse_items(body);
        if self.entry.is_some() {
            if let (true, Some(items), Some(target)) = (linked, items, m.target) {
                let c = Citation {
                    span: Span::new(m.start, end),
                    text: shown,
                    items,
                };
                self.inner.push((c, target, self.references.len()));
            }
            return false;
        }
        // A link that shows a short name (`[a]`, `[note 1]`) is a marker when its
        // anchor turns out to be an entry; that is settled once all entries are known.
        let named = items.is_none() && linked && m.target.is_some() && shown.chars().count() <= 12;
        if items.is_none() && !named
            || !(linked || superscript && markup::marker_context(&m.before))
        {
            return false;
        }
        self.citations.push(Citation {
            span: Span::new(m.start, end),
            text: shown,
            items: items.unwrap_or_default(),
        });
        if let Some(target) = m.target {
            self.targets.push((m.start, target, named));
        }
        true
    }

    fn text(&mut self, text: &str, span: Span, src: &str) {
        if self.skip > 0 {
            return;
        }
        if let Some(h) = self.heading.as_mut() {
            h.push_str(text);
        }
        if let Some(s) = self.sup.as_mut() {
            s.text.push_str(text);
        }
        if let Some(l) = self.link.as_mut() {
            l.text.push_str(text);
        }
        if let Some(e) = self.entry.as_mut() {
            e.text.push_decoded(text, span, src);
        } else if self.sup.is_none() && self.link.is_none() && self.code == 0 && self.furniture == 0
        {
            self.flow.push_decoded(text, span, src);
        }
        self.tail.push_str(text);
        if self.tail.len() > 64 {
            let cut = self.tail.len() - 32;
            let cut = (cut..self.tail.len())
                .find(|&i| self.tail.is_char_boundary(i))
                .unwrap_or(0);
            self.tail.drain(..cut);
        }
    }
}

#[cfg(test)]
mod tests;
