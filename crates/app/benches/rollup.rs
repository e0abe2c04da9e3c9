//! The roll-up at scale (issue 14): the province roll-up at 75 communes and the national
//! roll-up at 750 and 3,321 communes, on SQLite (a file) and PostgreSQL, each timed beside the
//! bare SQL aggregate over the same rows in the same run. Not a test: it prints a table.
//!
//!     cargo bench -p kehoach-app --bench rollup
//!     KEHOACH_TEST_PG_URL=postgres://kehoach:kehoach@127.0.0.1:5432/postgres cargo bench -p kehoach-app --bench rollup
//!
//! `ROLLUP_BENCH_SIZES=75,750` and `ROLLUP_BENCH_BACKENDS=sqlite` narrow the run. The data:
//! every commune of the real organisation tree (`../shared/data/vn-admin-units-2026.csv`, or
//! Sơn La's province file for 75), four quarters of sendings in mixed states with eight
//! indicators' figures, written in bulk by `kehoach_store::bench_data` under synthetic plans.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use kehoach_app::App;
use kehoach_domain::period::PeriodId;
use kehoach_store::Actor;
use kehoach_store::bench_data::{self, BenchCommune};
use kehoach_store::testing::{Backend, TestDb};

const YEAR: i32 = 2026;
const RUNS: usize = 5;

fn son_la() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/son-la.toml")).expect("plans/son-la.toml")
}

/// Every commune of the country's tree: (province code, province name, full name, commune code, name).
fn country() -> Vec<[String; 5]> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/vn-admin-units-2026.csv");
    let text = std::fs::read_to_string(path).expect("vn-admin-units-2026.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("csv row");
            [r[0].to_owned(), r[1].to_owned(), r[2].to_owned(), r[3].to_owned(), r[4].to_owned()]
        })
        .collect()
}

/// A province file: Sơn La's reporting rules and indicators under another province's name,
/// with the given communes.
fn province_file(code: &str, name: &str, full_name: &str, communes: &[(String, String)]) -> String {
    let base = son_la();
    let start = base.find("format = 1").expect("format line");
    let end = start + base[start..].find("\n[[communes]]").expect("communes");
    let mut out = base[start..end]
        .replace("code = \"14\"", &format!("code = \"{code}\""))
        .replace("slug = \"son-la\"", &format!("slug = \"bench-{code}\""))
        .replace("name = \"Sơn La\"", &format!("name = \"{name}\""))
        .replace("full_name = \"Tỉnh Sơn La\"", &format!("full_name = \"{full_name}\""));
    for (c, n) in communes {
        out.push_str(&format!("[[communes]]\ncode = \"{c}\"\nname = \"{n}\"\nkind = \"xã\"\n\n"));
    }
    out
}

