//! Tables as spreadsheets: one small model ([`Table`]) and its two writers, .xlsx (formatted
//! header, column widths, frozen header, wrapped text; numbers as numbers and dates as dates)
//! and .csv (UTF-8 with a BOM so that Excel reads Vietnamese right). Text is written as given:
//! what is NFC stays NFC; in a CSV, a cell a spreadsheet would run as a formula is marked as
//! text ([`csv_cell`]).
//!
//! The caller builds the table from plain values, as people read them ("22,5", "66,7% (2/3)",
//! "10/02/2026"); the .xlsx writer stores what a column's [`Kind`] says a cell is as that, with a
//! number format that shows it the same way. Nothing here reads a store or a file.

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

/// What a column's cells are, for the .xlsx (the .csv writes every cell as its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Text,
    /// A number when the cell reads as one, as Vietnamese writes it ("1.234", "22,5", "66,7%",
    /// and a ratio's parts after it: "66,7% (2/3)"); other text ("—") stays text.
    Number,
    /// A day, "10/02/2026" (or "2026-02-10").
    Date,
    /// A moment, "09:30 10/02/2026" (or "10/02/2026 09:30").
    DateTime,
}

/// A column: its header label and its width in characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: String,
    pub width: f64,
    /// Cells that read as a number or a date are written as such (sums, sorting and filters work
    /// in Excel).
    pub kind: Kind,
}

impl Column {
    pub fn new(label: impl Into<String>, width: f64) -> Column {
        Column { label: label.into(), width, kind: Kind::Text }
    }

    /// A column whose cells are numbers when they read as one.
    pub fn number(label: impl Into<String>, width: f64) -> Column {
        Column { label: label.into(), width, kind: Kind::Number }
    }

    /// A column of days.
    pub fn date(label: impl Into<String>, width: f64) -> Column {
        Column { label: label.into(), width, kind: Kind::Date }
    }

    /// A column of moments (a time and a day).
    pub fn date_time(label: impl Into<String>, width: f64) -> Column {
        Column { label: label.into(), width, kind: Kind::DateTime }
    }
}

/// A row: data, or a section heading (bold, shaded) such as "I | PHÁT TRIỂN NGUỒN NHÂN LỰC".
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<String>,
    pub section: bool,
}

impl Row {
    pub fn data(cells: Vec<String>) -> Row {
        Row { cells, section: false }
    }

    pub fn section(cells: Vec<String>) -> Row {
        Row { cells, section: true }
    }
}

/// A table: a sheet of a workbook, or a CSV file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The sheet's name (at most 31 characters are kept; `[]:*?/\` are dropped).
    pub sheet: String,
    /// A title above the header in the .xlsx (not written to the .csv).
    pub title: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

pub use crate::Error;

/// The .xlsx content type.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The .csv content type.
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

const BOM: &str = "\u{feff}";
const HEADER_FILL: u32 = 0x00D9_E1F2;
const SECTION_FILL: u32 = 0x00F2_F2F2;

/// A name Excel accepts for a sheet, unique among `taken`.
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted.chars().filter(|c| !"[]:*?/\\".contains(*c)).collect();
    let clean = clean.trim().trim_matches('\'');
    let base: String = if clean.is_empty() { "Sheet".to_owned() } else { clean.chars().take(31).collect() };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.to_lowercase() == name.to_lowercase()) {
        let suffix = format!(" ({n})");
        let keep = 31 - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        n += 1;
    }
    name
}

/// The most UTF-16 units Excel keeps in a cell.
const CELL_LIMIT: usize = 32_767;

/// The text, cut to what a cell holds (with "…" at the cut) rather than no file at all.
fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= CELL_LIMIT || text.encode_utf16().count() <= CELL_LIMIT {
        return text.into();
    }
    let mut cut = String::new();
    let mut units = 0;
    for c in text.chars() {
        if units + c.len_utf16() > CELL_LIMIT - 1 {
            break;
        }
        units += c.len_utf16();
        cut.push(c);
    }
    cut.push('…');
    cut.into()
}

