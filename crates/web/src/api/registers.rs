//! Registers over the API: the registers and their fields, records (list, read, add, change,
//! delete), and CSV export and import in one shape.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use kehoach_app::registers::{self as app, Typed};
use kehoach_domain::Action;
use kehoach_domain::register::{FieldType, REGISTERS};
use kehoach_store::{Actor, FileInfo, RecordCursor, StoredRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::page::{PageQuery, Paged};
use super::{JsonBody, read_json};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::{Signed, Viewer};
use crate::client::ClientAddress;
use crate::error::{ApiError, ErrorBody, InLang, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::params::{Params, QueryParams};
use crate::policy::Routes;
use crate::registers::{self, def};

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadRegister, __path_list_registers, list_registers)
        .api(Action::ReadRegister, __path_list_records, list_records)
        .api(Action::EditRegister, __path_add_record, add_record)
        .api(Action::ReadRegister, __path_get_record, get_record)
        .api(Action::EditRegister, __path_put_record, put_record)
        .api(Action::EditRegister, __path_delete_record, delete_record)
        .api(Action::ReadRegister, __path_export_csv, export_csv)
        .api_upload(Action::EditRegister, __path_import_csv, import_csv, crate::evidence::MAX_UPLOAD)
        .api(Action::ReadRegister, __path_list_files, list_files)
        .api_upload(Action::EditRegister, __path_add_file, add_file, crate::evidence::MAX_UPLOAD)
        .api(Action::ReadRegister, __path_get_file, get_file)
}

/// A field of a register, for clients that build their own forms.
#[derive(Serialize, ToSchema)]
pub struct FieldSchema {
    pub key: &'static str,
    pub label: &'static str,
    /// `text`, `long_text`, `int`, `bool`, `date`, `choice` or `ref`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    pub required: bool,
    /// Set by the product, not by a client.
    pub system: bool,
    /// For a choice: the option keys with their labels.
    pub options: Vec<(&'static str, &'static str)>,
    /// For a reference: the register it points at.
    pub refers_to: Option<&'static str>,
}

#[derive(Serialize, ToSchema)]
pub struct RegisterSchema {
    pub key: &'static str,
    pub name: &'static str,
    pub date_label: &'static str,
    pub records: u64,
    pub fields: Vec<FieldSchema>,
}

/// Every register, with its fields and how many records the commune keeps in it.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/registers", params(("plan" = String, Path)),
    responses((status = 200, body = [RegisterSchema]), (status = 404, body = ErrorBody)))]
