//! Accounts as an admin (on the users page) or the operator (on the command line) creates and
//! manages them: the rules for a new account (its user name, full name, role, unit and place)
//! in one place, and who may manage which account (`kehoach_domain::access`).
//!
//! Two kinds of callers, two kinds of entry points:
//! - a signed-in admin ([`create`], [`reset_password`], [`disable`], [`list`]) manages the
//!   accounts of its scope only ([`may_manage_user`], [`may_create`]), places new accounts at
//!   its own level unless it names a commune, and hands out passwords to be changed at first
//!   sign-in;
//! - the operator at the server's console (`kehoach user …`: [`create_at_console`],
//!   [`reset_password_at_console`], [`disable_at_console`], [`list_at_console`]) has no
//!   [`Principal`]: it holds the database itself, so no rule of scope applies to it, only the
//!   rules of the account. These are entry points of their own rather than an
//!   `Option<&Principal>`: a missing principal must never read as "may do anything" (a web
//!   handler that lost its session would hold a `None`), so the operator's powers are reached
//!   only by functions named for them, which only the command line calls.

use std::fmt;

use kehoach_domain::access::{AccountPlace, may_create, may_manage_user};
use kehoach_domain::{Commune, Decision, DenyReason, Principal, Role, Unit};
use kehoach_store::{Actor, NewUser, UserProblem, UserRecord};

use crate::App;
use crate::error::{AppError, NotFound};
use crate::password;

/// A user name: 3–32 lower-case ASCII letters, digits, `.`, `_` or `-` (typed on phones and read
/// aloud; no diacritics to get wrong).
pub fn username(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let ok = (3..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok { Ok(name.to_owned()) } else { Err(AppError::invalid("user-bad-username")) }
}

/// A new account as typed, on the users page's form or the command line.
#[derive(Clone, Default)]
pub struct NewAccount {
    pub username: String,
    pub full_name: String,
    /// The role's key (`admin`, `lanh_dao`, `dau_moi`, `don_vi`, `cap_tren`).
    pub role: String,
    /// The unit a `don_vi` reports for (its code). The users page's form offers its units
    /// whatever the role chosen, so there a unit named with another role is not kept; typed at
    /// the console, it is refused ([`fits`]).
    pub unit: Option<String>,
    /// The commune (its code); none or blank: the level of who creates it (an admin's own
    /// commune, or for a province's admin its province). A `cap_tren` account is the
    /// province's whatever is named.
    pub commune: Option<String>,
    /// The password; none or empty: one is generated, to hand out once.
    pub password: Option<String>,
}

/// A new account that passed [`check`]: trimmed, NFC, its role read, blanks as none.
#[derive(Clone, PartialEq)]
pub struct Checked {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub unit: Option<String>,
    /// As named (before the level's default).
    pub commune: Option<String>,
    pub password: Option<String>,
}

impl fmt::Debug for Checked {
    /// Never the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checked")
            .field("username", &self.username)
            .field("full_name", &self.full_name)
            .field("role", &self.role)
            .field("unit", &self.unit)
            .field("commune", &self.commune)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .finish()
    }
}

/// Checks a new account as typed, whoever creates it: the user name, a full name, the role, a
/// unit for a `don_vi`, a password (when one is given) that follows [`password::weakness`]'s
/// rules, codes that can name a unit or a commune. The first rule broken is the refusal.
pub fn check(new: &NewAccount) -> Result<Checked, AppError> {
    let username = username(&new.username)?;
    if new.full_name.trim().is_empty() {
        return Err(AppError::invalid("user-no-name"));
    }
    let role = Role::from_key(new.role.trim()).ok_or_else(|| AppError::invalid("user-bad-role"))?;
    let named = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let (unit, commune) = (named(&new.unit), named(&new.commune));
    if role == Role::DonVi && unit.is_none() {
        return Err(AppError::invalid("user-needs-unit"));
    }
    let password = new.password.clone().filter(|p| !p.is_empty());
    if let Some(p) = &password
        && let Some(key) = password::weakness(p, &username)
    {
        return Err(AppError::invalid(key));
    }
    // Checked before any lookup: a NUL in a code would reach the database.
    if unit.as_deref().is_some_and(|code| !kehoach_plan::is_slug(code)) {
        return Err(AppError::invalid("user-unknown-unit"));
    }
    if commune.as_deref().is_some_and(|code| !kehoach_plan::is_slug(code)) {
        return Err(AppError::invalid("user-unknown-commune"));
    }
    let full_name = crate::input::line("field-full-name", &new.full_name)?;
    Ok(Checked { username, full_name, role, unit, commune, password })
}

