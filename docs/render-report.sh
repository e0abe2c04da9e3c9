#!/usr/bin/env bash
# Renders the Q1 commune report of the demo data, as the product issues it, to PNG images in
# docs/images (LibreOffice and poppler-utils needed). Steps: a fresh database with the demo data,
# the clock frozen on 10 March 2026; the focal officer writes the narrative, the leader approves;
# the .docx is downloaded, converted to PDF by LibreOffice, and its pages drawn.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build -q --release
port=18473
base="http://127.0.0.1:$port"
(cd "$work" && KEHOACH_FROZEN_NOW=2026-03-10T09:00:00+07:00 exec "$OLDPWD/target/release/kehoach" serve --demo --addr "127.0.0.1:$port" >/dev/null 2>&1) &
server=$!
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
login() { curl -s -c "$work/$1" -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"mau-kehoach-2026\"}" "$base/api/v1/auth/login" | sed -E 's/.*"csrf_token":"([^"]+)".*/\1/'; }
officer=$(login mau-dau-moi)
leader=$(login mau-lanh-dao)
url="$base/api/v1/plans/muong-la-2026/periods/2026-Q1/consolidation"
curl -sS --fail-with-body -b "$work/mau-dau-moi" -H "x-csrf-token: $officer" -H 'content-type: application/json' -X PUT \
  -d '{"version":0,"narrative":"UBND xã đã ban hành Kế hoạch, phân công nhiệm vụ cho các cơ quan, đơn vị và các bản, tiểu khu; tổ chức tuyên truyền trên hệ thống truyền thanh và tại các buổi họp bản (dữ liệu mẫu)."}' "$url" >/dev/null
version=$(curl -s -b "$work/mau-dau-moi" "$url" | sed -E 's/.*"version":([0-9]+).*/\1/')
curl -sf -b "$work/mau-lanh-dao" -H "x-csrf-token: $leader" -H 'content-type: application/json' -X POST \
  -d "{\"version\":$version}" "$url/approve" >/dev/null
curl -sf -b "$work/mau-lanh-dao" -o "$work/bao-cao-quy-1.docx" "$base/api/v1/plans/muong-la-2026/periods/2026-Q1/report.docx"
soffice --headless --convert-to pdf --outdir "$work" "$work/bao-cao-quy-1.docx" >/dev/null
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
