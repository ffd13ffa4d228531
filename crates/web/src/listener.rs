//! Sorts the connections a server accepts: one whose first request asks
//! for a live's event stream is served that stream straight on its socket
//! ([`crate::routes::live::stream::serve_raw`]); every other connection —
//! with the bytes read while sorting it — goes to the general HTTP stack.
//!
//! Why: a viewer of a live holds its connection for as long as it watches,
//! and ten thousand viewers are most of a Shop node's connections. Through
//! the HTTP stack each costs its connection's buffers (hyper keeps an 8 KiB
//! read buffer per HTTP/1 connection for its life), its middleware and its
//! task, about 24 KiB; served straight, a few hundred bytes of task.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use etalase_domain::id::LiveId;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::routes::live::stream;
use crate::state::AppState;

/// How long a new connection may take to send its request's first bytes
/// before it is handed on as it is (the HTTP stack has its own limits).
const HEAD_WAIT: Duration = Duration::from_secs(5);
/// The largest request head read while sorting; longer ones are not an
/// event stream's (ours is a request line and a few header fields).
const HEAD_MAX: usize = 8 * 1024;
/// Header fields read from an event stream's request.
const FIELDS_MAX: usize = 48;
/// Connections the kernel queues before they are accepted. A live's
/// audience arrives in waves (a push notification, a share): with the
/// usual 1,024, thousands of viewers joining at once overflowed it and
/// waited out SYN retries of 1, 3, 7, 15 s (measured with the live
/// benchmark). The kernel caps it at `net.core.somaxconn`.
const BACKLOG: u32 = 8192;

/// Binds `address` (a name resolving to one or more addresses; the first
/// that binds is kept) with room for a crowd of connections arriving at
/// once.
pub async fn bind(address: &str) -> io::Result<TcpListener> {
    let mut last = None;
    for candidate in tokio::net::lookup_host(address).await? {
        let socket = if candidate.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        // As std's listener: a restarted server binds its port again at once.
        socket.set_reuseaddr(true)?;
        match socket.bind(candidate) {
            Ok(()) => return socket.listen(BACKLOG),
            Err(e) => last = Some(e),
        }
    }
    Err(last
        .unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address to listen on")))
}

/// What a connection's first request head says so far.
#[derive(Debug, PartialEq, Eq)]
enum Head {
    /// Not an event stream's request (or not one served straight).
    Other,
    NeedMore,
    Events(EventsRequest),
}

#[derive(Debug, PartialEq, Eq)]
struct EventsRequest {
    live: String,
    last_event_id: Option<String>,
}

/// Reads `bytes` as a request head: an event stream's `GET` (HTTP/1.1, or
/// HTTP/1.0 as nginx asks its upstream by default: a body that ends with
/// the connection is theirs too), with no body and nothing after it, is
/// served straight; anything else, however odd, is the HTTP stack's to
/// answer.
fn sort_head(bytes: &[u8]) -> Head {
    const PREFIX: &[u8] = b"GET /live/";
    let n = bytes.len().min(PREFIX.len());
    if bytes[..n] != PREFIX[..n] {
        return Head::Other;
    }
    let mut fields = [httparse::EMPTY_HEADER; FIELDS_MAX];
    let mut request = httparse::Request::new(&mut fields);
    let length = match request.parse(bytes) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Head::NeedMore,
        Err(_) => return Head::Other,
    };
    if length != bytes.len() || request.version.is_none() {
        return Head::Other;
    }
    let path = request.path.unwrap_or_default();
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    let Some(live) = path
        .strip_prefix("/live/")
        .and_then(|rest| rest.strip_suffix("/events"))
        .filter(|id| !id.is_empty() && !id.contains('/'))
    else {
        return Head::Other;
    };
    let mut last_event_id = None;
    for field in request.headers.iter() {
        let name = field.name;
        if name.eq_ignore_ascii_case("last-event-id") {
            match std::str::from_utf8(field.value) {
                Ok(value) => last_event_id = Some(value.trim().to_owned()),
                Err(_) => return Head::Other,
            }
        } else if (name.eq_ignore_ascii_case("content-length") && field.value != b"0")
            || ["transfer-encoding", "upgrade", "expect"]
                .iter()
                .any(|n| name.eq_ignore_ascii_case(n))
        {
            return Head::Other;
        }
    }
    Head::Events(EventsRequest {
        live: live.to_owned(),
        last_event_id,
    })
}

/// The connections for the HTTP stack, as axum's server takes them.
pub(crate) struct Sorted {
    incoming: mpsc::Receiver<(Rewind, SocketAddr)>,
    local: SocketAddr,
}

impl axum::serve::Listener for Sorted {
    type Io = Rewind;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Rewind, SocketAddr) {
        match self.incoming.recv().await {
            Some(connection) => connection,
            // Accepting stopped (the server is stopping).
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// Accepts connections on `tcp` until the server stops, serving event
/// streams straight and passing the rest on through the returned listener.
pub(crate) fn sort_connections(tcp: TcpListener, state: AppState) -> io::Result<Sorted> {
    let local = tcp.local_addr()?;
    let (to_http, incoming) = mpsc::channel(256);
    let mut stopping = state.stopping.subscribe();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = crate::state::stopped(&mut stopping) => return,
                accepted = tcp.accept() => match accepted {
                    Ok((socket, peer)) => {
                        tokio::spawn(sort(socket, peer, state.clone(), to_http.clone()));
                    }
                    Err(e) => accept_failed(e).await,
                },
            }
        }
    });
    Ok(Sorted { incoming, local })
}

