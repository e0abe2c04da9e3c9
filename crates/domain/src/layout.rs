//! How a Vietnamese administrative document writes its number and date (Decree 30/2020).

use chrono::{Datelike, NaiveDate};

/// "Số: 05/BC-UBND": numbers under 10 take a leading zero. An unnumbered draft leaves the
/// number blank for the clerk to write in.
pub fn number_line(number: Option<&str>, symbol: &str) -> String {
    match number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => match n.parse::<u32>() {
            Ok(v) => format!("Số: {v:02}/{symbol}"),
            Err(_) => format!("Số: {n}/{symbol}"),
        },
        None => format!("Số:       /{symbol}"),
    }
}

/// "Mường La, ngày 05 tháng 01 năm 2026": a day under 10 and the months 1 and 2 take a
/// leading zero, other months do not. Without a date the day and month are left blank.
pub fn place_date_line(place: &str, date: Option<NaiveDate>, year: i32) -> String {
    match date {
        Some(d) => {
            let month = if d.month() <= 2 { format!("{:02}", d.month()) } else { d.month().to_string() };
            format!("{place}, ngày {:02} tháng {month} năm {}", d.day(), d.year())
        }
        None => format!("{place}, ngày      tháng      năm {year}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn leading_zeros_follow_the_decree() {
        assert_eq!(place_date_line("Mường La", date(2026, 3, 5), 2026), "Mường La, ngày 05 tháng 3 năm 2026");
        assert_eq!(place_date_line("Mường La", date(2026, 1, 5), 2026), "Mường La, ngày 05 tháng 01 năm 2026");
        assert_eq!(place_date_line("Mường La", date(2026, 2, 15), 2026), "Mường La, ngày 15 tháng 02 năm 2026");
        assert_eq!(place_date_line("Mường La", date(2026, 12, 31), 2026), "Mường La, ngày 31 tháng 12 năm 2026");
        assert_eq!(place_date_line("Mường La", None, 2026), "Mường La, ngày      tháng      năm 2026");
    }

    #[test]
    fn numbers_under_ten_take_a_zero() {
        assert_eq!(number_line(Some("5"), "BC-UBND"), "Số: 05/BC-UBND");
        assert_eq!(number_line(Some("12"), "KH-UBND"), "Số: 12/KH-UBND");
        assert_eq!(number_line(Some("07"), "KH-UBND"), "Số: 07/KH-UBND");
        assert_eq!(number_line(None, "KH-UBND"), "Số:       /KH-UBND");
    }
}

/// A number as Vietnamese documents write it: whole numbers plain, others with one decimal
/// after a comma ("66,7").
pub fn decimal(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{}", v.round()) } else { format!("{v:.1}").replace('.', ",") }
}

/// A date as the body of a document writes it: the day with two digits, the month without a
/// leading zero ("05/3/2026", "22/12/2024").
pub fn short_date(d: NaiveDate) -> String {
    format!("{:02}/{}/{}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[test]
    fn numbers_and_dates_as_documents_write_them() {
        assert_eq!(decimal(2.0), "2");
        assert_eq!(decimal(200.0 / 3.0), "66,7");
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default();
        assert_eq!(short_date(d), "05/3/2026");
    }
}
