#!/usr/bin/env python3
"""Times the reporting cycle's heavy pages on loopback, against a release build.

Starts `kehoach serve --demo` on a fresh SQLite file in a temporary directory (frozen on
1 March 2026), adds 40 sample villages, has the focal officer fill, submit and accept a report
for each, then times the consolidation, the board and the report form, and weighs the form.
Stops the server at the end. Usage: python3 bench/consolidation.py [path/to/kehoach]
"""
import http.cookiejar, urllib.error, json, os, statistics, subprocess, sys, tempfile, time, urllib.request, gzip

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/kehoach")
PLAN = "muong-la-2026"
UNITS = 40

def main():
    work = tempfile.mkdtemp()
    env = dict(os.environ, KEHOACH_FROZEN_NOW="2026-03-01T09:00:00+07:00", KEHOACH_LOG="warn")
    server = subprocess.Popen([BIN, "serve", "--demo", "--addr", "127.0.0.1:8137"], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = "http://127.0.0.1:8137"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read(); break
            except Exception:
                time.sleep(0.05)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def call(method, path, body=None, csrf=None):
            data = None if body is None else json.dumps(body).encode()
            req = urllib.request.Request(base + path, data=data, method=method)
            req.add_header("content-type", "application/json")
            if csrf:
                req.add_header("x-csrf-token", csrf)
            try:
                with opener.open(req) as r:
                    return json.loads(r.read() or b"null")
            except urllib.error.HTTPError as e:
                raise SystemExit(f"{method} {path}: {e.code} {e.read().decode()}")

        # The admin adds the villages; the first admin's password is unknown here, so a sample
        # admin is added with the CLI first.
        subprocess.run([BIN, "user", "add", "--username", "do-admin", "--role", "admin"], cwd=work,
                       input=b"mat-khau-do-thoi-gian-2026\n", check=True, stdout=subprocess.DEVNULL, env=env)
        admin = call("POST", "/api/v1/auth/login", {"username": "do-admin", "password": "mat-khau-do-thoi-gian-2026"})
        for i in range(UNITS):
            call("POST", f"/api/v1/plans/{PLAN}/units",
                 {"code": f"ban-do-{i}", "name": f"Bản Đo {i} (mẫu)", "kind": "village", "sample": True}, admin["csrf_token"])
        jar.clear()
        officer = call("POST", "/api/v1/auth/login", {"username": "mau-dau-moi", "password": "mau-kehoach-2026"})
        for i in range(UNITS):
            path = f"/api/v1/plans/{PLAN}/periods/2026-Q1/reports/ban-do-{i}"
            report = call("GET", path)
            for f in report["body"]["figures"]:
                f["value"] = float(i % 5)
            report["body"]["difficulties"] = f"Khó khăn của bản {i}"
            call("POST", path + "/submit", {"version": 0, "body": report["body"]}, officer["csrf_token"])
            call("POST", path + "/accept", {"version": 1}, officer["csrf_token"])

        def timed(path, n=30):
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                opener.open(base + path).read()
                times.append((time.perf_counter() - t0) * 1000)
            return statistics.median(times), min(times), max(times)

        c = call("GET", f"/api/v1/plans/{PLAN}/periods/2026-Q1/consolidation")
        assert c["consolidation"]["accepted"] == UNITS, c["consolidation"]["accepted"]
        for label, path in [
            ("consolidation API, %d accepted reports" % UNITS, f"/api/v1/plans/{PLAN}/periods/2026-Q1/consolidation"),
            ("consolidation page", f"/plans/{PLAN}/periods/2026-Q1/consolidation"),
            ("board page", f"/plans/{PLAN}/periods/2026-Q1/board"),
            ("report form page", f"/plans/{PLAN}/periods/2026-Q1/reports/ban-do-1"),
        ]:
            med, lo, hi = timed(path)
            print(f"{label}: median {med:.1f} ms (min {lo:.1f}, max {hi:.1f}) over 30 requests")

        # The form's weight for a village head on a phone: the page and its assets, compressed.
        def size(path):
            req = urllib.request.Request(base + path, headers={"accept-encoding": "gzip"})
            with opener.open(req) as r:
                return len(r.read()), r.headers.get("content-encoding")
        page = size(f"/plans/{PLAN}/periods/2026-Q1/reports/ban-do-1")
        css = size("/static/style.css")
        js = size("/static/report.js")
        first = page[0] + css[0] + js[0]
        print(f"report form weight: first visit {first} bytes (page {page[0]} {page[1]}, css {css[0]} {css[1]}, js {js[0]} {js[1]}); "
              f"with the assets cached (max-age 1 day): {page[0]} bytes")
    finally:
        server.terminate()
        server.wait()

main()