/// The height of a line of 12 pt text, in points.
const LINE_HEIGHT: f64 = 16.0;

/// How many lines the text takes, wrapped in a column this wide. Row heights are set from it:
/// a reader that does not fit rows to wrapped text on opening (LibreOffice) still shows it all.
fn lines(text: &str, width: f64) -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let per_line = (width - 1.5).max(1.0) as usize;
    text.split('\n').map(|l| l.chars().count().div_ceil(per_line).max(1)).sum()
}

/// The row's height in points, when it needs more than one line.
fn height(cells: impl Iterator<Item = (f64, usize)>) -> Option<f64> {
    let most = cells.map(|(_, n)| n).max().unwrap_or(1);
    #[allow(clippy::cast_precision_loss)]
    (most > 1).then_some(LINE_HEIGHT * most as f64 + 2.0)
}

fn as_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() || t.len() > 15 || (t.len() > 1 && t.starts_with('0') && !t.starts_with("0.")) {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A cell of a number column as the number it shows and the format that shows it so: "2",
/// "1.234" (`#,##0`), "22,5" (`#,##0.0`), "66,7%" (0.667 in `0.0%`), "66,7% (2/3)" (0.667 in
/// `0.0%" (2/3)"`: a number still, its parts in the format). `None` for what is not a number
/// ("—", "Thường xuyên") and for digits that are a code ("0912345678" keeps its zero).
fn xlsx_number(text: &str) -> Option<(f64, String)> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 40 {
        return None;
    }
    let (main, parts) = match t.strip_suffix(')').and_then(|r| r.rsplit_once(" (")) {
        Some((main, parts))
            if parts.split('/').count() == 2
                && parts.split('/').all(|p| kehoach_domain::number::read(p).is_ok_and(|n| !n.percent)) =>
        {
            (main.trim(), Some(parts))
        }
        _ => (t, None),
    };
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if digits.len() > 15 || (main.starts_with('0') && main.chars().nth(1).is_some_and(|c| c.is_ascii_digit())) {
        return None;
    }
    let typed = kehoach_domain::number::read(main).ok()?;
    let (value, mut format) = match (typed.percent, typed.value.fract() != 0.0) {
        (true, false) => (typed.value / 100.0, "0%".to_owned()),
        (true, true) => (typed.value / 100.0, "0.0%".to_owned()),
        (false, false) => (typed.value, "#,##0".to_owned()),
        (false, true) => (typed.value, "#,##0.0##".to_owned()),
    };
    if let Some(parts) = parts {
        format.push_str(&format!("\" ({})\"", parts.replace('"', "")));
    }
    Some((value, format))
}

/// A cell of a date column as a day.
fn xlsx_date(text: &str) -> Option<ExcelDateTime> {
    let t = text.trim();
    let d = NaiveDate::parse_from_str(t, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d")).ok()?;
    day(d)
}

fn day(d: NaiveDate) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, u8::try_from(d.month()).ok()?, u8::try_from(d.day()).ok()?).ok()
}