/// Whether an account of `role` may sit in `province`, `commune` (none: the province's level)
/// with `unit`: a `cap_tren` is the province's, with no unit; a `don_vi` is a commune's, with
/// its unit; an admin is a commune's or its province's, with no unit; the other roles are a
/// commune's, with no unit. (The store keeps the same rule as its last guard.)
pub fn fits(role: Role, province: Option<&str>, commune: Option<&str>, unit: Option<&str>) -> Result<(), AppError> {
    let ok = match role {
        Role::CapTren => province.is_some() && commune.is_none() && unit.is_none(),
        Role::TrungUong => province.is_none() && commune.is_none() && unit.is_none(),
        Role::DonVi => commune.is_some() && unit.is_some(),
        Role::Admin => (commune.is_some() || province.is_some()) && unit.is_none(),
        Role::LanhDao | Role::DauMoi => commune.is_some() && unit.is_none(),
    };
    if ok { Ok(()) } else { Err(AppError::invalid("user-wrong-binding")) }
}

/// The commune of a new account: the one named, else `default`; none for a `cap_tren`, which is
/// the province's whatever is named.
fn commune_of(c: &Checked, default: Option<&str>) -> Option<String> {
    if c.role == Role::CapTren { None } else { c.commune.clone().or_else(|| default.map(str::to_owned)) }
}

/// Where an account sits, for the rule of who manages it.
fn place_of(u: &UserRecord) -> AccountPlace {
    AccountPlace { province: u.province.clone(), commune: u.commune.clone() }
}

fn problem_key(problem: &UserProblem) -> &'static str {
    match problem {
        UserProblem::UsernameTaken => "user-taken",
        UserProblem::UnknownCommune => "user-unknown-commune",
        UserProblem::UnknownUnit => "user-unknown-unit",
        UserProblem::WrongBinding => "user-wrong-binding",
    }
}

/// Stores the checked account at its place; the account and its password to hand out (the one
/// given, or the one generated). `always_change`: the password must be changed at first
/// sign-in even when given; otherwise only a generated one must.
async fn add(
    state: &App,
    c: Checked,
    province: Option<String>,
    commune: Option<String>,
    always_change: bool,
    actor: Actor<'_>,
) -> Result<(UserRecord, String), AppError> {
    fits(c.role, province.as_deref(), commune.as_deref(), c.unit.as_deref())?;
    let generated = c.password.is_none();
    let password_text = c.password.unwrap_or_else(password::generate);
    let hash = crate::auth::hash_blocking(password_text.clone()).await?;
    let new = NewUser {
        username: c.username,
        full_name: c.full_name,
        role: c.role,
        province,
        commune,
        unit: c.unit,
        password_hash: hash,
        must_change_password: always_change || generated,
    };
    match state.store.add_user(&new, actor).await? {
        Ok(user) => Ok((user, password_text)),
        Err(problem) => Err(AppError::invalid(problem_key(&problem))),
    }
}

/// `who` creates an account: at its own level unless a commune is named, in its province, if
/// [`may_create`] allows. Another commune is answered as a commune that does not exist (nothing
/// is told of it). The account and its password, shown once; it must be changed at first
/// sign-in, even when the admin typed it.
pub async fn create(
    state: &App,
    who: &Principal,
    new: &NewAccount,
    actor: Actor<'_>,
) -> Result<(UserRecord, String), AppError> {
    let mut c = check(new)?;
    // The form's list of units is there whatever the role: only a don_vi's is meant.
    if c.role != Role::DonVi {
        c.unit = None;
    }
    // The Ministry's accounts are made at the server's console only: said as such, not as a
    // matter of levels within a province.
    if c.role == Role::TrungUong {
        return Err(AppError::refused("nation-user-console-only"));
    }
    let commune = commune_of(&c, who.commune.as_deref());
    match may_create(who, c.role, &who.province, commune.as_deref()) {
        Decision::Allow => {}
        Decision::Hide => return Err(AppError::invalid("user-unknown-commune")),
        Decision::Deny(DenyReason::AboveLevel) => return Err(AppError::refused("user-above-level")),
        Decision::Deny(_) => return Err(AppError::refused("error-role-cannot")),
    }
    add(state, c, Some(who.province.clone()), commune, true, actor).await
}

/// The operator creates an account in `province` (for a `cap_tren` or a province's admin; a
/// commune's account takes its commune's) and the commune named (the console names it, or
/// its default, itself). A unit typed with a role other than `don_vi` is refused: at the console
/// it was typed on purpose. A password the operator gives is the owner's: only a generated one
/// must be changed at first sign-in.
pub async fn create_at_console(
    state: &App,
    new: &NewAccount,
    province: Option<&str>,
    actor: Actor<'_>,
) -> Result<(UserRecord, String), AppError> {
    let c = check(new)?;
    let commune = commune_of(&c, None);
    add(state, c, province.map(str::to_owned), commune, false, actor).await
}

