//! ISBNs after an `ISBN` label (`ISBN 0-521-53927-7`, `ISBN-13: 978 0 19 516579 1`).
//!
//! Only numbers after a label are taken, because a bare run of ten digits is as
//! likely a phone number or a page range. The digits may be grouped by hyphens or
//! single spaces; since a year or a page often follows the number, groups are taken
//! only as far as they make ten or thirteen digits. A number of another length, a
//! bad check digit or an ISBN-13 outside 978/979 is reported as a problem. Values are
//! the digits alone, with a final `X` in upper case.

use crate::model::{IdKind, Identifier};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)ISBN(?:-?1[03](?-u:\b)|\s?1[03]\s*[:：])?\s*[:：]?[\p{Zs}\t]*")
        .expect("valid regex")
});

/// Between two ISBNs after one label: `ISBN 0-19-…, 978-0-…`.
static LIST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[,;/]|or)\s*").expect("valid regex"));

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}')
}

/// One ISBN read from the text.
struct Read {
    end: usize,
    value: String,
    /// The number has 10 or 13 digits (whether or not they check out).
    full_length: bool,
}

/// Read the number starting at `at`.
fn read(text: &str, at: usize) -> Option<Read> {
    // Each group: (end offset, digits so far, joined to the previous one by a space).
    let mut groups: Vec<(usize, usize, bool)> = Vec::new();
    let mut value = String::new();
    let mut i = at;
    let mut spaced = false;
    loop {
        let start = i;
        for c in text[i..].chars() {
            if c.is_ascii_digit() {
                value.push(c);
                i += 1;
            } else {
                break;
            }
        }
        let mut x = false;
        let x_allowed = i > start || value.len() == 9;
        if x_allowed && text[i..].starts_with(['X', 'x']) {
            value.push('X');
            i += 1;
            x = true;
        }
        if i == start {
            break;
        }
        groups.push((i, value.len(), spaced));
        if x || value.len() > 13 {
            break;
        }
        let Some(sep) = text[i..].chars().next() else {
            break;
        };
        let next = text[i + sep.len_utf8()..].chars().next();
        let next_is_digit = next
            .is_some_and(|c| c.is_ascii_digit() || (value.len() == 9 && (c == 'X' || c == 'x')));
        spaced = matches!(sep, ' ' | '\u{A0}' | '\u{202F}');
        if !(is_hyphen(sep) || spaced) || !next_is_digit {
            break;
        }
        i += sep.len_utf8();
    }
    let first = groups.first()?;
    let at_len = |n: usize| groups.iter().find(|g| g.1 == n);
    let pick = match (at_len(13), at_len(10)) {
        (Some(g13), _) if isbn_problem(&value[..13]).is_none() => Some(g13),
        (_, Some(g10)) => Some(g10),
        (Some(g13), None) => Some(g13),
        (None, None) => None,
    };
    let (end, len, full_length) = match pick {
        Some(g) => (g.0, g.1, true),
        None => {
            // No valid length: report the hyphen-joined run as written.
            let last = groups.iter().take_while(|g| !g.2).last().unwrap_or(first);
            (last.0, last.1, false)
        }
    };
    value.truncate(len);
    Some(Read {
        end,
        value,
        full_length,
    })
}

/// Why `isbn` (hyphens and spaces allowed) is not a valid ISBN-10 or ISBN-13, if not.
///
/// ```
/// use refcheck::extract::ident::isbn_problem;
/// assert_eq!(isbn_problem("0-521-53927-7"), None);
/// assert_eq!(isbn_problem("978-1-55608-010-4"), None);
/// assert!(isbn_problem("0-521-53927-8").unwrap().contains("check digit"));
/// ```
pub fn isbn_problem(isbn: &str) -> Option<String> {
    let digits: String = isbn
        .chars()
        .filter(|c| !is_hyphen(*c) && !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !digits.is_ascii() {
        return Some(format!(
            "ISBN {digits}: an ISBN is made of digits (and a final X)"
        ));
    }
    let body_ok = |n: usize| digits[..n].bytes().all(|b| b.is_ascii_digit());
    let values: Vec<u32> = digits
        .chars()
        .map(|c| {
            if c == 'X' {
                10
            } else {
                c.to_digit(10).unwrap_or(99)
            }
        })
        .collect();
    match digits.len() {
        10 if body_ok(9) && values[9] <= 10 => {
            let sum: u32 = values[..9]
                .iter()
                .enumerate()
                .map(|(i, v)| (10 - i as u32) * v)
                .sum();
            let check = (11 - sum % 11) % 11;
            (check != values[9]).then(|| {
                let want = if check == 10 {
                    "X".to_string()
                } else {
                    check.to_string()
                };
                format!(
                    "ISBN {digits}: the check digit should be {want}, not {}",
                    &digits[9..]
                )
            })
        }
        13 if body_ok(13) => {
            if !digits.starts_with("978") && !digits.starts_with("979") {
                return Some(format!("ISBN {digits}: an ISBN-13 starts with 978 or 979"));
            }
            let sum: u32 = values[..12]
                .iter()
                .enumerate()
                .map(|(i, v)| if i % 2 == 0 { *v } else { 3 * v })
                .sum();
            let check = (10 - sum % 10) % 10;
            (check != values[12]).then(|| {
                format!(
                    "ISBN {digits}: the check digit should be {check}, not {}",
                    &digits[12..]
                )
            })
        }
        10 | 13 => Some(format!(
            "ISBN {digits}: only the last character of an ISBN-10 may be X"
        )),
        n => Some(format!(
            "ISBN {digits} has {n} digits; an ISBN has 10 or 13"
        )),
    }
}

/// Is `isbn` (hyphens and spaces allowed) a valid ISBN-10 or ISBN-13?
pub fn isbn_is_valid(isbn: &str) -> bool {
    isbn_problem(isbn).is_none()
}

/// The ISBN-13 form of a valid ISBN, so that both forms of one book compare equal.
///
/// ```
/// use refcheck::extract::ident::isbn_to_13;
/// assert_eq!(isbn_to_13("0-521-53927-7").as_deref(), Some("9780521539272"));
/// ```
pub fn isbn_to_13(isbn: &str) -> Option<String> {
    if !isbn_is_valid(isbn) {
        return None;
    }
    let digits: String = isbn.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if digits.len() == 13 {
        return Some(digits);
    }
    let body = format!("978{}", &digits[..9]);
    let sum: u32 = body
        .chars()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, v)| if i % 2 == 0 { v } else { 3 * v })
        .sum();
    Some(format!("{body}{}", (10 - sum % 10) % 10))
}

