//! A hostile server on loopback: redirects that would carry credentials to another host,
//! answers too large to hold, and replays that break the mid order. Every server here is a
//! small axum app on 127.0.0.1; every wait is bounded.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode, header};
use common::*;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use vocechat_tui::api::{ApiClient, ApiError, Session, now_ms};
use vocechat_tui::sync::{ConnState, Cursor, SyncMsg};

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
                    .map(|p| p.as_str())
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
