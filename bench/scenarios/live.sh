#!/usr/bin/env bash
# Scenario "live": VIEWERS viewers (default 10,000) on the demo live's
# event stream, on one Shop node (SQLite); its seller switches the pin ten
# times, then 600 viewers post 200 comments a second for 10 s. Reports the
# pin's delivery latency to every viewer, the server's memory per idle
# viewer, and whether every comment reached every viewer.
# Usage: bench/scenarios/live.sh [viewers, default 10000]
set -euo pipefail
cd "$(dirname "$0")/../.."
viewers="${1:-10000}"
port="${ETALASE_BENCH_PORT:-18085}"

# Every viewer is a socket on both sides of the loopback.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "open files allowed: $(ulimit -n)"

. bench/scenarios/lib.sh
build_release
etalase="$target/release/etalase"
load="$target/release/etalase-load"
data="$(mktemp -d /tmp/etalase-bench-live.XXXXXX)"
trap 'kill ${server:-0} 2>/dev/null || true; wait ${server:-0} 2>/dev/null || true; rm -rf "$data"' EXIT

ETALASE_LOG=warn "$etalase" --data-dir "$data" demo >/dev/null
ETALASE_LOG=warn "$etalase" --data-dir "$data" serve --listen "127.0.0.1:$port" >"$data/server.log" 2>&1 &
server=$!
wait_ready "$port"

live="$(sqlite3 "$data/etalase.db" "SELECT id FROM lives WHERE state = 'live' LIMIT 1")"
echo "## $viewers viewers on /live/$live/events, 10 pin changes, 200 comments/s for 10 s"
"$load" --threads 1 --connections "$viewers" live "$live" \
  --base "http://127.0.0.1:$port" --server-pid "$server" --rounds 10 \
  --comments-per-second 200 --comment-seconds 10
echo "## server memory at the end"
grep -E "VmRSS|VmHWM" "/proc/$server/status"
echo "## server log lines with error or panic"; grep -iE "error|panic" "$data/server.log" | sed -E "s/^[^ ]+ +//" | cut -c1-160 | sort | uniq -c | sort -rn | head -5 || true
