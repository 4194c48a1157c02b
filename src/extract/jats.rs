//! JATS XML articles (PubMed Central, PLOS, BMC), read with an XML pull parser
//! (quick-xml) so that markers and entries come from the markup itself.
//!
//! The rules:
//! * Markers are `<xref ref-type="bibr" rid="…">`, and xrefs without a `ref-type`
//!   whose every `rid` is an entry. The labels are the numbers the
//!   xref shows (`1`, `[1]`, `8–10`); when it shows no number they come from the
//!   entries its `rid` points at. Two xrefs joined by nothing but a dash
//!   (`[12]–[15]`, `[1-9]` written as two xrefs) are one range.
//! * Entries are the `<ref>` elements of `<ref-list>`; the label is the `<label>` or,
//!   when there is none, the entry's position in the list (as the xrefs show it).
//! * DOIs come from `<pub-id pub-id-type="doi">`, links from `<ext-link>`, and other
//!   identifiers from the entry's text.
//! * The DTD is never read and entities it declares are never expanded, so an
//!   "entity bomb" stays a few bytes of literal text. Comments are skipped.
//! * An article whose xrefs show names and years ("Smith et al., 2001") cites by
//!   author and year: no numeric findings are made for it.

use super::{markers, markup, text, ExtractError};
use crate::model::{Citation, CiteItem, Document, Format, IdKind, Identifier, Reference};
use crate::source::{SourceFile, Span};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;

/// Elements that separate the words of the running text.
const BLOCKS: &[&str] = &[
    "p",
    "sec",
    "title",
    "td",
    "th",
    "list-item",
    "caption",
    "label",
    "fig",
    "table-wrap",
    "disp-formula",
    "def",
    "term",
    "body",
    "back",
    "abstract",
    "ref-list",
];

struct RefBuild {
    id: Option<String>,
    start: usize,
    tag_end: usize,
    label: Option<(String, Span)>,
    text: MappedText,
    extra: Vec<Identifier>,
}

use markup::MappedText;

struct XrefBuild {
    start: usize,
    rids: Vec<String>,
    text: String,
    /// Written without a `ref-type`: a marker only if every rid is an entry.
    untyped: bool,
}

#[derive(Default)]
struct Walk {
    refs: Vec<(Reference, Option<String>, bool)>,
    current: Option<RefBuild>,
    in_label: Option<(usize, String)>,
    /// Inside a `<pub-id>` of this kind (DOI or PMID).
    in_pub_id: Option<(IdKind, MappedText)>,
    xrefs: Vec<(XrefBuild, usize)>,
    xref: Option<XrefBuild>,
    xref_depth: usize,
    ref_list_depth: usize,
    /// Inside a `<sub-article>` or `<response>` (a decision letter, a reply): a document
    /// of its own with its own numbering, left out.
    sub_article_depth: usize,
    /// The running text outside the reference list, for articles without xrefs.
    body: MappedText,
}

fn attr(tag: &BytesStart<'_>, name: &str) -> Option<String> {
    tag.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| markup::decode_entities(&a.value))
}

/// Extract a JATS article.
pub fn extract(source: &SourceFile) -> Result<Document, ExtractError> {
    let src = source.text.as_str();
    let mut reader = Reader::from_str(src);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.expand_empty_elements = false;
    let mut w = Walk::default();
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                let (line, col) = source.line_col(at);
                return Err(ExtractError(format!(
                    "malformed XML at line {line}, column {col}: {e}; fix the markup, or read the file as plain text with --input-format text"
                )));
            }
        };
        let end = usize::try_from(reader.buffer_position())
            .unwrap_or(usize::MAX)
            .min(src.len());
        let start = start.min(end);
        match event {
            Event::Eof => break,
            Event::Start(tag) => w.open(&tag, src, Span::new(start, end), false),
            Event::Empty(tag) => w.open(&tag, src, Span::new(start, end), true),
            Event::End(tag) => w.close(tag.local_name().as_ref(), src, Span::new(start, end)),
            Event::Text(t) => {
                let raw: &str = &t;
                // Text events borrow the input: their bytes end where the event ends.
                let at = end.saturating_sub(raw.len());
                w.text(raw, Span::new(at, end), src);
            }
            Event::CData(t) => {
                let raw: &str = &t;
                let at = end.saturating_sub(raw.len() + 3);
                w.text(raw, Span::new(at, at + raw.len()), src);
            }
            Event::GeneralRef(r) => {
                let name: &str = &r;
                let decoded =
                    markup::decode_entity(name).map_or_else(|| format!("&{name};"), String::from);
                w.text(&decoded, Span::new(start, end), src);
            }
            _ => {}
        }
    }
    Ok(w.finish(src))
}

