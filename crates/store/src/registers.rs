//! Register records (sổ theo dõi): kept per commune, written with their audit row, imported all
//! or nothing.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use kehoach_domain::register::{FieldError, FieldProblem, FieldType, Record, register};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::audit::{self, Actor};
use crate::entity::{plan, register_record, unit};
use crate::{Store, StoreError};

/// A record as stored, with who wrote it and when.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredRecord {
    #[serde(flatten)]
    pub record: Record,
    pub sample: bool,
    pub version: i32,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A record to write: its owner, date and checked fields (see
/// [`kehoach_domain::register::check_fields`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordInput {
    pub unit: String,
    pub date: NaiveDate,
    pub fields: Map<String, Value>,
    pub sample: bool,
}

/// A refused row of a write or an import: its number (1 for a single record; the data row for
/// an import) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    #[serde(flatten)]
    pub error: FieldError,
}

/// What a register write did.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordOutcome {
    Written(StoredRecord),
    /// Refused; nothing was written.
    Refused(Vec<RowError>),
    /// Someone else changed the record first: here it is now.
    Conflict(Box<StoredRecord>),
}

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter<'a> {
    pub register: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub ids: Option<&'a [i32]>,
    /// At most this many, the newest.
    pub limit: Option<u64>,
}

/// Where a page of records starts: after this record, in the list's order (date, then id,
/// both descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordCursor {
    pub date: NaiveDate,
    pub id: i32,
}

fn stored(r: register_record::Model) -> Result<StoredRecord, StoreError> {
    let fields = match serde_json::from_str(&r.fields_json)? {
        Value::Object(map) => map,
        _ => return Err(StoreError::Corrupt(format!("record {} fields", r.id))),
    };
    Ok(StoredRecord {
        record: Record { id: r.id, register: r.register, unit: r.unit_code, date: r.record_date, fields },
        sample: r.sample,
        version: r.version,
        created_by: r.created_by,
        created_at: r.created_at,
        updated_by: r.updated_by,
        updated_at: r.updated_at,
    })
}

fn refuse(row: usize, field: &str, problem: FieldProblem) -> RowError {
    RowError { row, error: FieldError { field: field.to_owned(), problem } }
}

impl Store {
    /// The commune id of a plan: registers are the commune's, across its plans' years.
    pub(crate) async fn commune_id_of_plan<C: ConnectionTrait>(conn: &C, plan_id: &str) -> Result<i32, StoreError> {
        plan::Entity::find()
            .filter(plan::Column::Slug.eq(plan_id))
            .one(conn)
            .await?
            .map(|p| p.commune_id)
            .ok_or_else(|| StoreError::NotFound(format!("plan {plan_id}")))
    }

    /// Records of the plan's commune, newest first.
    pub async fn records(&self, plan_id: &str, f: &RecordFilter<'_>) -> Result<Vec<StoredRecord>, StoreError> {
        use register_record::Column as C;
        let mut q = self.filtered(plan_id, f).await?.order_by_desc(C::RecordDate).order_by_desc(C::Id);
        if let Some(n) = f.limit {
            q = q.limit(n);
        }
        q.all(&self.db).await?.into_iter().map(stored).collect()
    }

