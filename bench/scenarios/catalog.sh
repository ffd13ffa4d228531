#!/usr/bin/env bash
# Scenario "catalog": import 100,000 SKUs (20,000 products × 5 sizes) from a
# CSV sheet with `etalase import`, timed with /usr/bin/time (wall clock and
# peak memory), then the seller's catalog list over those 20,000 products:
# its first page and a filtered page, one connection, latency percentiles.
# SQLite always; PostgreSQL too when ETALASE_BENCH_POSTGRES_URL names a
# server whose user may create databases.
# Usage: bench/scenarios/catalog.sh [products, default 20000] [duration, default 10s]
set -euo pipefail
cd "$(dirname "$0")/../.."
products="${1:-20000}"
duration="${2:-10s}"
port="${ETALASE_BENCH_PORT:-18081}"

. bench/scenarios/lib.sh
build_release
etalase="$target/release/etalase"
work="$(mktemp -d /tmp/etalase-bench-catalog.XXXXXX)"
trap 'kill ${server:-0} 2>/dev/null || true; rm -rf "$work"' EXIT

python3 bench/scenarios/catalog_sheet.py "$products" 5 >"$work/sheet.csv"
echo "## sheet: $products products × 5 SKUs, $(wc -c <"$work/sheet.csv") bytes"

import_on() {
  local name="$1" url="$2"
  local data="$work/$name"
  mkdir -p "$data"
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" demo >/dev/null
  echo "## import on $name"
  /usr/bin/time -v "$etalase" --data-dir "$data" --database-url "$url" import --seller shop "$work/sheet.csv" \
    2>"$data/time.txt" | tail -1
  grep -E "Elapsed|Maximum resident" "$data/time.txt"
}

list_on() {
  local name="$1" url="$2"
  ETALASE_LOG=warn "$etalase" --data-dir "$work/$name" --database-url "$url" serve --listen "127.0.0.1:$port" \
    >"$work/$name/server.log" 2>&1 &
  server=$!
  wait_ready "$port"
  wait_synced "$name" "$url"
  echo "## catalog list on $name ($products products): first page + filtered page, 1 connection, $duration"
  "$target/release/etalase-load" --threads 1 --connections 1 --warmup 2s --duration "$duration" \
    flow bench/flows/catalog-list.flow --base "http://127.0.0.1:$port"
  kill "$server"; wait "$server" 2>/dev/null || true
}

sqlite_url="sqlite://$work/sqlite/etalase.db"
import_on sqlite "$sqlite_url"
list_on sqlite "$sqlite_url"

if [ -n "${ETALASE_BENCH_POSTGRES_URL:-}" ]; then
  db="etalase_bench_$$"
  base="${ETALASE_BENCH_POSTGRES_URL%/*}"
  psql "$ETALASE_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
  pg_url="$base/$db"
  import_on postgres "$pg_url"
  list_on postgres "$pg_url"
  psql "$ETALASE_BENCH_POSTGRES_URL" -qc "DROP DATABASE $db" >/dev/null
fi
