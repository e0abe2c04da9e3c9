//! Who may do what to one row: the rules [`authorize`] cannot decide from the route alone,
//! because they depend on the record, the register or the report at hand. Every surface (the
//! pages, the API, the command line) asks these, and nothing else decides them.

use crate::access::{Action, Decision, Principal, Role, Scope, authorize, role_may};
use crate::register::Writers;

/// The unit whose rows alone the user sees: a unit's reporter sees its own; everyone else
/// (within the commune the guard let them into) sees every unit's.
pub fn own_unit(p: &Principal) -> Option<&str> {
    match p.role {
        Role::DonVi => p.unit.as_deref(),
        _ => None,
    }
}

/// May the user see a row (a register record, a report) that belongs to `unit`?
pub fn may_read_unit_row(p: &Principal, unit: &str) -> bool {
    own_unit(p).is_none_or(|own| own == unit)
}

/// May the user add to, or change records of, a register with these `writers` for `unit`? The
/// role was checked by the guard; this is the register's own rule.
pub fn may_write_register(p: &Principal, writers: Writers, unit: &str) -> bool {
    match (writers, p.role) {
        (Writers::FocalOnly, role) => role == Role::DauMoi,
        (_, Role::DauMoi) => true,
        (_, Role::DonVi) => p.unit.as_deref() == Some(unit),
        (Writers::Everyone, Role::LanhDao) => true,
        _ => false,
    }
}

/// The plan's commune as a scope.
pub fn commune_scope(plan: &crate::Plan) -> Scope {
    Scope { province: Some(plan.commune.province_code.clone()), commune: Some(plan.commune.code.clone()), unit: None }
}

/// May the reader (or an anonymous visitor) see a commune report before it is approved? Only
/// those who work on the consolidation in that commune; the province and the public see what
/// the commune approved.
pub fn may_see_draft_commune_report(p: Option<&Principal>, commune: &Scope) -> bool {
    authorize(p, Action::ReadConsolidation, commune) == Decision::Allow
}

/// May the user see an ad hoc request addressed to these units? The commune's staff see all;
/// a unit's reporter those addressed to its unit.
pub fn may_see_request(p: &Principal, units: &[String]) -> bool {
    own_unit(p).is_none_or(|own| units.iter().any(|u| u == own))
}

/// May the user see a proposed initiative of `unit`? Everyone of the commune and the province;
/// a unit's reporter not on the round's council only its own unit's (as in the register).
pub fn may_see_initiative(p: &Principal, on_council: bool, unit: &str) -> bool {
    on_council || may_read_unit_row(p, unit)
}

/// May the reader see (and renew) a unit's private calendar link? Those who keep the unit's
/// contact.
pub fn may_see_calendar_secret(p: Option<&Principal>, commune: &Scope, unit: &str) -> bool {
    let scope = Scope { unit: Some(unit.to_owned()), ..commune.clone() };
    authorize(p, Action::EditUnitContact, &scope) == Decision::Allow
}

/// May an account of this role sit on an initiative council (and so score)? Those whose role
/// may score initiatives; the council itself is chosen per round.
pub fn may_sit_on_council(role: Role) -> bool {
    role_may(role, Action::ScoreInitiatives)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, unit: Option<&str>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            full_name: "U".into(),
            role,
            province: "son-la".into(),
            commune: (role != Role::CapTren).then(|| "muong-la".into()),
            unit: unit.map(Into::into),
        }
    }

    fn commune(code: &str) -> Scope {
        Scope { province: Some("son-la".into()), commune: Some(code.into()), unit: None }
    }

    #[test]
    fn a_units_reporter_sees_and_writes_its_own_rows_only() {
        let village = user(Role::DonVi, Some("ban-a"));
        assert_eq!(own_unit(&village), Some("ban-a"));
        assert!(may_read_unit_row(&village, "ban-a"));
        assert!(!may_read_unit_row(&village, "ban-b"));
        assert!(may_write_register(&village, Writers::Units, "ban-a"));
        assert!(!may_write_register(&village, Writers::Units, "ban-b"));
        assert!(!may_write_register(&village, Writers::FocalOnly, "ban-a"));
        let officer = user(Role::DauMoi, None);
        assert_eq!(own_unit(&officer), None);
        assert!(may_read_unit_row(&officer, "ban-b"));
        assert!(may_write_register(&officer, Writers::FocalOnly, "ban-b"));
    }

    #[test]
    fn only_focal_officers_write_assessments_and_leaders_write_only_open_registers() {
        let leader = user(Role::LanhDao, None);
        assert!(may_write_register(&leader, Writers::Everyone, "ubnd"));
        assert!(!may_write_register(&leader, Writers::Units, "ubnd"));
        assert!(!may_write_register(&leader, Writers::FocalOnly, "ubnd"));
        assert!(!may_write_register(&user(Role::Admin, None), Writers::Units, "ubnd"));
        assert!(!may_write_register(&user(Role::CapTren, None), Writers::Everyone, "ubnd"));
    }

    #[test]
    fn a_unit_sees_the_requests_addressed_to_it() {
        let asked = ["ban-a".to_owned(), "ban-c".to_owned()];
        assert!(may_see_request(&user(Role::DonVi, Some("ban-a")), &asked));
        assert!(!may_see_request(&user(Role::DonVi, Some("ban-b")), &asked));
        assert!(may_see_request(&user(Role::DauMoi, None), &asked));
        assert!(may_see_request(&user(Role::LanhDao, None), &[]));
    }

    #[test]
    fn a_council_member_sees_every_initiative_of_the_round() {
        let village = user(Role::DonVi, Some("ban-a"));
        assert!(may_see_initiative(&village, false, "ban-a"));
        assert!(!may_see_initiative(&village, false, "ban-b"));
        assert!(may_see_initiative(&village, true, "ban-b"));
        assert!(may_see_initiative(&user(Role::LanhDao, None), false, "ban-b"));
    }

    #[test]
    fn a_units_calendar_link_is_for_those_who_keep_its_contact() {
        let here = commune("muong-la");
        assert!(may_see_calendar_secret(Some(&user(Role::DauMoi, None)), &here, "ban-a"));
        assert!(!may_see_calendar_secret(None, &here, "ban-a"));
        assert!(!may_see_calendar_secret(Some(&user(Role::CapTren, None)), &here, "ban-a"));
    }

    #[test]
    fn councils_are_made_of_the_communes_officials() {
        for role in [Role::LanhDao, Role::DauMoi, Role::DonVi] {
            assert!(may_sit_on_council(role), "{role:?}");
        }
        for role in [Role::Admin, Role::CapTren] {
            assert!(!may_sit_on_council(role), "{role:?}");
        }
    }

    #[test]
    fn drafts_of_the_commune_report_are_for_its_own_workers() {
        let here = commune("muong-la");
        assert!(may_see_draft_commune_report(Some(&user(Role::DauMoi, None)), &here));
        assert!(may_see_draft_commune_report(Some(&user(Role::LanhDao, None)), &here));
        assert!(!may_see_draft_commune_report(Some(&user(Role::CapTren, None)), &here));
        assert!(!may_see_draft_commune_report(Some(&user(Role::DonVi, Some("ban-a"))), &here));
        assert!(!may_see_draft_commune_report(None, &here));
        assert!(!may_see_draft_commune_report(Some(&user(Role::DauMoi, None)), &commune("other")));
    }
}
