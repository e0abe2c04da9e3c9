//! A unit's contact person for the plan's work (đầu mối liên hệ), as typed on the page or sent
//! to the API: one check.

use kehoach_store::{Actor, StoreError, UnitContact};

use crate::App;
use crate::error::{AppError, NotFound};

/// The longest name or note of a contact.
pub const CONTACT_MAX: usize = 500;

/// The contact as stored: NFC, trimmed, blanks as none; a phone number of digits (at least 8)
/// and `+ . - ( )` and spaces.
pub fn parse(name: &str, phone: &str, note: &str) -> Result<UnitContact, AppError> {
    let some = |s: String| Some(s).filter(|s| !s.is_empty());
    let phone = some(kehoach_domain::text::nfc(phone.trim()));
    if let Some(p) = &phone
        && !(p.chars().all(|c| c.is_ascii_digit() || " +.-()".contains(c))
            && p.chars().filter(char::is_ascii_digit).count() >= 8)
    {
        return Err(AppError::invalid("contact-bad-phone"));
    }
    let name = crate::input::line_max("contact-name", name, CONTACT_MAX)?;
    let note = crate::input::long_max("contact-note", note, CONTACT_MAX)?;
    Ok(UnitContact { name: some(name), phone, note: some(note) })
}

/// The plan's commune (province, commune), or not found.
async fn commune_of(state: &App, plan_id: &str) -> Result<(String, String), AppError> {
    state.store.plan_scope(plan_id).await?.ok_or(AppError::NotFound(NotFound::Plan))
}

/// A unit's contact; none yet is an empty one.
pub async fn get(state: &App, plan_id: &str, unit: &str) -> Result<Option<UnitContact>, AppError> {
    let (province, commune) = commune_of(state, plan_id).await?;
    Ok(state.store.unit_contact(&province, &commune, unit).await?)
}

/// Replaces a unit's contact.
pub async fn set(
    state: &App,
    plan_id: &str,
    unit: &str,
    contact: &UnitContact,
    actor: Actor<'_>,
) -> Result<(), AppError> {
    let (province, commune) = commune_of(state, plan_id).await?;
    match state.store.set_unit_contact(&province, &commune, unit, contact, actor).await {
        Err(StoreError::NotFound(_)) => Err(AppError::NotFound(NotFound::Unit)),
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_checked_once() {
        let c = parse(" Lò Văn A ", "0912 345 678", "").expect("a good contact");
        assert_eq!((c.name.as_deref(), c.phone.as_deref(), c.note), (Some("Lò Văn A"), Some("0912 345 678"), None));
        assert!(parse("", "", "").is_ok_and(|c| c.name.is_none() && c.phone.is_none()));
        assert!(parse("A", "gọi tôi", "").is_err());
        assert!(parse("A", "1234", "").is_err(), "too few digits");
        assert!(parse("A\nB", "", "").is_err());
        assert!(parse("A", "", &"x".repeat(501)).is_err());
    }
}
