//! Numbers as people in a Vietnamese commune office type them: a decimal comma ("50,5"), dots
//! (or spaces) between thousands ("1.234", "1 234 567"), both ("1.234,5"), a percent sign
//! ("50%", "50 %"). One reader for every form; the JSON API takes numbers as numbers.
//!
//! The rules, in order:
//! - spaces around the number and a trailing `%` are dropped (a percent figure is typed in %);
//! - with both `.` and `,`, the last one is the decimal mark, the other separates thousands
//!   ("1.234,5" and "1,234.5" are both 1234.5);
//! - with `,` alone: one comma is the decimal mark ("50,5"); several separate thousands;
//! - with `.` alone: dots before groups of exactly three digits separate thousands ("1.234",
//!   "12.500.000"), as Vietnamese writes them; otherwise one dot is a decimal mark typed the
//!   English way ("22.5", "0.125");
//! - spaces inside the number separate thousands ("1 234");
//! - thousands groups have three digits each, the first one to three; anything else (letters,
//!   "1.2.3", "1,,5", "5e3") is not a number.

/// Why a text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberProblem {
    Empty,
    NotANumber,
}

/// A number read from a text, and whether it was written with a percent sign.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Typed {
    pub value: f64,
    pub percent: bool,
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// Reads a number as typed in a Vietnamese form; see the module's rules.
pub fn read(text: &str) -> Result<Typed, NumberProblem> {
    let mut s = text.trim_matches(is_space);
    if s.is_empty() {
        return Err(NumberProblem::Empty);
    }
    let percent = s.ends_with('%');
    if percent {
        s = s[..s.len() - 1].trim_end_matches(is_space);
    }
    let (negative, digits) = match s.chars().next() {
        Some(sign @ ('-' | '\u{2212}' | '+')) => (sign != '+', &s[sign.len_utf8()..]),
        _ => (false, s),
    };
    // One sign only, and no space between it and the digits' first group.
    if digits.starts_with(['-', '+', '\u{2212}']) || digits.starts_with(is_space) {
        return Err(NumberProblem::NotANumber);
    }
    let (whole, fraction) = split_decimal(digits).ok_or(NumberProblem::NotANumber)?;
    let whole = ungroup(&whole).ok_or(NumberProblem::NotANumber)?;
    if !fraction.chars().all(|c| c.is_ascii_digit()) || (whole.is_empty() && fraction.is_empty()) {
        return Err(NumberProblem::NotANumber);
    }
    let plain = format!("{}{}.{}", if negative { "-" } else { "" }, if whole.is_empty() { "0" } else { &whole }, {
        if fraction.is_empty() { "0" } else { fraction.as_str() }
    });
    let value: f64 = plain.parse().map_err(|_| NumberProblem::NotANumber)?;
    if !value.is_finite() {
        return Err(NumberProblem::NotANumber);
    }
    Ok(Typed { value: if value == 0.0 { 0.0 } else { value }, percent })
}

/// Reads a whole number (a count of people, a number of stars): the same writing, and no part
/// after the decimal mark ("1.234" is 1234; "2,5" is not a whole number).
pub fn read_whole(text: &str) -> Result<i64, NumberProblem> {
    let typed = read(text)?;
    if typed.value.fract() != 0.0 || typed.value.abs() > 9.0e15 {
        return Err(NumberProblem::NotANumber);
    }
    // A whole number of at most 16 digits: exact in an f64.
    #[allow(clippy::cast_possible_truncation)]
    Ok(typed.value as i64)
}

/// The number's whole part (with its thousands separators still in) and its decimals.
fn split_decimal(s: &str) -> Option<(String, String)> {
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (_, 0) if dots == 1 && !groups_of_thousands(s, '.') => Some('.'),
        (_, 0) => None,
        (0, 1) => Some(','),
        (0, _) => None,
        _ => {
            // Both: the last mark is the decimal one, and it appears once.
            let last = s.rfind(['.', ','])?;
            let mark = s[last..].chars().next()?;
            if s.matches(mark).count() != 1 {
                return None;
            }
            Some(mark)
        }
    };
    match decimal {
        Some(mark) => {
            let (whole, fraction) = s.split_once(mark)?;
            let other = if mark == '.' { ',' } else { '.' };
            Some((whole.replace(other, " "), fraction.to_owned()))
        }
        None => Some((s.replace(['.', ','], " "), String::new())),
    }
}

