//! A hostile server on loopback: redirects that would carry credentials to another host,
//! answers too large to hold, and replays that break the mid order. Every server here is a
//! small axum app on 127.0.0.1; every wait is bounded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode, header};
use bytes::Bytes;
use common::*;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use vocechat_tui::app::conn::{ConnState, SyncMsg};
use vocechat_tui::clock::now_ms;
use vocechat_tui::runtime::api::{ApiClient, ApiError, Session};
use vocechat_tui::runtime::sync::Cursor;

const TOKEN: &str = "SECRET-ACCESS-TOKEN";
const REFRESH: &str = "SECRET-REFRESH-TOKEN";
const PASSWORD: &str = "SECRET-PASSWORD";

/// Serves `app` on a free loopback port.
async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// Everything a listener was sent: request line, headers and body, as text.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, entry: String) {
        self.0.lock().unwrap().push(entry);
    }
    fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

async fn record(log: Log, req: Request<Body>) -> String {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    log.push(format!(
        "{} {} {:?} {}",
        parts.method,
        parts.uri,
        parts.headers,
        String::from_utf8_lossy(&body)
    ));
    "ok".to_string()
}

/// The second origin: it must never hear from the client.
async fn sink() -> (SocketAddr, Log) {
    let log = Log::default();
    let app = Router::new().fallback({
        let log = log.clone();
        move |req: Request<Body>| record(log.clone(), req)
    });
    (serve(app).await, log)
}

/// Answers every request with `status` and a Location on `target` with the same path and
/// query (the token included), and records the Referer headers it got.
async fn redirector(status: u16, target: SocketAddr) -> (SocketAddr, Log) {
    let referers = Log::default();
    let app = Router::new().fallback({
        let referers = referers.clone();
        move |headers: HeaderMap, req: Request<Body>| {
            let referers = referers.clone();
            async move {
                let referer = headers.get(header::REFERER).map(|v| format!("{v:?}"));
                referers.push(referer.unwrap_or_else(|| "<none>".into()));
                let path = req
                    .uri()
                    .path_and_query()
                    .map(axum::http::uri::PathAndQuery::as_str)
                    .unwrap_or("/");
                Response::builder()
                    .status(StatusCode::from_u16(status).unwrap())
                    .header(header::LOCATION, format!("http://{target}{path}"))
                    .body(Body::empty())
                    .unwrap()
            }
        }
    });
    (serve(app).await, referers)
}

fn session(expires_at_ms: i64) -> Session {
    Session {
        server_id: "hostile".into(),
        uid: 1,
        device: "tui:h".into(),
        token: TOKEN.into(),
        refresh_token: REFRESH.into(),
        expires_at_ms,
        lifetime_ms: 300_000,
    }
}

async fn client(addr: SocketAddr, session: Option<Session>) -> ApiClient {
    let api = ApiClient::new(&format!("http://{addr}")).unwrap();
    api.set_session(session).await;
    api
}

fn assert_redirect_refused(err: ApiError, sink: SocketAddr) {
    assert_eq!(
        err,
        ApiError::Redirected {
            to: format!("http://{sink}")
        }
    );
    let text = err.to_string();
    assert!(!text.contains("SECRET") && !text.contains('?'), "{text}");
}

/// The referer the client sent: its base URL, never a URL with a query string.
fn assert_plain_referers(referers: &Log, origin: SocketAddr) {
    let seen = referers.entries();
    assert!(!seen.is_empty());
    for r in seen {
        assert_eq!(r, format!("\"http://{origin}/\""));
    }
}

const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

#[tokio::test]
async fn rest_calls_with_an_api_key_never_follow_a_redirect() {
    let (sink_addr, sink_log) = sink().await;
    for status in REDIRECTS {
        let (addr, referers) = redirector(status, sink_addr).await;
        let api = client(addr, Some(session(now_ms() + 3_600_000))).await;
        let err = api.me().await.unwrap_err();
        assert_redirect_refused(err, sink_addr);
        assert!(!api.me().await.unwrap_err().is_transient());
        assert_plain_referers(&referers, addr);
    }
    assert_eq!(sink_log.entries(), Vec::<String>::new());
}

