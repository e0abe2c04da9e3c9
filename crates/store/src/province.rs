//! The province's half: its file, the sendings of approved commune reports with the province's
//! decisions, and the figures they give its indicators. A sending is written in the approval's
//! transaction; a decision is one update that only a sending still waiting can take.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::entity::{commune, commune_report_record, plan, province, province_figure, province_handoff, user};
use crate::{Store, StoreError};

/// What an approved report gives one province indicator (see [`province_figure::Model`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewFigure {
    pub indicator: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub target: Option<f64>,
    pub status: Option<String>,
}

/// A province file as loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredProvince {
    /// Its row: a province removed and loaded again is another.
    pub row: i32,
    pub slug: String,
    pub code: String,
    pub name: String,
    pub source: String,
    pub loaded_by: String,
    pub loaded_at: DateTime<Utc>,
    /// Raised on every load that changes the text: what a kept parse is checked against.
    pub revision: i64,
}

/// Which text of a province file is loaded: its row (a province removed and loaded again is a
/// new one) and its revision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProvinceRevision {
    pub slug: String,
    pub row: i32,
    pub revision: i64,
}

/// One sending of a commune's approved report, with what the province decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Handoff {
    pub id: i32,
    /// The plan (its slug) and commune (its code within the province) that sent it.
    pub plan: String,
    pub commune: String,
    pub commune_name: String,
    /// The commune's official code, if its plan gives it.
    pub commune_code: Option<String>,
    pub period: String,
    /// The approved version sent, and its number.
    pub version: i32,
    pub number: i32,
    pub issued_on: chrono::NaiveDate,
    pub sent_at: DateTime<Utc>,
    /// `sent`, `returned`, `accepted`.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    /// The commune has since reopened this version to correct it.
    pub superseded: bool,
}

/// A plan of this server whose commune gives its official code.
#[derive(Debug, Clone, PartialEq)]
pub struct HostedPlan {
    pub official_code: String,
    /// The plan's id (slug) and its commune's code within the province.
    pub plan: String,
    pub commune: String,
    pub commune_id: i32,
}

/// A figure of a sending, as read for a roll-up.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFigure {
    pub handoff: i32,
    pub indicator: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub target: Option<f64>,
    pub status: Option<String>,
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq)]
pub enum Decided {
    Done(Handoff),
    /// Already decided, or reopened by the commune since: the sending as it now stands.
    Stale(Handoff),
}

