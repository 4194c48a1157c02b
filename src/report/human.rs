//! `--format human`: rustc-style diagnostics.
//!
//! ```text
//! warning[uncited-reference]: reference [1] is never cited
//!   --> article.txt:110:3
//!    |
//! 110 |   1. Integrative Psychotherapy Association. ...
//!    |   ^^
//!    = help: cite it where the text uses it, as [1], or remove the entry
//! ```
//!
//! Drawn with annotate-snippets, rustc's own renderer, so the layout is the one
//! people already read every day. Unverifiable identifiers are grouped in a short
//! list at the end so that they do not drown real errors.

use super::{RenderOptions, Report};
use crate::diagnostic::{Code, Finding, Severity};
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use std::io::{self, Write};

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// Is this finding one of the "could not tell" kind that is listed briefly?
fn is_unverifiable(code: Code) -> bool {
    matches!(code, Code::UnverifiableUrl | Code::UnverifiableDoi)
}

fn draw(report: &Report, f: &Finding, renderer: &Renderer) -> String {
    let src = &report.files[f.file].source;
    let li = src.line_index(f.span.start);
    let line = src.line_span(li);
    let text = src.slice(line);
    let start = f.span.start.saturating_sub(line.start).min(text.len());
    let end = f
        .span
        .end
        .min(line.end)
        .saturating_sub(line.start)
        .max(start);
    // A zero-width or out-of-line span still gets one caret.
    let end = if end == start {
        text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8())
    } else {
        end
    };
    let path = src.display_path();
    let mut group = level(f.severity)
        .primary_title(f.message.as_str())
        .id(f.code.as_str())
        .element(
            Snippet::source(text)
                .line_start(li + 1)
                .path(path.as_str())
                .annotation(AnnotationKind::Primary.span(start..end)),
        );
    if let Some(help) = &f.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}

/// "identifiers: 10 ok, 1 not-found, 2 unverifiable", over unique identifiers; `None`
/// when nothing was resolved (an offline run), so offline reports stay short.
fn status_line(report: &Report) -> Option<String> {
    use crate::model::Status;
    let mut seen = std::collections::HashSet::new();
    let mut counts: std::collections::BTreeMap<Status, usize> = Default::default();
    for f in &report.files {
        for r in &f.document.references {
            for id in &r.identifiers {
                if seen.insert(id.key()) {
                    *counts.entry(report.status_of(id)).or_default() += 1;
                }
            }
        }
    }
    if counts
        .keys()
        .all(|s| matches!(s, Status::Unchecked | Status::Invalid))
    {
        return None;
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(status, n)| format!("{n} {}", status.as_str()))
        .collect();
    Some(format!("identifiers: {}", parts.join(", ")))
}

/// Write the human report.
pub fn render(report: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = io::BufWriter::new(out);
    if !options.quiet {
        let (grouped, detailed): (Vec<&Finding>, Vec<&Finding>) = report
            .findings
            .iter()
            .partition(|f| is_unverifiable(f.code));
        for f in detailed {
            writeln!(out, "{}\n", draw(report, f, &renderer))?;
        }
        if !grouped.is_empty() {
            writeln!(
                out,
                "could not verify {} identifier{} (not counted as broken):",
                grouped.len(),
                if grouped.len() == 1 { "" } else { "s" }
            )?;
            for f in grouped {
                let src = &report.files[f.file].source;
                let (line, col) = src.line_col(f.span.start);
                writeln!(out, "  {}:{line}:{col}: {}", src.display_path(), f.message)?;
            }
            writeln!(out)?;
        }
    }
    if !options.quiet {
        if let Some(line) = status_line(report) {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(out, "{}", report.summary().describe())?;
    out.flush()
}
