//! The commune report as approved: one row per approval (version), holding what was approved —
//! the snapshot of figures and texts, the rendered .docx and its SHA-256, the number and the
//! signer. A correction is a new row; the old one stays, marked superseded with the reason.
//! The database itself refuses to change what was approved.
//!
//! Also the plan's own number and date, where the plan file did not carry them, so that reports
//! can cite the plan.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CommuneReportRecords {
    Table,
    Id,
    CommuneId,
    PlanId,
    Period,
    Version,
    Number,
    NumberedBy,
    IssuedOn,
    Signer,
    Snapshot,
    Docx,
    DocxSha256,
    ApprovedBy,
    ApprovedAt,
    SupersededBy,
    SupersededAt,
    SupersededReason,
    ScanName,
    Scan,
    ScanSha256,
    ScanBy,
    ScanAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PlanReferences {
    Table,
    Id,
    CommuneId,
    PlanId,
    Number,
    IssuedOn,
    SetBy,
    SetAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Communes {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Plans {
    Table,
    Id,
}

/// The columns that are the record: never changed once written.
const FROZEN: [&str; 8] =
    ["version", "number", "issued_on", "signer", "snapshot", "docx", "docx_sha256", "approved_at"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CommuneReportRecords::Table)
                .if_not_exists()
                .col(pk_auto(CommuneReportRecords::Id))
                .col(integer(CommuneReportRecords::CommuneId))
                .col(integer(CommuneReportRecords::PlanId))
                .col(string(CommuneReportRecords::Period))
                .col(integer(CommuneReportRecords::Version))
                .col(integer(CommuneReportRecords::Number))
                .col(string(CommuneReportRecords::NumberedBy))
                .col(date(CommuneReportRecords::IssuedOn))
                .col(text(CommuneReportRecords::Signer))
                .col(text(CommuneReportRecords::Snapshot))
                .col(blob(CommuneReportRecords::Docx))
                .col(string(CommuneReportRecords::DocxSha256))
                .col(string(CommuneReportRecords::ApprovedBy))
                .col(timestamp_with_time_zone(CommuneReportRecords::ApprovedAt))
                .col(string_null(CommuneReportRecords::SupersededBy))
                .col(timestamp_with_time_zone_null(CommuneReportRecords::SupersededAt))
                .col(text_null(CommuneReportRecords::SupersededReason))
                .col(string_null(CommuneReportRecords::ScanName))
                .col(blob_null(CommuneReportRecords::Scan))
                .col(string_null(CommuneReportRecords::ScanSha256))
                .col(string_null(CommuneReportRecords::ScanBy))
                .col(timestamp_with_time_zone_null(CommuneReportRecords::ScanAt))
                .foreign_key(&mut cascade(
                    CommuneReportRecords::Table,
                    CommuneReportRecords::CommuneId,
                    Communes::Table,
                    Communes::Id,
                ))
                .foreign_key(&mut cascade(
                    CommuneReportRecords::Table,
                    CommuneReportRecords::PlanId,
                    Plans::Table,
                    Plans::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_commune_report_records_version")
                .table(CommuneReportRecords::Table)
                .col(CommuneReportRecords::PlanId)
                .col(CommuneReportRecords::Period)
                .col(CommuneReportRecords::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PlanReferences::Table)
                .if_not_exists()
                .col(pk_auto(PlanReferences::Id))
                .col(integer(PlanReferences::CommuneId))
                .col(integer(PlanReferences::PlanId).unique_key())
                .col(string(PlanReferences::Number))
                .col(date(PlanReferences::IssuedOn))
                .col(string(PlanReferences::SetBy))
                .col(timestamp_with_time_zone(PlanReferences::SetAt))
                .foreign_key(&mut cascade(
                    PlanReferences::Table,
                    PlanReferences::CommuneId,
                    Communes::Table,
                    Communes::Id,
                ))
                .foreign_key(&mut cascade(PlanReferences::Table, PlanReferences::PlanId, Plans::Table, Plans::Id))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Sqlite => {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER IF NOT EXISTS commune_report_records_frozen \
                     BEFORE UPDATE OF {} ON commune_report_records \
                     BEGIN SELECT RAISE(ABORT, 'an approved commune report does not change'); END;",
                    FROZEN.join(", ")
                ))
                .await?;
            }
            DbBackend::Postgres => {
                let changed: Vec<String> = FROZEN.iter().map(|c| format!("NEW.{c} IS DISTINCT FROM OLD.{c}")).collect();
                db.execute_unprepared(&format!(
                    "CREATE OR REPLACE FUNCTION commune_report_records_frozen() RETURNS trigger AS $$ \
                     BEGIN IF {} THEN RAISE EXCEPTION 'an approved commune report does not change'; END IF; \
                     RETURN NEW; END; $$ LANGUAGE plpgsql;",
                    changed.join(" OR ")
                ))
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER commune_report_records_frozen BEFORE UPDATE ON commune_report_records \
                     FOR EACH ROW EXECUTE FUNCTION commune_report_records_frozen();",
                )
                .await?;
            }
            other => return Err(DbErr::Migration(format!("unsupported database {other:?}"))),
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS commune_report_records_frozen() CASCADE;")
                .await?;
        }
        m.drop_table(Table::drop().table(PlanReferences::Table).if_exists().to_owned()).await?;
        m.drop_table(Table::drop().table(CommuneReportRecords::Table).if_exists().to_owned()).await
    }
}
