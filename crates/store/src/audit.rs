//! The audit trail: who changed what, when, from where, what it was and what it became.
//!
//! Append-only: this module inserts and reads; nothing updates or deletes an audit row.
//!
//! A row's time is the application's clock's, not the machine's: whoever runs a change under a
//! clock of its own (a demonstration on a frozen date, a test) runs it inside
//! [`AuditEntry::timed_by`]; outside one, rows take the system time.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use kehoach_domain::clock::Clock;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;

use crate::StoreError;
use crate::entity::audit;

/// Who makes a change, and from where: every changing call of the store takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    /// A user name, or `cli` / `system` for changes made outside the web.
    pub name: &'a str,
    /// The client's address, when the change comes over the network.
    pub address: Option<&'a str>,
}

impl<'a> Actor<'a> {
    pub const CLI: Actor<'static> = Actor { name: "cli", address: None };
    pub const SYSTEM: Actor<'static> = Actor { name: "system", address: None };
}

pub(crate) struct Entry<'a, T: Serialize> {
    pub commune_id: Option<i32>,
    pub actor: Actor<'a>,
    pub action: &'a str,
    pub record_kind: &'a str,
    pub record_key: &'a str,
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
}

tokio::task_local! {
    /// The clock of the application on whose behalf the current task writes.
    static CLOCK: Arc<dyn Clock>;
}

/// The time a row written now carries: the application's clock, else the system's.
fn now() -> DateTime<Utc> {
    CLOCK.try_with(|clock| clock.now()).unwrap_or_else(|_| Utc::now())
}

/// Writes one audit row on `conn`, which should be the transaction making the change.
pub(crate) async fn record<C: ConnectionTrait, T: Serialize>(conn: &C, entry: Entry<'_, T>) -> Result<(), StoreError> {
    insert(conn, None, entry).await
}

/// Writes one audit row of a record that belongs to `province`, with or without a commune (a
/// user account): a row without a commune is shown by its province, so it must carry it.
pub(crate) async fn record_in_province<C: ConnectionTrait, T: Serialize>(
    conn: &C,
    province: &str,
    entry: Entry<'_, T>,
) -> Result<(), StoreError> {
    insert(conn, Some(province), entry).await
}

async fn insert<C: ConnectionTrait, T: Serialize>(
    conn: &C,
    province: Option<&str>,
    entry: Entry<'_, T>,
) -> Result<(), StoreError> {
    audit::ActiveModel {
        commune_id: Set(entry.commune_id),
        province: Set(province.map(str::to_owned)),
        at: Set(now()),
        actor: Set(entry.actor.name.to_owned()),
        address: Set(entry.actor.address.map(str::to_owned)),
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
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i32,
    pub at: chrono::DateTime<Utc>,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub record_kind: String,
    pub record_key: String,
    /// What the record was, as JSON; `None` for a creation.
    pub before_json: Option<String>,
    /// What it became, as JSON.
    pub after_json: Option<String>,
}

impl AuditEntry {
    /// Runs `work` with its audit rows timed by `clock` (the application's, which a
    /// demonstration or a test freezes), instead of the system time.
    pub async fn timed_by<F: Future>(clock: Arc<dyn Clock>, work: F) -> F::Output {
        CLOCK.scope(clock, work).await
    }
}

/// Which audit rows to read. `communes` limits them to these communes (a commune's staff see
/// their commune's only); `province` alone to the province's rows: its communes' and its own
/// (those without a commune, such as its `cap_tren` accounts). The other fields narrow further.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub communes: Option<Vec<String>>,
    pub province: Option<String>,
    pub record_kind: Option<String>,
    pub record_key: Option<String>,
    pub actor: Option<String>,
    pub from: Option<chrono::DateTime<Utc>>,
    pub to: Option<chrono::DateTime<Utc>>,
    pub limit: u64,
}

impl crate::Store {
    /// The changes to one record, oldest first.
    pub async fn audit_trail(&self, record_kind: &str, record_key: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let mut entries = self
            .audit(&AuditFilter {
                record_kind: Some(record_kind.into()),
                record_key: Some(record_key.into()),
                limit: 10_000,
                ..Default::default()
            })
            .await?;
        entries.reverse();
        Ok(entries)
    }

    /// Audit rows matching the filter, newest first.
    pub async fn audit(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_before(f, None).await
    }

