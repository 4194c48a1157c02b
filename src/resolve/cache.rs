//! The resolution cache on disk, so that a second run asks the network nothing it
//! already knows.
//!
//! The store is one small JSON file per identifier, in a directory sharded by the
//! first two hex digits of the key's hash (`v1/3f/3fa4…e1.json`). A file is written to
//! a temporary name in its shard and renamed into place, which is atomic on every
//! platform refcheck runs on, so:
//! - two refcheck processes can share the cache with no lock: a reader sees the old
//!   entry or the new one, never half of one, and the last writer wins;
//! - a crash leaves at worst a stray temporary file, never a corrupt entry;
//! - a corrupt entry (disk trouble, a hand edit) spoils only itself: it is reported as
//!   a warning, deleted and rewritten, never a crash.
//!
//! This was chosen over an embedded database (redb, SQLite) because those take a lock
//! on the whole store — a second CI job on the same cache would wait or fail — and a
//! corrupt database file loses every entry at once; SQLite would also add a C
//! dependency. Thousands of small files cost nothing at refcheck's scale (one file
//! per unique DOI or URL of the articles checked).
//!
//! What is stored: successes (`ok`, `redirected`) for [`OK_TTL`], certain failures
//! (`not-found`, `broken`) for [`FAILURE_TTL`], and nothing else: `unverifiable` says
//! nothing lasting, and `skipped` depends on the flags of the run.

use crate::model::{Resolution, Status};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long a success is trusted.
pub const OK_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long a failure is trusted (pages come back, typos get registered).
pub const FAILURE_TTL: Duration = Duration::from_secs(24 * 3600);

/// How long a resolution with `status` may be cached, if at all.
pub fn ttl(status: Status) -> Option<Duration> {
    match status {
        Status::Ok | Status::Redirected => Some(OK_TTL),
        Status::NotFound | Status::Broken => Some(FAILURE_TTL),
        Status::Unverifiable | Status::Skipped | Status::Invalid | Status::Unchecked => None,
    }
}

/// The platform's cache directory for refcheck (`~/.cache/refcheck` on Linux).
pub fn default_dir() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("refcheck"))
}

/// An open cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Entry<T> {
    key: String,
    /// Seconds since the Unix epoch.
    stored: u64,
    expires: u64,
    /// A [`Resolution`], or another record kept under its own key namespace (the
    /// registered metadata of a DOI).
    #[serde(rename = "resolution")]
    value: T,
}

/// Why an entry could not be used; the caller turns these into one warning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct CacheProblem {
    pub path: PathBuf,
    pub problem: String,
}

impl Cache {
    /// Open (creating if needed) the cache under `dir`.
    pub fn open(dir: &Path) -> Result<Cache, CacheProblem> {
        let root = dir.join("v1");
        std::fs::create_dir_all(&root).map_err(|e| CacheProblem {
            path: root.clone(),
            problem: format!("cannot create the cache directory: {e}"),
        })?;
        Ok(Cache { root })
    }

