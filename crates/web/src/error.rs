//! The web layer's one error type, and how it becomes a response.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use kehoach_domain::Lang;
use kehoach_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Tr;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The thing asked for does not exist (or may not be seen).
    #[error("{0} not found")]
    NotFound(NotFound),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
}

/// What was not found, to word the message.
#[derive(Debug, Clone, Copy)]
pub enum NotFound {
    Plan,
    Indicator,
    Task,
    Unit,
    Page,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl NotFound {
    fn key(self) -> &'static str {
        match self {
            NotFound::Plan => "error-plan-not-found",
            NotFound::Indicator => "error-indicator-not-found",
            NotFound::Task => "error-task-not-found",
            NotFound::Unit => "error-unit-not-found",
            NotFound::Page => "error-page-not-found",
        }
    }
}

/// The JSON body of every API error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code: `not_found`, `internal`.
    pub code: &'static str,
    /// For people, in the request's language.
    pub message: String,
}

impl WebError {
    fn status_and_message(&self, lang: Lang) -> (StatusCode, &'static str, String) {
        let tr = Tr::new(lang);
        match self {
            WebError::NotFound(what) => (StatusCode::NOT_FOUND, "not_found", tr.get(what.key())),
            WebError::Store(StoreError::NotFound(_)) => {
                (StatusCode::NOT_FOUND, "not_found", tr.get("error-page-not-found"))
            }
            other => {
                // The cause goes to the log, never to the user.
                tracing::error!(error = %other, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", tr.get("error-internal"))
            }
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
        let (status, code, message) = self.error.status_and_message(self.lang);
        (status, Json(ErrorBody { error: ErrorDetail { code, message } })).into_response()
    }
}

/// An error answered as an HTML page.
pub struct PageError {
    pub error: WebError,
    pub lang: Lang,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, _, message) = self.error.status_and_message(self.lang);
        let page = crate::pages::ErrorPage::new(self.lang, status, message);
        match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.message).into_response(),
        }
    }
}
