//! Document numbers: each type's yearly sequence per commune. A subject keeps the number it was
//! given; a number is never given twice.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::entity::document_number;
use crate::{Store, StoreError};

/// A number given to a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IssuedNumber {
    pub number: u32,
    pub issued_on: NaiveDate,
}

fn issued(r: &document_number::Model) -> IssuedNumber {
    IssuedNumber { number: u32::try_from(r.number).unwrap_or(0), issued_on: r.issued_on }
}

impl Store {
    /// The number of the document about `subject`: the one it was given, if any.
    pub async fn document_number(&self, plan_id: &str, subject: &str) -> Result<Option<IssuedNumber>, StoreError> {
        let commune_id = Self::commune_id_of_plan(&self.db, plan_id).await?;
        Ok(document_number::Entity::find()
            .filter(document_number::Column::CommuneId.eq(commune_id))
            .filter(document_number::Column::Subject.eq(subject))
            .one(&self.db)
            .await?
            .as_ref()
            .map(issued))
    }

    /// Gives the document about `subject` the next number of its type in the year of
    /// `issued_on`, or the number it already has. Two at once cannot take the same number: the
    /// database refuses the second, which then reads the first's.
    pub async fn issue_number(
        &self,
        plan_id: &str,
        doc_type: &str,
        subject: &str,
        issued_on: NaiveDate,
        actor: Actor<'_>,
        now: DateTime<Utc>,
    ) -> Result<IssuedNumber, StoreError> {
        // Each of n documents numbered at the same instant loses at most n - 1 times.
        for _ in 0..16 {
            if let Some(n) = self.document_number(plan_id, subject).await? {
                return Ok(n);
            }
            let txn = self.write().await?;
            let commune_id = Self::commune_id_of_plan(&txn, plan_id).await?;
            let last: Option<i32> = document_number::Entity::find()
                .select_only()
                .column(document_number::Column::Number)
                .filter(document_number::Column::CommuneId.eq(commune_id))
                .filter(document_number::Column::Year.eq(issued_on.year()))
                .filter(document_number::Column::DocType.eq(doc_type))
                .order_by_desc(document_number::Column::Number)
                .into_tuple()
                .one(&txn)
                .await?;
            let row = document_number::ActiveModel {
                commune_id: Set(commune_id),
                year: Set(issued_on.year()),
                doc_type: Set(doc_type.to_owned()),
                number: Set(last.unwrap_or(0) + 1),
                subject: Set(subject.to_owned()),
                issued_on: Set(issued_on),
                issued_by: Set(actor.name.to_owned()),
                issued_at: Set(now),
                ..Default::default()
            };
            let row = match row.insert(&txn).await {
                Ok(r) => r,
                // Taken meanwhile: read again.
                Err(e) if e.sql_err().is_some() => continue,
                Err(e) => return Err(e.into()),
            };
            let number = issued(&row);
            audit::record(
                &txn,
                audit::Entry {
                    commune_id: Some(commune_id),
                    actor,
                    action: "document.number",
                    record_kind: "document",
                    record_key: subject,
                    before: None,
                    after: Some(&number),
                },
            )
            .await?;
            txn.commit().await?;
            return Ok(number);
        }
        Err(StoreError::Conflict(format!("no number could be issued for {subject}")))
    }
}
