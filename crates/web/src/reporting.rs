//! The reporting cycle as the pages and the API show it: a unit's report in the reader's
//! language, and the use cases of [`kehoach_app::reporting`] with their refusals worded.

use chrono::{DateTime, Utc};
use kehoach_domain::Lang;
use kehoach_domain::report::{self, Refusal, ReportBody, ReportState, Standing, Step};
use kehoach_store::{Actor, StoredReport};
use serde::Serialize;
use utoipa::ToSchema;

pub use kehoach_app::commune_report::{CommuneReportView, view as commune_report};
pub use kehoach_app::reporting::{
    BoardRow, ReportContext, VersionView, board, context, plan_period, stored,
    versions,
};

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Tr;

/// Why the form is locked, in words.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Lock {
    /// `awaiting_review`, `locked`, `past_deadline`, `period_closed`.
    pub code: &'static str,
    pub message: String,
}

/// The refusal's stable code and the interface text that says it.
pub fn refusal_key(r: Refusal) -> (&'static str, &'static str) {
    let code = match r {
        Refusal::AwaitingReview => "awaiting_review",
        Refusal::Locked => "locked",
        Refusal::PastDeadline => "past_deadline",
        Refusal::NotSubmitted => "not_submitted",
        Refusal::NotAccepted => "not_accepted",
        Refusal::ReasonRequired => "reason_required",
        Refusal::PeriodClosed => "period_closed",
    };
    (code, kehoach_app::reporting::refusal_key(r))
}

/// A unit's report as the API and the form show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    pub plan: String,
    pub period: String,
    pub unit: String,
    pub unit_name: String,
    pub state: ReportState,
    pub standing: Standing,
    pub late: bool,
    /// Send it back with the next write: a write at an older version is a conflict (409).
    pub version: i32,
    pub body: ReportBody,
    pub completeness: u8,
    pub return_reason: Option<String>,
    pub deadline: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Set when the unit cannot change the report now, saying why.
    pub lock: Option<Lock>,
}

pub fn view(ctx: &ReportContext, stored: Option<&StoredReport>, now: DateTime<Utc>, lang: Lang) -> ReportView {
    let template = ctx.template();
    let body = stored.map_or_else(|| template.clone(), |s| s.body.fitted_to(&template));
    let state = stored.map_or(ReportState::Draft, |s| s.state);
    let late_allowed = ctx.plan.reporting.late_submission;
    let t = Tr::new(lang);
    ReportView {
        plan: ctx.plan.id.clone(),
        period: ctx.period.id.to_string(),
        unit: ctx.unit.code.clone(),
        unit_name: ctx.unit.name.clone(),
        state,
        standing: report::standing(stored.map(|s| (s.state, s.late)), now, ctx.period.deadline),
        late: stored.is_some_and(|s| s.late),
        version: stored.map_or(0, |s| s.version),
        completeness: body.completeness(),
        body,
        return_reason: stored.and_then(|s| s.return_reason.clone()),
        deadline: ctx.period.deadline,
        submitted_at: stored.and_then(|s| s.submitted_at),
        accepted_at: stored.and_then(|s| s.accepted_at),
        updated_by: stored.map(|s| s.updated_by.clone()),
        updated_at: stored.map(|s| s.updated_at),
        lock: ctx
            .closed
            .then_some(Refusal::PeriodClosed)
            .or(report::lock_reason(state, now, ctx.period.deadline, late_allowed))
            .map(|r| {
                let (code, key) = refusal_key(r);
                Lock { code, message: t.get(key) }
            }),
    }
}

/// What a step came to, when it did not go through.
pub enum StepError {
    /// The workflow refuses it; the reason is in the user's language.
    Refused(String),
    /// Someone wrote first; here is the report as it is now.
    Conflict(Box<ReportView>),
    Web(WebError),
}

impl From<WebError> for StepError {
    fn from(e: WebError) -> StepError {
        StepError::Web(e)
    }
}

/// [`kehoach_app::reporting::apply`], answered as the report's view in `lang`.
pub async fn apply(
    state: &AppState,
    ctx: &ReportContext,
    step: Step,
    version: i32,
    sent: Option<&ReportBody>,
    actor: Actor<'_>,
    lang: Lang,
) -> Result<ReportView, StepError> {
    use kehoach_app::reporting::StepError as Failed;
    match kehoach_app::reporting::apply(state, ctx, step, version, sent, actor).await {
        Ok(stored) => Ok(view(ctx, Some(&stored), state.clock.now(), lang)),
        Err(Failed::Refused(r)) => Err(StepError::Refused(Tr::new(lang).get(refusal_key(r).1))),
        Err(Failed::Conflict(current)) => {
            Err(StepError::Conflict(Box::new(view(ctx, current.as_deref(), state.clock.now(), lang))))
        }
        Err(Failed::App(e)) => Err(StepError::Web(e.into())),
    }
}
