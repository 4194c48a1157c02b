//! Inline citation markers in running text: `[4]`, `[1, 2]`, `[1–3]`, `[12]–[15]`,
//! `[3]:p. 7`, and, where an article uses them instead of brackets, Unicode
//! superscripts (`¹²`, `¹⁻³`) and parenthetical numbers (`(1, 2)`, `(9–11)`).
//!
//! The rule, written down because "prefer silence over a false alarm" decides it:
//!
//! * A bracket group is a marker when it holds only numbers, lists and ranges of
//!   numbers (optionally a pinpoint such as `, p. 7`), every number is at least 1, and
//!   it is not code: not glued to a one-letter or snake_case/camelCase name (`a[0]`,
//!   `row_idx[2]`), not followed by an assignment or operator, not the text of a link
//!   (`[1](https://…)`).
//! * A number of 1000 or more that is above the highest label of the list is a year
//!   or a quantity (`[2019]`), never a marker.
//! * Superscripts count only when the article has no bracket markers, and only after
//!   a word of three or more letters or closing punctuation (so `x²` and `m²` do not).
//! * Parenthetical numbers count only when the article has neither bracket nor
//!   superscript markers, uses them at least twice, every number is a label of the
//!   list, and the group does not start a line (that is an enumeration).
//! * Numbers glued after a word and its punctuation (`sleep.1,2 Short`), which is what
//!   a superscript becomes when a page is copied as plain text, count only when the
//!   article has no other markers, at least two such groups appear, every number is a
//!   label of the list, and the word is not an abbreviation that takes a number
//!   (`Fig.3`, `Vol.2`) or part of a link or file name.

use crate::model::{Citation, CiteItem};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

const DASHES: &[char] = &['-', '–', '—', '‐', '‑', '−'];

static BRACKET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)\[\s*
        \d{1,6}(?:\s*[-–—‐‑−]\s*\d{1,6})?(?:\s*[,;]\s*\d{1,6}(?:\s*[-–—‐‑−]\s*\d{1,6})?)*
        (?:\s*[,;:]\s*(?:pp?|pages?|ch|chap|sec|fig|table|para)\.?\s*[0-9ivxlcIVXLC]+(?:\s*[-–—]\s*[0-9ivxlcIVXLC]+)?)?
        \s*\]",
    )
    .expect("valid regex")
});

static PAREN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\((?P<body>\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*[,;]\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*)\)")
        .expect("valid regex")
});

static SUPER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:\s?[⁻˗,˒‐–]\s?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)*").expect("valid regex")
});

static GLUED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\p{L}{3,}[.,;:!?)”\x22’]+(\d{1,3}(?:[,–-]\d{1,3})*)(?:[\s.,;:]|$)")
        .expect("valid regex")
});

/// Words that take a number after a full stop and are not the end of a sentence.
const NUMBERED_WORDS: &[&str] = &[
    "fig", "figs", "vol", "vols", "ref", "refs", "sec", "sect", "eqn", "eq", "chap", "art", "para",
    "nos", "ver", "tab", "table", "suppl", "app", "step", "item", "part", "page", "line",
];

/// Parse the inside of a marker: "1, 2", "1-3", "4;7–9". `None` if any part is not a
/// number of at least 1.
pub fn parse_items(body: &str) -> Option<Vec<CiteItem>> {
    let mut items = Vec::new();
    for part in body.split([',', ';']) {
        let part = part.trim();
        if part.is_empty() {
            return None;
        }
        match part.split_once(DASHES) {
            Some((a, b)) => {
                let a: u64 = a.trim().parse().ok()?;
                let b: u64 = b.trim().parse().ok()?;
                if a == 0 {
                    return None;
                }
                items.push(CiteItem::Range(a, b));
            }
            None => {
                let n: u64 = part.parse().ok()?;
                if n == 0 {
                    return None;
                }
                items.push(CiteItem::Label(n.to_string()));
            }
        }
    }
    (!items.is_empty()).then_some(items)
}

/// Numbers of 1000 or more above the highest label are years or quantities.
fn plausible(items: &[CiteItem], max_label: u64) -> bool {
    let first = |i: &CiteItem| match i {
        CiteItem::Label(l) => l.parse::<u64>().unwrap_or(0),
        CiteItem::Range(a, _) => *a,
    };
    items.iter().all(|i| {
        let n = first(i);
        n < 1000 || n <= max_label
    })
}

