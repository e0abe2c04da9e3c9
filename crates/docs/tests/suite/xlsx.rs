//! The .xlsx read back as its XML: a number is stored as a number (no `t="s"`), a day as a date
//! (a number in a cell whose style has a date format), text as text; and the .csv of the same
//! table keeps the text as people read it.

use std::collections::BTreeMap;
use std::io::Read;

use kehoach_docs::tables::{Column, Row, Table, to_csv, to_xlsx};

/// A part of the package.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip");
    let mut file = archive.by_name(name).unwrap_or_else(|_| panic!("{name} in the package"));
    let mut s = String::new();
    file.read_to_string(&mut s).expect("utf-8 xml");
    s
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    format!(" {tag}").split(&key).nth(1).and_then(|v| v.split('"').next()).map(str::to_owned)
}

/// A cell as the sheet stores it.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// `t`: "s" for a shared string, "str"/"inlineStr" for text, none (or "n") for a number.
    pub(crate) t: Option<String>,
    /// The number format of its style ("dd/mm/yyyy", "0.0%", "General").
    pub(crate) format: String,
    /// The stored value (a number, or an index into the shared strings).
    pub(crate) value: String,
    /// The text shown, for a string cell.
    pub(crate) text: Option<String>,
}

impl Cell {
    pub(crate) fn is_number(&self) -> bool {
        self.t.as_deref().is_none_or(|t| t == "n")
    }

    pub(crate) fn is_date(&self) -> bool {
        self.is_number() && self.format.contains("yy") && self.format.contains("dd")
    }
}

/// The cells of a sheet by reference ("C4"), with their style's number format.
pub(crate) fn cells(xlsx: &[u8], sheet: usize) -> BTreeMap<String, Cell> {
    let styles = part(xlsx, "xl/styles.xml");
    let custom: BTreeMap<String, String> = styles
        .split("<numFmt ")
        .skip(1)
        .filter_map(|f| Some((attr(f, "numFmtId")?, attr(f, "formatCode")?.replace("&quot;", "\""))))
        .collect();
    let xfs = styles.split("<cellXfs").nth(1).and_then(|x| x.split("</cellXfs>").next()).unwrap_or_default();
    let formats: Vec<String> = xfs
        .split("<xf ")
        .skip(1)
        .map(|xf| {
            let id = attr(xf, "numFmtId").unwrap_or_else(|| "0".into());
            custom.get(&id).cloned().unwrap_or(if id == "0" { "General".into() } else { format!("builtin {id}") })
        })
        .collect();
    let shared: Vec<String> = {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip");
        let mut text = String::new();
        if let Ok(mut f) = archive.by_name("xl/sharedStrings.xml") {
            f.read_to_string(&mut text).expect("utf-8");
        }
        text.split("<si>")
            .skip(1)
            .map(|si| {
                si.split("<t")
                    .skip(1)
                    .filter_map(|t| t.split_once('>'))
                    .map(|(_, r)| r.split("</t>").next().unwrap_or_default())
                    .collect()
            })
            .collect()
    };
    let xml = part(xlsx, &format!("xl/worksheets/sheet{sheet}.xml"));
    xml.split("<c ")
        .skip(1)
        .map(|c| {
            let tag = c.split('>').next().unwrap_or_default();
            let value = c.split("<v>").nth(1).and_then(|v| v.split("</v>").next()).unwrap_or_default().to_owned();
            let t = attr(tag, "t");
            let style: usize = attr(tag, "s").and_then(|s| s.parse().ok()).unwrap_or(0);
            let text = (t.as_deref() == Some("s"))
                .then(|| value.parse::<usize>().ok().and_then(|i| shared.get(i).cloned()))
                .flatten();
            let cell = Cell { t, format: formats.get(style).cloned().unwrap_or_default(), value, text };
            (attr(tag, "r").unwrap_or_default(), cell)
        })
        .collect()
}

