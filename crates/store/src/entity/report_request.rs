//! An ad hoc report request (báo cáo đột xuất).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "report_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    /// Its number within the plan, from 1.
    pub number: i32,
    pub title: String,
    pub details: String,
    /// Tasks, indicators and questions asked, as JSON.
    pub asked_json: String,
    /// Codes of the units asked, as JSON.
    pub units_json: String,
    pub deadline: DateTimeUtc,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
