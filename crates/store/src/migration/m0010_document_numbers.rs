//! Issued document numbers: each type's numbers run from 01 each year in a commune, and a
//! number once issued is never given again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum DocumentNumbers {
    Table,
    Id,
    CommuneId,
    Year,
    DocType,
    Number,
    Subject,
    IssuedOn,
    IssuedBy,
    IssuedAt,
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
                .table(DocumentNumbers::Table)
                .if_not_exists()
                .col(pk_auto(DocumentNumbers::Id))
                .col(integer(DocumentNumbers::CommuneId))
                .col(integer(DocumentNumbers::Year))
                .col(string(DocumentNumbers::DocType))
                .col(integer(DocumentNumbers::Number))
                .col(string(DocumentNumbers::Subject))
                .col(date(DocumentNumbers::IssuedOn))
                .col(string(DocumentNumbers::IssuedBy))
                .col(timestamp_with_time_zone(DocumentNumbers::IssuedAt))
                .foreign_key(&mut cascade(
                    DocumentNumbers::Table,
                    DocumentNumbers::CommuneId,
                    Communes::Table,
                    Communes::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_document_numbers_number")
                .table(DocumentNumbers::Table)
                .col(DocumentNumbers::CommuneId)
                .col(DocumentNumbers::Year)
                .col(DocumentNumbers::DocType)
                .col(DocumentNumbers::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_document_numbers_subject")
                .table(DocumentNumbers::Table)
                .col(DocumentNumbers::CommuneId)
                .col(DocumentNumbers::Subject)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DocumentNumbers::Table).if_exists().to_owned()).await
    }
}
