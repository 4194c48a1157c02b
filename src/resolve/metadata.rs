//! Fetching registered metadata over the network, and turning it into findings.
//!
//! Resolution says whether a DOI exists; this module asks what it names, so that
//! `check::metadata` can tell whether it is the work the entry cites. The rules:
//!
//! - only DOIs the registry confirmed (`ok`) are looked up, each once per run however
//!   many entries cite it: Crossref `/works/{doi}` first, DOI content negotiation
//!   (CSL-JSON at `{--doi-resolver}/{doi}`) when Crossref does not know the DOI;
//! - requests go through the run's [`HttpClient`] rules (limits, retries,
//!   `Retry-After`), with at most [`CROSSREF_MAX_IN_FLIGHT`] in flight to the Crossref
//!   host unless the configuration sets that host's limit, and the Crossref host paced
//!   by the budget its `x-rate-limit-*` headers announce;
//! - records are cached under their own key namespace for [`RECORD_TTL`], search hits
//!   for [`SEARCH_TTL`]; failures to reach a registry are never cached;
//! - when no record can be had (Crossref unreachable, an unusable answer), nothing is
//!   compared and no mismatch is claimed: the DOI keeps the registry's `ok`, and one
//!   warning tells the user which lookups failed; a DOI that no registry describes
//!   (Crossref 404, then no CSL-JSON) is simply not compared;
//! - with `--suggest-dois`, entries without an identifier and entries whose DOI names
//!   another work are searched for (`/works?query.bibliographic=`), and a suggestion
//!   goes on the entry's `missing-identifier` or `metadata-mismatch` help line.

use super::cache::Cache;
use super::client::HttpClient;
use super::{open_cache, Progress, ResolveOptions};
use crate::check::claims::claims;
use crate::check::metadata::{check, Evidence, Verdict};
use crate::check::suggest::{search_query, suggest, Suggestion};
use crate::diagnostic::{Code, Finding};
use crate::metadata::api::{self, Answer, Pacing, CROSSREF_MAX_IN_FLIGHT, CSL_ACCEPT};
use crate::metadata::{parse, Registered};
use crate::model::{IdKey, IdKind, Resolution, Status};
use crate::report::FileReport;
use crate::source::Span;
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, SystemTime};

/// How long a registered record is trusted: titles and authors rarely change, and a
/// retraction notice reaching refcheck a month late is the price of not asking again.
pub const RECORD_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long search hits are trusted (new works get registered every day).
pub const SEARCH_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// A Crossref work record with a long reference list runs to a few hundred KiB.
const RECORD_BODY_CAP: usize = 4 * 1024 * 1024;
/// Content negotiation is sent on through at most this many redirects.
const MAX_REDIRECTS: usize = 5;

/// What the metadata step adds to a report.
#[derive(Debug, Clone, Default)]
pub struct MetadataOutcome {
    pub findings: Vec<Finding>,
    pub evidence: HashMap<(usize, Span), Evidence>,
    pub suggestions: HashMap<(usize, Span), Suggestion>,
    pub warnings: Vec<String>,
}

/// Fetch the registered metadata of the `ok` DOIs of `files`, compare every entry with
/// it and, with `--suggest-dois`, look for DOIs to suggest. `findings` are the run's
/// findings so far: suggestions are written into their help lines.
pub fn check_files(
    files: &[FileReport],
    resolutions: &HashMap<IdKey, Resolution>,
    findings: &mut [Finding],
    options: &ResolveOptions,
    progress: &dyn Progress,
) -> MetadataOutcome {
    let mut out = MetadataOutcome::default();
    let dois: Vec<String> = ok_dois(files, resolutions);
    let searching = options.suggest_dois && files.iter().any(|f| !f.document.references.is_empty());
    if dois.is_empty() && !searching {
        return out;
    }
    let cache = open_cache(options, &mut Vec::new());
    let mut session = Session::new(options, cache.as_ref(), progress);
    let records = session.records(&dois);
    let to_search = compare_entries(files, &records, &mut out);
    if options.suggest_dois {
        suggest_dois(files, &to_search, &mut session, findings, &mut out);
    }
    out.warnings = session.warnings();
    out
}