/// Whether `s` is digits in groups of three after `mark` (the first group one to three digits).
fn groups_of_thousands(s: &str, mark: char) -> bool {
    let mut parts = s.split(mark);
    let first = parts.next().unwrap_or_default();
    (1..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_digit())
        && first != "0"
        && parts.all(|p| p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
}

/// The whole part without its thousands separators (spaces by now): the digits, or `None` when
/// the groups are not thousands.
fn ungroup(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some(String::new());
    }
    let parts: Vec<&str> = s.split(is_space).collect();
    if parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    if parts.len() > 1 && (parts[0].len() > 3 || parts[1..].iter().any(|p| p.len() != 3)) {
        return None;
    }
    Some(parts.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> f64 {
        read(s).unwrap_or_else(|e| panic!("{s:?}: {e:?}")).value
    }

    #[test]
    fn as_vietnamese_users_type_them() {
        for (text, expected) in [
            ("50", 50.0),
            ("50%", 50.0),
            ("50 %", 50.0),
            (" 66,7% ", 66.7),
            ("50,5", 50.5),
            ("1.234", 1234.0),
            ("1.234,5", 1234.5),
            ("12.500.000", 12_500_000.0),
            ("1 234 567", 1_234_567.0),
            ("1\u{a0}234", 1234.0),
            ("22.5", 22.5),
            ("0.125", 0.125),
            ("0,5", 0.5),
            (",5", 0.5),
            ("5,", 5.0),
            ("1,234.5", 1234.5),
            ("1,234,567", 1_234_567.0),
            ("-5", -5.0),
            ("\u{2212}2,5", -2.5),
            ("+3", 3.0),
            ("0", 0.0),
            ("-0", 0.0),
            ("007", 7.0),
        ] {
            assert_eq!(value(text), expected, "{text:?}");
        }
        assert!(read("50%").unwrap().percent);
        assert!(!read("50").unwrap().percent);
    }

    #[test]
    fn what_is_not_a_number() {
        assert_eq!(read(""), Err(NumberProblem::Empty));
        assert_eq!(read("   "), Err(NumberProblem::Empty));
        for text in [
            "abc",
            "5O",
            "1.2.3",
            "1,,5",
            "1..5",
            "5e3",
            "1.7e308",
            "inf",
            "NaN",
            "%",
            "-",
            ",",
            ".",
            "1.23.456",
            "12 34",
            "1.234.5",
            "1,234,5.6",
            "--5",
            "- 5",
            "5-",
            "50%%",
            "1 2",
            "0x10",
            "1_000",
            "½",
        ] {
            assert_eq!(read(text), Err(NumberProblem::NotANumber), "{text:?}");
        }
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(read_whole("1.234"), Ok(1234));
        assert_eq!(read_whole("32"), Ok(32));
        assert_eq!(read_whole("1 200"), Ok(1200));
        assert_eq!(read_whole("5,0"), Ok(5));
        assert_eq!(read_whole("2,5"), Err(NumberProblem::NotANumber));
        assert_eq!(read_whole("22.5"), Err(NumberProblem::NotANumber));
        assert_eq!(read_whole("x"), Err(NumberProblem::NotANumber));
        assert_eq!(read_whole(""), Err(NumberProblem::Empty));
    }

    #[test]
    fn reads_what_the_app_writes() {
        // The form shows stored values with a decimal comma, and no thousands separator.
        for v in [0.0, 2.0, 2.5, 66.7, 1234.0, 1234.5, 1e12] {
            let shown = v.to_string().replace('.', ",");
            assert_eq!(value(&shown), v, "{shown}");
        }
    }
}
