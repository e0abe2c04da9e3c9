//! The request's language, and the interface texts (from the application layer).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use kehoach_domain::Lang;

pub use kehoach_app::present::Tr;

/// The request's language: `?lang=` first, then the `lang` cookie, else Vietnamese.
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLang(lang_of(parts)))
    }
}

pub fn lang_of(parts: &Parts) -> Lang {
    let from_query = parts
        .uri
        .query()
        .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("lang=").and_then(Lang::from_code)));
    let from_cookie = || {
        parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.split(';').find_map(|c| c.trim().strip_prefix("lang=").and_then(Lang::from_code)))
    };
    from_query.or_else(from_cookie).unwrap_or_default()
}
