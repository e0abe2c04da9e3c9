//! What the commune's leaders look at first: indicators behind pace, tasks without progress,
//! units late with their report, and the commune reports waiting for approval; and, for the
//! province, the commune reports approved so far.
//!
//! No words here: the pages say it in the reader's language.

use chrono::{DateTime, NaiveDate, Utc};
use kehoach_domain::consolidation::{TaskLine, UnitTaskNote};
use kehoach_domain::measure::Progress;
use kehoach_domain::period::{Period, PeriodId};
use kehoach_domain::progress::Status;
use kehoach_domain::report::{Standing, TaskStatus};
use kehoach_domain::{Action, Decision, Indicator, Plan, Principal, authorize, rows};
use kehoach_store::PlanSummary;

use crate::App;
use crate::error::AppError;
use crate::province::Sending;
use crate::reporting::BoardRow;

/// Who may see the leaders' screen: whoever reads the commune's timeliness board (its leaders,
/// its focal officer, its admin).
pub const ACTION: Action = Action::ReadBoard;

/// Whether `who` may see the leaders' screen of `plan`.
pub fn may_see(who: &Principal, plan: &Plan) -> bool {
    authorize(Some(who), ACTION, &rows::commune_scope(plan)) == Decision::Allow
}

/// An indicator and where it stands today.
#[derive(Debug, Clone)]
pub struct Pace {
    pub indicator: Indicator,
    pub progress: Progress,
}

impl Pace {
    /// Behind or at risk of being so.
    pub fn lagging(&self) -> bool {
        matches!(self.progress.status, Status::Behind | Status::AtRisk)
    }

    /// The value as a share of the year's target, in percent (for a chart); `None` when there is
    /// nothing to compare.
    pub fn value_share(&self) -> Option<f64> {
        share(self.progress.value, self.progress.target)
    }

    /// Where the value should be by now, as a share of the year's target, in percent.
    pub fn due_share(&self) -> Option<f64> {
        share(self.progress.expected, self.progress.target)
    }
}

fn share(value: Option<f64>, target: Option<f64>) -> Option<f64> {
    match (value, target) {
        (Some(v), Some(t)) if t > 0.0 => Some((v / t * 100.0).max(0.0)),
        _ => None,
    }
}

/// A task whose lead unit has not reported it under way (or done) in the period's accepted
/// reports.
#[derive(Debug, Clone)]
pub struct Stalled {
    pub task: TaskLine,
    /// What the lead said, if it reported at all (then "not started").
    pub lead: Option<UnitTaskNote>,
    /// Coordinators that reported it under way meanwhile.
    pub coordinators_moving: usize,
}

/// The leaders' one screen.
#[derive(Debug, Clone)]
pub struct Overview {
    /// Today in the plan's time zone.
    pub today: NaiveDate,
    /// The period the screen looks at: the last quarter whose deadline has passed (the report
    /// that should be in), or the first quarter before any has.
    pub period: Option<Period>,
    /// Every indicator, in plan order (the chart shows them all).
    pub pace: Vec<Pace>,
    /// Tasks without progress in the period's accepted reports.
    pub stalled: Vec<Stalled>,
    /// How many unit reports the period's consolidation stands on, of how many expected.
    pub accepted: usize,
    pub expected: usize,
    /// Every reporting unit's standing for the period (the late ones are [`Overview::late`]).
    pub board: Vec<BoardRow>,
    /// Periods whose commune report waits for approval.
    pub awaiting: Vec<Period>,
    /// Reports the province returned, until approved (and so sent) again.
    pub returned: Vec<Sending>,
}

impl Overview {
    pub fn lagging(&self) -> impl Iterator<Item = &Pace> {
        self.pace.iter().filter(|p| p.lagging())
    }

    /// Units late with the period's report: missing past the deadline, or sent after it.
    pub fn late(&self) -> impl Iterator<Item = &BoardRow> {
        self.board.iter().filter(|r| is_late(r.standing))
    }
}

/// Missing past the deadline, or sent after it.
pub fn is_late(standing: Standing) -> bool {
    matches!(standing, Standing::Missing | Standing::SubmittedLate)
}

