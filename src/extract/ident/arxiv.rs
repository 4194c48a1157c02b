//! arXiv identifiers: new style (`arXiv:2101.01234v2`, since April 2007) and old style
//! (`hep-th/9901001`, `arXiv:math.GT/0309136`, 1991 to March 2007).
//!
//! New-style ids are recognised only after an `arXiv` label or in an arxiv.org link,
//! because `2101.01234` alone could be anything; old-style ids carry their archive
//! name and are recognised bare. Validation follows arXiv's scheme: YYMM with a real
//! month, four digits after the dot up to 1412 and five from 1501, seven digits in old
//! ids. A malformed id is reported only after `arXiv:` or in an arxiv.org link.

use crate::model::{IdKind, Identifier};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

/// Archives of old-style ids.
const ARCHIVES: &str = "acc-phys|adap-org|alg-geom|ao-sci|astro-ph|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|comp-gas|cond-mat|cs|dg-ga|funct-an|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|math|mtrl-th|nlin|nucl-ex|nucl-th|patt-sol|physics|plasm-ph|q-alg|q-bio|q-fin|quant-ph|solv-int|stat|supr-con";

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)arxiv(?:\s*[:：]\s*|\s+)(?:abs/)?").expect("valid regex")
});

/// The id after a label: anything id-shaped, judged afterwards.
static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d+(?:\.\d+)?(?:v\d+)?|[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]{2})?/\d+(?:v\d+)?)")
        .expect("valid regex")
});

/// The number part of a bare old-style id; the archive before it is checked after, so
/// that common words (`cs`, `math`, `stat`) do not slow the search down.
static OLD_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/\d{7}(?:v\d+)?(?-u:\b)").expect("valid regex"));

/// The archive name just before an [`OLD_NUMBER`].
static OLD_ARCHIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?-u:\b)(?:{ARCHIVES})(?:\.[A-Z]{{2}})?$")).expect("valid regex")
});

/// Bare old-style ids (`hep-th/9901001`) as (start, end).
fn bare_old(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    OLD_NUMBER.find_iter(text).filter_map(move |m| {
        let mut from = m.start().saturating_sub(24);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let archive = OLD_ARCHIVE.find(&text[from..m.start()])?;
        Some((from + archive.start(), m.end()))
    })
}

static NEW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+)\.(\d+)(?:v\d+)?$").expect("valid regex"));

static OLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z]{2})?/(\d+)(?:v\d+)?$").expect("valid regex")
});

/// Why `id` (without `arXiv:`) is not a valid arXiv identifier, if it is not.
///
/// ```
/// use refcheck::extract::ident::arxiv_problem;
/// assert_eq!(arxiv_problem("2101.01234v2"), None);
/// assert_eq!(arxiv_problem("hep-th/9901001"), None);
/// assert!(arxiv_problem("2113.01234").is_some());
/// ```
pub fn arxiv_problem(id: &str) -> Option<String> {
    if let Some(c) = NEW.captures(id) {
        let (yymm, num) = (&c[1], &c[2]);
        if yymm.len() != 4 {
            return Some(format!(
                "arXiv:{id}: the part before the dot is YYMM (four digits)"
            ));
        }
        let (yy, mm) = (number(&yymm[..2]), number(&yymm[2..]));
        if !(1..=12).contains(&mm) {
            return Some(format!("arXiv:{id}: {mm:02} is not a month"));
        }
        if yy < 7 || (yy == 7 && mm < 4) {
            return Some(format!(
                "arXiv:{id}: ids of this form start in April 2007 (0704)"
            ));
        }
        let want = if yy < 15 { 4 } else { 5 };
        if num.len() != want {
            return Some(format!(
                "arXiv:{id}: ids from 20{yy:02}-{mm:02} have {want} digits after the dot"
            ));
        }
        return None;
    }
    if let Some(c) = OLD.captures(id) {
        let (archive, num) = (&c[1], &c[2]);
        if !ARCHIVES.split('|').any(|a| a == archive) {
            return Some(format!("arXiv:{id}: {archive} is not an arXiv archive"));
        }
        if num.len() != 7 {
            return Some(format!(
                "arXiv:{id}: old-style ids have seven digits after the archive"
            ));
        }
        let (yy, mm) = (number(&num[..2]), number(&num[2..4]));
        if !(1..=12).contains(&mm) || !(yy >= 91 || yy <= 7) {
            return Some(format!(
                "arXiv:{id}: {} is not a month from 1991 to 2007",
                &num[..4]
            ));
        }
        return None;
    }
    Some(format!(
        "arXiv:{id} is not an arXiv identifier (2101.01234 or hep-th/9901001)"
    ))
}

fn number(digits: &str) -> u32 {
    digits.parse().unwrap_or(0)
}

