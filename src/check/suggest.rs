//! `--suggest-dois`: offer a DOI for an entry that has none, or whose DOI names
//! another work.
//!
//! The resolver sends the entry's bibliographic part ([`search_query`]) to Crossref's
//! bibliographic search ([`crate::metadata::api::search_url`]) and hands the hits to
//! [`suggest`]. Only the top hit is considered, and only when its title, first author
//! and year all agree with the entry: a wrong suggestion is worse than none, because a
//! hurried author may paste it without looking.

use super::claims::{bibliographic_part, Claims};
use super::metadata::{compare, TitleAgreement};
use crate::metadata::Registered;
use serde::Serialize;

/// A DOI refcheck proposes for an entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub doi: String,
    pub title: Option<String>,
    pub first_author: Option<String>,
    pub year: Option<i32>,
    /// How alike the entry's title and the suggested work's title are (0 to 1).
    pub title_similarity: f64,
}

impl Suggestion {
    /// The help line that carries the suggestion.
    pub fn help(&self) -> String {
        let mut s = format!("Crossref lists this work as DOI {}", self.doi);
        if let Some(t) = &self.title {
            s.push_str(&format!(" (\"{}\"", super::normalize::strip_tags(t)));
            match (&self.first_author, self.year) {
                (Some(a), Some(y)) => s.push_str(&format!(", {a}, {y})")),
                _ => s.push(')'),
            }
        }
        s.push_str(": add it if it is the work you cite");
        s
    }
}

/// The query for an entry: its text without label, identifiers and links.
pub fn search_query(entry_text: &str) -> String {
    bibliographic_part(entry_text).to_string()
}

/// The top hit, when it is the work the entry claims: title matching, first author
/// among its authors and year within one. Entries that do not state all three get
/// no suggestion.
pub fn suggest(claimed: &Claims, hits: &[Registered]) -> Option<Suggestion> {
    let top = hits.first().filter(|h| !h.doi.is_empty())?;
    let e = compare(claimed, top);
    let agrees = e.title_agreement == TitleAgreement::Matches
        && e.first_author_found == Some(true)
        && e.year_matches == Some(true);
    agrees.then(|| Suggestion {
        doi: top.doi.clone(),
        title: e.registered_title,
        first_author: e.registered_first_author,
        year: e.registered_year,
        title_similarity: e.title_similarity.unwrap_or(0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::claims::claims;

    fn hit(doi: &str, title: &str, author: &str, year: i32) -> Registered {
        Registered {
            doi: doi.into(),
            title: Some(title.into()),
            authors: vec![author.into()],
            years: vec![year],
            ..Registered::default()
        }
    }

    #[test]
    fn only_a_top_hit_that_agrees_in_every_part_is_offered() {
        let c =
            claims("Frank, H. S. (1970). The structure of ordinary water. Science, 169, 635-641.");
        let good = hit(
            "10.1126/science.169.3946.635",
            "The Structure of Ordinary Water",
            "Frank",
            1970,
        );
        let s = suggest(&c, std::slice::from_ref(&good)).unwrap();
        assert_eq!(s.doi, "10.1126/science.169.3946.635");
        assert_eq!(s.title_similarity, 1.0);
        assert!(s.help().contains(
            "DOI 10.1126/science.169.3946.635 (\"The Structure of Ordinary Water\", Frank, 1970)"
        ));
        let other_year = hit("10.1/b", "The Structure of Ordinary Water", "Frank", 1990);
        assert_eq!(suggest(&c, &[other_year, good.clone()]), None);
        assert_eq!(
            suggest(
                &c,
                &[hit(
                    "10.1/c",
                    "The Structure of Ordinary Water",
                    "Franks",
                    1970
                )]
            ),
            None
        );
        assert_eq!(suggest(&c, &[]), None);
        let no_author = claims("The structure of ordinary water (1970).");
        assert_eq!(suggest(&no_author, &[good]), None);
    }

    #[test]
    fn queries_leave_out_identifiers() {
        assert_eq!(
            search_query("[4] A. Smith, \"A title,\" J. X, 2016, doi: 10.1/abc. https://x.org"),
            "A. Smith, \"A title,\" J. X, 2016,"
        );
    }
}
