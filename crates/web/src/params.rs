//! Path parameters that do not parse (`/records/abc`) are pages that do not exist: a 404 in the
//! request's language, as JSON under `/api/` and as a page elsewhere, never axum's plain-text
//! 400 in English.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, NotFound, PageError, WebError};
use crate::i18n::lang_of;

/// Like [`axum::extract::Path`], with the rejection above.
pub struct Params<T>(pub T);

impl<T, S> FromRequestParts<S> for Params<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Params(value)),
            Err(_) => {
                let lang = lang_of(parts);
                let error = WebError::NotFound(NotFound::Page);
                Err(if parts.uri.path().starts_with("/api/") {
                    ApiError { error, lang }.into_response()
                } else {
                    PageError { error, lang }.into_response()
                })
            }
        }
    }
}

/// Like [`axum::extract::Query`], but a query that does not parse (`?at=hôm-nay`) is a 422 in
/// the request's language, as JSON under `/api/` and as a page elsewhere.
pub struct QueryParams<T>(pub T);

impl<T, S> FromRequestParts<S> for QueryParams<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(QueryParams(value)),
            Err(e) => {
                let lang = lang_of(parts);
                let detail = e.body_text();
                let detail = detail.rsplit(": ").next().unwrap_or(&detail).to_owned();
                let error = WebError::Invalid(crate::i18n::Tr::new(lang).with("error-bad-query", "detail", detail));
                Err(if parts.uri.path().starts_with("/api/") {
                    ApiError { error, lang }.into_response()
                } else {
                    PageError { error, lang }.into_response()
                })
            }
        }
    }
}
