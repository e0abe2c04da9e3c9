//! The reporting cycle over the API: periods, a unit's report and its workflow, the board.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use kehoach_domain::Action;
use kehoach_domain::report::{ReportBody, Step};
use kehoach_store::Actor;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{JsonBody, read_json};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::client::ClientAddress;
use crate::error::{ApiError, ErrorBody, ErrorDetail, InLang, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::params::QueryParams;
use crate::policy::Routes;
use crate::reporting::{self, BoardRow, ReportView, StepError};

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadPublic, __path_periods, periods)
        .api(Action::ReadReport, __path_get_report, get_report)
        .api(Action::EditReport, __path_put_report, put_report)
        .api(Action::EditReport, __path_submit, submit)
        .api(Action::ReviewReport, __path_accept, accept)
        .api(Action::ReviewReport, __path_return_report, return_report)
        .api(Action::ReviewReport, __path_reopen, reopen)
        .api(Action::ReadReport, __path_versions, versions)
        .api(Action::ReadReport, __path_files, files)
        .api_upload(Action::EditReport, __path_upload, upload, crate::evidence::MAX_UPLOAD)
        .api(Action::ReadReport, __path_download_file, download_file)
        .api(Action::ReadBoard, __path_board, board)
}

/// A reporting period of the plan.
#[derive(Serialize, ToSchema)]
pub struct PeriodDto {
    /// `2026-Q1` … `2026-Q4`, `2026-Y`.
    id: String,
    /// Reports arriving at or after this instant are late.
    deadline: DateTime<Utc>,
    /// The day the plan names ("before the 5th" → the 5th).
    deadline_day: NaiveDate,
    deadline_before: bool,
    data_from: NaiveDate,
    data_to: NaiveDate,
}

/// The plan's periods with their deadlines and cut-offs.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods", params(("plan" = String, Path)), responses(
    (status = 200, body = [PeriodDto]), (status = 404, body = ErrorBody)))]
pub(super) async fn periods(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(plan_id): Path<String>,
) -> Result<Json<Vec<PeriodDto>>, ApiError> {
    let plan = kehoach_app::plans::get(&state, &plan_id).await.api(lang)?;
    let periods = plan
        .reporting
        .periods(plan.year)
        .map_err(|e| ApiError { error: WebError::Internal(format!("{e:?}")), lang })?;
    Ok(Json(
        periods
            .into_iter()
            .map(|p| PeriodDto {
                id: p.id.to_string(),
                deadline: p.deadline,
                deadline_day: p.deadline_day,
                deadline_before: plan.reporting.deadline_before,
                data_from: p.data_from,
                data_to: p.data_to,
            })
            .collect(),
    ))
}

type ReportPath = Path<(String, String, String)>;

/// A unit's report: the stored one, or a new draft prefilled with what concerns the unit
/// (version 0).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}",
    params(("plan" = String, Path), ("period" = String, Path, description = "`2026-Q1`"), ("unit" = String, Path)),
    responses((status = 200, body = ReportView), (status = 404, body = ErrorBody)))]
pub(super) async fn get_report(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period, unit)): ReportPath,
) -> Result<Json<ReportView>, ApiError> {
    let ctx = reporting::context(&state, &plan, &period, &unit).await.api(lang)?;
    let stored = reporting::stored(&state, &plan, &period, &unit).await.api(lang)?;
    Ok(Json(reporting::view(&ctx, stored.as_ref(), state.clock.now(), lang)))
}

/// Every submitted version of a unit's report, each with what changed since the one before.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/versions",
    params(("plan" = String, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = [reporting::VersionView]), (status = 404, body = ErrorBody)))]
pub(super) async fn versions(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period, unit)): ReportPath,
) -> Result<Json<Vec<reporting::VersionView>>, ApiError> {
    let ctx = reporting::context(&state, &plan, &period, &unit).await.api(lang)?;
    Ok(Json(reporting::versions(&state, &ctx).await.api(lang)?))
}

/// The report's evidence files (their descriptions).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/files",
    params(("plan" = String, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = [kehoach_store::FileInfo]), (status = 404, body = ErrorBody)))]
pub(super) async fn files(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period, unit)): ReportPath,
) -> Result<Json<Vec<kehoach_store::FileInfo>>, ApiError> {
    let ctx = reporting::context(&state, &plan, &period, &unit).await.api(lang)?;
    Ok(Json(crate::evidence::list(&state, &ctx).await.api(lang)?))
}

