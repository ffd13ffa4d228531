# What the scenarios share. Sourced from the project root.

# Builds this checkout's release binaries (even if the target directory is
# shared between checkouts) and sets $target to the target directory.
build_release() {
  touch crates/etalase/src/main.rs bench/load/src/main.rs
  cargo build --release --locked -q -p etalase -p etalase-load
  target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
}

# Waits until the server on PORT answers /readyz (10 s at most).
wait_ready() {
  for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

# query BACKEND URL SQL: prints rows, one per line, fields separated by |.
query() {
  case "$1" in
    sqlite) sqlite3 "${2#sqlite://}" "$3" ;;
    postgres) psql "$2" -AtF'|' -c "$3" ;;
  esac
}

# Waits until the Shop's read model reflects every product event in the
# outbox (a server started on a fresh import first projects it all, in
# process or from NATS); prints how long it took.
wait_synced() {
  local started=$SECONDS behind
  while :; do
    behind="$(query "$1" "$2" "SELECT COUNT(*) FROM outbox o WHERE o.aggregate_type = 'product' AND NOT EXISTS (SELECT 1 FROM sync_states s WHERE s.product_id = o.aggregate_id AND s.synced_seq >= o.seq)")"
    [ "${behind:-1}" = 0 ] && break
    sleep 0.5
  done
  echo "   (the Shop caught up with the outbox in $((SECONDS - started)) s)"
}
