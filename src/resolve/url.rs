//! Checking a URL: is the page there, gone, moved, or impossible to tell?
//!
//! The rules, in the order they apply:
//! - Only `http` and `https` are fetched; other schemes stay `unchecked`.
//! - Each hop is probed with `HEAD`; a `GET` follows when `HEAD` is refused (405, 501)
//!   or answers anything but success or a redirect, because many servers implement
//!   `HEAD` badly. Bodies are read (up to a cap) only to recognise bot walls.
//! - Redirects are followed by hand, up to [`MAX_REDIRECTS`], each hop checked again
//!   for private addresses; a URL seen twice is a loop.
//! - `broken` only when the answer is certain: 404, 410, a host that does not exist,
//!   a refused connection, a redirect loop. 401, 403, 429, 999, bot-challenge pages,
//!   timeouts, 5xx and an unreachable DNS server are `unverifiable`: the page may well
//!   be alive, and calling it broken would teach users to ignore refcheck.
//! - A redirect loop that sets cookies is `unverifiable`: refcheck keeps no cookies,
//!   and such loops are how sites check for a browser.
//! - A chain that starts with permanent redirects (301, 308) and ends on a live page
//!   is `redirected`, naming the address the permanent redirects lead to.

use super::client::{is_html, FetchError, Fetched, HttpClient, Request, BODY_CAP};
use super::safety::{check_literal, find_cause, DnsFailureKind, PrivateAddress};
use crate::model::{Resolution, Status};
use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::Method;
use std::collections::HashSet;

/// The most redirects followed for one URL.
pub const MAX_REDIRECTS: usize = 10;

/// Check `raw` (already remapped).
pub async fn check(client: &HttpClient, raw: &str) -> Resolution {
    let Ok(start) = url::Url::parse(raw) else {
        return Resolution::new(Status::Broken).reason("not a valid URL");
    };
    if !matches!(start.scheme(), "http" | "https") {
        return Resolution::new(Status::Unchecked).reason("only http and https URLs are fetched");
    }
    let mut current = start;
    let mut seen = HashSet::from([current.clone()]);
    // Where the leading run of permanent redirects leads, if the chain starts with one.
    let mut moved_to: Option<url::Url> = None;
    let mut still_permanent = true;
    let mut wants_cookies = false;
    for hop in 0..=MAX_REDIRECTS {
        if let Some(skip) = private_hop(client, &current).await {
            return skip;
        }
        let fetched = match probe(client, &current).await {
            Ok(f) => f,
            Err(e) => return with_hop(from_error(&e), hop, &current),
        };
        if !matches!(fetched.status, 301 | 302 | 303 | 307 | 308) {
            let mut r = with_hop(from_status(&fetched), hop, &current);
            if r.status() == Status::Ok {
                if let Some(to) = moved_to {
                    r.status = Some(Status::Redirected);
                    r.reason = Some(format!("moved permanently to {to}"));
                    r.redirect = Some(to.to_string());
                }
            }
            return r;
        }
        let Some(next) = location(&fetched, &current) else {
            let mut r = Resolution::new(Status::Unverifiable)
                .reason("a redirect without a usable Location");
            r.http_status = Some(fetched.status);
            return r;
        };
        if hop == MAX_REDIRECTS {
            let mut r = Resolution::new(Status::Broken)
                .reason(format!("more than {MAX_REDIRECTS} redirects"));
            r.http_status = Some(fetched.status);
            return r;
        }
        wants_cookies |= fetched.headers.contains_key(SET_COOKIE);
        if !seen.insert(next.clone()) {
            // A loop that sets cookies is a browser check (cookies are never kept),
            // not a dead link.
            let mut r = if wants_cookies {
                Resolution::new(Status::Unverifiable).reason(format!(
                    "redirect loop back to {next} that asks for cookies"
                ))
            } else {
                Resolution::new(Status::Broken).reason(format!("redirect loop back to {next}"))
            };
            r.http_status = Some(fetched.status);
            return r;
        }
        if !matches!(next.scheme(), "http" | "https") {
            let mut r = Resolution::new(Status::Unverifiable)
                .reason(format!("redirects to {next}, which is not fetched"));
            r.http_status = Some(fetched.status);
            return r;
        }
        if still_permanent && matches!(fetched.status, 301 | 308) {
            moved_to = Some(next.clone());
        } else {
            still_permanent = false;
        }
        current = next;
    }
    Resolution::new(Status::Broken).reason(format!("more than {MAX_REDIRECTS} redirects"))
}