impl Walk {
    fn open(&mut self, tag: &BytesStart<'_>, src: &str, span: Span, empty: bool) {
        let name = tag.local_name();
        if matches!(name.as_ref(), "sub-article" | "response") && !empty {
            self.sub_article_depth += 1;
        }
        if self.sub_article_depth > 0 {
            return;
        }
        match name.as_ref() {
            "ref-list" if !empty => self.ref_list_depth += 1,
            "ref" if self.ref_list_depth > 0 && !empty => {
                self.current = Some(RefBuild {
                    id: attr(tag, "id"),
                    start: span.start,
                    tag_end: span.end,
                    label: None,
                    text: MappedText::default(),
                    extra: Vec::new(),
                });
            }
            "label" if self.current.as_ref().is_some_and(|r| r.label.is_none()) && !empty => {
                self.in_label = Some((span.start, String::new()));
            }
            "pub-id" if self.current.is_some() && !empty => {
                let kind = match attr(tag, "pub-id-type")
                    .map(|t| t.to_ascii_lowercase())
                    .as_deref()
                {
                    Some("doi") => Some(IdKind::Doi),
                    Some("pmid") => Some(IdKind::Pmid),
                    _ => None,
                };
                self.in_pub_id = kind.map(|k| (k, MappedText::default()));
            }
            "ext-link" | "uri" | "self-uri" => {
                if let (Some(r), Some(href)) = (self.current.as_mut(), attr(tag, "xlink:href")) {
                    let tag_src = src.get(span.start..span.end).unwrap_or("");
                    let at = tag_src
                        .find(href.as_str())
                        .map_or(span.start, |i| span.start + i);
                    r.extra.extend(super::ident::find_identifiers(&href, at));
                }
            }
            "xref"
                if self.xref.is_none()
                    && matches!(attr(tag, "ref-type").as_deref(), Some("bibr") | None) =>
            {
                let build = XrefBuild {
                    untyped: attr(tag, "ref-type").is_none(),
                    start: span.start,
                    rids: attr(tag, "rid")
                        .map(|r| r.split_whitespace().map(String::from).collect())
                        .unwrap_or_default(),
                    text: String::new(),
                };
                if empty {
                    self.xrefs.push((build, span.end));
                } else {
                    self.xref = Some(build);
                    self.xref_depth = 1;
                }
            }
            "xref" if self.xref.is_some() && !empty => self.xref_depth += 1,
            _ => {}
        }
        if let Some(r) = self.current.as_mut() {
            if self.in_label.is_none() {
                r.text.push_space(span.start);
            }
        } else if BLOCKS.contains(&name.as_ref()) {
            self.body.push_space(span.start);
        }
    }

    fn close(&mut self, name: &str, src: &str, span: Span) {
        if self.sub_article_depth > 0 {
            if matches!(name, "sub-article" | "response") {
                self.sub_article_depth -= 1;
            }
            return;
        }
        match name {
            "ref-list" => self.ref_list_depth = self.ref_list_depth.saturating_sub(1),
            "label" => {
                if let (Some((start, text)), Some(r)) =
                    (self.in_label.take(), self.current.as_mut())
                {
                    r.label = Some((text, Span::new(start, span.end)));
                }
            }
            "pub-id" => {
                if let (Some((kind, text)), Some(r)) =
                    (self.in_pub_id.take(), self.current.as_mut())
                {
                    r.extra.extend(match kind {
                        IdKind::Doi => doi_identifier(&text, src),
                        _ => pmid_identifier(&text, src),
                    });
                }
            }
            "xref" if self.xref.is_some() => {
                self.xref_depth -= 1;
                if self.xref_depth == 0 {
                    if let Some(x) = self.xref.take() {
                        self.xrefs.push((x, span.end));
                    }
                }
            }
            "ref" => {
                if let Some(r) = self.current.take() {
                    self.finish_ref(r, span.end, src);
                }
            }
            _ => {}
        }
        if let Some(r) = self.current.as_mut() {
            r.text.push_space(span.start);
        } else if BLOCKS.contains(&name) {
            self.body.push_space(span.start);
        }
    }

    fn text(&mut self, text: &str, span: Span, src: &str) {
        if self.sub_article_depth > 0 {
            return;
        }
        if let Some(x) = self.xref.as_mut() {
            x.text.push_str(text);
        }
        if let Some((_, label)) = self.in_label.as_mut() {
            label.push_str(text);
            return;
        }
        if let Some((_, id)) = self.in_pub_id.as_mut() {
            id.push_decoded(text, span, src);
        }
        if let Some(r) = self.current.as_mut() {
            r.text.push_decoded(text, span, src);
        } else if self.ref_list_depth == 0 && self.xref.is_none() {
            self.body.push_decoded(text, span, src);
        }
    }

