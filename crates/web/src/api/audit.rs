//! The audit trail over the API.

use axum::Json;
use axum::extract::State;
use kehoach_domain::Action;
use kehoach_store::AuditEntry;

use crate::AppState;
use crate::auth::session::Viewer;
use crate::error::{ApiError, ErrorBody, InLang, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::pages::audit::{AuditQuery, audit_filter};
use crate::params::QueryParams;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/audit", Action::ReadAudit, audit)
}

/// Changes to records of the caller's commune (or province), newest first, at most 200.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), responses(
    (status = 200, body = [AuditEntry]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody, description = "a malformed date")))]
pub(super) async fn audit(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let signed = viewer.0.as_ref().ok_or(ApiError { error: WebError::NotSignedIn, lang })?;
    let filter = audit_filter(&query, signed)
        .map_err(|key| ApiError { error: WebError::Invalid(Tr::new(lang).get(key)), lang })?;
    Ok(Json(state.store.audit(&filter).await.api(lang)?))
}
