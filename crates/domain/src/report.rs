//! A unit's report for a period: what it holds, its workflow, and how it stands against the
//! deadline.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::plan::Plan;
use crate::work::Subject;

/// Where a report is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Draft,
    Submitted,
    Accepted,
    /// Sent back with a reason; the unit fixes it and submits again.
    Returned,
}

impl ReportState {
    pub fn key(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Submitted => "submitted",
            ReportState::Accepted => "accepted",
            ReportState::Returned => "returned",
        }
    }

    pub fn from_key(key: &str) -> Option<ReportState> {
        [ReportState::Draft, ReportState::Submitted, ReportState::Accepted, ReportState::Returned]
            .into_iter()
            .find(|s| s.key() == key)
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The unit saves its draft.
    Save,
    /// The unit sends it to the focal officer.
    Submit,
    /// The focal officer accepts it; it is locked.
    Accept,
    /// The focal officer sends it back, saying why.
    Return { reason: String },
    /// The focal officer opens an accepted report again, saying why.
    Reopen { reason: String },
}

/// Why a step is refused, for a message that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Submitted: waiting for the focal officer; it cannot be changed meanwhile.
    AwaitingReview,
    /// Accepted: locked. The focal officer may reopen it.
    Locked,
    /// After the deadline, and the plan takes no late reports.
    PastDeadline,
    /// Only a submitted report can be accepted or returned.
    NotSubmitted,
    /// Only an accepted report can be reopened.
    NotAccepted,
    /// Returning or reopening needs a reason.
    ReasonRequired,
    /// The period's commune report is approved: its unit reports are closed unless it is
    /// reopened.
    PeriodClosed,
}

/// The outcome of a step: the new state, and whether a submission came late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub state: ReportState,
    pub late: bool,
}

/// Applies a step to a report in `state` at `now`, against the period's deadline.
pub fn step(
    state: ReportState,
    step: &Step,
    now: DateTime<Utc>,
    deadline: DateTime<Utc>,
    late_allowed: bool,
) -> Result<Outcome, Refusal> {
    use ReportState::*;
    let past = now >= deadline;
    match (state, step) {
        (Submitted, Step::Save | Step::Submit) => Err(Refusal::AwaitingReview),
        (Accepted, Step::Save | Step::Submit) => Err(Refusal::Locked),
        (Draft | Returned, Step::Save | Step::Submit) if past && !late_allowed => Err(Refusal::PastDeadline),
        (Draft | Returned, Step::Save) => Ok(Outcome { state, late: false }),
        (Draft | Returned, Step::Submit) => Ok(Outcome { state: Submitted, late: past }),
        (_, Step::Return { reason } | Step::Reopen { reason }) if reason.trim().is_empty() => {
            Err(Refusal::ReasonRequired)
        }
        (Submitted, Step::Accept) => Ok(Outcome { state: Accepted, late: false }),
        (Submitted, Step::Return { .. }) => Ok(Outcome { state: Returned, late: false }),
        (_, Step::Accept | Step::Return { .. }) => Err(Refusal::NotSubmitted),
        (Accepted, Step::Reopen { .. }) => Ok(Outcome { state: Returned, late: false }),
        (_, Step::Reopen { .. }) => Err(Refusal::NotAccepted),
    }
}

/// Why the unit's form is locked now, if it is.
pub fn lock_reason(
    state: ReportState,
    now: DateTime<Utc>,
    deadline: DateTime<Utc>,
    late_allowed: bool,
) -> Option<Refusal> {
    step(state, &Step::Save, now, deadline, late_allowed).err()
}

/// How a unit stands for a period, on the timeliness board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    NotStarted,
    Draft,
    SubmittedOnTime,
    SubmittedLate,
    /// Nothing submitted and the deadline has passed.
    Missing,
    Returned,
    Accepted,
}

impl Standing {
    pub fn key(self) -> &'static str {
        match self {
            Standing::NotStarted => "not_started",
            Standing::Draft => "draft",
            Standing::SubmittedOnTime => "submitted_on_time",
            Standing::SubmittedLate => "submitted_late",
            Standing::Missing => "missing",
            Standing::Returned => "returned",
            Standing::Accepted => "accepted",
        }
    }
}

/// A unit's standing from its report (if any) and the clock.
pub fn standing(report: Option<(ReportState, bool)>, now: DateTime<Utc>, deadline: DateTime<Utc>) -> Standing {
    let past = now >= deadline;
    match report {
        None if past => Standing::Missing,
        None => Standing::NotStarted,
        Some((ReportState::Draft, _)) if past => Standing::Missing,
        Some((ReportState::Draft, _)) => Standing::Draft,
        Some((ReportState::Submitted, false)) => Standing::SubmittedOnTime,
        Some((ReportState::Submitted, true)) => Standing::SubmittedLate,
        Some((ReportState::Returned, _)) => Standing::Returned,
        Some((ReportState::Accepted, _)) => Standing::Accepted,
    }
}

