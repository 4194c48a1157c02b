//! The configuration file, `refcheck.toml` or `.refcheck.toml`, merged with the
//! command line into one validated [`Settings`].
//!
//! Rules:
//! * The file is `--config FILE`, else the first `refcheck.toml` or `.refcheck.toml`
//!   found in the working directory or one of its parents (both in one directory is
//!   an error: refcheck will not guess which one you meant).
//! * Every key is a long option's name (`fail-on`, `per-host`, `cache-dir`, ...),
//!   plus `paths` (checked when the command line names none), `[levels]`
//!   (`uncited-reference = "error"`; allow, note, warning, error) and `[hosts."NAME"]`
//!   (per-host `concurrency`, `interval-ms`, `headers`). Unknown keys and bad values
//!   are errors that quote the file's line, so a typo never silently does nothing.
//! * The command line wins: a value given there replaces the file's, a flag given
//!   there turns the option on, lists (`exclude`, `remap`) combine the file's and the
//!   command line's, and `--deny/--warn/--allow` override `[levels]` code by code.
//! * Relative paths in the file (`paths`, `output`, `cache-dir`) are relative to the
//!   file's directory, so the file means the same from any working directory.

use crate::check::{parse_level, Levels};
use crate::cli::{Cli, ColorChoice, FailOn, UsageError};
use crate::diagnostic::{Code, Level, Severity};
use crate::model::Format;
use crate::report::OutputFormat;
use crate::resolve::hosts::HostLimits;
use crate::resolve::ResolveOptions;
use clap::parser::ValueSource;
use clap::{ArgMatches, ValueEnum};
use regex::Regex;
use reqwest::header::{HeaderName, HeaderValue};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The names refcheck looks for, in order of preference within one directory.
pub const FILE_NAMES: [&str; 2] = ["refcheck.toml", ".refcheck.toml"];

/// A command-line choice (`format`, `fail-on`, `color`, `input-format`) read from the
/// file with the same names and the same error as on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice<T>(pub T);

impl<'de, T: ValueEnum> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        T::from_str(&s, true).map(Choice).map_err(|_| {
            let names: Vec<String> = T::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
                .collect();
            serde::de::Error::custom(format!(
                "unknown value `{s}`; expected one of: {}",
                names.join(", ")
            ))
        })
    }
}

/// A finding code written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CodeName(pub Code);

impl<'de> Deserialize<'de> for CodeName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map(CodeName).map_err(serde::de::Error::custom)
    }
}

/// A finding level written in the file: allow, note, warning or error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelName(pub Level);

impl<'de> Deserialize<'de> for LevelName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_level(&s).map(LevelName).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown level `{s}`; expected allow, note, warning or error"
            ))
        })
    }
}

/// Limits and headers for one host, `[hosts."example.org"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HostSettings {
    /// Requests in flight to this host (overrides `per-host`).
    pub concurrency: Option<usize>,
    /// Minimum time between the starts of two requests to this host.
    pub interval_ms: Option<u64>,
    /// Extra request headers, e.g. `Authorization` for an intranet.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl HostSettings {
    pub fn interval(&self) -> Option<Duration> {
        self.interval_ms.map(Duration::from_millis)
    }
}

/// The file as written: every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    pub format: Option<Choice<OutputFormat>>,
    pub output: Option<PathBuf>,
    pub offline: Option<bool>,
    pub fail_on: Option<Choice<FailOn>>,
    #[serde(default)]
    pub deny: Vec<CodeName>,
    #[serde(default)]
    pub warn: Vec<CodeName>,
    #[serde(default)]
    pub allow: Vec<CodeName>,
    #[serde(default)]
    pub levels: BTreeMap<CodeName, LevelName>,
    pub concurrency: Option<usize>,
    pub per_host: Option<usize>,
    pub timeout: Option<f64>,
    pub retries: Option<u32>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub remap: Vec<String>,
    pub doi_resolver: Option<String>,
    pub crossref_api: Option<String>,
    pub mailto: Option<String>,
    pub no_cache: Option<bool>,
    pub cache_dir: Option<PathBuf>,
    pub allow_private: Option<bool>,
    pub no_progress: Option<bool>,
    pub quiet: Option<bool>,
    pub verbose: Option<bool>,
    pub color: Option<Choice<ColorChoice>>,
    pub input_format: Option<Choice<Format>>,
    pub suggest_dois: Option<bool>,
    #[serde(default)]
    pub hosts: BTreeMap<String, HostSettings>,
}

