//! Backups and moves: every table of the schema, evidence files included, as one engine-neutral
//! file, and back into an empty database of either engine.
//!
//! The file is gzip'd JSON lines: a header (format, schema migrations, creation time, table
//! order), then for each table a line naming its columns and their kinds, one JSON array per row
//! and a line with the row count, then a closing line. Blobs are base64, timestamps RFC 3339 in
//! UTC, dates ISO 8601, so a SQLite file restores into PostgreSQL and back.
//!
//! Tables and columns are read from the schema itself, not from a list kept here: a table added
//! by a later migration is backed up without editing this file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use futures_util::StreamExt;
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, IsolationLevel, QueryResult,
    SqliteTransactionMode, Statement, StreamTrait, TransactionOptions, TransactionTrait, Value,
};
use sea_orm_migration::MigratorTrait;
use serde_json::{Value as J, json};

use crate::{Store, StoreError};

/// What the first line of a backup says it is.
pub const BACKUP_FORMAT: &str = "kehoach-backup";
/// The version of the file layout this program writes and reads.
pub const BACKUP_FORMAT_VERSION: u64 = 1;
/// Where the schema's applied migrations are kept; the target writes its own rows there.
const MIGRATIONS_TABLE: &str = "seaql_migrations";
/// A batch of rows sent in one INSERT stays under this many bytes of values, so that a register
/// of large photos never sits in memory at once.
const BATCH_BYTES: usize = 8 << 20;
/// One line of the file (one row) may not be larger: a photo is at most a few MB.
const MAX_LINE: u64 = 256 << 20;

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub tables: usize,
    pub rows: u64,
    /// The migrations applied to the schema that was saved; the last one is its version.
    pub migrations: Vec<String>,
}

/// What a restore brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreSummary {
    pub tables: usize,
    pub rows: u64,
    /// The engine the file was written from (`sqlite`, `postgres`).
    pub source_engine: String,
    pub created_at: String,
}

/// Why a restore was refused; nothing was written in any of these cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestoreRefusal {
    /// The file could not be opened or read.
    Unreadable(String),
    /// Not a backup of this program (no header, another format).
    NotABackup,
    /// Written by a newer program with a file layout this one does not know.
    NewerFormat(u64),
    /// Written from a schema with migrations this program does not know: upgrade first.
    NewerSchema(String),
    /// The file is cut short or damaged (what was found, where).
    Damaged(String),
    /// The target database already holds data (the first table found with rows).
    NotEmpty(String),
    /// The target's schema is ahead of the file's or differs from it.
    SchemaMismatch(String),
    /// A value the target engine cannot store (e.g. a NUL character on PostgreSQL).
    Unstorable { table: String, column: String, detail: String },
}

/// How a column's values are written in the file, whatever the engine's own type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    Float,
    /// Exact numbers, kept as their text.
    Decimal,
    Text,
    Json,
    Bytes,
    Date,
    Timestamp,
    TimestampTz,
    /// Anything else (time, uuid …), kept as the engine prints it.
    Other,
}

impl Kind {
    /// From a declared type: SQLite's as SeaORM writes it (`timestamp_with_timezone_text`,
    /// `date_text`, `json_text`, `blob`, `boolean` …) or PostgreSQL's `format_type`.
    fn of(declared: &str) -> Kind {
        let t = declared.trim().to_ascii_lowercase();
        if t.starts_with("timestamp") || t.starts_with("datetime") {
            if t.contains("with time zone") || t.contains("with_timezone") || t.starts_with("timestamptz") {
                Kind::TimestampTz
            } else {
                Kind::Timestamp
            }
        } else if t == "date" || t == "date_text" {
            Kind::Date
        } else if t.starts_with("time") || t.starts_with("interval") || t.starts_with("uuid") {
            Kind::Other
        } else if t.contains("bool") {
            Kind::Bool
        } else if t.starts_with("json") {
            Kind::Json
        } else if t.contains("blob") || t.contains("bytea") || t.contains("binary") {
            Kind::Bytes
        } else if t.contains("int") {
            Kind::Int
        } else if t.contains("double") || t.contains("float") || t == "real" {
            Kind::Float
        } else if t.starts_with("numeric") || t.starts_with("decimal") || t.starts_with("money") {
            Kind::Decimal
        } else if t.is_empty() || t.contains("char") || t.contains("text") || t.contains("clob") {
            Kind::Text
        } else {
            Kind::Other
        }
    }

