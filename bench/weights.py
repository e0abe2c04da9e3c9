#!/usr/bin/env python3
"""The weight of every page as transferred (issue 14): walks a running `kehoach serve --demo` as
each demo role, from its home page, following the links of every page it reaches (same origin,
GET only), each asked with `Accept-Encoding: gzip` as a browser asks; and the stylesheets,
scripts and images the pages name. Prints one line per page (role, status, bytes on the wire,
bytes once unpacked, path) and flags every page or asset over the limit (60 KB transferred).
Downloads (.docx, .xlsx, .csv, .pdf, .ics) are files, not pages: listed apart, not flagged.

Usage (bench/load.sh runs it): python3 bench/weights.py --port PORT --password DEMO_PASSWORD
  [--limit-kb 60] [--max-pages 250] [--markdown FILE]
Bounded: at most --max-pages pages per role and three variants of one path (its query strings).
Python 3 standard library only; loopback only.
"""

import argparse
import gzip
import html.parser
import http.client
import json
import re
import sys
import urllib.parse

ROLES = [None, "mau-dau-moi", "mau-lanh-dao", "mau-ban-1", "mau-so-khcn", "mau-trung-uong"]
DOWNLOADS = (".docx", ".xlsx", ".csv", ".pdf", ".ics", ".zip", ".toml")
SKIP = re.compile(r"logout|sign-?out|dang-xuat|/export|\.json$")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.assets = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "link" and a.get("href") and "stylesheet" in (a.get("rel") or ""):
            self.assets.append(a["href"])
        elif tag in ("link",) and a.get("href") and "icon" in (a.get("rel") or ""):
            self.assets.append(a["href"])
        elif tag in ("script", "img") and a.get("src"):
            self.assets.append(a["src"])


def get(port, path, cookie):
    h = {"Accept-Encoding": "gzip", "Accept-Language": "vi", "Accept": "text/html,*/*"}
    if cookie:
        h["Cookie"] = cookie
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=h)
    r = conn.getresponse()
    wire = r.read()
    headers = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    body = gzip.decompress(wire) if headers.get("content-encoding") == "gzip" else wire
    return r.status, headers, wire, body


def login(port, username, password):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": username, "password": password})
    conn.request("POST", "/api/v1/auth/login", body=body,
                 headers={"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"})
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        raise RuntimeError(f"sign-in of {username}: {r.status}")
    return r.getheader("set-cookie").split(";")[0]


def local(base, href):
    """The same-origin path of a link, or None."""
    url = urllib.parse.urljoin(base, href)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "") or parts.netloc not in ("", "127.0.0.1:" + base.split(":")[-1].split("/")[0]):
        return None
    return parts.path + (("?" + parts.query) if parts.query else "")


def walk(port, role, password, max_pages):
    cookie = login(port, role, password) if role else None
    base = f"http://127.0.0.1:{port}/"
    queue, seen, variants, rows, assets = ["/"], {"/"}, {}, [], set()
    while queue and len([r for r in rows if r["kind"] == "page"]) < max_pages:
        path = queue.pop(0)
        try:
            status, headers, wire, body = get(port, path, cookie)
        except (OSError, http.client.HTTPException) as e:
            rows.append({"role": role, "path": path, "status": 0, "wire": 0, "raw": 0, "kind": "page",
                         "type": str(e)})
            continue
        ctype = headers.get("content-type", "")
        kind = "file" if path.split("?")[0].endswith(DOWNLOADS) or "html" not in ctype and status == 200 and \
            not ctype.startswith(("application/json", "image/svg")) else "page"
        rows.append({"role": role, "path": path, "status": status, "wire": len(wire), "raw": len(body),
                     "kind": kind, "type": ctype.split(";")[0], "gzip": headers.get("content-encoding") == "gzip"})
        location = headers.get("location")
        if status in (301, 302, 303, 307, 308) and location:
            target = local(base + path.lstrip("/"), location)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
        if "html" not in ctype or status != 200:
            continue
        p = Links()
        p.feed(body.decode("utf-8", "replace"))
        for href in p.assets:
            target = local(base + path.lstrip("/"), href)
            if target and target not in assets:
                assets.add(target)
        for href in p.links:
            target = local(base + path.lstrip("/"), href)
            if not target or target in seen or SKIP.search(target.split("?")[0]):
                continue
            key = target.split("?")[0]
            if variants.get(key, 0) >= 3:
                continue
            variants[key] = variants.get(key, 0) + 1
            seen.add(target)
            queue.append(target)
    for path in sorted(assets):
        status, headers, wire, body = get(port, path, cookie)
        rows.append({"role": role, "path": path, "status": status, "wire": len(wire), "raw": len(body),
                     "kind": "asset", "type": headers.get("content-type", "").split(";")[0],
                     "gzip": headers.get("content-encoding") == "gzip"})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--limit-kb", type=float, default=60)
    ap.add_argument("--max-pages", type=int, default=250)
    ap.add_argument("--markdown", help="write the summary as a Markdown table here")
    args = ap.parse_args()
    limit = args.limit_kb * 1024
    rows = []
    for role in ROLES:
        rows.extend(walk(args.port, role, args.password, args.max_pages))
    for r in rows:
        over = " OVER" if r["kind"] != "file" and r["wire"] > limit else ""
        print(f"{r['role'] or 'anonymous':15} {r['kind']:5} {r['status']:3} {r['wire']:8} {r['raw']:8} "
              f"{'gz' if r.get('gzip') else '--'} {r['path']}{over}")
    lines = ["| role | pages walked | heaviest page (transferred / unpacked) | median page | over the limit |",
             "| --- | ---: | --- | ---: | ---: |"]
    for role in ROLES:
        pages = [r for r in rows if r["role"] == role and r["kind"] == "page" and r["status"] == 200]
        if not pages:
            continue
        top = max(pages, key=lambda r: r["wire"])
        wires = sorted(r["wire"] for r in pages)
        over = [r for r in pages if r["wire"] > limit]
        lines.append(f"| {role or 'anonymous'} | {len(pages)} | {top['wire'] / 1024:.1f} KB / {top['raw'] / 1024:.1f} KB "
                     f"`{top['path']}` | {wires[len(wires) // 2] / 1024:.1f} KB | {len(over)} |")
    assets = {r["path"]: r for r in rows if r["kind"] == "asset"}
    for path, r in sorted(assets.items()):
        lines.append(f"| asset | – | {r['wire'] / 1024:.1f} KB / {r['raw'] / 1024:.1f} KB `{path}` | – | "
                     f"{1 if r['wire'] > limit else 0} |")
    files = [r for r in rows if r["kind"] == "file" and r["status"] == 200]
    uniq = {r["path"]: r for r in files}
    if uniq:
        top = max(uniq.values(), key=lambda r: r["wire"])
        lines.append(f"| downloads (not pages) | {len(uniq)} | {top['wire'] / 1024:.1f} KB `{top['path']}` | – | – |")
    statuses = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    over_all = sorted({(r["path"], r["wire"]) for r in rows if r["kind"] != "file" and r["wire"] > limit})
    summary = (f"\nRequests: {len(rows)}; statuses {dict(sorted(statuses.items()))}; pages and assets over "
               f"{args.limit_kb:.0f} KB transferred: {len(over_all)}"
               + "".join(f"\n  - {p} ({w / 1024:.1f} KB)" for p, w in over_all))
    text = "\n".join(lines) + "\n" + summary + "\n"
    print()
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text)
    sys.exit(0)


if __name__ == "__main__":
    main()
