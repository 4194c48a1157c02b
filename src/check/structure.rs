//! Offline structure checks: do markers and list entries match each other?
//!
//! These run in milliseconds, need no network, and point each finding at the most
//! useful place: the marker for a missing entry, the entry for an uncited one.

use super::duplicates::{self, Reason};
use crate::diagnostic::{Code, Finding};
use crate::model::{range_is_valid, CiteItem, Document, IdKind, Reference, MAX_RANGE_LEN};
use regex::Regex;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:1[5-9]\d\d|20\d\d)\b").expect("valid regex"));

/// All offline findings for one document (file index `file`); `cited` is
/// [`citation_counts`] of the document.
pub fn check(doc: &Document, cited: &[usize], file: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    identifiers(doc, file, &mut out);
    if doc.author_year {
        return out;
    }
    if doc.references.is_empty() {
        if let Some(first) = doc.citations.first() {
            let mut labels: Vec<String> = doc.citations.iter().flat_map(|c| c.labels()).collect();
            sort_labels(&mut labels);
            labels.dedup();
            out.push(
                Finding::new(
                    Code::MissingReferenceList,
                    file,
                    first.span,
                    format!(
                        "{} marker{} cite{} a reference list, but none was found",
                        doc.citations.len(),
                        plural(doc.citations.len()),
                        if doc.citations.len() == 1 { "s" } else { "" }
                    ),
                )
                .labels(labels)
                .help("add the list under a heading such as \"References\", with numbered entries (1., [1] or (1))"),
            );
        }
        ranges(doc, file, &mut out);
        return out;
    }
    let mut index: HashMap<&str, usize> = HashMap::default();
    index.reserve(doc.references.len());
    for (i, r) in doc.references.iter().enumerate() {
        index.entry(r.label.as_str()).or_insert(i);
    }
    duplicate_labels(doc, &index, file, &mut out);
    missing(doc, &index, file, &mut out);
    ranges(doc, file, &mut out);
    uncited(doc, cited, file, &mut out);
    numbering_gaps(doc, file, &mut out);
    citation_order(doc, &index, file, &mut out);
    duplicate_references(doc, file, &mut out);
    missing_identifiers(doc, file, &mut out);
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Numbers first in numeric order, then names.
fn sort_labels(labels: &mut [String]) {
    labels.sort_by(|a, b| {
        let key = |s: &str| (s.parse::<u64>().map_err(|_| ()), s.to_string());
        match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            _ => key(a).cmp(&key(b)),
        }
    });
}

