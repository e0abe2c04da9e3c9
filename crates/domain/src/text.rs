//! Vietnamese text: NFC on input, what input text may hold, a folded key for search, collation
//! for sorting.

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

/// Why a text typed by someone was refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TextProblem {
    /// A control character (NUL, ESC, C1 …), given as `U+0000`: PostgreSQL refuses NUL, and the
    /// others hide in what people read.
    Control { code: String },
    /// A line break in a one-line text (a name, a title): it would break the CSV, calendar and
    /// document lines the text is written into.
    LineBreak,
    /// A bidirectional override or isolate, given as `U+202E`: it makes `exe.txt` read as
    /// `txt.exe` and a name read backwards.
    Direction { code: String },
    /// Longer than `max` characters.
    TooLong { max: usize },
}

impl TextProblem {
    /// The problem in words, for a message that names the field before it ("Tên: …").
    pub fn message(&self, lang: crate::Lang) -> String {
        use crate::Lang::{En, Vi};
        match (self, lang) {
            (TextProblem::Control { code }, Vi) => format!("có ký tự điều khiển không được phép ({code})"),
            (TextProblem::Control { code }, En) => format!("holds a control character that is not allowed ({code})"),
            (TextProblem::LineBreak, Vi) => "phải viết trên một dòng".into(),
            (TextProblem::LineBreak, En) => "must be on one line".into(),
            (TextProblem::Direction { code }, Vi) => format!("có ký tự đổi chiều chữ không được phép ({code})"),
            (TextProblem::Direction { code }, En) => {
                format!("holds a text-direction character that is not allowed ({code})")
            }
            (TextProblem::TooLong { max }, Vi) => format!("dài quá {max} ký tự"),
            (TextProblem::TooLong { max }, En) => format!("is longer than {max} characters"),
        }
    }
}

/// The longest one-line text: a name, a title, a user name, a filter.
pub const LINE_MAX: usize = 300;
/// The longest text of several lines: a narrative, a note, a reason.
pub const LONG_MAX: usize = 20_000;
/// The longest file name kept.
pub const FILE_NAME_MAX: usize = 120;