/// A cell of a date-and-time column as a moment.
fn xlsx_date_time(text: &str) -> Option<ExcelDateTime> {
    let t = text.trim();
    let at = ["%H:%M %d/%m/%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())?;
    day(at.date())?.and_hms(u16::try_from(at.hour()).ok()?, u8::try_from(at.minute()).ok()?, 0).ok()
}

/// How the .xlsx shows a day and a moment.
const DATE_FORMAT: &str = "dd/mm/yyyy";
const DATE_TIME_FORMAT: &str = "dd/mm/yyyy hh:mm";

/// The tables as one workbook, a sheet each, in order.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, Error> {
    let mut workbook = Workbook::new();
    let font = |f: Format| f.set_font_name("Times New Roman").set_font_size(12);
    let border = |f: Format| f.set_border(FormatBorder::Thin);
    let title_format = font(Format::new()).set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let header = border(font(Format::new()))
        .set_bold()
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let cell = border(font(Format::new())).set_text_wrap().set_align(FormatAlign::Top);
    let number = cell.clone().set_align(FormatAlign::Right);
    let date = number.clone().set_num_format(DATE_FORMAT);
    let date_time = number.clone().set_num_format(DATE_TIME_FORMAT);
    let section = cell.clone().set_bold().set_background_color(Color::RGB(SECTION_FILL));
    let mut names: Vec<String> = Vec::new();
    for table in tables {
        let name = sheet_name(&table.sheet, &names);
        names.push(name.clone());
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name)?;
        sheet.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
        let last_col = u16::try_from(table.columns.len().saturating_sub(1)).unwrap_or(u16::MAX);
        let mut row: u32 = 0;
        if let Some(title) = &table.title {
            if last_col > 0 {
                sheet.merge_range(0, 0, 0, last_col, title, &title_format)?;
            } else {
                sheet.write_string_with_format(0, 0, title, &title_format)?;
            }
            sheet.set_row_height(0, 24)?;
            row = 2;
        }
        let header_row = row;
        for (c, column) in table.columns.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            sheet.set_column_width(c, column.width)?;
            sheet.write_string_with_format(row, c, &column.label, &header)?;
        }
        if let Some(h) = height(table.columns.iter().map(|c| (c.width, lines(&c.label, c.width * 0.9)))) {
            sheet.set_row_height(row, h)?;
        }
        sheet.set_freeze_panes(header_row + 1, 0)?;
        sheet.set_repeat_rows(header_row, header_row)?;
        row += 1;
        for r in &table.rows {
            // A section heading ("I | its title") runs across the row after its number.
            let spans = r.section && last_col >= 2 && r.cells.iter().skip(2).all(|c| c.trim().is_empty());
            if spans {
                let first = fit(r.cells.first().map_or("", String::as_str)).into_owned();
                let title = fit(r.cells.get(1).map_or("", String::as_str)).into_owned();
                sheet.write_string_with_format(row, 0, &first, &section)?;
                sheet.merge_range(row, 1, row, last_col, &title, &section)?;
                let across: f64 = table.columns.iter().skip(1).map(|c| c.width).sum();
                if let Some(h) = height([(across, lines(&title, across))].into_iter()) {
                    sheet.set_row_height(row, h)?;
                }
                row += 1;
                continue;
            }
            for (c, column) in table.columns.iter().enumerate() {
                let text = fit(r.cells.get(c).map_or("", String::as_str));
                let text = text.as_ref();
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                if r.section {
                    sheet.write_string_with_format(row, col, text, &section)?;
                    continue;
                }
                match column.kind {
                    Kind::Number if let Some((v, shown)) = xlsx_number(text) => {
                        sheet.write_number_with_format(row, col, v, &number.clone().set_num_format(shown))?;
                    }
                    Kind::Date if let Some(d) = xlsx_date(text) => {
                        sheet.write_datetime_with_format(row, col, &d, &date)?;
                    }
                    Kind::DateTime if let Some(at) = xlsx_date_time(text) => {
                        sheet.write_datetime_with_format(row, col, &at, &date_time)?;
                    }
                    _ => {
                        sheet.write_string_with_format(row, col, text, &cell)?;
                    }
                }
            }
            let sizes = table.columns.iter().zip(&r.cells).map(|(c, text)| (c.width, lines(text, c.width)));
            if let Some(h) = height(sizes) {
                sheet.set_row_height(row, h)?;
            }
            row += 1;
        }
    }
    if tables.is_empty() {
        workbook.add_worksheet();
    }
    Ok(workbook.save_to_buffer()?)
}

/// The table as CSV: UTF-8 with a BOM, the header row of column labels, then every row
/// (a section heading is a row like the others). The title is not written.
pub fn to_csv(table: &Table) -> Result<Vec<u8>, Error> {
    to_csv_with_header(table, table.columns.iter().map(|c| c.label.as_str()))
}

