//! etalase-flash: a flash sale through the buyer API. Buyers prepared by
//! `etalase flash-sale prepare` (each with an address and the hot SKU in
//! the cart) are read from a file, one `user_id token` per line.
//!
//! - `race`: every buyer tries once — summary, then place with an
//!   `Idempotency-Key` — as fast as the connections allow. With more buyers
//!   than units, exactly `units` orders must succeed and every other buyer
//!   must hear `out_of_stock` / `stock_short`.
//! - `sustain`: for `--seconds`, the connections take the next buyer in
//!   turn, each buyer once (prepare as many buyers as units): summary, then
//!   place. Orders per second and the placing request's latency are the
//!   figures; the run ends early when the buyers run out.
//! - `repeat`: for `--seconds`, each connection loops over its own buyers:
//!   put the SKU back in the cart, summary, place (three requests and, on
//!   the server, one more write transaction per order for the cart).
//!
//! With `--confirm-first` (race, sustain), every buyer fetches the summary
//! before the clock starts — buyers waiting on the checkout page for the
//! sale to open — and the timed part is only the placing requests.
//!
//! The checkout ids of orders answered 201 go to `--acked` (a crash test
//! checks every one of them exists after `kill -9` and a restart). Load
//! goes only to 127.0.0.1.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use hdrhistogram::Histogram;
use serde_json::{Value, json};

#[derive(Parser)]
#[command(about = "Flash-sale load for etalase through the buyer API (127.0.0.1 only).")]
struct Args {
    /// `user_id token` per line, from `etalase flash-sale prepare`.
    #[arg(long)]
    buyers: std::path::PathBuf,
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    #[arg(long, value_enum, default_value = "race")]
    mode: Mode,
    #[arg(short, long, default_value_t = 128)]
    connections: usize,
    /// How long `sustain` and `repeat` run.
    #[arg(long, default_value = "20")]
    seconds: u64,
    /// The SKU to put back in the cart (`repeat`).
    #[arg(long)]
    sku: Option<String>,
    /// Where to append the checkout ids answered 201.
    #[arg(long)]
    acked: Option<std::path::PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Place without `Idempotency-Key` (to see what keeping keys costs).
    #[arg(long)]
    no_idempotency_key: bool,
    /// Fetch every buyer's summary before the clock starts (race, sustain):
    /// the timed part is only the placing.
    #[arg(long)]
    confirm_first: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Mode {
    Race,
    Sustain,
    Repeat,
}

struct Tally {
    outcomes: BTreeMap<String, u64>,
    place: Histogram<u64>,
    requests: u64,
    acked: Vec<String>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let host = args
        .base
        .strip_prefix("http://")
        .context("--base must be http://127.0.0.1:PORT")?;
    if !(host.starts_with("127.0.0.1:") || host.starts_with("localhost:")) {
        bail!("refusing to send load to {host}: 127.0.0.1 only");
    }
    if args.mode == Mode::Repeat && args.sku.is_none() {
        bail!("--mode repeat needs --sku");
    }
    let text = std::fs::read_to_string(&args.buyers)
        .with_context(|| format!("reading {}", args.buyers.display()))?;
    let buyers: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let (id, token) = l.split_once(' ')?;
            Some((id.to_owned(), token.to_owned()))
        })
        .collect();
    if buyers.is_empty() {
        bail!("no buyers in {}", args.buyers.display());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(run(args, buyers))
}

async fn run(args: Args, buyers: Vec<(String, String)>) -> Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .timeout(Duration::from_secs(60))
        .build()?;
    if args.confirm_first && args.mode == Mode::Repeat {
        bail!("--confirm-first is for race and sustain");
    }
    let confirmed = if args.confirm_first {
        Some(Arc::new(confirm_all(&client, &args, &buyers).await?))
    } else {
        None
    };
    let buyers = Arc::new(buyers);
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally {
        outcomes: BTreeMap::new(),
        place: Histogram::new_with_bounds(1, 120_000_000, 3)?,
        requests: 0,
        acked: Vec::new(),
    }));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..args.connections {
        let (client, buyers, next, stop, tally, confirmed) = (
            client.clone(),
            buyers.clone(),
            next.clone(),
            stop.clone(),
            tally.clone(),
            confirmed.clone(),
        );
        let (base, mode, sku, connections, keyed) = (
            args.base.clone(),
            args.mode,
            args.sku.clone(),
            args.connections,
            !args.no_idempotency_key,
        );
        tasks.push(tokio::spawn(async move {
            let mut round = 0usize;
            loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let index = match mode {
                    Mode::Race | Mode::Sustain => next.fetch_add(1, Ordering::Relaxed),
                    // Each connection keeps to its own buyers, in turn.
                    Mode::Repeat => worker + connections * round,
                };
                round += 1;
                if mode != Mode::Repeat && index >= buyers.len() {
                    break;
                }
                let Some((_, token)) = buyers.get(index % buyers.len().max(1)) else {
                    break;
                };
                let key = format!("flash-{index}-{round}");
                // The prepared cart holds one unit for the first round; later
                // rounds (of `repeat`) put it back first.
                let refill = if round > 1 && mode == Mode::Repeat {
                    sku.as_deref()
                } else {
                    None
                };
                let key = keyed.then_some(key.as_str());
                let version = confirmed.as_ref().map(|c| c[index].as_str());
                let outcome = buy(&client, &base, token, refill, key, version).await;
                let mut t = tally.lock().unwrap();
                t.requests += outcome.requests;
                *t.outcomes.entry(outcome.label.clone()).or_default() += 1;
                if let Some(us) = outcome.place_micros {
                    let _ = t.place.record(us.max(1));
                }
                if let Some(id) = outcome.checkout {
                    t.acked.push(id);
                }
            }
        }));
    }
    if args.mode != Mode::Race {
        let stop = stop.clone();
        let seconds = args.seconds;
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            stop.store(true, Ordering::Relaxed);
        });
    }
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed();
    let t = tally.lock().unwrap();
    if let Some(path) = &args.acked {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        for id in &t.acked {
            writeln!(file, "{id}")?;
        }
    }
    let orders = t.acked.len() as f64;
    let secs = elapsed.as_secs_f64();
    let report = json!({
        "mode": match args.mode {
            Mode::Race => "race",
            Mode::Sustain => "sustain",
            Mode::Repeat => "repeat",
        },
        "connections": args.connections,
        "confirmed_first": args.confirm_first,
        "buyers": buyers.len(),
        "seconds": secs,
        "orders": t.acked.len(),
        "orders_per_second": orders / secs,
        "requests": t.requests,
        "requests_per_second": t.requests as f64 / secs,
        "outcomes": t.outcomes,
        "place_ms": {
            "p50": t.place.value_at_quantile(0.50) as f64 / 1000.0,
            "p90": t.place.value_at_quantile(0.90) as f64 / 1000.0,
            "p99": t.place.value_at_quantile(0.99) as f64 / 1000.0,
            "max": t.place.max() as f64 / 1000.0,
        },
    });
    if args.json {
        println!("{report}");
    } else {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}

