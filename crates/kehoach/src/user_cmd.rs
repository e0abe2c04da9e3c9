//! `kehoach user add|list|disable|reset-password`, and the first admin of an empty database:
//! the operator's entry points of `kehoach_app::accounts`, which hold the rules of an account
//! (the same as on the users page); this file reads the command line and words the answers.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use anyhow::Context;
use kehoach_app::accounts::{self, NewAccount};
use kehoach_app::{App, AppError};
use kehoach_domain::Role;
use kehoach_store::{Actor, Store, UserRecord};

use crate::cli::UserCommand;

/// A refused account in the console's words: the refusals of the users page, naming the
/// command's options; any other failure as the command line says it.
fn refusal(e: AppError, role: &str) -> anyhow::Error {
    let key = match &e {
        AppError::Invalid(m) => m.key,
        _ => "",
    };
    let text = match key {
        "user-bad-role" => {
            let allowed = Role::ALL.map(|r| r.key()).join(", ");
            format!("vai trò `{role}` không hợp lệ; dùng một trong: {allowed}")
        }
        // The password is never echoed.
        "password-too-short" | "password-has-username" => {
            "mật khẩu quá yếu: cần ít nhất 10 ký tự và không chứa tên đăng nhập".into()
        }
        "user-taken" => "tên đăng nhập này đã có người dùng".into(),
        "user-unknown-commune" => "không tìm thấy xã (--commune)".into(),
        "user-unknown-unit" => "không tìm thấy đơn vị này trong xã (--unit)".into(),
        "user-needs-unit" | "user-wrong-binding" => {
            "vai trò không khớp: don_vi cần --unit; cap_tren cần --province và không có --commune; \
             trung_uong (Bộ KH&CN) không có --province, --commune hay --unit; các vai trò khác cần một xã"
                .into()
        }
        _ => return crate::cli::app_error(e),
    };
    anyhow::Error::msg(text)
}

/// On the first start of a database with no user: an `admin` with a one-time password, printed
/// once on standard output (never to the log, which goes to standard error).
pub async fn first_admin(store: &Store) -> anyhow::Result<()> {
    if store.user_count().await? > 0 {
        return Ok(());
    }
    let communes = store.communes().await?;
    let Some(first) = communes.first() else {
        return Ok(());
    };
    // The only commune's admin, or the province's when there are several.
    let new = NewAccount {
        username: "admin".into(),
        full_name: "Quản trị viên".into(),
        role: Role::Admin.key().into(),
        commune: (communes.len() == 1).then(|| first.code.clone()),
        ..NewAccount::default()
    };
    let app = App::at_system_time(store.clone());
    let (_, password_text) = accounts::create_at_console(&app, &new, Some(&first.province_code), Actor::SYSTEM)
        .await
        .map_err(|e| refusal(e, &new.role).context("cannot create the first admin"))?;
    println!("Tài khoản quản trị đầu tiên / first administrator account:");
    println!("  tên đăng nhập / user name: admin");
    println!("  mật khẩu dùng một lần / one-time password: {password_text}");
    println!("  (chỉ hiện một lần; đổi ngay sau khi đăng nhập / shown once; change it at first sign-in)");
    Ok(())
}

fn read_password() -> anyhow::Result<Option<String>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut text = String::new();
    stdin.lock().read_to_string(&mut text).context("reading the password from standard input")?;
    let line = text.lines().next().unwrap_or("").to_owned();
    Ok(if line.is_empty() { None } else { Some(line) })
}

/// Creates the account the console asked for: a commune's account may leave its commune out
/// when the database holds one; a `cap_tren` (and an admin given `--province`) sits at its
/// province's level, and a `trung_uong` (the Ministry) in no province and no commune.
async fn add(app: &App, mut new: NewAccount, province: Option<&str>) -> anyhow::Result<(UserRecord, String)> {
    let checked = accounts::check(&new).map_err(|e| refusal(e, &new.role))?;
    let above_communes = match checked.role {
        Role::CapTren | Role::TrungUong => true,
        Role::Admin => province.is_some(),
        _ => false,
    };
    if checked.commune.is_none() && !above_communes {
        new.commune = Some(crate::unit_cmd::commune(&app.store, None).await?);
    }
    accounts::create_at_console(app, &new, province, Actor::CLI).await.map_err(|e| refusal(e, &new.role))
}

