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
    /// its province.
    CapTren,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::LanhDao, Role::DauMoi, Role::DonVi, Role::CapTren];

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::LanhDao => "lanh_dao",
            Role::DauMoi => "dau_moi",
            Role::DonVi => "don_vi",
            Role::CapTren => "cap_tren",
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
    pub const ALL: [Action; 25] = [
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
fn role_may(role: Role, action: Action) -> bool {
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
        ReadCommuneReport => matches!(role, Admin | LanhDao | DauMoi | CapTren),
        ReadRegister | ReadProgress | ReadInitiatives => true,
        EditRegister | ScoreInitiatives => matches!(role, LanhDao | DauMoi | DonVi),
        ManageInitiativeRounds => role == DauMoi,
        DecideInitiatives => role == LanhDao,
    }
}

/// Whether the scope is within the principal's reach: their province, their commune, and for a
/// `don_vi`, their unit.
fn within_reach(p: &Principal, scope: &Scope) -> bool {
    if scope.province.as_ref().is_some_and(|prov| *prov != p.province) {
        return false;
    }
    match (&p.commune, &scope.commune) {
        // A user of a commune reaches that commune only.
        (Some(mine), Some(theirs)) if mine != theirs => return false,
        // A province-wide user reaches every commune of the province (checked above).
        _ => {}
    }
    if p.role == Role::DonVi && scope.unit.is_some() && scope.unit != p.unit {
        return false;
    }
    true
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
    if !within_reach(p, scope) {
        return Decision::Hide;
    }
    if p.role == Role::CapTren && !action.is_read() {
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

    #[test]
    fn role_keys_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_key(role.key()), Some(role));
        }
    }
}