/// Progress of a task as a unit reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    NotStarted,
    InProgress,
    Done,
    Ongoing,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] =
        [TaskStatus::NotStarted, TaskStatus::InProgress, TaskStatus::Done, TaskStatus::Ongoing];

    pub fn key(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::Ongoing => "ongoing",
        }
    }

    pub fn from_key(key: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// A task in a unit's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskProgress {
    pub task: String,
    /// The unit leads it (else it coordinates).
    pub lead: bool,
    pub status: TaskStatus,
    pub note: String,
}

/// A unit's figure for an indicator it contributes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorFigure {
    pub indicator: String,
    pub value: Option<f64>,
    pub note: String,
}

/// The largest figure a unit may report: far above any count or amount of a commune, and far
/// enough below `f64::MAX` that the sum over every unit stays finite (two figures of 1.7e308
/// once added up to "inf" on the consolidation page).
pub const MAX_FIGURE: f64 = 1e12;

impl IndicatorFigure {
    /// Whether the value is one a unit can report: empty, or a number from 0 to [`MAX_FIGURE`].
    pub fn value_is_sensible(&self) -> bool {
        self.value.is_none_or(|v| v.is_finite() && (0.0..=MAX_FIGURE).contains(&v))
    }
}

/// A unit's answer to a free question of an ad hoc request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Answer {
    pub question: String,
    pub answer: String,
}

/// What a unit reports.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct ReportBody {
    pub tasks: Vec<TaskProgress>,
    pub figures: Vec<IndicatorFigure>,
    /// Answers to an ad hoc request's questions.
    #[serde(default)]
    pub answers: Vec<Answer>,
    /// Activities done (hoạt động đã thực hiện).
    pub activities: String,
    /// Difficulties (khó khăn, vướng mắc).
    pub difficulties: String,
    /// Proposals (đề xuất, kiến nghị).
    pub proposals: String,
}

impl ReportBody {
    /// A new report, prefilled with exactly what concerns the unit: the tasks it leads or
    /// coordinates, and a figure for each indicator it contributes to that is made of unit
    /// reports (never for what the registers count: that is recorded there).
    pub fn prefilled(plan: &Plan, unit: &str) -> ReportBody {
        let work = plan.work_of(unit);
        let mut body = ReportBody::default();
        for (assignments, lead) in [(&work.leads, true), (&work.coordinates, false)] {
            for a in assignments {
                match a.subject {
                    Subject::Task(t) => body.tasks.push(TaskProgress {
                        task: t.code.clone(),
                        lead,
                        status: TaskStatus::NotStarted,
                        note: String::new(),
                    }),
                    // Only figures the unit can know: those made of unit reports. What the
                    // registers count or a person assesses is not asked again.
                    Subject::Indicator(i) if crate::measure::source_of(i) != crate::measure::Source::UnitReports => {}
                    Subject::Indicator(i) => body.figures.push(IndicatorFigure {
                        indicator: i.code.clone(),
                        value: None,
                        note: String::new(),
                    }),
                }
            }
        }
        let task_order = |code: &str| plan.tasks.iter().position(|t| t.code == code);
        let indicator_order = |code: &str| plan.indicators.iter().position(|i| i.code == code);
        body.tasks.sort_by_key(|t| task_order(&t.task));
        body.figures.sort_by_key(|f| indicator_order(&f.indicator));
        body
    }

    /// How much of the report is filled in, in percent: tasks with a status, figures with a
    /// value, and the three texts.
    pub fn completeness(&self) -> u8 {
        let texts = [&self.activities, &self.difficulties, &self.proposals];
        let total = self.tasks.len() + self.figures.len() + self.answers.len() + texts.len();
        let filled =
            self.tasks.iter().filter(|t| t.status != TaskStatus::NotStarted || !t.note.trim().is_empty()).count()
                + self.figures.iter().filter(|f| f.value.is_some()).count()
                + texts.iter().filter(|t| !t.trim().is_empty()).count();
        u8::try_from(filled * 100 / total.max(1)).unwrap_or(100)
    }

