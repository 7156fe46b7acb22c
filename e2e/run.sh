#!/usr/bin/env bash
# Runs the browser tests (e2e/tests/*.test.mjs) against a fresh Ombud with the demo city.
#
# Builds nothing: the binary comes from $OMBUD_BIN (default target/debug/ombud, so run `cargo build`
# first). Starts `ombud serve --demo` on a free loopback port with a new SQLite database in a temporary
# folder, waits for /healthz, runs `node --test` with OMBUD_BASE_URL set (on the files given as
# arguments, else every test), stops the server and exits
# with the tests' status. Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM).
set -uo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
bin="${OMBUD_BIN:-target/debug/ombud}"
if [ ! -x "$bin" ]; then
  echo "e2e: no Ombud binary at $bin (run cargo build, or set OMBUD_BIN)" >&2
  exit 2
fi
if [ ! -d e2e/node_modules/playwright-core ] || [ ! -d e2e/node_modules/@axe-core/playwright ] || [ ! -d e2e/node_modules/oidc-provider ]; then
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error) || exit 2
fi

tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A free port: the kernel picks one for a listener that is closed at once.
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"

OMBUD_DATABASE_URL="sqlite://$tmp/ombud.db" OMBUD_LOG="${OMBUD_LOG:-warn}" \
  "$bin" serve --demo --bind "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
server=$!

# Loading the demo city hashes a password with Argon2 first, so give it time.
ready=""
for _ in $(seq 1 240); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "e2e: the server stopped before it was ready:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  if node -e "fetch('$base/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "e2e: the server did not answer $base/healthz in time:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi

echo "e2e: Ombud at $base ($bin)"
OMBUD_BIN="$bin" OMBUD_BASE_URL="$base" node --test --test-concurrency=1 "${@:-e2e/tests/}"
status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: server log (last 50 lines):" >&2
  tail -n 50 "$tmp/server.log" >&2
fi
exit "$status"
