#!/usr/bin/env bash
# Scenario "foundation": /healthz and the Shop home page at 64 connections,
# plus a signed-in buyer browsing (sign in once, then home and account pages).
# Starts a release build of etalase with demo data on a fresh SQLite database
# on 127.0.0.1, runs etalase-load against it, prints the reports.
# Usage: bench/scenarios/foundation.sh [duration, default 10s]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-10s}"
port="${ETALASE_BENCH_PORT:-18080}"

. bench/scenarios/lib.sh
build_release
data="$(mktemp -d /tmp/etalase-bench.XXXXXX)"
ETALASE_LOG=warn "$target/release/etalase" --data-dir "$data" serve --demo --listen "127.0.0.1:$port" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
wait_ready "$port"

load="$target/release/etalase-load"
echo "## GET /healthz, 64 connections, $duration"
"$load" --threads 1 --connections 64 --warmup 2s --duration "$duration" get "http://127.0.0.1:$port/healthz"
echo "## GET / (Shop home), 64 connections, $duration"
"$load" --threads 1 --connections 64 --warmup 2s --duration "$duration" get "http://127.0.0.1:$port/"
echo "## flow browse-shop (signed-in buyer), 64 connections, $duration"
"$load" --threads 1 --connections 64 --warmup 5s --duration "$duration" flow bench/flows/browse-shop.flow --base "http://127.0.0.1:$port"
