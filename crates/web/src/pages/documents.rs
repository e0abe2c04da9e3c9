//! Downloads of the official documents: the plan and a period's commune report, as .docx.

use axum::extract::State;
use axum::response::Response;
use kehoach_domain::Action;

use crate::AppState;
use crate::auth::session::Viewer;
use crate::documents;
use crate::error::{InLang, PageError};
use crate::i18n::RequestLang;
use crate::params::{Params, QueryParams};
pub use crate::documents::Wanted;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/plan.docx", Action::ReadPublic, plan_docx).get(
        "/plans/{plan}/periods/{period}/report.docx",
        Action::ReadCommuneReport,
        report_docx,
    )
}

/// The plan as its document: public, as the plan is.
pub async fn plan_docx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params(plan_id): Params<String>,
) -> Result<Response, PageError> {
    let (name, bytes) = documents::plan(&state, &plan_id).await.page(lang)?;
    Ok(documents::download(&name, bytes))
}

/// A period's commune report: approved ones for everyone who reads commune reports, the draft
/// for those who read the consolidation.
pub async fn report_docx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((plan_id, period)): Params<(String, String)>,
    QueryParams(wanted): QueryParams<Wanted>,
) -> Result<Response, PageError> {
    let plan = super::plan::load_plan(&state, &plan_id, lang).await?;
    let drafts = kehoach_app::reporting::may_see_drafts(viewer.0.as_ref().map(|s| &s.principal), &plan);
    let (file, bytes) = documents::commune_report(&state, &plan.id, &period, wanted.version, drafts).await.page(lang)?;
    Ok(documents::download(&file, bytes))
}
