//! The audit trail, with filters by record, user and date.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::{NaiveDate, TimeZone, Utc};
use kehoach_domain::Action;
use kehoach_store::{AuditEntry, AuditFilter};
use serde::Deserialize;

use super::{Frame, render};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, PageError, WebError};
use crate::i18n::RequestLang;
use crate::params::QueryParams;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/audit", Action::ReadAudit, audit_page)
}

/// The filters of the audit page and `GET /api/v1/audit`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Kind of record: `plan`, `unit`, `user`.
    pub kind: Option<String>,
    /// The record's key, e.g. `muong-la/ban-a`.
    pub key: Option<String>,
    /// Who made the change.
    pub actor: Option<String>,
    /// From this day (inclusive), `YYYY-MM-DD`.
    pub from: Option<String>,
    /// To this day (inclusive), `YYYY-MM-DD`.
    pub to: Option<String>,
}

fn day(text: &Option<String>) -> Result<Option<NaiveDate>, ()> {
    match text.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| ()),
    }
}

/// The store filter for a viewer: their commune's rows (or their province's), narrowed by the
/// query. `Err` carries the message key of a malformed date.
pub fn audit_filter(q: &AuditQuery, signed: &crate::auth::session::Signed) -> Result<AuditFilter, &'static str> {
    let text = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let from = day(&q.from).map_err(|()| "audit-bad-date")?;
    let to = day(&q.to).map_err(|()| "audit-bad-date")?;
    let p = &signed.principal;
    Ok(AuditFilter {
        communes: p.commune.clone().map(|c| vec![c]),
        province: Some(p.province.clone()),
        record_kind: text(&q.kind),
        record_key: text(&q.key),
        actor: text(&q.actor),
        // Days are days in Vietnam (UTC+7).
        from: from
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| Utc.from_utc_datetime(&(t - chrono::Duration::hours(7)))),
        to: to
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| Utc.from_utc_datetime(&(t - chrono::Duration::hours(7)))),
        limit: 200,
    })
}

pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub address: String,
    pub action: String,
    pub record: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    frame: Frame,
    query: AuditQuery,
    lines: Vec<AuditLine>,
}

fn line(e: AuditEntry) -> AuditLine {
    let local = e.at + chrono::Duration::hours(7);
    AuditLine {
        at: local.format("%d/%m/%Y %H:%M:%S").to_string(),
        actor: e.actor,
        address: e.address.unwrap_or_default(),
        action: e.action,
        record: format!("{} {}", e.record_kind, e.record_key),
        before: e.before_json.unwrap_or_default(),
        after: e.after_json.unwrap_or_default(),
    }
}

async fn audit_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let signed = &acting.signed;
    let t = crate::i18n::Tr::new(lang);
    let filter =
        audit_filter(&query, signed).map_err(|key| PageError { error: WebError::Invalid(t.get(key)), lang })?;
    let lines = state.store.audit(&filter).await.page(lang)?.into_iter().map(line).collect();
    render(&AuditPage { frame: Frame::new(lang, "/audit", &viewer), query, lines }, lang)
}