    /// Keeps only the tasks and indicators the unit may report on, in the prefilled order, with
    /// what the sender wrote for them; the rest of what was sent is dropped.
    pub fn fitted_to(&self, template: &ReportBody) -> ReportBody {
        ReportBody {
            tasks: template
                .tasks
                .iter()
                .map(|t| {
                    let sent = self.tasks.iter().find(|s| s.task == t.task);
                    TaskProgress {
                        status: sent.map_or(t.status, |s| s.status),
                        note: sent.map_or_else(String::new, |s| s.note.clone()),
                        ..t.clone()
                    }
                })
                .collect(),
            figures: template
                .figures
                .iter()
                .map(|f| {
                    let sent = self.figures.iter().find(|s| s.indicator == f.indicator);
                    IndicatorFigure {
                        indicator: f.indicator.clone(),
                        value: sent.and_then(|s| s.value),
                        note: sent.map_or_else(String::new, |s| s.note.clone()),
                    }
                })
                .collect(),
            answers: template
                .answers
                .iter()
                .map(|a| Answer {
                    question: a.question.clone(),
                    answer: self
                        .answers
                        .iter()
                        .find(|s| s.question == a.question)
                        .map_or_else(String::new, |s| s.answer.clone()),
                })
                .collect(),
            activities: self.activities.clone(),
            difficulties: self.difficulties.clone(),
            proposals: self.proposals.clone(),
        }
    }

    /// A report answering an ad hoc request: the tasks and indicators it asks about (the lead
    /// flag says whether the unit leads the task) and its questions.
    pub fn for_request(
        plan: &Plan,
        unit: &str,
        tasks: &[String],
        indicators: &[String],
        questions: &[String],
    ) -> ReportBody {
        let leads = |code: &str| plan.task(code).is_some_and(|t| t.lead.code == unit);
        ReportBody {
            tasks: plan
                .tasks
                .iter()
                .filter(|t| tasks.contains(&t.code))
                .map(|t| TaskProgress {
                    task: t.code.clone(),
                    lead: leads(&t.code),
                    status: TaskStatus::NotStarted,
                    note: String::new(),
                })
                .collect(),
            figures: plan
                .indicators
                .iter()
                .filter(|i| indicators.contains(&i.code))
                .map(|i| IndicatorFigure { indicator: i.code.clone(), value: None, note: String::new() })
                .collect(),
            answers: questions.iter().map(|q| Answer { question: q.clone(), answer: String::new() }).collect(),
            ..Default::default()
        }
    }
}

/// What a [`Change`] is about; the reader's words for it are made at the edge
/// (`app::present::change_line`), never shown as this key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Changed {
    /// A task's status; `before` and `after` are [`TaskStatus`] keys (`before` empty when the
    /// task was not in the earlier version).
    TaskStatus {
        task: String,
    },
    TaskNote {
        task: String,
    },
    /// An indicator's figure; `before` and `after` are numbers as JSON writes them (`22.5`), or
    /// empty.
    IndicatorValue {
        indicator: String,
    },
    IndicatorNote {
        indicator: String,
    },
    /// The answer to a free question of an ad hoc request.
    Answer {
        question: String,
    },
    Activities,
    Difficulties,
    Proposals,
}

/// One difference between two versions of a report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Change {
    /// `task I.1 status`, `indicator IV.1 value`, `difficulties` …: a stable name for scripts;
    /// people read [`Change::what`] worded.
    pub field: String,
    pub what: Changed,
    pub before: String,
    pub after: String,
}

