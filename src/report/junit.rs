//! `--format junit`: JUnit XML, for CI systems that show test results (GitLab,
//! Jenkins, Azure Pipelines, test-report actions).
//!
//! The mapping: one `<testsuite>` per file; one `<testcase>` per reference, named by
//! its label and the start of its text, plus one case, "citation markers", for
//! findings that point into the running text rather than into an entry (a marker
//! citing a missing entry, a backwards range). A finding belongs to the entry whose
//! span holds the position it points at.
//!
//! A finding is a `<failure>` when its severity is at or above `--fail-on` (error by
//! default), so the test report fails exactly when the exit status does; findings
//! below that level are listed in the case's `<system-out>` so that they are seen
//! without turning the build red. An input that could not be read is a suite with
//! one `<error>`.
//!
//! All text is XML-escaped, and characters XML 1.0 cannot carry become U+FFFD.

use super::{escape_markup as escape, position, reference_at, RenderOptions, Report};
use crate::diagnostic::Finding;
use std::fmt::Write as _;
use std::io::{self, Write};

/// A case name: the label and the first words of the entry.
fn case_name(label: &str, text: &str) -> String {
    const MAX: usize = 60;
    let mut name = format!("[{label}] ");
    let body = text
        .trim_start_matches(|c: char| c.is_ascii_digit() || "[]().".contains(c))
        .trim();
    if body.chars().count() > MAX {
        name.extend(body.chars().take(MAX));
        name.push('…');
    } else {
        name.push_str(body);
    }
    name
}

struct Case<'a> {
    name: String,
    line: usize,
    findings: Vec<&'a Finding>,
}

fn write_case(
    xml: &mut String,
    report: &Report,
    options: &RenderOptions,
    suite: &str,
    case: &Case,
) {
    let failing: Vec<&&Finding> = case
        .findings
        .iter()
        .filter(|f| options.fail_on.fails(Some(f.severity)))
        .collect();
    let passing: Vec<&&Finding> = case
        .findings
        .iter()
        .filter(|f| !options.fail_on.fails(Some(f.severity)))
        .collect();
    let _ = write!(
        xml,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
        escape(&case.name),
        escape(suite),
        escape(suite),
        case.line
    );
    if case.findings.is_empty() {
        xml.push_str("/>\n");
        return;
    }
    xml.push_str(">\n");
    let describe = |f: &Finding| {
        let (path, line, col) = position(report, f);
        let mut s = format!(
            "{path}:{line}:{col}: {}[{}]: {}",
            f.severity,
            f.code.as_str(),
            f.message
        );
        if let Some(help) = &f.help {
            let _ = write!(s, "\nhelp: {help}");
        }
        s
    };
    for f in failing {
        let _ = writeln!(
            xml,
            "      <failure type=\"{}\" message=\"{}\">{}</failure>",
            f.code.as_str(),
            escape(&f.message),
            escape(&describe(f))
        );
    }
    if !passing.is_empty() {
        let text: Vec<String> = passing.iter().map(|f| describe(f)).collect();
        let _ = writeln!(
            xml,
            "      <system-out>{}</system-out>",
            escape(&text.join("\n"))
        );
    }
    xml.push_str("    </testcase>\n");
}

/// Write the JUnit XML report.
pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut suites = String::new();
    let (mut total_tests, mut total_failures) = (0, 0);
    for (i, file) in report.files.iter().enumerate() {
        let path = file.source.display_path();
        let refs = &file.document.references;
        let mut cases: Vec<Case> = refs
            .iter()
            .map(|r| Case {
                name: case_name(&r.label, &r.text),
                line: file.source.line_col(r.span.start).0,
                findings: Vec::new(),
            })
            .collect();
        let mut markers = Case {
            name: "citation markers".to_string(),
            line: 1,
            findings: Vec::new(),
        };
        for f in report.findings.iter().filter(|f| f.file == i) {
            match reference_at(file, f.span.start) {
                Some(k) => cases[k].findings.push(f),
                None => markers.findings.push(f),
            }
        }
        cases.push(markers);
        let failures = cases
            .iter()
            .filter(|c| {
                c.findings
                    .iter()
                    .any(|f| options.fail_on.fails(Some(f.severity)))
            })
            .count();
        total_tests += cases.len();
        total_failures += failures;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
            escape(&path),
            cases.len()
        );
        for case in &cases {
            write_case(&mut suites, report, options, &path, case);
        }
        suites.push_str("  </testsuite>\n");
    }
    for e in &report.errors {
        total_tests += 1;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase name=\"read\" classname=\"{0}\">\n      <error message=\"{1}\">{1}</error>\n    </testcase>\n  </testsuite>",
            escape(&e.path),
            escape(&e.message)
        );
    }
    let mut out = io::BufWriter::new(out);
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"refcheck\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"{}\">",
        report.errors.len()
    )?;
    out.write_all(suites.as_bytes())?;
    writeln!(out, "</testsuites>")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping_and_case_names() {
        assert_eq!(
            escape("<a href='x'>&\"\u{1}"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\u{FFFD}"
        );
        assert_eq!(
            case_name("3", "3. Smith (2001). Title."),
            "[3] Smith (2001). Title."
        );
        assert!(case_name("1", &"x".repeat(200)).ends_with('…'));
    }
}
