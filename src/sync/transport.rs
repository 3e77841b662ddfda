//! Carries eventsource-client's requests over our reqwest client, so the SSE stream shares the
//! REST client's HTTP stack (one TLS setup, one connection pool, the same `Referer`).
//!
//! It also guards the stream against a hostile server: a redirect is refused (it would carry
//! the token in the URL elsewhere) with a [`StreamFault`] naming the target's origin.

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

/// Why the transport refused a stream; its text is the reason the supervisor reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamFault {
    /// A 3xx answer; `to` is the target's origin only.
    Redirected { to: String },
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
        }
    }
}

impl std::error::Error for StreamFault {}

fn transport_error(e: reqwest::Error) -> TransportError {
    TransportError::new(Redacted(
        crate::api::ApiError::from_reqwest(&e.without_url()).to_string(),
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
                let to = crate::api::redirect_target(resp.url(), resp.headers());
                return Err(TransportError::new(StreamFault::Redirected { to }));
            }
            let headers = resp.headers().clone();
            let (tx, rx) = mpsc::channel::<Result<Bytes, TransportError>>(32);
            let pump = tokio::spawn(async move {
                let mut body = resp.bytes_stream();
                while let Some(chunk) = body.next().await {
                    let end = chunk.is_err();
                    if tx.send(chunk.map_err(transport_error)).await.is_err() || end {
                        break;
                    }
                }
            });
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
