//! The province's consolidated report read back (issue 13): a .docx package that opens, the
//! department's lines, the completeness figures with their rates, each indicator's official
//! total, a Phụ lục with one row per commune and a header row that repeats, the same bytes for
//! the same input; the same rows as .xlsx (numbers and dates typed) and .csv (with its BOM); and
//! LibreOffice turns it into a PDF of a sane number of pages.

use std::io::{Cursor, Read};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use kehoach_docs::docx::Layout;
use kehoach_docs::province_report::{
    CommuneLine, Completeness, IndicatorTotal, ProvinceReportInput, communes_table, report_docx,
};
use kehoach_docs::tables::{to_csv, to_xlsx};
use kehoach_domain::progress::Status;
use kehoach_domain::province::Province;
use kehoach_domain::rollup::{AtProvince, Commune, CommuneFigure, Target, Value, rollup};
use kehoach_domain::text::compare_vi;

const SON_LA: &str = include_str!("../../../../plans/son-la.toml");

fn province() -> Province {
    kehoach_plan::province::parse_province(SON_LA).expect("the shipped province file is valid")
}

fn status_label(s: Status) -> String {
    match s {
        Status::Achieved => "Đạt",
        Status::OnTrack => "Đúng tiến độ",
        Status::AtRisk => "Có nguy cơ chậm",
        Status::Behind => "Chậm tiến độ",
        Status::NotMeasurable => "Chưa đo được",
    }
    .to_owned()
}

/// A commune's value for each indicator of the province, by its rule.
fn values(province: &Province, seed: f64) -> Vec<Option<Value>> {
    use kehoach_domain::rollup::Rule;
    province
        .indicators
        .iter()
        .map(|i| {
            Some(match i.rule {
                Rule::Sum => Value::Count { value: seed },
                Rule::RatioOfSums => Value::Ratio { numerator: seed, denominator: 8.0 },
                Rule::ShareMeetingTarget => Value::AgainstTarget { value: seed, target: Some(Target::at_least(1.0)) },
                Rule::Distribution => Value::Status { status: Status::Achieved },
            })
        })
        .collect()
}

/// Sơn La's 75 communes for Quý I 2026: Mường La accepted (3 of everything), Chiềng Lao
/// returned (its 40 never counts), the others missing.
fn input<'a>(province: &'a Province, status: &'a dyn Fn(Status) -> String) -> ProvinceReportInput<'a> {
    let mut communes: Vec<CommuneLine> = province
        .communes
        .iter()
        .map(|c| {
            let (state, sent_on, number, values, missing, returned) = match c.code.as_str() {
                "03808" => (
                    "Đã tiếp nhận",
                    NaiveDate::from_ymd_opt(2026, 3, 6),
                    Some("07/BC-UBND".to_owned()),
                    values(province, 3.0),
                    false,
                    false,
                ),
                _ if c.name == "Chiềng Lao" => (
                    "Đã trả lại",
                    NaiveDate::from_ymd_opt(2026, 3, 9),
                    Some("04/BC-UBND".to_owned()),
                    vec![None; province.indicators.len()],
                    false,
                    true,
                ),
                _ => ("Chưa gửi", None, None, vec![None; province.indicators.len()], true, false),
            };
            CommuneLine { full_name: c.full_name(), state: state.into(), missing, returned, sent_on, number, values }
        })
        .collect();
    communes.sort_by(|a, b| compare_vi(bare(&a.full_name), bare(&b.full_name)));
    let accepted = values(province, 3.0);
    let returned = values(province, 40.0);
    let indicators = province
        .indicators
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let figures: Vec<CommuneFigure> = province
                .communes
                .iter()
                .map(|c| {
                    let (report, value) = match c.code.as_str() {
                        "03808" => (Some(AtProvince::Accepted), accepted[k]),
                        _ if c.name == "Chiềng Lao" => (Some(AtProvince::Returned), returned[k]),
                        _ => (None, None),
                    };
                    CommuneFigure { commune: Commune { code: c.code.clone(), name: c.name.clone() }, report, value }
                })
                .collect();
            IndicatorTotal { indicator: i.clone(), official: rollup(i.rule, &figures) }
        })
        .collect();
    ProvinceReportInput {
        province,
        period_label: "Quý I năm 2026".into(),
        year: 2026,
        deadline_day: NaiveDate::from_ymd_opt(2026, 3, 10),
        completeness: Completeness {
            expected: 75,
            sent: 2,
            on_time: 2,
            late: 0,
            missing: 73,
            waiting: 0,
            returned: 1,
            reopened: 0,
            accepted: 1,
        },
        indicators,
        communes,
        status_label: status,
    }
}

/// A commune's name without its kind ("Xã Mường La" → "Mường La"): the order of the Phụ lục.
fn bare(full_name: &str) -> &str {
    ["Xã ", "Phường ", "Đặc khu "].iter().find_map(|k| full_name.strip_prefix(k)).unwrap_or(full_name)
}

fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a .docx is a zip");
    let mut s = String::new();
    archive.by_name(name).unwrap_or_else(|_| panic!("{name}")).read_to_string(&mut s).expect("utf-8");
    s
}

/// Every paragraph's text, in order.
fn paragraphs(xml: &str) -> Vec<String> {
    xml.split("</w:p>")
        .map(|chunk| {
            chunk
                .split("<w:t")
                .skip(1)
                .filter_map(|p| Some(p[p.find('>')? + 1..p.find("</w:t>")?].replace("&amp;", "&")))
                .collect()
        })
        .collect()
}

#[test]
fn the_consolidated_report_has_the_departments_heading_its_figures_and_a_row_per_commune() {
    let province = province();
    let input = input(&province, &status_label);
    let docx = report_docx(&input, &Layout::default()).expect("written");
    assert!(docx.starts_with(b"PK"), "a zip package");
    let xml = part(&docx, "word/document.xml");
    let lines = paragraphs(&xml);
    let has = |s: &str| lines.iter().any(|l| l.contains(s));
    for s in [
        "UBND TỈNH SƠN LA",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số:       /BC-SKHCN",
        "Sơn La, ngày      tháng      năm 2026",
        "Kết quả thực hiện các chỉ tiêu quý I năm 2026 của các xã, phường",
        "Kính gửi: Ủy ban nhân dân tỉnh Sơn La.",
        "Thời hạn gửi báo cáo quý I năm 2026: trước ngày 10/3/2026.",
        "- Số xã, phường phải báo cáo: 75.",
        "- Số xã, phường đã gửi báo cáo: 2/75 (2,7%); trong đó gửi đúng hạn: 2 (2,7%), gửi muộn: 0 (0%).",
        "- Các xã, phường có báo cáo bị trả lại để hoàn thiện: Xã Chiềng Lao.",
        "Nơi nhận:",
        "- Lưu: VT.",
        "GIÁM ĐỐC",
        "PHỤ LỤC",
        "Kèm theo Báo cáo số      /BC-SKHCN",
    ] {
        assert!(has(s), "{s:?} in {lines:#?}");
    }
    // The totals are Mường La's alone: Chiềng Lao's report was returned.
    let sang_kien = province.indicators.iter().position(|i| i.code == "sang-kien").expect("sang-kien") + 1;
    let line = lines.iter().find(|l| l.starts_with(&format!("{sang_kien}. "))).expect("the indicator's line");
    assert!(line.ends_with(": 3 sáng kiến (tổng hợp từ 1 xã, phường); tỉnh không giao chỉ tiêu."), "{line}");
    assert!(!line.contains("43") && !line.contains("40"), "{line}");
    let rate = lines.iter().find(|l| l.contains("Tỷ lệ CBCC cấp xã được tuyên truyền")).expect("a rate");
    assert!(
        rate.contains("37,5% (3/8; tổng tử số trên tổng mẫu số") && rate.contains("chỉ tiêu của tỉnh: 50%"),
        "{rate}"
    );
    // No internal code anywhere in the text.
    for code in ["sang-kien", "ratio_of_sums", "accepted", "03808", "son-la"] {
        assert!(!lines.iter().any(|l| l.contains(code)), "{code} printed");
    }

    // The Phụ lục: a header row that repeats on every page, then one row per commune.
    let appendix = &xml[xml.find(">PHỤ LỤC<").expect("the appendix")..];
    let table = appendix.split("<w:tbl>").nth(1).expect("its table");
    let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
    assert_eq!(rows.len(), 1 + 75, "a header and a row per commune");
    assert!(rows[0].contains("<w:tblHeader />") && rows[0].contains(">STT<") && rows[0].contains(">Chỉ tiêu 8<"));
    assert!(rows[1..].iter().all(|r| !r.contains("tblHeader") && r.contains("<w:cantSplit />")));
    let muong_la = rows.iter().find(|r| r.contains(">Xã Mường La<")).expect("Mường La's row");
    for s in [">Đã tiếp nhận<", ">06/03/2026<", ">07/BC-UBND<", ">3<", ">37,5% (3/8)<", ">3 (đạt)<", ">Đạt<"]
    {
        assert!(muong_la.contains(s), "{s} in Mường La's row");
    }
    let returned = rows.iter().find(|r| r.contains(">Xã Chiềng Lao<")).expect("Chiềng Lao's row");
    assert!(returned.contains(">Đã trả lại<") && returned.contains(">04/BC-UBND<") && !returned.contains(">40<"));
    // In Vietnamese order: the names as the rows give them.
    let names: Vec<String> = rows[1..].iter().map(|r| paragraphs(r).get(1).cloned().unwrap_or_default()).collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| compare_vi(bare(a), bare(b)));
    assert_eq!(names, sorted);

    let core = part(&docx, "docProps/core.xml");
    assert!(core.contains("<dc:creator>UBND TỈNH SƠN LA SỞ KHOA HỌC VÀ CÔNG NGHỆ</dc:creator>"), "{core}");
    assert!(!core.contains("1970") && !core.contains("dcterms:created"), "no date before the office writes one");

    assert!(report_docx(&input, &Layout::default()).expect("again") == docx, "the same input, the same bytes");
}

