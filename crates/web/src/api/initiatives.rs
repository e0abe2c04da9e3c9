//! The initiative recognition cycle over the API: the year's round and initiatives, opening a
//! round, scoring, deciding, closing, the recognised list.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kehoach_domain::Action;
use kehoach_domain::initiative::ScoreSheet;
use kehoach_store::{InitiativeDecision, InitiativeRound, InitiativesView, StoredSheet};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{JsonBody, read_json};
use crate::AppState;
use crate::acting::Acting;
use crate::error::{ApiError, ErrorBody, InLang};
use crate::i18n::RequestLang;
use crate::params::Params;
use crate::policy::Routes;
use kehoach_app::initiatives::{self as cycle, RecognisedInitiative};

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadInitiatives, __path_list, list)
        .api(Action::ManageInitiativeRounds, __path_open_round, open_round)
        .api(Action::DecideInitiatives, __path_close_round, close_round)
        .api(Action::ScoreInitiatives, __path_score, score)
        .api(Action::DecideInitiatives, __path_decide, decide)
        .api(Action::ReadInitiatives, __path_recognised, recognised)
}

/// The council of a new round: user names of the commune's leaders, focal officers or unit
/// reporters.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RoundBody {
    pub council: Vec<String>,
}

/// A council member's points: criterion key → points (0 to the criterion's most).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ScoreBody {
    #[schema(value_type = Object)]
    pub scores: ScoreSheet,
}

/// The leader's decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    pub recognised: bool,
    #[serde(default)]
    pub note: String,
}

/// The plan year's round (if opened), its initiatives with each member's sheet, the council's
/// averages per criterion and total, and the decisions. A unit's reporter who is not on the
/// council sees their own unit's initiatives only.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/initiatives", params(("plan" = String, Path)),
    responses((status = 200, body = InitiativesView), (status = 404, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(plan_id): Path<String>,
) -> Result<Json<InitiativesView>, ApiError> {
    Ok(Json(cycle::view_for(&state, &plan_id, acting.principal()).await.api(lang)?))
}

/// Opens the plan year's round of recognition with its council; the plan's rules are kept with
/// the round. One round a year (409 for a second).
#[utoipa::path(post, path = "/api/v1/plans/{plan}/initiatives/rounds", request_body = RoundBody, params(("plan" = String, Path)),
    responses((status = 201, body = InitiativeRound), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn open_round(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(plan_id): Path<String>,
    body: JsonBody<RoundBody>,
) -> Result<(StatusCode, Json<InitiativeRound>), ApiError> {
    let body = read_json(body, lang)?;
    let plan = kehoach_app::plans::get(&state, &plan_id).await.api(lang)?;
    let round = cycle::open(&state, &plan, &body.council, acting.actor()).await.api(lang)?;
    Ok((StatusCode::CREATED, Json(round)))
}

/// Closes the round once every initiative is decided; it is frozen from then on.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/initiatives/close", params(("plan" = String, Path)),
    responses((status = 200, body = InitiativeRound), (status = 409, body = ErrorBody)))]
pub(super) async fn close_round(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(plan_id): Path<String>,
) -> Result<Json<InitiativeRound>, ApiError> {
    Ok(Json(cycle::close(&state, &plan_id, acting.actor()).await.api(lang)?))
}

/// The caller's score sheet for an initiative: only a member of the round's council (else
/// 403); scoring again replaces the sheet until the initiative is decided.
#[utoipa::path(put, path = "/api/v1/plans/{plan}/initiatives/{record}/score", request_body = ScoreBody,
    params(("plan" = String, Path), ("record" = i32, Path)),
    responses((status = 200, body = StoredSheet), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn score(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan_id, record)): Params<(String, i32)>,
    body: JsonBody<ScoreBody>,
) -> Result<Json<StoredSheet>, ApiError> {
    let body = read_json(body, lang)?;
    Ok(Json(cycle::score(&state, &plan_id, record, &body.scores, acting.actor()).await.api(lang)?))
}

/// Recognises (only an eligible initiative: 409 otherwise) or declines an initiative; the
/// record's `cong_nhan` follows. A decision may be changed while the round is open.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/initiatives/{record}/decision", request_body = DecisionBody,
    params(("plan" = String, Path), ("record" = i32, Path)),
    responses((status = 200, body = InitiativeDecision), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn decide(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan_id, record)): Params<(String, i32)>,
    body: JsonBody<DecisionBody>,
) -> Result<Json<InitiativeDecision>, ApiError> {
    let body = read_json(body, lang)?;
    let decision =
        cycle::decide(&state, &plan_id, record, body.recognised, &body.note, acting.actor()).await.api(lang)?;
    Ok(Json(decision))
}

/// The initiatives recognised in the plan's year: title, authors, field, unit, total.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/initiatives/recognised", params(("plan" = String, Path)),
    responses((status = 200, body = [RecognisedInitiative]), (status = 404, body = ErrorBody)))]
pub(super) async fn recognised(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(plan_id): Path<String>,
) -> Result<Json<Vec<RecognisedInitiative>>, ApiError> {
    Ok(Json(cycle::recognised_in(&state, &plan_id, lang).await.api(lang)?))
}
