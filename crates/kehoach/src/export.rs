//! `kehoach export`: the commune report and the plan as .docx, and the tables (see
//! [`crate::export_tables`]) — the same files the web pages give.

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use kehoach_app::App;
use kehoach_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::DatabaseArg;
use crate::export_tables::{self, TableArgs};

#[derive(Clone, Copy, ValueEnum)]
pub enum DocFormat {
    Docx,
}

#[derive(Args)]
pub struct DocArgs {
    /// The plan's id (`muong-la-2026`).
    #[arg(long)]
    pub plan: String,
    #[arg(long, value_enum, default_value = "docx")]
    pub format: DocFormat,
    /// The file to write.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArg,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A period's commune report (numbered once approved, a draft before).
    Report {
        /// The period: `2026-Q1` … `2026-Q4`, `2026-Y`, or an ad hoc request `2026-R1`.
        #[arg(long)]
        period: String,
        #[command(flatten)]
        doc: DocArgs,
    },
    /// The whole plan, laid out as the document (Phụ lục I and II as tables).
    Plan {
        #[command(flatten)]
        doc: DocArgs,
    },
    /// A table: Phụ lục I with results, Phụ lục II with the tasks' status, the board, a register.
    Table(TableArgs),
}

async fn state(database: &DatabaseArg) -> anyhow::Result<App> {
    let store = Store::connect(&database.url).await.context("database")?;
    Ok(App::at_system_time(store))
}

fn write(output: &PathBuf, bytes: &[u8]) -> anyhow::Result<ExitCode> {
    std::fs::write(output, bytes).with_context(|| output.display().to_string())?;
    println!("{}: {} bytes", output.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}

pub async fn run(command: ExportCommand) -> anyhow::Result<ExitCode> {
    match command {
        ExportCommand::Report { period, doc } => {
            let state = state(&doc.database).await?;
            let (_, bytes) = kehoach_app::documents::commune_report(&state, &doc.plan, &period, None, true)
                .await
                .map_err(crate::cli::app_error)
                .with_context(|| format!("plan `{}`, period `{period}`", doc.plan))?;
            write(&doc.output, &bytes)
        }
        ExportCommand::Plan { doc } => {
            let state = state(&doc.database).await?;
            let (_, bytes) = kehoach_app::documents::plan(&state, &doc.plan)
                .await
                .map_err(crate::cli::app_error)
                .with_context(|| format!("plan `{}`", doc.plan))?;
            write(&doc.output, &bytes)
        }
        ExportCommand::Table(args) => export_tables::run(args).await,
    }
}
