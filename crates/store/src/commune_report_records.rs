//! The commune report as approved: each approval writes one record (the snapshot, the rendered
//! document and its hash, the number, the signer) in the same transaction as the report's state
//! and the number's register entry. A correction reopens the report: the record it corrects is
//! marked superseded with the reason, never changed otherwise (the database refuses it).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kehoach_domain::record::CommuneReportState;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr};
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::commune_reports::{self, record as report_record};
use crate::entity::{commune_report, commune_report_record, document_number, plan_reference};
use crate::{CommuneReportRecord, Store, StoreError};

/// What an approval writes, rendered by the caller for the number it asked for.
pub struct NewRecord<'a> {
    pub number: u32,
    /// `office` or `product`.
    pub numbered_by: &'a str,
    /// The numbering's type ("BC") and the subject the number is kept under.
    pub doc_type: &'a str,
    pub subject: &'a str,
    pub issued_on: NaiveDate,
    pub signer_json: &'a str,
    pub snapshot_json: &'a str,
    pub docx: &'a [u8],
    pub docx_sha256: &'a str,
    /// The commune's official code, for the province: the approval sends the report there.
    pub official_code: Option<&'a str>,
    /// What the report gives the province's indicators.
    pub figures: &'a [crate::province::NewFigure],
}

/// An approved version, without its files.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordInfo {
    pub period: String,
    pub version: i32,
    pub number: u32,
    pub numbered_by: String,
    pub issued_on: NaiveDate,
    pub signer_json: String,
    pub snapshot_json: String,
    pub docx_sha256: String,
    pub approved_by: String,
    pub approved_at: DateTime<Utc>,
    pub superseded_by: Option<String>,
    pub superseded_at: Option<DateTime<Utc>>,
    pub superseded_reason: Option<String>,
    pub scan_name: Option<String>,
    pub scan_sha256: Option<String>,
    pub scan_by: Option<String>,
    pub scan_at: Option<DateTime<Utc>>,
}

/// What an approval did.
#[derive(Debug, Clone, PartialEq)]
pub enum Approval {
    Approved(CommuneReportRecord, RecordInfo),
    /// Changed meanwhile, or already approved: here it is now.
    Stale(Option<CommuneReportRecord>),
    /// That number of the year is already given to another document.
    NumberTaken,
}

/// What a reopening did.
#[derive(Debug, Clone, PartialEq)]
pub enum Reopening {
    Reopened(CommuneReportRecord),
    /// Not approved, or changed meanwhile: here it is now.
    Stale(Option<CommuneReportRecord>),
}

/// What attaching the signed scan did.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanOutcome {
    Attached(RecordInfo),
    /// The version has its scan already (a record keeps the one it was given).
    AlreadyAttached,
    NoSuchVersion,
}

fn info(r: &commune_report_record::Model) -> RecordInfo {
    RecordInfo {
        period: r.period.clone(),
        version: r.version,
        number: u32::try_from(r.number).unwrap_or(0),
        numbered_by: r.numbered_by.clone(),
        issued_on: r.issued_on,
        signer_json: r.signer.clone(),
        snapshot_json: r.snapshot.clone(),
        docx_sha256: r.docx_sha256.clone(),
        approved_by: r.approved_by.clone(),
        approved_at: r.approved_at,
        superseded_by: r.superseded_by.clone(),
        superseded_at: r.superseded_at,
        superseded_reason: r.superseded_reason.clone(),
        scan_name: r.scan_name.clone(),
        scan_sha256: r.scan_sha256.clone(),
        scan_by: r.scan_by.clone(),
        scan_at: r.scan_at,
    }
}

/// The columns read for a list: everything but the files.
fn without_files() -> sea_orm::Select<commune_report_record::Entity> {
    use commune_report_record::Column as C;
    commune_report_record::Entity::find().select_only().columns([
        C::Id,
        C::CommuneId,
        C::PlanId,
        C::Period,
        C::Version,
        C::Number,
        C::NumberedBy,
        C::IssuedOn,
        C::Signer,
        C::Snapshot,
        C::DocxSha256,
        C::ApprovedBy,
        C::ApprovedAt,
        C::SupersededBy,
        C::SupersededAt,
        C::SupersededReason,
        C::ScanName,
        C::ScanSha256,
        C::ScanBy,
        C::ScanAt,
    ])
}

