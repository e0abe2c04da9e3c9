//! The audit trail, with filters by record, user and date.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use kehoach_app::audit;
use kehoach_domain::Action;

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

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    frame: Frame,
    query: AuditQuery,
    /// The kinds of record to filter by: (stored kind, its words).
    kinds: Vec<(String, String)>,
    lines: Vec<audit::Line>,
}

async fn audit_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Html<String>, PageError> {
    let (entries, zone) = audit::trail(&state, acting.principal(), &query).await.page(lang)?;
    let lines = audit::lines(&state, acting.principal(), &entries, zone, lang).await.page(lang)?;
    let t = kehoach_app::present::Tr::new(lang);
    let kinds = audit::KINDS.iter().map(|k| ((*k).to_owned(), audit::kind_words(&t, k))).collect();
    render(&AuditPage { frame: Frame::new(lang, "/audit", &viewer), query, kinds, lines }, lang)
}
