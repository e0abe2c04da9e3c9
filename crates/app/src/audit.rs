//! The audit trail as its readers ask for it: the rows of their commune (or province), by
//! record, user and day — days in the time zone of the plans they work on.

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use kehoach_domain::Principal;
use kehoach_store::{AuditEntry, AuditFilter};
use serde::Deserialize;

use crate::App;
use crate::error::AppError;

/// The filters, as the page's form and `GET /api/v1/audit` send them.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    /// Kind of record: `plan`, `unit`, `user`.
    pub kind: Option<String>,
    /// The record's key, e.g. `muong-la/ban-a`.
    pub key: Option<String>,
    /// Who made the change.
    pub actor: Option<String>,
    /// From this day (inclusive), `YYYY-MM-DD`.
    pub from: Option<String>,
    /// To this day (inclusive), `YYYY-MM-DD`.
    pub to: Option<String>,
}

fn day(text: &Option<String>) -> Result<Option<NaiveDate>, AppError> {
    match text.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| AppError::invalid("audit-bad-date")),
    }
}

/// The time zone the reader's days are in: that of a plan of their commune (or province). The
/// audit trail spans plans, not one; the plans of one place share their zone.
pub async fn zone_of(state: &App, who: &Principal) -> Result<Tz, AppError> {
    let Some(summary) = crate::plans::of_place(state, who).await?.into_iter().next() else { return Ok(Tz::UTC) };
    Ok(state.store.plan(&summary.id).await?.map_or(Tz::UTC, |plan| crate::present::plan_zone(&plan)))
}

/// The reader's audit trail as asked: its rows (at most 200, newest first) and the zone their
/// days are in.
pub async fn trail(state: &App, who: &Principal, q: &AuditQuery) -> Result<(Vec<AuditEntry>, Tz), AppError> {
    let zone = zone_of(state, who).await?;
    Ok((state.store.audit(&filter(q, who, zone)?).await?, zone))
}

/// A page of the reader's audit trail: at most `limit` rows before the row `before`.
pub async fn page(
    state: &App,
    who: &Principal,
    q: &AuditQuery,
    before: Option<i32>,
    limit: u64,
) -> Result<Vec<AuditEntry>, AppError> {
    let zone = zone_of(state, who).await?;
    let filter = AuditFilter { limit, ..filter(q, who, zone)? };
    Ok(state.store.audit_before(&filter, before).await?)
}

/// The store's filter for the reader: their commune's rows (or their province's), narrowed by
/// the query, the days taken in `zone`.
pub fn filter(q: &AuditQuery, who: &Principal, zone: Tz) -> Result<AuditFilter, AppError> {
    let text = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let start_of = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0).and_then(|t| zone.from_local_datetime(&t).earliest()).map(|t| t.with_timezone(&Utc))
    };
    let from = day(&q.from)?;
    let to = day(&q.to)?;
    Ok(AuditFilter {
        communes: who.commune.clone().map(|c| vec![c]),
        province: Some(who.province.clone()),
        record_kind: text(&q.kind),
        record_key: text(&q.key),
        actor: text(&q.actor),
        from: from.and_then(start_of),
        to: to.and_then(|d| d.succ_opt()).and_then(start_of),
        limit: 200,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kehoach_domain::Role;

    #[test]
    fn days_start_at_midnight_in_the_plans_zone() {
        let who = Principal {
            user_id: 1,
            username: "quan-tri".into(),
            full_name: "Q".into(),
            role: Role::Admin,
            province: "son-la".into(),
            commune: Some("muong-la".into()),
            unit: None,
        };
        let q = AuditQuery { from: Some("2026-03-05".into()), to: Some("2026-03-05".into()), ..AuditQuery::default() };
        let f = filter(&q, &who, chrono_tz::Asia::Ho_Chi_Minh).expect("good days");
        assert_eq!(f.from, Some(Utc.with_ymd_and_hms(2026, 3, 4, 17, 0, 0).unwrap()));
        assert_eq!(f.to, Some(Utc.with_ymd_and_hms(2026, 3, 5, 17, 0, 0).unwrap()));
        assert_eq!(f.communes, Some(vec!["muong-la".to_owned()]));
        let bad = AuditQuery { from: Some("05/03/2026".into()), ..AuditQuery::default() };
        assert!(matches!(filter(&bad, &who, Tz::UTC), Err(AppError::Invalid(m)) if m.key == "audit-bad-date"));
    }
}
