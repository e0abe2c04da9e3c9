//! The revisions of a commune's plan and data (see migration m0016): raised by the store's
//! writers in the transaction of the change, read in one query by whoever keeps a copy.
//!
//! Every raise is the last statement before the commit, so that the revision row (locked by the
//! raise on PostgreSQL until the commit) is always the last lock a writer takes: writers of one
//! commune queue there and never wait for each other in a cycle.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

use crate::{Store, StoreError};

/// What a copy is good for: the plan's row (a plan removed and loaded again is another row),
/// and its commune's two counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Revisions {
    pub plan_row: i32,
    /// Moves with what `Store::plan` returns.
    pub plan: i64,
    /// Moves with what progress reads: register records, unit reports, commune reports.
    pub data: i64,
}

#[derive(Clone, Copy)]
enum Counter {
    Plan,
    Data,
}

fn sql(backend: DbBackend, text: &str) -> String {
    match backend {
        DbBackend::Postgres => text.replacen('?', "$1", 1),
        _ => text.to_owned(),
    }
}

async fn raise<C: ConnectionTrait>(txn: &C, counter: Counter, select: &str, id: i32) -> Result<(), StoreError> {
    let (plan, data, column) = match counter {
        Counter::Plan => (1, 0, "plan_revision"),
        Counter::Data => (0, 1, "data_revision"),
    };
    let backend = txn.get_database_backend();
    let text = format!(
        "INSERT INTO revisions (commune_id, plan_revision, data_revision) {select_with_values} \
         ON CONFLICT (commune_id) DO UPDATE SET {column} = revisions.{column} + 1",
        select_with_values = select.replace("{values}", &format!("{plan}, {data}")),
    );
    txn.execute_raw(Statement::from_sql_and_values(backend, sql(backend, &text), [Value::from(id)])).await?;
    Ok(())
}

const OF_COMMUNE: &str = "SELECT CAST(? AS INTEGER), {values} WHERE 1 = 1";
const OF_PLAN: &str = "SELECT commune_id, {values} FROM plans WHERE id = ?";

/// What `Store::plan` returns changed for every plan of this commune (its units, its groups).
pub(crate) async fn plan_of_commune<C: ConnectionTrait>(txn: &C, commune_id: i32) -> Result<(), StoreError> {
    raise(txn, Counter::Plan, OF_COMMUNE, commune_id).await
}

/// What `Store::plan` returns changed for this plan (by its row id).
pub(crate) async fn plan<C: ConnectionTrait>(txn: &C, plan_row: i32) -> Result<(), StoreError> {
    raise(txn, Counter::Plan, OF_PLAN, plan_row).await
}

/// What progress reads changed for every plan of this commune (its register records).
pub(crate) async fn data_of_commune<C: ConnectionTrait>(txn: &C, commune_id: i32) -> Result<(), StoreError> {
    raise(txn, Counter::Data, OF_COMMUNE, commune_id).await
}

/// What progress reads changed for this plan (by its row id).
pub(crate) async fn data<C: ConnectionTrait>(txn: &C, plan_row: i32) -> Result<(), StoreError> {
    raise(txn, Counter::Data, OF_PLAN, plan_row).await
}

impl Store {
    /// The revisions the plan `plan_id` is at now, or `None` when there is no such plan. One
    /// query, by the plan's slug.
    pub async fn revisions(&self, plan_id: &str) -> Result<Option<Revisions>, StoreError> {
        let backend = self.db.get_database_backend();
        let text = "SELECT p.id AS plan_row, COALESCE(r.plan_revision, 0) AS plan_revision, \
                    COALESCE(r.data_revision, 0) AS data_revision \
                    FROM plans p LEFT JOIN revisions r ON r.commune_id = p.commune_id WHERE p.slug = ?";
        let Some(row) = self
            .db
            .query_one_raw(Statement::from_sql_and_values(backend, sql(backend, text), [Value::from(plan_id)]))
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(Revisions {
            plan_row: row.try_get("", "plan_row")?,
            plan: row.try_get("", "plan_revision")?,
            data: row.try_get("", "data_revision")?,
        }))
    }
}
