//! Plans: import from a validated [`Plan`], list, and load back whole.

use chrono::Utc;
use kehoach_domain::{
    Appendices, Commune, DocumentInfo, Figure, Indicator, IndicatorKind, IndicatorSection, Plan, Preamble,
    ReportingRegime, Section, Signer, Target, Task, TaskGroup, TimeFrame, UnitRef, UnitRefKind,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor};
use crate::entity::{commune, indicator, indicator_section, plan, responsibility, target, task, task_group};
use crate::units::{load_groups, load_units, upsert_commune, upsert_group, upsert_unit};
use crate::{Store, StoreError};

/// The narrative parts of a plan, stored whole in `plans.text_json`.
#[derive(Serialize, Deserialize)]
pub struct PlanText {
    document: DocumentInfo,
    preamble: Preamble,
    sections: Vec<Section>,
    reporting: ReportingRegime,
    signer: Signer,
    recipients: Vec<String>,
    appendices: Appendices,
    /// Each indicator's measure, by indicator code.
    #[serde(default)]
    measures: std::collections::BTreeMap<String, kehoach_domain::measure::Measure>,
    #[serde(default)]
    initiatives: kehoach_domain::initiative::InitiativeRules,
    /// The codes of the units and groups the plan file itself names (the commune's admin adds
    /// others): what a new version of the file may drop. Plans imported before this was kept
    /// have none, and their next import drops nothing.
    #[serde(default)]
    file_units: Vec<String>,
    #[serde(default)]
    file_groups: Vec<String>,
    /// The commune's official code and each indicator's province indicator (issue 13).
    #[serde(default)]
    official_code: Option<String>,
    #[serde(default)]
    province_links: std::collections::BTreeMap<String, String>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub plan_id: String,
    /// The plan was new to the database.
    pub created: bool,
    /// Anything differed from what was stored (a re-import of the same file changes nothing).
    pub changed: bool,
}

/// One line of the plan list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    pub id: String,
    pub commune: Commune,
    pub year: i32,
    pub title: String,
}

const INDICATOR: &str = "indicator";
const TASK: &str = "task";

impl Store {
    /// Loads a checked plan into the database, or updates it: the same plan id is the same plan,
    /// codes keep their rows, and nothing is duplicated. All or nothing, in one transaction.
    /// Units and groups the previous version of the file named and this one drops leave the
    /// commune (see [`crate::plan_units`]).
    pub async fn import_plan(&self, plan: &Plan, actor: Actor<'_>) -> Result<ImportOutcome, StoreError> {
        let before = self.plan(&plan.id).await?;
        let txn = self.write().await?;
        let now = Utc::now();
        let commune_id = upsert_commune(&txn, &plan.commune, now).await?;

        let existing = plan::Entity::find().filter(plan::Column::Slug.eq(&plan.id)).one(&txn).await?;
        if let Some(row) = &existing
            && row.commune_id != commune_id
        {
            return Err(StoreError::Conflict(format!("plan id `{}` already belongs to another commune", plan.id)));
        }

        for unit in &plan.units {
            upsert_unit(&txn, commune_id, unit, now).await?;
        }
        for group in &plan.groups {
            upsert_group(&txn, commune_id, group).await?;
        }
        let dropped = match &existing {
            Some(row) => crate::plan_units::drop_stale(&txn, commune_id, row, plan).await?,
            None => crate::plan_units::Dropped::default(),
        };

        let text = serde_json::to_string(&PlanText {
            document: plan.document.clone(),
            preamble: plan.preamble.clone(),
            sections: plan.sections.clone(),
            reporting: plan.reporting.clone(),
            signer: plan.signer.clone(),
            recipients: plan.recipients.clone(),
            appendices: plan.appendices.clone(),
            measures: plan.indicators.iter().filter_map(|i| Some((i.code.clone(), i.measure.clone()?))).collect(),
            initiatives: plan.initiatives.clone(),
            file_units: plan.units.iter().map(|u| u.code.clone()).collect(),
            file_groups: plan.groups.iter().map(|g| g.code.clone()).collect(),
            official_code: plan.commune.official_code.clone(),
            province_links: plan
                .indicators
                .iter()
                .filter_map(|i| Some((i.code.clone(), i.province_indicator.clone()?)))
                .collect(),
        })?;
        let mut row = match &existing {
            Some(row) => plan::ActiveModel::from(row.clone()),
            None => plan::ActiveModel {
                commune_id: Set(commune_id),
                slug: Set(plan.id.clone()),
                imported_at: Set(now),
                ..Default::default()
            },
        };
        row.year = Set(plan.year);
        row.title = Set(plan.document.title.clone());
        row.number = Set(plan.document.number.clone());
        row.symbol = Set(plan.document.symbol.clone());
        row.issued_on = Set(plan.document.issued_on);
        row.text_json = Set(text);
        row.updated_at = Set(now);
        let plan_id = match existing {
            Some(_) => row.update(&txn).await?.id,
            None => row.insert(&txn).await?.id,
        };

        replace_children(&txn, commune_id, plan_id, plan).await?;
        crate::province::set_official_code(
            &txn,
            plan_id,
            &plan.commune.province_code,
            plan.year,
            plan.commune.official_code.as_deref(),
        )
        .await?;
        upsert_indicators(&txn, commune_id, plan_id, &plan.indicators).await?;
        upsert_tasks(&txn, commune_id, plan_id, &plan.tasks).await?;

        // The stored plan's units are the commune's current ones, not only the file's: compare
        // what the file says.
        let changed = before.as_ref().is_none_or(|b| !same_plan(b, plan)) || !dropped.is_empty();
        let created = before.is_none();
        if !dropped.is_empty() {
            audit::record(
                &txn,
                audit::Entry {
                    commune_id: Some(commune_id),
                    actor,
                    action: "plan.drop_units",
                    record_kind: "plan",
                    record_key: &plan.id,
                    before: None,
                    after: Some(&dropped),
                },
            )
            .await?;
        }
        if changed {
            audit::record(
                &txn,
                audit::Entry {
                    commune_id: Some(commune_id),
                    actor,
                    action: if created { "plan.import" } else { "plan.update" },
                    record_kind: "plan",
                    record_key: &plan.id,
                    before: before.as_ref(),
                    after: Some(plan),
                },
            )
            .await?;
        }
        crate::revisions::plan_of_commune(&txn, commune_id).await?;
        txn.commit().await?;
        Ok(ImportOutcome { plan_id: plan.id.clone(), created, changed })
    }