/// Sends an approved record to its commune's province, with its figures, in the approval's
/// transaction; both audit trails say so.
pub(crate) async fn send<C: ConnectionTrait>(
    txn: &C,
    record: &commune_report_record::Model,
    official_code: Option<&str>,
    figures: &[NewFigure],
    actor: Actor<'_>,
) -> Result<(), StoreError> {
    let commune = commune::Entity::find_by_id(record.commune_id)
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("commune {} of a record", record.commune_id)))?;
    province_handoff::ActiveModel {
        record_id: Set(record.id),
        commune_id: Set(record.commune_id),
        plan_id: Set(record.plan_id),
        province: Set(commune.province_code.clone()),
        commune_code: Set(official_code.map(str::to_owned)),
        period: Set(record.period.clone()),
        sent_at: Set(record.approved_at),
        state: Set("sent".into()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for f in figures {
        province_figure::ActiveModel {
            record_id: Set(record.id),
            province: Set(commune.province_code.clone()),
            period: Set(record.period.clone()),
            indicator: Set(f.indicator.clone()),
            value: Set(f.value),
            numerator: Set(f.numerator),
            denominator: Set(f.denominator),
            target: Set(f.target),
            status: Set(f.status.clone()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    #[derive(Serialize)]
    struct Sent<'a> {
        commune: &'a str,
        period: &'a str,
        version: i32,
        number: i32,
    }
    let after = Sent { commune: &commune.name, period: &record.period, version: record.version, number: record.number };
    let key = format!("{}/{}", commune.code, record.period);
    trail(txn, &commune.province_code, Some(commune.id), actor, "province.send", &key, &after).await?;
    Ok(())
}

/// One row in the commune's trail and one in the province's.
async fn trail<C: ConnectionTrait, T: Serialize>(
    txn: &C,
    province: &str,
    commune_id: Option<i32>,
    actor: Actor<'_>,
    action: &str,
    key: &str,
    after: &T,
) -> Result<(), StoreError> {
    let entry = |commune_id| audit::Entry {
        commune_id,
        actor,
        action,
        record_kind: "province_handoff",
        record_key: key,
        before: None,
        after: Some(after),
    };
    if commune_id.is_some() {
        audit::record(txn, entry(commune_id)).await?;
    }
    audit::record_in_province(txn, province, entry(None)).await
}

impl Store {
    /// Loads (or replaces) a province file, already checked by the caller.
    pub async fn save_province(
        &self,
        slug: &str,
        code: &str,
        name: &str,
        source: &str,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let existing = province::Entity::find().filter(province::Column::Slug.eq(slug)).one(&txn).await?;
        if existing.as_ref().is_some_and(|p| p.source == source) {
            drop(txn);
            return Ok(());
        }
        let mut row = match existing {
            Some(p) => {
                let revision = p.revision + 1;
                let mut row = province::ActiveModel::from(p);
                row.revision = Set(revision);
                row
            }
            None => province::ActiveModel { slug: Set(slug.to_owned()), revision: Set(0), ..Default::default() },
        };
        row.code = Set(code.to_owned());
        row.name = Set(name.to_owned());
        row.source = Set(source.to_owned());
        row.loaded_by = Set(actor.name.to_owned());
        row.loaded_at = Set(now);
        row.save(&txn).await?;
        #[derive(Serialize)]
        struct Loaded<'a> {
            code: &'a str,
            name: &'a str,
        }
        audit::record_in_province(
            &txn,
            slug,
            audit::Entry {
                commune_id: None,
                actor,
                action: "province.load",
                record_kind: "province",
                record_key: slug,
                before: None,
                after: Some(&Loaded { code, name }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Every province file loaded, by name.
    pub async fn provinces(&self) -> Result<Vec<StoredProvince>, StoreError> {
        Ok(province::Entity::find()
            .order_by_asc(province::Column::Code)
            .all(&self.db)
            .await?
            .into_iter()
            .map(stored)
            .collect())
    }

    /// Every province loaded, by official code, with its row and revision but not its text: what
    /// a reader checks its kept parses against.
    pub async fn province_revisions(&self) -> Result<Vec<ProvinceRevision>, StoreError> {
        self.province_revisions_where(None).await
    }

    /// One province's row and revision, if loaded.
    pub async fn province_revision(&self, slug: &str) -> Result<Option<ProvinceRevision>, StoreError> {
        Ok(self.province_revisions_where(Some(slug)).await?.pop())
    }

    async fn province_revisions_where(&self, slug: Option<&str>) -> Result<Vec<ProvinceRevision>, StoreError> {
        let mut q = province::Entity::find()
            .select_only()
            .column(province::Column::Slug)
            .column(province::Column::Id)
            .column(province::Column::Revision);
        if let Some(slug) = slug {
            q = q.filter(province::Column::Slug.eq(slug));
        }
        Ok(q.order_by_asc(province::Column::Code)
            .into_tuple::<(String, i32, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(slug, row, revision)| ProvinceRevision { slug, row, revision })
            .collect())
    }

    pub async fn province(&self, slug: &str) -> Result<Option<StoredProvince>, StoreError> {
        Ok(province::Entity::find().filter(province::Column::Slug.eq(slug)).one(&self.db).await?.map(stored))
    }

    /// Every sending of a province's communes for a period (or every period), oldest first.
    pub async fn province_handoffs(&self, province: &str, period: Option<&str>) -> Result<Vec<Handoff>, StoreError> {
        let mut q = province_handoff::Entity::find().filter(province_handoff::Column::Province.eq(province));
        if let Some(period) = period {
            q = q.filter(province_handoff::Column::Period.eq(period));
        }
        let rows = q.order_by_asc(province_handoff::Column::Id).all(&self.db).await?;
        self.handoffs_of(rows).await
    }

    /// Every sending of one plan's reports, oldest first: what the commune sees of the province.
    pub async fn plan_handoffs(&self, plan_id: &str) -> Result<Vec<Handoff>, StoreError> {
        let p = self.plan_row(plan_id).await?;
        let rows = province_handoff::Entity::find()
            .filter(province_handoff::Column::PlanId.eq(p.id))
            .order_by_asc(province_handoff::Column::Id)
            .all(&self.db)
            .await?;
        self.handoffs_of(rows).await
    }

    /// Every sending of every province, for a period: the nation's view.
    pub async fn all_handoffs(&self, period: &str) -> Result<Vec<(String, Handoff)>, StoreError> {
        let rows = province_handoff::Entity::find()
            .filter(province_handoff::Column::Period.eq(period))
            .order_by_asc(province_handoff::Column::Id)
            .all(&self.db)
            .await?;
        let provinces: Vec<String> = rows.iter().map(|r| r.province.clone()).collect();
        Ok(provinces.into_iter().zip(self.handoffs_of(rows).await?).collect())
    }

    async fn handoffs_of(&self, rows: Vec<province_handoff::Model>) -> Result<Vec<Handoff>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let record_ids: Vec<i32> = rows.iter().map(|r| r.record_id).collect();
        let plan_ids: Vec<i32> = rows.iter().map(|r| r.plan_id).collect();
        let commune_ids: Vec<i32> = rows.iter().map(|r| r.commune_id).collect();
        let records: HashMap<i32, (i32, i32, chrono::NaiveDate, bool)> = commune_report_record::Entity::find()
            .select_only_info()
            .filter(commune_report_record::Column::Id.is_in(record_ids))
            .into_tuple::<(i32, i32, i32, chrono::NaiveDate, Option<DateTime<Utc>>)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, version, number, issued_on, superseded)| {
                (id, (version, number, issued_on, superseded.is_some()))
            })
            .collect();
        let plans: HashMap<i32, String> = plan::Entity::find()
            .select_only()
            .column(plan::Column::Id)
            .column(plan::Column::Slug)
            .filter(plan::Column::Id.is_in(distinct(plan_ids)))
            .into_tuple::<(i32, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let communes: HashMap<i32, (String, String)> = commune::Entity::find()
            .select_only()
            .column(commune::Column::Id)
            .column(commune::Column::Code)
            .column(commune::Column::Name)
            .filter(commune::Column::Id.is_in(distinct(commune_ids)))
            .into_tuple::<(i32, String, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, code, name)| (id, (code, name)))
            .collect();
        rows.into_iter()
            .map(|r| {
                let (version, number, issued_on, superseded) = *records
                    .get(&r.record_id)
                    .ok_or_else(|| StoreError::Corrupt(format!("record {} of a sending", r.record_id)))?;
                let (commune, commune_name) = communes.get(&r.commune_id).cloned().unwrap_or_default();
                Ok(Handoff {
                    id: r.id,
                    plan: plans.get(&r.plan_id).cloned().unwrap_or_default(),
                    commune,
                    commune_name,
                    commune_code: r.commune_code,
                    period: r.period,
                    version,
                    number,
                    issued_on,
                    sent_at: r.sent_at,
                    state: r.state,
                    decided_by: r.decided_by,
                    decided_at: r.decided_at,
                    reason: r.reason,
                    superseded,
                })
            })
            .collect()
    }

    /// The plans of `year` on this server of a province's communes that give their official code.
    pub async fn hosted_plans(&self, province: &str, year: i32) -> Result<Vec<HostedPlan>, StoreError> {
        let codes: Vec<(i32, String)> = plan_official_code::Entity::find()
            .select_only()
            .column(plan_official_code::Column::PlanId)
            .column(plan_official_code::Column::OfficialCode)
            .filter(plan_official_code::Column::ProvinceCode.eq(province))
            .filter(plan_official_code::Column::Year.eq(year))
            .into_tuple()
            .all(&self.db)
            .await?;
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let plans: HashMap<i32, (String, i32)> = plan::Entity::find()
            .select_only()
            .column(plan::Column::Id)
            .column(plan::Column::Slug)
            .column(plan::Column::CommuneId)
            .filter(plan::Column::Id.is_in(codes.iter().map(|c| c.0).collect::<Vec<_>>()))
            .into_tuple::<(i32, String, i32)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, slug, commune)| (id, (slug, commune)))
            .collect();
        let communes: HashMap<i32, String> = commune::Entity::find()
            .select_only()
            .column(commune::Column::Id)
            .column(commune::Column::Code)
            .filter(commune::Column::Id.is_in(distinct(plans.values().map(|p| p.1).collect())))
            .into_tuple::<(i32, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let mut out: Vec<HostedPlan> = codes
            .into_iter()
            .filter_map(|(plan_id, official_code)| {
                let (slug, commune_id) = plans.get(&plan_id)?;
                Some(HostedPlan {
                    official_code,
                    plan: slug.clone(),
                    commune: communes.get(commune_id)?.clone(),
                    commune_id: *commune_id,
                })
            })
            .collect();
        out.sort_by(|a, b| a.plan.cmp(&b.plan));
        Ok(out)
    }

    /// The full names of the enabled focal officers (`dau_moi`) of a province's communes, by
    /// commune id: one query for a whole board.
    pub async fn focal_officers(&self, province: &str) -> Result<HashMap<i32, Vec<String>>, StoreError> {
        let mut out: HashMap<i32, Vec<String>> = HashMap::new();
        let rows: Vec<(Option<i32>, String)> = user::Entity::find()
            .select_only()
            .column(user::Column::CommuneId)
            .column(user::Column::FullName)
            .filter(user::Column::ProvinceCode.eq(province))
            .filter(user::Column::Role.eq("dau_moi"))
            .filter(user::Column::Disabled.eq(false))
            .order_by_asc(user::Column::Username)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (commune, name) in rows {
            if let Some(commune) = commune {
                out.entry(commune).or_default().push(name);
            }
        }
        Ok(out)
    }

    /// The figures of the accepted sendings of a period, of one province or every one, with the
    /// sending each comes from: one query over the figures joined to their sendings.
    pub async fn accepted_figures(
        &self,
        province: Option<&str>,
        period: &str,
    ) -> Result<Vec<StoredFigure>, StoreError> {
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
        let (f, h) = (Alias::new("f"), Alias::new("h"));
        let mut q = Query::select();
        q.expr_as(Expr::col((h.clone(), Alias::new("id"))), Alias::new("handoff"))
            .columns([
                (f.clone(), Alias::new("indicator")),
                (f.clone(), Alias::new("value")),
                (f.clone(), Alias::new("numerator")),
                (f.clone(), Alias::new("denominator")),
                (f.clone(), Alias::new("target")),
                (f.clone(), Alias::new("status")),
            ])
            .from_as(Alias::new("province_figures"), f.clone())
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                Alias::new("province_handoffs"),
                h.clone(),
                Expr::col((h.clone(), Alias::new("record_id"))).equals((f.clone(), Alias::new("record_id"))),
            )
            .and_where(Expr::col((h.clone(), Alias::new("period"))).eq(period))
            .and_where(Expr::col((f.clone(), Alias::new("period"))).eq(period))
            .and_where(Expr::col((h.clone(), Alias::new("state"))).eq("accepted"))
            .order_by((f.clone(), Alias::new("id")), sea_orm::sea_query::Order::Asc);
        if let Some(province) = province {
            q.and_where(Expr::col((h.clone(), Alias::new("province"))).eq(province));
        }
        let stmt = self.db.get_database_backend().build(&q);
        let mut out = Vec::new();
        for row in self.db.query_all_raw(stmt).await? {
            out.push(StoredFigure {
                handoff: row.try_get("", "handoff")?,
                indicator: row.try_get("", "indicator")?,
                value: row.try_get("", "value")?,
                numerator: row.try_get("", "numerator")?,
                denominator: row.try_get("", "denominator")?,
                target: row.try_get("", "target")?,
                status: row.try_get("", "status")?,
            });
        }
        Ok(out)
    }

    /// The figures of the given sendings.
    pub async fn handoff_figures(&self, handoffs: &[i32]) -> Result<Vec<StoredFigure>, StoreError> {
        if handoffs.is_empty() {
            return Ok(Vec::new());
        }
        let sendings: HashMap<i32, i32> = province_handoff::Entity::find()
            .filter(province_handoff::Column::Id.is_in(handoffs.to_vec()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|h| (h.record_id, h.id))
            .collect();
        Ok(province_figure::Entity::find()
            .filter(province_figure::Column::RecordId.is_in(sendings.keys().copied().collect::<Vec<_>>()))
            .order_by_asc(province_figure::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|f| {
                Some(StoredFigure {
                    handoff: *sendings.get(&f.record_id)?,
                    indicator: f.indicator,
                    value: f.value,
                    numerator: f.numerator,
                    denominator: f.denominator,
                    target: f.target,
                    status: f.status,
                })
            })
            .collect())
    }

    /// The province accepts a sending, or returns it with a reason. Only a sending still waiting
    /// (`sent`) whose version the commune has not reopened takes a decision.
    pub async fn decide_handoff(
        &self,
        province: &str,
        handoff: i32,
        accept: bool,
        reason: Option<&str>,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<Decided>, StoreError> {
        let txn = self.write().await?;
        let Some(row) = province_handoff::Entity::find_by_id(handoff)
            .filter(province_handoff::Column::Province.eq(province))
            .one(&txn)
            .await?
        else {
            return Ok(None);
        };
        let superseded = commune_report_record::Entity::find_by_id(row.record_id)
            .one(&txn)
            .await?
            .is_some_and(|r| r.superseded_at.is_some());
        if row.state != "sent" || superseded {
            drop(txn);
            let now = self.handoffs_of(vec![row]).await?;
            return Ok(now.into_iter().next().map(Decided::Stale));
        }
        let state = if accept { "accepted" } else { "returned" };
        let updated = province_handoff::Entity::update_many()
            .col_expr(province_handoff::Column::State, sea_orm::sea_query::Expr::value(state))
            .col_expr(province_handoff::Column::DecidedBy, sea_orm::sea_query::Expr::value(actor.name.to_owned()))
            .col_expr(province_handoff::Column::DecidedAt, sea_orm::sea_query::Expr::value(now))
            .col_expr(province_handoff::Column::Reason, sea_orm::sea_query::Expr::value(reason.map(str::to_owned)))
            .filter(province_handoff::Column::Id.eq(row.id))
            .filter(province_handoff::Column::State.eq("sent"))
            .exec(&txn)
            .await?;
        if updated.rows_affected != 1 {
            drop(txn);
            let now = province_handoff::Entity::find_by_id(handoff).one(&self.db).await?;
            return Ok(self.handoffs_of(now.into_iter().collect()).await?.into_iter().next().map(Decided::Stale));
        }
        let commune = commune::Entity::find_by_id(row.commune_id).one(&txn).await?;
        #[derive(Serialize)]
        struct Decision<'a> {
            state: &'a str,
            period: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            reason: Option<&'a str>,
        }
        let key = format!("{}/{}", commune.as_ref().map_or("", |c| c.code.as_str()), row.period);
        let action = if accept { "province.accept" } else { "province.return" };
        trail(
            &txn,
            province,
            Some(row.commune_id),
            actor,
            action,
            &key,
            &Decision { state, period: &row.period, reason },
        )
        .await?;
        txn.commit().await?;
        let now = province_handoff::Entity::find_by_id(handoff).one(&self.db).await?;
        Ok(self.handoffs_of(now.into_iter().collect()).await?.into_iter().next().map(Decided::Done))
    }
}

fn stored(p: province::Model) -> StoredProvince {
    StoredProvince {
        row: p.id,
        slug: p.slug,
        code: p.code,
        name: p.name,
        source: p.source,
        loaded_by: p.loaded_by,
        loaded_at: p.loaded_at,
        revision: p.revision,
    }
}

fn distinct(mut ids: Vec<i32>) -> Vec<i32> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The official code of each plan's commune, by plan (migration m0017): which communes of a
/// province this server hosts is one query, not a load of every plan.
pub(crate) mod plan_official_code {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_official_codes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub plan_id: i32,
        pub province_code: String,
        pub year: i32,
        pub official_code: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Keeps a plan's official code beside it, in the import's transaction.
pub(crate) async fn set_official_code<C: ConnectionTrait>(
    txn: &C,
    plan_id: i32,
    province_code: &str,
    year: i32,
    official_code: Option<&str>,
) -> Result<(), StoreError> {
    plan_official_code::Entity::delete_many().filter(plan_official_code::Column::PlanId.eq(plan_id)).exec(txn).await?;
    if let Some(code) = official_code {
        plan_official_code::ActiveModel {
            plan_id: Set(plan_id),
            province_code: Set(province_code.to_owned()),
            year: Set(year),
            official_code: Set(code.to_owned()),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The columns of a record a sending shows: id, version, number, date, superseded.
trait InfoColumns {
    fn select_only_info(self) -> Self;
}

impl InfoColumns for sea_orm::Select<commune_report_record::Entity> {
    fn select_only_info(self) -> Self {
        self.select_only()
            .column(commune_report_record::Column::Id)
            .column(commune_report_record::Column::Version)
            .column(commune_report_record::Column::Number)
            .column(commune_report_record::Column::IssuedOn)
            .column(commune_report_record::Column::SupersededAt)
    }
}
