//! The command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kehoach_domain::Lang;

use crate::{plan_cmd, serve, unit_cmd, user_cmd};

#[derive(Parser)]
#[command(name = "kehoach", version, about = "Kế hoạch KH, CN & ĐMST của xã — run a commune's S&T and innovation plan")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
pub struct DatabaseArg {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(long = "database", env = "KEHOACH_DATABASE_URL", default_value = kehoach_store::DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub url: String,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    Vi,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Vi => Lang::Vi,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the web pages and the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "KEHOACH_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Add sample units and users (marked as samples) to walk the reporting cycle.
        #[arg(long)]
        demo: bool,
        /// Run on a frozen clock at this instant (RFC 3339, e.g. 2026-03-01T09:00:00+07:00):
        /// for demonstrations and tests of the reporting cycle only.
        #[arg(long, hide = true, env = "KEHOACH_FROZEN_NOW")]
        frozen_now: Option<chrono::DateTime<chrono::FixedOffset>>,
        /// Send Strict-Transport-Security on every answer: the server is reached over HTTPS only
        /// (through a proxy that ends TLS). Answers to HTTPS requests carry it anyway.
        #[arg(long, env = "KEHOACH_HSTS")]
        hsts: bool,
        /// Reverse proxies whose X-Forwarded-For names the client, as addresses or networks
        /// separated by commas (e.g. 127.0.0.1,10.0.0.0/8). From any other peer the header is
        /// ignored, so that no one chooses the address their failed sign-ins count under.
        #[arg(long = "trusted-proxy", env = "KEHOACH_TRUSTED_PROXIES", value_parser = trusted_proxies)]
        trusted_proxy: Option<serve::TrustedProxies>,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Add sample units and users (marked as samples), and print their password; or generate a
    /// synthetic dataset over the real organisation tree (`demo generate`).
    Demo {
        #[command(subcommand)]
        command: Option<DemoCommand>,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Check or import plan files.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Build a province file's commune list from the national list, check a province file, or
    /// load it into the database.
    Province {
        #[command(subcommand)]
        command: ProvinceCommand,
    },
    /// Keep a commune's units (villages, quarters, departments …).
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
    },
    /// Keep user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write the commune report or the plan as .docx, or a table as .xlsx or .csv.
    Export {
        #[command(subcommand)]
        command: crate::export::ExportCommand,
    },
    /// Write a consistent copy of the whole database, evidence files included, while the server
    /// runs (gzip'd; restores into SQLite or PostgreSQL).
    Backup {
        /// The file to write, e.g. kehoach-2026-11-30.kbk.gz.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Bring a backup back into an empty database (SQLite or PostgreSQL): all of it or nothing.
    Restore {
        file: PathBuf,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand)]
pub enum DemoCommand {
    /// Write a synthetic, reproducible dataset (every unit, person and record marked "mẫu"):
    /// province files from the national list, plans derived from the template plan, 20–40
    /// units, users, a year of register records and four quarters of reports per commune.
    Generate {
        /// How many provinces (the first by official code), a list of codes (`14,01`; `14,` for
        /// Sơn La alone), or `all`.
        #[arg(long, default_value = "1")]
        provinces: crate::generate::Provinces,
        /// At most this many communes per province (the first by official code), or `all`.
        #[arg(long, default_value = "all")]
        communes: crate::generate::Communes,
        /// The same seed gives the same dataset.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The national list (default: ../shared/data/vn-admin-units-2026.csv).
        #[arg(long)]
        csv: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input when it is not a terminal;
    /// otherwise a one-time password is generated and printed.
    Add {
        #[arg(long)]
        username: String,
        /// admin, lanh_dao, dau_moi, don_vi, cap_tren, trung_uong (the Ministry: no --province, no --commune).
        #[arg(long)]
        role: String,
        /// Full name as shown to others; the user name if left out.
        #[arg(long)]
        name: Option<String>,
        /// The unit a `don_vi` reports for (its code).
        #[arg(long)]
        unit: Option<String>,
        /// The user's commune (its code); may be left out when the database holds one commune.
        #[arg(long)]
        commune: Option<String>,
        /// The province (its code): for `cap_tren` and a province's admin.
        #[arg(long)]
        province: Option<String>,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Disable an account (accounts are never deleted: records keep their author).
    Disable {
        username: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Give an account a new one-time password, printed once; its sessions end.
    ResetPassword {
        username: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Validate a plan file: exit 0, or 1 listing every problem as FILE:LINE:COLUMN: message.
    Check {
        file: PathBuf,
        /// Language of the messages.
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
    },
    /// Check a plan file and load it into the database (re-importing updates it).
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand)]
pub enum ProvinceCommand {
    /// Write the `[province]` table and every `[[communes]]` of a province from the national list
    /// of administrative units (CSV), sorted by code, with the data's source and licence.
    Build {
        /// The province's official code: two digits, `14` for Sơn La.
        #[arg(long)]
        code: String,
        /// The national list (default: ../shared/data/vn-admin-units-2026.csv).
        #[arg(long)]
        csv: Option<PathBuf>,
        /// The file to write (default: standard output).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
    },
    /// Validate a province file (and, with --plan, a commune's plan against it): exit 0, or 1
    /// listing every problem as FILE:LINE:COLUMN: message.
    Check {
        file: PathBuf,
        /// A commune's plan file whose official_code and province_indicator keys to check.
        #[arg(long)]
        plan: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
    },
    /// Check a province file and load it into the database (loading it again replaces it); the
    /// plans of its communes already loaded are checked against it, and nothing is loaded if
    /// one of them does not fit.
    Load {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Subcommand)]
pub enum UnitCommand {
    /// Add one unit to a commune.
    Add {
        /// Commune code (`muong-la`); may be left out when the database holds one commune.
        #[arg(long)]
        commune: Option<String>,
        /// Unit code: lower-case letters, digits, hyphens (`ban-1`).
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// ubnd, department, service_centre, mass_organisation, cooperative, village, quarter, outside.
        #[arg(long)]
        kind: String,
        /// A made-up unit for demonstration.
        #[arg(long)]
        sample: bool,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// List a commune's units.
    List {
        #[arg(long)]
        commune: Option<String>,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Add units from a CSV file with the columns code,name,kind[,sample]: all rows or none.
    Import {
        file: PathBuf,
        #[arg(long)]
        commune: Option<String>,
        #[arg(long, value_enum, default_value = "vi")]
        lang: LangArg,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

fn trusted_proxies(list: &str) -> Result<serve::TrustedProxies, String> {
    serve::trusted_proxies(list)
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { addr, demo, frozen_now, hsts, trusted_proxy, database } => {
            let settings = serve::Settings { hsts, trusted_proxies: trusted_proxy.unwrap_or_default() };
            serve::run(&addr, &database.url, demo, frozen_now, settings).await
        }
        Command::Demo { command: Some(DemoCommand::Generate { provinces, communes, seed, csv, database }), .. } => {
            crate::generate::run(&provinces, communes, seed, csv.as_deref(), &database.url).await
        }
        Command::Demo { command: None, database } => {
            let store = kehoach_store::Store::connect(&database.url).await?;
            serve::prepare(&store).await?;
            crate::demo::seed(&store).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan { command: PlanCommand::Check { file, lang } } => Ok(plan_cmd::check(&file, lang.into())),
        Command::Plan { command: PlanCommand::Import { file, lang, database } } => {
            plan_cmd::import(&file, lang.into(), &database.url).await
        }
        Command::Province { command: ProvinceCommand::Build { code, csv, output, lang } } => {
            Ok(crate::province_cmd::build(&code, csv.as_deref(), output.as_deref(), lang.into()))
        }
        Command::Province { command: ProvinceCommand::Check { file, plan, lang } } => {
            Ok(crate::province_cmd::check(&file, plan.as_deref(), lang.into()))
        }
        Command::Province { command: ProvinceCommand::Load { file, lang, database } } => {
            crate::province_cmd::load(&file, lang.into(), &database.url).await
        }
        Command::Unit { command } => unit_cmd::run(command).await,
        Command::User { command } => user_cmd::run(command).await,
        Command::Export { command } => crate::export::run(command).await,
        Command::Backup { output, database } => crate::backup_cmd::backup(&output, &database.url).await,
        Command::Restore { file, database } => crate::backup_cmd::restore(&file, &database.url).await,
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Cli, Command};

    #[test]
    fn serve_takes_the_trusted_proxies_as_addresses_and_networks() {
        let cli = Cli::try_parse_from(["kehoach", "serve", "--trusted-proxy", "127.0.0.1, 10.0.0.0/8,::1"]).unwrap();
        assert!(matches!(cli.command, Command::Serve { trusted_proxy: Some(_), .. }));
        let refused = Cli::try_parse_from(["kehoach", "serve", "--trusted-proxy", "127.0.0.1,proxy.local"]);
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("not an IP address or network: proxy.local"), "{message}");
    }
}

/// A use case's refusal as the command line says it: in Vietnamese, the interface's language.
pub fn app_error(e: kehoach_app::AppError) -> anyhow::Error {
    if matches!(e, kehoach_app::AppError::Internal(_) | kehoach_app::AppError::Store(_)) {
        // The operator at the console may read the cause.
        return anyhow::Error::new(e);
    }
    anyhow::Error::msg(e.words(Lang::Vi))
}
