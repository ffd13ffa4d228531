//! etalase-load: the project's HTTP load generator. See bench/README.md.

mod args;
mod cookies;
mod csrf;
mod flow;
mod json;
mod live;
mod report;
mod runner;
mod stats;
mod target;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Parser;

use crate::args::{Args, Mode};
use crate::flow::{Flow, Step};
use crate::report::RunInfo;
use crate::runner::{Plan, Settings};

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("etalase-load: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<()> {
    if args.duration.is_zero() {
        bail!("--duration must be more than 0");
    }
    if args.timeout.is_zero() {
        bail!("--timeout must be more than 0");
    }
    if let Mode::Live {
        live,
        base,
        email,
        password,
        rounds,
        comments_per_second,
        comment_seconds,
        server_pid,
    } = &args.mode
    {
        warn_if_too_few_file_descriptors(args.connections * 2);
        let run = live::LiveRun {
            target: target::parse_base(base)?,
            live: live.clone(),
            viewers: args.connections as usize,
            email: email.clone(),
            password: password.clone(),
            rounds: *rounds,
            comments_per_second: (*comments_per_second).max(1),
            comment_seconds: *comment_seconds,
            server_pid: *server_pid,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads.map_or(1, |n| n as usize))
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let report = runtime.block_on(live::run(run))?;
        runtime.shutdown_background();
        println!("{}", report.trim_end());
        return Ok(());
    }
    let (mode, subject, plan) = match &args.mode {
        Mode::Get { url } => {
            let (target, path) = target::parse_url(url)?;
            let flow = Flow {
                once: Vec::new(),
                looped: vec![Step::get(&path)?],
            };
            let plan = Plan {
                target,
                flow,
                cookies: false,
            };
            ("get", url.clone(), plan)
        }
        Mode::Flow { file, base } => {
            let target = target::parse_base(base)?;
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?;
            let flow = flow::parse(&text).with_context(|| file.display().to_string())?;
            let plan = Plan {
                target,
                flow,
                cookies: true,
            };
            ("flow", file.display().to_string(), plan)
        }
        Mode::Live { .. } => unreachable!("run above"),
    };
    warn_if_too_few_file_descriptors(args.connections);

    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let settings = Settings {
        connections: args.connections,
        duration: args.duration,
        warmup: args.warmup,
        requests: args.requests,
        timeout: args.timeout,
    };
    let plan = Arc::new(plan);
    let info = RunInfo {
        mode,
        subject,
        base_url: plan.target.base_url(),
        threads,
        settings: settings.clone(),
    };
    // Progress goes to stderr so stdout holds only the report (for --json).
    eprintln!(
        "etalase-load: {} connections, {} warm-up + {}, against {} ...",
        settings.connections,
        args::show_duration(settings.warmup),
        args::show_duration(settings.duration),
        info.base_url
    );
    let result = runtime.block_on(runner::run(plan.clone(), &settings))?;
    // Connection driver tasks may still be parked on sockets; do not wait.
    runtime.shutdown_background();

    let report = if args.json {
        report::json(&info, &plan.flow, &result)
    } else {
        report::text(&info, &plan.flow, &result)
    };
    println!("{}", report.trim_end());
    Ok(())
}

/// Each connection is a file descriptor; past the soft limit connects fail
/// with "too many open files", which reads like a server problem. Linux
/// only (other systems have no /proc/self/limits, and are not checked).
fn warn_if_too_few_file_descriptors(connections: u32) {
    let Ok(limits) = std::fs::read_to_string("/proc/self/limits") else {
        return;
    };
    let soft_limit = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|soft| soft.parse::<u64>().ok());
    // Some descriptors are taken by stdio, the runtime and the binary itself.
    if let Some(soft) = soft_limit
        && u64::from(connections) + 32 > soft
    {
        eprintln!(
            "etalase-load: warning: {connections} connections but only {soft} open files \
             allowed; raise it with `ulimit -n {}`",
            u64::from(connections) + 64
        );
    }
}
