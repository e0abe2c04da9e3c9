//! The nation's view (issue 13, "The nation's view"): which period the Ministry's page shows,
//! read from what it asks, and the view of [`crate::province::nation`] for it.

use chrono::{DateTime, Datelike, Utc};
use kehoach_domain::period::PeriodId;

use crate::App;
use crate::error::AppError;
use crate::province::{self, Nation};

/// The year as the country's calendar has it at `now` (Vietnam, UTC+7, no summer time).
fn year_at(now: DateTime<Utc>) -> i32 {
    (now + chrono::Duration::hours(7)).year()
}

/// The period asked for (`2026-Q1`): a quarter, the provinces' reporting period. Anything else
/// is refused with a message that says what is expected.
pub fn parse_period(text: &str) -> Result<PeriodId, AppError> {
    match text.trim().parse::<PeriodId>() {
        Ok(p @ PeriodId::Quarter { .. }) => Ok(p),
        _ => Err(AppError::invalid("nation-bad-period")),
    }
}

/// The period shown when none is asked: the one the first province (by official code) works on
/// now, by its own deadline; the current quarter when no province is loaded.
pub async fn default_period(state: &App) -> Result<PeriodId, AppError> {
    let now = state.clock.now();
    let year = year_at(now);
    let loaded = province::all(state).await?;
    Ok(match loaded.first() {
        Some(first) => province::current_period(first, now, year),
        None => {
            let month = (now + chrono::Duration::hours(7)).month();
            PeriodId::Quarter { year, quarter: ((month - 1) / 3 + 1) as u8 }
        }
    })
}

/// The nation's view of the period asked for, or of [`default_period`]; provinces in official
/// code order.
pub async fn view(state: &App, period: Option<&str>) -> Result<Nation, AppError> {
    let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => parse_period(text)?,
        None => default_period(state).await?,
    };
    let mut nation = province::nation(state, period).await?;
    nation.provinces.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(nation)
}

/// The quarters a period selector offers around `period`: those of its year and of the years
/// before and after.
pub fn quarters_around(period: PeriodId) -> Vec<PeriodId> {
    let year = period.year();
    (year - 1..=year + 1).flat_map(|year| (1..=4u8).map(move |quarter| PeriodId::Quarter { year, quarter })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_quarters_are_periods_of_the_nation() {
        assert_eq!(parse_period("2026-Q1").ok(), Some(PeriodId::Quarter { year: 2026, quarter: 1 }));
        assert_eq!(parse_period(" 2026-Q4 ").ok(), Some(PeriodId::Quarter { year: 2026, quarter: 4 }));
        for bad in ["2026-Y", "2026-R1", "2026-Q5", "quý 1", ""] {
            assert!(matches!(parse_period(bad), Err(AppError::Invalid(_))), "{bad}");
        }
    }

    #[test]
    fn the_year_is_vietnams() {
        let eve = "2026-12-31T17:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(year_at(eve), 2027);
        assert_eq!(quarters_around(PeriodId::Quarter { year: 2026, quarter: 2 }).len(), 12);
    }
}