/// A connection reset before it was accepted is nothing; anything else
/// (out of file descriptors) is told and waited out, as axum's server does.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn sort(
    mut socket: TcpStream,
    peer: SocketAddr,
    state: AppState,
    to_http: mpsc::Sender<(Rewind, SocketAddr)>,
) {
    let started = Instant::now();
    let mut read = BytesMut::with_capacity(1024);
    let events = loop {
        match tokio::time::timeout(HEAD_WAIT, socket.read_buf(&mut read)).await {
            Ok(Ok(0)) if read.is_empty() => return,
            Ok(Err(_)) => return,
            Ok(Ok(0)) | Err(_) => break None,
            Ok(Ok(_)) => {}
        }
        match sort_head(&read) {
            Head::Other => break None,
            Head::NeedMore if read.len() >= HEAD_MAX => break None,
            Head::NeedMore => {}
            Head::Events(request) => break Some(request),
        }
    };
    if let Some(request) = events
        && state
            .config
            .role
            .serves(&format!("/live/{}/events", request.live))
        && let Ok(live) = request.live.parse::<LiveId>()
        && let Ok(feed) = stream::open(&state, live, request.last_event_id.as_deref()).await
    {
        state
            .metrics
            .observe("GET", stream::ROUTE, 200, started.elapsed().as_secs_f64());
        drop(state);
        drop(read);
        // Each event goes out as written, not held for the next one.
        // (Pages are written whole at once: there it cost 5% of
        // throughput and saved nothing.)
        let _ = socket.set_nodelay(true);
        // Its own task: the viewer's task holds the stream's few fields,
        // not this one's (the lookups that opened the feed).
        tokio::spawn(stream::serve_raw(socket, feed));
        return;
    }
    // An unknown live, a malformed id: the HTTP stack answers, in the
    // visitor's language.
    let _ = to_http
        .send((Rewind::new(read.freeze(), socket), peer))
        .await;
}

/// A socket whose first bytes were read already: they are read again first.
pub(crate) struct Rewind {
    read: Option<Bytes>,
    socket: TcpStream,
}

impl Rewind {
    fn new(read: Bytes, socket: TcpStream) -> Rewind {
        Rewind {
            read: (!read.is_empty()).then_some(read),
            socket,
        }
    }
}

impl AsyncRead for Rewind {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(read) = &mut this.read {
            let n = read.len().min(buf.remaining());
            buf.put_slice(&read[..n]);
            read.advance(n);
            if read.is_empty() {
                this.read = None;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.socket).poll_read(cx, buf)
    }
}

impl AsyncWrite for Rewind {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().socket).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().socket).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().socket).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().socket).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(live: &str, last: Option<&str>) -> Head {
        Head::Events(EventsRequest {
            live: live.to_owned(),
            last_event_id: last.map(str::to_owned),
        })
    }

    #[test]
    fn an_event_streams_request_is_told_from_every_other() {
        let plain =
            b"GET /live/liv_1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n";
        assert_eq!(sort_head(plain), events("liv_1", None));
        let query = b"GET /live/liv_1/events?t=1 HTTP/1.1\r\nLast-Event-ID: 19a-2-XYZ \r\n\r\n";
        assert_eq!(sort_head(query), events("liv_1", Some("19a-2-XYZ")));
        // As nginx asks its upstream by default.
        let proxied = b"GET /live/liv_1/events HTTP/1.0\r\nHost: x\r\nConnection: close\r\n\r\n";
        assert_eq!(sort_head(proxied), events("liv_1", None));
        // Not an event stream: another page, another method, a body, a
        // request after it, an upgrade, a malformed head, HTTP/2.
        for other in [
            &b"GET / HTTP/1.1\r\n\r\n"[..],
            b"GET /live/liv_1 HTTP/1.1\r\n\r\n",
            b"GET /live/liv_1/events/x HTTP/1.1\r\n\r\n",
            b"GET /live//events HTTP/1.1\r\n\r\n",
            b"POST /live/liv_1/events HTTP/1.1\r\n\r\n",
            b"GET /live/liv_1/events HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
            b"GET /live/liv_1/events HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n",
            b"GET /live/liv_1/events HTTP/1.1\r\nUpgrade: h2c\r\n\r\n",
            b"GET /live/liv_1/events HTTP/1.1\r\nbad header\r\n\r\n",
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        ] {
            assert_eq!(
                sort_head(other),
                Head::Other,
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }

    #[test]
    fn a_head_still_arriving_is_waited_for() {
        assert_eq!(sort_head(b"GE"), Head::NeedMore);
        assert_eq!(sort_head(b"GET /live/li"), Head::NeedMore);
        assert_eq!(
            sort_head(b"GET /live/liv_1/events HTTP/1.1\r\nHost: x\r\n"),
            Head::NeedMore
        );
        // Settled as soon as the first bytes differ.
        assert_eq!(sort_head(b"GET /p"), Head::Other);
        assert_eq!(sort_head(b"P"), Head::Other);
    }
}
