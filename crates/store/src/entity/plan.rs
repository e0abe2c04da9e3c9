//! A commune's yearly plan. The narrative parts are kept whole as JSON: they are read whole, never queried.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub slug: String,
    pub year: i32,
    pub title: String,
    pub number: Option<String>,
    pub symbol: String,
    pub issued_on: Option<Date>,
    /// [`crate::plans::PlanText`] as JSON.
    pub text_json: String,
    pub imported_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
