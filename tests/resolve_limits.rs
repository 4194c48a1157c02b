//! The limits on requests in flight hold, as the server sees them.

mod resolve_common;

use refcheck::model::Status;
use refcheck::resolve::{resolve_keys, NoProgress};
use resolve_common::*;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn per_host_and_overall_limits_are_never_exceeded() {
    let (port, stats) = delayed_server(Duration::from_millis(40)).await;
    // Two host names for one server: `localhost` and `127.0.0.1` are separate hosts.
    let keys: Vec<_> = (0..24)
        .flat_map(|i| {
            [
                url_key(&format!("http://127.0.0.1:{port}/a/{i}")),
                url_key(&format!("http://localhost:{port}/b/{i}")),
            ]
        })
        .collect();
    let mut o = options();
    o.per_host = 3;
    o.concurrency = 64;
    let out = resolve_keys(&keys, &o, &NoProgress);
    assert!(out.resolutions.values().all(|r| r.status() == Status::Ok));
    assert_eq!(stats.total.load(Ordering::SeqCst), 48, "one HEAD per URL");
    assert_eq!(
        stats.peak.load(Ordering::SeqCst),
        6,
        "3 per host, two hosts"
    );

    stats.peak.store(0, Ordering::SeqCst);
    o.concurrency = 4;
    let fresh: Vec<_> = keys
        .iter()
        .map(|k| url_key(&format!("{}?again", k.value)))
        .collect();
    resolve_keys(&fresh, &o, &NoProgress);
    assert_eq!(
        stats.peak.load(Ordering::SeqCst),
        4,
        "the overall limit binds"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_slows_its_host_for_the_rest_of_the_run() {
    let (port, arrivals) = throttling_server().await;
    let keys: Vec<_> = (0..4)
        .map(|i| url_key(&format!("http://127.0.0.1:{port}/p/{i}")))
        .collect();
    let mut o = options();
    o.per_host = 1;
    let out = resolve_keys(&keys, &o, &NoProgress);
    assert!(
        out.resolutions.values().all(|r| r.status() == Status::Ok),
        "{out:?}"
    );
    let times = arrivals.lock().expect("lock").clone();
    assert_eq!(
        times.len(),
        5,
        "one 429, then a GET for it and a HEAD for each other URL"
    );
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(450),
            "requests after a 429 are spaced out: {gap:?}"
        );
    }
}
