//! How long computing every indicator of a commune takes with N register records: loading the
//! records the measures read from SQLite, and running the engine. Run in release:
//!
//! `cargo run --release -p kehoach-store --example progress_bench -- 10000`

use std::time::Instant;

use chrono::NaiveDate;
use kehoach_domain::measure::{self, Sources};
use kehoach_store::{Actor, Store};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let path = std::env::temp_dir().join(format!("kehoach-bench-{n}.sqlite"));
    let _ = std::fs::remove_file(&path);
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).map_err(|p| format!("{p:?}"))?;
    store.import_plan(&plan, Actor::CLI).await?;
    let plan = store.plan(&plan.id).await?.ok_or("plan")?;

    let load = Instant::now();
    let made = kehoach_store::testing::bench_records(&store, &plan.id, n).await?;
    println!("{made} records written in {:.2} s", load.elapsed().as_secs_f64());

    let at = NaiveDate::from_ymd_opt(2026, 9, 30).ok_or("date")?;
    let registers: Vec<String> = measure::registers_used(&plan).into_iter().collect();
    let mut loads = Vec::new();
    let mut computes = Vec::new();
    for _ in 0..7 {
        let t0 = Instant::now();
        let records = store.records_for_measures(&plan.id, &registers).await?;
        let t1 = Instant::now();
        let progress = measure::progress_of_plan(&plan, &Sources::new(&records, &[]), at);
        let t2 = Instant::now();
        assert_eq!(progress.len(), plan.indicators.len());
        loads.push((t1 - t0).as_secs_f64() * 1000.0);
        computes.push((t2 - t1).as_secs_f64() * 1000.0);
    }
    loads.sort_by(f64::total_cmp);
    computes.sort_by(f64::total_cmp);
    println!(
        "{n} records, {} indicators: load median {:.1} ms (min {:.1}), compute median {:.1} ms (min {:.1}), total median {:.1} ms",
        plan.indicators.len(),
        loads[3],
        loads[0],
        computes[3],
        computes[0],
        loads[3] + computes[3]
    );
    store.close().await?;
    let _ = std::fs::remove_file(&path);
    Ok(())
}
