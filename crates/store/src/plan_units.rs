//! What a new version of a plan file drops: the units and groups the previous version named
//! and this one does not.
//!
//! A dropped group goes: nothing but the plan's responsibilities (rewritten on each import)
//! points at it. A dropped unit goes too, unless something of the commune's history is its:
//! reports, register records, users, ad hoc requests. Such a unit is kept but no longer active:
//! it leaves the plan, its pages, the board and the forms, while its reports and records stay
//! readable under its code, and a later version that names it again brings it back. A unit or
//! group another plan of the commune still names stays as it is.

use std::collections::BTreeSet;

use kehoach_domain::Plan;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::entity::{plan, register_record, report_request, unit, unit_group, unit_group_member, unit_report, user};

/// The codes a plan file names, as kept in `plans.text_json`.
#[derive(Deserialize, Default)]
struct FileCodes {
    #[serde(default)]
    file_units: Vec<String>,
    #[serde(default)]
    file_groups: Vec<String>,
}

fn file_codes(text_json: &str) -> FileCodes {
    // A text that does not read gives no codes: nothing is dropped on its account.
    serde_json::from_str(text_json).unwrap_or_default()
}

/// What an import dropped, for its audit row.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Dropped {
    /// Units removed from the commune.
    pub removed_units: Vec<String>,
    /// Units kept for their history, no longer active.
    pub retired_units: Vec<String>,
    pub removed_groups: Vec<String>,
}

impl Dropped {
    pub fn is_empty(&self) -> bool {
        self.removed_units.is_empty() && self.retired_units.is_empty() && self.removed_groups.is_empty()
    }
}

/// Drops what the stored version `previous` of the plan named and `plan` does not. Run inside
/// the import's transaction, after the new file's units and groups are written.
pub(crate) async fn drop_stale<C: ConnectionTrait>(
    conn: &C,
    commune_id: i32,
    previous: &plan::Model,
    plan: &Plan,
) -> Result<Dropped, StoreError> {
    let before = file_codes(&previous.text_json);
    // What the commune's other plans name stays.
    let mut kept_units: BTreeSet<String> = plan.units.iter().map(|u| u.code.clone()).collect();
    let mut kept_groups: BTreeSet<String> = plan.groups.iter().map(|g| g.code.clone()).collect();
    let others = plan::Entity::find()
        .filter(plan::Column::CommuneId.eq(commune_id))
        .filter(plan::Column::Id.ne(previous.id))
        .all(conn)
        .await?;
    for other in &others {
        let codes = file_codes(&other.text_json);
        kept_units.extend(codes.file_units);
        kept_groups.extend(codes.file_groups);
    }
    let mut dropped = Dropped::default();
    for code in before.file_groups.iter().filter(|c| !kept_groups.contains(*c)) {
        let found = unit_group::Entity::find()
            .filter(unit_group::Column::CommuneId.eq(commune_id))
            .filter(unit_group::Column::Code.eq(code))
            .one(conn)
            .await?;
        if let Some(g) = found {
            unit_group_member::Entity::delete_many()
                .filter(unit_group_member::Column::GroupId.eq(g.id))
                .exec(conn)
                .await?;
            unit_group::Entity::delete_by_id(g.id).exec(conn).await?;
            dropped.removed_groups.push(code.clone());
        }
    }
    for code in before.file_units.iter().filter(|c| !kept_units.contains(*c)) {
        let found = unit::Entity::find()
            .filter(unit::Column::CommuneId.eq(commune_id))
            .filter(unit::Column::Code.eq(code))
            .one(conn)
            .await?;
        let Some(u) = found else { continue };
        if has_history(conn, commune_id, code).await? {
            unit::Entity::update_many()
                .col_expr(unit::Column::Active, Expr::value(false))
                .filter(unit::Column::Id.eq(u.id))
                .exec(conn)
                .await?;
            dropped.retired_units.push(code.clone());
        } else {
            unit_group_member::Entity::delete_many()
                .filter(unit_group_member::Column::UnitId.eq(u.id))
                .exec(conn)
                .await?;
            unit::Entity::delete_by_id(u.id).exec(conn).await?;
            dropped.removed_units.push(code.clone());
        }
    }
    Ok(dropped)
}

/// Whether anything the commune keeps belongs to the unit.
async fn has_history<C: ConnectionTrait>(conn: &C, commune_id: i32, code: &str) -> Result<bool, StoreError> {
    let reports = unit_report::Entity::find()
        .filter(unit_report::Column::CommuneId.eq(commune_id))
        .filter(unit_report::Column::UnitCode.eq(code))
        .count(conn)
        .await?;
    let records = register_record::Entity::find()
        .filter(register_record::Column::CommuneId.eq(commune_id))
        .filter(register_record::Column::UnitCode.eq(code))
        .count(conn)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::CommuneId.eq(commune_id))
        .filter(user::Column::UnitCode.eq(code))
        .count(conn)
        .await?;
    if reports + records + users > 0 {
        return Ok(true);
    }
    let requests =
        report_request::Entity::find().filter(report_request::Column::CommuneId.eq(commune_id)).all(conn).await?;
    Ok(requests
        .iter()
        .any(|r| serde_json::from_str::<Vec<String>>(&r.units_json).is_ok_and(|units| units.iter().any(|u| u == code))))
}
