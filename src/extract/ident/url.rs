//! http(s) URLs, and the URLs that are really a DOI or an arXiv id.
//!
//! A URL starts at `http://` or `https://` (not after a letter, digit or `_`) and ends
//! as [`super::scan`] decides; a URL written between quotes or angle brackets
//! (`href="…smth."`, `<https://…>`) ends at its closing delimiter and keeps a final
//! full stop, which is then part of it. Hosts are checked only for shape (a label may
//! not be empty or start or end with `-` or `_`): whether a host exists is for the
//! resolver to find out, so an unusual host is reported as broken, not dropped.
//!
//! DESIGN: URLs that carry a DOI are checked as DOIs, at the registry. So a resolver
//! link (`https://doi.org/…`) or a publisher link with a `/doi/…` path is reported once,
//! as a DOI with the URL's span; an `arxiv.org/abs/…` link likewise as an arXiv id.

use super::scan::{self, Run};
use super::{arxiv, doi};
use crate::model::{IdKind, Identifier};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

static SCHEME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)https?://").expect("valid regex"));

/// Every URL in `text` (spans relative to `text`), in order.
pub(super) fn find(text: &str) -> Vec<Identifier> {
    let mut out: Vec<Identifier> = Vec::new();
    let mut done = 0;
    for m in SCHEME.find_iter(text) {
        if m.start() < done {
            continue;
        }
        // A run judged not to be a URL is not searched again, so the pass stays linear.
        let (id, end) = url_at(text, m.start(), m.end());
        done = end;
        out.extend(id);
    }
    out
}

fn identifier(
    kind: IdKind,
    value: String,
    start: usize,
    end: usize,
    problem: Option<String>,
) -> Identifier {
    Identifier {
        kind,
        value,
        span: Span::new(start, end),
        problem,
    }
}

/// The identifier for the URL whose scheme spans `start..path`, and where its run
/// ends.
fn url_at(text: &str, start: usize, path: usize) -> (Option<Identifier>, usize) {
    if let Some(id) = resolver_doi(text, start, path) {
        let end = id.span.end;
        return (Some(id), end);
    }
    let raw_end = scan::run_end(text, start, Run::Url);
    let end = if delimited(text, start, raw_end) {
        raw_end
    } else {
        scan::trim_end(text, start, raw_end, Run::Url)
    };
    let url = &text[start..end];
    if !host_is_well_formed(&url[path - start..]) {
        return (None, raw_end);
    }
    let id = if let Some((value, problem)) = arxiv::in_url(url) {
        identifier(IdKind::Arxiv, value, start, end, problem)
    } else if let Some(value) = doi::doi_in_url(url) {
        identifier(IdKind::Doi, value, start, end, None)
    } else {
        identifier(IdKind::Url, url.to_string(), start, end, None)
    };
    (Some(id), end)
}

/// `https://doi.org/10…`: the DOI is scanned by DOI rules (SICI `<…>` included) and a
/// malformed one is reported as an invalid DOI, since a DOI was clearly meant.
fn resolver_doi(text: &str, start: usize, after_scheme: usize) -> Option<Identifier> {
    let rest = &text[after_scheme..];
    let host_len = rest
        .find(['/', '?', '#'])
        .filter(|&n| !rest[..n].contains(scan::is_stop))?;
    let host = rest[..host_len].to_ascii_lowercase();
    if !doi::is_resolver(&host) || !rest[host_len..].starts_with('/') {
        return None;
    }
    let at = after_scheme + host_len + 1;
    if text[at..].starts_with("10") {
        let d = doi::parse_at(text, at, true)?;
        return Some(identifier(IdKind::Doi, d.value, start, d.end, d.problem));
    }
    // `https://doi.org/ 10.1000/xyz`: white space between resolver and DOI.
    let gap = text[at..].len() - text[at..].trim_start().len();
    if gap == 0 || !text[at + gap..].starts_with("10.") {
        return None;
    }
    let d = doi::parse_at(text, at + gap, true)?;
    let problem = d.problem.unwrap_or_else(|| {
        format!(
            "white space separates the resolver from the DOI {}; write https://doi.org/{}",
            d.value, d.value
        )
    });
    Some(identifier(
        IdKind::Doi,
        d.value,
        start,
        d.end,
        Some(problem),
    ))
}

/// Is the URL written between `"…"` or `<…>`, so that its closing delimiter (not
/// punctuation rules) says where it ends?
fn delimited(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    matches!(
        (before, after),
        (Some('"'), Some('"')) | (Some('<'), Some('>'))
    )
}

