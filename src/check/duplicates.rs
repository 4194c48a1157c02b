//! Duplicate entries: two entries that are the same work.
//!
//! Same DOI, same URL (one with a path: two entries may well both name a site's home
//! page), or near-identical text. "Near-identical" is strict on purpose: the entries
//! must carry exactly the same numbers (years, volumes, pages) and share at least 90%
//! of their words, so two chapters of one book or two reports of one series are never
//! merged. Entries are grouped by their numbers first, which keeps the comparison
//! linear for long lists.

use crate::model::{IdKind, Reference};
use std::collections::{BTreeSet, HashMap};

/// Why two entries were judged the same work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Doi(String),
    Url(String),
    Text,
}

/// Groups of entry indices (in list order) that are the same work, each with the reason
/// that first joined them.
pub fn find(references: &[Reference]) -> Vec<(Vec<usize>, Reason)> {
    let mut uf = UnionFind::new(references.len());
    let mut reasons: HashMap<usize, Reason> = HashMap::new();
    let mut join = |uf: &mut UnionFind, a: usize, b: usize, why: Reason| {
        if uf.union(a, b) {
            reasons.entry(uf.find(a)).or_insert(why);
        }
    };
    let mut by_key: HashMap<(IdKind, String), usize> = HashMap::new();
    for (i, r) in references.iter().enumerate() {
        for id in &r.identifiers {
            let key = match id.kind {
                IdKind::Doi if id.problem.is_none() => id.value.clone(),
                IdKind::Url => match normalise_url(&id.value) {
                    Some(u) => u,
                    None => continue,
                },
                _ => continue,
            };
            match by_key.get(&(id.kind, key.clone())) {
                Some(&j) if j != i => {
                    let why = if id.kind == IdKind::Doi {
                        Reason::Doi(key.clone())
                    } else {
                        Reason::Url(id.value.clone())
                    };
                    join(&mut uf, j, i, why);
                }
                Some(_) => {}
                None => {
                    by_key.insert((id.kind, key), i);
                }
            }
        }
    }
    let mut blocks: HashMap<Vec<String>, Vec<(usize, BTreeSet<String>)>> = HashMap::new();
    for (i, r) in references.iter().enumerate() {
        let (numbers, words) = tokens(&r.text);
        if words.len() < 4 {
            continue;
        }
        blocks.entry(numbers).or_default().push((i, words));
    }
    for block in blocks.values() {
        if block.len() > 64 {
            continue; // pathological: compare only exact copies below
        }
        for (x, (i, wi)) in block.iter().enumerate() {
            for (j, wj) in &block[x + 1..] {
                if jaccard(wi, wj) >= 0.9 {
                    join(&mut uf, *i, *j, Reason::Text);
                }
            }
        }
    }
    let mut exact: HashMap<String, usize> = HashMap::new();
    for (i, r) in references.iter().enumerate() {
        let norm = normalise_text(&r.text);
        if norm.len() < 20 {
            continue;
        }
        if let Some(&j) = exact.get(&norm) {
            join(&mut uf, j, i, Reason::Text);
        } else {
            exact.insert(norm, i);
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..references.len() {
        groups.entry(uf.find(i)).or_default().push(i);
    }
    let mut out: Vec<(Vec<usize>, Reason)> = groups
        .into_iter()
        .filter(|(_, g)| g.len() > 1)
        .map(|(root, g)| (g, reasons.get(&root).cloned().unwrap_or(Reason::Text)))
        .collect();
    out.sort_by_key(|(g, _)| g[0]);
    out
}

/// A URL worth comparing: scheme and host lower-cased, fragment and trailing slash
/// dropped; `None` for a bare host.
fn normalise_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        return None;
    }
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let scheme = scheme.to_ascii_lowercase().replace("https", "http");
    Some(format!("{scheme}://{host}/{path}"))
}

fn normalise_text(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Number tokens (sorted) and word tokens of an entry.
fn tokens(text: &str) -> (Vec<String>, BTreeSet<String>) {
    let mut numbers = Vec::new();
    let mut words = BTreeSet::new();
    for t in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        if t.chars().all(|c| c.is_ascii_digit()) {
            numbers.push(t.to_string());
        } else {
            words.insert(t.to_lowercase());
        }
    }
    numbers.sort();
    (numbers, words)
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Join two sets; true when they were apart. The smaller index stays the root.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        self.parent[hi] = lo;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Identifier;
    use crate::source::Span;

    fn r(text: &str, ids: &[(IdKind, &str)]) -> Reference {
        Reference {
            label: String::new(),
            label_span: Span::default(),
            span: Span::default(),
            text: text.into(),
            identifiers: ids
                .iter()
                .map(|(k, v)| Identifier {
                    kind: *k,
                    value: v.to_string(),
                    span: Span::default(),
                    problem: None,
                })
                .collect(),
        }
    }

    #[test]
    fn same_doi_same_url_same_text() {
        let refs = vec![
            r("A one", &[(IdKind::Doi, "10.1/x")]),
            r("B two", &[(IdKind::Url, "https://a.org/p")]),
            r("C three", &[(IdKind::Doi, "10.1/x")]),
            r("D four", &[(IdKind::Url, "http://www.a.org/p/")]),
            r("Smith J. A long title about things. Journal 2005;3:1-9.", &[]),
            r("Smith J. A long title about things. Journal. 2005;3:1-9", &[]),
        ];
        let groups = find(&refs);
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0], (vec![0, 2], Reason::Doi("10.1/x".into())));
        assert_eq!(groups[1].0, vec![1, 3]);
        assert_eq!(groups[2], (vec![4, 5], Reason::Text));
    }

    #[test]
    fn different_numbers_or_home_pages_are_not_duplicates() {
        let refs = vec![
            r("WHO. World health statistics report. Geneva: WHO; 2019.", &[(IdKind::Url, "https://who.int/")]),
            r("WHO. World health statistics report. Geneva: WHO; 2020.", &[(IdKind::Url, "https://who.int")]),
        ];
        assert!(find(&refs).is_empty());
    }
}
