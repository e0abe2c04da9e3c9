//! The reporting cycle: a unit's report for a period, read and moved through its workflow; the
//! board, the consolidation and the commune's report of a period.

use chrono::{DateTime, Utc};
use kehoach_domain::consolidation::Consolidation;
use kehoach_domain::period::{Period, PeriodId};
use kehoach_domain::report::{self, Refusal, ReportBody, ReportState, Standing, Step};
use kehoach_domain::request::AdHocRequest;
use kehoach_domain::{Plan, Unit};
use kehoach_store::{Actor, ReportWrite, StoredReport, WriteOutcome};
use serde::Serialize;
use utoipa::ToSchema;

use crate::App;
use crate::error::{AppError, NotFound};

/// The plan, the period and the unit a report belongs to; the request, for an ad hoc one.
pub struct ReportContext {
    pub plan: Plan,
    pub period: Period,
    pub unit: Unit,
    pub request: Option<AdHocRequest>,
    /// The period's commune report is approved: the unit's report is closed.
    pub closed: bool,
}

impl ReportContext {
    /// What the unit is asked to fill in.
    pub fn template(&self) -> ReportBody {
        template_for(&self.plan, self.request.as_ref(), &self.unit.code)
    }
}

fn template_for(plan: &Plan, request: Option<&AdHocRequest>, unit: &str) -> ReportBody {
    match request {
        Some(r) => r.template(plan, unit),
        None => ReportBody::prefilled(plan, unit),
    }
}

/// The ad hoc request behind a period, if it is one.
pub async fn request_for(state: &App, plan: &Plan, period: &Period) -> Result<Option<AdHocRequest>, AppError> {
    match period.id {
        PeriodId::Request { number, .. } => Ok(state.store.request(&plan.id, number).await?),
        _ => Ok(None),
    }
}

/// The units that report for a period: the request's, or every reporting unit.
pub fn units_for<'a>(plan: &'a Plan, request: Option<&AdHocRequest>) -> Vec<&'a Unit> {
    plan.reporting_units().filter(|u| request.is_none_or(|r| r.units.contains(&u.code))).collect()
}

/// Finds the plan and period; unknown ones are not found.
pub async fn plan_period(state: &App, plan_id: &str, period: &str) -> Result<(Plan, Period), AppError> {
    let plan = crate::plans::get(state, plan_id).await?;
    let id: PeriodId = period.parse().map_err(|()| AppError::NotFound(NotFound::Page))?;
    if id.year() != plan.year {
        return Err(AppError::NotFound(NotFound::Page));
    }
    let period = match id {
        PeriodId::Request { number, .. } => {
            let request = state.store.request(&plan.id, number).await?.ok_or(AppError::NotFound(NotFound::Page))?;
            let tz = plan.reporting.zone().map_err(|e| AppError::Internal(format!("plan {plan_id}: {e:?}")))?;
            request.period(&plan, &tz)
        }
        _ => plan.reporting.period(id).map_err(|e| AppError::Internal(format!("plan {plan_id}: {e:?}")))?,
    };
    Ok((plan, period))
}

/// Finds the plan, period and reporting unit; unknown ones are not found.
pub async fn context(state: &App, plan_id: &str, period: &str, unit: &str) -> Result<ReportContext, AppError> {
    let (plan, period) = plan_period(state, plan_id, period).await?;
    let request = request_for(state, &plan, &period).await?;
    let unit = units_for(&plan, request.as_ref())
        .into_iter()
        .find(|u| u.code == unit)
        .cloned()
        .ok_or(AppError::NotFound(NotFound::Unit))?;
    let closed = is_closed(state, &plan, &period).await?;
    Ok(ReportContext { plan, period, unit, request, closed })
}

/// A unit's report of a period as stored; none before its first save.
pub async fn stored(state: &App, plan_id: &str, period: &str, unit: &str) -> Result<Option<StoredReport>, AppError> {
    Ok(state.store.report(plan_id, period, unit).await?)
}

/// May the reader see this plan's commune reports before they are approved?
pub fn may_see_drafts(who: Option<&kehoach_domain::Principal>, plan: &Plan) -> bool {
    kehoach_domain::rows::may_see_draft_commune_report(who, &kehoach_domain::rows::commune_scope(plan))
}

