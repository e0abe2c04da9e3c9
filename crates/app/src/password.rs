//! Passwords: argon2id hashes (PHC strings), checks, and generated one-time passwords.
//!
//! Parameters: argon2's defaults, the OWASP minimum for argon2id (19 MiB, 2 passes, 1 lane):
//! a sign-in costs about 19 MiB for a few tens of milliseconds, which a 1 GB server affords for
//! a handful at once while a guesser gets nowhere.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::Rng;

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `password` matches the stored hash. A damaged hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the user does not exist, so that the answer takes as long as
/// for a real user and does not tell which names exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("kehoach-decoy-password").unwrap_or_default())
}

/// Letters and digits that cannot be mistaken for one another when read aloud or copied from
/// a phone screen (no 0/O, 1/l/I).
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A new random password to hand out once.
pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..14).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// The rules a new password must follow; the reason it fails, as a message key.
pub fn weakness(password: &str, username: &str) -> Option<&'static str> {
    if password.chars().count() < 10 {
        Some("password-too-short")
    } else if password.to_lowercase().contains(&username.to_lowercase()) {
        Some("password-has-username")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("mật khẩu đủ dài").unwrap_or_default();
        let b = hash("mật khẩu đủ dài").unwrap_or_default();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify("mật khẩu đủ dài", &a));
        assert!(!verify("mật khẩu khác", &a));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn generated_passwords_are_long_and_unambiguous() {
        let p = generate();
        assert_eq!(p.len(), 14);
        assert!(p.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(generate(), p);
        assert_eq!(weakness(&p, "admin"), None);
        assert_eq!(weakness("ngắn", "admin"), Some("password-too-short"));
        assert_eq!(weakness("Admin-2026-xyz", "admin"), Some("password-has-username"));
    }
}
