//! The tables people download as .xlsx or .csv, as HTTP answers; they are made by
//! [`kehoach_app::tables`].

use axum::http::header;
use axum::response::{IntoResponse, Response};
use kehoach_domain::Lang;

pub use kehoach_app::tables::{Format, Which};

use crate::AppState;
use crate::error::WebError;

/// A file to download.
#[derive(Debug, Clone)]
pub struct Download(pub kehoach_app::tables::Download);

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        let d = self.0;
        (
            [
                (header::CONTENT_TYPE, d.content_type.to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", d.filename)),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            d.bytes,
        )
            .into_response()
    }
}

/// The table asked for, as a file.
pub async fn export(
    state: &AppState,
    plan_id: &str,
    which: &Which,
    format: Format,
    lang: Lang,
) -> Result<Download, WebError> {
    Ok(Download(kehoach_app::tables::export(state, plan_id, which, format, lang).await?))
}
