//! The admin's pages: users of the commune, and the commune's units.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kehoach_domain::text::nfc;
use kehoach_domain::{Action, Lang, Role, Unit, UnitKind};
use kehoach_store::{Actor, NewUser, StoreError, UserProblem, UserRecord};
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
    roles: Vec<(String, String)>,
    units: Vec<(String, String)>,
    /// A one-time password to show once: (user name, password).
    issued: Option<(String, String)>,
    error: Option<String>,
}

async fn users_page_with(
    state: &AppState,
    viewer: &Viewer,
    lang: Lang,
    issued: Option<(String, String)>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let me = signed(viewer, lang)?;
    let t = Tr::new(lang);
    let p = &me.principal;
    let users = state.store.users(Some(&p.province), p.commune.as_deref()).await.page(lang)?;
    let units = match &p.commune {
        Some(c) => state.store.units(&format!("{}/{c}", p.province)).await.page(lang)?,
        None => Vec::new(),
    };
    let line = |u: &UserRecord| UserLine {
        username: u.username.clone(),
        full_name: u.full_name.clone(),
        role: role_label(&t, u.role),
        place: u.unit.clone().or_else(|| u.commune.clone()).unwrap_or_else(|| u.province.clone()),
        disabled: u.disabled,
        is_me: u.username == p.username,
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = UsersPage {
        users: users.iter().map(line).collect(),
        roles: Role::ALL.iter().map(|r| (r.key().to_owned(), role_label(&t, *r))).collect(),
        units: units.iter().map(|u| (u.code.clone(), u.name.clone())).collect(),
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
    #[serde(default)]
    password: String,
}

/// A user name: 3–32 lower-case ASCII letters, digits, `.`, `_` or `-`.
fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Checks the form; the reason it is refused, as a message key.
fn check_new_user(form: &NewUserForm) -> Result<Role, &'static str> {
    if !valid_username(form.username.trim()) {
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
    let role = match check_new_user(&form) {
        Ok(role) => role,
        Err(key) => return users_page_with(&state, &viewer, lang, None, Some(t.get(key))).await,
    };
    let generated = form.password.is_empty();
    let password_text = if generated { password::generate() } else { form.password.clone() };
    let hash =
        hash_blocking(password_text.clone()).await.map_err(|e| PageError { error: WebError::Internal(e), lang })?;
    let p = &me.principal;
    let new = NewUser {
        username: form.username.trim().to_owned(),
        full_name: nfc(form.full_name.trim()),
        role,
        province: Some(p.province.clone()),
        // A commune's admin creates users of that commune; cap_tren users belong to the province.
        commune: if role == Role::CapTren { None } else { p.commune.clone() },
        unit: (role == Role::DonVi).then(|| form.unit.trim().to_owned()),
        password_hash: hash,
        must_change_password: true,
    };
    let actor = Actor { name: &p.username, address: address.as_deref() };
    match state.store.add_user(&new, actor).await.page(lang)? {
        Ok(user) => users_page_with(&state, &viewer, lang, Some((user.username, password_text)), None).await,
        Err(problem) => users_page_with(&state, &viewer, lang, None, Some(t.get(user_problem_key(&problem)))).await,
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
    if me.principal.username == username {
        let t = Tr::new(lang);
        return users_page_with(&state, &viewer, lang, None, Some(t.get("user-not-yourself"))).await;
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
    match state.store.add_units(&commune, units, actor).await {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict(_)) => {
            let codes = units.iter().map(|u| u.code.as_str()).collect::<Vec<_>>().join(", ");
            Err(PageError { error: WebError::Conflict(Tr::new(lang).with("unit-code-taken", "codes", codes)), lang })
        }
        Err(e) => Err(PageError { error: e.into(), lang }),
    }
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
    let t = Tr::new(lang);
    let code = form.code.trim().to_owned();
    let name = nfc(form.name.trim());
    let invalid = |key: &str| PageError { error: WebError::Invalid(t.get(key)), lang };
    if !kehoach_plan::is_slug(&code) {
        return Err(invalid("unit-bad-code"));
    }
    if name.is_empty() {
        return Err(invalid("unit-no-name"));
    }
    let kind = UnitKind::from_key(form.kind.trim()).ok_or_else(|| invalid("unit-bad-kind"))?;
    let unit = Unit { code, name, kind, sample: form.sample.is_some() };
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
    while let Some(field) = multipart.next_field().await.map_err(|_| invalid(t.get("csv-unreadable")))? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|_| invalid(t.get("csv-unreadable")))?;
            if bytes.len() > CSV_LIMIT {
                return Err(invalid(t.get("error-too-large")));
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

#[cfg(test)]
mod tests {
    use super::valid_username;

    #[test]
    fn usernames_are_plain_ascii() {
        assert!(valid_username("ban.na-hang_1"));
        assert!(!valid_username("Bản"));
        assert!(!valid_username("ab"));
        assert!(!valid_username("has space"));
    }
}
