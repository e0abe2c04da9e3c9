//! The admin's pages: the users an admin manages (its commune's, or its province's and its
//! communes'), and the commune's units.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kehoach_domain::access::{AccountPlace, may_create, may_manage_user};
use kehoach_domain::{Action, Decision, DenyReason, Lang, Role, Unit};
use kehoach_store::{Actor, NewUser, UserProblem, UserRecord};
use serde::Deserialize;

use super::plan::load_plan;
use super::{Frame, render, role_label};
use crate::AppState;
use crate::auth::session::{Signed, Viewer};
use crate::auth::{hash_blocking, password};
use crate::client::ClientAddress;
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

fn signed(viewer: &Viewer, lang: Lang) -> Result<&Signed, PageError> {
    viewer.0.as_ref().ok_or(PageError { error: WebError::NotSignedIn, lang })
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

/// Where an account sits, for the rule of who manages it.
fn place_of(u: &UserRecord) -> AccountPlace {
    AccountPlace { province: u.province.clone(), commune: u.commune.clone() }
}

async fn users_page_with(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    issued: Option<(String, String)>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let me = signed(viewer, lang)?;
    let t = Tr::new(lang);
    let p = &me.principal;
    // Exactly the accounts the admin may manage, by the same rule the routes are guarded with.
    let users: Vec<UserRecord> = state
        .store
        .users(Some(&p.province), None)
        .await
        .page(lang)?
        .into_iter()
        .filter(|u| may_manage_user(p, &place_of(u)) == Decision::Allow)
        .collect();
    let communes: Vec<kehoach_domain::Commune> = state
        .store
        .communes()
        .await
        .page(lang)?
        .into_iter()
        .filter(|c| c.province_code == p.province && p.commune.as_ref().is_none_or(|mine| *mine == c.code))
        .collect();
    let province_name = communes.first().map_or_else(|| p.province.clone(), |c| c.province.clone());
    let mut units = Vec::with_capacity(communes.len());
    let mut unit_names = HashMap::new();
    for c in &communes {
        let list = state.store.units(&format!("{}/{}", c.province_code, c.code)).await.page(lang)?;
        for u in &list {
            unit_names.insert((c.code.clone(), u.code.clone()), u.name.clone());
        }
        units.push((c.name.clone(), list.into_iter().map(|u| (u.code, u.name)).collect()));
    }
    let commune_names: HashMap<&str, &str> = communes.iter().map(|c| (c.code.as_str(), c.name.as_str())).collect();
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
    let roles = Role::ALL
        .into_iter()
        .filter(|r| may_create(p, *r, &p.province, p.commune.as_deref()) == Decision::Allow)
        .map(|r| (r.key().to_owned(), role_label(&t, r)))
        .collect();
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let page = UsersPage {
        users: users.iter().map(line).collect(),
        roles,
        communes: if p.commune.is_none() {
            communes.iter().map(|c| (c.code.clone(), c.name.clone())).collect()
        } else {
            Vec::new()
        },
        units,
        issued,
        error,
        frame: Frame::new(lang, "/admin/users", viewer),
    };
    let mut response = (status, render(&page, lang)?).into_response();
    // A page with a one-time password must not be kept by the browser or a proxy.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn users_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
) -> Result<Response, PageError> {
    users_page_with(&state, &viewer, lang, None, None).await
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
    #[serde(default)]
    password: String,
}

/// Checks the form; the reason it is refused, as a message key.
fn check_new_user(form: &NewUserForm) -> Result<Role, &'static str> {
    if kehoach_app::accounts::username(&form.username).is_err() {
        return Err("user-bad-username");
    }
    if form.full_name.trim().is_empty() {
        return Err("user-no-name");
    }
    let role = Role::from_key(form.role.trim()).ok_or("user-bad-role")?;
    if role == Role::DonVi && form.unit.trim().is_empty() {
        return Err("user-needs-unit");
    }
    if !form.password.is_empty()
        && let Some(key) = password::weakness(&form.password, form.username.trim())
    {
        return Err(key);
    }
    Ok(role)
}

pub(crate) fn user_problem_key(problem: &UserProblem) -> &'static str {
    match problem {
        UserProblem::UsernameTaken => "user-taken",
        UserProblem::UnknownCommune => "user-unknown-commune",
        UserProblem::UnknownUnit => "user-unknown-unit",
        UserProblem::WrongBinding => "user-wrong-binding",
    }
}

