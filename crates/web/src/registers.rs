//! Registers over HTTP: the signed-in user's rules and CSV downloads; the use cases are
//! [`kehoach_app::registers`]'s.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use kehoach_domain::Plan;
use kehoach_domain::register::RegisterDef;
use kehoach_store::StoredRecord;

pub use kehoach_app::registers::def;
pub use kehoach_app::tables::register_csv as to_csv;

use crate::AppState;
use crate::auth::session::Signed;
use crate::error::WebError;

/// The unit whose records alone the user sees: a unit's reporter sees its own.
pub fn own_unit(signed: &Signed) -> Option<&str> {
    kehoach_domain::rows::own_unit(&signed.principal)
}

/// Refused unless the user may write this register for this unit.
pub fn may_write(signed: &Signed, def: &RegisterDef, unit: &str) -> Result<(), WebError> {
    Ok(kehoach_app::registers::may_write(&signed.principal, def, unit)?)
}

/// The unit a new record is owned by when none is given.
pub fn default_unit(signed: &Signed, plan: &Plan) -> String {
    kehoach_app::registers::default_unit(&signed.principal, plan)
}

impl From<kehoach_app::registers::NotWritten> for WebError {
    /// A record not written, as the use case's error.
    fn from(e: kehoach_app::registers::NotWritten) -> WebError {
        WebError::App(e.into())
    }
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
