//! A unit's private calendar link: its deadlines with the titles of ad hoc requests, which the
//! public feed leaves out. The secret is kept as given, so that the unit's page can show the
//! link again; renewing it replaces it, and the old link stops working.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Units {
    Table,
    CalendarSecret,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Units::Table).add_column(string_null(Units::CalendarSecret)).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Units::Table).drop_column(Units::CalendarSecret).to_owned()).await
    }
}
