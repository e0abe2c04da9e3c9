//! Where an indicator stands at a date: its status against where it should be by then.
//!
//! The pacing rule (written out in `docs/progress.md`): a yearly target accrues by quarter. By a
//! date, the quarters of the plan year that are over have earned their share of the target
//! (a quarter of it each). A value at or above that share is on track; at most one quarter's
//! share short is at risk; more is behind. A value at the target is achieved at any time. A
//! target to be held all year ("Duy trì 01 cán bộ") is due in full from the first day.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::plan::IndicatorKind;

/// An indicator's standing at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Achieved,
    OnTrack,
    AtRisk,
    Behind,
    /// Nothing to measure yet (no record, a ratio over nothing, no assessment).
    NotMeasurable,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Achieved, Status::OnTrack, Status::AtRisk, Status::Behind, Status::NotMeasurable];

    pub fn key(self) -> &'static str {
        match self {
            Status::Achieved => "achieved",
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::Behind => "behind",
            Status::NotMeasurable => "not_measurable",
        }
    }

    pub fn from_key(key: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// How a target accrues over the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pacing {
    /// A quarter of the target for each quarter that is over.
    #[default]
    ByQuarter,
    /// The whole target from the first day: something to maintain.
    Constant,
}

/// A measured value; for a ratio, its parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Measured {
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
}

impl Measured {
    pub fn count(value: f64) -> Measured {
        Measured { value, numerator: None, denominator: None }
    }

    /// A ratio in percent; `None` when the denominator is zero: nothing to divide by yet.
    pub fn ratio(numerator: f64, denominator: f64) -> Option<Measured> {
        (denominator > 0.0).then(|| Measured {
            value: numerator / denominator * 100.0,
            numerator: Some(numerator),
            denominator: Some(denominator),
        })
    }
}

/// How many quarters of `year` are over on `date` (0 before and during Q1, 4 after the year).
pub fn quarters_over(year: i32, date: NaiveDate) -> u8 {
    match date.year().cmp(&year) {
        std::cmp::Ordering::Less => 0,
        std::cmp::Ordering::Greater => 4,
        std::cmp::Ordering::Equal => u8::try_from(date.month0() / 3).unwrap_or(3),
    }
}

/// Where the value should be by `date`.
pub fn expected(target: f64, pacing: Pacing, year: i32, date: NaiveDate) -> f64 {
    match pacing {
        Pacing::Constant => target,
        Pacing::ByQuarter => target * f64::from(quarters_over(year, date)) / 4.0,
    }
}

/// The status of a count or ratio at `date`. A qualitative indicator's status is a person's
/// assessment; see [`assessed`].
pub fn status(
    kind: IndicatorKind,
    target: Option<f64>,
    measured: Option<Measured>,
    pacing: Pacing,
    year: i32,
    date: NaiveDate,
) -> Status {
    let (Some(target), Some(m)) = (target, measured) else {
        return Status::NotMeasurable;
    };
    if kind == IndicatorKind::Qualitative {
        return Status::NotMeasurable;
    }
    if m.value >= target {
        return Status::Achieved;
    }
    let due = expected(target, pacing, year, date);
    // Counts are whole: what is due is the whole number reached.
    let due = if kind == IndicatorKind::Count { due.floor() } else { due };
    let slack = match pacing {
        Pacing::ByQuarter if quarters_over(year, date) < 4 => target / 4.0,
        _ => 0.0,
    };
    if m.value >= due {
        Status::OnTrack
    } else if slack > 0.0 && m.value >= due - slack - 1e-9 {
        Status::AtRisk
    } else {
        Status::Behind
    }
}

/// A qualitative indicator: the status a person gave it with evidence, or none yet.
pub fn assessed(assessment: Option<Status>) -> Status {
    assessment.unwrap_or(Status::NotMeasurable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
    }

    fn count_status(value: f64, date: NaiveDate) -> Status {
        status(IndicatorKind::Count, Some(4.0), Some(Measured::count(value)), Pacing::ByQuarter, 2026, date)
    }

    #[test]
    fn a_yearly_count_of_four_across_the_year() {
        // On track at 1 by the end of March; behind at 0 in July.
        assert_eq!(count_status(1.0, day(3, 31)), Status::OnTrack);
        assert_eq!(count_status(0.0, day(7, 15)), Status::Behind);
        assert_eq!(count_status(1.0, day(7, 15)), Status::AtRisk);
        assert_eq!(count_status(2.0, day(7, 15)), Status::OnTrack);
        assert_eq!(count_status(0.0, day(1, 10)), Status::OnTrack, "nothing is due before a quarter is over");
        assert_eq!(count_status(0.0, day(4, 1)), Status::AtRisk, "one quarter's share short");
        assert_eq!(count_status(4.0, day(2, 1)), Status::Achieved);
        assert_eq!(count_status(3.0, day(12, 31)), Status::OnTrack);
        let next_year = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap_or_default();
        assert_eq!(count_status(3.0, next_year), Status::Behind, "the year is over");
    }

    #[test]
    fn a_target_to_maintain_is_due_from_the_first_day() {
        let held =
            |v| status(IndicatorKind::Count, Some(1.0), Some(Measured::count(v)), Pacing::Constant, 2026, day(1, 2));
        assert_eq!(held(1.0), Status::Achieved);
        assert_eq!(held(0.0), Status::Behind);
    }

    #[test]
    fn ratios_and_their_parts() {
        let r = Measured::ratio(3.0, 12.0).unwrap_or(Measured::count(0.0));
        assert_eq!(r.value, 25.0);
        assert_eq!((r.numerator, r.denominator), (Some(3.0), Some(12.0)));
        assert_eq!(Measured::ratio(3.0, 0.0), None, "no division by zero");
        let at = |m: Option<Measured>, d| status(IndicatorKind::Ratio, Some(50.0), m, Pacing::ByQuarter, 2026, d);
        assert_eq!(at(Measured::ratio(3.0, 12.0), day(7, 1)), Status::OnTrack, "25% of 50% by the half year");
        assert_eq!(at(Measured::ratio(2.0, 12.0), day(7, 1)), Status::AtRisk, "16.7%: less than 12.5 points short");
        assert_eq!(
            at(Measured::ratio(1.0, 12.0), day(7, 1)),
            Status::Behind,
            "8.3%: more than a quarter's share short"
        );
        assert_eq!(at(Measured::ratio(0.0, 12.0), day(10, 1)), Status::Behind);
        assert_eq!(at(Measured::ratio(6.0, 12.0), day(2, 1)), Status::Achieved);
        assert_eq!(at(Measured::ratio(1.0, 0.0), day(7, 1)), Status::NotMeasurable);
    }

    #[test]
    fn qualitative_indicators_are_assessed() {
        assert_eq!(
            status(IndicatorKind::Qualitative, None, None, Pacing::Constant, 2026, day(5, 1)),
            Status::NotMeasurable
        );
        assert_eq!(assessed(None), Status::NotMeasurable);
        assert_eq!(assessed(Some(Status::OnTrack)), Status::OnTrack);
    }

    #[test]
    fn quarters_over_the_year() {
        assert_eq!(quarters_over(2026, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default()), 0);
        assert_eq!(quarters_over(2026, day(3, 31)), 0);
        assert_eq!(quarters_over(2026, day(4, 1)), 1);
        assert_eq!(quarters_over(2026, day(12, 31)), 3);
        assert_eq!(quarters_over(2026, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default()), 4);
    }
}
