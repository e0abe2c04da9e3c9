//! A unit's contact person for the plan's work (đầu mối liên hệ, plan IV.2).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kehoach_app::contacts;
use kehoach_domain::Action;
use kehoach_store::UnitContact;
use serde::Deserialize;

use super::plan::load_plan;
use super::{Frame, render, viewer_may};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
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
    let contact = contacts::get(&state, &plan.id, &unit_code).await.page(lang)?.unwrap_or_default();
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

async fn save_contact(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan_id, unit_code)): Path<(String, String)>,
    Form(form): Form<ContactForm>,
) -> Result<Response, PageError> {
    let contact = contacts::parse(&form.name, &form.phone, &form.note).page(lang)?;
    contacts::set(&state, &plan_id, &unit_code, &contact, acting.actor()).await.page(lang)?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/units/{unit_code}/contact")).into_response())
}
