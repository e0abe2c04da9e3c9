//! Who may do what: roles, actions, scopes, and the one policy every route goes through.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user's role (product brief, "Who uses it").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The commune's or province's IT officer: users, units, plans.
    Admin,
    /// Chairman / vice-chairman of UBND xã (lãnh đạo): sees everything of the commune, approves.
    LanhDao,
    /// The focal officer (đầu mối) at Phòng VHXH: keeps the plan and its registers.
    DauMoi,
    /// A reporter of one unit (đơn vị): a department, a village head.
    DonVi,
    /// The province's Department of Science and Technology (cấp trên): reads every commune of
    /// its province, and accepts or returns the communes' approved reports.
    CapTren,
    /// The Ministry of Science and Technology (trung ương): reads every province.
    TrungUong,
}

impl Role {
    pub const ALL: [Role; 6] = [Role::Admin, Role::LanhDao, Role::DauMoi, Role::DonVi, Role::CapTren, Role::TrungUong];

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::LanhDao => "lanh_dao",
            Role::DauMoi => "dau_moi",
            Role::DonVi => "don_vi",
            Role::CapTren => "cap_tren",
            Role::TrungUong => "trung_uong",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// A signed-in user, as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Principal {
    pub user_id: i32,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub province: String,
    /// The commune the user belongs to; `None` for `cap_tren` and a province's admin.
    pub commune: Option<String>,
    /// The unit a `don_vi` user reports for.
    pub unit: Option<String>,
}

/// What a request does. Every route names exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Published plans, assets, health: anyone, signed in or not.
    ReadPublic,
    /// Signing in.
    SignIn,
    /// One's own account: see it, change one's password, sign out.
    OwnAccount,
    /// Users of a commune (or province): list, add, disable, reset passwords.
    ManageUsers,
    /// A commune's units: add, import.
    ManageUnits,
    /// A commune's plans: import a plan file, or a new version of one.
    ManagePlans,
    /// The audit trail.
    ReadAudit,
    /// A unit's contact person (đầu mối liên hệ, plan IV.2).
    ReadUnitContact,
    EditUnitContact,
    /// A unit's report for a period: read it.
    ReadReport,
    /// Fill in and submit a unit's report.
    EditReport,
    /// Accept, return or reopen a unit's report.
    ReviewReport,
    /// The timeliness board of a period.
    ReadBoard,
    /// The consolidation of a period and the commune report's draft.
    ReadConsolidation,
    /// Write the commune report's narrative.
    EditConsolidation,
    /// Approve the commune report (it is then frozen).
    ApproveConsolidation,
    /// An approved commune report: what goes up to the province.
    ReadCommuneReport,
    /// Ask chosen units for an ad hoc report.
    ManageRequests,
    /// A province's board, roll-up, indicators, communes and consolidated report.
    ReadProvince,
    /// Accept or return a commune's approved report, at the province.
    DecideCommuneReport,
    /// The nation's view over every province.
    ReadNation,
    /// Register records (sổ theo dõi) and their files; a `don_vi` sees its own unit's.
    ReadRegister,
    /// Add, change, delete or import register records. Which registers and units a role may
    /// write is checked with [`crate::register::Writers`].
    EditRegister,
    /// Indicator values, statuses and the records behind them.
    ReadProgress,
    /// Initiatives' rounds, scores, decisions, the list of recognised ones and certificates.
    ReadInitiatives,
    /// Open the year's round of initiative recognition and name its council.
    ManageInitiativeRounds,
    /// Score initiatives as a member of the round's council (membership is checked per round).
    ScoreInitiatives,
    /// Recognise or decline initiatives after the council's scoring.
    DecideInitiatives,
}

impl Action {
    pub const ALL: [Action; 28] = [
        Action::ReadPublic,
        Action::SignIn,
        Action::OwnAccount,
        Action::ManageUsers,
        Action::ManageUnits,
        Action::ManagePlans,
        Action::ReadAudit,
        Action::ReadUnitContact,
        Action::EditUnitContact,
        Action::ReadReport,
        Action::EditReport,
        Action::ReviewReport,
        Action::ReadBoard,
        Action::ReadConsolidation,
        Action::EditConsolidation,
        Action::ApproveConsolidation,
        Action::ReadCommuneReport,
        Action::ManageRequests,
        Action::ReadProvince,
        Action::DecideCommuneReport,
        Action::ReadNation,
        Action::ReadRegister,
        Action::EditRegister,
        Action::ReadProgress,
        Action::ReadInitiatives,
        Action::ManageInitiativeRounds,
        Action::ScoreInitiatives,
        Action::DecideInitiatives,
    ];