    fn finish_ref(&mut self, r: RefBuild, end: usize, src: &str) {
        let mut identifiers = r.text.identifiers(src);
        for id in r.extra {
            if !identifiers
                .iter()
                .any(|i| i.kind == id.kind && i.value == id.value)
            {
                identifiers.push(id);
            }
        }
        identifiers.sort_by_key(|i| i.span.start);
        let has_label = r.label.is_some();
        let (label, label_span) = match r.label {
            Some((text, span)) => (markup::clean_label(&markup::decode_entities(&text)), span),
            None => (
                (self.refs.len() + 1).to_string(),
                Span::new(r.start, r.tag_end),
            ),
        };
        let reference = Reference {
            label,
            label_span,
            span: Span::new(r.start, end),
            text: r.text.collapsed(),
            identifiers,
        };
        self.refs.push((reference, r.id, has_label));
    }

    fn finish(self, src: &str) -> Document {
        let mut doc = Document::new(Format::Jats);
        let by_id: HashMap<&str, &str> = self
            .refs
            .iter()
            .filter_map(|(r, id, _)| Some((id.as_deref()?, r.label.as_str())))
            .collect();
        let mut wordy = 0;
        let mut citations = Vec::with_capacity(self.xrefs.len());
        let highest = self
            .refs
            .iter()
            .filter_map(|(r, _, _)| r.number())
            .max()
            .unwrap_or(0);
        for (x, end) in &self.xrefs {
            if x.untyped
                && (x.rids.is_empty() || !x.rids.iter().all(|r| by_id.contains_key(r.as_str())))
            {
                continue;
            }
            let shown = markup::collapse(&x.text);
            let body = shown
                .trim_start_matches(['[', '('])
                .trim_end_matches([']', ')']);
            // `Smith (<xref>2015</xref>)`: a year the list cannot number is a name.
            let year = markers::parse_items(body).is_some_and(|items| {
                items.iter().any(|i| match i {
                    CiteItem::Label(l) => l.parse::<u64>().is_ok_and(|n| n >= 1000 && n > highest),
                    CiteItem::Range(a, _) => *a >= 1000 && *a > highest,
                })
            });
            let items = match markers::parse_items(body).filter(|_| !year) {
                Some(items) => items,
                None => {
                    if year || shown.chars().any(char::is_alphabetic) {
                        wordy += 1;
                    }
                    x.rids
                        .iter()
                        .map(|rid| {
                            CiteItem::Label(
                                by_id
                                    .get(rid.as_str())
                                    .map_or_else(|| rid.clone(), |l| l.to_string()),
                            )
                        })
                        .collect()
                }
            };
            if items.is_empty() {
                continue;
            }
            citations.push(Citation {
                span: Span::new(x.start, *end),
                text: if shown.is_empty() {
                    src.get(x.start..*end).unwrap_or("").to_string()
                } else {
                    shown
                },
                items,
            });
        }
        let unlabelled = self.refs.iter().all(|(_, _, has_label)| !has_label);
        doc.author_year = if citations.is_empty() {
            unlabelled && !self.refs.is_empty() && text::cites_author_year(&self.body.text)
        } else {
            wordy * 2 > citations.len()
        };
        if self.xrefs.is_empty() && !doc.author_year {
            // No xrefs at all: the markers are plain text, as in a converted manuscript.
            let max_label = self
                .refs
                .iter()
                .filter_map(|(r, _, _)| r.number())
                .max()
                .unwrap_or(0);
            for c in markers::find_brackets(&self.body.text, 0, max_label) {
                let span = self.body.source_span(c.span.start, c.span.end, src);
                citations.push(Citation { span, ..c });
            }
        }
        doc.citations = markup::join_ranges(citations, src);
        doc.references = self.refs.into_iter().map(|(r, _, _)| r).collect();
        doc
    }
}

/// The PubMed id written in a `<pub-id pub-id-type="pmid">`: digits only.
fn pmid_identifier(pmid: &MappedText, src: &str) -> Option<Identifier> {
    let raw = pmid.text.trim();
    if raw.is_empty() || raw.len() > 9 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let lead = pmid.text.len() - pmid.text.trim_start().len();
    Some(Identifier {
        kind: IdKind::Pmid,
        value: raw.to_string(),
        span: pmid.source_span(lead, lead + raw.len(), src),
        problem: None,
    })
}

