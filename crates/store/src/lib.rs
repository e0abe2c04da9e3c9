//! Storage: SeaORM entities, Rust migrations and every query. The only crate that speaks SQL.
//!
//! One code path for SQLite and PostgreSQL, chosen by the database URL.

mod accounts;
mod audit;
mod backup;
pub mod bulk;
mod commune_report_records;
mod commune_reports;
mod document_numbers;
pub mod entity;
mod error;
mod files;
mod initiatives;
mod migration;
mod plan_units;
mod plans;
mod province;
mod register_files;
mod registers;
mod reports;
mod requests;
mod revisions;
mod rollup;
mod units;
mod write;

#[cfg(feature = "testing")]
pub mod bench_data;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use accounts::{Admission, NewUser, SessionRecord, UserProblem, UserRecord};
pub use audit::{Actor, AuditEntry, AuditFilter};
pub use backup::{BackupSummary, RestoreRefusal, RestoreSummary, restore};
pub use commune_report_records::{Approval, NewRecord, RecordInfo, Reopening, ScanOutcome};
pub use commune_reports::{CommuneReportChange, CommuneReportRecord, CommuneWrite};
pub use document_numbers::IssuedNumber;
pub use error::StoreError;
pub use files::{FileInfo, NewFile};
pub use initiatives::{InitiativeDecision, InitiativeEntry, InitiativeRound, InitiativesView, StoredSheet};
pub use plans::{ImportOutcome, PlanSummary};
pub use province::{Decided, Handoff, HostedPlan, NewFigure, ProvinceRevision, StoredFigure, StoredProvince};
pub use registers::{RecordCursor, RecordFilter, RecordInput, RecordOutcome, RowError, StoredRecord};
pub use reports::{ReportVersion, ReportWrite, StoredReport, WriteOutcome};
pub use requests::RequestDraft;
pub use revisions::Revisions;
pub use rollup::{FigureSums, SendingState};
/// The database driver's error, as [`StoreError`] carries it.
pub use sea_orm::DbErr;
pub use units::UnitContact;
pub use write::WriteTxn;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

/// The default database: a SQLite file in the working directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://kehoach.sqlite?mode=rwc";

/// How long a SQLite connection waits for another's write lock before giving up.
pub const SQLITE_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// PostgreSQL advisory lock keys ("kh" and a number) of the work that several processes on one
/// database must not do at the same time.
const MIGRATION_LOCK: i64 = 0x6b68_0001;
const STARTUP_LOCK: i64 = 0x6b68_0002;

/// On PostgreSQL, a transaction on a connection of its own holding the advisory lock `key` until
/// it ends (committed or dropped): every other process asking for the same key waits. SQLite
/// has nothing to hold: one process serves a file.
async fn exclusive(db: &DatabaseConnection, key: i64) -> Result<Option<DatabaseTransaction>, StoreError> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(None);
    }
    let txn = db.begin().await?;
    txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({key})")).await?;
    Ok(Some(txn))
}

/// A connection pool to the database, migrated to the current schema.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    writers: write::Writers,
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let sqlite = url.starts_with("sqlite:");
        let mut options = ConnectOptions::new(url.to_owned());
        // An in-memory SQLite database exists once per connection: keep exactly one. A file
        // allows one writer at a time anyway; a small pool keeps memory low on a 1 GB server.
        options
            .max_connections(if memory {
                1
            } else if sqlite {
                4
            } else {
                10
            })
            .min_connections(if memory { 1 } else { 0 })
            .sqlx_logging(false)
            // A writer waits for the lock instead of failing. sqlx's 5 s is shorter than a large
            // CSV import or plan load holds it on a slow disk; 30 s matches the server's request
            // timeout, so a request gives up no later than it would anyway.
            .map_sqlx_sqlite_opts(|o| o.busy_timeout(SQLITE_BUSY_TIMEOUT));
        let db = Database::connect(options).await.map_err(StoreError::connect)?;
        if sqlite && !memory {
            // WAL lets readers work while an import writes; it is a property of the file.
            db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
        }
        // Two processes started at once on a new PostgreSQL database would both create the
        // tables: the second waits for the first's migrations, then finds nothing to do.
        let lock = exclusive(&db, MIGRATION_LOCK).await?;
        migration::Migrator::up(&db, None).await?;
        if let Some(lock) = lock {
            lock.commit().await?;
        }
        let writers = write::Writers::for_backend(db.get_database_backend());
        Ok(Store { db, writers })
    }

    /// Runs `work` — a process's start: the first plan, the first administrator, the demo — while
    /// no other process on the same PostgreSQL database runs its own, so that servers started
    /// at once do not both find the database empty and load it twice.
    pub async fn starting_alone<T, E: From<StoreError>>(
        &self,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        let lock = exclusive(&self.db, STARTUP_LOCK).await?;
        let done = work.await?;
        if let Some(lock) = lock {
            lock.commit().await.map_err(StoreError::from)?;
        }
        Ok(done)
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Whether the database answers; for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(StoreError::from)
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`): the problems it finds, none
    /// when the file is sound. PostgreSQL keeps its own; nothing to check from here.
    pub async fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        if self.backend() != DbBackend::Sqlite {
            return Ok(Vec::new());
        }
        let rows =
            self.db.query_all_raw(sea_orm::Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check")).await?;
        let mut problems = Vec::new();
        for row in rows {
            let line: String = row.try_get_by_index(0)?;
            if line != "ok" {
                problems.push(line);
            }
        }
        Ok(problems)
    }

    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(StoreError::from)
    }
}
