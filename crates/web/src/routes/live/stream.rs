//! A live's events for one viewer, as Server-Sent Events
//! (`/live/<id>/events`).
//!
//! The stream is served two ways with the same [`Feed`]: on a connection
//! whose first request asks for it, by [`serve_raw`] straight on the socket
//! (see `crate::listener`: a viewer then costs a few hundred bytes of task
//! and its socket, not an HTTP connection's buffers — ten thousand viewers
//! of a live are most of a Shop node's connections); on a connection that
//! served other requests first, by the [`events`] handler through the
//! general HTTP stack.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use etalase_domain::ErrorCode;
use etalase_domain::id::LiveId;
use etalase_services::content::live::hub::{LiveEvent, Watch};
use etalase_services::content::live::viewers;
use futures_util::stream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::broadcast::error::RecvError;

use crate::ctx::Ctx;
use crate::errors::AppResult;
use crate::routes::seller::parse_id;
use crate::state::AppState;

/// The route, as metrics label it.
pub const ROUTE: &str = "/live/{id}/events";

/// A comment line that keeps an idle stream open through proxies.
const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";
const KEEP_ALIVE_EVERY: Duration = Duration::from_secs(20);
/// A viewer that has not taken an event's bytes within this is gone (its
/// socket stays full): the connection is closed, the viewer reconnects.
const WRITE_DEADLINE: Duration = Duration::from_secs(30);
/// The longest `Last-Event-ID` looked up (ours are under 40 characters).
const EVENT_ID_MAX: usize = 100;

/// The response's header fields, on both ways of serving it.
const FIELDS: [(&str, &str); 3] = [
    ("content-type", "text/event-stream"),
    ("cache-control", "no-store"),
    // Tells a buffering proxy (nginx) to pass events on at once.
    ("x-accel-buffering", "no"),
];

/// What a viewer's stream still has to send: the backlog first (missed
/// events, or the current state), then the live's events as they come,
/// until the live's channel closes or the server stops.
pub struct Feed {
    watch: Watch,
    backlog: std::vec::IntoIter<Arc<LiveEvent>>,
    stopping: tokio::sync::watch::Receiver<bool>,
}

/// Opens a viewer's feed of live `id`. A viewer reconnecting with
/// `Last-Event-ID` gets what it missed, when this node still keeps it;
/// otherwise (and on a first connection) the current state. Not found
/// when the live is not.
pub async fn open(state: &AppState, id: LiveId, last_event_id: Option<&str>) -> AppResult<Feed> {
    let svc = &state.services;
    let watch = svc.lives.watch(id);
    let last = last_event_id.filter(|v| !v.is_empty() && v.len() <= EVENT_ID_MAX);
    let backlog = match last.and_then(|l| watch.channel.after(l)) {
        Some(missed) => missed,
        None => vec![
            viewers::state_event(svc, id)
                .await?
                .ok_or(ErrorCode::NotFound)?,
        ],
    };
    Ok(Feed {
        watch,
        backlog: backlog.into_iter(),
        stopping: state.stopping.subscribe(),
    })
}

impl Feed {
    /// The next bytes to send, or `None` when the stream is over. A viewer
    /// too slow to keep up is sent the current state rather than a hole.
    ///
    /// Each event is framed once by the hub and its bytes are shared by
    /// every viewer: a viewer costs its connection, not a copy of each event.
    pub async fn next(&mut self) -> Option<Bytes> {
        if let Some(e) = self.backlog.next() {
            return Some(e.frame.clone());
        }
        loop {
            tokio::select! {
                _ = crate::state::stopped(&mut self.stopping) => return None,
                received = tokio::time::timeout(KEEP_ALIVE_EVERY, self.watch.events.recv()) => {
                    match received {
                        Err(_) => return Some(Bytes::from_static(KEEP_ALIVE)),
                        Ok(Ok(e)) => return Some(e.frame.clone()),
                        Ok(Err(RecvError::Lagged(_))) => {
                            if let Some(state) = self.watch.channel.state() {
                                return Some(state.frame.clone());
                            }
                        }
                        Ok(Err(RecvError::Closed)) => return None,
                    }
                }
            }
        }
    }
}

/// The stream through the general HTTP stack (a connection that served
/// other requests before asking for it).
pub async fn events(ctx: Ctx, Path(id): Path<String>, headers: HeaderMap) -> AppResult<Response> {
    let id: LiveId = parse_id(&id)?;
    let last = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let feed = open(&ctx.state, id, last).await?;
    let stream = stream::unfold(feed, |mut feed| async move {
        let bytes = feed.next().await?;
        Some((Ok::<_, std::convert::Infallible>(bytes), feed))
    });
    let mut response = Body::from_stream(stream).into_response();
    for (name, value) in FIELDS {
        response.headers_mut().insert(
            header::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    Ok(response)
}

/// The stream straight on the socket of a connection whose first request
/// asked for it: the response head, then the feed's bytes as they come,
/// the body ending with the connection (HTTP/1.1 allows a body delimited
/// by the close, and a viewer's stream ends only so). A viewer that hangs
/// up is noticed at once by a read of its side, not at the next write.
pub async fn serve_raw(mut socket: TcpStream, mut feed: Feed) {
    let mut head = String::with_capacity(200);
    head.push_str("HTTP/1.1 200 OK\r\n");
    for (name, value) in FIELDS {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("connection: close\r\ndate: ");
    head.push_str(&httpdate::fmt_http_date(std::time::SystemTime::now()));
    head.push_str("\r\n\r\n");
    let (mut reader, mut writer) = socket.split();
    if !write(&mut writer, head.as_bytes()).await {
        return;
    }
    drop(head);
    // Whatever a viewer sends after its request is not a request of ours.
    let mut ignored = [0u8; 16];
    loop {
        tokio::select! {
            read = reader.read(&mut ignored) => match read {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
            bytes = feed.next() => match bytes {
                Some(bytes) => {
                    if !write(&mut writer, &bytes).await {
                        return;
                    }
                }
                None => break,
            },
        }
    }
    let _ = writer.shutdown().await;
}

/// Writes `bytes`; `false` when the viewer is gone or too slow to take them.
async fn write(writer: &mut tokio::net::tcp::WriteHalf<'_>, bytes: &[u8]) -> bool {
    matches!(
        tokio::time::timeout(WRITE_DEADLINE, writer.write_all(bytes)).await,
        Ok(Ok(()))
    )
}
