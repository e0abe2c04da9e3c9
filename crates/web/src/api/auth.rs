//! Signing in and out over the API, and one's own account.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kehoach_app::auth::{SignInError, change_own_password, sign_in};
use kehoach_domain::{Action, Principal};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{JsonBody, read_json};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session;
use crate::client::{ClientAddress, Https};
use crate::error::{ApiError, ErrorBody, InLang, WebError};
use crate::i18n::RequestLang;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.api(Action::SignIn, __path_login, login)
        .api(Action::OwnAccount, __path_logout, logout)
        .api(Action::OwnAccount, __path_me, me)
        .api(Action::OwnAccount, __path_change_password, change_password)
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// The signed-in user and the token to send as `X-CSRF-Token` with every write.
#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    user: Principal,
    csrf_token: String,
    must_change_password: bool,
}

/// Signs in: sets the session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS).
#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginBody, responses(
    (status = 200, body = SessionInfo),
    (status = 401, body = ErrorBody, description = "wrong user name or password"),
    (status = 429, body = ErrorBody, description = "too many failures: wait (see Retry-After)")))]
pub(super) async fn login(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    ClientAddress(address): ClientAddress,
    Https(https): Https,
    body: JsonBody<LoginBody>,
) -> Result<Response, ApiError> {
    let body = read_json(body, lang)?;
    match sign_in(&state, &body.username, &body.password, address.as_deref()).await {
        Ok(user) => {
            let new = session::open(&state, user.id, address.as_deref()).await.api(lang)?;
            let info = SessionInfo {
                user: user.principal(),
                csrf_token: new.csrf,
                must_change_password: user.must_change_password,
            };
            Ok(session::with_cookie(Json(info).into_response(), &session::set_cookie(&new.token, https)))
        }
        Err(SignInError::BadCredentials) => Err(ApiError { error: WebError::Unauthenticated("login-wrong"), lang }),
        Err(SignInError::Locked(until)) => Err(ApiError { error: WebError::Locked(until), lang }),
        Err(SignInError::App(e)) => Err(ApiError { error: e.into(), lang }),
    }
}

/// Signs out: ends this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 204), (status = 401, body = ErrorBody)))]
pub(super) async fn logout(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Https(https): Https,
) -> Result<Response, ApiError> {
    state.store.end_session(&acting.signed.token_hash).await.api(lang)?;
    Ok(session::with_cookie(axum::http::StatusCode::NO_CONTENT.into_response(), &session::clear_cookie(https)))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody)))]
pub(super) async fn me(acting: Acting) -> Json<SessionInfo> {
    let s = acting.signed;
    Json(SessionInfo { user: s.principal, csrf_token: s.csrf, must_change_password: s.must_change_password })
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordBody {
    current: String,
    new: String,
}

/// Changes one's password. Every other session ends; this one is replaced (new cookie, new
/// CSRF token).
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordBody, responses(
    (status = 200, body = SessionInfo), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(super) async fn change_password(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Https(https): Https,
    body: JsonBody<PasswordBody>,
) -> Result<Response, ApiError> {
    let body = read_json(body, lang)?;
    // The API takes the new password once: no second typing to compare.
    change_own_password(&state, acting.principal(), &body.current, &body.new, &body.new, acting.actor())
        .await
        .api(lang)?;
    // Every session ended with the change, this one included: open a new one here.
    let new = session::open(&state, acting.principal().user_id, acting.address.as_deref()).await.api(lang)?;
    let info = SessionInfo { user: acting.signed.principal, csrf_token: new.csrf, must_change_password: false };
    Ok(session::with_cookie(Json(info).into_response(), &session::set_cookie(&new.token, https)))
}
