//! From source text to a [`Document`]: format detection and one extractor per format.
//!
//! Each extractor understands its own markup (a Markdown parser for Markdown, an XML
//! reader for JATS, ...) because a plain-text scan of markup both misses and invents
//! citations. They all return the same [`Document`] with byte spans into the source.

pub mod html;
pub mod ident;
pub mod jats;
pub mod markdown;
pub mod markers;
pub mod markup;
pub mod rst;
pub mod text;

use crate::model::{Document, Format};
use crate::source::SourceFile;
use std::path::Path;

/// Why a file could not be extracted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ExtractError(pub String);

/// The format of `path`, from its extension, else by sniffing its content.
pub fn detect_format(path: &Path, text: &str) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("md" | "markdown") => return Format::Markdown,
        Some("html" | "htm" | "xhtml") => return Format::Html,
        Some("nxml") => return Format::Jats,
        Some("rst") => return Format::Rst,
        // A PEP or other reStructuredText kept as .txt: its footnotes and markers say so.
        Some("txt" | "text") if !is_rst(text) => return Format::Text,
        Some("txt" | "text") => return Format::Rst,
        _ => {}
    }
    sniff(text)
}

/// Block-level HTML tags whose presence near the top marks an HTML fragment.
const HTML_TAGS: &[&str] = &[
    "<div", "<p>", "<p ", "<section", "<ol", "<ul", "<h1", "<h2", "<h3", "<table", "<span",
];

/// Guess a format from the content: markup near the top decides HTML and JATS; the
/// explicit markup of reStructuredText (`.. [1]`, `[1]_`, directives) anywhere decides
/// reST; headings, footnotes, fences or links decide Markdown; the rest is text.
fn sniff(text: &str) -> Format {
    let head: String = text.chars().take(4096).collect::<String>().to_lowercase();
    let trimmed = head.trim_start();
    let jats_like = head.contains("<article")
        && (head.contains("<front") || head.contains("jats") || head.contains("<body"))
        || head.contains("<ref-list")
        || head.contains("//nlm//dtd")
        || head.contains("jats");
    if trimmed.starts_with("<?xml") || trimmed.starts_with("<!doctype article") {
        if head.contains("<html") && !jats_like {
            return Format::Html;
        }
        return Format::Jats;
    }
    if trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || head.contains("<body") && !jats_like
    {
        return Format::Html;
    }
    if jats_like && trimmed.starts_with('<') {
        return Format::Jats;
    }
    if trimmed.starts_with('<') && HTML_TAGS.iter().filter(|t| head.contains(*t)).count() >= 2 {
        return Format::Html;
    }
    let rst = text.contains("\n.. [")
        || text.starts_with(".. [")
        || text.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with(".. ") && l.contains("::") && !l.contains("](")
        })
        || text.contains("]_ ")
        || text.contains("]_.")
        || text.contains("]_,");
    if rst {
        return Format::Rst;
    }
    let markdown = trimmed.starts_with("---\n")
        && head.lines().skip(1).take(3).any(|l| l.contains(": "))
        || trimmed.starts_with("+++")
        || head.lines().any(|l| {
            let hashes = l.chars().take_while(|c| *c == '#').count();
            (1..=6).contains(&hashes) && l[hashes..].starts_with([' ', '\t'])
        })
        || text.contains("[^")
        || text.contains("\n```")
        || text.contains("](http")
        || text.contains("<sup>");
    if markdown {
        return Format::Markdown;
    }
    Format::Text
}

/// Does the text use reST footnotes: a `.. [x]` definition and a `[x]_` marker?
fn is_rst(text: &str) -> bool {
    let defines = text
        .lines()
        .any(|l| l.trim_start().starts_with(".. [") && l.contains("] "));
    defines
        && ["]_ ", "]_.", "]_,", "]_\n", "]_)", "]_;"]
            .iter()
            .any(|m| text.contains(m))
}

/// Extract a document from a source file in the given format.
pub fn extract(source: &SourceFile, format: Format) -> Result<Document, ExtractError> {
    Ok(match format {
        Format::Text => text::extract(source),
        Format::Markdown => markdown::extract(source),
        Format::Html => html::extract(source),
        Format::Jats => jats::extract(source)?,
        Format::Rst => rst::extract(source),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_wins_then_content() {
        assert_eq!(detect_format(Path::new("a.md"), ""), Format::Markdown);
        assert_eq!(detect_format(Path::new("a.nxml"), ""), Format::Jats);
        assert_eq!(
            detect_format(Path::new("a.xml"), "<?xml version=\"1.0\"?>\n<article>"),
            Format::Jats
        );
        assert_eq!(
            detect_format(Path::new("-"), "<!DOCTYPE html><html><body>"),
            Format::Html
        );
        assert_eq!(
            detect_format(Path::new("-"), "Title\n\nSome text [1].\n"),
            Format::Text
        );
        assert_eq!(
            detect_format(Path::new("-"), "Text [1]_\n\n.. [1] A\n"),
            Format::Rst
        );
        assert_eq!(
            detect_format(Path::new("pep-0001.txt"), "Text [1]_\n\n    .. [1] A\n"),
            Format::Rst
        );
        assert_eq!(
            detect_format(Path::new("a.txt"), "Text [1] and a_b.\n\n1. A\n"),
            Format::Text
        );
    }
}
