//! The hand-off of an approved commune report to the province (issue 13): when it is due there,
//! whether it arrived on time, where it stands, and the figures it gives each province indicator.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::measure::Progress;
use crate::period::{PeriodError, PeriodId, day, start_of};
use crate::plan::Indicator;
use crate::progress::Status;
use crate::province::ProvinceDeadline;
use crate::rollup::{AtProvince, Rule, Target, Value};

impl ProvinceDeadline {
    /// The province's deadline for a quarter (1–4) of `year`: the day as written and the instant
    /// from which a report is late, read like a plan's reporting rule ("before the 10th": 00:00
    /// of the 10th in the province's time zone).
    pub fn quarter_deadline(&self, year: i32, quarter: u8) -> Result<(NaiveDate, DateTime<Utc>), PeriodError> {
        let month = u32::from(quarter.clamp(1, 4) - 1) * 3 + self.deadline_month_of_quarter;
        let date = day(year, month, self.deadline_day)?;
        let tz: chrono_tz::Tz =
            self.time_zone.parse().map_err(|_| PeriodError::UnknownTimeZone(self.time_zone.clone()))?;
        let instant = if self.deadline_before {
            start_of(&tz, date)
        } else {
            start_of(&tz, date.checked_add_days(Days::new(1)).unwrap_or(date))
        };
        Ok((date, instant))
    }

    /// The deadline of a period the province receives: quarters only (the year's report is
    /// the fourth quarter's at the province; an ad hoc request has its own).
    pub fn deadline_of(&self, period: PeriodId) -> Option<(NaiveDate, DateTime<Utc>)> {
        match period {
            PeriodId::Quarter { year, quarter } => self.quarter_deadline(year, quarter).ok(),
            PeriodId::Year(year) => self.quarter_deadline(year, 4).ok(),
            PeriodId::Request { .. } => None,
        }
    }
}

/// Whether a commune's report reached the province in time. The first sending counts: a report
/// the province returned and the commune sent again is as timely as its first sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    OnTime,
    Late,
}

/// On time when sent strictly before the deadline's instant, as the units' reports are judged.
pub fn timeliness(first_sent: DateTime<Utc>, deadline: DateTime<Utc>) -> Timeliness {
    if first_sent < deadline { Timeliness::OnTime } else { Timeliness::Late }
}

/// Where a commune stands for a period on the province's board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardState {
    /// Nothing sent yet.
    Missing,
    /// Sent, waiting for the province's decision.
    Sent,
    /// Returned with a reason; the commune corrects and sends again.
    Returned,
    /// The commune reopened its approved report to correct it: nothing stands at the province
    /// until it is approved again.
    Reopened,
    /// Accepted: its figures are official.
    Accepted,
}

impl BoardState {
    pub const ALL: [BoardState; 5] =
        [BoardState::Missing, BoardState::Sent, BoardState::Returned, BoardState::Reopened, BoardState::Accepted];

    pub fn key(self) -> &'static str {
        match self {
            BoardState::Missing => "missing",
            BoardState::Sent => "sent",
            BoardState::Returned => "returned",
            BoardState::Reopened => "reopened",
            BoardState::Accepted => "accepted",
        }
    }

    pub fn from_key(key: &str) -> Option<BoardState> {
        BoardState::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The board state of the latest sending: its decision, unless the commune has since
    /// reopened the version it sent (a returned report stays "returned" while it is corrected).
    pub fn of(latest: Option<(AtProvince, bool)>) -> BoardState {
        match latest {
            None => BoardState::Missing,
            Some((AtProvince::Returned, _)) => BoardState::Returned,
            Some((_, true)) => BoardState::Reopened,
            Some((AtProvince::Sent, false)) => BoardState::Sent,
            Some((AtProvince::Accepted, false)) => BoardState::Accepted,
        }
    }
}

impl AtProvince {
    pub fn key(self) -> &'static str {
        match self {
            AtProvince::Sent => "sent",
            AtProvince::Returned => "returned",
            AtProvince::Accepted => "accepted",
        }
    }

    pub fn from_key(key: &str) -> Option<AtProvince> {
        [AtProvince::Sent, AtProvince::Returned, AtProvince::Accepted].into_iter().find(|s| s.key() == key)
    }
}

/// The province's decision on a sent report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    /// Returned, with the reason the commune reads.
    Return { reason: String },
}

/// What a commune's approved report says of an indicator that feeds the province: every part a
/// rule may read, kept with the sending whatever the province's rules (a province file loaded
/// later, or changed, still finds them).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Parts {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// The commune's own target (the plan's target value), reached "at least", as the
    /// indicator's status decides "achieved".
    pub target: Option<f64>,
    pub status: Option<Status>,
}

