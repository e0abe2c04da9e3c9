//! Accounts as an admin (on the users page) or the operator (on the command line) creates
//! them: the rules for a user name, in one place.

use crate::error::AppError;

/// A user name: 3–32 lower-case ASCII letters, digits, `.`, `_` or `-` (typed on phones and read
/// aloud; no diacritics to get wrong).
pub fn username(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let ok = (3..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok { Ok(name.to_owned()) } else { Err(AppError::invalid("user-bad-username")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_plain_ascii() {
        assert_eq!(username(" ban.na-hang_1 ").ok().as_deref(), Some("ban.na-hang_1"));
        for bad in ["Bản", "ab", "has space", "Upper", &"a".repeat(33)] {
            assert!(username(bad).is_err(), "{bad}");
        }
    }
}
