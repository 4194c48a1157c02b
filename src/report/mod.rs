//! The [`Report`] and its renderers.
//!
//! A report is plain data: the files read, what was extracted from them, what
//! resolution found, and the findings. Each output format is one renderer over that
//! same data, so no format knows more than another and none of them touches checks.

pub mod human;
pub mod json;

use crate::diagnostic::{Finding, Severity};
use crate::input::InputError;
use crate::model::{Document, IdKey, Identifier, Resolution, Status};
use crate::source::SourceFile;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Use ANSI colours (human format only).
    pub color: bool,
    /// Leave out the per-finding detail and print only the summary line.
    pub quiet: bool,
}

/// Write `report` to `out` in `format`.
pub fn render(report: &Report, format: OutputFormat, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Human => human::render(report, options, out),
        OutputFormat::Json => json::render(report, out),
        other => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("the {other:?} report format is not available in this build"),
        )),
    }
}
