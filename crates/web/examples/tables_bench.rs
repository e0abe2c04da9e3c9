//! How long producing the .xlsx of every register takes for a commune with N records (and
//! Appendix I with results, and every register's CSV): reading the records from SQLite and
//! writing the files, as a download does. Run in release:
//!
//! `cargo run --release -p kehoach-web --example tables_bench -- 10000`

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, NaiveDate, Utc};
use kehoach_domain::Lang;
use kehoach_domain::register::{REGISTERS, check_fields, register};
use kehoach_store::{Actor, RecordInput, Store};
use kehoach_web::tables::{Format, Which, export};
use kehoach_web::{AppState, SystemClock};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let path = std::env::temp_dir().join(format!("kehoach-tables-bench-{n}.sqlite"));
    let _ = std::fs::remove_file(&path);
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).map_err(|p| format!("{p:?}"))?;
    store.import_plan(&plan, Actor::CLI).await?;
    let plan = store.plan(&plan.id).await?.ok_or("plan")?;

    // The records of the progress bench: staff, businesses, results, procedures, then events.
    // Staff, businesses, results and procedures first (others point at them), then the events.
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("date")?;
    let mut made = 0;
    let base = n / 10;
    let batch = |key: &str, count: usize, fields: &dyn Fn(usize) -> Vec<(&'static str, String)>| {
        let def = register(key).expect("register");
        (0..count)
            .map(|i| {
                let date = start + Duration::days((i % 700) as i64);
                let typed: BTreeMap<String, String> = fields(i).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                let fields = check_fields(def, date, &typed).expect("valid");
                (i + 2, RecordInput { unit: "vhxh".into(), date, fields, sample: true })
            })
            .collect::<Vec<_>>()
    };
    let load = Instant::now();
    let staff =
        batch("can_bo", base, &|i| vec![("ho_ten", format!("Cán bộ {i}")), ("chuyen_mon", (i % 2 == 0).to_string())]);
    let businesses =
        batch("co_so_kd", base, &|i| vec![("ten", format!("Cơ sở {i}")), ("loai", "ho_kinh_doanh".into())]);
    let results =
        batch("ket_qua_khcn", base, &|i| vec![("ten", format!("Kết quả {i}")), ("phu_hop", (i % 3 != 0).to_string())]);
    let procedures =
        batch("thu_tuc", base, &|i| vec![("ten", format!("Thủ tục {i}")), ("truc_tuyen", (i % 4 != 0).to_string())]);
    for (key, rows) in
        [("can_bo", &staff), ("co_so_kd", &businesses), ("ket_qua_khcn", &results), ("thu_tuc", &procedures)]
    {
        if let Err(e) = store.import_records(&plan.id, key, rows, Actor::CLI, Utc::now()).await? {
            return Err(format!("{key}: {e:?}").into());
        }
        made += rows.len();
    }
    let mut firsts = Vec::new();
    for key in ["can_bo", "co_so_kd", "ket_qua_khcn"] {
        let records = store.records_for_measures(&plan.id, &[key.to_owned()]).await?;
        firsts.push(records.iter().map(|r| r.id).min().unwrap_or(1));
    }
    let (staff0, business0, result0) = (firsts[0], firsts[1], firsts[2]);
    let base_i = i32::try_from(base).unwrap_or(1);
    let training = batch("boi_duong", base, &|i| {
        vec![
            ("can_bo", (staff0 + (i as i32 % base_i)).to_string()),
            ("hinh_thuc", "boi_duong".into()),
            ("dot", "Lớp".into()),
        ]
    });
    let guidance = batch("huong_dan_dmst", base, &|i| {
        vec![
            ("co_so", (business0 + (i as i32 % base_i)).to_string()),
            ("noi_dung", "quan_ly".into()),
            ("hinh_thuc", "Hướng dẫn".into()),
        ]
    });
    let spread = batch("pho_bien_ket_qua", base, &|i| {
        vec![("ket_qua", (result0 + (i as i32 % base_i)).to_string()), ("hinh_thuc", "Họp bản".into())]
    });
    let rest = n - made - 3 * base;
    let activities = batch("truyen_thong", rest, &|i| {
        vec![
            ("kenh", ["hop_ban", "website", "truyen_thanh"][i % 3].into()),
            ("chu_de", "Chuyển đổi số".into()),
            ("dot_tuyen_truyen", (i % 5 == 0).to_string()),
        ]
    });
    for (key, rows) in [
        ("boi_duong", &training),
        ("huong_dan_dmst", &guidance),
        ("pho_bien_ket_qua", &spread),
        ("truyen_thong", &activities),
    ] {
        if let Err(e) = store.import_records(&plan.id, key, rows, Actor::CLI, Utc::now()).await? {
            return Err(format!("{key}: {e:?}").into());
        }
        made += rows.len();
    }
    println!("{made} records written in {:.2} s", load.elapsed().as_secs_f64());

    let state = AppState { store: store.clone(), clock: Arc::new(SystemClock) };
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
    let records = kehoach_web::tables::register_records(
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
    store.close().await?;
    let _ = std::fs::remove_file(&path);
    Ok(())
}
