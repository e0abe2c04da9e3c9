//! Ad hoc requests over the API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kehoach_domain::Action;
use kehoach_domain::request::{AdHocRequest, NewRequest};

use super::{JsonBody, read_json};
use crate::AppState;
use crate::acting::Acting;
use crate::error::{ApiError, ErrorBody, InLang};
use crate::i18n::RequestLang;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadReport, __path_list, list).api(Action::ManageRequests, __path_create, create)
}

/// The plan's ad hoc requests the caller may see (a unit's reporter: those addressed to it).
/// Each is a period `YEAR-R{number}` of the report routes.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/requests", params(("plan" = String, Path)),
    responses((status = 200, body = [AdHocRequest]), (status = 404, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(plan_id): Path<String>,
) -> Result<Json<Vec<AdHocRequest>>, ApiError> {
    let signed = &acting.signed;
    Ok(Json(kehoach_app::requests::list(&state, &plan_id, &signed.principal).await.api(lang)?))
}

/// Asks units (or groups, resolved to their current units) for an ad hoc report.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/requests", request_body = NewRequest, params(("plan" = String, Path)),
    responses((status = 201, body = AdHocRequest), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(plan_id): Path<String>,
    body: JsonBody<NewRequest>,
) -> Result<(StatusCode, Json<AdHocRequest>), ApiError> {
    let new = read_json(body, lang)?;
    let plan = kehoach_app::plans::get(&state, &plan_id).await.api(lang)?;
    let actor = acting.actor();
    Ok((StatusCode::CREATED, Json(kehoach_app::requests::make(&state, &plan, &new, actor).await.api(lang)?)))
}
