//! Where an identifier written in running text ends.
//!
//! DOIs and URLs have no terminator of their own: people end them with white space,
//! a full stop, a comma, a closing bracket or a quotation mark. The rules here are the
//! ones linkify-it, twitter-text and altmetric/identifiers agree on:
//!
//! - white space, control characters, double quotes (straight, curly, guillemets),
//!   bidirectional marks and CJK / full-width punctuation always end the run;
//! - a closing bracket ends the run when it has no opening partner inside it, so
//!   `Foo_(bar)` and `10.1016/S0140-6736(20)30183-5` keep theirs and `(see URL)` does
//!   not; for DOIs, `<…>` pairs are kept only as in SICI DOIs (`<693::AID-ASI4>`);
//! - trailing `.,;:!?*…` are removed, then dangling opening brackets, and a trailing
//!   apostrophe only when it has no partner inside the run.
//!
//! Every function makes one pass forwards and one backwards, so scanning stays linear
//! even for `10.1130/2013.2502` followed by ten thousand full stops.

/// What is being scanned: the two differ in `<`/`>` and quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Run {
    Doi,
    Url,
}

/// Characters that end any run.
pub(super) fn is_stop(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '"' | '`' | '“' | '”' | '„' | '«' | '»' | '\u{200E}' | '\u{200F}' | '\u{FFFD}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || ('\u{3000}'..='\u{303F}').contains(&c)
        || ('\u{FF01}'..='\u{FF0F}').contains(&c)
        || ('\u{FF1A}'..='\u{FF20}').contains(&c)
        || ('\u{FF3B}'..='\u{FF40}').contains(&c)
        || ('\u{FF5B}'..='\u{FF65}').contains(&c)
}

/// Punctuation that ends a sentence or a clause rather than an identifier.
fn is_trailing(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '*' | '…' | '‘' | '’')
}

/// The end (exclusive) of the run that starts at `start`, before trimming.
pub(super) fn run_end(text: &str, start: usize, run: Run) -> usize {
    let rest = &text[start..];
    let (mut paren, mut square, mut curly, mut angle) = (0u32, 0u32, 0u32, 0u32);
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_stop(c) {
            return start + i;
        }
        let closes = |depth: &mut u32| {
            if *depth == 0 {
                false
            } else {
                *depth -= 1;
                true
            }
        };
        let keep = match c {
            '(' => {
                paren += 1;
                true
            }
            '[' => {
                square += 1;
                true
            }
            '{' => {
                curly += 1;
                true
            }
            ')' => closes(&mut paren),
            ']' => closes(&mut square),
            '}' => closes(&mut curly),
            '<' if run == Run::Doi => {
                // SICI DOIs: `<693::AID-ASI4>`; anything else (`</a>`) is markup.
                let sici = chars
                    .peek()
                    .is_some_and(|&(_, n)| n.is_ascii_digit() || n == ':');
                if sici {
                    angle += 1;
                }
                sici
            }
            '>' if run == Run::Doi => closes(&mut angle),
            '<' | '>' => false,
            _ => true,
        };
        if !keep {
            return start + i;
        }
    }
    text.len()
}

/// Remove trailing punctuation from the run `text[start..end]`; returns the new end.
pub(super) fn trim_end(text: &str, start: usize, mut end: usize, run: Run) -> usize {
    let mut apostrophes = text[start..end].matches('\'').count();
    while let Some(c) = text[start..end].chars().next_back() {
        let drop = match c {
            '\'' => run == Run::Doi || apostrophes % 2 == 1,
            '(' | '[' | '{' | '<' => true,
            _ => is_trailing(c),
        };
        if !drop {
            break;
        }
        if c == '\'' {
            apostrophes -= 1;
        }
        end -= c.len_utf8();
    }
    end
}

/// The trimmed end of the run starting at `start`.
pub(super) fn scan(text: &str, start: usize, run: Run) -> usize {
    let end = run_end(text, start, run);
    trim_end(text, start, end, run)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doi(s: &str) -> &str {
        &s[..scan(s, 0, Run::Doi)]
    }

    fn url(s: &str) -> &str {
        &s[..scan(s, 0, Run::Url)]
    }

    #[test]
    fn balanced_brackets_stay_and_unbalanced_ones_end_the_run() {
        assert_eq!(doi("10.1/a(04))))"), "10.1/a(04)");
        assert_eq!(doi("10.1/a(04).\","), "10.1/a(04)");
        assert_eq!(url("x.org/wiki/Foo_(bar))."), "x.org/wiki/Foo_(bar)");
        assert_eq!(url("x.org/a_[b]_{c}]"), "x.org/a_[b]_{c}");
        assert_eq!(url("x.org/a]"), "x.org/a");
    }

    #[test]
    fn trailing_punctuation_goes_but_inner_punctuation_stays() {
        assert_eq!(url("x.org/a,.;b..."), "x.org/a,.;b");
        assert_eq!(url("x.org/a!!!?"), "x.org/a");
        assert_eq!(url("x.org/a-"), "x.org/a-");
        assert_eq!(doi("10.1/a…"), "10.1/a");
        assert_eq!(doi("10.1/a("), "10.1/a");
        assert_eq!(doi("10.1021/bc030018+"), "10.1021/bc030018+");
    }

    #[test]
    fn apostrophes_are_kept_in_pairs_only() {
        assert_eq!(url("x.org/'quoted'"), "x.org/'quoted'");
        assert_eq!(url("x.org/foo'"), "x.org/foo");
        assert_eq!(url("x.org/I'm_king"), "x.org/I'm_king");
        assert_eq!(doi("10.1/x'"), "10.1/x");
    }

    #[test]
    fn angle_brackets_are_kept_only_in_sici_dois() {
        assert_eq!(
            doi("10.1/(SICI)1(1)49:8<693::AID>3.0.CO;2-O"),
            "10.1/(SICI)1(1)49:8<693::AID>3.0.CO;2-O"
        );
        assert_eq!(doi("10.1/x</p>"), "10.1/x");
        assert_eq!(doi("10.1/x>"), "10.1/x");
        assert_eq!(url("x.org/a>."), "x.org/a");
        assert_eq!(url("x.org/a<b"), "x.org/a");
    }

    #[test]
    fn quotes_and_wide_punctuation_end_the_run() {
        assert_eq!(url("x.org/a\"b"), "x.org/a");
        assert_eq!(url("x.org/a｜bar"), "x.org/a");
        assert_eq!(url("x.org/a。next"), "x.org/a");
        assert_eq!(url("x.org/a\u{202C}"), "x.org/a");
        assert_eq!(
            url("x.org/someone-നിന്നെ-പോലൊരാള്‍.html"),
            "x.org/someone-നിന്നെ-പോലൊരാള്‍.html"
        );
    }

    #[test]
    fn long_runs_of_punctuation_are_trimmed() {
        let s = format!("10.1130/2013.2502{}", ".".repeat(10_000));
        assert_eq!(doi(&s), "10.1130/2013.2502");
    }
}
