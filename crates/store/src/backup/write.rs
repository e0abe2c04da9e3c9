//! Writing a backup: one read snapshot, every table streamed row by row into gzip'd JSON lines.

use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::StreamExt;
use sea_orm::{
    AccessMode, DbBackend, IsolationLevel, SqliteTransactionMode, Statement, StreamTrait, TransactionOptions,
    TransactionTrait,
};
use serde_json::{Value as J, json};

use super::schema::{Kind, Table, applied_migrations, engine_name, in_key_order, quote, schema};
use super::values::read_value;
use super::{BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BackupSummary};
use crate::{Store, StoreError};

/// The SELECT of a table: PostgreSQL's narrower types widened to what the file keeps.
fn select(backend: DbBackend, t: &Table) -> String {
    let columns = t
        .columns
        .iter()
        .map(|c| {
            let q = quote(&c.name);
            match (backend, c.kind) {
                (DbBackend::Postgres, Kind::Int) => format!("{q}::int8"),
                (DbBackend::Postgres, Kind::Float) => format!("{q}::float8"),
                (DbBackend::Postgres, Kind::Decimal | Kind::Json | Kind::Text | Kind::Other) => format!("{q}::text"),
                _ => q,
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let order = if t.primary_key.is_empty() {
        String::new()
    } else {
        format!(" ORDER BY {}", t.primary_key.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "))
    };
    format!("SELECT {columns} FROM {}{order}", quote(&t.name))
}

fn line<W: Write>(out: &mut W, value: &J) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

impl Store {
    /// Writes every table of the database to `out` (gzip'd), from one read transaction, so the
    /// copy is consistent while the server keeps writing. Rows are streamed: memory holds one
    /// row at a time, whatever the size of the evidence files.
    ///
    /// The outer error is the database's, the inner one `out`'s.
    pub async fn backup<W: Write + Send>(
        &self,
        out: W,
        now: DateTime<Utc>,
    ) -> Result<Result<BackupSummary, std::io::Error>, StoreError> {
        let backend = self.backend();
        let options = match backend {
            // A snapshot of the whole database that never blocks the writers.
            DbBackend::Postgres => TransactionOptions {
                isolation_level: Some(IsolationLevel::RepeatableRead),
                access_mode: Some(AccessMode::ReadOnly),
                sqlite_transaction_mode: None,
            },
            // In WAL mode a deferred transaction reads one snapshot from its first SELECT on.
            _ => TransactionOptions {
                isolation_level: None,
                access_mode: None,
                sqlite_transaction_mode: Some(SqliteTransactionMode::Deferred),
            },
        };
        let txn = self.db.begin_with_options(options).await?;
        let tables = in_key_order(schema(&txn).await?);
        let migrations = applied_migrations(&txn, &tables).await?;
        // Most of a backup is photos and scans, which do not compress: the fastest level loses
        // little on them and keeps a large backup from taking minutes on a small server.
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
        let header = json!({
            "format": BACKUP_FORMAT,
            "version": BACKUP_FORMAT_VERSION,
            "created_at": now.to_rfc3339_opts(SecondsFormat::Secs, true),
            "engine": engine_name(backend),
            "migrations": migrations,
            "tables": tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        });
        if let Err(e) = line(&mut gz, &header) {
            return Ok(Err(e));
        }
        let mut total = 0u64;
        for t in &tables {
            let columns: Vec<J> = t.columns.iter().map(|c| json!([c.name, c.kind.key()])).collect();
            if let Err(e) = line(&mut gz, &json!({ "table": t.name, "columns": columns })) {
                return Ok(Err(e));
            }
            let mut rows = 0u64;
            let mut stream = std::pin::pin!(txn.stream_raw(Statement::from_string(backend, select(backend, t))).await?);
            while let Some(row) = stream.next().await {
                let row = row?;
                let mut values = Vec::with_capacity(t.columns.len());
                for (i, c) in t.columns.iter().enumerate() {
                    values
                        .push(read_value(&row, i, c.kind).map_err(|e| {
                            StoreError::Corrupt(format!("{}.{} ({}): {e}", t.name, c.name, c.declared))
                        })?);
                }
                if let Err(e) = line(&mut gz, &J::Array(values)) {
                    return Ok(Err(e));
                }
                rows += 1;
            }
            if let Err(e) = line(&mut gz, &json!({ "end": t.name, "rows": rows })) {
                return Ok(Err(e));
            }
            total += rows;
        }
        txn.commit().await?;
        let end = json!({ "complete": true, "tables": tables.len(), "rows": total });
        let finished = line(&mut gz, &end).and_then(|()| gz.finish()).and_then(|mut w| w.flush());
        Ok(finished.map(|()| BackupSummary { tables: tables.len(), rows: total, migrations }))
    }
}
