use thiserror::Error;

/// What can go wrong in the store. Callers map these to user messages; the text here is for logs.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot connect to the database: {0}")]
    Connect(sea_orm::DbErr),
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0} not found")]
    NotFound(String),
    /// The change contradicts what is stored (e.g. a plan id already used by another commune).
    #[error("conflict: {0}")]
    Conflict(String),
}

impl StoreError {
    pub(crate) fn connect(e: sea_orm::DbErr) -> StoreError {
        StoreError::Connect(e)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> StoreError {
        StoreError::Corrupt(e.to_string())
    }
}
