//! The audit trail, with filters by record, user and date.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use kehoach_app::audit;
use kehoach_domain::Action;
use kehoach_store::AuditEntry;

use super::{Frame, render};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, PageError};
use crate::i18n::RequestLang;
use crate::params::QueryParams;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/audit", Action::ReadAudit, audit_page)
}

pub use kehoach_app::audit::AuditQuery;

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

fn line(e: AuditEntry, zone: kehoach_app::present::Tz) -> AuditLine {
    let local = e.at.with_timezone(&zone);
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
    let (entries, zone) = audit::trail(&state, acting.principal(), &query).await.page(lang)?;
    let lines = entries.into_iter().map(|e| line(e, zone)).collect();
    render(&AuditPage { frame: Frame::new(lang, "/audit", &viewer), query, lines }, lang)
}