    /// The row id of each indicator of a plan, by code: later records point at these.
    pub async fn indicator_ids(&self, plan_id: &str) -> Result<Vec<(String, i32)>, StoreError> {
        let Some(row) = plan::Entity::find().filter(plan::Column::Slug.eq(plan_id)).one(&self.db).await? else {
            return Err(StoreError::NotFound(format!("plan `{plan_id}`")));
        };
        Ok(indicator::Entity::find()
            .filter(indicator::Column::PlanId.eq(row.id))
            .order_by_asc(indicator::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|i| (i.code, i.id))
            .collect())
    }

    /// Every plan in the database, newest year first.
    pub async fn plans(&self) -> Result<Vec<PlanSummary>, StoreError> {
        let rows = plan::Entity::find()
            .order_by_desc(plan::Column::Year)
            .order_by_asc(plan::Column::Slug)
            .all(&self.db)
            .await?;
        let communes = commune::Entity::find().all(&self.db).await?;
        rows.into_iter()
            .map(|p| {
                let commune = communes
                    .iter()
                    .find(|c| c.id == p.commune_id)
                    .ok_or_else(|| StoreError::Corrupt(format!("plan {} has no commune", p.slug)))?;
                Ok(PlanSummary { id: p.slug, commune: commune_of(commune), year: p.year, title: p.title })
            })
            .collect()
    }

    /// The whole plan, with the commune's current units and groups; `None` if unknown.
    pub async fn plan(&self, id: &str) -> Result<Option<Plan>, StoreError> {
        let Some(row) = plan::Entity::find().filter(plan::Column::Slug.eq(id)).one(&self.db).await? else {
            return Ok(None);
        };
        let commune = commune::Entity::find_by_id(row.commune_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("plan {id} has no commune")))?;
        let text: PlanText = serde_json::from_str(&row.text_json)?;

        let responsibilities = responsibility::Entity::find()
            .filter(responsibility::Column::PlanId.eq(row.id))
            .order_by_asc(responsibility::Column::Position)
            .all(&self.db)
            .await?;
        let people = |kind: &str, code: &str| -> Result<(UnitRef, Vec<UnitRef>), StoreError> {
            let mut lead = None;
            let mut coordinators = Vec::new();
            for r in responsibilities.iter().filter(|r| r.subject_kind == kind && r.subject_code == code) {
                let unit_ref = UnitRef {
                    kind: if r.ref_kind == "group" { UnitRefKind::Group } else { UnitRefKind::Unit },
                    code: r.ref_code.clone(),
                };
                if r.role == "lead" {
                    lead = Some(unit_ref);
                } else {
                    coordinators.push(unit_ref);
                }
            }
            let lead = lead.ok_or_else(|| StoreError::Corrupt(format!("{kind} {code} has no lead")))?;
            Ok((lead, coordinators))
        };

