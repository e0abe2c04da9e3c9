//! An indicator (chỉ tiêu) of a plan.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    pub position: i32,
    pub code: String,
    pub section_code: String,
    pub number: String,
    pub name: String,
    pub measure_unit: Option<String>,
    pub kind: String,
    pub baseline_text: String,
    pub baseline_value: Option<f64>,
    pub target_text: String,
    pub target_value: Option<f64>,
    pub coordinators_text: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