    /// Audit rows matching the filter, newest first, older than the row `before`: the trail a
    /// page at a time.
    pub async fn audit_before(&self, f: &AuditFilter, before: Option<i32>) -> Result<Vec<AuditEntry>, StoreError> {
        use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

        use crate::entity::commune;
        let mut query = audit::Entity::find().order_by_desc(audit::Column::Id).limit(f.limit.max(1));
        if let Some(id) = before {
            query = query.filter(audit::Column::Id.lt(id));
        }
        if f.communes.is_some() || f.province.is_some() {
            let mut communes = commune::Entity::find();
            if let Some(p) = &f.province {
                communes = communes.filter(commune::Column::ProvinceCode.eq(p));
            }
            if let Some(codes) = &f.communes {
                communes = communes.filter(commune::Column::Code.is_in(codes.iter().cloned()));
            }
            let ids: Vec<i32> = communes.all(&self.db).await?.into_iter().map(|c| c.id).collect();
            let mut rows = Condition::any().add(audit::Column::CommuneId.is_in(ids));
            if f.communes.is_none()
                && let Some(p) = &f.province
            {
                rows = rows
                    .add(Condition::all().add(audit::Column::CommuneId.is_null()).add(audit::Column::Province.eq(p)));
            }
            query = query.filter(rows);
        }
        if let Some(kind) = &f.record_kind {
            query = query.filter(audit::Column::RecordKind.eq(kind));
        }
        if let Some(key) = &f.record_key {
            query = query.filter(audit::Column::RecordKey.eq(key));
        }
        if let Some(actor) = &f.actor {
            query = query.filter(audit::Column::Actor.eq(actor));
        }
        if let Some(from) = f.from {
            query = query.filter(audit::Column::At.gte(from));
        }
        if let Some(to) = f.to {
            query = query.filter(audit::Column::At.lt(to));
        }
        Ok(query
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| AuditEntry {
                id: a.id,
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::Utc;
    use sea_orm::ConnectionTrait;

    use crate::testing::{Backend, TestDb};

    /// No code path may change an audit row, and the database itself refuses it.
    async fn refuses_changes(backend: Backend) {
        let db = TestDb::new(backend).await;
        let conn = &db.store.db;
        conn.execute_unprepared(
            "INSERT INTO audit_log (commune_id, at, actor, action, record_kind, record_key) \
             VALUES (NULL, '2026-01-01T00:00:00Z', 'test', 'test.add', 'test', 'k')",
        )
        .await
        .expect("appending is allowed");
        assert!(conn.execute_unprepared("UPDATE audit_log SET actor = 'someone else'").await.is_err());
        assert!(conn.execute_unprepared("DELETE FROM audit_log").await.is_err());
        let rows = db.store.audit_trail("test", "k").await.expect("read");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].actor, "test");
        db.finish().await;
    }

    /// A row written under the application's clock carries its time, not the machine's.
    async fn rows_follow_the_applications_clock(backend: Backend) {
        use chrono::TimeZone;
        use kehoach_domain::clock::FixedClock;

        let db = TestDb::new(backend).await;
        let frozen = Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap();
        let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).expect("the shipped plan");
        let actor = super::Actor { name: "test", address: None };
        super::AuditEntry::timed_by(Arc::new(FixedClock::new(frozen)), db.store.import_plan(&plan, actor))
            .await
            .expect("imported");
        let rows = db.store.audit_trail("plan", &plan.id).await.expect("read");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].at, frozen);
        // Outside a clock of the application's: the machine's time.
        let mut later = plan.clone();
        later.document.title.push_str(" (sửa)");
        db.store.import_plan(&later, actor).await.expect("updated");
        let rows = db.store.audit_trail("plan", &plan.id).await.expect("read");
        assert_eq!(rows.len(), 2);
        assert!(rows[1].at > frozen + chrono::Duration::days(1), "{:?}", rows[1].at);
        db.finish().await;
    }

    #[tokio::test]
    async fn audit_rows_follow_the_clock_sqlite() {
        rows_follow_the_applications_clock(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn audit_rows_follow_the_clock_postgres() {
        rows_follow_the_applications_clock(Backend::Postgres).await;
    }

    #[tokio::test]
    async fn audit_rows_cannot_be_changed_sqlite() {
        refuses_changes(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn audit_rows_cannot_be_changed_postgres() {
        refuses_changes(Backend::Postgres).await;
    }
}
