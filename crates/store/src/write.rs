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
use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{Store, StoreError};

/// The queue of this process's SQLite writers (none on PostgreSQL), and how long a writer
/// waits in it.
#[derive(Clone, Debug)]
pub(crate) struct Writers {
    queue: Option<Arc<Mutex<()>>>,
    patience: Duration,
}

impl Writers {
    pub(crate) fn for_backend(backend: DbBackend) -> Writers {
        Writers {
            queue: (backend == DbBackend::Sqlite).then(|| Arc::new(Mutex::new(()))),
            patience: crate::SQLITE_BUSY_TIMEOUT,
        }
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
        let turn = match &self.writers.queue {
            // As long as SQLite itself would wait: a turn that never comes (a writer that waits
            // for itself) ends as a busy database, not as a request that hangs.
            Some(queue) => Some(
                tokio::time::timeout(self.writers.patience, queue.clone().lock_owned())
                    .await
                    .map_err(|_| StoreError::Busy(DbErr::Custom("no turn to write within the busy timeout".into())))?,
            ),
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sea_orm::{ConnectionTrait, Statement};

    use crate::{SQLITE_BUSY_TIMEOUT, Store};

    struct File(std::path::PathBuf);

    impl Drop for File {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
            }
        }
    }

    fn file() -> File {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        File(std::env::temp_dir().join(format!("kehoach-write-{}-{nanos}.sqlite", std::process::id())))
    }

    /// Two stores on one file stand for the server and a command line beside it: a writer of
    /// the other waits for the lock, whether it is a transaction or a single statement.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writers_of_another_process_wait_for_the_lock_instead_of_failing() {
        let file = file();
        let url = format!("sqlite://{}?mode=rwc", file.0.display());
        let (server, cli) = (Store::connect(&url).await.unwrap(), Store::connect(&url).await.unwrap());
        let timeout = cli.db.query_one_raw(Statement::from_string(cli.backend(), "PRAGMA busy_timeout")).await.unwrap();
        let ms: i64 = timeout.unwrap().try_get_by_index(0).unwrap();
        assert_eq!(u128::from(ms.unsigned_abs()), SQLITE_BUSY_TIMEOUT.as_millis());

        let held = server.write().await.unwrap();
        let waiting_txn = tokio::spawn({
            let cli = cli.clone();
            async move {
                let txn = cli.write().await?;
                txn.execute_unprepared("DELETE FROM sessions").await?;
                txn.commit().await.map_err(crate::StoreError::from)
            }
        });
        let waiting_statement = tokio::spawn({
            let cli = cli.clone();
            async move { cli.purge_sessions(chrono::Utc::now()).await }
        });
        // Longer than SQLite's first retries: the waiters are waiting, not failed.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiting_txn.is_finished() && !waiting_statement.is_finished(), "both wait for the lock");
        held.commit().await.unwrap();
        waiting_txn.await.unwrap().unwrap();
        waiting_statement.await.unwrap().unwrap();
        server.close().await.unwrap();
        cli.close().await.unwrap();
    }

    /// A writer that would wait for its own turn (a store function calling another writer while
    /// it holds the lock) gets a busy database once the wait is over, instead of hanging.
    #[tokio::test]
    async fn a_turn_that_never_comes_ends_as_busy() {
        let file = file();
        let mut store = Store::connect(&format!("sqlite://{}?mode=rwc", file.0.display())).await.unwrap();
        store.writers.patience = Duration::from_millis(50);
        let held = store.write().await.unwrap();
        let second = store.write().await;
        assert!(matches!(second, Err(crate::StoreError::Busy(_))), "{:?}", second.err());
        drop(held);
        store.write().await.unwrap().commit().await.unwrap();
        store.close().await.unwrap();
    }
}
