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
    let stale_loops = shared.faults.stale_loops.load(Ordering::Relaxed);
    let (id, events) =
        shared
            .state()
            .open_stream(uid, &device, after_mid, users_version, stale_loops);
    let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(64);
    let conn = Connection {
        uid,
        device,
        id,
        stale_loops,
    };
    tokio::spawn(pump(shared, conn, events, tx));
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

/// Whose stream a pump serves.
struct Connection {
    uid: i64,
    device: String,
    id: u64,
    /// Behave as 0.3.3 (see [`Faults::same_device_bug`](super::Faults::same_device_bug)).
    stale_loops: bool,
}

/// Writes one connection's frames. Its "loop" (events and heartbeats) and its body
/// (keep-alive comments) are two lives, as in 0.3.3: normally they end together, at once
/// when the client goes; with `stale_loops` the loop learns the client is gone only when one
/// of its own writes fails, and a body whose loop ended lives on with comments only.
async fn pump(
    shared: Arc<Shared>,
    conn: Connection,
    mut events: mpsc::UnboundedReceiver<Frame>,
    out: mpsc::Sender<Result<Bytes, Infallible>>,
) {
    // `None` once the body is gone (dropping the sender ends it).
    let mut out = Some(out);
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
    let mut freezes = shared.faults.freeze_gen.subscribe();
    freezes.borrow_and_update();
    // Writes vanish on a frozen connection, as into a peer that is gone unannounced.
    let mut frozen = false;
    let mut loop_alive = true;
    let watch_body = !conn.stale_loops;
    while loop_alive || out.is_some() {
        let (frame, from_loop) = tokio::select! {
            ev = events.recv(), if loop_alive => match ev {
                Some(Frame::Event(json)) => {
                    if shared.faults.silent.load(Ordering::Relaxed) {
                        continue;
                    }
                    (format!("data: {json}\n\n"), true)
                }
                Some(Frame::Close) => break,
                // The registration went (a newer stream took the device, or 0.3.3's cleanup
                // of another loop cleared it): this loop ends; the body lives on.
                None if conn.stale_loops => {
                    loop_alive = false;
                    end_loop(&shared, &conn).await;
                    continue;
                }
                None => break,
            },
            _ = heartbeat.tick(), if loop_alive => {
                if shared.faults.heartbeats_paused.load(Ordering::Relaxed) || shared.faults.silent.load(Ordering::Relaxed) {
                    continue;
                }
                (format!("data: {{\"time\":{},\"type\":\"heartbeat\"}}\n\n", crate::clock::now_ms()), true)
            }
            _ = keepalive.tick(), if out.is_some() => (":\n\n".to_string(), false),
            // The connection is cut. In 0.3.3 only the body knows; the loop finds out at its
            // next write.
            changed = drops.changed() => {
                // (An error: the server itself is going.)
                if changed.is_err() || !conn.stale_loops {
                    break;
                }
                out = None;
                continue;
            }
            changed = freezes.changed(), if !frozen => {
                if changed.is_err() {
                    break;
                }
                frozen = true;
                continue;
            }
            () = body_closed(out.as_ref()), if watch_body => break,
        };
        let sent = match &out {
            Some(_) if frozen => true,
            Some(tx) => tx.send(Ok(Bytes::from(frame))).await.is_ok(),
            None => false,
        };
        if !sent {
            out = None;
            if from_loop || !conn.stale_loops {
                break;
            }
        }
    }
    if loop_alive {
        end_loop(&shared, &conn).await;
    }
}

/// Resolves when the client has gone (never without a body).
async fn body_closed(out: Option<&mpsc::Sender<Result<Bytes, Infallible>>>) {
    match out {
        Some(tx) => tx.closed().await,
        None => std::future::pending().await,
    }
}

/// How long 0.3.3's cleanup of an ended loop can trail the connect that ended it (it waits
/// for the server's lock and for its task to run; on a busy server that takes a while).
const CLEANUP_LAG: std::time::Duration = std::time::Duration::from_millis(100);

async fn end_loop(shared: &Shared, conn: &Connection) {
    if conn.stale_loops {
        tokio::time::sleep(CLEANUP_LAG).await;
    }
    shared
        .state()
        .close_stream(conn.uid, &conn.device, conn.id, conn.stale_loops);
}
