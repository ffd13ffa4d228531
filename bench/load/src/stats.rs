//! Recording what happened. Connection tasks send small batches of samples
//! to one collector that owns the histograms: a histogram per connection
//! would cost ~100 KB each, far too much with thousands of connections, and a
//! shared locked one would make every request contend on it.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use hdrhistogram::Histogram;

/// Latencies are recorded in microseconds, up to an hour (saturating above).
const MAX_LATENCY_US: u64 = 3_600_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The TCP connect or the HTTP/1.1 handshake failed.
    Connect,
    /// The connection broke while sending the request or reading the response.
    Request,
    /// No complete response within `--timeout`.
    Timeout,
    /// The step needs `{csrf}` but no earlier response had a token.
    CsrfMissing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Response {
        status: u16,
        latency_us: u64,
        /// Whether the status is the expected one (see flow::Step::expect).
        ok: bool,
    },
    Failed(ErrorKind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Index into Flow::steps().
    pub step: usize,
    pub outcome: Outcome,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErrorCounts {
    pub connect: u64,
    pub request: u64,
    pub timeout: u64,
    pub csrf_missing: u64,
    /// Responses whose status was not the expected one.
    pub status: u64,
}

impl ErrorCounts {
    pub fn total(&self) -> u64 {
        self.connect + self.request + self.timeout + self.csrf_missing + self.status
    }
}

/// Counters and latencies of one step, or of the whole run.
#[derive(Clone, Debug)]
pub struct Tally {
    /// Attempts, including failed ones.
    pub requests: u64,
    pub errors: ErrorCounts,
    pub statuses: BTreeMap<u16, u64>,
    /// Latency of every response received (whatever its status).
    pub latency: Histogram<u64>,
    /// The exact maximum: the histogram only keeps 3 significant digits.
    pub max_latency_us: u64,
}

impl Tally {
    fn new() -> Result<Tally> {
        Ok(Tally {
            requests: 0,
            errors: ErrorCounts::default(),
            statuses: BTreeMap::new(),
            latency: Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)
                .context("creating the latency histogram")?,
            max_latency_us: 0,
        })
    }

    fn record(&mut self, outcome: Outcome) {
        self.requests += 1;
        match outcome {
            Outcome::Response {
                status,
                latency_us,
                ok,
            } => {
                *self.statuses.entry(status).or_default() += 1;
                // The histogram's lowest value is 1 µs.
                self.latency.saturating_record(latency_us.max(1));
                self.max_latency_us = self.max_latency_us.max(latency_us);
                if !ok {
                    self.errors.status += 1;
                }
            }
            Outcome::Failed(kind) => match kind {
                ErrorKind::Connect => self.errors.connect += 1,
                ErrorKind::Request => self.errors.request += 1,
                ErrorKind::Timeout => self.errors.timeout += 1,
                ErrorKind::CsrfMissing => self.errors.csrf_missing += 1,
            },
        }
    }
}

/// Everything recorded in a run.
#[derive(Clone, Debug)]
pub struct Summary {
    pub total: Tally,
    pub steps: Vec<Tally>,
}

impl Summary {
    pub fn new(step_count: usize) -> Result<Summary> {
        Ok(Summary {
            total: Tally::new()?,
            steps: (0..step_count)
                .map(|_| Tally::new())
                .collect::<Result<_>>()?,
        })
    }

    pub fn record(&mut self, sample: &Sample) {
        self.total.record(sample.outcome);
        // A sample always names one of the plan's steps; an out-of-range one
        // would be a bug, and still counts in the total.
        if let Some(step) = self.steps.get_mut(sample.step) {
            step.record(sample.outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(step: usize, status: u16, latency_us: u64, ok: bool) -> Sample {
        Sample {
            step,
            outcome: Outcome::Response {
                status,
                latency_us,
                ok,
            },
        }
    }

    #[test]
    fn counts_statuses_errors_and_latencies_per_step() {
        let mut summary = Summary::new(2).expect("histograms");
        summary.record(&response(0, 200, 1_000, true));
        summary.record(&response(1, 200, 3_000, true));
        summary.record(&response(1, 500, 0, false));
        summary.record(&Sample {
            step: 1,
            outcome: Outcome::Failed(ErrorKind::Connect),
        });

        assert_eq!(summary.total.requests, 4);
        assert_eq!(summary.total.errors.total(), 2);
        assert_eq!(summary.total.errors.connect, 1);
        assert_eq!(summary.total.errors.status, 1);
        assert_eq!(summary.total.statuses.get(&200), Some(&2));
        assert_eq!(summary.total.latency.len(), 3);
        assert_eq!(summary.total.max_latency_us, 3_000);
        assert_eq!(summary.steps[0].requests, 1);
        assert_eq!(summary.steps[1].requests, 3);
        assert_eq!(summary.steps[1].errors.total(), 2);
    }
}
