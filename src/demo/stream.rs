//! The demo server's `/api/user/events`: one task per connection writes the queued events as
//! `data: <json>\n\n` frames, keep-alive comments every few seconds and heartbeats, and obeys
//! the fault switches (drop every stream, pause heartbeats, go silent).

use super::Shared;
use super::state::Frame;
use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use bytes::Bytes;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc;
use tokio::time::{Instant, interval_at};
use tokio_stream::wrappers::ReceiverStream;

pub fn open(
    shared: Arc<Shared>,
    uid: i64,
    device: String,
    after_mid: Option<i64>,
    users_version: Option<i64>,
) -> Response<Body> {
    let (id, events) = shared
        .state()
        .open_stream(uid, &device, after_mid, users_version);
    let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(64);
    tokio::spawn(pump(shared, uid, device, id, events, tx));
    let mut resp = Response::new(Body::from_stream(ReceiverStream::new(rx)));
    *resp.status_mut() = StatusCode::OK;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    resp
}

async fn pump(
    shared: Arc<Shared>,
    uid: i64,
    device: String,
    id: u64,
    mut events: mpsc::UnboundedReceiver<Frame>,
    out: mpsc::Sender<Result<Bytes, Infallible>>,
) {
    let cfg = &shared.config;
    let mut heartbeat = interval_at(
        Instant::now() + cfg.heartbeat_interval,
        cfg.heartbeat_interval,
    );
    let mut keepalive = interval_at(
        Instant::now() + cfg.keepalive_interval,
        cfg.keepalive_interval,
    );
    let mut drops = shared.faults.drop_gen.subscribe();
    drops.borrow_and_update();
    loop {
        let frame = tokio::select! {
            ev = events.recv() => match ev {
                Some(Frame::Event(json)) => {
                    if shared.faults.silent.load(Ordering::Relaxed) {
                        continue;
                    }
                    format!("data: {json}\n\n")
                }
                Some(Frame::Close) | None => break,
            },
            _ = heartbeat.tick() => {
                if shared.faults.heartbeats_paused.load(Ordering::Relaxed) || shared.faults.silent.load(Ordering::Relaxed) {
                    continue;
                }
                format!("data: {{\"time\":{},\"type\":\"heartbeat\"}}\n\n", crate::clock::now_ms())
            }
            _ = keepalive.tick() => ":\n\n".to_string(),
            _ = drops.changed() => break,
            _ = out.closed() => break,
        };
        if out.send(Ok(Bytes::from(frame))).await.is_err() {
            break;
        }
    }
    shared.state().close_stream(uid, &device, id);
}
