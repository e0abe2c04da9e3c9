//! Restoring a backup into an empty database of either engine, all of it or nothing.

use std::collections::BTreeMap;
use std::io::Read;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait, Value,
};
use sea_orm_migration::MigratorTrait;

use super::file::{Header, Line, Reader, check_file};
use super::schema::{Column, Kind, Table, applied_migrations, quote, schema};
use super::values::bind;
use super::{BATCH_BYTES, MIGRATIONS_TABLE, RestoreRefusal, RestoreSummary};
use crate::StoreError;

/// The placeholder of one value: PostgreSQL casts text to the column's type where no implicit
/// cast exists (json, numeric, uuid …).
fn placeholder(backend: DbBackend, n: usize, c: &Column) -> String {
    match (backend, c.kind) {
        (DbBackend::Postgres, Kind::Decimal | Kind::Json | Kind::Other) => format!("CAST(${n} AS {})", c.declared),
        (DbBackend::Postgres, _) => format!("${n}"),
        _ => "?".to_owned(),
    }
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    table: &str,
    columns: &[&Column],
    rows: &mut Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let names = columns.iter().map(|c| quote(&c.name)).collect::<Vec<_>>().join(", ");
    let mut n = 0;
    let tuples = rows
        .iter()
        .map(|_| {
            let ps = columns
                .iter()
                .map(|c| {
                    n += 1;
                    placeholder(backend, n, c)
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("({ps})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("INSERT INTO {} ({names}) VALUES {tuples}", quote(table));
    let values: Vec<Value> = rows.drain(..).flatten().collect();
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    Ok(())
}

/// Restores a backup into the empty database at `url`, of either engine, in one transaction:
/// all of it or nothing. `open` gives the file from its start; it is read twice, first to check
/// it whole, then to write. A backup from an older schema is restored at its own version and
/// then migrated; one from a newer schema is refused.
pub async fn restore<R: Read>(
    url: &str,
    open: impl Fn() -> std::io::Result<R>,
) -> Result<Result<RestoreSummary, RestoreRefusal>, StoreError> {
    let header = match open().map_err(|e| RestoreRefusal::Unreadable(e.to_string())).and_then(check_file) {
        Ok(h) => h,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let known: Vec<String> = crate::migration::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    if let Some(unknown) = header.migrations.iter().find(|m| !known.contains(m)) {
        return Ok(Err(RestoreRefusal::NewerSchema(unknown.clone())));
    }
    if !known.starts_with(&header.migrations) {
        return Ok(Err(RestoreRefusal::SchemaMismatch(format!(
            "the file's migrations are not a beginning of this program's: {}",
            header.migrations.join(", ")
        ))));
    }
    let db = connect(url).await?;
    let result = restore_into(&db, &header, &open).await;
    db.close().await?;
    result
}

async fn connect(url: &str) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| o.busy_timeout(std::time::Duration::from_secs(30)));
    let db = Database::connect(options).await.map_err(StoreError::connect)?;
    if db.get_database_backend() == DbBackend::Sqlite && !url.contains(":memory:") && !url.contains("mode=memory") {
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    Ok(db)
}

async fn restore_into<R: Read>(
    db: &DatabaseConnection,
    header: &Header,
    open: &impl Fn() -> std::io::Result<R>,
) -> Result<Result<RestoreSummary, RestoreRefusal>, StoreError> {
    let backend = db.get_database_backend();
    let present = schema(db).await?;
    let applied = applied_migrations(db, &present).await?;
    if !header.migrations.starts_with(&applied) {
        return Ok(Err(RestoreRefusal::SchemaMismatch(format!(
            "the database's schema is at {}, the file's at {}",
            applied.last().map_or("(none)", String::as_str),
            header.migrations.last().map_or("(none)", String::as_str)
        ))));
    }
    if let Some(table) = first_with_rows(db, present.iter()).await? {
        return Ok(Err(RestoreRefusal::NotEmpty(table)));
    }
    let steps = u32::try_from(header.migrations.len() - applied.len()).unwrap_or(u32::MAX);
    if steps > 0 {
        crate::migration::Migrator::up(db, Some(steps)).await?;
    }
    let target: BTreeMap<String, Table> = schema(db).await?.into_iter().map(|t| (t.name.clone(), t)).collect();

    let txn = db
        .begin_with_options(TransactionOptions {
            isolation_level: None,
            access_mode: None,
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        })
        .await?;
    if backend == DbBackend::Sqlite {
        // Checked at commit: a table that points at itself restores in key order anyway.
        txn.execute_unprepared("PRAGMA defer_foreign_keys = ON").await?;
    }
    // Again inside the transaction, which on SQLite holds the write lock: a server started on
    // this database in the meantime has not written into it.
    if let Some(table) = first_with_rows(&txn, target.values()).await? {
        return Ok(Err(RestoreRefusal::NotEmpty(table)));
    }
    let mut reader = match open() {
        Ok(r) => Reader::new(r),
        Err(e) => return Ok(Err(RestoreRefusal::Unreadable(e.to_string()))),
    };
    if let Err(refusal) = reader.header() {
        return Ok(Err(refusal));
    }
    let (mut tables, mut total) = (0usize, 0u64);
    loop {
        let section = match reader.next_line() {
            Ok(Line::Start(section)) => section,
            Ok(Line::Complete { .. }) => break,
            Ok(_) => return Ok(Err(reader.damaged("the file changed while it was read"))),
            Err(refusal) => return Ok(Err(refusal)),
        };
        let Some(into) = target.get(&section.name) else {
            return Ok(Err(RestoreRefusal::SchemaMismatch(format!("the database has no table {}", section.name))));
        };
        let mut columns = Vec::with_capacity(section.columns.len());
        for (name, _) in &section.columns {
            match into.columns.iter().find(|c| &c.name == name) {
                Some(c) => columns.push(c),
                None => {
                    return Ok(Err(RestoreRefusal::SchemaMismatch(format!(
                        "the database has no column {}.{name}",
                        section.name
                    ))));
                }
            }
        }
        // The target's migrations wrote their own rows; the file's were compared above.
        let skip = section.name == MIGRATIONS_TABLE;
        // Engines cap the values of one statement (SQLite at 32,766).
        let per_batch = (30_000 / columns.len().max(1)).clamp(1, 500);
        let mut batch: Vec<Vec<Value>> = Vec::new();
        let mut batch_bytes = 0usize;
        loop {
            match reader.next_line() {
                Ok(Line::Row(values)) if values.len() == columns.len() => {
                    total += 1;
                    if skip {
                        continue;
                    }
                    let mut row = Vec::with_capacity(values.len());
                    for (v, to) in values.iter().zip(&columns) {
                        match bind(v, to, backend) {
                            Ok((value, size)) => {
                                batch_bytes += size;
                                row.push(value);
                            }
                            Err(detail) => {
                                return Ok(Err(RestoreRefusal::Unstorable {
                                    table: section.name.clone(),
                                    column: to.name.clone(),
                                    detail,
                                }));
                            }
                        }
                    }
                    batch.push(row);
                    if batch.len() >= per_batch || batch_bytes >= BATCH_BYTES {
                        insert(&txn, &section.name, &columns, &mut batch).await?;
                        batch_bytes = 0;
                    }
                }
                Ok(Line::End { .. }) => break,
                Ok(_) => return Ok(Err(reader.damaged("the file changed while it was read"))),
                Err(refusal) => return Ok(Err(refusal)),
            }
        }
        insert(&txn, &section.name, &columns, &mut batch).await?;
        tables += 1;
    }
    if backend == DbBackend::Postgres {
        reset_sequences(&txn, target.values()).await?;
    }
    txn.commit().await?;
    // A file from an older schema is now brought up to this program's.
    crate::migration::Migrator::up(db, None).await?;
    Ok(Ok(RestoreSummary {
        tables,
        rows: total,
        source_engine: header.engine.clone(),
        created_at: header.created_at.clone(),
    }))
}

/// The first table, migrations aside, that holds a row.
async fn first_with_rows<'a, C: ConnectionTrait>(
    db: &C,
    tables: impl Iterator<Item = &'a Table>,
) -> Result<Option<String>, StoreError> {
    for t in tables.filter(|t| t.name != MIGRATIONS_TABLE) {
        let sql = format!("SELECT 1 FROM {} LIMIT 1", quote(&t.name));
        if db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await?.is_some() {
            return Ok(Some(t.name.clone()));
        }
    }
    Ok(None)
}

/// Rows came with their ids: the sequences behind identity columns must start after them, or
/// the next insert collides.
async fn reset_sequences<'a, C: ConnectionTrait>(
    db: &C,
    tables: impl Iterator<Item = &'a Table>,
) -> Result<(), StoreError> {
    for t in tables {
        for c in t.columns.iter().filter(|c| c.kind == Kind::Int) {
            let sql = format!(
                "SELECT setval(s::regclass, COALESCE((SELECT MAX({col}) FROM {tbl}), 0) + 1, false) \
                 FROM pg_get_serial_sequence($1, $2) AS s WHERE s IS NOT NULL",
                col = quote(&c.name),
                tbl = quote(&t.name),
            );
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                [Value::from(quote(&t.name)), Value::from(c.name.clone())],
            ))
            .await?;
        }
    }
    Ok(())
}
