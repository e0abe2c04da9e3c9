//! Evidence files of unit reports.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;

use crate::audit::{self, Actor};
use crate::entity::report_file;
use crate::{Store, StoreError};

/// A file's description, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FileInfo {
    pub id: i32,
    pub name: String,
    pub mime: String,
    pub size: i32,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(sea_orm::FromQueryResult)]
struct FileRow {
    id: i32,
    name: String,
    mime: String,
    size: i32,
    sha256: String,
    uploaded_by: String,
    uploaded_at: DateTime<Utc>,
}

/// A file to keep with a report.
pub struct NewFile<'a> {
    pub name: &'a str,
    pub mime: &'a str,
    pub sha256: &'a str,
    pub data: &'a [u8],
    pub now: DateTime<Utc>,
}

fn info(f: &report_file::Model) -> FileInfo {
    FileInfo {
        id: f.id,
        name: f.name.clone(),
        mime: f.mime.clone(),
        size: f.size,
        sha256: f.sha256.clone(),
        uploaded_by: f.uploaded_by.clone(),
        uploaded_at: f.uploaded_at,
    }
}

impl Store {
    /// Keeps a file with a report (its audit row names the file, not its content).
    pub async fn add_report_file(
        &self,
        report_id: i32,
        file: &NewFile<'_>,
        record_key: &str,
        actor: Actor<'_>,
    ) -> Result<FileInfo, StoreError> {
        let report = crate::entity::unit_report::Entity::find_by_id(report_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("report {report_id}")))?;
        let txn = self.write().await?;
        let row = report_file::ActiveModel {
            commune_id: Set(report.commune_id),
            report_id: Set(report_id),
            name: Set(file.name.to_owned()),
            mime: Set(file.mime.to_owned()),
            size: Set(i32::try_from(file.data.len()).map_err(|_| StoreError::Conflict("file too large".into()))?),
            sha256: Set(file.sha256.to_owned()),
            data: Set(file.data.to_vec()),
            uploaded_by: Set(actor.name.to_owned()),
            uploaded_at: Set(file.now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let added = info(&row);
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(report.commune_id),
                actor,
                action: "report.file.add",
                record_kind: "report",
                record_key,
                before: None,
                after: Some(&added),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(added)
    }

    /// The report's files, without their content: a listing never reads megabytes.
    pub async fn report_files(&self, report_id: i32) -> Result<Vec<FileInfo>, StoreError> {
        use report_file::Column::*;
        let rows = report_file::Entity::find()
            .select_only()
            .columns([Id, Name, Mime, Size, Sha256, UploadedBy, UploadedAt])
            .filter(ReportId.eq(report_id))
            .order_by_asc(Id)
            .into_model::<FileRow>()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| FileInfo {
                id: r.id,
                name: r.name,
                mime: r.mime,
                size: r.size,
                sha256: r.sha256,
                uploaded_by: r.uploaded_by,
                uploaded_at: r.uploaded_at,
            })
            .collect())
    }

    pub async fn report_file_count(&self, report_id: i32) -> Result<u64, StoreError> {
        Ok(report_file::Entity::find().filter(report_file::Column::ReportId.eq(report_id)).count(&self.db).await?)
    }

    /// A file of a report, with its content.
    pub async fn report_file(&self, report_id: i32, file_id: i32) -> Result<Option<(FileInfo, Vec<u8>)>, StoreError> {
        Ok(report_file::Entity::find_by_id(file_id)
            .filter(report_file::Column::ReportId.eq(report_id))
            .one(&self.db)
            .await?
            .map(|f| (info(&f), f.data)))
    }

    /// Removes a file from a report, with an audit row naming it.
    pub async fn remove_report_file(
        &self,
        report_id: i32,
        file_id: i32,
        record_key: &str,
        actor: Actor<'_>,
    ) -> Result<bool, StoreError> {
        let txn = self.write().await?;
        let Some(f) = report_file::Entity::find_by_id(file_id)
            .filter(report_file::Column::ReportId.eq(report_id))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        let removed = info(&f);
        report_file::Entity::delete_by_id(file_id).exec(&txn).await?;
        audit::record(
            &txn,
            audit::Entry {
                commune_id: Some(f.commune_id),
                actor,
                action: "report.file.remove",
                record_kind: "report",
                record_key,
                before: Some(&removed),
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}
