//! `--format sarif`: SARIF 2.1.0, the format GitHub code scanning and other static
//! analysis dashboards read.
//!
//! Rules: every finding code is one rule (`ruleId` is the code, `ruleIndex` its place
//! in [`Code::ALL`]), described by the same text `--explain` prints, so a dashboard
//! shows the explanation beside each alert. Rules are listed whether or not they
//! fired, so that rule indexes never change between runs.
//!
//! Results: one per finding, at the finding's level (error, warning, note), with a
//! physical location whose URI is the path as given, `/`-separated and
//! percent-encoded, relative to `%SRCROOT%` (the repository root when refcheck runs
//! there, as GitHub expects). Columns count Unicode code points, as refcheck's do, and
//! the run says so (`columnKind`). Inputs that could not be read become tool
//! execution notifications and mark the invocation as unsuccessful.

use super::{encode_path, portable_path, position, Report};
use crate::diagnostic::{Code, Severity};
use serde_json::{json, Value};
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The artifact location of a path: a relative URI against `%SRCROOT%`, or a `file:`
/// URI for an absolute path.
fn artifact_location(path: &str) -> Value {
    let p = portable_path(path);
    if p.starts_with('/') {
        let uri = format!("file://{}", encode_path(&p));
        json!({ "uri": uri })
    } else {
        // A first segment holding ':' would read as a URI scheme; "./" keeps it a path.
        let encoded = encode_path(&p);
        let first = encoded.split('/').next().unwrap_or("");
        let uri = if first.contains(':') {
            format!("./{encoded}")
        } else {
            encoded
        };
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    }
}

fn rule(code: Code) -> Value {
    let explanation = code.explanation().replace('\n', " ");
    json!({
        "id": code.as_str(),
        "name": rule_name(code),
        "shortDescription": { "text": code.summary() },
        "fullDescription": { "text": explanation },
        "help": {
            "text": format!("{explanation}\n\nRun `refcheck --explain {}` for this text in a terminal.", code.as_str()),
        },
        "defaultConfiguration": { "level": level(code.default_severity()) },
        "properties": { "tags": ["references", "citations"] },
    })
}

/// `uncited-reference` as `UncitedReference`: SARIF's readable rule name.
fn rule_name(code: Code) -> String {
    code.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Build the SARIF log as a JSON value.
pub fn to_value(report: &Report) -> Value {
    let rules: Vec<Value> = Code::ALL.iter().map(|c| rule(*c)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let (path, line, column) = position(report, f);
            let (end_line, end_column) = report.files.get(f.file).map_or((line, column), |file| {
                file.source.line_col(f.span.end.max(f.span.start))
            });
            let mut region = json!({ "startLine": line, "startColumn": column });
            if (end_line, end_column) > (line, column) {
                region["endLine"] = json!(end_line);
                region["endColumn"] = json!(end_column);
            }
            let text = match &f.help {
                Some(help) => format!("{}\nhelp: {help}", f.message),
                None => f.message.clone(),
            };
            let rule_index = Code::ALL.iter().position(|c| *c == f.code).unwrap_or(0);
            json!({
                "ruleId": f.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact_location(&path),
                        "region": region,
                    }
                }],
                "properties": { "labels": f.labels },
            })
        })
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.path, e.message) },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact_location(&e.path) } }],
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "refcheck",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// Write the SARIF log, pretty-printed, followed by a newline.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut buf = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut buf, &to_value(report))?;
    buf.write_all(b"\n")?;
    buf.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uris() {
        assert_eq!(artifact_location("./docs/a b.md")["uri"], "docs/a%20b.md");
        assert_eq!(artifact_location("docs/a b.md")["uriBaseId"], "%SRCROOT%");
        assert_eq!(artifact_location("c:odd.txt")["uri"], "./c:odd.txt");
        assert_eq!(
            artifact_location("/tmp/x#1.txt")["uri"],
            "file:///tmp/x%231.txt"
        );
        assert_eq!(rule_name(Code::UncitedReference), "UncitedReference");
    }
}
