//! Register pages: the list of registers, one register's records, a record's form (phone
//! friendly), its evidence files, CSV export and import.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kehoach_app::registers::{self as app, Typed};
use kehoach_domain::register::{FieldDef, FieldError, FieldType, REGISTERS, RegisterDef, display};
use kehoach_domain::text::sort_vi_by;
use kehoach_domain::{Action, Lang, Plan};
use kehoach_store::{Actor, FileInfo, StoredRecord};
use serde::Deserialize;

use super::plan::load_plan;
use super::{Frame, render, viewer_may};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::{Signed, Viewer};
use crate::client::ClientAddress;
use crate::error::{InLang, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::params::{Params, QueryParams};
use crate::policy::Routes;
use crate::registers::{self, def, may_write};

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/registers", Action::ReadRegister, index)
        .get("/plans/{plan}/registers/{register}", Action::ReadRegister, list)
        .post("/plans/{plan}/registers/{register}", Action::EditRegister, create)
        .get("/plans/{plan}/registers/{register}/new", Action::EditRegister, new_form)
        .get("/plans/{plan}/registers/{register}/records.csv", Action::ReadRegister, export)
        .post_upload(
            "/plans/{plan}/registers/{register}/import",
            Action::EditRegister,
            import,
            crate::evidence::MAX_UPLOAD,
        )
        .get("/plans/{plan}/registers/{register}/{id}", Action::ReadRegister, show)
        .post("/plans/{plan}/registers/{register}/{id}", Action::EditRegister, update)
        .post("/plans/{plan}/registers/{register}/{id}/delete", Action::EditRegister, remove)
        .post_upload(
            "/plans/{plan}/registers/{register}/{id}/files",
            Action::EditRegister,
            upload,
            crate::evidence::MAX_UPLOAD,
        )
        .get("/plans/{plan}/registers/{register}/{id}/files/{file}", Action::ReadRegister, download)
}

fn signed(viewer: &Viewer, lang: Lang) -> Result<&Signed, PageError> {
    viewer.0.as_ref().ok_or(PageError { error: WebError::NotSignedIn, lang })
}

pub struct RegisterLine {
    pub key: &'static str,
    pub name: &'static str,
    pub count: u64,
}

#[derive(Template)]
#[template(path = "registers.html")]
struct IndexPage {
    frame: Frame,
    plan: Plan,
    lines: Vec<RegisterLine>,
}

async fn index(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path(plan_id): Path<String>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let counts = kehoach_app::registers::counts(&state, &plan.id).await.page(lang)?;
    let lines = REGISTERS
        .iter()
        .map(|r| RegisterLine { key: r.key, name: r.name(lang), count: counts.get(r.key).copied().unwrap_or(0) })
        .collect();
    let page = IndexPage { frame: Frame::new(lang, format!("/plans/{}/registers", plan.id), &viewer), plan, lines };
    Ok(render(&page, lang)?.into_response())
}

/// A record as a row of the register's table.
pub struct Row {
    pub id: i32,
    pub unit: String,
    pub date: String,
    pub cells: Vec<String>,
    pub sample: bool,
}

fn unit_name(plan: &Plan, code: &str) -> String {
    plan.units.iter().find(|u| u.code == code).map_or_else(|| code.to_owned(), |u| u.name.clone())
}

