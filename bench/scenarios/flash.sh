#!/usr/bin/env bash
# Scenario "flash": a flash sale on one SKU through the buyer API over HTTP,
# on a release build, with durable commits (SQLite's writer syncs every
# commit; orders arriving together share one commit).
#   1. race: BUYERS buyers with ready carts race for UNITS units — exactly
#      UNITS orders must succeed and every other buyer hear out_of_stock /
#      stock_short; then `etalase flash-sale check` proves every unit is in
#      stock or in an order and every 201 is stored.
#   2. sustain: the same hot SKU with 100,000 units and 100,000 buyers with
#      ready carts, ordering for DURATION (each buyer once: summary, place):
#      orders per second and the placing request's latency.
# SQLite always; PostgreSQL too when ETALASE_BENCH_POSTGRES_URL names a server
# whose user may create databases.
# Usage: bench/scenarios/flash.sh [buyers, default 5000] [units, default 1000] [seconds, default 20] [connections, default 256]
set -euo pipefail
cd "$(dirname "$0")/../.."
buyers="${1:-5000}"
units="${2:-1000}"
seconds="${3:-20}"
connections="${4:-256}"
port="${ETALASE_BENCH_PORT:-18085}"

. bench/scenarios/lib.sh
touch bench/flash/src/main.rs
build_release
cargo build --release --locked -q -p etalase-flash
etalase="$target/release/etalase"
flash="$target/release/etalase-flash"
work="$(mktemp -d /tmp/etalase-bench-flash.XXXXXX)"
cleanup() { kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

field() { sed -nE "s/.*\b$1=([^ ]+).*/\1/p" | head -n 1; }

serve() {
  ETALASE_LOG=warn "$etalase" --data-dir "$1" --database-url "$2" serve \
    --listen "127.0.0.1:$port" >"$1/server.log" 2>&1 &
  server=$!
  wait_ready "$port" || { cat "$1/server.log"; exit 1; }
}

run() {
  local name="$1" data="$2" url="$3"
  mkdir -p "$data"
  echo "## $name: race — $buyers buyers, $units units, $connections connections"
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" demo >/dev/null
  out="$(ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" \
    flash-sale prepare --buyers "$buyers" --units "$units" --out "$data/race.txt")"
  seller="$(echo "$out" | field seller)"; sku="$(echo "$out" | field sku)"
  serve "$data" "$url"
  "$flash" --buyers "$data/race.txt" --base "http://127.0.0.1:$port" --mode race \
    --connections "$connections" --acked "$data/race-acked.txt" --json
  kill "$server"; wait "$server" 2>/dev/null || true
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" \
    flash-sale check --seller "$seller" --sku "$sku" --units "$units" --acked "$data/race-acked.txt"

  echo "## $name: sustain — 100000 units, 100000 buyers, $seconds s, $connections connections"
  out="$(ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" \
    flash-sale prepare --buyers 100000 --units 100000 --out "$data/sustain.txt")"
  seller="$(echo "$out" | field seller)"; sku="$(echo "$out" | field sku)"
  serve "$data" "$url"
  "$flash" --buyers "$data/sustain.txt" --base "http://127.0.0.1:$port" --mode sustain \
    --seconds "$seconds" --connections "$connections" --acked "$data/sustain-acked.txt" --json
  kill "$server"; wait "$server" 2>/dev/null || true
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" \
    flash-sale check --seller "$seller" --sku "$sku" --units 100000 --acked "$data/sustain-acked.txt"
}

run sqlite "$work/sqlite" "sqlite://$work/sqlite/etalase.db"

if [ -n "${ETALASE_BENCH_POSTGRES_URL:-}" ]; then
  db="etalase_bench_flash_$$"
  psql "$ETALASE_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
  run postgres "$work/postgres" "${ETALASE_BENCH_POSTGRES_URL%/*}/$db"
  kill "${server:-0}" 2>/dev/null || true; wait 2>/dev/null || true
  psql "$ETALASE_BENCH_POSTGRES_URL" -qc "DROP DATABASE $db" >/dev/null
fi