    fn key(self) -> &'static str {
        match self {
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::Decimal => "decimal",
            Kind::Text => "text",
            Kind::Json => "json",
            Kind::Bytes => "bytes",
            Kind::Date => "date",
            Kind::Timestamp => "timestamp",
            Kind::TimestampTz => "timestamptz",
            Kind::Other => "other",
        }
    }

    fn from_key(key: &str) -> Option<Kind> {
        [
            Kind::Bool,
            Kind::Int,
            Kind::Float,
            Kind::Decimal,
            Kind::Text,
            Kind::Json,
            Kind::Bytes,
            Kind::Date,
            Kind::Timestamp,
            Kind::TimestampTz,
            Kind::Other,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
    /// The engine's own type name, for casts on PostgreSQL.
    declared: String,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
    primary_key: Vec<String>,
    /// Tables this one points at through foreign keys.
    parents: BTreeSet<String>,
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn engine_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// Reads the schema: every table but the engine's own, with columns, key and parents.
async fn schema<C: ConnectionTrait>(db: &C) -> Result<Vec<Table>, StoreError> {
    let backend = db.get_database_backend();
    let names: Vec<String> = match backend {
        DbBackend::Sqlite => {
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                ))
                .await?;
            rows.iter().map(|r| r.try_get_by_index::<String>(0)).collect::<Result<_, _>>()?
        }
        _ => {
            let rows = db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT table_name::text FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
                ))
                .await?;
            rows.iter().map(|r| r.try_get_by_index::<String>(0)).collect::<Result<_, _>>()?
        }
    };
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        tables.push(table(db, name).await?);
    }
    Ok(tables)
}

async fn table<C: ConnectionTrait>(db: &C, name: String) -> Result<Table, StoreError> {
    let backend = db.get_database_backend();
    let one = |sql: &str| Statement::from_sql_and_values(backend, sql, [Value::from(name.clone())]);
    let mut columns = Vec::new();
    let mut keyed: Vec<(i64, String)> = Vec::new();
    let mut parents = BTreeSet::new();
    match backend {
        DbBackend::Sqlite => {
            for r in db.query_all_raw(one("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid")).await? {
                let column: String = r.try_get_by_index(0)?;
                let declared: String = r.try_get_by_index(1)?;
                let pk: i64 = r.try_get_by_index(2)?;
                if pk > 0 {
                    keyed.push((pk, column.clone()));
                }
                columns.push(Column { name: column, kind: Kind::of(&declared), declared });
            }
            for r in db.query_all_raw(one("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)")).await? {
                parents.insert(r.try_get_by_index::<String>(0)?);
            }
        }
        _ => {
            let rel = "to_regclass(quote_ident(current_schema()) || '.' || quote_ident($1))";
            for r in db
                .query_all_raw(one(&format!(
                    "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute \
                     WHERE attrelid = {rel} AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
                )))
                .await?
            {
                let column: String = r.try_get_by_index(0)?;
                let declared: String = r.try_get_by_index(1)?;
                columns.push(Column { name: column, kind: Kind::of(&declared), declared });
            }
            for r in db
                .query_all_raw(one(&format!(
                    "SELECT a.attname::text, array_position(i.indkey::int2[], a.attnum)::int8 FROM pg_index i \
                     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                     WHERE i.indrelid = {rel} AND i.indisprimary"
                )))
                .await?
            {
                keyed.push((r.try_get_by_index(1)?, r.try_get_by_index(0)?));
            }
            for r in db
                .query_all_raw(one(&format!(
                    "SELECT DISTINCT p.relname::text FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid \
                     WHERE c.contype = 'f' AND c.conrelid = {rel}"
                )))
                .await?
            {
                parents.insert(r.try_get_by_index::<String>(0)?);
            }
        }
    }
    keyed.sort();
    parents.remove(&name);
    Ok(Table { name, columns, primary_key: keyed.into_iter().map(|(_, c)| c).collect(), parents })
}

/// Parents before children, so that rows restore in an order their foreign keys accept;
/// alphabetical among equals, so two backups of the same data are the same file.
fn in_key_order(tables: Vec<Table>) -> Vec<Table> {
    let mut left: BTreeMap<String, Table> = tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut ordered = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ready: Vec<String> =
            left.values().filter(|t| t.parents.iter().all(|p| !left.contains_key(p))).map(|t| t.name.clone()).collect();
        // A cycle of foreign keys: take the rest alphabetically rather than stop.
        let next = if ready.is_empty() { left.keys().next().cloned().into_iter().collect() } else { ready };
        for name in next {
            if let Some(t) = left.remove(&name) {
                ordered.push(t);
            }
        }
    }
    ordered
}

