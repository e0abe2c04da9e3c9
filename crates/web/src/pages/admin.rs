//! The admin's pages: the users an admin manages (its commune's, or its province's and its
//! communes'), and the commune's units.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kehoach_app::AppError;
use kehoach_app::accounts::{self, NewAccount};
use kehoach_domain::{Action, Lang, Unit};
use kehoach_store::{Actor, UserRecord};
use serde::Deserialize;

use super::plan::load_plan;
use super::{Frame, render, role_label};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/admin/users", Action::ManageUsers, users_page)
        .post("/admin/users", Action::ManageUsers, add_user)
        .post("/admin/users/{user}/disable", Action::ManageUsers, disable_user)
        .post("/admin/users/{user}/reset-password", Action::ManageUsers, reset_password)
        .post("/plans/{plan}/units", Action::ManageUnits, add_unit)
        .post("/plans/{plan}/units/import", Action::ManageUnits, import_units)
}

/// A user line of the users page.
pub struct UserLine {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub place: String,
    pub disabled: bool,
    pub is_me: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    frame: Frame,
    users: Vec<UserLine>,
    /// The roles this admin may create.
    roles: Vec<(String, String)>,
    /// The communes a province's admin may place an account in (code, name); empty for a
    /// commune's admin, whose accounts are its commune's.
    communes: Vec<(String, String)>,
    /// Units to bind a reporter to, by commune: (commune name, [(unit code, unit name)]).
    units: Vec<(String, Vec<(String, String)>)>,
    /// A one-time password to show once: (user name, password).
    issued: Option<(String, String)>,
    error: Option<String>,
}

/// The users page: the accounts the admin manages, and the form to create one (with what it may
/// create); `issued` a password to show once, `error` a refusal to show above the form.
async fn users_page_with(
    state: &AppState,
    acting: &Acting,
    lang: Lang,
    issued: Option<(String, String)>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let p = acting.principal();
    let users = accounts::list(state, p).await.page(lang)?;
    let places = accounts::places(state, p).await.page(lang)?;
    let province_name = places.first().map_or_else(|| p.province.clone(), |(c, _)| c.province.clone());
    let mut unit_names = HashMap::new();
    for (c, list) in &places {
        for u in list {
            unit_names.insert((c.code.clone(), u.code.clone()), u.name.clone());
        }
    }
    let commune_names: HashMap<&str, &str> = places.iter().map(|(c, _)| (c.code.as_str(), c.name.as_str())).collect();
    let place = |u: &UserRecord| match &u.commune {
        None => t.with("users-province-level", "province", province_name.clone()),
        Some(code) => {
            let commune = commune_names.get(code.as_str()).map_or_else(|| code.clone(), |n| (*n).to_owned());
            match &u.unit {
                Some(unit) => {
                    let unit = unit_names.get(&(code.clone(), unit.clone())).unwrap_or(unit);
                    format!("{unit}, {commune}")
                }
                None => commune,
            }
        }
    };
    let line = |u: &UserRecord| UserLine {
        username: u.username.clone(),
        full_name: u.full_name.clone(),
        role: role_label(&t, u.role),
        place: place(u),
        disabled: u.disabled,
        is_me: u.username == p.username,
    };
    let roles = accounts::roles_to_create(p).into_iter().map(|r| (r.key().to_owned(), role_label(&t, r))).collect();
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = UsersPage {
        users: users.iter().map(line).collect(),
        roles,
        communes: if p.commune.is_none() {
            places.iter().map(|(c, _)| (c.code.clone(), c.name.clone())).collect()
        } else {
            Vec::new()
        },
        units: places
            .into_iter()
            .map(|(c, list)| (c.name, list.into_iter().map(|u| (u.code, u.name)).collect()))
            .collect(),
        issued,
        error,
        frame: Frame::new(lang, "/admin/users", &Viewer(Some(acting.signed.clone()))),
    };
    let mut response = (status, render(&page, lang)?).into_response();
    // A page with a one-time password must not be kept by the browser or a proxy.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A refusal to show above the users page's form (the input or the rule of scope refuses), with
/// its status; any other failure is an error page.
fn refusal(e: AppError, lang: Lang) -> Result<(StatusCode, String), PageError> {
    match e {
        AppError::Invalid(m) => Ok((StatusCode::UNPROCESSABLE_ENTITY, m.words(lang))),
        AppError::Refused(m) => Ok((StatusCode::FORBIDDEN, m.words(lang))),
        other => Err(PageError { error: other.into(), lang }),
    }
}

async fn users_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
) -> Result<Response, PageError> {
    users_page_with(&state, &acting, lang, None, None).await
}

