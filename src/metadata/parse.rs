//! Reading registry answers into [`Registered`] records.
//!
//! Crossref's `/works/{doi}` answer wraps a work in `message`; its search answer lists
//! works in `message.items`; DOI content negotiation returns one CSL-JSON object (some
//! tools store it as a one-element array). The field names are shared by all three,
//! but their shapes are not: Crossref writes `title` as an array of strings, CSL-JSON
//! as a string, and either may leave out anything. So the reader works on untyped JSON
//! and takes what is there: a missing or odd field leaves that part of the record
//! empty and never fails the whole record. Only a body that is not JSON, or holds no
//! work at all, is an error.

use super::{title_says_retracted, Notice, NoticeKind, Origin, Registered};
use serde_json::Value;

/// Why a registry answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the registry's answer is not JSON ({0})")]
    NotJson(String),
    #[error("the registry's answer holds no work record")]
    NoWork,
}

/// Read a Crossref `/works/{doi}` answer (`{"status": "ok", "message": {...}}`).
pub fn crossref_work(body: &str) -> Result<Registered, ParseError> {
    let v = json(body)?;
    let work = v
        .get("message")
        .filter(|m| is_work(m))
        .ok_or(ParseError::NoWork)?;
    Ok(work_record(work, Origin::Crossref))
}

/// Read a CSL-JSON answer of DOI content negotiation: one object, or an array whose
/// first element is the work.
pub fn csl(body: &str) -> Result<Registered, ParseError> {
    let v = json(body)?;
    let work = match &v {
        Value::Array(items) => items.first(),
        Value::Object(_) => Some(&v),
        _ => None,
    }
    .filter(|w| is_work(w))
    .ok_or(ParseError::NoWork)?;
    Ok(work_record(work, Origin::Csl))
}

/// Read a Crossref search answer (`/works?query.bibliographic=...`): the hits in the
/// order Crossref ranked them.
pub fn crossref_search(body: &str) -> Result<Vec<Registered>, ParseError> {
    let v = json(body)?;
    let items = v
        .get("message")
        .and_then(|m| m.get("items"))
        .and_then(Value::as_array)
        .ok_or(ParseError::NoWork)?;
    Ok(items
        .iter()
        .filter(|w| is_work(w))
        .map(|w| work_record(w, Origin::Crossref))
        .collect())
}

/// An object that names a work: it has a DOI or a title. Other JSON (an error
/// document, a DataCite JSON:API envelope) is not read as an empty work.
fn is_work(v: &Value) -> bool {
    v.is_object() && (v.get("DOI").is_some() || v.get("title").is_some())
}

fn json(body: &str) -> Result<Value, ParseError> {
    serde_json::from_str(body).map_err(|e| ParseError::NotJson(e.to_string()))
}

/// The fields both formats share, read leniently.
fn work_record(w: &Value, origin: Origin) -> Registered {
    let title = first_text(w.get("title"));
    let mut other_titles: Vec<String> = ["original-title", "short-title"]
        .iter()
        .flat_map(|k| texts(w.get(*k)))
        .collect();
    other_titles.dedup();
    let mut years = Vec::new();
    for key in [
        "issued",
        "published-print",
        "published-online",
        "published",
        "posted",
    ] {
        if let Some(y) = date_parts(w.get(key)).and_then(|d| d.first().copied()) {
            if !years.contains(&y) {
                years.push(y);
            }
        }
    }
    let mut notices = Vec::new();
    for u in w
        .get("updated-by")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(n) = update(u) {
            add_notice(&mut notices, n);
        }
    }
    for (relation, kind) in [
        ("is-retracted-by", NoticeKind::Retraction),
        ("is-corrected-by", NoticeKind::Correction),
    ] {
        let related = w.get("relation").and_then(|r| r.get(relation));
        for r in related.and_then(Value::as_array).into_iter().flatten() {
            let doi = r
                .get("id")
                .and_then(Value::as_str)
                .filter(|_| {
                    r.get("id-type")
                        .and_then(Value::as_str)
                        .is_none_or(|t| t.eq_ignore_ascii_case("doi"))
                })
                .map(clean_doi);
            add_notice(
                &mut notices,
                Notice {
                    kind,
                    doi,
                    date: None,
                    sources: vec!["relation".to_string()],
                },
            );
        }
    }
    if title.as_deref().is_some_and(title_says_retracted)
        && !notices
            .iter()
            .any(|n| n.kind.standing() == super::Standing::Retracted)
    {
        notices.push(Notice {
            kind: NoticeKind::Retraction,
            doi: None,
            date: None,
            sources: vec!["title".to_string()],
        });
    }
    let mut notice_for = Vec::new();
    for u in w
        .get("update-to")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(n) = update(u) {
            add_notice(&mut notice_for, n);
        }
    }
    Registered {
        doi: w
            .get("DOI")
            .and_then(Value::as_str)
            .map(clean_doi)
            .unwrap_or_default(),
        origin: Some(origin),
        title,
        subtitle: first_text(w.get("subtitle")),
        other_titles,
        authors: names(w.get("author")),
        editors: names(w.get("editor")),
        years,
        container: first_text(w.get("container-title")),
        kind: w.get("type").and_then(Value::as_str).map(str::to_string),
        notices,
        notice_for,
    }
}

/// One `updated-by` / `update-to` entry, when its type is one refcheck reports.
fn update(u: &Value) -> Option<Notice> {
    let kind = NoticeKind::from_crossref(u.get("type").and_then(Value::as_str)?)?;
    Some(Notice {
        kind,
        doi: u.get("DOI").and_then(Value::as_str).map(clean_doi),
        date: date_parts(u.get("updated")).map(|d| format_date(&d)),
        sources: u
            .get("source")
            .and_then(Value::as_str)
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
    })
}

