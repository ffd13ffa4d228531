//! The end-of-run report, as text for people or JSON for scripts.

use std::fmt::Write;

use crate::args::show_duration;
use crate::flow::Flow;
use crate::json::Json;
use crate::runner::{RunResult, Settings, StopReason};
use crate::stats::{ErrorCounts, Tally};

/// What was run, for the report's header.
pub struct RunInfo {
    /// `get` or `flow`.
    pub mode: &'static str,
    /// The URL (`get`) or the flow file (`flow`).
    pub subject: String,
    /// `http://host:port` the load went to.
    pub base_url: String,
    pub threads: usize,
    pub settings: Settings,
}

/// Latency percentiles of one tally, in milliseconds.
struct Latency {
    p50: f64,
    p90: f64,
    p99: f64,
    p999: f64,
    max: f64,
    mean: f64,
}

impl Latency {
    /// `None` when nothing was received: percentiles of nothing would read as 0 ms.
    fn of(tally: &Tally) -> Option<Latency> {
        let h = &tally.latency;
        if h.is_empty() {
            return None;
        }
        // A percentile is the top of its histogram bucket, which can lie
        // above the exact maximum; clamping keeps p99.9 <= max in the report.
        let at = |quantile: f64| ms(h.value_at_quantile(quantile).min(tally.max_latency_us));
        Some(Latency {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            p999: at(0.999),
            max: ms(tally.max_latency_us),
            mean: round(h.mean() / 1000.0, 3),
        })
    }

    fn columns(latency: Option<&Latency>) -> String {
        match latency {
            Some(l) => format!(
                "{:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3}",
                l.p50, l.p90, l.p99, l.p999, l.max
            ),
            None => format!("{:>9} {:>9} {:>9} {:>9} {:>9}", "-", "-", "-", "-", "-"),
        }
    }

    fn json(latency: Option<&Latency>) -> Json {
        match latency {
            Some(l) => Json::obj([
                ("p50", Json::Num(l.p50)),
                ("p90", Json::Num(l.p90)),
                ("p99", Json::Num(l.p99)),
                ("p99_9", Json::Num(l.p999)),
                ("max", Json::Num(l.max)),
                ("mean", Json::Num(l.mean)),
            ]),
            None => Json::Null,
        }
    }
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn requests_per_second(result: &RunResult) -> f64 {
    let seconds = result.measured.as_secs_f64();
    if seconds > 0.0 {
        round(result.summary.total.requests as f64 / seconds, 1)
    } else {
        0.0
    }
}

fn stop_reason(reason: StopReason) -> &'static str {
    match reason {
        StopReason::Duration => "duration",
        StopReason::RequestCap => "request_cap",
        StopReason::Interrupted => "interrupted",
    }
}

fn phase(flow: &Flow, index: usize) -> &'static str {
    if index < flow.once.len() {
        "once"
    } else {
        "loop"
    }
}

pub fn text(info: &RunInfo, flow: &Flow, result: &RunResult) -> String {
    let total = &result.summary.total;
    let s = &info.settings;
    let mut out = String::new();
    // Writing to a String cannot fail, hence the ignored results below.
    let _ = writeln!(
        out,
        "etalase-load {} {} -> {}",
        info.mode, info.subject, info.base_url
    );
    let cap = s.requests.map_or_else(
        || "no request cap".to_owned(),
        |n| format!("cap {n} requests"),
    );
    let _ = writeln!(
        out,
        "settings      {} connections, {} duration, {} warm-up, {cap}, {} timeout, {} threads",
        s.connections,
        show_duration(s.duration),
        show_duration(s.warmup),
        show_duration(s.timeout),
        info.threads
    );
    let _ = writeln!(
        out,
        "stopped by    {}",
        stop_reason(result.stopped_by).replace('_', " ")
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "requests      {} ({} answered) in {:.2}s = {:.1} req/s",
        total.requests,
        total.latency.len(),
        result.measured.as_secs_f64(),
        requests_per_second(result)
    );
    let _ = writeln!(out, "errors        {}", error_line(&total.errors));
    if let Some(first) = &result.first_error {
        let _ = writeln!(out, "first error   {first}");
    }
    let _ = writeln!(out, "connections   {} opened", result.connections_opened);
    let _ = writeln!(
        out,
        "in flight     {} cut off by the stop (not counted)",
        result.in_flight_at_stop
    );
    let _ = writeln!(out, "status codes  {}", status_line(total));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "latency (ms)                       {:>9} {:>9} {:>9} {:>9} {:>9}",
        "p50", "p90", "p99", "p99.9", "max"
    );
    let _ = writeln!(
        out,
        "all                                {}",
        Latency::columns(Latency::of(total).as_ref())
    );
    // A one-step run (every `get`) would only repeat the line above.
    if result.summary.steps.len() > 1 {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "line step                requests   errors       p50       p90       p99     p99.9       max"
        );
        for (index, (step, tally)) in flow.steps().zip(&result.summary.steps).enumerate() {
            let label = format!("{} {}", phase(flow, index), step.label);
            let _ = writeln!(
                out,
                "{:>4} {:<19} {:>8} {:>8} {}",
                step.line,
                truncate(&label, 19),
                tally.requests,
                tally.errors.total(),
                Latency::columns(Latency::of(tally).as_ref())
            );
        }
    }
    out
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(width - 1).collect();
        format!("{kept}…")
    }
}

