//! Carries eventsource-client's requests over our reqwest client, so the SSE stream shares the
//! REST client's HTTP stack (one TLS setup, one connection pool, the same `Referer`).
//!
//! It also guards the stream against a hostile server: a redirect is refused (it would carry
//! the token in the URL elsewhere) with a [`StreamFault`] naming the target's origin, and a
//! line or event over [`MAX_EVENT_BYTES`] ends the stream before the event parser, which
//! buffers without limit, holds it.

use bytes::Bytes;
use eventsource_client as es;
use futures::{Stream, StreamExt};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use launchdarkly_sdk_transport::{ByteStream, HttpTransport, ResponseFuture, TransportError};

/// An [`HttpTransport`] on reqwest.
#[derive(Clone)]
pub struct ReqwestTransport {
    http: reqwest::Client,
}

impl ReqwestTransport {
    pub fn new(http: reqwest::Client) -> Self {
        ReqwestTransport { http }
    }
}

/// A reqwest error with the URL removed: the SSE URL carries the access token.
#[derive(Debug)]
struct Redacted(String);
impl std::fmt::Display for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Redacted {}

/// The longest SSE line, and the most bytes of `data:`/field lines in one event, accepted.
pub const MAX_EVENT_BYTES: usize = 16 << 20;

/// Why the transport refused a stream; its text is the reason the supervisor reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamFault {
    /// A 3xx answer; `to` is the target's origin only.
    Redirected { to: String },
    /// A line or an event grew past [`MAX_EVENT_BYTES`].
    EventTooLarge,
}

impl std::fmt::Display for StreamFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamFault::Redirected { to } => {
                write!(
                    f,
                    "the server redirected the stream to {to}; not following it"
                )
            }
            StreamFault::EventTooLarge => write!(
                f,
                "the server sent an event over {} MiB",
                MAX_EVENT_BYTES >> 20
            ),
        }
    }
}

impl std::error::Error for StreamFault {}

/// Measures the current line and event across body chunks, without buffering them. Lines end
/// at `\n`, `\r` or `\r\n`; an empty line ends the event; comment lines (`:`) belong to no
/// event, so they only count as lines.
#[derive(Debug, Default)]
struct SizeGuard {
    line: usize,
    event: usize,
    after_cr: bool,
    in_comment: bool,
}

impl SizeGuard {
    /// Feeds one chunk; `false` once a line or event is over [`MAX_EVENT_BYTES`].
    fn accept(&mut self, chunk: &[u8]) -> bool {
        for &b in chunk {
            match b {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => self.end_line(b == b'\r'),
                _ => self.count(b),
            }
        }
        self.line <= MAX_EVENT_BYTES && self.event <= MAX_EVENT_BYTES
    }

    fn end_line(&mut self, is_cr: bool) {
        if self.line == 0 {
            self.event = 0;
        }
        self.line = 0;
        self.in_comment = false;
        self.after_cr = is_cr;
    }

    fn count(&mut self, b: u8) {
        self.after_cr = false;
        if self.line == 0 {
            self.in_comment = b == b':';
        }
        self.line = self.line.saturating_add(1);
        if !self.in_comment {
            self.event = self.event.saturating_add(1);
        }
    }
}

/// Moves the body into `tx` chunk by chunk, ending it with an error once a line or event is
/// too large (dropping `resp` closes the connection).
async fn pump_body(resp: reqwest::Response, tx: mpsc::Sender<Result<Bytes, TransportError>>) {
    let mut body = resp.bytes_stream();
    let mut guard = SizeGuard::default();
    while let Some(chunk) = body.next().await {
        let item = match chunk {
            Ok(bytes) if guard.accept(&bytes) => Ok(bytes),
            Ok(_) => Err(TransportError::new(StreamFault::EventTooLarge)),
            Err(e) => Err(transport_error(e)),
        };
        let end = item.is_err();
        if tx.send(item).await.is_err() || end {
            break;
        }
    }
}

