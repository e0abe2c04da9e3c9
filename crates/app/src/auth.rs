//! Signing in (with the failed-login throttle) and changing one's own password: the checks, for
//! the pages and the API alike. Sessions — the token, the cookie — are the web's: a use case
//! here answers who signed in, and the web opens the session.
//!
//! The throttle and the password checks run on the real time, not [`crate::App::clock`]: the
//! counters and sessions are about when requests arrive, whatever date a test sets for the plan.

use chrono::{DateTime, Duration, Utc};
use kehoach_domain::Principal;
use kehoach_store::{Actor, Admission, StoreError, UserRecord};

use crate::App;
use crate::error::AppError;
use crate::password;

/// Attempts let through for one account from one address within [`WINDOW`]: a user who
/// mistypes still gets in; a guesser gets five tries a quarter of an hour. Counted by account
/// and address together, so that a stranger elsewhere cannot lock the owner out.
const PAIR_LIMIT: i32 = 5;
/// Failed attempts from one address on any accounts: the ceiling on spraying common passwords
/// over many accounts, high enough for a commune office behind one router (30 people each
/// mistyping once or twice at a deadline); successful sign-ins do not count.
const ADDRESS_LIMIT: i32 = 50;
/// Failed attempts on one account from any addresses: the ceiling on guessing one password
/// from many addresses. A stranger needs 20 addresses (at [`PAIR_LIMIT`] each) to reach it.
const ACCOUNT_LIMIT: i32 = 100;
const WINDOW: Duration = Duration::minutes(15);

/// Why a sign-in is refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong user name or password, or a disabled account: one answer for all, so that it does
    /// not tell which accounts exist.
    #[error("wrong user name or password")]
    BadCredentials,
    /// Too many attempts: try again after this time.
    #[error("locked until {0}")]
    Locked(DateTime<Utc>),
    /// The user name as typed is refused, or the store failed.
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> SignInError {
        SignInError::App(AppError::Store(e))
    }
}

/// The counter of the account from this address, and the ceilings to give the attempt back to
/// once it succeeds.
fn keys(username: &str, address: Option<&str>) -> (String, Vec<(String, i32)>) {
    let pair = format!("pair:{username}|{}", address.unwrap_or("-"));
    let mut ceilings = vec![(format!("user:{username}"), ACCOUNT_LIMIT)];
    if let Some(address) = address {
        ceilings.push((format!("addr:{address}"), ADDRESS_LIMIT));
    }
    (pair, ceilings)
}

/// Checks the credentials typed at `address`; the user who signed in, for the caller to open a
/// session. The attempt is admitted (and counted) before the password is checked, so that
/// parallel guesses cannot all pass one check.
pub async fn sign_in(
    state: &App,
    username: &str,
    password_text: &str,
    address: Option<&str>,
) -> Result<UserRecord, SignInError> {
    crate::input::line("login-username", username)?;
    let username = username.trim().to_lowercase();
    let now = Utc::now();
    let (pair, ceilings) = keys(&username, address);
    let all: Vec<(String, i32)> = std::iter::once((pair.clone(), PAIR_LIMIT)).chain(ceilings.iter().cloned()).collect();
    let full_until = match state.store.admit_sign_in(&all, now, WINDOW).await? {
        Admission::Admitted { full_until } => full_until,
        Admission::Refused { until } => {
            tracing::info!(user = %username, "sign-in refused: too many attempts");
            return Err(SignInError::Locked(until));
        }
    };

    let found = state.store.user_for_login(&username).await?;
    // An unknown name is checked against a decoy, so that the answer takes as long.
    let stored = found.as_ref().map_or_else(|| password::decoy_hash().to_owned(), |(_, h)| h.clone());
    let matches = verify_blocking(password_text.to_owned(), stored).await;

    match found {
        Some((user, _)) if matches && !user.disabled => {
            let give_back: Vec<String> = ceilings.into_iter().map(|(key, _)| key).collect();
            state.store.sign_in_succeeded(&pair, &give_back).await?;
            tracing::info!(user = %user.username, "signed in");
            Ok(user)
        }
        _ => {
            tracing::info!(user = %username, "failed sign-in");
            // The last attempt allowed has failed: say so now rather than at the next one.
            match full_until {
                Some(until) => Err(SignInError::Locked(until)),
                None => Err(SignInError::BadCredentials),
            }
        }
    }
}

/// Changes `who`'s own password after checking the current one; the new one must be typed twice
/// alike and follow [`password::weakness`]'s rules. Every session of the user ends (the caller
/// opens a new one for itself).
pub async fn change_own_password(
    state: &App,
    who: &Principal,
    current: &str,
    new: &str,
    confirm: &str,
    actor: Actor<'_>,
) -> Result<(), AppError> {
    let username = who.username.as_str();
    let Some((_, stored)) = state.store.user_for_login(username).await? else {
        return Err(AppError::invalid("error-not-signed-in"));
    };
    if !verify_blocking(current.to_owned(), stored).await {
        return Err(AppError::invalid("password-current-wrong"));
    }
    if new != confirm {
        return Err(AppError::invalid("password-mismatch"));
    }
    if let Some(key) = password::weakness(new, username) {
        return Err(AppError::invalid(key));
    }
    let hash = hash_blocking(new.to_owned()).await?;
    state.store.set_password(username, &hash, false, actor).await?;
    Ok(())
}

/// Hashes a password off the async threads (argon2 takes tens of milliseconds of CPU and
/// 19 MiB), on the runtime's blocking pool.
pub async fn hash_blocking(password_text: String) -> Result<String, AppError> {
    match tokio::task::spawn_blocking(move || password::hash(&password_text)).await {
        Ok(Ok(hash)) => Ok(hash),
        Ok(Err(e)) => Err(AppError::Internal(format!("password hashing failed: {e}"))),
        Err(e) => Err(AppError::Internal(format!("password hashing did not finish: {e}"))),
    }
}

/// Whether `password_text` matches the stored hash, checked off the async threads.
pub async fn verify_blocking(password_text: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || password::verify(&password_text, &stored)).await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_are_counted_by_account_and_address_together() {
        let (pair, ceilings) = keys("ban-a", Some("203.0.113.7"));
        assert_eq!(pair, "pair:ban-a|203.0.113.7");
        assert_eq!(
            ceilings,
            [("user:ban-a".to_owned(), ACCOUNT_LIMIT), ("addr:203.0.113.7".to_owned(), ADDRESS_LIMIT)]
        );
        let (pair, ceilings) = keys("ban-a", None);
        assert_eq!((pair.as_str(), ceilings.len()), ("pair:ban-a|-", 1), "no address: no address ceiling");
    }

    #[tokio::test]
    async fn passwords_are_hashed_and_checked_off_the_async_threads() {
        let hash = hash_blocking("mật khẩu đủ dài 2026".into()).await.expect("hashed");
        assert!(verify_blocking("mật khẩu đủ dài 2026".into(), hash.clone()).await);
        assert!(!verify_blocking("mật khẩu khác".into(), hash).await);
        assert!(!verify_blocking("x".into(), "not a hash".into()).await);
    }
}
