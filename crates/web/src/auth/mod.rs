//! Signing in and out: password hashes, sessions in the database, failed-login throttling.

pub use kehoach_app::password;
pub mod session;
mod sign_in;

pub use sign_in::{
    NewSession, PasswordChangeError, SignInError, SignedIn, change_own_password, hash_blocking, sign_in,
};
