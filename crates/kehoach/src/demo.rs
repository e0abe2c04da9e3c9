//! Demonstration data: sample villages, a quarter, a cooperative and one user of each role, all
//! marked as samples, so that a newcomer can walk the reporting cycle. Never real names.

use anyhow::bail;
use kehoach_domain::{Role, Unit, UnitKind};
use kehoach_store::{Actor, NewUser, Store};
use kehoach_app::password;

/// The password of every sample user, printed with them.
pub const DEMO_PASSWORD: &str = "mau-kehoach-2026";

/// Adds what is missing of the sample data to the commune of the newest plan; a second run
/// adds nothing.
pub async fn seed(store: &Store) -> anyhow::Result<()> {
    let Some(plan) = store.plans().await?.into_iter().next() else {
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
    let hash = password::hash(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let users = [
        ("mau-dau-moi", "Cán bộ đầu mối (mẫu)", Role::DauMoi, None),
        ("mau-lanh-dao", "Lãnh đạo UBND xã (mẫu)", Role::LanhDao, None),
        ("mau-ban-1", "Trưởng Bản Mẫu Một (mẫu)", Role::DonVi, Some("ban-mau-1")),
        ("mau-ban-2", "Trưởng Bản Mẫu Hai (mẫu)", Role::DonVi, Some("ban-mau-2")),
        ("mau-so-khcn", "Sở KH&CN (mẫu)", Role::CapTren, None),
    ];
    println!("Dữ liệu mẫu / sample data (mật khẩu / password: {DEMO_PASSWORD}):");
    for (username, name, role, unit) in users {
        if store.user(username).await?.is_none() {
            let new = NewUser {
                username: username.into(),
                full_name: name.into(),
                role,
                province: Some(plan.commune.province_code.clone()),
                commune: (role != Role::CapTren).then(|| plan.commune.code.clone()),
                unit: unit.map(Into::into),
                password_hash: hash.clone(),
                must_change_password: false,
            };
            if let Err(problem) = store.add_user(&new, Actor::SYSTEM).await? {
                bail!("cannot create sample user {username}: {problem:?}");
            }
        }
        println!("  {username:<14} {}", role.key());
    }
    let records = crate::demo_registers::seed(store, &plan.id).await?;
    if records > 0 {
        println!("  {records} bản ghi mẫu trong các sổ theo dõi / sample register records");
    }
    Ok(())
}
