//! A flash sale cut by `kill -9`: buyers race for one SKU through the
//! buyer API while the server is killed mid-run and started again. Every
//! order the server acknowledged (201) is still there, and every unit is
//! either in stock or in an order — none lost, none sold twice — on SQLite
//! and on PostgreSQL.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{etalase, serve};
use etalase_testkit::{Backend, database};
use serde_json::{Value, json};

mod common;

const UNITS: i64 = 150;
const BUYERS: usize = 240;

fn field<'a>(text: &'a str, name: &str) -> &'a str {
    let at = text.find(&format!("{name}=")).unwrap() + name.len() + 1;
    text[at..].split_whitespace().next().unwrap()
}

/// One buyer's try: summary, then place; the checkout id when acknowledged.
async fn buy(http: &reqwest::Client, base: &str, token: &str) -> Option<String> {
    let summary: Value = http
        .post(format!("{base}/api/v1/buyer/checkout/summary"))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let version = summary["version"].as_str()?.to_owned();
    let placed = http
        .post(format!("{base}/api/v1/buyer/orders"))
        .bearer_auth(token)
        .json(&json!({ "version": version }))
        .send()
        .await
        .ok()?;
    if placed.status().as_u16() != 201 {
        return None;
    }
    let body: Value = placed.json().await.ok()?;
    body["checkout_id"].as_str().map(str::to_owned)
}

async fn acknowledged_orders_survive_a_kill_during_a_flash_sale(backend: Backend) {
    let db = database(backend).await;
    let data = db.data_dir.join("etalase");
    std::fs::create_dir_all(&data).unwrap();
    let buyers_file = data.join("buyers.txt");
    let prepared = etalase(
        &data,
        &db.url,
        &[
            "flash-sale",
            "prepare",
            "--buyers",
            &BUYERS.to_string(),
            "--units",
            &UNITS.to_string(),
            "--out",
            buyers_file.to_str().unwrap(),
        ],
    );
    let (seller, sku) = (
        field(&prepared, "seller").to_owned(),
        field(&prepared, "sku").to_owned(),
    );
    let tokens: Vec<String> = std::fs::read_to_string(&buyers_file)
        .unwrap()
        .lines()
        .map(|l| l.split_once(' ').unwrap().1.to_owned())
        .collect();

    let mut server = serve(&data, &db.url, &[]);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let tokens = Arc::new(tokens);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut racers = Vec::new();
    for _ in 0..24 {
        let (http, base, acked, tokens, next) = (
            http.clone(),
            server.base.clone(),
            acked.clone(),
            tokens.clone(),
            next.clone(),
        );
        racers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(token) = tokens.get(i) else { break };
                if let Some(id) = buy(&http, &base, token).await {
                    acked.lock().unwrap().push(id);
                }
            }
        }));
    }
    // Kill the server once orders are flowing, mid-sale.
    for _ in 0..600 {
        if acked.lock().unwrap().len() >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.child.wait().unwrap();
    for racer in racers {
        racer.await.unwrap();
    }
    let acknowledged = acked.lock().unwrap().clone();
    assert!(
        !acknowledged.is_empty(),
        "orders were flowing before the kill"
    );

    // Started again, the server serves, and the sale goes on where it was.
    let server = serve(&data, &db.url, &[]);
    let rest: Vec<String> = tokens.iter().skip(tokens.len() - 10).cloned().collect();
    let mut after = 0;
    for token in &rest {
        if buy(&http, &server.base, token).await.is_some() {
            after += 1;
        }
    }
    drop(server);
    let acked_file = data.join("acked.txt");
    std::fs::write(&acked_file, acknowledged.join("\n")).unwrap();
    let checked = etalase(
        &data,
        &db.url,
        &[
            "flash-sale",
            "check",
            "--seller",
            &seller,
            "--sku",
            &sku,
            "--units",
            &UNITS.to_string(),
            "--acked",
            acked_file.to_str().unwrap(),
        ],
    );
    assert!(checked.contains("missing=0"), "{checked}");
    let ordered: i64 = field(&checked, "ordered").parse().unwrap();
    assert!(ordered >= (acknowledged.len() + after) as i64, "{checked}");
    assert!(ordered <= UNITS, "never more than the units: {checked}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledged_orders_survive_a_kill_during_a_flash_sale() {
    acknowledged_orders_survive_a_kill_during_a_flash_sale(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_acknowledged_orders_survive_a_kill_during_a_flash_sale() {
    acknowledged_orders_survive_a_kill_during_a_flash_sale(Backend::Postgres).await;
}