/// The arXiv id an arxiv.org `/abs/` or `/pdf/` link points at, with its problem if it
/// is malformed; `None` for other links.
pub(super) fn in_url(url: &str) -> Option<(String, Option<String>)> {
    let (host, rest) = super::doi::split_url(url)?;
    if !matches!(
        host.as_str(),
        "arxiv.org" | "www.arxiv.org" | "export.arxiv.org"
    ) {
        return None;
    }
    let path = rest.split(['?', '#']).next().unwrap_or("");
    let id = path
        .strip_prefix("/abs/")
        .or_else(|| path.strip_prefix("/pdf/"))?
        .trim_end_matches('/');
    let id = id.strip_suffix(".pdf").unwrap_or(id);
    if TOKEN.find(id).is_none_or(|m| m.end() != id.len()) {
        return None;
    }
    Some((id.to_string(), arxiv_problem(id)))
}

/// arXiv ids in `text` (spans relative to it); `skip` says whether a span is taken.
pub(super) fn find(text: &str, skip: impl Fn(usize, usize) -> bool) -> Vec<Identifier> {
    let mut out = Vec::new();
    for whole in LABEL.find_iter(text) {
        let colon = whole.as_str().contains([':', '：']);
        let at = whole.end();
        let Some(tok) = TOKEN.find(&text[at..]) else {
            continue;
        };
        let mut end = at + tok.end();
        // `2101.012345` or `2101.01234abc`: take the whole run so the problem shows it.
        end += text[end..]
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .map(char::len_utf8)
            .sum::<usize>();
        if skip(whole.start(), end) {
            continue;
        }
        let id = &text[at..end];
        let problem = arxiv_problem(id);
        if problem.is_some() && !colon {
            continue;
        }
        out.push(Identifier {
            kind: IdKind::Arxiv,
            value: id.to_string(),
            span: Span::new(at, end),
            problem,
        });
    }
    for (start, end) in bare_old(text) {
        let id = &text[start..end];
        if skip(start, end) || arxiv_problem(id).is_some() {
            continue;
        }
        if out
            .iter()
            .any(|o: &Identifier| o.span.start <= start && end <= o.span.end)
        {
            continue;
        }
        out.push(Identifier {
            kind: IdKind::Arxiv,
            value: id.to_string(),
            span: Span::new(start, end),
            problem: None,
        });
    }
    out.sort_by_key(|id| id.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, bool)> {
        find(text, |_, _| false)
            .into_iter()
            .map(|id| (id.value, id.problem.is_some()))
            .collect()
    }

    #[test]
    fn new_and_old_style_ids_after_a_label() {
        assert_eq!(
            found("arXiv preprint arXiv:2101.01234v2 [cs.LG]"),
            [("2101.01234v2".into(), false)]
        );
        assert_eq!(found("arXiv:0706.0001."), [("0706.0001".into(), false)]);
        assert_eq!(
            found("arXiv: math.GT/0309136"),
            [("math.GT/0309136".into(), false)]
        );
        assert_eq!(found("ARXIV 1501.00001"), [("1501.00001".into(), false)]);
    }

    #[test]
    fn old_style_ids_are_found_bare() {
        assert_eq!(
            found("Witten, hep-th/9901001, and"),
            [("hep-th/9901001".into(), false)]
        );
        assert!(found("see math/9913001").is_empty(), "month 13");
        assert!(found("hep-th/99010012").is_empty());
    }

    #[test]
    fn malformed_ids_after_arxiv_colon_carry_a_problem() {
        for t in [
            "arXiv:2113.01234",
            "arXiv:2101.123",
            "arXiv:2101.012345",
            "arXiv:1412.00001",
            "arXiv:0612.1234",
            "arXiv:1234",
            "arXiv:foo-ph/9901001",
            "arXiv:hep-th/990100",
        ] {
            let got = found(t);
            assert_eq!(got.len(), 1, "{t}");
            assert!(got[0].1, "{t}");
        }
        // Without the colon a malformed id is just text.
        assert!(found("arXiv 2113.01234").is_empty());
        assert!(found("the arXiv preprint server").is_empty());
    }

    #[test]
    fn arxiv_links() {
        assert_eq!(
            in_url("https://arxiv.org/pdf/2101.01234v1.pdf"),
            Some(("2101.01234v1".into(), None))
        );
        assert_eq!(
            in_url("http://arxiv.org/abs/hep-th/9901001"),
            Some(("hep-th/9901001".into(), None))
        );
        assert!(in_url("https://arxiv.org/abs/2113.01234").is_some_and(|(_, p)| p.is_some()));
        assert_eq!(in_url("https://arxiv.org/list/math/new"), None);
        assert_eq!(in_url("https://example.org/abs/2101.01234"), None);
    }
}
