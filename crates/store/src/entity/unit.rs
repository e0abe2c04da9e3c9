//! A unit of a commune (đơn vị): department, village, outside body …

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub code: String,
    pub name: String,
    /// Folded name for diacritic-insensitive search.
    pub name_key: String,
    pub kind: String,
    /// Made-up demonstration unit, never a real village.
    pub sample: bool,
    pub active: bool,
    pub created_at: DateTimeUtc,
    /// The unit's contact person for this work (đầu mối liên hệ, plan IV.2).
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_note: Option<String>,
    pub updated_at: Option<DateTimeUtc>,
    /// The secret of the unit's private calendar link; none until someone asks for one.
    pub calendar_secret: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
