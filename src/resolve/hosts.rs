//! Per-host politeness: how many requests one host may have in flight, and how far
//! apart they must start once the host has asked refcheck to slow down.
//!
//! Each host (scheme-less `name:port`) gets its own semaphore of `--per-host` permits,
//! so a slow host queues its own requests and never holds the overall limit hostage.
//! A `429 Too Many Requests` (or a `Retry-After`) slows the host for the rest of the
//! run: its requests are then spaced out, the space doubling with every further 429
//! up to [`MAX_INTERVAL`], and none starts before the `Retry-After` time has passed.

use reqwest::header::{HeaderName, HeaderValue};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// The spacing a host gets after its first 429.
pub const FIRST_INTERVAL: Duration = Duration::from_millis(500);
/// The widest spacing between two requests to one host.
pub const MAX_INTERVAL: Duration = Duration::from_secs(10);

/// Every host seen in this run.
#[derive(Debug)]
pub struct Hosts {
    per_host: usize,
    /// Limits the configuration sets for particular host names (lower case).
    rules: HashMap<String, HostLimits>,
    map: Mutex<HashMap<String, Arc<Host>>>,
}

/// What a configuration file may set for one host (`[hosts."example.org"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostLimits {
    /// Requests in flight to this host, instead of `--per-host`.
    pub concurrency: Option<usize>,
    /// The least time between the starts of two requests to this host.
    pub interval: Option<Duration>,
    /// Extra headers sent to this host, e.g. `Authorization` for an intranet.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Hosts {
    pub fn new(per_host: usize, rules: HashMap<String, HostLimits>) -> Self {
        Hosts {
            per_host: per_host.max(1),
            rules: rules
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The state of the host `url` points at.
    pub fn get(&self, url: &url::Url) -> Arc<Host> {
        let key = host_key(url);
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key)
            .or_insert_with(|| {
                let name = url.host_str().unwrap_or_default().to_ascii_lowercase();
                let rule = self.rules.get(&name).cloned().unwrap_or_default();
                Arc::new(Host::new(rule.concurrency.unwrap_or(self.per_host), rule))
            })
            .clone()
    }
}

