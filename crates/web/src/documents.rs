//! The official documents as downloads; they are made by [`kehoach_app::documents`].

use axum::http::header;
use axum::response::{IntoResponse, Response};
pub use kehoach_app::documents::{commune_report, plan};

/// Which approved version of a commune report is asked for (the latest when absent).
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Wanted {
    /// An approved version (1, 2, …).
    pub version: Option<i32>,
}

pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A .docx download.
pub fn download(filename: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, DOCX.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        bytes,
    )
        .into_response()
}

/// A PDF download.
pub fn pdf(filename: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        bytes,
    )
        .into_response()
}
