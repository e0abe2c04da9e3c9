//! Static files, compiled into the binary: commune intranets are often offline, so no CDN.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kehoach_domain::Action;
use rust_embed::Embed;

use crate::policy::Routes;

#[derive(Embed)]
#[folder = "static/"]
struct Assets;

pub fn routes(r: Routes) -> Routes {
    r.get("/static/{*path}", Action::ReadPublic, asset)
}

async fn asset(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_owned()),
                    (header::CACHE_CONTROL, "public, max-age=86400".to_owned()),
                    (header::ETAG, format!("\"{}\"", hex(&file.metadata.sha256_hash()[..8]))),
                ],
                file.data,
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
