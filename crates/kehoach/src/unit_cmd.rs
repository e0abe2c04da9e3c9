//! `kehoach unit add|list|import`.

use std::process::ExitCode;

use anyhow::{Context, bail};
use kehoach_domain::{Lang, UnitKind};
use kehoach_store::{Actor, Store};

use crate::cli::UnitCommand;

/// The commune named, or the only one in the database.
pub async fn commune(store: &Store, named: Option<String>) -> anyhow::Result<String> {
    if let Some(c) = named {
        return Ok(c);
    }
    let communes = store.communes().await?;
    match communes.as_slice() {
        [only] => Ok(only.code.clone()),
        [] => bail!("the database holds no commune yet: import a plan first"),
        _ => bail!("the database holds several communes: name one with --commune"),
    }
}

pub async fn run(command: UnitCommand) -> anyhow::Result<ExitCode> {
    match command {
        UnitCommand::Add { commune: named, code, name, kind, sample, database } => {
            let unit = kehoach_app::units::parse(&code, &name, &kind, sample).map_err(|e| {
                // At the console the kinds are typed by their keys: name them.
                let allowed = UnitKind::ALL.map(|k| k.key()).join(", ");
                anyhow::anyhow!("{} (`{kind}`; --kind: {allowed})", e.words(Lang::Vi))
            })?;
            let store = Store::connect(&database.url).await.context("database")?;
            let commune = commune(&store, named).await?;
            let app = kehoach_app::App::at_system_time(store);
            kehoach_app::units::add(&app, &commune, std::slice::from_ref(&unit), Actor::CLI)
                .await
                .map_err(crate::cli::app_error)?;
            println!("{commune}: đã thêm đơn vị `{}`", unit.code);
            Ok(ExitCode::SUCCESS)
        }
        UnitCommand::List { commune: named, database } => {
            let store = Store::connect(&database.url).await.context("database")?;
            let commune = commune(&store, named).await?;
            for u in store.units(&commune).await? {
                let sample = if u.sample { "\tmẫu" } else { "" };
                println!("{}\t{}\t{}{sample}", u.code, u.kind.key(), u.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        UnitCommand::Import { file, commune: named, lang, database } => {
            let lang: Lang = lang.into();
            let text = std::fs::read_to_string(&file).with_context(|| file.display().to_string())?;
            let units = match kehoach_plan::parse_units_csv(&text, lang) {
                Ok(units) => units,
                Err(problems) => {
                    for p in problems {
                        eprintln!("{}:{}: {}", file.display(), p.line, p.message);
                    }
                    return Ok(ExitCode::FAILURE);
                }
            };
            let store = Store::connect(&database.url).await.context("database")?;
            let commune = commune(&store, named).await?;
            let n = store.add_units(&commune, &units, Actor::CLI).await?;
            println!("{commune}: đã thêm {n} đơn vị");
            Ok(ExitCode::SUCCESS)
        }
    }
}
