//! The configuration file end to end: found upward, `--config`, levels, excludes,
//! remaps and per-host settings carried into [`Settings`], the command line winning,
//! and unknown keys pointing at their line.

use assert_cmd::Command;
use clap::{CommandFactory, FromArgMatches};
use refcheck::cli::{Cli, FailOn};
use refcheck::config::Settings;
use refcheck::report::OutputFormat;
use std::path::Path;
use std::time::Duration;

const ARTICLE: &str = "Shown in [1] and [2].\n\nReferences\n\n1. Smith, A. (2001). First. doi:10.1000/one\n2. Jones, B. (2002). Second. doi:10.1000/two\n3. Brown, C. (2003). Third. doi:10.1000/three\n";

fn refcheck(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refcheck").expect("binary is built");
    cmd.current_dir(dir)
        .args(["--offline", "--no-progress", "--color", "never"])
        .env_remove("NO_COLOR");
    cmd
}

fn settings(args: &[&str], cwd: &Path) -> Result<Settings, String> {
    let matches = Cli::command()
        .try_get_matches_from(std::iter::once("refcheck").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    let cli = Cli::from_arg_matches(&matches).map_err(|e| e.to_string())?;
    Settings::new(&cli, &matches, cwd).map_err(|e| e.0)
}

fn project(config_name: &str, config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("docs/deep")).expect("mkdir");
    std::fs::write(dir.path().join("docs/article.txt"), ARTICLE).expect("write article");
    std::fs::write(dir.path().join(config_name), config).expect("write config");
    dir
}

fn uncited_severity(out: &[u8]) -> String {
    let report: serde_json::Value = serde_json::from_slice(out).expect("JSON report");
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["code"] == "uncited-reference")
        .map(|f| f["severity"].as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|| "absent".to_string())
}

