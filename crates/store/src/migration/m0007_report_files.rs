//! Evidence files of unit reports, kept in the database so that a backup of it keeps them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReportFiles {
    Table,
    Id,
    CommuneId,
    ReportId,
    Name,
    Mime,
    Size,
    Sha256,
    Data,
    UploadedBy,
    UploadedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UnitReports {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReportFiles::Table)
                .if_not_exists()
                .col(pk_auto(ReportFiles::Id))
                .col(integer(ReportFiles::CommuneId))
                .col(integer(ReportFiles::ReportId))
                .col(string(ReportFiles::Name))
                .col(string(ReportFiles::Mime))
                .col(integer(ReportFiles::Size))
                .col(string(ReportFiles::Sha256))
                .col(blob(ReportFiles::Data))
                .col(string(ReportFiles::UploadedBy))
                .col(timestamp_with_time_zone(ReportFiles::UploadedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from_tbl(ReportFiles::Table)
                        .from_col(ReportFiles::ReportId)
                        .to_tbl(UnitReports::Table)
                        .to_col(UnitReports::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_report_files_report")
                .table(ReportFiles::Table)
                .col(ReportFiles::ReportId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReportFiles::Table).if_exists().to_owned()).await
    }
}
