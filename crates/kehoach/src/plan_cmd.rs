//! `kehoach plan check|import`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use kehoach_domain::{Lang, Plan};
use kehoach_store::{Actor, Store};

/// Reads and validates a plan file, printing every problem; `None` if it is not valid.
fn read(file: &Path, lang: Lang) -> Option<Plan> {
    let name = file.display().to_string();
    let source = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => {
            match lang {
                Lang::Vi => eprintln!("{name}: không đọc được tệp: {e}"),
                Lang::En => eprintln!("{name}: cannot read the file: {e}"),
            }
            return None;
        }
    };
    match kehoach_plan::parse(&source) {
        Ok(plan) => Some(plan),
        Err(problems) => {
            for p in &problems {
                eprintln!("{}", p.render(&name, &source, lang));
            }
            match lang {
                Lang::Vi => eprintln!("{name}: {} lỗi", problems.len()),
                Lang::En => eprintln!("{name}: {} problem(s)", problems.len()),
            }
            None
        }
    }
}

pub fn check(file: &Path, lang: Lang) -> ExitCode {
    match read(file, lang) {
        Some(plan) => {
            match lang {
                Lang::Vi => println!(
                    "{}: hợp lệ — kế hoạch `{}`: {} chỉ tiêu, {} nhiệm vụ, {} đơn vị, {} nhóm đơn vị",
                    file.display(),
                    plan.id,
                    plan.indicators.len(),
                    plan.tasks.len(),
                    plan.units.len(),
                    plan.groups.len()
                ),
                Lang::En => println!(
                    "{}: valid — plan `{}`: {} indicators, {} tasks, {} units, {} unit groups",
                    file.display(),
                    plan.id,
                    plan.indicators.len(),
                    plan.tasks.len(),
                    plan.units.len(),
                    plan.groups.len()
                ),
            }
            ExitCode::SUCCESS
        }
        None => ExitCode::FAILURE,
    }
}

pub async fn import(file: &Path, lang: Lang, url: &str) -> anyhow::Result<ExitCode> {
    let Some(plan) = read(file, lang) else {
        return Ok(ExitCode::FAILURE);
    };
    let store = Store::connect(url).await.context("database")?;
    let outcome = store.import_plan(&plan, Actor::CLI).await?;
    let what = match (lang, outcome.created, outcome.changed) {
        (Lang::Vi, true, _) => "đã nạp mới",
        (Lang::Vi, false, true) => "đã cập nhật",
        (Lang::Vi, false, false) => "không có gì thay đổi",
        (Lang::En, true, _) => "imported",
        (Lang::En, false, true) => "updated",
        (Lang::En, false, false) => "unchanged",
    };
    println!("{}: {what}", outcome.plan_id);
    store.close().await?;
    Ok(ExitCode::SUCCESS)
}