#[tokio::test]
async fn token_renewal_never_posts_the_refresh_token_elsewhere() {
    let (sink_addr, sink_log) = sink().await;
    for status in REDIRECTS {
        let (addr, _) = redirector(status, sink_addr).await;
        // Expired: the first call renews, and the renew is what gets redirected.
        let api = client(addr, Some(session(0))).await;
        let err = api.me().await.unwrap_err();
        assert_redirect_refused(err, sink_addr);
        // The session is kept as it was (a redirect is not a rejection).
        assert_eq!(api.session().await.unwrap().refresh_token, REFRESH);
    }
    assert_eq!(sink_log.entries(), Vec::<String>::new());
}

#[tokio::test]
async fn login_never_posts_the_password_elsewhere() {
    let (sink_addr, sink_log) = sink().await;
    for status in REDIRECTS {
        let (addr, referers) = redirector(status, sink_addr).await;
        let api = client(addr, None).await;
        let err = api
            .login("a@example.com", PASSWORD, "tui:h")
            .await
            .unwrap_err();
        assert_redirect_refused(err, sink_addr);
        assert_plain_referers(&referers, addr);
        assert!(api.session().await.is_none());
    }
    assert_eq!(sink_log.entries(), Vec::<String>::new());
}

#[tokio::test]
async fn the_event_stream_never_follows_a_redirect() {
    let (sink_addr, sink_log) = sink().await;
    for status in REDIRECTS {
        let (addr, referers) = redirector(status, sink_addr).await;
        let api = client(addr, Some(session(now_ms() + 3_600_000))).await;
        let mut s = stream(&api, Cursor::default(), fast_sync());
        let seen = s
            .until(Duration::from_secs(5), |m| {
                matches!(m, SyncMsg::State(ConnState::Waiting { .. }))
            })
            .await;
        let Some(SyncMsg::State(ConnState::Waiting { reason, .. })) = seen.last() else {
            panic!("{seen:?}");
        };
        assert_eq!(
            reason,
            &format!("the server redirected the stream to http://{sink_addr}; not following it")
        );
        s.handle.stop();
        // The token was only ever sent to the server itself, and never in a Referer.
        assert_plain_referers(&referers, addr);
    }
    assert_eq!(sink_log.entries(), Vec::<String>::new());
}

// ------------------------------------------------------------------ answers too large

const MIB: usize = 1 << 20;

/// What a [`feed`] body got to send before the client hung up.
#[derive(Default)]
struct Feed {
    sent: AtomicUsize,
    hung_up: AtomicBool,
    finished: AtomicBool,
}

