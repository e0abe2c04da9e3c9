//! Numbers and days as Vietnamese pages and documents write them: the decimal comma, the dot
//! between thousands, "ngày 01 tháng 3 năm 2026". The one place pages and documents take them
//! from, whatever the interface language (a number is a number; the plan is Vietnamese).

use chrono::{Datelike, NaiveDate};

/// A number on a page: the decimal comma, at most one decimal as documents write it ("22,5",
/// "66,7"), thousands grouped with a dot ("1.234", "12.500,5"), "—" for what is not a number.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let tenths = (v.abs() * 10.0).round();
    let whole = (tenths / 10.0).trunc();
    let decimal = (tenths - whole * 10.0).round();
    let digits = format!("{whole:.0}");
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && tenths > 0.0 { "-" } else { "" };
    if decimal > 0.0 { format!("{sign}{grouped},{decimal:.0}") } else { format!("{sign}{grouped}") }
}

/// A share in percent: "66,7%".
pub fn percent(v: f64) -> String {
    format!("{}%", number(v))
}

/// A number the way JSON or Rust wrote it ("22.5"), rewritten for people ("22,5"); text that is
/// not a number stays as it is.
pub fn number_text(text: &str) -> String {
    match text.trim().parse::<f64>() {
        Ok(v) if !text.trim().is_empty() => number(v),
        _ => text.to_owned(),
    }
}

/// A day in words as Decree 30/2020/NĐ-CP writes it in a document: "ngày 05 tháng 3 năm 2026";
/// the day on two digits, the month on two only for January and February ("tháng 01").
pub fn day_in_words(d: NaiveDate) -> String {
    let month = if d.month() < 3 { format!("{:02}", d.month()) } else { d.month().to_string() };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_the_decimal_comma_and_the_thousands_dot() {
        assert_eq!(number(22.5), "22,5");
        assert_eq!(number(200.0 / 3.0), "66,7");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1234.0), "1.234");
        assert_eq!(number(12500.5), "12.500,5");
        assert_eq!(number(1_000_000.0), "1.000.000");
        assert_eq!(number(-3.25), "-3,3");
        assert_eq!(number(-0.01), "0");
        assert_eq!(number(9.96), "10");
        assert_eq!(number(f64::NAN), "—");
        assert_eq!(percent(50.0), "50%");
        assert_eq!(number_text("22.5"), "22,5");
        assert_eq!(number_text(""), "");
        assert_eq!(number_text("Thường xuyên"), "Thường xuyên");
    }

    #[test]
    fn days_in_words_as_decree_30_writes_them() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("a day");
        assert_eq!(day_in_words(d(2026, 3, 1)), "ngày 01 tháng 3 năm 2026");
        assert_eq!(day_in_words(d(2026, 1, 5)), "ngày 05 tháng 01 năm 2026");
        assert_eq!(day_in_words(d(2026, 2, 15)), "ngày 15 tháng 02 năm 2026");
        assert_eq!(day_in_words(d(2026, 12, 31)), "ngày 31 tháng 12 năm 2026");
    }
}