/// The interface text that says why the workflow refuses.
pub fn refusal_key(r: Refusal) -> &'static str {
    match r {
        Refusal::AwaitingReview => "refusal-awaiting-review",
        Refusal::Locked => "refusal-locked",
        Refusal::PastDeadline => "refusal-past-deadline",
        Refusal::NotSubmitted => "refusal-not-submitted",
        Refusal::NotAccepted => "refusal-not-accepted",
        Refusal::ReasonRequired => "refusal-reason-required",
        Refusal::PeriodClosed => "refusal-period-closed",
    }
}

/// What a step came to, when it did not go through.
#[derive(Debug)]
pub enum StepError {
    /// The workflow refuses it.
    Refused(Refusal),
    /// Someone wrote first; here is the report as it is now.
    Conflict(Option<Box<StoredReport>>),
    App(AppError),
}

impl From<AppError> for StepError {
    fn from(e: AppError) -> StepError {
        StepError::App(e)
    }
}

impl From<kehoach_store::StoreError> for StepError {
    fn from(e: kehoach_store::StoreError) -> StepError {
        StepError::App(e.into())
    }
}

fn action_of(step: &Step) -> &'static str {
    match step {
        Step::Save => "report.save",
        Step::Submit => "report.submit",
        Step::Accept => "report.accept",
        Step::Return { .. } => "report.return",
        Step::Reopen { .. } => "report.reopen",
    }
}

/// Moves the report one step, at the version the user saw, with the content they sent (for a
/// save or a submission). Answers the report as stored after the step.
pub async fn apply(
    state: &App,
    ctx: &ReportContext,
    step: Step,
    version: i32,
    sent: Option<&ReportBody>,
    actor: Actor<'_>,
) -> Result<StoredReport, StepError> {
    let now = state.clock.now();
    let stored = state.store.report(&ctx.plan.id, &ctx.period.id.to_string(), &ctx.unit.code).await?;
    if stored.as_ref().map_or(0, |s| s.version) != version {
        // A retry of a save or submission that went through (its answer lost on a bad link)
        // finds exactly what it sent: that is success, not a conflict.
        if let (Some(s), Some(b)) = (&stored, sent) {
            let repeated = match step {
                Step::Save => true,
                Step::Submit => s.state == ReportState::Submitted,
                _ => false,
            };
            if repeated && s.body.fitted_to(&ctx.template()) == b.fitted_to(&ctx.template()) {
                return Ok(s.clone());
            }
        }
        return Err(StepError::Conflict(stored.map(Box::new)));
    }
    // The period's commune report is approved: its unit reports are closed until it is reopened.
    if ctx.closed || is_closed(state, &ctx.plan, &ctx.period).await? {
        return Err(StepError::Refused(Refusal::PeriodClosed));
    }
    let current = stored.as_ref().map_or(ReportState::Draft, |s| s.state);
    let outcome = report::step(current, &step, now, ctx.period.deadline, ctx.plan.reporting.late_submission)
        .map_err(StepError::Refused)?;
    let template = ctx.template();
    let body = match (sent, &stored) {
        (Some(b), _) if matches!(step, Step::Save | Step::Submit) => b.fitted_to(&template),
        (_, Some(s)) => s.body.fitted_to(&template),
        (_, None) => template,
    };
    let reason = match &step {
        Step::Return { reason } | Step::Reopen { reason } => Some(reason.trim().to_owned()),
        // A resubmission keeps the reason it answers until the report is accepted.
        _ => stored.as_ref().and_then(|s| s.return_reason.clone()).filter(|_| outcome.state != ReportState::Accepted),
    };
    let period = ctx.period.id.to_string();
    let write = ReportWrite {
        plan: &ctx.plan.id,
        period: &period,
        unit: &ctx.unit.code,
        expected_version: version,
        state: outcome.state,
        late: outcome.late,
        body: &body,
        return_reason: reason.as_deref(),
        action: action_of(&step),
        now,
    };
    match state.store.write_report(&write, actor).await? {
        WriteOutcome::Written(r) => Ok(r),
        WriteOutcome::Conflict(current) => Err(StepError::Conflict(current.map(Box::new))),
    }
}

/// A unit's line on the timeliness board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoardRow {
    pub unit: String,
    pub unit_name: String,
    pub sample: bool,
    pub standing: Standing,
    /// Whether the last submission came on time (`None`: not submitted yet).
    pub on_time: Option<bool>,
    pub completeness: u8,
    /// Seconds until the deadline; negative once it has passed.
    pub seconds_left: i64,
    pub updated_at: Option<DateTime<Utc>>,
    pub return_reason: Option<String>,
}

