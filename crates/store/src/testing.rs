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