/// `Some(skipped)` when `url` points at an address article content must not reach.
/// Names are left to the resolver, except where it is not asked: the configured
/// endpoints' names (which it trusts) and every name when a proxy does the lookups.
/// A lookup that fails here decides nothing; only a private answer does.
async fn private_hop(client: &HttpClient, url: &url::Url) -> Option<Resolution> {
    if client.config().allow_private {
        return None;
    }
    if let Err(p) = check_literal(url) {
        return Some(skipped(&p));
    }
    let host = url.host_str()?;
    if client.resolver().is_trusted(host) || client.config().proxied {
        if let Err(e) = client.resolver().lookup(host, true).await {
            if let Some(p) = find_cause::<PrivateAddress>(e.as_ref()) {
                return Some(skipped(p));
            }
        }
    }
    None
}

fn skipped(p: &PrivateAddress) -> Resolution {
    Resolution::new(Status::Skipped).reason(p.to_string())
}

/// HEAD first, GET when HEAD is refused or not to be trusted.
async fn probe(client: &HttpClient, url: &url::Url) -> Result<Fetched, FetchError> {
    let mut head = Request::new(Method::HEAD, url.clone());
    head.retry = false;
    match client.fetch(&head).await {
        Ok(f) if (200..400).contains(&f.status) => return Ok(f),
        Err(e @ (FetchError::Private(_) | FetchError::RetryAfterTooLong { .. })) => return Err(e),
        Err(FetchError::Dns(d)) if d.kind == DnsFailureKind::NoSuchHost => {
            return Err(FetchError::Dns(d))
        }
        _ => {}
    }
    let mut get = Request::new(Method::GET, url.clone());
    get.accept = Some("text/html,application/xhtml+xml,*/*;q=0.8".into());
    get.body_cap = BODY_CAP;
    get.body_only_if_html = true;
    client.fetch(&get).await
}

/// The redirect target, resolved against the current URL.
fn location(f: &Fetched, current: &url::Url) -> Option<url::Url> {
    let value = f.headers.get(LOCATION)?.to_str().ok()?;
    let mut next = current.join(value.trim()).ok()?;
    next.set_fragment(None);
    Some(next)
}

/// Say which hop a verdict is about when it is not the URL as written.
fn with_hop(mut r: Resolution, hop: usize, at: &url::Url) -> Resolution {
    if hop > 0 {
        if let Some(reason) = &r.reason {
            r.reason = Some(format!("{reason} (after redirects, at {at})"));
        }
    }
    r
}

/// The verdict on a final (non-redirect) answer.
fn from_status(f: &Fetched) -> Resolution {
    let status = f.status;
    let challenge = bot_challenge(f);
    let (verdict, reason) = match status {
        _ if challenge => (
            Status::Unverifiable,
            format!("a bot-challenge page (HTTP {status})"),
        ),
        200..=399 => (Status::Ok, String::new()),
        404 | 410 => (Status::Broken, format!("HTTP {status}")),
        401 | 403 => (
            Status::Unverifiable,
            format!("HTTP {status}: access denied to automated checks"),
        ),
        429 => (
            Status::Unverifiable,
            format!("HTTP 429: too many requests{}", attempts(f)),
        ),
        999 => (
            Status::Unverifiable,
            "HTTP 999: the site refuses automated checks".to_string(),
        ),
        500..=599 => (
            Status::Unverifiable,
            format!("HTTP {status}: server error{}", attempts(f)),
        ),
        _ => (Status::Unverifiable, format!("HTTP {status}")),
    };
    let mut r = Resolution::new(verdict);
    if !reason.is_empty() {
        r.reason = Some(reason);
    }
    r.http_status = Some(status);
    r
}

