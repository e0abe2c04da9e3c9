//! The web layer's one error type, and how it becomes a response.

use axum::Json;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use kehoach_app::AppError;
use kehoach_domain::Lang;
use kehoach_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::session::{Signed, Viewer};
use crate::i18n::Tr;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The thing asked for does not exist, or the user may not know it does.
    #[error("{0} not found")]
    NotFound(NotFound),
    /// Sign in first.
    #[error("not signed in")]
    NotSignedIn,
    /// The credentials are wrong; the key names the message.
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    /// Refused; the key names the reason in the interface texts.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The input is wrong; the message is already in the user's language.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The change contradicts what is stored; message in the user's language.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The body is larger than the route takes.
    #[error("body too large")]
    TooLarge,
    /// The body cannot be read at all (a broken multipart form, a cut-off upload): a 400, not
    /// the 422 of a field refused; the key names the message.
    #[error("unreadable body: {0}")]
    Unreadable(&'static str),
    /// The route exists, not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Too many failed sign-ins: try again after this time.
    #[error("locked until {0}")]
    Locked(DateTime<Utc>),
    /// A use case did not do what was asked.
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    /// Anything else that should not happen; the text is for the log only.
    #[error("internal: {0}")]
    Internal(String),
}

pub use kehoach_app::NotFound;

/// The JSON body of every API error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code: `not_found`, `not_signed_in`, `unauthenticated`, `forbidden`,
    /// `unreadable`, `invalid`, `conflict`, `too_large`, `method_not_allowed`, `too_many_attempts`,
    /// `busy`, `internal`.
    pub code: &'static str,
    /// For people, in the request's language.
    pub message: String,
}

impl From<kehoach_docs::Error> for WebError {
    /// A document that cannot be written is the product's fault, never the reader's.
    fn from(e: kehoach_docs::Error) -> WebError {
        WebError::Internal(e.to_string())
    }
}

impl WebError {
    fn parts(&self, lang: Lang) -> (StatusCode, &'static str, String) {
        let tr = Tr::new(lang);
        match self {
            WebError::App(AppError::Store(e)) => store_parts(e, &tr),
            WebError::App(e @ AppError::NotFound(_)) => (StatusCode::NOT_FOUND, "not_found", e.words(lang)),
            WebError::App(e @ AppError::Refused(_)) => (StatusCode::FORBIDDEN, "forbidden", e.words(lang)),
            WebError::App(e @ AppError::Invalid(_)) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.words(lang)),
            WebError::App(e @ AppError::Conflict(_)) => (StatusCode::CONFLICT, "conflict", e.words(lang)),
            WebError::NotFound(what) => (StatusCode::NOT_FOUND, "not_found", tr.get(what.key())),
            WebError::Store(e) => store_parts(e, &tr),
            WebError::NotSignedIn => (StatusCode::UNAUTHORIZED, "not_signed_in", tr.get("error-not-signed-in")),
            WebError::Unauthenticated(key) => (StatusCode::UNAUTHORIZED, "unauthenticated", tr.get(key)),
            WebError::Forbidden(key) => (StatusCode::FORBIDDEN, "forbidden", tr.get(key)),
            WebError::Invalid(message) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", message.clone()),
            WebError::Conflict(message) => (StatusCode::CONFLICT, "conflict", message.clone()),
            WebError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", tr.get("error-too-large")),
            WebError::Unreadable(key) => (StatusCode::BAD_REQUEST, "unreadable", tr.get(key)),
            WebError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", tr.get("error-method-not-allowed"))
            }
            WebError::Locked(until) => {
                let minutes = ((*until - Utc::now()).num_seconds().max(0) + 59) / 60;
                (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", tr.with("error-locked", "minutes", minutes.max(1)))
            }
            other => {
                // The cause goes to the log, never to the user.
                tracing::error!(error = %other, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", tr.get("error-internal"))
            }
        }
    }

    /// The words of a refusal of the input (422), for a form to show above what was typed.
    pub fn invalid_words(&self, lang: Lang) -> Option<String> {
        match self {
            WebError::Invalid(m) => Some(m.clone()),
            WebError::App(AppError::Invalid(m)) => Some(m.words(lang)),
            _ => None,
        }
    }

