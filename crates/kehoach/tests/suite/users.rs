//! `kehoach user …` end to end, and the first admin printed by `serve` on an empty database, on a
//! SQLite file in a temporary directory.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use kehoach_domain::Role;
use kehoach_store::Store;
use kehoach_web::auth::password;

use crate::common::{SEED, text};

const PASSWORD: &str = "mat-khau-du-dai-2026";
/// What `password::generate` draws from.
const ALPHABET: &str = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kehoach"));
    command.args(args).current_dir(dir).env_remove("KEHOACH_DATABASE_URL").env("KEHOACH_LOG", "warn");
    command
}

/// Runs the binary; `stdin` is piped with this text, or null.
fn kehoach(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = command(dir, args);
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    match stdin {
        Some(input) => {
            let mut child = command.stdin(Stdio::piped()).spawn().expect("run kehoach");
            child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
            child.wait_with_output().expect("wait for kehoach")
        }
        None => command.stdin(Stdio::null()).output().expect("run kehoach"),
    }
}

/// Asserts success and returns standard output.
fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Asserts failure and returns standard error.
fn refused(out: &Output) -> String {
    assert!(!out.status.success(), "should fail\nstdout: {}", text(&out.stdout));
    assert_ne!(out.status.code(), Some(0));
    text(&out.stderr)
}

/// A temporary directory whose database holds the seed plan and a sample village `ban-x`.
fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.toml"), SEED).unwrap();
    ok(&kehoach(dir.path(), &["plan", "import", "plan.toml"], None));
    ok(&kehoach(
        dir.path(),
        &["unit", "add", "--code", "ban-x", "--name", "Bản X (mẫu)", "--kind", "village", "--sample"],
        None,
    ));
    dir
}

/// The user's record and password hash, read from the directory's database.
fn stored_user(dir: &Path, username: &str) -> Option<(kehoach_store::UserRecord, String)> {
    let url = format!("sqlite://{}?mode=rwc", dir.join("kehoach.sqlite").display());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let found = store.user_for_login(username).await.unwrap();
        store.close().await.unwrap();
        found
    })
}

/// The one-time password on the line of `out` that starts with `prefix`; checks its form.
fn one_time_password(out: &str, prefix: &str) -> String {
    let lines: Vec<&str> = out.lines().filter(|l| l.trim_start().starts_with(prefix)).collect();
    assert_eq!(lines.len(), 1, "exactly one password line in:\n{out}");
    let password = lines[0].trim_start()[prefix.len()..].trim().to_owned();
    assert_eq!(password.chars().count(), 14, "{password:?}");
    assert!(password.chars().all(|c| ALPHABET.contains(c)), "{password:?}");
    password
}

#[test]
fn user_add_takes_a_password_from_standard_input_and_prints_none() {
    let dir = seeded();
    let out = kehoach(
        dir.path(),
        &["user", "add", "--username", "ban-a", "--role", "don_vi", "--unit", "ban-x"],
        Some(&format!("{PASSWORD}\n")),
    );
    let stdout = ok(&out);
    assert_eq!(stdout.trim(), "đã tạo tài khoản `ban-a` (don_vi)");
    assert!(!stdout.contains("mật khẩu"), "{stdout}");
    for output in [&out.stdout, &out.stderr] {
        assert!(!text(output).contains(PASSWORD), "the given password is never printed");
    }

    let (user, hash) = stored_user(dir.path(), "ban-a").expect("created");
    assert_eq!(user.role, Role::DonVi);
    assert_eq!(user.unit.as_deref(), Some("ban-x"));
    assert_eq!(user.commune.as_deref(), Some("muong-la"), "the only commune");
    assert_eq!(user.province, "son-la");
    assert_eq!(user.full_name, "ban-a", "the user name when no --name");
    assert!(!user.must_change_password, "a password chosen by its owner");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(password::verify(PASSWORD, &hash), "the password given on standard input");
}

#[test]
fn user_add_without_a_password_prints_a_one_time_password() {
    let dir = seeded();
    // Standard input is null, not a terminal: it reads as empty, and empty means "generate".
    let out = kehoach(
        dir.path(),
        &["user", "add", "--username", "dm-a", "--role", "dau_moi", "--name", "Lường Văn Dũng"],
        None,
    );
    let stdout = ok(&out);
    assert!(stdout.contains("đã tạo tài khoản `dm-a` (dau_moi)"), "{stdout}");
    let generated = one_time_password(&stdout, "mật khẩu dùng một lần:");
    assert!(!text(&out.stderr).contains(&generated));
    let (user, hash) = stored_user(dir.path(), "dm-a").expect("created");
    assert_eq!(user.full_name, "Lường Văn Dũng");
    assert_eq!((user.role, user.commune.as_deref(), user.unit.as_deref()), (Role::DauMoi, Some("muong-la"), None));
    assert!(user.must_change_password, "a generated password must be changed at first sign-in");
    assert!(password::verify(&generated, &hash));

    // An empty pipe is the same: a password is generated, a different one.
    let out = kehoach(dir.path(), &["user", "add", "--username", "ld-a", "--role", "lanh_dao"], Some(""));
    let other = one_time_password(&ok(&out), "mật khẩu dùng một lần:");
    assert_ne!(other, generated);
    let (user, hash) = stored_user(dir.path(), "ld-a").expect("created");
    assert!(user.must_change_password);
    assert!(password::verify(&other, &hash));
}

