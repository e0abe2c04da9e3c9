//! The audit trail: who changed what, when, from where, what it was and what it became.
//!
//! Append-only: this module inserts and reads; nothing updates or deletes an audit row.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;

use crate::StoreError;
use crate::entity::audit;

pub(crate) struct Entry<'a, T: Serialize> {
    pub commune_id: Option<i32>,
    pub actor: &'a str,
    pub address: Option<&'a str>,
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_key: &'a str,
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
}

/// Writes one audit row on `conn`, which should be the transaction making the change.
pub(crate) async fn record<C: ConnectionTrait, T: Serialize>(conn: &C, entry: Entry<'_, T>) -> Result<(), StoreError> {
    audit::ActiveModel {
        commune_id: Set(entry.commune_id),
        at: Set(Utc::now()),
        actor: Set(entry.actor.to_owned()),
        address: Set(entry.address.map(str::to_owned)),
        action: Set(entry.action.to_owned()),
        record_kind: Set(entry.record_kind.to_owned()),
        record_key: Set(entry.record_key.to_owned()),
        before_json: Set(entry.before.map(serde_json::to_string).transpose()?),
        after_json: Set(entry.after.map(serde_json::to_string).transpose()?),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// One row of the audit trail, as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub at: chrono::DateTime<Utc>,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub record_kind: String,
    pub record_key: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

impl crate::Store {
    /// The changes to one record, oldest first.
    pub async fn audit_trail(&self, record_kind: &str, record_key: &str) -> Result<Vec<AuditEntry>, StoreError> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        Ok(audit::Entity::find()
            .filter(audit::Column::RecordKind.eq(record_kind))
            .filter(audit::Column::RecordKey.eq(record_key))
            .order_by_asc(audit::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| AuditEntry {
                at: a.at,
                actor: a.actor,
                address: a.address,
                action: a.action,
                record_kind: a.record_kind,
                record_key: a.record_key,
                before_json: a.before_json,
                after_json: a.after_json,
            })
            .collect())
    }
}
