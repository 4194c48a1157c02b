//! Article content must not reach private addresses, directly or through a redirect.
//!
//! The test servers live on 127.0.0.1, which is itself private. To test a redirect
//! honestly, the first hop goes to a *name* pinned to the server's address (as curl's
//! `--resolve` does; pinned names are configured, hence trusted), and that server
//! redirects to 127.0.0.1 and to `localhost`: the redirect targets meet the real
//! checks, with `--allow-private` off.

mod resolve_common;

use refcheck::model::Status;
use resolve_common::*;
use std::net::SocketAddr;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn strict(pinned: Option<(&str, SocketAddr)>) -> refcheck::resolve::ResolveOptions {
    let mut o = options();
    o.allow_private = false;
    o.pinned = pinned
        .map(|(n, a)| (n.to_string(), a))
        .into_iter()
        .collect();
    o
}

#[tokio::test(flavor = "multi_thread")]
async fn a_private_address_is_skipped_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(path("/admin"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let r = resolve_url(&format!("{}/admin", server.uri()), &strict(None));
    assert_status(&r, Status::Skipped);
    assert!(
        r.reason.as_deref().unwrap_or("").contains("private"),
        "{r:?}"
    );
    let port = server.address().port();
    let r = resolve_url(&format!("http://localhost:{port}/admin"), &strict(None));
    assert_status(&r, Status::Skipped);
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_into_the_private_network_is_stopped() {
    let server = MockServer::start().await;
    let addr = *server.address();
    let port = addr.port();
    Mock::given(path("/to-literal"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("http://127.0.0.1:{port}/secret").as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/to-name"))
        .respond_with(ResponseTemplate::new(301).insert_header(
            "location",
            format!("http://localhost:{port}/secret").as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/secret"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let o = strict(Some(("public.example", addr)));
    for route in ["to-literal", "to-name"] {
        let r = resolve_url(&format!("http://public.example:{port}/{route}"), &o);
        assert_status(&r, Status::Skipped);
    }
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert!(
        !paths.iter().any(|p| p == "/secret"),
        "the private target was reached: {paths:?}"
    );
    assert!(
        paths.iter().any(|p| p == "/to-literal"),
        "the public first hop was fetched: {paths:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn allow_private_lets_the_same_redirect_through() {
    let server = MockServer::start().await;
    let port = server.address().port();
    Mock::given(path("/hop"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("http://localhost:{port}/secret").as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/secret"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let r = resolve_url(&format!("{}/hop", server.uri()), &options());
    assert_status(&r, Status::Ok);
}
