//! A round of initiative recognition: one per commune and year.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "initiative_rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    pub year: i32,
    /// `open` or `decided` ([`kehoach_domain::initiative::RoundState`]).
    pub state: String,
    /// The plan's [`kehoach_domain::initiative::InitiativeRules`] when the round opened.
    pub rules_json: String,
    pub opened_by: String,
    pub opened_at: DateTimeUtc,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
