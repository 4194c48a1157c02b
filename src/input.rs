//! Finding and reading the articles named on the command line.
//!
//! Bad input never stops a run: each unreadable, binary, empty or non-UTF-8 file
//! becomes one [`InputError`] naming the file, and every other file is still checked.

use crate::source::SourceFile;
use std::io::Read;
use std::path::{Path, PathBuf};

/// File extensions that a directory walk picks up.
pub const ARTICLE_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "xml", "nxml", "rst"];

/// One input to read: a file, or standard input (`-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    pub fn display(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }
}

/// A file that could not be read as an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    pub path: String,
    pub message: String,
}

impl InputError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Expand the paths a user gave into inputs: files as given, directories walked
/// recursively in sorted order (respecting .gitignore), `-` as standard input.
pub fn collect(paths: &[PathBuf]) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => errors.push(InputError::new(
                path.display().to_string(),
                format!("cannot read: {}", describe_io(&e)),
            )),
            Ok(meta) if meta.is_dir() => {
                let before = inputs.len();
                walk(path, &mut inputs, &mut errors);
                if inputs.len() == before {
                    errors.push(InputError::new(
                        path.display().to_string(),
                        format!(
                            "no articles found in this directory (looked for .{})",
                            ARTICLE_EXTENSIONS.join(" .")
                        ),
                    ));
                }
            }
            Ok(_) => inputs.push(Input::File(path.clone())),
        }
    }
    (inputs, errors)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<InputError>) {
    let walker = ignore::WalkBuilder::new(dir)
        .sort_by_file_name(|a, b| a.cmp(b))
        .require_git(false)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                let wanted = entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
                if is_file && wanted {
                    inputs.push(Input::File(entry.into_path()));
                }
            }
            Err(e) => errors.push(InputError::new(dir.display().to_string(), e.to_string())),
        }
    }
}

/// Read one input as UTF-8 text.
pub fn read(input: &Input) -> Result<SourceFile, InputError> {
    let name = input.display();
    let bytes = match input {
        Input::File(path) => std::fs::read(path)
            .map_err(|e| InputError::new(&name, format!("cannot read: {}", describe_io(&e))))?,
        Input::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| InputError::new(&name, format!("cannot read standard input: {e}")))?;
            buf
        }
    };
    decode(&name, bytes).map(|text| SourceFile::new(name, text))
}

/// Turn bytes into article text, or say clearly why they are not one.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.contains(&0) {
        return Err(InputError::new(
            name,
            "looks like a binary file (it contains NUL bytes); refcheck reads text articles",
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        InputError::new(
            name,
            format!("is not valid UTF-8 (first bad byte on line {line}); convert it to UTF-8 first"),
        )
    })?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(InputError::new(name, "is empty: there is nothing to check"));
    }
    Ok(text)
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bytes_are_named() {
        assert!(decode("a", vec![b'a', 0, b'b']).unwrap_err().message.contains("binary"));
        let err = decode("a", b"ok\n\xff".to_vec()).unwrap_err();
        assert!(err.message.contains("line 2"), "{}", err.message);
        assert!(decode("a", b"  \n\n".to_vec()).unwrap_err().message.contains("empty"));
        assert_eq!(decode("a", b"text".to_vec()).unwrap(), "text");
    }
}
