//! Who does what: names of leads and coordinators, and what a unit leads or coordinates.

use crate::plan::{Indicator, Plan, Task};
use crate::unit::{UnitGroup, UnitRef, UnitRefKind};

/// An indicator or a task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Subject<'a> {
    Indicator(&'a Indicator),
    Task(&'a Task),
}

/// A subject a unit is responsible for, directly or as a member of a group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment<'a> {
    pub subject: Subject<'a>,
    /// The group through which the unit is named, if it is not named itself.
    pub via: Option<&'a UnitGroup>,
}

/// What a unit (or group) leads and what it coordinates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Work<'a> {
    pub leads: Vec<Assignment<'a>>,
    pub coordinates: Vec<Assignment<'a>>,
}

impl Plan {
    pub fn group(&self, code: &str) -> Option<&UnitGroup> {
        self.groups.iter().find(|g| g.code == code)
    }

    /// The units that report on the plan: every unit of the commune but UBND itself and the
    /// bodies outside it.
    pub fn reporting_units(&self) -> impl Iterator<Item = &crate::unit::Unit> {
        self.units.iter().filter(|u| !matches!(u.kind, crate::unit::UnitKind::Ubnd | crate::unit::UnitKind::Outside))
    }

    /// The name of a unit or group, as the plan writes it.
    pub fn ref_name(&self, r: &UnitRef) -> Option<&str> {
        match r.kind {
            UnitRefKind::Unit => self.units.iter().find(|u| u.code == r.code).map(|u| u.name.as_str()),
            UnitRefKind::Group => self.group(&r.code).map(|g| g.name.as_str()),
        }
    }

    /// A lead or coordinators cell: the printed text if the plan keeps one, else the names
    /// joined by "; " with the first letter capitalised ("Các cơ quan, đơn vị; các bản, tiểu khu").
    pub fn cell(&self, refs: &[UnitRef], printed: Option<&str>) -> String {
        if let Some(p) = printed {
            return p.to_owned();
        }
        let joined = refs.iter().map(|r| self.ref_name(r).unwrap_or(&r.code)).collect::<Vec<_>>().join("; ");
        capitalise_first(&joined)
    }

    /// What the unit or group with this code leads and coordinates, directly or through its
    /// groups.
    pub fn work_of(&self, code: &str) -> Work<'_> {
        let unit = self.units.iter().find(|u| u.code == code);
        // How a reference concerns `code`: not at all, directly, or via one of its groups.
        let concerns = |r: &UnitRef| -> Option<Option<&UnitGroup>> {
            if r.code == code {
                return Some(None);
            }
            let unit = unit?;
            let group = self.group(&r.code).filter(|_| r.kind == UnitRefKind::Group)?;
            group.has(unit).then_some(Some(group))
        };
        let subjects = self
            .indicators
            .iter()
            .map(|i| (Subject::Indicator(i), &i.lead, &i.coordinators))
            .chain(self.tasks.iter().map(|t| (Subject::Task(t), &t.lead, &t.coordinators)));
        let mut work = Work::default();
        for (subject, lead, coordinators) in subjects {
            if let Some(via) = concerns(lead) {
                work.leads.push(Assignment { subject, via });
            } else if let Some(via) = coordinators.iter().find_map(&concerns) {
                work.coordinates.push(Assignment { subject, via });
            }
        }
        work
    }
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::capitalise_first;

    #[test]
    fn capitalises_vietnamese_letters() {
        assert_eq!(capitalise_first("các bản"), "Các bản");
        assert_eq!(capitalise_first("đơn vị"), "Đơn vị");
        assert_eq!(capitalise_first(""), "");
    }
}
