//! The province's consolidated report of its communes' reports for a period (issue 13), in the
//! layout of Decree 30/2020/NĐ-CP: issued by the province's department, with how many communes
//! reported and when, every province indicator's official total by its rule (accepted reports
//! only) against the province's target, and a Phụ lục of the communes, one row each. The same
//! rows as a table ([`communes_table`]) for the .xlsx and .csv downloads.
//!
//! Everything comes from the province file and the values given: nothing here names a province.

use chrono::NaiveDate;
use kehoach_domain::layout::{decimal, number_line, place_date_line, short_date};
use kehoach_domain::progress::Status;
use kehoach_domain::province::{CommuneKind, Province, ProvinceIndicator};
use kehoach_domain::recipient_lines;
use kehoach_domain::rollup::{Amount, Total, Value};

use crate::Error;
use crate::docx::{Appendix, Block, Column, Doc, Heading, Layout, Row, Signature, write};
use crate::tables;

/// How many communes reported, and how, for the period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Completeness {
    pub expected: usize,
    /// Communes that sent at least once.
    pub sent: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    /// Sent and waiting for the department's decision.
    pub waiting: usize,
    pub returned: usize,
    /// Reopened by the commune to correct it.
    pub reopened: usize,
    pub accepted: usize,
}

/// One commune's row in the Phụ lục.
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneLine {
    /// "Xã Mường La".
    pub full_name: String,
    /// Where its report stands at the province, worded ("Đã tiếp nhận").
    pub state: String,
    /// Whether its report stands nowhere yet (for the body's list of communes still missing).
    pub missing: bool,
    /// Whether its latest report was returned to it.
    pub returned: bool,
    /// The day its latest report was sent, in the province's time zone.
    pub sent_on: Option<NaiveDate>,
    /// Its latest report's number as the commune numbered it ("07/BC-UBND").
    pub number: Option<String>,
    /// Its official value (from an accepted report) for each province indicator, in the
    /// province file's order; none where there is none.
    pub values: Vec<Option<Value>>,
}

/// A province indicator and its official total.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTotal {
    pub indicator: ProvinceIndicator,
    pub official: Total,
}

/// What the consolidated report is made of.
pub struct ProvinceReportInput<'a> {
    pub province: &'a Province,
    /// The period as a document names it: "Quý I năm 2026".
    pub period_label: String,
    pub year: i32,
    /// The day of the province's deadline for the period, as its file writes it.
    pub deadline_day: Option<NaiveDate>,
    pub completeness: Completeness,
    /// In the province file's order.
    pub indicators: Vec<IndicatorTotal>,
    /// In the order of the Phụ lục (Vietnamese order of names).
    pub communes: Vec<CommuneLine>,
    /// An indicator's status as the interface words it (in Vietnamese).
    pub status_label: &'a dyn Fn(Status) -> String,
}

/// The symbol of a report of the department: "BC-" and the initials of its name's last line
/// ("SỞ KHOA HỌC VÀ CÔNG NGHỆ" gives "BC-SKHCN"; "và" and punctuation are not counted).
pub fn symbol(issuing_body: &[String]) -> String {
    let last = issuing_body.iter().rev().find(|l| !l.trim().is_empty()).map_or("", String::as_str);
    let initials: String = last
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter(|w| !w.is_empty() && w.to_lowercase() != "và")
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect();
    if initials.is_empty() { "BC".to_owned() } else { format!("BC-{initials}") }
}

/// "xã, phường" (or "xã, phường, đặc khu", or "xã"): the kinds of unit the province has, in
/// that order.
pub fn kinds_phrase(province: &Province) -> String {
    let kinds: Vec<&str> = CommuneKind::ALL
        .into_iter()
        .filter(|k| province.communes.iter().any(|c| c.kind == *k))
        .map(CommuneKind::key)
        .collect();
    if kinds.is_empty() { "xã".to_owned() } else { kinds.join(", ") }
}

/// A phrase as it reads inside a sentence: its first letter small ("Quý I" → "quý I").
fn in_sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `part` of `whole` in percent, one decimal after a comma: "1,3%"; none of nothing.
fn rate(part: usize, whole: usize) -> Option<String> {
    (whole > 0).then(|| format!("{}%", decimal(part as f64 * 100.0 / whole as f64)))
}

fn with_rate(part: usize, whole: usize) -> String {
    match rate(part, whole) {
        Some(r) => format!("{part} ({r})"),
        None => part.to_string(),
    }
}

/// A number with its unit: "12 sáng kiến", "50%".
fn with_unit(value: f64, unit: Option<&str>) -> String {
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some("%") => format!("{}%", decimal(value)),
        Some(u) => format!("{} {u}", decimal(value)),
        None => decimal(value),
    }
}

