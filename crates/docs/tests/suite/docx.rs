//! The .docx documents read back: page size and margins, fonts, the heading's texts, the number
//! and date lines, the appendix rows, every Vietnamese string intact; and the plan word for word
//! against the seed.

use std::io::Read;

use chrono::NaiveDate;
use kehoach_docs::docx::Layout;
use kehoach_docs::docx::plan::plan_docx;
use kehoach_docs::docx::report::{ReportInput, report_docx};
use kehoach_domain::Plan;
use kehoach_domain::consolidation::Consolidation;
use kehoach_domain::measure::{Evidence, Progress};
use kehoach_domain::progress::Status;
use kehoach_domain::text::nfc;

/// The text extracted from the plan's PDF, as received.
const SEED: &str = include_str!("../../../plan/tests/fixtures/seed-muong-la-2026.txt");

pub(crate) fn plan() -> Plan {
    kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).expect("the seed plan is valid")
}

/// A part of the .docx package (a zip of XML files).
fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let mut file = archive.by_name(name).unwrap_or_else(|_| panic!("{name} in the package"));
    let mut s = String::new();
    file.read_to_string(&mut s).expect("utf-8 xml");
    s
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The text of every paragraph, in document order (table cells included).
fn paragraphs(xml: &str) -> Vec<String> {
    xml.split("</w:p>")
        .map(|chunk| {
            let mut text = String::new();
            for piece in chunk.split("<w:t").skip(1) {
                let Some(start) = piece.find('>') else { continue };
                let body = &piece[start + 1..];
                if let Some(end) = body.find("</w:t>") {
                    text.push_str(&unescape(&body[..end]));
                }
            }
            text
        })
        .collect()
}

