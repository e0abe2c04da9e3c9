//! Checking a user name and password, with attempts throttled per account and address.

use chrono::{DateTime, Duration, Utc};
use kehoach_store::{Admission, StoreError, UserRecord};

use super::{password, session};
use crate::AppState;

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

/// A new session, to set as a cookie.
pub struct SignedIn {
    pub user: UserRecord,
    pub token: String,
    pub csrf: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong user name or password, or a disabled account: one answer for all, so that it does
    /// not tell which accounts exist.
    #[error("wrong user name or password")]
    BadCredentials,
    #[error("locked until {0}")]
    Locked(DateTime<Utc>),
    #[error(transparent)]
    Store(#[from] StoreError),
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

/// Checks the credentials and opens a session. The attempt is admitted (and counted) before the
/// password is checked, so that parallel guesses cannot all pass one check.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password_text: &str,
    address: Option<&str>,
) -> Result<SignedIn, SignInError> {
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
    let stored = found.as_ref().map_or_else(|| password::decoy_hash().to_owned(), |(_, h)| h.clone());
    let attempt = password_text.to_owned();
    // Hashing takes tens of milliseconds of CPU: off the async threads.
    let matches = tokio::task::spawn_blocking(move || password::verify(&attempt, &stored)).await.unwrap_or(false);

    match found {
        Some((user, _)) if matches && !user.disabled => {
            let give_back: Vec<String> = ceilings.into_iter().map(|(key, _)| key).collect();
            state.store.sign_in_succeeded(&pair, &give_back).await?;
            let token = session::new_token();
            let csrf = session::new_token();
            state
                .store
                .create_session(user.id, &session::token_hash(&token), &csrf, address, now, now + session::IDLE)
                .await?;
            tracing::info!(user = %user.username, "signed in");
            Ok(SignedIn { user, token, csrf })
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

/// A fresh session after a password change.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    /// The change is refused; the key names the reason in the interface texts.
    #[error("rejected: {0}")]
    Rejected(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Changes one's own password after checking the current one. Every session of the user ends;
/// a new one is opened for the caller.
pub async fn change_own_password(
    state: &AppState,
    username: &str,
    current: &str,
    new: &str,
    confirm: &str,
    address: Option<&str>,
) -> Result<NewSession, PasswordChangeError> {
    let Some((user, stored)) = state.store.user_for_login(username).await? else {
        return Err(PasswordChangeError::Rejected("error-not-signed-in"));
    };
    let attempt = current.to_owned();
    let current_ok = tokio::task::spawn_blocking(move || password::verify(&attempt, &stored)).await.unwrap_or(false);
    if !current_ok {
        return Err(PasswordChangeError::Rejected("password-current-wrong"));
    }
    if new != confirm {
        return Err(PasswordChangeError::Rejected("password-mismatch"));
    }
    if let Some(key) = password::weakness(new, username) {
        return Err(PasswordChangeError::Rejected(key));
    }
    let hash = hash_blocking(new.to_owned()).await.map_err(PasswordChangeError::Hash)?;
    let actor = kehoach_store::Actor { name: username, address };
    state.store.set_password(username, &hash, false, actor).await?;
    let now = Utc::now();
    let token = session::new_token();
    let csrf = session::new_token();
    state.store.create_session(user.id, &session::token_hash(&token), &csrf, address, now, now + session::IDLE).await?;
    Ok(NewSession { token, csrf })
}

/// Hashes a password off the async threads.
pub async fn hash_blocking(password_text: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || password::hash(&password_text)).await.map_err(|e| e.to_string())?
}