/// A commune's official value as the Phụ lục shows it.
pub fn value_text(
    value: Option<&Value>,
    indicator: &ProvinceIndicator,
    status_label: &dyn Fn(Status) -> String,
) -> String {
    let percent = indicator.measure_unit.as_deref().is_some_and(|u| u.trim() == "%");
    match value {
        None => "—".into(),
        Some(Value::Count { value }) => decimal(*value),
        Some(Value::Ratio { numerator, denominator }) if *denominator > 0.0 => {
            format!("{}% ({}/{})", decimal(numerator / denominator * 100.0), decimal(*numerator), decimal(*denominator))
        }
        Some(Value::Ratio { numerator, denominator }) => {
            format!("— ({}/{})", decimal(*numerator), decimal(*denominator))
        }
        Some(Value::AgainstTarget { value, target }) => {
            let shown = if percent && indicator.kind == kehoach_domain::IndicatorKind::Ratio {
                format!("{}%", decimal(*value))
            } else {
                decimal(*value)
            };
            match target {
                Some(t) if t.reached_by(*value) => format!("{shown} (đạt)"),
                Some(_) => format!("{shown} (chưa đạt)"),
                None => shown,
            }
        }
        Some(Value::Status { status }) => status_label(*status),
    }
}

/// The same value as a spreadsheet cell: a number alone where the rule gives one, so that the
/// .xlsx holds numbers.
fn value_cell(value: Option<&Value>, indicator: &ProvinceIndicator, status_label: &dyn Fn(Status) -> String) -> String {
    match value {
        Some(Value::AgainstTarget { value, .. }) => decimal(*value),
        other => value_text(other, indicator, status_label),
    }
}

/// An indicator's official total as the body states it.
fn total_text(t: &IndicatorTotal, kinds: &str, status_label: &dyn Fn(Status) -> String) -> String {
    let unit = t.indicator.measure_unit.as_deref();
    let counted = t.official.counted;
    if counted == 0 {
        return "chưa có số liệu chính thức (chưa có báo cáo được tiếp nhận có số liệu của chỉ tiêu này)".into();
    }
    let from = format!("tổng hợp từ {counted} {kinds}");
    match &t.official.amount {
        Amount::Sum { total } => format!("{} ({from})", with_unit(*total, unit)),
        Amount::RatioOfSums { numerator, denominator, percent } => {
            let parts = format!("{}/{}", decimal(*numerator), decimal(*denominator));
            match percent {
                Some(p) => format!("{}% ({parts}; tổng tử số trên tổng mẫu số, {from})", decimal(*p)),
                None => format!("chưa tính được tỷ lệ ({parts}; {from})"),
            }
        }
        Amount::ShareMeetingTarget { reached, judged, percent } => {
            let share = percent.map_or_else(|| "—".to_owned(), |p| format!("{}%", decimal(p)));
            format!("{share} ({reached}/{judged} {kinds} đạt chỉ tiêu của xã)")
        }
        Amount::Distribution { counts } => {
            let parts: Vec<String> = counts
                .iter()
                .filter(|c| c.communes > 0)
                .map(|c| format!("{}: {}", status_label(c.status), c.communes))
                .collect();
            format!("{} ({from})", parts.join("; "))
        }
    }
}

fn target_text(indicator: &ProvinceIndicator) -> String {
    match indicator.target_value {
        Some(v) => format!("chỉ tiêu của tỉnh: {}", with_unit(v, indicator.measure_unit.as_deref())),
        None => "tỉnh không giao chỉ tiêu".into(),
    }
}

/// The department as a sentence names it: "Sở Khoa học và Công nghệ tỉnh Sơn La".
fn department(province: &Province) -> String {
    province.department.name.trim().to_owned()
}

