//! Resolution: finding out whether each DOI and URL of the articles leads anywhere.
//!
//! Rules (DESIGN.md, "Network etiquette and safety"):
//! - every unique identifier ([`IdKey`]) is resolved once per run, however many entries
//!   and files cite it, and results come from the on-disk [`cache`] when fresh;
//! - DOIs are asked of the registry's handle API ([`doi`]), URLs are fetched with
//!   HEAD/GET ([`url`]); ISBNs, arXiv ids and PMIDs are left `unchecked`;
//! - all requests go through one [`client::HttpClient`] with overall and per-host
//!   limits, retries and backoff ([`hosts`]), and article content never reaches a
//!   private address ([`safety`]);
//! - `--exclude`d identifiers are not resolved and stay `unchecked`;
//! - the library never prints: progress goes to a [`Progress`] the caller supplies,
//!   and problems with the cache come back as warnings in [`Outcome`].
//!
//! Lookups of registered metadata (Crossref, DOI content negotiation) run after
//! resolution on the same client rules, limits and retries, and share the cache under
//! their own keys: see [`metadata`].

pub mod cache;
pub mod client;
pub mod doi;
pub mod findings;
pub mod hosts;
pub mod metadata;
pub mod options;
pub mod safety;
pub mod url;

pub use findings::findings;
pub use options::ResolveOptions;

use crate::model::{IdKey, IdKind, Resolution, Status};
use crate::report::FileReport;
use client::HttpClient;
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::collections::{BTreeSet, HashMap};
use std::time::SystemTime;

/// Where resolution reports how far it has got. Called from one thread at a time.
pub trait Progress: Sync {
    /// Resolution of `total` unique identifiers begins.
    fn start(&self, _total: usize) {}
    /// One identifier is resolved (from the cache or the network).
    fn resolved(&self, _key: &IdKey, _resolution: &Resolution) {}
    /// `n` more steps join the run: metadata lookups or searches after resolution
    /// (possibly without any resolution before them).
    fn more(&self, _n: usize) {}
    /// One metadata lookup or search (named by its DOI or query) is done.
    fn looked_up(&self, _what: &str) {}
    /// All done.
    fn finish(&self) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// What a resolution run produced.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub resolutions: HashMap<IdKey, Resolution>,
    /// Things the user should hear about (an unusable cache); never failures of
    /// identifiers, which are in `resolutions`.
    pub warnings: Vec<String>,
}

/// The unique identifiers of `files` worth resolving (well-formed DOIs and URLs).
pub fn keys_of(files: &[FileReport]) -> Vec<IdKey> {
    let keys: BTreeSet<IdKey> = files
        .iter()
        .flat_map(|f| &f.document.references)
        .flat_map(|r| &r.identifiers)
        .filter(|id| id.problem.is_none() && matches!(id.kind, IdKind::Doi | IdKind::Url))
        .map(|id| id.key())
        .collect();
    keys.into_iter().collect()
}

/// What to ask the network for one identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Doi(String),
    /// The URL after `--remap`.
    Url(String),
}

impl Target {
    /// The cache key: the identifier plus whatever else decides the answer.
    fn cache_key(&self, options: &ResolveOptions) -> String {
        match self {
            Target::Doi(doi) => format!("doi {} {doi}", options.doi_resolver),
            Target::Url(u) => format!("url {} {u}", u8::from(options.allow_private)),
        }
    }
}

/// The target of `key`, or `None` when it is not resolved (other kinds, excluded).
fn target(key: &IdKey, options: &ResolveOptions) -> Option<Target> {
    let t = match key.kind {
        IdKind::Doi => Target::Doi(key.value.clone()),
        IdKind::Url => Target::Url(options.remapped(&key.value)),
        IdKind::Isbn | IdKind::Arxiv | IdKind::Pmid => return None,
    };
    let excluded = match &t {
        Target::Doi(doi) => {
            options.is_excluded(doi) || options.is_excluded(&format!("https://doi.org/{doi}"))
        }
        Target::Url(u) => options.is_excluded(&key.value) || options.is_excluded(u),
    };
    (!excluded).then_some(t)
}

/// Resolve `keys` (duplicates are resolved once), blocking until all are done.
pub fn resolve_keys(keys: &[IdKey], options: &ResolveOptions, progress: &dyn Progress) -> Outcome {
    let outcome = resolve_keys_unfinished(keys, options, progress);
    progress.finish();
    outcome
}

