//! Registers over HTTP: the signed-in user's rules and CSV downloads; the use cases are
//! [`kehoach_app::registers`]'s.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use kehoach_domain::register::RegisterDef;
use kehoach_domain::{Lang, Plan};
use kehoach_store::{Actor, StoredRecord};

pub use kehoach_app::registers::{as_rows, def, input};
pub use kehoach_app::tables::register_csv as to_csv;

use crate::AppState;
use crate::auth::session::Signed;
use crate::error::WebError;
use crate::i18n::Tr;

/// The unit whose records alone the user sees: a unit's reporter sees its own.
pub fn own_unit(signed: &Signed) -> Option<&str> {
    kehoach_domain::rows::own_unit(&signed.principal)
}

/// Whether the user may see this record.
pub fn may_read(signed: &Signed, record: &StoredRecord) -> bool {
    kehoach_app::registers::may_read(&signed.principal, record)
}

/// Refused unless the user may write this register for this unit.
pub fn may_write(signed: &Signed, def: &RegisterDef, unit: &str) -> Result<(), WebError> {
    Ok(kehoach_app::registers::may_write(&signed.principal, def, unit)?)
}

/// The unit a new record is owned by when none is given.
pub fn default_unit(signed: &Signed, plan: &Plan) -> String {
    kehoach_app::registers::default_unit(&signed.principal, plan)
}

/// The refusal of a write.
pub fn refused(def: &RegisterDef, errors: &[kehoach_store::RowError], _t: &Tr, rows: bool) -> WebError {
    kehoach_app::registers::refused(def, errors, rows).into()
}

/// A CSV download named after the register.
pub fn csv_response(def: &RegisterDef, csv: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"so-{}.csv\"", def.key.replace('_', "-"))),
        ],
        csv,
    )
        .into_response()
}

/// Deletes a record, or says which records point at it.
pub async fn delete(state: &AppState, plan_id: &str, id: i32, actor: Actor<'_>, _lang: Lang) -> Result<(), WebError> {
    Ok(kehoach_app::registers::delete(state, plan_id, id, actor).await?)
}

/// Imports a CSV file into a register: all rows or none.
pub async fn import(
    state: &AppState,
    signed: &Signed,
    plan_id: &str,
    def: &RegisterDef,
    bytes: &[u8],
    actor: Actor<'_>,
    _lang: Lang,
) -> Result<usize, WebError> {
    Ok(kehoach_app::registers::import(state, &signed.principal, plan_id, def, bytes, actor).await?)
}

/// A record the user may see, of this register; otherwise not found.
pub async fn readable(
    state: &AppState,
    signed: &Signed,
    plan_id: &str,
    def: &RegisterDef,
    id: i32,
) -> Result<StoredRecord, WebError> {
    Ok(kehoach_app::registers::readable(state, &signed.principal, plan_id, def, id).await?)
}

/// Keeps an evidence file with a record the user may write.
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    state: &AppState,
    signed: &Signed,
    plan_id: &str,
    def: &RegisterDef,
    id: i32,
    name: &str,
    bytes: &[u8],
    actor: Actor<'_>,
    _lang: Lang,
) -> Result<kehoach_store::FileInfo, WebError> {
    Ok(kehoach_app::registers::attach(state, &signed.principal, plan_id, def, id, name, bytes, actor).await?)
}

/// An evidence file of a record the user may see, as a download.
pub async fn download(
    state: &AppState,
    signed: &Signed,
    plan_id: &str,
    def: &RegisterDef,
    id: i32,
    file: i32,
) -> Result<Response, WebError> {
    let (info, bytes) = kehoach_app::registers::file(state, &signed.principal, plan_id, def, id, file).await?;
    Ok(crate::evidence::attachment(info, bytes))
}
