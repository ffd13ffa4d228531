//! Prometheus metrics, labelled by the matched route (never the raw path, so
//! ids in URLs do not explode the label space). Kept per application instance
//! rather than in a global registry, so tests can run several apps at once.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use std::sync::Arc;

const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    // (method, route, status) → series
    requests: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub(crate) fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut requests) = self.requests.lock() else {
            return;
        };
        let series = requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        series.count += 1;
        series.sum_seconds += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                series.buckets[i] += 1;
            }
        }
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP etalase_http_requests_total HTTP requests by method, matched route and status.\n");
        out.push_str("# TYPE etalase_http_requests_total counter\n");
        let Ok(requests) = self.requests.lock() else {
            return out;
        };
        for ((method, route, status), series) in requests.iter() {
            let _ = writeln!(
                out,
                "etalase_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                series.count
            );
        }
        out.push_str("# HELP etalase_http_request_duration_seconds Time to answer, by method and matched route.\n");
        out.push_str("# TYPE etalase_http_request_duration_seconds histogram\n");
        let mut by_route: BTreeMap<(&str, &str), Series> = BTreeMap::new();
        for ((method, route, _), series) in requests.iter() {
            let merged = by_route.entry((method, route)).or_default();
            merged.count += series.count;
            merged.sum_seconds += series.sum_seconds;
            for (i, n) in series.buckets.iter().enumerate() {
                merged.buckets[i] += n;
            }
        }
        for ((method, route), series) in by_route {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "etalase_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    series.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "etalase_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                series.count
            );
            let _ = writeln!(
                out,
                "etalase_http_request_duration_seconds_sum{{{labels}}} {}",
                series.sum_seconds
            );
            let _ = writeln!(
                out,
                "etalase_http_request_duration_seconds_count{{{labels}}} {}",
                series.count
            );
        }
        out
    }
}

pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}
