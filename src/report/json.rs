//! `--format json`: the report as DESIGN.md's schema_version 1.
//!
//! Fields are never renamed or removed within version 1; new ones may be added.

use super::Report;
use crate::check::metadata::Evidence;
use crate::check::suggest::Suggestion;
use crate::model::Resolution;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct JsonReport<'a, F, G> {
    schema_version: u32,
    tool: Tool,
    files: F,
    findings: G,
    summary: super::Summary,
    /// Inputs that could not be read.
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFile<R, C> {
    path: String,
    format: &'static str,
    references: R,
    citations: C,
}

#[derive(Serialize)]
struct JsonReference<'a, I> {
    label: &'a str,
    line: usize,
    column: usize,
    text: &'a str,
    identifiers: I,
    cited: usize,
    /// A DOI found by `--suggest-dois`.
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a Suggestion>,
}

#[derive(Serialize)]
struct JsonIdentifier<'a> {
    kind: &'static str,
    value: &'a str,
    status: &'static str,
    line: usize,
    column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<&'a str>,
    /// Why resolution gave this status ("HTTP 404", "timed out").
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    http_status: Option<u16>,
    /// Where a permanent redirect points.
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect: Option<&'a str>,
    /// A DOI's registered metadata and how it compared with the entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a Evidence>,
}

#[derive(Serialize)]
struct JsonCitation<'a> {
    line: usize,
    column: usize,
    text: &'a str,
    labels: Vec<String>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    severity: &'static str,
    path: String,
    line: usize,
    column: usize,
    labels: &'a [String],
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
}

/// Serialises what an iterator yields without collecting it first, so that a report
/// of 100,000 references is written as it is walked, not built twice in memory.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// Write the JSON report, followed by a newline.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let files = Seq(|| {
        report.files.iter().enumerate().map(|(file, f)| {
            let src = &f.source;
            JsonFile {
                path: src.display_path(),
                format: f.document.format.as_str(),
                references: Seq(move || {
                    f.document
                        .references
                        .iter()
                        .zip(&f.cited)
                        .map(move |(r, cited)| {
                            let (line, column) = src.line_col(r.label_span.start);
                            JsonReference {
                                label: &r.label,
                                line,
                                column,
                                text: &r.text,
                                identifiers: Seq(move || {
                                    r.identifiers.iter().map(move |id| {
                                        let (line, column) = src.line_col(id.span.start);
                                        let res: Option<&Resolution> = report.resolution_of(id);
                                        JsonIdentifier {
                                            kind: id.kind.as_str(),
                                            value: &id.value,
                                            status: report.status_of(id).as_str(),
                                            line,
                                            column,
                                            problem: id.problem.as_deref(),
                                            reason: res.and_then(|r| r.reason.as_deref()),
                                            http_status: res.and_then(|r| r.http_status),
                                            redirect: res.and_then(|r| r.redirect.as_deref()),
                                            metadata: report.evidence.get(&(file, id.span)),
                                        }
                                    })
                                }),
                                cited: *cited,
                                suggestion: report.suggestions.get(&(file, r.span)),
                            }
                        })
                }),
                citations: Seq(move || {
                    f.document.citations.iter().map(move |c| {
                        let (line, column) = src.line_col(c.span.start);
                        JsonCitation {
                            line,
                            column,
                            text: &c.text,
                            labels: c.labels(),
                        }
                    })
                }),
            }
        })
    });
    let findings = Seq(|| {
        report.findings.iter().map(|f| {
            let src = &report.files[f.file].source;
            let (line, column) = src.line_col(f.span.start);
            JsonFinding {
                code: f.code.as_str(),
                severity: f.severity.as_str(),
                path: src.display_path(),
                line,
                column,
                labels: &f.labels,
                message: &f.message,
                help: f.help.as_deref(),
            }
        })
    });
    let doc = JsonReport {
        schema_version: 1,
        tool: Tool {
            name: "refcheck",
            version: env!("CARGO_PKG_VERSION"),
        },
        files,
        findings,
        summary: report.summary(),
        errors: report
            .errors
            .iter()
            .map(|e| JsonError {
                path: &e.path,
                message: &e.message,
            })
            .collect(),
    };
    let mut buf = io::BufWriter::new(out);
    serde_json::to_writer(&mut buf, &doc)?;
    buf.write_all(b"\n")?;
    buf.flush()
}
