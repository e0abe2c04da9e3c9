//! The province's half (issue 13): the province files loaded, every sending of an approved
//! commune report to the province with the province's decision, and the figures each sending
//! gives the province's indicators — written with the approval, so that a roll-up reads rows
//! and never re-parses a report.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Provinces {
    Table,
    Id,
    Slug,
    Code,
    Name,
    Source,
    LoadedBy,
    LoadedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProvinceHandoffs {
    Table,
    Id,
    RecordId,
    CommuneId,
    PlanId,
    Province,
    CommuneCode,
    Period,
    SentAt,
    State,
    DecidedBy,
    DecidedAt,
    Reason,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProvinceFigures {
    Table,
    Id,
    RecordId,
    Province,
    Period,
    Indicator,
    Value,
    Numerator,
    Denominator,
    Target,
    Status,
}

#[derive(DeriveIden, Clone, Copy)]
enum CommuneReportRecords {
    Table,
    Id,
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
                .table(Provinces::Table)
                .if_not_exists()
                .col(pk_auto(Provinces::Id))
                .col(string(Provinces::Slug).unique_key())
                .col(string(Provinces::Code).unique_key())
                .col(string(Provinces::Name))
                .col(text(Provinces::Source))
                .col(string(Provinces::LoadedBy))
                .col(timestamp_with_time_zone(Provinces::LoadedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProvinceHandoffs::Table)
                .if_not_exists()
                .col(pk_auto(ProvinceHandoffs::Id))
                .col(integer(ProvinceHandoffs::RecordId).unique_key())
                .col(integer(ProvinceHandoffs::CommuneId))
                .col(integer(ProvinceHandoffs::PlanId))
                .col(string(ProvinceHandoffs::Province))
                .col(string_null(ProvinceHandoffs::CommuneCode))
                .col(string(ProvinceHandoffs::Period))
                .col(timestamp_with_time_zone(ProvinceHandoffs::SentAt))
                .col(string(ProvinceHandoffs::State))
                .col(string_null(ProvinceHandoffs::DecidedBy))
                .col(timestamp_with_time_zone_null(ProvinceHandoffs::DecidedAt))
                .col(text_null(ProvinceHandoffs::Reason))
                .foreign_key(&mut cascade(
                    ProvinceHandoffs::Table,
                    ProvinceHandoffs::RecordId,
                    CommuneReportRecords::Table,
                    CommuneReportRecords::Id,
                ))
                .foreign_key(&mut cascade(
                    ProvinceHandoffs::Table,
                    ProvinceHandoffs::CommuneId,
                    Communes::Table,
                    Communes::Id,
                ))
                .foreign_key(&mut cascade(ProvinceHandoffs::Table, ProvinceHandoffs::PlanId, Plans::Table, Plans::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_province_handoffs_period")
                .table(ProvinceHandoffs::Table)
                .col(ProvinceHandoffs::Province)
                .col(ProvinceHandoffs::Period)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProvinceFigures::Table)
                .if_not_exists()
                .col(pk_auto(ProvinceFigures::Id))
                .col(integer(ProvinceFigures::RecordId))
                .col(string(ProvinceFigures::Province))
                .col(string(ProvinceFigures::Period))
                .col(string(ProvinceFigures::Indicator))
                .col(double_null(ProvinceFigures::Value))
                .col(double_null(ProvinceFigures::Numerator))
                .col(double_null(ProvinceFigures::Denominator))
                .col(double_null(ProvinceFigures::Target))
                .col(string_null(ProvinceFigures::Status))
                .foreign_key(&mut cascade(
                    ProvinceFigures::Table,
                    ProvinceFigures::RecordId,
                    CommuneReportRecords::Table,
                    CommuneReportRecords::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_province_figures_record")
                .table(ProvinceFigures::Table)
                .col(ProvinceFigures::RecordId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProvinceFigures::Table).if_exists().to_owned()).await?;
        m.drop_table(Table::drop().table(ProvinceHandoffs::Table).if_exists().to_owned()).await?;
        m.drop_table(Table::drop().table(Provinces::Table).if_exists().to_owned()).await
    }
}
