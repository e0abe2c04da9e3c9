//! Signing in and out, and one's own account.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kehoach_domain::Action;
use serde::Deserialize;

use super::{Frame, render, role_label, safe_next};
use crate::AppState;
use crate::auth::session::{self, Viewer};
use crate::auth::{PasswordChangeError, SignInError, change_own_password, sign_in};
use crate::client::{ClientAddress, Https};
use crate::error::{InLang, PageError, WebError};
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
    kehoach_app::input::line("login-username", &form.username).page(lang)?;
    let next = safe_next(form.next.as_deref());
    let frame = Frame::new(lang, "/login", &viewer);
    let (status, error) = match sign_in(&state, &form.username, &form.password, address.as_deref()).await {
        Ok(signed) => {
            let to = if signed.user.must_change_password { "/account".to_owned() } else { next };
            return Ok(session::with_cookie(
                Redirect::to(&to).into_response(),
                &session::set_cookie(&signed.token, https),
            ));
        }
        Err(SignInError::BadCredentials) => (StatusCode::UNAUTHORIZED, frame.t.get("login-wrong")),
        Err(SignInError::Locked(until)) => {
            let minutes = ((until - chrono::Utc::now()).num_seconds().max(0) + 59) / 60;
            (StatusCode::TOO_MANY_REQUESTS, frame.t.with("error-locked", "minutes", minutes.max(1)))
        }
        Err(SignInError::Store(e)) => return Err(PageError { error: e.into(), lang }),
    };
    let page = LoginPage { frame, next, username: form.username.trim().to_owned(), error: Some(error) };
    Ok((status, render(&page, lang)?).into_response())
}

async fn logout(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Https(https): Https,
) -> Result<Response, PageError> {
    if let Some(s) = &viewer.0 {
        state.store.end_session(&s.token_hash).await.page(lang)?;
    }
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

fn account_page(
    viewer: &Viewer,
    lang: kehoach_domain::Lang,
    error: Option<String>,
    done: bool,
) -> Result<AccountPage, PageError> {
    let signed = viewer.0.as_ref().ok_or(PageError { error: WebError::NotSignedIn, lang })?;
    let frame = Frame::new(lang, "/account", viewer);
    let p = &signed.principal;
    Ok(AccountPage {
        username: p.username.clone(),
        full_name: p.full_name.clone(),
        role: role_label(&frame.t, p.role),
        commune: p.commune.clone().unwrap_or_else(|| p.province.clone()),
        unit: p.unit.clone().unwrap_or_default(),
        must_change: signed.must_change_password && !done,
        error,
        done,
        frame,
    })
}

async fn account(RequestLang(lang): RequestLang, viewer: Viewer) -> Result<Response, PageError> {
    Ok(render(&account_page(&viewer, lang, None, false)?, lang)?.into_response())
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
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Https(https): Https,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let signed = viewer.0.as_ref().ok_or(PageError { error: WebError::NotSignedIn, lang })?;
    let t = crate::i18n::Tr::new(lang);
    let username = signed.principal.username.clone();
    let problem =
        match change_own_password(&state, &username, &form.current, &form.new, &form.confirm, address.as_deref()).await
        {
            Ok(new_session) => {
                // Every session ended with the change, this one included: open a new one here.
                let page = account_page(&viewer, lang, None, true)?;
                let response = render(&page, lang)?.into_response();
                return Ok(session::with_cookie(response, &session::set_cookie(&new_session.token, https)));
            }
            Err(PasswordChangeError::Rejected(key)) => t.get(key),
            Err(PasswordChangeError::Store(e)) => return Err(PageError { error: e.into(), lang }),
            Err(PasswordChangeError::Hash(e)) => return Err(PageError { error: WebError::Internal(e), lang }),
        };
    let page = account_page(&viewer, lang, Some(problem), false)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page, lang)?).into_response())
}