impl Feed {
    /// Waits (bounded) until the feed task is done; true if the client hung up first.
    async fn client_hung_up(&self) -> bool {
        for _ in 0..1000 {
            if self.finished.load(Ordering::SeqCst) {
                return self.hung_up.load(Ordering::SeqCst);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the feed never finished");
    }
}

/// A streamed body: `head`, `filler` bytes of `x`, then `tail`, or with no tail, an open
/// connection until the client hangs up (at most 20 s).
fn feed(head: &'static str, filler: usize, tail: Option<&'static str>) -> (Body, Arc<Feed>) {
    let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(4);
    let state = Arc::new(Feed::default());
    let st = state.clone();
    tokio::spawn(async move {
        let piece = Bytes::from(vec![b'x'; 64 << 10]);
        let mut parts = vec![Bytes::from_static(head.as_bytes())];
        parts.extend(std::iter::repeat_n(piece, filler / (64 << 10)));
        parts.extend(tail.map(|t| Bytes::from_static(t.as_bytes())));
        let mut hung_up = false;
        for part in parts {
            let n = part.len();
            if tx.send(Ok(part)).await.is_err() {
                hung_up = true;
                break;
            }
            st.sent.fetch_add(n, Ordering::SeqCst);
        }
        if !hung_up && tail.is_none() {
            hung_up = tokio::time::timeout(Duration::from_secs(20), tx.closed())
                .await
                .is_ok();
        }
        st.hung_up.store(hung_up, Ordering::SeqCst);
        st.finished.store(true, Ordering::SeqCst);
    });
    (Body::from_stream(ReceiverStream::new(rx)), state)
}

/// A server whose every answer is `respond()`; returns the feeds it handed out.
async fn feeding_server(
    respond: impl Fn() -> (Response<Body>, Arc<Feed>) + Clone + Send + Sync + 'static,
) -> (SocketAddr, Arc<Mutex<Vec<Arc<Feed>>>>) {
    let feeds = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new().fallback({
        let feeds = feeds.clone();
        move || {
            let (resp, f) = respond();
            feeds.lock().unwrap().push(f);
            async move { resp }
        }
    });
    (serve(app).await, feeds)
}

fn nth_feed(feeds: &Mutex<Vec<Arc<Feed>>>, n: usize) -> Option<Arc<Feed>> {
    feeds.lock().unwrap().get(n).cloned()
}

#[tokio::test]
async fn an_endless_event_line_is_cut_at_16_mib_and_the_stream_reconnects() {
    let (addr, feeds) = feeding_server(|| {
        let (body, f) = feed("data: ", 20 * MIB, None);
        let resp = Response::builder()
            .header(header::CONTENT_TYPE, "text/event-stream")
            .body(body)
            .unwrap();
        (resp, f)
    })
    .await;
    let api = client(addr, Some(session(now_ms() + 3_600_000))).await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    let seen = s
        .until(Duration::from_secs(10), |m| {
            matches!(m, SyncMsg::State(ConnState::Waiting { .. }))
        })
        .await;
    let Some(SyncMsg::State(ConnState::Waiting { reason, .. })) = seen.last() else {
        panic!("{seen:?}");
    };
    assert_eq!(reason, "the server sent an event over 16 MiB");
    // The client dropped the connection itself (the server would have kept it open)...
    let first = nth_feed(&feeds, 0).unwrap();
    assert!(first.client_hung_up().await);
    // ...and tries again after the backoff, with the same guard.
    s.until(Duration::from_secs(10), |m| {
        matches!(m, SyncMsg::State(ConnState::Connecting { attempt: 2 }))
    })
    .await;
    s.until(Duration::from_secs(10), |m| {
        matches!(m, SyncMsg::State(ConnState::Waiting { reason, .. }) if reason.contains("16 MiB"))
    })
    .await;
    s.handle.stop();
}

const USER_HEAD: &str = r#"{"uid":1,"name":""#;
const USER_TAIL: &str = r#"","gender":0,"language":"en-US","is_admin":false,"is_bot":false}"#;

#[tokio::test]
async fn a_json_answer_over_32_mib_is_refused_without_reading_it_all() {
    let size = 40 * MIB;
    let total = USER_HEAD.len() + size + USER_TAIL.len();
    for declared in [false, true] {
        let (addr, feeds) = feeding_server(move || {
            let (body, f) = feed(USER_HEAD, size, Some(USER_TAIL));
            let mut resp = Response::builder().header(header::CONTENT_TYPE, "application/json");
            if declared {
                resp = resp.header(header::CONTENT_LENGTH, total);
            }
            (resp.body(body).unwrap(), f)
        })
        .await;
        let api = client(addr, Some(session(now_ms() + 3_600_000))).await;
        let err = api.me().await.unwrap_err();
        assert_eq!(
            err,
            ApiError::AnswerTooLarge {
                limit_bytes: 32 << 20
            }
        );
        assert_eq!(
            err.to_string(),
            "the server's answer is over 32 MiB; not reading it"
        );
        let f = nth_feed(&feeds, 0).unwrap();
        assert!(f.client_hung_up().await, "declared: {declared}");
        assert!(f.sent.load(Ordering::SeqCst) < total);
    }
}

#[tokio::test]
async fn an_endless_error_text_is_cut_at_64_kib() {
    let (addr, feeds) = feeding_server(|| {
        let (body, f) = feed("oops ", 100 * MIB, Some(""));
        let resp = Response::builder().status(500).body(body).unwrap();
        (resp, f)
    })
    .await;
    let api = client(addr, Some(session(now_ms() + 3_600_000))).await;
    match api.me().await.unwrap_err() {
        ApiError::Server { status: 500, body } => {
            assert!(
                body.starts_with("oops xxx") && body.chars().count() <= 200,
                "{body}"
            );
        }
        other => panic!("{other:?}"),
    }
    let f = nth_feed(&feeds, 0).unwrap();
    assert!(f.client_hung_up().await);
}

#[tokio::test]
async fn a_stalled_answer_times_out_with_a_transient_error() {
    let (addr, _) = feeding_server(|| {
        let (body, f) = feed(USER_HEAD, 0, None);
        let resp = Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .unwrap();
        (resp, f)
    })
    .await;
    let api =
        ApiClient::with_timeout(&format!("http://{addr}"), Duration::from_millis(300)).unwrap();
    api.set_session(Some(session(now_ms() + 3_600_000))).await;
    let err = tokio::time::timeout(Duration::from_secs(10), api.me())
        .await
        .expect("the request timeout ends a stalled body")
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::Network(m) if m.starts_with("timed out")),
        "{err:?}"
    );
    assert!(err.is_transient());
}

