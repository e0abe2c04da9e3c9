//! The roll-up at national scale (issue 14): the official code of each plan's commune in a
//! table of its own, so that "the communes of a province hosted on this server" is one query
//! and not a load of every plan, and the indexes the nation's roll-up reads by (every
//! province's sendings of a period; a commune's sendings by its official code).

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::cascade;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PlanOfficialCodes {
    Table,
    PlanId,
    ProvinceCode,
    Year,
    OfficialCode,
}

#[derive(DeriveIden, Clone, Copy)]
enum Plans {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProvinceHandoffs {
    Table,
    Period,
    CommuneCode,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProvinceFigures {
    Table,
    Period,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PlanOfficialCodes::Table)
                .col(integer(PlanOfficialCodes::PlanId).primary_key())
                .col(string(PlanOfficialCodes::ProvinceCode))
                .col(integer(PlanOfficialCodes::Year))
                .col(string(PlanOfficialCodes::OfficialCode))
                .foreign_key(&mut cascade(PlanOfficialCodes::Table, PlanOfficialCodes::PlanId, Plans::Table, Plans::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_plan_official_codes_province_year")
                .table(PlanOfficialCodes::Table)
                .col(PlanOfficialCodes::ProvinceCode)
                .col(PlanOfficialCodes::Year)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_province_handoffs_period")
                .table(ProvinceHandoffs::Table)
                .col(ProvinceHandoffs::Period)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_province_handoffs_commune_code")
                .table(ProvinceHandoffs::Table)
                .col(ProvinceHandoffs::CommuneCode)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_province_figures_period")
                .table(ProvinceFigures::Table)
                .col(ProvinceFigures::Period)
                .to_owned(),
        )
        .await?;
        // Plans imported before this migration: their official code is in their stored text.
        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT p.id, p.year, p.text_json, c.province_code FROM plans p JOIN communes c ON c.id = p.commune_id",
            ))
            .await?;
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            let year: i32 = row.try_get("", "year")?;
            let text: String = row.try_get("", "text_json")?;
            let province: String = row.try_get("", "province_code")?;
            let code = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("official_code").and_then(|c| c.as_str()).map(str::to_owned));
            if let Some(code) = code {
                let mut insert = Query::insert();
                insert.into_table(PlanOfficialCodes::Table).columns([
                    PlanOfficialCodes::PlanId,
                    PlanOfficialCodes::ProvinceCode,
                    PlanOfficialCodes::Year,
                    PlanOfficialCodes::OfficialCode,
                ]);
                insert
                    .values([id.into(), province.into(), year.into(), code.into()])
                    .map_err(|e| DbErr::Custom(e.to_string()))?;
                m.exec_stmt(insert).await?;
            }
        }
        Ok(())
    }
}
