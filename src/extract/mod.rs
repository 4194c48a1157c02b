//! From source text to a [`Document`]: format detection and one extractor per format.
//!
//! Each extractor understands its own markup (a Markdown parser for Markdown, an XML
//! reader for JATS, ...) because a plain-text scan of markup both misses and invents
//! citations. They all return the same [`Document`] with byte spans into the source.

pub mod ident;
pub mod markers;
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
        Some("txt" | "text") => return Format::Text,
        _ => {}
    }
    sniff(text)
}

/// Guess a format from the first few kilobytes of content.
fn sniff(text: &str) -> Format {
    let head: String = text.chars().take(4096).collect::<String>().to_lowercase();
    let trimmed = head.trim_start();
    if trimmed.starts_with("<?xml") || trimmed.starts_with("<!doctype article") {
        if head.contains("<article") || head.contains("jats") || head.contains("<ref-list") {
            return Format::Jats;
        }
        if head.contains("<html") {
            return Format::Html;
        }
        return Format::Jats;
    }
    if trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html") || head.contains("<body")
    {
        return Format::Html;
    }
    if head.contains("<article") && head.contains("<front") {
        return Format::Jats;
    }
    if head.lines().any(|l| l.starts_with(".. [")) {
        return Format::Rst;
    }
    if head.lines().any(|l| l.starts_with("# ") || l.starts_with("## ")) || head.contains("[^") {
        return Format::Markdown;
    }
    Format::Text
}

/// Extract a document from a source file in the given format.
pub fn extract(source: &SourceFile, format: Format) -> Result<Document, ExtractError> {
    let mut doc = text::extract(source);
    doc.format = format;
    Ok(doc)
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
        assert_eq!(detect_format(Path::new("-"), "Title\n\nSome text [1].\n"), Format::Text);
        assert_eq!(detect_format(Path::new("-"), "Text [1]_\n\n.. [1] A\n"), Format::Rst);
    }
}