fn flat(s: &str) -> String {
    nfc(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_plan_reads_like_the_seed() {
    let plan = plan();
    let docx = plan_docx(&plan, &Layout::default()).expect("written");
    let paras = paragraphs(&part(&docx, "word/document.xml"));
    let text = paras.join("\n");
    let start = text.find(&plan.document.title).expect("the subject line");
    let end = text.find("Trần Hải Sơn").expect("the signer") + "Trần Hải Sơn".len();
    let ours = flat(&text[start..end]);
    let seed_end = SEED.find("Trần Hải Sơn").expect("signer in seed") + "Trần Hải Sơn".len();
    let seed = flat(&SEED[..seed_end]);
    if ours != seed {
        let at = ours.chars().zip(seed.chars()).take_while(|(a, b)| a == b).count();
        let context = |s: &str| s.chars().skip(at.saturating_sub(60)).take(140).collect::<String>();
        panic!("differs at character {at}:\n ours: …{}…\n seed: …{}…", context(&ours), context(&seed));
    }
    // The heading, before the subject.
    let head = flat(&text[..start]);
    assert!(head.starts_with("ỦY BAN NHÂN DÂN XÃ MƯỜNG LA"), "{head}");
    assert!(head.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"), "{head}");
    assert!(head.contains("KẾ HOẠCH"), "{head}");
    // The appendices' rows: every appendix indicator and every task, in order.
    let after = &text[end..];
    let at1 = after.find("PHỤ LỤC I").expect("Phụ lục I");
    let at2 = after.find("PHỤ LỤC II").expect("Phụ lục II");
    assert!(at1 < at2);
    for (_, rows) in plan.appendix_indicators() {
        for i in rows {
            assert!(after[at1..at2].contains(&i.name), "{} in Phụ lục I", i.code);
        }
    }
    for t in &plan.tasks {
        assert!(after[at2..].contains(&t.description), "{} in Phụ lục II", t.code);
    }
    assert!(after.contains("Năm 2026") && after.contains("Thường xuyên") && after.contains("Hằng năm"));
}

#[test]
fn the_page_is_a4_with_decree_30_margins_times_new_roman_and_numbers_from_page_two() {
    let docx = plan_docx(&plan(), &Layout::default()).expect("written");
    let doc = part(&docx, "word/document.xml");
    // A4 portrait for the body, landscape for the appendices (twentieths of a point).
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4 portrait");
    assert!(doc.contains(r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape""#), "landscape appendices");
    // Top 20 mm, right 15 mm, bottom 20 mm, left 30 mm.
    assert!(doc.contains(r#"w:top="1134" w:right="850" w:bottom="1134" w:left="1701""#), "margins");
    // No number on the first page: a title page with an empty first header.
    assert!(doc.contains("<w:titlePg"), "first page without a number");
    let styles = part(&docx, "word/styles.xml");
    assert!(styles.contains(r#"w:ascii="Times New Roman""#), "Times New Roman");
    assert!(styles.contains(r#"<w:sz w:val="28""#), "14 pt body");
    let headers: Vec<String> = (1..=3)
        .filter_map(|n| {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&docx[..])).ok()?;
            let mut f = archive.by_name(&format!("word/header{n}.xml")).ok()?;
            let mut s = String::new();
            f.read_to_string(&mut s).ok()?;
            Some(s)
        })
        .collect();
    assert!(headers.iter().any(|h| h.contains("PAGE")), "a page number field in a header");
    assert!(!doc.contains(r#"w:type="first""#), "no first-page header: page 1 stays blank at the top");
    let body = &doc[..doc.find("<w:titlePg").unwrap_or(0)];
    assert!(body.contains("Độc lập - Tự do - Hạnh phúc"), "the title page is the first section");
}

fn progress(indicator: &str, value: Option<f64>, parts: Option<(f64, f64)>, status: Status) -> Progress {
    Progress {
        indicator: indicator.into(),
        date: NaiveDate::from_ymd_opt(2026, 3, 14).unwrap_or_default(),
        measure: "count".into(),
        value,
        numerator: parts.map(|p| p.0),
        denominator: parts.map(|p| p.1),
        target: None,
        expected: None,
        status,
        evidence: Evidence::Records { counted: vec![], over: vec![] },
    }
}

fn report(number: Option<u32>, issued_on: Option<NaiveDate>, approved: bool) -> Vec<u8> {
    let consolidation = Consolidation {
        accepted: 1,
        expected: 2,
        tasks: vec![],
        indicators: vec![],
        activities: vec![],
        difficulties: vec![kehoach_domain::consolidation::UnitText {
            unit: "ban-a".into(),
            unit_name: "Bản Ít Ong".into(),
            text: "Sóng điện thoại yếu, khó họp trực tuyến".into(),
        }],
        proposals: vec![],
    };
    report_of(
        number,
        issued_on,
        approved,
        "UBND xã đã ban hành kế hoạch và giao nhiệm vụ cho các đơn vị.",
        &consolidation,
    )
}

/// An approved report of several pages: a long narrative, and every reporting unit with its
/// activities, difficulties and proposals; Phụ lục I runs over more than one page.
pub(crate) fn long_report() -> Vec<u8> {
    let plan = plan();
    let text = |unit: &kehoach_domain::unit::Unit, what: &str| kehoach_domain::consolidation::UnitText {
        unit: unit.code.clone(),
        unit_name: unit.name.clone(),
        text: format!(
            "{what} của {}: đã tổ chức họp triển khai, phổ biến nội dung Kế hoạch đến toàn thể cán bộ, \
             đảng viên và nhân dân; lồng ghép tuyên truyền về chuyển đổi số, ứng dụng khoa học, công nghệ \
             trong sản xuất nông nghiệp, chăn nuôi và bảo quản nông sản sau thu hoạch.",
            unit.name
        ),
    };
    let units: Vec<_> = plan.reporting_units().collect();
    let consolidation = Consolidation {
        accepted: units.len(),
        expected: units.len(),
        tasks: vec![],
        indicators: vec![],
        activities: units.iter().map(|u| text(u, "Hoạt động")).collect(),
        difficulties: units.iter().map(|u| text(u, "Khó khăn")).collect(),
        proposals: units.iter().take(4).map(|u| text(u, "Đề xuất")).collect(),
    };
    let narrative = "UBND xã đã ban hành Kế hoạch, phân công nhiệm vụ cụ thể cho các cơ quan, đơn vị và các bản, \
         tiểu khu; chỉ đạo lồng ghép nội dung khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số vào các \
         chương trình phát triển kinh tế - xã hội của xã.\n\
         Tổ chức tuyên truyền trên hệ thống truyền thanh xã, tại các buổi họp bản và trên các nhóm Zalo của \
         các bản; hướng dẫn người dân cài đặt và sử dụng ứng dụng định danh điện tử, thanh toán không dùng \
         tiền mặt và dịch vụ công trực tuyến.";
    report_of(Some(5), NaiveDate::from_ymd_opt(2026, 3, 5), true, narrative, &consolidation)
}

fn report_of(
    number: Option<u32>,
    issued_on: Option<NaiveDate>,
    approved: bool,
    narrative: &str,
    consolidation: &Consolidation,
) -> Vec<u8> {
    let plan = plan();
    let progress: Vec<Progress> = plan
        .indicators
        .iter()
        .map(|i| match i.code.as_str() {
            "IV.1" => progress("IV.1", Some(2.0), None, Status::OnTrack),
            "CT.2" => progress("CT.2", Some(200.0 / 3.0), Some((2.0, 3.0)), Status::Achieved),
            code => progress(code, None, None, Status::NotMeasurable),
        })
        .collect();
    let label = |s: Status| match s {
        Status::OnTrack => "Đúng tiến độ".to_owned(),
        Status::Achieved => "Đạt".to_owned(),
        _ => "Chưa đo được".to_owned(),
    };
    let input = ReportInput {
        plan: &plan,
        period_label: "Quý I năm 2026".into(),
        next_period_label: Some("Quý II năm 2026".into()),
        number,
        issued_on,
        approved,
        narrative,
        consolidation,
        progress: &progress,
        progress_date: NaiveDate::from_ymd_opt(2026, 3, 14).unwrap_or_default(),
        as_of_basis: kehoach_domain::record::AsOfBasis::DataCutOff,
        signer: None,
        task_status: &|s| s.key().to_owned(),
        indicator_status: &label,
    };
    report_docx(&input, &Layout::default()).expect("written")
}

#[test]
fn the_report_heading_number_date_and_appendix() {
    let plan = plan();
    let docx = report(Some(5), NaiveDate::from_ymd_opt(2026, 3, 5), true);
    let paras = paragraphs(&part(&docx, "word/document.xml"));
    let has = |s: &str| paras.iter().any(|p| p == s);
    assert!(has("ỦY BAN NHÂN DÂN") && has("XÃ MƯỜNG LA"), "{paras:?}");
    assert!(has("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && has("Độc lập - Tự do - Hạnh phúc"));
    assert!(has("Số: 05/BC-UBND"), "a leading zero under 10");
    assert!(has("Mường La, ngày 05 tháng 3 năm 2026"), "day under 10 with 0, March without");
    assert!(has("BÁO CÁO") && has("Quý I năm 2026"));
    assert!(has("Kính gửi: Sở Khoa học và Công nghệ tỉnh Sơn La."), "the province named: {paras:?}");
    assert!(has("KT. CHỦ TỊCH") && has("PHÓ CHỦ TỊCH") && has("Trần Hải Sơn"));
    assert!(has("Nơi nhận:") && has("- Như trên;") && has("- Lưu: VT, VHXH."));
    assert!(!has("DỰ THẢO"), "an approved report is no draft");
    assert!(paras.iter().any(|p| p.contains("Bản Ít Ong: Sóng điện thoại yếu")), "difficulties from the units");
    assert!(has("(Kèm theo Báo cáo số 05/BC-UBND ngày 05/3/2026 của UBND xã Mường La)"));
    // The appendix: a row per indicator, with its result.
    let at = paras.iter().position(|p| p == "PHỤ LỤC I").expect("appendix");
    let table = &paras[at..];
    for i in &plan.indicators {
        assert!(table.iter().any(|p| p == &i.name), "{} in the appendix", i.code);
    }
    let iv1 = table.iter().position(|p| p.starts_with("Số lượt tuyên truyền")).expect("IV.1 row");
    assert_eq!(table[iv1 + 3], "2", "IV.1's result");
    assert_eq!(table[iv1 + 4], "Đúng tiến độ");
    let ct2 = table.iter().position(|p| p.starts_with("Tỷ lệ cán bộ, công chức trực tiếp")).expect("CT.2 row");
    assert_eq!(table[ct2 + 3], "66,7% (2/3)");
}

#[test]
fn dates_in_january_and_february_take_a_leading_zero_in_the_month() {
    let docx = report(Some(12), NaiveDate::from_ymd_opt(2026, 1, 15), true);
    let paras = paragraphs(&part(&docx, "word/document.xml"));
    assert!(paras.iter().any(|p| p == "Mường La, ngày 15 tháng 01 năm 2026"), "{paras:?}");
    assert!(paras.iter().any(|p| p == "Số: 12/BC-UBND"));
}

#[test]
fn a_draft_has_no_number_and_says_so() {
    let docx = report(None, None, false);
    let paras = paragraphs(&part(&docx, "word/document.xml"));
    assert!(paras.iter().any(|p| p == "DỰ THẢO"));
    assert!(paras.iter().any(|p| p.starts_with("Số:") && p.ends_with("/BC-UBND") && !p.contains('0')), "{paras:?}");
}

/// The `w:spacing` of every paragraph holding `text`.
fn spacing_of(xml: &str, text: &str) -> Vec<String> {
    xml.split("</w:p>")
        .filter(|p| p.contains(&format!(">{text}</w:t>")))
        .map(|p| p.split("<w:spacing").nth(1).and_then(|s| s.split("/>").next()).unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn body_lines_are_spaced_by_a_multiple_of_the_font_not_an_exact_height() {
    let docx = report(Some(5), NaiveDate::from_ymd_opt(2026, 3, 5), true);
    let doc = part(&docx, "word/document.xml");
    let body = spacing_of(&doc, "II. KHÓ KHĂN, VƯỚNG MẮC");
    assert_eq!(body.len(), 1, "{body:?}");
    // 1.15 × the font's single line (240 = single), as a multiple: LibreOffice read the old
    // `w:line="276"` without a rule as an exact 13.8 pt for 14 pt text.
    assert!(body[0].contains(r#"w:line="276""#) && body[0].contains(r#"w:lineRule="auto""#), "{body:?}");
    assert!(body[0].contains(r#"w:after="120""#), "6 pt after a paragraph: {body:?}");
    // No paragraph is left without a rule, and none is exact but the rules' thin paragraphs.
    for chunk in doc.split("<w:spacing").skip(1) {
        let attrs = chunk.split("/>").next().unwrap_or_default();
        if attrs.contains("w:line=") {
            assert!(attrs.contains("w:lineRule="), "a line height without its rule: {attrs}");
        }
        if attrs.contains(r#"w:lineRule="exact""#) {
            assert!(attrs.contains(r#"w:line="60""#), "only the rules are exact: {attrs}");
        }
    }
}

#[test]
fn the_rules_under_the_heading_leave_room_before_the_next_line() {
    let docx = report(Some(5), NaiveDate::from_ymd_opt(2026, 3, 5), true);
    let doc = part(&docx, "word/document.xml");
    let rules: Vec<&str> = doc.split("</w:p>").filter(|p| p.contains("<w:pBdr>")).collect();
    assert_eq!(rules.len(), 3, "under the issuing body, the motto and the subject");
    for r in rules {
        assert!(r.contains(r#"w:after="120""#), "6 pt below the rule: {r}");
    }
}

#[test]
fn appendix_tables_repeat_their_header_row_and_keep_rows_whole() {
    for docx in [
        report(Some(5), NaiveDate::from_ymd_opt(2026, 3, 5), true),
        plan_docx(&plan(), &Layout::default()).expect("written"),
    ] {
        let doc = part(&docx, "word/document.xml");
        let appendix = &doc[doc.find(">PHỤ LỤC I<").expect("an appendix")..];
        let tables: Vec<&str> = appendix.split("<w:tbl>").skip(1).collect();
        assert!(!tables.is_empty());
        for table in tables {
            let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
            assert!(rows.len() > 2);
            assert!(
                rows[0].contains("<w:tblHeader />") && rows[0].contains(">STT<"),
                "the header row repeats: {}",
                rows[0]
            );
            assert!(rows[1..].iter().all(|r| !r.contains("tblHeader")), "only the header row");
            assert!(rows.iter().all(|r| r.contains("<w:cantSplit />")), "every row kept whole");
            // A section's row (its title across the columns) stays with the row under it.
            let sections: Vec<&&str> = rows.iter().filter(|r| r.contains("<w:gridSpan")).collect();
            assert!(!sections.is_empty() && sections.iter().all(|r| r.contains("<w:keepNext")), "{sections:?}");
            // Cells' lines: the body's spacing and 2 pt from the rules.
            assert!(
                rows.iter()
                    .all(|r| r.contains(r#"<w:spacing w:before="40" w:after="40" w:line="276" w:lineRule="auto" />"#))
            );
        }
        assert!(!doc.contains("w:trHeight"), "the header's mark is gone");
    }
}

#[test]
fn the_properties_name_the_issuing_body_the_subject_and_the_date() {
    let docx = report(Some(5), NaiveDate::from_ymd_opt(2026, 3, 5), true);
    let core = part(&docx, "docProps/core.xml");
    assert!(core.contains("<dc:creator>ỦY BAN NHÂN DÂN XÃ MƯỜNG LA</dc:creator>"), "{core}");
    assert!(core.contains("<dc:title>Báo cáo: Kết quả thực hiện Kế hoạch hoạt động"), "{core}");
    assert!(core.contains("— Quý I năm 2026</dc:title>"), "{core}");
    assert!(
        core.contains(r#"<dcterms:created xsi:type="dcterms:W3CDTF">2026-03-05T00:00:00Z</dcterms:created>"#),
        "{core}"
    );
    assert!(
        core.contains(r#"<dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-05T00:00:00Z</dcterms:modified>"#),
        "{core}"
    );
    assert!(!core.contains("unknown") && !core.contains("1970"), "{core}");
    let app = part(&docx, "docProps/app.xml");
    assert!(app.contains("<Company>ỦY BAN NHÂN DÂN XÃ MƯỜNG LA</Company>"), "{app}");
    // A draft has no date yet: no created date at all rather than 1970.
    let draft = part(&report(None, None, false), "docProps/core.xml");
    assert!(
        !draft.contains("dcterms:created") && !draft.contains("1970") && draft.contains("<dc:creator>ỦY BAN"),
        "{draft}"
    );
    // The plan: its own date.
    let plan = plan();
    let core = part(&plan_docx(&plan, &Layout::default()).expect("written"), "docProps/core.xml");
    assert!(core.contains(&format!("<dc:title>Kế hoạch: {}</dc:title>", plan.document.title)), "{core}");
    if let Some(d) = plan.document.issued_on {
        assert!(core.contains(&format!("{}T00:00:00Z</dcterms:created>", d.format("%Y-%m-%d"))), "{core}");
    }
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let a = report(Some(5), NaiveDate::from_ymd_opt(2026, 3, 5), true);
    let b = report(Some(5), NaiveDate::from_ymd_opt(2026, 3, 5), true);
    assert!(a == b, "no clock in the package");
}
