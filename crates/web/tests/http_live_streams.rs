//! A live's event stream on the wire, on both backends: a connection whose
//! first request asks for it is served it straight on the socket; one that
//! asked for something else first is served it by the HTTP stack; both
//! carry the same events. A live that does not exist is the HTTP stack's
//! 404, and stopping the server ends every stream rather than waiting for
//! viewers to leave.

mod common;

use std::time::Duration;

use common::TestApp;
use etalase_domain::id::LiveId;
use etalase_testkit::{Backend, on_both_backends};
use etalase_web::{Application, WebConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn demo_live(app: &TestApp) -> LiveId {
    let seller = app.demo_shop().await;
    etalase_store::lives::lives_of(&app.services.store, seller)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.state.is_on())
        .unwrap()
        .id
}

fn request(path: &str, fields: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: etalase.test\r\nAccept: text/event-stream\r\n{fields}\r\n"
    )
}

/// Reads from `socket` until `enough` says what was read is.
async fn read_while(socket: &mut TcpStream, seen: &mut String, enough: impl Fn(&str) -> bool) {
    let done = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        while !enough(seen) {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the connection closed early: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
    .await;
    assert!(done.is_ok(), "not within 10 s: {seen}");
}

async fn read_until(socket: &mut TcpStream, seen: &mut String, needle: &str) {
    read_while(socket, seen, |s| s.contains(needle)).await;
}

/// Asks `socket` for live `live`'s event stream, with header `fields`.
async fn ask_events(socket: &mut TcpStream, live: LiveId, fields: &str) {
    socket
        .write_all(request(&format!("/live/{live}/events"), fields).as_bytes())
        .await
        .unwrap();
}

/// The event stream's head and first event, asked on `socket`.
async fn first_event(socket: &mut TcpStream, live: LiveId, fields: &str) -> String {
    ask_events(socket, live, fields).await;
    let mut seen = String::new();
    read_while(socket, &mut seen, |s| {
        s.find("\r\n\r\n")
            .is_some_and(|head| s[head + 4..].contains("\n\n"))
    })
    .await;
    seen
}

/// Asks `socket` for `/healthz` and reads the whole answer, keeping the
/// connection open for the next request.
async fn healthz(socket: &mut TcpStream) {
    socket
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: etalase.test\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    read_until(socket, &mut answer, "\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let length: usize = answer
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap();
    let body_from = answer.find("\r\n\r\n").unwrap() + 4;
    read_while(socket, &mut answer, |s| s.len() >= body_from + length).await;
}

/// The id of the event in `text` that says the live ended.
fn ended_event_id(text: &str) -> String {
    let mut id = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("id: ") {
            id = Some(v);
        }
        if line.starts_with("data: ") && line.contains("\"state\":\"ended\"") {
            return id.unwrap().to_owned();
        }
    }
    panic!("no end in: {text}")
}

fn id_of_first_event(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("id: "))
        .unwrap()
        .to_owned()
}

async fn the_stream_is_the_same_straight_on_the_socket_and_through_http(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let live = demo_live(&app).await;
    let address = app.base.trim_start_matches("http://").to_owned();

    // First request of its connection: straight on the socket, the body
    // ending with the connection.
    let mut straight = TcpStream::connect(&address).await.unwrap();
    let head = first_event(&mut straight, live, "").await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let lower = head.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: text/event-stream\r\n"),
        "{head}"
    );
    assert!(lower.contains("cache-control: no-store\r\n"), "{head}");
    assert!(lower.contains("connection: close\r\n"), "{head}");
    assert!(!lower.contains("transfer-encoding"), "{head}");
    assert!(head.contains("event: state\n"), "{head}");

    // After another request on a kept-alive connection: the HTTP stack,
    // chunked, the same state.
    let mut reused = TcpStream::connect(&address).await.unwrap();
    healthz(&mut reused).await;
    let through = first_event(&mut reused, live, "").await;
    assert!(through.starts_with("HTTP/1.1 200 OK\r\n"), "{through}");
    let lower = through.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: text/event-stream\r\n"),
        "{through}"
    );
    assert!(
        lower.contains("transfer-encoding: chunked\r\n"),
        "{through}"
    );
    assert!(through.contains("event: state\n"), "{through}");

    // A change reaches both.
    let first_id = id_of_first_event(&head);
    let marketing = app.demo_member("marketing@etalase.test").await;
    let console = format!("/seller/live/{live}");
    let page = app.get(&marketing, &console).await.text().await.unwrap();
    let version = common::value_of(&page, "name=\"version\" value=\"").unwrap_or_default();
    let ended = app
        .submit(
            &marketing,
            &console,
            &format!("{console}/end"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(ended.status(), reqwest::StatusCode::SEE_OTHER);
    let mut seen_straight = head.clone();
    read_until(&mut straight, &mut seen_straight, "\"state\":\"ended\"").await;
    let mut seen = through.clone();
    read_until(&mut reused, &mut seen, "\"state\":\"ended\"").await;

    // Reconnecting straight with the first event's id: what came after it,
    // up to the end — the very event the stream carried, replayed; another
    // state told in between (the demo's catalog still being projected as
    // the test begins) may come before it.
    let ended_id = ended_event_id(&seen_straight);
    let mut again = TcpStream::connect(&address).await.unwrap();
    ask_events(&mut again, live, &format!("Last-Event-ID: {first_id}\r\n")).await;
    let mut missed = String::new();
    read_until(&mut again, &mut missed, &format!("id: {ended_id}\n")).await;
    assert!(!missed.contains(&format!("id: {first_id}\n")), "{missed}");

    // A live that is not: the HTTP stack's page, in the visitor's language.
    let mut unknown = TcpStream::connect(&address).await.unwrap();
    unknown
        .write_all(request(&format!("/live/{}/events", LiveId::generate()), "").as_bytes())
        .await
        .unwrap();
    let mut answer = String::new();
    read_until(&mut unknown, &mut answer, "\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
}

async fn stopping_the_server_ends_every_stream(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let live = demo_live(&app).await;
    let server = Application::build(app.services.clone(), WebConfig::default(), "127.0.0.1:0")
        .await
        .unwrap();
    let address = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));

    let mut straight = TcpStream::connect(address).await.unwrap();
    first_event(&mut straight, live, "").await;
    let mut reused = TcpStream::connect(address).await.unwrap();
    healthz(&mut reused).await;
    let through = first_event(&mut reused, live, "").await;
    assert!(through.contains("event: state\n"), "{through}");

    stop.send(()).unwrap();
    let finished = tokio::time::timeout(Duration::from_secs(20), running).await;
    assert!(
        finished.is_ok(),
        "the server still waits for its viewers to leave"
    );
    finished.unwrap().unwrap().unwrap();
    for socket in [&mut straight, &mut reused] {
        let ended = tokio::time::timeout(Duration::from_secs(10), async {
            let mut buf = [0u8; 4096];
            loop {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
        assert!(ended.is_ok(), "a stream outlived the server");
    }
}

on_both_backends!(
    the_stream_is_the_same_straight_on_the_socket_and_through_http,
    stopping_the_server_ends_every_stream,
);