#[test]
fn user_add_refuses_weak_passwords_unknown_roles_and_bad_bindings() {
    let dir = seeded();
    let add = |username: &str, role: &str, extra: &[&str], stdin: Option<&str>| {
        let mut args = vec!["user", "add", "--username", username, "--role", role];
        args.extend_from_slice(extra);
        kehoach(dir.path(), &args, stdin)
    };

    let short = refused(&add("ban-b", "don_vi", &["--unit", "ban-x"], Some("ngan-qua\n")));
    assert!(short.contains("mật khẩu quá yếu"), "{short}");
    let has_name = refused(&add("ban-b", "don_vi", &["--unit", "ban-x"], Some("ban-b-mat-khau-2026\n")));
    assert!(has_name.contains("mật khẩu quá yếu"), "{has_name}");
    let role = refused(&add("ban-b", "truong_ban", &["--unit", "ban-x"], Some(&format!("{PASSWORD}\n"))));
    assert!(role.contains("vai trò `truong_ban` không hợp lệ"), "{role}");
    assert!(role.contains("admin, lanh_dao, dau_moi, don_vi, cap_tren"), "{role}");
    let unit = refused(&add("ban-b", "don_vi", &["--unit", "khong-co"], Some(&format!("{PASSWORD}\n"))));
    assert!(unit.contains("không tìm thấy đơn vị"), "{unit}");
    let no_unit = refused(&add("ban-b", "don_vi", &[], Some(&format!("{PASSWORD}\n"))));
    assert!(no_unit.contains("vai trò không khớp"), "{no_unit}");
    let commune = refused(&add("ban-b", "lanh_dao", &["--commune", "khong-co"], None));
    assert!(commune.contains("không tìm thấy xã"), "{commune}");
    let name = refused(&add("Ban B", "lanh_dao", &[], None));
    assert!(name.contains("Tên đăng nhập gồm 3–32 ký tự"), "{name}");
    for output in [&short, &has_name] {
        assert!(
            !output.contains("ngan-qua") && !output.contains("ban-b-mat-khau-2026"),
            "a refused password is not echoed"
        );
    }

    let list = ok(&kehoach(dir.path(), &["user", "list"], None));
    assert!(list.trim().is_empty(), "nothing refused was created:\n{list}");

    ok(&add("ban-b", "don_vi", &["--unit", "ban-x"], Some(&format!("{PASSWORD}\n"))));
    let taken = refused(&add("ban-b", "lanh_dao", &[], None));
    assert!(taken.contains("tên đăng nhập này đã có người dùng"), "{taken}");
    assert_eq!(ok(&kehoach(dir.path(), &["user", "list"], None)).lines().count(), 1);
}

