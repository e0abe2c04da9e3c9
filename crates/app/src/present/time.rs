//! Times as the plan's people read them: in the plan's time zone, day first.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use kehoach_domain::Plan;

/// The plan's time zone. A plan is checked when loaded, so an unknown zone does not happen; if
/// it did, UTC shows times that are wrong by hours but never fails a page.
pub fn plan_zone(plan: &Plan) -> Tz {
    plan.reporting.zone().unwrap_or(Tz::UTC)
}

/// "14:30 05/03/2026" in the plan's time zone.
pub fn local_time(plan: &Plan, t: DateTime<Utc>) -> String {
    t.with_timezone(&plan_zone(plan)).format("%H:%M %d/%m/%Y").to_string()
}

/// The day `t` falls on in the plan's time zone.
pub fn local_day(plan: &Plan, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&plan_zone(plan)).date_naive()
}

/// Today in the plan's time zone.
pub fn today(plan: &Plan, now: DateTime<Utc>) -> NaiveDate {
    local_day(plan, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn plan_in(zone: &str) -> Plan {
        let mut plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).expect("the shipped plan parses");
        plan.reporting.time_zone = zone.into();
        plan
    }

    #[test]
    fn times_are_shown_in_the_plans_zone_not_a_fixed_offset() {
        let t = Utc.with_ymd_and_hms(2026, 3, 4, 17, 0, 0).unwrap();
        assert_eq!(local_time(&plan_in("Asia/Ho_Chi_Minh"), t), "00:00 05/03/2026");
        assert_eq!(local_time(&plan_in("Asia/Tokyo"), t), "02:00 05/03/2026");
        assert_eq!(local_time(&plan_in("UTC"), t), "17:00 04/03/2026");
        assert_eq!(local_day(&plan_in("UTC"), t), NaiveDate::from_ymd_opt(2026, 3, 4).unwrap());
    }
}
