//! Signing in and out, and one's own account.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kehoach_app::auth::{SignInError, change_own_password, sign_in};
use kehoach_domain::Action;
use serde::Deserialize;

use super::{Frame, render, role_label, safe_next};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::{self, Viewer};
use crate::client::{ClientAddress, Https};
use crate::error::{InLang, PageError};
use crate::i18n::RequestLang;
use crate::params::QueryParams;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/login", Action::SignIn, login_form)
        .post("/login", Action::SignIn, login)
        .post("/logout", Action::OwnAccount, logout)
        .get("/account", Action::OwnAccount, account)
        .post("/account/password", Action::OwnAccount, change_password)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    frame: Frame,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    QueryParams(q): QueryParams<NextQuery>,
) -> Result<Response, PageError> {
    let next = safe_next(q.next.as_deref());
    if viewer.0.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let page = LoginPage { frame: Frame::new(lang, "/login", &viewer), next, username: String::new(), error: None };
    Ok(render(&page, lang)?.into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Https(https): Https,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(form.next.as_deref());
    let frame = Frame::new(lang, "/login", &viewer);
    let (status, error) = match sign_in(&state, &form.username, &form.password, address.as_deref()).await {
        Ok(user) => {
            let new = session::open(&state, user.id, address.as_deref()).await.page(lang)?;
            let to = if user.must_change_password { "/account".to_owned() } else { next };
            return Ok(session::with_cookie(
                Redirect::to(&to).into_response(),
                &session::set_cookie(&new.token, https),
            ));
        }
        Err(SignInError::BadCredentials) => (StatusCode::UNAUTHORIZED, frame.t.get("login-wrong")),
        Err(SignInError::Locked(until)) => {
            let minutes = ((until - chrono::Utc::now()).num_seconds().max(0) + 59) / 60;
            (StatusCode::TOO_MANY_REQUESTS, frame.t.with("error-locked", "minutes", minutes.max(1)))
        }
        Err(SignInError::App(e)) => return Err(PageError { error: e.into(), lang }),
    };
    let page = LoginPage { frame, next, username: form.username.trim().to_owned(), error: Some(error) };
    Ok((status, render(&page, lang)?).into_response())
}

async fn logout(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Https(https): Https,
) -> Result<Response, PageError> {
    state.store.end_session(&acting.signed.token_hash).await.page(lang)?;
    Ok(session::with_cookie(Redirect::to("/").into_response(), &session::clear_cookie(https)))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    frame: Frame,
    username: String,
    full_name: String,
    role: String,
    commune: String,
    unit: String,
    must_change: bool,
    error: Option<String>,
    done: bool,
}

fn account_page(acting: &Acting, lang: kehoach_domain::Lang, error: Option<String>, done: bool) -> AccountPage {
    let signed = &acting.signed;
    let frame = Frame::new(lang, "/account", &Viewer(Some(signed.clone())));
    let p = &signed.principal;
    AccountPage {
        username: p.username.clone(),
        full_name: p.full_name.clone(),
        role: role_label(&frame.t, p.role),
        // The Ministry's account is in no province: the whole country.
        commune: p
            .commune
            .clone()
            .unwrap_or_else(|| if p.province.is_empty() { frame.t.get("nation-country") } else { p.province.clone() }),
        unit: p.unit.clone().unwrap_or_default(),
        must_change: signed.must_change_password && !done,
        error,
        done,
        frame,
    }
}

async fn account(RequestLang(lang): RequestLang, acting: Acting) -> Result<Response, PageError> {
    Ok(render(&account_page(&acting, lang, None, false), lang)?.into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Https(https): Https,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let changed =
        change_own_password(&state, acting.principal(), &form.current, &form.new, &form.confirm, acting.actor()).await;
    let problem = match changed {
        Ok(()) => {
            // Every session ended with the change, this one included: open a new one here.
            let new = session::open(&state, acting.principal().user_id, acting.address.as_deref()).await.page(lang)?;
            let response = render(&account_page(&acting, lang, None, true), lang)?.into_response();
            return Ok(session::with_cookie(response, &session::set_cookie(&new.token, https)));
        }
        Err(kehoach_app::AppError::Invalid(refusal)) => refusal.words(lang),
        Err(e) => return Err(PageError { error: e.into(), lang }),
    };
    let page = account_page(&acting, lang, Some(problem), false);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page, lang)?).into_response())
}
