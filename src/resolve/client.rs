//! The one HTTP client of a run, and the rules every request obeys.
//!
//! [`HttpClient::fetch`] is the only way refcheck talks to the network. Each attempt
//! waits for a slot at its host (`--per-host`, pacing after a 429) and then for a slot
//! overall (`--concurrency`), in that order, so that requests queued behind a slow
//! host never occupy the overall slots. Slots are given back while a retry waits.
//!
//! Transient failures (408, 429, 5xx, timeouts, resets, refused or failed connections,
//! an unreachable DNS server) are retried `--retries` times with exponential backoff
//! and jitter; `Retry-After` (seconds or an HTTP date) replaces the backoff when it is
//! at most [`RETRY_AFTER_CAP`], and beyond that the request gives up at once with
//! [`FetchError::RetryAfterTooLong`]. Every attempt is bounded by `--timeout`, and
//! bodies are read only up to a cap, so a run cannot hang on an endless or huge body.
//!
//! Other parts of refcheck (the Crossref metadata lookups) reuse the same client,
//! limits and retries through [`HttpClient::get_trusted`].

use super::hosts::Hosts;
use super::safety::{find_cause, DnsFailure, DnsFailureKind, PrivateAddress, SafeResolver};
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Method;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;

/// The longest `Retry-After` refcheck waits for.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);
/// The most of a body refcheck ever reads.
pub const BODY_CAP: usize = 256 * 1024;

/// How the client behaves; built from the run's options.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub concurrency: usize,
    pub per_host: usize,
    pub timeout: Duration,
    pub retries: u32,
    /// The first backoff; each retry doubles it (plus up to 50 % jitter).
    pub backoff_base: Duration,
    pub allow_private: bool,
    /// Host names of the endpoints the user configured, trusted as given.
    pub trusted_hosts: HashSet<String>,
    /// Names pinned to addresses (like curl's `--resolve`); trusted as configured.
    pub pinned: Vec<(String, SocketAddr)>,
    pub user_agent: String,
    /// A proxy is configured (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`): the proxy,
    /// not refcheck's resolver, looks names up, so names are checked before each hop.
    pub proxied: bool,
    /// Limits and headers for particular hosts.
    pub hosts: HashMap<String, super::hosts::HostLimits>,
}

/// One request to make.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: url::Url,
    pub accept: Option<String>,
    /// Read up to this many bytes of the body (0: do not read it).
    pub body_cap: usize,
    /// Read the body only when the answer is HTML (or says nothing of its type).
    pub body_only_if_html: bool,
    /// Retry transient failures (off for a single probing attempt).
    pub retry: bool,
}

impl Request {
    pub fn new(method: Method, url: url::Url) -> Self {
        Request {
            method,
            url,
            accept: None,
            body_cap: 0,
            body_only_if_html: false,
            retry: true,
        }
    }
}

/// A response: status, headers and the first bytes of the body.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    pub headers: HeaderMap,
    /// At most the request's `body_cap` bytes.
    pub body: Vec<u8>,
    /// How many attempts it took.
    pub attempts: u32,
}

/// Why no response came back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    Private(PrivateAddress),
    #[error("{}", .0.detail)]
    Dns(DnsFailure),
    #[error("timed out after {} s", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("connection refused")]
    Refused,
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("the server asks to wait {} s before retrying (HTTP {status}), more than refcheck waits", .wait.as_secs())]
    RetryAfterTooLong { status: u16, wait: Duration },
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// Worth another attempt?
    fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout(_)
            | FetchError::Refused
            | FetchError::Connect(_)
            | FetchError::Other(_) => true,
            FetchError::Dns(d) => d.kind == DnsFailureKind::Unreachable,
            FetchError::Private(_) | FetchError::RetryAfterTooLong { .. } => false,
        }
    }
}

/// Is a response with this status worth another attempt?
pub fn is_transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504) || (505..600).contains(&status)
}

/// The run's HTTP client with its limits.
#[derive(Debug)]
pub struct HttpClient {
    inner: reqwest::Client,
    hosts: Hosts,
    overall: Semaphore,
    resolver: SafeResolver,
    config: ClientConfig,
}

