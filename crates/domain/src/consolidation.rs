//! The commune's report for a period, built from the accepted unit reports: per task, the lead's
//! status and every coordinator's notes; per indicator, the figures by unit and their total; all
//! difficulties and proposals with the name of the unit that raised them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::measure::{Source, source_of};
use crate::plan::{IndicatorKind, Plan};
use crate::report::{ReportBody, TaskStatus};
use crate::unit::Unit;

/// What one unit said about a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitTaskNote {
    pub unit: String,
    pub unit_name: String,
    pub status: TaskStatus,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskLine {
    pub code: String,
    pub content: String,
    pub description: String,
    /// The lead unit's report, if it reported.
    pub lead: Option<UnitTaskNote>,
    pub coordinators: Vec<UnitTaskNote>,
}

/// One unit's figure for an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitFigure {
    pub unit: String,
    pub unit_name: String,
    pub value: Option<f64>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorLine {
    pub code: String,
    pub name: String,
    pub kind: IndicatorKind,
    /// Where the indicator's one figure comes from; units report figures only for those made
    /// of unit reports.
    pub source: Source,
    pub by_unit: Vec<UnitFigure>,
    /// The sum over units, for counts; a sum of percentages means nothing, so ratios and
    /// qualitative indicators have none.
    pub total: Option<f64>,
}

/// A text a unit wrote, with its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitText {
    pub unit: String,
    pub unit_name: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Consolidation {
    /// Units whose report is accepted, and units that report.
    pub accepted: usize,
    pub expected: usize,
    pub tasks: Vec<TaskLine>,
    pub indicators: Vec<IndicatorLine>,
    pub activities: Vec<UnitText>,
    pub difficulties: Vec<UnitText>,
    pub proposals: Vec<UnitText>,
}

fn texts(reports: &[(&Unit, &ReportBody)], pick: impl Fn(&ReportBody) -> &str) -> Vec<UnitText> {
    reports
        .iter()
        .filter(|(_, b)| !pick(b).trim().is_empty())
        .map(|(u, b)| UnitText { unit: u.code.clone(), unit_name: u.name.clone(), text: pick(b).trim().to_owned() })
        .collect()
}

/// Consolidates the accepted reports (in the order given) of a period.
pub fn consolidate(plan: &Plan, accepted: &[(&Unit, &ReportBody)]) -> Consolidation {
    let tasks = plan
        .tasks
        .iter()
        .map(|task| {
            let mut line = TaskLine {
                code: task.code.clone(),
                content: task.content.clone(),
                description: task.description.clone(),
                lead: None,
                coordinators: Vec::new(),
            };
            for (unit, body) in accepted {
                if let Some(tp) = body.tasks.iter().find(|t| t.task == task.code) {
                    let note = UnitTaskNote {
                        unit: unit.code.clone(),
                        unit_name: unit.name.clone(),
                        status: tp.status,
                        note: tp.note.trim().to_owned(),
                    };
                    if tp.lead && line.lead.is_none() {
                        line.lead = Some(note);
                    } else {
                        line.coordinators.push(note);
                    }
                }
            }
            line
        })
        .collect();
    let indicators = plan
        .indicators
        .iter()
        .map(|ind| {
            let by_unit: Vec<UnitFigure> = accepted
                .iter()
                .filter_map(|(unit, body)| {
                    body.figures.iter().find(|f| f.indicator == ind.code).map(|f| UnitFigure {
                        unit: unit.code.clone(),
                        unit_name: unit.name.clone(),
                        value: f.value,
                        note: f.note.trim().to_owned(),
                    })
                })
                .collect();
            let values: Vec<f64> = by_unit.iter().filter_map(|f| f.value).collect();
            let total = (ind.kind == IndicatorKind::Count && !values.is_empty()).then(|| values.iter().sum());
            IndicatorLine {
                code: ind.code.clone(),
                name: ind.name.clone(),
                kind: ind.kind,
                source: source_of(ind),
                by_unit,
                total,
            }
        })
        .collect();
    Consolidation {
        accepted: accepted.len(),
        expected: plan.reporting_units().count(),
        tasks,
        indicators,
        activities: texts(accepted, |b| &b.activities),
        difficulties: texts(accepted, |b| &b.difficulties),
        proposals: texts(accepted, |b| &b.proposals),
    }
}
