//! Signing in and out over the API, and one's own account.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kehoach_domain::{Action, Principal};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{JsonBody, read_json};
use crate::AppState;
use crate::auth::session::{self, Viewer};
use crate::auth::{PasswordChangeError, SignInError, change_own_password, sign_in};
use crate::client::{ClientAddress, Https};
use crate::error::{ApiError, ErrorBody, InLang, WebError};
use crate::i18n::{RequestLang, Tr};
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
    kehoach_app::input::line("login-username", &body.username).api(lang)?;
    match sign_in(&state, &body.username, &body.password, address.as_deref()).await {
        Ok(signed) => {
            let info = SessionInfo {
                user: signed.user.principal(),
                csrf_token: signed.csrf,
                must_change_password: signed.user.must_change_password,
            };
            Ok(session::with_cookie(Json(info).into_response(), &session::set_cookie(&signed.token, https)))
        }
        Err(SignInError::BadCredentials) => Err(ApiError { error: WebError::Unauthenticated("login-wrong"), lang }),
        Err(SignInError::Locked(until)) => Err(ApiError { error: WebError::Locked(until), lang }),
        Err(SignInError::Store(e)) => Err(ApiError { error: e.into(), lang }),
    }
}

/// Signs out: ends this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 204), (status = 401, body = ErrorBody)))]
pub(super) async fn logout(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Https(https): Https,
) -> Result<Response, ApiError> {
    if let Some(s) = &viewer.0 {
        state.store.end_session(&s.token_hash).await.api(lang)?;
    }
    Ok(session::with_cookie(axum::http::StatusCode::NO_CONTENT.into_response(), &session::clear_cookie(https)))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody)))]
pub(super) async fn me(RequestLang(lang): RequestLang, viewer: Viewer) -> Result<Json<SessionInfo>, ApiError> {
    let s = viewer.0.ok_or(ApiError { error: WebError::NotSignedIn, lang })?;
    Ok(Json(SessionInfo { user: s.principal, csrf_token: s.csrf, must_change_password: s.must_change_password }))
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
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Https(https): Https,
    body: JsonBody<PasswordBody>,
) -> Result<Response, ApiError> {
    let t = Tr::new(lang);
    let s = viewer.0.ok_or(ApiError { error: WebError::NotSignedIn, lang })?;
    let body = read_json(body, lang)?;
    match change_own_password(&state, &s.principal.username, &body.current, &body.new, &body.new, address.as_deref())
        .await
    {
        Ok(new) => {
            let info = SessionInfo { user: s.principal, csrf_token: new.csrf, must_change_password: false };
            Ok(session::with_cookie(Json(info).into_response(), &session::set_cookie(&new.token, https)))
        }
        Err(PasswordChangeError::Rejected(key)) => Err(ApiError { error: WebError::Invalid(t.get(key)), lang }),
        Err(PasswordChangeError::Store(e)) => Err(ApiError { error: e.into(), lang }),
        Err(PasswordChangeError::Hash(e)) => Err(ApiError { error: WebError::Internal(e), lang }),
    }
}
