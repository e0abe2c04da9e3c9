//! Sessions: a random token in an HttpOnly cookie, its SHA-256 in the database.

use axum::extract::{FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use chrono::{Duration, Utc};
use kehoach_domain::Principal;
use kehoach_store::StoreError;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::AppState;

pub const COOKIE: &str = "kh_session";
/// A session ends after this long unused.
pub const IDLE: Duration = Duration::days(3);
/// The expiry is moved on at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::minutes(5);

/// A random 256-bit token, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new session's token (for the cookie) and CSRF token.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// Opens a session for the user, after signing in or changing one's password.
pub async fn open(state: &AppState, user_id: i32, address: Option<&str>) -> Result<NewSession, StoreError> {
    let now = Utc::now();
    let token = new_token();
    let csrf = new_token();
    state.store.create_session(user_id, &token_hash(&token), &csrf, address, now, now + IDLE).await?;
    Ok(NewSession { token, csrf })
}

/// The signed-in user of a request, put there by [`load`].
#[derive(Debug, Clone)]
pub struct Signed {
    pub principal: Principal,
    pub csrf: String,
    pub token_hash: String,
    pub must_change_password: bool,
}

/// The request's signed-in user, if any.
#[derive(Debug, Clone)]
pub struct Viewer(pub Option<Signed>);

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Viewer(parts.extensions.get::<Signed>().cloned()))
    }
}

fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').find_map(|c| c.trim().strip_prefix(&format!("{COOKIE}=")).map(str::to_owned)))
}

/// Whether the request came over HTTPS (directly or through a proxy that says so).
pub fn is_https(parts: &Parts) -> bool {
    parts.uri.scheme_str() == Some("https")
        || parts.headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

/// The `Set-Cookie` value for a new session.
pub fn set_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        IDLE.num_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}", if secure { "; Secure" } else { "" })
}

/// The response with a `Set-Cookie` for the session, kept out of every cache.
pub fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(v) = axum::http::HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    response
}

/// Middleware: finds the request's session and puts its [`Signed`] user in the request.
pub async fn load(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    if let Some(token) = cookie_token(&parts) {
        let hash = token_hash(&token);
        let now = Utc::now();
        match state.store.session(&hash, now).await {
            Ok(Some(s)) => {
                if now - s.last_seen_at > TOUCH_EVERY
                    && let Err(e) = state.store.touch_session(s.id, now, now + IDLE).await
                {
                    tracing::warn!(error = %e, "could not extend a session");
                }
                parts.extensions.insert(Signed {
                    principal: s.user.principal(),
                    csrf: s.csrf_token,
                    token_hash: hash,
                    must_change_password: s.user.must_change_password,
                });
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
        let cookie = set_cookie(&a, true);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.ends_with("Secure"));
        assert!(!set_cookie(&a, false).contains("Secure"));
    }
}
