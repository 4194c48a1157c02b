//! The command line, as DESIGN.md fixes it.
//!
//! Parsing happens in two stages, as in ripgrep: clap turns arguments into [`Cli`],
//! then [`crate::config::Settings`] merges them with the configuration file and validates
//! everything once into the library's [`crate::Options`].

use crate::check::Levels;
use crate::diagnostic::{Code, Level, Severity};
use crate::model::Format;
use crate::report::OutputFormat;
use clap::{Parser, ValueEnum};
use std::path::PathBuf;

/// When to colour the human report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// The lowest severity that makes refcheck exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    /// Does a report whose worst finding is `worst` fail?
    pub fn fails(self, worst: Option<Severity>) -> bool {
        let Some(worst) = worst else { return false };
        match self {
            FailOn::Error => worst >= Severity::Error,
            FailOn::Warning => worst >= Severity::Warning,
            FailOn::Note => true,
            FailOn::Never => false,
        }
    }
}

/// Check the citations and references of articles.
///
/// Exit status: 0 when nothing reaches --fail-on, 1 when something does, 2 on a usage,
/// configuration or input error.
#[derive(Debug, Clone, Parser)]
#[command(name = "refcheck", version, about, max_term_width = 100)]
pub struct Cli {
    /// Files or directories to check (`-` reads standard input).
    /// Without PATH, the `paths` of the configuration file are checked.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// No network: structure and syntax checks only.
    #[arg(long)]
    pub offline: bool,

    /// Lowest severity that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "LEVEL")]
    pub fail_on: FailOn,

    /// Report every finding with CODE as an error (repeatable).
    #[arg(long, value_name = "CODE")]
    pub deny: Vec<String>,

    /// Report every finding with CODE as a warning (repeatable).
    #[arg(long, value_name = "CODE")]
    pub warn: Vec<String>,

    /// Do not report findings with CODE (repeatable).
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,

    /// Configuration file (default: refcheck.toml or .refcheck.toml, searched upward).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Requests in flight overall.
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,

    /// Requests in flight per host.
    #[arg(long, value_name = "N")]
    pub per_host: Option<usize>,

    /// Seconds allowed for each request.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// Retries of transient failures (429, 5xx, timeouts, resets).
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,

    /// Identifiers or URLs matching REGEX are not resolved (repeatable).
    #[arg(long, value_name = "REGEX")]
    pub exclude: Vec<String>,

    /// Rewrite URLs before resolving: 'REGEX REPLACEMENT' (repeatable).
    #[arg(long, value_name = "'REGEX REPLACEMENT'")]
    pub remap: Vec<String>,

    /// Base URL of the DOI proxy ({base}/api/handles/{doi}, {base}/{doi}).
    #[arg(long, value_name = "URL")]
    pub doi_resolver: Option<String>,

    /// Base URL of the Crossref REST API ({base}/works/{doi}).
    #[arg(long, value_name = "URL")]
    pub crossref_api: Option<String>,

    /// Contact e-mail sent in the User-Agent (Crossref's polite pool).
    #[arg(long, value_name = "EMAIL")]
    pub mailto: Option<String>,

    /// Do not read or write the resolution cache.
    #[arg(long)]
    pub no_cache: bool,

    /// Directory of the resolution cache.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Resolve URLs whose host is a loopback, private or link-local address.
    #[arg(long)]
    pub allow_private: bool,

    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,

    /// Print only the summary line (human format).
    #[arg(short, long)]
    pub quiet: bool,

    /// Say more about what is happening, on standard error.
    #[arg(short, long)]
    pub verbose: bool,

    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print what a finding code means and how to fix it, then exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,

    /// Read every input in this format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<Format>,

    /// Check only the articles that differ from git revision REV.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,

    /// Look up DOIs for entries that have none (Crossref search).
    #[arg(long)]
    pub suggest_dois: bool,
}

/// An error in the command line or configuration: exit 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl Cli {
    /// The finding levels the flags ask for: `--allow` over `--warn` over `--deny`
    /// when one code is named twice, the more lenient winning.
    pub fn levels(&self) -> Result<Levels, UsageError> {
        let mut levels = Levels::default();
        for (code, level) in self.level_changes()? {
            levels.set(code, level);
        }
        Ok(levels)
    }

    /// The level changes the flags ask for, in the order they apply.
    pub fn level_changes(&self) -> Result<Vec<(Code, Level)>, UsageError> {
        let mut changes = Vec::new();
        let groups = [
            (&self.deny, Level::At(Severity::Error)),
            (&self.warn, Level::At(Severity::Warning)),
            (&self.allow, Level::Allow),
        ];
        for (names, level) in groups {
            for name in names {
                let code: Code = name.parse().map_err(|e| {
                    UsageError(format!(
                        "{e}; `refcheck --explain CODE` lists what each code means"
                    ))
                })?;
                changes.push((code, level));
            }
        }
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_thresholds() {
        assert!(FailOn::Error.fails(Some(Severity::Error)));
        assert!(!FailOn::Error.fails(Some(Severity::Warning)));
        assert!(FailOn::Warning.fails(Some(Severity::Warning)));
        assert!(FailOn::Note.fails(Some(Severity::Note)));
        assert!(!FailOn::Never.fails(Some(Severity::Error)));
        assert!(!FailOn::Note.fails(None));
    }

    #[test]
    fn bad_codes_are_usage_errors() {
        let cli = Cli::parse_from(["refcheck", "--deny", "uncited-refernce", "a.txt"]);
        let err = cli.levels().unwrap_err();
        assert!(
            err.0.contains("did you mean `uncited-reference`"),
            "{}",
            err.0
        );
    }
}
