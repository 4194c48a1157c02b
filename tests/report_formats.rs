//! Every report format, pinned by a snapshot over one fixed report.
//!
//! The report is built by hand rather than extracted, so that the snapshots change
//! only when a renderer does, never when an extractor or a check improves. It holds
//! every severity, every identifier status that resolution can give, a finding in
//! the running text, an unreadable input, and article text that tries to break out
//! of each format (`<script>`, `|`, `%`, `:`, `,`, newlines).

use refcheck::diagnostic::{Code, Finding, Severity};
use refcheck::input::InputError;
use refcheck::model::{
    Citation, CiteItem, Document, Format, IdKind, Identifier, Reference, Resolution, Status,
};
use refcheck::report::{self, FileReport, OutputFormat, RenderOptions, Report};
use refcheck::{SourceFile, Span};
use std::path::Path;

const ARTICLE: &str = "\
Tide pools as classrooms

Rock pools change twice a day, which makes them a small laboratory [1].
Counting limpets by quadrat is an old method [2], compared with photographs [3, 4].
A later study [9] is cited here but missing from the list.

References

1. Marsh, A. (2011). Teaching ecology on the shore. doi:10.5555/fsr.2011.014
2. Okafor, N. (1998). Quadrat sampling | 50% of grazers. https://example.org/gone
3. Brandt, T. (2005). Loggers <script>document.title = \"pwned\"</script> & notes. https://example.org/old
4. Lindqvist, E. (2019). Photo-quadrats. https://example.com/walled doi:10.1000/bad doi
5. Unused, U. (2020). A source nobody cites.
";

const ODD: &str = "Only text [1].\n\nReferences\n\n1. A, B: \"quoted\", 2001.\n";

fn span_of(text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("fixture lacks {needle:?}"));
    Span::new(start, start + needle.len())
}

fn line_span(text: &str, starts_with: &str) -> Span {
    let start = text
        .find(&format!("\n{starts_with}"))
        .expect("fixture line")
        + 1;
    let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
    Span::new(start, end)
}

fn reference(text: &str, label: &str, ids: Vec<Identifier>) -> Reference {
    let span = line_span(text, &format!("{label}. "));
    Reference {
        label: label.to_string(),
        label_span: Span::new(span.start, span.start + label.len() + 1),
        span,
        text: text[span.start + label.len() + 2..span.end].to_string(),
        identifiers: ids,
    }
}

fn id(text: &str, kind: IdKind, written: &str, value: &str, problem: Option<&str>) -> Identifier {
    Identifier {
        kind,
        value: value.to_string(),
        span: span_of(text, written),
        problem: problem.map(str::to_string),
    }
}

fn citation(text: &str, marker: &str, labels: &[&str]) -> Citation {
    Citation {
        span: span_of(text, marker),
        text: marker.to_string(),
        items: labels
            .iter()
            .map(|l| CiteItem::Label(l.to_string()))
            .collect(),
    }
}

fn finding(
    code: Code,
    file: usize,
    span: Span,
    labels: &[&str],
    message: &str,
    help: Option<&str>,
) -> Finding {
    let mut f = Finding::new(code, file, span, message).labels(labels.iter().copied());
    if let Some(h) = help {
        f = f.help(h);
    }
    f
}

