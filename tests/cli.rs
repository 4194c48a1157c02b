//! The binary end to end on plain-text fixtures: human and JSON reports (snapshots),
//! exit codes, bad input, standard input, directories and atomic output files.

use assert_cmd::Command;
use serde_json::Value;

fn refcheck() -> Command {
    let mut cmd = Command::cargo_bin("refcheck").expect("binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--offline", "--no-progress", "--color", "never"])
        .env_remove("NO_COLOR");
    cmd
}

fn json(args: &[&str]) -> (Value, i32) {
    let out = refcheck()
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report on stdout");
    (report, out.status.code().unwrap_or(-1))
}

fn codes_and_labels(report: &Value) -> Vec<(String, Vec<String>)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["labels"]
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn human_report_of_a_flawed_article() {
    let out = refcheck()
        .arg("tests/fixtures/text/flaws.txt")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "errors make exit 1");
    insta::assert_snapshot!("human_flaws", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn json_report_of_a_flawed_article() {
    let (report, code) = json(&["tests/fixtures/text/flaws.txt"]);
    assert_eq!(code, 1);
    insta::assert_json_snapshot!("json_flaws", report);
}

#[test]
fn every_offline_finding_of_the_flawed_fixture() {
    let (report, _) = json(&["tests/fixtures/text/flaws.txt"]);
    let found = codes_and_labels(&report);
    let has = |code: &str, labels: &[&str]| {
        found
            .iter()
            .any(|(c, l)| c == code && l.iter().map(String::as_str).eq(labels.iter().copied()))
    };
    assert!(has("missing-reference", &["9"]), "{found:?}");
    assert!(has("invalid-range", &["5", "3"]), "{found:?}");
    assert!(has("duplicate-reference", &["1", "3"]), "{found:?}");
    assert!(has("numbering-gap", &["6"]), "{found:?}");
    assert!(has("uncited-reference", &["6"]), "{found:?}");
    assert!(has("uncited-reference", &["7"]), "{found:?}");
    assert!(has("missing-identifier", &["4"]), "{found:?}");
    assert!(
        !found.iter().any(|(_, l)| l.iter().any(|x| x == "2019")),
        "a bracketed year is not a marker"
    );
    let refs = report["files"][0]["references"]
        .as_array()
        .expect("references");
    assert_eq!(refs.len(), 6);
    assert_eq!(refs[0]["cited"], 2);
    assert_eq!(refs[0]["identifiers"][0]["status"], "unchecked");
}

#[test]
fn crlf_bom_and_tabs_keep_positions() {
    let (report, code) = json(&["tests/fixtures/text/crlf-bom-tabs.txt"]);
    assert_eq!(code, 0);
    let file = &report["files"][0];
    assert_eq!(file["references"].as_array().map(Vec::len), Some(2));
    let first = &file["citations"][0];
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(3), Some(13))
    );
    assert_eq!(file["references"][1]["line"], 8);
    assert_eq!(file["references"][1]["column"], 2);
}

#[test]
fn author_year_articles_get_no_numeric_findings() {
    let (report, code) = json(&["tests/fixtures/text/author-year.txt"]);
    assert_eq!(code, 0);
    assert!(codes_and_labels(&report).is_empty(), "{report}");
}

#[test]
fn markers_without_a_list() {
    let (report, code) = json(&["tests/fixtures/text/no-list.txt"]);
    assert_eq!(code, 1);
    assert_eq!(
        codes_and_labels(&report),
        vec![(
            "missing-reference-list".to_string(),
            vec!["1".to_string(), "2".to_string()]
        )]
    );
}

