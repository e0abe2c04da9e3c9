//! `kehoach backup` and `kehoach restore`, end to end: a SQLite file backed up while records
//! are written, restored into PostgreSQL (and back into SQLite), each copy served and read
//! through the JSON API, answer by answer.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{NaiveDate, Utc};
use kehoach_domain::register::{check_fields, register};
use kehoach_store::testing::{Backend, TestDb};
use kehoach_store::{Actor, NewFile, RecordFilter, RecordInput, RecordOutcome, Store};
use kehoach_web::auth::session;
use serde_json::Value as J;

use crate::common::{kehoach, text};

const PLAN: &str = "muong-la-2026";
const TEST: Actor<'static> = Actor { name: "test", address: None };

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// `kehoach serve` on a free port, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(dir: &Path, url: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kehoach"))
            .args(["serve", "--addr", "127.0.0.1:0", "--database", url])
            .current_dir(dir)
            .env("KEHOACH_LOG", "info")
            // Deadlines are counted from now: every copy is read at the same instant.
            .env("KEHOACH_FROZEN_NOW", "2026-04-20T09:00:00+07:00")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("serve exited early").expect("read log");
            if let Some(at) = line.find("http://") {
                break line[at + "http://".len()..].trim().to_owned();
            }
        };
        // Keep reading its log so that it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, addr }
    }

    /// Status and body of a GET, as the user of `cookie`.
    fn get(&self, path: &str, cookie: &str) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n", self.addr)
            .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
        let head = text(&response[..split]).to_ascii_lowercase();
        let status = head[9..12].parse().unwrap();
        let body = response[split + 4..].to_vec();
        let body = if head.contains("transfer-encoding: chunked") { unchunk(&body) } else { body };
        (status, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn unchunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(text(&body[..end]).split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 4 + size..];
    }
}

/// Every number under an `id` key, at any depth.
fn ids(v: &J, out: &mut BTreeSet<i64>) {
    match v {
        J::Object(o) => {
            if let Some(id) = o.get("id").and_then(J::as_i64) {
                out.insert(id);
            }
            o.values().for_each(|v| ids(v, out));
        }
        J::Array(a) => a.iter().for_each(|v| ids(v, out)),
        _ => {}
    }
}

/// PostgreSQL keeps timestamps to the microsecond, SQLite to the nanosecond: the same instant
/// read from both is compared at PostgreSQL's precision.
fn micros(v: J) -> J {
    match v {
        J::Array(a) => J::Array(a.into_iter().map(micros).collect()),
        J::Object(o) => J::Object(o.into_iter().map(|(k, v)| (k, micros(v))).collect()),
        J::String(s) => match chrono::DateTime::parse_from_rfc3339(&s) {
            Ok(t) if s.contains('T') => J::String(
                chrono::DateTime::from_timestamp_micros(t.timestamp_micros())
                    .unwrap()
                    .with_timezone(t.offset())
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, s.ends_with('Z')),
            ),
            _ => J::String(s),
        },
        other => other,
    }
}

