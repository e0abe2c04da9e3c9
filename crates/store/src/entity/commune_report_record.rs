//! A commune report as approved: what was signed, kept as it was. Only the `superseded_*` and
//! `scan_*` columns are ever written after the row is inserted (the database refuses the rest).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "commune_report_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub commune_id: i32,
    pub plan_id: i32,
    pub period: String,
    /// 1 for the first approval of the period, 2 after one correction, …
    pub version: i32,
    pub number: i32,
    /// `office` (entered from the office's register) or `product` (given by the product).
    pub numbered_by: String,
    pub issued_on: Date,
    /// The signer as JSON (authority lines, title, name).
    pub signer: String,
    /// What was approved, as JSON (`kehoach_domain::record::Snapshot`).
    pub snapshot: String,
    pub docx: Vec<u8>,
    pub docx_sha256: String,
    pub approved_by: String,
    pub approved_at: DateTimeUtc,
    pub superseded_by: Option<String>,
    pub superseded_at: Option<DateTimeUtc>,
    pub superseded_reason: Option<String>,
    pub scan_name: Option<String>,
    pub scan: Option<Vec<u8>>,
    pub scan_sha256: Option<String>,
    pub scan_by: Option<String>,
    pub scan_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
