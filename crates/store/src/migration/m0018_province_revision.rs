//! A province file's revision (issue 14): raised each time its file is loaded with other text,
//! so that a process may keep the parsed file for as long as the revision reads the same, and
//! never parses a province's file on every request. The time of loading cannot serve: under a
//! frozen clock two loads share it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Provinces {
    Table,
    Revision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(Provinces::Table).add_column(big_integer(Provinces::Revision).default(0)).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Provinces::Table).drop_column(Provinces::Revision).to_owned()).await
    }
}
