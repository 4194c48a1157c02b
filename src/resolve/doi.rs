//! DOIs are confirmed at the registry, never at the publisher.
//!
//! Publishers' pages block bots, demand cookies and time out; none of that says
//! anything about whether a DOI exists. The DOI registry does: its handle API
//! (`{--doi-resolver}/api/handles/{doi}`) answers `responseCode` 1 when the DOI is
//! registered and 100 (with HTTP 404) when it is not. Anything else — the registry
//! unreachable, 5xx after retries, an answer refcheck cannot read — leaves the DOI
//! `unverifiable`: refcheck never calls a DOI missing unless the registry says so.
//!
//! The DOI goes into the path percent-encoded as the DOI Handbook's "Encoding rules
//! for URL presentation" ask (`%`, `"`, `#`, space and `?` must be encoded; `<>{}^[]`
//! `` ` `` `|\+` should be), with the slash after the prefix left as it is.

use super::client::{FetchError, HttpClient};
use crate::model::{Resolution, Status};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Characters the DOI Handbook says to hex-encode in a URL (mandatory and recommended).
const DOI_PATH: &AsciiSet = &CONTROLS
    .add(b'%')
    .add(b'"')
    .add(b'#')
    .add(b' ')
    .add(b'?')
    .add(b'<')
    .add(b'>')
    .add(b'{')
    .add(b'}')
    .add(b'^')
    .add(b'[')
    .add(b']')
    .add(b'`')
    .add(b'|')
    .add(b'\\')
    .add(b'+');

/// A handle record is a few KiB; more than this is not a handle record.
const HANDLE_BODY_CAP: usize = 64 * 1024;

/// `doi` as it goes into a URL path.
pub fn encode(doi: &str) -> String {
    let mut s = utf8_percent_encode(doi, DOI_PATH).to_string();
    // Browsers and URL libraries collapse `/./` and `/../`; the Handbook recommends
    // encoding one of the slashes so the DOI reaches the registry intact.
    for (from, to) in [("/./", "/.%2F"), ("/../", "/..%2F")] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    if s.ends_with("/.") || s.ends_with("/..") {
        if let Some(i) = s.rfind('/') {
            s.replace_range(i..=i, "%2F");
        }
    }
    s
}

/// The handle-API address of `doi` under the registry `base`.
pub fn handle_url(base: &url::Url, doi: &str) -> Result<url::Url, String> {
    let text = format!(
        "{}/api/handles/{}",
        base.as_str().trim_end_matches('/'),
        encode(doi)
    );
    url::Url::parse(&text).map_err(|e| format!("cannot build the registry address {text}: {e}"))
}

/// Ask the registry at `base` whether `doi` exists.
pub async fn check(client: &HttpClient, base: &url::Url, doi: &str) -> Resolution {
    let url = match handle_url(base, doi) {
        Ok(u) => u,
        Err(e) => return Resolution::new(Status::Unverifiable).reason(e),
    };
    match client
        .get_trusted(url, Some("application/json"), HANDLE_BODY_CAP)
        .await
    {
        Ok(f) => interpret(f.status, &f.body),
        Err(FetchError::RetryAfterTooLong { status, wait }) => {
            let mut r = Resolution::new(Status::Unverifiable).reason(format!(
                "the DOI registry asks to wait {} s before asking again",
                wait.as_secs()
            ));
            r.http_status = Some(status);
            r
        }
        Err(e) => Resolution::new(Status::Unverifiable)
            .reason(format!("the DOI registry could not be reached: {e}")),
    }
}

/// What a handle-API answer means.
pub fn interpret(http_status: u16, body: &[u8]) -> Resolution {
    let code = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("responseCode").and_then(serde_json::Value::as_i64));
    let mut r = match code {
        // 1: found; 200: the handle exists but has no values of the type asked for.
        Some(1 | 200) if (200..300).contains(&http_status) => Resolution::new(Status::Ok),
        Some(100) => Resolution::new(Status::NotFound)
            .reason("the DOI registry has no such DOI (handle responseCode 100)"),
        Some(other) => Resolution::new(Status::Unverifiable).reason(format!(
            "the DOI registry answered HTTP {http_status} with responseCode {other}"
        )),
        None => Resolution::new(Status::Unverifiable).reason(format!(
            "the DOI registry answered HTTP {http_status} without a handle record"
        )),
    };
    r.http_status = Some(http_status);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_are_encoded_as_the_handbook_says() {
        assert_eq!(encode("10.1000/456#789"), "10.1000/456%23789");
        assert_eq!(encode("10.1000/a b?c%d\"e"), "10.1000/a%20b%3Fc%25d%22e");
        assert_eq!(
            encode("10.1002/(sici)1097-4636<135::aid>3.0.co;2-#"),
            "10.1002/(sici)1097-4636%3C135::aid%3E3.0.co;2-%23"
        );
        assert_eq!(encode("10.1000/x+y[1]"), "10.1000/x%2By%5B1%5D");
        assert_eq!(encode("10.1000/a/./b"), "10.1000/a/.%2Fb");
        assert_eq!(encode("10.1000/é"), "10.1000/%C3%A9");
    }

    #[test]
    fn handle_urls_keep_the_encoding() {
        let base = url::Url::parse("https://doi.org/").expect("test url");
        let u = handle_url(&base, "10.1000/a/../b#c").expect("valid");
        assert_eq!(
            u.as_str(),
            "https://doi.org/api/handles/10.1000/a/..%2Fb%23c"
        );
        let base = url::Url::parse("http://127.0.0.1:9/proxy").expect("test url");
        let u = handle_url(&base, "10.1/x").expect("valid");
        assert_eq!(u.as_str(), "http://127.0.0.1:9/proxy/api/handles/10.1/x");
    }

    #[test]
    fn answers_are_read_as_the_handle_api_defines_them() {
        let found = br#"{"responseCode":1,"handle":"10.1002/chem.202000622","values":[]}"#;
        assert_eq!(interpret(200, found).status(), Status::Ok);
        let missing = br#"{"responseCode":100,"handle":"10.9999/nope"}"#;
        assert_eq!(interpret(404, missing).status(), Status::NotFound);
        assert_eq!(
            interpret(404, b"<html>Not Found</html>").status(),
            Status::Unverifiable
        );
        assert_eq!(
            interpret(500, br#"{"responseCode":2}"#).status(),
            Status::Unverifiable
        );
        assert_eq!(interpret(200, b"").status(), Status::Unverifiable);
    }
}
