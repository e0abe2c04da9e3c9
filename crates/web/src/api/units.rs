//! A commune's units over the API: adding one, and a unit's contact person.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kehoach_domain::{Action, Unit};
use kehoach_store::{Actor, StoreError, UnitContact};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{JsonBody, read_json};
use crate::AppState;
use crate::auth::session::Viewer;
use crate::client::ClientAddress;
use crate::error::{ApiError, ErrorBody, InLang, NotFound, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::pages::contact::ContactForm;
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
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(plan_id): Path<String>,
    unit: JsonBody<Unit>,
) -> Result<(StatusCode, Json<Unit>), ApiError> {
    let t = Tr::new(lang);
    let signed = viewer.0.as_ref().ok_or(ApiError { error: WebError::NotSignedIn, lang })?;
    let mut unit = read_json(unit, lang)?;
    unit.name = kehoach_app::input::line("field-unit-name", &unit.name).api(lang)?;
    if !kehoach_plan::is_slug(&unit.code) {
        return Err(ApiError { error: WebError::Invalid(t.get("unit-bad-code")), lang });
    }
    if unit.name.is_empty() {
        return Err(ApiError { error: WebError::Invalid(t.get("unit-no-name")), lang });
    }
    let (province, commune) = state
        .store
        .plan_scope(&plan_id)
        .await
        .api(lang)?
        .ok_or(ApiError { error: WebError::NotFound(NotFound::Plan), lang })?;
    let actor = Actor { name: &signed.principal.username, address: address.as_deref() };
    match state.store.add_units(&format!("{province}/{commune}"), std::slice::from_ref(&unit), actor).await {
        Ok(_) => Ok((StatusCode::CREATED, Json(unit))),
        Err(StoreError::Conflict(_)) => {
            Err(ApiError { error: WebError::Conflict(t.with("unit-code-taken", "codes", &unit.code)), lang })
        }
        Err(e) => Err(ApiError { error: e.into(), lang }),
    }
}

/// A unit's contact person for the plan's work (đầu mối liên hệ).
#[utoipa::path(get, path = "/api/v1/plans/{plan}/units/{unit}/contact", params(("plan" = String, Path), ("unit" = String, Path)), responses(
    (status = 200, body = ContactBody), (status = 404, body = ErrorBody)))]
pub(super) async fn get_contact(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan_id, unit_code)): Path<(String, String)>,
) -> Result<Json<UnitContact>, ApiError> {
    let (province, commune) = state
        .store
        .plan_scope(&plan_id)
        .await
        .api(lang)?
        .ok_or(ApiError { error: WebError::NotFound(NotFound::Plan), lang })?;
    let contact = state.store.unit_contact(&province, &commune, &unit_code).await.api(lang)?;
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
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path((plan_id, unit_code)): Path<(String, String)>,
    contact: JsonBody<ContactBody>,
) -> Result<Json<UnitContact>, ApiError> {
    let signed = viewer.0.as_ref().ok_or(ApiError { error: WebError::NotSignedIn, lang })?;
    let b = read_json(contact, lang)?;
    let form = ContactForm {
        name: b.name.unwrap_or_default(),
        phone: b.phone.unwrap_or_default(),
        note: b.note.unwrap_or_default(),
    };
    let contact = form.checked().api(lang)?;
    let (province, commune) = state
        .store
        .plan_scope(&plan_id)
        .await
        .api(lang)?
        .ok_or(ApiError { error: WebError::NotFound(NotFound::Plan), lang })?;
    let actor = Actor { name: &signed.principal.username, address: address.as_deref() };
    match state.store.set_unit_contact(&province, &commune, &unit_code, &contact, actor).await {
        Ok(()) => Ok(Json(contact)),
        Err(StoreError::NotFound(_)) => Err(ApiError { error: WebError::NotFound(NotFound::Unit), lang }),
        Err(e) => Err(ApiError { error: e.into(), lang }),
    }
}
