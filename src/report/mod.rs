//! The [`Report`] and its renderers.
//!
//! A report is plain data: the files read, what was extracted from them, what
//! resolution found, and the findings. Each output format is one renderer over that
//! same data, so no format knows more than another and none of them touches checks.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use crate::check::metadata::Evidence;
use crate::check::suggest::Suggestion;
use crate::diagnostic::{Finding, Severity};
use crate::input::InputError;
use crate::model::{Document, IdKey, Identifier, Resolution, Status};
use crate::source::{SourceFile, Span};
use std::collections::HashMap;
use std::io::{self, Write};

/// One article that was read and extracted.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub source: SourceFile,
    pub document: Document,
    /// How many markers cite each entry, in list order.
    pub cited: Vec<usize>,
}

/// Everything a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// Sorted by file, position and code.
    pub findings: Vec<Finding>,
    /// Inputs that could not be read; each makes the run exit 2.
    pub errors: Vec<InputError>,
    /// What resolution found, per unique identifier.
    pub resolutions: HashMap<IdKey, Resolution>,
    /// How each DOI's registered metadata compared with its entry, by file index and
    /// the identifier's span.
    pub evidence: HashMap<(usize, Span), Evidence>,
    /// DOIs proposed by `--suggest-dois`, by file index and the entry's span.
    pub suggestions: HashMap<(usize, Span), Suggestion>,
    /// Problems the user should hear about that are not findings (an unusable cache).
    pub warnings: Vec<String>,
}

/// Totals shown at the end of every report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub references: usize,
    pub citations: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        Summary {
            files: self.files.len(),
            references: self.files.iter().map(|f| f.document.references.len()).sum(),
            citations: self.files.iter().map(|f| f.document.citations.len()).sum(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
        }
    }

    /// How many findings of `severity` file number `file` has.
    pub fn count_in(&self, file: usize, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.file == file && f.severity == severity)
            .count()
    }

    /// The most serious severity among the findings.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// The status of one identifier: `invalid` when malformed, else what resolution
    /// found, else `unchecked`.
    pub fn status_of(&self, id: &Identifier) -> Status {
        if id.problem.is_some() {
            return Status::Invalid;
        }
        self.resolutions
            .get(&id.key())
            .map_or(Status::Unchecked, Resolution::status)
    }

    pub fn resolution_of(&self, id: &Identifier) -> Option<&Resolution> {
        self.resolutions.get(&id.key())
    }
}

/// The report formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
    Junit,
    Html,
}

/// How to draw a report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Use ANSI colours (human format only).
    pub color: bool,
    /// Leave out the per-finding detail and print only the summary line.
    pub quiet: bool,
    /// The `--fail-on` level: JUnit marks findings at or above it as failures, so
    /// that the test report and the exit status agree.
    pub fail_on: crate::cli::FailOn,
    /// Prefix that turns a relative path into a link (`https://github.com/o/r/blob/SHA/`),
    /// used by the Markdown report; without it links are relative.
    pub link_base: Option<String>,
}

/// Characters percent-encoded in a path written as a URI reference: everything but
/// RFC 3986's unreserved characters, `/`, `:`, `@` and the sub-delimiters other than
/// parentheses (which Markdown link targets cannot carry bare).
const URI_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'(')
    .add(b')')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A file path percent-encoded for a link target or a SARIF artifact URI.
pub fn encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, URI_PATH).to_string()
}

/// Escape text for HTML and XML content and quoted attribute values. Characters XML
/// 1.0 cannot carry (most control characters) become U+FFFD, so that neither a
/// browser nor a JUnit reader chokes on what an article happened to contain.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

impl Summary {
    /// "checked 1 file, 13 references, 12 citations: 0 errors, 2 warnings, 9 notes"
    pub fn describe(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "checked {}, {}, {}: {}, {}, {}",
            plural(self.files, "file", "files"),
            plural(self.references, "reference", "references"),
            plural(self.citations, "citation", "citations"),
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings"),
            plural(self.notes, "note", "notes"),
        )
    }
}

/// Write `report` to `out` in `format`.
pub fn render(
    report: &Report,
    format: OutputFormat,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Human => human::render(report, options, out),
        OutputFormat::Json => json::render(report, out),
        OutputFormat::Sarif => sarif::render(report, out),
        OutputFormat::Github => github::render(report, out),
        OutputFormat::Markdown => markdown::render(report, &options, out),
        OutputFormat::Junit => junit::render(report, &options, out),
        OutputFormat::Html => html::render(report, out),
    }
}

/// A path as a repository-relative, `/`-separated path: `./a\b.md` becomes `a/b.md`.
/// Absolute paths and `-` (standard input) are returned as they are.
pub fn portable_path(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    p
}

/// The finding's 1-based line and column, and its file's path as shown to users.
pub fn position(report: &Report, finding: &Finding) -> (String, usize, usize) {
    match report.files.get(finding.file) {
        Some(f) => {
            let (line, column) = f.source.line_col(finding.span.start);
            (f.source.display_path(), line, column)
        }
        None => (String::from("-"), 1, 1),
    }
}

/// The reference of `file` whose entry holds byte `offset`, if any: the entry a
/// finding pointing there is about.
pub fn reference_at(file: &FileReport, offset: usize) -> Option<usize> {
    file.document
        .references
        .iter()
        .position(|r| r.span.start <= offset && offset < r.span.end.max(r.span.start + 1))
}