/// A task has progress when its lead reported it under way, done or ongoing.
pub fn moving(status: TaskStatus) -> bool {
    !matches!(status, TaskStatus::NotStarted)
}

/// The plan's quarters.
pub fn quarters(plan: &Plan) -> Result<Vec<Period>, AppError> {
    let periods = plan.reporting.periods(plan.year).map_err(|e| AppError::Internal(format!("{e:?}")))?;
    Ok(periods.into_iter().filter(|p| matches!(p.id, PeriodId::Quarter { .. })).collect())
}

/// The last quarter whose deadline has passed at `now`, or the first one before any has.
pub fn period_in_hand(quarters: &[Period], now: DateTime<Utc>) -> Option<&Period> {
    quarters.iter().rev().find(|p| p.deadline <= now).or_else(|| quarters.first())
}

/// The leaders' screen of `plan`, for `who`.
pub async fn overview(state: &App, who: &Principal, plan: &Plan) -> Result<Overview, AppError> {
    if !may_see(who, plan) {
        return Err(AppError::refused("error-role-cannot"));
    }
    let now = state.clock.now();
    let today = crate::progress::today(state, plan);
    let progress = crate::progress::of_plan(state, plan, today).await?;
    let pace = plan
        .indicators
        .iter()
        .filter_map(|i| {
            progress.iter().find(|p| p.indicator == i.code).map(|p| Pace { indicator: i.clone(), progress: p.clone() })
        })
        .collect();
    let quarters = quarters(plan)?;
    let period = period_in_hand(&quarters, now).cloned();
    let (stalled, accepted, expected, board) = match &period {
        Some(period) => {
            let consolidation = crate::reporting::consolidation(state, plan, period).await?;
            let stalled = consolidation
                .tasks
                .iter()
                .filter(|t| t.lead.as_ref().is_none_or(|l| !moving(l.status)))
                .map(|t| Stalled {
                    lead: t.lead.clone(),
                    coordinators_moving: t.coordinators.iter().filter(|c| moving(c.status)).count(),
                    task: t.clone(),
                })
                .collect();
            let board = crate::reporting::board(state, plan, period).await?;
            (stalled, consolidation.accepted, consolidation.expected, board)
        }
        None => (Vec::new(), 0, 0, Vec::new()),
    };
    let awaiting = awaiting_approval(state, plan).await?;
    let returned = returned_by_province(state, plan).await?;
    Ok(Overview { today, period, pace, stalled, accepted, expected, board, awaiting, returned })
}

/// The commune reports the province returned: per period, the latest sending when it stands
/// returned. Approving the corrected report sends it again, and the item is gone.
pub async fn returned_by_province(state: &App, plan: &Plan) -> Result<Vec<Sending>, AppError> {
    Ok(latest_returned(crate::province::of_plan(state, plan).await?))
}

/// Of sendings oldest first, the latest of each period when it was returned, in period order.
pub fn latest_returned(sendings: Vec<Sending>) -> Vec<Sending> {
    let mut latest: std::collections::BTreeMap<String, Sending> = std::collections::BTreeMap::new();
    for s in sendings {
        latest.insert(s.period.clone(), s);
    }
    latest.into_values().filter(|s| s.state == kehoach_domain::rollup::AtProvince::Returned).collect()
}

/// The periods whose commune report waits for the leaders' approval.
pub async fn awaiting_approval(state: &App, plan: &Plan) -> Result<Vec<Period>, AppError> {
    crate::commune_report::awaiting_approval(state, plan).await
}

/// An approved commune report, as the province lists it.
#[derive(Debug, Clone)]
pub struct Approved {
    pub plan: PlanSummary,
    pub period: PeriodId,
    pub approved_at: Option<DateTime<Utc>>,
}

/// The approved commune reports of the plans `who` reads commune reports of, plan by plan
/// (newest year first), each plan's periods in order.
pub async fn approved_reports(state: &App, who: &Principal) -> Result<Vec<Approved>, AppError> {
    let mut found = Vec::new();
    for summary in crate::plans::of_place(state, who).await? {
        let plan = crate::plans::get(state, &summary.id).await?;
        if authorize(Some(who), Action::ReadCommuneReport, &rows::commune_scope(&plan)) != Decision::Allow {
            continue;
        }
        found.extend(approved_of_plan(state, &plan).await?.into_iter().map(|(period, approved_at)| Approved {
            plan: summary.clone(),
            period,
            approved_at,
        }));
    }
    Ok(found)
}

