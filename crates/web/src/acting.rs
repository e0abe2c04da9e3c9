//! Who acts in a request: the signed-in user (already checked against the route's rule by the
//! guard) and the address the request came from, as the use cases and the audit trail take
//! them. A handler that needs a user takes [`Acting`] instead of looking for one itself.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use kehoach_domain::{Lang, Principal};
use kehoach_store::Actor;

use crate::auth::session::Signed;
use crate::client::ClientAddress;
use crate::error::{ApiError, PageError, WebError};
use crate::i18n::lang_of;

/// The signed-in user of the request and their address.
#[derive(Debug, Clone)]
pub struct Acting {
    pub signed: Signed,
    pub address: Option<String>,
}

impl Acting {
    pub fn principal(&self) -> &Principal {
        &self.signed.principal
    }

    /// As the audit trail names them.
    pub fn actor(&self) -> Actor<'_> {
        Actor { name: &self.signed.principal.username, address: self.address.as_deref() }
    }
}

/// No session where one is needed: answered as the surface answers errors (JSON under
/// `/api/`, a page elsewhere).
pub struct NotSignedIn {
    api: bool,
    lang: Lang,
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        let (error, lang) = (WebError::NotSignedIn, self.lang);
        if self.api { ApiError { error, lang }.into_response() } else { PageError { error, lang }.into_response() }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Acting {
    type Rejection = NotSignedIn;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(signed) = parts.extensions.get::<Signed>().cloned() else {
            return Err(NotSignedIn { api: parts.uri.path().starts_with("/api/"), lang: lang_of(parts) });
        };
        let Ok(ClientAddress(address)) = ClientAddress::from_request_parts(parts, state).await;
        Ok(Acting { signed, address })
    }
}
