//! Checking a user name and password, with failed attempts slowed per account and per address.

use chrono::{DateTime, Duration, Utc};
use kehoach_store::{StoreError, UserRecord};

use super::{password, session};
use crate::AppState;

/// After this many failures within [`WINDOW`], an account is locked for [`LOCK`].
const ACCOUNT_LIMIT: i32 = 5;
/// An address may fail more often (several users behind one office router).
const ADDRESS_LIMIT: i32 = 20;
const WINDOW: Duration = Duration::minutes(15);
const LOCK: Duration = Duration::minutes(15);

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

fn keys(username: &str, address: Option<&str>) -> (String, Option<String>) {
    (format!("user:{}", username.to_lowercase()), address.map(|a| format!("addr:{a}")))
}

/// Checks the credentials and opens a session.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password_text: &str,
    address: Option<&str>,
) -> Result<SignedIn, SignInError> {
    let username = username.trim().to_lowercase();
    let now = Utc::now();
    let (user_key, addr_key) = keys(&username, address);
    let all_keys: Vec<String> = std::iter::once(user_key.clone()).chain(addr_key.clone()).collect();
    if let Some(until) = state.store.locked_until(&all_keys, now).await? {
        return Err(SignInError::Locked(until));
    }

    let found = state.store.user_for_login(&username).await?;
    let stored = found.as_ref().map_or_else(|| password::decoy_hash().to_owned(), |(_, h)| h.clone());
    let attempt = password_text.to_owned();
    // Hashing takes tens of milliseconds of CPU: off the async threads.
    let matches = tokio::task::spawn_blocking(move || password::verify(&attempt, &stored)).await.unwrap_or(false);

    match found {
        Some((user, _)) if matches && !user.disabled => {
            state.store.clear_failures(&user_key).await?;
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
            let mut locked = state.store.count_failure(&user_key, now, ACCOUNT_LIMIT, WINDOW, LOCK).await?;
            if let Some(key) = &addr_key {
                locked = locked.or(state.store.count_failure(key, now, ADDRESS_LIMIT, WINDOW, LOCK).await?);
            }
            tracing::info!(user = %username, "failed sign-in");
            match locked {
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