/// The account `username`, if `who` may manage it. Out of sight (another province, another
/// commune) or not there at all: not found, alike.
async fn managed(state: &App, who: &Principal, username: &str) -> Result<UserRecord, AppError> {
    let target = state.store.user(username).await?;
    let decision = match &target {
        Some(u) => may_manage_user(who, &place_of(u)),
        None => Decision::Hide,
    };
    match (decision, target) {
        (Decision::Allow, Some(u)) => Ok(u),
        (Decision::Deny(DenyReason::AboveLevel), _) => Err(AppError::refused("error-above-level")),
        (Decision::Deny(_), _) => Err(AppError::refused("error-role-cannot")),
        _ => Err(AppError::NotFound(NotFound::Page)),
    }
}

/// Gives the account a new generated password, to be changed at first sign-in; its sessions
/// end. The password, to show once.
async fn reset(state: &App, username: &str, actor: Actor<'_>) -> Result<String, AppError> {
    let password_text = password::generate();
    let hash = crate::auth::hash_blocking(password_text.clone()).await?;
    state.store.set_password(username, &hash, true, actor).await?;
    Ok(password_text)
}

/// `who` gives an account it manages a new one-time password (see [`reset_password_at_console`]).
pub async fn reset_password(
    state: &App,
    who: &Principal,
    username: &str,
    actor: Actor<'_>,
) -> Result<String, AppError> {
    managed(state, who, username).await?;
    reset(state, username, actor).await
}

/// The operator gives an account a new one-time password: the password, to show once; the
/// account's sessions end.
pub async fn reset_password_at_console(state: &App, username: &str, actor: Actor<'_>) -> Result<String, AppError> {
    reset(state, username, actor).await
}

/// `who` disables an account it manages, not its own.
pub async fn disable(state: &App, who: &Principal, username: &str, actor: Actor<'_>) -> Result<(), AppError> {
    let target = managed(state, who, username).await?;
    if target.username == who.username {
        return Err(AppError::invalid("user-not-yourself"));
    }
    Ok(state.store.disable_user(username, actor).await?)
}

/// The operator disables an account (never deleted: records keep their author); its sessions
/// end.
pub async fn disable_at_console(state: &App, username: &str, actor: Actor<'_>) -> Result<(), AppError> {
    Ok(state.store.disable_user(username, actor).await?)
}

/// Exactly the accounts `who` manages, by the rule the routes are guarded with, in user-name
/// order.
pub async fn list(state: &App, who: &Principal) -> Result<Vec<UserRecord>, AppError> {
    let users = state.store.users(Some(&who.province), None).await?;
    Ok(users.into_iter().filter(|u| may_manage_user(who, &place_of(u)) == Decision::Allow).collect())
}

/// Every account, for the operator, in user-name order.
pub async fn list_at_console(state: &App) -> Result<Vec<UserRecord>, AppError> {
    Ok(state.store.users(None, None).await?)
}

/// The roles `who` may create at its own level.
pub fn roles_to_create(who: &Principal) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| may_create(who, *r, &who.province, who.commune.as_deref()) == Decision::Allow)
        .collect()
}