/// The periods of `plan` whose commune report is approved, and when.
pub async fn approved_of_plan(state: &App, plan: &Plan) -> Result<Vec<(PeriodId, Option<DateTime<Utc>>)>, AppError> {
    let periods = plan.reporting.periods(plan.year).map_err(|e| AppError::Internal(format!("{e:?}")))?;
    let mut found = Vec::new();
    for period in periods {
        let stored = state.store.commune_report(&plan.id, &period.id.to_string()).await?;
        if let Some(s) = stored.filter(|s| s.approved) {
            found.push((period.id, s.approved_at));
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, 0, 0, 0).single().unwrap_or_default()
    }

    fn quarter(q: u8, deadline: DateTime<Utc>) -> Period {
        let day = deadline.date_naive();
        Period {
            id: PeriodId::Quarter { year: 2026, quarter: q },
            deadline,
            deadline_day: day,
            data_from: day,
            data_to: day,
        }
    }

    #[test]
    fn the_period_in_hand_is_the_last_one_due() {
        let qs = [quarter(1, at(3, 5)), quarter(2, at(6, 5)), quarter(3, at(9, 5))];
        assert_eq!(period_in_hand(&qs, at(2, 1)).map(|p| p.id), Some(qs[0].id), "before any deadline: the first");
        assert_eq!(period_in_hand(&qs, at(3, 5)).map(|p| p.id), Some(qs[0].id));
        assert_eq!(period_in_hand(&qs, at(7, 10)).map(|p| p.id), Some(qs[1].id));
        assert_eq!(period_in_hand(&[], at(7, 10)), None);
    }

    #[test]
    fn late_is_missing_or_sent_after_the_deadline() {
        assert!(is_late(Standing::Missing) && is_late(Standing::SubmittedLate));
        assert!(!is_late(Standing::SubmittedOnTime) && !is_late(Standing::Draft) && !is_late(Standing::Accepted));
        assert!(!moving(TaskStatus::NotStarted) && moving(TaskStatus::InProgress) && moving(TaskStatus::Done));
    }

    fn sending(id: i32, period: &str, state: kehoach_domain::rollup::AtProvince) -> Sending {
        Sending {
            id,
            plan: "p".into(),
            period: period.into(),
            version: id,
            number: id,
            issued_on: at(3, 5).date_naive(),
            sent_at: at(3, 5),
            state,
            decided_by: None,
            decided_at: None,
            reason: Some("lý do".into()),
            superseded: false,
        }
    }

    /// A period stays on the list while its latest sending stands returned; sent again, it goes.
    #[test]
    fn the_returned_reports_are_the_latest_returned_of_each_period() {
        use kehoach_domain::rollup::AtProvince::{Accepted, Returned, Sent};
        let ids = |v: Vec<Sending>| v.iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(latest_returned(vec![sending(1, "2026-Q1", Returned)])), vec![1]);
        assert!(latest_returned(vec![sending(1, "2026-Q1", Returned), sending(2, "2026-Q1", Sent)]).is_empty());
        let both = vec![
            sending(1, "2026-Q1", Returned),
            sending(2, "2026-Q2", Returned),
            sending(3, "2026-Q1", Returned),
            sending(4, "2026-Q3", Accepted),
        ];
        assert_eq!(ids(latest_returned(both)), vec![3, 2]);
    }

    #[test]
    fn shares_of_the_target() {
        assert_eq!(share(Some(1.0), Some(4.0)), Some(25.0));
        assert_eq!(share(Some(1.0), Some(0.0)), None);
        assert_eq!(share(None, Some(4.0)), None);
    }

    /// My words exist in both languages.
    #[test]
    fn both_languages_have_the_leaders_words() {
        let keys = crate::present::words::ftl_keys;
        let vi = keys(include_str!("../locales/vi/leaders.ftl"));
        let en = keys(include_str!("../locales/en/leaders.ftl"));
        assert!(vi.iter().all(|k| k.starts_with("leaders-")), "{vi:?}");
        assert_eq!(vi, en);
    }
}