    /// Whether the action changes nothing: what `cap_tren` may do across its province.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Action::ReadPublic
                | Action::ReadAudit
                | Action::ReadUnitContact
                | Action::ReadReport
                | Action::ReadBoard
                | Action::ReadConsolidation
                | Action::ReadCommuneReport
                | Action::ReadRegister
                | Action::ReadProgress
                | Action::ReadInitiatives
                | Action::ReadProvince
                | Action::ReadNation
        )
    }
}

/// Where a request acts: a province, a commune in it, a unit in that commune.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub province: Option<String>,
    pub commune: Option<String>,
    pub unit: Option<String>,
}

/// Why an action is refused, for a message that says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    /// Not signed in: sign in first.
    NotSignedIn,
    /// The role never does this.
    RoleCannot(Role),
    /// `cap_tren` reads; it does not change.
    ReadOnly,
    /// The thing is in sight but belongs to a level above the user's: a commune's admin and an
    /// account of the province.
    AboveLevel,
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Refused, and the user may know the thing exists: 401/403 with the reason.
    Deny(DenyReason),
    /// Outside the user's reach: answered as if it did not exist (404), so that guessing ids
    /// tells nothing.
    Hide,
}

/// Which roles may ever do an action, wherever.
pub(crate) fn role_may(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ReadPublic | SignIn | OwnAccount => true,
        ManageUsers | ManageUnits | ManagePlans => role == Admin,
        ReadAudit => matches!(role, Admin | LanhDao | DauMoi),
        ReadUnitContact => true,
        EditUnitContact => matches!(role, Admin | DauMoi | DonVi),
        ReadReport => matches!(role, Admin | LanhDao | DauMoi | DonVi),
        EditReport => matches!(role, DauMoi | DonVi),
        ReviewReport => role == DauMoi,
        ReadBoard | ReadConsolidation => matches!(role, Admin | LanhDao | DauMoi),
        EditConsolidation | ManageRequests => role == DauMoi,
        ApproveConsolidation => role == LanhDao,
        ReadCommuneReport => matches!(role, Admin | LanhDao | DauMoi | CapTren | TrungUong),
        ReadProvince => matches!(role, Admin | CapTren | TrungUong),
        DecideCommuneReport => role == CapTren,
        ReadNation => role == TrungUong,
        ReadRegister | ReadProgress | ReadInitiatives => true,
        EditRegister | ScoreInitiatives => matches!(role, LanhDao | DauMoi | DonVi),
        ManageInitiativeRounds => role == DauMoi,
        DecideInitiatives => role == LanhDao,
    }
}

/// Whether the scope is within the principal's reach: their province, their commune, and for a
/// `don_vi`, their unit.
fn within_reach(p: &Principal, scope: &Scope) -> bool {
    // The Ministry reads every province and commune.
    if p.role == Role::TrungUong {
        return true;
    }
    if scope.province.as_ref().is_some_and(|prov| *prov != p.province) {
        return false;
    }
    match (&p.commune, &scope.commune) {
        // A user of a commune reaches that commune only.
        (Some(mine), Some(theirs)) if mine != theirs => return false,
        // …and nothing of the province above it: a scope without a commune is the province's.
        (Some(_), None) => return false,
        // A province-wide user reaches every commune of the province (checked above).
        _ => {}
    }
    if p.role == Role::DonVi && scope.unit.is_some() && scope.unit != p.unit {
        return false;
    }
    true
}

/// Where an account sits: its province and, for a commune's account, its commune. `cap_tren`
/// and a province's admin have no commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPlace {
    pub province: String,
    pub commune: Option<String>,
}

/// May `actor` manage (list, disable, reset the password of) an account at `target`?
///
/// The rule of administration by scope, in one place: a commune's admin manages the accounts of
/// its commune; a province's admin (an admin without a commune) those of its province and of
/// every commune in it. Another province, or another commune of the same province, is out of
/// sight (`Hide`, so that guessing user names tells nothing); the province's own accounts are in
/// a commune user's sight (they are its superiors) but above its level (`Deny`).
pub fn may_manage_user(actor: &Principal, target: &AccountPlace) -> Decision {
    if target.province != actor.province {
        return Decision::Hide;
    }
    let above = match (&actor.commune, &target.commune) {
        (Some(mine), Some(theirs)) if mine != theirs => return Decision::Hide,
        (Some(_), None) => true,
        _ => false,
    };
    match actor.role {
        Role::CapTren | Role::TrungUong => Decision::Deny(DenyReason::ReadOnly),
        Role::Admin if above => Decision::Deny(DenyReason::AboveLevel),
        Role::Admin => Decision::Allow,
        other => Decision::Deny(DenyReason::RoleCannot(other)),
    }
}

