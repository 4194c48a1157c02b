//! DOIs: bare, after a `doi:` label, behind a resolver (`https://doi.org/…`) or inside a
//! publisher's link (`…/doi/abs/10.1002/ch.339`, `…?doi=10.1037%2F…`).
//!
//! A DOI is `10.` + a registrant code of 4 to 9 digits (optionally subdivided,
//! `10.1000.10/…`) + `/` + a suffix of any printable characters; ISBN-A DOIs
//! (`10.978.8898392/315`) are the one exception to the registrant length. The suffix
//! ends as [`super::scan`] decides, so balanced brackets (`S0140-6736(20)30183-5`) and
//! SICI angle brackets survive while sentence punctuation does not. Values are
//! percent-decoded and lower-cased: DOIs are case-insensitive.
//!
//! A malformed DOI is reported (with a problem) only where a DOI was clearly meant:
//! after a `doi` label or a resolver. Bare text that merely looks a little like a DOI
//! yields nothing, because a false invalid-doi error is worse than a missed one.

use super::scan::{self, Run};
use percent_encoding::percent_decode_str;
use regex::Regex;
use std::sync::LazyLock;

/// A DOI found at some position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DoiMatch {
    /// Where the DOI itself starts (the `1` of `10.`).
    pub start: usize,
    pub end: usize,
    pub value: String,
    pub problem: Option<String>,
}

/// A candidate: an optional `doi` label, then `10.` or `10/`.
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(?-u:\b)doi\s*[:：]?\s*|(?-u:\b))10[./]").expect("valid regex")
});

/// A DOI broken by white space, e.g. `10.1037/ 0003-066X` or `10. 1037/abc`.
static SPACED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^10\s*\.\s*\d{1,9}(?:\.\d+)*\s*/\s*[^\s/]+").expect("valid regex")
});

/// Every DOI in `text`, in order. `skip` says whether a position is already taken.
pub(super) fn find(text: &str, skip: impl Fn(usize) -> bool) -> Vec<DoiMatch> {
    let mut out = Vec::new();
    let mut done = 0;
    // `find_iter` rather than captures (much faster): a match that starts with a
    // letter has the label, and its label has a colon if the match holds one.
    for whole in CANDIDATE.find_iter(text) {
        let labelled = whole.as_str().starts_with(['d', 'D']);
        let colon = labelled && whole.as_str().contains([':', '：']);
        let at = whole.end() - 3;
        if at < done || skip(at) {
            continue;
        }
        let Some(found) = parse_at(text, at, labelled) else {
            continue;
        };
        // What was scanned is judged once, so the search stays linear.
        done = found.end;
        // "Doi 10.5" in a name or a title is not a DOI without its slash; "doi:10.5" is.
        let weak = !colon && !text[at..found.end].contains('/');
        if found.problem.is_some() && (!labelled || weak) {
            continue;
        }
        out.push(found);
    }
    out
}

/// Parse the DOI whose `10` starts at `at`; a malformed one comes with its problem.
/// `intended` is true after a `doi` label or a resolver: then short DOIs (`10/abc`)
/// and DOIs broken by white space are recognised too.
pub(super) fn parse_at(text: &str, at: usize, intended: bool) -> Option<DoiMatch> {
    let strict = parse_strict(text, at, intended);
    match strict {
        Some(ref m) if m.problem.is_none() => strict,
        _ if intended => spaced(text, at).or(strict),
        _ => strict,
    }
}

