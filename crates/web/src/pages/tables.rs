//! Download buttons' targets: Appendix I with results, Appendix II with the tasks' status, the
//! timeliness board as .xlsx, a register as .xlsx. The same files as the API's.

use axum::extract::{Path, State};
use chrono::NaiveDate;
use kehoach_domain::{Action, Lang};
use serde::Deserialize;

use crate::AppState;
use crate::acting::Acting;
use crate::error::{InLang, PageError};
use crate::i18n::RequestLang;
use crate::params::QueryParams;
use crate::policy::Routes;
use crate::registers::own_unit;
use crate::tables::{Download, Format, Which, export};

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/appendix-1.xlsx", Action::ReadProgress, appendix_1_xlsx)
        .get("/plans/{plan}/appendix-1.csv", Action::ReadProgress, appendix_1_csv)
        .get("/plans/{plan}/periods/{period}/appendix-2.xlsx", Action::ReadConsolidation, appendix_2_xlsx)
        .get("/plans/{plan}/periods/{period}/appendix-2.csv", Action::ReadConsolidation, appendix_2_csv)
        .get("/plans/{plan}/periods/{period}/board.xlsx", Action::ReadBoard, board_xlsx)
        .get("/plans/{plan}/registers/{register}/records.xlsx", Action::ReadRegister, register_xlsx)
}

#[derive(Deserialize)]
struct AtQuery {
    /// YYYY-MM-DD; a date that does not read is today.
    at: Option<String>,
}

fn at(q: &AtQuery) -> Option<NaiveDate> {
    q.at.as_deref().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

async fn file(state: &AppState, plan: &str, which: Which, format: Format, lang: Lang) -> Result<Download, PageError> {
    export(state, plan, &which, format, lang).await.page(lang)
}

async fn appendix_1_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(plan): Path<String>,
    QueryParams(q): QueryParams<AtQuery>,
) -> Result<Download, PageError> {
    file(&state, &plan, Which::Appendix1 { at: at(&q) }, Format::Xlsx, lang).await
}

async fn appendix_1_csv(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(plan): Path<String>,
    QueryParams(q): QueryParams<AtQuery>,
) -> Result<Download, PageError> {
    file(&state, &plan, Which::Appendix1 { at: at(&q) }, Format::Csv, lang).await
}

async fn appendix_2_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Download, PageError> {
    file(&state, &plan, Which::Appendix2 { period }, Format::Xlsx, lang).await
}

async fn appendix_2_csv(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Download, PageError> {
    file(&state, &plan, Which::Appendix2 { period }, Format::Csv, lang).await
}

async fn board_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Download, PageError> {
    file(&state, &plan, Which::Board { period }, Format::Xlsx, lang).await
}

async fn register_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan, register)): Path<(String, String)>,
) -> Result<Download, PageError> {
    let signed = &acting.signed;
    let which = Which::Register { key: register, unit: own_unit(signed).map(str::to_owned), from: None, to: None };
    file(&state, &plan, which, Format::Xlsx, lang).await
}
