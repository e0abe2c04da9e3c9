//! The plan's own number and date, filled in when the plan file did not carry them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_references")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    pub number: String,
    pub issued_on: Date,
    pub set_by: String,
    pub set_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