async fn add_user(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Form(form): Form<NewUserForm>,
) -> Result<Response, PageError> {
    let me = signed(&viewer, lang)?;
    let t = Tr::new(lang);
    let refuse = |status: StatusCode, key: &str| Some((status, t.get(key)));
    let role = match check_new_user(&form) {
        Ok(role) => role,
        Err(key) => {
            return users_page_with(&state, &viewer, lang, None, refuse(StatusCode::UNPROCESSABLE_ENTITY, key)).await;
        }
    };
    // Checked before any lookup: a NUL in a code would reach the database.
    let bad_code = |code: &str| !code.trim().is_empty() && !kehoach_plan::is_slug(code.trim());
    let bad = if bad_code(&form.unit) {
        Some("user-unknown-unit")
    } else if bad_code(&form.commune) {
        Some("user-unknown-commune")
    } else {
        None
    };
    if let Some(key) = bad {
        return users_page_with(&state, &viewer, lang, None, refuse(StatusCode::UNPROCESSABLE_ENTITY, key)).await;
    }
    let full_name = match kehoach_app::input::line("field-full-name", &form.full_name) {
        Ok(name) => name,
        Err(kehoach_app::AppError::Invalid(message)) => {
            let error = Some((StatusCode::UNPROCESSABLE_ENTITY, message.words(lang)));
            return users_page_with(&state, &viewer, lang, None, error).await;
        }
        Err(error) => return Err(PageError { error: error.into(), lang }),
    };
    let p = &me.principal;
    // cap_tren accounts are the province's, whatever the form says.
    let commune = match form.commune.trim() {
        _ if role == Role::CapTren => None,
        "" => p.commune.clone(),
        code => Some(code.to_owned()),
    };
    match may_create(p, role, &p.province, commune.as_deref()) {
        Decision::Allow => {}
        // Another commune is answered as a commune that does not exist: nothing is told.
        Decision::Hide => {
            let error = refuse(StatusCode::UNPROCESSABLE_ENTITY, "user-unknown-commune");
            return users_page_with(&state, &viewer, lang, None, error).await;
        }
        Decision::Deny(reason) => {
            let key = if reason == DenyReason::AboveLevel { "user-above-level" } else { "error-role-cannot" };
            return users_page_with(&state, &viewer, lang, None, refuse(StatusCode::FORBIDDEN, key)).await;
        }
    }
    let generated = form.password.is_empty();
    let password_text = if generated { password::generate() } else { form.password.clone() };
    let hash =
        hash_blocking(password_text.clone()).await.map_err(|e| PageError { error: WebError::Internal(e), lang })?;
    let new = NewUser {
        username: form.username.trim().to_owned(),
        full_name,
        role,
        province: Some(p.province.clone()),
        commune,
        unit: (role == Role::DonVi).then(|| form.unit.trim().to_owned()),
        password_hash: hash,
        must_change_password: true,
    };
    let actor = Actor { name: &p.username, address: address.as_deref() };
    match state.store.add_user(&new, actor).await.page(lang)? {
        Ok(user) => users_page_with(&state, &viewer, lang, Some((user.username, password_text)), None).await,
        Err(problem) => {
            let error = refuse(StatusCode::UNPROCESSABLE_ENTITY, user_problem_key(&problem));
            users_page_with(&state, &viewer, lang, None, error).await
        }
    }
}

/// The account named in the path, if the admin may manage it. The guard has already decided by
/// the same rule; deciding again here keeps a handler safe if a route is ever mounted with
/// another action.
async fn managed(state: &AppState, me: &Signed, username: &str, lang: Lang) -> Result<UserRecord, PageError> {
    let target = state.store.user(username).await.page(lang)?;
    let decision = match &target {
        Some(u) => may_manage_user(&me.principal, &place_of(u)),
        None => Decision::Hide,
    };
    match (decision, target) {
        (Decision::Allow, Some(u)) => Ok(u),
        (Decision::Deny(DenyReason::AboveLevel), _) => {
            Err(PageError { error: WebError::Forbidden("error-above-level"), lang })
        }
        (Decision::Deny(_), _) => Err(PageError { error: WebError::Forbidden("error-role-cannot"), lang }),
        _ => Err(PageError { error: WebError::NotFound(crate::error::NotFound::Page), lang }),
    }
}

async fn disable_user(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let me = signed(&viewer, lang)?;
    let target = managed(&state, me, &username, lang).await?;
    if me.principal.username == target.username {
        let t = Tr::new(lang);
        let error = Some((StatusCode::UNPROCESSABLE_ENTITY, t.get("user-not-yourself")));
        return users_page_with(&state, &viewer, lang, None, error).await;
    }
    let actor = Actor { name: &me.principal.username, address: address.as_deref() };
    state.store.disable_user(&username, actor).await.page(lang)?;
    Ok(Redirect::to("/admin/users").into_response())
}

async fn reset_password(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let me = signed(&viewer, lang)?;
    managed(&state, me, &username, lang).await?;
    let password_text = password::generate();
    let hash =
        hash_blocking(password_text.clone()).await.map_err(|e| PageError { error: WebError::Internal(e), lang })?;
    let actor = Actor { name: &me.principal.username, address: address.as_deref() };
    state.store.set_password(&username, &hash, true, actor).await.page(lang)?;
    users_page_with(&state, &viewer, lang, Some((username, password_text)), None).await
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
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(plan_id): Path<String>,
    Form(form): Form<NewUnitForm>,
) -> Result<Response, PageError> {
    let me = signed(&viewer, lang)?;
    let unit = kehoach_app::units::parse(&form.code, &form.name, &form.kind, form.sample.is_some()).page(lang)?;
    let actor = Actor { name: &me.principal.username, address: address.as_deref() };
    add_units(&state, &plan_id, &[unit], actor, lang).await?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/units")).into_response())
}

/// The largest CSV accepted: a commune has some tens of units, not thousands.
const CSV_LIMIT: usize = 512 * 1024;

async fn import_units(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path(plan_id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let me = signed(&viewer, lang)?;
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
    let actor = Actor { name: &me.principal.username, address: address.as_deref() };
    add_units(&state, &plan_id, &units, actor, lang).await?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/units")).into_response())
}
