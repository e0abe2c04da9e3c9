//! Reading a backup file: its framing (gzip, one JSON value a line), its header and sections,
//! and the whole-file check made before anything is written.

use std::io::{BufRead, BufReader, Read};

use sea_orm::DbBackend;
use serde_json::Value as J;

use super::schema::{Column, Kind};
use super::values::bind;
use super::{BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MAX_LINE, RestoreRefusal};

/// The file's header, once read.
pub(super) struct Header {
    pub(super) engine: String,
    pub(super) created_at: String,
    pub(super) migrations: Vec<String>,
    pub(super) tables: Vec<String>,
}

/// One table's section as the file declares it.
pub(super) struct Section {
    pub(super) name: String,
    pub(super) columns: Vec<(String, Kind)>,
}

/// What a line of the file is.
pub(super) enum Line {
    Start(Section),
    Row(Vec<J>),
    End { table: String, rows: u64 },
    Complete { tables: u64, rows: u64 },
}

/// Reads a backup line by line, checking the gzip framing (a damaged or cut file fails its
/// check sum or ends early) and the shape of each line.
pub(super) struct Reader<R: Read> {
    lines: BufReader<flate2::read::GzDecoder<R>>,
    number: u64,
    buf: String,
}

impl<R: Read> Reader<R> {
    pub(super) fn new(r: R) -> Reader<R> {
        Reader {
            lines: BufReader::with_capacity(1 << 16, flate2::read::GzDecoder::new(r)),
            number: 0,
            buf: String::new(),
        }
    }

    pub(super) fn damaged(&self, what: impl std::fmt::Display) -> RestoreRefusal {
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

    pub(super) fn header(&mut self) -> Result<Header, RestoreRefusal> {
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

    pub(super) fn next_line(&mut self) -> Result<Line, RestoreRefusal> {
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

/// Reads the whole file once without writing anything: a damaged or cut file is refused
/// before the database is touched.
pub(super) fn check_file<R: Read>(r: R) -> Result<Header, RestoreRefusal> {
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
