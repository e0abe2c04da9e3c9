//! Backups and moves: every table of the schema, evidence files included, as one engine-neutral
//! file, and back into an empty database of either engine.
//!
//! The file is gzip'd JSON lines: a header (format, schema migrations, creation time, table
//! order), then for each table a line naming its columns and their kinds, one JSON array per row
//! and a line with the row count, then a closing line. Blobs are base64, timestamps RFC 3339 in
//! UTC, dates ISO 8601, so a SQLite file restores into PostgreSQL and back.
//!
//! Tables and columns are read from the schema itself, not from a list kept here: a table added
//! by a later migration is backed up without editing this module.

mod file;
#[cfg(test)]
mod older_schema_tests;
mod restore;
mod schema;
mod values;
mod write;

pub use restore::restore;

/// What the first line of a backup says it is.
const BACKUP_FORMAT: &str = "kehoach-backup";
/// The version of the file layout this program writes and reads.
const BACKUP_FORMAT_VERSION: u64 = 1;
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
