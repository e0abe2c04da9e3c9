//! The commune's report over the API: the consolidation, its narrative, approval, and the
//! approved report for the province.

use axum::Json;
use axum::extract::{Path, State};
use kehoach_domain::Action;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{JsonBody, read_json};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{ApiError, ErrorBody, InLang, NotFound, WebError};
use crate::i18n::RequestLang;
use crate::policy::Routes;
use crate::reporting::{self, CommuneReportView};

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadConsolidation, __path_get_consolidation, get_consolidation)
        .api(Action::EditConsolidation, __path_put_narrative, put_narrative)
        .api(Action::ApproveConsolidation, __path_approve, approve)
        .api(Action::ReadCommuneReport, __path_approved_report, approved_report)
}

/// The consolidation of the period's accepted unit reports and the commune report's narrative.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/consolidation",
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = CommuneReportView), (status = 404, body = ErrorBody)))]
pub(super) async fn get_consolidation(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Json<CommuneReportView>, ApiError> {
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    Ok(Json(reporting::commune_report(&state, &plan, &period).await.api(lang)?))
}

#[derive(Deserialize, ToSchema)]
pub struct NarrativeEdit {
    version: i32,
    narrative: String,
}

#[derive(Deserialize, ToSchema)]
pub struct Approval {
    version: i32,
}

/// Saves the narrative at the version seen (409 if changed meanwhile, or approved).
#[utoipa::path(put, path = "/api/v1/plans/{plan}/periods/{period}/consolidation", request_body = NarrativeEdit,
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = CommuneReportView), (status = 409, body = ErrorBody)))]
pub(super) async fn put_narrative(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan, period)): Path<(String, String)>,
    edit: JsonBody<NarrativeEdit>,
) -> Result<Json<CommuneReportView>, ApiError> {
    let edit = read_json(edit, lang)?;
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    let text = kehoach_app::input::long("consolidation-narrative", &edit.narrative).api(lang)?;
    let actor = acting.actor();
    Ok(Json(
        kehoach_app::reporting::change_commune_report(&state, &plan, &period, edit.version, Some(&text), actor)
            .await
            .api(lang)?,
    ))
}

/// Approves the commune report: it is frozen with the consolidation of this moment.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/consolidation/approve", request_body = Approval,
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = CommuneReportView), (status = 409, body = ErrorBody)))]
pub(super) async fn approve(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan, period)): Path<(String, String)>,
    approval: JsonBody<Approval>,
) -> Result<Json<CommuneReportView>, ApiError> {
    let approval = read_json(approval, lang)?;
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    let actor = acting.actor();
    Ok(Json(
        kehoach_app::reporting::change_commune_report(&state, &plan, &period, approval.version, None, actor)
            .await
            .api(lang)?,
    ))
}

/// The approved commune report, as sent up to the province; not found until approved.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/commune-report",
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = CommuneReportView), (status = 404, body = ErrorBody)))]
pub(super) async fn approved_report(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Json<CommuneReportView>, ApiError> {
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    let report = reporting::commune_report(&state, &plan, &period).await.api(lang)?;
    // The province sees what the commune approved, never its drafts.
    if !report.approved && !kehoach_app::reporting::may_see_drafts(viewer.0.as_ref().map(|s| &s.principal), &plan) {
        return Err(ApiError { error: WebError::NotFound(NotFound::Page), lang });
    }
    Ok(Json(report))
}