fn row(plan: &Plan, def: &RegisterDef, r: &StoredRecord, lang: Lang) -> Row {
    Row {
        id: r.record.id,
        unit: unit_name(plan, &r.record.unit),
        date: r.record.date.format("%d/%m/%Y").to_string(),
        cells: def.fields.iter().map(|f| display(f, r.record.fields.get(f.key), lang)).collect(),
        sample: r.sample,
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct ListPage {
    frame: Frame,
    plan: Plan,
    def: &'static RegisterDef,
    name: &'static str,
    date_label: &'static str,
    columns: Vec<&'static str>,
    rows: Vec<Row>,
    total: u64,
    year: String,
    can_edit: bool,
    error: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    year: Option<String>,
    done: Option<String>,
    /// Set after a record was deleted, to say so.
    deleted: Option<String>,
}

/// At most this many rows on a page: a phone shows the latest, the CSV gives them all.
const PAGE_ROWS: u64 = 200;

async fn list_page(
    state: &AppState,
    viewer: &Viewer,
    plan: Plan,
    def: &'static RegisterDef,
    year: Option<String>,
    lang: Lang,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let signed = signed(viewer, lang)?;
    let year_filter = year.as_deref().unwrap_or("").parse::<i32>().ok();
    let wanted = kehoach_app::registers::Wanted {
        unit: None,
        from: year_filter.and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 1, 1)),
        to: year_filter.and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 12, 31)),
    };
    let (records, total) =
        kehoach_app::registers::records(state, &signed.principal, &plan.id, def, &wanted, Some(PAGE_ROWS))
            .await
            .page(lang)?;
    let rows = records.iter().map(|r| row(&plan, def, r, lang)).collect();
    let page = ListPage {
        frame: Frame::new(lang, format!("/plans/{}/registers/{}", plan.id, def.key), viewer),
        def,
        name: def.name(lang),
        date_label: def.date_label(lang),
        columns: def.fields.iter().map(|f| f.label(lang)).collect(),
        rows,
        total,
        year: year_filter.map(|y| y.to_string()).unwrap_or_default(),
        can_edit: viewer_may(viewer, Action::EditRegister, &plan, None)
            && may_write(signed, def, &registers::default_unit(signed, &plan)).is_ok(),
        error: error.clone(),
        done,
        plan,
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page, lang)?).into_response())
}

async fn list(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan_id, register)): Path<(String, String)>,
    QueryParams(q): QueryParams<ListQuery>,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let plan = load_plan(&state, &plan_id, lang).await?;
    let t = Tr::new(lang);
    let done = match (q.done, q.deleted) {
        (Some(n), _) => Some(t.with("register-imported", "count", n)),
        (None, Some(_)) => Some(t.get("forms-record-deleted")),
        (None, None) => None,
    };
    list_page(&state, &viewer, plan, def, q.year, lang, None, done).await
}

/// A field of the form, with its current value and what is wrong with it.
pub struct FormField {
    pub key: String,
    pub label: String,
    pub kind: &'static str,
    pub required: bool,
    pub value: String,
    /// For choices and references: (value, label).
    pub options: Vec<(String, String)>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "register_record.html")]
struct RecordPage {
    frame: Frame,
    plan: Plan,
    def: &'static RegisterDef,
    name: &'static str,
    id: Option<i32>,
    version: i32,
    unit: String,
    units: Vec<(String, String)>,
    date_label: &'static str,
    date: String,
    date_error: Option<String>,
    unit_error: Option<String>,
    fields: Vec<FormField>,
    system: Vec<(String, String)>,
    files: Vec<FileInfo>,
    can_edit: bool,
    error: Option<String>,
    /// What the last action did ("Đã lưu"), after its redirect.
    notice: Option<String>,
}

/// What the form shows: typed values (after a refusal) or the stored record's.
struct Shown {
    unit: String,
    date: String,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
    message: Option<String>,
    notice: Option<String>,
}

fn form_value(f: &FieldDef, record: &StoredRecord) -> String {
    match (f.ty, record.record.fields.get(f.key)) {
        (FieldType::Date, Some(serde_json::Value::String(s))) => s.clone(),
        (FieldType::Bool, Some(serde_json::Value::Bool(b))) => if *b { "có" } else { "không" }.into(),
        (FieldType::Choice(_), Some(serde_json::Value::String(s))) => s.clone(),
        (_, Some(v)) => display(f, Some(v), Lang::Vi),
        (_, None) => String::new(),
    }
}

fn shown_of(record: &StoredRecord, def: &RegisterDef) -> Shown {
    Shown {
        unit: record.record.unit.clone(),
        date: record.record.date.format("%Y-%m-%d").to_string(),
        values: def.input_fields().map(|f| (f.key.to_owned(), form_value(f, record))).collect(),
        errors: Vec::new(),
        message: None,
        notice: None,
    }
}

