//! URL resolution against real HTTP servers on 127.0.0.1: one test per case of
//! issue 3, each asserting the status (and reason, redirect, request count) that
//! refcheck must report.

mod resolve_common;

use refcheck::model::Status;
use refcheck::resolve::{resolve_keys, NoProgress};
use resolve_common::*;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn serve(route: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(route))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn a_200_is_ok_and_is_asked_with_head_only() {
    let server = serve("/page", ResponseTemplate::new(200)).await;
    let r = resolve_url(&format!("{}/page", server.uri()), &options());
    assert_status(&r, Status::Ok);
    assert_eq!(r.http_status, Some(200));
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method.as_str(), "HEAD");
    let ua = requests[0]
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        ua.starts_with("refcheck/") && ua.contains("+https://github.com/refcheck/refcheck"),
        "{ua}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_404_and_a_410_are_broken_after_a_get_confirms_them() {
    for code in [404, 410] {
        let server = serve("/gone", ResponseTemplate::new(code)).await;
        let r = resolve_url(&format!("{}/gone", server.uri()), &options());
        assert_status(&r, Status::Broken);
        assert_eq!(r.http_status, Some(code));
        let methods: Vec<String> = server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(|r| r.method.to_string())
            .collect();
        assert_eq!(
            methods,
            ["HEAD", "GET"],
            "a HEAD error is confirmed with GET"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn head_refused_falls_back_to_get() {
    let server = MockServer::start().await;
    Mock::given(method("HEAD"))
        .respond_with(ResponseTemplate::new(405))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let r = resolve_url(&format!("{}/x", server.uri()), &options());
    assert_status(&r, Status::Ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_403_a_401_and_a_999_are_unverifiable_not_broken() {
    for code in [401, 403, 999] {
        let server = serve("/wall", ResponseTemplate::new(code)).await;
        let r = resolve_url(&format!("{}/wall", server.uri()), &options());
        assert_status(&r, Status::Unverifiable);
        assert_eq!(r.http_status, Some(code));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bot_challenge_page_is_unverifiable() {
    let page =
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>";
    let server = serve(
        "/cf",
        ResponseTemplate::new(403).set_body_raw(page, "text/html"),
    )
    .await;
    let r = resolve_url(&format!("{}/cf", server.uri()), &options());
    assert_status(&r, Status::Unverifiable);
    assert!(
        r.reason.as_deref().unwrap_or("").contains("bot-challenge"),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_with_retry_after_is_waited_for_then_ok() {
    let server = MockServer::start().await;
    Mock::given(path("/busy"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/busy"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let started = Instant::now();
    let r = resolve_url(&format!("{}/busy", server.uri()), &options());
    assert_status(&r, Status::Ok);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 honoured"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_beyond_the_cap_is_unverifiable_with_the_reason() {
    let server = serve(
        "/later",
        ResponseTemplate::new(429).insert_header("retry-after", "3600"),
    )
    .await;
    let started = Instant::now();
    let r = resolve_url(&format!("{}/later", server.uri()), &options());
    assert_status(&r, Status::Unverifiable);
    assert!(
        r.reason.as_deref().unwrap_or("").contains("3600 s"),
        "{r:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "did not wait an hour"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_503_twice_then_200_is_ok_after_retries() {
    let server = MockServer::start().await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let r = resolve_url(&format!("{}/flaky", server.uri()), &options());
    assert_status(&r, Status::Ok);
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        3
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_503_that_never_ends_is_unverifiable() {
    let server = serve("/down", ResponseTemplate::new(503)).await;
    let r = resolve_url(&format!("{}/down", server.uri()), &options());
    assert_status(&r, Status::Unverifiable);
    // One HEAD, then a GET and its two retries.
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        4
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeout_is_unverifiable() {
    let server = serve(
        "/slow",
        ResponseTemplate::new(200).set_delay(Duration::from_secs(5)),
    )
    .await;
    let mut o = options();
    o.timeout = Duration::from_millis(300);
    o.retries = 0;
    let started = Instant::now();
    let r = resolve_url(&format!("{}/slow", server.uri()), &o);
    assert_status(&r, Status::Unverifiable);
    assert!(
        r.reason.as_deref().unwrap_or("").contains("timed out"),
        "{r:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "gave up well before the server answered"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_chain_to_a_live_page_is_ok() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(path("/a"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/b"))
        .mount(&server)
        .await;
    Mock::given(path("/b"))
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", format!("{base}/c").as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(path("/c"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let r = resolve_url(&format!("{base}/a"), &options());
    assert_status(&r, Status::Ok);
    assert_eq!(r.redirect, None, "temporary redirects are not reported");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_redirect_names_the_new_url() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/new"))
        .mount(&server)
        .await;
    Mock::given(path("/new"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/login"))
        .mount(&server)
        .await;
    Mock::given(path("/login"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let r = resolve_url(&format!("{base}/old"), &options());
    assert_status(&r, Status::Redirected);
    assert_eq!(r.redirect.as_deref(), Some(format!("{base}/new").as_str()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_loop_is_broken() {
    let server = MockServer::start().await;
    Mock::given(path("/ping"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/pong"))
        .mount(&server)
        .await;
    Mock::given(path("/pong"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/ping"))
        .mount(&server)
        .await;
    let r = resolve_url(&format!("{}/ping", server.uri()), &options());
    assert_status(&r, Status::Broken);
    assert!(r.reason.as_deref().unwrap_or("").contains("loop"), "{r:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_loop_that_sets_cookies_is_unverifiable() {
    let server = MockServer::start().await;
    Mock::given(path("/check"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", "/check")
                .insert_header("set-cookie", "session=1; Path=/"),
        )
        .mount(&server)
        .await;
    let r = resolve_url(&format!("{}/check", server.uri()), &options());
    assert_status(&r, Status::Unverifiable);
    assert!(
        r.reason.as_deref().unwrap_or("").contains("cookies"),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_slow_body_does_not_hang_the_run() {
    let (url, _) = endless_slow_body().await;
    let mut o = options();
    o.timeout = Duration::from_millis(800);
    let started = Instant::now();
    let r = resolve_url(&url, &o);
    // The status line said 200; the body is cut short at the timeout.
    assert_status(&r, Status::Ok);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_body_is_read_only_up_to_the_cap() {
    let (url, sent) = huge_body().await;
    let r = resolve_url(&url, &options());
    assert_status(&r, Status::Ok);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = sent.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        sent < 64 * 1024 * 1024,
        "the server got to send {sent} bytes"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_is_broken_after_retries() {
    let r = resolve_url(&refused_url(), &options());
    assert_status(&r, Status::Broken);
    assert!(
        r.reason.as_deref().unwrap_or("").contains("refused"),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_host_is_broken() {
    // `.invalid` never exists (RFC 6761): the resolver answers NXDOMAIN without internet.
    let r = resolve_url("http://no-such-host.invalid/paper", &options());
    assert_status(&r, Status::Broken);
    assert!(
        r.reason.as_deref().unwrap_or("").contains("unknown host"),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn other_schemes_stay_unchecked() {
    let r = resolve_url("ftp://ftp.example.org/pub/file.txt", &options());
    assert_status(&r, Status::Unchecked);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_request_per_unique_url_however_often_it_is_asked() {
    let server = serve("/same", ResponseTemplate::new(200)).await;
    let url = format!("{}/same", server.uri());
    let keys = vec![url_key(&url), url_key(&url), url_key(&url)];
    let out = resolve_keys(&keys, &options(), &NoProgress);
    assert_eq!(out.resolutions.len(), 1);
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn excluded_urls_are_not_requested_and_remaps_are_followed() {
    let server = serve("/mirror/paper", ResponseTemplate::new(200)).await;
    let mut o = options();
    o.exclude
        .push(regex::Regex::new("skip-me").expect("valid regex"));
    let rule = format!(r"^https://journal\.invalid/(.*) {}/mirror/$1", server.uri());
    o.remap
        .push(refcheck::resolve::options::parse_remap(&rule).expect("valid rule"));
    let keys = vec![
        url_key("https://journal.invalid/paper"),
        url_key("https://skip-me.invalid/"),
    ];
    let out = resolve_keys(&keys, &o, &NoProgress);
    assert_status(&out.resolutions[&keys[0]], Status::Ok);
    assert!(
        !out.resolutions.contains_key(&keys[1]),
        "excluded: left unchecked"
    );
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
}
