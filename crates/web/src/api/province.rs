//! The province's board, decisions, roll-up, one indicator across its communes and one
//! commune's sendings, over the API (issue 13).

use axum::Json;
use axum::extract::State;
use kehoach_app::province::{self as app, Board, CommunePage, Decision, IndicatorRollup, Rollup, Sending};
use kehoach_domain::Action;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{JsonBody, read_json};
use crate::AppState;
use crate::acting::Acting;
use crate::error::{ApiError, ErrorBody, InLang, NotFound, WebError};
use crate::i18n::RequestLang;
use crate::pages::province::period_of;
use crate::params::{Params, QueryParams};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadProvince, __path_board, board)
        .api(Action::DecideCommuneReport, __path_decision, decision)
        .api(Action::ReadProvince, __path_rollup, rollup)
        .api(Action::ReadProvince, __path_indicator, indicator)
        .api(Action::ReadProvince, __path_commune, commune)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// `2026-Q1` … `2026-Q4`, or `2026-Y`; by default the quarter whose deadline at the province
    /// comes next.
    period: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// As for the board.
    period: Option<String>,
    /// A commune's name, with or without diacritics ("muong la"), or its code.
    q: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year whose sendings are listed; this year by default.
    year: Option<i32>,
}

/// What the province decides on a sent report.
#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SendingDecisionKind {
    Accept,
    Return,
}

/// `{"decision": "accept"}` or `{"decision": "return", "reason": "…"}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendingDecision {
    decision: SendingDecisionKind,
    /// Required to return (at most 2,000 characters): the commune reads it.
    #[serde(default)]
    reason: Option<String>,
}

fn province_and_period(
    state: &AppState,
    province: &kehoach_domain::province::Province,
    asked: Option<&str>,
    lang: kehoach_domain::Lang,
) -> Result<kehoach_domain::period::PeriodId, ApiError> {
    period_of(state, province, asked).map_err(|error| ApiError { error, lang })
}

/// Every commune the province expects for the period: where its report stands (missing, sent,
/// returned, reopened, accepted), its timeliness judged on the first sending against the
/// province's deadline, its sendings and focal officers; the counts and rates.
#[utoipa::path(get, path = "/api/v1/provinces/{province}/board",
    params(("province" = String, Path, description = "The province's slug (`son-la`)"), PeriodQuery),
    responses((status = 200, body = Board), (status = 404, body = ErrorBody)))]
pub(super) async fn board(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params(slug): Params<String>,
    QueryParams(query): QueryParams<PeriodQuery>,
) -> Result<Json<Board>, ApiError> {
    let province = app::get(&state, &slug).await.api(lang)?;
    let period = province_and_period(&state, &province, query.period.as_deref(), lang)?;
    Ok(Json(app::board(&state, &province, period).await.api(lang)?))
}

/// Accepts a sent report, or returns it with a reason. 409 when it was decided already or the
/// commune reopened it since; 422 for a return without a reason.
#[utoipa::path(post, path = "/api/v1/provinces/{province}/sendings/{sending}/decision", request_body = SendingDecision,
    params(("province" = String, Path), ("sending" = i32, Path, description = "A sending's id, from the board")),
    responses((status = 200, body = Sending), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn decision(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((slug, sending)): Params<(String, String)>,
    body: JsonBody<SendingDecision>,
) -> Result<Json<Sending>, ApiError> {
    let body = read_json(body, lang)?;
    let province = app::get(&state, &slug).await.api(lang)?;
    let id = sending
        .parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(ApiError { error: WebError::NotFound(NotFound::Page), lang })?;
    let decision = match body.decision {
        SendingDecisionKind::Accept => Decision::Accept,
        SendingDecisionKind::Return => Decision::Return(body.reason.unwrap_or_default()),
    };
    Ok(Json(app::decide(&state, &province, id, decision, acting.actor()).await.api(lang)?))
}

/// Every province indicator for the period: the official total by its rule from accepted
/// reports, with the communes left out and why; beside it the live total of the communes
/// hosted on this server (not official).
#[utoipa::path(get, path = "/api/v1/provinces/{province}/rollup",
    params(("province" = String, Path), PeriodQuery),
    responses((status = 200, body = Rollup), (status = 404, body = ErrorBody)))]
pub(super) async fn rollup(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params(slug): Params<String>,
    QueryParams(query): QueryParams<PeriodQuery>,
) -> Result<Json<Rollup>, ApiError> {
    let province = app::get(&state, &slug).await.api(lang)?;
    let period = province_and_period(&state, &province, query.period.as_deref(), lang)?;
    Ok(Json(app::rollup(&state, &province, period).await.api(lang)?))
}

/// One province indicator across the communes, in Vietnamese order of names, searchable
/// without diacritics.
#[utoipa::path(get, path = "/api/v1/provinces/{province}/indicators/{indicator}",
    params(("province" = String, Path), ("indicator" = String, Path, description = "A province indicator's code"), IndicatorQuery),
    responses((status = 200, body = IndicatorRollup), (status = 404, body = ErrorBody)))]
pub(super) async fn indicator(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params((slug, code)): Params<(String, String)>,
    QueryParams(query): QueryParams<IndicatorQuery>,
) -> Result<Json<IndicatorRollup>, ApiError> {
    let province = app::get(&state, &slug).await.api(lang)?;
    let period = province_and_period(&state, &province, query.period.as_deref(), lang)?;
    Ok(Json(app::indicator(&state, &province, period, &code, query.q.as_deref()).await.api(lang)?))
}

/// One commune of the province: its sendings of the year with their decisions, its focal
/// officers and contact.
#[utoipa::path(get, path = "/api/v1/provinces/{province}/communes/{commune}",
    params(("province" = String, Path), ("commune" = String, Path, description = "The commune's official code (`03808`)"), YearQuery),
    responses((status = 200, body = CommunePage), (status = 404, body = ErrorBody)))]
pub(super) async fn commune(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params((slug, code)): Params<(String, String)>,
    QueryParams(query): QueryParams<YearQuery>,
) -> Result<Json<CommunePage>, ApiError> {
    let province = app::get(&state, &slug).await.api(lang)?;
    let year = query
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| app::local_year(&province, state.clock.now()));
    Ok(Json(app::commune(&state, &province, &code, year).await.api(lang)?))
}
