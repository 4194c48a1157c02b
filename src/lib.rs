//! refcheck: a citation and reference validator.
//!
//! The library does all the work and never prints: it reads articles, extracts their
//! reference lists and citation markers, checks them, resolves identifiers and returns
//! a [`Report`]. The `refcheck` binary owns the terminal and renders that report.
//!
//! ```
//! use refcheck::{check_sources, Options, SourceFile, Code};
//!
//! let article = SourceFile::new("a.txt", "Shown before [1] and [2].\n\nReferences\n1. Smith (2001). A.\n2. Jones (2002). B.\n3. Brown (2003). C.\n");
//! let report = check_sources(vec![article], Vec::new(), &Options::default());
//! assert_eq!(report.findings.iter().filter(|f| f.code == Code::UncitedReference).count(), 1);
//! ```
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod changed;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod extract;
pub mod input;
pub mod metadata;
pub mod model;
pub mod report;
pub mod resolve;
pub mod source;

pub use diagnostic::{Code, Finding, Severity};
pub use model::{Document, Format};
pub use report::Report;
pub use source::{SourceFile, Span};

use check::Levels;
use input::InputError;
use report::FileReport;
use std::path::PathBuf;

/// Everything a run needs to know, validated once.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Read every input in this format instead of detecting it.
    pub input_format: Option<Format>,
    /// Finding levels changed by the user.
    pub levels: Levels,
    /// No network.
    pub offline: bool,
    /// How DOIs and URLs are resolved (unless `offline`).
    pub resolve: resolve::ResolveOptions,
}

/// Read, extract and check the articles at `paths` (files, directories, `-`).
pub fn check_paths(paths: &[PathBuf], options: &Options) -> Report {
    check_paths_with(paths, options, &resolve::NoProgress)
}

/// [`check_paths`], reporting the progress of resolution to `progress`.
pub fn check_paths_with(
    paths: &[PathBuf],
    options: &Options,
    progress: &dyn resolve::Progress,
) -> Report {
    let (inputs, mut errors) = input::collect(paths);
    let mut sources = Vec::with_capacity(inputs.len());
    for item in &inputs {
        match input::read(item) {
            Ok(source) => sources.push(source),
            Err(e) => errors.push(e),
        }
    }
    check_sources_with(sources, errors, options, progress)
}

/// Extract and check articles already in memory. `errors` are input errors met
/// while reading them; they are carried into the report.
pub fn check_sources(
    sources: Vec<SourceFile>,
    errors: Vec<InputError>,
    options: &Options,
) -> Report {
    check_sources_with(sources, errors, options, &resolve::NoProgress)
}

/// [`check_sources`], reporting the progress of resolution to `progress`.
pub fn check_sources_with(
    sources: Vec<SourceFile>,
    mut errors: Vec<InputError>,
    options: &Options,
    progress: &dyn resolve::Progress,
) -> Report {
    let mut files = Vec::with_capacity(sources.len());
    let mut findings = Vec::new();
    for source in sources {
        let format = options
            .input_format
            .unwrap_or_else(|| extract::detect_format(source.path(), &source.text));
        let document = match extract::extract(&source, format) {
            Ok(d) => d,
            Err(e) => {
                errors.push(InputError::new(
                    source.display_path(),
                    format!("cannot be read as {}: {e}", format.as_str()),
                ));
                continue;
            }
        };
        let index = files.len();
        let cited = check::structure::citation_counts(&document);
        findings.extend(check::structure::check(&document, &cited, index));
        files.push(FileReport {
            source,
            document,
            cited,
        });
    }
    let mut outcome = resolve::Outcome::default();
    let mut metadata = resolve::metadata::MetadataOutcome::default();
    if !options.offline {
        outcome =
            resolve::resolve_keys_unfinished(&resolve::keys_of(&files), &options.resolve, progress);
        findings.extend(resolve::findings(&files, &outcome.resolutions));
        metadata = resolve::metadata::check_files(
            &files,
            &outcome.resolutions,
            &mut findings,
            &options.resolve,
            progress,
        );
        progress.finish();
        findings.append(&mut metadata.findings);
        outcome.warnings.append(&mut metadata.warnings);
    }
    let mut findings = options.levels.apply(findings);
    findings.sort_by_key(|f| (f.file, f.span.start, f.code));
    Report {
        files,
        findings,
        errors,
        resolutions: outcome.resolutions,
        evidence: metadata.evidence,
        suggestions: metadata.suggestions,
        warnings: outcome.warnings,
    }
}