#[test]
fn user_list_disable_and_reset_password() {
    let dir = seeded();
    ok(&kehoach(
        dir.path(),
        &["user", "add", "--username", "ban-a", "--role", "don_vi", "--unit", "ban-x", "--name", "Lò Văn Thắng"],
        Some(&format!("{PASSWORD}\n")),
    ));
    ok(&kehoach(
        dir.path(),
        &["user", "add", "--username", "dm-a", "--role", "dau_moi", "--name", "Lường Văn Dũng"],
        None,
    ));
    ok(&kehoach(
        dir.path(),
        &[
            "user",
            "add",
            "--username",
            "so-khcn",
            "--role",
            "cap_tren",
            "--province",
            "son-la",
            "--name",
            "Sở KH&CN Sơn La",
        ],
        None,
    ));

    let list = ok(&kehoach(dir.path(), &["user", "list"], None));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(
        lines,
        [
            "ban-a\tdon_vi\tban-x\tLò Văn Thắng",
            "dm-a\tdau_moi\tmuong-la\tLường Văn Dũng",
            "so-khcn\tcap_tren\tson-la\tSở KH&CN Sơn La",
        ],
        "user name, role, place (unit, commune or province), full name"
    );
    assert!(!list.contains("đã khóa"));

    let disabled = ok(&kehoach(dir.path(), &["user", "disable", "ban-a"], None));
    assert_eq!(disabled.trim(), "đã khóa tài khoản `ban-a`");
    let list = ok(&kehoach(dir.path(), &["user", "list"], None));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "a disabled account is still listed:\n{list}");
    assert_eq!(lines[0], "ban-a\tdon_vi\tban-x\tLò Văn Thắng\tđã khóa");
    assert!(!lines[1].contains("đã khóa") && !lines[2].contains("đã khóa"), "{list}");
    assert!(stored_user(dir.path(), "ban-a").unwrap().0.disabled);
    refused(&kehoach(dir.path(), &["user", "disable", "khong-co"], None));

    let (_, old_hash) = stored_user(dir.path(), "dm-a").unwrap();
    let reset = ok(&kehoach(dir.path(), &["user", "reset-password", "dm-a"], None));
    let new_password = one_time_password(&reset, "mật khẩu dùng một lần mới của `dm-a`:");
    let (user, hash) = stored_user(dir.path(), "dm-a").unwrap();
    assert_ne!(hash, old_hash);
    assert!(password::verify(&new_password, &hash));
    assert!(user.must_change_password);
    let again = one_time_password(
        &ok(&kehoach(dir.path(), &["user", "reset-password", "dm-a"], None)),
        "mật khẩu dùng một lần mới của `dm-a`:",
    );
    assert_ne!(again, new_password, "a new password each time");
    refused(&kehoach(dir.path(), &["user", "reset-password", "khong-co"], None));

    // The changes are in the audit trail, made by `cli`.
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("kehoach.sqlite").display());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (ban_a, dm_a) = runtime.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let trails =
            (store.audit_trail("user", "ban-a").await.unwrap(), store.audit_trail("user", "dm-a").await.unwrap());
        store.close().await.unwrap();
        trails
    });
    assert_eq!(ban_a.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["user.add", "user.disable"]);
    assert_eq!(
        dm_a.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["user.add", "user.reset_password", "user.reset_password"]
    );
    assert!(ban_a.iter().chain(&dm_a).all(|e| e.actor == "cli" && e.address.is_none()));
}

/// Starts `serve` on a free port; returns the process, the log lines up to the "serving on"
/// line, and the address.
fn start_serve(dir: &Path) -> (Child, BufReader<std::process::ChildStderr>, Vec<String>) {
    let mut child = command(dir, &["serve", "--addr", "127.0.0.1:0"])
        .env("KEHOACH_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut log = Vec::new();
    loop {
        let mut line = String::new();
        let read = stderr.read_line(&mut line).expect("read the log");
        assert!(read > 0, "serve exited before serving; log:\n{}", log.join(""));
        let serving = line.contains("http://");
        log.push(line);
        if serving {
            break;
        }
    }
    (child, stderr, log)
}

/// Stops `serve` and returns everything it wrote: standard output, and the whole log.
fn stop_serve(
    mut child: Child,
    mut stderr: BufReader<std::process::ChildStderr>,
    mut log: Vec<String>,
) -> (String, String) {
    // The first admin's lines are printed before serving starts: they are in the pipe already.
    child.kill().expect("kill serve");
    child.wait().expect("wait for serve");
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).expect("read stdout");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("read the log");
    log.push(rest);
    (stdout, log.concat())
}

#[test]
fn serve_prints_the_first_admins_password_once_on_stdout_never_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (child, stderr, log) = start_serve(dir.path());
    let (stdout, log) = stop_serve(child, stderr, log);

    assert!(stdout.contains("tên đăng nhập / user name: admin"), "{stdout}");
    let admin_password = one_time_password(&stdout, "mật khẩu dùng một lần / one-time password:");
    assert_eq!(stdout.matches(&admin_password).count(), 1, "printed once:\n{stdout}");
    assert!(log.contains("http://"), "{log}");
    assert!(!log.contains(&admin_password), "the password is not in the log:\n{log}");

    let (admin, hash) = stored_user(dir.path(), "admin").expect("the first admin");
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(
        (admin.province.as_str(), admin.commune.as_deref()),
        ("son-la", Some("muong-la")),
        "the only commune's admin"
    );
    assert!(admin.must_change_password);
    assert!(password::verify(&admin_password, &hash));

    // Second start: the admin exists; nothing is printed, the password is unchanged.
    let (child, stderr, log) = start_serve(dir.path());
    let (stdout, log) = stop_serve(child, stderr, log);
    assert!(stdout.trim().is_empty(), "no password on the second start:\n{stdout}");
    assert!(!log.contains(&admin_password));
    let (_, hash_after) = stored_user(dir.path(), "admin").unwrap();
    assert_eq!(hash_after, hash);
    let list = ok(&kehoach(dir.path(), &["user", "list"], None));
    assert_eq!(list.lines().collect::<Vec<_>>(), ["admin\tadmin\tmuong-la\tQuản trị viên"], "one admin, not two");
}
