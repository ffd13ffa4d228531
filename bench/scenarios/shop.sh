#!/usr/bin/env bash
# Scenario "shop": the buyer's pages over a generated catalog of PRODUCTS
# products × 3 SKUs across SHOPS shops (`etalase generate-shop`): the product
# page, search with a filter, and the home feed, each at 64 connections for
# DURATION from this machine; plus the generation time, the server's start-up
# (ready, and the search index built on a first start), and its memory (RSS).
# With wrk installed, also product pages picked at random from the whole
# catalog, and searches picked at random from thousands of different ones.
# SQLite always; PostgreSQL too when ETALASE_BENCH_POSTGRES_URL names a
# server whose user may create databases.
# Reuse generated data with ETALASE_BENCH_SHOP_DATA=DIR (a data directory
# kept from an earlier run: SQLite at DIR/etalase.db) and
# ETALASE_BENCH_SHOP_PG=URL (a database generated earlier); ETALASE_BENCH_KEEP=1
# keeps this run's data (its directory is printed). ETALASE_BENCH_SHOP_SKIP_SQLITE=1
# measures PostgreSQL only.
# Usage: bench/scenarios/shop.sh [products, default 100000] [shops, default 1000] [duration, default 20s]
set -euo pipefail
cd "$(dirname "$0")/../.."
products="${1:-100000}"
shops="${2:-1000}"
duration="${3:-20s}"
port="${ETALASE_BENCH_PORT:-18083}"