impl HttpClient {
    /// Build the client. Fails only when the TLS stack cannot start (no usable
    /// certificate store).
    pub fn new(config: ClientConfig) -> Result<Self, String> {
        let resolver = SafeResolver::new(config.allow_private, config.trusted_hosts.clone());
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(resolver.clone())
            .connect_timeout(config.timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .tcp_nodelay(true);
        for (name, addr) in &config.pinned {
            builder = builder.resolve(name, *addr);
        }
        let inner = builder
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {}", error_chain(&e)))?;
        Ok(HttpClient {
            inner,
            hosts: Hosts::new(config.per_host, config.hosts.clone()),
            overall: Semaphore::new(config.concurrency.max(1)),
            resolver,
            config,
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub fn resolver(&self) -> &SafeResolver {
        &self.resolver
    }

    /// GET a configured (trusted) endpoint such as the DOI registry or Crossref, with
    /// the per-host limits and retries; the body is read up to `body_cap` bytes
    /// ([`BODY_CAP`] suits most JSON records).
    pub async fn get_trusted(
        &self,
        url: url::Url,
        accept: Option<&str>,
        body_cap: usize,
    ) -> Result<Fetched, FetchError> {
        let mut req = Request::new(Method::GET, url);
        req.accept = accept.map(str::to_string);
        req.body_cap = body_cap;
        self.fetch(&req).await
    }

    /// Space the requests to `url`'s host at least `spacing` apart from now on (a
    /// budget the host announced, such as Crossref's `x-rate-limit-*` headers).
    pub fn pace_host(&self, url: &url::Url, spacing: Duration) {
        self.hosts.get(url).pace_at_least(spacing);
    }

    /// Make `req`, retrying transient failures as the module docs describe.
    pub async fn fetch(&self, req: &Request) -> Result<Fetched, FetchError> {
        let host = self.hosts.get(&req.url);
        let retries = if req.retry { self.config.retries } else { 0 };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self.attempt(req, &host).await;
            let wait = match &result {
                Ok(f) if is_transient_status(f.status) => {
                    let retry_after = retry_after(&f.headers, SystemTime::now());
                    if f.status == 429 || retry_after.is_some() {
                        host.slow_down(
                            f.status == 429,
                            retry_after.filter(|w| *w <= RETRY_AFTER_CAP),
                        );
                    }
                    match retry_after {
                        Some(w) if w > RETRY_AFTER_CAP => {
                            return Err(FetchError::RetryAfterTooLong {
                                status: f.status,
                                wait: w,
                            })
                        }
                        // Pacing already holds the host back until then.
                        Some(_) => Some(Duration::ZERO),
                        None => Some(self.backoff(attempt)),
                    }
                }
                Err(e) if e.is_transient() => Some(self.backoff(attempt)),
                _ => None,
            };
            match wait {
                Some(w) if attempt <= retries => tokio::time::sleep(w).await,
                _ => {
                    return result.map(|mut f| {
                        f.attempts = attempt;
                        f
                    })
                }
            }
        }
    }

    /// One attempt: wait for the host's slot, then an overall slot, then send.
    async fn attempt(
        &self,
        req: &Request,
        host: &super::hosts::Host,
    ) -> Result<Fetched, FetchError> {
        let Some(_host_slot) = host.turn().await else {
            return Err(FetchError::Other("the run is shutting down".into()));
        };
        let Ok(_slot) = self.overall.acquire().await else {
            return Err(FetchError::Other("the run is shutting down".into()));
        };
        let timeout = self.config.timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let mut builder = self
            .inner
            .request(req.method.clone(), req.url.clone())
            .timeout(timeout);
        if let Some(accept) = &req.accept {
            builder = builder.header(ACCEPT, accept.as_str());
        }
        for (name, value) in &host.headers {
            builder = builder.header(name, value);
        }
        let mut response = match tokio::time::timeout_at(deadline, builder.send()).await {
            Err(_) => return Err(FetchError::Timeout(timeout)),
            Ok(Err(e)) => return Err(classify(&e, timeout)),
            Ok(Ok(r)) => r,
        };
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        let cap = if req.body_only_if_html && !is_html(&headers) {
            0
        } else {
            req.body_cap
        };
        // Once the status line is in, a body that stalls or never ends is cut short
        // rather than failing the request: the status already says what is needed.
        while body.len() < cap {
            match tokio::time::timeout_at(deadline, response.chunk()).await {
                Ok(Ok(Some(chunk))) => {
                    let room = cap - body.len();
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                _ => break,
            }
        }
        Ok(Fetched {
            status,
            headers,
            body,
            attempts: 1,
        })
    }

    /// Exponential backoff with up to 50 % jitter: base, 2×base, 4×base, ...
    fn backoff(&self, attempt: u32) -> Duration {
        let base =
            self.config.backoff_base * 2u32.saturating_pow(attempt.saturating_sub(1).min(10));
        base + base.mul_f64(jitter() * 0.5)
    }
}

/// Is the answer HTML, or of no declared type?
pub fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.to_ascii_lowercase().contains("html"))
}

/// A number in [0, 1), different on every call; good enough to spread retries.
fn jitter() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The wait a `Retry-After` header asks for, in seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Sort a reqwest error into what the classification needs to know.
fn classify(e: &reqwest::Error, timeout: Duration) -> FetchError {
    if let Some(p) = find_cause::<PrivateAddress>(e) {
        return FetchError::Private(p.clone());
    }
    if let Some(d) = find_cause::<DnsFailure>(e) {
        return FetchError::Dns(d.clone());
    }
    if e.is_timeout() {
        return FetchError::Timeout(timeout);
    }
    if let Some(io) = find_cause::<std::io::Error>(e) {
        use std::io::ErrorKind::*;
        match io.kind() {
            ConnectionRefused => return FetchError::Refused,
            TimedOut => return FetchError::Timeout(timeout),
            _ => {}
        }
    }
    let text = error_chain(e);
    if e.is_connect() {
        return FetchError::Connect(text);
    }
    FetchError::Other(text)
}

/// An error and its causes, "outer: inner: innermost", without repeats.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_700);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(77)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn transient_statuses() {
        for s in [408, 429, 500, 502, 503, 504, 599] {
            assert!(is_transient_status(s), "{s}");
        }
        for s in [200, 301, 403, 404, 410, 501] {
            assert!(!is_transient_status(s), "{s}");
        }
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