impl ConfigFile {
    /// Parse a file's text; `name` is how errors refer to it.
    pub fn parse(name: &str, text: &str) -> Result<ConfigFile, UsageError> {
        toml::from_str(text)
            .map_err(|e| UsageError(format!("invalid configuration in {name}:\n{e}")))
    }
}

/// The network options, as the resolver needs them. `None` means "the resolver's
/// default" (DESIGN.md's table), so defaults live in one place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkSettings {
    pub concurrency: Option<usize>,
    pub per_host: Option<usize>,
    pub timeout: Option<Duration>,
    pub retries: Option<u32>,
    /// Regular expressions, checked to compile.
    pub exclude: Vec<String>,
    /// `'REGEX REPLACEMENT'` rules, checked to have both parts and to compile.
    pub remap: Vec<String>,
    pub doi_resolver: Option<String>,
    pub crossref_api: Option<String>,
    pub mailto: Option<String>,
    pub no_cache: bool,
    pub cache_dir: Option<PathBuf>,
    pub allow_private: bool,
    pub suggest_dois: bool,
    /// Per-host limits and headers, by host name.
    pub hosts: BTreeMap<String, HostSettings>,
}

/// The configuration of one run: the file merged with the command line, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file used, if any.
    pub config_file: Option<PathBuf>,
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    pub output: Option<PathBuf>,
    pub offline: bool,
    pub fail_on: FailOn,
    pub levels: Levels,
    pub network: NetworkSettings,
    pub no_progress: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub color: ColorChoice,
    pub input_format: Option<Format>,
    pub changed_since: Option<String>,
}

/// Find the configuration file for a run started in `cwd`.
pub fn find(cwd: &Path) -> Result<Option<PathBuf>, UsageError> {
    for dir in cwd.ancestors() {
        let found: Vec<PathBuf> = FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(Some(one.clone())),
            _ => {
                return Err(UsageError(format!(
                    "both {} and {} exist; keep one of them",
                    found[0].display(),
                    found[1].display()
                )))
            }
        }
    }
    Ok(None)
}

/// Read and parse a configuration file.
pub fn load(path: &Path) -> Result<ConfigFile, UsageError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        UsageError(format!(
            "cannot read the configuration file {}: {e}",
            path.display()
        ))
    })?;
    ConfigFile::parse(&path.display().to_string(), &text)
}

/// Was this option written on the command line (rather than left at its default)?
fn given(matches: &ArgMatches, id: &str) -> bool {
    matches!(matches.value_source(id), Some(ValueSource::CommandLine))
}

/// `target` as a path from `from`, worked out on the names alone (`.` and `..`
/// resolved, no file system access): `/r/docs` from `/r/a/b` is `../../docs`.
/// Either path being relative leaves `target` as it is.
pub fn relative_path(from: &Path, target: &Path) -> PathBuf {
    use std::path::Component;
    fn normal(p: &Path) -> Vec<Component<'_>> {
        let mut out: Vec<Component> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    }
    if !from.is_absolute() || !target.is_absolute() {
        return target.to_path_buf();
    }
    let (from, to) = (normal(from), normal(target));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The command line's value if it was written there, else the file's, else the
/// command line's default.
fn pick<T>(matches: &ArgMatches, id: &str, cli_value: T, file_value: Option<T>) -> T {
    if given(matches, id) {
        cli_value
    } else {
        file_value.unwrap_or(cli_value)
    }
}

fn check_regex(what: &str, pattern: &str) -> Result<(), UsageError> {
    regex::Regex::new(pattern).map(drop).map_err(|e| {
        UsageError(format!(
            "{what} `{pattern}` is not a valid regular expression: {e}"
        ))
    })
}

