//! A commune's units (villages, offices, organisations) as an admin adds them, from a form,
//! the API or the command line: one check, one refusal.

use kehoach_domain::{Unit, UnitKind};
use kehoach_store::{Actor, StoreError};

use crate::App;
use crate::error::{AppError, Msg};

/// A unit from what was typed: its code (a slug), its name (one line, not empty) and its
/// kind (by key).
pub fn parse(code: &str, name: &str, kind: &str, sample: bool) -> Result<Unit, AppError> {
    let code = code.trim();
    if !kehoach_plan::is_slug(code) {
        return Err(AppError::invalid("unit-bad-code"));
    }
    let name = crate::input::line("field-unit-name", name)?;
    if name.is_empty() {
        return Err(AppError::invalid("unit-no-name"));
    }
    let kind = UnitKind::from_key(kind.trim()).ok_or_else(|| AppError::invalid("unit-bad-kind"))?;
    Ok(Unit { code: code.to_owned(), name, kind, sample })
}

/// Adds a unit to the plan's commune.
pub async fn add_to_plan(state: &App, plan_id: &str, unit: &Unit, actor: Actor<'_>) -> Result<(), AppError> {
    let (province, commune) =
        state.store.plan_scope(plan_id).await?.ok_or(AppError::NotFound(crate::error::NotFound::Plan))?;
    add(state, &format!("{province}/{commune}"), std::slice::from_ref(unit), actor).await
}

/// Adds the units to the commune (`province/commune`): all or none; a code already used by a
/// unit or a group of the plan is a conflict naming the codes.
pub async fn add(state: &App, commune: &str, units: &[Unit], actor: Actor<'_>) -> Result<(), AppError> {
    match state.store.add_units(commune, units, actor).await {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict(_)) => {
            let codes = units.iter().map(|u| u.code.as_str()).collect::<Vec<_>>().join(", ");
            Err(AppError::Conflict(Msg::new("unit-code-taken").with("codes", codes)))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(e: AppError) -> &'static str {
        assert!(matches!(e, AppError::Invalid(_)), "{e:?}");
        e.key().unwrap_or_default()
    }

    #[test]
    fn a_unit_is_checked_once_for_every_surface() {
        let u = parse(" ban-na-hang ", " Bản Nà Hang ", "village", true).expect("a good unit");
        assert_eq!(
            (u.code.as_str(), u.name.as_str(), u.kind, u.sample),
            ("ban-na-hang", "Bản Nà Hang", UnitKind::Village, true)
        );
        assert_eq!(key(parse("Bản A", "Bản A", "village", false).unwrap_err()), "unit-bad-code");
        assert_eq!(key(parse("ban-a", "  ", "village", false).unwrap_err()), "unit-no-name");
        assert_eq!(key(parse("ban-a", "Bản\u{0}A", "village", false).unwrap_err()), "text-control");
        assert_eq!(key(parse("ban-a", "Bản A", "hamlet", false).unwrap_err()), "unit-bad-kind");
    }
}
