//! The official documents over the API: the same files as the pages' downloads.

use axum::extract::State;
use axum::response::Response;
use kehoach_domain::Action;

use crate::AppState;
use crate::auth::session::Viewer;
use crate::documents;
use crate::error::{ApiError, ErrorBody, InLang};
use crate::i18n::RequestLang;
use crate::params::{Params, QueryParams};
pub use crate::documents::Wanted;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadPublic, __path_plan_docx, plan_docx).api(
        Action::ReadCommuneReport,
        __path_report_docx,
        report_docx,
    )
}

/// The whole plan as a .docx in the layout of Decree 30/2020 (Phụ lục I and II as tables).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/plan.docx", params(("plan" = String, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 404, body = ErrorBody)))]
pub(super) async fn plan_docx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params(plan_id): Params<String>,
) -> Result<Response, ApiError> {
    let (name, bytes) = documents::plan(&state, &plan_id).await.api(lang)?;
    Ok(documents::download(&name, bytes))
}

/// The commune report of a period (`2026-Q1`, `2026-Y`, `2026-R1`) as a .docx: numbered
/// `Số: NN/BC-UBND` once approved, marked "DỰ THẢO" before (drafts only for the commune's staff;
/// the province gets approved reports only). An approved version is served byte for byte as it
/// was approved, whatever changed since.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/report.docx",
    params(("plan" = String, Path), ("period" = String, Path), Wanted),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 404, body = ErrorBody)))]
pub(super) async fn report_docx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((plan_id, period)): Params<(String, String)>,
    QueryParams(wanted): QueryParams<Wanted>,
) -> Result<Response, ApiError> {
    let plan = kehoach_app::plans::get(&state, &plan_id).await.api(lang)?;
    let drafts = kehoach_app::reporting::may_see_drafts(viewer.0.as_ref().map(|s| &s.principal), &plan);
    let (file, bytes) = documents::commune_report(&state, &plan.id, &period, wanted.version, drafts).await.api(lang)?;
    Ok(documents::download(&file, bytes))
}
