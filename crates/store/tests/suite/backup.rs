//! Backups and restores: every table of the schema, across engines, under concurrent writes,
//! and refusals that write nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use kehoach_domain::register::{check_fields, register};
use kehoach_store::testing::{Backend, TestDb, bench_records};
use kehoach_store::{Actor, NewFile, RecordInput, RecordOutcome, RestoreRefusal, Store, restore};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::Value as J;

const TEST: Actor<'static> = Actor { name: "test", address: Some("10.0.0.9") };
const PLAN: &str = "muong-la-2026";

/// A database a test can open twice (SQLite in a file, not in memory), dropped at the end.
struct Target {
    url: String,
    pg: Option<TestDb>,
    file: Option<PathBuf>,
}

impl Target {
    /// An empty database: a SQLite file that does not exist yet, or a migrated, empty
    /// PostgreSQL database.
    async fn new(backend: Backend) -> Target {
        match backend {
            Backend::Sqlite => {
                static N: AtomicUsize = AtomicUsize::new(0);
                let file = std::env::temp_dir().join(format!(
                    "kehoach-backup-test-{}-{}-{}.sqlite",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed),
                    Utc::now().timestamp_subsec_nanos()
                ));
                Target { url: format!("sqlite://{}?mode=rwc", file.display()), pg: None, file: Some(file) }
            }
            Backend::Postgres => {
                let db = TestDb::new(Backend::Postgres).await;
                Target { url: db.url.clone(), pg: Some(db), file: None }
            }
        }
    }

    async fn store(&self) -> Store {
        Store::connect(&self.url).await.unwrap()
    }

    async fn finish(self) {
        if let Some(db) = self.pg {
            db.finish().await;
        }
        if let Some(file) = self.file {
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{}{suffix}", file.display())).ok();
            }
        }
    }
}

fn all_bytes() -> Vec<u8> {
    (0..=255u8).cycle().take(70_000).collect()
}

fn communication(i: usize) -> RecordInput {
    let def = register("truyen_thong").unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days((i % 300) as i64);
    let typed: BTreeMap<String, String> = [
        ("kenh".to_owned(), "hop_ban".to_owned()),
        ("chu_de".to_owned(), format!("Chuyển đổi số lần {i} — “trích dẫn”, ký tự ổ")),
        ("dot_tuyen_truyen".to_owned(), i.is_multiple_of(2).to_string()),
    ]
    .into();
    RecordInput { unit: "vhxh".into(), date, fields: check_fields(def, date, &typed).unwrap(), sample: false }
}

/// A commune with its plan, registers, an evidence file holding every byte value, a unit
/// report and audit rows: every kind of column the schema has (booleans, dates, timestamps,
/// floats, blobs, JSON kept as text).
async fn fill(store: &Store) {
    let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap();
    store.import_plan(&plan, TEST).await.unwrap();
    bench_records(store, PLAN, 200).await.unwrap();
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 2, 3, 4).unwrap() + chrono::Duration::nanoseconds(123_456_000);
    let RecordOutcome::Written(record) =
        store.add_record(PLAN, "truyen_thong", &communication(0), TEST, at).await.unwrap()
    else {
        panic!("record refused")
    };
    let data = all_bytes();
    let file = NewFile { name: "ảnh biên bản.png", mime: "image/png", sha256: "00", data: &data, now: at };
    store.add_record_file(record.record.id, &file, TEST).await.unwrap();
}

