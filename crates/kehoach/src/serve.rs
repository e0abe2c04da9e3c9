//! `kehoach serve`: the one command that reaches the web crate.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use kehoach_domain::clock::{Clock, FixedClock};
use kehoach_store::{Actor, Store};
use tracing::info;

pub use kehoach_web::{Settings, TrustedProxies};

/// How often a serving process gives free heap pages back to the system: a trim costs
/// milliseconds, and an idle server returns to its idle size within this time after a load.
const TRIM_PERIOD: std::time::Duration = std::time::Duration::from_secs(60);

/// The proxies of `--trusted-proxy`, or why not.
pub fn trusted_proxies(list: &str) -> Result<TrustedProxies, String> {
    TrustedProxies::parse(list).map_err(|entry| format!("not an IP address or network: {entry}"))
}

/// An empty database gets the embedded plan and a first admin.
pub async fn prepare(store: &Store) -> anyhow::Result<()> {
    if store.plans().await?.is_empty() {
        let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN)
            .map_err(|p| anyhow::anyhow!("the embedded plan is invalid: {} problem(s)", p.len()))?;
        store.import_plan(&plan, Actor::SYSTEM).await?;
        info!(plan = %plan.id, "empty database: loaded the embedded plan");
    }
    crate::user_cmd::first_admin(store).await
}

pub async fn run(
    addr: &str,
    url: &str,
    demo: bool,
    frozen_now: Option<chrono::DateTime<chrono::FixedOffset>>,
    settings: Settings,
) -> anyhow::Result<ExitCode> {
    let store = Store::connect(url).await.context("database")?;
    let clock: Arc<dyn Clock> = match frozen_now {
        Some(at) => {
            tracing::warn!(%at, "the clock is frozen: for demonstrations and tests only");
            Arc::new(FixedClock::new(at.with_timezone(&chrono::Utc)))
        }
        None => Arc::new(kehoach_app::SystemClock),
    };
    // One process at a time on a shared database: a second server started at once waits, then
    // finds the plan, the admin and the samples there.
    store
        .starting_alone(async {
            // On the application's clock: the plan loaded and the first admin made, in the audit trail.
            kehoach_store::AuditEntry::timed_by(clock.clone(), prepare(&store)).await?;
            if demo {
                // On the demonstration's clock: its samples and their audit rows follow it.
                crate::demo::seed_at(&store, clock.clone()).await?;
            }
            Ok::<(), anyhow::Error>(())
        })
        .await?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    info!("serving on http://{}", listener.local_addr()?);
    // The start's garbage (the demo's seeding, the router) and what each burst of requests
    // leaves free would otherwise stay resident: 13 MB idle, about 20 MB after a load.
    tokio::spawn(crate::allocator::trim_every(TRIM_PERIOD));
    kehoach_web::serve_with(listener, store, clock, settings).await?;
    Ok(ExitCode::SUCCESS)
}
