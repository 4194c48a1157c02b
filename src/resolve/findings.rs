//! Turning resolution statuses into findings.
//!
//! A status belongs to the identifier; a finding belongs to each place the identifier
//! is written, so an identifier cited in three entries gives three findings, each
//! pointing at its own span and carrying its entry's label.

use crate::diagnostic::{Code, Finding};
use crate::model::{IdKey, IdKind, Identifier, Resolution, Status};
use crate::report::FileReport;
use std::collections::HashMap;

/// The findings the resolutions of `files`' identifiers call for.
pub fn findings(files: &[FileReport], resolutions: &HashMap<IdKey, Resolution>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, file) in files.iter().enumerate() {
        for reference in &file.document.references {
            for id in reference
                .identifiers
                .iter()
                .filter(|id| id.problem.is_none())
            {
                let Some(r) = resolutions.get(&id.key()) else {
                    continue;
                };
                if let Some(f) = finding(id, r, index) {
                    out.push(f.labels([reference.label.clone()]));
                }
            }
        }
    }
    out
}

/// The finding for one identifier with resolution `r`, if it needs one.
fn finding(id: &Identifier, r: &Resolution, file: usize) -> Option<Finding> {
    let value = &id.value;
    let why = r.reason.as_deref().unwrap_or("no reason given");
    let (code, message, help) = match (id.kind, r.status()) {
        (IdKind::Doi, Status::NotFound) => (
            Code::DoiNotFound,
            format!("DOI {value} is not registered"),
            "the DOI registry has no record of it; copy the DOI again from the work's landing page or look the work up at https://search.crossref.org".to_string(),
        ),
        (IdKind::Doi, Status::Unverifiable) => (
            Code::UnverifiableDoi,
            format!("could not verify DOI {value}: {why}"),
            "run again later; this is not an error".to_string(),
        ),
        (IdKind::Url, Status::Broken) => (
            Code::BrokenUrl,
            format!("URL {value} is broken: {why}"),
            "find the page's new address, or cite an archived copy (https://web.archive.org)".to_string(),
        ),
        (IdKind::Url, Status::Unverifiable) => (
            Code::UnverifiableUrl,
            format!("could not verify URL {value}: {why}"),
            "check it in a browser; --exclude REGEX stops refcheck checking it".to_string(),
        ),
        (IdKind::Url, Status::Redirected) => {
            let to = r.redirect.as_deref().unwrap_or("another address");
            (
                Code::RedirectedUrl,
                format!("URL {value} permanently redirects to {to}"),
                format!("cite {to} instead"),
            )
        }
        (IdKind::Url, Status::Skipped) => (
            Code::SkippedPrivate,
            format!("URL {value} was not fetched: {why}"),
            "pass --allow-private to check addresses on this machine or the local network".to_string(),
        ),
        _ => return None,
    };
    Some(Finding::new(code, file, id.span, message).help(help))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Format, Reference};
    use crate::source::{SourceFile, Span};

    fn file_with(ids: Vec<Identifier>) -> FileReport {
        let mut document = Document::new(Format::Text);
        document.references.push(Reference {
            label: "7".into(),
            label_span: Span::new(0, 1),
            span: Span::new(0, 10),
            text: "entry".into(),
            identifiers: ids,
        });
        FileReport {
            source: SourceFile::new("a.txt", "7. entry https://a.test/ 10.1/x\n"),
            document,
            cited: vec![1],
        }
    }

    fn id(kind: IdKind, value: &str, start: usize) -> Identifier {
        Identifier {
            kind,
            value: value.into(),
            span: Span::new(start, start + value.len()),
            problem: None,
        }
    }

    #[test]
    fn statuses_become_findings_at_the_identifier() {
        let url = id(IdKind::Url, "https://a.test/", 9);
        let doi = id(IdKind::Doi, "10.1/x", 25);
        let files = vec![file_with(vec![url.clone(), doi.clone()])];
        let mut res = HashMap::new();
        res.insert(
            url.key(),
            Resolution::new(Status::Broken).reason("HTTP 404"),
        );
        res.insert(doi.key(), Resolution::new(Status::NotFound));
        let out = findings(&files, &res);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].code, Code::BrokenUrl);
        assert_eq!(out[0].span, url.span);
        assert_eq!(out[0].labels, vec!["7".to_string()]);
        assert!(out[0].message.contains("HTTP 404"));
        assert_eq!(out[1].code, Code::DoiNotFound);
    }

    #[test]
    fn ok_and_unresolved_identifiers_give_nothing() {
        let url = id(IdKind::Url, "https://a.test/", 9);
        let files = vec![file_with(vec![url.clone()])];
        assert!(findings(&files, &HashMap::new()).is_empty());
        let mut res = HashMap::new();
        res.insert(url.key(), Resolution::new(Status::Ok));
        assert!(findings(&files, &res).is_empty());
        res.insert(url.key(), Resolution::new(Status::Unchecked));
        assert!(findings(&files, &res).is_empty());
    }
}