    /// A page of the records that match, in the list's order (newest first): at most `limit`,
    /// those after `after`. Keyset paging: a page costs the same deep in the list as at its top,
    /// and a record written meanwhile neither repeats nor hides one.
    pub async fn records_after(
        &self,
        plan_id: &str,
        f: &RecordFilter<'_>,
        after: Option<RecordCursor>,
        limit: u64,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        use register_record::Column as C;
        let mut q = self.filtered(plan_id, f).await?;
        if let Some(c) = after {
            q = q.filter(
                sea_orm::Condition::any()
                    .add(C::RecordDate.lt(c.date))
                    .add(sea_orm::Condition::all().add(C::RecordDate.eq(c.date)).add(C::Id.lt(c.id))),
            );
        }
        q.order_by_desc(C::RecordDate)
            .order_by_desc(C::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(stored)
            .collect()
    }

    /// How many records match, whatever the limit.
    pub async fn record_count(&self, plan_id: &str, f: &RecordFilter<'_>) -> Result<u64, StoreError> {
        Ok(self.filtered(plan_id, f).await?.count(&self.db).await?)
    }

    async fn filtered(
        &self,
        plan_id: &str,
        f: &RecordFilter<'_>,
    ) -> Result<sea_orm::Select<register_record::Entity>, StoreError> {
        use register_record::Column as C;
        let commune_id = Self::commune_id_of_plan(&self.db, plan_id).await?;
        let mut q = register_record::Entity::find().filter(C::CommuneId.eq(commune_id));
        if let Some(r) = f.register {
            q = q.filter(C::Register.eq(r));
        }
        if let Some(u) = f.unit {
            q = q.filter(C::UnitCode.eq(u));
        }
        if let Some(d) = f.from {
            q = q.filter(C::RecordDate.gte(d));
        }
        if let Some(d) = f.to {
            q = q.filter(C::RecordDate.lte(d));
        }
        if let Some(ids) = f.ids {
            q = q.filter(C::Id.is_in(ids.iter().copied()));
        }
        Ok(q)
    }

    /// One record of the plan's commune.
    pub async fn record(&self, plan_id: &str, id: i32) -> Result<Option<StoredRecord>, StoreError> {
        let commune_id = Self::commune_id_of_plan(&self.db, plan_id).await?;
        register_record::Entity::find_by_id(id)
            .filter(register_record::Column::CommuneId.eq(commune_id))
            .one(&self.db)
            .await?
            .map(stored)
            .transpose()
    }

    /// Every record of the given registers of the plan's commune, as the indicator engine
    /// reads them: only the columns it needs.
    pub async fn records_for_measures(&self, plan_id: &str, registers: &[String]) -> Result<Vec<Record>, StoreError> {
        use register_record::Column as C;
        #[derive(sea_orm::FromQueryResult)]
        struct Row {
            id: i32,
            register: String,
            unit_code: String,
            record_date: NaiveDate,
            fields_json: String,
        }
        let commune_id = Self::commune_id_of_plan(&self.db, plan_id).await?;
        let rows = register_record::Entity::find()
            .select_only()
            .columns([C::Id, C::Register, C::UnitCode, C::RecordDate, C::FieldsJson])
            .filter(C::CommuneId.eq(commune_id))
            .filter(C::Register.is_in(registers.iter().cloned()))
            .into_model::<Row>()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|r| {
                let fields = match serde_json::from_str(&r.fields_json)? {
                    Value::Object(map) => map,
                    _ => return Err(StoreError::Corrupt(format!("record {} fields", r.id))),
                };
                Ok(Record { id: r.id, register: r.register, unit: r.unit_code, date: r.record_date, fields })
            })
            .collect()
    }

