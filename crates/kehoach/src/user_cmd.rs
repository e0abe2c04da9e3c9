//! `kehoach user add|list|disable|reset-password`, and the first admin of an empty database.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use anyhow::{Context, bail};
use kehoach_domain::Role;
use kehoach_store::{Actor, NewUser, Store, UserProblem};
use kehoach_app::password;

use crate::cli::UserCommand;

fn problem_text(p: &UserProblem) -> &'static str {
    match p {
        UserProblem::UsernameTaken => "tên đăng nhập này đã có người dùng",
        UserProblem::UnknownCommune => "không tìm thấy xã (--commune)",
        UserProblem::UnknownUnit => "không tìm thấy đơn vị này trong xã (--unit)",
        UserProblem::WrongBinding => {
            "vai trò không khớp: don_vi cần --unit; cap_tren cần --province và không có --commune; các vai trò khác cần một xã"
        }
    }
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
    let one_commune = communes.len() == 1;
    let password_text = password::generate();
    let new = NewUser {
        username: "admin".into(),
        full_name: "Quản trị viên".into(),
        role: Role::Admin,
        province: Some(first.province_code.clone()),
        commune: one_commune.then(|| first.code.clone()),
        unit: None,
        password_hash: password::hash(&password_text).map_err(anyhow::Error::msg)?,
        must_change_password: true,
    };
    if let Err(problem) = store.add_user(&new, Actor::SYSTEM).await? {
        bail!("cannot create the first admin: {}", problem_text(&problem));
    }
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

pub async fn run(command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add { username, role, name, unit, commune, province, database } => {
            let Some(role) = Role::from_key(&role) else {
                let allowed = Role::ALL.map(|r| r.key()).join(", ");
                bail!("vai trò `{role}` không hợp lệ; dùng một trong: {allowed}");
            };
            let username = kehoach_app::accounts::username(&username).map_err(crate::cli::app_error)?;
            let given = read_password()?;
            if let Some(p) = &given
                && password::weakness(p, &username).is_some()
            {
                bail!("mật khẩu quá yếu: cần ít nhất 10 ký tự và không chứa tên đăng nhập");
            }
            let store = Store::connect(&database.url).await.context("database")?;
            let commune = match (role, commune) {
                (Role::CapTren, _) => None,
                (Role::Admin, None) if province.is_some() => None,
                (_, Some(c)) => Some(c),
                (_, None) => Some(crate::unit_cmd::commune(&store, None).await?),
            };
            let full_name = kehoach_domain::text::line(name.as_deref().unwrap_or(&username))
                .map_err(|problem| anyhow::anyhow!("họ và tên {}", problem.message(kehoach_domain::Lang::Vi)))?;
            let generated = given.is_none();
            let password_text = given.unwrap_or_else(password::generate);
            let new = NewUser {
                full_name,
                username: username.clone(),
                role,
                province,
                commune,
                unit,
                password_hash: password::hash(&password_text).map_err(anyhow::Error::msg)?,
                must_change_password: generated,
            };
            match store.add_user(&new, Actor::CLI).await? {
                Ok(user) => {
                    println!("đã tạo tài khoản `{}` ({})", user.username, user.role.key());
                    if generated {
                        println!("mật khẩu dùng một lần: {password_text}");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(problem) => bail!("{}", problem_text(&problem)),
            }
        }
        UserCommand::List { database } => {
            let store = Store::connect(&database.url).await.context("database")?;
            for u in store.users(None, None).await? {
                let place = u.unit.clone().or(u.commune.clone()).unwrap_or(u.province.clone());
                let state = if u.disabled { "\tđã khóa" } else { "" };
                println!("{}\t{}\t{}\t{}{state}", u.username, u.role.key(), place, u.full_name);
            }
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::Disable { username, database } => {
            let store = Store::connect(&database.url).await.context("database")?;
            store.disable_user(&username, Actor::CLI).await?;
            println!("đã khóa tài khoản `{username}`");
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::ResetPassword { username, database } => {
            let store = Store::connect(&database.url).await.context("database")?;
            let password_text = password::generate();
            let hash = password::hash(&password_text).map_err(anyhow::Error::msg)?;
            store.set_password(&username, &hash, true, Actor::CLI).await?;
            println!("mật khẩu dùng một lần mới của `{username}`: {password_text}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
