//! The commune's report for a period: the narrative the focal officer writes, approved by the
//! commune's leader and then frozen with the consolidation it was approved on.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CommuneReports {
    Table,
    Id,
    CommuneId,
    PlanId,
    Period,
    State,
    Narrative,
    Version,
    FrozenJson,
    UpdatedBy,
    UpdatedAt,
    ApprovedBy,
    ApprovedAt,
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
                .table(CommuneReports::Table)
                .if_not_exists()
                .col(pk_auto(CommuneReports::Id))
                .col(integer(CommuneReports::CommuneId))
                .col(integer(CommuneReports::PlanId))
                .col(string(CommuneReports::Period))
                .col(string(CommuneReports::State))
                .col(text(CommuneReports::Narrative))
                .col(integer(CommuneReports::Version))
                .col(text_null(CommuneReports::FrozenJson))
                .col(string(CommuneReports::UpdatedBy))
                .col(timestamp_with_time_zone(CommuneReports::UpdatedAt))
                .col(string_null(CommuneReports::ApprovedBy))
                .col(timestamp_with_time_zone_null(CommuneReports::ApprovedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from_tbl(CommuneReports::Table)
                        .from_col(CommuneReports::CommuneId)
                        .to_tbl(Communes::Table)
                        .to_col(Communes::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from_tbl(CommuneReports::Table)
                        .from_col(CommuneReports::PlanId)
                        .to_tbl(Plans::Table)
                        .to_col(Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_commune_reports")
                .table(CommuneReports::Table)
                .col(CommuneReports::PlanId)
                .col(CommuneReports::Period)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CommuneReports::Table).if_exists().to_owned()).await
    }
}
