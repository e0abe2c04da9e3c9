//! `kehoach backup` and `kehoach restore`: a copy of the whole database, evidence files
//! included, that restores into an empty database of either engine.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use kehoach_store::{RestoreRefusal, Store};

/// Writes the backup beside `out` first and renames it at the end: a backup that fails half way
/// never leaves a file that looks like a good one, nor spoils the previous one of that name.
pub async fn backup(out: &Path, url: &str) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // Opening a SQLite URL creates a missing file: a mistyped path would give an empty backup.
    if let Some(path) = sqlite_file(url).filter(|p| !p.exists()) {
        eprintln!("kehoach: không có cơ sở dữ liệu {}", path.display());
        return Ok(ExitCode::FAILURE);
    }
    let store = Store::connect(url).await.context("không mở được cơ sở dữ liệu")?;
    let mut partial = out.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let file = File::create(&partial).with_context(|| format!("không tạo được tệp {}", partial.display()))?;
    let written = store.backup(BufWriter::with_capacity(1 << 20, &file), chrono::Utc::now()).await;
    store.close().await.ok();
    let summary = match written {
        Ok(Ok(summary)) => summary,
        Ok(Err(e)) => {
            std::fs::remove_file(&partial).ok();
            return Err(e).with_context(|| format!("không ghi được tệp {}", partial.display()));
        }
        Err(e) => {
            std::fs::remove_file(&partial).ok();
            return Err(e).context("không đọc được cơ sở dữ liệu");
        }
    };
    file.sync_all().with_context(|| format!("không ghi được tệp {}", partial.display()))?;
    drop(file);
    std::fs::rename(&partial, out).with_context(|| format!("không đặt được tên tệp {}", out.display()))?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!(
        "đã sao lưu {} bảng, {} dòng vào {} ({}) trong {:.1} giây",
        summary.tables,
        summary.rows,
        out.display(),
        human_size(size),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(file: &Path, url: &str) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    if !file.is_file() {
        eprintln!("kehoach: không có tệp sao lưu {}", file.display());
        return Ok(ExitCode::FAILURE);
    }
    let open = || File::open(file);
    match kehoach_store::restore(url, open).await.context("không ghi được vào cơ sở dữ liệu; không có gì được ghi")?
    {
        Ok(summary) => {
            println!(
                "đã khôi phục {} bảng, {} dòng từ bản sao lưu lập lúc {} (từ {}) trong {:.1} giây",
                summary.tables,
                summary.rows,
                summary.created_at,
                summary.source_engine,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(refusal) => {
            eprintln!("kehoach: {}", refusal_text(&refusal, file));
            Ok(ExitCode::FAILURE)
        }
    }
}

fn refusal_text(refusal: &RestoreRefusal, file: &Path) -> String {
    let file = file.display();
    let nothing = "không có gì được ghi vào cơ sở dữ liệu";
    match refusal {
        RestoreRefusal::Unreadable(e) => format!("không đọc được tệp {file}: {e}"),
        RestoreRefusal::NotABackup => format!("{file} không phải là bản sao lưu của kehoach; {nothing}"),
        RestoreRefusal::NewerFormat(v) => format!(
            "{file} được lập theo định dạng sao lưu {v}, mới hơn chương trình này: hãy cập nhật kehoach rồi khôi phục lại; {nothing}"
        ),
        RestoreRefusal::NewerSchema(m) => format!(
            "{file} được lập từ cơ sở dữ liệu mới hơn chương trình này (có bước nâng cấp {m}): hãy cập nhật kehoach rồi khôi phục lại; {nothing}"
        ),
        RestoreRefusal::Damaged(d) => {
            format!("tệp sao lưu {file} bị hỏng hoặc không đầy đủ ({d}); {nothing}")
        }
        RestoreRefusal::NotEmpty(t) => {
            format!("cơ sở dữ liệu đích đã có dữ liệu (bảng {t}): chỉ khôi phục vào một cơ sở dữ liệu trống; {nothing}")
        }
        RestoreRefusal::SchemaMismatch(d) => format!(
            "cấu trúc cơ sở dữ liệu đích không khớp với bản sao lưu ({d}): hãy khôi phục vào một cơ sở dữ liệu trống; {nothing}"
        ),
        RestoreRefusal::Unstorable { table, column, detail } => {
            format!("giá trị ở cột {table}.{column} không ghi được vào cơ sở dữ liệu đích: {detail}; {nothing}")
        }
    }
}

/// The file of a SQLite URL (`sqlite://FILE?mode=rwc`, `sqlite:FILE`), not of one in memory.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / f64::from(1 << 10)),
        b => format!("{b} byte"),
    }
}
