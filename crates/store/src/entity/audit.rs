//! The audit trail: append-only, written in the same transaction as the change.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: Option<i32>,
    /// The province of a row without a commune (a province-level record); see m0011.
    pub province: Option<String>,
    pub at: DateTimeUtc,
    /// Who made the change: a user name, or `cli` / `system`.
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub record_kind: String,
    pub record_key: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
