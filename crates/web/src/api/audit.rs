//! The audit trail over the API.

use axum::extract::State;
use kehoach_domain::Action;
use kehoach_store::AuditEntry;

use super::page::{PageQuery, Paged};
use crate::AppState;
use crate::acting::Acting;
use crate::error::{ApiError, ErrorBody, InLang, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::params::QueryParams;
use crate::policy::Routes;
use kehoach_app::audit::{self, AuditQuery};

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadAudit, __path_audit, audit)
}

const AUDIT: &str = "audit";

/// Changes to records of the caller's commune (or province), newest first, a page at a time:
/// at most `limit` (100 by default, 500 at most); when more follow, the `Next-Cursor` header
/// gives the `cursor` of the next page.
// The filters are listed one by one: `AuditQuery` (the page's too) derives its parameters
// without a place, which utoipa would describe as path parameters.
#[utoipa::path(get, path = "/api/v1/audit", params(
    ("kind" = Option<String>, Query, description = "Kind of record: `plan`, `unit`, `user`, `register_record` …"),
    ("key" = Option<String>, Query, description = "The record's key, e.g. `muong-la/ban-a`."),
    ("actor" = Option<String>, Query, description = "Who made the change."),
    ("from" = Option<String>, Query, description = "From this day (inclusive), `YYYY-MM-DD`."),
    ("to" = Option<String>, Query, description = "To this day (inclusive), `YYYY-MM-DD`."),
    PageQuery), responses(
    (status = 200, body = [AuditEntry], headers(("Next-Cursor" = String,
        description = "the `cursor` of the next page; absent on the last page"))),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 422, body = ErrorBody, description = "a malformed date, limit or cursor")))]
pub(super) async fn audit(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    QueryParams(query): QueryParams<AuditQuery>,
    QueryParams(page): QueryParams<PageQuery>,
) -> Result<Paged<AuditEntry>, ApiError> {
    let t = Tr::new(lang);
    let limit = page.limit(&t).api(lang)?;
    let before = match page.after(AUDIT, &t).api(lang)? {
        Some(id) => Some(id.parse::<i32>().map_err(|_| WebError::Invalid(t.get("page-bad-cursor"))).api(lang)?),
        None => None,
    };
    let read = audit::page(&state, acting.principal(), &query, before, limit + 1).await.api(lang)?;
    Ok(Paged::from_read(read, limit, |e| e.id.to_string(), AUDIT))
}
