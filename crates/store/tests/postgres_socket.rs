//! PostgreSQL connections send each message at once. With Nagle's algorithm
//! on, a statement whose message spans more than one TCP segment (a batch's
//! multi-row inserts, hundreds of kilobytes) holds its last segment until
//! the server acknowledges the others, and the server delays that ACK: a
//! flash sale's batches each waited about 40 ms per insert. sqlx 0.9.0 no
//! longer set TCP_NODELAY; `vendor/sqlx-core` does (see the workspace's
//! `[patch.crates-io]`).

use std::os::fd::{BorrowedFd, RawFd};

use etalase_testkit::{Backend, database};
use sqlx::Connection;

/// The TCP socket of this process whose local port is `port`.
fn socket_on_local_port(port: u16) -> Option<RawFd> {
    std::fs::read_dir("/proc/self/fd")
        .expect("this process's descriptors")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<RawFd>().ok())
        .find(|&fd| {
            // SAFETY: the descriptor is only borrowed for the one call and
            // never closed here; one closed meanwhile makes the call fail.
            let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
            socket2::SockRef::from(&borrowed)
                .local_addr()
                .ok()
                .and_then(|a| a.as_socket())
                .is_some_and(|a| a.port() == port)
        })
}

#[tokio::test]
async fn postgres_connections_send_without_waiting_for_acknowledgements() {
    let db = database(Backend::Postgres).await;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let port: Option<i32> = sqlx::query_scalar("SELECT inet_client_port()")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let port = port.expect("the test PostgreSQL is reached over TCP (127.0.0.1)");
    let fd = socket_on_local_port(u16::try_from(port).unwrap())
        .expect("the connection's socket is this process's");
    // SAFETY: as above; `conn` keeps the socket open until the end.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    let nodelay = socket2::SockRef::from(&borrowed).tcp_nodelay().unwrap();
    assert!(
        nodelay,
        "Nagle's algorithm is on for PostgreSQL connections"
    );
    conn.close().await.unwrap();
}
