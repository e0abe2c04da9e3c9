//! Live numbers without a rebuild (issue 14): two counters per commune, raised in the same
//! transaction as every change, so that a process may keep what it computed from them (a plan,
//! its progress) for as long as the counters read the same. `plan_revision` moves with what
//! `Store::plan` returns (the plan file, the commune's units and groups, the plan's reference);
//! `data_revision` with what progress reads (register records, unit reports, commune reports).
//! The counters are in the database, so every process sharing it sees a change at once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Revisions {
    Table,
    CommuneId,
    PlanRevision,
    DataRevision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Revisions::Table)
                .if_not_exists()
                .col(integer(Revisions::CommuneId).primary_key())
                .col(big_integer(Revisions::PlanRevision).default(0))
                .col(big_integer(Revisions::DataRevision).default(0))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Revisions::Table).to_owned()).await
    }
}
