//! `--changed-since REV` on a temporary git repository: committed, staged, unstaged
//! and untracked articles are checked; deleted, ignored and non-article files are
//! not; paths narrow the set; nothing changed exits 0; a bad revision exits 2.

use assert_cmd::Command;
use std::path::Path;

const ARTICLE: &str =
    "Shown in [1].\n\nReferences\n\n1. Smith, A. (2001). First. doi:10.1000/one\n";

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=refcheck tests",
            "-c",
            "user.email=tests@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn refcheck(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("refcheck").expect("binary is built");
    cmd.current_dir(dir).args([
        "--offline",
        "--no-progress",
        "--color",
        "never",
        "--fail-on",
        "never",
    ]);
    cmd
}

/// The files a JSON report covers.
fn checked(out: &[u8]) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(out).expect("JSON report");
    report["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["path"].as_str().map(String::from))
        .collect()
}

/// A repository with one commit, then changes of every kind on top.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".gitignore", "ignored.txt\n");
    write(d, "unchanged.txt", ARTICLE);
    write(d, "edited.txt", ARTICLE);
    write(d, "removed.md", ARTICLE);
    write(d, "docs/guide.md", ARTICLE);
    write(d, "tool.rs", "fn main() {}\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "first"]);
    write(
        d,
        "edited.txt",
        &format!("{ARTICLE}\n2. Jones (2002). Second.\n"),
    );
    std::fs::remove_file(d.join("removed.md")).expect("remove");
    write(d, "docs/staged.md", ARTICLE);
    git(d, &["add", "docs/staged.md"]);
    write(d, "docs/new.txt", ARTICLE);
    write(d, "ignored.txt", ARTICLE);
    write(d, "tool.rs", "fn main() { println!(); }\n");
    dir
}

#[test]
fn checks_what_differs_from_the_revision() {
    let repo = repository();
    let out = refcheck(repo.path())
        .args(["--changed-since", "HEAD", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        checked(&out.stdout),
        vec!["docs/new.txt", "docs/staged.md", "edited.txt"]
    );

    // Committed changes count too.
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "second"]);
    let out = refcheck(repo.path())
        .args(["--changed-since", "HEAD~1", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(
        checked(&out.stdout),
        vec!["docs/new.txt", "docs/staged.md", "edited.txt"]
    );
}

#[test]
fn paths_narrow_the_changed_set_and_subdirectories_see_relative_paths() {
    let repo = repository();
    let out = refcheck(repo.path())
        .args(["--changed-since", "HEAD", "--format", "json", "docs"])
        .output()
        .expect("runs");
    assert_eq!(checked(&out.stdout), vec!["docs/new.txt", "docs/staged.md"]);
    let out = refcheck(repo.path())
        .args([
            "--changed-since",
            "HEAD",
            "--format",
            "json",
            "edited.txt",
            "unchanged.txt",
        ])
        .output()
        .expect("runs");
    assert_eq!(checked(&out.stdout), vec!["edited.txt"]);

    let out = refcheck(&repo.path().join("docs"))
        .args(["--changed-since", "HEAD", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(
        checked(&out.stdout),
        vec!["../edited.txt", "new.txt", "staged.md"]
    );
}

#[test]
fn nothing_changed_says_so_and_exits_zero() {
    let repo = repository();
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "all"]);
    let out = Command::cargo_bin("refcheck")
        .expect("binary")
        .current_dir(repo.path())
        .args(["--offline", "--changed-since", "HEAD", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no articles changed since HEAD"));
    assert!(
        checked(&out.stdout).is_empty(),
        "an empty report is still written"
    );
}

#[test]
fn bad_revisions_and_no_repository_exit_two() {
    let repo = repository();
    let out = refcheck(repo.path())
        .args(["--changed-since", "no-such-branch"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("git cannot compare with `no-such-branch`"),
        "{err}"
    );

    let out = refcheck(repo.path())
        .args(["--changed-since", "--output=x"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));

    let plain = tempfile::tempdir().expect("temporary directory");
    write(plain.path(), "a.txt", ARTICLE);
    let out = refcheck(plain.path())
        .args(["--changed-since", "HEAD"])
        .env(
            "GIT_CEILING_DIRECTORIES",
            plain.path().parent().expect("parent"),
        )
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside a git repository"));
}