fn code_of(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Characters that change the direction text is shown in (Vietnamese never needs them).
fn is_direction(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// A one-line text as typed (a name, a title, a user name, a filter): trimmed, NFC, at most
/// [`LINE_MAX`] characters, no control characters but TAB, no line break, no direction mark.
pub fn line(s: &str) -> Result<String, TextProblem> {
    line_max(s, LINE_MAX)
}

/// [`line`] with another length limit.
pub fn line_max(s: &str, max: usize) -> Result<String, TextProblem> {
    let s = nfc(s.trim());
    for c in s.chars() {
        if is_line_break(c) {
            return Err(TextProblem::LineBreak);
        }
        if c.is_control() && c != '\t' {
            return Err(TextProblem::Control { code: code_of(c) });
        }
        if is_direction(c) {
            return Err(TextProblem::Direction { code: code_of(c) });
        }
    }
    within(s, max)
}

/// A text of several lines (a narrative, a note): trimmed, NFC, line breaks as `\n`, at most
/// [`LONG_MAX`] characters, no control characters but TAB and line breaks.
pub fn long(s: &str) -> Result<String, TextProblem> {
    long_max(s, LONG_MAX)
}

/// [`long`] with another length limit.
pub fn long_max(s: &str, max: usize) -> Result<String, TextProblem> {
    // Browsers send CRLF; one form of line break is kept, so that equal texts are equal.
    let s = nfc(s.trim()).replace("\r\n", "\n").replace('\r', "\n");
    if let Some(c) = s.chars().find(|&c| c.is_control() && !matches!(c, '\t' | '\n')) {
        return Err(TextProblem::Control { code: code_of(c) });
    }
    within(s, max)
}

fn within(s: String, max: usize) -> Result<String, TextProblem> {
    if s.chars().count() > max { Err(TextProblem::TooLong { max }) } else { Ok(s) }
}

/// A file name as sent by a browser, made safe to keep and to give back in a download header:
/// no folder part, no control characters, no direction marks, no quotes, at most
/// [`FILE_NAME_MAX`] characters. Stripped rather than refused: the file is what matters.
pub fn file_name(s: &str) -> String {
    let base = s.rsplit(['/', '\\']).next().unwrap_or(s);
    nfc(base)
        .chars()
        .filter(|&c| !c.is_control() && !is_direction(c) && !matches!(c, '"' | '\u{2028}' | '\u{2029}'))
        .collect::<String>()
        .trim()
        .chars()
        .take(FILE_NAME_MAX)
        .collect()
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

    #[test]
    fn one_line_texts_refuse_controls_breaks_and_direction_marks() {
        assert_eq!(line("  Bản Nà Hàng "), Ok("Bản Nà Hàng".to_owned()));
        assert_eq!(line("Mu\u{031B}o\u{031B}\u{0300}ng\tLa"), Ok("Mường\tLa".to_owned()));
        assert_eq!(line("a\0b"), Err(TextProblem::Control { code: "U+0000".into() }));
        assert_eq!(line("a\u{1b}[31m"), Err(TextProblem::Control { code: "U+001B".into() }));
        assert_eq!(line("a\u{9b}b"), Err(TextProblem::Control { code: "U+009B".into() }));
        assert_eq!(line("a\r\nDTSTART:1"), Err(TextProblem::LineBreak));
        assert_eq!(line("a\u{2028}b"), Err(TextProblem::LineBreak));
        assert_eq!(line("Bản \u{202E}A"), Err(TextProblem::Direction { code: "U+202E".into() }));
        assert_eq!(line("\u{2066}x"), Err(TextProblem::Direction { code: "U+2066".into() }));
        assert_eq!(line(&"a".repeat(LINE_MAX)).map(|s| s.len()), Ok(LINE_MAX));
        assert_eq!(line(&"a".repeat(LINE_MAX + 1)), Err(TextProblem::TooLong { max: LINE_MAX }));
        assert_eq!(line_max("abcd", 3), Err(TextProblem::TooLong { max: 3 }));
    }

    #[test]
    fn long_texts_keep_line_breaks_and_refuse_other_controls() {
        assert_eq!(long(" một\r\nhai\rba\tbốn "), Ok("một\nhai\nba\tbốn".to_owned()));
        assert_eq!(long("x\0"), Err(TextProblem::Control { code: "U+0000".into() }));
        assert_eq!(long("x\u{7f}"), Err(TextProblem::Control { code: "U+007F".into() }));
        assert_eq!(long(&"ư".repeat(LONG_MAX + 1)), Err(TextProblem::TooLong { max: LONG_MAX }));
    }

    #[test]
    fn file_names_lose_folders_controls_and_direction_marks() {
        assert_eq!(file_name("C:\\Users\\a\\anh\u{202E}gpj.exe"), "anhgpj.exe");
        assert_eq!(file_name("../../etc/pa\0ss\"wd\r\n"), "passwd");
        assert_eq!(file_name("Biên bản họp.pdf"), "Biên bản họp.pdf");
        assert_eq!(file_name(&"a".repeat(500)).len(), FILE_NAME_MAX);
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn checked_lines_hold_no_control_or_direction_character(s in "\\PC{0,40}|[\\x00-\\x1f\\u{202a}-\\u{202e}a]{0,10}") {
            if let Ok(checked) = line(&s) {
                prop_assert!(checked.chars().all(|c| c == '\t' || !(c.is_control() || is_direction(c))));
                prop_assert_eq!(line(&checked), Ok(checked.clone()));
            }
        }

        #[test]
        fn nfc_is_idempotent(s in "\\PC{0,40}") {
            let once = nfc(&s);
            prop_assert!(is_nfc(&once));
            prop_assert_eq!(nfc(&once), once);
        }
    }
}
