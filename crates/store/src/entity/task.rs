//! A key task (nhiệm vụ) of a plan.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    pub position: i32,
    pub code: String,
    pub group_code: String,
    pub number: String,
    pub content: String,
    pub description: String,
    pub coordinators_text: Option<String>,
    /// `year`, `ongoing` or `every_year`.
    pub time_frame: String,
    pub time_frame_year: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
