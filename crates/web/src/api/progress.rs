//! Indicator progress over the API: values and statuses at a date, and the records behind one.

use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use kehoach_app::progress::EvidenceBody;
use kehoach_domain::Action;
use kehoach_domain::measure::Progress;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::acting::Acting;
use crate::error::{ApiError, ErrorBody, InLang, NotFound, WebError};
use crate::i18n::RequestLang;
use crate::params::QueryParams;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadProgress, __path_indicators, indicators).api(Action::ReadProgress, __path_evidence, evidence)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtQuery {
    /// The date (YYYY-MM-DD); today in the plan's time zone by default.
    pub at: Option<NaiveDate>,
}

/// An indicator's progress with its name.
#[derive(Serialize, ToSchema)]
pub struct IndicatorProgress {
    pub name: String,
    pub target_text: String,
    #[serde(flatten)]
    pub progress: Progress,
}

/// Every indicator of the plan at a date: value, ratio parts, target, where it should be,
/// status.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/indicators", params(("plan" = String, Path), AtQuery),
    responses((status = 200, body = [IndicatorProgress]), (status = 404, body = ErrorBody)))]
pub(super) async fn indicators(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(plan_id): Path<String>,
    QueryParams(q): QueryParams<AtQuery>,
) -> Result<Json<Vec<IndicatorProgress>>, ApiError> {
    let (plan, at) = kehoach_app::plans::shared(&state, &plan_id).await.api(lang)?;
    let date = q.at.unwrap_or_else(|| crate::progress::today(&state, &plan));
    let all = kehoach_app::progress::of_shared(&state, &plan, at, date).await.api(lang)?;
    Ok(Json(
        all.iter()
            .zip(&plan.indicators)
            .map(|(progress, i)| IndicatorProgress {
                name: i.name.clone(),
                target_text: i.target.text.clone(),
                progress: progress.clone(),
            })
            .collect(),
    ))
}

/// The records (or report figures, or assessment) that make an indicator's value at a date.
#[utoipa::path(get, path = "/api/v1/plans/{plan}/indicators/{code}/evidence", params(("plan" = String, Path), ("code" = String, Path), AtQuery),
    responses((status = 200, body = EvidenceBody), (status = 404, body = ErrorBody)))]
pub(super) async fn evidence(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan_id, code)): Path<(String, String)>,
    QueryParams(q): QueryParams<AtQuery>,
) -> Result<Json<EvidenceBody>, ApiError> {
    let plan = kehoach_app::plans::get(&state, &plan_id).await.api(lang)?;
    let date = q.at.unwrap_or_else(|| crate::progress::today(&state, &plan));
    let (progress, _) = crate::progress::of_indicator(&state, &plan, &code, date)
        .await
        .api(lang)?
        .ok_or(ApiError { error: WebError::NotFound(NotFound::Indicator), lang })?;
    let body = kehoach_app::progress::evidence(&state, &plan.id, progress, acting.principal()).await.api(lang)?;
    Ok(Json(body))
}