struct Case {
    label: &'static str,
    communes: usize,
    national: bool,
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

async fn run(backend: Backend, case: &Case) -> (Duration, Duration, usize, usize) {
    let (store, pg, sqlite_file) = match backend {
        Backend::Postgres => {
            let db = TestDb::new(Backend::Postgres).await;
            (db.store.clone(), Some(db), None)
        }
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("kehoach-rollup-bench-{}.db", std::process::id()));
            let _ = std::fs::remove_file(&path);
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let store = kehoach_store::Store::connect(&url).await.expect("SQLite file");
            (store, None, Some(path))
        }
    };
    let app = App::at_system_time(store.clone());
    // The provinces and their communes.
    let mut files: Vec<String> = Vec::new();
    let mut communes: Vec<BenchCommune> = Vec::new();
    if case.national {
        let all = country();
        let share = case.communes as f64 / all.len() as f64;
        let mut by_province: BTreeMap<String, Vec<&[String; 5]>> = BTreeMap::new();
        for row in &all {
            by_province.entry(row[0].clone()).or_default().push(row);
        }
        let mut left = case.communes;
        for rows in by_province.values() {
            let take = ((rows.len() as f64 * share).ceil() as usize).min(left).max(1).min(rows.len());
            left = left.saturating_sub(take);
            let chosen: Vec<(String, String)> = rows[..take].iter().map(|r| (r[3].clone(), r[4].clone())).collect();
            files.push(province_file(&rows[0][0], &rows[0][1], &rows[0][2], &chosen));
            communes.extend(chosen.into_iter().map(|(code, name)| BenchCommune {
                province: format!("bench-{}", rows[0][0]),
                code,
                name,
            }));
        }
    } else {
        let source = son_la();
        let province = kehoach_plan::province::parse_province(&source).expect("Sơn La's file");
        communes.extend(province.communes.iter().map(|c| BenchCommune {
            province: province.slug.clone(),
            code: c.code.clone(),
            name: c.name.clone(),
        }));
        files.push(source);
    }
    let mut indicators: Vec<String> = Vec::new();
    for source in &files {
        let p = kehoach_app::province::load(&app, source, Actor::CLI).await.expect("province file loads");
        if indicators.is_empty() {
            indicators = p.indicators.iter().map(|i| i.code.clone()).collect();
        }
    }
    let codes: Vec<&str> = indicators.iter().map(String::as_str).collect();
    let rows = bench_data::write(&store, &communes, &codes, YEAR, 14).await.expect("bulk data");
    let periods: Vec<PeriodId> = (1..=4).map(|quarter| PeriodId::Quarter { year: YEAR, quarter }).collect();
    let province =
        if case.national { None } else { Some(kehoach_app::province::all(&app).await.expect("provinces")[0].clone()) };
    let mut app_times = Vec::new();
    let mut sql_times = Vec::new();
    let (mut sums_times, mut sendings_times) = (Vec::new(), Vec::new());
    let mut groups = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        for period in &periods {
            match &province {
                Some(p) => {
                    let r = kehoach_app::province::rollup(&app, p, *period).await.expect("roll-up");
                    std::hint::black_box(r);
                }
                None => {
                    let n = kehoach_app::province::nation(&app, *period).await.expect("nation");
                    std::hint::black_box(n);
                }
            }
        }
        app_times.push(t.elapsed());
        let t = Instant::now();
        groups = 0;
        for period in &periods {
            groups += bench_data::bare_aggregate(&store, &period.to_string()).await.expect("aggregate");
        }
        sql_times.push(t.elapsed());
        // The national roll-up's own two reads alone, to say where the difference goes.
        if province.is_none() {
            let t = Instant::now();
            for period in &periods {
                std::hint::black_box(store.accepted_figure_sums(&period.to_string()).await.expect("sums"));
            }
            sums_times.push(t.elapsed());
            let t = Instant::now();
            for period in &periods {
                std::hint::black_box(store.period_sendings(&period.to_string()).await.expect("sendings"));
            }
            sendings_times.push(t.elapsed());
        }
    }
    drop(app);
    match pg {
        Some(db) => {
            drop(store);
            db.finish().await;
        }
        None => store.close().await.expect("close SQLite"),
    }
    if let Some(path) = sqlite_file {
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(path.with_extension("db-wal"));
        let _ = std::fs::remove_file(path.with_extension("db-shm"));
    }
    let _ = groups;
    if !sums_times.is_empty() {
        eprintln!(
            "  {} communes: the roll-up's sums alone {:.1} ms, its sendings alone {:.1} ms (4 quarters, median)",
            case.communes,
            median(sums_times).as_secs_f64() * 1e3,
            median(sendings_times).as_secs_f64() * 1e3
        );
    }
    (median(app_times), median(sql_times), rows.sendings, rows.figures)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("ROLLUP_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![75, 750, 3321]);
    let backends: Vec<Backend> = match std::env::var("ROLLUP_BENCH_BACKENDS").as_deref() {
        Ok("sqlite") => vec![Backend::Sqlite],
        Ok("postgres") => vec![Backend::Postgres],
        _ => vec![Backend::Sqlite, Backend::Postgres],
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    println!(
        "| database | roll-up | communes | sendings | figures | roll-up, 4 quarters (median of {RUNS}) | bare SQL aggregate | ratio |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for backend in backends {
        for &n in &sizes {
            let case = if n <= 75 {
                Case { label: "province (Sơn La)", communes: 75, national: false }
            } else {
                Case { label: "national", communes: n, national: true }
            };
            let (app, sql, sendings, figures) = runtime.block_on(run(backend, &case));
            println!(
                "| {} | {} | {} | {} | {} | {:.1} ms | {:.1} ms | {:.2}× |",
                if backend == Backend::Sqlite { "SQLite" } else { "PostgreSQL" },
                case.label,
                case.communes,
                sendings,
                figures,
                app.as_secs_f64() * 1e3,
                sql.as_secs_f64() * 1e3,
                app.as_secs_f64() / sql.as_secs_f64().max(1e-9),
            );
        }
    }
}
