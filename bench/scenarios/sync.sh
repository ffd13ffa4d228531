#!/usr/bin/env bash
# Scenario "sync": the commit-to-Shop lag of the sync while a seller makes
# EDITS stock edits one after another (one connection, closed loop), taken
# from the lag the projector records for every product it applies (commit
# time of the change → its row in the Shop's read model); then the rebuild of
# the read model for PRODUCTS listed products (`etalase rebuild-shop
# --from-scratch`), timed with /usr/bin/time.
# SQLite always (one process, the sync in-process). With
# ETALASE_BENCH_POSTGRES_URL (a server whose user may create databases) and
# ETALASE_BENCH_NATS_URL (a NATS server with JetStream), the lag also through
# NATS: a seller-center process and a shop process on one PostgreSQL
# (ETALASE_BENCH_SKIP_SQLITE=1 runs that part only).
# Usage: bench/scenarios/sync.sh [edits, default 10000] [products, default 100000]
set -euo pipefail
cd "$(dirname "$0")/../.."
edits="${1:-10000}"
products="${2:-100000}"
port="${ETALASE_BENCH_PORT:-18082}"

. bench/scenarios/lib.sh
build_release
etalase="$target/release/etalase"
work="$(mktemp -d /tmp/etalase-bench-sync.XXXXXX)"
trap 'kill ${server:-0} ${shop_server:-} 2>/dev/null || true; rm -rf "$work"' EXIT

percentiles() {
  python3 -c '
import sys
lags = sorted(int(x) for x in sys.stdin.read().split())
def q(p):
    return lags[min(len(lags), max(1, -(-len(lags) * p // 100))) - 1]
print(f"samples {len(lags)}  p50 {q(50)} ms  p90 {q(90)} ms  p99 {q(99)} ms  max {lags[-1]} ms")'
}

# lag_on BACKEND URL [NATS_URL]: with a NATS URL, the edits go to a
# seller-center process and a shop process projects them from the stream.
lag_on() {
  local name="$1" url="$2" nats="${3:-}" data="$work/$1-lag"
  mkdir -p "$data"
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" demo >/dev/null
  if [ -n "$nats" ]; then
    local bus=(--event-bus "$nats" --event-bus-prefix "bench$$")
    ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" serve --role shop \
      --listen "127.0.0.1:$((port + 1))" "${bus[@]}" >"$data/shop.log" 2>&1 &
    shop_server=$!
    ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" serve --role seller-center \
      --listen "127.0.0.1:$port" "${bus[@]}" >"$data/server.log" 2>&1 &
  else
    ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" serve --listen "127.0.0.1:$port" \
      >"$data/server.log" 2>&1 &
  fi
  server=$!
  wait_ready "$port"
  wait_synced "$name" "$url"
  local ids product sku
  ids="$(query "$name" "$url" "SELECT p.id || '|' || s.id FROM products p JOIN skus s ON s.product_id = p.id WHERE s.code = 'BTK-BI-XL'")"
  product="${ids%%|*}"; sku="${ids##*|}"
  sed -e "s/PRODUCT/$product/g" -e "s/SKU/$sku/g" bench/flows/stock-edits.flow.in >"$data/stock.flow"
  local start
  start="$(python3 -c 'import time; print(int(time.time() * 1000))')"
  echo "## sync lag on $name: $edits stock edits, 1 connection"
  "$target/release/etalase-load" --threads 1 --connections 1 --requests "$edits" --duration 30m \
    flow "$data/stock.flow" --base "http://127.0.0.1:$port" | grep -E "^requests|^errors|^all"
  sleep 2
  query "$name" "$url" "SELECT lag_ms FROM sync_lag_samples WHERE at >= $start" | percentiles
  kill "$server" ${shop_server:-}; wait "$server" ${shop_server:-} 2>/dev/null || true
  shop_server=""
}

rebuild_on() {
  local name="$1" url="$2" data="$work/$1-rebuild"
  mkdir -p "$data"
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" demo >/dev/null
  python3 bench/scenarios/catalog_sheet.py "$products" 1 >"$work/rebuild-sheet.csv"
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" import --seller shop "$work/rebuild-sheet.csv" | tail -1
  # Imported products are drafts without photos: publish them and give each a
  # photo row, so every one is listed (the rebuild reads rows, not files).
  query "$name" "$url" "INSERT INTO product_images (id, product_id, seller_id, position, width, height, bytes, sharpness, blurry, white_background, created_at) SELECT 'img_' || substr(id, 5), id, seller_id, 0, 900, 900, 50000, 100.0, FALSE, TRUE, created_at FROM products WHERE title LIKE 'Toko Bench%'" >/dev/null
  query "$name" "$url" "UPDATE products SET status = 'active', image_count = 1 WHERE title LIKE 'Toko Bench%'" >/dev/null
  echo "## rebuild on $name: $products products"
  /usr/bin/time -v "$etalase" --data-dir "$data" --database-url "$url" rebuild-shop --from-scratch 2>"$data/time.txt" | tail -1
  grep -E "Elapsed|Maximum resident" "$data/time.txt"
}

if [ -z "${ETALASE_BENCH_SKIP_SQLITE:-}" ]; then
  lag_on sqlite "sqlite://$work/sqlite-lag/etalase.db"
  rebuild_on sqlite "sqlite://$work/sqlite-rebuild/etalase.db"
fi

if [ -n "${ETALASE_BENCH_POSTGRES_URL:-}" ] && [ -n "${ETALASE_BENCH_NATS_URL:-}" ]; then
  db="etalase_bench_sync_$$"
  psql "$ETALASE_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
  lag_on postgres "${ETALASE_BENCH_POSTGRES_URL%/*}/$db" "$ETALASE_BENCH_NATS_URL"
  psql "$ETALASE_BENCH_POSTGRES_URL" -qc "DROP DATABASE $db" >/dev/null
fi