/// One evidence file of the report, as it was uploaded. Errors are JSON, as everywhere under
/// `/api/` (the page's twin answers them as a page).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/files/{file}",
    params(("plan" = String, Path), ("period" = String, Path), ("unit" = String, Path),
        ("file" = i32, Path, description = "the `id` of one of the report's files")),
    responses((status = 200, description = "the file, of the type read from its content when it was uploaded",
        content(("image/jpeg"), ("image/png"), ("image/webp"), ("image/heic"), ("application/pdf"))),
        (status = 404, body = ErrorBody)))]
pub(super) async fn download_file(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    crate::params::Params((plan, period, unit, file)): crate::params::Params<(String, String, String, i32)>,
) -> Result<Response, ApiError> {
    let ctx = reporting::context(&state, &plan, &period, &unit).await.api(lang)?;
    let (info, bytes) = crate::evidence::fetch(&state, &ctx, file).await.api(lang)?;
    Ok(crate::evidence::attachment(info, bytes))
}

/// Adds an evidence file (multipart field `file`): a JPEG, PNG, WebP or HEIC photo or a PDF, at
/// most 10 MB, at most 10 a report; its type is read from its content.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/files",
    request_body(content = super::FileUpload, content_type = "multipart/form-data"),
    params(("plan" = String, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 201, body = kehoach_store::FileInfo), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn upload(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan, period, unit)): ReportPath,
    mut multipart: axum::extract::Multipart,
) -> Result<(StatusCode, Json<kehoach_store::FileInfo>), ApiError> {
    let ctx = reporting::context(&state, &plan, &period, &unit).await.api(lang)?;
    let (name, bytes) = crate::evidence::read_file(&mut multipart, lang).await.api(lang)?;
    let actor = acting.actor();
    Ok((StatusCode::CREATED, Json(kehoach_app::evidence::attach(&state, &ctx, &name, &bytes, actor).await.api(lang)?)))
}

/// A save or a submission: the content and the version it was made from.
#[derive(Deserialize, ToSchema)]
pub struct ReportEdit {
    /// The `version` of the report the edit started from (0 for a new report).
    version: i32,
    /// The content; for a submission, omitted means "what is saved".
    body: Option<ReportBody>,
}

/// A review step: the version seen, and the reason for a return or a reopening.
#[derive(Deserialize, ToSchema)]
pub struct ReviewStep {
    version: i32,
    #[serde(default)]
    reason: String,
}

/// The answer to a conflicting write: the report as it is now. Nothing was written.
#[derive(Serialize, ToSchema)]
pub struct ConflictBody {
    error: ErrorDetail,
    /// The report as it is now; absent only when the database itself refused the write (two
    /// writes at the same instant): read it again.
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<ReportView>,
}

/// A step asked over the API: what, at which version, with which content.
struct Asked {
    step: Step,
    version: i32,
    body: Option<ReportBody>,
}

async fn run(
    state: &AppState,
    viewer: &Viewer,
    address: Option<String>,
    (plan, period, unit): (String, String, String),
    asked: Asked,
    lang: kehoach_domain::Lang,
) -> Result<Response, ApiError> {
    let Asked { step, version, body } = asked;
    let signed = viewer.0.as_ref().ok_or(ApiError { error: WebError::NotSignedIn, lang })?;
    let ctx = reporting::context(state, &plan, &period, &unit).await.api(lang)?;
    let actor = Actor { name: &signed.principal.username, address: address.as_deref() };
    match reporting::apply(state, &ctx, step, version, body.as_ref(), actor, lang).await {
        Ok(view) => Ok(Json(view).into_response()),
        // The workflow refuses the step: why, and the report as it is, as for a stale write.
        Err(StepError::Refused(message)) => {
            let stored = reporting::stored(state, &ctx.plan.id, &period, &ctx.unit.code).await.api(lang)?;
            let current = reporting::view(&ctx, stored.as_ref(), state.clock.now(), lang);
            let error = ErrorDetail { code: "conflict", message };
            Ok((StatusCode::CONFLICT, Json(ConflictBody { error, current: Some(current) })).into_response())
        }
        Err(StepError::Conflict(current)) => {
            let error = ErrorDetail { code: "conflict", message: Tr::new(lang).get("report-conflict") };
            Ok((StatusCode::CONFLICT, Json(ConflictBody { error, current: Some(*current) })).into_response())
        }
        Err(StepError::Web(error)) => Err(ApiError { error, lang }),
    }
}