#[test]
fn bad_inputs_are_named_and_the_rest_still_checked() {
    let out = refcheck()
        .args([
            "--format",
            "json",
            "tests/fixtures/text/binary.txt",
            "tests/fixtures/text/latin1.txt",
            "tests/fixtures/text/empty.txt",
            "tests/fixtures/text/does-not-exist.txt",
            "tests/fixtures/text/crlf-bom-tabs.txt",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 4, "one line per bad file: {stderr}");
    assert!(
        lines[0].contains("does-not-exist.txt") && lines[0].contains("no such file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("binary.txt: looks like a binary file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("latin1.txt: is not valid UTF-8"),
        "{stderr}"
    );
    assert!(stderr.contains("empty.txt: is empty"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON still written");
    assert_eq!(report["files"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["errors"].as_array().map(Vec::len), Some(4));
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let out = refcheck()
        .args(["--format", "json", "-"])
        .write_stdin("Claim [1].\n\nReferences\n1. Smith (2001). A. https://example.org/a\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["files"][0]["path"], "-");
    assert_eq!(report["summary"]["references"], 1);
}

#[test]
fn directories_are_walked_in_sorted_order_and_empty_ones_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::fs::write(
        dir.path().join("b.txt"),
        "B [1].\n\nReferences\n1. B (2001). https://example.org/b\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("sub/a.md"),
        "A [1].\n\nReferences\n1. A (2001). https://example.org/a\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("ignored.png"), "not an article").expect("write");
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let out = refcheck()
        .args(["--format", "json"])
        .arg(dir.path())
        .arg(dir.path().join("empty"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "the empty directory is an input error"
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let paths: Vec<String> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().unwrap_or_default().replace('\\', "/"))
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths[0].ends_with("/b.txt") && paths[1].ends_with("/sub/a.md"),
        "{paths:?}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no articles found"));
}

#[test]
fn output_file_is_written_and_inputs_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let article = dir.path().join("a.txt");
    let text = "Claim [1] [2].\n\nReferences\n1. Smith (2001). https://example.org/a\n";
    std::fs::write(&article, text).expect("write");
    let report = dir.path().join("report.json");
    let out = refcheck()
        .args(["--format", "json", "-o"])
        .arg(&report)
        .arg(&article)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "the report goes to the file, not stdout"
    );
    let written: Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report written")).expect("JSON");
    assert_eq!(written["summary"]["errors"], 1);
    assert_eq!(
        std::fs::read_to_string(&article).expect("read"),
        text,
        "input unchanged"
    );
    let leftovers = std::fs::read_dir(dir.path()).expect("ls").count();
    assert_eq!(leftovers, 2, "no temporary file left behind");
}

#[test]
fn levels_and_fail_on() {
    let file = "tests/fixtures/text/crlf-bom-tabs.txt";
    refcheck().arg(file).assert().code(0);
    let (report, code) = json(&[
        "--allow",
        "missing-reference",
        "--allow",
        "invalid-range",
        "--allow",
        "invalid-isbn",
        "tests/fixtures/text/flaws.txt",
    ]);
    assert_eq!(code, 0, "only warnings and notes remain");
    assert!(codes_and_labels(&report)
        .iter()
        .all(|(c, _)| c != "missing-reference"));
    let (_, code) = json(&[
        "--deny",
        "uncited-reference",
        "--allow",
        "missing-reference",
        "--allow",
        "invalid-range",
        "--allow",
        "invalid-isbn",
        "tests/fixtures/text/flaws.txt",
    ]);
    assert_eq!(code, 1);
    let (_, code) = json(&["--fail-on", "never", "tests/fixtures/text/flaws.txt"]);
    assert_eq!(code, 0);
    let (_, code) = json(&[
        "--fail-on",
        "note",
        "--allow",
        "missing-reference",
        "--allow",
        "invalid-range",
        "--allow",
        "invalid-isbn",
        "--allow",
        "uncited-reference",
        "--allow",
        "numbering-gap",
        "--allow",
        "duplicate-reference",
        "tests/fixtures/text/flaws.txt",
    ]);
    assert_eq!(code, 1, "a note fails with --fail-on note");
}

#[test]
fn usage_errors_exit_2_with_a_hint() {
    let out = refcheck()
        .args(["--deny", "uncited-refrence", "x.txt"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `uncited-reference`"));
    refcheck()
        .args(["--format", "yaml", "x.txt"])
        .assert()
        .code(2);
}

#[test]
fn explain_prints_the_code_description() {
    let out = refcheck()
        .args(["--explain", "uncited-reference"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("uncited-reference (default level: warning)"),
        "{text}"
    );
    assert!(text.contains("No marker in the text cites this entry"));
}

#[test]
fn quiet_prints_only_the_summary() {
    let out = refcheck()
        .args(["-q", "tests/fixtures/text/flaws.txt"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("checked 1 file, 6 references"), "{text}");
}