fn error_line(errors: &ErrorCounts) -> String {
    format!(
        "{} (connect {}, request {}, timeout {}, csrf missing {}, unexpected status {})",
        errors.total(),
        errors.connect,
        errors.request,
        errors.timeout,
        errors.csrf_missing,
        errors.status
    )
}

fn status_line(tally: &Tally) -> String {
    if tally.statuses.is_empty() {
        return "none".to_owned();
    }
    let counts: Vec<String> = tally
        .statuses
        .iter()
        .map(|(status, count)| format!("{status}: {count}"))
        .collect();
    counts.join(", ")
}

pub fn json(info: &RunInfo, flow: &Flow, result: &RunResult) -> String {
    let s = &info.settings;
    let total = &result.summary.total;
    let steps = flow
        .steps()
        .zip(&result.summary.steps)
        .enumerate()
        .map(|(index, (step, tally))| {
            Json::obj([
                ("index", Json::Int(index as u64 + 1)),
                ("phase", Json::str(phase(flow, index))),
                ("step", Json::str(&step.label)),
                ("line", Json::Int(step.line as u64)),
                ("expect", Json::from(step.expect.map(u64::from))),
                ("requests", Json::Int(tally.requests)),
                ("responses", Json::Int(tally.latency.len())),
                ("errors", errors_json(&tally.errors)),
                ("status_codes", statuses_json(tally)),
                ("latency_ms", Latency::json(Latency::of(tally).as_ref())),
            ])
        })
        .collect();
    Json::obj([
        ("mode", Json::str(info.mode)),
        ("subject", Json::str(&info.subject)),
        ("base_url", Json::str(&info.base_url)),
        (
            "settings",
            Json::obj([
                ("connections", Json::Int(u64::from(s.connections))),
                ("duration_s", Json::Num(s.duration.as_secs_f64())),
                ("warmup_s", Json::Num(s.warmup.as_secs_f64())),
                ("requests_cap", Json::from(s.requests)),
                ("timeout_s", Json::Num(s.timeout.as_secs_f64())),
                ("threads", Json::Int(info.threads as u64)),
            ]),
        ),
        ("stopped_by", Json::str(stop_reason(result.stopped_by))),
        (
            "elapsed_s",
            Json::Num(round(result.measured.as_secs_f64(), 3)),
        ),
        ("requests", Json::Int(total.requests)),
        ("responses", Json::Int(total.latency.len())),
        (
            "requests_per_second",
            Json::Num(requests_per_second(result)),
        ),
        ("errors", errors_json(&total.errors)),
        (
            "first_error",
            result.first_error.as_ref().map_or(Json::Null, Json::str),
        ),
        ("connections_opened", Json::Int(result.connections_opened)),
        ("in_flight_at_stop", Json::Int(result.in_flight_at_stop)),
        ("status_codes", statuses_json(total)),
        ("latency_ms", Latency::json(Latency::of(total).as_ref())),
        ("steps", Json::Arr(steps)),
    ])
    .to_string()
}

fn errors_json(errors: &ErrorCounts) -> Json {
    Json::obj([
        ("total", Json::Int(errors.total())),
        ("connect", Json::Int(errors.connect)),
        ("request", Json::Int(errors.request)),
        ("timeout", Json::Int(errors.timeout)),
        ("csrf_missing", Json::Int(errors.csrf_missing)),
        ("unexpected_status", Json::Int(errors.status)),
    ])
}

fn statuses_json(tally: &Tally) -> Json {
    Json::Obj(
        tally
            .statuses
            .iter()
            .map(|(status, count)| (status.to_string(), Json::Int(*count)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_cut() {
        assert_eq!(truncate("GET /", 8), "GET /");
        assert_eq!(truncate("GET /a/very/long/path", 8), "GET /a/…");
    }
}