fn describe_labels(labels: &[String]) -> String {
    labels
        .iter()
        .map(|l| format!("[{l}]"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn duplicate_labels(
    doc: &Document,
    index: &HashMap<&str, usize>,
    file: usize,
    out: &mut Vec<Finding>,
) {
    let mut uses: HashMap<&str, usize> = HashMap::default();
    for r in &doc.references {
        *uses.entry(r.label.as_str()).or_default() += 1;
    }
    for (i, r) in doc.references.iter().enumerate() {
        if index.get(r.label.as_str()) == Some(&i) {
            continue; // the first entry with a label is not the duplicate
        }
        let n = uses.get(r.label.as_str()).copied().unwrap_or(2);
        out.push(
            Finding::new(
                Code::DuplicateLabel,
                file,
                r.label_span,
                format!(
                    "label [{}] is used by {n} entries of the reference list",
                    r.label
                ),
            )
            .labels([r.label.clone()])
            .help(
                "renumber the list so that every entry has its own label, and update the markers",
            ),
        );
    }
}

fn missing(doc: &Document, index: &HashMap<&str, usize>, file: usize, out: &mut Vec<Finding>) {
    let highest = doc.references.iter().filter_map(Reference::number).max();
    for c in &doc.citations {
        let mut absent: Vec<String> = Vec::new();
        for item in &c.items {
            match item {
                CiteItem::Label(l) if !index.contains_key(l.as_str()) => absent.push(l.clone()),
                CiteItem::Range(a, b) if range_is_valid(*a, *b) => absent.extend(
                    (*a..=*b)
                        .map(|n| n.to_string())
                        .filter(|l| !index.contains_key(l.as_str())),
                ),
                _ => {}
            }
        }
        if absent.is_empty() {
            continue;
        }
        absent.dedup();
        let help = match highest {
            Some(h) => format!(
                "the reference list has {} entr{} (highest label [{h}]); add the missing entry or correct the marker",
                doc.references.len(),
                if doc.references.len() == 1 { "y" } else { "ies" }
            ),
            None => "add the missing entry to the reference list, or correct the marker".to_string(),
        };
        out.push(
            Finding::new(
                Code::MissingReference,
                file,
                c.span,
                if c.labels().len() == 1 {
                    format!("{} cites a reference that is not in the list", c.text)
                } else if absent.len() == 1 {
                    format!(
                        "{} cites [{}], which is not in the reference list",
                        c.text, absent[0]
                    )
                } else {
                    format!(
                        "{} cites {}, which are not in the reference list",
                        c.text,
                        describe_labels(&absent)
                    )
                },
            )
            .labels(absent)
            .help(help),
        );
    }
}

fn ranges(doc: &Document, file: usize, out: &mut Vec<Finding>) {
    for c in &doc.citations {
        for item in &c.items {
            if let CiteItem::Range(a, b) = item {
                if range_is_valid(*a, *b) {
                    continue;
                }
                let why = if b < a {
                    "runs backwards".to_string()
                } else if a == b {
                    "starts and ends at the same label".to_string()
                } else {
                    format!("spans {} labels (more than {MAX_RANGE_LEN})", b - a + 1)
                };
                out.push(
                    Finding::new(
                        Code::InvalidRange,
                        file,
                        c.span,
                        format!("the range {a}–{b} in {} {why}", c.text),
                    )
                    .labels([a.to_string(), b.to_string()])
                    .help("write the range from the lower to the higher label, as in [3–6]"),
                );
            }
        }
    }
}

/// How many markers cite each entry, in list order (a marker citing an entry twice,
/// as in `[2, 2]`, counts once).
pub fn citation_counts(doc: &Document) -> Vec<usize> {
    let mut index: HashMap<&str, usize> = HashMap::default();
    index.reserve(doc.references.len());
    for (i, r) in doc.references.iter().enumerate() {
        index.entry(r.label.as_str()).or_insert(i);
    }
    let mut counts = vec![0usize; doc.references.len()];
    let mut last_marker = vec![usize::MAX; doc.references.len()];
    let mut bump = |label: &str, marker: usize| {
        if let Some(&i) = index.get(label) {
            if last_marker[i] != marker {
                last_marker[i] = marker;
                counts[i] += 1;
            }
        }
    };
    for (m, c) in doc.citations.iter().enumerate() {
        for item in &c.items {
            match item {
                CiteItem::Label(l) => bump(l, m),
                CiteItem::Range(a, b) if range_is_valid(*a, *b) => {
                    for n in *a..=*b {
                        bump(&n.to_string(), m);
                    }
                }
                CiteItem::Range(a, b) => {
                    bump(&a.to_string(), m);
                    bump(&b.to_string(), m);
                }
            }
        }
    }
    // Entries that share a label (a duplicate-label error) are cited together.
    for (i, r) in doc.references.iter().enumerate() {
        if let Some(&first) = index.get(r.label.as_str()) {
            counts[i] = counts[first];
        }
    }
    counts
}

fn uncited(doc: &Document, cited: &[usize], file: usize, out: &mut Vec<Finding>) {
    for (r, &n) in doc.references.iter().zip(cited) {
        if n == 0 {
            out.push(
                Finding::new(
                    Code::UncitedReference,
                    file,
                    r.label_span,
                    format!("reference [{}] is never cited", r.label),
                )
                .labels([r.label.clone()])
                .help(format!(
                    "cite it where the text uses it, as [{}], or remove the entry",
                    r.label
                )),
            );
        }
    }
}

fn numbering_gaps(doc: &Document, file: usize, out: &mut Vec<Finding>) {
    let numbered: Vec<(u64, &Reference)> = doc
        .references
        .iter()
        .filter_map(|r| r.number().map(|n| (n, r)))
        .collect();
    if numbered.len() != doc.references.len() {
        return;
    }
    for w in numbered.windows(2) {
        let ((a, _), (b, r)) = (w[0], w[1]);
        if b > a + 1 {
            let skipped = if b == a + 2 {
                format!("[{}]", a + 1)
            } else {
                format!("[{}]–[{}]", a + 1, b - 1)
            };
            out.push(
                Finding::new(
                    Code::NumberingGap,
                    file,
                    r.label_span,
                    format!("the reference list skips {skipped}: [{a}] is followed by [{b}]"),
                )
                .labels([r.label.clone()])
                .help("restore the missing entries, or renumber the list and its markers"),
            );
        }
    }
}

fn citation_order(
    doc: &Document,
    index: &HashMap<&str, usize>,
    file: usize,
    out: &mut Vec<Finding>,
) {
    if doc.references.iter().any(|r| r.number().is_none()) {
        return;
    }
    let mut seen: HashSet<u64> = HashSet::default();
    let mut highest = 0u64;
    for c in &doc.citations {
        let mut firsts = Vec::new();
        for l in c.labels() {
            let Ok(n) = l.parse::<u64>() else { continue };
            if index.contains_key(l.as_str()) && seen.insert(n) {
                firsts.push(n);
            }
        }
        for n in firsts {
            if n < highest {
                out.push(
                    Finding::new(
                        Code::CitationOrder,
                        file,
                        c.span,
                        format!("reference [{n}] is first cited after [{highest}]: first citations are not in ascending order"),
                    )
                    .labels([n.to_string()])
                    .help("in numeric (Vancouver) style, number references in the order they are first cited"),
                );
                return;
            }
            highest = n;
        }
    }
}

fn duplicate_references(doc: &Document, file: usize, out: &mut Vec<Finding>) {
    for (group, reason) in duplicates::find(&doc.references) {
        let labels: Vec<String> = group
            .iter()
            .map(|&i| doc.references[i].label.clone())
            .collect();
        let second = &doc.references[group[1]];
        let why = match reason {
            Reason::Doi(d) => format!("the same DOI {d}"),
            Reason::Url(u) => format!("the same URL {u}"),
            Reason::Text => "nearly the same text".to_string(),
        };
        out.push(
            Finding::new(
                Code::DuplicateReference,
                file,
                second.label_span,
                format!(
                    "references {} are the same work ({why})",
                    describe_labels(&labels)
                ),
            )
            .labels(labels.clone())
            .help(format!(
                "keep [{}], point its markers there, and remove the others",
                labels[0]
            )),
        );
    }
}

fn identifiers(doc: &Document, file: usize, out: &mut Vec<Finding>) {
    for r in &doc.references {
        for id in &r.identifiers {
            let Some(problem) = &id.problem else { continue };
            let (code, what) = match id.kind {
                IdKind::Doi => (Code::InvalidDoi, "DOI"),
                IdKind::Isbn => (Code::InvalidIsbn, "ISBN"),
                IdKind::Arxiv => (Code::InvalidArxiv, "arXiv identifier"),
                IdKind::Url | IdKind::Pmid => continue,
            };
            out.push(
                Finding::new(
                    code,
                    file,
                    id.span,
                    if problem.contains(id.value.as_str()) {
                        format!("reference [{}] has a malformed {what}: {problem}", r.label)
                    } else {
                        format!(
                            "reference [{}] has a malformed {what} {}: {problem}",
                            r.label, id.value
                        )
                    },
                )
                .labels([r.label.clone()])
                .help(format!("copy the {what} again from its source")),
            );
        }
    }
}

fn missing_identifiers(doc: &Document, file: usize, out: &mut Vec<Finding>) {
    for r in &doc.references {
        if r.identifiers.is_empty() && YEAR.is_match(&r.text) {
            out.push(
                Finding::new(
                    Code::MissingIdentifier,
                    file,
                    r.label_span,
                    format!("reference [{}] has no DOI, URL or ISBN", r.label),
                )
                .labels([r.label.clone()])
                .help("add the work's DOI or a stable URL so that readers and tools can find it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn codes(text: &str) -> Vec<(Code, Vec<String>)> {
        let doc = crate::extract::text::extract(&SourceFile::new("t.txt", text));
        let mut f = check(&doc, &citation_counts(&doc), 0);
        f.sort_by_key(|f| (f.span.start, f.code));
        f.into_iter().map(|f| (f.code, f.labels)).collect()
    }

    fn has(found: &[(Code, Vec<String>)], code: Code, labels: &[&str]) -> bool {
        found
            .iter()
            .any(|(c, l)| *c == code && l.iter().map(String::as_str).eq(labels.iter().copied()))
    }

    #[test]
    fn missing_uncited_gap_duplicate_label() {
        let f = codes("A [1] b [2] c [5] d [7].\n\nReferences\n1. A 2001 https://x.org/a\n2. B 2002 https://x.org/b\n2. C 2003 https://x.org/c\n4. D 2004 https://x.org/d\n5. E 2005 https://x.org/e\n");
        assert!(has(&f, Code::MissingReference, &["7"]), "{f:?}");
        assert!(has(&f, Code::DuplicateLabel, &["2"]), "{f:?}");
        assert!(has(&f, Code::NumberingGap, &["4"]), "{f:?}");
        assert!(has(&f, Code::UncitedReference, &["4"]), "{f:?}");
        assert!(!has(&f, Code::UncitedReference, &["2"]), "{f:?}");
    }

    #[test]
    fn invalid_ranges_and_order() {
        let f = codes(
            "A [2] b [5-3] c [1-200] d [1].\n\nReferences\n1. A 2001\n2. B 2002\n3. C 2003\n",
        );
        assert!(has(&f, Code::InvalidRange, &["5", "3"]), "{f:?}");
        assert!(has(&f, Code::InvalidRange, &["1", "200"]), "{f:?}");
        assert!(has(&f, Code::CitationOrder, &["1"]), "{f:?}");
    }

    #[test]
    fn markers_without_a_list() {
        let f = codes("Claims [1] and [2, 3].\n");
        assert_eq!(
            f,
            vec![(
                Code::MissingReferenceList,
                vec!["1".into(), "2".into(), "3".into()]
            )]
        );
    }

    #[test]
    fn duplicates_and_missing_identifiers() {
        let f = codes("A [1] [2] [3].\n\nReferences\n1. Smith (2001) doi:10.1000/abc\n2. Jones (2002). Book.\n3. Smith again (2001) https://doi.org/10.1000/ABC\n");
        assert!(has(&f, Code::DuplicateReference, &["1", "3"]), "{f:?}");
        assert!(has(&f, Code::MissingIdentifier, &["2"]), "{f:?}");
    }
}