/// Compare every entry carrying a DOI in `records` with its record, into `out`. The
/// entries worth a search for `--suggest-dois` come back as (file, entry) indexes:
/// those without an identifier and those whose DOI seems to name another work.
fn compare_entries(
    files: &[FileReport],
    records: &HashMap<String, Registered>,
    out: &mut MetadataOutcome,
) -> Vec<(usize, usize)> {
    let mut to_search = Vec::new();
    for (index, file) in files.iter().enumerate() {
        for (r, reference) in file.document.references.iter().enumerate() {
            if reference.identifiers.is_empty() {
                to_search.push((index, r));
            }
            let with_records = reference
                .identifiers
                .iter()
                .filter(|id| id.kind == IdKind::Doi && id.problem.is_none())
                .filter_map(|id| records.get(&id.value).map(|rec| (id, rec)));
            for (id, registered) in with_records {
                let outcome = check(index, reference, id, registered);
                if outcome.evidence.verdict != Verdict::Match
                    && to_search.last() != Some(&(index, r))
                {
                    to_search.push((index, r));
                }
                out.evidence.insert((index, id.span), outcome.evidence);
                out.findings.extend(outcome.findings);
            }
        }
    }
    to_search
}

/// Search Crossref for the entries `to_search` and keep the suggestions that agree
/// with their entries: into `out.suggestions`, and onto the help line of the entry's
/// `missing-identifier` finding (among `findings`) or `metadata-mismatch` finding
/// (among `out.findings`).
fn suggest_dois(
    files: &[FileReport],
    to_search: &[(usize, usize)],
    session: &mut Session<'_>,
    findings: &mut [Finding],
    out: &mut MetadataOutcome,
) {
    let entry = |&(f, r): &(usize, usize)| &files[f].document.references[r];
    let queries: Vec<String> = to_search
        .iter()
        .map(|at| search_query(&entry(at).text))
        .filter(|q| !q.trim().is_empty())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let hits = session.searches(&queries);
    for at in to_search {
        let (f, reference) = (at.0, entry(at));
        let Some(found) = hits.get(&search_query(&reference.text)) else {
            continue;
        };
        let Some(s) = suggest(&claims(&reference.text), found) else {
            continue;
        };
        // A DOI the entry already carries is no suggestion.
        if reference
            .identifiers
            .iter()
            .any(|id| id.value.eq_ignore_ascii_case(&s.doi))
        {
            continue;
        }
        let help = s.help();
        let attach = |finding: &mut Finding| {
            if finding.file != f {
                return;
            }
            match finding.code {
                // The general advice gives way to the concrete DOI.
                Code::MissingIdentifier if finding.span == reference.label_span => {
                    finding.help = Some(help.clone());
                }
                Code::MetadataMismatch
                    if reference.span.start <= finding.span.start
                        && finding.span.end <= reference.span.end =>
                {
                    finding.help = Some(match finding.help.take() {
                        Some(h) => format!("{h}; {help}"),
                        None => help.clone(),
                    });
                }
                _ => {}
            }
        };
        findings.iter_mut().for_each(attach);
        out.findings.iter_mut().for_each(attach);
        out.suggestions.insert((f, reference.span), s);
    }
}

/// The DOIs of `files` that the registry confirmed, each once.
fn ok_dois(files: &[FileReport], resolutions: &HashMap<IdKey, Resolution>) -> Vec<String> {
    let set: BTreeSet<String> = files
        .iter()
        .flat_map(|f| &f.document.references)
        .flat_map(|r| &r.identifiers)
        .filter(|id| id.kind == IdKind::Doi && id.problem.is_none())
        .filter(|id| {
            resolutions
                .get(&id.key())
                .is_some_and(|r| r.status() == Status::Ok)
        })
        .map(|id| id.value.clone())
        .collect();
    set.into_iter().collect()
}

/// One metadata step: the options, the cache and the progress it reports to.
struct Session<'a> {
    options: ResolveOptions,
    cache: Option<&'a Cache>,
    progress: &'a dyn Progress,
    problems: Vec<String>,
    /// Lookups that got no usable answer, and why.
    failures: Vec<(String, String)>,
}

impl<'a> Session<'a> {
    fn new(options: &ResolveOptions, cache: Option<&'a Cache>, progress: &'a dyn Progress) -> Self {
        let mut options = options.clone();
        if let Some(host) = options.crossref_api.host_str() {
            let limits = options.hosts.entry(host.to_ascii_lowercase()).or_default();
            if limits.concurrency.is_none() {
                limits.concurrency = Some(CROSSREF_MAX_IN_FLIGHT);
            }
        }
        Session {
            options,
            cache,
            progress,
            problems: Vec::new(),
            failures: Vec::new(),
        }
    }