/// Is the bracket at `start..end` in `text` code or a link rather than a marker?
fn looks_like_code(text: &str, start: usize, end: usize) -> bool {
    let after = &text[end..];
    if after.starts_with('(') || after.starts_with(':') && after[1..].starts_with("//") {
        return true; // a link: [1](https://…)
    }
    let before = &text[..start];
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if word.is_empty() {
        return false;
    }
    let glued_code = word.chars().count() == 1
        || word.contains('_')
        || word.chars().any(|c| c.is_ascii_digit()) && word.chars().any(char::is_alphabetic)
        || {
            // camelCase: a lower-case letter followed by an upper-case one
            let w: Vec<char> = word.chars().rev().collect();
            w.windows(2)
                .any(|p| p[0].is_lowercase() && p[1].is_uppercase())
        };
    let operator_follows = after
        .trim_start_matches([' ', '\t'])
        .starts_with(['=', '+', '*', '/', '%', '<', '>', '|', '&', '^'])
        || after.starts_with('.') && after[1..].starts_with(|c: char| c.is_alphabetic());
    glued_code || operator_follows
}

/// Bracket markers in `text` (whose first byte is at `base` in the source), adjacent
/// single markers joined by a dash (`[12]–[15]`) merged into one range.
pub fn find_brackets(text: &str, base: usize, max_label: u64) -> Vec<Citation> {
    let mut raw: Vec<(usize, usize, Vec<CiteItem>)> = Vec::new();
    for m in BRACKET.find_iter(text) {
        // The numbers end where a pinpoint (", p. 7") begins; finding that by hand
        // keeps the scan on the regex's fast path (no capture groups).
        let inner = &m.as_str()[1..m.as_str().len() - 1];
        let body = inner
            .find(|c: char| c.is_alphabetic() || c == ':')
            .map_or(inner, |i| &inner[..i])
            .trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';');
        if looks_like_code(text, m.start(), m.end()) {
            continue;
        }
        let Some(items) = parse_items(body) else {
            continue;
        };
        if !plausible(&items, max_label) {
            continue;
        }
        raw.push((m.start(), m.end(), items));
    }
    let mut out: Vec<Citation> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let (s, e, items) = &raw[i];
        if let Some((s2, e2, items2)) = raw.get(i + 1) {
            let between = text[*e..*s2].trim();
            let single = |it: &[CiteItem]| match it {
                [CiteItem::Label(l)] => l.parse::<u64>().ok(),
                _ => None,
            };
            if between.chars().count() == 1 && between.starts_with(DASHES) {
                if let (Some(a), Some(b)) = (single(items), single(items2)) {
                    out.push(citation(text, base, *s, *e2, vec![CiteItem::Range(a, b)]));
                    i += 2;
                    continue;
                }
            }
        }
        out.push(citation(text, base, *s, *e, items.clone()));
        i += 1;
    }
    out
}

fn citation(text: &str, base: usize, start: usize, end: usize, items: Vec<CiteItem>) -> Citation {
    Citation {
        span: Span::new(base + start, base + end),
        text: text[start..end].to_string(),
        items,
    }
}

fn superscript_digit(c: char) -> Option<char> {
    let d = match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        _ => return None,
    };
    Some(d)
}

/// Superscript markers (`¹`, `¹²`, `¹˒²`, `¹⁻³`) after a word or closing punctuation.
pub fn find_superscripts(text: &str, base: usize, max_label: u64) -> Vec<Citation> {
    let mut out = Vec::new();
    for m in SUPER.find_iter(text) {
        let before = &text[..m.start()];
        let prev = before.chars().next_back();
        let word_len = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .count();
        let ok_prev = match prev {
            Some(c) if c.is_alphabetic() => word_len >= 3,
            Some(c) => ".,;:!?\"”’'".contains(c),
            None => false,
        };
        if !ok_prev {
            continue;
        }
        let body: String = m
            .as_str()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| {
                superscript_digit(c).unwrap_or(match c {
                    '⁻' | '˗' | '‐' | '–' => '-',
                    _ => ',',
                })
            })
            .collect();
        if let Some(items) = parse_items(&body).filter(|i| plausible(i, max_label)) {
            out.push(citation(text, base, m.start(), m.end(), items));
        }
    }
    out
}

/// Parenthetical markers `(1, 2)`, `(9–11)` whose every number is a label (`1..=max_label`).
pub fn find_parentheticals(text: &str, base: usize, max_label: u64) -> Vec<Citation> {
    let mut out = Vec::new();
    for caps in PAREN.captures_iter(text) {
        let (Some(m), Some(body)) = (caps.get(0), caps.name("body")) else {
            continue;
        };
        let line_start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..m.start()].trim().is_empty() {
            continue; // "(1) first step" starts an enumeration
        }
        if text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue; // f(1), a call
        }
        let Some(items) = parse_items(body.as_str()) else {
            continue;
        };
        let in_list = items.iter().all(|i| match i {
            CiteItem::Label(l) => l.parse::<u64>().is_ok_and(|n| n <= max_label),
            CiteItem::Range(a, b) => *a < *b && *b <= max_label,
        });
        if in_list {
            out.push(citation(text, base, m.start(), m.end(), items));
        }
    }
    if out.len() < 2 {
        out.clear();
    }
    out
}

