//! Vietnamese text: NFC on input, a folded key for search, collation for sorting.

use std::cmp::Ordering;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;
use unicode_normalization::UnicodeNormalization;

/// The text in Unicode NFC, the one form kept and served ("Hoà" typed as NFD becomes NFC).
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Whether the text is already NFC.
pub fn is_nfc(s: &str) -> bool {
    unicode_normalization::is_nfc(s)
}

/// The search key: no diacritics, đ → d, lower case, single spaces ("Xã Mường La" → "xa muong la").
///
/// NFC alone does not make "hoà" equal "hòa"; the folded key does.
pub fn fold(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_lowercase();
    ascii.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn collator() -> Option<&'static CollatorBorrowed<'static>> {
    static COLLATOR: OnceLock<Option<CollatorBorrowed<'static>>> = OnceLock::new();
    // The `vi` collation data is compiled into the crate, so this does not fail unless the
    // crate is broken (the tests below would show it); sorting then falls back to byte order
    // rather than stopping a request.
    COLLATOR.get_or_init(|| Collator::try_new(locale!("vi").into(), CollatorOptions::default()).ok()).as_ref()
}

/// Compares two strings in Vietnamese alphabetical order (a ă â b c d đ e ê …).
pub fn compare_vi(a: &str, b: &str) -> Ordering {
    match collator() {
        Some(c) => c.compare(a, b),
        None => a.cmp(b),
    }
}

/// Sorts items by a Vietnamese name.
pub fn sort_vi_by<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| compare_vi(key(a), key(b)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nfd_input_becomes_nfc() {
        let nfd = "Mu\u{031B}o\u{031B}\u{0300}ng La";
        assert_eq!(nfc(nfd), "Mường La");
        assert!(is_nfc("Mường La"));
        assert!(!is_nfc(nfd));
    }

    #[test]
    fn folding_drops_diacritics_and_d_stroke() {
        assert_eq!(fold("Xã  Mường La"), "xa muong la");
        assert_eq!(fold("Phòng Văn hóa - Xã hội"), "phong van hoa - xa hoi");
        assert_eq!(fold("Đổi mới"), "doi moi");
        assert_eq!(fold("hoà"), fold("hòa"));
    }

    #[test]
    fn vietnamese_order_not_byte_order() {
        let mut names = vec!["Ư", "Đông", "Z", "Ă", "B", "Dương", "A", "Ê", "E"];
        sort_vi_by(&mut names, |s| s);
        assert_eq!(names, ["A", "Ă", "B", "Dương", "Đông", "E", "Ê", "Ư", "Z"]);
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn nfc_is_idempotent(s in "\\PC{0,40}") {
            let once = nfc(&s);
            prop_assert!(is_nfc(&once));
            prop_assert_eq!(nfc(&once), once);
        }
    }
}