    fn warnings(self) -> Vec<String> {
        let mut out = Vec::new();
        let and_more = |n: usize| {
            if n > 1 {
                format!(" (and {} more)", n - 1)
            } else {
                String::new()
            }
        };
        if let Some(first) = self.problems.first() {
            out.push(format!(
                "metadata cache: entry {first}{}; the metadata was fetched again (--no-cache turns the cache off)",
                and_more(self.problems.len())
            ));
        }
        if let Some((item, why)) = self.failures.first() {
            out.push(format!(
                "registered metadata could not be had for {item}: {why}{}; those DOIs were not compared with their entries (and no DOI could be suggested where a search failed): run again later",
                and_more(self.failures.len())
            ));
        }
        out
    }

    fn cached<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let cache = self.cache?;
        cache
            .get_value(key, SystemTime::now())
            .map_err(|p| self.problems.push(p.to_string()))
            .ok()
            .flatten()
    }

    fn store<T: serde::Serialize>(&mut self, key: &str, value: &T, ttl: Duration) {
        if let Some(cache) = self.cache {
            if let Err(p) = cache.put_value(key, value, ttl, SystemTime::now()) {
                self.problems.push(p.to_string());
            }
        }
    }

    /// The registered record of each of `dois` that one could be had for.
    fn records(&mut self, dois: &[String]) -> HashMap<String, Registered> {
        let prefix = format!(
            "metadata {} {}",
            self.options.crossref_api, self.options.doi_resolver
        );
        let key = move |doi: &str| format!("{prefix} {doi}");
        self.fetch_all(dois, &key, RECORD_TTL, |net, doi| {
            Box::pin(async move { net.record(doi).await })
        })
    }

    /// The search hits for each of `queries` that Crossref answered.
    fn searches(&mut self, queries: &[String]) -> HashMap<String, Vec<Registered>> {
        let prefix = format!("search {}", self.options.crossref_api);
        let key = move |q: &str| format!("{prefix} {q}");
        self.fetch_all(queries, &key, SEARCH_TTL, |net, q| {
            Box::pin(async move { net.search(q).await })
        })
    }

    /// Look every item up, from the cache or the network, reporting progress.
    fn fetch_all<T>(
        &mut self,
        items: &[String],
        key: &dyn Fn(&str) -> String,
        ttl: Duration,
        fetch: for<'n> fn(&'n Net, &'n str) -> BoxFuture<'n, Lookup<T>>,
    ) -> HashMap<String, T>
    where
        T: serde::Serialize + serde::de::DeserializeOwned + Send,
    {
        let mut found = HashMap::new();
        if items.is_empty() {
            return found;
        }
        self.progress.more(items.len());
        let mut pending = Vec::new();
        for item in items {
            match self.cached::<T>(&key(item)) {
                Some(v) => {
                    self.progress.looked_up(item);
                    found.insert(item.clone(), v);
                }
                None => pending.push(item.clone()),
            }
        }
        if pending.is_empty() {
            return found;
        }
        let progress = self.progress;
        let options = &self.options;
        let fetched: Result<Vec<(String, Lookup<T>)>, String> = on_runtime(|| {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the network runtime: {e}"))?;
            runtime.block_on(async {
                let client = HttpClient::new(options.client_config())?;
                let net = Net::new(client, options);
                let net = &net;
                let mut running: FuturesUnordered<_> = pending
                    .iter()
                    .map(|item| async move { (item.clone(), fetch(net, item).await) })
                    .collect();
                let mut out = Vec::new();
                while let Some((item, v)) = running.next().await {
                    progress.looked_up(&item);
                    out.push((item, v));
                }
                Ok(out)
            })
        });
        let fetched = fetched.unwrap_or_else(|why| {
            pending
                .into_iter()
                .map(|item| (item, Err(why.clone())))
                .collect()
        });
        for (item, v) in fetched {
            match v {
                Ok(Some(v)) => {
                    self.store(&key(&item), &v, ttl);
                    found.insert(item, v);
                }
                Ok(None) => {}
                Err(why) => self.failures.push((item, why)),
            }
        }
        found
    }
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Run `f` where it may start a runtime of its own: on this thread, or on a scoped
/// thread when this one is already inside an async runtime.
fn on_runtime<R: Send>(f: impl FnOnce() -> Result<R, String> + Send) -> Result<R, String> {
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| {
            s.spawn(f)
                .join()
                .unwrap_or_else(|_| Err("the metadata lookups stopped unexpectedly".into()))
        })
    } else {
        f()
    }
}

/// The network side: one client and the endpoints.
struct Net {
    client: HttpClient,
    options: ResolveOptions,
}

