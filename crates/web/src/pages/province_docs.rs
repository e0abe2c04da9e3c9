//! The province's own downloads for a period (issue 13): its consolidated report of the
//! communes' reports as .docx, and the Phụ lục of communes as .xlsx and .csv. Made by
//! [`kehoach_app::province_docs`]; `?period=2026-Q1` (the board's current period when absent).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kehoach_app::tables::Format;
use kehoach_domain::{Action, Lang};
use serde::Deserialize;

use crate::AppState;
use crate::documents;
use crate::error::{InLang, PageError};
use crate::i18n::RequestLang;
use crate::params::{Params, QueryParams};
use crate::policy::Routes;
use crate::tables::Download;

pub fn routes(r: Routes) -> Routes {
    r.get("/province/{province}/report.docx", Action::ReadProvince, report_docx)
        .get("/province/{province}/communes.xlsx", Action::ReadProvince, communes_xlsx)
        .get("/province/{province}/communes.csv", Action::ReadProvince, communes_csv)
}

#[derive(Deserialize)]
struct PeriodQuery {
    /// `2026-Q1`; the board's current period when absent.
    period: Option<String>,
}

async fn province_and_period(
    state: &AppState,
    slug: &str,
    q: &PeriodQuery,
    lang: Lang,
) -> Result<(std::sync::Arc<kehoach_domain::province::Province>, kehoach_domain::period::PeriodId), PageError> {
    let province = kehoach_app::province::get(state, slug).await.page(lang)?;
    let period = kehoach_app::province_docs::period(state, &province, q.period.as_deref()).page(lang)?;
    Ok((province, period))
}

/// The consolidated report of the period, for the department to number, sign and issue.
async fn report_docx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params(slug): Params<String>,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Response, PageError> {
    let (province, period) = province_and_period(&state, &slug, &q, lang).await?;
    let (name, bytes) = kehoach_app::province_docs::report_docx(&state, &province, period).await.page(lang)?;
    Ok(documents::download(&name, bytes))
}

async fn communes(
    state: &AppState,
    slug: &str,
    q: &PeriodQuery,
    format: Format,
    lang: Lang,
) -> Result<Response, PageError> {
    let (province, period) = province_and_period(state, slug, q, lang).await?;
    let file = kehoach_app::province_docs::tables(state, &province, period, format).await.page(lang)?;
    Ok(Download(file).into_response())
}

async fn communes_xlsx(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params(slug): Params<String>,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Response, PageError> {
    communes(&state, &slug, &q, Format::Xlsx, lang).await
}

async fn communes_csv(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params(slug): Params<String>,
    QueryParams(q): QueryParams<PeriodQuery>,
) -> Result<Response, PageError> {
    communes(&state, &slug, &q, Format::Csv, lang).await
}