/// `10.` + registrant + `/` + suffix, all without white space.
fn parse_strict(text: &str, at: usize, intended: bool) -> Option<DoiMatch> {
    let b = text.as_bytes();
    // Digit runs are read at most 12 long, so a prefix costs O(1) to judge.
    let digits = |mut i: usize| {
        let limit = i + 12;
        while i < limit && b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = at + 2;
    if b.get(i) == Some(&b'/') {
        // shortDOI (`10/abc12`), only meaningful after a label or a resolver.
        let end = i
            + 1
            + text[i + 1..]
                .bytes()
                .take_while(u8::is_ascii_alphanumeric)
                .count();
        if !intended || end == i + 1 {
            return None;
        }
        return Some(found(text, at, end, None));
    }
    if b.get(i) != Some(&b'.') {
        return None;
    }
    let registrant = (i + 1, digits(i + 1));
    i = registrant.1;
    let mut groups = 0;
    while groups < 6 && b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(i + 1);
        groups += 1;
    }
    let reg = &text[registrant.0..registrant.1];
    if reg.is_empty() || b.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let prefix_end = i;
    let suffix_start = if b.get(i) == Some(&b'/') {
        i + 1
    } else if text[i..]
        .get(..3)
        .is_some_and(|s| s.eq_ignore_ascii_case("%2f"))
    {
        i + 3
    } else {
        let problem = format!(
            "the DOI {} has no suffix: a DOI is a prefix, a slash and a suffix (10.1000/xyz)",
            &text[at..prefix_end]
        );
        return Some(found(text, at, prefix_end, Some(problem)));
    };
    let end = scan::scan(text, suffix_start, Run::Doi);
    let suffix = &text[suffix_start..end.max(suffix_start)];
    if suffix.is_empty() {
        let problem = format!("the DOI {} has an empty suffix", &text[at..suffix_start]);
        return Some(found(text, at, suffix_start, Some(problem)));
    }
    let isbn_a = groups > 0 && (reg == "978" || reg == "979");
    let problem = if isbn_a {
        (!suffix.bytes().all(|c| c.is_ascii_digit()))
            .then(|| "an ISBN-A DOI (10.978.…) ends in digits".to_string())
    } else if !(4..=9).contains(&reg.len()) {
        Some(format!(
            "the DOI registrant code {reg} has {} digits; it has 4 to 9 (10.1000/xyz)",
            reg.len()
        ))
    } else {
        None
    };
    Some(found(text, at, end, problem))
}

/// A DOI with white space inside it, as the problem it is.
fn spaced(text: &str, at: usize) -> Option<DoiMatch> {
    let m = SPACED.find(&text[at..])?;
    let end = scan::trim_end(text, at, at + m.end(), Run::Doi);
    let raw = &text[at..end];
    if !raw.contains(char::is_whitespace) {
        return None;
    }
    let joined: String = raw.split_whitespace().collect();
    let problem = format!("the DOI {joined} is broken by white space; write it without spaces");
    Some(DoiMatch {
        start: at,
        end,
        value: decode(&joined),
        problem: Some(problem),
    })
}

fn found(text: &str, start: usize, end: usize, problem: Option<String>) -> DoiMatch {
    DoiMatch {
        start,
        end,
        value: decode(&text[start..end]),
        problem,
    }
}

/// Percent-decode and lower-case.
fn decode(s: &str) -> String {
    match percent_decode_str(s).decode_utf8() {
        Ok(d) => d.to_lowercase(),
        Err(_) => s.to_lowercase(),
    }
}

/// Hosts whose path is a DOI.
const RESOLVERS: &[&str] = &[
    "doi.org",
    "dx.doi.org",
    "www.doi.org",
    "doi.wiley.com",
    "doi.acm.org",
];

/// Is `host` (lower case, no port) a DOI resolver?
pub(super) fn is_resolver(host: &str) -> bool {
    RESOLVERS.contains(&host)
}

/// Publisher paths that carry a DOI: `/doi/10…`, `/doi/abs/10…`, `/doi/full/10…` …
static PUBLISHER_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)/doi/(?:(?:abs|full|pdf|epdf|pdfdirect|fulltext|book|reader|epub|suppl|citedby|figure|ref|refs)/)?(?P<doi>10\.\d{4,9}(?:\.\d+)*/[^?#]+)")
        .expect("valid regex")
});

/// Old Wiley-style views appended after the DOI: `/doi/10.1002/x/abstract`.
const VIEW_SUFFIXES: &[&str] = &[
    "/abstract",
    "/full",
    "/pdf",
    "/epdf",
    "/summary",
    "/references",
];

