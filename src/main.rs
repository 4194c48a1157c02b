//! The `refcheck` binary: parse arguments, run the library, render, set the exit code.

use anyhow::Context;
use clap::{CommandFactory, FromArgMatches};
use refcheck::cli::{Cli, ColorChoice};
use refcheck::config::Settings;
use refcheck::model::{IdKey, Resolution, Status};
use refcheck::report::{self, OutputFormat, RenderOptions};
use refcheck::resolve::Progress;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match run(&cli, &matches) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli, matches: &clap::ArgMatches) -> anyhow::Result<ExitCode> {
    if let Some(name) = &cli.explain {
        let code: refcheck::Code = name.parse()?;
        println!(
            "{code} (default level: {})\n\n{}\n\n{}",
            code.default_severity(),
            code.summary(),
            code.explanation()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let settings = Settings::new(cli, matches, &cwd)?;
    if settings.verbose {
        match &settings.config_file {
            Some(path) => eprintln!("refcheck: configuration from {}", path.display()),
            None => {
                eprintln!("refcheck: no configuration file (refcheck.toml or .refcheck.toml) found")
            }
        }
    }
    let paths = match &settings.changed_since {
        Some(rev) => {
            let changed = refcheck::changed::changed_articles(rev, &settings.paths, &cwd)?;
            if changed.is_empty() {
                eprintln!("refcheck: no articles changed since {rev}; nothing to check");
            }
            changed
        }
        None => settings.paths.clone(),
    };
    let options = settings.options()?;
    let show_bar = !settings.no_progress
        && !settings.quiet
        && settings.format == OutputFormat::Human
        && std::io::stderr().is_terminal();
    let report = if show_bar {
        refcheck::check_paths_with(&paths, &options, &Bar::new())
    } else {
        refcheck::check_paths(&paths, &options)
    };
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    let color = match settings.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            settings.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let render_options = RenderOptions {
        color: color && settings.format == OutputFormat::Human,
        quiet: settings.quiet,
        fail_on: settings.fail_on,
        link_base: link_base(),
    };
    let format = settings.format;
    match &settings.output {
        Some(path) => {
            write_atomically(path, |w| report::render(&report, format, render_options, w))
                .with_context(|| format!("cannot write the report to {}", path.display()))?
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match report::render(&report, format, render_options, &mut lock)
                .and_then(|()| lock.flush())
            {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(e).context("cannot write the report"),
            }
        }
    }
    if !report.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(if settings.fail_on.fails(report.worst()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where Markdown links point: `REFCHECK_LINK_BASE`, else the commit being checked
/// on GitHub Actions, else nowhere (relative links).
fn link_base() -> Option<String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(base) = var("REFCHECK_LINK_BASE") {
        return Some(base);
    }
    Some(format!(
        "{}/{}/blob/{}/",
        var("GITHUB_SERVER_URL")?,
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

/// The progress bar drawn on standard error while identifiers are resolved.
struct Bar {
    bar: indicatif::ProgressBar,
    problems: AtomicUsize,
}

impl Bar {
    fn new() -> Self {
        Bar {
            bar: indicatif::ProgressBar::hidden(),
            problems: AtomicUsize::new(0),
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        let style = indicatif::ProgressStyle::with_template(
            "resolving {wide_bar} {pos}/{len} {per_sec} ETA {eta} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        self.bar.set_style(style);
        self.bar.set_length(total as u64);
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }

    fn resolved(&self, _key: &IdKey, resolution: &Resolution) {
        if matches!(
            resolution.status(),
            Status::NotFound | Status::Broken | Status::Unverifiable | Status::Redirected
        ) {
            let n = self.problems.fetch_add(1, Ordering::Relaxed) + 1;
            self.bar
                .set_message(format!("{n} problem{}", if n == 1 { "" } else { "s" }));
        }
        self.bar.inc(1);
    }

    fn more(&self, n: usize) {
        if self.bar.length().unwrap_or(0) == 0 {
            self.start(n);
        } else {
            self.bar.inc_length(n as u64);
        }
    }

    fn looked_up(&self, _what: &str) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Write a file through a temporary file in the same directory, renamed into place,
/// so that readers never see half a report.
fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    write(tmp.as_file_mut())?;
    tmp.as_file_mut().sync_all()?;
    tmp.persist(path)?;
    Ok(())
}