/// Superscripts flattened by copying (`memory.1,2 Later`): see the module rules.
pub fn find_glued(text: &str, base: usize, max_label: u64) -> Vec<Citation> {
    let mut out = Vec::new();
    for caps in GLUED.captures_iter(text) {
        let (Some(m), Some(num)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        // The whole token before the number: a plain word, not a link or a file name.
        let token_start = text[..m.start()]
            .rfind(char::is_whitespace)
            .map_or(0, |i| i + 1);
        let token = &text[token_start..num.start()];
        let word: String = token
            .chars()
            .take_while(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '(' | '"' | '“'))
            .collect();
        let punct = &token[word.len()..];
        let word = word.trim_start_matches(['(', '"', '“']).to_lowercase();
        if punct
            .chars()
            .any(|c| c.is_alphanumeric() || matches!(c, '/' | '@' | '_' | '='))
            || NUMBERED_WORDS.contains(&word.as_str())
        {
            continue;
        }
        let Some(items) = parse_items(num.as_str()) else {
            continue;
        };
        let in_list = items.iter().all(|i| match i {
            CiteItem::Label(l) => l.parse::<u64>().is_ok_and(|n| n <= max_label),
            CiteItem::Range(a, b) => *a < *b && *b <= max_label,
        });
        if in_list {
            out.push(citation(text, base, num.start(), num.end(), items));
        }
    }
    if out.len() < 2 {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(cs: &[Citation]) -> Vec<Vec<String>> {
        cs.iter().map(|c| c.labels()).collect()
    }

    #[test]
    fn bracket_forms() {
        let t = "a [4] b [1,2] c [1, 2] d [1-3] e [1–3] f [1—3] g [3]:p. 7 h [2, p. 5]";
        let got = labels(&find_brackets(t, 0, 10));
        assert_eq!(
            got,
            vec![
                vec!["4"],
                vec!["1", "2"],
                vec!["1", "2"],
                vec!["1", "2", "3"],
                vec!["1", "2", "3"],
                vec!["1", "2", "3"],
                vec!["3"],
                vec!["2"],
            ]
        );
    }

    #[test]
    fn runs_and_joined_ranges() {
        let t = "x [6] [7] [8] y [12]–[15] z matrix[1][2] p. 234[5]";
        let cs = find_brackets(t, 100, 20);
        assert_eq!(cs.len(), 7);
        assert_eq!(cs[3].items, vec![CiteItem::Range(12, 15)]);
        assert_eq!(cs[3].text, "[12]–[15]");
        assert_eq!(cs[0].span, Span::new(102, 105));
    }

    #[test]
    fn things_that_are_not_markers() {
        let t = "in [2019] a[0] x[1] = 2 row_idx[3] fooBar[2] [sic] [citation needed] see [1](http://x) arr[2].len";
        assert!(
            find_brackets(t, 0, 13).is_empty(),
            "{:?}",
            find_brackets(t, 0, 13)
        );
    }

    #[test]
    fn big_numbers_only_when_the_list_is_that_long() {
        assert_eq!(find_brackets("[1200]", 0, 1300).len(), 1);
        assert!(find_brackets("[1200]", 0, 13).is_empty());
        assert_eq!(
            find_brackets("[14]", 0, 13).len(),
            1,
            "a missing entry is still a marker"
        );
    }

    #[test]
    fn superscripts_after_words_only() {
        let t = "shown before¹² and after.¹⁻³ but x² and m² are maths";
        let got = labels(&find_superscripts(t, 0, 20));
        assert_eq!(got, vec![vec!["12"], vec!["1", "2", "3"]]);
    }

    #[test]
    fn parentheticals_need_list_labels_and_company() {
        let t = "as shown (1, 2) and later (9–11) in (2005) or (p. 12)\n(1) a step";
        let got = labels(&find_parentheticals(t, 0, 12));
        assert_eq!(got, vec![vec!["1", "2"], vec!["9", "10", "11"]]);
        assert!(find_parentheticals("once (1) only", 0, 12).is_empty());
    }

    #[test]
    fn glued_numbers_after_punctuation() {
        let t = "Sleep helps memory.1,2 Naps help less.3 See Fig.4 and example.com/a.5 and v.2 in 2019.";
        let got = labels(&find_glued(t, 0, 5));
        assert_eq!(got, vec![vec!["1", "2"], vec!["3"]]);
        assert!(find_glued("Only once.1 here", 0, 5).is_empty());
        assert!(find_glued("Too big.7 and later.8 too", 0, 5).is_empty());
    }
}