#[test]
fn levels_in_the_file_change_findings_and_the_exit_status() {
    let dir = project(
        "refcheck.toml",
        "format = \"json\"\n[levels]\nuncited-reference = \"error\"\n",
    );
    let out = refcheck(&dir.path().join("docs"))
        .arg("article.txt")
        .output()
        .expect("runs");
    assert_eq!(uncited_severity(&out.stdout), "error");
    assert_eq!(out.status.code(), Some(1));

    // The command line wins, code by code.
    let out = refcheck(&dir.path().join("docs"))
        .args(["--allow", "uncited-reference", "article.txt"])
        .output()
        .expect("runs");
    assert_eq!(uncited_severity(&out.stdout), "absent");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn found_upward_and_paths_come_from_the_file() {
    let dir = project(
        ".refcheck.toml",
        "paths = [\"docs\"]\nformat = \"json\"\nfail-on = \"never\"\n",
    );
    let out = refcheck(&dir.path().join("docs/deep"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["files"][0]["path"], "../article.txt");
    assert_eq!(uncited_severity(&out.stdout), "warning");

    // The command line's format and fail-on replace the file's.
    let out = refcheck(&dir.path().join("docs/deep"))
        .args(["--format", "github", "--fail-on", "warning"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::warning file=../article.txt,line=7"));
}

#[test]
fn explicit_config_file_and_two_files_in_one_directory() {
    let dir = project("refcheck.toml", "fail-on = \"never\"\n");
    std::fs::write(dir.path().join(".refcheck.toml"), "").expect("write");
    let out = refcheck(dir.path()).arg("docs").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("keep one of them"));

    std::fs::write(
        dir.path().join("strict.toml"),
        "[levels]\nuncited-reference = \"error\"\n",
    )
    .expect("write");
    let out = refcheck(dir.path())
        .args(["--config", "strict.toml", "docs"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unknown_keys_are_errors_that_point_at_the_line() {
    let dir = project(
        "refcheck.toml",
        "offline = true\n\n[hosts.\"example.org\"]\nconcurrency = 2\nintervall-ms = 5\n",
    );
    let out = refcheck(dir.path()).arg("docs").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 5"), "{err}");
    assert!(err.contains("intervall-ms = 5"), "{err}");
    assert!(err.contains("unknown field `intervall-ms`"), "{err}");
}

#[test]
fn network_settings_merge_file_and_command_line() {
    let dir = project(
        "refcheck.toml",
        r#"
concurrency = 8
per-host = 2
timeout = 5
exclude = ["^https://intranet\\."]
remap = ["^http://old\\.example https://new.example"]
mailto = "file@example.org"
cache-dir = "cache"

[hosts."example.org"]
concurrency = 1
interval-ms = 500
headers = { Authorization = "Bearer secret" }

[hosts."slow.example"]
interval-ms = 2000
"#,
    );
    let s = settings(
        &[
            "--per-host",
            "3",
            "--exclude",
            "localhost",
            "--mailto",
            "cli@example.org",
            "docs",
        ],
        dir.path(),
    )
    .expect("valid");
    let n = &s.network;
    assert_eq!(n.concurrency, Some(8));
    assert_eq!(n.per_host, Some(3));
    assert_eq!(n.timeout, Some(Duration::from_secs(5)));
    assert_eq!(n.exclude, vec!["^https://intranet\\.", "localhost"]);
    assert_eq!(n.remap.len(), 1);
    assert_eq!(n.mailto.as_deref(), Some("cli@example.org"));
    assert_eq!(
        n.cache_dir.as_deref(),
        Some(dir.path().join("cache").as_path())
    );
    let host = &n.hosts["example.org"];
    assert_eq!(host.concurrency, Some(1));
    assert_eq!(host.interval(), Some(Duration::from_millis(500)));
    assert_eq!(host.headers["Authorization"], "Bearer secret");
    assert_eq!(
        n.hosts["slow.example"].interval(),
        Some(Duration::from_secs(2))
    );
    assert_eq!(s.format, OutputFormat::Human);
    assert_eq!(s.fail_on, FailOn::Error);
    assert_eq!(
        s.config_file.as_deref(),
        Some(dir.path().join("refcheck.toml").as_path())
    );
}

#[test]
fn bad_values_are_usage_errors() {
    let dir = project("refcheck.toml", "exclude = [\"(unclosed\"]\n");
    let err = settings(&["docs"], dir.path()).unwrap_err();
    assert!(err.contains("not a valid regular expression"), "{err}");
    let err = settings(&["--config", "none.toml", "docs"], dir.path()).unwrap_err();
    assert!(err.contains("cannot read the configuration file"), "{err}");
    let dir = project("refcheck.toml", "doi-resolver = \"ftp://x\"\n");
    assert!(settings(&["docs"], dir.path())
        .unwrap_err()
        .contains("not an http(s) URL"));
    let dir = project("refcheck.toml", "");
    assert!(settings(&[], dir.path())
        .unwrap_err()
        .contains("no PATH given"));
    assert!(settings(&["--timeout", "0", "docs"], dir.path())
        .unwrap_err()
        .contains("timeout"));
}

#[test]
fn the_documented_example_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("refcheck.example.toml");
    let text = std::fs::read_to_string(&path).expect("refcheck.example.toml exists");
    let file = refcheck::config::ConfigFile::parse("refcheck.example.toml", &text)
        .expect("the example parses");
    assert_eq!(file.hosts["www.example.org"].interval_ms, Some(500));
    assert_eq!(file.levels.len(), 3);
    // Its commented keys are valid too, once uncommented.
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.contains(" = ") && !rest.starts_with('(') => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let moved =
        uncommented
            .replacen("[levels]", "", 1)
            .replacen("uncited-reference = \"error\"", "", 1);
    let moved = moved
        .replacen("citation-order = \"allow\"", "", 1)
        .replacen("unverifiable-url = \"note\"", "", 1);
    refcheck::config::ConfigFile::parse("uncommented example", &moved)
        .expect("every documented key parses");
}
