//! The requests that fetch registered metadata, described without sending them.
//!
//! The resolver owns the HTTP client, per-host limits, retries and the cache; this
//! module only says what to ask and how to read Crossref's pacing hints, so the rules
//! live in one place and are tested without a network:
//!
//! - `{crossref_api}/works/{doi}`: the DOI percent-encoded as one path segment (a DOI
//!   may hold `/`, `?`, `#`, `;` or `<`, which would otherwise change the URL's meaning);
//! - `{doi_resolver}/{doi}` with `Accept: application/vnd.citationstyles.csl+json`,
//!   for DOIs that Crossref does not know (DataCite, mEDRA, ...); the prefix/suffix
//!   `/` stays as the DOI proxy expects it;
//! - `{crossref_api}/works?query.bibliographic=...&rows=3` for `--suggest-dois`;
//! - Crossref's `x-rate-limit-limit` / `x-rate-limit-interval` headers, read into a
//!   [`Pacing`] that the resolver applies to the Crossref host;
//! - what an answer means ([`read_crossref`], [`read_csl`]): a record, "ask the next
//!   registry", "try again later", or unusable.

use super::{parse, Registered};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::time::Duration;

/// The `Accept` header that asks the DOI proxy for CSL-JSON.
pub const CSL_ACCEPT: &str = "application/vnd.citationstyles.csl+json";

/// How many hits the bibliographic search asks for.
pub const SEARCH_ROWS: u32 = 3;

/// Requests in flight to the Crossref host by default (its etiquette for the polite
/// pool).
pub const CROSSREF_MAX_IN_FLIGHT: usize = 5;

/// Everything but RFC 3986 unreserved characters is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `{crossref_api}/works/{doi}`, the DOI encoded as a single path segment.
///
/// ```
/// use refcheck::metadata::api::works_url;
/// assert_eq!(
///     works_url("https://api.crossref.org/", "10.1177/0956797614520714"),
///     "https://api.crossref.org/works/10.1177%2F0956797614520714"
/// );
/// ```
pub fn works_url(crossref_api: &str, doi: &str) -> String {
    format!(
        "{}/works/{}",
        base(crossref_api),
        utf8_percent_encode(doi, SEGMENT)
    )
}

/// `{doi_resolver}/{doi}`, to be sent with `Accept:` [`CSL_ACCEPT`]; the DOI is encoded
/// as the handle API's address is ([`crate::resolve::doi::encode`], the DOI Handbook's
/// rules), so both requests name the DOI the same way.
///
/// ```
/// use refcheck::metadata::api::csl_url;
/// assert_eq!(
///     csl_url("https://doi.org", "10.6084/m9.figshare.4724797"),
///     "https://doi.org/10.6084/m9.figshare.4724797"
/// );
/// ```
pub fn csl_url(doi_resolver: &str, doi: &str) -> String {
    format!(
        "{}/{}",
        base(doi_resolver),
        crate::resolve::doi::encode(doi)
    )
}

/// `{crossref_api}/works?query.bibliographic={query}&rows=3`: the entry's text (or
/// the parts of it refcheck could read) as a free-text bibliographic query.
///
/// ```
/// use refcheck::metadata::api::search_url;
/// assert_eq!(
///     search_url("https://api.crossref.org", "Frank 1970 Ordinary water"),
///     "https://api.crossref.org/works?query.bibliographic=Frank%201970%20Ordinary%20water&rows=3"
/// );
/// ```
pub fn search_url(crossref_api: &str, query: &str) -> String {
    // Crossref caps queries; a whole entry is far below this, a pasted page is not.
    let query: String = query
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(500)
        .collect();
    format!(
        "{}/works?query.bibliographic={}&rows={SEARCH_ROWS}",
        base(crossref_api),
        utf8_percent_encode(&query, SEGMENT)
    )
}

/// What a metadata answer means for the DOI.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The registered record.
    Found(Box<Registered>),
    /// This registry does not know the DOI: ask the next one (a Crossref 404 is
    /// followed by content negotiation; a 406 there means the DOI's agency offers no
    /// CSL-JSON). Never evidence against the entry.
    Unknown,
    /// Try again later (429, 5xx); the resolver's retry rules apply.
    Transient,
    /// The answer cannot be used (unreadable body, unexpected status): no comparison
    /// is made, and the DOI keeps the status the registry gave it.
    Unusable(String),
}

/// Read a Crossref `/works/{doi}` answer by its HTTP status and body.
///
/// ```
/// use refcheck::metadata::api::{read_crossref, Answer};
/// assert_eq!(read_crossref(404, "Resource not found."), Answer::Unknown);
/// assert_eq!(read_crossref(429, ""), Answer::Transient);
/// ```
pub fn read_crossref(status: u16, body: &str) -> Answer {
    read(status, body, parse::crossref_work)
}

/// Read a content-negotiation answer (`Accept:` [`CSL_ACCEPT`]) by its HTTP status and
/// body, after redirects.
pub fn read_csl(status: u16, body: &str) -> Answer {
    read(status, body, parse::csl)
}