#[derive(sea_orm::FromQueryResult)]
struct InfoRow {
    period: String,
    version: i32,
    number: i32,
    numbered_by: String,
    issued_on: NaiveDate,
    signer: String,
    snapshot: String,
    docx_sha256: String,
    approved_by: String,
    approved_at: DateTime<Utc>,
    superseded_by: Option<String>,
    superseded_at: Option<DateTime<Utc>>,
    superseded_reason: Option<String>,
    scan_name: Option<String>,
    scan_sha256: Option<String>,
    scan_by: Option<String>,
    scan_at: Option<DateTime<Utc>>,
}

impl From<InfoRow> for RecordInfo {
    fn from(r: InfoRow) -> RecordInfo {
        RecordInfo {
            period: r.period,
            version: r.version,
            number: u32::try_from(r.number).unwrap_or(0),
            numbered_by: r.numbered_by,
            issued_on: r.issued_on,
            signer_json: r.signer,
            snapshot_json: r.snapshot,
            docx_sha256: r.docx_sha256,
            approved_by: r.approved_by,
            approved_at: r.approved_at,
            superseded_by: r.superseded_by,
            superseded_at: r.superseded_at,
            superseded_reason: r.superseded_reason,
            scan_name: r.scan_name,
            scan_sha256: r.scan_sha256,
            scan_by: r.scan_by,
            scan_at: r.scan_at,
        }
    }
}

impl Store {
    /// The next free number of a type in a year: what the product gives when it numbers.
    pub async fn next_document_number(&self, plan_id: &str, doc_type: &str, year: i32) -> Result<u32, StoreError> {
        let commune_id = Self::commune_id_of_plan(&self.db, plan_id).await?;
        let last: Option<i32> = document_number::Entity::find()
            .select_only()
            .column(document_number::Column::Number)
            .filter(document_number::Column::CommuneId.eq(commune_id))
            .filter(document_number::Column::Year.eq(year))
            .filter(document_number::Column::DocType.eq(doc_type))
            .order_by_desc(document_number::Column::Number)
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(u32::try_from(last.unwrap_or(0)).unwrap_or(0) + 1)
    }