pub(super) async fn list_registers(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(plan_id): Path<String>,
) -> Result<Json<Vec<RegisterSchema>>, ApiError> {
    let counts = kehoach_app::registers::counts(&state, &plan_id).await.api(lang)?;
    Ok(Json(
        REGISTERS
            .iter()
            .map(|r| RegisterSchema {
                key: r.key,
                name: r.name(lang),
                date_label: r.date_label(lang),
                records: counts.get(r.key).copied().unwrap_or(0),
                fields: r
                    .fields
                    .iter()
                    .map(|f| FieldSchema {
                        key: f.key,
                        label: f.label(lang),
                        ty: match f.ty {
                            FieldType::Text => "text",
                            FieldType::LongText => "long_text",
                            FieldType::Int => "int",
                            FieldType::Bool => "bool",
                            FieldType::Date => "date",
                            FieldType::Choice(_) => "choice",
                            FieldType::Ref(_) => "ref",
                        },
                        required: f.required,
                        system: f.system,
                        options: match f.ty {
                            FieldType::Choice(o) => o
                                .iter()
                                .map(|o| (o.0, if lang == kehoach_domain::Lang::Vi { o.1 } else { o.2 }))
                                .collect(),
                            _ => Vec::new(),
                        },
                        refers_to: match f.ty {
                            FieldType::Ref(r) => Some(r),
                            _ => None,
                        },
                    })
                    .collect(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordQuery {
    /// Only this unit's records.
    pub unit: Option<String>,
    /// Dated on or after (YYYY-MM-DD).
    pub from: Option<NaiveDate>,
    /// Dated on or before (YYYY-MM-DD).
    pub to: Option<NaiveDate>,
}

fn signed(viewer: &Viewer, lang: kehoach_domain::Lang) -> Result<&Signed, ApiError> {
    viewer.0.as_ref().ok_or(ApiError { error: WebError::NotSignedIn, lang })
}

impl RecordQuery {
    fn wanted(&self) -> kehoach_app::registers::Wanted {
        kehoach_app::registers::Wanted { unit: self.unit.clone(), from: self.from, to: self.to }
    }
}

const RECORDS: &str = "records";

/// Where a records cursor goes on from: `YYYY-MM-DD:id` of the last record of a page.
fn record_cursor(position: &str) -> Option<RecordCursor> {
    let (date, id) = position.split_once(':')?;
    Some(RecordCursor { date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?, id: id.parse().ok()? })
}

/// A register's records, newest first (a unit's reporter sees its own unit's), a page at a
/// time: at most `limit` (100 by default, 500 at most); when more follow, the `Next-Cursor`
/// header gives the `cursor` of the next page.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/registers/{register}/records",
    params(("plan" = String, Path), ("register" = String, Path), RecordQuery, PageQuery),
    responses((status = 200, body = [StoredRecord], headers(("Next-Cursor" = String,
        description = "the `cursor` of the next page; absent on the last page"))),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "a bad limit or cursor")))]
pub(super) async fn list_records(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan_id, register)): Path<(String, String)>,
    QueryParams(q): QueryParams<RecordQuery>,
    QueryParams(page): QueryParams<PageQuery>,
) -> Result<Paged<StoredRecord>, ApiError> {
    let def = def(&register).api(lang)?;
    let signed = signed(&viewer, lang)?;
    let t = Tr::new(lang);
    let limit = page.limit(&t).api(lang)?;
    let after = match page.after(RECORDS, &t).api(lang)? {
        Some(position) => Some(record_cursor(&position).ok_or(WebError::Invalid(t.get("page-bad-cursor"))).api(lang)?),
        None => None,
    };
    let read =
        kehoach_app::registers::records_after(&state, &signed.principal, &plan_id, def, &q.wanted(), after, limit + 1)
            .await
            .api(lang)?;
    let position = |r: &StoredRecord| format!("{}:{}", r.record.date.format("%Y-%m-%d"), r.record.id);
    Ok(Paged::from_read(read, limit, position, RECORDS))
}

/// A record as a client writes it. Field values may be text as a person types it (dates
/// `31/12/2026` or `2026-12-31`, "có"/"không", option keys or names), numbers or booleans.
#[derive(Deserialize, ToSchema)]
pub struct RecordBody {
    /// The owning unit's code; by default the caller's unit, or the unit units report through.
    pub unit: Option<String>,
    pub date: String,
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, Value>,
    /// For a change: the version the client read.
    pub version: Option<i32>,
}

/// A record's values as they are typed: text as is, numbers and booleans as written.
fn typed(body: RecordBody) -> (Typed, Option<i32>) {
    let as_text = |v: Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => other.to_string(),
    };
    let fields = body.fields.into_iter().map(|(k, v)| (k, as_text(v))).collect();
    (Typed { unit: body.unit, date: body.date, fields }, body.version)
}

async fn plan(state: &AppState, plan_id: &str, lang: kehoach_domain::Lang) -> Result<kehoach_domain::Plan, ApiError> {
    kehoach_app::plans::get(state, plan_id).await.api(lang)
}

/// Adds a record. Every field is checked; a refusal lists each problem.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/registers/{register}/records", request_body = RecordBody,
    params(("plan" = String, Path), ("register" = String, Path)),
    responses((status = 201, body = StoredRecord), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn add_record(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan_id, register)): Path<(String, String)>,
    body: JsonBody<RecordBody>,
) -> Result<(StatusCode, Json<StoredRecord>), ApiError> {
    let def = def(&register).api(lang)?;
    let (typed, _) = typed(read_json(body, lang)?);
    let plan = plan(&state, &plan_id, lang).await?;
    let record = app::add(&state, acting.principal(), &plan, def, &typed, acting.actor()).await.api(lang)?;
    Ok((StatusCode::CREATED, Json(record)))
}

async fn readable(
    state: &AppState,
    signed: &Signed,
    plan_id: &str,
    register: &str,
    id: i32,
) -> Result<StoredRecord, WebError> {
    registers::readable(state, signed, plan_id, def(register)?, id).await
}

/// One record.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/registers/{register}/records/{id}",
    params(("plan" = String, Path), ("register" = String, Path), ("id" = i32, Path)),
    responses((status = 200, body = StoredRecord), (status = 404, body = ErrorBody)))]
pub(super) async fn get_record(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((plan_id, register, id)): Params<(String, String, i32)>,
) -> Result<Json<StoredRecord>, ApiError> {
    let def = def(&register).api(lang)?;
    let signed = signed(&viewer, lang)?;
    Ok(Json(readable(&state, signed, &plan_id, def.key, id).await.api(lang)?))
}

/// Changes a record at the version the client read; someone else's change first gives 409.
#[utoipa::path(put, path = "/api/v1/plans/{plan}/registers/{register}/records/{id}", request_body = RecordBody,
    params(("plan" = String, Path), ("register" = String, Path), ("id" = i32, Path)),
    responses((status = 200, body = StoredRecord), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn put_record(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan_id, register, id)): Params<(String, String, i32)>,
    body: JsonBody<RecordBody>,
) -> Result<Json<StoredRecord>, ApiError> {
    let def = def(&register).api(lang)?;
    let (typed, version) = typed(read_json(body, lang)?);
    let plan = plan(&state, &plan_id, lang).await?;
    let record =
        app::update(&state, acting.principal(), &plan, def, id, version, &typed, acting.actor()).await.api(lang)?;
    Ok(Json(record))
}

