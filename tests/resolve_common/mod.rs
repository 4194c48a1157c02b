//! Shared pieces of the resolution tests: options for fast runs against servers on
//! 127.0.0.1, and small raw-TCP servers for the cases wiremock cannot play (bodies
//! that never end, bodies far larger than anything refcheck should read).
#![allow(dead_code)]

use refcheck::model::{IdKey, IdKind, Resolution, Status};
use refcheck::resolve::{resolve_keys, NoProgress, ResolveOptions};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Options for a test run: local servers allowed, short timeout, quick retries, no cache.
pub fn options() -> ResolveOptions {
    ResolveOptions {
        allow_private: true,
        timeout: Duration::from_secs(2),
        retries: 2,
        backoff_base: Duration::from_millis(20),
        cache: false,
        ..ResolveOptions::default()
    }
}

pub fn url_key(url: &str) -> IdKey {
    IdKey {
        kind: IdKind::Url,
        value: url.to_string(),
    }
}

/// Resolve one URL with `options` and return what refcheck found.
pub fn resolve_url(url: &str, options: &ResolveOptions) -> Resolution {
    let key = url_key(url);
    let out = resolve_keys(std::slice::from_ref(&key), options, &NoProgress);
    out.resolutions.get(&key).cloned().unwrap_or_default()
}

pub fn assert_status(r: &Resolution, want: Status) {
    assert_eq!(r.status(), want, "resolution: {r:?}");
}

/// Read one request's head; `None` when the peer is gone.
async fn read_head(sock: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut byte).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&byte[..n]);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// A server that answers HEAD with 405 and GET with `head` followed by whatever
/// `body` writes; returns its address and the number of body bytes it managed to send.
async fn raw_server<F, Fut>(head: &'static str, body: F) -> (String, Arc<AtomicU64>)
where
    F: Fn(tokio::net::TcpStream, Arc<AtomicU64>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let body = Arc::new(body);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let counter = counter.clone();
            let body = body.clone();
            tokio::spawn(async move {
                let Some(request) = read_head(&mut sock).await else {
                    return;
                };
                if request.starts_with("HEAD") {
                    let _ = sock
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
                        .await;
                    let Some(_) = read_head(&mut sock).await else {
                        return;
                    };
                }
                if sock.write_all(head.as_bytes()).await.is_ok() {
                    body(sock, counter).await;
                }
            });
        }
    });
    (format!("http://{addr}/"), sent)
}

/// 200 with an HTML body that trickles out a byte every 100 ms, forever.
pub async fn endless_slow_body() -> (String, Arc<AtomicU64>) {
    raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ntransfer-encoding: chunked\r\n\r\n",
        |mut sock, sent| async move {
            loop {
                if sock.write_all(b"1\r\na\r\n").await.is_err() {
                    return;
                }
                sent.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        },
    )
    .await
}

/// 200 with an HTML body of 4 GiB, sent as fast as the client reads.
pub async fn huge_body() -> (String, Arc<AtomicU64>) {
    raw_server(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 4294967296\r\n\r\n",
        |mut sock, sent| async move {
            let chunk = vec![b'x'; 64 * 1024];
            loop {
                if sock.write_all(&chunk).await.is_err() {
                    return;
                }
                sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
        },
    )
    .await
}

/// An address where nothing listens: a port bound and released at once.
pub fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/gone")
}

/// Requests in flight at a [`delayed_server`], and the most seen at once.
#[derive(Debug, Default)]
pub struct InFlight {
    pub now: AtomicU64,
    pub peak: AtomicU64,
    pub total: AtomicU64,
}

/// A keep-alive server answering every request with 200 after `delay`; returns its port.
pub async fn delayed_server(delay: Duration) -> (u16, Arc<InFlight>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let stats = Arc::new(InFlight::default());
    let shared = stats.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let stats = shared.clone();
            tokio::spawn(async move {
                while read_head(&mut sock).await.is_some() {
                    let n = stats.now.fetch_add(1, Ordering::SeqCst) + 1;
                    stats.peak.fetch_max(n, Ordering::SeqCst);
                    stats.total.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    stats.now.fetch_sub(1, Ordering::SeqCst);
                    let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
                    if sock.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, stats)
}

/// A server whose first answer is 429 (no Retry-After) and every later one 200;
/// returns its port and the arrival time of each request.
pub async fn throttling_server() -> (u16, Arc<std::sync::Mutex<Vec<std::time::Instant>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let arrivals = Arc::new(std::sync::Mutex::new(Vec::new()));
    let shared = arrivals.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let arrivals = shared.clone();
            tokio::spawn(async move {
                while read_head(&mut sock).await.is_some() {
                    let first = {
                        let mut a = arrivals.lock().unwrap_or_else(|e| e.into_inner());
                        a.push(std::time::Instant::now());
                        a.len() == 1
                    };
                    let reply: &[u8] = if first {
                        b"HTTP/1.1 429 Too Many Requests\r\ncontent-length: 0\r\n\r\n"
                    } else {
                        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
                    };
                    if sock.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, arrivals)
}
