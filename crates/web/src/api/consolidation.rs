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
use crate::params::Params;
use crate::policy::Routes;
use crate::reporting::{self, CommuneReportView};
use kehoach_app::commune_report::{self, RecordView};
use kehoach_domain::Signer;

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadConsolidation, __path_get_consolidation, get_consolidation)
        .api(Action::EditConsolidation, __path_put_narrative, put_narrative)
        .api(Action::EditConsolidation, __path_send, send)
        .api(Action::ApproveConsolidation, __path_approve, approve)
        .api(Action::ApproveConsolidation, __path_reopen, reopen)
        .api(Action::ReadCommuneReport, __path_approved_report, approved_report)
        .api_upload(Action::ApproveConsolidation, __path_attach_scan, attach_scan, crate::evidence::MAX_UPLOAD)
        .api(Action::ReadCommuneReport, __path_scan_pdf, scan_pdf)
        .api(Action::ReadConsolidation, __path_signers, signers)
        .api(Action::ManagePlans, __path_put_plan_reference, put_plan_reference)
}

/// The consolidation of the period's accepted unit reports and the commune report's narrative;
/// under `province`, where each approved version stands at the province (sent, accepted or
/// returned with its reason), the province's deadline and whether the first sending met it.
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

/// A leader's approval.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    version: i32,
    /// The number from the office's register (required unless the plan lets the product
    /// number its reports).
    #[serde(default)]
    number: Option<u32>,
    /// Who signs: one of `GET …/consolidation/signers`; the plan's signer when absent.
    #[serde(default)]
    signer: Option<Signer>,
    /// Approve although some units' reports are not accepted (they are named in a 409 otherwise).
    #[serde(default)]
    confirm_incomplete: bool,
}

/// The version seen, for a step without content.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Seen {
    version: i32,
}

/// Reopening an approved report for a correction.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reopen {
    version: i32,
    /// Why it is corrected: kept with the version it replaces and in the audit trail.
    reason: String,
}

/// The plan's own number and date, for reports to cite.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanReference {
    /// The number part of "Số: 12/KH-UBND": `"12"`.
    number: String,
    /// `YYYY-MM-DD`.
    issued_on: String,
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
    Ok(Json(commune_report::save_narrative(&state, &plan, &period, edit.version, &text, actor).await.api(lang)?))
}

/// Sends the commune report to the leaders for approval (409 if changed meanwhile).
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/consolidation/send", request_body = Seen,
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = CommuneReportView), (status = 409, body = ErrorBody)))]
pub(super) async fn send(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan, period)): Path<(String, String)>,
    seen: JsonBody<Seen>,
) -> Result<Json<CommuneReportView>, ApiError> {
    let seen = read_json(seen, lang)?;
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    Ok(Json(commune_report::send_for_approval(&state, &plan, &period, seen.version, acting.actor()).await.api(lang)?))
}

/// Approves the commune report: its record is stored — the figures at the period's data
/// cut-off (or today, if earlier), the texts, the document with its number and signer and its
/// SHA-256 — and every later download returns those bytes. 409 when changed meanwhile, already
/// approved, the number taken, or units are missing without `confirm_incomplete`.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/consolidation/approve", request_body = Approval,
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = CommuneReportView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn approve(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan, period)): Path<(String, String)>,
    approval: JsonBody<Approval>,
) -> Result<Json<CommuneReportView>, ApiError> {
    let approval = read_json(approval, lang)?;
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    let input = commune_report::ApprovalInput {
        version: approval.version,
        number: approval.number,
        signer: approval.signer,
        confirm_incomplete: approval.confirm_incomplete,
    };
    Ok(Json(commune_report::approve(&state, &plan, &period, input, acting.actor()).await.api(lang)?))
}

/// Reopens an approved commune report for a correction, with the reason; the approved version
/// stays readable, and the next approval makes a new version.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/consolidation/reopen", request_body = Reopen,
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = CommuneReportView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn reopen(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan, period)): Path<(String, String)>,
    body: JsonBody<Reopen>,
) -> Result<Json<CommuneReportView>, ApiError> {
    let body = read_json(body, lang)?;
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    Ok(Json(
        commune_report::reopen(&state, &plan, &period, body.version, &body.reason, acting.actor()).await.api(lang)?,
    ))
}

/// Who may sign the commune's reports: the plan's signer and the commune's leaders.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/consolidation/signers",
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = Vec<Signer>), (status = 404, body = ErrorBody)))]
pub(super) async fn signers(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Json<Vec<Signer>>, ApiError> {
    let (plan, _) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    Ok(Json(commune_report::signers(&state, &plan).await.api(lang)?))
}

/// Attaches the signed scan (a PDF, at most 10 MB) to an approved version, once.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/commune-report/versions/{version}/scan",
    request_body(content = super::FileUpload, content_type = "multipart/form-data"),
    params(("plan" = String, Path), ("period" = String, Path), ("version" = i32, Path)),
    responses((status = 200, body = RecordView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn attach_scan(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan, period, version)): Params<(String, String, i32)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Json<RecordView>, ApiError> {
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    let (name, bytes) = crate::evidence::read_file(&mut multipart, lang).await.api(lang)?;
    Ok(Json(
        commune_report::attach_scan(&state, &plan, &period, version, &name, &bytes, acting.actor()).await.api(lang)?,
    ))
}

/// The signed scan of an approved version, as attached.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/commune-report/versions/{version}/scan.pdf",
    params(("plan" = String, Path), ("period" = String, Path), ("version" = i32, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub(super) async fn scan_pdf(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params((plan, period, version)): Params<(String, String, i32)>,
) -> Result<axum::response::Response, ApiError> {
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    let (name, bytes) = commune_report::scan(&state, &plan, &period, version).await.api(lang)?;
    Ok(crate::documents::pdf(&name, bytes))
}

/// Fills in the plan's own number and date (when the plan file did not carry them), so that
/// reports cite "Kế hoạch số 12/KH-UBND ngày 20/01/2026".
#[utoipa::path(put, path = "/api/v1/plans/{plan}/reference", request_body = PlanReference,
    params(("plan" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn put_plan_reference(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params(plan): Params<String>,
    body: JsonBody<PlanReference>,
) -> Result<axum::http::StatusCode, ApiError> {
    let body = read_json(body, lang)?;
    let plan = kehoach_app::plans::get(&state, &plan).await.api(lang)?;
    commune_report::set_plan_reference(&state, &plan, &body.number, &body.issued_on, acting.actor()).await.api(lang)?;
    Ok(axum::http::StatusCode::NO_CONTENT)
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