fn read(
    status: u16,
    body: &str,
    parser: fn(&str) -> Result<Registered, parse::ParseError>,
) -> Answer {
    match status {
        200 => match parser(body) {
            Ok(r) => Answer::Found(Box::new(r)),
            Err(e) => Answer::Unusable(e.to_string()),
        },
        404 | 406 | 410 => Answer::Unknown,
        408 | 429 | 500..=599 => Answer::Transient,
        other => Answer::Unusable(format!("HTTP {other}")),
    }
}

fn base(url: &str) -> &str {
    url.trim_end_matches('/')
}

/// A request budget announced by Crossref: `limit` requests per `interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    pub limit: u32,
    pub interval: Duration,
}

impl Pacing {
    /// Read `x-rate-limit-limit` (`50`) and `x-rate-limit-interval` (`1s`). Missing or
    /// unreadable values give `None`: keep the current pace.
    ///
    /// ```
    /// use refcheck::metadata::api::Pacing;
    /// use std::time::Duration;
    /// let p = Pacing::from_values(Some("50"), Some("1s")).unwrap();
    /// assert_eq!(p.spacing(), Duration::from_millis(20));
    /// ```
    pub fn from_values(limit: Option<&str>, interval: Option<&str>) -> Option<Pacing> {
        let limit: u32 = limit?.trim().parse().ok().filter(|l| *l > 0)?;
        let interval = parse_interval(interval?)?;
        Some(Pacing { limit, interval })
    }

    /// [`Pacing::from_values`] on a response's headers.
    pub fn from_headers(headers: &reqwest::header::HeaderMap) -> Option<Pacing> {
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        Pacing::from_values(get("x-rate-limit-limit"), get("x-rate-limit-interval"))
    }

    /// The least time between the starts of two requests that keeps within budget.
    pub fn spacing(&self) -> Duration {
        self.interval / self.limit
    }
}

/// `1s`, `500ms`, `2m`, or plain seconds (`1`); at most an hour, more is taken for a
/// garbled header rather than a reason to stall the run.
fn parse_interval(s: &str) -> Option<Duration> {
    let s = s.trim().to_ascii_lowercase();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let d = match unit.trim() {
        "" | "s" | "sec" | "secs" | "seconds" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" | "min" | "minutes" => Duration::from_secs(n.checked_mul(60)?),
        _ => return None,
    };
    (!d.is_zero() && d <= Duration::from_secs(3600)).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_are_encoded_for_each_endpoint() {
        assert_eq!(
            works_url("http://127.0.0.1:9/api", "10.1002/(sici)1097-4636#x?y"),
            "http://127.0.0.1:9/api/works/10.1002%2F%28sici%291097-4636%23x%3Fy"
        );
        assert_eq!(
            csl_url("https://doi.org/", "10.1000/a b#c"),
            "https://doi.org/10.1000/a%20b%23c"
        );
    }

    #[test]
    fn search_queries_are_one_encoded_parameter() {
        let url = search_url(
            "https://api.crossref.org",
            "Smith & Jones  (2005)\n\"Title\"",
        );
        assert_eq!(
            url,
            "https://api.crossref.org/works?query.bibliographic=Smith%20%26%20Jones%20%282005%29%20%22Title%22&rows=3"
        );
        assert!(search_url("x", &"a ".repeat(2000)).len() < 1600);
    }

    #[test]
    fn answers_are_read_by_status_then_body() {
        assert!(
            matches!(read_crossref(200, r#"{"message":{"DOI":"10.1/a"}}"#), Answer::Found(r) if r.doi == "10.1/a")
        );
        assert!(matches!(
            read_crossref(200, "<html>busy</html>"),
            Answer::Unusable(_)
        ));
        assert_eq!(read_csl(406, ""), Answer::Unknown);
        assert_eq!(read_csl(503, ""), Answer::Transient);
        assert_eq!(read_csl(403, ""), Answer::Unusable("HTTP 403".into()));
        assert!(
            matches!(read_csl(200, r#"{"DOI":"10.5/b","title":"T"}"#), Answer::Found(r) if r.title.as_deref() == Some("T"))
        );
    }

    #[test]
    fn rate_limit_headers_become_a_pace() {
        let p = Pacing::from_values(Some("50"), Some("1s")).unwrap();
        assert_eq!(p.limit, 50);
        assert_eq!(p.interval, Duration::from_secs(1));
        assert_eq!(
            Pacing::from_values(Some("10"), Some("500ms"))
                .unwrap()
                .spacing(),
            Duration::from_millis(50)
        );
        assert_eq!(Pacing::from_values(Some("0"), Some("1s")), None);
        assert_eq!(Pacing::from_values(Some("50"), Some("soon")), None);
        assert_eq!(Pacing::from_values(None, Some("1s")), None);
        assert_eq!(Pacing::from_values(Some("5"), Some("99999s")), None);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-rate-limit-limit", "5".parse().unwrap());
        headers.insert("x-rate-limit-interval", "2m".parse().unwrap());
        assert_eq!(
            Pacing::from_headers(&headers).unwrap().spacing(),
            Duration::from_secs(24)
        );
    }
}
