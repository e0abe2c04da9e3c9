//! The schema as the database describes it: tables, columns and their kinds, keys, parents.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use super::MIGRATIONS_TABLE;
use crate::StoreError;

/// How a column's values are written in the file, whatever the engine's own type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
    pub(super) fn of(declared: &str) -> Kind {
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

    pub(super) fn key(self) -> &'static str {
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

    pub(super) fn from_key(key: &str) -> Option<Kind> {
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
pub(super) struct Column {
    pub(super) name: String,
    pub(super) kind: Kind,
    /// The engine's own type name, for casts on PostgreSQL.
    pub(super) declared: String,
}

#[derive(Debug, Clone)]
pub(super) struct Table {
    pub(super) name: String,
    pub(super) columns: Vec<Column>,
    pub(super) primary_key: Vec<String>,
    /// Tables this one points at through foreign keys.
    pub(super) parents: BTreeSet<String>,
}

pub(super) fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

pub(super) fn engine_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// Reads the schema: every table but the engine's own, with columns, key and parents.
pub(super) async fn schema<C: ConnectionTrait>(db: &C) -> Result<Vec<Table>, StoreError> {
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
pub(super) fn in_key_order(tables: Vec<Table>) -> Vec<Table> {
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

pub(super) async fn applied_migrations<C: ConnectionTrait>(
    db: &C,
    tables: &[Table],
) -> Result<Vec<String>, StoreError> {
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