/// A backup as JSON lines, decompressed.
fn lines(backup: &[u8]) -> Vec<J> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(backup).read_to_string(&mut text).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Table name → (columns, rows), timestamps cut to the microsecond (what PostgreSQL keeps;
/// SQLite keeps nanoseconds), without the migrations table's applied-at times.
fn tables(backup: &[u8]) -> BTreeMap<String, (J, Vec<J>)> {
    let mut out = BTreeMap::new();
    let mut current: Option<(String, J, Vec<J>)> = None;
    for line in lines(backup).into_iter().skip(1) {
        match line {
            J::Object(o) if o.contains_key("table") => {
                current = Some((o["table"].as_str().unwrap().to_owned(), o["columns"].clone(), Vec::new()));
            }
            J::Object(o) if o.contains_key("end") => {
                let (name, columns, rows) = current.take().unwrap();
                assert_eq!(o["rows"].as_u64().unwrap(), rows.len() as u64);
                let rows = if name == "seaql_migrations" {
                    rows.into_iter().map(|r| r[0].clone()).collect()
                } else {
                    rows.into_iter().map(micros).collect()
                };
                out.insert(name, (columns, rows));
            }
            J::Array(row) => current.as_mut().unwrap().2.push(J::Array(row)),
            _ => {}
        }
    }
    out
}

fn micros(v: J) -> J {
    match v {
        J::Array(vs) => J::Array(vs.into_iter().map(micros).collect()),
        J::String(s) => match DateTime::parse_from_rfc3339(&s) {
            Ok(t) if s.contains('T') => J::String(
                Utc.timestamp_micros(t.timestamp_micros())
                    .unwrap()
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            ),
            _ => J::String(s),
        },
        other => other,
    }
}

async fn backup_of(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    store.backup(&mut out, Utc::now()).await.unwrap().unwrap();
    out
}

/// The tables of the schema, read here without the store's help.
async fn schema_tables(url: &str) -> BTreeSet<String> {
    let db = Database::connect(url).await.unwrap();
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        _ => "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    let names = rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect();
    db.close().await.unwrap();
    names
}

async fn count(url: &str, table: &str) -> i64 {
    let db = Database::connect(url).await.unwrap();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) FROM {table}")))
        .await
        .unwrap()
        .unwrap();
    let n = row.try_get_by_index::<i64>(0).unwrap();
    db.close().await.unwrap();
    n
}

async fn restored(file: &[u8], url: &str) -> Result<kehoach_store::RestoreSummary, RestoreRefusal> {
    let bytes = file.to_vec();
    restore(url, || Ok(std::io::Cursor::new(bytes.clone()))).await.unwrap()
}