async fn open(url: &str) -> anyhow::Result<App> {
    Ok(App::at_system_time(Store::connect(url).await.context("database")?))
}

pub async fn run(command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add { username, role, name, unit, commune, province, database } => {
            let given = read_password()?;
            let generated = given.is_none();
            let new = NewAccount {
                // The user name when no full name is given.
                full_name: name.unwrap_or_else(|| username.trim().to_owned()),
                username,
                role,
                unit,
                commune,
                password: given,
            };
            // Refused before the database is opened.
            accounts::check(&new).map_err(|e| refusal(e, &new.role))?;
            let app = open(&database.url).await?;
            let (user, password_text) = add(&app, new, province.as_deref()).await?;
            println!("đã tạo tài khoản `{}` ({})", user.username, user.role.key());
            if generated {
                println!("mật khẩu dùng một lần: {password_text}");
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::List { database } => {
            let app = open(&database.url).await?;
            for u in accounts::list_at_console(&app).await.map_err(crate::cli::app_error)? {
                // The Ministry's account is in no province: the whole country.
                let province = if u.province.is_empty() { "cả nước".to_owned() } else { u.province.clone() };
                let place = u.unit.clone().or(u.commune.clone()).unwrap_or(province);
                let state = if u.disabled { "\tđã khóa" } else { "" };
                println!("{}\t{}\t{}\t{}{state}", u.username, u.role.key(), place, u.full_name);
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Disable { username, database } => {
            let app = open(&database.url).await?;
            accounts::disable_at_console(&app, &username, Actor::CLI).await.map_err(crate::cli::app_error)?;
            println!("đã khóa tài khoản `{username}`");
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::ResetPassword { username, database } => {
            let app = open(&database.url).await?;
            let password_text = accounts::reset_password_at_console(&app, &username, Actor::CLI)
                .await
                .map_err(crate::cli::app_error)?;
            println!("mật khẩu dùng một lần mới của `{username}`: {password_text}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST: Actor<'static> = Actor { name: "test", address: None };

    /// An app on a fresh in-memory database holding the seed plan (one commune).
    async fn seeded() -> App {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        store.import_plan(&kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap(), TEST).await.unwrap();
        App::at_system_time(store)
    }

    fn account(username: &str, role: &str) -> NewAccount {
        NewAccount {
            username: username.into(),
            full_name: "Vụ Kế hoạch - Tài chính".into(),
            role: role.into(),
            password: Some("mat-khau-du-dai-2026".into()),
            ..NewAccount::default()
        }
    }

    #[tokio::test]
    async fn the_ministry_is_made_in_no_province_and_no_commune() {
        let app = seeded().await;
        let (user, _) = add(&app, account("bo-khcn", "trung_uong"), None).await.unwrap();
        assert_eq!((user.role, user.province.as_str(), user.commune.as_deref()), (Role::TrungUong, "", None));
        let stored = app.store.user("bo-khcn").await.unwrap().unwrap();
        assert_eq!(
            (stored.role, stored.province.as_str(), stored.commune, stored.unit),
            (Role::TrungUong, "", None, None)
        );
    }

    #[tokio::test]
    async fn the_ministry_is_refused_a_place() {
        let app = seeded().await;
        let with_province = add(&app, account("bo-1", "trung_uong"), Some("son-la")).await.unwrap_err().to_string();
        assert!(with_province.contains("trung_uong (Bộ KH&CN) không có --province"), "{with_province}");
        let with_commune =
            add(&app, NewAccount { commune: Some("muong-la".into()), ..account("bo-2", "trung_uong") }, None)
                .await
                .unwrap_err()
                .to_string();
        assert!(with_commune.contains("vai trò không khớp"), "{with_commune}");
        let with_unit = add(&app, NewAccount { unit: Some("vhxh".into()), ..account("bo-3", "trung_uong") }, None)
            .await
            .unwrap_err()
            .to_string();
        assert!(with_unit.contains("vai trò không khớp"), "{with_unit}");
        for refused in ["bo-1", "bo-2", "bo-3"] {
            assert!(app.store.user(refused).await.unwrap().is_none(), "{refused} not written");
        }
        // A commune's account still takes the only commune by default.
        let (user, _) = add(&app, account("dau-moi-1", "dau_moi"), None).await.unwrap();
        assert_eq!(user.commune.as_deref(), Some("muong-la"));
    }
}
