#!/usr/bin/env bash
# Starts a program the way the README tells a new user to (no DATABASE_URL,
# so an embedded PostgreSQL), waits for grpc.health.v1 SERVING over gRPC,
# then stops it with SIGTERM and expects a clean exit.
#   usage: smoke-start.sh <npm script> <port variable> <data dir variable>
#   e.g.   smoke-start.sh start PAGER_PORT PAGER_DATA_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
script="$1" port_var="$2" data_var="$3"

data_parent="$(mktemp -d)"
chmod 755 "$data_parent"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
log="$data_parent/service.log"

# Its own process group, so SIGTERM reaches npm, tsx and node together, as
# Ctrl-C in a terminal or a container stop would.
env -u DATABASE_URL -u TIMER_DATABASE_URL "$port_var=$port" "$data_var=$data_parent/data" \
  setsid npm run "$script" >"$log" 2>&1 &
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
    echo "npm run $script exited during start:" >&2
    cat "$log" >&2
    exit 1
  fi
  if health | grep -q '"SERVING"'; then
    echo "npm run $script: health SERVING on port $port"
    break
  fi
  sleep 0.5
done
health | grep -q '"SERVING"' || { echo "never SERVING" >&2; cat "$log" >&2; exit 1; }
if [ "$script" = start ]; then
  # npm start builds the web console and the pager serves it at /.
  curl -sf "http://127.0.0.1:$port/" | grep -q '/assets/main.js' \
    || { echo "the web console is not served at /" >&2; cat "$log" >&2; exit 1; }
  echo "npm run $script: web console served at /"
fi

kill -TERM -- "-$pid"
status=0
wait "$pid" || status=$?
trap - EXIT
# npm itself reports a SIGTERM it received as 143 after its child exited;
# the program's own verdict is the "stopped" line checked below.
if [ "$status" -ne 0 ] && [ "$status" -ne 143 ]; then
  echo "npm run $script exited with $status after SIGTERM" >&2
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
echo "npm run $script: stopped cleanly"
