#!/usr/bin/env python3
"""Black-box check of issue 10 ("Hardening"): replays each finding of its "Why" against the
binary as it stands, as an attacker and as a busy office would, on SQLite and on PostgreSQL.

How to rerun: `cargo build -p kehoach && python3 bench/hardening.py` from the workspace root.
The debug binary is copied to a scratch folder at once (other builds in the shared target dir
may replace it); `--bin PATH` uses another one. PostgreSQL is reached at KEHOACH_TEST_PG_URL
(default postgres://kehoach:kehoach@127.0.0.1:5432/postgres) through `psql`: a throw-away
database is created and dropped; `--only sqlite` or `--only postgres` runs one engine. Each
engine gets a fresh database: a first `serve --demo` prints the first admin's one-time password
and the demo password, then the CLI imports a second commune's plan (thu-nghiem-2027, province
tinh-mau) and adds a province admin, a province reader and the second commune's admin, and the
server is started again. Loopback only, bounded (about a minute per engine); the servers are
stopped on every exit. Prints one table and the totals; exits 1 on any failure.
Python 3 standard library only.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_URL = os.environ.get("KEHOACH_TEST_PG_URL", "postgres://kehoach:kehoach@127.0.0.1:5432/postgres")
FROZEN = "2026-03-01T09:00:00+07:00"
PLAN = "muong-la-2026"
PERIOD = "2026-Q1"
PASSWORDS = {
    "tinh-admin": "Tinh-quan-tri-2026",
    "so-cap-tren": "So-doc-tinh-2026",
    "b-quantri": "Xa-b-quan-tri-2026",
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
SERDE_LEAKS = ("missing field `", "line 1 column", "invalid type:", "unknown variant `", "expected value at")


class Tally:
    """Every request sent, by finding, with the server errors and the acknowledged writes lost."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.errors5xx = 0
        self.lost = 0
        self.rows = []
        self.current = None
        self.by_finding = {}

    def count(self, status):
        with self.lock:
            self.sent += 1
            self.by_finding[self.current] = self.by_finding.get(self.current, 0) + 1
            if status >= 500 or status == 0:
                self.errors5xx += 1

    def begin(self, name):
        self.current = name
        self.by_finding.setdefault(name, 0)
        return self.by_finding[name]

    def row(self, engine, finding, expected, got, ok, start):
        sent = self.by_finding.get(self.current, 0) - start
        self.rows.append((engine, finding, sent, expected, got, ok))


T = Tally()


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def header(self, name):
        return self.headers.get(name.lower(), "")


