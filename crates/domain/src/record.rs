//! The commune report as a record: where it stands in the office's workflow, who signs it, and
//! what was approved — the figures as of a stated day, the tasks, the texts and the unit
//! reports it was built from. Once approved this never changes; a correction is a new version.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::consolidation::Consolidation;
use crate::measure::Progress;

/// Where the commune report of a period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommuneReportState {
    /// The focal officer is writing it.
    Draft,
    /// Sent to the leaders for approval.
    AwaitingApproval,
    /// Approved, numbered and signed: a record.
    Approved,
}

impl CommuneReportState {
    pub fn key(self) -> &'static str {
        match self {
            CommuneReportState::Draft => "draft",
            CommuneReportState::AwaitingApproval => "awaiting_approval",
            CommuneReportState::Approved => "approved",
        }
    }

    pub fn from_key(key: &str) -> Option<CommuneReportState> {
        [CommuneReportState::Draft, CommuneReportState::AwaitingApproval, CommuneReportState::Approved]
            .into_iter()
            .find(|s| s.key() == key)
    }
}

/// Why the figures stand at the day they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AsOfBasis {
    /// The period's data cut-off (the last day its figures cover).
    DataCutOff,
    /// The day of approval, which came before the cut-off.
    Approval,
}

/// The day the figures are taken at: the period's data cut-off, or the day of approval if it
/// comes first.
pub fn as_of(data_to: NaiveDate, approval_day: NaiveDate) -> (NaiveDate, AsOfBasis) {
    if approval_day < data_to { (approval_day, AsOfBasis::Approval) } else { (data_to, AsOfBasis::DataCutOff) }
}

/// A unit report the commune report was built from, at the version it had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnitReportVersion {
    pub unit: String,
    pub unit_name: String,
    /// Its submitted version (1 for the first submission).
    pub version: i32,
}

/// What was approved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Snapshot {
    pub as_of: NaiveDate,
    pub basis: AsOfBasis,
    /// Every indicator at `as_of`, in plan order, with the records or figures behind it.
    pub progress: Vec<Progress>,
    /// The tasks' status and the units' texts, from the accepted unit reports.
    pub consolidation: Consolidation,
    pub narrative: String,
    pub unit_reports: Vec<UnitReportVersion>,
    /// The plan's number and date as cited, if known.
    pub plan_number: Option<String>,
    pub plan_issued_on: Option<NaiveDate>,
}

/// An indicator whose value now differs from the approved one, at the same day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Drift {
    pub indicator: String,
    pub approved: Option<f64>,
    pub now: Option<f64>,
}

/// The indicators whose live value at the snapshot's day is no longer the approved one.
pub fn drift(snapshot: &Snapshot, live: &[Progress]) -> Vec<Drift> {
    snapshot
        .progress
        .iter()
        .filter_map(|then| {
            let now = live.iter().find(|p| p.indicator == then.indicator)?;
            (now.value != then.value).then(|| Drift {
                indicator: then.indicator.clone(),
                approved: then.value,
                now: now.value,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn figures_stand_at_the_cut_off_or_at_an_earlier_approval() {
        assert_eq!(as_of(day(3, 14), day(3, 20)), (day(3, 14), AsOfBasis::DataCutOff));
        assert_eq!(as_of(day(3, 14), day(3, 14)), (day(3, 14), AsOfBasis::DataCutOff));
        assert_eq!(as_of(day(3, 14), day(3, 1)), (day(3, 1), AsOfBasis::Approval));
    }

    #[test]
    fn states_read_back_from_their_keys() {
        for s in [CommuneReportState::Draft, CommuneReportState::AwaitingApproval, CommuneReportState::Approved] {
            assert_eq!(CommuneReportState::from_key(s.key()), Some(s));
        }
        assert_eq!(CommuneReportState::from_key("frozen"), None);
    }
}
