//! `live`: thousands of viewers on one live's event stream (Server-Sent
//! Events), a seller changing the pin, and a chat flood — what the live
//! shopping benchmark of bench/scenarios/live.sh measures:
//! - how long a pin takes to reach every viewer (from the moment the
//!   seller's form is sent until each viewer's stream carries the change);
//! - the server's memory per idle viewer (its resident set, read from
//!   /proc when given its pid, before the viewers, with half and with all
//!   of them connected);
//! - whether a flood of comments reaches every viewer (each viewer counts
//!   the comments it received; a few viewers time each one).
//!
//! Requests are plain HTTP/1.0 over a socket per request (control) or a
//! long-lived HTTP/1.1 socket per viewer: nothing here needs a client
//! library, and nothing hides a delay.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hdrhistogram::Histogram;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::cookies::CookieJar;
use crate::csrf::{find_last_token, form_encode};
use crate::target::Target;

/// What a run is asked to do.
pub struct LiveRun {
    pub target: Target,
    pub live: String,
    pub viewers: usize,
    pub email: String,
    pub password: String,
    pub rounds: usize,
    pub comments_per_second: u64,
    pub comment_seconds: u64,
    pub server_pid: Option<u32>,
}

/// Viewers that time every comment (the others only count them).
const TIMED_VIEWERS: usize = 100;
/// Distinct commenters: each may post one comment per 2 s.
const COMMENTERS: usize = 600;

struct Shared {
    /// The current pin round's marker and when its form was sent.
    round: Mutex<(u64, String, Instant)>,
    round_hist: Mutex<Histogram<u64>>,
    delivered: AtomicUsize,
    /// When each comment was sent, by its number.
    comment_sent: Mutex<Vec<Option<Instant>>>,
    comment_hist: Mutex<Histogram<u64>>,
    comments_seen: Vec<AtomicU64>,
    connected: AtomicUsize,
}

struct Response {
    status: u16,
    body: Vec<u8>,
}