/// The DOI written in a `<pub-id pub-id-type="doi">`, normalised like every other DOI.
fn doi_identifier(doi: &MappedText, src: &str) -> Option<Identifier> {
    let found = doi
        .identifiers(src)
        .into_iter()
        .find(|i| i.kind == IdKind::Doi);
    if found.is_some() {
        return found;
    }
    let raw = doi.text.trim();
    if raw.is_empty() {
        return None;
    }
    let lower = raw.to_lowercase();
    let value = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find_map(|p| lower.strip_prefix(p))
    .unwrap_or(&lower)
    .trim()
    .to_string();
    let lead = doi.text.len() - doi.text.trim_start().len();
    Some(Identifier {
        kind: IdKind::Doi,
        problem: (!value.starts_with("10.")).then(|| "a DOI starts with \"10.\"".to_string()),
        value,
        span: doi.source_span(lead, lead + raw.len(), src),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        extract(&SourceFile::new("t.xml", text)).expect("parses")
    }

    fn cited(d: &Document) -> Vec<String> {
        d.citations.iter().flat_map(|c| c.labels()).collect()
    }

    const HEAD: &str = "<?xml version=\"1.0\"?>\n<article><body><p>";

    #[test]
    fn xrefs_ranges_and_labels() {
        let xml = format!(
            "{HEAD}A <xref ref-type=\"bibr\" rid=\"r1\">[1]</xref>&#x2013;<xref ref-type=\"bibr\" rid=\"r3\">[3]</xref> and [<xref ref-type=\"bibr\" rid=\"r4\">4&#8211;5</xref>].</p></body><back><ref-list>{}</ref-list></back></article>",
            (1..=5).map(|i| format!("<ref id=\"r{i}\"><label>{i}</label><mixed-citation>Author {i} (2001) <pub-id pub-id-type=\"doi\">10.1000/X{i}</pub-id></mixed-citation></ref>")).collect::<String>()
        );
        let d = doc(&xml);
        assert_eq!(d.references.len(), 5);
        assert_eq!(cited(&d), vec!["1", "2", "3", "4", "5"]);
        assert_eq!(d.citations[0].text, "[1]–[3]");
        assert_eq!(d.references[0].identifiers[0].value, "10.1000/x1");
        let at = xml.find("10.1000/X1").unwrap_or(0);
        assert_eq!(d.references[0].identifiers[0].span.start, at);
    }

    #[test]
    fn unlabelled_refs_are_numbered_by_position() {
        let d = doc(&format!("{HEAD}[<xref ref-type=\"bibr\" rid=\"B2\">2</xref>]</p></body><back><ref-list><ref id=\"B1\"><mixed-citation>A</mixed-citation></ref><ref id=\"B2\"><mixed-citation>B</mixed-citation></ref></ref-list></back></article>"));
        let labels: Vec<&str> = d.references.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, vec!["1", "2"]);
        assert_eq!(cited(&d), vec!["2"]);
    }

    #[test]
    fn plain_text_markers_without_xrefs() {
        let d = doc(&format!("{HEAD}Shown [1] and [2&#x2013;3].</p></body><back><ref-list>{}</ref-list></back></article>",
            (1..=3).map(|i| format!("<ref id=\"r{i}\"><label>{i}</label><mixed-citation>A {i}</mixed-citation></ref>")).collect::<String>()));
        assert_eq!(cited(&d), vec!["1", "2", "3"]);
        assert_eq!(d.citations[0].span.start, HEAD.len() + "Shown ".len());
    }

    #[test]
    fn sub_articles_are_left_out() {
        let d = doc(&format!("{HEAD}A [<xref ref-type=\"bibr\" rid=\"r1\">1</xref>].</p></body><back><ref-list><ref id=\"r1\"><label>1</label><mixed-citation>A</mixed-citation></ref></ref-list></back>\
            <sub-article><body><p>[<xref ref-type=\"bibr\" rid=\"s1\">1</xref>]</p></body><back><ref-list><ref id=\"s1\"><label>1</label><mixed-citation>B</mixed-citation></ref></ref-list></back></sub-article></article>"));
        assert_eq!(d.references.len(), 1);
        assert_eq!(d.citations.len(), 1);
    }

    #[test]
    fn entity_bombs_are_not_expanded() {
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE article [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\n<article><back><ref-list><ref id=\"r1\"><label>1</label><mixed-citation>&c; 2001</mixed-citation></ref></ref-list></back></article>";
        let d = doc(xml);
        assert_eq!(d.references[0].text, "&c; 2001");
    }

    #[test]
    fn author_year_articles_are_recognised() {
        let d = doc(&format!("{HEAD}As <xref ref-type=\"bibr\" rid=\"s1\">Smith et al. (2001)</xref> and <xref ref-type=\"bibr\" rid=\"j1\">Jones, 2003</xref>.</p></body><back><ref-list><ref id=\"s1\"><mixed-citation>Smith</mixed-citation></ref><ref id=\"j1\"><mixed-citation>Jones</mixed-citation></ref></ref-list></back></article>"));
        assert!(d.author_year);
    }
}
