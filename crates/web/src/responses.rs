//! What every answer carries or how it is worded, whatever the handler: cache rules for
//! signed-in data, HSTS, and axum's own plain-text refusals reworded as ours.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Settings;
use crate::auth::session::Signed;
use crate::error::{ApiError, PageError, WebError};
use crate::i18n::{Tr, lang_of};

/// `GET /api/v1/me` and the sign-in answer hold the CSRF token: never kept by any cache. Any
/// other answer to a signed-in request is that user's: kept by no shared cache, and checked
/// again before a browser reuses it. Answers that set their own rule keep it.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let secret = path == "/api/v1/me" || path.starts_with("/api/v1/auth/");
    let signed = request.extensions().get::<Signed>().is_some();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if secret {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if signed && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    response
}

/// One year, the value browsers' preload lists ask for.
const HSTS: &str = "max-age=31536000";

/// HSTS when the runner says the server is reached over HTTPS only, or on an answer to a
/// request that came over HTTPS (directly or through a proxy that says so).
pub async fn hsts(State(settings): State<Settings>, request: Request, next: Next) -> Response {
    let https = request.uri().scheme_str() == Some("https")
        || request
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    let mut response = next.run(request).await;
    if settings.hsts || https {
        response.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

/// axum's extractors refuse a body they cannot read (too large, a bad multipart boundary, a
/// form that does not parse) with a plain-text sentence in English. Those become our own
/// error: JSON under `/api/`, a page elsewhere, in the request's language.
pub async fn plain_rejections(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let lang = lang_of(&parts);
    let api = parts.uri.path().starts_with("/api/");
    let response = next.run(Request::from_parts(parts, body)).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/plain"));
    if !status.is_client_error() || !plain {
        return response;
    }
    let t = Tr::new(lang);
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => WebError::TooLarge,
        StatusCode::METHOD_NOT_ALLOWED => WebError::MethodNotAllowed,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => WebError::Invalid(t.get("error-unsupported-type")),
        // The client's framing: a 400, not the 422 of a field refused.
        StatusCode::BAD_REQUEST => WebError::Unreadable("error-bad-request"),
        _ => WebError::Invalid(t.get("error-bad-request")),
    };
    if api { ApiError { error, lang }.into_response() } else { PageError { error, lang }.into_response() }
}
