//! The initiative recognition cycle (sáng kiến): a round per commune and year, its council,
//! the members' score sheets and the leader's decisions. Every change is written in one
//! transaction with its audit row; recognising an initiative also sets its `cong_nhan` field in
//! that same transaction.
//!
//! The initiatives of a round are the `sang_kien` records of the commune dated in the round's
//! year (the date of a `sang_kien` record is the day it was proposed).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use kehoach_domain::Role;
use kehoach_domain::initiative::{CouncilResult, InitiativeProblem, InitiativeRules, RoundState, ScoreSheet};
use kehoach_domain::register::Record;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, Actor};
use crate::entity::{
    initiative_council, initiative_decision, initiative_round, initiative_score, plan, register_record, user,
};
use crate::registers::RecordFilter;
use crate::{Store, StoreError, StoredRecord};

/// The register initiatives are proposed in.
pub const REGISTER: &str = "sang_kien";
/// The field the product sets when an initiative is recognised.
pub const RECOGNISED_FIELD: &str = "cong_nhan";

/// A round of recognition.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InitiativeRound {
    pub year: i32,
    pub state: RoundState,
    /// The rules as they were when the round opened.
    pub rules: InitiativeRules,
    /// The council's user names.
    pub council: Vec<String>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub closed_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A member's score sheet for one initiative.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredSheet {
    pub record_id: i32,
    pub member: String,
    #[schema(value_type = Object)]
    pub scores: ScoreSheet,
    pub scored_at: DateTime<Utc>,
}

/// The leader's decision on one initiative.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InitiativeDecision {
    pub record_id: i32,
    pub recognised: bool,
    pub note: String,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// One initiative of the year: the record, the sheets handed in, the council's result (when
/// the year has a round) and the decision.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InitiativeEntry {
    pub record: StoredRecord,
    pub sheets: Vec<StoredSheet>,
    pub result: Option<CouncilResult>,
    pub decision: Option<InitiativeDecision>,
}

/// A plan year's initiatives and its round.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InitiativesView {
    pub year: i32,
    pub round: Option<InitiativeRound>,
    pub initiatives: Vec<InitiativeEntry>,
}

/// What a step of the cycle did: done, or refused with the reason (nothing written).
pub type Step<T> = Result<T, InitiativeProblem>;

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    (from, to)
}

fn sheet_of(s: initiative_score::Model) -> Result<StoredSheet, StoreError> {
    Ok(StoredSheet {
        record_id: s.record_id,
        member: s.member,
        scores: serde_json::from_str(&s.scores_json)?,
        scored_at: s.scored_at,
    })
}

fn decision_of(d: initiative_decision::Model) -> InitiativeDecision {
    InitiativeDecision {
        record_id: d.record_id,
        recognised: d.recognised,
        note: d.note,
        decided_by: d.decided_by,
        decided_at: d.decided_at,
    }
}

/// A round row with its council.
struct Loaded {
    row: initiative_round::Model,
    round: InitiativeRound,
}

/// The plan row, its year and commune.
async fn plan_row<C: ConnectionTrait>(conn: &C, plan_id: &str) -> Result<plan::Model, StoreError> {
    plan::Entity::find()
        .filter(plan::Column::Slug.eq(plan_id))
        .one(conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("plan {plan_id}")))
}

async fn load_round<C: ConnectionTrait>(conn: &C, p: &plan::Model) -> Result<Option<Loaded>, StoreError> {
    load_round_as(conn, p, false).await
}

/// The round, its row locked until the transaction ends (`FOR UPDATE` on PostgreSQL): every
/// write of a round — a score, a decision, closing it — takes this lock first, so two at once
/// on the same round are one after the other (a round cannot close while a decision is
/// written, a member's two sheets at once do not both insert). SQLite writes one at a time.
async fn locked_round<C: ConnectionTrait>(txn: &C, p: &plan::Model) -> Result<Option<Loaded>, StoreError> {
    load_round_as(txn, p, true).await
}