fn figure_text(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// What changed from `a` to `b`.
pub fn diff(a: &ReportBody, b: &ReportBody) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut push = |field: String, what: Changed, before: String, after: String| {
        if before != after {
            changes.push(Change { field, what, before, after });
        }
    };
    for t in &b.tasks {
        let old = a.tasks.iter().find(|o| o.task == t.task);
        push(
            format!("task {} status", t.task),
            Changed::TaskStatus { task: t.task.clone() },
            old.map_or("", |o| o.status.key()).into(),
            t.status.key().into(),
        );
        push(
            format!("task {} note", t.task),
            Changed::TaskNote { task: t.task.clone() },
            old.map_or_else(String::new, |o| o.note.clone()),
            t.note.clone(),
        );
    }
    for f in &b.figures {
        let old = a.figures.iter().find(|o| o.indicator == f.indicator);
        push(
            format!("indicator {} value", f.indicator),
            Changed::IndicatorValue { indicator: f.indicator.clone() },
            figure_text(old.and_then(|o| o.value)),
            figure_text(f.value),
        );
        push(
            format!("indicator {} note", f.indicator),
            Changed::IndicatorNote { indicator: f.indicator.clone() },
            old.map_or_else(String::new, |o| o.note.clone()),
            f.note.clone(),
        );
    }
    for ans in &b.answers {
        let old = a.answers.iter().find(|o| o.question == ans.question);
        push(
            format!("answer: {}", ans.question),
            Changed::Answer { question: ans.question.clone() },
            old.map_or_else(String::new, |o| o.answer.clone()),
            ans.answer.clone(),
        );
    }
    push("activities".into(), Changed::Activities, a.activities.clone(), b.activities.clone());
    push("difficulties".into(), Changed::Difficulties, a.difficulties.clone(), b.difficulties.clone());
    push("proposals".into(), Changed::Proposals, a.proposals.clone(), b.proposals.clone());
    changes
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).single().unwrap_or_default()
    }

    /// 5 March 00:00 in Vietnam.
    fn deadline() -> DateTime<Utc> {
        at(4, 17)
    }

    fn reason(r: &str) -> String {
        r.to_owned()
    }

    #[test]
    fn the_whole_cycle() {
        use ReportState::*;
        let now = at(1, 3);
        let run = |s, st: Step| step(s, &st, now, deadline(), true);
        assert_eq!(run(Draft, Step::Save), Ok(Outcome { state: Draft, late: false }));
        assert_eq!(run(Draft, Step::Submit), Ok(Outcome { state: Submitted, late: false }));
        assert_eq!(
            run(Submitted, Step::Return { reason: reason("Thiếu số liệu") }),
            Ok(Outcome { state: Returned, late: false })
        );
        assert_eq!(run(Returned, Step::Save), Ok(Outcome { state: Returned, late: false }));
        assert_eq!(run(Returned, Step::Submit), Ok(Outcome { state: Submitted, late: false }));
        assert_eq!(run(Submitted, Step::Accept), Ok(Outcome { state: Accepted, late: false }));
        assert_eq!(
            run(Accepted, Step::Reopen { reason: reason("Sửa số liệu") }),
            Ok(Outcome { state: Returned, late: false })
        );
    }

    #[test]
    fn every_refused_step() {
        use ReportState::*;
        let now = at(1, 3);
        let run = |s, st: Step| step(s, &st, now, deadline(), true);
        assert_eq!(run(Submitted, Step::Save), Err(Refusal::AwaitingReview));
        assert_eq!(run(Submitted, Step::Submit), Err(Refusal::AwaitingReview));
        assert_eq!(run(Accepted, Step::Save), Err(Refusal::Locked));
        assert_eq!(run(Accepted, Step::Submit), Err(Refusal::Locked));
        for s in [Draft, Returned, Accepted] {
            assert_eq!(run(s, Step::Accept), Err(Refusal::NotSubmitted), "{s:?}");
            assert_eq!(run(s, Step::Return { reason: reason("x") }), Err(Refusal::NotSubmitted), "{s:?}");
        }
        for s in [Draft, Submitted, Returned] {
            assert_eq!(run(s, Step::Reopen { reason: reason("x") }), Err(Refusal::NotAccepted), "{s:?}");
        }
        assert_eq!(run(Submitted, Step::Return { reason: reason("  ") }), Err(Refusal::ReasonRequired));
        assert_eq!(run(Accepted, Step::Reopen { reason: reason("") }), Err(Refusal::ReasonRequired));
    }

    #[test]
    fn late_at_the_exact_instant_and_after() {
        use ReportState::*;
        let just_before = deadline() - chrono::Duration::seconds(1);
        assert_eq!(
            step(Draft, &Step::Submit, just_before, deadline(), true),
            Ok(Outcome { state: Submitted, late: false })
        );
        assert_eq!(
            step(Draft, &Step::Submit, deadline(), deadline(), true),
            Ok(Outcome { state: Submitted, late: true })
        );
        assert_eq!(step(Draft, &Step::Submit, deadline(), deadline(), false), Err(Refusal::PastDeadline));
        assert_eq!(lock_reason(Draft, deadline(), deadline(), false), Some(Refusal::PastDeadline));
        assert_eq!(lock_reason(Draft, just_before, deadline(), false), None);
        assert_eq!(lock_reason(Accepted, just_before, deadline(), true), Some(Refusal::Locked));
        assert_eq!(lock_reason(Submitted, just_before, deadline(), true), Some(Refusal::AwaitingReview));
    }

    #[test]
    fn standings_as_the_clock_moves() {
        use ReportState::*;
        let before = deadline() - chrono::Duration::seconds(1);
        let after = deadline();
        assert_eq!(standing(None, before, deadline()), Standing::NotStarted);
        assert_eq!(standing(None, after, deadline()), Standing::Missing);
        assert_eq!(standing(Some((Draft, false)), before, deadline()), Standing::Draft);
        assert_eq!(standing(Some((Draft, false)), after, deadline()), Standing::Missing);
        assert_eq!(standing(Some((Submitted, false)), after, deadline()), Standing::SubmittedOnTime);
        assert_eq!(standing(Some((Submitted, true)), after, deadline()), Standing::SubmittedLate);
        assert_eq!(standing(Some((Returned, false)), after, deadline()), Standing::Returned);
        assert_eq!(standing(Some((Accepted, true)), after, deadline()), Standing::Accepted);
    }

    #[test]
    fn diffs_name_each_changed_field() {
        let a = ReportBody {
            tasks: vec![TaskProgress {
                task: "I.1".into(),
                lead: true,
                status: TaskStatus::NotStarted,
                note: String::new(),
            }],
            figures: vec![IndicatorFigure { indicator: "IV.1".into(), value: None, note: String::new() }],
            difficulties: "Thiếu kinh phí".into(),
            ..Default::default()
        };
        let mut b = a.clone();
        b.tasks[0].status = TaskStatus::Done;
        b.figures[0].value = Some(2.0);
        b.proposals = "Đề nghị hỗ trợ".into();
        let changes = diff(&a, &b);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["task I.1 status", "indicator IV.1 value", "proposals"]);
        assert_eq!(changes[0].what, Changed::TaskStatus { task: "I.1".into() });
        assert_eq!((changes[0].before.as_str(), changes[0].after.as_str()), ("not_started", "done"));
        assert_eq!(changes[1].what, Changed::IndicatorValue { indicator: "IV.1".into() });
        assert_eq!(changes[1].after, "2");
        assert_eq!(changes[2].what, Changed::Proposals);
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn completeness_counts_what_is_filled() {
        let mut body = ReportBody {
            tasks: vec![TaskProgress {
                task: "I.1".into(),
                lead: false,
                status: TaskStatus::NotStarted,
                note: String::new(),
            }],
            figures: vec![IndicatorFigure { indicator: "IV.1".into(), value: None, note: String::new() }],
            ..Default::default()
        };
        assert_eq!(body.completeness(), 0);
        body.tasks[0].status = TaskStatus::Done;
        body.figures[0].value = Some(0.0);
        body.activities = "Họp bản".into();
        assert_eq!(body.completeness(), 60);
        body.difficulties = "Không".into();
        body.proposals = "Không".into();
        assert_eq!(body.completeness(), 100);
    }

    #[test]
    fn a_sent_body_is_fitted_to_what_the_unit_may_report() {
        let template = ReportBody {
            tasks: vec![TaskProgress {
                task: "I.1".into(),
                lead: false,
                status: TaskStatus::NotStarted,
                note: String::new(),
            }],
            figures: vec![IndicatorFigure { indicator: "IV.1".into(), value: None, note: String::new() }],
            ..Default::default()
        };
        let sent = ReportBody {
            tasks: vec![
                TaskProgress { task: "I.1".into(), lead: true, status: TaskStatus::Done, note: "Xong".into() },
                TaskProgress {
                    task: "II.9".into(),
                    lead: true,
                    status: TaskStatus::Done,
                    note: "không phải của bản".into(),
                },
            ],
            figures: vec![IndicatorFigure { indicator: "IV.1".into(), value: Some(3.0), note: String::new() }],
            activities: "Họp bản".into(),
            ..Default::default()
        };
        let fitted = sent.fitted_to(&template);
        assert_eq!(fitted.tasks.len(), 1);
        assert!(!fitted.tasks[0].lead, "the lead flag is the plan's, not the sender's");
        assert_eq!(fitted.tasks[0].status, TaskStatus::Done);
        assert_eq!(fitted.figures[0].value, Some(3.0));
        assert_eq!(fitted.activities, "Họp bản");
    }

    #[test]
    fn a_figure_is_empty_or_from_zero_to_the_ceiling() {
        let figure = |value| IndicatorFigure { indicator: "IV.1".into(), value, note: String::new() };
        for ok in [None, Some(0.0), Some(2.5), Some(MAX_FIGURE)] {
            assert!(figure(ok).value_is_sensible(), "{ok:?}");
        }
        for bad in [Some(-5.0), Some(-0.1), Some(MAX_FIGURE * 2.0), Some(1.7e308), Some(f64::NAN), Some(f64::INFINITY)]
        {
            assert!(!figure(bad).value_is_sensible(), "{bad:?}");
        }
        // Every unit's figure at the ceiling still adds up to a finite total.
        assert!((MAX_FIGURE * 10_000.0).is_finite());
    }
}