fn check_remap(rule: &str) -> Result<(), UsageError> {
    let mut parts = rule.trim().splitn(2, char::is_whitespace);
    let (Some(pattern), Some(replacement)) = (parts.next(), parts.next().map(str::trim)) else {
        return Err(UsageError(format!(
            "remap `{rule}` needs a pattern and a replacement separated by white space, as in 'http://old.example https://new.example'"
        )));
    };
    if replacement.is_empty() {
        return Err(UsageError(format!("remap `{rule}` has no replacement")));
    }
    check_regex("remap pattern", pattern)
}

fn check_url(option: &str, value: &str) -> Result<(), UsageError> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
        _ => Err(UsageError(format!(
            "{option} `{value}` is not an http(s) URL"
        ))),
    }
}

fn check_positive(option: &str, value: Option<usize>) -> Result<(), UsageError> {
    match value {
        Some(0) => Err(UsageError(format!("{option} must be at least 1"))),
        _ => Ok(()),
    }
}

fn check_hosts(hosts: &BTreeMap<String, HostSettings>) -> Result<(), UsageError> {
    for (host, h) in hosts {
        check_positive(&format!("[hosts.\"{host}\"] concurrency"), h.concurrency)?;
        for (name, value) in &h.headers {
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                UsageError(format!(
                    "[hosts.\"{host}\"] header name `{name}` is not a valid HTTP header name"
                ))
            })?;
            reqwest::header::HeaderValue::from_str(value).map_err(|_| {
                UsageError(format!(
                    "[hosts.\"{host}\"] header `{name}` has a value that cannot be sent in HTTP"
                ))
            })?;
        }
    }
    Ok(())
}

impl NetworkSettings {
    /// The resolver's options: unset values keep DESIGN.md's defaults.
    pub fn resolve_options(&self) -> Result<ResolveOptions, UsageError> {
        use crate::resolve::options::{parse_endpoint, parse_remap};
        let mut o = ResolveOptions::default();
        if let Some(n) = self.concurrency {
            o.concurrency = n;
        }
        if let Some(n) = self.per_host {
            o.per_host = n;
        }
        if let Some(t) = self.timeout {
            o.timeout = t;
        }
        if let Some(n) = self.retries {
            o.retries = n.min(10);
        }
        for pattern in &self.exclude {
            o.exclude.push(Regex::new(pattern).map_err(|e| {
                UsageError(format!("exclude: bad regular expression `{pattern}`: {e}"))
            })?);
        }
        for rule in &self.remap {
            o.remap.push(parse_remap(rule).map_err(UsageError)?);
        }
        if let Some(u) = &self.doi_resolver {
            o.doi_resolver = parse_endpoint("--doi-resolver", u).map_err(UsageError)?;
        }
        if let Some(u) = &self.crossref_api {
            o.crossref_api = parse_endpoint("--crossref-api", u).map_err(UsageError)?;
        }
        o.mailto = self.mailto.clone();
        o.cache = !self.no_cache;
        o.cache_dir = self.cache_dir.clone();
        o.allow_private = self.allow_private;
        o.suggest_dois = self.suggest_dois;
        for (host, h) in &self.hosts {
            let mut headers = Vec::new();
            for (name, value) in &h.headers {
                let bad = || {
                    UsageError(format!(
                        "[hosts.\"{host}\"] header `{name}` cannot be sent in HTTP"
                    ))
                };
                headers.push((
                    HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?,
                    HeaderValue::from_str(value).map_err(|_| bad())?,
                ));
            }
            o.hosts.insert(
                host.clone(),
                HostLimits {
                    concurrency: h.concurrency,
                    interval: h.interval(),
                    headers,
                },
            );
        }
        Ok(o)
    }
}

