//! How long a backup and a restore take, and how large the file is, for a commune with N
//! register records and F evidence files of 200 KB (photos do not compress). Restores into a
//! SQLite file, and into PostgreSQL at `KEHOACH_TEST_PG_URL` (or the tests' default).
//!
//! `cargo run --release -p kehoach-store --example backup_bench -- 10000 100`

use std::time::Instant;

use chrono::Utc;
use kehoach_store::testing::{Backend, TestDb};
use kehoach_store::{Actor, NewFile, RecordFilter, Store};

fn photo(seed: usize) -> Vec<u8> {
    let mut x = seed as u64 | 1;
    (0..200 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// The process's peak resident memory so far (Linux), in MB.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let files: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(0);
    let dir = std::env::temp_dir();
    let source = dir.join(format!("kehoach-backup-bench-{n}.sqlite"));
    let copy = dir.join(format!("kehoach-backup-bench-{n}-copy.sqlite"));
    let backup = dir.join(format!("kehoach-backup-bench-{n}.kbk.gz"));
    for f in [&source, &copy] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
        }
    }
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", source.display())).await?;
    let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).map_err(|p| format!("{p:?}"))?;
    store.import_plan(&plan, Actor::CLI).await?;
    let made = kehoach_store::testing::bench_records(&store, &plan.id, n).await?;
    let ids: Vec<i32> = store
        .records(&plan.id, &RecordFilter { limit: Some(files as u64), ..RecordFilter::default() })
        .await?
        .iter()
        .map(|r| r.record.id)
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let data = photo(i);
        let file = NewFile { name: "anh.jpg", mime: "image/jpeg", sha256: "-", data: &data, now: Utc::now() };
        store.add_record_file(*id, &file, Actor::CLI).await?;
    }
    store.close().await?;
    let db_size = std::fs::metadata(&source)?.len();

    println!("peak memory after filling: {:.0} MB", peak_mb());
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", source.display())).await?;
    let t = Instant::now();
    let summary = store.backup(std::io::BufWriter::new(std::fs::File::create(&backup)?), Utc::now()).await??;
    let took = t.elapsed().as_secs_f64();
    store.close().await?;
    let size = std::fs::metadata(&backup)?.len();
    println!(
        "{made} records, {} files: SQLite file {:.1} MB; backup {:.1} MB, {} rows of {} tables, in {took:.2} s",
        ids.len(),
        db_size as f64 / 1048576.0,
        size as f64 / 1048576.0,
        summary.rows,
        summary.tables
    );

    println!("peak memory after the backup: {:.0} MB", peak_mb());
    let open = || std::fs::File::open(&backup);
    let t = Instant::now();
    kehoach_store::restore(&format!("sqlite://{}?mode=rwc", copy.display()), open)
        .await?
        .map_err(|r| format!("{r:?}"))?;
    println!("restore into SQLite: {:.2} s", t.elapsed().as_secs_f64());
    let pg = TestDb::new(Backend::Postgres).await;
    let t = Instant::now();
    kehoach_store::restore(&pg.url, open).await?.map_err(|r| format!("{r:?}"))?;
    println!("restore into PostgreSQL: {:.2} s", t.elapsed().as_secs_f64());
    pg.finish().await;
    println!("peak memory after both restores: {:.0} MB", peak_mb());
    for f in [&source, &copy] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
        }
    }
    let _ = std::fs::remove_file(&backup);
    Ok(())
}