impl Parts {
    pub fn of(indicator: &Indicator, progress: &Progress) -> Parts {
        Parts {
            value: progress.value.filter(|v| v.is_finite()),
            numerator: progress.numerator.filter(|v| v.is_finite()),
            denominator: progress.denominator.filter(|v| v.is_finite()),
            target: indicator.target.value,
            status: Some(progress.status),
        }
    }

    /// The value in the shape `rule` adds up; `None` when the report cannot say (no value, a
    /// rate without its parts, a status never measured).
    pub fn value_for(&self, rule: Rule) -> Option<Value> {
        match rule {
            Rule::Sum => self.value.map(|value| Value::Count { value }),
            Rule::RatioOfSums => match (self.numerator, self.denominator) {
                (Some(numerator), Some(denominator)) => Some(Value::Ratio { numerator, denominator }),
                _ => None,
            },
            Rule::ShareMeetingTarget => {
                self.value.map(|value| Value::AgainstTarget { value, target: self.target.map(Target::at_least) })
            }
            Rule::Distribution => match self.status? {
                Status::NotMeasurable if self.value.is_none() => None,
                status => Some(Value::Status { status }),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn deadline(before: bool) -> ProvinceDeadline {
        ProvinceDeadline {
            frequency: "quarterly".into(),
            deadline_day: 10,
            deadline_month_of_quarter: 3,
            deadline_before: before,
            time_zone: "Asia/Ho_Chi_Minh".into(),
            late_submission: true,
        }
    }

    #[test]
    fn before_the_tenth_is_midnight_local_to_the_second() {
        let (day, instant) = deadline(true).quarter_deadline(2026, 1).expect("deadline");
        assert_eq!(day, NaiveDate::from_ymd_opt(2026, 3, 10).expect("day"));
        // 00:00 on 10 March in Hà Nội is 17:00 UTC on 9 March.
        let at = Utc.with_ymd_and_hms(2026, 3, 9, 17, 0, 0).single().expect("instant");
        assert_eq!(instant, at);
        assert_eq!(timeliness(at - chrono::Duration::seconds(1), instant), Timeliness::OnTime);
        assert_eq!(timeliness(at, instant), Timeliness::Late);
        let (_, end_of_day) = deadline(false).quarter_deadline(2026, 2).expect("deadline");
        assert_eq!(end_of_day, Utc.with_ymd_and_hms(2026, 6, 10, 17, 0, 0).single().expect("instant"));
    }

    #[test]
    fn the_year_is_due_with_the_fourth_quarter() {
        let d = deadline(true);
        assert_eq!(d.deadline_of(PeriodId::Year(2026)), d.deadline_of(PeriodId::Quarter { year: 2026, quarter: 4 }));
        assert_eq!(d.deadline_of(PeriodId::Request { year: 2026, number: 1 }), None);
    }

    #[test]
    fn board_states() {
        assert_eq!(BoardState::of(None), BoardState::Missing);
        assert_eq!(BoardState::of(Some((AtProvince::Sent, false))), BoardState::Sent);
        assert_eq!(BoardState::of(Some((AtProvince::Accepted, false))), BoardState::Accepted);
        assert_eq!(BoardState::of(Some((AtProvince::Accepted, true))), BoardState::Reopened);
        assert_eq!(BoardState::of(Some((AtProvince::Returned, true))), BoardState::Returned);
        for s in BoardState::ALL {
            assert_eq!(BoardState::from_key(s.key()), Some(s));
        }
    }

    #[test]
    fn parts_give_each_rule_its_shape() {
        let parts = Parts {
            value: Some(50.0),
            numerator: Some(5.0),
            denominator: Some(10.0),
            target: Some(40.0),
            status: Some(Status::Achieved),
        };
        assert_eq!(parts.value_for(Rule::Sum), Some(Value::Count { value: 50.0 }));
        assert_eq!(parts.value_for(Rule::RatioOfSums), Some(Value::Ratio { numerator: 5.0, denominator: 10.0 }));
        assert_eq!(
            parts.value_for(Rule::ShareMeetingTarget),
            Some(Value::AgainstTarget { value: 50.0, target: Some(Target::at_least(40.0)) })
        );
        assert_eq!(parts.value_for(Rule::Distribution), Some(Value::Status { status: Status::Achieved }));
        // A rate reported as a percentage alone cannot be summed into a ratio of sums.
        let percent_only = Parts { numerator: None, ..parts };
        assert_eq!(percent_only.value_for(Rule::RatioOfSums), None);
        let nothing = Parts { status: Some(Status::NotMeasurable), ..Parts::default() };
        assert_eq!(nothing.value_for(Rule::Distribution), None);
        assert_eq!(nothing.value_for(Rule::Sum), None);
    }
}