/// Every reporting unit's standing for a period.
pub async fn board(state: &App, plan: &Plan, period: &Period) -> Result<Vec<BoardRow>, AppError> {
    let now = state.clock.now();
    let reports = state.store.reports(&plan.id, &period.id.to_string()).await?;
    let request = request_for(state, plan, period).await?;
    Ok(units_for(plan, request.as_ref())
        .into_iter()
        .map(|u| {
            let r = reports.iter().find(|r| r.unit == u.code);
            let template = template_for(plan, request.as_ref(), &u.code);
            BoardRow {
                unit: u.code.clone(),
                unit_name: u.name.clone(),
                sample: u.sample,
                standing: report::standing(r.map(|r| (r.state, r.late)), now, period.deadline),
                on_time: r.filter(|r| r.submitted_at.is_some()).map(|r| !r.late),
                completeness: r.map_or(0, |r| r.body.fitted_to(&template).completeness()),
                seconds_left: (period.deadline - now).num_seconds(),
                updated_at: r.map(|r| r.updated_at),
                return_reason: r.and_then(|r| r.return_reason.clone()),
            }
        })
        .collect())
}

/// The live consolidation of a period, from its accepted unit reports.
pub async fn consolidation(state: &App, plan: &Plan, period: &Period) -> Result<Consolidation, AppError> {
    Ok(PeriodReports::load(state, plan, period).await?.consolidation(plan))
}

/// A period's unit reports as stored now, with the ad hoc request behind the period, if any:
/// read once for what is made of them.
pub struct PeriodReports {
    pub reports: Vec<StoredReport>,
    pub request: Option<AdHocRequest>,
}

impl PeriodReports {
    pub async fn load(state: &App, plan: &Plan, period: &Period) -> Result<PeriodReports, AppError> {
        let reports = state.store.reports(&plan.id, &period.id.to_string()).await?;
        let request = request_for(state, plan, period).await?;
        Ok(PeriodReports { reports, request })
    }

    /// The units that report, each with its accepted report if it has one.
    pub fn by_unit<'a>(&'a self, plan: &'a Plan) -> impl Iterator<Item = (&'a Unit, Option<&'a StoredReport>)> {
        units_for(plan, self.request.as_ref())
            .into_iter()
            .map(|u| (u, self.reports.iter().find(|r| r.unit == u.code && r.state == ReportState::Accepted)))
    }

    /// The consolidation of the accepted reports.
    pub fn consolidation(&self, plan: &Plan) -> Consolidation {
        let accepted: Vec<(&Unit, ReportBody)> = self
            .by_unit(plan)
            .filter_map(|(u, r)| r.map(|r| (u, r.body.fitted_to(&template_for(plan, self.request.as_ref(), &u.code)))))
            .collect();
        let pairs: Vec<(&Unit, &ReportBody)> = accepted.iter().map(|(u, b)| (*u, b)).collect();
        kehoach_domain::consolidation::consolidate(plan, &pairs)
    }
}

/// Whether the period's commune report is approved: its unit reports are then closed.
pub async fn is_closed(state: &App, plan: &Plan, period: &Period) -> Result<bool, AppError> {
    Ok(state.store.commune_report(&plan.id, &period.id.to_string()).await?.is_some_and(|s| s.approved))
}

/// A submitted version and what changed since the one before.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    pub number: i32,
    pub at: DateTime<Utc>,
    pub by: String,
    pub late: bool,
    pub body: ReportBody,
    /// What changed from the previous submission (from the prefilled form for the first).
    pub changes: Vec<report::Change>,
}

pub async fn versions(state: &App, ctx: &ReportContext) -> Result<Vec<VersionView>, AppError> {
    let Some(stored) = state.store.report(&ctx.plan.id, &ctx.period.id.to_string(), &ctx.unit.code).await? else {
        return Ok(Vec::new());
    };
    let template = ctx.template();
    let mut previous = template.clone();
    let mut out = Vec::new();
    for v in state.store.report_versions(stored.id).await? {
        let body = v.body.fitted_to(&template);
        out.push(VersionView {
            number: v.number,
            at: v.at,
            by: v.by,
            late: v.late,
            changes: report::diff(&previous, &body),
            body: body.clone(),
        });
        previous = body;
    }
    Ok(out)
}
