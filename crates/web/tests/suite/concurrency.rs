//! A busy office at a deadline, on a real server: eight clients write at once for a few seconds
//! (register records, the same report saved at the same version by two people, evidence files,
//! a CSV import running meanwhile). No answer is a server error, and every write the server
//! acknowledged is there afterwards. On SQLite this runs on a file, as the product does (an
//! in-memory database has one connection and never contends).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use crate::live;
use live::{Request, send};

const API: &str = "/api/v1/plans/muong-la-2026";
const REPORT: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/ban-a";
/// How long the clients keep writing.
const RUN: Duration = Duration::from_secs(6);
/// Rows in each CSV import: enough to hold the write lock for a noticeable while.
const IMPORT_ROWS: usize = 400;

/// What the clients saw: answers by status, and the writes acknowledged.
#[derive(Default)]
struct Seen {
    statuses: BTreeMap<u16, usize>,
    records: Vec<i64>,
    files: usize,
    /// The records the files were added to, with how many each was acknowledged.
    file_records: Vec<(i64, usize)>,
    imported: usize,
    /// Rounds of two same-version saves: (answers 200, answers 409) each.
    rounds: Vec<(usize, usize)>,
    last_saved: Option<String>,
}

impl Seen {
    fn count(&mut self, status: u16) {
        *self.statuses.entry(status).or_default() += 1;
    }

    fn merge(&mut self, other: Seen) {
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.records.extend(other.records);
        self.files += other.files;
        self.file_records.extend(other.file_records);
        self.imported += other.imported;
        self.rounds.extend(other.rounds);
        self.last_saved = self.last_saved.take().or(other.last_saved);
    }
}

fn record(client: usize, n: usize) -> Value {
    json!({"unit": "vhxh", "date": "2026-02-10", "fields": {"kenh": "hop_ban", "chu_de": format!("Khách {client} lần {n}")}})
}

async fn creates_records(addr: std::net::SocketAddr, who: (String, String), client: usize) -> Seen {
    let mut seen = Seen::default();
    let start = Instant::now();
    let url = format!("{API}/registers/truyen_thong/records");
    let mut n = 0;
    while start.elapsed() < RUN {
        let r = send(addr, Request::new("POST", &url).by(&who).json(&record(client, n))).await;
        seen.count(r.status);
        if r.status == 201 {
            seen.records.push(r.json()["id"].as_i64().expect("the new record's id"));
        }
        n += 1;
    }
    seen
}

async fn uploads_files(addr: std::net::SocketAddr, who: (String, String)) -> Seen {
    let mut seen = Seen::default();
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    let start = Instant::now();
    let mut n = 0;
    'records: while start.elapsed() < RUN {
        let made = send(
            addr,
            Request::new("POST", &format!("{API}/registers/truyen_thong/records")).by(&who).json(&record(99, n)),
        )
        .await;
        seen.count(made.status);
        let Some(id) = made.json()["id"].as_i64().filter(|_| made.status == 201) else { continue };
        seen.records.push(id);
        seen.file_records.push((id, 0));
        let url = format!("{API}/registers/truyen_thong/records/{id}/files");
        // A record takes ten files: then the next record.
        for _ in 0..10 {
            if start.elapsed() >= RUN {
                break 'records;
            }
            let (content_type, body) = live::multipart_file("file", &format!("anh-{n}.png"), "image/png", &png);
            let r = send(addr, Request::new("POST", &url).by(&who).body(&content_type, body)).await;
            seen.count(r.status);
            if r.status == 201 {
                seen.files += 1;
                if let Some(last) = seen.file_records.last_mut() {
                    last.1 += 1;
                }
            }
            n += 1;
        }
    }
    seen
}

async fn imports_csv(addr: std::net::SocketAddr, who: (String, String)) -> Seen {
    let mut seen = Seen::default();
    let url = format!("{API}/registers/truyen_thong/import");
    let start = Instant::now();
    let mut batch = 0;
    while start.elapsed() < RUN {
        let mut csv = String::from("unit,date,kenh,chu_de,so_nguoi,dot_tuyen_truyen\n");
        for row in 0..IMPORT_ROWS {
            csv.push_str(&format!("vhxh,2026-02-{:02},website,Nhập {batch} dòng {row},10,không\n", 1 + row % 28));
        }
        let r = send(addr, Request::new("POST", &url).by(&who).body("text/csv", csv.into_bytes())).await;
        seen.count(r.status);
        if r.status == 201 {
            seen.imported += r.json()["added"].as_u64().unwrap() as usize;
        }
        batch += 1;
    }
    seen
}

/// Two people save the report at the same version, again and again: one wins, one is told.
async fn saves_reports(addr: std::net::SocketAddr, one: (String, String), two: (String, String)) -> Seen {
    let mut seen = Seen::default();
    let start = Instant::now();
    let mut round = 0;
    while start.elapsed() < RUN {
        let current = send(addr, Request::new("GET", REPORT).by(&one)).await;
        seen.count(current.status);
        let current = current.json();
        let version = current["version"].as_i64().expect("a version");
        let save = |who: (String, String), text: String| {
            let mut body = current["body"].clone();
            body["difficulties"] = json!(text);
            async move {
                send(addr, Request::new("PUT", REPORT).by(&who).json(&json!({"version": version, "body": body}))).await
            }
        };
        let (a_text, b_text) = (format!("Vòng {round}: bản A"), format!("Vòng {round}: đầu mối"));
        let (a, b) = tokio::join!(save(one.clone(), a_text.clone()), save(two.clone(), b_text.clone()));
        seen.count(a.status);
        seen.count(b.status);
        let ok = [&a, &b].iter().filter(|r| r.status == 200).count();
        let conflict = [&a, &b].iter().filter(|r| r.status == 409).count();
        for loser in [&a, &b].into_iter().filter(|r| r.status == 409) {
            assert!(
                loser.json()["current"]["version"].as_i64().is_some(),
                "the 409 carries the current report: {}",
                loser.text()
            );
        }
        seen.rounds.push((ok, conflict));
        if a.status == 200 {
            seen.last_saved = Some(a_text);
        } else if b.status == 200 {
            seen.last_saved = Some(b_text);
        }
        round += 1;
    }
    seen
}

