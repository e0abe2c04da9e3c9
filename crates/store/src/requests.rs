//! Ad hoc report requests: numbered within their plan, never changed once made.

use chrono::{DateTime, Utc};
use kehoach_domain::request::AdHocRequest;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor};
use crate::entity::{plan, report_request};
use crate::{Store, StoreError};

#[derive(Serialize, Deserialize)]
struct Asked {
    tasks: Vec<String>,
    indicators: Vec<String>,
    questions: Vec<String>,
}

/// A request to store: checked already, its units resolved.
pub struct RequestDraft<'a> {
    pub title: &'a str,
    pub details: &'a str,
    pub tasks: &'a [String],
    pub indicators: &'a [String],
    pub questions: &'a [String],
    pub units: &'a [String],
    pub deadline: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

fn request_of(r: report_request::Model) -> Result<AdHocRequest, StoreError> {
    let asked: Asked = serde_json::from_str(&r.asked_json)?;
    Ok(AdHocRequest {
        number: u32::try_from(r.number).map_err(|_| StoreError::Corrupt(format!("request number {}", r.number)))?,
        title: r.title,
        details: r.details,
        tasks: asked.tasks,
        indicators: asked.indicators,
        questions: asked.questions,
        units: serde_json::from_str(&r.units_json)?,
        deadline: r.deadline,
        created_by: r.created_by,
        created_at: r.created_at,
    })
}

impl Store {
    /// Stores a new request with the next number of its plan; with its audit row.
    pub async fn create_request(
        &self,
        plan_id: &str,
        d: &RequestDraft<'_>,
        actor: Actor<'_>,
    ) -> Result<AdHocRequest, StoreError> {
        let Some(p) = plan::Entity::find().filter(plan::Column::Slug.eq(plan_id)).one(&self.db).await? else {
            return Err(StoreError::NotFound(format!("plan `{plan_id}`")));
        };
        let txn = self.write().await?;
        let number = report_request::Entity::find().filter(report_request::Column::PlanId.eq(p.id)).count(&txn).await?
            as i32
            + 1;
        let asked =
            Asked { tasks: d.tasks.to_vec(), indicators: d.indicators.to_vec(), questions: d.questions.to_vec() };
        let row = report_request::ActiveModel {
            commune_id: Set(p.commune_id),
            plan_id: Set(p.id),
            number: Set(number),
            title: Set(d.title.to_owned()),
            details: Set(d.details.to_owned()),
            asked_json: Set(serde_json::to_string(&asked)?),
            units_json: Set(serde_json::to_string(d.units)?),
            deadline: Set(d.deadline),
            created_by: Set(actor.name.to_owned()),
            created_at: Set(d.now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let request = request_of(row)?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(p.commune_id),
                actor,
                action: "request.create",
                record_kind: "request",
                record_key: &format!("{plan_id}/{}-R{number}", p.year),
                before: None,
                after: Some(&request),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(request)
    }

    /// The plan's requests, newest first.
    pub async fn requests(&self, plan_id: &str) -> Result<Vec<AdHocRequest>, StoreError> {
        let Some(p) = plan::Entity::find().filter(plan::Column::Slug.eq(plan_id)).one(&self.db).await? else {
            return Err(StoreError::NotFound(format!("plan `{plan_id}`")));
        };
        report_request::Entity::find()
            .filter(report_request::Column::PlanId.eq(p.id))
            .order_by_desc(report_request::Column::Number)
            .all(&self.db)
            .await?
            .into_iter()
            .map(request_of)
            .collect()
    }

    pub async fn request(&self, plan_id: &str, number: u32) -> Result<Option<AdHocRequest>, StoreError> {
        Ok(self.requests(plan_id).await?.into_iter().find(|r| r.number == number))
    }
}
