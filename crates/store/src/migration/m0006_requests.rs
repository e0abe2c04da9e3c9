//! Ad hoc report requests (báo cáo đột xuất).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReportRequests {
    Table,
    Id,
    CommuneId,
    PlanId,
    Number,
    Title,
    Details,
    AskedJson,
    UnitsJson,
    Deadline,
    CreatedBy,
    CreatedAt,
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
                .table(ReportRequests::Table)
                .if_not_exists()
                .col(pk_auto(ReportRequests::Id))
                .col(integer(ReportRequests::CommuneId))
                .col(integer(ReportRequests::PlanId))
                .col(integer(ReportRequests::Number))
                .col(text(ReportRequests::Title))
                .col(text(ReportRequests::Details))
                .col(text(ReportRequests::AskedJson))
                .col(text(ReportRequests::UnitsJson))
                .col(timestamp_with_time_zone(ReportRequests::Deadline))
                .col(string(ReportRequests::CreatedBy))
                .col(timestamp_with_time_zone(ReportRequests::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from_tbl(ReportRequests::Table)
                        .from_col(ReportRequests::CommuneId)
                        .to_tbl(Communes::Table)
                        .to_col(Communes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from_tbl(ReportRequests::Table)
                        .from_col(ReportRequests::PlanId)
                        .to_tbl(Plans::Table)
                        .to_col(Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_report_requests")
                .table(ReportRequests::Table)
                .col(ReportRequests::PlanId)
                .col(ReportRequests::Number)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReportRequests::Table).if_exists().to_owned()).await
    }
}
