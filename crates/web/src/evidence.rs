//! Evidence files over HTTP: read from a multipart form, sent back as attachments. What may be
//! kept, and where, is [`kehoach_app::evidence`]'s.

use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kehoach_domain::Lang;
use kehoach_store::FileInfo;

pub use kehoach_app::evidence::{MAX_UPLOAD, clean_name, fetch, list};

use crate::error::WebError;
use crate::i18n::Tr;

/// Reads the `file` field of a multipart form.
pub async fn read_file(multipart: &mut Multipart, lang: Lang) -> Result<(String, Vec<u8>), WebError> {
    let t = Tr::new(lang);
    let invalid = |key: &str| WebError::Invalid(t.get(key));
    let unread = |e: axum::extract::multipart::MultipartError| crate::input::multipart_error(&e, "error-bad-request");
    while let Some(field) = multipart.next_field().await.map_err(unread)? {
        if field.name() == Some("file") {
            let name = clean_name(field.file_name().unwrap_or("tep"));
            let bytes = field.bytes().await.map_err(unread)?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(invalid("file-missing"))
}

/// A kept file as it was sent: as an attachment, so that a browser never runs it as a page,
/// under its own (Vietnamese) name.
pub fn attachment(info: FileInfo, bytes: Vec<u8>) -> Response {
    let ascii: String =
        info.name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", encode_rfc5987(&info.name));
    ([(header::CONTENT_TYPE, info.mime), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

fn encode_rfc5987(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
