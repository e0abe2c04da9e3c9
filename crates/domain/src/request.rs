//! Ad hoc report requests (báo cáo đột xuất): the focal officer asks chosen units for a report
//! with a title, what is wanted and a deadline; the units answer through the report form.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::period::{Period, PeriodId};
use crate::plan::Plan;
use crate::report::ReportBody;

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AdHocRequest {
    /// Its number within the plan: the period id is `YEAR-R{number}`.
    pub number: u32,
    pub title: String,
    /// What is wanted, in words.
    pub details: String,
    /// Codes of the tasks and indicators asked about.
    pub tasks: Vec<String>,
    pub indicators: Vec<String>,
    /// Free questions, each answered in its own field.
    pub questions: Vec<String>,
    /// The units asked, by code (groups are resolved when the request is made).
    pub units: Vec<String>,
    pub deadline: DateTime<Utc>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl AdHocRequest {
    pub fn period_id(&self, year: i32) -> PeriodId {
        PeriodId::Request { year, number: self.number }
    }

    /// The request as a period: its own deadline; its data runs from the start of the plan
    /// year to the deadline's day.
    pub fn period(&self, plan: &Plan, tz: &chrono_tz::Tz) -> Period {
        let deadline_day = self.deadline.with_timezone(tz).date_naive();
        Period {
            id: self.period_id(plan.year),
            deadline: self.deadline,
            deadline_day,
            data_from: chrono::NaiveDate::from_ymd_opt(plan.year, 1, 1).unwrap_or(deadline_day),
            data_to: deadline_day,
        }
    }

    /// What the unit is asked to fill in.
    pub fn template(&self, plan: &Plan, unit: &str) -> ReportBody {
        ReportBody::for_request(plan, unit, &self.tasks, &self.indicators, &self.questions)
    }
}

/// A request as the focal officer writes it, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
pub struct NewRequest {
    pub title: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub tasks: Vec<String>,
    #[serde(default)]
    pub indicators: Vec<String>,
    #[serde(default)]
    pub questions: Vec<String>,
    /// Unit or group codes.
    pub units: Vec<String>,
    pub deadline: DateTime<Utc>,
}

/// What is wrong with a new request, as a message key and the offending code if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestProblem {
    NoTitle,
    NoUnits,
    UnknownUnit(String),
    UnknownTask(String),
    UnknownIndicator(String),
    NothingAsked,
    DeadlinePassed,
    TooLong,
}

impl NewRequest {
    /// Checks the request against the plan and the time, and resolves groups to the reporting
    /// units they hold now.
    pub fn check(&self, plan: &Plan, now: DateTime<Utc>) -> Result<Vec<String>, RequestProblem> {
        if self.title.trim().is_empty() {
            return Err(RequestProblem::NoTitle);
        }
        if self.title.chars().count() > 300
            || self.details.chars().count() > 5000
            || self.questions.len() > 20
            || self.questions.iter().any(|q| q.chars().count() > 500)
        {
            return Err(RequestProblem::TooLong);
        }
        if let Some(t) = self.tasks.iter().find(|t| plan.task(t).is_none()) {
            return Err(RequestProblem::UnknownTask(t.clone()));
        }
        if let Some(i) = self.indicators.iter().find(|i| plan.indicator(i).is_none()) {
            return Err(RequestProblem::UnknownIndicator(i.clone()));
        }
        if self.tasks.is_empty()
            && self.indicators.is_empty()
            && self.questions.iter().all(|q| q.trim().is_empty())
            && self.details.trim().is_empty()
        {
            return Err(RequestProblem::NothingAsked);
        }
        if self.deadline <= now {
            return Err(RequestProblem::DeadlinePassed);
        }
        let reporting: Vec<&crate::unit::Unit> = plan.reporting_units().collect();
        let mut units: Vec<String> = Vec::new();
        for code in &self.units {
            let members: Vec<String> = if let Some(u) = reporting.iter().find(|u| u.code == *code) {
                vec![u.code.clone()]
            } else if let Some(g) = plan.group(code) {
                reporting.iter().filter(|u| g.has(u)).map(|u| u.code.clone()).collect()
            } else {
                return Err(RequestProblem::UnknownUnit(code.clone()));
            };
            for m in members {
                if !units.contains(&m) {
                    units.push(m);
                }
            }
        }
        if units.is_empty() {
            return Err(RequestProblem::NoUnits);
        }
        Ok(units)
    }
}
