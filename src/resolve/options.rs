//! The options of resolution, validated once from the command line and config.

use super::client::ClientConfig;
use regex::Regex;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The project's address, named in the User-Agent so that site owners can find us.
pub const PROJECT_URL: &str = "https://github.com/refcheck/refcheck";

/// How identifiers are resolved.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    /// Requests in flight overall (`--concurrency`).
    pub concurrency: usize,
    /// Requests in flight per host (`--per-host`).
    pub per_host: usize,
    /// Bound on each request (`--timeout`).
    pub timeout: Duration,
    /// Retries of transient failures (`--retries`).
    pub retries: u32,
    /// Identifiers matching any of these are not resolved (`--exclude`).
    pub exclude: Vec<Regex>,
    /// URL rewrites applied in order before resolving (`--remap`).
    pub remap: Vec<(Regex, String)>,
    /// Base of the DOI proxy (`--doi-resolver`); trusted.
    pub doi_resolver: url::Url,
    /// Base of the Crossref REST API (`--crossref-api`); trusted.
    pub crossref_api: url::Url,
    /// Contact sent in the User-Agent (`--mailto`).
    pub mailto: Option<String>,
    /// Use the on-disk cache (off with `--no-cache`).
    pub cache: bool,
    /// Where the cache lives (`--cache-dir`); the platform cache directory otherwise.
    pub cache_dir: Option<PathBuf>,
    /// Fetch URLs whose host is private (`--allow-private`).
    pub allow_private: bool,
    /// Host names pinned to addresses, as curl's `--resolve` does; like the configured
    /// endpoints they are trusted, private or not.
    pub pinned: Vec<(String, SocketAddr)>,
    /// The first retry waits this long (doubling after), plus jitter.
    pub backoff_base: Duration,
    /// Limits and headers for particular hosts (the configuration's `[hosts]`).
    pub hosts: std::collections::HashMap<String, super::hosts::HostLimits>,
    /// Search Crossref for DOIs to suggest (`--suggest-dois`).
    pub suggest_dois: bool,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        ResolveOptions {
            concurrency: 64,
            per_host: 4,
            timeout: Duration::from_secs(20),
            retries: 2,
            exclude: Vec::new(),
            remap: Vec::new(),
            doi_resolver: url::Url::parse("https://doi.org").expect("valid URL"),
            crossref_api: url::Url::parse("https://api.crossref.org").expect("valid URL"),
            mailto: None,
            cache: true,
            cache_dir: None,
            allow_private: false,
            pinned: Vec::new(),
            backoff_base: Duration::from_millis(500),
            hosts: std::collections::HashMap::new(),
            suggest_dois: false,
        }
    }
}

impl ResolveOptions {
    /// `refcheck/0.1.0 (+https://github.com/refcheck/refcheck; mailto:a@b.org)`
    pub fn user_agent(&self) -> String {
        let version = env!("CARGO_PKG_VERSION");
        match &self.mailto {
            Some(m) => format!("refcheck/{version} (+{PROJECT_URL}; mailto:{m})"),
            None => format!("refcheck/{version} (+{PROJECT_URL})"),
        }
    }

    /// `url` after every `--remap` rule, in order.
    pub fn remapped(&self, url: &str) -> String {
        let mut out = url.to_string();
        for (re, replacement) in &self.remap {
            out = re.replace(&out, replacement.as_str()).into_owned();
        }
        out
    }

    pub fn is_excluded(&self, value: &str) -> bool {
        self.exclude.iter().any(|re| re.is_match(value))
    }

    /// The configuration of the HTTP client.
    pub fn client_config(&self) -> ClientConfig {
        let trusted: HashSet<String> = [&self.doi_resolver, &self.crossref_api]
            .iter()
            .filter_map(|u| u.host_str())
            .map(|h| {
                h.trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_ascii_lowercase()
            })
            .chain(
                self.pinned
                    .iter()
                    .map(|(name, _)| name.to_ascii_lowercase()),
            )
            .collect();
        ClientConfig {
            concurrency: self.concurrency.max(1),
            per_host: self.per_host.max(1),
            timeout: self.timeout,
            retries: self.retries,
            backoff_base: self.backoff_base,
            allow_private: self.allow_private,
            trusted_hosts: trusted,
            pinned: self.pinned.clone(),
            user_agent: self.user_agent(),
            proxied: ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"].iter().any(|v| {
                std::env::var_os(v)
                    .or_else(|| std::env::var_os(v.to_ascii_lowercase()))
                    .is_some_and(|x| !x.is_empty())
            }),
            hosts: self.hosts.clone(),
        }
    }
}

/// Parse `--remap 'REGEX REPLACEMENT'` (split at the first run of white space;
/// write a space inside the regex as `\x20` or `\s`).
pub fn parse_remap(rule: &str) -> Result<(Regex, String), String> {
    let rule = rule.trim();
    let Some((pattern, replacement)) = rule.split_once(char::is_whitespace) else {
        return Err(format!(
            "--remap '{rule}' needs a REGEX and a REPLACEMENT separated by a space"
        ));
    };
    let re = Regex::new(pattern)
        .map_err(|e| format!("--remap: bad regular expression `{pattern}`: {e}"))?;
    Ok((re, replacement.trim().to_string()))
}

/// Parse a base URL given with `--doi-resolver` or `--crossref-api`.
pub fn parse_endpoint(flag: &str, value: &str) -> Result<url::Url, String> {
    let u = url::Url::parse(value.trim()).map_err(|e| {
        format!("{flag} {value}: not a URL ({e}); give it as https://host[:port][/path]")
    })?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(format!(
            "{flag} {value}: give an http or https URL with a host"
        ));
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_names_refcheck_and_the_contact() {
        let mut o = ResolveOptions::default();
        assert!(o.user_agent().starts_with("refcheck/"));
        o.mailto = Some("me@example.org".into());
        assert!(o
            .user_agent()
            .ends_with("(+https://github.com/refcheck/refcheck; mailto:me@example.org)"));
    }

    #[test]
    fn remap_rules_rewrite_in_order() {
        let mut o = ResolveOptions::default();
        o.remap
            .push(parse_remap(r"^http://old\.test/(.*) https://new.test/$1").expect("valid"));
        o.remap
            .push(parse_remap(r"new\.test  mirror.test").expect("valid"));
        assert_eq!(o.remapped("http://old.test/a/b"), "https://mirror.test/a/b");
        assert!(parse_remap("nospace").is_err());
        assert!(parse_remap("( x").is_err());
    }

    #[test]
    fn endpoints_must_be_http_urls_and_are_trusted() {
        assert!(parse_endpoint("--doi-resolver", "ftp://x").is_err());
        assert!(parse_endpoint("--doi-resolver", "nonsense").is_err());
        let o = ResolveOptions {
            doi_resolver: parse_endpoint("--doi-resolver", "http://127.0.0.1:9").expect("valid"),
            ..ResolveOptions::default()
        };
        let c = o.client_config();
        assert!(c.trusted_hosts.contains("127.0.0.1"));
        assert!(c.trusted_hosts.contains("api.crossref.org"));
    }
}
