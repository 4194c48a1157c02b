//! `--changed-since REV`: the articles that differ from a git revision, so that a
//! pull request checks what it touches and nothing else.
//!
//! "Differ" means what a reviewer would see: changes committed since REV, staged or
//! not (`git diff --name-only REV`), plus new files git does not track yet
//! (`git ls-files --others --exclude-standard`, so ignored files stay out). Deleted
//! files are left out, since there is nothing to check. Only files with an article
//! extension (the same ones a directory walk picks up) count. When the user also
//! names paths, only changed articles at or under those paths are kept.
//!
//! git reports paths relative to the repository's top level; they are returned
//! relative to the working directory (`../x.md` from a subdirectory), so reports
//! name files the way the user would.

use crate::cli::UsageError;
use crate::config::relative_path;
use crate::input::ARTICLE_EXTENSIONS;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Run git in `cwd` with `args`; its standard output, or an error saying what to do.
fn git(cwd: &Path, args: &[&str]) -> Result<Vec<u8>, UsageError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                UsageError(
                    "--changed-since needs git, and git is not installed or not on PATH".into(),
                )
            } else {
                UsageError(format!("cannot run git for --changed-since: {e}"))
            }
        })?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(UsageError(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}

fn is_article(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// NUL-separated paths (git's `-z` output).
fn split_paths(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
}

/// Does `file` equal one of `filters` or lie under one of them? Both sides are
/// canonical paths.
fn selected(file: &Path, filters: &[PathBuf]) -> bool {
    filters.is_empty() || filters.iter().any(|f| file.starts_with(f))
}

/// The articles in the repository around `cwd` that differ from `rev`, restricted to
/// `paths` when any are given. Sorted, relative to `cwd`.
pub fn changed_articles(
    rev: &str,
    paths: &[PathBuf],
    cwd: &Path,
) -> Result<Vec<PathBuf>, UsageError> {
    if rev.starts_with('-') || rev.is_empty() {
        return Err(UsageError(format!(
            "--changed-since needs a git revision (a commit, branch or tag), not `{rev}`"
        )));
    }
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(UsageError(
            "--changed-since cannot be combined with `-` (standard input)".into(),
        ));
    }
    let top = git(cwd, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        UsageError(format!(
            "--changed-since works inside a git repository: {}",
            e.0
        ))
    })?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let diff = git(cwd, &["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", rev, "--"]).map_err(|e| {
        UsageError(format!(
            "git cannot compare with `{rev}`: {}\nIs `{rev}` a commit, branch or tag of this repository? In CI, fetch enough history (actions/checkout with fetch-depth: 0).",
            e.0
        ))
    })?;
    let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])?;

    let canonical_cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
    let mut filters = Vec::with_capacity(paths.len());
    for p in paths {
        let full = cwd.join(p);
        let canonical = full
            .canonicalize()
            .map_err(|e| UsageError(format!("{}: cannot read: {e}", p.display())))?;
        filters.push(canonical);
    }
    let mut files: Vec<PathBuf> = split_paths(&diff)
        .chain(split_paths(&untracked))
        .map(|p| top.join(p))
        .filter(|p| is_article(p) && p.is_file() && selected(p, &filters))
        .map(|p| relative_path(&canonical_cwd, &p))
        .collect();
    files.sort();
    files.dedup();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_and_paths() {
        assert!(is_article(Path::new("a/b.MD")));
        assert!(!is_article(Path::new("a/b.rs")));
        let filters = vec![PathBuf::from("/r/docs")];
        assert!(selected(Path::new("/r/docs/a.md"), &filters));
        assert!(!selected(Path::new("/r/docsx/a.md"), &filters));
        assert!(selected(Path::new("/r/x.md"), &[]));
        assert_eq!(
            split_paths(b"a.md\0b c.txt\0").collect::<Vec<_>>(),
            vec!["a.md", "b c.txt"]
        );
    }

    #[test]
    fn revisions_that_look_like_options_are_refused() {
        let err = changed_articles("--output=x", &[], Path::new(".")).unwrap_err();
        assert!(err.0.contains("needs a git revision"), "{}", err.0);
    }
}
