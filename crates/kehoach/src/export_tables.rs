//! `kehoach export table`: Appendix I with results, Appendix II with the tasks' status, the
//! timeliness board or a register, as .xlsx or .csv — the same files the web pages give (in the
//! .xlsx numbers and days are typed as such and units named; the .csv as people read it, with the
//! unit codes the import reads).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use kehoach_app::App;
use kehoach_app::tables::{Format, Which, export};
use kehoach_store::Store;

use crate::cli::{DatabaseArg, LangArg};

#[derive(Clone, Copy, ValueEnum)]
pub enum TableKind {
    /// Phụ lục I with each indicator's result at a date.
    #[value(name = "appendix-1")]
    Appendix1,
    /// Phụ lục II with each task's status from a period's consolidation.
    #[value(name = "appendix-2")]
    Appendix2,
    /// The timeliness board of a period.
    Board,
    /// A register's records.
    Register,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TableFormat {
    Xlsx,
    Csv,
}

#[derive(Args)]
pub struct TableArgs {
    /// The plan's id (`muong-la-2026`).
    #[arg(long)]
    pub plan: String,
    #[arg(long, value_enum)]
    pub table: TableKind,
    /// The register's key (`truyen_thong`), for `--table register`.
    #[arg(long)]
    pub register: Option<String>,
    /// Only this unit's records, for `--table register`.
    #[arg(long)]
    pub unit: Option<String>,
    /// The period (`2026-Q1`), for `appendix-2` and `board`.
    #[arg(long)]
    pub period: Option<String>,
    #[arg(long, value_enum, default_value = "xlsx")]
    pub format: TableFormat,
    /// The date of Appendix I's results (YYYY-MM-DD); today in the plan's time zone by default.
    #[arg(long)]
    pub at: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "vi")]
    pub lang: LangArg,
    /// The file to write.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArg,
}

pub async fn run(args: TableArgs) -> anyhow::Result<ExitCode> {
    let needs_period = || args.period.clone().context("--period is needed for this table (e.g. 2026-Q1)");
    let which = match args.table {
        TableKind::Appendix1 => Which::Appendix1 { at: args.at },
        TableKind::Appendix2 => Which::Appendix2 { period: needs_period()? },
        TableKind::Board => Which::Board { period: needs_period()? },
        TableKind::Register => {
            let Some(key) = args.register.clone() else {
                let keys: Vec<&str> = kehoach_domain::register::REGISTERS.iter().map(|r| r.key).collect();
                bail!("--register is needed for --table register; one of: {}", keys.join(", "));
            };
            Which::Register { key, unit: args.unit.clone(), from: None, to: None }
        }
    };
    let format = match args.format {
        TableFormat::Xlsx => Format::Xlsx,
        TableFormat::Csv => Format::Csv,
    };
    let store = Store::connect(&args.database.url).await.context("database")?;
    let state = App::at_system_time(store);
    let file = match export(&state, &args.plan, &which, format, args.lang.into()).await {
        Ok(file) => file,
        Err(kehoach_app::AppError::NotFound(_)) => {
            bail!(
                "không tìm thấy kế hoạch `{}`, kỳ báo cáo hoặc sổ đã nêu / no such plan, period or register",
                args.plan
            )
        }
        Err(e) => return Err(crate::cli::app_error(e)).with_context(|| format!("plan `{}`", args.plan)),
    };
    std::fs::write(&args.output, &file.bytes).with_context(|| args.output.display().to_string())?;
    println!("{}: {} bytes", args.output.display(), file.bytes.len());
    Ok(ExitCode::SUCCESS)
}