    /// Approves the commune report if it is still at `expected_version` and not approved:
    /// registers the number, writes the record, marks the report approved, with the audit
    /// rows, in one transaction.
    pub async fn approve_commune_report(
        &self,
        plan_id: &str,
        period: &str,
        expected_version: i32,
        new: NewRecord<'_>,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Approval, StoreError> {
        let p = self.plan_row(plan_id).await?;
        let txn = self.write().await?;
        let existing = commune_reports::row_for_update(&txn, p.id, period).await?;
        let before = existing.clone().map(report_record);
        if existing.as_ref().map_or(0, |r| r.version) != expected_version || before.as_ref().is_some_and(|b| b.approved)
        {
            drop(txn);
            return Ok(Approval::Stale(before));
        }
        let number = document_number::ActiveModel {
            commune_id: Set(p.commune_id),
            year: Set(new.issued_on.year()),
            doc_type: Set(new.doc_type.to_owned()),
            number: Set(i32::try_from(new.number).map_err(|_| StoreError::Conflict("number out of range".into()))?),
            subject: Set(new.subject.to_owned()),
            issued_on: Set(new.issued_on),
            issued_by: Set(actor.name.to_owned()),
            issued_at: Set(now),
            ..Default::default()
        };
        match number.insert(&txn).await {
            Ok(_) => {}
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                drop(txn);
                return Ok(Approval::NumberTaken);
            }
            Err(e) => return Err(e.into()),
        }
        let last_version: Option<i32> = commune_report_record::Entity::find()
            .select_only()
            .column(commune_report_record::Column::Version)
            .filter(commune_report_record::Column::PlanId.eq(p.id))
            .filter(commune_report_record::Column::Period.eq(period))
            .order_by_desc(commune_report_record::Column::Version)
            .into_tuple()
            .one(&txn)
            .await?;
        let saved = commune_report_record::ActiveModel {
            commune_id: Set(p.commune_id),
            plan_id: Set(p.id),
            period: Set(period.to_owned()),
            version: Set(last_version.unwrap_or(0) + 1),
            number: Set(i32::try_from(new.number).unwrap_or(i32::MAX)),
            numbered_by: Set(new.numbered_by.to_owned()),
            issued_on: Set(new.issued_on),
            signer: Set(new.signer_json.to_owned()),
            snapshot: Set(new.snapshot_json.to_owned()),
            docx: Set(new.docx.to_vec()),
            docx_sha256: Set(new.docx_sha256.to_owned()),
            approved_by: Set(actor.name.to_owned()),
            approved_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let record = info(&saved);
        crate::province::send(&txn, &saved, new.official_code, new.figures, actor).await?;
        let mut row = match existing {
            Some(r) => commune_report::ActiveModel::from(r),
            None => commune_report::ActiveModel {
                commune_id: Set(p.commune_id),
                plan_id: Set(p.id),
                period: Set(period.to_owned()),
                narrative: Set(String::new()),
                ..Default::default()
            },
        };
        row.state = Set(CommuneReportState::Approved.key().into());
        row.frozen_json = Set(Some(new.snapshot_json.to_owned()));
        row.approved_by = Set(Some(actor.name.to_owned()));
        row.approved_at = Set(Some(now));
        row.version = Set(expected_version + 1);
        row.updated_by = Set(actor.name.to_owned());
        row.updated_at = Set(now);
        let saved = match before {
            Some(_) => row.update(&txn).await?,
            None => row.insert(&txn).await?,
        };
        let after = report_record(saved);
        let key = format!("{plan_id}/{period}");
        #[derive(Serialize)]
        struct Issued<'a> {
            version: i32,
            number: u32,
            numbered_by: &'a str,
            issued_on: NaiveDate,
            docx_sha256: &'a str,
        }
        let issued = Issued {
            version: record.version,
            number: record.number,
            numbered_by: &record.numbered_by,
            issued_on: record.issued_on,
            docx_sha256: &record.docx_sha256,
        };
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action: "commune_report.approve",
                record_kind: "commune_report",
                record_key: &key,
                before: None,
                after: Some(&issued),
            },
        )
        .await?;
        crate::revisions::data(&txn, p.id).await?;
        txn.commit().await?;
        Ok(Approval::Approved(after, record))
    }

    /// Reopens an approved commune report for a correction, with the reason: the report is a
    /// draft again and its latest record is marked superseded (still kept and served).
    pub async fn reopen_commune_report(
        &self,
        plan_id: &str,
        period: &str,
        expected_version: i32,
        reason: &str,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Reopening, StoreError> {
        let p = self.plan_row(plan_id).await?;
        let txn = self.write().await?;
        let existing = commune_reports::row_for_update(&txn, p.id, period).await?;
        let before = existing.clone().map(report_record);
        let Some(existing) = existing.filter(|r| r.version == expected_version && r.state == "approved") else {
            drop(txn);
            return Ok(Reopening::Stale(before));
        };
        commune_report_record::Entity::update_many()
            .col_expr(commune_report_record::Column::SupersededBy, Expr::value(actor.name.to_owned()))
            .col_expr(commune_report_record::Column::SupersededAt, Expr::value(now))
            .col_expr(commune_report_record::Column::SupersededReason, Expr::value(reason.to_owned()))
            .filter(commune_report_record::Column::PlanId.eq(p.id))
            .filter(commune_report_record::Column::Period.eq(period))
            .filter(commune_report_record::Column::SupersededAt.is_null())
            .exec(&txn)
            .await?;
        let mut row = commune_report::ActiveModel::from(existing);
        row.state = Set(CommuneReportState::Draft.key().into());
        row.frozen_json = Set(None);
        row.approved_by = Set(None);
        row.approved_at = Set(None);
        row.version = Set(expected_version + 1);
        row.updated_by = Set(actor.name.to_owned());
        row.updated_at = Set(now);
        let after = report_record(row.update(&txn).await?);
        #[derive(Serialize)]
        struct Reopened<'a> {
            reason: &'a str,
        }
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action: "commune_report.reopen",
                record_kind: "commune_report",
                record_key: &format!("{plan_id}/{period}"),
                before: None,
                after: Some(&Reopened { reason }),
            },
        )
        .await?;
        crate::revisions::data(&txn, p.id).await?;
        txn.commit().await?;
        Ok(Reopening::Reopened(after))
    }

    /// Every approved version of a period's commune report, oldest first, without files.
    pub async fn commune_report_records(&self, plan_id: &str, period: &str) -> Result<Vec<RecordInfo>, StoreError> {
        let p = self.plan_row(plan_id).await?;
        Ok(without_files()
            .filter(commune_report_record::Column::PlanId.eq(p.id))
            .filter(commune_report_record::Column::Period.eq(period))
            .order_by_asc(commune_report_record::Column::Version)
            .into_model::<InfoRow>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(RecordInfo::from)
            .collect())
    }

    /// The approved versions of every period of a plan, without files (for lists).
    pub async fn plan_report_records(&self, plan_id: &str) -> Result<Vec<RecordInfo>, StoreError> {
        let p = self.plan_row(plan_id).await?;
        Ok(without_files()
            .filter(commune_report_record::Column::PlanId.eq(p.id))
            .order_by_asc(commune_report_record::Column::Period)
            .order_by_asc(commune_report_record::Column::Version)
            .into_model::<InfoRow>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(RecordInfo::from)
            .collect())
    }

    async fn record_row(
        &self,
        plan_id: &str,
        period: &str,
        version: i32,
    ) -> Result<Option<commune_report_record::Model>, StoreError> {
        let p = self.plan_row(plan_id).await?;
        Ok(commune_report_record::Entity::find()
            .filter(commune_report_record::Column::PlanId.eq(p.id))
            .filter(commune_report_record::Column::Period.eq(period))
            .filter(commune_report_record::Column::Version.eq(version))
            .one(&self.db)
            .await?)
    }

    /// An approved version's document, byte for byte as approved.
    pub async fn commune_report_docx(
        &self,
        plan_id: &str,
        period: &str,
        version: i32,
    ) -> Result<Option<(RecordInfo, Vec<u8>)>, StoreError> {
        Ok(self.record_row(plan_id, period, version).await?.map(|r| (info(&r), r.docx)))
    }

    /// An approved version's signed scan, if one was attached.
    pub async fn commune_report_scan(
        &self,
        plan_id: &str,
        period: &str,
        version: i32,
    ) -> Result<Option<(RecordInfo, Vec<u8>)>, StoreError> {
        Ok(self.record_row(plan_id, period, version).await?.and_then(|mut r| {
            let scan = r.scan.take()?;
            Some((info(&r), scan))
        }))
    }

    /// Attaches the signed scan (PDF) to an approved version, once.
    #[allow(clippy::too_many_arguments)]
    pub async fn attach_commune_report_scan(
        &self,
        plan_id: &str,
        period: &str,
        version: i32,
        name: &str,
        bytes: &[u8],
        sha256: &str,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<ScanOutcome, StoreError> {
        let p = self.plan_row(plan_id).await?;
        let txn = self.write().await?;
        use commune_report_record::Column as C;
        let updated = commune_report_record::Entity::update_many()
            .col_expr(C::ScanName, Expr::value(name.to_owned()))
            .col_expr(C::Scan, Expr::value(bytes.to_vec()))
            .col_expr(C::ScanSha256, Expr::value(sha256.to_owned()))
            .col_expr(C::ScanBy, Expr::value(actor.name.to_owned()))
            .col_expr(C::ScanAt, Expr::value(now))
            .filter(C::PlanId.eq(p.id))
            .filter(C::Period.eq(period))
            .filter(C::Version.eq(version))
            .filter(C::ScanSha256.is_null())
            .exec(&txn)
            .await?;
        if updated.rows_affected == 0 {
            let exists = without_files()
                .filter(C::PlanId.eq(p.id))
                .filter(C::Period.eq(period))
                .filter(C::Version.eq(version))
                .into_model::<InfoRow>()
                .one(&txn)
                .await?
                .is_some();
            drop(txn);
            return Ok(if exists { ScanOutcome::AlreadyAttached } else { ScanOutcome::NoSuchVersion });
        }
        let row = without_files()
            .filter(C::PlanId.eq(p.id))
            .filter(C::Period.eq(period))
            .filter(C::Version.eq(version))
            .into_model::<InfoRow>()
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("version {version}")))?;
        #[derive(Serialize)]
        struct Scan<'a> {
            version: i32,
            name: &'a str,
            size: usize,
            sha256: &'a str,
        }
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action: "commune_report.scan",
                record_kind: "commune_report",
                record_key: &format!("{plan_id}/{period}"),
                before: None,
                after: Some(&Scan { version, name, size: bytes.len(), sha256 }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(ScanOutcome::Attached(row.into()))
    }

    /// The plan's own number and date, where filled in after import.
    pub async fn plan_reference(&self, plan_id: &str) -> Result<Option<(String, NaiveDate)>, StoreError> {
        let p = self.plan_row(plan_id).await?;
        Ok(plan_reference::Entity::find()
            .filter(plan_reference::Column::PlanId.eq(p.id))
            .one(&self.db)
            .await?
            .map(|r| (r.number, r.issued_on)))
    }

    /// Fills in (or corrects) the plan's own number and date, with its audit row.
    pub async fn set_plan_reference(
        &self,
        plan_id: &str,
        number: &str,
        issued_on: NaiveDate,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let p = self.plan_row(plan_id).await?;
        let txn = self.write().await?;
        let existing = plan_reference::Entity::find().filter(plan_reference::Column::PlanId.eq(p.id)).one(&txn).await?;
        #[derive(Serialize)]
        struct Reference<'a> {
            number: &'a str,
            issued_on: NaiveDate,
        }
        let before = existing.as_ref().map(|r| (r.number.clone(), r.issued_on));
        match existing {
            Some(r) => {
                let mut row = plan_reference::ActiveModel::from(r);
                row.number = Set(number.to_owned());
                row.issued_on = Set(issued_on);
                row.set_by = Set(actor.name.to_owned());
                row.set_at = Set(now);
                row.update(&txn).await?;
            }
            None => {
                plan_reference::ActiveModel {
                    commune_id: Set(p.commune_id),
                    plan_id: Set(p.id),
                    number: Set(number.to_owned()),
                    issued_on: Set(issued_on),
                    set_by: Set(actor.name.to_owned()),
                    set_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
        let before = before.as_ref().map(|(n, d)| Reference { number: n, issued_on: *d });
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action: "plan.reference",
                record_kind: "plan",
                record_key: plan_id,
                before: before.as_ref(),
                after: Some(&Reference { number, issued_on }),
            },
        )
        .await?;
        crate::revisions::plan(&txn, p.id).await?;
        txn.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, Utc};
    use sea_orm::ConnectionTrait;

    use super::NewRecord;
    use crate::testing::{Backend, TestDb};
    use crate::{Actor, Approval};

    /// The database itself keeps an approved report as it was: what was approved cannot be
    /// updated, whoever asks; marking it superseded can.
    async fn the_record_cannot_be_changed(backend: Backend) {
        let db = TestDb::new(backend).await;
        let store = db.store.clone();
        let actor = Actor { name: "test", address: None };
        store.import_plan(&kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap(), actor).await.unwrap();
        let new = NewRecord {
            number: 3,
            numbered_by: "office",
            doc_type: "BC",
            subject: "report:muong-la-2026:2026-Q1",
            issued_on: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(),
            signer_json: "{}",
            snapshot_json: "{}",
            docx: b"PK-approved",
            docx_sha256: "00",
            official_code: Some("03808"),
            figures: &[crate::NewFigure {
                indicator: "sang-kien".into(),
                value: Some(2.0),
                numerator: None,
                denominator: None,
                target: Some(4.0),
                status: Some("behind".into()),
            }],
        };
        let approved =
            store.approve_commune_report("muong-la-2026", "2026-Q1", 0, new, actor, Utc::now()).await.unwrap();
        assert!(matches!(approved, Approval::Approved(..)), "{approved:?}");
        // The approval sent it to the province, with its figures, in the same transaction.
        let sent = store.province_handoffs("son-la", Some("2026-Q1")).await.unwrap();
        assert_eq!(sent.len(), 1, "{backend:?}");
        assert_eq!((sent[0].state.as_str(), sent[0].commune_code.as_deref()), ("sent", Some("03808")));
        let figures = store.handoff_figures(&[sent[0].id]).await.unwrap();
        assert_eq!((figures[0].indicator.as_str(), figures[0].value), ("sang-kien", Some(2.0)));
        assert!(store.decide_handoff("other", sent[0].id, true, None, actor, Utc::now()).await.unwrap().is_none());
        let decided = store.decide_handoff("son-la", sent[0].id, true, None, actor, Utc::now()).await.unwrap();
        assert!(matches!(&decided, Some(crate::Decided::Done(h)) if h.state == "accepted"), "{decided:?}");
        let again = store.decide_handoff("son-la", sent[0].id, false, Some("x"), actor, Utc::now()).await.unwrap();
        assert!(matches!(&again, Some(crate::Decided::Stale(h)) if h.state == "accepted"), "{again:?}");
        for change in [
            "UPDATE commune_report_records SET number = 4",
            "UPDATE commune_report_records SET snapshot = 'changed'",
            "UPDATE commune_report_records SET docx_sha256 = 'ff'",
            "UPDATE commune_report_records SET version = 2",
        ] {
            assert!(store.db.execute_unprepared(change).await.is_err(), "{backend:?}: {change} went through");
        }
        store
            .db
            .execute_unprepared("UPDATE commune_report_records SET superseded_reason = 'đính chính'")
            .await
            .unwrap();
        let (info, bytes) = store.commune_report_docx("muong-la-2026", "2026-Q1", 1).await.unwrap().unwrap();
        assert_eq!((info.number, bytes.as_slice()), (3, b"PK-approved".as_slice()));
        assert_eq!(info.superseded_reason.as_deref(), Some("đính chính"));
        db.finish().await;
    }

    #[tokio::test]
    async fn sqlite() {
        the_record_cannot_be_changed(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        the_record_cannot_be_changed(Backend::Postgres).await;
    }
}
