//! Running the load: one task per connection, each with its own HTTP/1.1
//! keep-alive connection, cookie jar and CSRF token, all stopped together by
//! one signal (end of the run, or Ctrl-C).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{Result, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{CONTENT_TYPE, COOKIE, HOST, SET_COOKIE, USER_AGENT};
use hyper::{Method as HttpMethod, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::cookies::CookieJar;
use crate::csrf;
use crate::flow::{Flow, Method, Step};
use crate::stats::{ErrorKind, Outcome, Sample, Summary};
use crate::target::Target;

const USER_AGENT_VALUE: &str = concat!("etalase-load/", env!("CARGO_PKG_VERSION"));
/// Samples sent to the collector at once: one channel message per request
/// would make the channel the bottleneck at high request rates.
const BATCH: usize = 64;
/// Pause after a failed connect, so a server that is down yields a readable
/// error count instead of a busy loop of refused connects.
const CONNECT_BACKOFF: Duration = Duration::from_millis(50);

/// What to send.
pub struct Plan {
    pub target: Target,
    pub flow: Flow,
    /// Keep a cookie jar per connection (flows). `get` sends identical
    /// requests, as a stateless client would.
    pub cookies: bool,
}

/// How long and how hard.
#[derive(Clone, Debug)]
pub struct Settings {
    pub connections: u32,
    pub duration: Duration,
    pub warmup: Duration,
    pub requests: Option<u64>,
    pub timeout: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    Duration,
    RequestCap,
    Interrupted,
}

pub struct RunResult {
    pub summary: Summary,
    /// The recorded window: from the end of the warm-up to the stop.
    pub measured: Duration,
    pub stopped_by: StopReason,
    /// TCP connections opened, warm-up included (more than `--connections`
    /// means the server closed connections and they were reopened).
    pub connections_opened: u64,
    /// Requests cut off by the stop. Not counted as requests or errors, but
    /// shown: a hung server would otherwise look like an idle one.
    pub in_flight_at_stop: u64,
    /// The first failure seen, to tell "connection refused" from a bug.
    pub first_error: Option<String>,
}

/// State shared by all connection tasks; everything mutable is atomic.
struct Shared {
    plan: Arc<Plan>,
    warmup_end: Instant,
    request_cap: Option<u64>,
    timeout: Duration,
    /// Only scan bodies for tokens when some step uses `{csrf}`.
    capture_csrf: bool,
    /// Recorded requests started so far, for `--requests`.
    started: AtomicU64,
    /// Source of `{n}`: one number per connection iteration, unique in the run.
    next_n: AtomicU64,
    connects: AtomicU64,
    /// Recorded requests still waiting for a response when the run stopped.
    abandoned: AtomicU64,
    first_error: OnceLock<String>,
}

impl Shared {
    fn note_error(&self, describe: impl FnOnce() -> String) {
        // Formatting only the first message keeps an error storm cheap.
        if self.first_error.get().is_none() {
            let _ = self.first_error.set(describe());
        }
    }
}

/// The run-wide stop signal, seen by every task.
#[derive(Clone)]
struct Stop(watch::Receiver<bool>);

impl Stop {
    fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the run is over. A dropped sender also means "over".
    async fn wait(&mut self) {
        let _ = self.0.wait_for(|stopped| *stopped).await;
    }
}

pub async fn run(plan: Arc<Plan>, settings: &Settings) -> Result<RunResult> {
    let mut summary = Summary::new(plan.flow.steps().count())?;
    let start = Instant::now();
    let warmup_end = start + settings.warmup;
    let deadline = warmup_end + settings.duration;
    let shared = Arc::new(Shared {
        capture_csrf: plan.flow.uses_csrf(),
        plan,
        warmup_end,
        request_cap: settings.requests,
        timeout: settings.timeout,
        started: AtomicU64::new(0),
        next_n: AtomicU64::new(1),
        connects: AtomicU64::new(0),
        abandoned: AtomicU64::new(0),
        first_error: OnceLock::new(),
    });

    let (stop_tx, stop_rx) = watch::channel(false);
    let interrupted = Arc::new(AtomicBool::new(false));
    let controller = tokio::spawn(control(deadline, stop_tx, interrupted.clone()));

    let (samples_tx, mut samples_rx) = mpsc::channel::<Vec<Sample>>(1024);
    let mut tasks = JoinSet::new();
    for _ in 0..settings.connections {
        let worker = Worker::new(shared.clone(), samples_tx.clone());
        tasks.spawn(worker.run(Stop(stop_rx.clone())));
    }
    // The collector below ends when the last task drops its sender.
    drop(samples_tx);
    while let Some(batch) = samples_rx.recv().await {
        for sample in &batch {
            summary.record(sample);
        }
    }
    while let Some(joined) = tasks.join_next().await {
        if let Err(error) = joined {
            bail!("a connection task failed: {error}");
        }
    }
    let end = Instant::now().min(deadline);
    controller.abort();

    let stopped_by = if interrupted.load(Ordering::Relaxed) {
        StopReason::Interrupted
    } else if end < deadline {
        StopReason::RequestCap
    } else {
        StopReason::Duration
    };
    Ok(RunResult {
        summary,
        measured: end.saturating_duration_since(warmup_end),
        stopped_by,
        connections_opened: shared.connects.load(Ordering::Relaxed),
        in_flight_at_stop: shared.abandoned.load(Ordering::Relaxed),
        first_error: shared.first_error.get().cloned(),
    })
}

/// Signals the stop at the deadline, or earlier on Ctrl-C so an impatient
/// user still gets the report of what ran.
async fn control(deadline: Instant, stop: watch::Sender<bool>, interrupted: Arc<AtomicBool>) {
    tokio::select! {
        _ = tokio::time::sleep_until(deadline) => {}
        signal = tokio::signal::ctrl_c() => {
            if signal.is_ok() {
                interrupted.store(true, Ordering::Relaxed);
            } else {
                // No signal handler: the deadline still ends the run.
                tokio::time::sleep_until(deadline).await;
            }
        }
    }
    // Err only means every task has already finished.
    let _ = stop.send(true);
}

enum Control {
    Continue,
    Stop,
}

/// One connection's client: its connection, cookies and last CSRF token.
struct Worker {
    shared: Arc<Shared>,
    sender: Option<SendRequest<Full<Bytes>>>,
    jar: CookieJar,
    /// The last captured token, already form-encoded.
    csrf: Option<String>,
    batch: Vec<Sample>,
    samples: mpsc::Sender<Vec<Sample>>,
}

impl Worker {
    fn new(shared: Arc<Shared>, samples: mpsc::Sender<Vec<Sample>>) -> Worker {
        Worker {
            shared,
            sender: None,
            jar: CookieJar::default(),
            csrf: None,
            batch: Vec::with_capacity(BATCH),
            samples,
        }
    }

    async fn run(mut self, mut stop: Stop) {
        let plan = self.shared.plan.clone();
        let flow = &plan.flow;
        let mut once_pending = !flow.once.is_empty();
        'run: loop {
            let n = self.shared.next_n.fetch_add(1, Ordering::Relaxed);
            // Step indexes follow Flow::steps(): the once block, then the loop.
            let (first_index, steps) = if once_pending {
                once_pending = false;
                (0, &flow.once)
            } else {
                (flow.once.len(), &flow.looped)
            };
            for (offset, step) in steps.iter().enumerate() {
                if let Control::Stop = self.step(first_index + offset, step, n, &mut stop).await {
                    break 'run;
                }
            }
        }
        self.flush().await;
    }

    async fn step(&mut self, index: usize, step: &Step, n: u64, stop: &mut Stop) -> Control {
        if stop.is_set() {
            return Control::Stop;
        }
        // A request belongs to the warm-up or the measurement by when it starts.
        let measured = Instant::now() >= self.shared.warmup_end;
        if measured
            && let Some(cap) = self.shared.request_cap
            && self.shared.started.fetch_add(1, Ordering::Relaxed) >= cap
        {
            return Control::Stop;
        }

        let started = Instant::now();
        let result = match self.build(step, n) {
            Ok(request) => {
                let exchange = tokio::time::timeout(self.shared.timeout, self.exchange(request));
                let timed = tokio::select! {
                    // The run is over: the in-flight request is abandoned, not
                    // counted, so a slow server cannot stretch the run.
                    _ = stop.wait() => None,
                    timed = exchange => Some(timed),
                };
                match timed {
                    None => {
                        if measured {
                            self.shared.abandoned.fetch_add(1, Ordering::Relaxed);
                        }
                        return Control::Stop;
                    }
                    Some(Ok(result)) => result,
                    Some(Err(_elapsed)) => {
                        // The connection may still deliver the late response;
                        // a fresh one keeps the next request's reply its own.
                        self.sender = None;
                        let timeout = self.shared.timeout;
                        self.shared
                            .note_error(|| format!("timeout: no response within {timeout:?}"));
                        Err(ErrorKind::Timeout)
                    }
                }
            }
            Err(kind) => Err(kind),
        };
        let outcome = match result {
            Ok(status) => Outcome::Response {
                status,
                latency_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                ok: step
                    .expect
                    .map_or(status < 500, |expected| status == expected),
            },
            Err(kind) => Outcome::Failed(kind),
        };
        if measured {
            self.record(Sample {
                step: index,
                outcome,
            })
            .await;
        }
        if outcome == Outcome::Failed(ErrorKind::Connect) {
            tokio::select! {
                _ = stop.wait() => return Control::Stop,
                _ = tokio::time::sleep(CONNECT_BACKOFF) => {}
            }
        }
        Control::Continue
    }

    fn build(&self, step: &Step, n: u64) -> Result<Request<Full<Bytes>>, ErrorKind> {
        let csrf = if step.uses_csrf() {
            self.csrf.as_deref().ok_or_else(|| {
                self.shared.note_error(|| {
                    format!(
                        "csrf missing: `{}` (line {}) uses {{csrf}} but no earlier response had a _csrf input",
                        step.label, step.line
                    )
                });
                ErrorKind::CsrfMissing
            })?
        } else {
            ""
        };
        let mut builder = Request::builder()
            .uri(step.path.render(csrf, n))
            .header(HOST, &self.shared.plan.target.host_header)
            .header(USER_AGENT, USER_AGENT_VALUE);
        if let Some(cookies) = self.jar.header() {
            builder = builder.header(COOKIE, cookies);
        }
        let body = match step.method {
            Method::Get => {
                builder = builder.method(HttpMethod::GET);
                Bytes::new()
            }
            Method::Post => {
                builder = builder
                    .method(HttpMethod::POST)
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded");
                step.body
                    .as_ref()
                    .map_or_else(Bytes::new, |body| Bytes::from(body.render(csrf, n)))
            }
        };
        builder.body(Full::new(body)).map_err(|error| {
            self.shared
                .note_error(|| format!("request: cannot build `{}`: {error}", step.label));
            ErrorKind::Request
        })
    }

    /// Sends one request and reads the whole response; the status on success.
    async fn exchange(&mut self, request: Request<Full<Bytes>>) -> Result<u16, ErrorKind> {
        let sender = self.connection().await?;
        let response = match sender.send_request(request).await {
            Ok(response) => response,
            Err(error) => {
                // The connection's state is unknown after a failure: replace it.
                self.sender = None;
                self.shared.note_error(|| format!("request: {error}"));
                return Err(ErrorKind::Request);
            }
        };
        let status = response.status().as_u16();
        if self.shared.plan.cookies {
            for value in response.headers().get_all(SET_COOKIE) {
                // A non-ASCII Set-Cookie could not be sent back anyway.
                if let Ok(value) = value.to_str() {
                    self.jar.store(value);
                }
            }
        }
        // The body is read in full: the latency is to the last byte, and an
        // unread body would keep the connection from being reused.
        let body = match response.into_body().collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) => {
                self.sender = None;
                self.shared
                    .note_error(|| format!("request: reading the body: {error}"));
                return Err(ErrorKind::Request);
            }
        };
        if self.shared.capture_csrf
            && let Some(token) = csrf::find_last_token(&body)
        {
            self.csrf = Some(csrf::form_encode(&token));
        }
        Ok(status)
    }

    /// The kept-alive connection, or a new one when there is none or the
    /// server has closed it (idle timeout, `Connection: close`, HTTP/1.0).
    async fn connection(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, ErrorKind> {
        let reusable = match &mut self.sender {
            Some(sender) => !sender.is_closed() && sender.ready().await.is_ok(),
            None => false,
        };
        if !reusable {
            self.sender = None;
            let mut sender = self.open().await?;
            if let Err(error) = sender.ready().await {
                self.shared.note_error(|| format!("connect: {error}"));
                return Err(ErrorKind::Connect);
            }
            self.sender = Some(sender);
        }
        self.sender.as_mut().ok_or(ErrorKind::Connect)
    }

    async fn open(&self) -> Result<SendRequest<Full<Bytes>>, ErrorKind> {
        let addr = self.shared.plan.target.addr;
        let stream = TcpStream::connect(addr).await.map_err(|error| {
            self.shared
                .note_error(|| format!("connect to {addr}: {error}"));
            ErrorKind::Connect
        })?;
        // Requests are small and latency is what is measured: Nagle's
        // algorithm would hold writes back waiting for ACKs.
        let _ = stream.set_nodelay(true);
        let (sender, connection) =
            http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|error| {
                    self.shared
                        .note_error(|| format!("connect: HTTP handshake: {error}"));
                    ErrorKind::Connect
                })?;
        self.shared.connects.fetch_add(1, Ordering::Relaxed);
        // hyper's connection future does the I/O; failures surface through
        // send_request, so its own result carries nothing more.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }

    async fn record(&mut self, sample: Sample) {
        self.batch.push(sample);
        if self.batch.len() >= BATCH {
            self.flush().await;
        }
    }

    async fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        // The collector outlives every sender, so this cannot fail in practice.
        let _ = self.samples.send(batch).await;
    }
}