/// ", after N attempts" when there was more than one.
fn attempts(f: &Fetched) -> String {
    if f.attempts > 1 {
        format!(", after {} attempts", f.attempts)
    } else {
        String::new()
    }
}

/// The verdict when no answer came.
fn from_error(e: &FetchError) -> Resolution {
    match e {
        FetchError::Private(p) => skipped(p),
        FetchError::Dns(d) if d.kind == DnsFailureKind::NoSuchHost => {
            Resolution::new(Status::Broken).reason(d.detail.clone())
        }
        FetchError::Dns(d) => {
            Resolution::new(Status::Unverifiable).reason(format!("DNS lookup failed: {}", d.detail))
        }
        FetchError::Refused => {
            Resolution::new(Status::Broken).reason("connection refused, after retries")
        }
        FetchError::RetryAfterTooLong { status, .. } => {
            let mut r = Resolution::new(Status::Unverifiable).reason(e.to_string());
            r.http_status = Some(*status);
            r
        }
        other => Resolution::new(Status::Unverifiable).reason(other.to_string()),
    }
}

/// Does the answer look like a bot wall (Cloudflare's "Just a moment...", a captcha
/// interstitial) rather than the page itself?
pub fn bot_challenge(f: &Fetched) -> bool {
    if f.headers
        .get("cf-mitigated")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("challenge"))
    {
        return true;
    }
    if !is_html(&f.headers) || f.body.is_empty() {
        return false;
    }
    let head = String::from_utf8_lossy(&f.body[..f.body.len().min(64 * 1024)]).to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "<title>just a moment...</title>",
        "/cdn-cgi/challenge-platform/",
        "cf_chl_opt",
        "<title>attention required! | cloudflare</title>",
        "ddos-guard",
        "captcha-delivery.com",
        "/_incapsula_resource",
        "<title>access denied</title>",
    ];
    MARKERS.iter().any(|m| head.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};

    fn fetched(status: u16, content_type: &str, body: &str) -> Fetched {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_str(content_type).expect("test header"),
        );
        Fetched {
            status,
            headers,
            body: body.as_bytes().to_vec(),
            attempts: 1,
        }
    }

    #[test]
    fn statuses_are_classified_conservatively() {
        let cases = [
            (200, Status::Ok),
            (404, Status::Broken),
            (410, Status::Broken),
            (401, Status::Unverifiable),
            (403, Status::Unverifiable),
            (429, Status::Unverifiable),
            (999, Status::Unverifiable),
            (503, Status::Unverifiable),
            (400, Status::Unverifiable),
        ];
        for (code, want) in cases {
            assert_eq!(
                from_status(&fetched(code, "text/plain", "")).status(),
                want,
                "{code}"
            );
        }
    }

    #[test]
    fn bot_walls_are_unverifiable_even_with_200() {
        let wall = "<html><head><title>Just a moment...</title></head></html>";
        let r = from_status(&fetched(200, "text/html; charset=utf-8", wall));
        assert_eq!(r.status(), Status::Unverifiable);
        assert!(r.reason.unwrap_or_default().contains("bot-challenge"));
        assert_eq!(
            from_status(&fetched(200, "text/html", "<title>Welcome</title>")).status(),
            Status::Ok
        );
        assert!(!bot_challenge(&fetched(200, "application/pdf", wall)));
    }

    #[test]
    fn errors_are_classified() {
        assert_eq!(from_error(&FetchError::Refused).status(), Status::Broken);
        assert_eq!(
            from_error(&FetchError::Timeout(std::time::Duration::from_secs(1))).status(),
            Status::Unverifiable
        );
        let nx = super::super::safety::DnsFailure {
            kind: DnsFailureKind::NoSuchHost,
            detail: "x".into(),
        };
        assert_eq!(from_error(&FetchError::Dns(nx)).status(), Status::Broken);
    }
}