/// May `actor` create an account of `role` in `province` and `commune`? A `cap_tren` account is
/// the province's whatever commune is named, so a commune's admin never creates one; nor an
/// admin without a commune (a province's admin).
pub fn may_create(actor: &Principal, role: Role, province: &str, commune: Option<&str>) -> Decision {
    // The Ministry's accounts are made at the server's console, never by a province or commune.
    if role == Role::TrungUong {
        return Decision::Deny(DenyReason::AboveLevel);
    }
    let commune = if role == Role::CapTren { None } else { commune };
    may_manage_user(actor, &AccountPlace { province: province.to_owned(), commune: commune.map(str::to_owned) })
}

/// The one policy: may `principal` (or an anonymous visitor) do `action` in `scope`?
pub fn authorize(principal: Option<&Principal>, action: Action, scope: &Scope) -> Decision {
    if matches!(action, Action::ReadPublic | Action::SignIn) {
        return Decision::Allow;
    }
    let Some(p) = principal else {
        return Decision::Deny(DenyReason::NotSignedIn);
    };
    if action == Action::OwnAccount {
        return Decision::Allow;
    }
    if action == Action::ManageUsers {
        // The scope of a user-management route is the target account's place (the acting
        // admin's own for the users page): one rule decides, whatever the route.
        let Some(province) = scope.province.clone() else {
            return Decision::Hide;
        };
        return may_manage_user(p, &AccountPlace { province, commune: scope.commune.clone() });
    }
    if !within_reach(p, scope) {
        return Decision::Hide;
    }
    // Above the commune one reads; the province also decides on the reports it receives.
    let reads_only = match p.role {
        Role::CapTren => !action.is_read() && action != Action::DecideCommuneReport,
        Role::TrungUong => !action.is_read(),
        _ => false,
    };
    if reads_only {
        return Decision::Deny(DenyReason::ReadOnly);
    }
    if !role_may(p.role, action) {
        return Decision::Deny(DenyReason::RoleCannot(p.role));
    }
    Decision::Allow
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, commune: Option<&str>, unit: Option<&str>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            full_name: "U".into(),
            role,
            province: "son-la".into(),
            commune: commune.map(Into::into),
            unit: unit.map(Into::into),
        }
    }

    fn scope(commune: &str, unit: Option<&str>) -> Scope {
        Scope { province: Some("son-la".into()), commune: Some(commune.into()), unit: unit.map(Into::into) }
    }

    #[test]
    fn anonymous_reads_plans_and_nothing_else() {
        let s = scope("muong-la", None);
        assert_eq!(authorize(None, Action::ReadPublic, &s), Decision::Allow);
        assert_eq!(authorize(None, Action::SignIn, &s), Decision::Allow);
        for action in [Action::OwnAccount, Action::ReadAudit, Action::ManageUsers, Action::ReadUnitContact] {
            assert_eq!(authorize(None, action, &s), Decision::Deny(DenyReason::NotSignedIn));
        }
    }

    #[test]
    fn a_village_reaches_its_own_unit_only() {
        let me = user(Role::DonVi, Some("muong-la"), Some("ban-a"));
        assert_eq!(authorize(Some(&me), Action::EditUnitContact, &scope("muong-la", Some("ban-a"))), Decision::Allow);
        assert_eq!(authorize(Some(&me), Action::ReadUnitContact, &scope("muong-la", Some("ban-b"))), Decision::Hide);
        assert_eq!(authorize(Some(&me), Action::EditUnitContact, &scope("muong-la", Some("ban-b"))), Decision::Hide);
        assert_eq!(authorize(Some(&me), Action::ReadUnitContact, &scope("xa-khac", Some("ban-a"))), Decision::Hide);
        assert_eq!(
            authorize(Some(&me), Action::ReadAudit, &scope("muong-la", None)),
            Decision::Deny(DenyReason::RoleCannot(Role::DonVi))
        );
    }

    #[test]
    fn commune_staff_stay_in_their_commune() {
        for role in [Role::Admin, Role::LanhDao, Role::DauMoi] {
            let me = user(role, Some("muong-la"), None);
            assert_eq!(
                authorize(Some(&me), Action::ReadUnitContact, &scope("muong-la", Some("ban-b"))),
                Decision::Allow
            );
            assert_eq!(authorize(Some(&me), Action::ReadAudit, &scope("xa-khac", None)), Decision::Hide);
        }
    }

    #[test]
    fn the_province_reads_every_commune_and_changes_none() {
        let me = user(Role::CapTren, None, None);
        assert_eq!(authorize(Some(&me), Action::ReadUnitContact, &scope("xa-khac", Some("ban-b"))), Decision::Allow);
        assert_eq!(
            authorize(Some(&me), Action::EditUnitContact, &scope("muong-la", Some("ban-b"))),
            Decision::Deny(DenyReason::ReadOnly)
        );
        let elsewhere = Scope { province: Some("dien-bien".into()), commune: Some("x".into()), unit: None };
        assert_eq!(authorize(Some(&me), Action::ReadUnitContact, &elsewhere), Decision::Hide);
    }

    fn place(province: &str, commune: Option<&str>) -> AccountPlace {
        AccountPlace { province: province.into(), commune: commune.map(Into::into) }
    }

    #[test]
    fn a_commune_admin_manages_its_commune_only() {
        let me = user(Role::Admin, Some("muong-la"), None);
        assert_eq!(may_manage_user(&me, &place("son-la", Some("muong-la"))), Decision::Allow);
        // Another commune of the province, or another province: as if it did not exist.
        assert_eq!(may_manage_user(&me, &place("son-la", Some("xa-khac"))), Decision::Hide);
        assert_eq!(may_manage_user(&me, &place("dien-bien", Some("muong-la"))), Decision::Hide);
        assert_eq!(may_manage_user(&me, &place("dien-bien", None)), Decision::Hide);
        // The province's accounts (its admin, cap_tren) are above it.
        assert_eq!(may_manage_user(&me, &place("son-la", None)), Decision::Deny(DenyReason::AboveLevel));
    }

    #[test]
    fn a_province_admin_manages_its_province_and_its_communes() {
        let me = user(Role::Admin, None, None);
        assert_eq!(may_manage_user(&me, &place("son-la", None)), Decision::Allow);
        assert_eq!(may_manage_user(&me, &place("son-la", Some("muong-la"))), Decision::Allow);
        assert_eq!(may_manage_user(&me, &place("son-la", Some("xa-khac"))), Decision::Allow);
        assert_eq!(may_manage_user(&me, &place("dien-bien", None)), Decision::Hide);
        assert_eq!(may_manage_user(&me, &place("dien-bien", Some("muong-la"))), Decision::Hide);
    }

    #[test]
    fn only_admins_manage_users() {
        for role in [Role::LanhDao, Role::DauMoi, Role::DonVi] {
            let me = user(role, Some("muong-la"), None);
            assert_eq!(
                may_manage_user(&me, &place("son-la", Some("muong-la"))),
                Decision::Deny(DenyReason::RoleCannot(role))
            );
            assert_eq!(may_manage_user(&me, &place("son-la", Some("xa-khac"))), Decision::Hide);
        }
        let province = user(Role::CapTren, None, None);
        assert_eq!(
            may_manage_user(&province, &place("son-la", Some("muong-la"))),
            Decision::Deny(DenyReason::ReadOnly)
        );
        assert_eq!(may_manage_user(&province, &place("dien-bien", None)), Decision::Hide);
    }

    #[test]
    fn a_commune_admin_creates_no_province_account() {
        let me = user(Role::Admin, Some("muong-la"), None);
        for role in [Role::Admin, Role::LanhDao, Role::DauMoi, Role::DonVi] {
            assert_eq!(may_create(&me, role, "son-la", Some("muong-la")), Decision::Allow, "{role:?}");
            assert_eq!(may_create(&me, role, "son-la", Some("xa-khac")), Decision::Hide, "{role:?}");
            assert_eq!(may_create(&me, role, "dien-bien", Some("muong-la")), Decision::Hide, "{role:?}");
        }
        // No commune-less admin, and no cap_tren whatever commune it is given.
        assert_eq!(may_create(&me, Role::Admin, "son-la", None), Decision::Deny(DenyReason::AboveLevel));
        assert_eq!(may_create(&me, Role::CapTren, "son-la", None), Decision::Deny(DenyReason::AboveLevel));
        assert_eq!(may_create(&me, Role::CapTren, "son-la", Some("muong-la")), Decision::Deny(DenyReason::AboveLevel));
    }

    #[test]
    fn a_province_admin_creates_in_its_province_only() {
        let me = user(Role::Admin, None, None);
        // The Ministry's accounts are made at the console only.
        for place in [None, Some("muong-la")] {
            assert_eq!(may_create(&me, Role::TrungUong, "son-la", place), Decision::Deny(DenyReason::AboveLevel));
        }
        for role in Role::ALL.into_iter().filter(|r| *r != Role::TrungUong) {
            assert_eq!(may_create(&me, role, "son-la", None), Decision::Allow, "{role:?}");
            assert_eq!(may_create(&me, role, "son-la", Some("muong-la")), Decision::Allow, "{role:?}");
            assert_eq!(may_create(&me, role, "dien-bien", None), Decision::Hide, "{role:?}");
        }
    }

    #[test]
    fn the_province_decides_and_the_ministry_reads_everywhere() {
        let province = Scope { province: Some("son-la".into()), commune: None, unit: None };
        let other = Scope { province: Some("dien-bien".into()), commune: None, unit: None };
        let department = user(Role::CapTren, None, None);
        assert_eq!(authorize(Some(&department), Action::DecideCommuneReport, &province), Decision::Allow);
        assert_eq!(authorize(Some(&department), Action::ReadProvince, &province), Decision::Allow);
        assert_eq!(authorize(Some(&department), Action::DecideCommuneReport, &other), Decision::Hide);
        assert_eq!(
            authorize(Some(&department), Action::ReadNation, &province),
            Decision::Deny(DenyReason::RoleCannot(Role::CapTren))
        );
        assert_eq!(
            authorize(Some(&department), Action::EditRegister, &scope("muong-la", None)),
            Decision::Deny(DenyReason::ReadOnly)
        );
        let ministry = Principal { province: String::new(), ..user(Role::TrungUong, None, None) };
        for scope in [&province, &other, &Scope::default()] {
            assert_eq!(authorize(Some(&ministry), Action::ReadProvince, scope), Decision::Allow);
            assert_eq!(authorize(Some(&ministry), Action::ReadNation, scope), Decision::Allow);
            assert_eq!(
                authorize(Some(&ministry), Action::DecideCommuneReport, scope),
                Decision::Deny(DenyReason::ReadOnly)
            );
        }
        assert_eq!(authorize(Some(&ministry), Action::ReadCommuneReport, &scope("muong-la", None)), Decision::Allow);
        assert_eq!(
            authorize(Some(&ministry), Action::EditReport, &scope("muong-la", None)),
            Decision::Deny(DenyReason::ReadOnly)
        );
        // A commune's people never reach the province's level.
        let leader = user(Role::LanhDao, Some("muong-la"), None);
        assert_eq!(authorize(Some(&leader), Action::ReadProvince, &province), Decision::Hide);
    }

    #[test]
    fn the_users_routes_follow_the_target_account() {
        let commune_admin = user(Role::Admin, Some("muong-la"), None);
        let province_account = Scope { province: Some("son-la".into()), commune: None, unit: None };
        // The old reading: a scope without a commune was in every commune user's reach.
        assert_eq!(
            authorize(Some(&commune_admin), Action::ManageUsers, &province_account),
            Decision::Deny(DenyReason::AboveLevel)
        );
        assert_eq!(authorize(Some(&commune_admin), Action::ReadAudit, &province_account), Decision::Hide);
        assert_eq!(authorize(Some(&commune_admin), Action::ManageUsers, &scope("muong-la", None)), Decision::Allow);
        assert_eq!(authorize(Some(&commune_admin), Action::ManageUsers, &scope("xa-khac", None)), Decision::Hide);
        let province_admin = user(Role::Admin, None, None);
        assert_eq!(authorize(Some(&province_admin), Action::ManageUsers, &province_account), Decision::Allow);
        assert_eq!(authorize(Some(&province_admin), Action::ManageUsers, &scope("xa-khac", None)), Decision::Allow);
        assert_eq!(authorize(Some(&province_admin), Action::ManageUsers, &Scope::default()), Decision::Hide);
    }

    #[test]
    fn role_keys_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_key(role.key()), Some(role));
        }
    }
}