fn register_like() -> Table {
    Table {
        sheet: "Hoạt động tuyên truyền".into(),
        title: Some("Hoạt động tuyên truyền — xã Mường La".into()),
        columns: vec![
            Column::number("Mã bản ghi", 8.0),
            Column::new("Đơn vị", 16.0),
            Column::date("Ngày thực hiện", 12.0),
            Column::number("Số người tham dự", 12.0),
            Column::number("Kết quả", 14.0),
            Column::date_time("Cập nhật", 18.0),
            Column::new("Điện thoại", 14.0),
        ],
        rows: vec![
            Row::data(vec![
                "41".into(),
                "Phòng Văn hóa - Xã hội".into(),
                "10/02/2026".into(),
                "1.234".into(),
                "66,7% (2/3)".into(),
                "09:30 01/03/2026".into(),
                "0912345678".into(),
            ]),
            Row::data(vec![
                "42".into(),
                "Bản Ít Ong".into(),
                "2026-02-11".into(),
                "22,5".into(),
                "—".into(),
                String::new(),
                "02123".into(),
            ]),
            Row::data(vec![
                "43".into(),
                "Bản Pá Lếch".into(),
                "12/02/2026".into(),
                "30".into(),
                "100%".into(),
                String::new(),
                String::new(),
            ]),
        ],
    }
}

#[test]
fn numbers_are_numbers_and_days_are_dates_in_the_xlsx() {
    let xlsx = to_xlsx(&[register_like()]).expect("written");
    let cells = cells(&xlsx, 1);
    let cell = |r: &str| cells.get(r).unwrap_or_else(|| panic!("{r} in {cells:?}")).clone();
    // Row 4 is the first record (title, blank line, header).
    let id = cell("A4");
    assert!(id.is_number() && id.value == "41", "{id:?}");
    let unit = cell("B4");
    assert_eq!(unit.t.as_deref(), Some("s"), "text stays text");
    assert_eq!(unit.text.as_deref(), Some("Phòng Văn hóa - Xã hội"));
    let day = cell("C4");
    assert!(day.is_date() && day.format == "dd/mm/yyyy", "a day as a date: {day:?}");
    assert_eq!(day.value, "46063", "10 February 2026 as Excel counts days");
    assert_eq!(cell("C5").value, "46064", "an ISO day too");
    let people = cell("D4");
    assert!(
        people.is_number() && people.value == "1234" && people.format == "#,##0",
        "1.234 is a thousand: {people:?}"
    );
    let decimal = cell("D5");
    assert!(decimal.is_number() && decimal.value == "22.5", "a decimal comma: {decimal:?}");
    let ratio = cell("E4");
    assert!(ratio.is_number(), "a share is a number: {ratio:?}");
    assert!((ratio.value.parse::<f64>().expect("a number") - 0.667).abs() < 1e-9, "{ratio:?}");
    assert_eq!(ratio.format, "0.0%\" (2/3)\"", "shown as 66,7% (2/3)");
    assert_eq!(cell("E5").t.as_deref(), Some("s"), "a dash is no number");
    let full = cell("E6");
    assert!(full.is_number() && full.value == "1" && full.format == "0%", "{full:?}");
    let at = cell("F4");
    assert!(at.is_date() && at.format == "dd/mm/yyyy hh:mm", "{at:?}");
    assert!(at.value.starts_with("46082.3958"), "1 March 2026 09:30: {at:?}");
    assert_eq!(cell("G4").t.as_deref(), Some("s"), "a phone number is text in a text column");
    // In the whole sheet, no number column holds a number as text.
    for (r, c) in &cells {
        let col = r.trim_end_matches(|ch: char| ch.is_ascii_digit());
        let row: u32 = r[col.len()..].parse().expect("a row");
        if row >= 4 && ["A", "C", "D"].contains(&col) {
            assert!(c.is_number(), "{r} holds a number: {c:?}");
        }
    }
}

#[test]
fn the_csv_of_the_same_table_keeps_the_text_as_people_read_it() {
    let csv = to_csv(&register_like()).expect("written");
    let text = std::str::from_utf8(&csv[3..]).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1],
        "41,Phòng Văn hóa - Xã hội,10/02/2026,1.234,66,7% (2/3),09:30 01/03/2026,0912345678"
            .replace("66,7% (2/3)", "\"66,7% (2/3)\"")
    );
    assert_eq!(lines[2], "42,Bản Ít Ong,2026-02-11,\"22,5\",—,,02123");
}
