//! Tables as files over the API: Appendix I with results, Appendix II with the tasks' status,
//! the timeliness board and every register, as .xlsx and .csv (UTF-8 with BOM).

use axum::extract::{Path, State};
use kehoach_domain::Action;

use super::progress::AtQuery;
use super::registers::RecordQuery;
use crate::AppState;
use crate::acting::Acting;
use crate::error::{ApiError, ErrorBody, InLang};
use crate::i18n::RequestLang;
use crate::params::QueryParams;
use crate::policy::Routes;
use crate::registers::own_unit;
use crate::tables::{Download, Format, Which, export};

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadProgress, __path_appendix_1_xlsx, appendix_1_xlsx)
        .api(Action::ReadProgress, __path_appendix_1_csv, appendix_1_csv)
        .api(Action::ReadConsolidation, __path_appendix_2_xlsx, appendix_2_xlsx)
        .api(Action::ReadConsolidation, __path_appendix_2_csv, appendix_2_csv)
        .api(Action::ReadBoard, __path_board_xlsx, board_xlsx)
        .api(Action::ReadRegister, __path_register_xlsx, register_xlsx)
}

async fn appendix_1(
    state: &AppState,
    plan: &str,
    q: AtQuery,
    format: Format,
    lang: kehoach_domain::Lang,
) -> Result<Download, ApiError> {
    export(state, plan, &Which::Appendix1 { at: q.at }, format, lang).await.api(lang)
}

/// Phụ lục I with each indicator's result at a date, then the plan's other indicators, as .xlsx.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/appendix-1.xlsx",
    params(("plan" = String, Path), AtQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
pub(super) async fn appendix_1_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(plan): Path<String>,
    QueryParams(q): QueryParams<AtQuery>,
) -> Result<Download, ApiError> {
    appendix_1(&state, &plan, q, Format::Xlsx, lang).await
}

/// Phụ lục I with results as CSV (UTF-8 with BOM).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/appendix-1.csv",
    params(("plan" = String, Path), AtQuery),
    responses((status = 200, content_type = "text/csv"), (status = 404, body = ErrorBody)))]
pub(super) async fn appendix_1_csv(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(plan): Path<String>,
    QueryParams(q): QueryParams<AtQuery>,
) -> Result<Download, ApiError> {
    appendix_1(&state, &plan, q, Format::Csv, lang).await
}

/// Phụ lục II with each task's status and notes from the period's consolidation, as .xlsx.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/appendix-2.xlsx",
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
pub(super) async fn appendix_2_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Download, ApiError> {
    export(&state, &plan, &Which::Appendix2 { period }, Format::Xlsx, lang).await.api(lang)
}

/// Phụ lục II with the tasks' status as CSV (UTF-8 with BOM).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/appendix-2.csv",
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, content_type = "text/csv"), (status = 404, body = ErrorBody)))]
pub(super) async fn appendix_2_csv(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Download, ApiError> {
    export(&state, &plan, &Which::Appendix2 { period }, Format::Csv, lang).await.api(lang)
}

/// The timeliness board as .xlsx (the same rows as `board?format=csv`).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/periods/{period}/board.xlsx",
    params(("plan" = String, Path), ("period" = String, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
pub(super) async fn board_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Download, ApiError> {
    export(&state, &plan, &Which::Board { period }, Format::Xlsx, lang).await.api(lang)
}

/// A register as .xlsx: the CSV's columns under their Vietnamese labels (a unit's reporter
/// gets its own unit's records).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/registers/{register}/records.xlsx",
    params(("plan" = String, Path), ("register" = String, Path), RecordQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
pub(super) async fn register_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan, register)): Path<(String, String)>,
    QueryParams(q): QueryParams<RecordQuery>,
) -> Result<Download, ApiError> {
    let signed = &acting.signed;
    let unit = own_unit(signed).map(str::to_owned).or(q.unit);
    let which = Which::Register { key: register, unit, from: q.from, to: q.to };
    export(&state, &plan, &which, Format::Xlsx, lang).await.api(lang)
}
