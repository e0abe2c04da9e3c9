//! The JSON API, under `/api/v1`, described by `/api/v1/openapi.json`.
//!
//! Writes authenticated by the session cookie must carry the session's CSRF token in the
//! `X-CSRF-Token` header (given by `POST /api/v1/auth/login` and `GET /api/v1/me`).

mod audit;
mod auth;
mod consolidation;
mod documents;
mod error_responses;
mod initiatives;
mod nation;
pub(crate) mod page;
mod plans;
pub(crate) mod progress;
mod province;
mod registers;
mod reports;
mod requests;
mod tables;
mod units;

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use kehoach_domain::Action;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, Paths};
use utoipa::openapi::{ObjectBuilder, RefOr, Required, Schema, Type};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::error::{ApiError, ErrorBody, ErrorDetail, NotFound, WebError};
use crate::i18n::RequestLang;
use crate::policy::Routes;
use error_responses::ErrorResponses;

/// What the description holds besides its operations. The operations are not listed here: each
/// comes with its route ([`Routes::api`]), and [`document`] puts them together.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "kehoach API",
        description = "Kế hoạch KH, CN & ĐMST của xã: the plan as data. All text is Unicode NFC. Errors are `{\"error\": {\"code\", \"message\"}}`, messages in Vietnamese unless `?lang=en`."
    ),
    components(schemas(ErrorBody, ErrorDetail))
)]
pub struct ApiDoc;

/// The whole description: [`ApiDoc`], the operations the routes registered with the schemas
/// they name, and the error answers every operation can give.
pub(crate) fn document(paths: Paths, schemas: Vec<(String, RefOr<Schema>)>) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.paths.merge(paths);
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in schemas {
        components.schemas.entry(name).or_insert(schema);
    }
    ErrorResponses.modify(&mut doc);
    for item in doc.paths.paths.values_mut() {
        for operation in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch] {
            if let Some(operation) = operation.as_mut() {
                operation.parameters.get_or_insert_with(Vec::new).push(language());
            }
        }
    }
    doc
}

/// `?lang=`, which every operation reads (the messages of its errors, the labels it gives).
fn language() -> RefOr<Parameter> {
    let values = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["vi", "en"]));
    RefOr::T(
        ParameterBuilder::new()
            .name("lang")
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .description(Some(
                "The language of messages and labels: `vi` (by default, or the `lang` cookie's) or `en`.",
            ))
            .schema(Some(values))
            .build(),
    )
}

/// The description as served, written out once when the router is built.
#[derive(Clone)]
pub(crate) struct Served(Bytes);

impl Served {
    pub(crate) fn of(doc: &utoipa::openapi::OpenApi) -> Served {
        // Serialising these plain maps and strings cannot fail; if it ever did, the server must
        // not start with a description it cannot serve.
        Served(Bytes::from(serde_json::to_vec(doc).expect("the OpenAPI description serialises")))
    }
}

pub fn routes(r: Routes) -> Routes {
    let r = plans::routes(r);
    let r = auth::routes(r);
    let r = audit::routes(r);
    let r = units::routes(r);
    let r = reports::routes(r);
    let r = consolidation::routes(r);
    let r = initiatives::routes(r);
    let r = requests::routes(r);
    let r = registers::routes(r);
    let r = progress::routes(r);
    let r = documents::routes(r);
    let r = tables::routes(r);
    let r = nation::routes(r);
    let r = province::routes(r);
    r.api(Action::ReadPublic, __path_openapi_json, openapi_json)
        // Not described: whatever is asked under /api/ that no operation serves is a JSON 404.
        .get("/api/{*rest}", Action::ReadPublic, api_not_found)
        .post("/api/{*rest}", Action::ReadPublic, api_not_found)
        .put("/api/{*rest}", Action::ReadPublic, api_not_found)
}

/// This description (OpenAPI 3.1).
#[utoipa::path(get, path = "/api/v1/openapi.json", responses(
    (status = 200, description = "OpenAPI 3.1 document", body = Object, content_type = "application/json")))]
async fn openapi_json(Extension(Served(json)): Extension<Served>) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], json).into_response()
}

/// An evidence file as sent: a `multipart/form-data` body with one field, `file`.
#[derive(ToSchema)]
#[allow(dead_code)] // Described, never built: the handlers read the multipart stream.
pub struct FileUpload {
    /// The file, with its name: a photo (JPEG, PNG, WebP, HEIC) or a PDF, at most 10 MB; its
    /// type is read from its content.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// A JSON body, or why it could not be read.
type JsonBody<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

/// The body, or why not in the caller's language: a 422 naming the field, a 413 when too large.
fn read_json<T>(body: JsonBody<T>, lang: kehoach_domain::Lang) -> Result<T, ApiError> {
    body.map(|Json(b)| b).map_err(|e| ApiError { error: crate::input::json_rejection(&e, lang), lang })
}

async fn api_not_found(RequestLang(lang): RequestLang) -> ApiError {
    ApiError { error: WebError::NotFound(NotFound::Page), lang }
}
