#!/usr/bin/env bash
# Scenario "videos": the Shop's video feed (`/v`, eight videos with their
# tagged products priced by the one pricing function) and a video's page,
# at 64 connections for DURATION, on the demo data plus COUNT generated
# published videos (`etalase generate-videos`), SQLite.
# Usage: bench/scenarios/videos.sh [count, default 40] [duration, default 20s]
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-40}"
duration="${2:-20s}"
port="${ETALASE_BENCH_PORT:-18084}"

. bench/scenarios/lib.sh
build_release
etalase="$target/release/etalase"
load="$target/release/etalase-load"
data="$(mktemp -d /tmp/etalase-bench-videos.XXXXXX)"
trap 'kill ${server:-0} 2>/dev/null || true; wait ${server:-0} 2>/dev/null || true; rm -rf "$data"' EXIT

ETALASE_LOG=warn "$etalase" --data-dir "$data" demo >/dev/null
"$etalase" --data-dir "$data" generate-videos --count "$count"
ETALASE_LOG=warn "$etalase" --data-dir "$data" serve --listen "127.0.0.1:$port" >"$data/server.log" 2>&1 &
server=$!
wait_ready "$port"

video="$(sqlite3 "$data/etalase.db" "SELECT id FROM videos WHERE state = 'published' ORDER BY published_at DESC LIMIT 1")"
echo "## GET /v (video feed, first page), 64 connections, $duration"
"$load" --threads 1 --connections 64 --warmup 3s --duration "$duration" get "http://127.0.0.1:$port/v"
echo "## GET /v/$video (a video's page), 64 connections, $duration"
"$load" --threads 1 --connections 64 --warmup 3s --duration "$duration" get "http://127.0.0.1:$port/v/$video"
echo "## GET / (home, with its video strip), 64 connections, $duration"
"$load" --threads 1 --connections 64 --warmup 3s --duration "$duration" get "http://127.0.0.1:$port/"
echo "## attribution events written during the runs"
sleep 1
sqlite3 "$data/etalase.db" "SELECT kind, COUNT(*) FROM attribution_events GROUP BY kind"
echo "## server memory after the runs"
grep -E "VmRSS|VmHWM" "/proc/$server/status"
