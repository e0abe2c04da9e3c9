//! A backup made before the last migration restores at its own version and is then migrated.
//! (Here rather than in tests/: it needs the migrator, which is the store's own.)

use std::io::{Read, Write};

use chrono::Utc;
use sea_orm::{ConnectOptions, Database};
use sea_orm_migration::MigratorTrait;
use serde_json::Value as J;

use super::schema::{applied_migrations, schema};
use crate::migration::Migrator;
use crate::testing::bench_records;
use crate::{Actor, Store};

fn sqlite_file(name: &str) -> (String, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!(
        "kehoach-older-{name}-{}-{}.sqlite",
        std::process::id(),
        Utc::now().timestamp_subsec_nanos()
    ));
    (format!("sqlite://{}?mode=rwc", path.display()), path)
}

fn remove(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
    }
}

/// The backup as the program before the last migration would have written it: that
/// migration's tables and columns left out, and its name.
async fn one_migration_back(backup: &[u8]) -> Vec<u8> {
    let (url, path) = sqlite_file("schema");
    let mut options = ConnectOptions::new(url);
    options.max_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await.unwrap();
    let steps = u32::try_from(Migrator::migrations().len() - 1).unwrap();
    Migrator::up(&db, Some(steps)).await.unwrap();
    let older = schema(&db).await.unwrap();
    db.close().await.unwrap();
    remove(&path);

    let mut text = String::new();
    flate2::read::GzDecoder::new(backup).read_to_string(&mut text).unwrap();
    let mut out = String::new();
    // Which columns of the current table to keep, when the table is kept at all.
    let mut keep: Option<Vec<bool>> = None;
    for line in text.lines() {
        let mut value: J = serde_json::from_str(line).unwrap();
        if let Some(migrations) = value.get_mut("migrations").and_then(J::as_array_mut) {
            migrations.pop();
            let tables = value["tables"].as_array().unwrap().clone();
            value["tables"] = tables.into_iter().filter(|t| older.iter().any(|o| t == o.name.as_str())).collect();
        } else if let Some(name) = value.get("table").and_then(J::as_str).map(str::to_owned) {
            keep = older.iter().find(|t| t.name == name).map(|t| {
                let columns = value["columns"].as_array().unwrap();
                columns.iter().map(|c| t.columns.iter().any(|o| c[0] == o.name.as_str())).collect()
            });
            let Some(mask) = &keep else { continue };
            let columns = value["columns"].as_array().unwrap().iter().zip(mask).filter(|(_, k)| **k);
            value["columns"] = columns.map(|(c, _)| c.clone()).collect();
        } else if let J::Array(row) = &value {
            let Some(mask) = &keep else { continue };
            value = row.iter().zip(mask).filter(|(_, k)| **k).map(|(v, _)| v.clone()).collect();
        } else if value.get("end").is_some() && keep.take().is_none() {
            continue;
        } else if value.get("complete").is_some() {
            value["tables"] = J::from(older.len());
            // The closing line counts the rows kept; recount them.
            let rows = out.lines().filter(|l| l.starts_with('[')).count();
            value["rows"] = J::from(rows);
        }
        out.push_str(&value.to_string());
        out.push('\n');
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(out.as_bytes()).unwrap();
    gz.finish().unwrap()
}

#[tokio::test]
async fn a_backup_from_before_the_last_migration_is_restored_then_migrated() {
    let (source_url, source_path) = sqlite_file("source");
    let store = Store::connect(&source_url).await.unwrap();
    let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap();
    store.import_plan(&plan, Actor::CLI).await.unwrap();
    bench_records(&store, &plan.id, 100).await.unwrap();
    let mut backup = Vec::new();
    store.backup(&mut backup, Utc::now()).await.unwrap().unwrap();
    let older = one_migration_back(&backup).await;

    let (target_url, target_path) = sqlite_file("target");
    let summary = super::restore(&target_url, || Ok(std::io::Cursor::new(older.clone()))).await.unwrap().unwrap();
    assert!(summary.rows > 100);
    // Brought up to this program's schema by the restore itself.
    let db = Database::connect(&target_url).await.unwrap();
    let applied = applied_migrations(&db, &schema(&db).await.unwrap()).await.unwrap();
    db.close().await.unwrap();
    assert_eq!(applied.len(), Migrator::migrations().len());
    let copy = Store::connect(&target_url).await.unwrap();
    assert_eq!(copy.plan(&plan.id).await.unwrap(), store.plan(&plan.id).await.unwrap());
    assert_eq!(copy.register_counts(&plan.id).await.unwrap(), store.register_counts(&plan.id).await.unwrap());
    copy.close().await.unwrap();
    store.close().await.unwrap();
    remove(&source_path);
    remove(&target_path);
}