/// The table as CSV with another header row (machine names that an import reads back).
/// Every cell is written safe to open (see [`csv_cell`]).
pub fn to_csv_with_header<'a>(table: &Table, header: impl IntoIterator<Item = &'a str>) -> Result<Vec<u8>, Error> {
    let mut out = BOM.as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(header.into_iter().map(|h| csv_cell(h, false).into_owned()))?;
        let width = table.columns.len();
        for r in &table.rows {
            w.write_record((0..width).map(|c| {
                let number = !r.section && table.columns.get(c).is_some_and(|col| col.kind == Kind::Number);
                csv_cell(r.cells.get(c).map_or("", String::as_str), number).into_owned()
            }))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// What makes a spreadsheet read a cell as a formula when it starts the cell (`=1+1`,
/// `-2+3+cmd|…`, `@SUM(…)`, a tab or carriage return before one of them).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The mark that says "text" to a spreadsheet.
const TEXT_MARK: char = '\'';

/// A cell as written to a CSV file: one that a spreadsheet would run as a formula gets the
/// text mark in front (`'=1+1`), so whoever opens the file sees the text and runs nothing.
/// A cell that already starts with the mark gets a second one, so that [`csv_value`] gives back
/// exactly what was written, whatever it was. In a number column a cell that is a plain number
/// (`-5`, `-0.5`) stays a number: a negative count is data, and nothing runs from it.
pub fn csv_cell(text: &str, number_column: bool) -> std::borrow::Cow<'_, str> {
    let plain_number = number_column && text.trim() == text && as_number(text).is_some();
    if !plain_number && text.starts_with(|c| FORMULA_START.contains(&c) || c == TEXT_MARK) {
        format!("{TEXT_MARK}{text}").into()
    } else {
        text.into()
    }
}

/// A cell read from a CSV file: the inverse of [`csv_cell`]. The text mark is dropped only where
/// [`csv_cell`] puts one (before a formula start or another mark), so `'abc` typed by hand stays.
pub fn csv_value(cell: &str) -> &str {
    match cell.strip_prefix(TEXT_MARK) {
        Some(rest) if rest.starts_with(|c| FORMULA_START.contains(&c) || c == TEXT_MARK) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;

    fn sample() -> Vec<Table> {
        let columns = vec![
            Column::new("STT", 6.0),
            Column::new("Chỉ tiêu", 50.0),
            Column::number("Số người", 12.0),
            Column::new("Cơ quan chủ trì", 30.0),
        ];
        let rows = vec![
            Row::section(vec!["I".into(), "PHÁT TRIỂN NGUỒN NHÂN LỰC".into()]),
            Row::data(vec!["1".into(), "Bồi dưỡng, tập huấn".into(), "30".into(), "Phòng Văn hóa - Xã hội".into()]),
            Row::data(vec!["2".into(), "Đài truyền thanh xã".into(), "—".into(), "Trung tâm Dịch vụ tổng hợp".into()]),
        ];
        vec![
            Table {
                sheet: "Phụ lục I".into(),
                title: Some("KẾT QUẢ THỰC HIỆN CHỈ TIÊU".into()),
                columns: columns.clone(),
                rows,
            },
            Table { sheet: "Sổ/truyền:thông?".into(), title: None, columns, rows: Vec::new() },
        ]
    }

    fn zip_entry(bytes: &[u8], name: &str) -> String {
        let mut text = String::new();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn xlsx_reads_back_with_its_sheets_header_and_vietnamese_text() {
        let bytes = to_xlsx(&sample()).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names(), ["Phụ lục I", "Sổtruyềnthông"]);
        let range = book.worksheet_range("Phụ lục I").unwrap();
        let text = |r: u32, c: u32| range.get_value((r, c)).map(|d| d.to_string()).unwrap_or_default();
        assert_eq!(text(0, 0), "KẾT QUẢ THỰC HIỆN CHỈ TIÊU");
        assert_eq!(text(2, 0), "STT");
        assert_eq!(text(2, 1), "Chỉ tiêu");
        assert_eq!(text(2, 3), "Cơ quan chủ trì");
        assert_eq!(text(3, 1), "PHÁT TRIỂN NGUỒN NHÂN LỰC");
        let training = text(4, 1);
        assert_eq!(training, "Bồi dưỡng, tập huấn");
        assert!(kehoach_domain::text::is_nfc(&training), "NFC text comes back NFC");
        assert_eq!(text(5, 1), "Đài truyền thanh xã");
        assert_eq!(range.get_value((4, 2)), Some(&Data::Float(30.0)), "a number column holds numbers");
        assert_eq!(text(5, 2), "—", "text in a number column stays text");
        assert_eq!(range.height(), 6, "title, blank, header, section and two rows");
        let empty = book.worksheet_range("Sổtruyềnthông").unwrap();
        assert_eq!(empty.height(), 1, "the header alone");

        let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains(r#"<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>"#),
            "{sheet}"
        );
        assert!(sheet.contains(r#"width="50.7109375""#), "column widths: {sheet}");
        assert!(sheet.contains(r#"<mergeCell ref="A1:D1"/>"#), "the title across the table");
        assert!(sheet.contains(r#"<mergeCell ref="B4:D4"/>"#), "a section's title across its row");
        let sheet2 = zip_entry(&bytes, "xl/worksheets/sheet2.xml");
        assert!(sheet2.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#));
        let styles = zip_entry(&bytes, "xl/styles.xml");
        assert!(styles.contains("<b/>") && styles.contains(r#"rgb="FFD9E1F2""#) && styles.contains(r#"wrapText="1""#));
        assert!(styles.contains(r#"<left style="thin">"#));
    }

    #[test]
    fn csv_starts_with_the_bom_and_keeps_vietnamese() {
        let tables = sample();
        let bytes = to_csv(&tables[0]).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "STT,Chỉ tiêu,Số người,Cơ quan chủ trì");
        assert_eq!(lines[1], "I,PHÁT TRIỂN NGUỒN NHÂN LỰC,,");
        assert_eq!(lines[2], "1,\"Bồi dưỡng, tập huấn\",30,Phòng Văn hóa - Xã hội");
        assert_eq!(lines.len(), 4);
        let machine = to_csv_with_header(&tables[0], ["id", "ten", "so", "unit"]).unwrap();
        assert!(std::str::from_utf8(&machine[3..]).unwrap().starts_with("id,ten,so,unit\n"));
    }

    #[test]
    fn csv_cells_that_would_run_as_formulas_are_text() {
        for (written, cell) in [
            ("=1+1", "'=1+1"),
            ("+84 912", "'+84 912"),
            ("-5 hộ", "'-5 hộ"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=1", "''=1"),
            ("'", "''"),
            ("Bản A", "Bản A"),
            ("'abc", "''abc"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(written, false), cell, "{written:?}");
            assert_eq!(csv_value(&csv_cell(written, false)), written, "{written:?} reads back");
        }
        assert_eq!(csv_cell("-5", true), "-5", "a negative number in a number column stays a number");
        assert_eq!(csv_cell("-5", false), "'-5", "in a text column it is text");
        assert_eq!(csv_cell("-2+3", true), "'-2+3", "a sum is not a number");
        assert_eq!(csv_cell(" -5", true), " -5");
        assert_eq!(csv_value("'abc"), "'abc", "a mark typed by hand stays");

        let table = Table {
            sheet: "Sổ".into(),
            title: None,
            columns: vec![Column::new("Nội dung", 20.0), Column::number("Số", 8.0)],
            rows: vec![Row::data(vec!["=HYPERLINK(\"http://x\")".into(), "-3".into()])],
        };
        let bytes = to_csv(&table).unwrap();
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(text.lines().nth(1), Some("\"'=HYPERLINK(\"\"http://x\"\")\",-3"));
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let taken = vec!["Sổ đăng ký".to_owned()];
        assert_eq!(sheet_name("Sổ đăng ký", &taken), "Sổ đăng ký (2)");
        assert_eq!(sheet_name("a".repeat(40).as_str(), &[]).chars().count(), 31);
        assert_eq!(sheet_name("[]", &[]), "Sheet");
    }

    #[test]
    fn a_text_longer_than_a_cell_holds_is_cut_not_refused() {
        let long = "Bồi dưỡng, tập huấn. ".repeat(2_000);
        let table = Table {
            sheet: "Sổ".into(),
            title: None,
            columns: vec![Column::new("Nội dung", 40.0)],
            rows: vec![Row::data(vec![long.clone()])],
        };
        let bytes = to_xlsx(&[table]).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Sổ").unwrap();
        let cell = range.get_value((1, 0)).unwrap().to_string();
        assert_eq!(cell.chars().count(), CELL_LIMIT);
        assert!(cell.ends_with('…') && long.starts_with(cell.trim_end_matches('…')));
        assert_eq!(fit("ngắn"), "ngắn");
    }

    #[test]
    fn rows_are_as_high_as_their_wrapped_text() {
        assert_eq!(lines("Đạt", 10.0), 1);
        assert_eq!(lines(&"a".repeat(16), 10.0), 2, "8 characters a line in a column 10 wide");
        assert_eq!(lines(&"a".repeat(17), 10.0), 3);
        assert_eq!(lines("Bản A: xong\nBản B: đang làm", 40.0), 2, "a line per line break");
        assert_eq!(height([(10.0, 1), (40.0, 1)].into_iter()), None, "one line: the default height");
        assert_eq!(height([(10.0, 3), (40.0, 1)].into_iter()), Some(50.0));
        let bytes = to_xlsx(&sample()).unwrap();
        let sheet = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains(r#"customHeight="1""#), "{sheet}");
    }

    #[test]
    fn xlsx_numbers_keep_what_people_read() {
        let n = |t: &str| xlsx_number(t).map(|(v, f)| ((v * 1000.0).round() / 1000.0, f));
        assert_eq!(n("30"), Some((30.0, "#,##0".into())));
        assert_eq!(n("1.234"), Some((1234.0, "#,##0".into())), "dots between thousands");
        assert_eq!(n("22,5"), Some((22.5, "#,##0.0##".into())), "a decimal comma");
        assert_eq!(n("22.5"), Some((22.5, "#,##0.0##".into())), "as JSON writes it");
        assert_eq!(n("50%"), Some((0.5, "0%".into())));
        assert_eq!(n("66,7%"), Some((0.667, "0.0%".into())));
        assert_eq!(n("66,7% (2/3)"), Some((0.667, "0.0%\" (2/3)\"".into())), "the parts in the format");
        assert_eq!(n("2 (1/3)"), Some((2.0, "#,##0\" (1/3)\"".into())));
        assert_eq!(n("0"), Some((0.0, "#,##0".into())));
        for text in ["—", "", "Thường xuyên", "0912345678", "01", "Tối thiểu 4 lượt/ năm", "2 (a/b)", "1.2.3"]
        {
            assert_eq!(n(text), None, "{text:?} is text");
        }
        assert!(
            xlsx_date("10/02/2026").is_some() && xlsx_date("2026-02-10").is_some() && xlsx_date("10/2026").is_none()
        );
        assert!(xlsx_date_time("09:30 01/03/2026").is_some() && xlsx_date_time("01/03/2026").is_none());
    }

    #[test]
    fn numbers_only_when_they_read_as_one() {
        assert_eq!(as_number("30"), Some(30.0));
        assert_eq!(as_number("0"), Some(0.0));
        assert_eq!(as_number("0912345678"), None, "a phone number keeps its zero");
        assert_eq!(as_number("50%"), None);
        assert_eq!(as_number(""), None);
    }
}