    /// Checks what only the database knows: the unit is the commune's, references point at
    /// records of the right register of the same commune.
    async fn check_links<C: ConnectionTrait>(
        conn: &C,
        commune_id: i32,
        register_key: &str,
        rows: &[(usize, &RecordInput)],
    ) -> Result<Vec<RowError>, StoreError> {
        let Some(def) = register(register_key) else {
            return Ok(vec![refuse(0, "register", FieldProblem::UnknownField)]);
        };
        let units: HashSet<String> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Code)
            .filter(unit::Column::CommuneId.eq(commune_id))
            .filter(unit::Column::Active.eq(true))
            .into_tuple::<String>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        let mut errors = Vec::new();
        for (row, input) in rows {
            if !units.contains(&input.unit) {
                errors.push(refuse(*row, "unit", FieldProblem::NoSuchRecord { register: "unit".into() }));
            }
        }
        for f in def.fields {
            let FieldType::Ref(target) = f.ty else { continue };
            let wanted: HashSet<i32> = rows
                .iter()
                .filter_map(|(_, r)| r.fields.get(f.key).and_then(Value::as_i64))
                .filter_map(|v| i32::try_from(v).ok())
                .collect();
            if wanted.is_empty() {
                continue;
            }
            let found: HashSet<i32> = register_record::Entity::find()
                .select_only()
                .column(register_record::Column::Id)
                .filter(register_record::Column::CommuneId.eq(commune_id))
                .filter(register_record::Column::Register.eq(target))
                .filter(register_record::Column::Id.is_in(wanted.iter().copied()))
                .into_tuple::<i32>()
                .all(conn)
                .await?
                .into_iter()
                .collect();
            for (row, input) in rows {
                let points = input.fields.get(f.key).and_then(Value::as_i64).and_then(|v| i32::try_from(v).ok());
                if points.is_some_and(|id| !found.contains(&id)) {
                    errors.push(refuse(*row, f.key, FieldProblem::NoSuchRecord { register: target.into() }));
                }
            }
        }
        errors.sort_by_key(|e| e.row);
        Ok(errors)
    }

    /// Adds a record to a register of the plan's commune.
    pub async fn add_record(
        &self,
        plan_id: &str,
        register_key: &str,
        input: &RecordInput,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<RecordOutcome, StoreError> {
        let txn = self.write().await?;
        let commune_id = Self::commune_id_of_plan(&txn, plan_id).await?;
        let errors = Self::check_links(&txn, commune_id, register_key, &[(1, input)]).await?;
        if !errors.is_empty() {
            return Ok(RecordOutcome::Refused(errors));
        }
        let row = insert(&txn, commune_id, register_key, input, actor, now).await?;
        let record = stored(row)?;
        let key = record.record.id.to_string();
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(commune_id),
                actor,
                action: "register.add",
                record_kind: "register_record",
                record_key: &key,
                before: None,
                after: Some(&record.record),
            },
        )
        .await?;
        crate::revisions::data_of_commune(&txn, commune_id).await?;
        txn.commit().await?;
        Ok(RecordOutcome::Written(record))
    }

    /// Changes a record, only at the version the writer saw.
    pub async fn update_record(
        &self,
        plan_id: &str,
        id: i32,
        expected_version: i32,
        input: &RecordInput,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<RecordOutcome, StoreError> {
        let txn = self.write().await?;
        let commune_id = Self::commune_id_of_plan(&txn, plan_id).await?;
        let Some(current) = register_record::Entity::find_by_id(id)
            .filter(register_record::Column::CommuneId.eq(commune_id))
            .one(&txn)
            .await?
        else {
            return Err(StoreError::NotFound(format!("record {id}")));
        };
        let before = stored(current.clone())?;
        if current.version != expected_version {
            return Ok(RecordOutcome::Conflict(Box::new(before)));
        }
        let errors = Self::check_links(&txn, commune_id, &current.register, &[(1, input)]).await?;
        if !errors.is_empty() {
            return Ok(RecordOutcome::Refused(errors));
        }
        // Fields the product sets (an initiative's recognition) survive an edit.
        let mut fields = input.fields.clone();
        if let Some(def) = register(&current.register) {
            for f in def.fields.iter().filter(|f| f.system) {
                if let Some(v) = before.record.fields.get(f.key) {
                    fields.insert(f.key.to_owned(), v.clone());
                }
            }
        }
        let updated = register_record::Entity::update_many()
            .col_expr(register_record::Column::UnitCode, Expr::value(input.unit.clone()))
            .col_expr(register_record::Column::RecordDate, Expr::value(input.date))
            .col_expr(register_record::Column::FieldsJson, Expr::value(serde_json::to_string(&fields)?))
            .col_expr(register_record::Column::Version, Expr::value(expected_version + 1))
            .col_expr(register_record::Column::UpdatedBy, Expr::value(actor.name.to_owned()))
            .col_expr(register_record::Column::UpdatedAt, Expr::value(now))
            .filter(register_record::Column::Id.eq(id))
            .filter(register_record::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if updated.rows_affected != 1 {
            return Ok(RecordOutcome::Conflict(Box::new(before)));
        }
        let after = register_record::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("record {id}")))?;
        let after = stored(after)?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(commune_id),
                actor,
                action: "register.update",
                record_kind: "register_record",
                record_key: &id.to_string(),
                before: Some(&before.record),
                after: Some(&after.record),
            },
        )
        .await?;
        crate::revisions::data_of_commune(&txn, commune_id).await?;
        txn.commit().await?;
        Ok(RecordOutcome::Written(after))
    }

    /// Sets a field the product keeps (an initiative's recognition), with its audit row.
    pub async fn set_record_system_field(
        &self,
        plan_id: &str,
        id: i32,
        key: &str,
        value: Value,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<StoredRecord, StoreError> {
        let txn = self.write().await?;
        let commune_id = Self::commune_id_of_plan(&txn, plan_id).await?;
        let current = register_record::Entity::find_by_id(id)
            .filter(register_record::Column::CommuneId.eq(commune_id))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("record {id}")))?;
        let before = stored(current.clone())?;
        let mut fields = before.record.fields.clone();
        fields.insert(key.to_owned(), value);
        let mut row = register_record::ActiveModel::from(current.clone());
        row.fields_json = Set(serde_json::to_string(&fields)?);
        row.version = Set(current.version + 1);
        row.updated_by = Set(actor.name.to_owned());
        row.updated_at = Set(now);
        let after = stored(row.update(&txn).await?)?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(commune_id),
                actor,
                action: "register.system_field",
                record_kind: "register_record",
                record_key: &id.to_string(),
                before: Some(&before.record),
                after: Some(&after.record),
            },
        )
        .await?;
        crate::revisions::data_of_commune(&txn, commune_id).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes a record that no other record points at; its files go with it, each with its
    /// audit row. Returns the records that point at it instead, when there are any.
    pub async fn delete_record(
        &self,
        plan_id: &str,
        id: i32,
        actor: Actor<'_>,
    ) -> Result<Vec<(String, i32)>, StoreError> {
        let txn = self.write().await?;
        let commune_id = Self::commune_id_of_plan(&txn, plan_id).await?;
        let current = register_record::Entity::find_by_id(id)
            .filter(register_record::Column::CommuneId.eq(commune_id))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("record {id}")))?;
        let pointing = pointing_at(&txn, commune_id, &current.register, id).await?;
        if !pointing.is_empty() {
            return Ok(pointing);
        }
        let before = stored(current)?;
        crate::register_files::remove_all_of(&txn, commune_id, id, actor).await?;
        register_record::Entity::delete_by_id(id).exec(&txn).await?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(commune_id),
                actor,
                action: "register.delete",
                record_kind: "register_record",
                record_key: &id.to_string(),
                before: Some(&before.record),
                after: None,
            },
        )
        .await?;
        crate::revisions::data_of_commune(&txn, commune_id).await?;
        txn.commit().await?;
        Ok(Vec::new())
    }

    /// Imports rows into a register: all of them, or none when any is refused. Rows are
    /// numbered as the caller counts them (the data rows of a CSV file).
    pub async fn import_records(
        &self,
        plan_id: &str,
        register_key: &str,
        rows: &[(usize, RecordInput)],
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Result<usize, Vec<RowError>>, StoreError> {
        let txn = self.write().await?;
        let commune_id = Self::commune_id_of_plan(&txn, plan_id).await?;
        let refs: Vec<(usize, &RecordInput)> = rows.iter().map(|(n, r)| (*n, r)).collect();
        let errors = Self::check_links(&txn, commune_id, register_key, &refs).await?;
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let mut ids = Vec::with_capacity(rows.len());
        for (_, input) in rows {
            ids.push(insert(&txn, commune_id, register_key, input, actor, now).await?.id);
        }
        let summary = ImportSummary { register: register_key, rows: rows.len(), ids: &ids };
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(commune_id),
                actor,
                action: "register.import",
                record_kind: "register",
                record_key: register_key,
                before: None,
                after: Some(&summary),
            },
        )
        .await?;
        crate::revisions::data_of_commune(&txn, commune_id).await?;
        txn.commit().await?;
        Ok(Ok(rows.len()))
    }

    /// How many records each register of the plan's commune holds.
    pub async fn register_counts(&self, plan_id: &str) -> Result<BTreeMap<String, u64>, StoreError> {
        use register_record::Column as C;
        let commune_id = Self::commune_id_of_plan(&self.db, plan_id).await?;
        let rows: Vec<(String, i64)> = register_record::Entity::find()
            .select_only()
            .column(C::Register)
            .column_as(C::Id.count(), "n")
            .filter(C::CommuneId.eq(commune_id))
            .group_by(C::Register)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|(r, n)| (r, u64::try_from(n).unwrap_or(0))).collect())
    }
}

