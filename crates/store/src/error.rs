use thiserror::Error;

/// What can go wrong in the store. Callers map these to user messages; the text here is for logs.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot connect to the database: {0}")]
    Connect(sea_orm::DbErr),
    #[error("database error: {0}")]
    Db(sea_orm::DbErr),
    /// The database stayed locked by another writer past the busy timeout, or no connection
    /// came free: nothing was written, and the same request may succeed a moment later.
    #[error("database busy: {0}")]
    Busy(sea_orm::DbErr),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0} not found")]
    NotFound(String),
    /// The change contradicts what is stored (e.g. a plan id already used by another commune),
    /// or another writer got there first (a unique key taken, a serialization failure).
    #[error("conflict: {0}")]
    Conflict(String),
}

impl StoreError {
    pub(crate) fn connect(e: sea_orm::DbErr) -> StoreError {
        StoreError::Connect(e)
    }
}

/// What a failed statement means for the caller.
enum Kind {
    Busy,
    Raced,
    Other,
}

fn kind(e: &sea_orm::DbErr) -> Kind {
    use sea_orm::{DbErr, RuntimeErr, SqlErr, sqlx};
    if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        return Kind::Raced;
    }
    let sqlx_error = match e {
        DbErr::ConnectionAcquire(_) => return Kind::Busy,
        DbErr::Exec(RuntimeErr::SqlxError(s))
        | DbErr::Query(RuntimeErr::SqlxError(s))
        | DbErr::Conn(RuntimeErr::SqlxError(s)) => s,
        _ => return Kind::Other,
    };
    match &**sqlx_error {
        sqlx::Error::PoolTimedOut => Kind::Busy,
        sqlx::Error::Database(d) => match d.code().as_deref() {
            // SQLite: SQLITE_BUSY and SQLITE_LOCKED, with their extended codes (the low byte).
            Some(code) if matches!(code.parse::<i32>().map(|c| c & 0xff), Ok(5 | 6)) => Kind::Busy,
            // PostgreSQL: serialization_failure, deadlock_detected: another writer won.
            Some("40001" | "40P01") => Kind::Raced,
            // PostgreSQL: lock_not_available.
            Some("55P03") => Kind::Busy,
            _ => Kind::Other,
        },
        _ => Kind::Other,
    }
}

impl From<sea_orm::DbErr> for StoreError {
    fn from(e: sea_orm::DbErr) -> StoreError {
        match kind(&e) {
            Kind::Busy => StoreError::Busy(e),
            Kind::Raced => StoreError::Conflict(e.to_string()),
            Kind::Other => StoreError::Db(e),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> StoreError {
        StoreError::Corrupt(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

    use super::StoreError;

    /// A SQLite file with connections that do not wait for the lock, to see what a write still
    /// locked out after the busy timeout becomes.
    async fn impatient(path: &std::path::Path) -> DatabaseConnection {
        let mut options = ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
        options.max_connections(1).map_sqlx_sqlite_opts(|o| o.busy_timeout(std::time::Duration::ZERO));
        Database::connect(options).await.unwrap()
    }

    #[tokio::test]
    async fn a_database_still_locked_is_busy_and_a_unique_key_taken_is_a_conflict() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let path = std::env::temp_dir().join(format!("kehoach-error-{}-{nanos}.sqlite", std::process::id()));
        let (one, two) = (impatient(&path).await, impatient(&path).await);
        one.execute_unprepared("CREATE TABLE t (k TEXT UNIQUE)").await.unwrap();
        one.execute_unprepared("INSERT INTO t VALUES ('a')").await.unwrap();
        let taken = one.execute_unprepared("INSERT INTO t VALUES ('a')").await.unwrap_err();
        assert!(matches!(StoreError::from(taken), StoreError::Conflict(_)));

        one.execute_unprepared("BEGIN IMMEDIATE").await.unwrap();
        let locked = two.execute_unprepared("INSERT INTO t VALUES ('b')").await.unwrap_err();
        let e = StoreError::from(locked);
        assert!(matches!(e, StoreError::Busy(_)), "{e:?}");
        one.execute_unprepared("ROLLBACK").await.unwrap();

        let other = StoreError::from(sea_orm::DbErr::Custom("anything else".into()));
        assert!(matches!(other, StoreError::Db(_)));
        one.close().await.unwrap();
        two.close().await.unwrap();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
