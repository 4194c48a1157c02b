//! The `refcheck` binary: parse arguments, run the library, render, set the exit code.

use anyhow::Context;
use clap::Parser;
use refcheck::cli::{Cli, ColorChoice};
use refcheck::report::{self, OutputFormat, RenderOptions};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
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
    let options = cli.options()?;
    let report = refcheck::check_paths(&cli.paths, &options);
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            cli.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let render_options = RenderOptions {
        color: color && cli.format == OutputFormat::Human,
        quiet: cli.quiet,
    };
    match &cli.output {
        Some(path) => write_atomically(path, |w| report::render(&report, cli.format, render_options, w))
            .with_context(|| format!("cannot write the report to {}", path.display()))?,
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            match report::render(&report, cli.format, render_options, &mut lock).and_then(|()| lock.flush()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(e).context("cannot write the report"),
            }
        }
    }
    if !report.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(if cli.fail_on.fails(report.worst()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
