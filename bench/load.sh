#!/usr/bin/env bash
# Load benchmark (issue 14, item 3): the release binary under `wrk` on loopback, demo data.
#
#   bench/load.sh [--postgres] [--seconds 10] [--connections "16 64 256"] [--label NAME]
#                 [--targets "healthz plan progress form save board"] [--no-build] [--no-weights] [--out FILE]
#
# Builds `kehoach` in release (cargo build --release -p kehoach), copies the binary to a scratch
# folder (other builds in the shared target/ may replace it), starts `kehoach serve --demo` on a
# free loopback port with a fresh SQLite file (--postgres: a throw-away database on
# KEHOACH_TEST_PG_URL, dropped at the end) on the demo's clock (KEHOACH_FROZEN_NOW, so that
# 2026-Q1 is the current quarter), signs in the demo accounts, and runs
#   wrk -t2 -cC -dS --latency -H 'Accept-Encoding: gzip' (as a browser asks)
# at each number of connections C on:
#   healthz   GET /healthz                                   (the HTTP stack alone, for scale)
#   plan      GET /plans/muong-la-2026                       (public, anonymous)
#   progress  GET /plans/muong-la-2026/progress              (mau-dau-moi)
#   form      GET /plans/muong-la-2026/periods/2026-Q1/reports/ban-mau-1   (mau-ban-1)
#   save      PUT /api/v1/plans/muong-la-2026/periods/2026-Q1/reports/UNIT (mau-dau-moi, bench/save.lua:
#             round the units whose report is open, CSRF token and cookie)
#   board     GET /province/son-la?period=2026-Q1            (mau-so-khcn)
# and prints requests/s, p50, p99 and the answers that were not 2xx/3xx. Memory: VmRSS of the
# server idle after start (demo loaded), then its peak over the load (VmHWM, reset with
# /proc/PID/clear_refs before the load). Then bench/weights.py walks every page as each demo role
# and weighs it as transferred (gzip). Bounded: S seconds per point (6 targets x 3 counts x 10 s
# is about 3 minutes), the server is stopped on every exit. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ENGINE=sqlite SECONDS_PER_POINT=10 CONNECTIONS="16 64 256" LABEL=run BUILD=1 WEIGHTS=1 OUT=""
TARGETS="healthz plan progress form save board"
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) ENGINE=postgres ;;
    --seconds) SECONDS_PER_POINT=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --label) LABEL=$2; shift ;;
    --targets) TARGETS=$2; shift ;;
    --no-build) BUILD=0 ;;
    --no-weights) WEIGHTS=0 ;;
    --out) OUT=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

PLAN=muong-la-2026 PERIOD=2026-Q1
PG_URL=${KEHOACH_TEST_PG_URL:-postgres://kehoach:kehoach@127.0.0.1:5432/postgres}
WORK=$(mktemp -d /tmp/kehoach-load-XXXXXX)
SERVER_PID="" PG_DB=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$PG_DB" ]; then psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$BUILD" = 1 ]; then cargo build --release -p kehoach >&2; fi
cp target/release/kehoach "$WORK/kehoach"
REV=$(git rev-parse --short HEAD)

if [ "$ENGINE" = postgres ]; then
  PG_DB="load_$(date +%s)_$$"
  psql "$PG_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
  DB_URL="${PG_URL%/*}/$PG_DB"
else
  DB_URL="sqlite://$WORK/load.sqlite?mode=rwc"
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
KEHOACH_FROZEN_NOW=2026-03-01T09:00:00+07:00 RUST_LOG=warn \
  "$WORK/kehoach" serve --demo --addr "127.0.0.1:$PORT" --database "$DB_URL" >"$WORK/out" 2>"$WORK/log" &
SERVER_PID=$!
for _ in $(seq 1 300); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/log" >&2; exit 1; }
  sleep 0.2
done
curl -fs "$BASE/healthz" >/dev/null
PASSWORD=$(sed -n 's/.*(mật khẩu \/ password: \(.*\)):.*/\1/p' "$WORK/out" | head -n 1)
sleep 3
rss() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
IDLE_RSS=$(rss VmRSS)

# Signs in over the API: prints "Cookie: name=value" and the CSRF token, one per line.
sign_in() {
  curl -fs -D "$WORK/h" -o "$WORK/b" -H 'Content-Type: application/json' -H "Origin: $BASE" \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login"
  printf 'Cookie: %s\n' "$(grep -i '^set-cookie:' "$WORK/h" | head -n 1 | sed 's/^[^:]*: *//; s/;.*//' | tr -d '\r')"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$WORK/b"
}
{ read -r C_DAU; read -r T_DAU; } < <(sign_in mau-dau-moi)
{ read -r C_BAN; read -r _; } < <(sign_in mau-ban-1)
{ read -r C_SO; read -r _; } < <(sign_in mau-so-khcn)