/// Reads the API of `server` as each of `cookies`: plans, periods, registers, records, their
/// files (the bytes), progress, the board, the consolidation, requests, initiatives, the audit
/// trail. Keyed by path and user.
fn read_api(server: &Server, cookies: &[(&str, &str)]) -> BTreeMap<String, (u16, J)> {
    let mut out = BTreeMap::new();
    let mut downloads = Vec::new();
    for (who, cookie) in cookies {
        let mut get = |path: &str| -> J {
            let (status, body) = server.get(path, cookie);
            let json = serde_json::from_slice(&body).unwrap_or_else(|_| J::String(format!("{} bytes", body.len())));
            out.insert(format!("{who} {path}"), (status, micros(json.clone())));
            json
        };
        let base = format!("/api/v1/plans/{PLAN}");
        for path in [
            "/api/v1/plans".to_owned(),
            base.clone(),
            "/api/v1/me".to_owned(),
            "/api/v1/audit".to_owned(),
            format!("{base}/periods"),
            format!("{base}/indicators?at=2026-12-31"),
            format!("{base}/periods/2026-Q1/board"),
            format!("{base}/periods/2026-Q1/consolidation"),
            format!("{base}/periods/2026-Q1/commune-report"),
            format!("{base}/periods/2026-Q1/reports/ban-mau-1"),
            format!("{base}/requests"),
            format!("{base}/initiatives"),
        ] {
            get(&path);
        }
        let registers = get(&format!("{base}/registers"));
        let keys: Vec<String> = registers
            .as_array()
            .map(|a| a.iter().filter_map(|r| r["key"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        assert!(keys.len() >= 5, "{registers}");
        for key in keys {
            let mut found = BTreeSet::new();
            ids(&get(&format!("{base}/registers/{key}/records")), &mut found);
            for id in found.into_iter().take(15) {
                get(&format!("{base}/registers/{key}/records/{id}"));
                let mut files = BTreeSet::new();
                ids(&get(&format!("{base}/registers/{key}/records/{id}/files")), &mut files);
                for file in files {
                    let path = format!("{base}/registers/{key}/records/{id}/files/{file}");
                    let (status, bytes) = server.get(&path, cookie);
                    downloads.push((format!("{who} {path}"), (status, J::String(format!("{bytes:?}")))));
                }
            }
        }
    }
    assert!(!downloads.is_empty(), "the evidence files were read");
    out.extend(downloads);
    out
}

/// The two copies answer every read the same; returns how many reads were compared.
fn same_api(a: &Server, b: &Server, cookies: &[(&str, &str)]) -> usize {
    let (left, right) = (read_api(a, cookies), read_api(b, cookies));
    assert_eq!(left.keys().collect::<Vec<_>>(), right.keys().collect::<Vec<_>>());
    for (path, answer) in &left {
        assert_eq!(answer, &right[path], "{path}");
    }
    assert!(left.values().filter(|(status, _)| *status == 200).count() > 40, "the reads found data");
    let audit: Vec<_> = left.iter().filter(|(p, _)| p.ends_with("/api/v1/audit")).collect();
    assert!(audit.iter().any(|(_, (status, _))| *status == 200), "{audit:?}");
    left.len()
}

fn communication(i: usize) -> RecordInput {
    let def = register("truyen_thong").unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + chrono::Duration::days((i % 200) as i64);
    let typed: BTreeMap<String, String> = [
        ("kenh".to_owned(), "website".to_owned()),
        ("chu_de".to_owned(), format!("Tin số {i}")),
        ("dot_tuyen_truyen".to_owned(), "false".to_owned()),
    ]
    .into();
    RecordInput { unit: "vhxh".into(), date, fields: check_fields(def, date, &typed).unwrap(), sample: false }
}

async fn cli(dir: PathBuf, args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || kehoach(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_backed_up_under_writes_restores_into_postgres_and_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_owned();
    let source = sqlite_url(&d.join("xa.sqlite"));
    let demo = cli(d.clone(), vec!["demo".into(), "--database".into(), source.clone()]).await;
    assert!(demo.status.success(), "{}", text(&demo.stderr));

    // Evidence with every byte value, and sessions that must survive the move.
    let store = Store::connect(&source).await.unwrap();
    let record = store.records(PLAN, &RecordFilter::default()).await.unwrap()[0].record.id;
    let photo: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let file =
        NewFile { name: "biên bản họp.jpg", mime: "image/jpeg", sha256: "ab", data: &photo, now: Utc::now() };
    store.add_record_file(record, &file, TEST).await.unwrap();
    let mut cookies = Vec::new();
    for username in ["mau-dau-moi", "mau-lanh-dao", "mau-so-khcn"] {
        let user = store.user(username).await.unwrap().unwrap();
        let token = session::new_token();
        let now = Utc::now();
        store
            .create_session(
                user.id,
                &session::token_hash(&token),
                "csrf",
                None,
                now,
                now + chrono::Duration::days(3650),
            )
            .await
            .unwrap();
        cookies.push((username, format!("{}={token}", session::COOKIE)));
    }
    let before = store.record_count(PLAN, &RecordFilter::default()).await.unwrap();

    // Records are written while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (store, stop, written) = (store.clone(), stop.clone(), written.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) && i < 3_000 {
                i += 1;
                let outcome = store.add_record(PLAN, "truyen_thong", &communication(i), TEST, Utc::now()).await;
                assert!(matches!(outcome, Ok(RecordOutcome::Written(_))), "{outcome:?}");
                written.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    while written.load(Ordering::Relaxed) < 3 {
        tokio::task::yield_now().await;
    }
    let live = d.join("live.kbk.gz");
    let backup = cli(
        d.clone(),
        vec!["backup".into(), "-o".into(), live.display().to_string(), "--database".into(), source.clone()],
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    assert!(text(&backup.stdout).starts_with("đã sao lưu "), "{}", text(&backup.stdout));
    let after = store.record_count(PLAN, &RecordFilter::default()).await.unwrap();
    store.close().await.unwrap();

    // The live backup into PostgreSQL and into SQLite: one moment of the database, the same on both.
    let pg_live = TestDb::new(Backend::Postgres).await;
    let restore =
        cli(d.clone(), vec!["restore".into(), live.display().to_string(), "--database".into(), pg_live.url.clone()])
            .await;
    assert!(restore.status.success(), "{}", text(&restore.stderr));
    assert!(text(&restore.stdout).starts_with("đã khôi phục "), "{}", text(&restore.stdout));
    let sqlite_live = sqlite_url(&d.join("live.sqlite"));
    let restore =
        cli(d.clone(), vec!["restore".into(), live.display().to_string(), "--database".into(), sqlite_live.clone()])
            .await;
    assert!(restore.status.success(), "{}", text(&restore.stderr));
    let in_copy = {
        let copy = Store::connect(&pg_live.url).await.unwrap();
        let n = copy.record_count(PLAN, &RecordFilter::default()).await.unwrap();
        copy.close().await.unwrap();
        n
    };
    assert!(before <= in_copy && in_copy <= after, "{before} ≤ {in_copy} ≤ {after}");
    eprintln!("records: {before} before the backup, {in_copy} in it, {after} after it");
    let cookies: Vec<(&str, &str)> = cookies.iter().map(|(u, c)| (*u, c.as_str())).collect();
    {
        let (a, b) = (Server::start(&d, &sqlite_live), Server::start(&d, &pg_live.url));
        let compared = same_api(&a, &b, &cookies);
        eprintln!("live backup: {compared} reads the same on SQLite and PostgreSQL");
    }

    // Once the writes have stopped: the source and its copy in PostgreSQL answer the same, and
    // so does that copy moved back to SQLite.
    let quiet = d.join("quiet.kbk.gz");
    let backup = cli(
        d.clone(),
        vec!["backup".into(), "-o".into(), quiet.display().to_string(), "--database".into(), source.clone()],
    )
    .await;
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    let pg = TestDb::new(Backend::Postgres).await;
    let restore =
        cli(d.clone(), vec!["restore".into(), quiet.display().to_string(), "--database".into(), pg.url.clone()]).await;
    assert!(restore.status.success(), "{}", text(&restore.stderr));
    let back = d.join("back.kbk.gz");
    let backup = cli(
        d.clone(),
        vec!["backup".into(), "-o".into(), back.display().to_string(), "--database".into(), pg.url.clone()],
    )
    .await;
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    let sqlite_back = sqlite_url(&d.join("back.sqlite"));
    let restore =
        cli(d.clone(), vec!["restore".into(), back.display().to_string(), "--database".into(), sqlite_back.clone()])
            .await;
    assert!(restore.status.success(), "{}", text(&restore.stderr));
    {
        let (a, b, c) = (Server::start(&d, &source), Server::start(&d, &pg.url), Server::start(&d, &sqlite_back));
        let compared = same_api(&a, &b, &cookies);
        same_api(&a, &c, &cookies);
        eprintln!("quiet backup: {compared} reads the same on the source, in PostgreSQL and back in SQLite");
        let path = format!("/api/v1/plans/{PLAN}/registers");
        assert_eq!(b.get(&path, cookies[0].1).0, 200);
    }

    pg_live.finish().await;
    pg.finish().await;
}

#[test]
fn restore_refuses_a_full_database_and_a_damaged_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = kehoach(d, &["demo"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let backup = kehoach(d, &["backup", "-o", "xa.kbk.gz"]);
    assert!(backup.status.success(), "{}", text(&backup.stderr));
    assert!(!d.join("xa.kbk.gz.partial").exists());

    // Into the database it came from: not empty.
    let full = kehoach(d, &["restore", "xa.kbk.gz"]);
    assert_eq!(full.status.code(), Some(1));
    let err = text(&full.stderr);
    assert!(err.contains("đã có dữ liệu") && err.contains("không có gì được ghi"), "{err}");

    // Cut short, into an empty database: refused, and the database file is not even created.
    let bytes = std::fs::read(d.join("xa.kbk.gz")).unwrap();
    std::fs::write(d.join("cut.kbk.gz"), &bytes[..bytes.len() * 2 / 3]).unwrap();
    let target = sqlite_url(&d.join("moi.sqlite"));
    let cut = kehoach(d, &["restore", "cut.kbk.gz", "--database", &target]);
    assert_eq!(cut.status.code(), Some(1));
    let err = text(&cut.stderr);
    assert!(err.contains("bị hỏng hoặc không đầy đủ") && err.contains("không có gì được ghi"), "{err}");
    assert!(!d.join("moi.sqlite").exists());

    let no_database = kehoach(d, &["backup", "-o", "x.kbk.gz", "--database", "sqlite://khong-co.sqlite?mode=rwc"]);
    assert_eq!(no_database.status.code(), Some(1));
    assert!(text(&no_database.stderr).contains("không có cơ sở dữ liệu"), "{}", text(&no_database.stderr));
    assert!(!d.join("khong-co.sqlite").exists() && !d.join("x.kbk.gz").exists());

    let missing = kehoach(d, &["restore", "khong-co.kbk.gz", "--database", &target]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("không có tệp sao lưu"));

    // The whole file restores there.
    let ok = kehoach(d, &["restore", "xa.kbk.gz", "--database", &target]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let units = kehoach(d, &["unit", "list", "--database", &target]);
    assert!(text(&units.stdout).contains("ban-mau-1"), "{}", text(&units.stdout));
}