async fn busy_office(store: Store) {
    common::commune(&store).await;
    // 1 March 2026, 09:00 in Vietnam: the first quarter's report is open.
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap()));
    let addr = live::serve(store.clone(), clock, kehoach_web::TrustedProxies::default()).await;
    let officer = common::session_of(&store, "dau-moi").await;
    let village = common::session_of(&store, "ban-a").await;

    let mut clients = Vec::new();
    for client in 0..5 {
        clients.push(tokio::spawn(creates_records(addr, officer.clone(), client)));
    }
    clients.push(tokio::spawn(uploads_files(addr, officer.clone())));
    clients.push(tokio::spawn(imports_csv(addr, officer.clone())));
    clients.push(tokio::spawn(saves_reports(addr, village.clone(), officer.clone())));
    let mut seen = Seen::default();
    for client in clients {
        seen.merge(client.await.expect("a client panicked"));
    }

    let total: usize = seen.statuses.values().sum();
    let server_errors: usize = seen.statuses.iter().filter(|(s, _)| **s >= 500).map(|(_, n)| n).sum();
    eprintln!(
        "{:?}: {total} requests, answers {:?}, {} records, {} files, {} rows imported, {} save rounds",
        store.backend(),
        seen.statuses,
        seen.records.len(),
        seen.files,
        seen.imported,
        seen.rounds.len()
    );
    assert_eq!(server_errors, 0, "no server errors: {:?}", seen.statuses);
    let unexpected: Vec<_> = seen.statuses.keys().filter(|s| ![200, 201, 409].contains(*s)).collect();
    assert!(unexpected.is_empty(), "only successes and report conflicts: {:?}", seen.statuses);
    assert!(
        seen.records.len() > 8 && seen.files > 0 && seen.imported > 0 && !seen.rounds.is_empty(),
        "every client wrote"
    );
    for (ok, conflict) in &seen.rounds {
        assert_eq!((*ok, *conflict), (1, 1), "one save wins, the other is told: {:?}", seen.rounds);
    }

    // Every acknowledged write is there.
    for id in &seen.records {
        let found = store.record("muong-la-2026", i32::try_from(*id).unwrap()).await.unwrap();
        assert!(found.is_some(), "record {id} was acknowledged and is missing");
    }
    let counts = store.register_counts("muong-la-2026").await.unwrap();
    assert_eq!(counts.get("truyen_thong").copied().unwrap_or(0) as usize, seen.records.len() + seen.imported);
    for (id, files) in &seen.file_records {
        let listed =
            send(addr, Request::new("GET", &format!("{API}/registers/truyen_thong/records/{id}/files")).by(&officer))
                .await;
        assert_eq!(listed.status, 200);
        assert_eq!(
            listed.json().as_array().map_or(0, Vec::len),
            *files,
            "every acknowledged file of record {id} is there"
        );
    }
    let report = send(addr, Request::new("GET", REPORT).by(&village)).await.json();
    assert_eq!(report["version"].as_u64().unwrap() as usize, seen.rounds.len(), "one version per round won");
    assert_eq!(report["body"]["difficulties"].as_str(), seen.last_saved.as_deref());
}

/// A SQLite file of its own in the temporary directory, removed afterwards.
struct SqliteFile(std::path::PathBuf);

impl Drop for SqliteFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_busy_office_on_sqlite_gets_no_server_error_and_loses_nothing() {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let file =
        SqliteFile(std::env::temp_dir().join(format!("kehoach-concurrency-{}-{nanos}.sqlite", std::process::id())));
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", file.0.display())).await.unwrap();
    busy_office(store.clone()).await;
    store.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_busy_office_on_postgres_gets_no_server_error_and_loses_nothing() {
    let db = kehoach_store::testing::TestDb::new(kehoach_store::testing::Backend::Postgres).await;
    busy_office(db.store.clone()).await;
    db.finish().await;
}

on_both_databases!(
    /// Two admins (here eight requests) add the same unit code at once: one is added, the others
    /// are told the code is taken. On PostgreSQL both pass the check before either inserts, and
    /// the unique index refuses the second: a conflict, not a server error.
    async fn one_unit_code_added_at_once_is_added_once(store) {
        common::commune(&store).await;
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap()));
        let addr = live::serve(store.clone(), clock, kehoach_web::TrustedProxies::default()).await;
        let who = common::session_of(&store, "quan-tri").await;
        let adds: Vec<_> = (0..8)
            .map(|i| {
                let who = who.clone();
                let unit = json!({"code": "ban-moi", "name": format!("Bản Mới {i}"), "kind": "village", "sample": true});
                tokio::spawn(async move { send(addr, Request::new("POST", &format!("{API}/units")).by(&who).json(&unit)).await })
            })
            .collect();
        let mut statuses = BTreeMap::new();
        for add in adds {
            let r = add.await.unwrap();
            if r.status == 409 {
                assert_eq!(r.json()["error"]["code"], "conflict", "{}", r.text());
            }
            *statuses.entry(r.status).or_insert(0) += 1;
        }
        assert_eq!(statuses, BTreeMap::from([(201, 1), (409, 7)]));
    }
);
