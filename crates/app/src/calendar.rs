//! A unit's private calendar link: a secret in the link lets a phone's calendar read the unit's
//! deadlines, ad hoc requests included, without signing in.

use kehoach_domain::{Plan, Principal, rows};
use kehoach_store::Actor;
use rand::RngCore;

use crate::App;
use crate::error::AppError;

/// The unit's link secret (empty before the first one is made), for those who may see it.
pub async fn secret(state: &App, who: Option<&Principal>, plan: &Plan, unit: &str) -> Result<Option<String>, AppError> {
    if !rows::may_see_calendar_secret(who, &rows::commune_scope(plan), unit) {
        return Ok(None);
    }
    let stored = state.store.calendar_secret(&plan.commune.province_code, &plan.commune.code, unit).await?;
    Ok(Some(stored.unwrap_or_default()))
}

/// Whether `given` is the unit's current secret. A wrong or renewed secret opens nothing.
pub async fn opens(state: &App, plan: &Plan, unit: &str, given: &str) -> Result<bool, AppError> {
    let stored = state.store.calendar_secret(&plan.commune.province_code, &plan.commune.code, unit).await?;
    Ok(stored.is_some_and(|s| same_secret(&s, given)))
}

/// Makes a new secret: the old link stops working.
pub async fn renew(state: &App, plan: &Plan, unit: &str, actor: Actor<'_>) -> Result<(), AppError> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    Ok(state.store.renew_calendar_secret(&plan.commune.province_code, &plan.commune.code, unit, &secret, actor).await?)
}

/// Compares in time that does not depend on where the texts differ, so that the secret cannot
/// be guessed a character at a time.
fn same_secret(stored: &str, given: &str) -> bool {
    stored.len() == given.len() && stored.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn only_the_same_secret_opens() {
        assert!(same_secret("ab12", "ab12"));
        assert!(!same_secret("ab12", "ab13"));
        assert!(!same_secret("ab12", "ab1"));
        assert!(!same_secret("", "x"));
    }
}
