//! Write transactions that hold the write lock from their first statement.
//!
//! SQLite in WAL mode lets one writer in at a time. A deferred transaction that reads first and
//! then writes cannot wait for the lock once another connection has written in between: SQLite
//! answers "database is locked" at once, whatever the busy timeout. So every write transaction
//! of the store starts with `BEGIN IMMEDIATE`, and within this process writers also queue on a
//! mutex first, so that writers waiting for their turn hold no pooled connection (readers keep
//! the pool, and a writer that reads through the pool while it holds the lock always gets a
//! connection). Other processes (the CLI beside a running server) wait through the busy timeout.
//! On PostgreSQL this is a plain `BEGIN`: row locks and the unique indexes do the work there.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{Store, StoreError};

/// The queue of this process's SQLite writers; none on PostgreSQL.
#[derive(Clone, Debug, Default)]
pub(crate) struct Writers(Option<Arc<Mutex<()>>>);

impl Writers {
    pub(crate) fn for_backend(backend: DbBackend) -> Writers {
        Writers((backend == DbBackend::Sqlite).then(|| Arc::new(Mutex::new(()))))
    }
}

/// A transaction that holds the database's write lock (and, on SQLite, this process's writer
/// turn) until it is committed or dropped. Dropping it rolls back.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    // Dropped after `txn` (fields drop in order): the next writer starts after the rollback or
    // commit has been sent.
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Store {
    /// Begins a write transaction; every writer of the store starts here.
    pub(crate) async fn write(&self) -> Result<WriteTxn, StoreError> {
        let turn = match &self.writers.0 {
            Some(queue) => Some(queue.clone().lock_owned().await),
            None => None,
        };
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = self.db.begin_with_options(options).await?;
        Ok(WriteTxn { txn, _turn: turn })
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        let WriteTxn { txn, _turn } = self;
        txn.commit().await
    }
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, DbErr>> + Send + 'a>>;

// Written out as `async_trait` would expand it, to pass `&txn` wherever a connection is taken.
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    fn execute_raw<'a, 'b>(&'a self, stmt: Statement) -> Answer<'b, ExecResult>
    where
        'a: 'b,
        Self: 'b,
    {
        self.txn.execute_raw(stmt)
    }

    fn execute_unprepared<'a, 's, 'b>(&'a self, sql: &'s str) -> Answer<'b, ExecResult>
    where
        'a: 'b,
        's: 'b,
        Self: 'b,
    {
        self.txn.execute_unprepared(sql)
    }

    fn query_one_raw<'a, 'b>(&'a self, stmt: Statement) -> Answer<'b, Option<QueryResult>>
    where
        'a: 'b,
        Self: 'b,
    {
        self.txn.query_one_raw(stmt)
    }

    fn query_all_raw<'a, 'b>(&'a self, stmt: Statement) -> Answer<'b, Vec<QueryResult>>
    where
        'a: 'b,
        Self: 'b,
    {
        self.txn.query_all_raw(stmt)
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }

    fn is_mock_connection(&self) -> bool {
        self.txn.is_mock_connection()
    }
}