/// Saves the draft. A write at an older version than stored is refused with 409 and the
/// current report: nothing is overwritten.
#[utoipa::path(put, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}", request_body = ReportEdit,
    params(("plan" = String, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = ReportView), (status = 409, body = ConflictBody), (status = 422, body = ErrorBody)))]
pub(super) async fn put_report(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(path): ReportPath,
    edit: JsonBody<ReportEdit>,
) -> Result<Response, ApiError> {
    let edit = read_json(edit, lang)?;
    let body =
        edit.body.ok_or_else(|| ApiError { error: WebError::Invalid(Tr::new(lang).get("report-no-body")), lang })?;
    let body = kehoach_app::input::report_body(body).api(lang)?;
    run(&state, &viewer, address, path, Asked { step: Step::Save, version: edit.version, body: Some(body) }, lang).await
}

/// Submits the report (with the content sent, or what is saved); late after the deadline.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/submit", request_body = ReportEdit,
    params(("plan" = String, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = ReportView), (status = 409, body = ConflictBody)))]
pub(super) async fn submit(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(path): ReportPath,
    edit: JsonBody<ReportEdit>,
) -> Result<Response, ApiError> {
    let edit = read_json(edit, lang)?;
    let body = edit.body.map(|b| kehoach_app::input::report_body(b)).transpose().api(lang)?;
    run(&state, &viewer, address, path, Asked { step: Step::Submit, version: edit.version, body }, lang).await
}

/// Accepts a submitted report; it is locked.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/accept", request_body = ReviewStep,
    params(("plan" = String, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = ReportView), (status = 409, body = ConflictBody)))]
pub(super) async fn accept(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(path): ReportPath,
    step: JsonBody<ReviewStep>,
) -> Result<Response, ApiError> {
    let step = read_json(step, lang)?;
    run(&state, &viewer, address, path, Asked { step: Step::Accept, version: step.version, body: None }, lang).await
}

/// Returns a submitted report to its unit, with the reason.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/return", request_body = ReviewStep,
    params(("plan" = String, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = ReportView), (status = 409, body = ConflictBody)))]
pub(super) async fn return_report(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(path): ReportPath,
    step: JsonBody<ReviewStep>,
) -> Result<Response, ApiError> {
    let step = read_json(step, lang)?;
    run(
        &state,
        &viewer,
        address,
        path,
        Asked {
            step: Step::Return { reason: kehoach_app::input::long("field-reason", &step.reason).api(lang)? },
            version: step.version,
            body: None,
        },
        lang,
    )
    .await
}

/// Opens an accepted report again, with the reason.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/reopen", request_body = ReviewStep,
    params(("plan" = String, Path), ("period" = String, Path), ("unit" = String, Path)),
    responses((status = 200, body = ReportView), (status = 409, body = ConflictBody)))]
pub(super) async fn reopen(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(path): ReportPath,
    step: JsonBody<ReviewStep>,
) -> Result<Response, ApiError> {
    let step = read_json(step, lang)?;
    run(
        &state,
        &viewer,
        address,
        path,
        Asked {
            step: Step::Reopen { reason: kehoach_app::input::long("field-reason", &step.reason).api(lang)? },
            version: step.version,
            body: None,
        },
        lang,
    )
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// `csv` for a spreadsheet (UTF-8 with BOM).
    format: Option<String>,
}

/// Every reporting unit's standing for the period.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/board",
    params(("plan" = String, Path), ("period" = String, Path), BoardQuery),
    responses((status = 200, description = "the rows, or with `format=csv` the same rows as CSV (UTF-8 with BOM)",
        content((Vec<BoardRow> = "application/json"), ("text/csv"))), (status = 404, body = ErrorBody)))]
pub(super) async fn board(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
    QueryParams(q): QueryParams<BoardQuery>,
) -> Result<Response, ApiError> {
    if q.format.as_deref() == Some("csv") {
        let which = crate::tables::Which::Board { period };
        return Ok(crate::tables::export(&state, &plan, &which, crate::tables::Format::Csv, lang)
            .await
            .api(lang)?
            .into_response());
    }
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.api(lang)?;
    let rows = reporting::board(&state, &plan, &period).await.api(lang)?;
    Ok(Json(rows).into_response())
}