struct Outcome {
    label: String,
    requests: u64,
    place_micros: Option<u64>,
    checkout: Option<String>,
}

/// Every buyer's summary version, fetched over the connections in turn
/// (untimed: `--confirm-first`).
async fn confirm_all(
    client: &reqwest::Client,
    args: &Args,
    buyers: &[(String, String)],
) -> Result<Vec<String>> {
    let next = Arc::new(AtomicUsize::new(0));
    let tokens: Arc<Vec<String>> = Arc::new(buyers.iter().map(|(_, t)| t.clone()).collect());
    let mut tasks = Vec::new();
    for _ in 0..args.connections {
        let (client, next, tokens, base) = (
            client.clone(),
            next.clone(),
            tokens.clone(),
            args.base.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(token) = tokens.get(index) else {
                    break;
                };
                let version = summary(&client, &base, token)
                    .await
                    .map_err(|label| anyhow::anyhow!("summary of buyer {index}: {label}"))?;
                got.push((index, version));
            }
            anyhow::Ok(got)
        }));
    }
    let mut versions = vec![String::new(); buyers.len()];
    for task in tasks {
        for (index, version) in task.await?? {
            versions[index] = version;
        }
    }
    Ok(versions)
}

/// The checkout summary's version for the buyer behind `token`, or the
/// label of what went wrong.
async fn summary(client: &reqwest::Client, base: &str, token: &str) -> Result<String, String> {
    let summary = client
        .post(format!("{base}/api/v1/buyer/checkout/summary"))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await;
    match summary {
        Ok(r) if r.status().is_success() => match r.json::<Value>().await {
            Ok(v) => Ok(v["version"].as_str().unwrap_or_default().to_owned()),
            Err(_) => Err("summary_unreadable".into()),
        },
        Ok(r) => Err(format!("summary_{}", problem(r).await)),
        Err(e) => Err(format!("error: {}", kind(&e))),
    }
}

/// One buyer's purchase: (refill the cart,) summary — unless confirmed
/// before — then place.
async fn buy(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    sku: Option<&str>,
    key: Option<&str>,
    confirmed: Option<&str>,
) -> Outcome {
    let mut requests = 0;
    let fail = |label: String, requests| Outcome {
        label,
        requests,
        place_micros: None,
        checkout: None,
    };
    if let Some(sku) = sku {
        requests += 1;
        let added = client
            .post(format!("{base}/api/v1/buyer/cart/lines"))
            .bearer_auth(token)
            .json(&json!({ "sku_id": sku, "quantity": 1, "source": "feed" }))
            .send()
            .await;
        match added {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => return fail(format!("cart_{}", problem(r).await), requests),
            Err(e) => return fail(format!("error: {}", kind(&e)), requests),
        }
    }
    let version = match confirmed {
        Some(version) => version.to_owned(),
        None => {
            requests += 1;
            match summary(client, base, token).await {
                Ok(version) => version,
                Err(label) => return fail(label, requests),
            }
        }
    };
    requests += 1;
    let at = Instant::now();
    let mut request = client
        .post(format!("{base}/api/v1/buyer/orders"))
        .bearer_auth(token)
        .json(&json!({ "version": version }));
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let placed = request.send().await;
    let micros = at.elapsed().as_micros() as u64;
    match placed {
        Ok(r) if r.status().as_u16() == 201 => {
            let checkout = r
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v["checkout_id"].as_str().map(str::to_owned));
            Outcome {
                label: "placed".into(),
                requests,
                place_micros: Some(micros),
                checkout,
            }
        }
        Ok(r) => Outcome {
            label: problem(r).await,
            requests,
            place_micros: Some(micros),
            checkout: None,
        },
        Err(e) => fail(format!("error: {}", kind(&e)), requests),
    }
}

/// The problem's code (the first field's when there are fields).
async fn problem(r: reqwest::Response) -> String {
    let status = r.status().as_u16();
    match r.json::<Value>().await {
        Ok(v) => v["errors"][0]["code"]
            .as_str()
            .or_else(|| v["code"].as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{status}")),
        Err(_) => format!("{status}"),
    }
}

fn kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "request"
    }
}
