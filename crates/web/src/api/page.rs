//! Lists that grow without bound come a page at a time: `?limit=` (default [`DEFAULT_LIMIT`],
//! at most [`MAX_LIMIT`]) and `?cursor=`, the opaque value the previous page gave in its
//! `Next-Cursor` header. The body stays the list itself, so clients that read the first page
//! keep working; no `Next-Cursor` header means the list is complete.

use axum::Json;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::error::WebError;
use crate::i18n::Tr;

/// Items a page holds when the client does not say.
pub const DEFAULT_LIMIT: u64 = 100;
/// The most items a page holds: 500 register records are about 170 KB of JSON.
pub const MAX_LIMIT: u64 = 500;
/// The response header that carries the next page's cursor.
pub const NEXT_CURSOR: &str = "next-cursor";

/// Which page of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items at most: 1 to 500, 100 when not given.
    pub limit: Option<u64>,
    /// Where to go on: the `Next-Cursor` header of the previous page, as it came.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size asked for, or a refusal that says the bounds.
    pub fn limit(&self, t: &Tr) -> Result<u64, WebError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(WebError::Invalid(t.with("page-bad-limit", "max", MAX_LIMIT))),
        }
    }

    /// The cursor's content (see [`cursor`]), or a refusal when it was not one of ours.
    pub fn after(&self, kind: &str, t: &Tr) -> Result<Option<String>, WebError> {
        let Some(text) = self.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        hex::decode(text)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix(kind).and_then(|s| s.strip_prefix(':')).map(str::to_owned))
            .map(Some)
            .ok_or_else(|| WebError::Invalid(t.get("page-bad-cursor")))
    }
}

/// An opaque cursor for a list of `kind` (`records`, `audit`) going on after `position`. Hex, so
/// that it travels in a URL as it is; the kind inside keeps one list's cursor out of another.
pub fn cursor(kind: &str, position: &str) -> String {
    hex::encode(format!("{kind}:{position}"))
}

/// A page of a list: the items as a JSON array, the next page's cursor in a header.
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl<T> Paged<T> {
    /// A page from up to `limit + 1` items read: the extra one only says that more follow,
    /// and the cursor is made from the last item kept.
    pub fn from_read(mut items: Vec<T>, limit: u64, position: impl Fn(&T) -> String, kind: &str) -> Paged<T> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more { items.last().map(|last| cursor(kind, &position(last))) } else { None };
        Paged { items, next }
    }
}

impl<T: Serialize> IntoResponse for Paged<T> {
    fn into_response(self) -> Response {
        let mut response = Json(self.items).into_response();
        if let Some(value) = self.next.and_then(|n| HeaderValue::from_str(&n).ok()) {
            response.headers_mut().insert(NEXT_CURSOR, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use kehoach_domain::Lang;

    use super::*;

    #[test]
    fn cursors_go_round_and_strangers_are_refused() {
        let t = Tr::new(Lang::En);
        let q = PageQuery { limit: None, cursor: Some(cursor("records", "2026-03-01:12")) };
        assert_eq!(q.after("records", &t).unwrap().as_deref(), Some("2026-03-01:12"));
        assert!(q.after("audit", &t).is_err(), "one list's cursor is not another's");
        let bad = PageQuery { limit: Some(0), cursor: Some("zz".into()) };
        assert!(bad.after("records", &t).is_err());
        assert!(bad.limit(&t).is_err());
        assert!(PageQuery { limit: Some(MAX_LIMIT + 1), cursor: None }.limit(&t).is_err());
        assert_eq!(PageQuery::default().limit(&t).unwrap(), DEFAULT_LIMIT);
    }

    #[test]
    fn a_page_says_whether_more_follow() {
        let page = Paged::from_read(vec![5, 4, 3], 2, ToString::to_string, "n");
        assert_eq!(page.items, [5, 4]);
        assert_eq!(page.next, Some(cursor("n", "4")));
        let last = Paged::from_read(vec![5, 4], 2, ToString::to_string, "n");
        assert_eq!(last.next, None);
    }
}