/// ISBNs in `text` (spans relative to it); `skip` says whether a span is taken.
pub(super) fn find(text: &str, skip: impl Fn(usize, usize) -> bool) -> Vec<Identifier> {
    let mut out = Vec::new();
    for m in LABEL.find_iter(text) {
        let mut at = m.end();
        let mut first = true;
        while let Some(r) = read(text, at) {
            if !first && !r.full_length {
                break;
            }
            if !skip(at, r.end) {
                out.push(Identifier {
                    kind: IdKind::Isbn,
                    problem: isbn_problem(&r.value),
                    value: r.value,
                    span: Span::new(at, r.end),
                });
            }
            first = false;
            match LIST.find(&text[r.end..]) {
                Some(sep) => at = r.end + sep.end(),
                None => break,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, bool, &str)> {
        find(text, |_, _| false)
            .into_iter()
            .map(|id| {
                (
                    id.value,
                    id.problem.is_some(),
                    &text[id.span.start..id.span.end],
                )
            })
            .collect()
    }

    #[test]
    fn labelled_isbns_in_every_spelling() {
        let want = |v: &str, s: &'static str| vec![(v.to_string(), false, s)];
        assert_eq!(
            found("Press. p. 652. ISBN 0-521-53927-7."),
            want("0521539277", "0-521-53927-7")
        );
        assert_eq!(
            found("ISBN 9780521839402."),
            want("9780521839402", "9780521839402")
        );
        assert_eq!(
            found("ISBN-13: 978-1-55608-010-4"),
            want("9781556080104", "978-1-55608-010-4")
        );
        assert_eq!(
            found("isbn:978 1 55608 010 4 (2001)"),
            want("9781556080104", "978 1 55608 010 4")
        );
        assert_eq!(
            found("ISBN 13: 9781556080104"),
            want("9781556080104", "9781556080104")
        );
        assert_eq!(
            found("ISBN 0-8044-2957-x"),
            want("080442957X", "0-8044-2957-x")
        );
    }

    #[test]
    fn a_year_after_the_number_is_not_part_of_it() {
        assert_eq!(found("ISBN 0-521-53927-7 2005")[0].0, "0521539277");
        assert_eq!(found("ISBN 978-0-521-83940-2 2013")[0].0, "9780521839402");
    }

    #[test]
    fn bad_check_digits_and_lengths_are_problems() {
        assert_eq!(
            found("ISBN 0-521-53927-8"),
            [("0521539278".to_string(), true, "0-521-53927-8")]
        );
        assert!(found("ISBN 978-0-521-83940-3")[0].1);
        assert!(found("ISBN 123-4-56789-012-1")[0].1);
        assert_eq!(
            found("ISBN 0-521-539"),
            [("0521539".to_string(), true, "0-521-539")]
        );
        assert!(isbn_problem("9771234567898").unwrap().contains("978"));
        assert!(isbn_problem("05215X9277").unwrap().contains("X"));
    }

    #[test]
    fn numbers_without_a_label_are_left_alone() {
        assert!(found("call 0-521-53927-7 now").is_empty());
        assert!(found("ISBN not available").is_empty());
    }

    #[test]
    fn lists_after_one_label() {
        let got = found("ISBN 0-521-53927-7, 978-0-521-83940-2; 2005");
        let values: Vec<_> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(values, ["0521539277", "9780521839402"]);
    }

    #[test]
    fn isbn_10_converts_to_13() {
        assert_eq!(
            isbn_to_13("0-521-53927-7").as_deref(),
            Some("9780521539272")
        );
        assert_eq!(
            isbn_to_13("9780521839402").as_deref(),
            Some("9780521839402")
        );
        assert_eq!(isbn_to_13("0-521-53927-8"), None);
        assert!(isbn_is_valid("080442957X"));
    }
}
