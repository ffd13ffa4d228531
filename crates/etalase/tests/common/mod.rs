//! What the process tests share: `etalase serve` as a child process on a
//! free port, and one-shot `etalase` commands.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `etalase serve`; killed when dropped.
pub struct Process {
    pub child: Child,
    /// The Shop's address, as the server printed it.
    pub base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `etalase serve` on a free port with `extra` arguments.
pub fn serve(data: &Path, db: &str, extra: &[&str]) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_etalase"))
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", db, "serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("ETALASE_LOG", "warn")
        .env_remove("ETALASE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("etalase starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("etalase prints its addresses").unwrap();
        if let Some(url) = line.trim().strip_prefix("Shop") {
            break url.trim().trim_end_matches('/').to_owned();
        }
    };
    // Keep reading, so the process never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Process { child, base }
}

/// Runs an `etalase` command to its end; panics unless it succeeds.
/// Returns what it printed.
pub fn etalase(data: &Path, db: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_etalase"))
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", db])
        .args(args)
        .env("ETALASE_LOG", "warn")
        .env_remove("ETALASE_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