# The units whose report of the quarter is open to a save, with their version and body.
python3 - "$BASE" "$C_DAU" "$ROOT/plans/$PLAN.toml" "$WORK/save.tsv" <<'EOF'
import json, re, sys, urllib.request
base, cookie, plan_file, out = sys.argv[1:5]
units = re.findall(r'\[\[units\]\]\s*\ncode = "([^"]+)"', open(plan_file, encoding="utf-8").read())
units += ["ban-mau-1", "ban-mau-2", "tieu-khu-mau", "htx-mau"]
lines = []
for u in units:
    req = urllib.request.Request(f"{base}/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/{u}",
                                 headers={"Cookie": cookie.split(": ", 1)[1]})
    try:
        view = json.load(urllib.request.urlopen(req))
    except Exception:
        continue
    if view.get("lock") is None and view.get("state") in ("draft", "returned", "reopened"):
        body = view["body"]
        body["activities"] = "Đo tải, lần lưu @N@ (mẫu)"
        lines.append(f"{u}\t{view['version']}\t{json.dumps(body, ensure_ascii=False)}")
open(out, "w", encoding="utf-8").write("\n".join(lines) + "\n")
print(f"report saves go round {len(lines)} open unit reports", file=sys.stderr)
EOF

echo 5 > "/proc/$SERVER_PID/clear_refs" 2>/dev/null || true
RESULTS="$WORK/results"
: >"$RESULTS"
# point NAME CONNECTIONS [wrk arguments...] URL
point() {
  local name=$1 c=$2; shift 2
  local o="$WORK/wrk.$name.$c"
  # Pages as a browser asks for them (gzip); the save as an API client (its answer is read by save.lua).
  local gz=(-H 'Accept-Encoding: gzip')
  [ "$name" = save ] && gz=()
  wrk -t2 -c"$c" -d"${SECONDS_PER_POINT}s" --timeout 10s --latency "${gz[@]}" "$@" >"$o" 2>&1 || true
  local rps p50 p99 bad saves
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$o")
  p50=$(awk '$1 == "50%" { print $2 }' "$o")
  p99=$(awk '$1 == "99%" { print $2 }' "$o")
  bad=$(awk '/Non-2xx or 3xx/ { print $NF } /Socket errors/ { sub(/^ +/, ""); printf " (%s)", $0 }' "$o")
  saves=$(sed -n 's/^saves: //p' "$o")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$c" "${rps:-?}" "${p50:-?}" "${p99:-?}" "${bad:-0}" "$saves" >>"$RESULTS"
  printf '%-9s %4s conns  %7s req/s  p50 %-9s p99 %-9s not 2xx/3xx: %s %s\n' \
    "$name" "$c" "${rps:-?}" "${p50:-?}" "${p99:-?}" "${bad:-0}" "$saves" >&2
}
wanted() { [[ " $TARGETS " == *" $1 "* ]]; }
for c in $CONNECTIONS; do
  wanted healthz && point healthz "$c" "$BASE/healthz"
  wanted plan && point plan "$c" "$BASE/plans/$PLAN"
  wanted progress && point progress "$c" -H "$C_DAU" "$BASE/plans/$PLAN/progress"
  wanted form && point form "$c" -H "$C_BAN" "$BASE/plans/$PLAN/periods/$PERIOD/reports/ban-mau-1"
  wanted save && point save "$c" -H "$C_DAU" -H "X-CSRF-Token: $T_DAU" -H "Origin: $BASE" -H 'Content-Type: application/json' \
    -s bench/save.lua "$BASE/" -- "$WORK/save.tsv" "/api/v1/plans/$PLAN/periods/$PERIOD/reports/"
  wanted board && point board "$c" -H "$C_SO" "$BASE/province/son-la?period=$PERIOD"
  true
done
PEAK_RSS=$(rss VmHWM)
AFTER_RSS=$(rss VmRSS)
ERRORS=$(grep -c ' ERROR ' "$WORK/log" || true)

{
  echo "### $LABEL: $ENGINE, commit $REV, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${SECONDS_PER_POINT} s per point"
  echo
  echo "| target | conns | req/s | p50 | p99 | not 2xx/3xx | saves |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
  sort -s -t$'\t' -k1,1 "$RESULTS" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }'
  echo
  echo "Memory (VmRSS): ${IDLE_RSS} MB idle after start with the demo loaded; peak under the load (VmHWM) ${PEAK_RSS} MB; ${AFTER_RSS} MB after it. Server log: ${ERRORS} ERROR lines."
} >"$WORK/table.md"
if [ "$WEIGHTS" = 1 ]; then
  python3 bench/weights.py --port "$PORT" --password "$PASSWORD" --markdown "$WORK/weights.md" >"$WORK/weights.txt"
  { echo; echo "Page weights (gzip, as transferred):"; echo; cat "$WORK/weights.md"; } >>"$WORK/table.md"
  grep -E ' OVER$' "$WORK/weights.txt" >&2 || true
fi
cat "$WORK/table.md"
if [ -n "$OUT" ]; then cp "$WORK/table.md" "$OUT"; [ "$WEIGHTS" = 1 ] && cp "$WORK/weights.txt" "$OUT.weights.txt"; fi
exit 0