class Client:
    """One browser or API client: its session cookie and CSRF token."""

    def __init__(self, port, cookie=None, csrf=None, source="127.0.0.1"):
        self.port, self.cookie, self.csrf, self.source = port, cookie, csrf, source

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.port}"

    def send(self, method, path, body=None, ctype=None, headers=None, timeout=60):
        h = {"Origin": self.origin, "Accept-Language": "vi"}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        if ctype:
            h["Content-Type"] = ctype
        h.update(headers or {})
        status, rh, data = 0, {}, b""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                              source_address=(self.source, 0))
            try:
                conn.request(method, path, body=body, headers=h)
            except (BrokenPipeError, ConnectionResetError):
                # A server may answer an oversized body (413) and close before reading it all.
                pass
            r = conn.getresponse()
            status, data = r.status, r.read()
            rh = {k.lower(): v for k, v in r.getheaders()}
            conn.close()
        except (OSError, http.client.HTTPException) as e:
            # The server closing the socket on an oversized body is an answer too, not a 5xx.
            status, data = (-1, str(e).encode())
        T.count(max(status, 1) if status != 0 else 0)
        return Answer(status, rh, data)

    def api(self, method, path, obj=None):
        body = None if obj is None else json.dumps(obj).encode()
        return self.send(method, path, body, "application/json" if body is not None else None)

    def form(self, path, fields):
        fields = dict(fields)
        if self.csrf:
            fields.setdefault("csrf", self.csrf)
        return self.send("POST", path, urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def multipart(self, path, name, filename, content, ctype="application/octet-stream", extra=None):
        boundary = "h6" + uuid.uuid4().hex
        parts = []
        for k, v in (extra or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + f"Content-Type: {ctype}\r\n\r\n".encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.send("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def login(self, username, password):
        a = self.api("POST", "/api/v1/auth/login", {"username": username, "password": password})
        if a.status == 200:
            self.cookie = a.header("set-cookie").split(";")[0]
            self.csrf = a.json()["csrf_token"]
        return a


def signed_in(port, username, password):
    c = Client(port)
    a = c.login(username, password)
    if a.status != 200:
        raise RuntimeError(f"sign-in of {username} failed: {a.status} {a.text()[:200]}")
    return c


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, url, work, tag):
        self.binary, self.url, self.work, self.tag = binary, url, work, tag
        self.proc, self.port = None, None
        self.out = os.path.join(work, f"{tag}.out")
        self.log = os.path.join(work, f"{tag}.log")

    def start(self):
        self.port = free_port()
        env = dict(os.environ, KEHOACH_FROZEN_NOW=FROZEN, RUST_LOG=os.environ.get("RUST_LOG", "info"))
        with open(self.out, "ab") as out, open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [self.binary, "serve", "--demo", "--addr", f"127.0.0.1:{self.port}", "--database", self.url],
                stdout=out, stderr=log, env=env, cwd=self.work)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {open(self.log).read()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not answer /healthz within 60 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def error_lines(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return [ANSI.sub("", line) for line in f if " ERROR " in ANSI.sub("", line)]


def cli(binary, url, *args, stdin=None):
    r = subprocess.run([binary, *args, "--database", url], input=stdin, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"kehoach {' '.join(args)}: {r.stdout}{r.stderr}")
    return r.stdout


def check(engine, finding, expected, fn):
    """Runs one replay; a crash of the replay itself is a failed row, not a stopped run."""
    start = T.begin(finding)
    try:
        got, ok = fn()
    except Exception as e:  # noqa: BLE001 - the table must show what broke
        got, ok = f"replay broke: {type(e).__name__}: {e}"[:160], False
    T.row(engine, finding, expected, got, ok, start)


def statuses(answers):
    counts = {}
    for a in answers:
        counts[a.status] = counts.get(a.status, 0) + 1
    return " ".join(f"{k}×{v}" for k, v in sorted(counts.items()))


def in_parallel(n, fn, barrier=True):
    gate = threading.Barrier(n) if barrier else None
    out = [None] * n

    def run(i):
        if gate:
            gate.wait()
        out[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def all_records(c, register):
    """Every record of a register, page by page through Next-Cursor: id -> fields."""
    found, cursor = {}, None
    for _ in range(200):
        q = "?limit=500" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        a = c.send("GET", f"/api/v1/plans/{PLAN}/registers/{register}/records{q}")
        if a.status != 200:
            raise RuntimeError(f"record list: {a.status} {a.text()[:200]}")
        for r in a.json():
            found[r["id"]] = r["fields"]
        cursor = a.header("next-cursor")
        if not cursor:
            break
    return found


# ------------------------------------------------------------------------------------------------
# The replays, one function per finding of the "Why".


def finding1_admin_scope(engine, port, admin_pw):
    admin = signed_in(port, "admin", admin_pw)
    province = signed_in(port, "tinh-admin", PASSWORDS["tinh-admin"])

    def reset_province():
        tries = [admin.form("/admin/users/tinh-admin/reset-password", {}),
                 admin.form("/admin/users/so-cap-tren/disable", {}),
                 admin.form("/admin/users/tinh-admin/disable", {}),
                 admin.form("/admin/users/b-quantri/reset-password", {})]
        return statuses(tries), all(a.status in (403, 404) for a in tries)

    check(engine, "1 commune admin resets/disables province & other commune", "403/404 each", reset_province)

    def create_above():
        tries = [admin.form("/admin/users", {"username": "h6-tinh-doc", "full_name": "H6", "role": "cap_tren",
                                              "password": "Mot-mat-khau-dai-2026"}),
                 admin.form("/admin/users", {"username": "h6-admin-b", "full_name": "H6", "role": "admin",
                                              "commune": "thu-nghiem", "password": "Mot-mat-khau-dai-2026"})]
        users = cli(BIN, URL, "user", "list")
        made = [u for u in ("h6-tinh-doc", "h6-admin-b") if u in users]
        return f"{statuses(tries)}; created: {made or 'none'}", all(400 <= a.status < 500 for a in tries) and not made

    check(engine, "1 commune admin creates cap_tren / other commune admin", "4xx, nothing created", create_above)

    def province_over_other():
        tries = [province.form("/admin/users/b-quantri/reset-password", {}),
                 province.form("/admin/users/b-quantri/disable", {})]
        return statuses(tries), all(a.status in (403, 404) for a in tries)

    check(engine, "1 province A admin resets/disables commune of province B", "403/404 each", province_over_other)

    def intact():
        answers = [Client(port).login(u, p) for u, p in PASSWORDS.items()]
        return statuses(answers), all(a.status == 200 for a in answers)

    check(engine, "1 targeted accounts still sign in with own password", "200 ×3", intact)

    def audit_seen():
        a = province.form("/admin/users/mau-ban-2/reset-password", {})
        seen = []
        for who in (admin, province):
            log = who.send("GET", "/api/v1/audit?kind=user&limit=500")
            rows = log.json() if log.status == 200 else []
            rows = rows.get("items", rows) if isinstance(rows, dict) else rows
            seen.append(any("mau-ban-2" in str(r.get("record_key")) and r.get("actor") == "tinh-admin" for r in rows))
        return f"reset own-scope {a.status}; audit seen by commune/province admin: {seen}", a.status == 200 and all(seen)

    check(engine, "1 a province admin's reset in its commune is audited", "200; seen by both", audit_seen)


def finding2_concurrency(engine, port, seconds):
    officer = signed_in(port, "mau-dau-moi", DEMO_PW)
    acked, answers, lock = {}, [], threading.Lock()

    def writer(i, stop_at, prefix):
        n = 0
        while time.time() < stop_at():
            n += 1
            tag = f"{prefix}-{i}-{n}"
            a = officer.api("POST", f"/api/v1/plans/{PLAN}/registers/chi_dao/records",
                            {"date": "2026-02-10", "fields": {"so_hieu": tag, "co_quan": "H6", "trich_yeu": "tải"}})
            with lock:
                answers.append(a)
                if a.status == 201:
                    acked[a.json()["id"]] = tag
            # Two of the clients also attach a photo to every fifth record they make.
            if a.status == 201 and i < 2 and n % 5 == 0:
                rid = a.json()["id"]
                up = officer.multipart(f"/api/v1/plans/{PLAN}/registers/chi_dao/records/{rid}/files", "file",
                                       f"{tag}.png", PNG + tag.encode(), "image/png")
                with lock:
                    answers.append(up)
                    if up.status == 201:
                        files_acked.append((rid, (up.json() or {}).get("id")))

    files_acked = []

    def lost_of(found):
        lost = sum(1 for rid, tag in acked.items() if found.get(rid, {}).get("so_hieu") != tag)
        for rid, fid in files_acked:
            listed = officer.send("GET", f"/api/v1/plans/{PLAN}/registers/chi_dao/records/{rid}/files").json() or []
            if not any(f.get("id") == fid for f in listed):
                lost += 1
        files_acked.clear()
        return lost

    def records():
        end = time.time() + seconds
        in_parallel(8, lambda i: writer(i, lambda: end, "W"), barrier=True)
        uploads = len(files_acked)
        lost = lost_of(all_records(officer, "chi_dao"))
        T.lost += lost
        got = f"{statuses(answers)}; acked {len(acked)} records + {uploads} photos, lost {lost}"
        return got, all(a.status == 201 for a in answers) and lost == 0 and len(acked) > 0 and uploads > 0

    check(engine, f"2 8 clients create records (+photos) for {seconds} s", "all 201, 0 lost", records)

    def report_saves():
        a1 = signed_in(port, "mau-ban-1", DEMO_PW)
        a2 = signed_in(port, "mau-ban-1", DEMO_PW)
        path = f"/api/v1/plans/{PLAN}/periods/{PERIOD}/reports/ban-mau-1"
        outcomes, bad, lost = [], 0, 0
        for trial in range(10):
            view = a1.send("GET", path).json()
            body, version = view["body"], view["version"]

            def save(k):
                b = json.loads(json.dumps(body))
                b["tasks"][0]["note"] = f"thử {trial} máy {k}"
                b["activities"] = f"lần {trial} từ máy {k}"
                return (a1, a2)[k].api("PUT", path, {"version": version, "body": b}), b

            pair = in_parallel(2, save)
            got = sorted(p[0].status for p in pair)
            outcomes.extend(p[0] for p in pair)
            if got != [200, 409]:
                bad += 1
            winners = [p for p in pair if p[0].status == 200]
            now = a1.send("GET", path).json()
            if winners and now["body"]["activities"] != winners[0][1]["activities"]:
                lost += 1
        T.lost += lost
        return f"{statuses(outcomes)}; trials not 200+409: {bad}; lost {lost}", bad == 0 and lost == 0

    check(engine, "2 two same-version report saves at once ×10", "one 200 + one 409 each", report_saves)

    def import_under_writes():
        acked.clear()
        answers.clear()
        header = "id,unit,date,so_hieu,co_quan,trich_yeu,cach_trien_khai,ngay_trien_khai\n"
        rows = "".join(f",vhxh,12/02/2026,IMP-{engine}-{n},Nhập H6,dòng {n},,\n" for n in range(3000))
        done = {"at": None}
        result = {}

        def importer():
            result["a"] = officer.send("POST", f"/api/v1/plans/{PLAN}/registers/chi_dao/import",
                                       (header + rows).encode(), "text/csv")
            done["at"] = time.time()

        hard_end = time.time() + 20
        t = threading.Thread(target=importer)
        t.start()
        # Writers run while the import runs, and a second past it.
        in_parallel(4, lambda i: writer(i, lambda: min(hard_end, (done["at"] or hard_end) + 1), "D"), barrier=False)
        t.join()
        found = all_records(officer, "chi_dao")
        lost = lost_of(found)
        imported = sum(1 for f in found.values() if str(f.get("so_hieu", "")).startswith(f"IMP-{engine}-"))
        imp = result["a"]
        if imp.status in (200, 201) and imported != 3000:
            lost += 3000 - imported
        T.lost += lost
        got = f"import {imp.status} ({imported}/3000 rows); writes {statuses(answers)}; lost {lost}"
        ok = imp.status in (200, 201) and imported == 3000 and all(a.status == 201 for a in answers) and lost == 0
        return got, ok and len(answers) > 0

    check(engine, "2 writes during a 3,000-row CSV import", "import 201, writes 201, 0 lost", import_under_writes)


def finding3_throttle(engine, port):
    def race():
        tries = in_parallel(60, lambda i: Client(port).api(
            "POST", "/api/v1/auth/login", {"username": "mau-lanh-dao", "password": f"sai-mat-khau-{i}"}))
        right = Client(port).login("mau-lanh-dao", DEMO_PW)
        # Another peer address on loopback stands for the owner elsewhere; a forged
        # X-Forwarded-For from an untrusted peer must not move the count.
        forged = Client(port)
        forged_answer = forged.send("POST", "/api/v1/auth/login",
                                    json.dumps({"username": "mau-lanh-dao", "password": DEMO_PW}).encode(),
                                    "application/json", {"X-Forwarded-For": "10.9.9.9"})
        elsewhere = Client(port, source="127.0.0.2").login("mau-lanh-dao", DEMO_PW)
        neighbour = Client(port).login("mau-dau-moi", DEMO_PW)
        checked = sum(1 for a in tries if a.status == 401)
        got = (f"60 wrong: {statuses(tries)}; right pw after: {right.status}, with forged X-Forwarded-For: "
               f"{forged_answer.status}; owner from 127.0.0.2: {elsewhere.status}; other account same address: {neighbour.status}")
        ok = (all(a.status in (401, 429) for a in tries) and checked <= 5 and right.status == 429
              and forged_answer.status == 429 and elsewhere.status == 200 and neighbour.status == 200)
        return got, ok

    check(engine, "3 60 parallel sign-ins, then right password", "≤5 checked, rest 429; right pw 429; owner elsewhere 200", race)


def finding4_medium(engine, port, b_admin):
    officer = signed_in(port, "mau-dau-moi", DEMO_PW)
    admin = ADMIN[0]

    def ics():
        evil = "Bản H6\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:INJECTED"
        made = admin.api("POST", f"/api/v1/plans/{PLAN}/units", {"code": "h6-crlf", "name": evil, "kind": "village"})
        csv = "code,name,kind\nh6-crlf2,\"Bản H6\r\nSUMMARY:INJECTED\",village\n"
        units_csv = admin.multipart(f"/plans/{PLAN}/units/import", "file", "units.csv", csv.encode(), "text/csv")
        injected = False
        for code in ("h6-crlf", "h6-crlf2"):
            feed = Client(port).send("GET", f"/plans/{PLAN}/units/{code}/deadlines.ics")
            if feed.status == 200 and any(line.strip() == "SUMMARY:INJECTED" for line in feed.text().splitlines()):
                injected = True
        public = Client(port).send("GET", f"/plans/{PLAN}/units/ban-mau-1/deadlines.ics")
        got = f"API {made.status}, units CSV {units_csv.status}, public feed {public.status}, injected: {injected}"
        return got, 400 <= made.status < 500 and units_csv.status < 500 and not injected and public.status == 200

    check(engine, "4 CR/LF unit name into the .ics feed", "4xx; no injected event", ics)

    def request_titles():
        secret_title = f"Yêu cầu riêng H6 {uuid.uuid4().hex[:8]}"
        made = [officer.form(f"/plans/{PLAN}/requests", {
            "title": title, "details": "", "deadline_date": "2026-03-20", "deadline_time": "17:00",
            "units": "ban-mau-1", "questions": "Số hộ tham gia?"}) for title in (secret_title, "H6\r\nSUMMARY:INJECTED")]
        public = Client(port).send("GET", f"/plans/{PLAN}/units/ban-mau-1/deadlines.ics")
        secret_form = f"/plans/{PLAN}/units/ban-mau-1/calendar-secret"

        def private_link():
            page = officer.send("GET", f"/plans/{PLAN}/units/ban-mau-1").text()
            found = re.search(r"(/plans/[^\"'<> ]+/private/[^\"'<> /]+/deadlines\.ics)", page)
            return found.group(1) if found else None

        created = officer.form(secret_form, {})
        link = private_link()
        private = officer.send("GET", link) if link else None
        renew = officer.form(secret_form, {})
        link2 = private_link()
        old = Client(port).send("GET", link) if link else None
        new = Client(port).send("GET", link2) if link2 else None
        lines = [line.strip() for f in (public, private) if f for line in f.text().splitlines()]
        got = (f"requests {statuses(made)}; public feed has title: {secret_title in public.text()}; "
               f"link made {created.status}, private has title: {bool(private) and secret_title in private.text()}; "
               f"renew {renew.status}: old link {old.status if old else '-'}, new {new.status if new else '-'}; "
               f"injected: {'SUMMARY:INJECTED' in lines}")
        ok = (made[0].status in (200, 303) and secret_title not in public.text() and link is not None
              and private.status == 200 and secret_title in private.text() and renew.status < 400
              and old.status == 404 and new is not None and new.status == 200 and "SUMMARY:INJECTED" not in lines)
        return got, ok

    check(engine, "4 ad hoc request titles only behind the unit's secret link", "public: no; private: yes; renew", request_titles)

    def csv_formula():
        cells = {"so_hieu": "=1+2", "co_quan": "+SUM(A1)", "trich_yeu": "-2+3", "cach_trien_khai": "@cmd"}
        made = officer.api("POST", f"/api/v1/plans/{PLAN}/registers/chi_dao/records", {"date": "2026-02-03", "fields": cells})
        rid = made.json()["id"]
        export = officer.send("GET", f"/api/v1/plans/{PLAN}/registers/chi_dao/records.csv")
        lines = export.text().lstrip("\ufeff").splitlines()
        row = next(line for line in lines if line.startswith(f"{rid},"))
        raw = [c for c in row.split(",")[3:7]]
        risky = [c for c in raw if c[:1] in "=+-@"]
        back = officer.send("POST", f"/api/v1/plans/{PLAN}/registers/chi_dao/import",
                            (lines[0] + "\n" + "," + row.split(",", 1)[1] + "\n").encode(), "text/csv")
        found = all_records(officer, "chi_dao")
        same = sum(1 for f in found.values() if all(f.get(k) == v for k, v in cells.items()))
        got = f"create {made.status}; exported cells {raw}; re-import {back.status}; records equal to the original: {same}"
        return got, made.status == 201 and not risky and back.status in (200, 201) and same == 2

    check(engine, "4 CSV formula cells: export neutralised, import round trip", "no =+-@ cell; 2 equal", csv_formula)

    def big_plan():
        with open(os.path.join(ROOT, "crates/plan/tests/fixtures/thu-nghiem-2027.toml"), encoding="utf-8") as f:
            text = f.read()
        extra = []
        for n in range(4000):
            extra.append(f'\n[[units]]\ncode = "ban-h6-{n}"\nname = "Bản thử tải số {n}"\nkind = "village"\n')
        for n in range(1000):
            members = ", ".join(f'"ban-h6-{4 * n + k}"' for k in range(4))
            extra.append(f'\n[[groups]]\ncode = "nhom-h6-{n}"\nname = "Nhóm {n}"\nmembers = [{members}]\n')
        big = (text + "".join(extra)).encode()
        up = b_admin.multipart("/admin/plans", "file", "lon.toml", big, "application/toml")
        page = Client(port).send("GET", "/plans/thu-nghiem-2027/units")
        alive = Client(port).send("GET", "/healthz").status
        got = f"{len(big) // 1024} KB upload {up.status}; public units page {page.status} {len(page.body) // 1024} KB; healthz {alive}"
        return got, 400 <= up.status < 500 and page.status == 200 and len(page.body) < 2_000_000 and alive == 200

    check(engine, "4 plan file 1,000 groups / 4,000 villages", "4xx limits; page small", big_plan)

    def nul():
        path = f"/api/v1/plans/{PLAN}/periods/{PERIOD}/reports/ban-mau-2"
        view = officer.send("GET", path).json() or {"body": {}, "version": 0}
        body = dict(view.get("body") or {}, activities="hoạt\u0000động")
        tries = [
            admin.api("POST", f"/api/v1/plans/{PLAN}/units", {"code": "h6-nul", "name": "Bản\u0000X", "kind": "village"}),
            admin.form("/admin/users", {"username": "h6-nul", "full_name": "Tên\u0000X", "role": "dau_moi",
                                        "password": "Mot-mat-khau-dai-2026"}),
            officer.api("PUT", path, {"version": view.get("version", 0), "body": body}),
            Client(port).api("POST", "/api/v1/auth/login", {"username": "mau\u0000x", "password": "x"}),
            officer.send("GET", f"/api/v1/plans/{PLAN}/registers/chi_dao/records?unit=%00"),
            officer.api("POST", f"/api/v1/plans/{PLAN}/registers/chi_dao/records",
                        {"date": "2026-02-03", "fields": {"so_hieu": "a\u0000b", "co_quan": "x", "trich_yeu": "y"}}),
            officer.send("GET", f"/plans/{PLAN}/registers/chi_dao?q=%00"),
        ]
        return statuses(tries), all(400 <= a.status < 500 for a in tries)

    check(engine, "4 NUL byte in 7 texts (unit, name, narrative, login, filters, record)", "4xx each", nul)


def finding5_low(engine, port, server):
    officer = signed_in(port, "mau-dau-moi", DEMO_PW)
    records = f"/api/v1/plans/{PLAN}/registers/chi_dao/records"
    before = len(server.error_lines())
    mine = officer.api("POST", records, {"date": "2026-02-04", "fields": {"so_hieu": "F", "co_quan": "x", "trich_yeu": "y"}})
    files_path = f"{records}/{mine.json()['id']}/files"

    def methods():
        tries = [Client(port).send("DELETE", "/api/v1/me"), Client(port).send("PATCH", "/healthz"),
                 Client(port).send("PUT", "/login"), Client(port).send("DELETE", f"/plans/{PLAN}"),
                 officer.send("PATCH", records)]
        errors = len(server.error_lines()) - before
        return f"{statuses(tries)}; new ERROR log lines {errors}", all(a.status == 405 for a in tries) and errors == 0

    check(engine, "5 unsupported methods", "405 ×5; no ERROR line", methods)

    def serde():
        tries = [officer.api("POST", "/api/v1/me/password", {"new": "x"}),
                 officer.api("POST", records, {"date": 5, "fields": []}),
                 officer.send("POST", records, b'{"date": "2026-02-01", "fields": {', "application/json"),
                 officer.api("PUT", f"/api/v1/plans/{PLAN}/periods/{PERIOD}/reports/ban-mau-1", {"version": "hai"})]
        leaks = [a.text()[:80] for a in tries if any(s in a.text() for s in SERDE_LEAKS)]
        return f"{statuses(tries)}; parser internals echoed: {len(leaks)} {leaks[:1]}", \
            all(400 <= a.status < 500 for a in tries) and not leaks

    check(engine, "5 JSON errors name fields in words", "4xx; no serde text", serde)

    def too_big():
        blob = "x" * (11 * 1024 * 1024)
        tries = [officer.send("POST", records, json.dumps({"date": "2026-02-01", "fields": {"so_hieu": blob}}).encode(),
                              "application/json"),
                 officer.multipart(files_path, "file", "to.png", PNG + b"\0" * (11 * 1024 * 1024), "image/png")]
        return statuses(tries), all(a.status == 413 for a in tries)

    check(engine, "5 11 MB body (JSON, upload)", "413 ×2", too_big)

    def bad_boundary():
        body = b"--other\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nxx\r\n--other--\r\n"
        a = officer.send("POST", files_path, body, "multipart/form-data; boundary=h6-nowhere")
        cut = officer.send("POST", files_path, body[:40], "multipart/form-data; boundary=other")
        page = ADMIN[0].send("POST", "/admin/plans", body, "multipart/form-data; boundary=h6-nowhere")
        tries = [a, cut]
        got = "; ".join(f"{x.status} {x.header('content-type')} {x.text()[:70]!r}" for x in tries)
        got += f"; page form {page.status} {page.header('content-type')}"
        # A body of 100 bytes is not "too large": the message must say it cannot be read.
        ok = all(x.status == 400 and "json" in x.header("content-type") and "10 MB" not in x.text() for x in tries)
        ok = ok and 400 <= page.status < 500
        return got, ok

    check(engine, "5 bad multipart boundary / cut body", "400 JSON, not 'too large'", bad_boundary)

    def rtl():
        a = officer.multipart(files_path, "file", "anh\u202egnp.exe", PNG, "image/png")
        listed = officer.send("GET", files_path)
        kept = "\u202e" in listed.text() or "\\u202e" in listed.text().lower()
        return f"upload {a.status}; override kept in the stored name: {kept}", a.status < 500 and not kept

    check(engine, "5 RTL override in a file name", "refused or stripped", rtl)

    def year_zero():
        a = officer.api("POST", records, {"date": "0000-01-01", "fields": {"so_hieu": "Z", "co_quan": "x", "trich_yeu": "y"}})
        return f"{a.status}", a.status == 422

    check(engine, "5 record dated 0000-01-01", "422", year_zero)

    def cache():
        me = officer.send("GET", "/api/v1/me").header("cache-control")
        data = officer.send("GET", records).header("cache-control")
        return f"/me: {me!r}; records: {data!r}", "no-store" in me and ("no-store" in data or "private" in data)

    check(engine, "5 Cache-Control on /api/v1/me and data", "no-store; private", cache)

    def list_size():
        first = officer.send("GET", records)
        huge = officer.send("GET", f"{records}?limit=100000")
        n_first = len(first.json() or [])
        n_huge = len(huge.json() or []) if huge.status == 200 else 0
        got = f"default {n_first} items ({len(first.body) // 1024} KB), Next-Cursor: {bool(first.header('next-cursor'))}; " \
              f"limit=100000 → {huge.status} ({n_huge} items)"
        return got, n_first <= 100 and bool(first.header("next-cursor")) and (huge.status == 422 or n_huge <= 500)

    check(engine, "5 record list size", "≤100 + cursor; cap 500", list_size)

    def no_errors():
        lines = server.error_lines()
        return f"{len(lines)} ERROR lines" + (f": {lines[0].strip()[:120]}" if lines else ""), not lines

    check(engine, "5 server log over the whole run", "0 ERROR lines", no_errors)


# ------------------------------------------------------------------------------------------------


def engine_run(engine, binary, work):
    global URL, DEMO_PW
    pg_db = None
    if engine == "sqlite":
        URL = f"sqlite://{work}/h6.sqlite?mode=rwc"
    else:
        pg_db = f"h6_{uuid.uuid4().hex[:10]}"
        subprocess.run(["psql", PG_URL, "-qc", f"CREATE DATABASE {pg_db}"], check=True, capture_output=True)
        URL = PG_URL.rsplit("/", 1)[0] + "/" + pg_db
    server = Server(binary, URL, work, engine)
    try:
        server.start()
        server.stop()
        out = open(server.out, encoding="utf-8").read()
        admin_pw = re.search(r"one-time password: (\S+)", out).group(1)
        DEMO_PW = re.search(r"\(mật khẩu / password: (.*?)\):", out).group(1)
        cli(binary, URL, "plan", "import", os.path.join(ROOT, "crates/plan/tests/fixtures/thu-nghiem-2027.toml"))
        cli(binary, URL, "user", "add", "--username", "tinh-admin", "--role", "admin", "--province", "son-la",
            stdin=PASSWORDS["tinh-admin"] + "\n")
        cli(binary, URL, "user", "add", "--username", "so-cap-tren", "--role", "cap_tren", "--province", "son-la",
            stdin=PASSWORDS["so-cap-tren"] + "\n")
        cli(binary, URL, "user", "add", "--username", "b-quantri", "--role", "admin", "--commune", "thu-nghiem",
            stdin=PASSWORDS["b-quantri"] + "\n")
        server.start()
        port = server.port
        # The first admin must choose a password before anything else.
        admin = Client(port)
        admin.login("admin", admin_pw)
        new_pw = "Quan-tri-xa-A-2026"
        a = admin.api("POST", "/api/v1/me/password", {"current": admin_pw, "new": new_pw})
        if a.status != 200:
            raise RuntimeError(f"admin password change: {a.status} {a.text()[:200]}")
        admin = signed_in(port, "admin", new_pw)
        ADMIN[:] = [admin]
        b_admin = signed_in(port, "b-quantri", PASSWORDS["b-quantri"])
        finding1_admin_scope(engine, port, new_pw)
        finding2_concurrency(engine, port, 8 if engine == "sqlite" else 4)
        finding4_medium(engine, port, b_admin)
        finding5_low(engine, port, server)
        # Last: it locks an account on purpose.
        finding3_throttle(engine, port)
        check(engine, "- server still up", "alive", lambda: (str(server.alive()), server.alive()))
    finally:
        server.stop()
        if pg_db:
            subprocess.run(["psql", PG_URL, "-qc", f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)"], capture_output=True)


ADMIN = []
URL = ""
DEMO_PW = ""
BIN = ""


def main():
    global BIN
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", help="kehoach binary (default: a copy of target/debug/kehoach)")
    p.add_argument("--only", choices=["sqlite", "postgres"])
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="kehoach-h6-")
    started = time.time()
    try:
        BIN = os.path.join(work, "kehoach")
        shutil.copy2(args.bin or os.path.join(ROOT, "target/debug/kehoach"), BIN)
        for engine in [args.only] if args.only else ["sqlite", "postgres"]:
            try:
                engine_run(engine, BIN, work)
            except Exception as e:  # noqa: BLE001
                T.rows.append((engine, "setup", 0, "runs", f"{type(e).__name__}: {e}"[:200], False))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    width = max(len(r[1]) for r in T.rows)
    print(f"{'db':8} {'finding':{width}} {'sent':>5}  {'expected':32} {'result':4}  got")
    for engine, finding, sent, expected, got, ok in T.rows:
        print(f"{engine:8} {finding:{width}} {sent:5}  {expected:32} {'pass' if ok else 'FAIL':4}  {got}")
    failed = sum(1 for r in T.rows if not r[5])
    print(f"\nrequests tried: {T.sent}; server errors (5xx or dropped): {T.errors5xx}; "
          f"acknowledged writes lost: {T.lost}; checks failed: {failed}/{len(T.rows)}; {time.time() - started:.0f} s")
    sys.exit(1 if failed or T.errors5xx or T.lost else 0)


if __name__ == "__main__":
    main()
