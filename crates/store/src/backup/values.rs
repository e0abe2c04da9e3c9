//! Values across engines: read from either engine into the file's JSON, and from the file into
//! what the target column takes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use sea_orm::{DbBackend, QueryResult, Value};
use serde_json::Value as J;

use super::schema::{Column, Kind};

pub(super) fn read_value(row: &QueryResult, i: usize, kind: Kind) -> Result<J, sea_orm::DbErr> {
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

/// One value of the file, as the target column takes it.
pub(super) fn bind(v: &J, to: &Column, target: DbBackend) -> Result<(Value, usize), String> {
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