    /// The words of a conflict with what is stored (409), for a form to show.
    pub fn conflict_words(&self, lang: Lang) -> Option<String> {
        match self {
            WebError::Conflict(m) => Some(m.clone()),
            WebError::App(AppError::Conflict(m)) => Some(m.words(lang)),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<HeaderValue> {
        match self {
            WebError::Locked(until) => {
                HeaderValue::from_str(&(*until - Utc::now()).num_seconds().max(1).to_string()).ok()
            }
            WebError::Store(StoreError::Busy(_)) | WebError::App(AppError::Store(StoreError::Busy(_))) => {
                Some(HeaderValue::from_static("5"))
            }
            _ => None,
        }
    }
}

/// What the store's failures tell the reader: a race lost or a busy database is not the
/// product's fault; anything else is, and goes to the log only.
fn store_parts(e: &StoreError, tr: &Tr) -> (StatusCode, &'static str, String) {
    match e {
        StoreError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", tr.get("error-page-not-found")),
        // Another writer got there first: the request may be sent again after a reload.
        StoreError::Conflict(cause) => {
            tracing::info!(%cause, "write lost a race");
            (StatusCode::CONFLICT, "conflict", tr.get("error-changed-meanwhile"))
        }
        // Nothing was written; said as such in the log so that it is not read as a bug.
        StoreError::Busy(cause) => {
            tracing::warn!(%cause, "database busy past the wait: answered 503");
            (StatusCode::SERVICE_UNAVAILABLE, "busy", tr.get("error-busy"))
        }
        other => {
            tracing::error!(error = %other, "request failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal", tr.get("error-internal"))
        }
    }
}

/// An error answered as JSON (for `/api/…`).
pub struct ApiError {
    pub error: WebError,
    pub lang: Lang,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = self.error.retry_after();
        let (status, code, message) = self.error.parts(self.lang);
        let mut response = (status, Json(ErrorBody { error: ErrorDetail { code, message } })).into_response();
        if let Some(retry) = retry {
            response.headers_mut().insert(header::RETRY_AFTER, retry);
        }
        response
    }
}

/// An error answered as an HTML page.
pub struct PageError {
    pub error: WebError,
    pub lang: Lang,
}

/// What an error page says, kept on its response: [`signed_header`] draws the page again under
/// the signed-in user's header (the error itself does not know who asked).
#[derive(Clone)]
struct ErrorPageWords {
    status: StatusCode,
    message: String,
    lang: Lang,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, _, message) = self.error.parts(self.lang);
        let words = ErrorPageWords { status, message: message.clone(), lang: self.lang };
        let page = crate::pages::ErrorPage::new(self.lang, status, message, &Viewer(None), "/");
        let mut response = match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.message).into_response(),
        };
        response.extensions_mut().insert(words);
        response
    }
}

/// Middleware inside the session: an error page answered to a signed-in request shows that
/// user's header (their name, the sign-out button), not "Đăng nhập" as if they were signed out.
pub async fn signed_header(request: Request, next: Next) -> Response {
    let viewer = Viewer(request.extensions().get::<Signed>().cloned());
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if viewer.0.is_none() {
        return response;
    }
    let Some(words) = response.extensions().get::<ErrorPageWords>().cloned() else {
        return response;
    };
    let page = crate::pages::ErrorPage::new(words.lang, words.status, words.message, &viewer, &path);
    match askama::Template::render(&page) {
        Ok(html) => {
            let (mut head, _) = response.into_parts();
            head.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(head, Body::from(html))
        }
        Err(_) => response,
    }
}

/// Turns any error into an [`ApiError`] or [`PageError`] in the request's language.
pub trait InLang<T> {
    fn api(self, lang: Lang) -> Result<T, ApiError>;
    fn page(self, lang: Lang) -> Result<T, PageError>;
}

impl<T, E: Into<WebError>> InLang<T> for Result<T, E> {
    fn api(self, lang: Lang) -> Result<T, ApiError> {
        self.map_err(|e| ApiError { error: e.into(), lang })
    }

    fn page(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|e| PageError { error: e.into(), lang })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(e: StoreError) -> Response {
        ApiError { error: WebError::Store(e), lang: Lang::En }.into_response()
    }

    #[test]
    fn a_write_that_lost_a_race_or_waited_too_long_is_no_internal_error() {
        let raced = answer(StoreError::Conflict("duplicate key".into()));
        assert_eq!(raced.status(), StatusCode::CONFLICT);
        let busy = answer(StoreError::Busy(sea_orm_err()));
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "5");
        let (status, code, message) = WebError::Store(StoreError::Busy(sea_orm_err())).parts(Lang::Vi);
        assert_eq!((status, code), (StatusCode::SERVICE_UNAVAILABLE, "busy"));
        assert!(message.contains("bận"), "{message}");
    }

    fn sea_orm_err() -> kehoach_store::DbErr {
        kehoach_store::DbErr::Custom("database is locked".into())
    }
}
