//! Command-line interface: the settings of a run and the two modes.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

/// The load generator of etalase: many keep-alive connections against a
/// local server, for a bounded time, with latency percentiles at the end.
#[derive(Debug, Parser)]
#[command(name = "etalase-load", version, about)]
pub struct Args {
    /// Concurrent connections, each its own task with its own HTTP/1.1
    /// keep-alive connection.
    #[arg(long, short = 'c', default_value_t = 64, global = true,
          value_parser = clap::value_parser!(u32).range(1..=50_000))]
    pub connections: u32,

    /// How long to record, after the warm-up (units: ms, s, m; e.g. 10s).
    #[arg(long, short = 'd', default_value = "10s", value_parser = parse_duration, global = true)]
    pub duration: Duration,

    /// Load sent before recording starts, to fill caches and pools (e.g. 2s).
    #[arg(long, default_value = "0s", value_parser = parse_duration, global = true)]
    pub warmup: Duration,

    /// Stop after this many recorded requests (the duration still bounds the run).
    #[arg(long, short = 'n', global = true,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub requests: Option<u64>,

    /// Give up on one request (connect, response and body) after this long.
    #[arg(long, default_value = "30s", value_parser = parse_duration, global = true)]
    pub timeout: Duration,

    /// Runtime worker threads (default: all cores). The server usually runs
    /// on the same machine, so leaving it cores can matter.
    #[arg(long, global = true, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,

    /// Print the report as one JSON object instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub mode: Mode,
}

#[derive(Debug, Subcommand)]
pub enum Mode {
    /// Repeated GETs of one URL (http://127.0.0.1 or http://localhost only).
    Get {
        /// e.g. http://127.0.0.1:8080/healthz
        url: String,
    },
    /// Viewers on one live's event stream while its seller switches the pin
    /// and a chat flood runs (see bench/scenarios/live.sh). `--connections`
    /// is the number of viewers.
    Live {
        /// The live's id (`liv_…`), which must be on air with two or more
        /// featured products.
        live: String,
        /// The server (http://127.0.0.1 or http://localhost only).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base: String,
        /// A Seller Center member who may run the live.
        #[arg(long, default_value = "marketing@etalase.test")]
        email: String,
        #[arg(long, default_value = "etalase-demo")]
        password: String,
        /// Pin changes to time.
        #[arg(long, default_value_t = 10)]
        rounds: usize,
        /// Comments posted per second during the flood.
        #[arg(long, default_value_t = 200)]
        comments_per_second: u64,
        /// How long the flood lasts, in seconds.
        #[arg(long, default_value_t = 10)]
        comment_seconds: u64,
        /// The server's process id, to read its memory per viewer.
        #[arg(long)]
        server_pid: Option<u32>,
    },
    /// A scripted flow, run in a loop by every connection (see bench/README.md).
    Flow {
        /// The flow file, one step per line.
        file: PathBuf,
        /// Where the flow's paths are sent (http://127.0.0.1 or http://localhost only).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base: String,
    },
}

/// Parses `500ms`, `10s` or `2m` (and a bare `0`). A unit is required
/// otherwise, because a bare `10` is ambiguous between seconds and
/// milliseconds and guessing wrong makes a run 1000 times too long or short.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("`{text}` has no unit: write e.g. 500ms, 10s or 2m"))?;
    let (number, unit) = text.split_at(digits_end);
    if number.is_empty() {
        return Err(format!(
            "`{text}` is not a duration: write e.g. 500ms, 10s or 2m"
        ));
    }
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is too large"))?;
    let millis_per_unit = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        _ => {
            return Err(format!("unknown unit `{unit}` in `{text}`: use ms, s or m"));
        }
    };
    number
        .checked_mul(millis_per_unit)
        .map(Duration::from_millis)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// `10s`, `1500ms`: the inverse of parse_duration, for messages and reports.
pub fn show_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis.is_multiple_of(1000) {
        format!("{}s", millis / 1000)
    } else {
        format!("{millis}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration(" 3s "), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn rejects_missing_or_unknown_units() {
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("10h").is_err());
        assert!(parse_duration("1.5s").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn shows_durations_in_option_units() {
        assert_eq!(show_duration(Duration::from_secs(10)), "10s");
        assert_eq!(show_duration(Duration::ZERO), "0s");
        assert_eq!(show_duration(Duration::from_millis(1500)), "1500ms");
        for text in ["250ms", "10s", "0s"] {
            assert_eq!(show_duration(parse_duration(text).expect(text)), text);
        }
    }

    #[test]
    fn rejects_overflow() {
        assert!(parse_duration("99999999999999999999s").is_err());
        assert!(parse_duration("18446744073709551615m").is_err());
    }

    #[test]
    fn cli_accepts_settings_before_and_after_the_mode() {
        let args = Args::try_parse_from([
            "etalase-load",
            "--connections",
            "8",
            "get",
            "http://127.0.0.1:1/",
            "--duration",
            "2s",
        ])
        .expect("valid arguments");
        assert_eq!(args.connections, 8);
        assert_eq!(args.duration, Duration::from_secs(2));
        assert!(matches!(args.mode, Mode::Get { .. }));
    }

    #[test]
    fn cli_rejects_zero_connections() {
        assert!(
            Args::try_parse_from(["etalase-load", "-c", "0", "get", "http://127.0.0.1/"]).is_err()
        );
    }
}
