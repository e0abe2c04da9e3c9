//! Reporting periods: the four quarters of the plan year and the year itself, each with its
//! deadline and the span of data it covers, computed from the plan's reporting regime.
//!
//! "Trước ngày 05 của tháng cuối quý" (`deadline_before = true`): the deadline is the first
//! instant of the 5th in the regime's time zone (00:00 on 5 March in Asia/Ho_Chi_Minh is
//! 17:00 UTC on 4 March). A report is on time if it arrives strictly before that instant. With
//! `deadline_before = false` the deadline is the end of that day (00:00 of the next day).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::plan::ReportingRegime;

/// Which period: a quarter of a year, or the whole year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeriodId {
    Quarter {
        year: i32,
        quarter: u8,
    },
    Year(i32),
    /// An ad hoc request (báo cáo đột xuất), numbered within the plan: `2026-R1`.
    Request {
        year: i32,
        number: u32,
    },
}

impl fmt::Display for PeriodId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodId::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            PeriodId::Year(year) => write!(f, "{year}-Y"),
            PeriodId::Request { year, number } => write!(f, "{year}-R{number}"),
        }
    }
}

impl FromStr for PeriodId {
    type Err = ();

    /// `2026-Q1` … `2026-Q4`, `2026-Y` for the year, `2026-R1` for an ad hoc request.
    fn from_str(s: &str) -> Result<PeriodId, ()> {
        let (year, rest) = s.split_once('-').ok_or(())?;
        let year: i32 = year.parse().map_err(|_| ())?;
        if !(2000..=2100).contains(&year) {
            return Err(());
        }
        match rest {
            "Y" => Ok(PeriodId::Year(year)),
            r if r.starts_with('R') => match r[1..].parse::<u32>() {
                Ok(number) if number >= 1 && !r[1..].starts_with('0') => Ok(PeriodId::Request { year, number }),
                _ => Err(()),
            },
            q => match q.strip_prefix('Q').and_then(|n| n.parse::<u8>().ok()) {
                Some(quarter @ 1..=4) => Ok(PeriodId::Quarter { year, quarter }),
                _ => Err(()),
            },
        }
    }
}

impl PeriodId {
    pub fn year(self) -> i32 {
        match self {
            PeriodId::Quarter { year, .. } | PeriodId::Year(year) | PeriodId::Request { year, .. } => year,
        }
    }
}

impl Serialize for PeriodId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PeriodId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PeriodId, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|()| serde::de::Error::custom(format!("not a period: {text}")))
    }
}

/// A reporting period with its deadline and the data it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub id: PeriodId,
    /// Reports arriving at or after this instant are late.
    pub deadline: DateTime<Utc>,
    /// The deadline's day as written in the plan (5 March), for people.
    pub deadline_day: NaiveDate,
    /// First and last day of data the report covers (the cut-off).
    pub data_from: NaiveDate,
    pub data_to: NaiveDate,
}

/// Why periods cannot be computed: the plan's regime is wrong (the plan check catches these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    UnknownTimeZone(String),
    /// An ad hoc request's deadline is its own, not the regime's.
    NotScheduled,
    NoSuchDay {
        year: i32,
        month: u32,
        day: u32,
    },
}

pub(crate) fn day(year: i32, month: u32, d: u32) -> Result<NaiveDate, PeriodError> {
    NaiveDate::from_ymd_opt(year, month, d).ok_or(PeriodError::NoSuchDay { year, month, day: d })
}

/// The first instant of `date` in the zone, as UTC. A day that starts in a DST gap starts at
/// the first instant that exists.
pub(crate) fn start_of(tz: &chrono_tz::Tz, date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => (1..=24)
            .filter_map(|h| tz.from_local_datetime(&(midnight + chrono::Duration::hours(h))).earliest())
            .next()
            .map_or_else(|| Utc.from_utc_datetime(&midnight), |t| t.with_timezone(&Utc)),
    }
}

impl ReportingRegime {
    pub fn zone(&self) -> Result<chrono_tz::Tz, PeriodError> {
        self.time_zone.parse().map_err(|_| PeriodError::UnknownTimeZone(self.time_zone.clone()))
    }

    /// The deadline of a quarter (1–4) of `year`.
    pub fn quarter_deadline(&self, year: i32, quarter: u8) -> Result<(NaiveDate, DateTime<Utc>), PeriodError> {
        let month = u32::from(quarter - 1) * 3 + self.deadline_month_of_quarter;
        let date = day(year, month, self.deadline_day)?;
        let tz = self.zone()?;
        let instant = if self.deadline_before {
            start_of(&tz, date)
        } else {
            start_of(&tz, date.checked_add_days(Days::new(1)).unwrap_or(date))
        };
        Ok((date, instant))
    }

    /// The last day of data of a quarter (the cut-off).
    fn cutoff(&self, year: i32, quarter: u8) -> Result<NaiveDate, PeriodError> {
        day(year, u32::from(quarter - 1) * 3 + self.cutoff_month_of_quarter, self.cutoff_day)
    }

