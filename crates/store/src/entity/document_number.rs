//! A document number issued by a commune: its type's yearly sequence, and what it numbers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "document_numbers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub year: i32,
    /// The type code of the symbol ("BC" in "05/BC-UBND").
    pub doc_type: String,
    pub number: i32,
    /// What it numbers ("report:muong-la-2026:2026-Q1"), so that it keeps its number.
    pub subject: String,
    pub issued_on: Date,
    pub issued_by: String,
    pub issued_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
