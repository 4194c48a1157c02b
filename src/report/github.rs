//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request's diff and the run's summary.
//!
//! ```text
//! ::error file=article.txt,line=6,col=15,title=refcheck missing-reference::[9] cites [9], which is not in the reference list%0Ahelp: ...
//! ```
//!
//! Escaping follows the runner's rules: in the message, `%`, CR and LF become `%25`,
//! `%0D` and `%0A`; in property values `:` and `,` are escaped as well (`%3A`,
//! `%2C`), since they separate properties. Anything else printed (the summary line)
//! is plain log output.

use super::{portable_path, position, Report};
use crate::diagnostic::Severity;
use std::io::{self, Write};

/// Escape a command's message.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escape a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// Write one workflow command per finding and per unreadable input, then a summary.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    for e in &report.errors {
        writeln!(
            out,
            "::error file={},title={}::{}",
            escape_property(&portable_path(&e.path)),
            escape_property("refcheck: input error"),
            escape_data(&e.message)
        )?;
    }
    for f in &report.findings {
        let (path, line, col) = position(report, f);
        let message = match &f.help {
            Some(help) => format!("{}\nhelp: {help}", f.message),
            None => f.message.clone(),
        };
        writeln!(
            out,
            "::{} file={},line={line},col={col},title={}::{}",
            command(f.severity),
            escape_property(&portable_path(&path)),
            escape_property(&format!("refcheck {}", f.code.as_str())),
            escape_data(&message)
        )?;
    }
    writeln!(out, "refcheck: {}", report.summary().describe())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_runner() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("dir,x/a:b%.md"), "dir%2Cx/a%3Ab%25.md");
    }
}