/// The fixed report every snapshot renders.
pub fn fixture() -> Report {
    let t = ARTICLE;
    let mut doc = Document::new(Format::Text);
    doc.references = vec![
        reference(
            t,
            "1",
            vec![id(
                t,
                IdKind::Doi,
                "10.5555/fsr.2011.014",
                "10.5555/fsr.2011.014",
                None,
            )],
        ),
        reference(
            t,
            "2",
            vec![id(
                t,
                IdKind::Url,
                "https://example.org/gone",
                "https://example.org/gone",
                None,
            )],
        ),
        reference(
            t,
            "3",
            vec![id(
                t,
                IdKind::Url,
                "https://example.org/old",
                "https://example.org/old",
                None,
            )],
        ),
        reference(
            t,
            "4",
            vec![
                id(
                    t,
                    IdKind::Url,
                    "https://example.com/walled",
                    "https://example.com/walled",
                    None,
                ),
                id(
                    t,
                    IdKind::Doi,
                    "10.1000/bad doi",
                    "10.1000/bad",
                    Some("a DOI cannot contain a space"),
                ),
            ],
        ),
        reference(t, "5", vec![]),
    ];
    doc.citations = vec![
        citation(t, "[1]", &["1"]),
        citation(t, "[2]", &["2"]),
        citation(t, "[3, 4]", &["3", "4"]),
        citation(t, "[9]", &["9"]),
    ];
    let odd_src = SourceFile::new("articles/odd, name: 100%.md", ODD);
    let mut odd = Document::new(Format::Markdown);
    odd.references = vec![reference(ODD, "1", vec![])];
    odd.citations = vec![citation(ODD, "[1]", &["1"])];

    let mut resolutions = std::collections::HashMap::new();
    resolutions.insert(
        doc.references[0].identifiers[0].key(),
        Resolution {
            http_status: Some(200),
            ..Resolution::new(Status::Ok)
        },
    );
    resolutions.insert(
        doc.references[1].identifiers[0].key(),
        Resolution {
            http_status: Some(404),
            ..Resolution::new(Status::Broken).reason("HTTP 404")
        },
    );
    resolutions.insert(
        doc.references[2].identifiers[0].key(),
        Resolution {
            http_status: Some(301),
            redirect: Some("https://example.org/new?a=1&b=<2>".into()),
            ..Resolution::new(Status::Redirected).reason("moved permanently")
        },
    );
    resolutions.insert(
        doc.references[3].identifiers[0].key(),
        Resolution {
            http_status: Some(403),
            ..Resolution::new(Status::Unverifiable).reason("HTTP 403, a bot wall")
        },
    );

    let f = |needle: &str| span_of(t, needle);
    let entry = |label: &str| line_span(t, &format!("{label}. "));
    let findings = vec![
        finding(
            Code::MissingReference,
            0,
            f("[9]"),
            &["9"],
            "[9] cites [9], which is not in the reference list",
            Some("the list has 5 entries; add the missing entry or correct the marker"),
        ),
        finding(
            Code::BrokenUrl,
            0,
            f("https://example.org/gone"),
            &["2"],
            "https://example.org/gone is broken: HTTP 404",
            Some("find the page's new address\nor an archived copy"),
        ),
        finding(
            Code::RedirectedUrl,
            0,
            f("https://example.org/old"),
            &["3"],
            "https://example.org/old permanently redirects to https://example.org/new?a=1&b=<2>",
            None,
        ),
        finding(
            Code::UnverifiableUrl,
            0,
            f("https://example.com/walled"),
            &["4"],
            "https://example.com/walled could not be verified: HTTP 403, a bot wall",
            None,
        ),
        finding(
            Code::InvalidDoi,
            0,
            f("10.1000/bad doi"),
            &["4"],
            "10.1000/bad doi is not a valid DOI: a DOI cannot contain a space",
            None,
        ),
        finding(
            Code::UncitedReference,
            0,
            entry("5"),
            &["5"],
            "reference [5] is never cited",
            Some("cite it where the text uses it, as [5], or remove the entry"),
        ),
        finding(
            Code::MissingIdentifier,
            0,
            entry("5"),
            &["5"],
            "reference [5] has no DOI, URL or ISBN",
            None,
        )
        .severity(Severity::Note),
        finding(
            Code::CitationOrder,
            1,
            span_of(ODD, "[1]"),
            &["1"],
            "a note about 100%, with: commas\nand a second line",
            None,
        ),
    ];
    let files = vec![
        FileReport {
            source: SourceFile::new("articles/tide pools.txt", ARTICLE),
            document: doc,
            cited: vec![1, 1, 1, 1, 0],
        },
        FileReport {
            source: odd_src,
            document: odd,
            cited: vec![1],
        },
    ];
    // Fields added to Report later keep their defaults here.
    let mut report = Report {
        files,
        findings,
        errors: vec![InputError::new(
            "articles/missing.txt",
            "cannot read: no such file or directory",
        )],
        ..Report::default()
    };
    report.resolutions.extend(resolutions);
    report
}

