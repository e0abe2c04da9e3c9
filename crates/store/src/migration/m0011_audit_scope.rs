//! The province of an audit row. A change to a province-level record (a `cap_tren` account, a
//! province's admin) has no commune; without its province no one could be shown it, so the row
//! carries the province it belongs to. Rows with a commune find their province through it.
//!
//! Adding a column is no update of a row: the append-only triggers of m0003 stay as they are,
//! and rows written before this migration keep no province (they are not rewritten).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Province,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(AuditLog::Table).add_column(string_null(AuditLog::Province)).to_owned())
            .await?;
        m.create_index(
            Index::create()
                .name("audit_log_province")
                .table(AuditLog::Table)
                .col(AuditLog::Province)
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("audit_log_province").table(AuditLog::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(AuditLog::Table).drop_column(AuditLog::Province).to_owned()).await
    }
}