async fn load_round_as<C: ConnectionTrait>(
    conn: &C,
    p: &plan::Model,
    lock: bool,
) -> Result<Option<Loaded>, StoreError> {
    let mut q = initiative_round::Entity::find()
        .filter(initiative_round::Column::CommuneId.eq(p.commune_id))
        .filter(initiative_round::Column::Year.eq(p.year));
    if lock {
        q = q.lock_exclusive();
    }
    let Some(row) = q.one(conn).await? else {
        return Ok(None);
    };
    let council = initiative_council::Entity::find()
        .filter(initiative_council::Column::RoundId.eq(row.id))
        .order_by_asc(initiative_council::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.username)
        .collect();
    let round = InitiativeRound {
        year: row.year,
        state: RoundState::from_key(&row.state)
            .ok_or_else(|| StoreError::Corrupt(format!("initiative round {} state {}", row.id, row.state)))?,
        rules: serde_json::from_str(&row.rules_json)?,
        council,
        opened_by: row.opened_by.clone(),
        opened_at: row.opened_at,
        closed_by: row.closed_by.clone(),
        closed_at: row.closed_at,
    };
    Ok(Some(Loaded { row, round }))
}

/// The `sang_kien` record `id` of the commune, if it is dated in `year`.
async fn initiative_in_year<C: ConnectionTrait>(
    conn: &C,
    commune_id: i32,
    year: i32,
    id: i32,
) -> Result<Option<register_record::Model>, StoreError> {
    let (from, to) = year_bounds(year);
    Ok(register_record::Entity::find_by_id(id)
        .filter(register_record::Column::CommuneId.eq(commune_id))
        .filter(register_record::Column::Register.eq(REGISTER))
        .filter(register_record::Column::RecordDate.gte(from))
        .filter(register_record::Column::RecordDate.lte(to))
        .one(conn)
        .await?)
}

async fn sheets_for<C: ConnectionTrait>(
    conn: &C,
    round_id: i32,
    record_id: i32,
) -> Result<Vec<StoredSheet>, StoreError> {
    initiative_score::Entity::find()
        .filter(initiative_score::Column::RoundId.eq(round_id))
        .filter(initiative_score::Column::RecordId.eq(record_id))
        .order_by_asc(initiative_score::Column::Member)
        .all(conn)
        .await?
        .into_iter()
        .map(sheet_of)
        .collect()
}

async fn decision_row<C: ConnectionTrait>(
    conn: &C,
    round_id: i32,
    record_id: i32,
) -> Result<Option<initiative_decision::Model>, StoreError> {
    Ok(initiative_decision::Entity::find()
        .filter(initiative_decision::Column::RoundId.eq(round_id))
        .filter(initiative_decision::Column::RecordId.eq(record_id))
        .one(conn)
        .await?)
}

fn record_of(r: &register_record::Model) -> Result<Record, StoreError> {
    let fields = match serde_json::from_str(&r.fields_json)? {
        Value::Object(map) => map,
        _ => return Err(StoreError::Corrupt(format!("record {} fields", r.id))),
    };
    Ok(Record { id: r.id, register: r.register.clone(), unit: r.unit_code.clone(), date: r.record_date, fields })
}