/// Split an absolute http(s) URL into its lower-case host and the rest (from the first
/// `/`, `?` or `#`).
pub(super) fn split_url(url: &str) -> Option<(String, &str)> {
    let starts = |p: &str| {
        url.as_bytes()
            .get(..p.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(p.as_bytes()))
    };
    let after = if starts("https://") {
        8
    } else if starts("http://") {
        7
    } else {
        return None;
    };
    let rest = &url[after..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..host_end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host.rfind(':') {
        Some(i) if !host.ends_with(']') => &host[..i],
        _ => host,
    };
    Some((host.to_ascii_lowercase(), &rest[host_end..]))
}

/// The DOI a URL points at: resolver links (`https://doi.org/10.1000/182`,
/// `http://dx.doi.org/…`) and publisher paths (`https://onlinelibrary.wiley.com/doi/abs/
/// 10.1002/ch.339`, `/doi/full/`, `/doi/pdf/`, `/doi/10…`) and landing pages with a
/// `doi=` query parameter. Normalised as
/// [`normalize_doi`] does; `None` when the URL carries no well-formed DOI.
///
/// ```
/// use refcheck::extract::ident::doi_in_url;
/// assert_eq!(doi_in_url("https://dx.doi.org/10.1000%2F182").as_deref(), Some("10.1000/182"));
/// assert_eq!(doi_in_url("https://example.org/doi/full/10.1002/CH.339?x=1").as_deref(), Some("10.1002/ch.339"));
/// assert_eq!(doi_in_url("https://example.org/about"), None);
/// ```
pub fn doi_in_url(url: &str) -> Option<String> {
    let (host, rest) = split_url(url.trim())?;
    if is_resolver(&host) {
        return normalize_doi(rest.strip_prefix('/')?);
    }
    let path = rest.split(['?', '#']).next().unwrap_or("");
    if path.contains("://") {
        // An archived copy (web.archive.org/web/…/https://…) is a URL of its own.
        return None;
    }
    if let Some(doi) = PUBLISHER_PATH.captures(path).and_then(|c| c.name("doi")) {
        let doi = doi.as_str();
        let doi = VIEW_SUFFIXES
            .iter()
            .find_map(|v| doi.strip_suffix(v))
            .unwrap_or(doi);
        return normalize_doi(doi.trim_end_matches('/'));
    }
    // Landing pages such as `doiLanding?doi=10.1037%2F0003-066X.60.8.840`.
    let query = rest.split('#').next()?.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("doi"))
        .and_then(|(_, v)| normalize_doi(v))
}