    /// The root directory of the entries.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: &str) -> PathBuf {
        let hash = format!("{:016x}", fnv1a(key.as_bytes()));
        self.root.join(&hash[..2]).join(format!("{hash}.json"))
    }

    /// The cached resolution of `key`, if there is a fresh one. A corrupt entry is
    /// deleted and reported.
    pub fn get(&self, key: &str, now: SystemTime) -> Result<Option<Resolution>, CacheProblem> {
        self.get_value(key, now)
    }

    /// The cached value of `key` of any type, if there is a fresh one. A corrupt entry
    /// is deleted and reported.
    pub fn get_value<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
        now: SystemTime,
    ) -> Result<Option<T>, CacheProblem> {
        let path = self.path_of(key);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(CacheProblem {
                    path,
                    problem: format!("cannot be read: {e}"),
                })
            }
        };
        let entry: Entry<T> = match serde_json::from_slice(&bytes) {
            Ok(e) => e,
            Err(e) => {
                let _ = std::fs::remove_file(&path);
                return Err(CacheProblem {
                    path,
                    problem: format!("was corrupt ({e}) and has been removed"),
                });
            }
        };
        let now = secs(now);
        // Another key with the same hash, an expired entry, or one from the future.
        if entry.key != key || entry.expires <= now || entry.stored > now + 24 * 3600 {
            return Ok(None);
        }
        Ok(Some(entry.value))
    }

    /// Store `resolution` under `key` if its status may be cached.
    pub fn put(
        &self,
        key: &str,
        resolution: &Resolution,
        now: SystemTime,
    ) -> Result<(), CacheProblem> {
        let Some(ttl) = ttl(resolution.status()) else {
            return Ok(());
        };
        self.put_value(key, resolution, ttl, now)
    }

    /// Store `value` under `key` for `ttl`. Callers keep their keys in a namespace of
    /// their own (a prefix) so that values of different types never share a key.
    pub fn put_value<T: Serialize>(
        &self,
        key: &str,
        value: &T,
        ttl: Duration,
        now: SystemTime,
    ) -> Result<(), CacheProblem> {
        let path = self.path_of(key);
        let problem = |what: &str, e: &dyn std::fmt::Display| CacheProblem {
            path: path.clone(),
            problem: format!("{what}: {e}"),
        };
        let entry = Entry {
            key: key.to_string(),
            stored: secs(now),
            expires: secs(now).saturating_add(ttl.as_secs()),
            value,
        };
        let json = serde_json::to_vec(&entry).map_err(|e| problem("cannot be encoded", &e))?;
        let shard = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(shard).map_err(|e| problem("cannot create its directory", &e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(shard)
            .map_err(|e| problem("cannot be written", &e))?;
        tmp.write_all(&json)
            .map_err(|e| problem("cannot be written", &e))?;
        tmp.persist(&path)
            .map_err(|e| problem("cannot be renamed into place", &e.error))?;
        Ok(())
    }
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// FNV-1a, 64 bits: a hash that stays the same across Rust versions and platforms,
/// which `std`'s hasher does not promise. Collisions are caught by the stored key.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Resolution {
        let mut r = Resolution::new(Status::Ok);
        r.http_status = Some(200);
        r
    }

    #[test]
    fn entries_round_trip_and_expire() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::open(dir.path()).expect("opens");
        let now = SystemTime::now();
        cache
            .put("url 0 https://a.test/", &ok(), now)
            .expect("writes");
        assert_eq!(
            cache.get("url 0 https://a.test/", now).expect("reads"),
            Some(ok())
        );
        assert_eq!(
            cache.get("url 0 https://b.test/", now).expect("reads"),
            None
        );
        let later = now + OK_TTL + Duration::from_secs(1);
        assert_eq!(
            cache.get("url 0 https://a.test/", later).expect("reads"),
            None
        );
        let broken = Resolution::new(Status::Broken).reason("HTTP 404");
        cache.put("k", &broken, now).expect("writes");
        assert_eq!(
            cache
                .get("k", now + Duration::from_secs(3600))
                .expect("reads"),
            Some(broken)
        );
        assert_eq!(cache.get("k", now + FAILURE_TTL).expect("reads"), None);
    }

    #[test]
    fn other_records_are_kept_for_their_own_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::open(dir.path()).expect("opens");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let record = vec!["a title".to_string(), "Smith".to_string()];
        cache
            .put_value("metadata x", &record, Duration::from_secs(60), now)
            .expect("stored");
        let got: Option<Vec<String>> = cache.get_value("metadata x", now).expect("read");
        assert_eq!(got, Some(record));
        let later = now + Duration::from_secs(61);
        let got: Option<Vec<String>> = cache.get_value("metadata x", later).expect("read");
        assert_eq!(got, None, "expired");
        assert_eq!(cache.get("metadata y", now), Ok(None));
    }

    #[test]
    fn unverifiable_and_skipped_are_never_stored() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::open(dir.path()).expect("opens");
        let now = SystemTime::now();
        for s in [Status::Unverifiable, Status::Skipped, Status::Unchecked] {
            cache.put("k", &Resolution::new(s), now).expect("no-op");
            assert_eq!(cache.get("k", now).expect("reads"), None);
        }
    }

    #[test]
    fn a_corrupt_entry_is_reported_removed_and_rebuilt() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::open(dir.path()).expect("opens");
        let now = SystemTime::now();
        cache.put("k", &ok(), now).expect("writes");
        let path = cache.path_of("k");
        std::fs::write(&path, b"{not json").expect("corrupts");
        let err = cache.get("k", now).expect_err("corrupt");
        assert!(err.problem.contains("corrupt"), "{err}");
        assert!(!path.exists());
        assert_eq!(cache.get("k", now).expect("reads"), None);
        cache.put("k", &ok(), now).expect("rewrites");
        assert_eq!(cache.get("k", now).expect("reads"), Some(ok()));
    }

    #[test]
    fn writers_racing_on_one_key_leave_a_whole_entry() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::open(dir.path()).expect("opens");
        let now = SystemTime::now();
        std::thread::scope(|s| {
            for i in 0..8 {
                let cache = cache.clone();
                s.spawn(move || {
                    for _ in 0..50 {
                        let r = Resolution::new(Status::Ok).reason(format!("writer {i}"));
                        cache.put("shared", &r, now).expect("writes");
                        let got = cache.get("shared", now).expect("never half an entry");
                        assert!(got.is_some());
                    }
                });
            }
        });
    }

    #[test]
    fn the_hash_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
