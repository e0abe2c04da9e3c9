//! A commune's units over the API: adding one, and a unit's contact person.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kehoach_app::{contacts, units};
use kehoach_domain::{Action, Unit};
use kehoach_store::UnitContact;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{JsonBody, read_json};
use crate::AppState;
use crate::acting::Acting;
use crate::error::{ApiError, ErrorBody, InLang, NotFound, WebError};
use crate::i18n::RequestLang;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ManageUnits, __path_add_unit, add_unit)
        .api(Action::ReadUnitContact, __path_get_contact, get_contact)
        .api(Action::EditUnitContact, __path_put_contact, put_contact)
}

/// Adds a unit (village, quarter, department …) to the plan's commune.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/units", request_body = Unit, params(("plan" = String, Path)), responses(
    (status = 201, body = Unit), (status = 409, body = ErrorBody, description = "the code is taken"),
    (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn add_unit(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(plan_id): Path<String>,
    unit: JsonBody<Unit>,
) -> Result<(StatusCode, Json<Unit>), ApiError> {
    let sent = read_json(unit, lang)?;
    let unit = units::parse(&sent.code, &sent.name, sent.kind.key(), sent.sample).api(lang)?;
    units::add_to_plan(&state, &plan_id, &unit, acting.actor()).await.api(lang)?;
    Ok((StatusCode::CREATED, Json(unit)))
}

/// A unit's contact person for the plan's work (đầu mối liên hệ).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/units/{unit}/contact", params(("plan" = String, Path), ("unit" = String, Path)), responses(
    (status = 200, body = ContactBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_contact(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan_id, unit_code)): Path<(String, String)>,
) -> Result<Json<UnitContact>, ApiError> {
    let contact = contacts::get(&state, &plan_id, &unit_code).await.api(lang)?;
    contact.map(Json).ok_or(ApiError { error: WebError::NotFound(NotFound::Unit), lang })
}

/// The contact as sent and as served.
#[derive(Deserialize, ToSchema)]
pub struct ContactBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// Replaces a unit's contact person.
#[utoipa::path(put, path = "/api/v1/plans/{plan}/units/{unit}/contact", request_body = ContactBody, params(("plan" = String, Path), ("unit" = String, Path)), responses(
    (status = 200, body = ContactBody), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn put_contact(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan_id, unit_code)): Path<(String, String)>,
    contact: JsonBody<ContactBody>,
) -> Result<Json<UnitContact>, ApiError> {
    let b = read_json(contact, lang)?;
    let (name, phone, note) = (b.name.unwrap_or_default(), b.phone.unwrap_or_default(), b.note.unwrap_or_default());
    let contact = contacts::parse(&name, &phone, &note).api(lang)?;
    contacts::set(&state, &plan_id, &unit_code, &contact, acting.actor()).await.api(lang)?;
    Ok(Json(contact))
}
