//! Indicator progress: the sources the engine reads, at a date in the plan's time zone.

use chrono::NaiveDate;
use kehoach_domain::measure::{self, Evidence, Progress, ReportFigure, Sources};
use kehoach_domain::period::PeriodId;
use kehoach_domain::register::Record;
use kehoach_domain::report::ReportState;
use kehoach_domain::{Plan, Principal};
use kehoach_store::{RecordFilter, StoredRecord};
use serde::Serialize;
use utoipa::ToSchema;

use crate::App;
use crate::error::AppError;

/// Today in the plan's time zone.
pub fn today(state: &App, plan: &Plan) -> NaiveDate {
    crate::present::today(plan, state.clock.now())
}

/// Figures units gave in accepted quarterly reports of the plan year.
pub async fn accepted_figures(state: &App, plan: &Plan) -> Result<Vec<ReportFigure>, AppError> {
    let periods = plan.reporting.periods(plan.year).map_err(|e| AppError::Internal(format!("{e:?}")))?;
    let mut figures = Vec::new();
    for period in periods.iter().filter(|p| matches!(p.id, PeriodId::Quarter { .. })) {
        let period_id = period.id.to_string();
        for report in state.store.reports(&plan.id, &period_id).await? {
            if report.state != ReportState::Accepted {
                continue;
            }
            figures.extend(report.body.figures.iter().filter_map(|f| {
                Some(ReportFigure {
                    indicator: f.indicator.clone(),
                    unit: report.unit.clone(),
                    period: period_id.clone(),
                    covers_to: period.data_to,
                    value: f.value?,
                })
            }));
        }
    }
    Ok(figures)
}

/// What the plan's measures draw on.
pub async fn sources(state: &App, plan: &Plan) -> Result<(Vec<Record>, Vec<ReportFigure>), AppError> {
    let registers: Vec<String> = measure::registers_used(plan).into_iter().collect();
    let records = state.store.records_for_measures(&plan.id, &registers).await?;
    let figures = if plan.indicators.iter().any(|i| measure::source_of(i) == measure::Source::UnitReports) {
        accepted_figures(state, plan).await?
    } else {
        Vec::new()
    };
    Ok((records, figures))
}

/// Every indicator of the plan at `date`.
///
/// Kept in memory by (plan, its revisions, date) while the plan given is the plan as stored
/// now: a change to the plan, a record, a unit report or a commune report raises a revision in
/// its own transaction, and the next reader computes again.
pub async fn of_plan(state: &App, plan: &Plan, date: NaiveDate) -> Result<Vec<Progress>, AppError> {
    // The revisions first, the sources after: what is kept is never older than its key.
    let now = state.store.revisions(&plan.id).await?;
    let stored = now.and_then(|now| state.caches.plan(&plan.id, &now).map(|p| (now, p)));
    // The kept plan itself (the caller read it through `plans::shared`), or one equal to it.
    let Some((now, _)) = stored.filter(|(_, stored)| std::ptr::eq(&**stored, plan) || **stored == *plan) else {
        // A plan the caller made or changed, or one not read through `plans::shared`.
        return compute(state, plan, date).await;
    };
    if let Some(kept) = state.caches.progress(&plan.id, &now, date) {
        return Ok(Vec::clone(&kept));
    }
    let progress = compute(state, plan, date).await?;
    state.caches.keep_progress(&plan.id, now, date, std::sync::Arc::new(progress.clone()));
    Ok(progress)
}

/// The progress of a plan read through [`crate::plans::shared`] at `at`, kept by the same key:
/// no second look at the revisions, no comparison of plans. `at` was read before any source
/// is, so what is kept is never older than its key.
pub async fn of_shared(
    state: &App,
    plan: &std::sync::Arc<Plan>,
    at: kehoach_store::Revisions,
    date: NaiveDate,
) -> Result<std::sync::Arc<Vec<Progress>>, AppError> {
    if !state.caches.plan(&plan.id, &at).is_some_and(|kept| std::sync::Arc::ptr_eq(&kept, plan)) {
        return Ok(std::sync::Arc::new(compute(state, plan, date).await?));
    }
    if let Some(kept) = state.caches.progress(&plan.id, &at, date) {
        return Ok(kept);
    }
    let progress = std::sync::Arc::new(compute(state, plan, date).await?);
    state.caches.keep_progress(&plan.id, at, date, progress.clone());
    Ok(progress)
}

/// Every indicator of the plan at `date`, from the sources as stored now, kept nowhere.
pub async fn compute(state: &App, plan: &Plan, date: NaiveDate) -> Result<Vec<Progress>, AppError> {
    let (records, figures) = sources(state, plan).await?;
    Ok(measure::progress_of_plan(plan, &Sources::new(&records, &figures), date))
}

/// One indicator at `date`, and its value at each month's end up to then (for its chart).
pub async fn of_indicator(
    state: &App,
    plan: &Plan,
    code: &str,
    date: NaiveDate,
) -> Result<Option<(Progress, Vec<Progress>)>, AppError> {
    let Some(indicator) = plan.indicator(code) else { return Ok(None) };
    let Some(m) = &measure::measure_of(indicator) else {
        let all = measure::progress_of_plan(plan, &Sources::new(&[], &[]), date);
        return Ok(all.into_iter().find(|p| p.indicator == code).map(|p| (p, Vec::new())));
    };
    let (records, figures) = sources(state, plan).await?;
    let sources = Sources::new(&records, &figures);
    let now = measure::evaluate(plan.year, indicator, m, &sources, date);
    let series = measure::chart_dates(plan.year, date)
        .into_iter()
        .map(|d| measure::evaluate(plan.year, indicator, m, &sources, d))
        .collect();
    Ok(Some((now, series)))
}

/// What an indicator's value is made of.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceBody {
    pub progress: Progress,
    /// The records counted (for a ratio: its numerator).
    pub counted: Vec<StoredRecord>,
    /// For a ratio, the records of its denominator that are not counted.
    pub not_counted: Vec<StoredRecord>,
    pub figures: Vec<ReportFigure>,
    /// Records of other units, which a unit's reporter does not see, counted but not listed.
    pub hidden: usize,
}

/// The records behind a value, as far as the user may see them.
pub async fn evidence(
    state: &App,
    plan_id: &str,
    progress: Progress,
    who: &Principal,
) -> Result<EvidenceBody, AppError> {
    let (counted_ids, over_ids, figures) = match &progress.evidence {
        Evidence::Records { counted, over } => (counted.clone(), over.clone(), Vec::new()),
        Evidence::Figures { figures } => (Vec::new(), Vec::new(), figures.clone()),
        Evidence::Assessment { record } => (record.iter().copied().collect(), Vec::new(), Vec::new()),
    };
    let mut ids: Vec<i32> = counted_ids.iter().chain(&over_ids).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let records = state.store.records(plan_id, &RecordFilter { ids: Some(&ids), ..RecordFilter::default() }).await?;
    let total = records.len();
    let visible: Vec<StoredRecord> = records.into_iter().filter(|r| crate::registers::may_read(who, r)).collect();
    let hidden = total - visible.len();
    let (counted, not_counted) = visible.into_iter().partition(|r| counted_ids.contains(&r.record.id));
    Ok(EvidenceBody { progress, counted, not_counted, figures, hidden })
}