/// Deletes a record no other record points at.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/registers/{register}/records/{id}/delete",
    params(("plan" = String, Path), ("register" = String, Path), ("id" = i32, Path)),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn delete_record(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan_id, register, id)): Params<(String, String, i32)>,
) -> Result<StatusCode, ApiError> {
    let def = def(&register).api(lang)?;
    kehoach_app::registers::delete(&state, acting.principal(), &plan_id, def, id, acting.actor()).await.api(lang)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The register as CSV (UTF-8 with BOM), in the shape the import reads.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/registers/{register}/records.csv",
    params(("plan" = String, Path), ("register" = String, Path), RecordQuery),
    responses((status = 200, content_type = "text/csv"), (status = 404, body = ErrorBody)))]
pub(super) async fn export_csv(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan_id, register)): Path<(String, String)>,
    QueryParams(q): QueryParams<RecordQuery>,
) -> Result<Response, ApiError> {
    let def = def(&register).api(lang)?;
    let signed = signed(&viewer, lang)?;
    let (records, _) =
        kehoach_app::registers::records(&state, &signed.principal, &plan_id, def, &q.wanted(), None).await.api(lang)?;
    let csv = registers::to_csv(def, &records, lang).api(lang)?;
    Ok(registers::csv_response(def, csv))
}

/// Imports a CSV file (the body, UTF-8): every row is checked, and a file with any bad row is
/// refused whole, listing each bad row and why. Answers how many records were added.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/registers/{register}/import", request_body(content = String, content_type = "text/csv"),
    params(("plan" = String, Path), ("register" = String, Path)),
    responses((status = 201, body = ImportResult), (status = 422, body = ErrorBody)))]
pub(super) async fn import_csv(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path((plan_id, register)): Path<(String, String)>,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportResult>), ApiError> {
    let def = def(&register).api(lang)?;
    let signed = signed(&viewer, lang)?;
    let actor = Actor { name: &signed.principal.username, address: address.as_deref() };
    let added =
        kehoach_app::registers::import(&state, &signed.principal, &plan_id, def, &body, actor).await.api(lang)?;
    Ok((StatusCode::CREATED, Json(ImportResult { added })))
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    pub added: usize,
}

/// A record's evidence files, without their content.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/registers/{register}/records/{id}/files",
    params(("plan" = String, Path), ("register" = String, Path), ("id" = i32, Path)),
    responses((status = 200, body = [FileInfo]), (status = 404, body = ErrorBody)))]
pub(super) async fn list_files(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((plan_id, register, id)): Params<(String, String, i32)>,
) -> Result<Json<Vec<FileInfo>>, ApiError> {
    let signed = signed(&viewer, lang)?;
    let def = def(&register).api(lang)?;
    Ok(Json(kehoach_app::registers::files(&state, &signed.principal, &plan_id, def, id).await.api(lang)?))
}

/// Keeps an evidence file with a record: multipart field `file`; a photo (JPEG, PNG, WebP,
/// HEIC) or a PDF, its type read from its content, at most 10 MB and 10 files a record.
#[utoipa::path(post, path = "/api/v1/plans/{plan}/registers/{register}/records/{id}/files",
    request_body(content = super::FileUpload, content_type = "multipart/form-data"),
    params(("plan" = String, Path), ("register" = String, Path), ("id" = i32, Path)),
    responses((status = 201, body = FileInfo), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn add_file(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Params((plan_id, register, id)): Params<(String, String, i32)>,
    mut multipart: axum::extract::Multipart,
) -> Result<(StatusCode, Json<FileInfo>), ApiError> {
    let def = def(&register).api(lang)?;
    let signed = signed(&viewer, lang)?;
    let (name, bytes) = crate::evidence::read_file(&mut multipart, lang).await.api(lang)?;
    let actor = Actor { name: &signed.principal.username, address: address.as_deref() };
    let info = kehoach_app::registers::attach(&state, &signed.principal, &plan_id, def, id, &name, &bytes, actor)
        .await
        .api(lang)?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// One evidence file, as it was sent.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/registers/{register}/records/{id}/files/{file}",
    params(("plan" = String, Path), ("register" = String, Path), ("id" = i32, Path), ("file" = i32, Path)),
    responses((status = 200, description = "the file, of the type read from its content when it was sent",
        content(("image/jpeg"), ("image/png"), ("image/webp"), ("image/heic"), ("application/pdf"))),
        (status = 404, body = ErrorBody)))]
pub(super) async fn get_file(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((plan_id, register, id, file)): Params<(String, String, i32, i32)>,
) -> Result<Response, ApiError> {
    let def = def(&register).api(lang)?;
    let signed = signed(&viewer, lang)?;
    registers::download(&state, signed, &plan_id, def, id, file).await.api(lang)
}