/// The communes `who` may place an account in (its own; for a province's admin every commune of
/// its province), in name order, each with its units to bind a `don_vi` to.
pub async fn places(state: &App, who: &Principal) -> Result<Vec<(Commune, Vec<Unit>)>, AppError> {
    let communes = state
        .store
        .communes()
        .await?
        .into_iter()
        .filter(|c| c.province_code == who.province && who.commune.as_ref().is_none_or(|mine| *mine == c.code));
    let mut places = Vec::new();
    for c in communes {
        let units = state.store.units(&format!("{}/{}", c.province_code, c.code)).await?;
        places.push((c, units));
    }
    Ok(places)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(e: AppError) -> &'static str {
        assert!(matches!(e, AppError::Invalid(_)), "{e:?}");
        e.key().unwrap_or_default()
    }

    fn typed(username: &str, full_name: &str, role: &str, unit: &str) -> NewAccount {
        NewAccount {
            username: username.into(),
            full_name: full_name.into(),
            role: role.into(),
            unit: Some(unit.into()),
            commune: Some(String::new()),
            password: Some(String::new()),
        }
    }

    #[test]
    fn usernames_are_plain_ascii() {
        assert_eq!(username(" ban.na-hang_1 ").ok().as_deref(), Some("ban.na-hang_1"));
        for bad in ["Bản", "ab", "has space", "Upper", &"a".repeat(33)] {
            assert!(username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_new_account_is_checked_once_for_the_form_and_the_console() {
        let c = check(&typed(" ban-a ", " Lò Văn A ", " don_vi ", " ban-x ")).expect("a good account");
        assert_eq!(
            (c.username.as_str(), c.full_name.as_str(), c.role, c.unit.as_deref(), c.commune, c.password),
            ("ban-a", "Lò Văn A", Role::DonVi, Some("ban-x"), None, None),
            "trimmed, blanks as none, an empty password generated"
        );
        // The first rule broken is the refusal.
        assert_eq!(key(check(&typed("Bản A", "", "vai-tro", "")).unwrap_err()), "user-bad-username");
        assert_eq!(key(check(&typed("ban-a", "  ", "don_vi", "ban-x")).unwrap_err()), "user-no-name");
        assert_eq!(key(check(&typed("ban-a", "A", "truong_ban", "")).unwrap_err()), "user-bad-role");
        assert_eq!(key(check(&typed("ban-a", "Lò Văn A", "don_vi", " ")).unwrap_err()), "user-needs-unit");
        assert_eq!(key(check(&typed("ban-a", "Lò\u{0}Văn A", "lanh_dao", "")).unwrap_err()), "text-control");
        assert_eq!(key(check(&typed("ban-a", "A", "don_vi", "ban\u{0}")).unwrap_err()), "user-unknown-unit");
        let elsewhere = NewAccount { commune: Some("Xã A".into()), ..typed("ban-a", "A", "lanh_dao", "") };
        assert_eq!(key(check(&elsewhere).unwrap_err()), "user-unknown-commune");
        // A unit named with a role other than don_vi is well typed; it is its place that is wrong.
        let leader = check(&typed("ld-a", "A", "lanh_dao", "ban-x")).expect("typed well");
        assert_eq!(
            key(fits(leader.role, None, Some("muong-la"), leader.unit.as_deref()).unwrap_err()),
            "user-wrong-binding"
        );
    }

    #[test]
    fn a_given_password_follows_the_password_rules() {
        let with = |p: &str| NewAccount { password: Some(p.into()), ..typed("ban-a", "A", "dau_moi", "") };
        assert_eq!(key(check(&with("ngan-qua")).unwrap_err()), "password-too-short");
        assert_eq!(key(check(&with("ban-a-mat-khau-2026")).unwrap_err()), "password-has-username");
        let given = check(&with("mat-khau-du-dai-2026")).expect("a good password");
        assert_eq!(given.password.as_deref(), Some("mat-khau-du-dai-2026"));
        assert!(!format!("{given:?}").contains("mat-khau"), "never in a log");
    }

    #[test]
    fn each_role_sits_at_its_own_level() {
        let p = Some("son-la");
        let ml = Some("muong-la");
        assert!(fits(Role::CapTren, p, None, None).is_ok());
        assert!(fits(Role::Admin, p, None, None).is_ok(), "a province's admin");
        assert!(fits(Role::Admin, None, ml, None).is_ok(), "a commune's admin; the province is the commune's");
        assert!(fits(Role::LanhDao, None, ml, None).is_ok());
        assert!(fits(Role::DonVi, p, ml, Some("ban-x")).is_ok());
        for (role, province, commune, unit) in [
            (Role::LanhDao, p, None, None),
            (Role::DauMoi, p, None, None),
            (Role::DonVi, p, None, Some("ban-x")),
            (Role::DonVi, p, ml, None),
            (Role::CapTren, p, ml, None),
            (Role::CapTren, None, None, None),
            (Role::Admin, None, None, None),
            (Role::DauMoi, p, ml, Some("ban-x")),
        ] {
            let refused = fits(role, province, commune, unit).expect_err("a role out of its place");
            assert_eq!(key(refused), "user-wrong-binding", "{role:?} at {province:?} {commune:?} {unit:?}");
        }
    }

    #[test]
    fn a_cap_tren_account_is_the_provinces_whatever_is_named() {
        let c = |role: &str, commune: &str| {
            check(&NewAccount { commune: Some(commune.into()), ..typed("ct-a", "A", role, "") }).expect("good")
        };
        assert_eq!(commune_of(&c("cap_tren", "muong-la"), Some("muong-la")), None);
        assert_eq!(commune_of(&c("lanh_dao", ""), Some("muong-la")).as_deref(), Some("muong-la"), "the level's");
        assert_eq!(commune_of(&c("lanh_dao", "xa-hai"), Some("muong-la")).as_deref(), Some("xa-hai"), "as named");
        assert_eq!(commune_of(&c("admin", ""), None), None, "a province's admin");
    }
}
