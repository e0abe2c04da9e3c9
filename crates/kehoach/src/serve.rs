//! `kehoach serve`.

use std::process::ExitCode;

use anyhow::Context;
use kehoach_store::{Actor, Store};
use tracing::info;

pub async fn run(addr: &str, url: &str) -> anyhow::Result<ExitCode> {
    let store = Store::connect(url).await.context("database")?;
    if store.plans().await?.is_empty() {
        let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN)
            .map_err(|p| anyhow::anyhow!("the embedded plan is invalid: {} problem(s)", p.len()))?;
        store.import_plan(&plan, Actor::SYSTEM).await?;
        info!(plan = %plan.id, "empty database: loaded the embedded plan");
    }
    crate::user_cmd::first_admin(&store).await?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    info!("serving on http://{}", listener.local_addr()?);
    kehoach_web::serve(listener, store).await?;
    Ok(ExitCode::SUCCESS)
}