fn render(format: OutputFormat, options: RenderOptions) -> String {
    let mut out = Vec::new();
    report::render(&fixture(), format, options, &mut out).expect("render to memory");
    String::from_utf8(out)
        .expect("reports are UTF-8")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(render(OutputFormat::Sarif, RenderOptions::default()));
}

#[test]
fn github_snapshot() {
    let out = render(OutputFormat::Github, RenderOptions::default());
    // Every command is one line: newlines in messages are escaped.
    assert!(
        out.lines().filter(|l| l.starts_with("::")).count() == 9,
        "{out}"
    );
    assert!(out.contains("file=articles/odd%2C name%3A 100%25.md,line=1,col=11"));
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_snapshot() {
    let options = RenderOptions {
        link_base: Some("https://github.com/o/r/blob/abc123/".into()),
        ..RenderOptions::default()
    };
    let out = render(OutputFormat::Markdown, options);
    assert!(
        out.contains("(https://github.com/o/r/blob/abc123/articles/tide%20pools.txt#L5)"),
        "{out}"
    );
    assert!(!out.contains("<script>"));
    insta::assert_snapshot!(out);
}

#[test]
fn junit_snapshot() {
    let out = render(OutputFormat::Junit, RenderOptions::default());
    assert!(!out.contains("<script>"));
    insta::assert_snapshot!(out);
}

#[test]
fn junit_failures_follow_fail_on() {
    let count = |fail_on| {
        let out = render(
            OutputFormat::Junit,
            RenderOptions {
                fail_on,
                ..RenderOptions::default()
            },
        );
        out.matches("<failure ").count()
    };
    use refcheck::cli::FailOn;
    assert_eq!(count(FailOn::Error), 3);
    assert_eq!(count(FailOn::Warning), 4);
    assert_eq!(count(FailOn::Note), 8);
    assert_eq!(count(FailOn::Never), 0);
}

#[test]
fn html_snapshot() {
    let out = render(OutputFormat::Html, RenderOptions::default());
    assert!(
        !out.contains("<script"),
        "a reference's <script> must be escaped"
    );
    assert!(out.contains("&lt;script&gt;document.title = &quot;pwned&quot;&lt;/script&gt;"));
    insta::assert_snapshot!(out);
}

#[test]
fn json_snapshot() {
    let out = render(OutputFormat::Json, RenderOptions::default());
    let value: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    // Every field the JSON renderer emits, resolution details included, is in the schema.
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report-v1.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).expect("schema")).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    insta::assert_json_snapshot!(value);
}

/// The SARIF log is valid against the official SARIF 2.1.0 schema, read from
/// ../shared/schemas (beside the checkout in CI).
#[test]
fn sarif_validates_against_the_schema() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    let Ok(schema) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: the SARIF schema is not at {}; put shared/ beside the checkout to run this test", path.display());
        return;
    };
    let schema: serde_json::Value = serde_json::from_str(&schema).expect("the schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    let log: serde_json::Value =
        serde_json::from_str(&render(OutputFormat::Sarif, RenderOptions::default()))
            .expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    // The validator does reject what the schema forbids.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(validator.iter_errors(&broken).next().is_some());
    // The binary's own SARIF, on a real article, validates too.
    let out = assert_cmd::Command::cargo_bin("refcheck")
        .expect("the refcheck binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--offline", "--format", "sarif", "tests/fixtures/reports"])
        .output()
        .expect("refcheck runs");
    let real: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&real)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(real["runs"][0]["results"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
    // What GitHub code scanning needs beyond the schema.
    let run = &log["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(Code::ALL.len())
    );
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "missing-reference");
    assert_eq!(result["level"], "error");
    let loc = &result["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "articles/tide%20pools.txt");
    assert_eq!(loc["region"]["startLine"], 5);
    assert_eq!(loc["region"]["startColumn"], 15);
    let levels: Vec<&str> = run["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["level"].as_str())
        .collect();
    assert!(
        levels.contains(&"warning") && levels.contains(&"note"),
        "{levels:?}"
    );
}