#[derive(Deserialize)]
struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    /// The commune of the account; empty: the admin's own level (its commune, or for a
    /// province's admin the province).
    #[serde(default)]
    commune: String,
    /// Empty: one is generated.
    #[serde(default)]
    password: String,
}

async fn add_user(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Form(form): Form<NewUserForm>,
) -> Result<Response, PageError> {
    let new = NewAccount {
        username: form.username,
        full_name: form.full_name,
        role: form.role,
        unit: Some(form.unit),
        commune: Some(form.commune),
        password: Some(form.password),
    };
    match accounts::create(&state, acting.principal(), &new, acting.actor()).await {
        // The password is shown once, whether typed or generated.
        Ok((user, password)) => users_page_with(&state, &acting, lang, Some((user.username, password)), None).await,
        Err(e) => users_page_with(&state, &acting, lang, None, Some(refusal(e, lang)?)).await,
    }
}

async fn disable_user(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    match accounts::disable(&state, acting.principal(), &username, acting.actor()).await {
        Ok(()) => Ok(Redirect::to("/admin/users").into_response()),
        // Oneself: said on the users page.
        Err(AppError::Invalid(m)) => {
            let error = Some((StatusCode::UNPROCESSABLE_ENTITY, m.words(lang)));
            users_page_with(&state, &acting, lang, None, error).await
        }
        Err(e) => Err(PageError { error: e.into(), lang }),
    }
}

async fn reset_password(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let password = accounts::reset_password(&state, acting.principal(), &username, acting.actor()).await.page(lang)?;
    users_page_with(&state, &acting, lang, Some((username, password)), None).await
}

#[derive(Deserialize)]
struct NewUnitForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    sample: Option<String>,
}

/// Adds the units, or says in the user's language why not.
async fn add_units(
    state: &AppState,
    plan_id: &str,
    units: &[Unit],
    actor: Actor<'_>,
    lang: Lang,
) -> Result<(), PageError> {
    let plan = load_plan(state, plan_id, lang).await?;
    let commune = format!("{}/{}", plan.commune.province_code, plan.commune.code);
    kehoach_app::units::add(state, &commune, units, actor).await.page(lang)
}

async fn add_unit(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(plan_id): Path<String>,
    Form(form): Form<NewUnitForm>,
) -> Result<Response, PageError> {
    let unit = kehoach_app::units::parse(&form.code, &form.name, &form.kind, form.sample.is_some()).page(lang)?;
    add_units(&state, &plan_id, &[unit], acting.actor(), lang).await?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/units")).into_response())
}

/// The largest CSV accepted: a commune has some tens of units, not thousands.
const CSV_LIMIT: usize = 512 * 1024;

async fn import_units(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path(plan_id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let invalid = |message: String| PageError { error: WebError::Invalid(message), lang };
    let mut text = None;
    let unread = |e: axum::extract::multipart::MultipartError| PageError {
        error: crate::input::multipart_error(&e, "csv-unreadable"),
        lang,
    };
    while let Some(field) = multipart.next_field().await.map_err(unread)? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(unread)?;
            if bytes.len() > CSV_LIMIT {
                return Err(PageError { error: WebError::TooLarge, lang });
            }
            text = Some(String::from_utf8(bytes.to_vec()).map_err(|_| invalid(t.get("csv-not-utf8")))?);
        }
    }
    let text = text.ok_or_else(|| invalid(t.get("csv-missing")))?;
    let units = kehoach_plan::parse_units_csv(&text, lang).map_err(|problems| {
        let lines: Vec<String> =
            problems.iter().map(|p| t.with("csv-row", "line", p.line) + ": " + &p.message).collect();
        invalid(lines.join("\n"))
    })?;
    add_units(&state, &plan_id, &units, acting.actor(), lang).await?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/units")).into_response())
}
