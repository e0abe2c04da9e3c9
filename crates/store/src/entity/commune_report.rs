//! The commune's report for a period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "commune_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    pub period: String,
    /// `draft` or `approved`.
    pub state: String,
    pub narrative: String,
    pub version: i32,
    /// The consolidation as approved, as JSON; `None` while a draft.
    pub frozen_json: Option<String>,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