/// The body of the report.
fn blocks(r: &ProvinceReportInput<'_>) -> Vec<Block> {
    let kinds = kinds_phrase(r.province);
    let period = in_sentence(&r.period_label);
    let c = &r.completeness;
    let mut out = vec![Block::Text(format!(
        "Trên cơ sở báo cáo kết quả thực hiện {period} của các {kinds} trên địa bàn {}, {} tổng hợp, báo cáo như sau:",
        in_sentence(&r.province.full_name),
        department(r.province)
    ))];

    out.push(Block::Section(format!("I. TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC {}", kinds.to_uppercase())));
    if let Some(day) = r.deadline_day {
        let when = if r.province.deadline.deadline_before { "trước ngày" } else { "đến hết ngày" };
        out.push(Block::Text(format!("Thời hạn gửi báo cáo {period}: {when} {}.", short_date(day))));
    }
    out.push(Block::Text(format!("- Số {kinds} phải báo cáo: {}.", c.expected)));
    out.push(Block::Text(format!(
        "- Số {kinds} đã gửi báo cáo: {}/{}{}; trong đó gửi đúng hạn: {}, gửi muộn: {}.",
        c.sent,
        c.expected,
        rate(c.sent, c.expected).map_or_else(String::new, |r| format!(" ({r})")),
        with_rate(c.on_time, c.expected),
        with_rate(c.late, c.expected),
    )));
    out.push(Block::Text(format!("- Số {kinds} chưa gửi báo cáo: {}.", with_rate(c.missing, c.expected))));
    out.push(Block::Text(format!(
        "- Báo cáo đã được tiếp nhận: {}; đang chờ xem xét: {}; đã trả lại để hoàn thiện: {}; {kinds} đang mở lại để sửa: {}.",
        with_rate(c.accepted, c.expected),
        c.waiting,
        c.returned,
        c.reopened
    )));
    let missing: Vec<&str> = r.communes.iter().filter(|l| l.missing).map(|l| l.full_name.as_str()).collect();
    if !missing.is_empty() && missing.len() < r.communes.len() {
        out.push(Block::Text(format!("- Các {kinds} chưa gửi báo cáo: {}.", missing.join(", "))));
    }
    let returned: Vec<&str> = r.communes.iter().filter(|l| l.returned).map(|l| l.full_name.as_str()).collect();
    if !returned.is_empty() {
        out.push(Block::Text(format!("- Các {kinds} có báo cáo bị trả lại để hoàn thiện: {}.", returned.join(", "))));
    }

    out.push(Block::Section("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU".into()));
    out.push(Block::Note(format!(
        "(số liệu chính thức, chỉ tổng hợp từ các báo cáo đã được tiếp nhận; chi tiết từng {} tại Phụ lục kèm theo)",
        kinds.split(", ").next().unwrap_or("xã")
    )));
    if r.indicators.is_empty() {
        out.push(Block::Text("Tỉnh chưa quy định chỉ tiêu tổng hợp.".into()));
    }
    for (i, t) in r.indicators.iter().enumerate() {
        out.push(Block::Text(format!(
            "{}. {}: {}; {}.",
            i + 1,
            t.indicator.name.trim().trim_end_matches('.'),
            total_text(t, &kinds, r.status_label),
            target_text(&t.indicator)
        )));
    }

    out.push(Block::Text(format!(
        "Trên đây là báo cáo tổng hợp kết quả thực hiện {period} của các {kinds} trên địa bàn {} của {}./.",
        in_sentence(&r.province.full_name),
        department(r.province)
    )));
    out
}

/// The Phụ lục's columns: widths in millimetres on a landscape A4 page (252 mm of text).
fn appendix_columns(r: &ProvinceReportInput<'_>) -> Vec<Column> {
    let kinds = kinds_phrase(r.province);
    let mut columns = vec![
        Column { label: "STT".into(), width_mm: 14.0 },
        Column { label: format!("Tên {kinds}"), width_mm: 42.0 },
        Column { label: "Tình trạng báo cáo".into(), width_mm: 26.0 },
        Column { label: "Ngày gửi".into(), width_mm: 25.0 },
        Column { label: "Số báo cáo".into(), width_mm: 27.0 },
    ];
    let fixed: f64 = columns.iter().map(|c| c.width_mm).sum();
    let n = r.indicators.len().max(1) as f64;
    let each = ((252.0 - fixed) / n).max(14.0);
    for (i, _) in r.indicators.iter().enumerate() {
        columns.push(Column { label: format!("Chỉ tiêu {}", i + 1), width_mm: each });
    }
    columns
}

fn appendix(r: &ProvinceReportInput<'_>) -> Appendix {
    let rows = r
        .communes
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut cells = vec![
                (i + 1).to_string(),
                l.full_name.clone(),
                l.state.clone(),
                l.sent_on.map_or_else(|| "—".to_owned(), |d| d.format("%d/%m/%Y").to_string()),
                l.number.clone().unwrap_or_else(|| "—".to_owned()),
            ];
            for (t, v) in r.indicators.iter().zip(l.values.iter().chain(std::iter::repeat(&None))) {
                cells.push(value_text(v.as_ref(), &t.indicator, r.status_label));
            }
            Row { cells, section: false }
        })
        .collect();
    let kinds = kinds_phrase(r.province);
    Appendix {
        label: "PHỤ LỤC".into(),
        title: format!("KẾT QUẢ BÁO CÁO CỦA CÁC {} {}", kinds.to_uppercase(), r.period_label.to_uppercase()),
        note: Some(format!(
            "(Kèm theo Báo cáo số      /{} ngày      của {}; chỉ tiêu 1–{} theo thứ tự tại mục II của Báo cáo)",
            symbol(&r.province.department.issuing_body),
            department(r.province),
            r.indicators.len()
        )),
        columns: appendix_columns(r),
        rows,
    }
}

