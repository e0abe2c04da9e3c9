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
pub(crate) mod page;
mod plans;
pub(crate) mod progress;
mod registers;
mod reports;
mod requests;
mod tables;
mod units;

use axum::Json;
use kehoach_domain::Action;
use utoipa::OpenApi;

use crate::error::{ApiError, ErrorBody, ErrorDetail, NotFound, WebError};
use crate::i18n::RequestLang;
use crate::policy::Routes;
use error_responses::ErrorResponses;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kehoach API",
        description = "Kế hoạch KH, CN & ĐMST của xã: the plan as data. All text is Unicode NFC. Errors are `{\"error\": {\"code\", \"message\"}}`, messages in Vietnamese unless `?lang=en`."
    ),
    paths(
        plans::healthz,
        plans::list_plans,
        plans::get_plan,
        openapi_json,
        initiatives::list,
        initiatives::open_round,
        initiatives::close_round,
        initiatives::score,
        initiatives::decide,
        initiatives::recognised,
        auth::login,
        auth::logout,
        auth::me,
        auth::change_password,
        audit::audit,
        units::get_contact,
        units::put_contact,
        units::add_unit,
        registers::list_registers,
        registers::list_records,
        registers::add_record,
        registers::get_record,
        registers::put_record,
        registers::delete_record,
        registers::export_csv,
        registers::import_csv,
        registers::list_files,
        registers::add_file,
        registers::get_file,
        progress::indicators,
        progress::evidence,
        documents::plan_docx,
        documents::report_docx,
        tables::appendix_1_xlsx,
        tables::appendix_1_csv,
        tables::appendix_2_xlsx,
        tables::appendix_2_csv,
        tables::board_xlsx,
        tables::register_xlsx
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&ErrorResponses)
)]
pub struct ApiDoc;

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
    r.get("/api/v1/openapi.json", Action::ReadPublic, openapi_json)
        .get("/api/{*rest}", Action::ReadPublic, api_not_found)
        .post("/api/{*rest}", Action::ReadPublic, api_not_found)
        .put("/api/{*rest}", Action::ReadPublic, api_not_found)
}

/// This description.
#[utoipa::path(get, path = "/api/v1/openapi.json", responses((status = 200, description = "OpenAPI 3.1 document")))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
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
