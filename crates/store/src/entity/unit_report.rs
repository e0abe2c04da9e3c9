//! A unit's report for a period: its current state and content.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    /// `2026-Q1`, `2026-Y`.
    pub period: String,
    pub unit_code: String,
    pub state: String,
    /// Submitted after the deadline.
    pub late: bool,
    /// Bumped by every write: a write naming an older version is a conflict.
    pub version: i32,
    /// [`kehoach_domain::report::ReportBody`] as JSON.
    pub body_json: String,
    pub return_reason: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    pub accepted_at: Option<DateTimeUtc>,
    pub updated_by: String,
    pub updated_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
