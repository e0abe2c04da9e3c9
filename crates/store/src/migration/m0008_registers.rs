//! Registers (sổ theo dõi): dated records owned by units, and their evidence files.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum RegisterRecords {
    Table,
    Id,
    CommuneId,
    Register,
    UnitCode,
    RecordDate,
    FieldsJson,
    Sample,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RegisterFiles {
    Table,
    Id,
    CommuneId,
    RecordId,
    Name,
    Mime,
    Size,
    Sha256,
    Data,
    UploadedBy,
    UploadedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Communes {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RegisterRecords::Table)
                .if_not_exists()
                .col(pk_auto(RegisterRecords::Id))
                .col(integer(RegisterRecords::CommuneId))
                .col(string(RegisterRecords::Register))
                .col(string(RegisterRecords::UnitCode))
                .col(date(RegisterRecords::RecordDate))
                .col(text(RegisterRecords::FieldsJson))
                .col(boolean(RegisterRecords::Sample))
                .col(integer(RegisterRecords::Version))
                .col(string(RegisterRecords::CreatedBy))
                .col(timestamp_with_time_zone(RegisterRecords::CreatedAt))
                .col(string(RegisterRecords::UpdatedBy))
                .col(timestamp_with_time_zone(RegisterRecords::UpdatedAt))
                .foreign_key(&mut cascade(
                    RegisterRecords::Table,
                    RegisterRecords::CommuneId,
                    Communes::Table,
                    Communes::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_register_records")
                .table(RegisterRecords::Table)
                .col(RegisterRecords::CommuneId)
                .col(RegisterRecords::Register)
                .col(RegisterRecords::RecordDate)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RegisterFiles::Table)
                .if_not_exists()
                .col(pk_auto(RegisterFiles::Id))
                .col(integer(RegisterFiles::CommuneId))
                .col(integer(RegisterFiles::RecordId))
                .col(string(RegisterFiles::Name))
                .col(string(RegisterFiles::Mime))
                .col(integer(RegisterFiles::Size))
                .col(string(RegisterFiles::Sha256))
                .col(blob(RegisterFiles::Data))
                .col(string(RegisterFiles::UploadedBy))
                .col(timestamp_with_time_zone(RegisterFiles::UploadedAt))
                .foreign_key(&mut cascade(
                    RegisterFiles::Table,
                    RegisterFiles::RecordId,
                    RegisterRecords::Table,
                    RegisterRecords::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_register_files_record")
                .table(RegisterFiles::Table)
                .col(RegisterFiles::RecordId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [Alias::new("register_files"), Alias::new("register_records")] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