/// Options of a reference field: the target register's records the user can see, labelled by
/// their first text field.
async fn ref_options(
    state: &AppState,
    plan: &Plan,
    signed: &Signed,
    target: &str,
) -> Result<Vec<(String, String)>, WebError> {
    let target_def = def(target)?;
    let wanted = kehoach_app::registers::Wanted::default();
    let (records, _) =
        kehoach_app::registers::records(state, &signed.principal, &plan.id, target_def, &wanted, Some(1000)).await?;
    let label_field = target_def.fields.iter().find(|f| matches!(f.ty, FieldType::Text | FieldType::LongText));
    let mut options: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            let name = label_field.map(|f| display(f, r.record.fields.get(f.key), Lang::Vi)).unwrap_or_default();
            (r.record.id.to_string(), format!("#{} {name}", r.record.id))
        })
        .collect();
    sort_vi_by(&mut options, |o| &o.1);
    Ok(options)
}

#[allow(clippy::too_many_arguments)]
async fn record_page(
    state: &AppState,
    viewer: &Viewer,
    plan: Plan,
    def: &'static RegisterDef,
    stored: Option<&StoredRecord>,
    shown: Shown,
    lang: Lang,
    status: StatusCode,
) -> Result<Response, PageError> {
    let signed = signed(viewer, lang)?;
    let t = Tr::new(lang);
    let error_of = |key: &str| shown.errors.iter().find(|e| e.field == key).map(|e| e.problem.message(lang));
    let mut fields = Vec::new();
    for f in def.input_fields() {
        let (kind, options) = match f.ty {
            FieldType::Text => ("text", Vec::new()),
            FieldType::LongText => ("long_text", Vec::new()),
            FieldType::Int => ("int", Vec::new()),
            FieldType::Date => ("date", Vec::new()),
            FieldType::Bool => ("choice", vec![("có".into(), t.get("word-yes")), ("không".into(), t.get("word-no"))]),
            FieldType::Choice(o) => (
                "choice",
                o.iter().map(|o| (o.0.to_owned(), if lang == Lang::Vi { o.1 } else { o.2 }.to_owned())).collect(),
            ),
            FieldType::Ref(target) => ("choice", ref_options(state, &plan, signed, target).await.page(lang)?),
        };
        fields.push(FormField {
            key: f.key.to_owned(),
            label: f.label(lang).to_owned(),
            kind,
            required: f.required,
            value: shown.values.get(f.key).cloned().unwrap_or_default(),
            options,
            error: error_of(f.key),
        });
    }
    let units: Vec<(String, String)> = plan
        .units
        .iter()
        .filter(|u| may_write(signed, def, &u.code).is_ok() || u.code == shown.unit)
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect();
    let files = match stored {
        Some(r) => {
            kehoach_app::registers::files(state, &signed.principal, &plan.id, def, r.record.id).await.page(lang)?
        }
        None => Vec::new(),
    };
    let can_edit = stored.is_none_or(|r| may_write(signed, def, &r.record.unit).is_ok())
        && viewer_may(viewer, Action::EditRegister, &plan, None);
    let system = stored
        .map(|r| {
            def.fields
                .iter()
                .filter(|f| f.system)
                .map(|f| (f.label(lang).to_owned(), display(f, r.record.fields.get(f.key), lang)))
                .filter(|(_, v)| !v.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let path = match stored {
        Some(r) => format!("/plans/{}/registers/{}/{}", plan.id, def.key, r.record.id),
        None => format!("/plans/{}/registers/{}/new", plan.id, def.key),
    };
    let page = RecordPage {
        frame: Frame::new(lang, path, viewer),
        def,
        name: def.name(lang),
        id: stored.map(|r| r.record.id),
        version: stored.map_or(0, |r| r.version),
        unit: shown.unit.clone(),
        units,
        date_label: def.date_label(lang),
        date: shown.date.clone(),
        date_error: error_of("date"),
        unit_error: error_of("unit"),
        fields,
        system,
        files,
        can_edit,
        error: shown.message.clone(),
        notice: shown.notice.clone(),
        plan,
    };
    Ok((status, render(&page, lang)?).into_response())
}

async fn new_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan_id, register)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let signed = signed(&viewer, lang)?;
    let plan = load_plan(&state, &plan_id, lang).await?;
    let unit = registers::default_unit(signed, &plan);
    may_write(signed, def, &unit).page(lang)?;
    let today = crate::progress::today(&state, &plan).format("%Y-%m-%d").to_string();
    let shown = Shown { unit, date: today, values: BTreeMap::new(), errors: Vec::new(), message: None, notice: None };
    record_page(&state, &viewer, plan, def, None, shown, lang, StatusCode::OK).await
}

/// The form's pairs: `unit`, `date`, `version`, and fields as `f.<key>`; whole numbers as
/// Vietnamese users type them ("1.234") read by [`kehoach_app::input::register_numbers`].
fn read_form(def: &RegisterDef, pairs: &[(String, String)]) -> (Typed, Option<i32>) {
    let one = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut fields =
        pairs.iter().filter_map(|(k, v)| k.strip_prefix("f.").map(|key| (key.to_owned(), v.clone()))).collect();
    kehoach_app::input::register_numbers(def, &mut fields);
    let typed = Typed { unit: Some(one("unit")), date: one("date"), fields };
    (typed, Some(one("version").parse().unwrap_or(0)))
}

/// What was typed, shown again above the refusal.
fn shown_again(typed: Typed, unit: String, errors: Vec<FieldError>, message: String) -> Shown {
    Shown { unit, date: typed.date, values: typed.fields, errors, message: Some(message), notice: None }
}

async fn create(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Path((plan_id, register)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let plan = load_plan(&state, &plan_id, lang).await?;
    let (mut typed, _) = read_form(def, &pairs);
    // A unit left blank is the default one.
    typed.unit = typed.unit.filter(|u| !u.trim().is_empty());
    let refusal = match app::add(&state, acting.principal(), &plan, def, &typed, acting.actor()).await {
        Ok(r) => {
            return Ok(Redirect::to(&format!("/plans/{}/registers/{}/{}?done=created", plan.id, def.key, r.record.id))
                .into_response());
        }
        Err(refusal) => refusal,
    };
    let errors = refusal.field_errors().to_vec();
    let error = WebError::from(refusal);
    let Some(message) = error.invalid_words(lang) else { return Err(PageError { error, lang }) };
    let unit = typed.unit.clone().unwrap_or_else(|| app::default_unit(acting.principal(), &plan));
    let shown = shown_again(typed, unit, errors, message);
    record_page(&state, &viewer, plan, def, None, shown, lang, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn readable(
    state: &AppState,
    signed: &Signed,
    plan: &Plan,
    def: &RegisterDef,
    id: i32,
    lang: Lang,
) -> Result<StoredRecord, PageError> {
    registers::readable(state, signed, &plan.id, def, id).await.page(lang)
}

/// What the last action on a record did, after its redirect.
#[derive(Deserialize)]
struct RecordDone {
    done: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((plan_id, register, id)): Params<(String, String, i32)>,
    QueryParams(done): QueryParams<RecordDone>,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let signed = signed(&viewer, lang)?;
    let plan = load_plan(&state, &plan_id, lang).await?;
    let record = readable(&state, signed, &plan, def, id, lang).await?;
    let mut shown = shown_of(&record, def);
    let t = Tr::new(lang);
    shown.notice = match done.done.as_deref() {
        Some("created") => Some(t.get("forms-record-created")),
        Some("saved") => Some(t.get("forms-record-saved")),
        Some("file") => Some(t.get("forms-file-added")),
        _ => None,
    };
    record_page(&state, &viewer, plan, def, Some(&record), shown, lang, StatusCode::OK).await
}

async fn update(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Params((plan_id, register, id)): Params<(String, String, i32)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let plan = load_plan(&state, &plan_id, lang).await?;
    let (typed, version) = read_form(def, &pairs);
    let refusal = match app::update(&state, acting.principal(), &plan, def, id, version, &typed, acting.actor()).await {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/plans/{}/registers/{}/{id}?done=saved", plan.id, def.key)).into_response()
            );
        }
        Err(refusal) => refusal,
    };
    let errors = refusal.field_errors().to_vec();
    // After someone else's change, nothing is lost: the form keeps what was typed, at the
    // version now stored.
    let now = refusal.stored_now().cloned();
    let error = WebError::from(refusal);
    let (message, status) = match (error.invalid_words(lang), error.conflict_words(lang)) {
        (Some(message), _) => (message, StatusCode::UNPROCESSABLE_ENTITY),
        (None, Some(message)) => (message, StatusCode::CONFLICT),
        (None, None) => return Err(PageError { error, lang }),
    };
    let stored = match now {
        Some(now) => now,
        None => readable(&state, &acting.signed, &plan, def, id, lang).await?,
    };
    let unit = typed.unit.clone().unwrap_or_default();
    let shown = shown_again(typed, unit, errors, message);
    record_page(&state, &viewer, plan, def, Some(&stored), shown, lang, status).await
}

async fn remove(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Params((plan_id, register, id)): Params<(String, String, i32)>,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let signed = signed(&viewer, lang)?;
    let plan = load_plan(&state, &plan_id, lang).await?;
    // Read first: a refusal is shown over the record as it is.
    let current = readable(&state, signed, &plan, def, id, lang).await?;
    let actor = Actor { name: &signed.principal.username, address: address.as_deref() };
    match kehoach_app::registers::delete(&state, &signed.principal, &plan.id, def, id, actor)
        .await
        .map_err(WebError::from)
    {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}/registers/{}?deleted={id}", plan.id, def.key)).into_response()),
        Err(error) => {
            let Some(message) = error.conflict_words(lang) else { return Err(PageError { error, lang }) };
            let mut shown = shown_of(&current, def);
            shown.message = Some(message);
            record_page(&state, &viewer, plan, def, Some(&current), shown, lang, StatusCode::CONFLICT).await
        }
    }
}

async fn export(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan_id, register)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let signed = signed(&viewer, lang)?;
    let wanted = kehoach_app::registers::Wanted::default();
    let (records, _) =
        kehoach_app::registers::records(&state, &signed.principal, &plan_id, def, &wanted, None).await.page(lang)?;
    let csv = registers::to_csv(def, &records, lang).page(lang)?;
    Ok(registers::csv_response(def, csv))
}