/// [`resolve_keys`] without telling `progress` that all is done, for a caller that
/// has more steps to report (metadata lookups).
pub fn resolve_keys_unfinished(
    keys: &[IdKey],
    options: &ResolveOptions,
    progress: &dyn Progress,
) -> Outcome {
    let mut outcome = Outcome::default();
    let unique: BTreeSet<&IdKey> = keys.iter().collect();
    let work: Vec<(IdKey, Target)> = unique
        .into_iter()
        .filter_map(|k| target(k, options).map(|t| (k.clone(), t)))
        .collect();
    if work.is_empty() {
        return outcome;
    }
    let cache = open_cache(options, &mut outcome.warnings);
    let now = SystemTime::now();
    let mut problems = Vec::new();
    progress.start(work.len());
    let mut pending = Vec::new();
    for (key, t) in work {
        let cached = cache.as_ref().and_then(|c| {
            c.get(&t.cache_key(options), now)
                .map_err(|p| problems.push(p))
                .ok()
                .flatten()
        });
        match cached {
            Some(r) => {
                progress.resolved(&key, &r);
                outcome.resolutions.insert(key, r);
            }
            None => pending.push((key, t)),
        }
    }
    if !pending.is_empty() {
        let run = || {
            let cache = cache.as_ref();
            resolve_pending(
                pending,
                options,
                cache,
                progress,
                &mut outcome,
                &mut problems,
            )
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            // Called from inside an async runtime, which cannot block on another one:
            // run ours on a thread of its own.
            std::thread::scope(|s| {
                s.spawn(run);
            });
        } else {
            run();
        }
    }
    if let Some(first) = problems.first() {
        let more = problems.len() - 1;
        outcome.warnings.push(format!(
            "resolution cache: entry {first}{}; results were resolved again, and the cache is rebuilt as refcheck runs (--no-cache turns it off)",
            if more > 0 { format!(" (and {more} more)") } else { String::new() }
        ));
    }
    outcome
}

fn open_cache(options: &ResolveOptions, warnings: &mut Vec<String>) -> Option<cache::Cache> {
    if !options.cache {
        return None;
    }
    let Some(dir) = options.cache_dir.clone().or_else(cache::default_dir) else {
        warnings.push("no cache directory is known on this system; pass --cache-dir DIR to keep results between runs".into());
        return None;
    };
    match cache::Cache::open(&dir) {
        Ok(c) => Some(c),
        Err(p) => {
            warnings.push(format!(
                "resolution cache disabled: {p}; pass --cache-dir DIR or --no-cache"
            ));
            None
        }
    }
}

/// Resolve what the cache did not know, on a runtime of our own.
fn resolve_pending(
    pending: Vec<(IdKey, Target)>,
    options: &ResolveOptions,
    cache: Option<&cache::Cache>,
    progress: &dyn Progress,
    outcome: &mut Outcome,
    problems: &mut Vec<cache::CacheProblem>,
) {
    let failed = |outcome: &mut Outcome, why: String| {
        for (key, _) in &pending {
            let r = Resolution::new(Status::Unverifiable).reason(why.clone());
            progress.resolved(key, &r);
            outcome.resolutions.insert(key.clone(), r);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return failed(outcome, format!("cannot start the network runtime: {e}")),
    };
    let client = match runtime.block_on(async { HttpClient::new(options.client_config()) }) {
        Ok(c) => c,
        Err(e) => return failed(outcome, e),
    };
    let resolver = Resolver { client, options };
    runtime.block_on(async {
        let mut running: FuturesUnordered<_> = pending
            .iter()
            .map(|(key, t)| {
                let resolver = &resolver;
                async move { (key, t, resolver.resolve(t).await) }
            })
            .collect();
        while let Some((key, t, r)) = running.next().await {
            if let Some(c) = cache {
                if let Err(p) = c.put(&t.cache_key(options), &r, SystemTime::now()) {
                    problems.push(p);
                }
            }
            progress.resolved(key, &r);
            outcome.resolutions.insert(key.clone(), r);
        }
    });
}

/// Resolves targets with one client.
struct Resolver<'a> {
    client: HttpClient,
    options: &'a ResolveOptions,
}

impl Resolver<'_> {
    async fn resolve(&self, t: &Target) -> Resolution {
        match t {
            Target::Doi(d) => doi::check(&self.client, &self.options.doi_resolver, d).await,
            Target::Url(u) => url::check(&self.client, u).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: IdKind, value: &str) -> IdKey {
        IdKey {
            kind,
            value: value.into(),
        }
    }

    #[test]
    fn excluded_and_other_kinds_are_not_resolved() {
        let mut o = ResolveOptions::default();
        o.exclude
            .push(regex::Regex::new("example\\.org").expect("valid regex"));
        o.exclude
            .push(regex::Regex::new("^10\\.5555/").expect("valid regex"));
        assert_eq!(target(&key(IdKind::Url, "https://example.org/a"), &o), None);
        assert_eq!(target(&key(IdKind::Doi, "10.5555/x"), &o), None);
        assert_eq!(target(&key(IdKind::Isbn, "9780306406157"), &o), None);
        assert_eq!(
            target(&key(IdKind::Doi, "10.1000/x"), &o),
            Some(Target::Doi("10.1000/x".into()))
        );
    }

    #[test]
    fn nothing_to_resolve_touches_nothing() {
        let o = ResolveOptions {
            cache_dir: Some(std::path::PathBuf::from("/nonexistent/refcheck-cache")),
            ..ResolveOptions::default()
        };
        let out = resolve_keys(&[key(IdKind::Isbn, "9780306406157")], &o, &NoProgress);
        assert!(out.resolutions.is_empty());
        assert!(out.warnings.is_empty());
    }
}
