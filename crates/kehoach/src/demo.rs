//! Demonstration data: sample villages, a quarter, a cooperative and one user of each role, all
//! marked as samples, so that a newcomer can walk the reporting cycle. Never real names.

use std::sync::Arc;

use anyhow::bail;
use kehoach_app::accounts::{self, NewAccount};
use kehoach_domain::clock::Clock;
use kehoach_domain::{Role, Unit, UnitKind};
use kehoach_store::{Actor, AuditEntry, Store};

/// The password of every sample user, printed with them.
pub const DEMO_PASSWORD: &str = "mau-kehoach-2026";

/// Adds what is missing of the sample data to the commune of the newest plan, at the system
/// time; a second run adds nothing. (`kehoach demo`: the commune's samples only; `serve --demo`
/// adds the demo province's too.)
pub async fn seed(store: &Store) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(kehoach_app::SystemClock);
    AuditEntry::timed_by(clock.clone(), seed_on(store, clock)).await
}

/// [`seed`] on the demonstration's clock (`serve --demo` with `KEHOACH_FROZEN_NOW`): no record
/// dated after its today, and the audit rows at its time; then the demo province
/// ([`crate::demo_province`]): Sơn La's file and sample communes around the commune's.
pub async fn seed_at(store: &Store, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    AuditEntry::timed_by(clock.clone(), seed_on(store, clock.clone())).await?;
    AuditEntry::timed_by(clock.clone(), crate::demo_province::seed(store, clock)).await?;
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "demo data ready");
    Ok(())
}

async fn seed_on(store: &Store, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    // The commune's demo is the first plan's that is not a sample commune of the demo province.
    let Some(plan) = store.plans().await?.into_iter().find(|p| !crate::demo_province::is_sample_plan(&p.id)) else {
        bail!("no plan in the database");
    };
    let commune = format!("{}/{}", plan.commune.province_code, plan.commune.code);
    let existing = store.units(&commune).await?;
    let samples = [
        ("ban-mau-1", "Bản Mẫu Một (mẫu)", UnitKind::Village),
        ("ban-mau-2", "Bản Mẫu Hai (mẫu)", UnitKind::Village),
        ("tieu-khu-mau", "Tiểu khu Mẫu (mẫu)", UnitKind::Quarter),
        ("htx-mau", "HTX Mẫu (mẫu)", UnitKind::Cooperative),
    ];
    let missing: Vec<Unit> = samples
        .iter()
        .filter(|(code, ..)| !existing.iter().any(|u| u.code == *code))
        .map(|(code, name, kind)| Unit { code: (*code).into(), name: (*name).into(), kind: *kind, sample: true })
        .collect();
    if !missing.is_empty() {
        store.add_units(&commune, &missing, Actor::SYSTEM).await?;
    }
    let now = clock.now();
    let app = kehoach_app::App::new(store.clone(), clock);
    let users = [
        ("mau-dau-moi", "Cán bộ đầu mối (mẫu)", Role::DauMoi, None),
        ("mau-lanh-dao", "Lãnh đạo UBND xã (mẫu)", Role::LanhDao, None),
        ("mau-ban-1", "Trưởng Bản Mẫu Một (mẫu)", Role::DonVi, Some("ban-mau-1")),
        ("mau-ban-2", "Trưởng Bản Mẫu Hai (mẫu)", Role::DonVi, Some("ban-mau-2")),
        ("mau-so-khcn", "Sở KH&CN (mẫu)", Role::CapTren, None),
        ("mau-trung-uong", "Bộ KH&CN (mẫu)", Role::TrungUong, None),
    ];
    println!("Dữ liệu mẫu / sample data (mật khẩu / password: {DEMO_PASSWORD}):");
    for (username, name, role, unit) in users {
        if store.user(username).await?.is_none() {
            // Created as the operator creates accounts: by the same rules, the password given
            // (so not to be changed at first sign-in).
            let new = NewAccount {
                username: username.into(),
                full_name: name.into(),
                role: role.key().into(),
                unit: unit.map(Into::into),
                // The Ministry's account sits in no province and no commune.
                commune: (role != Role::TrungUong).then(|| plan.commune.code.clone()),
                password: Some(DEMO_PASSWORD.into()),
            };
            let province = (role != Role::TrungUong).then_some(plan.commune.province_code.as_str());
            accounts::create_at_console(&app, &new, province, Actor::SYSTEM)
                .await
                .map_err(|e| crate::cli::app_error(e).context(format!("cannot create sample user {username}")))?;
        }
        let role_name = kehoach_app::present::Tr::new(kehoach_domain::Lang::Vi)
            .get(&format!("role-{}", role.key().replace('_', "-")));
        println!("  {username:<14} {role_name}");
    }
    let records = crate::demo_registers::seed(store, &plan.id, now).await.map_err(anyhow::Error::msg)?;
    if records > 0 {
        println!("  {records} bản ghi mẫu trong các sổ theo dõi / sample register records");
    }
    Ok(())
}
