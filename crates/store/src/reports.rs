//! Unit reports: read, written only at the version the writer saw, every submission kept.

use chrono::{DateTime, Utc};
use kehoach_domain::report::{ReportBody, ReportState};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr};
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::entity::{plan, report_version, unit_report};
use crate::{Store, StoreError};

/// A unit's report as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredReport {
    pub id: i32,
    pub unit: String,
    pub period: String,
    pub state: ReportState,
    pub late: bool,
    pub version: i32,
    pub body: ReportBody,
    pub return_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A submitted version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportVersion {
    pub number: i32,
    pub state: ReportState,
    pub late: bool,
    pub body: ReportBody,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// A write of a report: its new state and content, at the version the writer last saw.
#[derive(Debug, Clone)]
pub struct ReportWrite<'a> {
    pub plan: &'a str,
    pub period: &'a str,
    pub unit: &'a str,
    /// The version the writer edited; 0 for a report not yet stored.
    pub expected_version: i32,
    pub state: ReportState,
    pub late: bool,
    pub body: &'a ReportBody,
    pub return_reason: Option<&'a str>,
    /// `report.save`, `report.submit`, `report.accept`, `report.return`, `report.reopen`.
    pub action: &'a str,
    pub now: DateTime<Utc>,
}

/// What a write did.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOutcome {
    Written(StoredReport),
    /// Someone else wrote first: here is what is stored now. Nothing was written.
    Conflict(Option<StoredReport>),
}

fn stored(r: unit_report::Model) -> Result<StoredReport, StoreError> {
    Ok(StoredReport {
        state: ReportState::from_key(&r.state)
            .ok_or_else(|| StoreError::Corrupt(format!("report state {}", r.state)))?,
        body: serde_json::from_str(&r.body_json)?,
        id: r.id,
        unit: r.unit_code,
        period: r.period,
        late: r.late,
        version: r.version,
        return_reason: r.return_reason,
        submitted_at: r.submitted_at,
        accepted_at: r.accepted_at,
        updated_by: r.updated_by,
        updated_at: r.updated_at,
    })
}

impl Store {
    pub(crate) async fn plan_row(&self, plan_id: &str) -> Result<plan::Model, StoreError> {
        plan::Entity::find()
            .filter(plan::Column::Slug.eq(plan_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("plan `{plan_id}`")))
    }

    pub async fn report(&self, plan_id: &str, period: &str, unit: &str) -> Result<Option<StoredReport>, StoreError> {
        let plan = self.plan_row(plan_id).await?;
        unit_report::Entity::find()
            .filter(unit_report::Column::PlanId.eq(plan.id))
            .filter(unit_report::Column::Period.eq(period))
            .filter(unit_report::Column::UnitCode.eq(unit))
            .one(&self.db)
            .await?
            .map(stored)
            .transpose()
    }

    /// Every unit's report of a period.
    pub async fn reports(&self, plan_id: &str, period: &str) -> Result<Vec<StoredReport>, StoreError> {
        let plan = self.plan_row(plan_id).await?;
        unit_report::Entity::find()
            .filter(unit_report::Column::PlanId.eq(plan.id))
            .filter(unit_report::Column::Period.eq(period))
            .order_by_asc(unit_report::Column::UnitCode)
            .all(&self.db)
            .await?
            .into_iter()
            .map(stored)
            .collect()
    }

