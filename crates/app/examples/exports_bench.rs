//! How long the exports take for a commune with N register records: the .xlsx (and .csv) of
//! every register, Appendix I with results, and the quarter's commune report as .docx —
//! reading from SQLite and writing the files, as a download does. Run in release:
//!
//! `cargo run --release -p kehoach-app --example exports_bench -- 10000`

use std::time::Instant;

use chrono::NaiveDate;
use kehoach_app::App;
use kehoach_app::tables::{Format, Which, export};
use kehoach_domain::Lang;
use kehoach_domain::register::{REGISTERS, register};
use kehoach_store::{Actor, Store};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let path = std::env::temp_dir().join(format!("kehoach-tables-bench-{n}.sqlite"));
    let _ = std::fs::remove_file(&path);
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).map_err(|p| format!("{p:?}"))?;
    store.import_plan(&plan, Actor::CLI).await?;
    let plan = store.plan(&plan.id).await?.ok_or("plan")?;

    let load = Instant::now();
    let made = kehoach_store::testing::bench_records(&store, &plan.id, n).await?;
    println!("{made} records written in {:.2} s", load.elapsed().as_secs_f64());

    let state = App::at_system_time(store.clone());
    let mut runs = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let t0 = Instant::now();
        size = 0;
        for def in REGISTERS {
            let which = Which::Register { key: def.key.to_owned(), unit: None, from: None, to: None };
            size += export(&state, &plan.id, &which, Format::Xlsx, Lang::Vi).await?.bytes.len();
        }
        runs.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "every register as .xlsx ({} files, {made} records, {} KB): median {:.0} ms (min {:.0}, max {:.0})",
        REGISTERS.len(),
        size / 1024,
        runs[2],
        runs[0],
        runs[4]
    );
    let t0 = Instant::now();
    let which = Which::Register { key: "truyen_thong".into(), unit: None, from: None, to: None };
    let records = kehoach_app::tables::register_records(
        &state,
        &plan.id,
        register("truyen_thong").ok_or("def")?,
        None,
        None,
        None,
    )
    .await?;
    let t1 = Instant::now();
    let one = export(&state, &plan.id, &which, Format::Xlsx, Lang::Vi).await?;
    println!(
        "the largest, truyen_thong ({} records): read {:.0} ms, read and write {:.0} ms, {} KB",
        records.len(),
        (t1 - t0).as_secs_f64() * 1000.0,
        t1.elapsed().as_secs_f64() * 1000.0,
        one.bytes.len() / 1024
    );
    let t0 = Instant::now();
    for def in REGISTERS {
        let which = Which::Register { key: def.key.to_owned(), unit: None, from: None, to: None };
        export(&state, &plan.id, &which, Format::Csv, Lang::Vi).await?;
    }
    println!("every register as .csv: {:.0} ms", t0.elapsed().as_secs_f64() * 1000.0);
    let t0 = Instant::now();
    let at = NaiveDate::from_ymd_opt(2026, 9, 30);
    export(&state, &plan.id, &Which::Appendix1 { at }, Format::Xlsx, Lang::Vi).await?;
    println!("Appendix I with results as .xlsx: {:.0} ms", t0.elapsed().as_secs_f64() * 1000.0);
    // The quarter's commune report, with Phụ lục I computed from the registers.
    let mut runs = Vec::new();
    let mut size = 0;
    for _ in 0..5 {
        let t0 = Instant::now();
        let (_, bytes) = kehoach_app::documents::commune_report(&state, &plan.id, "2026-Q3", None, true).await?;
        size = bytes.len();
        runs.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "the Q3 commune report as .docx ({} KB): median {:.0} ms (min {:.0}, max {:.0})",
        size / 1024,
        runs[2],
        runs[0],
        runs[4]
    );
    store.close().await?;
    let _ = std::fs::remove_file(&path);
    Ok(())
}
