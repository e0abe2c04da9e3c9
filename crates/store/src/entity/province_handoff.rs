//! One sending of an approved commune report (one record version) to the province, and the
//! province's decision on it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "province_handoffs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub record_id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    /// The province's slug, as the commune's plan names it.
    pub province: String,
    /// The commune's official code, if its plan gives it.
    pub commune_code: Option<String>,
    pub period: String,
    pub sent_at: DateTimeUtc,
    /// `sent`, `returned` or `accepted` (`kehoach_domain::rollup::AtProvince`).
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    /// Why it was returned.
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
