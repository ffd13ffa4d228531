# Makes sure a NATS server with JetStream answers for the test suite and
# exports ETALASE_TEST_NATS_URL. In order: the URL already given; a server on
# 127.0.0.1:4222; otherwise a throwaway nats-server (Debian package
# nats-server, installed when missing) with JetStream in a temporary
# directory, stopped again at exit. Sourced by scripts/test.

# Whether a NATS server with JetStream answers at HOST PORT (its greeting is
# an INFO line that says so).
nats_answers() {
  local info
  info="$(timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2 && head -n 1 <&3" 2>/dev/null)" || return 1
  case "$info" in
    INFO*'"jetstream":true'*) return 0 ;;
    *) return 1 ;;
  esac
}

start_throwaway_nats() {
  local dir port=54222
  if ! command -v nats-server >/dev/null 2>&1; then
    echo "==> installing nats-server (Debian package)"
    apt_install nats-server
  fi
  dir="$(mktemp -d /tmp/etalase-nats.XXXXXX)"
  echo "==> starting a throwaway NATS (JetStream) in $dir on port $port"
  nats-server -a 127.0.0.1 -p "$port" -js -sd "$dir" >"$dir/log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do
    nats_answers 127.0.0.1 "$port" && break
    sleep 0.1
  done
  THROWAWAY_NATS_STOP="kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$dir'"
  ETALASE_TEST_NATS_URL="nats://127.0.0.1:$port"
}

ensure_nats() {
  if [ -n "${ETALASE_TEST_NATS_URL:-}" ]; then
    local hostport="${ETALASE_TEST_NATS_URL#nats://}"
    if nats_answers "${hostport%:*}" "${hostport##*:}"; then return 0; fi
    echo "error: ETALASE_TEST_NATS_URL is set but no NATS with JetStream answers there" >&2
    exit 1
  fi
  if nats_answers 127.0.0.1 4222; then
    ETALASE_TEST_NATS_URL="nats://127.0.0.1:4222"
  else
    start_throwaway_nats
  fi
  export ETALASE_TEST_NATS_URL
}