async fn applied_migrations<C: ConnectionTrait>(db: &C, tables: &[Table]) -> Result<Vec<String>, StoreError> {
    if !tables.iter().any(|t| t.name == MIGRATIONS_TABLE) {
        return Ok(Vec::new());
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT version FROM {} ORDER BY version", quote(MIGRATIONS_TABLE)),
        ))
        .await?;
    Ok(rows.iter().map(|r| r.try_get_by_index::<String>(0)).collect::<Result<_, _>>()?)
}

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

fn read_value(row: &QueryResult, i: usize, kind: Kind) -> Result<J, sea_orm::DbErr> {
    Ok(match kind {
        Kind::Bool => row.try_get_by_index::<Option<bool>>(i)?.map_or(J::Null, J::Bool),
        Kind::Int => row.try_get_by_index::<Option<i64>>(i)?.map_or(J::Null, J::from),
        Kind::Float => match row.try_get_by_index::<Option<f64>>(i)? {
            None => J::Null,
            // JSON has no NaN or infinity: keep them as text.
            Some(f) if !f.is_finite() => J::String(f.to_string()),
            Some(f) => J::from(f),
        },
        Kind::Bytes => row.try_get_by_index::<Option<Vec<u8>>>(i)?.map_or(J::Null, |b| J::String(BASE64.encode(b))),
        Kind::Date => row.try_get_by_index::<Option<NaiveDate>>(i)?.map_or(J::Null, |d| J::String(d.to_string())),
        Kind::Timestamp => row
            .try_get_by_index::<Option<NaiveDateTime>>(i)?
            .map_or(J::Null, |d| J::String(d.format("%Y-%m-%dT%H:%M:%S%.f").to_string())),
        Kind::TimestampTz => row
            .try_get_by_index::<Option<DateTime<Utc>>>(i)?
            .map_or(J::Null, |d| J::String(d.to_rfc3339_opts(SecondsFormat::AutoSi, true))),
        Kind::Decimal | Kind::Text | Kind::Json | Kind::Other => {
            row.try_get_by_index::<Option<String>>(i)?.map_or(J::Null, J::String)
        }
    })
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
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
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

/// The file's header, once read.
struct Header {
    engine: String,
    created_at: String,
    migrations: Vec<String>,
    tables: Vec<String>,
}

/// One table's section as the file declares it.
struct Section {
    name: String,
    columns: Vec<(String, Kind)>,
}

/// What a line of the file is.
enum Line {
    Start(Section),
    Row(Vec<J>),
    End { table: String, rows: u64 },
    Complete { tables: u64, rows: u64 },
}

/// Reads a backup line by line, checking the gzip framing (a damaged or cut file fails its
/// check sum or ends early) and the shape of each line.
struct Reader<R: Read> {
    lines: BufReader<flate2::read::GzDecoder<R>>,
    number: u64,
    buf: String,
}

impl<R: Read> Reader<R> {
    fn new(r: R) -> Reader<R> {
        Reader {
            lines: BufReader::with_capacity(1 << 16, flate2::read::GzDecoder::new(r)),
            number: 0,
            buf: String::new(),
        }
    }

    fn damaged(&self, what: impl std::fmt::Display) -> RestoreRefusal {
        RestoreRefusal::Damaged(format!("line {}: {what}", self.number))
    }

    /// The next line as JSON, or `None` at the end of the file.
    fn next_json(&mut self) -> Result<Option<J>, RestoreRefusal> {
        self.buf.clear();
        self.number += 1;
        let read = (&mut self.lines).take(MAX_LINE).read_line(&mut self.buf);
        let read = read.map_err(|e| self.damaged(e))?;
        if read == 0 {
            return Ok(None);
        }
        if !self.buf.ends_with('\n') {
            return Err(self.damaged("the line is cut short"));
        }
        serde_json::from_str(&self.buf).map(Some).map_err(|e| self.damaged(e))
    }

    fn header(&mut self) -> Result<Header, RestoreRefusal> {
        let first = match self.next_json() {
            Ok(Some(J::Object(o))) => o,
            _ => return Err(RestoreRefusal::NotABackup),
        };
        if first.get("format").and_then(J::as_str) != Some(BACKUP_FORMAT) {
            return Err(RestoreRefusal::NotABackup);
        }
        let version = first.get("version").and_then(J::as_u64).unwrap_or(0);
        if version > BACKUP_FORMAT_VERSION {
            return Err(RestoreRefusal::NewerFormat(version));
        }
        let strings = |key: &str| -> Option<Vec<String>> {
            first.get(key)?.as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect()
        };
        let (Some(migrations), Some(tables)) = (strings("migrations"), strings("tables")) else {
            return Err(self.damaged("the header lists no migrations or tables"));
        };
        let text = |key: &str| first.get(key).and_then(J::as_str).unwrap_or_default().to_owned();
        Ok(Header { engine: text("engine"), created_at: text("created_at"), migrations, tables })
    }

    fn next_line(&mut self) -> Result<Line, RestoreRefusal> {
        let Some(value) = self.next_json()? else {
            return Err(self.damaged("the file ends before its last table (cut short?)"));
        };
        match value {
            J::Array(values) => Ok(Line::Row(values)),
            J::Object(o) => {
                if let Some(name) = o.get("table").and_then(J::as_str) {
                    let columns = o
                        .get("columns")
                        .and_then(J::as_array)
                        .and_then(|cs| {
                            cs.iter()
                                .map(|c| {
                                    let pair = c.as_array()?;
                                    Some((pair.first()?.as_str()?.to_owned(), Kind::from_key(pair.get(1)?.as_str()?)?))
                                })
                                .collect::<Option<Vec<_>>>()
                        })
                        .ok_or_else(|| self.damaged(format!("the columns of {name} are unreadable")))?;
                    Ok(Line::Start(Section { name: name.to_owned(), columns }))
                } else if let Some(name) = o.get("end").and_then(J::as_str) {
                    let rows = o.get("rows").and_then(J::as_u64).ok_or_else(|| self.damaged("no row count"))?;
                    Ok(Line::End { table: name.to_owned(), rows })
                } else if o.get("complete").and_then(J::as_bool) == Some(true) {
                    let n = |k: &str| o.get(k).and_then(J::as_u64).unwrap_or(u64::MAX);
                    Ok(Line::Complete { tables: n("tables"), rows: n("rows") })
                } else {
                    Err(self.damaged("a line of unknown kind"))
                }
            }
            _ => Err(self.damaged("a line of unknown kind")),
        }
    }

    /// After the closing line the file must end, gzip check sum included.
    fn expect_end(&mut self) -> Result<(), RestoreRefusal> {
        match self.next_json()? {
            None => Ok(()),
            Some(_) => Err(self.damaged("data after the closing line")),
        }
    }
}

/// One value of the file, as the target column takes it.
fn bind(v: &J, to: &Column, target: DbBackend) -> Result<(Value, usize), String> {
    let null = |kind: Kind| -> Value {
        match kind {
            Kind::Bool => Value::Bool(None),
            Kind::Int => Value::BigInt(None),
            Kind::Float => Value::Double(None),
            Kind::Bytes => Value::Bytes(None),
            Kind::Date => Value::ChronoDate(None),
            Kind::Timestamp => Value::ChronoDateTime(None),
            Kind::TimestampTz => Value::ChronoDateTimeUtc(None),
            Kind::Decimal | Kind::Text | Kind::Json | Kind::Other => Value::String(None),
        }
    };
    if v.is_null() {
        return Ok((null(to.kind), 0));
    }
    let text = || v.as_str().ok_or_else(|| format!("expected text, found {v}"));
    let value = match to.kind {
        Kind::Bool => match v {
            J::Bool(b) => Value::Bool(Some(*b)),
            J::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => Value::Bool(Some(n.as_i64() == Some(1))),
            _ => return Err(format!("expected true or false, found {v}")),
        },
        Kind::Int => match v {
            J::Number(n) => {
                Value::BigInt(Some(n.as_i64().ok_or_else(|| format!("expected a whole number, found {n}"))?))
            }
            J::Bool(b) => Value::BigInt(Some(i64::from(*b))),
            _ => return Err(format!("expected a whole number, found {v}")),
        },
        Kind::Float => match v {
            J::Number(n) => Value::Double(n.as_f64()),
            J::String(s) => Value::Double(Some(s.parse::<f64>().map_err(|e| format!("{s}: {e}"))?)),
            _ => return Err(format!("expected a number, found {v}")),
        },
        Kind::Bytes => {
            let bytes = BASE64.decode(text()?).map_err(|e| format!("base64: {e}"))?;
            let n = bytes.len();
            return Ok((Value::Bytes(Some(bytes)), n));
        }
        Kind::Date => {
            let s = text()?;
            Value::ChronoDate(Some(s.parse::<NaiveDate>().map_err(|e| format!("{s}: {e}"))?))
        }
        Kind::Timestamp => {
            let s = text()?;
            Value::ChronoDateTime(Some(
                NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").map_err(|e| format!("{s}: {e}"))?,
            ))
        }
        Kind::TimestampTz => {
            let s = text()?;
            Value::ChronoDateTimeUtc(Some(
                DateTime::parse_from_rfc3339(s).map_err(|e| format!("{s}: {e}"))?.with_timezone(&Utc),
            ))
        }
        Kind::Decimal | Kind::Text | Kind::Json | Kind::Other => {
            let s = match v {
                J::String(s) => s.clone(),
                // A number or a boolean kept in a text column by one engine and not the other.
                J::Number(n) => n.to_string(),
                J::Bool(b) => b.to_string(),
                _ => return Err(format!("expected text, found {v}")),
            };
            if target == DbBackend::Postgres && s.contains('\0') {
                return Err("a NUL character, which PostgreSQL cannot store in text".into());
            }
            let n = s.len();
            return Ok((Value::String(Some(s)), n));
        }
    };
    Ok((value, 16))
}

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

/// Reads the whole file once without writing anything: a damaged or cut file is refused
/// before the database is touched.
fn check_file<R: Read>(r: R) -> Result<Header, RestoreRefusal> {
    let mut reader = Reader::new(r);
    let header = reader.header()?;
    let (mut tables, mut total) = (0u64, 0u64);
    let mut expected = header.tables.iter();
    loop {
        match reader.next_line()? {
            Line::Start(section) => {
                if expected.next() != Some(&section.name) {
                    return Err(reader.damaged(format!("table {} is not where the header puts it", section.name)));
                }
                let mut rows = 0u64;
                loop {
                    match reader.next_line()? {
                        Line::Row(values) => {
                            if values.len() != section.columns.len() {
                                return Err(reader.damaged(format!("a row of {} has the wrong width", section.name)));
                            }
                            for (v, (name, kind)) in values.iter().zip(&section.columns) {
                                let column = Column { name: name.clone(), kind: *kind, declared: String::new() };
                                bind(v, &column, DbBackend::Sqlite)
                                    .map_err(|e| reader.damaged(format!("{}.{name}: {e}", section.name)))?;
                            }
                            rows += 1;
                        }
                        Line::End { table, rows: declared } if table == section.name && declared == rows => break,
                        _ => return Err(reader.damaged(format!("table {} does not end as it should", section.name))),
                    }
                }
                tables += 1;
                total += rows;
            }
            Line::Complete { tables: t, rows: r } => {
                if t != tables || r != total || expected.next().is_some() {
                    return Err(reader.damaged("the closing line does not match the tables read"));
                }
                reader.expect_end()?;
                return Ok(header);
            }
            _ => return Err(reader.damaged("a row outside of any table")),
        }
    }
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
    for t in present.iter().filter(|t| t.name != MIGRATIONS_TABLE) {
        let any = db
            .query_one_raw(Statement::from_string(backend, format!("SELECT 1 FROM {} LIMIT 1", quote(&t.name))))
            .await?;
        if any.is_some() {
            return Ok(Err(RestoreRefusal::NotEmpty(t.name.clone())));
        }
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

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn reads_the_type_names_of_both_engines() {
        for (declared, kind) in [
            ("timestamp_with_timezone_text", Kind::TimestampTz),
            ("timestamp with time zone", Kind::TimestampTz),
            ("timestamp without time zone", Kind::Timestamp),
            ("datetime_text", Kind::Timestamp),
            ("date_text", Kind::Date),
            ("date", Kind::Date),
            ("boolean", Kind::Bool),
            ("integer", Kind::Int),
            ("bigint", Kind::Int),
            ("double precision", Kind::Float),
            ("double", Kind::Float),
            ("real", Kind::Float),
            ("numeric(10,2)", Kind::Decimal),
            ("json_text", Kind::Json),
            ("jsonb", Kind::Json),
            ("blob", Kind::Bytes),
            ("bytea", Kind::Bytes),
            ("text", Kind::Text),
            ("character varying(20)", Kind::Text),
            ("varchar(20)", Kind::Text),
            ("uuid", Kind::Other),
        ] {
            assert_eq!(Kind::of(declared), kind, "{declared}");
            assert_eq!(Kind::from_key(kind.key()), Some(kind));
        }
    }
}
