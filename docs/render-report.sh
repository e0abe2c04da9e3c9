#!/usr/bin/env bash
# Renders the Q1 commune report of the demo data, as the product issues it, to PNG images in
# docs/images (LibreOffice, poppler-utils and jq needed). Steps: a fresh database with the demo
# data, the clock frozen on 10 March 2026; the focal officer writes the narrative and sends the
# report for approval; the leader approves it under the office register's number 05 (confirming
# that some units' reports are not in); the .docx is downloaded, converted to PDF by LibreOffice,
# and its first page and the first page of Phụ lục I drawn. A debug build is enough (and shares
# the tests' target/); KEHOACH_RELEASE=1 builds and runs the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
if [ "${KEHOACH_RELEASE:-}" = 1 ]; then
  cargo build -q --release -p kehoach
  bin=$PWD/target/release/kehoach
else
  cargo build -q -p kehoach
  bin=$PWD/target/debug/kehoach
fi
port=18473
base="http://127.0.0.1:$port"
(cd "$work" && KEHOACH_FROZEN_NOW=2026-03-10T09:00:00+07:00 exec "$bin" serve --demo --addr "127.0.0.1:$port" >"$work/server.log" 2>&1) &
server=$!
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
login() {
  curl -sS --fail-with-body -c "$work/$1" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"mau-kehoach-2026\"}" "$base/api/v1/auth/login" | jq -r .csrf_token
}
# call USER CSRF METHOD URL [BODY]: the JSON answer, or the error and a stop.
call() {
  curl -sS --fail-with-body -b "$work/$1" -H "x-csrf-token: $2" -H 'content-type: application/json' -X "$3" \
    ${5:+-d "$5"} "$4"
}
officer=$(login mau-dau-moi)
leader=$(login mau-lanh-dao)
url="$base/api/v1/plans/muong-la-2026/periods/2026-Q1/consolidation"
narrative='UBND xã đã ban hành Kế hoạch, phân công nhiệm vụ cho các cơ quan, đơn vị và các bản, tiểu khu; tổ chức tuyên truyền trên hệ thống truyền thanh và tại các buổi họp bản (dữ liệu mẫu).'
version=$(call mau-dau-moi "$officer" GET "$url" | jq .version)
version=$(call mau-dau-moi "$officer" PUT "$url" "$(jq -nc --argjson v "$version" --arg n "$narrative" '{version: $v, narrative: $n}')" | jq .version)
version=$(call mau-dau-moi "$officer" POST "$url/send" "{\"version\":$version}" | jq .version)
call mau-lanh-dao "$leader" POST "$url/approve" "{\"version\":$version,\"number\":5,\"confirm_incomplete\":true}" >/dev/null
curl -sS --fail-with-body -b "$work/mau-lanh-dao" -o "$work/bao-cao-quy-1.docx" \
  "$base/api/v1/plans/muong-la-2026/periods/2026-Q1/report.docx"
soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf --outdir "$work" "$work/bao-cao-quy-1.docx" >/dev/null
pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$work/bao-cao-quy-1.pdf" docs/images/bao-cao-quy-1-trang-1
pages=$(pdfinfo "$work/bao-cao-quy-1.pdf" | awk '/^Pages:/ {print $2}')
# The first page of Phụ lục I: the first landscape page.
first_landscape=1
for p in $(seq "$pages"); do
  if pdfinfo -f "$p" -l "$p" "$work/bao-cao-quy-1.pdf" | awk '/^Page +[0-9]+ size:/ { exit !($4 > $6) }'; then
    first_landscape=$p
    break
  fi
done
pdftoppm -r 80 -png -singlefile -f "$first_landscape" -l "$first_landscape" "$work/bao-cao-quy-1.pdf" docs/images/bao-cao-quy-1-phu-luc-1
ls -la docs/images
