//! Unit reports for a period, every submitted version of them, and ad hoc requests.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum UnitReports {
    Table,
    Id,
    CommuneId,
    PlanId,
    Period,
    UnitCode,
    State,
    Late,
    Version,
    BodyJson,
    ReturnReason,
    SubmittedAt,
    AcceptedAt,
    UpdatedBy,
    UpdatedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReportVersions {
    Table,
    Id,
    CommuneId,
    ReportId,
    Number,
    State,
    Late,
    BodyJson,
    At,
    By,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(UnitReports::Table)
                .if_not_exists()
                .col(pk_auto(UnitReports::Id))
                .col(integer(UnitReports::CommuneId))
                .col(integer(UnitReports::PlanId))
                .col(string(UnitReports::Period))
                .col(string(UnitReports::UnitCode))
                .col(string(UnitReports::State))
                .col(boolean(UnitReports::Late))
                .col(integer(UnitReports::Version))
                .col(text(UnitReports::BodyJson))
                .col(text_null(UnitReports::ReturnReason))
                .col(timestamp_with_time_zone_null(UnitReports::SubmittedAt))
                .col(timestamp_with_time_zone_null(UnitReports::AcceptedAt))
                .col(string(UnitReports::UpdatedBy))
                .col(timestamp_with_time_zone(UnitReports::UpdatedAt))
                .col(timestamp_with_time_zone(UnitReports::CreatedAt))
                .foreign_key(&mut cascade(UnitReports::Table, UnitReports::CommuneId, Communes::Table, Communes::Id))
                .foreign_key(&mut cascade(UnitReports::Table, UnitReports::PlanId, Plans::Table, Plans::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_unit_reports")
                .table(UnitReports::Table)
                .col(UnitReports::PlanId)
                .col(UnitReports::Period)
                .col(UnitReports::UnitCode)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReportVersions::Table)
                .if_not_exists()
                .col(pk_auto(ReportVersions::Id))
                .col(integer(ReportVersions::CommuneId))
                .col(integer(ReportVersions::ReportId))
                .col(integer(ReportVersions::Number))
                .col(string(ReportVersions::State))
                .col(boolean(ReportVersions::Late))
                .col(text(ReportVersions::BodyJson))
                .col(timestamp_with_time_zone(ReportVersions::At))
                .col(string(ReportVersions::By))
                .foreign_key(&mut cascade(
                    ReportVersions::Table,
                    ReportVersions::CommuneId,
                    Communes::Table,
                    Communes::Id,
                ))
                .foreign_key(&mut cascade(
                    ReportVersions::Table,
                    ReportVersions::ReportId,
                    UnitReports::Table,
                    UnitReports::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_report_versions")
                .table(ReportVersions::Table)
                .col(ReportVersions::ReportId)
                .col(ReportVersions::Number)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [Alias::new("report_versions"), Alias::new("unit_reports")] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