/// Does `rest` (what follows `scheme://`) start with a plausible host?
fn host_is_well_formed(rest: &str) -> bool {
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    if let Some(inner) = host_port.strip_prefix('[') {
        // IPv6 literal, optionally with a port.
        return inner.contains(']');
    }
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) => {
            if !port.is_empty() && (port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit())) {
                return false;
            }
            h
        }
        None => host_port,
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty()
        && host.split('.').all(|label| {
            let bad_end = |c: char| c == '-' || c == '_';
            !label.is_empty()
                && !label.starts_with(bad_end)
                && !label.ends_with(bad_end)
                && label
                    .chars()
                    .all(|c| !c.is_ascii_punctuation() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(IdKind, String, &str)> {
        find(text)
            .into_iter()
            .map(|id| (id.kind, id.value, &text[id.span.start..id.span.end]))
            .collect()
    }

    fn urls(text: &str) -> Vec<String> {
        find(text).into_iter().map(|id| id.value).collect()
    }

    #[test]
    fn urls_end_before_sentence_punctuation() {
        assert_eq!(
            urls("Retrieved from: https://x.org/a/b/."),
            ["https://x.org/a/b/"]
        );
        assert_eq!(
            urls("(see https://x.org/a_(b)), and"),
            ["https://x.org/a_(b)"]
        );
        assert_eq!(
            urls("[x](https://x.org/a) <https://y.org/b>."),
            ["https://x.org/a", "https://y.org/b"]
        );
        assert_eq!(urls("'quoted https://x.org/a'"), ["https://x.org/a"]);
        assert_eq!(
            urls("HTTP://X.ORG/?q=1&r=2#f."),
            ["HTTP://X.ORG/?q=1&r=2#f"]
        );
    }

    #[test]
    fn a_url_inside_a_url_is_one_url() {
        let t = "https://web.archive.org/web/2016/http://x.com/english/ next";
        assert_eq!(
            urls(t),
            ["https://web.archive.org/web/2016/http://x.com/english/"]
        );
    }

    #[test]
    fn quoted_urls_keep_their_last_character() {
        assert_eq!(
            urls("<a href=\"https://x.org/smth.\">x</a>"),
            ["https://x.org/smth."]
        );
        assert_eq!(urls("<https://x.org/a.>"), ["https://x.org/a."]);
    }

    #[test]
    fn malformed_hosts_and_glued_schemes_are_not_urls() {
        for t in [
            "http://",
            "http://.x.org",
            "http://-x.org",
            "http://x.org_",
            "_http://x.org",
            "http://#",
            "http://x.org:99999999/",
            "xhttp://a.org",
        ] {
            assert!(urls(t).is_empty(), "{t}");
        }
        assert_eq!(
            urls("http://user:pw@x.org:8080/a"),
            ["http://user:pw@x.org:8080/a"]
        );
        assert_eq!(urls("http://[::1]:8080/a"), ["http://[::1]:8080/a"]);
        assert_eq!(urls("http://✪df.ws/123"), ["http://✪df.ws/123"]);
    }

    #[test]
    fn doi_urls_are_dois_with_the_url_span() {
        let t = "Psychologist. https://doi.org/10.1037/0003-066X.60.8.840. Next";
        assert_eq!(
            found(t),
            [(
                IdKind::Doi,
                "10.1037/0003-066x.60.8.840".into(),
                "https://doi.org/10.1037/0003-066X.60.8.840"
            )]
        );
        let t = "from: https://onlinelibrary.wiley.com/doi/abs/10.1002/ch.339";
        assert_eq!(
            found(t),
            [(
                IdKind::Doi,
                "10.1002/ch.339".into(),
                "https://onlinelibrary.wiley.com/doi/abs/10.1002/ch.339"
            )]
        );
        let t = "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O.";
        assert_eq!(
            found(t)[0].1,
            "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-o"
        );
    }

    #[test]
    fn broken_resolver_links_are_invalid_dois() {
        let ids = find("https://doi.org/10.1037.");
        assert_eq!(ids.len(), 1);
        assert_eq!((ids[0].kind, ids[0].problem.is_some()), (IdKind::Doi, true));
        let ids = find("https://doi.org/ 10.1037/abc");
        assert_eq!(
            (ids[0].kind, ids[0].value.as_str()),
            (IdKind::Doi, "10.1037/abc")
        );
        assert!(ids[0].problem.is_some());
        // A page about DOIs is a URL.
        assert_eq!(
            found("https://www.doi.org/the-identifier/")[0].0,
            IdKind::Url
        );
    }

    #[test]
    fn arxiv_links_are_arxiv_ids() {
        let t = "https://arxiv.org/abs/2101.01234v2.";
        assert_eq!(
            found(t),
            [(
                IdKind::Arxiv,
                "2101.01234v2".into(),
                "https://arxiv.org/abs/2101.01234v2"
            )]
        );
        assert_eq!(
            found("https://arxiv.org/list/cs.LG/recent")[0].0,
            IdKind::Url
        );
    }
}
