//! The HTML extractor's closing steps: an element that closed becomes an entry with
//! its label (rendered number, written number or position) and identifiers; once the
//! whole page is read, lettered note groups are relabelled, markers that point at
//! entries are resolved, entries nobody links to that needed a link are dropped, and
//! a section of unnumbered bullets is numbered by position if the markers count it.

use super::markup;
use super::vocabulary::{letters, BACKLINK, LEADING_LABEL};
use super::{EntryBuild, EntryKind, Walk};
use crate::extract::{markers, text};
use crate::model::{Citation, CiteItem, Document, Format, Reference};
use crate::source::Span;
use std::collections::HashMap;

impl Walk {
    pub(super) fn finish_entry(&mut self, e: EntryBuild, end: usize, src: &str) {
        let decoded = &e.text.text;
        let lead = LEADING_LABEL.captures(decoded);
        let written = lead.as_ref().and_then(|c| {
            let m = c.get(1)?;
            let n = c.get(2).or(c.get(3))?;
            Some((n.as_str().to_string(), m.start(), m.end()))
        });
        let (label, label_span, body_from) = match (e.kind, &written) {
            (EntryKind::Item(Some(n), true), _) => (letters(n), Span::new(e.start, e.tag_end), 0),
            (EntryKind::Item(Some(n), false), _) => {
                (n.to_string(), Span::new(e.start, e.tag_end), 0)
            }
            (_, Some((n, a, b))) => (n.clone(), e.text.source_span(*a, *b, src), *b),
            (EntryKind::Item(None, _) | EntryKind::Note | EntryKind::Anchored, None) => (
                (self.references.len() + 1).to_string(),
                Span::new(e.start, e.tag_end),
                0,
            ),
            // A bullet of a source list that carries no number: kept aside, and
            // numbered by position if the text turns out to cite the list by number.
            (EntryKind::Para, None) if e.list.is_some() => {
                (String::new(), Span::new(e.start, e.tag_end), 0)
            }
            (EntryKind::Para, None) => return,
        };
        let body = markup::collapse(&decoded[body_from..]);
        let body = BACKLINK.replace(&body, "").into_owned();
        let mut identifiers = e.text.identifiers(src);
        for id in e.links {
            if !identifiers
                .iter()
                .any(|i| i.kind == id.kind && i.value == id.value)
            {
                identifiers.push(id);
            }
        }
        if label.is_empty() {
            self.bullets.push(Reference {
                label,
                label_span,
                span: Span::new(e.start, end),
                text: body,
                identifiers,
            });
            return;
        }
        if let Some(id) = e.id {
            if e.kind == EntryKind::Anchored {
                self.anchored.push((self.references.len(), id.clone()));
            }
            self.entry_ids.entry(id).or_insert(self.references.len());
        }
        self.entry_lists.push(e.list);
        self.references.push(Reference {
            label,
            label_span,
            span: Span::new(e.start, end),
            text: body,
            identifiers,
        });
    }

    /// A numbered list that only markers showing letters (`[a]`, `[b]`) point at is a
    /// list of lettered notes, as Wikipedia renders its "Notes" group: its entries are
    /// labelled a, b, c, so that they do not collide with the numbered references.
    fn letter_lists(&mut self) {
        let mut hits: HashMap<usize, (usize, usize)> = HashMap::new();
        for (_, target, named) in &self.targets {
            let Some(list) = self
                .entry_ids
                .get(target)
                .and_then(|&i| self.entry_lists[i])
            else {
                continue;
            };
            let h = hits.entry(list).or_default();
            if *named {
                h.0 += 1;
            } else {
                h.1 += 1;
            }
        }
        for (list, (named, numeric)) in hits {
            if named == 0 || numeric > 0 {
                continue;
            }
            let members = self
                .references
                .iter_mut()
                .zip(&self.entry_lists)
                .filter(|(_, l)| **l == Some(list));
            for (k, (r, _)) in members.enumerate() {
                if r.number().is_some() {
                    r.label = letters(k as u64 + 1);
                }
            }
        }
    }

    pub(super) fn finish(mut self, src: &str) -> Document {
        let max_label = self
            .references
            .iter()
            .filter_map(Reference::number)
            .max()
            .unwrap_or(0);
        for c in markers::find_brackets(&self.flow.text, 0, max_label) {
            let span = self.flow.source_span(c.span.start, c.span.end, src);
            self.citations.push(Citation { span, ..c });
        }
        let linked: std::collections::HashSet<String> = self
            .targets
            .iter()
            .map(|(_, t, _)| t.clone())
            .chain(self.inner.iter().map(|(_, t, _)| t.clone()))
            .collect();
        let unlinked: std::collections::HashSet<usize> = self
            .anchored
            .iter()
            .filter(|(_, id)| !linked.contains(id))
            .map(|(i, _)| *i)
            .collect();
        self.letter_lists();
        for (c, target, own) in std::mem::take(&mut self.inner) {
            if self.entry_ids.get(&target).is_some_and(|&i| i != own) {
                self.citations.push(c);
            }
        }
        let targets: HashMap<usize, String> = std::mem::take(&mut self.targets)
            .into_iter()
            .map(|(at, target, _)| (at, target))
            .collect();
        let (ids, references) = (&self.entry_ids, &self.references);
        self.citations.retain_mut(|c| {
            if !c.items.is_empty() {
                return true;
            }
            match targets.get(&c.span.start).and_then(|t| ids.get(t)) {
                Some(&i) => {
                    c.items = vec![CiteItem::Label(references[i].label.clone())];
                    true
                }
                None => false,
            }
        });
        self.citations.sort_by_key(|c| (c.span.start, c.span.end));
        self.citations.dedup_by_key(|c| c.span);
        let mut doc = Document::new(Format::Html);
        doc.citations = markup::join_ranges(self.citations, src);
        doc.author_year = doc.citations.is_empty() && text::cites_author_year(&self.flow.text);
        doc.references = self
            .references
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !unlinked.contains(i))
            .map(|(_, r)| r)
            .collect();
        if doc.references.is_empty() {
            doc.references = by_position(std::mem::take(&mut self.bullets), &doc.citations);
        }
        doc
    }
}

/// Unnumbered bullets of a reference section, numbered 1, 2, … when the markers cite
/// numbers no higher than their count and every bullet reads like a bibliography;
/// otherwise none.
fn by_position(mut bullets: Vec<Reference>, citations: &[Citation]) -> Vec<Reference> {
    let highest = citations
        .iter()
        .flat_map(Citation::labels)
        .filter_map(|l| l.parse::<usize>().ok())
        .max();
    let fits = highest.is_some_and(|h| h <= bullets.len());
    if !fits
        || !bullets
            .iter()
            .all(|b| text::BIBLIOGRAPHIC.is_match(&b.text))
    {
        return Vec::new();
    }
    for (i, b) in bullets.iter_mut().enumerate() {
        b.label = (i + 1).to_string();
    }
    bullets
}