/// A DOI as refcheck stores it: without `doi:`, `info:doi/` or a resolver prefix,
/// percent-decoded, lower-cased; `None` unless what remains is a well-formed DOI.
///
/// ```
/// use refcheck::extract::ident::normalize_doi;
/// assert_eq!(normalize_doi("DOI: 10.1037/0003-066X.60.8.840").as_deref(), Some("10.1037/0003-066x.60.8.840"));
/// assert_eq!(normalize_doi("https://doi.org/10.1000%2F182").as_deref(), Some("10.1000/182"));
/// assert_eq!(normalize_doi("doi:10.1037"), None);
/// ```
pub fn normalize_doi(s: &str) -> Option<String> {
    let mut s = s.trim();
    for prefix in ["doi:", "info:doi/", "urn:doi:"] {
        if s.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        {
            s = s[prefix.len()..].trim_start();
        }
    }
    if let Some((host, rest)) = split_url(s) {
        if !is_resolver(&host) {
            return None;
        }
        s = rest.strip_prefix('/')?;
    }
    let decoded = percent_decode_str(s).decode_utf8().ok()?;
    let d: &str = &decoded;
    if !d.starts_with("10") || d.contains(char::is_whitespace) {
        return None;
    }
    let m = parse_strict(d, 0, true)?;
    (m.problem.is_none() && m.end == d.len()).then_some(m.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        find(text, |_| false).into_iter().map(|m| m.value).collect()
    }

    fn problems(text: &str) -> Vec<(String, bool)> {
        find(text, |_| false)
            .into_iter()
            .map(|m| (m.value, m.problem.is_some()))
            .collect()
    }

    #[test]
    fn bare_dois_in_text_are_lower_cased_and_trimmed() {
        assert_eq!(
            values("Psychologist. 10.1037/0003-066X.60.8.840."),
            ["10.1037/0003-066x.60.8.840"]
        );
        assert_eq!(values("(a DOI: 10.1130/2013.2502)."), ["10.1130/2013.2502"]);
        assert_eq!(
            values("x 10.1016/S0140-6736(20)30183-5, y"),
            ["10.1016/s0140-6736(20)30183-5"]
        );
        assert_eq!(
            values("10.1234/ab  10.1234/cd"),
            ["10.1234/ab", "10.1234/cd"]
        );
        assert_eq!(values("10.1234/🐔💩1"), ["10.1234/🐔💩1"]);
    }

    #[test]
    fn lookalikes_without_a_label_are_ignored() {
        assert!(values("110.1234/foo").is_empty());
        assert!(values("10.1130/!).\",").is_empty());
        assert!(values("version 10.10/x and 10.5 mg").is_empty());
        assert!(values("This is NOT a DOI: 123456").is_empty());
        assert!(values("10.978.8898392/NotAnIsbnA").is_empty());
        assert_eq!(values("ISBN-A 10.978.8898392/315"), ["10.978.8898392/315"]);
    }

    #[test]
    fn labels_in_every_spelling() {
        for t in [
            "doi:10.1000/ab",
            "DOI: 10.1000/ab",
            "doi 10.1000/AB",
            "DOI:\n10.1000/ab",
        ] {
            assert_eq!(problems(t), [("10.1000/ab".to_string(), false)], "{t}");
        }
    }

    #[test]
    fn sici_dois_survive_whole() {
        let t = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O. Next";
        assert_eq!(
            values(t),
            ["10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-o"]
        );
        let t = "x: 10.1002/(SICI)1096-8644(199601)99:1<135::AID-AJPA8>3.0.CO;2-#\",";
        assert_eq!(
            values(t),
            ["10.1002/(sici)1096-8644(199601)99:1<135::aid-ajpa8>3.0.co;2-#"]
        );
    }

    #[test]
    fn percent_encoded_slashes_are_decoded() {
        assert_eq!(values("see 10.1000%2F182."), ["10.1000/182"]);
    }

    #[test]
    fn intended_but_broken_dois_carry_a_problem() {
        assert_eq!(problems("doi:10.1037 ."), [("10.1037".to_string(), true)]);
        assert_eq!(problems("doi: 10.10/x"), [("10.10/x".to_string(), true)]);
        assert_eq!(
            problems("doi: 10.1037/ 0003-066X"),
            [("10.1037/0003-066x".to_string(), true)]
        );
        assert_eq!(
            problems("DOI 10. 1037/abc"),
            [("10.1037/abc".to_string(), true)]
        );
        assert_eq!(problems("doi:10.1037/"), [("10.1037/".to_string(), true)]);
        // Not a DOI at all: no finding rather than a false one.
        assert!(problems("doi: not available").is_empty());
        assert!(problems("10.1037/ 0003").is_empty());
        assert!(problems("Nguyen Doi 10.5 mg").is_empty());
    }

    #[test]
    fn short_dois_only_after_a_label() {
        assert_eq!(problems("doi:10/aabbe"), [("10/aabbe".to_string(), false)]);
        assert!(problems("10/aabbe").is_empty());
    }

    #[test]
    fn urls_that_carry_dois() {
        let cases = [
            (
                "https://doi.org/10.1037/0003-066X.60.8.840",
                Some("10.1037/0003-066x.60.8.840"),
            ),
            ("http://dx.doi.org/10.1000/182", Some("10.1000/182")),
            (
                "https://onlinelibrary.wiley.com/doi/abs/10.1002/ch.339",
                Some("10.1002/ch.339"),
            ),
            (
                "https://x.org/doi/pdf/10.1021/acs.x.7b00001?ref=pdf",
                Some("10.1021/acs.x.7b00001"),
            ),
            (
                "https://x.org/doi/10.1111/j.1365-2648.2006.03870.x/full",
                Some("10.1111/j.1365-2648.2006.03870.x"),
            ),
            ("https://DOI.ORG/10.1000%2F182", Some("10.1000/182")),
            ("https://doi.org/10.1037", None),
            ("https://www.doi.org/the-identifier/", None),
            (
                "https://web.archive.org/web/2016/https://x.org/doi/abs/10.1002/ch.339",
                None,
            ),
            ("https://x.org/papers/10.1002/ch.339", None),
            (
                "https://psycnet.apa.org/doiLanding?doi=10.1037%2F0003-066X.60.8.840",
                Some("10.1037/0003-066x.60.8.840"),
            ),
            ("https://x.org/search?q=10.1002%2Fch.339", None),
            ("ftp://doi.org/10.1000/182", None),
        ];
        for (url, want) in cases {
            assert_eq!(doi_in_url(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn normalisation_strips_prefixes() {
        assert_eq!(
            normalize_doi(" doi:10.1000/ABC ").as_deref(),
            Some("10.1000/abc")
        );
        assert_eq!(
            normalize_doi("info:doi/10.1000/abc").as_deref(),
            Some("10.1000/abc")
        );
        assert_eq!(
            normalize_doi("http://dx.doi.org/10.1000/abc").as_deref(),
            Some("10.1000/abc")
        );
        assert_eq!(normalize_doi("10.1000/a b"), None);
        assert_eq!(normalize_doi("https://example.org/10.1000/abc"), None);
        assert_eq!(normalize_doi("10.1000/abc."), None);
    }
}
