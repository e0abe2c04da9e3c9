//! A register record (sổ theo dõi): dated, owned by a unit, its fields as JSON.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "register_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    /// Key of the register (`truyen_thong`), from `kehoach_domain::register::REGISTERS`.
    pub register: String,
    pub unit_code: String,
    pub record_date: Date,
    /// The checked fields, a JSON object.
    pub fields_json: String,
    /// Demonstration data ("(mẫu)"), never real.
    pub sample: bool,
    pub version: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
