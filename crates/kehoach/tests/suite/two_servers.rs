//! Two `kehoach serve` processes on one PostgreSQL database, as behind a load balancer: whatever
//! one process writes or remembers, the other reads at once, because nothing that can change is
//! held in a process. Sessions, the sign-in throttle's counters, document numbers, reports and
//! records are rows of the database; the test signs in on one and works on the other, saves on
//! one and reads on the other at once, writes records through both in parallel (none lost, none
//! twice), approves through both (a number given once, by the office or by the product), and
//! counts failed sign-ins across both as on one. Started at the same instant on a new
//! database, the two make the schema and the demo once.
//!
//! Only on PostgreSQL: a SQLite file is served by one process by design — its writes are
//! queued inside that process (`kehoach_store::write`), and a second process on the same file
//! is not a supported deployment (see docs/deploy.md).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use kehoach_store::testing::{Backend, TestDb};
use kehoach_store::{RecordFilter, Store};
use serde_json::{Value as J, json};

use crate::common::{SEED, text};

/// The demo's accounts' password (`kehoach serve --demo`).
const PASSWORD: &str = "mau-kehoach-2026";
/// In the last quarter of 2026: Q4 is open, Q1–Q3 are past; every process reads the same day.
const FROZEN_NOW: &str = "2026-11-20T09:00:00+07:00";
const PLAN: &str = "/api/v1/plans/muong-la-2026";
const RECORDS: &str = "/api/v1/plans/muong-la-2026/registers/truyen_thong/records";
/// Register records written through each server, by this many threads each.
const PER_SERVER: usize = 40;
const THREADS: usize = 4;
/// Rounds of two writes at once at the same version.
const ROUNDS: usize = 20;
/// The sign-in throttle's limit for one account from one address (kehoach_app::auth).
const PAIR_LIMIT: usize = 5;

/// `kehoach serve` on a free loopback port, killed when dropped however the test ends.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Server {
    fn start(dir: &Path, url: &str, name: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kehoach"))
            .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
            .current_dir(dir)
            .env("KEHOACH_DATABASE_URL", url)
            .env("KEHOACH_FROZEN_NOW", FROZEN_NOW)
            .env("KEHOACH_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let mut lines = BufReader::new(child.stderr.take().expect("the log")).lines();
        let mut seen = String::new();
        let addr = loop {
            let line = match lines.next() {
                Some(Ok(line)) => line,
                _ => panic!("server {name} exited before serving:\n{seen}"),
            };
            seen.push_str(&line);
            seen.push('\n');
            if let Some(at) = line.find("http://") {
                break line[at + "http://".len()..].trim().trim_end_matches('/').to_owned();
            }
        };
        // Keep reading its log so that it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, addr }
    }
}

/// A signed-in session: its cookie and CSRF token.
#[derive(Clone)]
struct Who {
    cookie: String,
    csrf: String,
}

/// One JSON request on its own connection: status, head (lower-cased) and body.
fn call(addr: &str, method: &str, path: &str, who: Option<&Who>, body: Option<&J>) -> (u16, String, String) {
    let body = body.map(J::to_string).unwrap_or_default();
    send(addr, method, path, who, "application/json", &body)
}

/// One request on its own connection, with a body of `content_type`.
fn send(
    addr: &str,
    method: &str,
    path: &str,
    who: Option<&Who>,
    content_type: &str,
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect to the server");
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\
         content-type: {content_type}\r\ncontent-length: {}\r\n",
        body.len()
    );
    if let Some(who) = who {
        request.push_str(&format!("cookie: {}\r\nx-csrf-token: {}\r\n", who.cookie, who.csrf));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read the answer");
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = text(&answer[..split]).to_ascii_lowercase();
    let status = head[9..12].parse().expect("a status");
    let body = answer[split + 4..].to_vec();
    let body = if head.contains("transfer-encoding: chunked") { unchunk(&body) } else { body };
    (status, head, text(&body))
}

fn unchunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = body.windows(2).position(|w| w == b"\r\n").expect("a chunk size");
        let size = usize::from_str_radix(text(&body[..end]).split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 4 + size..];
    }
}