/// Add `n`, merging it into a notice of the same kind and DOI (Crossref lists the
/// publisher's and Retraction Watch's assertion of one retraction separately).
fn add_notice(notices: &mut Vec<Notice>, n: Notice) {
    if let Some(same) = notices
        .iter_mut()
        .find(|m| m.kind == n.kind && m.doi == n.doi)
    {
        for s in n.sources {
            if !same.sources.contains(&s) {
                same.sources.push(s);
            }
        }
        if same.date.is_none() {
            same.date = n.date;
        }
    } else {
        notices.push(n);
    }
}

fn clean_doi(doi: &str) -> String {
    doi.trim().to_lowercase()
}

/// A string, or the strings of an array of strings; empty ones dropped.
fn texts(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
    .filter(|s| !s.is_empty())
    .collect()
}

fn first_text(v: Option<&Value>) -> Option<String> {
    texts(v).into_iter().next()
}

/// Family names of a CSL/Crossref name list; organisations by their name.
fn names(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| {
            ["family", "name", "literal"]
                .iter()
                .find_map(|k| a.get(*k).and_then(Value::as_str))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        })
        .collect()
}

/// The first `date-parts` of a date object: `[year, month?, day?]`. Parts may be
/// numbers or numeric strings (older CSL-JSON writes `["2017"]`).
fn date_parts(v: Option<&Value>) -> Option<Vec<i32>> {
    let first = v?.get("date-parts")?.as_array()?.first()?.as_array()?;
    let parts: Vec<i32> = first
        .iter()
        .map_while(|p| match p {
            Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
        .collect();
    parts
        .first()
        .is_some_and(|y| (1000..=2999).contains(y))
        .then_some(parts)
}

fn format_date(parts: &[i32]) -> String {
    match parts {
        [y, m, d, ..] => format!("{y:04}-{m:02}-{d:02}"),
        [y, m] => format!("{y:04}-{m:02}"),
        [y] => format!("{y:04}"),
        [] => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::Standing;

    #[test]
    fn crossref_work_fields_are_read() {
        let body = r#"{"status":"ok","message":{"DOI":"10.1/ABC","title":["A <i>study</i>  of x"],
            "subtitle":["and y"],"author":[{"given":"A","family":"Smith"},{"name":"WHO"}],
            "issued":{"date-parts":[[2019,12]]},"published-online":{"date-parts":[[2019,11,2]]},
            "published-print":{"date-parts":[[2020]]},"container-title":["J. X"],"type":"journal-article"}}"#;
        let r = crossref_work(body).unwrap();
        assert_eq!(r.doi, "10.1/abc");
        assert_eq!(r.title.as_deref(), Some("A <i>study</i> of x"));
        assert_eq!(r.subtitle.as_deref(), Some("and y"));
        assert_eq!(r.authors, vec!["Smith", "WHO"]);
        assert_eq!(r.years, vec![2019, 2020]);
        assert_eq!(r.container.as_deref(), Some("J. X"));
        assert!(r.notices.is_empty());
    }

    #[test]
    fn csl_strings_and_arrays_both_read() {
        let r = csl(r#"[{"DOI":"10.5/x","title":"T","container-title":"C","author":[{"family":"F"}],"issued":{"date-parts":[["2017"]]}}]"#).unwrap();
        assert_eq!(r.title.as_deref(), Some("T"));
        assert_eq!(r.years, vec![2017]);
        assert_eq!(r.origin, Some(Origin::Csl));
    }

    #[test]
    fn notices_from_updates_relations_and_titles() {
        let body = r#"{"message":{"title":["RETRACTED: T"],
            "updated-by":[{"DOI":"10.1/EOC","type":"expression_of_concern","source":"publisher","updated":{"date-parts":[[2021,3,4]]}},
                          {"DOI":"10.1/n","type":"new_version"}],
            "relation":{"is-retracted-by":[{"id-type":"doi","id":"10.1/R","asserted-by":"subject"}]}}}"#;
        let r = crossref_work(body).unwrap();
        assert_eq!(r.notices.len(), 2);
        assert_eq!(r.notices[0].date.as_deref(), Some("2021-03-04"));
        assert_eq!(r.notices[1].doi.as_deref(), Some("10.1/r"));
        assert_eq!(r.standing(), Some(Standing::Retracted));
        let only_title = crossref_work(r#"{"message":{"title":["Retracted: T"]}}"#).unwrap();
        assert_eq!(only_title.notices[0].sources, vec!["title"]);
    }

    #[test]
    fn odd_shapes_never_fail_the_record() {
        let r = crossref_work(r#"{"message":{"title":7,"author":"x","issued":{"date-parts":[[null]]},"updated-by":{}}}"#).unwrap();
        assert_eq!(
            r,
            Registered {
                origin: Some(Origin::Crossref),
                ..Registered::default()
            }
        );
        assert!(matches!(
            crossref_work("<html>"),
            Err(ParseError::NotJson(_))
        ));
        assert_eq!(crossref_work(r#"{"status":"ok"}"#), Err(ParseError::NoWork));
        assert_eq!(csl("[]"), Err(ParseError::NoWork));
        assert_eq!(
            csl(r#"{"data":{"id":"10.5061/x"}}"#),
            Err(ParseError::NoWork)
        );
    }

    #[test]
    fn search_hits_keep_their_rank() {
        let hits = crossref_search(r#"{"message":{"items":[{"DOI":"10.1/a"},{"DOI":"10.1/b"}]}}"#)
            .unwrap();
        assert_eq!(
            hits.iter().map(|h| h.doi.as_str()).collect::<Vec<_>>(),
            vec!["10.1/a", "10.1/b"]
        );
    }
}
