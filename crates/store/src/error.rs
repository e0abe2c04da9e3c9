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
