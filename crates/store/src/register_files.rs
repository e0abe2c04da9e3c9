//! Evidence files of register records: photos and scans of attendance lists, minutes, decisions.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

use crate::audit::{self, Actor};
use crate::entity::{register_file, register_record};
use crate::files::FileInfo;
use crate::{NewFile, Store, StoreError};

fn info(f: &register_file::Model) -> FileInfo {
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
    /// Keeps a file with a record (its audit row names the file, not its content).
    pub async fn add_record_file(
        &self,
        record_id: i32,
        file: &NewFile<'_>,
        actor: Actor<'_>,
    ) -> Result<FileInfo, StoreError> {
        let txn = self.write().await?;
        let record = register_record::Entity::find_by_id(record_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("record {record_id}")))?;
        let row = register_file::ActiveModel {
            commune_id: Set(record.commune_id),
            record_id: Set(record_id),
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
                commune_id: Some(record.commune_id),
                actor,
                action: "register.file.add",
                record_kind: "register_record",
                record_key: &record_id.to_string(),
                before: None,
                after: Some(&added),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(added)
    }

    /// A record's files, without their content.
    pub async fn record_files(&self, record_id: i32) -> Result<Vec<FileInfo>, StoreError> {
        use register_file::Column::*;
        let rows: Vec<(i32, String, String, i32, String, String, chrono::DateTime<chrono::Utc>)> =
            register_file::Entity::find()
                .select_only()
                .columns([Id, Name, Mime, Size, Sha256, UploadedBy, UploadedAt])
                .filter(RecordId.eq(record_id))
                .order_by_asc(Id)
                .into_tuple()
                .all(&self.db)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, mime, size, sha256, uploaded_by, uploaded_at)| FileInfo {
                id,
                name,
                mime,
                size,
                sha256,
                uploaded_by,
                uploaded_at,
            })
            .collect())
    }

    pub async fn record_file_count(&self, record_id: i32) -> Result<u64, StoreError> {
        Ok(register_file::Entity::find().filter(register_file::Column::RecordId.eq(record_id)).count(&self.db).await?)
    }

    /// A file of a record, with its content.
    pub async fn record_file(&self, record_id: i32, file_id: i32) -> Result<Option<(FileInfo, Vec<u8>)>, StoreError> {
        Ok(register_file::Entity::find_by_id(file_id)
            .filter(register_file::Column::RecordId.eq(record_id))
            .one(&self.db)
            .await?
            .map(|f| (info(&f), f.data)))
    }

    /// Removes a file from a record, with an audit row naming it.
    pub async fn remove_record_file(&self, record_id: i32, file_id: i32, actor: Actor<'_>) -> Result<bool, StoreError> {
        let txn = self.write().await?;
        let Some(f) = register_file::Entity::find_by_id(file_id)
            .filter(register_file::Column::RecordId.eq(record_id))
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        remove_one(&txn, f.commune_id, record_id, &info(&f), actor).await?;
        txn.commit().await?;
        Ok(true)
    }
}

/// Deletes one file and writes the audit row naming it.
async fn remove_one<C: ConnectionTrait>(
    conn: &C,
    commune_id: i32,
    record_id: i32,
    removed: &FileInfo,
    actor: Actor<'_>,
) -> Result<(), StoreError> {
    register_file::Entity::delete_by_id(removed.id).exec(conn).await?;
    audit::record(
        conn,
        audit::Entry {
            commune_id: Some(commune_id),
            actor,
            action: "register.file.remove",
            record_kind: "register_record",
            record_key: &record_id.to_string(),
            before: Some(removed),
            after: None,
        },
    )
    .await
}

/// Removes every file of a record about to be deleted, each with the audit row a removal by hand
/// writes: evidence never goes without a trace, even with its record. Call inside the record's
/// delete transaction.
pub(crate) async fn remove_all_of<C: ConnectionTrait>(
    conn: &C,
    commune_id: i32,
    record_id: i32,
    actor: Actor<'_>,
) -> Result<usize, StoreError> {
    use register_file::Column::*;
    // Without the content: a record's files can be large.
    type Row = (i32, String, String, i32, String, String, chrono::DateTime<chrono::Utc>);
    let rows: Vec<Row> = register_file::Entity::find()
        .select_only()
        .columns([Id, Name, Mime, Size, Sha256, UploadedBy, UploadedAt])
        .filter(RecordId.eq(record_id))
        .order_by_asc(Id)
        .into_tuple()
        .all(conn)
        .await?;
    for (id, name, mime, size, sha256, uploaded_by, uploaded_at) in &rows {
        let removed = FileInfo {
            id: *id,
            name: name.clone(),
            mime: mime.clone(),
            size: *size,
            sha256: sha256.clone(),
            uploaded_by: uploaded_by.clone(),
            uploaded_at: *uploaded_at,
        };
        remove_one(conn, commune_id, record_id, &removed, actor).await?;
    }
    Ok(rows.len())
}