/// Sets the record's `cong_nhan` on `conn` (the decision's transaction), with the same
/// semantics and audit row as [`Store::set_record_system_field`].
async fn set_recognised<C: ConnectionTrait>(
    conn: &C,
    commune_id: i32,
    current: register_record::Model,
    recognised: bool,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let before = record_of(&current)?;
    let mut fields = before.fields.clone();
    fields.insert(RECOGNISED_FIELD.to_owned(), Value::Bool(recognised));
    let id = current.id;
    let version = current.version;
    let mut row = register_record::ActiveModel::from(current);
    row.fields_json = Set(serde_json::to_string(&fields)?);
    row.version = Set(version + 1);
    row.updated_by = Set(actor.name.to_owned());
    row.updated_at = Set(now);
    let after = record_of(&row.update(conn).await?)?;
    audit::record(
        conn,
        audit::Entry {
            commune_id: Some(commune_id),
            actor,
            action: "register.system_field",
            record_kind: "register_record",
            record_key: &id.to_string(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await
}

/// The audit key of a round: `plan/year`.
fn round_key(plan_id: &str, year: i32) -> String {
    format!("{plan_id}/{year}")
}

#[derive(Serialize)]
struct SheetAudit<'a> {
    round: &'a str,
    record_id: i32,
    member: &'a str,
    scores: &'a ScoreSheet,
}

#[derive(Serialize)]
struct DecisionAudit<'a> {
    round: &'a str,
    #[serde(flatten)]
    decision: &'a InitiativeDecision,
    result: &'a CouncilResult,
}

impl Store {
    /// The plan year's initiatives, with its round when there is one.
    pub async fn initiatives(&self, plan_id: &str) -> Result<InitiativesView, StoreError> {
        let p = plan_row(&self.db, plan_id).await?;
        let loaded = load_round(&self.db, &p).await?;
        let (from, to) = year_bounds(p.year);
        let mut records = self
            .records(
                plan_id,
                &RecordFilter { register: Some(REGISTER), from: Some(from), to: Some(to), ..Default::default() },
            )
            .await?;
        // Oldest proposal first, as a council takes them.
        records.reverse();
        let (mut sheets, mut decisions) = (BTreeMap::<i32, Vec<StoredSheet>>::new(), BTreeMap::new());
        if let Some(l) = &loaded {
            for s in initiative_score::Entity::find()
                .filter(initiative_score::Column::RoundId.eq(l.row.id))
                .order_by_asc(initiative_score::Column::Member)
                .all(&self.db)
                .await?
            {
                let s = sheet_of(s)?;
                sheets.entry(s.record_id).or_default().push(s);
            }
            for d in initiative_decision::Entity::find()
                .filter(initiative_decision::Column::RoundId.eq(l.row.id))
                .all(&self.db)
                .await?
            {
                decisions.insert(d.record_id, decision_of(d));
            }
        }
        let initiatives = records
            .into_iter()
            .map(|record| {
                let id = record.record.id;
                let sheets = sheets.remove(&id).unwrap_or_default();
                let result = loaded.as_ref().map(|l| l.round.rules.result(sheets.iter().map(|s| &s.scores)));
                InitiativeEntry { record, sheets, result, decision: decisions.remove(&id) }
            })
            .collect();
        Ok(InitiativesView { year: p.year, round: loaded.map(|l| l.round), initiatives })
    }

    /// Opens the plan year's round with its council (user names of the commune's leaders,
    /// focal officers or unit reporters) and the rules it will score by.
    pub async fn open_initiative_round(
        &self,
        plan_id: &str,
        council: &[String],
        rules: &InitiativeRules,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Step<InitiativeRound>, StoreError> {
        let txn = self.write().await?;
        let p = plan_row(&txn, plan_id).await?;
        if load_round(&txn, &p).await?.is_some() {
            return Ok(Err(InitiativeProblem::RoundExists { year: p.year }));
        }
        let mut members: Vec<String> = Vec::new();
        for name in council.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            if !members.iter().any(|m| m == name) {
                members.push(name.to_owned());
            }
        }
        if members.is_empty() {
            return Ok(Err(InitiativeProblem::NoCouncil));
        }
        let known: HashSet<String> = user::Entity::find()
            .filter(user::Column::CommuneId.eq(p.commune_id))
            .filter(user::Column::Disabled.eq(false))
            .filter(user::Column::Username.is_in(members.iter().cloned()))
            .all(&txn)
            .await?
            .into_iter()
            .filter(|u| Role::from_key(&u.role).is_some_and(kehoach_domain::rows::may_sit_on_council))
            .map(|u| u.username)
            .collect();
        if let Some(stranger) = members.iter().find(|m| !known.contains(*m)) {
            return Ok(Err(InitiativeProblem::UnknownMember { username: stranger.clone() }));
        }
        let row = initiative_round::ActiveModel {
            commune_id: Set(p.commune_id),
            plan_id: Set(p.id),
            year: Set(p.year),
            state: Set(RoundState::Open.key().to_owned()),
            rules_json: Set(serde_json::to_string(rules)?),
            opened_by: Set(actor.name.to_owned()),
            opened_at: Set(now),
            closed_by: Set(None),
            closed_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for m in &members {
            initiative_council::ActiveModel { round_id: Set(row.id), username: Set(m.clone()), ..Default::default() }
                .insert(&txn)
                .await?;
        }
        let loaded = load_round(&txn, &p).await?.ok_or_else(|| StoreError::NotFound("initiative round".into()))?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action: "initiative.open_round",
                record_kind: "initiative_round",
                record_key: &round_key(plan_id, p.year),
                before: None,
                after: Some(&loaded.round),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Ok(loaded.round))
    }

    /// A council member (the actor) scores an initiative of the open round; scoring it again
    /// replaces the member's sheet, until the initiative is decided.
    pub async fn score_initiative(
        &self,
        plan_id: &str,
        record_id: i32,
        scores: &ScoreSheet,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Step<StoredSheet>, StoreError> {
        let txn = self.write().await?;
        let p = plan_row(&txn, plan_id).await?;
        let Some(l) = locked_round(&txn, &p).await? else {
            return Ok(Err(InitiativeProblem::NoRound));
        };
        if l.round.state != RoundState::Open {
            return Ok(Err(InitiativeProblem::RoundDecided));
        }
        if !l.round.council.iter().any(|m| m == actor.name) {
            return Ok(Err(InitiativeProblem::NotMember));
        }
        if initiative_in_year(&txn, p.commune_id, p.year, record_id).await?.is_none() {
            return Ok(Err(InitiativeProblem::NotInRound));
        }
        if decision_row(&txn, l.row.id, record_id).await?.is_some() {
            return Ok(Err(InitiativeProblem::AlreadyDecided));
        }
        let scores = match l.round.rules.check_sheet(scores) {
            Ok(s) => s,
            Err(problems) => return Ok(Err(InitiativeProblem::Sheet { problems })),
        };
        let existing = initiative_score::Entity::find()
            .filter(initiative_score::Column::RoundId.eq(l.row.id))
            .filter(initiative_score::Column::RecordId.eq(record_id))
            .filter(initiative_score::Column::Member.eq(actor.name))
            .one(&txn)
            .await?;
        let key = round_key(plan_id, p.year);
        let before = existing.as_ref().map(|e| sheet_of(e.clone())).transpose()?;
        let row = match existing {
            Some(e) => {
                let mut a = initiative_score::ActiveModel::from(e);
                a.scores_json = Set(serde_json::to_string(&scores)?);
                a.scored_at = Set(now);
                a.update(&txn).await?
            }
            None => {
                initiative_score::ActiveModel {
                    round_id: Set(l.row.id),
                    record_id: Set(record_id),
                    member: Set(actor.name.to_owned()),
                    scores_json: Set(serde_json::to_string(&scores)?),
                    scored_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        let sheet = sheet_of(row)?;
        let before_audit =
            before.as_ref().map(|s| SheetAudit { round: &key, record_id, member: actor.name, scores: &s.scores });
        let after_audit = SheetAudit { round: &key, record_id, member: actor.name, scores: &sheet.scores };
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action: "initiative.score",
                record_kind: "initiative",
                record_key: &record_id.to_string(),
                before: before_audit.as_ref(),
                after: Some(&after_audit),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Ok(sheet))
    }

    /// The leader recognises (only when the council's result is eligible) or declines an
    /// initiative of the open round; the record's `cong_nhan` follows in the same transaction.
    /// A decision may be changed while the round is open.
    pub async fn decide_initiative(
        &self,
        plan_id: &str,
        record_id: i32,
        recognised: bool,
        note: &str,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Step<InitiativeDecision>, StoreError> {
        let txn = self.write().await?;
        let p = plan_row(&txn, plan_id).await?;
        let Some(l) = locked_round(&txn, &p).await? else {
            return Ok(Err(InitiativeProblem::NoRound));
        };
        if l.round.state != RoundState::Open {
            return Ok(Err(InitiativeProblem::RoundDecided));
        }
        let Some(record) = initiative_in_year(&txn, p.commune_id, p.year, record_id).await? else {
            return Ok(Err(InitiativeProblem::NotInRound));
        };
        let sheets = sheets_for(&txn, l.row.id, record_id).await?;
        let result = l.round.rules.result(sheets.iter().map(|s| &s.scores));
        if recognised && !result.eligible {
            return Ok(Err(InitiativeProblem::NotEligible {
                total: result.total,
                pass_total: l.round.rules.pass_total,
                min_each: l.round.rules.min_each,
            }));
        }
        let existing = decision_row(&txn, l.row.id, record_id).await?;
        let before = existing.clone().map(decision_of);
        let row = match existing {
            Some(e) => {
                let mut a = initiative_decision::ActiveModel::from(e);
                a.recognised = Set(recognised);
                a.note = Set(note.to_owned());
                a.decided_by = Set(actor.name.to_owned());
                a.decided_at = Set(now);
                a.update(&txn).await?
            }
            None => {
                initiative_decision::ActiveModel {
                    round_id: Set(l.row.id),
                    record_id: Set(record_id),
                    recognised: Set(recognised),
                    note: Set(note.to_owned()),
                    decided_by: Set(actor.name.to_owned()),
                    decided_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        let decision = decision_of(row);
        let key = round_key(plan_id, p.year);
        let before_audit = before.as_ref().map(|d| DecisionAudit { round: &key, decision: d, result: &result });
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action: "initiative.decide",
                record_kind: "initiative",
                record_key: &record_id.to_string(),
                before: before_audit.as_ref(),
                after: Some(&DecisionAudit { round: &key, decision: &decision, result: &result }),
            },
        )
        .await?;
        let current = record_of(&record)?;
        if current.fields.get(RECOGNISED_FIELD) != Some(&Value::Bool(recognised)) {
            set_recognised(&txn, p.commune_id, record, recognised, actor, now).await?;
        }
        txn.commit().await?;
        Ok(Ok(decision))
    }

    /// Closes the round once every initiative of the year is decided: from then on it is
    /// frozen.
    pub async fn close_initiative_round(
        &self,
        plan_id: &str,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Step<InitiativeRound>, StoreError> {
        let txn = self.write().await?;
        let p = plan_row(&txn, plan_id).await?;
        let Some(l) = locked_round(&txn, &p).await? else {
            return Ok(Err(InitiativeProblem::NoRound));
        };
        if l.round.state != RoundState::Open {
            return Ok(Err(InitiativeProblem::RoundDecided));
        }
        let (from, to) = year_bounds(p.year);
        let ids: Vec<i32> = register_record::Entity::find()
            .filter(register_record::Column::CommuneId.eq(p.commune_id))
            .filter(register_record::Column::Register.eq(REGISTER))
            .filter(register_record::Column::RecordDate.gte(from))
            .filter(register_record::Column::RecordDate.lte(to))
            .all(&txn)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let decided: HashSet<i32> = initiative_decision::Entity::find()
            .filter(initiative_decision::Column::RoundId.eq(l.row.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|d| d.record_id)
            .collect();
        let undecided = ids.iter().filter(|id| !decided.contains(id)).count();
        if undecided > 0 {
            return Ok(Err(InitiativeProblem::Undecided { count: undecided }));
        }
        let before = l.round.clone();
        let mut a = initiative_round::ActiveModel::from(l.row);
        a.state = Set(RoundState::Decided.key().to_owned());
        a.closed_by = Set(Some(actor.name.to_owned()));
        a.closed_at = Set(Some(now));
        a.update(&txn).await?;
        let after = load_round(&txn, &p).await?.ok_or_else(|| StoreError::NotFound("initiative round".into()))?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action: "initiative.close_round",
                record_kind: "initiative_round",
                record_key: &round_key(plan_id, p.year),
                before: Some(&before),
                after: Some(&after.round),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(Ok(after.round))
    }
}
