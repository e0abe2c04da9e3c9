//! Bulk writes for the synthetic-data generator (`kehoach demo generate`): a commune's unit
//! reports of a period in one transaction, instead of one transaction per step, so that a
//! province of communes is written in seconds. Each report is stored as the reporting cycle
//! leaves it: its row at its final state and its submission kept as a version; one audit row
//! names the batch. Register records likewise: several registers' records in one transaction.

use chrono::{DateTime, Utc};
use kehoach_domain::report::{ReportBody, ReportState};
use sea_orm::{ActiveModelTrait, Set};
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::entity::{report_version, unit_report};
use crate::registers::RecordInput;
use crate::{Store, StoreError};

/// A unit's report as the generator leaves it.
#[derive(Debug, Clone)]
pub struct GeneratedReport<'a> {
    pub unit: &'a str,
    /// Draft (saved, never submitted), submitted, accepted or returned.
    pub state: ReportState,
    pub late: bool,
    pub body: &'a ReportBody,
    pub return_reason: Option<&'a str>,
    /// When it was saved (a draft) or submitted, and by whom.
    pub at: DateTime<Utc>,
    pub by: &'a str,
    /// When and by whom it was accepted or returned.
    pub decided: Option<(DateTime<Utc>, &'a str)>,
}

#[derive(Serialize)]
struct RecordBatch<'a> {
    registers: Vec<(&'a str, usize)>,
}

#[derive(Serialize)]
struct Batch<'a> {
    period: &'a str,
    reports: usize,
}

impl Store {
    /// Writes the unit reports of one plan's period, none of which exists yet, in one
    /// transaction; how many were written.
    pub async fn write_generated_reports(
        &self,
        plan_id: &str,
        period: &str,
        reports: &[GeneratedReport<'_>],
        actor: Actor<'_>,
    ) -> Result<usize, StoreError> {
        let plan = self.plan_row(plan_id).await?;
        let txn = self.write().await?;
        for r in reports {
            let body_json = serde_json::to_string(r.body)?;
            let submitted = r.state != ReportState::Draft;
            let (updated_at, updated_by) = r.decided.unwrap_or((r.at, r.by));
            let row = unit_report::ActiveModel {
                commune_id: Set(plan.commune_id),
                plan_id: Set(plan.id),
                period: Set(period.to_owned()),
                unit_code: Set(r.unit.to_owned()),
                state: Set(r.state.key().to_owned()),
                late: Set(submitted && r.late),
                version: Set(if r.decided.is_some() { 2 } else { 1 }),
                body_json: Set(body_json.clone()),
                return_reason: Set(r.return_reason.map(str::to_owned)),
                submitted_at: Set(submitted.then_some(r.at)),
                accepted_at: Set((r.state == ReportState::Accepted).then_some(updated_at)),
                updated_by: Set(updated_by.to_owned()),
                updated_at: Set(updated_at),
                created_at: Set(r.at),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            if submitted {
                report_version::ActiveModel {
                    commune_id: Set(plan.commune_id),
                    report_id: Set(row.id),
                    number: Set(1),
                    state: Set(ReportState::Submitted.key().to_owned()),
                    late: Set(r.late),
                    body_json: Set(body_json),
                    at: Set(r.at),
                    by: Set(r.by.to_owned()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        // A server's plans and progress kept in memory are read again on its next request.
        crate::revisions::data(&txn, plan.id).await?;
        let batch = Batch { period, reports: reports.len() };
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(plan.commune_id),
                actor,
                action: "report.generate",
                record_kind: "report",
                record_key: &format!("{plan_id}/{period}"),
                before: None,
                after: Some(&batch),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(reports.len())
    }

    /// Writes records of several registers of the plan's commune in one transaction, at `now`;
    /// how many. Unlike an import, the references are not checked: the generator's records point
    /// only at records it has just written (their fields are checked as a register checks them).
    pub async fn write_generated_records(
        &self,
        plan_id: &str,
        batches: &[(&str, Vec<RecordInput>)],
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let txn = self.write().await?;
        let commune_id = Self::commune_id_of_plan(&txn, plan_id).await?;
        let mut written = 0;
        for (register, rows) in batches {
            for input in rows {
                crate::registers::insert(&txn, commune_id, register, input, actor, now).await?;
                written += 1;
            }
        }
        crate::revisions::data_of_commune(&txn, commune_id).await?;
        let batch = RecordBatch { registers: batches.iter().map(|(r, rows)| (*r, rows.len())).collect() };
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(commune_id),
                actor,
                action: "register.generate",
                record_kind: "register",
                record_key: plan_id,
                before: None,
                after: Some(&batch),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(written)
    }
}