/// Backs up a filled database of one engine, restores it into the other (and the same), backs
/// the copy up again: every table, every row, every value is the same; the store reads the
/// same plan, records and file bytes; new rows get fresh ids after the restored ones.
async fn round_trip(from: Backend, to: Backend) {
    let source = Target::new(from).await;
    let store = source.store().await;
    fill(&store).await;
    let first = backup_of(&store).await;

    let header = &lines(&first)[0];
    let listed: BTreeSet<String> =
        header["tables"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect();
    assert_eq!(listed, schema_tables(&source.url).await, "every table of the schema is in the backup");
    assert_eq!(tables(&first).keys().cloned().collect::<BTreeSet<_>>(), listed);
    assert!(header["migrations"].as_array().unwrap().len() >= 10);

    let target = Target::new(to).await;
    let summary = restored(&first, &target.url).await.unwrap();
    assert_eq!(summary.tables, listed.len());
    let copy = target.store().await;
    let second = backup_of(&copy).await;
    let (a, b) = (tables(&first), tables(&second));
    for (name, (columns, rows)) in &a {
        let (columns_b, rows_b) = &b[name];
        assert_eq!(columns, columns_b, "columns of {name}");
        assert_eq!(rows.len(), rows_b.len(), "rows of {name}");
        assert!(rows == rows_b, "the rows of {name} differ after {from:?} → {to:?}");
    }
    assert_eq!(a.len(), b.len());

    assert_eq!(copy.plan(PLAN).await.unwrap(), store.plan(PLAN).await.unwrap());
    assert_eq!(copy.register_counts(PLAN).await.unwrap(), store.register_counts(PLAN).await.unwrap());
    let ids = copy.records_for_measures(PLAN, &["truyen_thong".to_owned()]).await.unwrap();
    let with_file = ids.iter().map(|r| r.id).max().unwrap();
    let files = copy.record_files(with_file).await.unwrap();
    let (info, bytes) = copy.record_file(with_file, files[0].id).await.unwrap().unwrap();
    assert_eq!(bytes, all_bytes(), "file bytes survive");
    assert_eq!(info.name, "ảnh biên bản.png");
    assert_eq!(copy.audit_trail("register_record", &with_file.to_string()).await.unwrap().len(), 2);

    // Sequences start after the restored ids.
    let RecordOutcome::Written(next) =
        copy.add_record(PLAN, "truyen_thong", &communication(1), TEST, Utc::now()).await.unwrap()
    else {
        panic!("record refused")
    };
    assert!(next.record.id > with_file);

    store.close().await.unwrap();
    copy.close().await.unwrap();
    source.finish().await;
    target.finish().await;
}

#[tokio::test]
async fn sqlite_to_postgres_keeps_every_table_and_value() {
    round_trip(Backend::Sqlite, Backend::Postgres).await;
}

#[tokio::test]
async fn postgres_to_sqlite_keeps_every_table_and_value() {
    round_trip(Backend::Postgres, Backend::Sqlite).await;
}

#[tokio::test]
async fn sqlite_to_sqlite_keeps_every_table_and_value() {
    round_trip(Backend::Sqlite, Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_to_postgres_keeps_every_table_and_value() {
    round_trip(Backend::Postgres, Backend::Postgres).await;
}

/// The ids of the records in a backup, and of those with a `register.add` audit row.
fn audited(backup: &[u8]) -> (BTreeSet<i64>, BTreeSet<i64>) {
    let t = tables(backup);
    let position = |columns: &J, name: &str| columns.as_array().unwrap().iter().position(|c| c[0] == name).unwrap();
    let (columns, rows) = &t["register_records"];
    let id = position(columns, "id");
    let records = rows.iter().map(|r| r[id].as_i64().unwrap()).collect();
    let (columns, rows) = &t["audit_log"];
    let (action, key) = (position(columns, "action"), position(columns, "record_key"));
    let added = rows
        .iter()
        .filter(|r| r[action] == "register.add")
        .map(|r| r[key].as_str().unwrap().parse::<i64>().unwrap())
        .collect();
    (records, added)
}

/// A backup taken while records are being written is one moment of the database: every record
/// in it has its audit row and no audit row names a record missing from it.
async fn consistent_under_writes(from: Backend) {
    let source = Target::new(from).await;
    let store = source.store().await;
    fill(&store).await;
    let before = backup_of(&store).await;
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (store, stop, written) = (store.clone(), stop.clone(), written.clone());
        tokio::spawn(async move {
            let mut i = 0;
            // Bounded by count as well as by the backup's end.
            while !stop.load(Ordering::Relaxed) && i < 5_000 {
                i += 1;
                let outcome = store.add_record(PLAN, "truyen_thong", &communication(i), TEST, Utc::now()).await;
                assert!(matches!(outcome, Ok(RecordOutcome::Written(_))), "{outcome:?}");
                written.fetch_add(1, Ordering::Relaxed);
                tokio::task::yield_now().await;
            }
        })
    };
    // Let the writer start before the backup begins.
    while written.load(Ordering::Relaxed) < 5 {
        tokio::task::yield_now().await;
    }
    let mut backups = Vec::new();
    for _ in 0..3 {
        backups.push(backup_of(&store).await);
    }
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    let total = written.load(Ordering::Relaxed);

    let (base_records, base_added) = audited(&before);
    assert_eq!(base_added.len(), 1);
    for backup in &backups {
        let (records, added) = audited(backup);
        assert!(added.is_subset(&records), "every audited record is in the backup");
        assert_eq!(
            records.len() - added.len(),
            base_records.len() - base_added.len(),
            "every record written one by one is audited"
        );
    }
    // The last backup restores into the other engine and holds what it says.
    let target = Target::new(if from == Backend::Sqlite { Backend::Postgres } else { Backend::Sqlite }).await;
    let last = backups.last().unwrap();
    restored(last, &target.url).await.unwrap();
    let in_file = tables(last)["register_records"].1.len() as i64;
    assert_eq!(count(&target.url, "register_records").await, in_file);
    assert!(in_file <= 201 + total as i64);
    store.close().await.unwrap();
    source.finish().await;
    target.finish().await;
}

#[tokio::test]
async fn a_sqlite_backup_under_writes_is_one_moment() {
    consistent_under_writes(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_postgres_backup_under_writes_is_one_moment() {
    consistent_under_writes(Backend::Postgres).await;
}

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

/// The backup's lines, changed by `edit`, compressed again.
fn edited(backup: &[u8], edit: impl Fn(&mut Vec<J>)) -> Vec<u8> {
    let mut ls = lines(backup);
    edit(&mut ls);
    gzip(&ls.iter().map(|l| format!("{l}\n")).collect::<String>())
}

/// Damaged, cut, foreign, newer and mismatched files are refused and write nothing; a
/// database with data is refused; the good file then restores into the same database.
async fn refusals(to: Backend) {
    let source = Target::new(Backend::Sqlite).await;
    let store = source.store().await;
    fill(&store).await;
    let good = backup_of(&store).await;
    let target = Target::new(to).await;

    let cut = good[..good.len() / 2].to_vec();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let without_end = {
        let text: String = lines(&good).iter().map(|l| format!("{l}\n")).collect();
        let keep = text.trim_end().rfind('\n').unwrap() + 1;
        gzip(&text[..keep])
    };
    let lost_row = edited(&good, |ls| {
        let at = ls.iter().position(J::is_array).unwrap();
        ls.remove(at);
    });
    let bad_value = edited(&good, |ls| {
        let table = ls.iter().position(|l| l["table"] == "register_files").unwrap();
        let data = ls[table]["columns"].as_array().unwrap().iter().position(|c| c[0] == "data").unwrap();
        ls[table + 1][data] = J::from("not base64 ***");
    });
    let newer_schema = edited(&good, |ls| ls[0]["migrations"].as_array_mut().unwrap().push("m9999_future".into()));
    let newer_format = edited(&good, |ls| ls[0]["version"] = 99.into());
    for (file, expected) in [
        (cut, "damaged"),
        (flipped, "damaged"),
        (without_end, "damaged"),
        (lost_row, "damaged"),
        (bad_value, "damaged"),
        (b"not a backup at all".to_vec(), "damaged"),
        (gzip("{\"hello\":1}\n"), "not a backup"),
        (Vec::new(), "not a backup"),
        (newer_schema, "newer schema"),
        (newer_format, "newer format"),
    ] {
        let refusal = restored(&file, &target.url).await.unwrap_err();
        let kind = match &refusal {
            RestoreRefusal::Damaged(_) => "damaged",
            RestoreRefusal::NotABackup => "not a backup",
            RestoreRefusal::NewerSchema(m) if m == "m9999_future" => "newer schema",
            RestoreRefusal::NewerFormat(99) => "newer format",
            _ => "other",
        };
        // A file that is not gzip at all fails its first line: it is damaged or not a backup.
        assert!(kind == expected || (expected == "damaged" && kind == "not a backup"), "{expected}: {refusal:?}");
    }
    // Nothing was written: the database is still empty, and the good file restores.
    restored(&good, &target.url).await.unwrap();
    assert_eq!(count(&target.url, "register_files").await, 1);

    // Now it holds data: a second restore is refused and changes nothing.
    match restored(&good, &target.url).await {
        Err(RestoreRefusal::NotEmpty(_)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&target.url, "register_files").await, 1);
    assert_eq!(count(&target.url, "plans").await, 1);

    store.close().await.unwrap();
    source.finish().await;
    target.finish().await;
}

#[tokio::test]
async fn damaged_files_and_full_databases_are_refused_on_sqlite() {
    refusals(Backend::Sqlite).await;
}

#[tokio::test]
async fn damaged_files_and_full_databases_are_refused_on_postgres() {
    refusals(Backend::Postgres).await;
}

/// A large evidence file (8 MB) round-trips, on a line of its own.
#[tokio::test]
async fn a_large_file_round_trips() {
    let source = Target::new(Backend::Sqlite).await;
    let store = source.store().await;
    fill(&store).await;
    let record = store.records_for_measures(PLAN, &["can_bo".to_owned()]).await.unwrap()[0].id;
    let big: Vec<u8> = (0..8u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let file = NewFile { name: "scan.pdf", mime: "application/pdf", sha256: "11", data: &big, now: Utc::now() };
    let info = store.add_record_file(record, &file, TEST).await.unwrap();
    let backup = backup_of(&store).await;
    let mut reader = BufReader::new(flate2::read::GzDecoder::new(&backup[..]));
    let mut longest = 0;
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap() > 0 {
        longest = longest.max(line.len());
        line.clear();
    }
    assert!(longest < (12 << 20), "one row per line");
    let target = Target::new(Backend::Postgres).await;
    restored(&backup, &target.url).await.unwrap();
    let copy = target.store().await;
    assert_eq!(copy.record_file(record, info.id).await.unwrap().unwrap().1, big);
    copy.close().await.unwrap();
    store.close().await.unwrap();
    source.finish().await;
    target.finish().await;
}
