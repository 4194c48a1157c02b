//! The HTML vocabulary refcheck understands: which elements hold no text (void),
//! which never hold markers (scripts, styles, maths), which separate words, and which
//! classes, roles and anchors mark notes, note references and reference sections in
//! the markup that Wikipedia, O'Reilly, pandoc, LaTeXML and EPUB produce.

use regex::Regex;
use std::sync::LazyLock;

pub(super) static CONTAINER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[\s_-])(?:references|reflist|refbegin|footnotes|endnotes|notes|bibliography|biblist|citations|doc-endnotes|doc-bibliography|csl-bib-body)(?:$|[\s_-])")
        .expect("valid regex")
});

pub(super) static FOOTNOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:footnote|endnote|rearnote|doc-endnote|doc-footnote|doc-biblioentry)$")
        .expect("valid regex")
});

pub(super) static NOTEREF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:noteref|doc-noteref|footnote-ref)$").expect("valid regex")
});

pub(super) static LEADING_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\^\s*)?(\[(\d{1,5})\]|(\d{1,5})[.):]?)(?:\s|$)").expect("valid regex")
});

pub(super) static BACKLINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\^\s*(?:a(?:\s+[b-z]){1,25}\s+)?").expect("valid regex"));

/// How deep the element stack may grow with elements that play no role.
pub(super) const MAX_DEPTH: usize = 256;

pub(super) const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
pub(super) const SKIP: &[&str] = &["script", "style", "template", "noscript", "svg", "math"];
pub(super) const BLOCK: &[&str] = &[
    "p",
    "div",
    "ol",
    "ul",
    "li",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "aside",
    "blockquote",
    "pre",
    "dl",
    "header",
    "footer",
    "article",
    "figure",
    "hr",
];

/// The letter label of the `n`th item of a list numbered a, b, c, …, z, aa, ab, …
pub(super) fn letters(mut n: u64) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
    }
    out.iter().rev().collect()
}

/// Does a tag separate words (a block, a line break, a superscript label)?
pub(super) fn separates(name: &str) -> bool {
    BLOCK.contains(&name) || matches!(name, "br" | "sup" | "td" | "th" | "tr" | "dt" | "dd")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_run_past_z() {
        assert_eq!(letters(1), "a");
        assert_eq!(letters(26), "z");
        assert_eq!(letters(28), "ab");
    }

    #[test]
    fn containers_match_whole_words() {
        assert!(CONTAINER.is_match("ltx_bibliography"));
        assert!(CONTAINER.is_match("reflist reflist-lower-alpha"));
        assert!(!CONTAINER.is_match("preferences"));
    }
}