. bench/scenarios/lib.sh
build_release
etalase="$target/release/etalase"
load="$target/release/etalase-load"
work="$(mktemp -d /tmp/etalase-bench-shop.XXXXXX)"
cleanup() {
  kill "${server:-0}" 2>/dev/null || true
  if [ "${ETALASE_BENCH_KEEP:-0}" = 1 ]; then echo "## data kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# generate NAME DATA URL: demo data, then the catalog, timed.
generate() {
  local name="$1" data="$2" url="$3"
  mkdir -p "$data"
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" demo >/dev/null
  echo "## generate on $name: $shops shops, $products products × 3 SKUs"
  /usr/bin/time -v "$etalase" --data-dir "$data" --database-url "$url" \
    generate-shop --shops "$shops" --products "$products" 2>"$data/time.txt" | tail -1
  grep -E "Elapsed|Maximum resident" "$data/time.txt"
}

# seconds SINCE: seconds (3 decimals) from a `date +%s.%N` reading.
seconds() { python3 -c "import sys,time; print(f'{time.time() - float(sys.argv[1]):.2f}')" "$1"; }

# start NAME DATA URL: serves, and reports how long until ready and until
# search finds every listed product (on a first start the index is built
# from the read model in the background; until then it finds fewer).
start() {
  local name="$1" data="$2" url="$3" began listed
  listed="$(query "$name" "$url" "SELECT COUNT(*) FROM shop_listings WHERE visibility = 'listed'")"
  began="$(date +%s.%N)"
  ETALASE_LOG=warn "$etalase" --data-dir "$data" --database-url "$url" serve \
    --listen "127.0.0.1:$port" >>"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "   ready in $(seconds "$began") s"
  for _ in $(seq 1 3000); do
    curl -fsS "http://127.0.0.1:$port/search?q=" 2>/dev/null | grep -q "data-total=\"$listed\"" && break
    sleep 0.1
  done
  echo "   search finding all $listed listed products in $(seconds "$began") s"
}

stop() {
  kill "$server"; wait "$server" 2>/dev/null || true
}

# flows NAME URL DIR: the three flows over this database's products.
flows() {
  local name="$1" url="$2" dir="$3"
  {
    echo "# 1,000 product pages of listed products, picked at random."
    query "$name" "$url" "SELECT slug || '-' || product_id FROM shop_listings WHERE visibility = 'listed' ORDER BY random() LIMIT 1000" \
      | sed 's|^|GET /p/|; s|$| expect 200|'
  } >"$dir/product.flow"
  # Every listed product, for a load spread over the whole catalog (wrk).
  query "$name" "$url" "SELECT '/p/' || slug || '-' || product_id FROM shop_listings WHERE visibility = 'listed'" \
    >"$dir/product-all.paths"
  cat >"$dir/search.flow" <<'EOF'
# Searches a buyer makes, each with a filter.
GET /search?q=kaos+polos&province=32 expect 200
GET /search?q=sepatu+lari&cod=1 expect 200
GET /search?q=hijab+instan&max=60000 expect 200
GET /search?q=tas+ransel&category=tas expect 200
GET /search?q=kopi+arabika&ongkir=1 expect 200
GET /search?q=serum+wajah&min=50000&sort=price_asc expect 200
GET /search?q=kemeja+batik&province=33 expect 200
GET /search?q=celana+jeans&sort=newest&cod=1 expect 200
GET /search?q=panci&category=rumah-tangga expect 200
GET /search?q=casing+hitam&max=50000 expect 200
EOF
  # Many different searches (words × colour × filter × page, 12,960),
  # more than the index keeps answers for: with wrk picking them at random,
  # most are searched afresh, where the flow above measures the same ten
  # searches asked again and again.
  python3 - >"$dir/search-varied.paths" <<'EOF'
import itertools
words = ["kaos polos", "kaos oversize", "polo shirt", "kemeja flanel", "kemeja batik",
         "batik cap", "hijab instan", "bergo", "pashmina ceruty", "gamis syari", "abaya",
         "dress midi", "daster rayon", "celana jeans", "jeans slim fit", "sepatu lari",
         "sneakers pria", "flat shoes", "slip on wanita", "tas ransel", "backpack laptop",
         "tote bag", "panci set", "wajan anti lengket", "toples kaca", "kotak makan",
         "serum wajah", "serum vitamin c", "sunscreen", "tabir surya", "kopi arabika",
         "kopi bubuk", "keripik singkong", "kerupuk udang", "kabel data", "charger",
         "casing hp", "tempered glass", "tenda camping", "matras lipat", "mainan edukasi",
         "puzzle kayu", "keranjang rotan", "sajadah travel", "tasbih kayu"]
colours = ["", "hitam", "putih", "navy", "merah", "biru", "maroon", "krem"]
filters = ["province=32", "province=31", "province=33", "province=35", "cod=1",
           "max=60000", "max=150000", "min=50000&sort=price_asc", "sort=newest&cod=1",
           "rating=4", "ongkir=1", "sort=best_selling"]
for w, c, f, page in itertools.product(words, colours, filters, [1, 2, 3]):
    q = "+".join((w + " " + c).split())
    print(f"/search?q={q}&{f}" + (f"&page={page}" if page > 1 else ""))
EOF
  {
    echo "# The home feed: its first pages."
    echo "GET / expect 200"
    for page in 2 3 4 5 10 20 50; do echo "GET /?page=$page expect 200"; done
  } >"$dir/feed.flow"
}

measure() {
  local name="$1" data="$2" url="$3"
  echo "## $name: first start (the search index is built from the read model)"
  start "$name" "$data" "$url"
  stop
  echo "## $name: restart"
  start "$name" "$data" "$url"
  flows "$name" "$url" "$data"
  for flow in product search feed; do
    echo "## $name: $flow, 64 connections, $duration"
    "$load" --threads 1 --connections 64 --warmup 3s --duration "$duration" \
      flow "$data/$flow.flow" --base "http://127.0.0.1:$port" | sed -n '1,12p'
  done
  if command -v wrk >/dev/null; then
    # The flows above loop in step (every connection walks the same list);
    # here each request picks any listed product, so pages kept in memory
    # help only as far as the cache holds the catalog.
    echo "## $name: product pages picked at random from the whole catalog (wrk), 64 connections, $duration"
    wrk -t1 -c64 -d"$duration" --latency -s bench/scenarios/random-paths.lua \
      "http://127.0.0.1:$port" -- "$data/product-all.paths" | grep -E "requests in|Requests/sec|50%|90%|99%|errors"
    echo "## $name: searches picked at random from $(wc -l <"$data/search-varied.paths") different ones (wrk), 64 connections, $duration"
    wrk -t1 -c64 -d"$duration" --latency -s bench/scenarios/random-paths.lua \
      "http://127.0.0.1:$port" -- "$data/search-varied.paths" | grep -E "requests in|Requests/sec|50%|90%|99%|errors"
  fi
  echo "## $name: server memory after the runs"
  grep -E "VmRSS|VmHWM" "/proc/$server/status"
  stop
}

if [ "${ETALASE_BENCH_SHOP_SKIP_SQLITE:-0}" != 1 ]; then
  if [ -n "${ETALASE_BENCH_SHOP_DATA:-}" ]; then
    sqlite_data="$ETALASE_BENCH_SHOP_DATA"
  else
    sqlite_data="$work/sqlite"
    generate sqlite "$sqlite_data" "sqlite://$sqlite_data/etalase.db"
  fi
  measure sqlite "$sqlite_data" "sqlite://$sqlite_data/etalase.db"
fi

if [ -n "${ETALASE_BENCH_POSTGRES_URL:-}" ]; then
  pg_data="$work/postgres"
  mkdir -p "$pg_data"
  if [ -n "${ETALASE_BENCH_SHOP_PG:-}" ]; then
    pg_url="$ETALASE_BENCH_SHOP_PG"
  else
    db="etalase_bench_shop_$$"
    psql "$ETALASE_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
    pg_url="${ETALASE_BENCH_POSTGRES_URL%/*}/$db"
    generate postgres "$pg_data" "$pg_url"
  fi
  measure postgres "$pg_data" "$pg_url"
  # An `if`, not `&&`: as the script's last command, a kept database made
  # the `&&` chain, and so the whole scenario, exit 1.
  if [ -z "${ETALASE_BENCH_SHOP_PG:-}" ] && [ "${ETALASE_BENCH_KEEP:-0}" != 1 ]; then
    psql "$ETALASE_BENCH_POSTGRES_URL" -qc "DROP DATABASE $db" >/dev/null
  fi
fi