        let indicator_sections = indicator_section::Entity::find()
            .filter(indicator_section::Column::PlanId.eq(row.id))
            .order_by_asc(indicator_section::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| IndicatorSection { code: s.code, title: s.title, in_appendix: s.in_appendix })
            .collect();
        let indicators = indicator::Entity::find()
            .filter(indicator::Column::PlanId.eq(row.id))
            .order_by_asc(indicator::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|i| {
                let (lead, coordinators) = people(INDICATOR, &i.code)?;
                Ok(Indicator {
                    measure: text.measures.get(&i.code).cloned(),
                    province_indicator: text.province_links.get(&i.code).cloned(),
                    kind: IndicatorKind::from_key(&i.kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("indicator kind {}", i.kind)))?,
                    code: i.code,
                    section: i.section_code,
                    number: i.number,
                    name: i.name,
                    measure_unit: i.measure_unit,
                    baseline: Figure { text: i.baseline_text, value: i.baseline_value },
                    target: Figure { text: i.target_text, value: i.target_value },
                    lead,
                    coordinators,
                    coordinators_text: i.coordinators_text,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let targets = target::Entity::find()
            .filter(target::Column::PlanId.eq(row.id))
            .order_by_asc(target::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| Target { text: t.text, indicator: t.indicator_code })
            .collect();
        let task_groups = task_group::Entity::find()
            .filter(task_group::Column::PlanId.eq(row.id))
            .order_by_asc(task_group::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|g| TaskGroup { code: g.code, title: g.title })
            .collect();
        let tasks = task::Entity::find()
            .filter(task::Column::PlanId.eq(row.id))
            .order_by_asc(task::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| {
                let (lead, coordinators) = people(TASK, &t.code)?;
                let time_frame = match (t.time_frame.as_str(), t.time_frame_year) {
                    ("year", Some(y)) => TimeFrame::Year(y),
                    ("every_year", _) => TimeFrame::EveryYear,
                    ("ongoing", _) => TimeFrame::Ongoing,
                    (other, _) => return Err(StoreError::Corrupt(format!("time frame {other}"))),
                };
                Ok(Task {
                    code: t.code,
                    group: t.group_code,
                    number: t.number,
                    content: t.content,
                    description: t.description,
                    lead,
                    coordinators,
                    coordinators_text: t.coordinators_text,
                    time_frame,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        Ok(Some(Plan {
            id: row.slug,
            commune: Commune { official_code: text.official_code.clone(), ..commune_of(&commune) },
            year: row.year,
            document: text.document,
            preamble: text.preamble,
            sections: text.sections,
            targets,
            units: load_units(&self.db, commune.id).await?,
            groups: load_groups(&self.db, commune.id).await?,
            indicator_sections,
            indicators,
            task_groups,
            tasks,
            reporting: text.reporting,
            recipients: text.recipients,
            signer: text.signer,
            appendices: text.appendices,
            initiatives: text.initiatives,
        }))
    }
}

pub(crate) fn commune_of(c: &commune::Model) -> Commune {
    Commune {
        code: c.code.clone(),
        name: c.name.clone(),
        kind: c.kind.clone(),
        province_code: c.province_code.clone(),
        province: c.province.clone(),
        official_code: None,
    }
}

/// Whether the stored plan already says what the file says. Units and groups are compared as
/// "every one of the file's is stored as written", since the commune may have more.
fn same_plan(stored: &Plan, file: &Plan) -> bool {
    let mut a = stored.clone();
    let b = file;
    let units_present = b.units.iter().all(|u| a.units.contains(u));
    let groups_present = b.groups.iter().all(|g| a.groups.contains(g));
    a.units = b.units.clone();
    a.groups = b.groups.clone();
    units_present && groups_present && a == *b
}

/// Rows with no identity of their own are rewritten whole on each import.
async fn replace_children(
    txn: &DatabaseTransaction,
    commune_id: i32,
    plan_id: i32,
    plan: &Plan,
) -> Result<(), StoreError> {
    indicator_section::Entity::delete_many().filter(indicator_section::Column::PlanId.eq(plan_id)).exec(txn).await?;
    target::Entity::delete_many().filter(target::Column::PlanId.eq(plan_id)).exec(txn).await?;
    task_group::Entity::delete_many().filter(task_group::Column::PlanId.eq(plan_id)).exec(txn).await?;
    responsibility::Entity::delete_many().filter(responsibility::Column::PlanId.eq(plan_id)).exec(txn).await?;

    for (position, s) in (0..).zip(&plan.indicator_sections) {
        indicator_section::ActiveModel {
            commune_id: Set(commune_id),
            plan_id: Set(plan_id),
            position: Set(position),
            code: Set(s.code.clone()),
            title: Set(s.title.clone()),
            in_appendix: Set(s.in_appendix),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    for (position, t) in (0..).zip(&plan.targets) {
        target::ActiveModel {
            commune_id: Set(commune_id),
            plan_id: Set(plan_id),
            position: Set(position),
            text: Set(t.text.clone()),
            indicator_code: Set(t.indicator.clone()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    for (position, g) in (0..).zip(&plan.task_groups) {
        task_group::ActiveModel {
            commune_id: Set(commune_id),
            plan_id: Set(plan_id),
            position: Set(position),
            code: Set(g.code.clone()),
            title: Set(g.title.clone()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let subjects = plan
        .indicators
        .iter()
        .map(|i| (INDICATOR, &i.code, &i.lead, &i.coordinators))
        .chain(plan.tasks.iter().map(|t| (TASK, &t.code, &t.lead, &t.coordinators)));
    for (kind, code, lead, coordinators) in subjects {
        let people = std::iter::once(("lead", lead)).chain(coordinators.iter().map(|c| ("coordinator", c)));
        for (position, (role, r)) in (0..).zip(people) {
            responsibility::ActiveModel {
                commune_id: Set(commune_id),
                plan_id: Set(plan_id),
                subject_kind: Set(kind.into()),
                subject_code: Set(code.clone()),
                role: Set(role.into()),
                position: Set(position),
                ref_kind: Set(match r.kind {
                    UnitRefKind::Unit => "unit".into(),
                    UnitRefKind::Group => "group".into(),
                }),
                ref_code: Set(r.code.clone()),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// Indicators keep their row (and id) across imports: later records point at them.
async fn upsert_indicators(
    txn: &DatabaseTransaction,
    commune_id: i32,
    plan_id: i32,
    indicators: &[Indicator],
) -> Result<(), StoreError> {
    let existing = indicator::Entity::find().filter(indicator::Column::PlanId.eq(plan_id)).all(txn).await?;
    for stale in existing.iter().filter(|e| !indicators.iter().any(|i| i.code == e.code)) {
        indicator::Entity::delete_by_id(stale.id).exec(txn).await?;
    }
    for (position, i) in (0..).zip(indicators) {
        let mut row = match existing.iter().find(|e| e.code == i.code) {
            Some(e) => indicator::ActiveModel::from(e.clone()),
            None => indicator::ActiveModel {
                commune_id: Set(commune_id),
                plan_id: Set(plan_id),
                code: Set(i.code.clone()),
                ..Default::default()
            },
        };
        row.position = Set(position);
        row.section_code = Set(i.section.clone());
        row.number = Set(i.number.clone());
        row.name = Set(i.name.clone());
        row.measure_unit = Set(i.measure_unit.clone());
        row.kind = Set(i.kind.key().into());
        row.baseline_text = Set(i.baseline.text.clone());
        row.baseline_value = Set(i.baseline.value);
        row.target_text = Set(i.target.text.clone());
        row.target_value = Set(i.target.value);
        row.coordinators_text = Set(i.coordinators_text.clone());
        row.save(txn).await?;
    }
    Ok(())
}

/// Tasks keep their row across imports, like indicators.
async fn upsert_tasks(
    txn: &DatabaseTransaction,
    commune_id: i32,
    plan_id: i32,
    tasks: &[Task],
) -> Result<(), StoreError> {
    let existing = task::Entity::find().filter(task::Column::PlanId.eq(plan_id)).all(txn).await?;
    for stale in existing.iter().filter(|e| !tasks.iter().any(|t| t.code == e.code)) {
        task::Entity::delete_by_id(stale.id).exec(txn).await?;
    }
    for (position, t) in (0..).zip(tasks) {
        let mut row = match existing.iter().find(|e| e.code == t.code) {
            Some(e) => task::ActiveModel::from(e.clone()),
            None => task::ActiveModel {
                commune_id: Set(commune_id),
                plan_id: Set(plan_id),
                code: Set(t.code.clone()),
                ..Default::default()
            },
        };
        let (frame, year) = match t.time_frame {
            TimeFrame::Year(y) => ("year", Some(y)),
            TimeFrame::Ongoing => ("ongoing", None),
            TimeFrame::EveryYear => ("every_year", None),
        };
        row.position = Set(position);
        row.group_code = Set(t.group.clone());
        row.number = Set(t.number.clone());
        row.content = Set(t.content.clone());
        row.description = Set(t.description.clone());
        row.coordinators_text = Set(t.coordinators_text.clone());
        row.time_frame = Set(frame.into());
        row.time_frame_year = Set(year);
        row.save(txn).await?;
    }
    Ok(())
}
