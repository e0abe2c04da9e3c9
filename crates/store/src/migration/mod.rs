//! Rust migrations: one set, the same for SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

mod m0001_initial;
mod m0002_accounts;
mod m0003_audit_append_only;
mod m0004_reports;
mod m0005_commune_reports;
mod m0006_requests;
mod m0007_report_files;
mod m0008_registers;
mod m0009_initiatives;
mod m0010_document_numbers;
mod m0011_audit_scope;
mod m0013_calendar_secret;
mod m0014_commune_report_records;
mod m0015_province;
mod m0016_revisions;
mod m0017_rollup_indexes;
mod m0018_province_revision;

/// A foreign key that deletes the row with what it points at.
fn cascade(
    from: impl IntoIden,
    col: impl IntoIden,
    to: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(from)
        .from_col(col)
        .to_tbl(to)
        .to_col(to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_initial::Migration),
            Box::new(m0002_accounts::Migration),
            Box::new(m0003_audit_append_only::Migration),
            Box::new(m0004_reports::Migration),
            Box::new(m0005_commune_reports::Migration),
            Box::new(m0006_requests::Migration),
            Box::new(m0007_report_files::Migration),
            Box::new(m0008_registers::Migration),
            Box::new(m0009_initiatives::Migration),
            Box::new(m0010_document_numbers::Migration),
            Box::new(m0011_audit_scope::Migration),
            Box::new(m0013_calendar_secret::Migration),
            Box::new(m0014_commune_report_records::Migration),
            Box::new(m0015_province::Migration),
            Box::new(m0016_revisions::Migration),
            Box::new(m0017_rollup_indexes::Migration),
            Box::new(m0018_province_revision::Migration),
        ]
    }
}