#[test]
fn the_communes_table_holds_numbers_and_dates_and_its_csv_starts_with_a_bom() {
    let province = province();
    let input = input(&province, &status_label);
    let table = communes_table(&input);
    let bytes = to_xlsx(std::slice::from_ref(&table)).expect("xlsx");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
    let range = book.worksheet_range("Phụ lục").expect("the sheet");
    assert_eq!(range.height(), 2 + 1 + 75, "title, blank, header, 75 communes");
    let row = (3..range.height() as u32)
        .find(|r| range.get_value((*r, 1)).is_some_and(|d| *d == "Xã Mường La"))
        .expect("Mường La");
    assert!(matches!(range.get_value((row, 0)), Some(Data::Float(_))), "STT is a number");
    assert!(
        matches!(range.get_value((row, 3)), Some(Data::DateTime(_))),
        "the day is a date: {:?}",
        range.get_value((row, 3))
    );
    let sang_kien = 5 + province.indicators.iter().position(|i| i.code == "sang-kien").expect("sang-kien") as u32;
    assert_eq!(range.get_value((row, sang_kien)), Some(&Data::Float(3.0)));
    let share = 5 + province.indicators.iter().position(|i| i.code == "can-bo-dau-moi").expect("share") as u32;
    assert_eq!(range.get_value((row, share)), Some(&Data::Float(3.0)), "the commune's value alone, a number");
    let rate = 5 + province.indicators.iter().position(|i| i.code == "ty-le-cbcc-tuyen-truyen").expect("rate") as u32;
    assert_eq!(range.get_value((row, rate)), Some(&Data::Float(0.375)));

    let csv = to_csv(&table).expect("csv");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&csv[3..]).expect("utf-8");
    assert_eq!(text.lines().count(), 1 + 75);
    assert!(text.lines().next().is_some_and(|h| h.starts_with("STT,\"Tên xã, phường\",Tình trạng báo cáo,Ngày gửi")));
    assert!(text.lines().any(|l| l.contains("Xã Mường La,Đã tiếp nhận,06/03/2026,07/BC-UBND,3,")), "{text}");
}

fn tool(name: &str) -> Option<String> {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().ok()?;
    found.status.success().then(|| String::from_utf8_lossy(&found.stdout).trim().to_owned())
}

#[test]
fn libreoffice_makes_a_pdf_of_a_few_pages_with_a_landscape_appendix() {
    let (Some(soffice), Some(pdfinfo)) = (tool("soffice"), tool("pdfinfo")) else {
        // As the other LibreOffice tests: `.ci/run` installs it; without it there is nothing to run.
        panic!(
            "`soffice` or `pdfinfo` is missing: install libreoffice-writer-nogui and poppler-utils, or run bash .ci/run"
        );
    };
    let province = province();
    let dir = std::env::temp_dir().join(format!("kehoach-lo-province-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("bao-cao-tong-hop.docx");
    std::fs::write(&file, report_docx(&input(&province, &status_label), &Layout::default()).expect("written"))
        .expect("write");
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let out = Command::new(soffice)
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&file)
        .output()
        .expect("run soffice");
    let pdf = file.with_extension("pdf");
    assert!(pdf.exists(), "LibreOffice could not open it: {}", String::from_utf8_lossy(&out.stderr));
    let info =
        String::from_utf8_lossy(&Command::new(&pdfinfo).arg(&pdf).output().expect("pdfinfo").stdout).into_owned();
    let pages: usize =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("a page count");
    // Two or three pages of report, and 75 rows of appendix on landscape pages.
    assert!((4..=16).contains(&pages), "{pages} pages");
    let sizes = String::from_utf8_lossy(
        &Command::new(&pdfinfo).args(["-f", "1", "-l", &pages.to_string()]).arg(&pdf).output().expect("pdfinfo").stdout,
    )
    .into_owned();
    let first = sizes.lines().find(|l| l.starts_with("Page    1 size:")).expect("page 1");
    assert!(first.contains("595.") && first.contains("x 841."), "A4 portrait: {first}");
    let last = sizes.lines().rfind(|l| l.starts_with("Page ") && l.contains(" size:")).expect("last page");
    assert!(last.contains("841.") && last.contains("x 595."), "A4 landscape appendix: {last}");
    let _ = std::fs::remove_dir_all(&dir);
}
