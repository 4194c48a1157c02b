//! Keeping article content out of the local network.
//!
//! An article is untrusted input: a URL in it (or a redirect from a server it names)
//! must not make refcheck probe `localhost`, a router's admin page or a cloud metadata
//! service. So every address is checked *where the connection is made*: refcheck's own
//! DNS resolver ([`SafeResolver`]) drops loopback, private, link-local, unspecified,
//! unique-local (IPv6) and shared (CGNAT) addresses, which also defeats DNS rebinding
//! (a name that resolves to a public address when checked and a private one when
//! connected). Hosts written as IP literals never reach a resolver, so
//! [`check_literal`] checks them before each hop.
//!
//! Behind a proxy the proxy looks names up, so refcheck then also looks each hop's name
//! up itself before the request (see `url.rs`).
//!
//! The endpoints the user configures (`--doi-resolver`, `--crossref-api`, pinned
//! names) are trusted as given: their names pass the resolver unfiltered.
//!
//! The resolver also tells a host name that does not exist (NXDOMAIN: the reference is
//! broken) from a DNS server that cannot be reached (nothing is known: unverifiable).

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// Is `ip` an address that article content must not reach?
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // deprecated site-local fec0::/10
        }
    }
}

fn is_private_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT) 100.64.0.0/10
        || a == 0
}

/// Article content tried to reach a private address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct PrivateAddress {
    pub host: String,
    pub ip: IpAddr,
}

impl PrivateAddress {
    fn describe(&self) -> String {
        if self.host == self.ip.to_string() {
            format!("{} is a private or loopback address", self.ip)
        } else {
            format!(
                "{} resolves to the private or loopback address {}",
                self.host, self.ip
            )
        }
    }
}

/// What went wrong looking a name up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsFailureKind {
    /// The name does not exist (or has no address): the reference is broken.
    NoSuchHost,
    /// The DNS server could not be asked or did not answer: nothing is known.
    Unreachable,
}

/// A name lookup failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct DnsFailure {
    pub kind: DnsFailureKind,
    pub detail: String,
}

/// Check a host written as an IP literal (`http://10.0.0.1/`), which no resolver sees.
pub fn check_literal(url: &url::Url) -> Result<(), PrivateAddress> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if is_private(ip) {
        return Err(PrivateAddress {
            host: ip.to_string(),
            ip,
        });
    }
    Ok(())
}

/// Sort a lookup error into "no such host" and "could not ask".
///
/// The standard library reports `getaddrinfo` failures only as text, so this reads the
/// text of the C library's messages (glibc, musl, macOS). Anything unrecognised counts
/// as `Unreachable`: refcheck never calls a reference broken on a guess.
pub fn classify_lookup_error(e: &std::io::Error) -> DnsFailureKind {
    let text = e.to_string().to_ascii_lowercase();
    const NO_SUCH_HOST: &[&str] = &[
        "name or service not known",
        "no address associated with hostname",
        "nodename nor servname provided",
        "name does not resolve",
        "no such host",
        "non-recoverable failure in name resolution",
    ];
    if NO_SUCH_HOST.iter().any(|m| text.contains(m)) {
        DnsFailureKind::NoSuchHost
    } else {
        DnsFailureKind::Unreachable
    }
}

/// The DNS resolver of refcheck's HTTP client: the system's resolver (`getaddrinfo`,
/// so `/etc/hosts`, nsswitch and the like behave as everywhere else), with private
/// addresses removed for every name that is not trusted.
#[derive(Debug, Clone)]
pub struct SafeResolver {
    allow_private: bool,
    trusted: Arc<HashSet<String>>,
}

impl SafeResolver {
    /// `trusted`: host names (lower case) of the endpoints the user configured.
    pub fn new(allow_private: bool, trusted: HashSet<String>) -> Self {
        SafeResolver {
            allow_private,
            trusted: Arc::new(trusted),
        }
    }

    /// Is `host` one of the configured endpoints?
    pub fn is_trusted(&self, host: &str) -> bool {
        self.trusted.contains(&host.to_ascii_lowercase())
    }

    /// Look `host` up and keep only the addresses article content may reach.
    pub async fn lookup(&self, host: &str, filter: bool) -> Result<Vec<SocketAddr>, BoxError> {
        let addrs: Vec<SocketAddr> = match tokio::net::lookup_host((host, 0)).await {
            Ok(a) => a.collect(),
            Err(e) => {
                let kind = classify_lookup_error(&e);
                let detail = match kind {
                    DnsFailureKind::NoSuchHost => format!("unknown host {host}"),
                    DnsFailureKind::Unreachable => format!("cannot resolve {host}: {e}"),
                };
                return Err(Box::new(DnsFailure { kind, detail }));
            }
        };
        if addrs.is_empty() {
            return Err(Box::new(DnsFailure {
                kind: DnsFailureKind::NoSuchHost,
                detail: format!("unknown host {host} (it has no address)"),
            }));
        }
        if !filter || self.allow_private {
            return Ok(addrs);
        }
        let public: Vec<SocketAddr> = addrs
            .iter()
            .copied()
            .filter(|a| !is_private(a.ip()))
            .collect();
        match (public.is_empty(), addrs.first()) {
            (true, Some(first)) => Err(Box::new(PrivateAddress {
                host: host.to_string(),
                ip: first.ip(),
            })),
            _ => Ok(public),
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl Resolve for SafeResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let filter = !this.is_trusted(&host);
            let addrs = this.lookup(&host, filter).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Find an error of type `T` anywhere in `e`'s chain of causes.
pub fn find_cause<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    #[test]
    fn private_ranges_are_recognised() {
        for ip in [
            "127.0.0.1",
            "127.9.9.9",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:192.168.0.1",
        ] {
            assert!(is_private(ip.parse().expect("test address")), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "100.128.0.1", "2606:4700::1111"] {
            assert!(!is_private(ip.parse().expect("test address")), "{ip}");
        }
        assert!(is_private(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    }

    #[test]
    fn literals_are_checked_before_any_lookup() {
        let bad = url::Url::parse("http://192.168.0.10:8080/admin").expect("test url");
        assert!(check_literal(&bad).is_err());
        let v6 = url::Url::parse("http://[::1]/").expect("test url");
        assert!(check_literal(&v6).is_err());
        // Numeric spellings of 127.0.0.1 are parsed as the address they are.
        for sneaky in ["http://2130706433/", "http://0x7f.1/", "http://127.1/"] {
            let u = url::Url::parse(sneaky).expect("test url");
            assert!(check_literal(&u).is_err(), "{sneaky}");
        }
        let name = url::Url::parse("http://localhost/").expect("test url");
        assert!(
            check_literal(&name).is_ok(),
            "names are left to the resolver"
        );
    }

    #[test]
    fn lookup_errors_are_sorted() {
        let nx = std::io::Error::other(
            "failed to lookup address information: Name or service not known",
        );
        assert_eq!(classify_lookup_error(&nx), DnsFailureKind::NoSuchHost);
        let again = std::io::Error::other(
            "failed to lookup address information: Temporary failure in name resolution",
        );
        assert_eq!(classify_lookup_error(&again), DnsFailureKind::Unreachable);
    }

    #[tokio::test]
    async fn the_resolver_refuses_loopback_names_unless_trusted() {
        let r = SafeResolver::new(false, HashSet::from(["localhost".to_string()]));
        assert!(r.lookup("localhost", false).await.is_ok());
        let err = r
            .lookup("localhost", true)
            .await
            .expect_err("loopback is private");
        assert!(find_cause::<PrivateAddress>(err.as_ref()).is_some());
    }
}
