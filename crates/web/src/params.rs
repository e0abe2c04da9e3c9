//! Path parameters that do not parse (`/records/abc`) are pages that do not exist: a 404 in the
//! request's language, as JSON under `/api/` and as a page elsewhere, never axum's plain-text
//! 400 in English. Query values are checked as one-line texts.

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
            Ok(axum::extract::Query(value)) => match refused_text(parts) {
                None => Ok(QueryParams(value)),
                Some(error) => {
                    let lang = lang_of(parts);
                    Err(if parts.uri.path().starts_with("/api/") {
                        ApiError { error, lang }.into_response()
                    } else {
                        PageError { error, lang }.into_response()
                    })
                }
            },
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

/// The longest query value: filters are short; a `next=` path back may be longer.
const QUERY_VALUE_MAX: usize = 1000;

/// A query value that no text may hold (a NUL in a filter, a line break, a direction mark):
/// refused here for every page and API at once, before any reaches the database.
fn refused_text(parts: &Parts) -> Option<WebError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(parts.uri.query()?).ok()?;
    let (name, problem) = pairs
        .iter()
        .find_map(|(name, value)| kehoach_domain::text::line_max(value, QUERY_VALUE_MAX).err().map(|p| (name, p)))?;
    let t = crate::i18n::Tr::new(lang_of(parts));
    let label = t.with("field-parameter", "name", name);
    Some(WebError::Invalid(crate::input::problem_message(&t, &label, &problem)))
}
