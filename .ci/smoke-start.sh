#!/usr/bin/env bash
# Starts the service the way the README tells a new user to (no DATABASE_URL,
# so an embedded PostgreSQL), waits for grpc.health.v1 SERVING over gRPC,
# then stops it with SIGTERM and expects a clean exit.
set -euo pipefail
cd "$(dirname "$0")/.."

data_parent="$(mktemp -d)"
chmod 755 "$data_parent"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
log="$data_parent/pager.log"

# Its own process group, so SIGTERM reaches npm, tsx and node together, as
# Ctrl-C in a terminal or a container stop would.
env -u DATABASE_URL PAGER_PORT="$port" PAGER_DATA_DIR="$data_parent/data" \
  setsid npm start >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  rm -rf "$data_parent"
}
trap cleanup EXIT

health() {
  npx buf curl --protocol grpc --http2-prior-knowledge \
    "http://127.0.0.1:$port/grpc.health.v1.Health/Check" 2>/dev/null
}

for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "pager exited during start:" >&2
    cat "$log" >&2
    exit 1
  fi
  if health | grep -q '"SERVING"'; then
    echo "health: SERVING on port $port"
    break
  fi
  sleep 0.5
done
health | grep -q '"SERVING"' || { echo "never SERVING" >&2; cat "$log" >&2; exit 1; }

kill -TERM -- "-$pid"
status=0
wait "$pid" || status=$?
trap - EXIT
# npm itself reports a SIGTERM it received as 143 after its child exited;
# the pager's own verdict is the "stopped" line checked below.
if [ "$status" -ne 0 ] && [ "$status" -ne 143 ]; then
  echo "pager exited with $status after SIGTERM" >&2
  cat "$log" >&2
  rm -rf "$data_parent"
  exit 1
fi
for _ in $(seq 1 40); do
  pgrep -g "$pid" >/dev/null || break
  sleep 0.25
done
if pgrep -g "$pid" >/dev/null; then
  echo "processes left running after shutdown:" >&2
  pgrep -a -g "$pid" >&2
  exit 1
fi
grep -q '"msg":"stopped"' "$log" || { echo "no clean stop logged" >&2; cat "$log" >&2; exit 1; }
rm -rf "$data_parent"
echo "stopped cleanly"