impl Settings {
    /// Merge the command line (`cli`, parsed from `matches`) with the configuration
    /// file it names or that is found from `cwd`.
    pub fn new(cli: &Cli, matches: &ArgMatches, cwd: &Path) -> Result<Settings, UsageError> {
        let config_file = match &cli.config {
            Some(path) => Some(cwd.join(path)),
            None => find(cwd)?,
        };
        let file = match &config_file {
            Some(path) => load(path)?,
            None => ConfigFile::default(),
        };
        let base = config_file
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(cwd)
            .to_path_buf();
        Settings::merge(cli, matches, file, &base, cwd, config_file)
    }

    /// Merge an already parsed file; relative paths in it are taken from `base`.
    /// `paths` from the file are given relative to `cwd`, as if typed there.
    pub fn merge(
        cli: &Cli,
        matches: &ArgMatches,
        file: ConfigFile,
        base: &Path,
        cwd: &Path,
        config_file: Option<PathBuf>,
    ) -> Result<Settings, UsageError> {
        let rel = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
        let paths = if cli.paths.is_empty() {
            file.paths
                .into_iter()
                .map(|p| relative_path(cwd, &rel(p)))
                .collect()
        } else {
            cli.paths.clone()
        };
        if paths.is_empty() && cli.changed_since.is_none() {
            return Err(UsageError(
                "no PATH given: name the files or directories to check, or set `paths` in refcheck.toml".into(),
            ));
        }

        let mut levels = Levels::default();
        for (codes, level) in [
            (&file.deny, Level::At(Severity::Error)),
            (&file.warn, Level::At(Severity::Warning)),
            (&file.allow, Level::Allow),
        ] {
            for c in codes {
                levels.set(c.0, level);
            }
        }
        for (code, level) in &file.levels {
            levels.set(code.0, level.0);
        }
        for (code, level) in cli.level_changes()? {
            levels.set(code, level);
        }

        let timeout = match cli.timeout.or(file.timeout) {
            Some(secs) if secs.is_finite() && secs > 0.0 && secs < 1e9 => {
                Some(Duration::from_secs_f64(secs))
            }
            Some(secs) => {
                return Err(UsageError(format!(
                    "timeout must be a positive number of seconds, not {secs}"
                )))
            }
            None => None,
        };
        let network = NetworkSettings {
            concurrency: cli.concurrency.or(file.concurrency),
            per_host: cli.per_host.or(file.per_host),
            timeout,
            retries: cli.retries.or(file.retries),
            exclude: file
                .exclude
                .into_iter()
                .chain(cli.exclude.iter().cloned())
                .collect(),
            remap: file
                .remap
                .into_iter()
                .chain(cli.remap.iter().cloned())
                .collect(),
            doi_resolver: cli.doi_resolver.clone().or(file.doi_resolver),
            crossref_api: cli.crossref_api.clone().or(file.crossref_api),
            mailto: cli.mailto.clone().or(file.mailto),
            no_cache: cli.no_cache || file.no_cache.unwrap_or(false),
            cache_dir: cli.cache_dir.clone().or(file.cache_dir.map(rel)),
            allow_private: cli.allow_private || file.allow_private.unwrap_or(false),
            suggest_dois: cli.suggest_dois || file.suggest_dois.unwrap_or(false),
            hosts: file.hosts,
        };
        check_positive("concurrency", network.concurrency)?;
        check_positive("per-host", network.per_host)?;
        for pattern in &network.exclude {
            check_regex("exclude pattern", pattern)?;
        }
        for rule in &network.remap {
            check_remap(rule)?;
        }
        if let Some(u) = &network.doi_resolver {
            check_url("doi-resolver", u)?;
        }
        if let Some(u) = &network.crossref_api {
            check_url("crossref-api", u)?;
        }
        check_hosts(&network.hosts)?;

        Ok(Settings {
            config_file,
            paths,
            format: pick(matches, "format", cli.format, file.format.map(|c| c.0)),
            output: cli.output.clone().or(file.output.map(rel)),
            offline: cli.offline || file.offline.unwrap_or(false),
            fail_on: pick(matches, "fail_on", cli.fail_on, file.fail_on.map(|c| c.0)),
            levels,
            network,
            no_progress: cli.no_progress || file.no_progress.unwrap_or(false),
            quiet: cli.quiet || file.quiet.unwrap_or(false),
            verbose: cli.verbose || file.verbose.unwrap_or(false),
            color: pick(matches, "color", cli.color, file.color.map(|c| c.0)),
            input_format: cli.input_format.or(file.input_format.map(|c| c.0)),
            changed_since: cli.changed_since.clone(),
        })
    }