async fn import(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Path((plan_id, register)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let signed = signed(&viewer, lang)?;
    let plan = load_plan(&state, &plan_id, lang).await?;
    let (_, bytes) = crate::evidence::read_file(&mut multipart, lang).await.page(lang)?;
    let actor = Actor { name: &signed.principal.username, address: address.as_deref() };
    match kehoach_app::registers::import(&state, &signed.principal, &plan.id, def, &bytes, actor)
        .await
        .map_err(WebError::from)
    {
        Ok(n) => Ok(Redirect::to(&format!("/plans/{}/registers/{}?done={n}", plan.id, def.key)).into_response()),
        Err(error) => match error.invalid_words(lang) {
            Some(message) => list_page(&state, &viewer, plan, def, None, lang, Some(message), None).await,
            None => Err(PageError { error, lang }),
        },
    }
}

async fn upload(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Params((plan_id, register, id)): Params<(String, String, i32)>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let signed = signed(&viewer, lang)?;
    let (name, bytes) = crate::evidence::read_file(&mut multipart, lang).await.page(lang)?;
    let actor = Actor { name: &signed.principal.username, address: address.as_deref() };
    kehoach_app::registers::attach(&state, &signed.principal, &plan_id, def, id, &name, &bytes, actor)
        .await
        .page(lang)?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/registers/{}/{id}?done=file", def.key)).into_response())
}

async fn download(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((plan_id, register, id, file)): Params<(String, String, i32, i32)>,
) -> Result<Response, PageError> {
    let def = def(&register).page(lang)?;
    let signed = signed(&viewer, lang)?;
    registers::download(&state, signed, &plan_id, def, id, file).await.page(lang)
}