fn json_of(body: &str) -> J {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Signs in through the API: the status, and the session when it is 200.
fn try_sign_in(addr: &str, username: &str, password: &str) -> (u16, Option<Who>) {
    let (status, head, body) =
        call(addr, "POST", "/api/v1/auth/login", None, Some(&json!({"username": username, "password": password})));
    if status != 200 {
        return (status, None);
    }
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    // The head is lower-cased; the token's value is read from the body as sent.
    let csrf = json_of(&body)["csrf_token"].as_str().expect("a CSRF token").to_owned();
    (status, Some(Who { cookie, csrf }))
}

/// Signs in through the sign-in page's form, as a browser does: the session cookie from the
/// redirect, and the CSRF token from the page `page_addr` serves to that session.
fn sign_in_by_form(addr: &str, page_addr: &str, username: &str) -> Who {
    let form = format!("username={username}&password={PASSWORD}&next=%2F");
    let (status, head, body) = send(addr, "POST", "/login", None, "application/x-www-form-urlencoded", &form);
    assert_eq!(status, 303, "{username} signs in on {addr}: {body}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let signed = Who { cookie, csrf: String::new() };
    let (status, _, page) = send(page_addr, "GET", "/", Some(&signed), "text/plain", "");
    assert_eq!(status, 200, "the home page on {page_addr}, in the session opened on {addr}");
    let needle = "name=\"csrf\" value=\"";
    let at = page.find(needle).expect("a form with the session's CSRF token") + needle.len();
    let csrf = page[at..].split('"').next().unwrap().to_owned();
    Who { csrf, ..signed }
}

fn sign_in(addr: &str, username: &str) -> Who {
    match try_sign_in(addr, username, PASSWORD) {
        (200, Some(who)) => who,
        (status, _) => panic!("{username} cannot sign in on {addr}: {status}"),
    }
}

/// The built binary's CLI on the test database.
fn cli(dir: &Path, url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kehoach"))
        .args(args)
        .current_dir(dir)
        .env("KEHOACH_DATABASE_URL", url)
        .env("KEHOACH_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kehoach");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "kehoach {args:?}: {}", text(&out.stderr));
    out
}

/// What the demo seeds, counted in the database: a second seeding must add none of it.
async fn seeded(store: &Store) -> (usize, usize, usize) {
    let users = store.users(None, None).await.unwrap().len();
    let plans = store.plans().await.unwrap().len();
    let records = store.records("muong-la-2026", &RecordFilter::default()).await.unwrap().len();
    (users, plans, records)
}

/// The number part of "07/BC-UBND" in an approval's newest record.
fn number_of(view: &J) -> u32 {
    let record = view["records"].as_array().and_then(|r| r.last()).unwrap_or_else(|| panic!("a record: {view}"));
    let text = record["number_text"].as_str().unwrap_or_else(|| panic!("a number: {record}"));
    text.split('/').next().unwrap().parse().unwrap_or_else(|_| panic!("a number: {text}"))
}

/// The version of a period's commune report as the leader sees it on `addr`.
fn report_version(addr: &str, who: &Who, plan: &str, period: &str) -> J {
    let (status, _, body) = call(addr, "GET", &format!("{plan}/periods/{period}/consolidation"), Some(who), None);
    assert_eq!(status, 200, "{body}");
    let view = json_of(&body);
    assert_eq!(view["approved"], false, "{plan} {period} is not approved yet: {body}");
    view["version"].clone()
}

fn approve(addr: &str, who: &Who, plan: &str, period: &str, number: Option<u32>) -> (u16, String) {
    let version = report_version(addr, who, plan, period);
    let mut body = json!({"version": version, "confirm_incomplete": true});
    if let Some(n) = number {
        body["number"] = json!(n);
    }
    let (status, _, body) =
        call(addr, "POST", &format!("{plan}/periods/{period}/consolidation/approve"), Some(who), Some(&body));
    (status, body)
}

/// Failed sign-ins of `username` sent in turn to `servers` until one is answered "too many":
/// how many were sent (the last one allowed says so itself).
fn failures_until_locked(servers: &[&str], username: &str) -> usize {
    for n in 0..PAIR_LIMIT * 4 {
        let addr = servers[n % servers.len()];
        match try_sign_in(addr, username, "sai-mat-khau-roi") {
            (401, _) => continue,
            (429, _) => return n + 1,
            (status, _) => panic!("a wrong password answered {status}"),
        }
    }
    panic!("{username} was never locked out")
}

#[test]
fn two_servers_on_one_postgres_share_everything() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let db = runtime.block_on(TestDb::new(Backend::Postgres));
    let url = db.url.clone();

    // A and B started at the same instant on the new database, both with --demo: the schema,
    // the plan, the first admin and the samples are made once (the second process waits for
    // the first's start), and a third start adds nothing.
    let starting: Vec<_> = ["A", "B"]
        .into_iter()
        .map(|name| {
            let (dir, url) = (dir.path().to_owned(), url.clone());
            std::thread::spawn(move || Server::start(&dir, &url, name))
        })
        .collect();
    let mut started_now = starting.into_iter().map(|t| t.join().expect("a server did not start"));
    let (server_a, server_b) = (started_now.next().unwrap(), started_now.next().unwrap());
    let seeded_once = runtime.block_on(seeded(&db.store));
    assert!(seeded_once.0 >= 6 && seeded_once.2 > 0, "the demo is there: {seeded_once:?}");
    let records = runtime.block_on(db.store.records("muong-la-2026", &RecordFilter::default())).unwrap();
    let distinct: BTreeSet<String> = records
        .iter()
        .map(|r| {
            let mut r = serde_json::to_value(r).unwrap();
            r.as_object_mut().unwrap().remove("id");
            r.to_string()
        })
        .collect();
    assert_eq!(distinct.len(), records.len(), "no sample record written twice");
    drop(Server::start(dir.path(), &url, "C"));
    assert_eq!(runtime.block_on(seeded(&db.store)), seeded_once, "a later start seeds nothing twice");
    let (a, b) = (server_a.addr.clone(), server_b.addr.clone());
    let (a, b) = (a.as_str(), b.as_str());

    // A session opened on A is good on B; signed out on B, it is over on A.
    let officer = sign_in(a, "mau-dau-moi");
    let (status, _, me) = call(b, "GET", "/api/v1/me", Some(&officer), None);
    assert_eq!(status, 200, "the session opened on A, on B: {me}");
    assert!(me.contains("mau-dau-moi"), "{me}");
    let short = sign_in(b, "mau-dau-moi");
    assert_eq!(call(a, "GET", "/api/v1/me", Some(&short), None).0, 200);
    assert_eq!(call(b, "POST", "/api/v1/auth/logout", Some(&short), None).0, 204);
    assert_eq!(call(a, "GET", "/api/v1/me", Some(&short), None).0, 401, "signed out on B is signed out on A");
    // A write needs the session's CSRF token, whichever process checks it.
    let forged = Who { cookie: officer.cookie.clone(), csrf: "0".repeat(64) };
    let fields = json!({"unit": "vhxh", "date": "2026-11-10", "fields": {"kenh": "hop_ban", "chu_de": "Giả mạo"}});
    assert_eq!(call(b, "POST", RECORDS, Some(&forged), Some(&fields)).0, 403, "a wrong CSRF token on B");

    // A unit report saved on A is read on B at once; B's save at that version wins, and A's
    // write at the old version is refused there, not overwritten.
    let village = sign_in_by_form(b, a, "mau-ban-1");
    let report = format!("{PLAN}/periods/2026-Q4/reports/ban-mau-1");
    let (status, _, body) = call(b, "GET", &report, Some(&village), None);
    assert_eq!(status, 200, "{body}");
    let first = json_of(&body)["version"].clone();
    let edit = |version: &J, activities: &str| {
        json!({"version": version, "body": {"tasks": [], "figures": [], "activities": activities,
            "difficulties": "", "proposals": ""}})
    };
    let (status, _, saved) = call(a, "PUT", &report, Some(&village), Some(&edit(&first, "Họp bản lần một (A)")));
    assert_eq!(status, 200, "{saved}");
    let saved = json_of(&saved)["version"].clone();
    let (_, _, read) = call(b, "GET", &report, Some(&village), None);
    assert!(read.contains("Họp bản lần một (A)"), "saved on A, read on B at once: {read}");
    assert_eq!(json_of(&read)["version"], saved);
    let page = "/plans/muong-la-2026/periods/2026-Q4/reports/ban-mau-1";
    let (status, _, html) = send(b, "GET", page, Some(&village), "text/plain", "");
    assert_eq!(status, 200);
    assert!(html.contains("Họp bản lần một (A)"), "the page on B shows the save on A at once");
    let (status, _, again) = call(b, "PUT", &report, Some(&village), Some(&edit(&saved, "Họp bản lần hai (B)")));
    assert_eq!(status, 200, "{again}");
    let (status, _, stale) = call(a, "PUT", &report, Some(&village), Some(&edit(&saved, "Ghi đè (A)")));
    assert_eq!(status, 409, "a write at the version B has moved on from: {stale}");
    let (_, _, read) = call(a, "GET", &report, Some(&village), None);
    assert!(read.contains("Họp bản lần hai (B)") && !read.contains("Ghi đè"), "{read}");

    // The commune report's narrative written on A and on B at the same instant, from the same
    // version: one is saved, the other refused (409), never both with one lost.
    let narrative = format!("{PLAN}/periods/2026-Q4/consolidation");
    for round in 0..ROUNDS {
        let (status, _, body) = call(a, "GET", &narrative, Some(&officer), None);
        assert_eq!(status, 200, "{body}");
        let version = json_of(&body)["version"].clone();
        let gate = Arc::new(Barrier::new(2));
        let writes: Vec<_> = [a, b]
            .into_iter()
            .map(|addr| {
                let (addr, who, gate, url, version) =
                    (addr.to_owned(), officer.clone(), gate.clone(), narrative.clone(), version.clone());
                let text = format!("Vòng {round}, ghi trên {addr}");
                std::thread::spawn(move || {
                    gate.wait();
                    let body = json!({"version": version, "narrative": text});
                    (call(&addr, "PUT", &url, Some(&who), Some(&body)).0, text)
                })
            })
            .collect();
        let answers: Vec<(u16, String)> = writes.into_iter().map(|t| t.join().expect("a save")).collect();
        let saved: Vec<&String> = answers.iter().filter(|(status, _)| *status == 200).map(|(_, t)| t).collect();
        assert_eq!(saved.len(), 1, "round {round}: one save of two at the same version: {answers:?}");
        assert!(answers.iter().all(|(status, _)| *status == 200 || *status == 409), "{answers:?}");
        let (_, _, now) = call(b, "GET", &narrative, Some(&officer), None);
        assert_eq!(json_of(&now)["narrative"].as_str(), Some(saved[0].as_str()), "round {round}: the save that won");
    }

    // Register records written through both at once: every one acknowledged is there, once.
    let before = runtime.block_on(db.store.records("muong-la-2026", &RecordFilter::default())).unwrap().len();
    let gate = Arc::new(Barrier::new(2 * THREADS));
    let writers: Vec<_> = [a, b]
        .into_iter()
        .flat_map(|addr| (0..THREADS).map(move |t| (addr.to_owned(), t)))
        .map(|(addr, t)| {
            let (who, gate) = (officer.clone(), gate.clone());
            std::thread::spawn(move || {
                gate.wait();
                (0..PER_SERVER / THREADS)
                    .map(|n| {
                        let body = json!({"unit": "vhxh", "date": "2026-11-10",
                            "fields": {"kenh": "hop_ban", "chu_de": format!("Hai máy chủ {addr} {t}-{n}")}});
                        let (status, _, body) = call(&addr, "POST", RECORDS, Some(&who), Some(&body));
                        assert_eq!(status, 201, "a record written on {addr}: {body}");
                        json_of(&body)["id"].as_i64().expect("the record's id")
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let ids: Vec<i64> = writers.into_iter().flat_map(|w| w.join().expect("a writer failed")).collect();
    assert_eq!(ids.len(), 2 * PER_SERVER);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "no id given twice");
    let stored = runtime.block_on(db.store.records("muong-la-2026", &RecordFilter::default())).unwrap();
    assert_eq!(stored.len(), before + 2 * PER_SERVER, "every acknowledged record is there, none twice");
    for (n, id) in ids.iter().enumerate() {
        // Each record read on the other server than the one that wrote half of them.
        let addr = if n % 2 == 0 { a } else { b };
        assert_eq!(call(addr, "GET", &format!("{RECORDS}/{id}"), Some(&officer), None).0, 200, "record {id}");
    }

    // The office's number: given on A, refused on B for another period (409), not duplicated.
    let leader = sign_in(a, "mau-lanh-dao");
    let (status, body) = approve(a, &leader, PLAN, "2026-Q2", Some(41));
    assert_eq!(status, 200, "{body}");
    assert_eq!(number_of(&json_of(&body)), 41);
    let (status, body) = approve(b, &leader, PLAN, "2026-Q3", Some(41));
    assert_eq!(status, 409, "number 41 is taken on A: {body}");
    assert!(body.contains("41/BC-UBND"), "the refusal names the number: {body}");
    // The same period approved at once on both: one approval, the other refused.
    let gate = Arc::new(Barrier::new(2));
    let both: Vec<_> = [(a, 42), (b, 43)]
        .into_iter()
        .map(|(addr, number)| {
            let (addr, who, gate) = (addr.to_owned(), leader.clone(), gate.clone());
            std::thread::spawn(move || {
                let version = report_version(&addr, &who, PLAN, "2026-Q3");
                let body = json!({"version": version, "number": number, "confirm_incomplete": true});
                gate.wait();
                call(&addr, "POST", &format!("{PLAN}/periods/2026-Q3/consolidation/approve"), Some(&who), Some(&body))
            })
        })
        .collect();
    let mut answers: Vec<(u16, String, String)> = both.into_iter().map(|t| t.join().expect("an approval")).collect();
    answers.sort_by_key(|(status, ..)| *status);
    assert_eq!((answers[0].0, answers[1].0), (200, 409), "one approval of Q3, not two: {answers:?}");
    let (_, _, q3) = call(b, "GET", &format!("{PLAN}/periods/2026-Q3/consolidation"), Some(&leader), None);
    assert_eq!(json_of(&q3)["records"].as_array().map(Vec::len), Some(1), "one record of Q3: {q3}");

    // Numbers the product gives: a plan that lets it number its reports, loaded while both
    // serve (no process keeps an old list of plans), its four quarters approved
    // through both at once: four distinct numbers, 1 to 4.
    let plan_file = dir.path().join("hai-may-2026.toml");
    let source = SEED
        .replacen("id = \"muong-la-2026\"", "id = \"hai-may-2026\"", 1)
        .replacen("code = \"muong-la\"", "code = \"hai-may\"", 1)
        .replacen("official_code = \"03808\"", "official_code = \"03646\"", 1)
        .replacen("symbol = \"KH-UBND\"", "symbol = \"KH-UBND\"\nreport_numbering = \"product\"", 1);
    std::fs::write(&plan_file, source).unwrap();
    cli(dir.path(), &url, &["plan", "import", plan_file.to_str().unwrap()], "");
    cli(
        dir.path(),
        &url,
        &["user", "add", "--username", "lanh-dao-hai-may", "--role", "lanh_dao", "--commune", "hai-may"],
        &format!("{PASSWORD}\n"),
    );
    let other = "/api/v1/plans/hai-may-2026";
    let (leader_a, leader_b) = (sign_in(a, "lanh-dao-hai-may"), sign_in(b, "lanh-dao-hai-may"));
    // All four at the same instant, two on A and two on B.
    let gate = Arc::new(Barrier::new(4));
    let approvals: Vec<_> =
        [(a, &leader_a, "2026-Q1"), (b, &leader_b, "2026-Q2"), (a, &leader_a, "2026-Q3"), (b, &leader_b, "2026-Q4")]
            .into_iter()
            .map(|(addr, who, period)| {
                let (addr, who, gate) = (addr.to_owned(), who.clone(), gate.clone());
                std::thread::spawn(move || {
                    let version = report_version(&addr, &who, other, period);
                    gate.wait();
                    let body = json!({"version": version, "confirm_incomplete": true});
                    let url = format!("{other}/periods/{period}/consolidation/approve");
                    let (status, _, body) = call(&addr, "POST", &url, Some(&who), Some(&body));
                    assert_eq!(status, 200, "{period} approved on {addr}: {body}");
                    number_of(&json_of(&body))
                })
            })
            .collect();
    let numbers: Vec<u32> = approvals.into_iter().map(|t| t.join().expect("an approval failed")).collect();
    let numbers: BTreeSet<u32> = numbers.into_iter().collect();
    assert_eq!(numbers, BTreeSet::from([1, 2, 3, 4]), "four approvals, four numbers, none given twice");

    // The sign-in throttle counts across both: wrong passwords sent to A and B in turn are
    // refused at the same count as on one server, and then on both, the right one included.
    let across = failures_until_locked(&[a, b], "mau-ban-2");
    let alone = failures_until_locked(&[a], "mau-trung-uong");
    assert_eq!(across, alone, "the same limit across two servers as on one");
    assert_eq!(across, PAIR_LIMIT, "five tries for one account from one address");
    assert_eq!(try_sign_in(b, "mau-ban-2", PASSWORD).0, 429, "locked on A is locked on B");
    assert_eq!(try_sign_in(a, "mau-trung-uong", PASSWORD).0, 429);

    drop((server_a, server_b));
    runtime.block_on(db.finish());
    eprintln!("two servers on one PostgreSQL database: all shared, in {:?}", started.elapsed());
}
