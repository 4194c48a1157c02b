//! The exit status contract (DESIGN.md): 0 when nothing reaches `--fail-on`, 1 when
//! something does, 2 for usage, configuration and input errors, tested end to end
//! for every `--fail-on` value against articles whose worst finding is known.
//!
//! `missing-identifier` is allowed throughout so that each fixture's worst finding
//! stays what its name says whatever identifier extraction learns.

use assert_cmd::Command;

fn refcheck() -> Command {
    let mut cmd = Command::cargo_bin("refcheck").expect("binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "--offline",
        "--no-progress",
        "--color",
        "never",
        "--allow",
        "missing-identifier",
    ]);
    cmd
}

fn status(args: &[&str]) -> i32 {
    let out = refcheck().args(args).output().expect("runs");
    out.status.code().unwrap_or(-1)
}

fn fixture(name: &str) -> String {
    format!("tests/fixtures/reports/{name}.txt")
}

#[test]
fn every_fail_on_value_against_every_worst_severity() {
    // (fixture, expected exit for --fail-on error, warning, note, never)
    let table = [
        ("clean", [0, 0, 0, 0]),
        ("note", [0, 0, 1, 0]),
        ("warning", [0, 1, 1, 0]),
        ("error", [1, 1, 1, 0]),
    ];
    for (name, expected) in table {
        for (fail_on, want) in ["error", "warning", "note", "never"].iter().zip(expected) {
            let got = status(&["--fail-on", fail_on, &fixture(name)]);
            assert_eq!(got, want, "{name}.txt with --fail-on {fail_on}");
        }
        // The default is --fail-on error.
        assert_eq!(
            status(&[&fixture(name)]),
            expected[0],
            "{name}.txt by default"
        );
    }
}

#[test]
fn levels_move_findings_across_the_threshold() {
    assert_eq!(
        status(&["--deny", "uncited-reference", &fixture("warning")]),
        1
    );
    assert_eq!(
        status(&[
            "--allow",
            "uncited-reference",
            "--fail-on",
            "note",
            &fixture("warning")
        ]),
        0
    );
    assert_eq!(
        status(&["--warn", "missing-reference", &fixture("error")]),
        0
    );
}

#[test]
fn the_worst_file_decides_and_every_format_agrees() {
    let files = [fixture("clean"), fixture("warning")];
    for format in [
        "human", "json", "sarif", "github", "markdown", "junit", "html",
    ] {
        let out = refcheck()
            .args(["--fail-on", "warning", "--format", format])
            .args(&files)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "--format {format}");
        assert!(!out.stdout.is_empty(), "--format {format} wrote nothing");
    }
}

#[test]
fn usage_and_input_errors_exit_two() {
    let cases: &[&[&str]] = &[
        &["--no-such-flag", "a.txt"],
        &["--fail-on", "sometimes", "a.txt"],
        &["--format", "pdf", "a.txt"],
        &["--deny", "no-such-code", "a.txt"],
        &["--exclude", "(unclosed", "a.txt"],
        &["--config", "tests/fixtures/reports/no-such.toml", "a.txt"],
        &["tests/fixtures/reports/no-such-article.txt"],
        &[
            "--fail-on",
            "never",
            "tests/fixtures/reports/no-such-article.txt",
        ],
        &["--changed-since", "-x"],
    ];
    for args in cases {
        assert_eq!(status(args), 2, "refcheck {args:?}");
    }
    // An unreadable input fails the run even when the readable ones are clean.
    assert_eq!(
        status(&[
            &fixture("clean"),
            "tests/fixtures/reports/no-such-article.txt"
        ]),
        2
    );
    // No PATH at all is a usage error, --explain needs none.
    assert_eq!(refcheck().output().expect("runs").status.code(), Some(2));
    assert_eq!(status(&["--explain", "uncited-reference"]), 0);
}
