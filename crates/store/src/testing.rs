//! Fresh databases for tests, on SQLite and on PostgreSQL.
//!
//! PostgreSQL tests use `KEHOACH_TEST_PG_URL` (default
//! `postgres://kehoach:kehoach@127.0.0.1:5432/postgres`, what `.ci/run` sets up): each test gets
//! a database of its own, dropped when the test ends. An unreachable server fails the test: the
//! suite runs on both databases or it does not pass.

use std::sync::atomic::{AtomicUsize, Ordering};

use sea_orm::{ConnectionTrait, Database};

use crate::Store;

pub const DEFAULT_PG_URL: &str = "postgres://kehoach:kehoach@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A store on a database of its own.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    postgres: Option<(String, String)>,
}

fn pg_admin_url() -> String {
    std::env::var("KEHOACH_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let url = "sqlite::memory:".to_owned();
                let store = Store::connect(&url).await.expect("in-memory SQLite");
                TestDb { store, url, postgres: None }
            }
            Backend::Postgres => {
                static COUNTER: AtomicUsize = AtomicUsize::new(0);
                let admin = pg_admin_url();
                let name = format!(
                    "kehoach_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos())
                );
                let conn = Database::connect(&admin).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is not reachable at {}: {e}. Start it with `bash .ci/run`, or set KEHOACH_TEST_PG_URL.",
                        admin.split('@').next_back().unwrap_or("?")
                    )
                });
                conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
                conn.close().await.expect("close admin connection");
                let url = with_database(&admin, &name);
                let store = Store::connect(&url).await.expect("connect to the test database");
                TestDb { store, url, postgres: Some((admin, name)) }
            }
        }
    }

    /// Closes the store and drops the PostgreSQL database.
    pub async fn finish(self) {
        let TestDb { store, postgres, .. } = self;
        store.close().await.expect("close store");
        if let Some((admin, name)) = postgres {
            // Cleanup only: the test has passed by now. A backend the role may not end (an
            // autovacuum worker, say) can hold the database for a moment: retry, then leave it.
            let conn = Database::connect(&admin).await.expect("admin connection");
            let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            for attempt in 1..=10 {
                match conn.execute_unprepared(&drop).await {
                    Ok(_) => break,
                    Err(e) if attempt == 10 => eprintln!("test database {name} left behind: {e}"),
                    Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
                }
            }
            conn.close().await.expect("close admin connection");
        }
    }
}

/// Runs one async test body on SQLite and on PostgreSQL, as two tests named `…::sqlite` and
/// `…::postgres`:
///
/// ```text
/// on_both_databases!(async fn imports(store) { store.plans().await.unwrap(); });
/// ```
#[macro_export]
macro_rules! on_both_databases {
    ($(#[$meta:meta])* async fn $name:ident($store:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($store: $crate::Store) $body

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testing::TestDb::new($crate::testing::Backend::Sqlite).await;
                run(db.store.clone()).await;
                db.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let db = $crate::testing::TestDb::new($crate::testing::Backend::Postgres).await;
                run(db.store.clone()).await;
                db.finish().await;
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(with_database("postgres://u:p@h:5432/postgres", "t1"), "postgres://u:p@h:5432/t1");
        assert_eq!(
            with_database("postgres://u:p@h/postgres?sslmode=disable", "t1"),
            "postgres://u:p@h/t1?sslmode=disable"
        );
    }
}

/// Fills the registers of a plan's commune with `n` sample records for benchmarks: a tenth each
/// of staff, businesses, accepted results and procedures, a tenth each of trainings, guidance
/// and disseminations pointing at them, the rest communication activities; dated over two
/// years from 1 January 2025. Returns how many were written.
pub async fn bench_records(store: &Store, plan_id: &str, n: usize) -> Result<usize, crate::StoreError> {
    use std::collections::BTreeMap;

    use chrono::{Duration, NaiveDate, Utc};
    use kehoach_domain::register::{check_fields, register};

    use crate::{Actor, RecordInput};

    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let base = n / 10;
    let batch = |key: &str, count: usize, fields: &dyn Fn(usize) -> Vec<(&'static str, String)>| {
        let Some(def) = register(key) else { return Vec::new() };
        (0..count)
            .filter_map(|i| {
                let date = start + Duration::days((i % 700) as i64);
                let typed: BTreeMap<String, String> = fields(i).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                let fields = check_fields(def, date, &typed).ok()?;
                Some((i + 2, RecordInput { unit: "vhxh".into(), date, fields, sample: true }))
            })
            .collect::<Vec<_>>()
    };
    let mut made = 0;
    let mut import = async |key: &str, rows: Vec<(usize, RecordInput)>| -> Result<(), crate::StoreError> {
        match store.import_records(plan_id, key, &rows, Actor::CLI, Utc::now()).await? {
            Ok(count) => {
                made += count;
                Ok(())
            }
            Err(e) => Err(crate::StoreError::Conflict(format!("{key}: {e:?}"))),
        }
    };
    import(
        "can_bo",
        batch("can_bo", base, &|i| vec![("ho_ten", format!("Cán bộ {i}")), ("chuyen_mon", (i % 2 == 0).to_string())]),
    )
    .await?;
    import(
        "co_so_kd",
        batch("co_so_kd", base, &|i| vec![("ten", format!("Cơ sở {i}")), ("loai", "ho_kinh_doanh".into())]),
    )
    .await?;
    import(
        "ket_qua_khcn",
        batch("ket_qua_khcn", base, &|i| vec![("ten", format!("Kết quả {i}")), ("phu_hop", (i % 3 != 0).to_string())]),
    )
    .await?;
    import(
        "thu_tuc",
        batch("thu_tuc", base, &|i| vec![("ten", format!("Thủ tục {i}")), ("truc_tuyen", (i % 4 != 0).to_string())]),
    )
    .await?;
    let mut first = Vec::new();
    for key in ["can_bo", "co_so_kd", "ket_qua_khcn"] {
        let records = store.records_for_measures(plan_id, &[key.to_owned()]).await?;
        first.push(records.iter().map(|r| r.id).min().unwrap_or(1));
    }
    let base_i = i32::try_from(base.max(1)).unwrap_or(1);
    let nth = |from: i32, i: usize| (from + i32::try_from(i).unwrap_or(0) % base_i).to_string();
    import(
        "boi_duong",
        batch("boi_duong", base, &|i| {
            vec![("can_bo", nth(first[0], i)), ("hinh_thuc", "boi_duong".into()), ("dot", "Lớp".into())]
        }),
    )
    .await?;
    import(
        "huong_dan_dmst",
        batch("huong_dan_dmst", base, &|i| {
            vec![("co_so", nth(first[1], i)), ("noi_dung", "quan_ly".into()), ("hinh_thuc", "Hướng dẫn".into())]
        }),
    )
    .await?;
    import(
        "pho_bien_ket_qua",
        batch("pho_bien_ket_qua", base, &|i| vec![("ket_qua", nth(first[2], i)), ("hinh_thuc", "Họp bản".into())]),
    )
    .await?;
    let rest = n.saturating_sub(7 * base);
    import(
        "truyen_thong",
        batch("truyen_thong", rest, &|i| {
            vec![
                ("kenh", ["hop_ban", "website", "truyen_thanh"][i % 3].into()),
                ("chu_de", "Chuyển đổi số".into()),
                ("dot_tuyen_truyen", (i % 5 == 0).to_string()),
            ]
        }),
    )
    .await?;
    Ok(made)
}