    /// The library's options for this run.
    pub fn options(&self) -> Result<crate::Options, UsageError> {
        Ok(crate::Options {
            input_format: self.input_format,
            levels: self.levels.clone(),
            offline: self.offline,
            resolve: self.network.resolve_options()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_and_bad_values_name_the_line() {
        let err = ConfigFile::parse("refcheck.toml", "offline = true\nfail-onn = \"warning\"\n")
            .unwrap_err();
        assert!(err.0.contains("line 2"), "{}", err.0);
        assert!(err.0.contains("fail-onn"), "{}", err.0);
        let err = ConfigFile::parse(
            "refcheck.toml",
            "\n[levels]\nuncited-refernce = \"error\"\n",
        )
        .unwrap_err();
        assert!(
            err.0.contains("line 3") && err.0.contains("did you mean `uncited-reference`"),
            "{}",
            err.0
        );
        let err =
            ConfigFile::parse("r.toml", "[levels]\nuncited-reference = \"loud\"\n").unwrap_err();
        assert!(
            err.0.contains("line 2") && err.0.contains("unknown level `loud`"),
            "{}",
            err.0
        );
        let err = ConfigFile::parse("r.toml", "format = \"pdf\"\n").unwrap_err();
        assert!(
            err.0.contains("expected one of: human, json, sarif"),
            "{}",
            err.0
        );
        let err = ConfigFile::parse("r.toml", "[hosts.\"a.org\"]\nconcurency = 2\n").unwrap_err();
        assert!(
            err.0.contains("line 2") && err.0.contains("concurency"),
            "{}",
            err.0
        );
    }

    #[test]
    fn hosts_parse() {
        let file = ConfigFile::parse(
            "r.toml",
            "[hosts.\"example.org\"]\nconcurrency = 2\ninterval-ms = 500\nheaders = { Authorization = \"Bearer x\" }\n",
        )
        .unwrap();
        let h = &file.hosts["example.org"];
        assert_eq!(h.concurrency, Some(2));
        assert_eq!(h.interval(), Some(Duration::from_millis(500)));
        assert_eq!(h.headers["Authorization"], "Bearer x");
        assert!(check_hosts(&file.hosts).is_ok());
        let mut bad = file.hosts.clone();
        bad.get_mut("example.org")
            .unwrap()
            .headers
            .insert("Bad Name".into(), "x".into());
        assert!(check_hosts(&bad).unwrap_err().0.contains("Bad Name"));
    }

    #[test]
    fn paths_from_the_file_read_from_the_working_directory() {
        assert_eq!(
            relative_path(Path::new("/r/a/b"), Path::new("/r/./docs")),
            PathBuf::from("../../docs")
        );
        assert_eq!(
            relative_path(Path::new("/r"), Path::new("/r/docs/x.md")),
            PathBuf::from("docs/x.md")
        );
        assert_eq!(
            relative_path(Path::new("/r/docs"), Path::new("/r/docs/.")),
            PathBuf::from(".")
        );
        assert_eq!(
            relative_path(Path::new("/r"), Path::new("docs")),
            PathBuf::from("docs")
        );
    }

    #[test]
    fn suggest_dois_reaches_the_resolver() {
        let off = NetworkSettings::default().resolve_options().unwrap();
        assert!(!off.suggest_dois);
        let on = NetworkSettings {
            suggest_dois: true,
            ..NetworkSettings::default()
        };
        assert!(on.resolve_options().unwrap().suggest_dois);
    }

    #[test]
    fn remap_rules_need_two_parts() {
        assert!(check_remap("^http://old https://new").is_ok());
        assert!(check_remap("^http://old").is_err());
        assert!(check_remap("(unclosed https://new").is_err());
    }
}
