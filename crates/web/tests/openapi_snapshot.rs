//! The OpenAPI document is derived from the router; this snapshot makes
//! every change to the public API visible in review. To accept a change on
//! purpose: `UPDATE_SNAPSHOTS=1 cargo test -p etalase-web --test openapi_snapshot`.

mod common;

use etalase_testkit::Backend;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_matches_the_snapshot() {
    let app = common::TestApp::spawn(Backend::Sqlite).await;
    let served = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let document: serde_json::Value = serde_json::from_str(&served).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/api/v1/me",
        "/api/v1/shop",
        "/api/v1/team/members",
        "/api/v1/team/members/{member_id}",
    ] {
        assert!(document["paths"][path].is_object(), "{path} documented");
    }
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, format!("{served}\n")).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(SNAPSHOT)
        .expect("snapshot exists; create it with UPDATE_SNAPSHOTS=1");
    assert_eq!(
        served.trim_end(),
        expected.trim_end(),
        "the API changed: review, then UPDATE_SNAPSHOTS=1"
    );
}
