//! What one approved commune report gives one province indicator, in the columns its rule reads:
//! `value` (sum, share meeting target), `numerator`/`denominator` (ratio of sums), `target`
//! (the commune's own, reached at least), `status` (distribution).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "province_figures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub record_id: i32,
    pub province: String,
    pub period: String,
    /// The province indicator's code.
    pub indicator: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub target: Option<f64>,
    pub status: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