/// `name:port`, the unit of per-host limits.
pub fn host_key(url: &url::Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default().to_ascii_lowercase(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// One host's limits.
#[derive(Debug)]
pub struct Host {
    slots: Semaphore,
    pace: Mutex<Pace>,
    /// Headers the configuration adds to every request to this host.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Debug, Default)]
struct Pace {
    /// No request starts before this.
    next_start: Option<Instant>,
    /// Space between two request starts; zero until the host asks to slow down.
    interval: Duration,
}

impl Host {
    fn new(slots: usize, rule: HostLimits) -> Self {
        Host {
            slots: Semaphore::new(slots.max(1)),
            pace: Mutex::new(Pace {
                next_start: None,
                interval: rule.interval.unwrap_or_default(),
            }),
            headers: rule.headers,
        }
    }

    /// Wait for a slot and for this host's pacing; the slot is held until the permit drops.
    pub async fn turn(&self) -> Option<SemaphorePermit<'_>> {
        let permit = self.slots.acquire().await.ok()?;
        let start = {
            let mut pace = self.pace.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let start = pace.next_start.map_or(now, |t| t.max(now));
            if !pace.interval.is_zero() || pace.next_start.is_some() {
                pace.next_start = Some(start + pace.interval);
            }
            start
        };
        tokio::time::sleep_until(start).await;
        Some(permit)
    }

    /// The host answered 429 (or sent a Retry-After): space its requests out from now on,
    /// and start none before `retry_after` has passed.
    pub fn slow_down(&self, too_many: bool, retry_after: Option<Duration>) {
        let mut pace = self.pace.lock().unwrap_or_else(|e| e.into_inner());
        if too_many {
            pace.interval = if pace.interval.is_zero() {
                FIRST_INTERVAL
            } else {
                (pace.interval * 2).min(MAX_INTERVAL)
            };
        }
        // The next request waits for the Retry-After, or at least one interval.
        let wait = retry_after.unwrap_or(pace.interval);
        if !wait.is_zero() {
            let until = Instant::now() + wait;
            pace.next_start = Some(pace.next_start.map_or(until, |t| t.max(until)));
        }
    }

    /// Space requests at least `spacing` apart from now on: the budget a host announced
    /// (Crossref's `x-rate-limit-*`). A wider spacing already in force is kept.
    pub fn pace_at_least(&self, spacing: Duration) {
        let spacing = spacing.min(MAX_INTERVAL);
        let mut pace = self.pace.lock().unwrap_or_else(|e| e.into_inner());
        if spacing > pace.interval {
            pace.interval = spacing;
            // The request that brought the news has just been answered: the next one
            // keeps its distance from it too.
            let until = Instant::now() + spacing;
            pace.next_start = Some(pace.next_start.map_or(until, |t| t.max(until)));
        }
    }

    /// The current spacing between requests (zero when the host never asked for less).
    pub fn interval(&self) -> Duration {
        self.pace.lock().unwrap_or_else(|e| e.into_inner()).interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).expect("test url")
    }

    #[test]
    fn hosts_are_keyed_by_name_and_port() {
        assert_eq!(host_key(&url("https://Example.org/a")), "example.org:443");
        assert_eq!(
            host_key(&url("http://example.org:8080/")),
            "example.org:8080"
        );
        let hosts = Hosts::new(2, HashMap::new());
        assert!(Arc::ptr_eq(
            &hosts.get(&url("http://a.test/x")),
            &hosts.get(&url("http://a.test/y"))
        ));
        assert!(!Arc::ptr_eq(
            &hosts.get(&url("http://a.test/")),
            &hosts.get(&url("http://b.test/"))
        ));
    }

    #[tokio::test]
    async fn an_announced_budget_spaces_requests_out() {
        let host = Host::new(4, HostLimits::default());
        host.pace_at_least(Duration::from_millis(100));
        assert_eq!(host.interval(), Duration::from_millis(100));
        let t0 = Instant::now();
        drop(host.turn().await);
        drop(host.turn().await);
        assert!(
            t0.elapsed() >= Duration::from_millis(195),
            "{:?}",
            t0.elapsed()
        );
        host.pace_at_least(Duration::from_millis(10));
        assert_eq!(host.interval(), Duration::from_millis(100), "wider kept");
        host.pace_at_least(Duration::from_secs(3600));
        assert_eq!(host.interval(), MAX_INTERVAL);
    }

    #[tokio::test]
    async fn a_429_spaces_requests_out() {
        let host = Host::new(4, HostLimits::default());
        let t0 = Instant::now();
        drop(host.turn().await);
        drop(host.turn().await);
        assert!(
            t0.elapsed() < Duration::from_millis(100),
            "no pacing before a 429"
        );
        host.slow_down(true, Some(Duration::from_millis(200)));
        assert_eq!(host.interval(), FIRST_INTERVAL);
        drop(host.turn().await);
        assert!(
            t0.elapsed() >= Duration::from_millis(200),
            "Retry-After honoured"
        );
        let t1 = Instant::now();
        drop(host.turn().await);
        assert!(
            t1.elapsed() >= FIRST_INTERVAL - Duration::from_millis(5),
            "later requests spaced"
        );
        host.slow_down(true, None);
        assert_eq!(host.interval(), FIRST_INTERVAL * 2);
    }

    #[tokio::test]
    async fn slots_limit_requests_in_flight() {
        let host = Host::new(1, HostLimits::default());
        let first = host.turn().await;
        assert!(first.is_some());
        let second = tokio::time::timeout(Duration::from_millis(50), host.turn()).await;
        assert!(second.is_err(), "the only slot is taken");
        drop(first);
        assert!(host.turn().await.is_some());
    }

    #[tokio::test]
    async fn configured_hosts_get_their_own_limits_and_spacing() {
        let mut rules = HashMap::new();
        rules.insert(
            "Slow.Example".to_string(),
            HostLimits {
                concurrency: Some(1),
                interval: Some(Duration::from_millis(40)),
                headers: Vec::new(),
            },
        );
        let hosts = Hosts::new(4, rules);
        let slow = hosts.get(&url("https://slow.example/a"));
        let other = hosts.get(&url("https://other.example/a"));
        assert_eq!(slow.interval(), Duration::from_millis(40));
        assert_eq!(other.interval(), Duration::ZERO);
        let held = slow.turn().await.expect("first slot");
        assert!(
            slow.slots.try_acquire().is_err(),
            "one request in flight at most"
        );
        assert!(
            other.slots.try_acquire_many(3).is_ok(),
            "others keep --per-host"
        );
        drop(held);
        let t0 = Instant::now();
        let _second = slow.turn().await.expect("second slot");
        assert!(
            t0.elapsed() >= Duration::from_millis(30),
            "the interval spaces requests"
        );
    }
}