// ------------------------------------------------------------------ mids out of order

use futures::StreamExt;
use vocechat_tui::protocol::ServerEvent;
use vocechat_tui::protocol::types::{ChatMessage, MessageDetail, Target};

fn chat(mid: i64, created_at: i64) -> String {
    let ev = ServerEvent::Chat(ChatMessage {
        mid,
        from_uid: 2,
        created_at,
        target: Target::Group { gid: 1 },
        detail: MessageDetail::Normal {
            content_type: "text/plain".into(),
            content: format!("{mid}@{created_at}"),
            properties: None,
            expires_in: None,
        },
    });
    format!("data: {}\n\n", serde_json::to_string(&ev).unwrap())
}

const READY: &str = "data: {\"type\":\"ready\"}\n\n";

/// An event stream that plays `scripts[n]` to the n-th connection (and records its query);
/// the last script's connection stays open.
async fn scripted_stream(scripts: Vec<Vec<String>>) -> (SocketAddr, Log) {
    let queries = Log::default();
    let scripts = Arc::new(scripts);
    let app = Router::new().fallback({
        let queries = queries.clone();
        move |req: Request<Body>| {
            let n = queries.entries().len();
            queries.push(req.uri().query().unwrap_or("").to_string());
            let frames = scripts.get(n).cloned().unwrap_or_default();
            let last = n + 1 >= scripts.len();
            let body = futures::stream::iter(frames.into_iter().map(Ok::<_, Infallible>));
            let body = if last {
                Body::from_stream(body.chain(futures::stream::pending()))
            } else {
                Body::from_stream(body)
            };
            async move {
                Response::builder()
                    .header(header::CONTENT_TYPE, "text/event-stream")
                    .body(body)
                    .unwrap()
            }
        }
    });
    (serve(app).await, queries)
}

fn chats(msgs: &[SyncMsg]) -> Vec<(i64, i64)> {
    events(msgs)
        .into_iter()
        .filter_map(|e| match e {
            ServerEvent::Chat(c) => Some((c.mid, c.created_at)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn duplicates_are_dropped_and_live_mids_going_backwards_are_not() {
    let first = vec![
        chat(1, 100),
        chat(2, 100),
        chat(3, 100),
        READY.to_string(),
        chat(3, 100), // a live duplicate of the newest
        chat(4, 100),
        chat(2, 100), // a live duplicate of an older one
        chat(2, 200), // mid 2 again, but a new message: the server went backwards
    ];
    // The reconnect: a replay that ignores after_mid and repeats everything, then news.
    let second = vec![
        chat(1, 100),
        chat(2, 100),
        chat(3, 100),
        chat(4, 100),
        chat(2, 200),
        chat(3, 300),
        READY.to_string(),
        chat(3, 300),
        chat(5, 300),
    ];
    // The first connection ended unasked, so the server may still run its loop and have
    // silenced the second: a third checks (it replays from the second's cursor, as a real
    // server would, and repeats a duplicate).
    let third = vec![chat(3, 300), chat(5, 300), READY.to_string()];
    let (addr, queries) = scripted_stream(vec![first, second, third]).await;
    let api = client(addr, Some(session(now_ms() + 3_600_000))).await;
    let mut s = stream(&api, Cursor::default(), fast_sync());
    let seen = s
        .until(Duration::from_secs(10), |m| {
            matches!(m, SyncMsg::Event(e) if matches!(&**e, ServerEvent::Chat(c) if c.mid == 5))
        })
        .await;
    assert_eq!(
        chats(&seen),
        [
            (1, 100),
            (2, 100),
            (3, 100),
            (4, 100),
            (2, 200),
            (3, 300),
            (5, 300)
        ]
    );
    // The second connection resumed from the lowered cursor, the third from the second's.
    let q = queries.entries();
    assert_eq!(q.len(), 3);
    assert!(q[1].ends_with("&after_mid=2"), "{}", q[1]);
    assert!(q[2].ends_with("&after_mid=3"), "{}", q[2]);
    s.handle.stop();
}
