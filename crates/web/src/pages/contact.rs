//! A unit's contact person for the plan's work (đầu mối liên hệ, plan IV.2).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kehoach_domain::Action;
use kehoach_store::{Actor, UnitContact};
use serde::Deserialize;

use super::plan::load_plan;
use super::{Frame, render, viewer_may};
use crate::AppState;
use crate::auth::session::Viewer;
use crate::client::ClientAddress;
use crate::error::{InLang, NotFound, PageError, WebError};
use crate::i18n::RequestLang;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/units/{unit}/contact", Action::ReadUnitContact, contact_page).post(
        "/plans/{plan}/units/{unit}/contact",
        Action::EditUnitContact,
        save_contact,
    )
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    frame: Frame,
    plan_id: String,
    unit_code: String,
    unit_name: String,
    contact: UnitContact,
    can_edit: bool,
}

async fn contact_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan_id, unit_code)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let unit = plan
        .units
        .iter()
        .find(|u| u.code == unit_code)
        .ok_or(PageError { error: WebError::NotFound(NotFound::Unit), lang })?;
    let contact = state
        .store
        .unit_contact(&plan.commune.province_code, &plan.commune.code, &unit_code)
        .await
        .page(lang)?
        .unwrap_or_default();
    let page = ContactPage {
        frame: Frame::new(lang, format!("/plans/{plan_id}/units/{unit_code}/contact"), &viewer),
        can_edit: viewer_may(&viewer, Action::EditUnitContact, &plan, Some(&unit_code)),
        unit_name: unit.name.clone(),
        plan_id,
        unit_code,
        contact,
    };
    render(&page, lang)
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub note: String,
}

impl ContactForm {
    /// The contact as stored ([`kehoach_app::contacts::parse`]).
    pub fn checked(&self) -> Result<UnitContact, kehoach_app::AppError> {
        kehoach_app::contacts::parse(&self.name, &self.phone, &self.note)
    }
}

async fn save_contact(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path((plan_id, unit_code)): Path<(String, String)>,
    Form(form): Form<ContactForm>,
) -> Result<Response, PageError> {
    let signed = viewer.0.as_ref().ok_or(PageError { error: WebError::NotSignedIn, lang })?;
    let contact = form.checked().page(lang)?;
    let plan = load_plan(&state, &plan_id, lang).await?;
    let actor = Actor { name: &signed.principal.username, address: address.as_deref() };
    state
        .store
        .set_unit_contact(&plan.commune.province_code, &plan.commune.code, &unit_code, &contact, actor)
        .await
        .page(lang)?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/units/{unit_code}/contact")).into_response())
}
