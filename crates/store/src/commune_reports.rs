//! The commune's report for a period: a narrative written at the version seen, sent for
//! approval, approved as a record (see `commune_report_records`), reopened for a correction.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::Serialize;

use kehoach_domain::record::CommuneReportState;

use crate::audit::{self, Actor};
use crate::entity::{commune_report, plan};
use crate::{Store, StoreError};

/// The commune's report as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommuneReportRecord {
    pub period: String,
    pub state: CommuneReportState,
    pub approved: bool,
    pub narrative: String,
    pub version: i32,
    /// The consolidation it was approved on (JSON), once approved.
    pub frozen_json: Option<String>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
}

/// A change to the commune's report.
#[derive(Debug, Clone)]
pub enum CommuneReportChange<'a> {
    Narrative(&'a str),
    /// Send it to the leaders for approval.
    SendForApproval,
}

/// What a change did.
#[derive(Debug, Clone, PartialEq)]
pub enum CommuneWrite {
    Written(CommuneReportRecord),
    /// Someone changed it first (or it is approved and frozen): here it is now.
    Refused(Option<CommuneReportRecord>),
}

/// The period's commune report row of a plan (by its database id), read on `conn`: the write's
/// transaction, so that the version compared is the one changed.
pub(crate) async fn row<C: ConnectionTrait>(
    conn: &C,
    plan: i32,
    period: &str,
) -> Result<Option<commune_report::Model>, StoreError> {
    Ok(of_period(plan, period).one(conn).await?)
}

fn of_period(plan: i32, period: &str) -> sea_orm::Select<commune_report::Entity> {
    commune_report::Entity::find()
        .filter(commune_report::Column::PlanId.eq(plan))
        .filter(commune_report::Column::Period.eq(period))
}

/// The row, locked until the transaction `txn` ends (`FOR UPDATE` on PostgreSQL), for a write
/// that checks its version first: a second writer at the same version waits, then reads the
/// first's and is refused. Without the lock both would read the same version under READ
/// COMMITTED and the second would overwrite the first (two servers, or two connections of one,
/// on PostgreSQL). SQLite's writes are one at a time already; it has no row locks.
pub(crate) async fn row_for_update<C: ConnectionTrait>(
    txn: &C,
    plan: i32,
    period: &str,
) -> Result<Option<commune_report::Model>, StoreError> {
    Ok(of_period(plan, period).lock_exclusive().one(txn).await?)
}

pub(crate) fn record(r: commune_report::Model) -> CommuneReportRecord {
    let state = CommuneReportState::from_key(&r.state).unwrap_or(CommuneReportState::Draft);
    CommuneReportRecord {
        period: r.period,
        state,
        approved: state == CommuneReportState::Approved,
        narrative: r.narrative,
        version: r.version,
        frozen_json: r.frozen_json,
        updated_by: r.updated_by,
        updated_at: r.updated_at,
        approved_by: r.approved_by,
        approved_at: r.approved_at,
    }
}

impl Store {
    pub async fn commune_report(&self, plan_id: &str, period: &str) -> Result<Option<CommuneReportRecord>, StoreError> {
        let Some(p) = plan::Entity::find().filter(plan::Column::Slug.eq(plan_id)).one(&self.db).await? else {
            return Err(StoreError::NotFound(format!("plan `{plan_id}`")));
        };
        Ok(row(&self.db, p.id, period).await?.map(record))
    }

    /// Changes the commune's report if it is still at `expected_version` (0: not stored yet)
    /// and not approved; with its audit row, in one transaction.
    pub async fn write_commune_report(
        &self,
        plan_id: &str,
        period: &str,
        expected_version: i32,
        change: CommuneReportChange<'_>,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<CommuneWrite, StoreError> {
        let Some(p) = plan::Entity::find().filter(plan::Column::Slug.eq(plan_id)).one(&self.db).await? else {
            return Err(StoreError::NotFound(format!("plan `{plan_id}`")));
        };
        let txn = self.write().await?;
        let existing = row_for_update(&txn, p.id, period).await?;
        let before = existing.clone().map(record);
        if existing.as_ref().map_or(0, |r| r.version) != expected_version || before.as_ref().is_some_and(|b| b.approved)
        {
            drop(txn);
            return Ok(CommuneWrite::Refused(before));
        }
        let mut row = match existing {
            Some(r) => commune_report::ActiveModel::from(r),
            None => commune_report::ActiveModel {
                commune_id: Set(p.commune_id),
                plan_id: Set(p.id),
                period: Set(period.to_owned()),
                state: Set("draft".into()),
                narrative: Set(String::new()),
                ..Default::default()
            },
        };
        let action = match change {
            CommuneReportChange::Narrative(text) => {
                row.narrative = Set(text.to_owned());
                "commune_report.save"
            }
            CommuneReportChange::SendForApproval => {
                row.state = Set(CommuneReportState::AwaitingApproval.key().into());
                "commune_report.send"
            }
        };
        row.version = Set(expected_version + 1);
        row.updated_by = Set(actor.name.to_owned());
        row.updated_at = Set(now);
        let saved = match before {
            Some(_) => row.update(&txn).await?,
            None => row.insert(&txn).await?,
        };
        let after = record(saved);
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action,
                record_kind: "commune_report",
                record_key: &format!("{plan_id}/{period}"),
                before: before.as_ref(),
                after: Some(&after),
            },
        )
        .await?;
        crate::revisions::data(&txn, p.id).await?;
        txn.commit().await?;
        Ok(CommuneWrite::Written(after))
    }
}
