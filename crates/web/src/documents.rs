//! The official documents as downloads; they are made by [`kehoach_app::documents`].

use axum::http::header;
use axum::response::{IntoResponse, Response};
pub use kehoach_app::documents::{commune_report, plan};

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
