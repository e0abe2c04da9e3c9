//! `kehoach`: run a commune's yearly science, technology and innovation plan.

mod allocator;
mod backup_cmd;
mod cli;
mod demo;
mod demo_province;
mod demo_registers;
mod export;
mod export_tables;
mod generate;
mod plan_cmd;
mod province_cmd;
mod serve;
mod unit_cmd;
mod user_cmd;

use clap::Parser;

fn main() -> std::process::ExitCode {
    // Before any thread starts: the tuning is process-wide and read by every later allocation.
    allocator::keep_returning_memory();
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KEHOACH_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sea_orm_migration=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kehoach: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kehoach: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
