//! Who leads or coordinates an indicator or a task: a unit or a group, by code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "responsibilities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    /// `indicator` or `task`.
    pub subject_kind: String,
    pub subject_code: String,
    /// `lead` or `coordinator`.
    pub role: String,
    pub position: i32,
    /// `unit` or `group`.
    pub ref_kind: String,
    pub ref_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