/// The consolidated report as a document.
pub fn report_doc(r: &ProvinceReportInput<'_>) -> Doc {
    let kinds = kinds_phrase(r.province);
    let head = if department(r.province).starts_with("Sở") { "GIÁM ĐỐC" } else { "THỦ TRƯỞNG CƠ QUAN" };
    Doc {
        heading: Heading {
            issuing_body: r.province.department.issuing_body.clone(),
            // The department numbers its own documents: the office writes the number in.
            number_line: number_line(None, &symbol(&r.province.department.issuing_body)),
            date_line: place_date_line(&r.province.name, None, r.year),
            issued_on: None,
        },
        draft: false,
        doc_type: "BÁO CÁO".into(),
        subject: vec![format!("Kết quả thực hiện các chỉ tiêu {} của các {kinds}", in_sentence(&r.period_label))],
        to: vec![format!("Ủy ban nhân dân {}", in_sentence(&r.province.full_name))],
        blocks: blocks(r),
        signature: Signature { authority: Vec::new(), title: head.into(), name: String::new() },
        recipients: recipient_lines(&[
            "Như trên".to_owned(),
            format!("UBND các {kinds} (để biết)"),
            "Lưu: VT".to_owned(),
        ]),
        appendices: vec![appendix(r)],
    }
}

/// The consolidated report as .docx.
pub fn report_docx(r: &ProvinceReportInput<'_>, layout: &Layout) -> Result<Vec<u8>, Error> {
    write(&report_doc(r), layout)
}

/// The Phụ lục as a table for .xlsx and .csv: counts and values as numbers, the sending day as a
/// date.
pub fn communes_table(r: &ProvinceReportInput<'_>) -> tables::Table {
    let kinds = kinds_phrase(r.province);
    let mut columns = vec![
        tables::Column::number("STT", 6.0),
        tables::Column::new(format!("Tên {kinds}"), 24.0),
        tables::Column::new("Tình trạng báo cáo", 22.0),
        tables::Column::date("Ngày gửi", 12.0),
        tables::Column::new("Số báo cáo", 14.0),
    ];
    for (i, t) in r.indicators.iter().enumerate() {
        let unit = t.indicator.measure_unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
        let label = match unit {
            Some(u) => format!("{}. {} ({u})", i + 1, t.indicator.name.trim()),
            None => format!("{}. {}", i + 1, t.indicator.name.trim()),
        };
        columns.push(tables::Column::number(label, 22.0));
    }
    let rows = r
        .communes
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut cells = vec![
                (i + 1).to_string(),
                l.full_name.clone(),
                l.state.clone(),
                l.sent_on.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
                l.number.clone().unwrap_or_default(),
            ];
            for (t, v) in r.indicators.iter().zip(l.values.iter().chain(std::iter::repeat(&None))) {
                cells.push(value_cell(v.as_ref(), &t.indicator, r.status_label));
            }
            tables::Row::data(cells)
        })
        .collect();
    tables::Table {
        sheet: "Phụ lục".into(),
        title: Some(format!(
            "KẾT QUẢ BÁO CÁO CỦA CÁC {} {} — {}",
            kinds.to_uppercase(),
            r.period_label.to_uppercase(),
            r.province.full_name.to_uppercase()
        )),
        columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_symbol_is_the_departments_initials() {
        assert_eq!(symbol(&["UBND TỈNH SƠN LA".into(), "SỞ KHOA HỌC VÀ CÔNG NGHỆ".into()]), "BC-SKHCN");
        assert_eq!(symbol(&["UBND TỈNH ĐIỆN BIÊN".into(), "SỞ TƯ PHÁP".into()]), "BC-STP");
        assert_eq!(symbol(&[]), "BC");
    }

    #[test]
    fn rates_have_a_decimal_comma() {
        assert_eq!(rate(1, 75).as_deref(), Some("1,3%"));
        assert_eq!(rate(75, 75).as_deref(), Some("100%"));
        assert_eq!(rate(0, 0), None);
        assert_eq!(with_unit(12.0, Some("sáng kiến")), "12 sáng kiến");
        assert_eq!(with_unit(50.0, Some("%")), "50%");
    }
}