#[derive(Serialize)]
struct ImportSummary<'a> {
    register: &'a str,
    rows: usize,
    ids: &'a [i32],
}

pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    commune_id: i32,
    register_key: &str,
    input: &RecordInput,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<register_record::Model, StoreError> {
    Ok(register_record::ActiveModel {
        commune_id: Set(commune_id),
        register: Set(register_key.to_owned()),
        unit_code: Set(input.unit.clone()),
        record_date: Set(input.date),
        fields_json: Set(serde_json::to_string(&input.fields)?),
        sample: Set(input.sample),
        version: Set(1),
        created_by: Set(actor.name.to_owned()),
        created_at: Set(now),
        updated_by: Set(actor.name.to_owned()),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Records of other registers whose reference fields point at record `id` of `register_key`.
async fn pointing_at<C: ConnectionTrait>(
    conn: &C,
    commune_id: i32,
    register_key: &str,
    id: i32,
) -> Result<Vec<(String, i32)>, StoreError> {
    let mut out = Vec::new();
    for def in kehoach_domain::register::REGISTERS {
        let keys: Vec<&str> = def
            .fields
            .iter()
            .filter(|f| matches!(f.ty, FieldType::Ref(t) if t == register_key))
            .map(|f| f.key)
            .collect();
        if keys.is_empty() {
            continue;
        }
        let rows = register_record::Entity::find()
            .filter(register_record::Column::CommuneId.eq(commune_id))
            .filter(register_record::Column::Register.eq(def.key))
            .all(conn)
            .await?;
        for r in rows {
            let record = stored(r)?;
            if keys.iter().any(|k| record.record.ref_field(k) == Some(id)) {
                out.push((def.key.to_owned(), record.record.id));
            }
        }
    }
    Ok(out)
}