async fn request(
    target: &Target,
    jar: &mut CookieJar,
    method: &str,
    path: &str,
    form: Option<&str>,
    json: bool,
) -> Result<Response> {
    let mut stream = TcpStream::connect(target.addr).await?;
    let mut head = format!(
        "{method} {path} HTTP/1.0\r\nHost: {}\r\n",
        target.host_header
    );
    if let Some(cookie) = jar.header() {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if json {
        head.push_str("Accept: application/json\r\n");
    }
    if let Some(form) = form {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    head.push_str("\r\n");
    head.push_str(form.unwrap_or_default());
    stream.write_all(head.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("a response without headers")?;
    let headers = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status")?;
    for line in headers.lines() {
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("set-cookie")
        {
            jar.store(value.trim());
        }
    }
    Ok(Response {
        status,
        body: raw[split + 4..].to_vec(),
    })
}

/// Every distinct `data-product="prd_…"` of the console's basket rows.
fn products_of(console: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (at, _) in console.match_indices("data-testid=\"live-sku\"") {
        let rest = &console[at..];
        if let Some(p) = rest.find("data-product=\"") {
            let value = &rest[p + 14..];
            let id = value[..value.find('"').unwrap_or(0)].to_owned();
            if !id.is_empty() && !found.contains(&id) {
                found.push(id);
            }
        }
    }
    found
}

async fn viewer(target: Target, path: String, n: usize, shared: Arc<Shared>) -> Result<()> {
    let mut stream = TcpStream::connect(target.addr).await?;
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        target.host_header
    );
    stream.write_all(head.as_bytes()).await?;
    let mut buf = vec![0u8; 8192];
    let mut carry = String::new();
    let mut counted_connect = false;
    let mut seen_round = 0u64;
    let timed = n < TIMED_VIEWERS;
    loop {
        let read = stream.read(&mut buf).await?;
        if read == 0 {
            bail!("viewer {n}: the stream ended");
        }
        let now = Instant::now();
        let chunk = String::from_utf8_lossy(&buf[..read]);
        let text = format!("{carry}{chunk}");
        if !counted_connect && text.contains("event: state") {
            counted_connect = true;
            shared.connected.fetch_add(1, Ordering::Relaxed);
        }
        {
            let round = shared.round.lock().expect("round");
            if round.0 > seen_round && text.contains(&round.1) {
                seen_round = round.0;
                let micros = now.duration_since(round.2).as_micros() as u64;
                drop(round);
                shared
                    .round_hist
                    .lock()
                    .expect("hist")
                    .record(micros.max(1))
                    .ok();
                shared.delivered.fetch_add(1, Ordering::Relaxed);
            }
        }
        // Counted on the new bytes only (comments come in batches).
        let comments = chunk.matches("\"body\":\"bench m").count() as u64;
        if comments > 0 {
            shared.comments_seen[n].fetch_add(comments, Ordering::Relaxed);
        }
        if timed {
            for (at, _) in chunk.match_indices("\"body\":\"bench m") {
                let digits: String = chunk[at + 15..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if let Ok(k) = digits.parse::<usize>() {
                    let sent = shared
                        .comment_sent
                        .lock()
                        .expect("sent")
                        .get(k)
                        .copied()
                        .flatten();
                    if let Some(sent) = sent {
                        let micros = now.duration_since(sent).as_micros() as u64;
                        shared
                            .comment_hist
                            .lock()
                            .expect("hist")
                            .record(micros.max(1))
                            .ok();
                    }
                }
            }
        }
        let keep = text.len().saturating_sub(256);
        let mut cut = keep;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        carry = text[cut..].to_owned();
    }
}

/// How long the server is left idle, at least, before its memory is read.
const SETTLE: Duration = Duration::from_secs(5);

/// The server's resident set once it stopped moving: read every second
/// until three readings in a row differ by less than 256 KiB (the
/// allocator returns freed pages to the system with a delay, and what the
/// server freed after its start can take a while), at most a minute.
async fn settled_rss(pid: Option<u32>) -> Option<u64> {
    let pid = pid?;
    tokio::time::sleep(SETTLE).await;
    let mut readings = vec![rss_kib(pid)?];
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        readings.push(rss_kib(pid)?);
        let last = &readings[readings.len().saturating_sub(3)..];
        if last.len() == 3 && last.iter().max()? - last.iter().min()? < 256 {
            break;
        }
    }
    readings.last().copied()
}

/// Waits (up to two minutes) until `count` viewers have connected.
async fn all_connected(shared: &Shared, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while shared.connected.load(Ordering::Relaxed) < count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn ms(micros: u64) -> String {
    format!("{:.1} ms", micros as f64 / 1000.0)
}

pub async fn run(run: LiveRun) -> Result<String> {
    let target = run.target.clone();
    let console_path = format!("/seller/live/{}", run.live);
    // The seller signs in and reads the console.
    let mut seller = CookieJar::default();
    let page = request(&target, &mut seller, "GET", "/seller/signin", None, false).await?;
    let token = find_last_token(&page.body).context("no token on the sign-in page")?;
    let form = format!(
        "email={}&password={}&_csrf={}",
        form_encode(&run.email),
        form_encode(&run.password),
        form_encode(&token)
    );
    let signed = request(
        &target,
        &mut seller,
        "POST",
        "/seller/signin",
        Some(&form),
        false,
    )
    .await?;
    if signed.status != 303 {
        bail!("signing in answered {}", signed.status);
    }
    let console = request(&target, &mut seller, "GET", &console_path, None, false).await?;
    if console.status != 200 {
        bail!("the console of {} answered {}", run.live, console.status);
    }
    let console_text = String::from_utf8_lossy(&console.body).to_string();
    let products = products_of(&console_text);
    if products.len() < 2 {
        bail!("the live needs two featured products to switch the pin between");
    }
    let seller_token = find_last_token(&console.body).context("no token on the console")?;

    let shared = Arc::new(Shared {
        round: Mutex::new((0, String::from("\u{0}never"), Instant::now())),
        round_hist: Mutex::new(Histogram::new(3)?),
        delivered: AtomicUsize::new(0),
        comment_sent: Mutex::new(vec![
            None;
            (run.comments_per_second * run.comment_seconds) as usize
                + 1
        ]),
        comment_hist: Mutex::new(Histogram::new(3)?),
        comments_seen: (0..run.viewers).map(|_| AtomicU64::new(0)).collect(),
        connected: AtomicUsize::new(0),
    });

    // Memory is read with the server settled: before any viewer, with half
    // of them, and with all. What one more viewer costs is the slope
    // between half and all: what the server allocated or gave back on its
    // own meanwhile (caches, the allocator returning freed pages) is in
    // both readings, not in the difference.
    let rss_before = settled_rss(run.server_pid).await;
    // Viewers connect in waves, as a live's audience arrives.
    let events = format!("/live/{}/events", run.live);
    let started = Instant::now();
    let half = run.viewers / 2;
    let mut rss_half = None;
    let mut settled = Duration::ZERO;
    let mut half_time = Duration::ZERO;
    for n in 0..run.viewers {
        let (t, p, s) = (target.clone(), events.clone(), shared.clone());
        tokio::spawn(async move {
            if let Err(e) = viewer(t, p, n, s).await {
                eprintln!("etalase-load: {e:#}");
            }
        });
        if n % 500 == 499 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if n + 1 == half {
            all_connected(&shared, half).await;
            half_time = started.elapsed();
            let pause = Instant::now();
            rss_half = settled_rss(run.server_pid).await;
            settled = pause.elapsed();
        }
    }
    all_connected(&shared, run.viewers).await;
    let connected = shared.connected.load(Ordering::Relaxed);
    let connect_time = started.elapsed() - settled;
    let rss_after = settled_rss(run.server_pid).await;

    // Pin rounds: the pin switches between two products.
    let mut round_report = Vec::new();
    for r in 1..=run.rounds {
        let product = &products[r % 2];
        {
            let mut round = shared.round.lock().expect("round");
            *round = (
                r as u64,
                format!("\"pinned\":\"{product}\""),
                Instant::now(),
            );
        }
        shared.delivered.store(0, Ordering::Relaxed);
        let form = format!("product={product}&_csrf={}", form_encode(&seller_token));
        let answer = request(
            &target,
            &mut seller,
            "POST",
            &format!("{console_path}/pin"),
            Some(&form),
            false,
        )
        .await?;
        if answer.status != 303 {
            bail!("pinning answered {}", answer.status);
        }
        let wait_until = Instant::now() + Duration::from_secs(10);
        while shared.delivered.load(Ordering::Relaxed) < connected && Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        round_report.push(shared.delivered.load(Ordering::Relaxed));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }

    // The chat flood: commenters take their tokens, then post at the rate.
    let mut commenters = Vec::with_capacity(COMMENTERS);
    for _ in 0..COMMENTERS {
        let mut jar = CookieJar::default();
        let page = request(
            &target,
            &mut jar,
            "GET",
            &format!("/live/{}", run.live),
            None,
            false,
        )
        .await?;
        let token = find_last_token(&page.body).context("no token on the live page")?;
        commenters.push((jar, token));
    }
    let total = (run.comments_per_second * run.comment_seconds) as usize;
    let accepted = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let interval = Duration::from_secs_f64(1.0 / run.comments_per_second as f64);
    let flood_start = Instant::now();
    let mut posts = Vec::with_capacity(total);
    for k in 0..total {
        let at = flood_start + interval * k as u32;
        tokio::time::sleep_until(at.into()).await;
        let (mut jar, token) = commenters[k % COMMENTERS].clone();
        let form = format!(
            "author=Bench&text={}&_csrf={}",
            form_encode(&format!("bench m{k}")),
            form_encode(&token)
        );
        let (t, s, a, f) = (
            target.clone(),
            shared.clone(),
            accepted.clone(),
            refused.clone(),
        );
        let path = format!("/live/{}/comments", run.live);
        posts.push(tokio::spawn(async move {
            s.comment_sent.lock().expect("sent")[k] = Some(Instant::now());
            match request(&t, &mut jar, "POST", &path, Some(&form), true).await {
                Ok(r) if r.status == 201 => a.fetch_add(1, Ordering::Relaxed),
                _ => f.fetch_add(1, Ordering::Relaxed),
            };
        }));
    }
    for post in posts {
        let _ = post.await;
    }
    let flood_time = flood_start.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let accepted = accepted.load(Ordering::Relaxed) as u64;
    let seen: Vec<u64> = shared
        .comments_seen
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .collect();
    let min_seen = seen.iter().copied().min().unwrap_or(0);
    let complete = seen.iter().filter(|&&c| c >= accepted).count();

    let rounds = shared.round_hist.lock().expect("hist");
    let comments = shared.comment_hist.lock().expect("hist");
    let mut out = String::new();
    out.push_str(&format!(
        "viewers: {connected} of {} connected in {:.1} s (the first half in {:.1} s)\n",
        run.viewers,
        connect_time.as_secs_f64(),
        half_time.as_secs_f64()
    ));
    if let (Some(before), Some(half_rss), Some(after)) = (rss_before, rss_half, rss_after) {
        out.push_str(&format!(
            "server memory: {before} KiB before, {half_rss} KiB with {half} viewers idle, \
             {after} KiB with {connected}: {:.1} KiB per viewer from before to all, \
             {:.1} KiB per viewer from half to all\n",
            (after as f64 - before as f64) / connected.max(1) as f64,
            (after as f64 - half_rss as f64) / (connected.saturating_sub(half)).max(1) as f64
        ));
    }
    out.push_str(&format!(
        "pin changes: {} rounds, delivered to {:?} viewers; latency p50 {} p99 {} max {}\n",
        run.rounds,
        round_report,
        ms(rounds.value_at_quantile(0.5)),
        ms(rounds.value_at_quantile(0.99)),
        ms(rounds.max())
    ));
    out.push_str(&format!(
        "comments: {} sent in {:.1} s ({:.0}/s), {} accepted, {} refused; every viewer got {} or more, {} of {} viewers got all {}\n",
        total,
        flood_time.as_secs_f64(),
        total as f64 / flood_time.as_secs_f64(),
        accepted,
        refused.load(Ordering::Relaxed),
        min_seen,
        complete,
        connected,
        accepted
    ));
    out.push_str(&format!(
        "comment latency (send to receipt, {} timed viewers): p50 {} p99 {} max {}\n",
        TIMED_VIEWERS.min(connected),
        ms(comments.value_at_quantile(0.5)),
        ms(comments.value_at_quantile(0.99)),
        ms(comments.max())
    ));
    Ok(out)
}