    /// The period with its deadline and data span.
    pub fn period(&self, id: PeriodId) -> Result<Period, PeriodError> {
        match id {
            PeriodId::Request { .. } => Err(PeriodError::NotScheduled),
            PeriodId::Quarter { year, quarter } => {
                let (deadline_day, deadline) = self.quarter_deadline(year, quarter)?;
                let previous = if quarter == 1 { self.cutoff(year - 1, 4)? } else { self.cutoff(year, quarter - 1)? };
                Ok(Period {
                    id,
                    deadline,
                    deadline_day,
                    data_from: previous.succ_opt().unwrap_or(previous),
                    data_to: self.cutoff(year, quarter)?,
                })
            }
            // The year's report goes with the last quarter's and covers the year's data.
            PeriodId::Year(year) => {
                let (deadline_day, deadline) = self.quarter_deadline(year, 4)?;
                let previous = self.cutoff(year - 1, 4)?;
                Ok(Period {
                    id,
                    deadline,
                    deadline_day,
                    data_from: previous.succ_opt().unwrap_or(previous),
                    data_to: self.cutoff(year, 4)?,
                })
            }
        }
    }

    /// The four quarters of `year` and the year, in order.
    pub fn periods(&self, year: i32) -> Result<Vec<Period>, PeriodError> {
        (1..=4)
            .map(|quarter| PeriodId::Quarter { year, quarter })
            .chain(std::iter::once(PeriodId::Year(year)))
            .map(|id| self.period(id))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::{UnitRef, UnitRefKind};

    /// Mường La's regime: before the 5th of the quarter's last month, data to the 14th.
    fn muong_la() -> ReportingRegime {
        ReportingRegime {
            frequency: "quarterly".into(),
            deadline_day: 5,
            deadline_month_of_quarter: 3,
            deadline_before: true,
            cutoff_day: 14,
            cutoff_month_of_quarter: 3,
            time_zone: "Asia/Ho_Chi_Minh".into(),
            late_submission: true,
            report_to: UnitRef { kind: UnitRefKind::Unit, code: "vhxh".into() },
            upward_to: None,
        }
    }

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().unwrap_or_default()
    }

    #[test]
    fn every_quarter_is_due_at_midnight_of_the_5th_in_vietnam() {
        let regime = muong_la();
        let due: Vec<(String, DateTime<Utc>)> =
            regime.periods(2026).unwrap_or_default().into_iter().map(|p| (p.id.to_string(), p.deadline)).collect();
        assert_eq!(
            due,
            [
                ("2026-Q1".to_owned(), utc(2026, 3, 4, 17)),
                ("2026-Q2".to_owned(), utc(2026, 6, 4, 17)),
                ("2026-Q3".to_owned(), utc(2026, 9, 4, 17)),
                ("2026-Q4".to_owned(), utc(2026, 12, 4, 17)),
                ("2026-Y".to_owned(), utc(2026, 12, 4, 17)),
            ]
        );
    }

    #[test]
    fn on_the_day_itself_when_not_before() {
        let regime =
            ReportingRegime { deadline_before: false, deadline_day: 10, deadline_month_of_quarter: 2, ..muong_la() };
        let q1 = regime.period(PeriodId::Quarter { year: 2027, quarter: 1 }).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(q1.deadline_day, NaiveDate::from_ymd_opt(2027, 2, 10).unwrap_or_default());
        // The whole 10th counts: the deadline is 00:00 on the 11th, Vietnam time.
        assert_eq!(q1.deadline, utc(2027, 2, 10, 17));
    }

    #[test]
    fn data_spans_follow_the_cut_off() {
        let regime = muong_la();
        let q1 = regime.period(PeriodId::Quarter { year: 2026, quarter: 1 }).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((q1.data_from, q1.data_to), (date(2025, 12, 15), date(2026, 3, 14)));
        let q3 = regime.period(PeriodId::Quarter { year: 2026, quarter: 3 }).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((q3.data_from, q3.data_to), (date(2026, 6, 15), date(2026, 9, 14)));
        let year = regime.period(PeriodId::Year(2026)).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((year.data_from, year.data_to), (date(2025, 12, 15), date(2026, 12, 14)));
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn period_ids_read_and_write() {
        for text in ["2026-Q1", "2026-Q4", "2027-Y", "2026-R1", "2026-R12"] {
            let id: PeriodId = text.parse().unwrap_or(PeriodId::Year(0));
            assert_eq!(id.to_string(), text);
        }
        for bad in [
            "2026-Q5", "2026-Q0", "2026", "Q1-2026", "1900-Q1", "2026-y", "", "2026-R0", "2026-R", "2026-R01",
            "2026-Rx",
        ] {
            assert!(bad.parse::<PeriodId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_wrong_regime_is_an_error_not_a_panic() {
        let regime = ReportingRegime { time_zone: "Asia/Ha_Noi".into(), ..muong_la() };
        assert!(matches!(regime.periods(2026), Err(PeriodError::UnknownTimeZone(_))));
        let regime = ReportingRegime { deadline_day: 31, ..muong_la() };
        assert!(matches!(regime.periods(2026), Err(PeriodError::NoSuchDay { month: 6, .. })));
    }
}