impl Net {
    fn new(client: HttpClient, options: &ResolveOptions) -> Self {
        Net {
            client,
            options: options.clone(),
        }
    }

    /// The record of `doi`: Crossref, then content negotiation when Crossref does not
    /// know it. `Ok(None)` when neither registry knows it; `Err` says why no usable
    /// answer came back.
    async fn record(&self, doi: &str) -> Lookup<Registered> {
        let url = api::works_url(self.options.crossref_api.as_str(), doi);
        let (status, body) = self.crossref(&url).await?;
        match api::read_crossref(status, &body) {
            Answer::Found(r) => return Ok(Some(*r)),
            Answer::Unknown => {}
            Answer::Transient => return Err(format!("Crossref answered HTTP {status}")),
            Answer::Unusable(why) => return Err(format!("Crossref's answer is unusable: {why}")),
        }
        let (status, body) = self.negotiate(doi).await?;
        match api::read_csl(status, &body) {
            Answer::Found(r) => Ok(Some(*r)),
            Answer::Unknown => Ok(None),
            Answer::Transient => Err(format!("the DOI proxy answered HTTP {status}")),
            Answer::Unusable(why) => Err(format!("the DOI proxy's answer is unusable: {why}")),
        }
    }

    /// The hits of a bibliographic search.
    async fn search(&self, query: &str) -> Lookup<Vec<Registered>> {
        let url = api::search_url(self.options.crossref_api.as_str(), query);
        let (status, body) = self.crossref(&url).await?;
        if status != 200 {
            return Err(format!("Crossref's search answered HTTP {status}"));
        }
        parse::crossref_search(&body)
            .map(Some)
            .map_err(|e| format!("Crossref's search answer is unusable: {e}"))
    }

    /// GET a Crossref URL at the announced pace: the status and body.
    async fn crossref(&self, url: &str) -> Result<(u16, String), String> {
        let url = url::Url::parse(url).map_err(|e| format!("bad Crossref URL {url}: {e}"))?;
        let fetched = self
            .client
            .get_trusted(url.clone(), Some("application/json"), RECORD_BODY_CAP)
            .await
            .map_err(|e| format!("Crossref could not be reached: {e}"))?;
        if let Some(p) = Pacing::from_headers(&fetched.headers) {
            self.client.pace_host(&url, p.spacing());
        }
        Ok((
            fetched.status,
            String::from_utf8_lossy(&fetched.body).into_owned(),
        ))
    }

    /// Content negotiation for CSL-JSON, following the DOI proxy's redirects.
    async fn negotiate(&self, doi: &str) -> Result<(u16, String), String> {
        let first = api::csl_url(self.options.doi_resolver.as_str(), doi);
        let mut url = url::Url::parse(&first).map_err(|e| format!("bad URL {first}: {e}"))?;
        for _ in 0..=MAX_REDIRECTS {
            let fetched = self
                .client
                .get_trusted(url.clone(), Some(CSL_ACCEPT), RECORD_BODY_CAP)
                .await
                .map_err(|e| {
                    format!(
                        "{} could not be reached: {e}",
                        url.host_str().unwrap_or("the DOI proxy")
                    )
                })?;
            if !matches!(fetched.status, 301 | 302 | 303 | 307 | 308) {
                return Ok((
                    fetched.status,
                    String::from_utf8_lossy(&fetched.body).into_owned(),
                ));
            }
            let location = fetched
                .headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or("content negotiation redirected without a Location")?;
            url = url
                .join(location)
                .map_err(|e| format!("content negotiation redirected to a bad URL: {e}"))?;
        }
        Err(format!(
            "content negotiation redirected more than {MAX_REDIRECTS} times"
        ))
    }
}

/// A record, nothing (no registry knows it), or why no usable answer came back.
type Lookup<T> = Result<Option<T>, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossref_gets_five_slots_unless_configured() {
        let progress = super::super::NoProgress;
        let s = Session::new(&ResolveOptions::default(), None, &progress);
        assert_eq!(
            s.options.hosts["api.crossref.org"].concurrency,
            Some(CROSSREF_MAX_IN_FLIGHT)
        );
        let mut o = ResolveOptions::default();
        o.hosts.insert(
            "api.crossref.org".into(),
            super::super::hosts::HostLimits {
                concurrency: Some(2),
                ..Default::default()
            },
        );
        let s = Session::new(&o, None, &progress);
        assert_eq!(s.options.hosts["api.crossref.org"].concurrency, Some(2));
    }
}
