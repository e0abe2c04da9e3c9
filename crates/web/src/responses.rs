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

/// The build that made an answer: the server binary's size and time, the same for every
/// process started from it and new with every build (templates and words are compiled in).
fn build() -> &'static str {
    static BUILD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let stamp = std::env::current_exe().and_then(std::fs::metadata).ok().map(|m| {
            let at = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            format!("{:x}.{:x}", m.len(), at.map_or(0, |d| d.as_secs()))
        });
        format!("{}.{}", env!("CARGO_PKG_VERSION"), stamp.unwrap_or_default())
    });
    &BUILD
}

/// The validator of a public answer about a plan: which answer (`what`), the plan's row and
/// revision, the language and the build. Every process on one database gives the same tag.
pub fn etag(what: &str, at: &kehoach_store::Revisions, lang: kehoach_domain::Lang) -> String {
    format!("\"{what}-{}-{}-{}-{}\"", at.plan_row, at.plan, lang.code(), build())
}

/// Whether the request's `If-None-Match` names `etag` (or `*`).
pub fn not_modified(headers: &axum::http::HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').map(|t| t.trim()).any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag)))
}

/// The headers of every public answer kept by its tag: checked again at each use (a change is
/// seen on the next request), the same for every visitor, in the language asked for.
fn public_headers(headers: &mut axum::http::HeaderMap, etag: &str) {
    if let Ok(tag) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, tag);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding, Accept-Language, Cookie"));
}

/// `304 Not Modified`: the visitor's copy is the current one.
pub fn unchanged(etag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    public_headers(response.headers_mut(), etag);
    response
}

/// An answer to keep: its bytes, and the same gzip-compressed once (at the level the
/// compression layer uses) so that no request compresses it again.
pub fn rendered(etag: String, content_type: &'static str, body: Vec<u8>) -> kehoach_app::cache::Rendered {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 4), flate2::Compression::default());
    // Writing into memory fails only if memory does: then the answer is kept unpacked.
    let gzip = encoder.write_all(&body).ok().and_then(|()| encoder.finish().ok());
    kehoach_app::cache::Rendered { etag, content_type, body, gzip }
}

/// Whether the request's `Accept-Encoding` takes gzip (by name or `*`, with a weight above 0).
pub fn accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.filter_map(|p| p.strip_prefix("q=")).any(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        },
    )
}

/// A kept answer, as made: compressed when kept if the client takes gzip (the compression layer
/// leaves an answer that already says its encoding alone).
pub fn public(rendered: &kehoach_app::cache::Rendered, request: &axum::http::HeaderMap) -> Response {
    let gzip = rendered.gzip.as_ref().filter(|_| accepts_gzip(request));
    let mut response = axum::body::Body::from(gzip.unwrap_or(&rendered.body).clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(rendered.content_type));
    if gzip.is_some() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    public_headers(headers, &rendered.etag);
    response
}
