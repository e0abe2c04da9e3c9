//! Units (đơn vị) of a commune and the named groups of them that plans refer to.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What kind of body a unit is. The kind decides which groups it falls into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// UBND xã itself.
    Ubnd,
    /// A specialised department (phòng) of UBND xã.
    Department,
    /// A public service centre (Trung tâm Dịch vụ tổng hợp).
    ServiceCentre,
    /// MTTQ and the political-social organisations.
    MassOrganisation,
    /// A cooperative (hợp tác xã, HTX).
    Cooperative,
    /// A village (bản).
    Village,
    /// A residential quarter (tiểu khu).
    Quarter,
    /// A body outside the commune that receives reports (Sở KH&CN, Thường trực Đảng ủy …).
    Outside,
}

impl UnitKind {
    pub const ALL: [UnitKind; 8] = [
        UnitKind::Ubnd,
        UnitKind::Department,
        UnitKind::ServiceCentre,
        UnitKind::MassOrganisation,
        UnitKind::Cooperative,
        UnitKind::Village,
        UnitKind::Quarter,
        UnitKind::Outside,
    ];

    /// The stable key used in plan files, the database and the API.
    pub fn key(self) -> &'static str {
        match self {
            UnitKind::Ubnd => "ubnd",
            UnitKind::Department => "department",
            UnitKind::ServiceCentre => "service_centre",
            UnitKind::MassOrganisation => "mass_organisation",
            UnitKind::Cooperative => "cooperative",
            UnitKind::Village => "village",
            UnitKind::Quarter => "quarter",
            UnitKind::Outside => "outside",
        }
    }

    pub fn from_key(key: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// A unit of a commune: a body that leads or coordinates work and reports on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    /// Stable code, unique within the commune (`vhxh`, `ban-a`).
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    /// A made-up unit for demonstration; never a real village.
    #[serde(default)]
    pub sample: bool,
}

/// A named set of units, as plans write them ("các bản, tiểu khu").
///
/// Members are every unit of the listed kinds plus the units listed by code, so the group follows
/// the commune's current units without the plan changing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitGroup {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub kinds: Vec<UnitKind>,
    #[serde(default)]
    pub members: Vec<String>,
}

impl UnitGroup {
    /// Whether the unit belongs to this group: by its kind, or named as a member.
    pub fn has(&self, unit: &Unit) -> bool {
        self.kinds.contains(&unit.kind) || self.members.contains(&unit.code)
    }

    /// The units of `units` that belong to this group, in the order given.
    pub fn resolve<'a>(&self, units: &'a [Unit]) -> Vec<&'a Unit> {
        units.iter().filter(|u| self.has(u)).collect()
    }
}

/// Whether a reference in a plan names a unit or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitRefKind {
    Unit,
    Group,
}

/// A lead or coordinator of an indicator or task: a unit or a group, by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnitRef {
    pub kind: UnitRefKind,
    pub code: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, kind: UnitKind) -> Unit {
        Unit { code: code.into(), name: code.into(), kind, sample: false }
    }

    #[test]
    fn group_resolves_by_kind_and_by_member() {
        let units = vec![
            unit("vhxh", UnitKind::Department),
            unit("ban-1", UnitKind::Village),
            unit("tk-1", UnitKind::Quarter),
            unit("htx-1", UnitKind::Cooperative),
        ];
        let group = UnitGroup {
            code: "ban-tk".into(),
            name: "các bản, tiểu khu".into(),
            kinds: vec![UnitKind::Village, UnitKind::Quarter],
            members: vec!["htx-1".into()],
        };
        let codes: Vec<_> = group.resolve(&units).iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["ban-1", "tk-1", "htx-1"]);
    }

    #[test]
    fn kind_keys_round_trip() {
        for kind in UnitKind::ALL {
            assert_eq!(UnitKind::from_key(kind.key()), Some(kind));
        }
        assert_eq!(UnitKind::from_key("bản"), None);
    }
}
