//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a pull-request
//! comment.
//!
//! A headline with the totals, a table of files with their counts, then the findings
//! grouped by severity, each with a `path:line` link. Notes, which are many and
//! rarely urgent, are folded into a `<details>` block. Links are relative unless
//! [`super::RenderOptions::link_base`] is set (the binary sets it on GitHub Actions
//! to the commit's blob URL, since relative links do not resolve from a run page).
//!
//! Everything taken from an article is escaped, so that a reference text cannot
//! start a table, a link or raw HTML in the summary.

use super::{encode_path, portable_path, position, RenderOptions, Report};
use crate::diagnostic::{Finding, Severity};
use std::io::{self, Write};

/// Escape text so that Markdown shows it literally, on one line.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn link(options: &RenderOptions, path: &str, line: usize) -> String {
    let target = encode_path(&portable_path(path));
    let base = options.link_base.as_deref().unwrap_or("");
    format!("{base}{target}#L{line}")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn finding_item(
    out: &mut dyn Write,
    report: &Report,
    options: &RenderOptions,
    f: &Finding,
) -> io::Result<()> {
    let (path, line, column) = position(report, f);
    writeln!(
        out,
        "- [{}:{line}:{column}]({}) `{}`: {}",
        escape(&portable_path(&path)),
        link(options, &path, line),
        f.code.as_str(),
        escape(&f.message)
    )?;
    if let Some(help) = &f.help {
        writeln!(out, "  <br>help: {}", escape(help))?;
    }
    Ok(())
}

/// Write the Markdown summary.
pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    let s = report.summary();
    let verdict = if s.errors + s.warnings + s.notes + report.errors.len() == 0 {
        "no problems found".to_string()
    } else {
        format!(
            "{}, {}, {}",
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(s.notes, "note", "notes")
        )
    };
    writeln!(out, "## refcheck: {verdict}\n")?;
    writeln!(
        out,
        "Checked {}: {}, {}.\n",
        plural(s.files, "file", "files"),
        plural(s.references, "reference", "references"),
        plural(s.citations, "citation", "citations")
    )?;
    if !report.files.is_empty() {
        writeln!(
            out,
            "| File | References | Citations | Errors | Warnings | Notes |"
        )?;
        writeln!(out, "| :--- | ---: | ---: | ---: | ---: | ---: |")?;
        for (i, file) in report.files.iter().enumerate() {
            let count = |sev: Severity| report.count_in(i, sev);
            let path = file.source.display_path();
            writeln!(
                out,
                "| [{}]({}) | {} | {} | {} | {} | {} |",
                escape(&portable_path(&path)),
                link(options, &path, 1),
                file.document.references.len(),
                file.document.citations.len(),
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Note)
            )?;
        }
        writeln!(out)?;
    }
    if !report.errors.is_empty() {
        writeln!(out, "### Could not be read ({})\n", report.errors.len())?;
        for e in &report.errors {
            writeln!(
                out,
                "- `{}`: {}",
                e.path.replace('`', "'"),
                escape(&e.message)
            )?;
        }
        writeln!(out)?;
    }
    for (severity, title) in [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Note, "Notes"),
    ] {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        if severity == Severity::Note {
            writeln!(out, "<details><summary>Notes ({})</summary>\n", group.len())?;
        } else {
            writeln!(out, "### {title} ({})\n", group.len())?;
        }
        for f in group {
            finding_item(&mut out, report, options, f)?;
        }
        writeln!(out)?;
        if severity == Severity::Note {
            writeln!(out, "</details>\n")?;
        }
    }
    writeln!(
        out,
        "<sub>refcheck {}; run `refcheck --explain CODE` to learn what a finding means.</sub>",
        env!("CARGO_PKG_VERSION")
    )?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_text_cannot_make_markup() {
        assert_eq!(
            escape("a|b <img> [x](y) *z*\n#"),
            r"a\|b \<img\> \[x\](y) \*z\* \#"
        );
        let options = RenderOptions {
            link_base: Some("https://h/o/r/blob/abc/".into()),
            ..RenderOptions::default()
        };
        assert_eq!(
            link(&options, "./a b(1).md", 7),
            "https://h/o/r/blob/abc/a%20b%281%29.md#L7"
        );
    }
}