fn transport_error(e: reqwest::Error) -> TransportError {
    TransportError::new(Redacted(
        crate::runtime::api::network_error(&e.without_url()).to_string(),
    ))
}

impl HttpTransport for ReqwestTransport {
    fn request(&self, request: http::Request<Option<Bytes>>) -> ResponseFuture {
        let client = self.http.clone();
        // reqwest's futures are not Sync; run the request on its own task and hand back the
        // (Sync) join handle, aborted if the caller gives up.
        let task = tokio::spawn(async move {
            let (parts, body) = request.into_parts();
            let mut builder = client
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers);
            if let Some(body) = body {
                builder = builder.body(body);
            }
            let resp = builder.send().await.map_err(transport_error)?;
            let status = resp.status();
            if status.is_redirection() {
                let to = crate::runtime::api::redirect_target(resp.url(), resp.headers());
                return Err(TransportError::new(StreamFault::Redirected { to }));
            }
            let headers = resp.headers().clone();
            let (tx, rx) = mpsc::channel::<Result<Bytes, TransportError>>(32);
            let pump = tokio::spawn(pump_body(resp, tx));
            let stream: ByteStream = Box::pin(BodyStream {
                rx,
                pump: pump.abort_handle(),
            });
            let mut response = http::Response::new(stream);
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            Ok(response)
        });
        let guard = AbortOnDrop(task.abort_handle());
        Box::pin(async move {
            let result = task.await;
            drop(guard);
            match result {
                Ok(r) => r,
                Err(e) => Err(TransportError::new(Redacted(format!(
                    "request task failed: {e}"
                )))),
            }
        })
    }
}

struct AbortOnDrop(AbortHandle);
impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The response body; dropping it closes the connection at once (the server keeps a kicked
/// stream open forever, so the client must be the one to hang up).
struct BodyStream {
    rx: mpsc::Receiver<Result<Bytes, TransportError>>,
    pump: AbortHandle,
}

impl Stream for BodyStream {
    type Item = Result<Bytes, TransportError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for BodyStream {
    fn drop(&mut self) {
        self.pump.abort();
    }
}

/// Builds a one-shot SSE client for `url` (eventsource-client's own retry is disabled: the
/// supervisor owns reconnects so a retry never replays a stale token or cursor).
pub fn one_shot_client(
    http: &reqwest::Client,
    url: &str,
) -> Result<impl es::Client + use<>, es::Error> {
    Ok(es::ClientBuilder::for_url(url)?
        .header("Accept", "text/event-stream")?
        // The transport already refuses 3xx; never let the client follow one either.
        .redirect_limit(0)
        .reconnect(
            es::ReconnectOptions::reconnect(false)
                .retry_initial(false)
                .build(),
        )
        .build_with_transport(ReqwestTransport::new(http.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits(chunks: &[&[u8]]) -> bool {
        let mut g = SizeGuard::default();
        chunks.iter().all(|c| g.accept(c))
    }

    #[test]
    fn lines_and_events_are_measured_across_chunks() {
        let big = vec![b'x'; MAX_EVENT_BYTES / 2];
        // One line split over three chunks: over the limit.
        assert!(!fits(&[b"data: ", &big, &big]));
        // Line ends of every kind reset the line, and blank lines the event.
        for end in [&b"\n"[..], b"\r", b"\r\n"] {
            let sep = [end, end].concat();
            assert!(fits(&[b"data: ", &big, &sep, b"data: ", &big, &sep]));
            // Two lines of one event: over the limit together.
            assert!(!fits(&[b"data: ", &big, end, b"data: ", &big, end]));
        }
        // A CRLF split across chunks is one line end, not an empty line.
        assert!(!fits(&[b"data: ", &big, b"\r", b"\ndata: ", &big, b"\r\n"]));
        // Comments are lines, not part of the event.
        assert!(fits(&[
            b"data: ", &big, b"\n:", &big, b"\n:", &big, b"\n\n"
        ]));
        assert!(fits(&[b":\n:\n:\n"]));
    }
}
