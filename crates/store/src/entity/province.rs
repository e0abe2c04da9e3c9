//! A province file as loaded: its source kept as written, parsed when read.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "provinces")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    /// Official code, two digits ("14").
    pub code: String,
    pub name: String,
    pub source: String,
    pub loaded_by: String,
    pub loaded_at: DateTimeUtc,
    /// Raised on every load that changes the file's text.
    pub revision: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