    /// Every submitted version of a report, oldest first.
    pub async fn report_versions(&self, report_id: i32) -> Result<Vec<ReportVersion>, StoreError> {
        report_version::Entity::find()
            .filter(report_version::Column::ReportId.eq(report_id))
            .order_by_asc(report_version::Column::Number)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|v| {
                Ok(ReportVersion {
                    state: ReportState::from_key(&v.state)
                        .ok_or_else(|| StoreError::Corrupt(format!("report state {}", v.state)))?,
                    body: serde_json::from_str(&v.body_json)?,
                    number: v.number,
                    late: v.late,
                    at: v.at,
                    by: v.by,
                })
            })
            .collect()
    }

    /// Writes a report if it is still at the version the writer saw, with its audit row and,
    /// for a submission, a kept version; all in one transaction.
    pub async fn write_report(&self, w: &ReportWrite<'_>, actor: Actor<'_>) -> Result<WriteOutcome, StoreError> {
        let plan = self.plan_row(w.plan).await?;
        let txn = self.write().await?;
        let existing = unit_report::Entity::find()
            .filter(unit_report::Column::PlanId.eq(plan.id))
            .filter(unit_report::Column::Period.eq(w.period))
            .filter(unit_report::Column::UnitCode.eq(w.unit))
            .one(&txn)
            .await?;
        let current = existing.as_ref().map_or(0, |r| r.version);
        if current != w.expected_version {
            drop(txn);
            return Ok(WriteOutcome::Conflict(existing.map(stored).transpose()?));
        }
        let before = existing.clone().map(stored).transpose()?;
        let body_json = serde_json::to_string(w.body)?;
        let submitted_at = (w.state == ReportState::Submitted && w.action == "report.submit").then_some(w.now);
        let accepted_at = (w.state == ReportState::Accepted).then_some(w.now);
        let row = match existing {
            Some(r) => {
                // The version in the filter makes the check and the write one step: a writer
                // that slipped in between leaves zero rows to update.
                let updated = unit_report::Entity::update_many()
                    .col_expr(unit_report::Column::State, Expr::value(w.state.key()))
                    .col_expr(
                        unit_report::Column::Late,
                        Expr::value(if submitted_at.is_some() { w.late } else { r.late }),
                    )
                    .col_expr(unit_report::Column::Version, Expr::value(r.version + 1))
                    .col_expr(unit_report::Column::BodyJson, Expr::value(body_json.clone()))
                    .col_expr(unit_report::Column::ReturnReason, Expr::value(w.return_reason.map(str::to_owned)))
                    .col_expr(unit_report::Column::SubmittedAt, Expr::value(submitted_at.or(r.submitted_at)))
                    .col_expr(unit_report::Column::AcceptedAt, Expr::value(accepted_at.or(r.accepted_at)))
                    .col_expr(unit_report::Column::UpdatedBy, Expr::value(actor.name))
                    .col_expr(unit_report::Column::UpdatedAt, Expr::value(w.now))
                    .filter(unit_report::Column::Id.eq(r.id))
                    .filter(unit_report::Column::Version.eq(r.version))
                    .exec(&txn)
                    .await?;
                if updated.rows_affected == 0 {
                    drop(txn);
                    return Ok(WriteOutcome::Conflict(self.report(w.plan, w.period, w.unit).await?));
                }
                unit_report::Entity::find_by_id(r.id)
                    .one(&txn)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("report vanished".into()))?
            }
            None => {
                let inserted = unit_report::ActiveModel {
                    commune_id: Set(plan.commune_id),
                    plan_id: Set(plan.id),
                    period: Set(w.period.to_owned()),
                    unit_code: Set(w.unit.to_owned()),
                    state: Set(w.state.key().to_owned()),
                    late: Set(submitted_at.is_some() && w.late),
                    version: Set(1),
                    body_json: Set(body_json.clone()),
                    return_reason: Set(w.return_reason.map(str::to_owned)),
                    submitted_at: Set(submitted_at),
                    accepted_at: Set(accepted_at),
                    updated_by: Set(actor.name.to_owned()),
                    updated_at: Set(w.now),
                    created_at: Set(w.now),
                    ..Default::default()
                }
                .insert(&txn)
                .await;
                match inserted {
                    Ok(row) => row,
                    // Two first saves at once: the second finds the first's row.
                    Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                        drop(txn);
                        return Ok(WriteOutcome::Conflict(self.report(w.plan, w.period, w.unit).await?));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        if submitted_at.is_some() {
            let number =
                report_version::Entity::find().filter(report_version::Column::ReportId.eq(row.id)).count(&txn).await?
                    as i32
                    + 1;
            report_version::ActiveModel {
                commune_id: Set(plan.commune_id),
                report_id: Set(row.id),
                number: Set(number),
                state: Set(w.state.key().to_owned()),
                late: Set(w.late),
                body_json: Set(body_json),
                at: Set(w.now),
                by: Set(actor.name.to_owned()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let after = stored(row)?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(plan.commune_id),
                actor,
                action: w.action,
                record_kind: "report",
                record_key: &format!("{}/{}/{}", w.plan, w.period, w.unit),
                before: before.as_ref(),
                after: Some(&after),
            },
        )
        .await?;
        crate::revisions::data(&txn, plan.id).await?;
        txn.commit().await?;
        Ok(WriteOutcome::Written(after))
    }
}
