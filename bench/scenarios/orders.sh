#!/usr/bin/env bash
# Scenario "orders": the demo shop with ORDERS orders (`etalase
# generate-orders`, two years of history), then Seller Center's order work
# over HTTP, one connection (so each figure is one request's server time on
# loopback): the "Perlu dikirim" tab, a search by resi (an old completed
# order's), and a filtered page ("Selesai", one courier, one month).
# Latency percentiles per page. SQLite always; PostgreSQL too when
# ETALASE_BENCH_POSTGRES_URL names a server whose user may create databases.
# Usage: bench/scenarios/orders.sh [orders, default 1000000] [duration, default 10s]
set -euo pipefail
cd "$(dirname "$0")/../.."
orders="${1:-1000000}"
duration="${2:-10s}"
port="${ETALASE_BENCH_PORT:-18086}"

. bench/scenarios/lib.sh
build_release
etalase="$target/release/etalase"
work="$(mktemp -d /tmp/etalase-bench-orders.XXXXXX)"
trap 'kill ${server:-0} 2>/dev/null || true; rm -rf "$work"' EXIT

# The month before last, as the filter's range (WIB dates).
from="$(TZ=Asia/Jakarta date -d "$(date +%Y-%m-01) -2 month" +%Y-%m-%d)"
until="$(TZ=Asia/Jakarta date -d "$from +1 month -1 day" +%Y-%m-%d)"

run() {
  local name="$1" url="$2"
  local data="$work/$name"
  mkdir -p "$data"
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" demo >/dev/null
  echo "## $name: generate $orders orders"
  /usr/bin/time -v "$etalase" --data-dir "$data" --database-url "$url" generate-orders \
    --orders "$orders" >"$data/generated.txt" 2>"$data/time.txt"
  cat "$data/generated.txt"
  grep -E "Elapsed|Maximum resident" "$data/time.txt"
  resi="$(sed -n 's/^sample resi: //p' "$data/generated.txt")"
  sed -e "s/RESI/$resi/" -e "s/FROM/$from/" -e "s/UNTIL/$until/" \
    bench/flows/seller-orders.flow.in >"$data/seller-orders.flow"
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" serve --listen "127.0.0.1:$port" \
    >"$data/server.log" 2>&1 &
  server=$!
  wait_ready "$port" || { cat "$data/server.log"; exit 1; }
  echo "## $name: to ship, resi $resi, done + jne + $from..$until; 1 connection, $duration"
  "$target/release/etalase-load" --threads 1 --connections 1 --warmup 2s --duration "$duration" \
    flow "$data/seller-orders.flow" --base "http://127.0.0.1:$port"
  kill "$server"; wait "$server" 2>/dev/null || true
}

run sqlite "sqlite://$work/sqlite/etalase.db"

if [ -n "${ETALASE_BENCH_POSTGRES_URL:-}" ]; then
  db="etalase_bench_$$"
  base="${ETALASE_BENCH_POSTGRES_URL%/*}"
  psql "$ETALASE_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
  run postgres "$base/$db"
  psql "$ETALASE_BENCH_POSTGRES_URL" -qc "DROP DATABASE $db" >/dev/null
fi
