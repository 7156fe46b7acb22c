#!/usr/bin/env bash
# Benchmarks Ombud at city scale on this machine, on SQLite and on PostgreSQL:
#   - `ombud generate` (50 controllers × 300 processing activities × 100 systems),
#   - a DPO's filtered list page, a full-text search and the gaps of one controller under 32 clients
#     (wrk, from a second process, on loopback only), and the same list and the systems list as the
#     pages a person sees,
#   - start-up time and resident memory of the server.
# Usage: bench/run.sh [sqlite|postgres|both]   (PostgreSQL at $OMBUD_BENCH_POSTGRES, default
# postgres://postgres@127.0.0.1:5432; the database ombud_bench is dropped and made anew).
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p ombud
BIN=${CARGO_TARGET_DIR:-target}/release/ombud
PG=${OMBUD_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
DURATION=${DURATION:-10s}
out=$(mktemp -d)

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

bench_one() {
  local name=$1 url=$2
  echo "== $name"
  local t0 t1
  t0=$(date +%s.%N)
  OMBUD_DATABASE_URL=$url "$BIN" generate --controllers 50 --processing-activities 300 --systems 100
  t1=$(date +%s.%N)
  echo "generate: $(python3 -c "print(round($t1-$t0,1))") s"
  echo 'bench-Secret-1' | OMBUD_DATABASE_URL=$url "$BIN" user add --email admin@bench.test --name Admin --password-stdin --admin >/dev/null
  local port; port=$(free_port)
  local start; start=$(date +%s.%N)
  OMBUD_DATABASE_URL=$url OMBUD_LOG=warn "$BIN" serve --bind "127.0.0.1:$port" >"$out/serve.log" 2>&1 &
  local pid=$!
  until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done
  echo "ready after: $(python3 -c "import time;print(round((time.time()-$start)*1000))") ms (process start to first healthy answer)"
  local base="http://127.0.0.1:$port"
  local token ctrl dpo
  token=$(curl -s -X POST "$base/api/v1/session" -H 'Content-Type: application/json' -d '{"email":"admin@bench.test","password":"bench-Secret-1"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
  ctrl=$(curl -s -H "Authorization: Bearer $token" "$base/api/v1/organisations?controller=true&limit=1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["items"][0]["id"])')
  dpo=$(curl -s -X POST "$base/api/v1/users" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"email":"dpo@bench.test","name":"DPO","password":"bench-Secret-2"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
  curl -s -X PUT "$base/api/v1/organisations/$ctrl/members/$dpo" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"roles":["dpo"]}' >/dev/null
  token=$(curl -s -X POST "$base/api/v1/session" -H 'Content-Type: application/json' -d '{"email":"dpo@bench.test","password":"bench-Secret-2"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')
  local list="/api/v1/processing-activities?organisation_id=$ctrl&status=under_bearbetning&limit=50"
  local next id
  next=$(curl -s -H "Authorization: Bearer $token" "$base$list" | python3 -c 'import json,sys,urllib.parse;print(urllib.parse.quote(json.load(sys.stdin)["next"]))')
  id=$(curl -s -H "Authorization: Bearer $token" "$base$list" | python3 -c 'import json,sys;print(json.load(sys.stdin)["items"][0]["id"])')
  # label|clients|path — the first three are the yardstick's own requests and client counts.
  for case in \
      "list|32|$list" \
      "next-page|32|$list&cursor=$next" \
      "single|64|/api/v1/processing-activities/$id" \
      "search|32|/api/v1/processing-activities?organisation_id=$ctrl&q=skola&limit=50" \
      "search-all|32|/api/v1/processing-activities?q=elev&limit=50" \
      "gaps|32|/api/v1/organisations/$ctrl/gaps" \
      "organisations|32|/api/v1/organisations?limit=50" \
      "ui-list|32|/behandlingar?organisation=$ctrl&status=under_bearbetning" \
      "ui-systems|32|/system?organisation=$ctrl"; do
    local label=${case%%|*} rest=${case#*|}
    local clients=${rest%%|*} path=${rest#*|}
    # The pages take the session as a cookie, the API as a bearer token: the same token either way.
    # A short warm-up first, as the yardstick does.
    wrk -t2 -c"$clients" -d3s -H "Authorization: Bearer $token" -H "Cookie: ombud_session=$token" "$base$path" >/dev/null
    wrk -t2 -c"$clients" -d"$DURATION" --latency -H "Authorization: Bearer $token" -H "Cookie: ombud_session=$token" \
      "$base$path" >"$out/wrk.txt"
    local rps p50 p99
    rps=$(awk '/Requests\/sec/{print $2}' "$out/wrk.txt")
    p50=$(awk '$1=="50%"{print $2}' "$out/wrk.txt")
    p99=$(awk '$1=="99%"{print $2}' "$out/wrk.txt")
    printf '%-14s c=%-3s %10s req/s   p50 %8s   p99 %8s\n' "$label" "$clients" "$rps" "$p50" "$p99"
    grep -E 'Non-2xx|Socket errors' "$out/wrk.txt" || true
  done
  # One computation of a controller's gaps, alone: the issue's bar is for one request, not 32.
  wrk -t1 -c1 -d"$DURATION" --latency -H "Authorization: Bearer $token" "$base/api/v1/organisations/$ctrl/gaps" >"$out/wrk.txt"
  printf '%-14s %10s req/s   p50 %8s   p99 %8s\n' "gaps, 1 client" "$(awk '/Requests\/sec/{print $2}' "$out/wrk.txt")" \
    "$(awk '$1=="50%"{print $2}' "$out/wrk.txt")" "$(awk '$1=="99%"{print $2}' "$out/wrk.txt")"
  echo "server RSS after load: $(awk '/VmRSS/{print $2/1024 " MB"}' /proc/$pid/status)"
  # Importing 10,000 rows into one controller's register, as the DPO, in one transaction.
  python3 - "$out/import.csv" <<'PY'
import sys
names = ["Elevregister", "Hemtjänst", "Lönehantering", "Bygglov", "Synpunkter", "Färdtjänst", "Bibliotekslån"]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("ID;Behandling;Ändamål;Rättslig grund;Kategorier av registrerade;Kategorier av personuppgifter;Känsliga personuppgifter;Personnummer;Lagringstid\n")
    for i in range(10000):
        n = names[i % len(names)]
        f.write(f"IMP-{i};{n} {i};Ändamål för {n.lower()};e;Invånare, Anställda;Namn, Adress;{'Hälsa' if i % 5 == 0 else ''};{'Ja' if i % 2 else 'Nej'};3 år\n")
PY
  local t2 t3
  t2=$(date +%s.%N)
  curl -s -o "$out/import.json" -w '%{http_code}' -H "Authorization: Bearer $token" -F organisation_id="$ctrl" -F dry_run=false \
    -F "file=@$out/import.csv;type=text/csv" "$base/api/v1/processing-activities/import" >"$out/import.code"
  t3=$(date +%s.%N)
  echo "import of 10,000 rows: HTTP $(cat "$out/import.code"), $(python3 -c "print(round($t3-$t2,2))") s, $(python3 -c 'import json,sys;d=json.load(open(sys.argv[1]));print(d.get("created"), "created")' "$out/import.json" 2>/dev/null || echo '?')"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

if [ "$which" = sqlite ] || [ "$which" = both ]; then
  rm -rf "$out/sqlite"; bench_one SQLite "sqlite://$out/sqlite/ombud.db"
fi
if [ "$which" = postgres ] || [ "$which" = both ]; then
  psql "$PG/postgres" -q -c 'DROP DATABASE IF EXISTS ombud_bench' -c 'CREATE DATABASE ombud_bench'
  bench_one PostgreSQL "$PG/ombud_bench"
  psql "$PG/postgres" -q -c 'DROP DATABASE IF EXISTS ombud_bench'
fi
rm -rf "$out"
