//! The embedded Mường La 2026 plan carries the seed document exactly.

use kehoach_domain::text::{is_nfc, nfc};
use kehoach_domain::{IndicatorKind, Plan, TimeFrame, recipient_lines};
use kehoach_plan::{DEFAULT_PLAN, parse};

/// The text extracted from the plan's PDF, as received.
const SEED: &str = include_str!("../fixtures/seed-muong-la-2026.txt");

fn plan() -> Plan {
    parse(DEFAULT_PLAN).expect("the seed plan is valid")
}

/// NFC with every run of white space as one space: the PDF extraction wraps lines anywhere.
fn flat(s: &str) -> String {
    nfc(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The plan's body as the document prints it, from the subject line to the signer's name.
fn body_text(plan: &Plan) -> String {
    let mut out = vec![plan.document.title.clone(), plan.preamble.paragraph()];
    for section in &plan.sections {
        out.push(format!("{}. {}", section.number, section.title));
        for part in &section.parts {
            out.push(format!("{}. {}", part.number, part.title));
            out.extend(part.paragraphs.iter().cloned());
            if part.lists_targets {
                out.extend(plan.targets.iter().map(|t| format!("- {}", t.text)));
            }
            out.extend(part.closing.iter().cloned());
        }
        out.extend(section.closing.iter().cloned());
    }
    out.push("Nơi nhận:".into());
    out.extend(recipient_lines(&plan.recipients));
    out.extend(plan.signer.authority.iter().cloned());
    out.push(plan.signer.title.clone());
    out.push(plan.signer.name.clone());
    out.join("\n")
}

#[test]
fn the_body_reads_word_for_word_as_the_seed() {
    let plan = plan();
    let end = SEED.find("Trần Hải Sơn").expect("signer in seed") + "Trần Hải Sơn".len();
    let seed_body = flat(&SEED[..end]);
    let ours = flat(&body_text(&plan));
    if ours != seed_body {
        let at = ours.chars().zip(seed_body.chars()).take_while(|(a, b)| a == b).count();
        let context = |s: &str| s.chars().skip(at.saturating_sub(60)).take(140).collect::<String>();
        panic!("differs at character {at}:\n ours: …{}…\n seed: …{}…", context(&ours), context(&seed_body));
    }
}

#[test]
fn counts_match_the_seed() {
    let plan = plan();
    assert_eq!(plan.preamble.legal_bases.len(), 6);
    assert_eq!(plan.targets.len(), 10);
    assert_eq!(plan.indicators.len(), 15);
    assert_eq!(plan.appendix_indicators().map(|(_, rows)| rows.len()).sum::<usize>(), 7);
    assert_eq!(plan.tasks.len(), 9);
    assert_eq!(plan.task_groups.len(), 4);
    assert_eq!(plan.sections.len(), 4);
    assert_eq!(plan.recipients.len(), 7);
    // A target that is an appendix row is the same indicator, not a second one.
    let tracked: Vec<&str> = plan.targets.iter().map(|t| t.indicator.as_str()).collect();
    assert!(tracked.contains(&"I.2") && tracked.contains(&"II.2"), "{tracked:?}");
    let mut unique = tracked.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10, "each target has its own indicator");
}

#[test]
fn all_text_is_nfc() {
    assert!(is_nfc(DEFAULT_PLAN));
    assert!(is_nfc(&format!("{:?}", plan())));
}

/// Phụ lục I as printed: STT, name, 2025 result, 2026 target, lead, coordinators. Transcribed
/// from the seed independently of the plan file.
const APPENDIX_I: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "I.1",
        "Bố trí cán bộ đầu mối phụ trách KH, CN&ĐMST tại UBND xã",
        "01 cán bộ phụ trách",
        "Duy trì 01 cán bộ phụ trách",
        "Phòng Văn hóa - Xã hội",
        "",
    ),
    (
        "I.2",
        "Tỷ lệ CBCC xã được tuyên truyền, phổ biến kiến thức cơ bản về KH, CN&ĐMST",
        "100%",
        "100%",
        "Phòng Văn hóa - Xã hội",
        "Các cơ quan, đơn vị thuộc UBND xã",
    ),
    (
        "II.1",
        "Ứng dụng CNTT, chuyển đổi số trong quản lý, điều hành UBND xã",
        "Thực hiện thường xuyên",
        "Duy trì, nâng cao hiệu quả",
        "Phòng Văn hóa - Xã hội",
        "Các cơ quan, đơn vị thuộc UBND xã",
    ),
    (
        "II.2",
        "Số mô hình/hoạt động ứng dụng tiến bộ khoa học kỹ thuật vào sản xuất, đời sống được tuyên truyền, nhân rộng",
        "",
        "01",
        "Phòng Kinh tế",
        "Các cơ quan, đơn vị; các bản, tiểu khu",
    ),
    (
        "III.1",
        "Số sáng kiến, giải pháp cải tiến trong khu vực công cấp xã được đề xuất",
        "",
        "01",
        "Phòng Văn hóa - Xã hội",
        "Các cơ quan, đơn vị thuộc UBND xã",
    ),
    (
        "III.2",
        "Số sản phẩm OCOP, sản phẩm địa phương được hỗ trợ ứng dụng khoa học kỹ thuật, cải tiến quy trình",
        "",
        "01",
        "Phòng Kinh tế",
        "Các cơ quan, đơn vị; các bản, tiểu khu",
    ),
    (
        "IV.1",
        "Số lượt tuyên truyền về KH, CN&ĐMST trên hệ thống truyền thanh, họp bản, hội nghị",
        "Thường xuyên",
        "Tối thiểu 4 lượt/ năm",
        "Phòng Văn hóa - Xã hội",
        "Trung tâm Dịch vụ tổng hợp; các bản, tiểu khu",
    ),
];

const APPENDIX_I_SECTIONS: &[(&str, &str)] = &[
    ("I", "PHÁT TRIỂN NGUỒN NHÂN LỰC"),
    ("II", "ỨNG DỤNG KHOA HỌC, CÔNG NGHỆ TRONG QUẢN LÝ VÀ PHÁT TRIỂN KINH TẾ -XÃ HỘI"),
    ("III", "ĐỔI MỚI SÁNG TẠO VÀ SÁNG KIẾN CƠ SỞ"),
    ("IV", "TUYÊN TRUYỀN, NÂNG CAO NHẬN THỨC"),
];

#[test]
fn appendix_i_rows_are_exact() {
    let plan = plan();
    let sections: Vec<(&str, &str)> =
        plan.appendix_indicators().map(|(s, _)| (s.code.as_str(), s.title.as_str())).collect();
    assert_eq!(sections, APPENDIX_I_SECTIONS);
    let rows: Vec<&kehoach_domain::Indicator> = plan.appendix_indicators().flat_map(|(_, rows)| rows).collect();
    assert_eq!(rows.len(), APPENDIX_I.len());
    for (i, (code, name, baseline, target, lead, coordinators)) in rows.iter().zip(APPENDIX_I) {
        assert_eq!(i.code, *code);
        assert_eq!(i.name, *name, "{code} name");
        assert_eq!(i.baseline.text, *baseline, "{code} 2025 result");
        assert_eq!(i.target.text, *target, "{code} 2026 target");
        assert_eq!(plan.ref_name(&i.lead), Some(*lead), "{code} lead");
        assert_eq!(plan.cell(&i.coordinators, i.coordinators_text.as_deref()), *coordinators, "{code} coordinators");
        // Everything printed in the row is in the seed.
        for cell in [*name, *baseline, *target, *lead] {
            assert!(flat(SEED).contains(&flat(cell)), "{code}: `{cell}` not in the seed");
        }
    }
    let by_code = |c: &str| plan.indicator(c).map(|i| (i.kind, i.target.value));
    assert_eq!(by_code("I.2"), Some((IndicatorKind::Ratio, Some(100.0))));
    assert_eq!(by_code("II.1"), Some((IndicatorKind::Qualitative, None)));
    assert_eq!(by_code("IV.1"), Some((IndicatorKind::Count, Some(4.0))));
}

/// Phụ lục II as printed: content, task, lead, coordinators, time frame.
const APPENDIX_II: &[(&str, &str, &str, &str, &str, TimeFrame)] = &[
    (
        "I.1",
        "Triển khai chính sách KHCN",
        "Tổ chức tuyên truyền, quán triệt và triển khai thực hiện các cơ chế, chính sách của Trung ương, của tỉnh về khoa học, công nghệ và đổi mới sáng tạo trên địa bàn xã",
        "Phòng Văn hóa - Xã hội",
        "Các cơ quan, đơn vị; các bản, tiểu khu",
        TimeFrame::Year(2026),
    ),
    (
        "I.2",
        "Rà soát, đề xuất",
        "Tổng hợp khó khăn, vướng mắc; đề xuất cấp có thẩm quyền điều chỉnh, bổ sung chính sách phù hợp với thực tiễn cơ sở",
        "Phòng Văn hóa - Xã hội",
        "Các cơ quan, đơn vị; các bản, tiểu khu",
        TimeFrame::Ongoing,
    ),
    (
        "II.1",
        "Nông nghiệp",
        "Ứng dụng tiến bộ kỹ thuật trong sản xuất nông nghiệp chủ lực của xã (giống, quy trình canh tác, phòng trừ dịch bệnh, bảo vệ môi trường)",
        "Phòng Kinh tế",
        "Phòng Kinh tế; HTX",
        TimeFrame::Year(2026),
    ),
    (
        "II.2",
        "Môi trường",
        "Ứng dụng các mô hình xử lý chất thải sinh hoạt, chất thải chăn nuôi quy mô hộ gia đình, bản, tiểu khu",
        "Phòng Kinh tế",
        "MTTQ xã và các tổ chức chính trị - xã hội; Các cơ quan, đơn vị; các bản, tiểu khu",
        TimeFrame::Year(2026),
    ),
    (
        "II.3",
        "Phát triển sản phẩm",
        "Hỗ trợ áp dụng KHCN trong bảo quản, sơ chế, nâng cao chất lượng sản phẩm nông nghiệp, sản phẩm OCOP của địa phương",
        "Phòng Kinh tế",
        "Phòng Kinh tế",
        TimeFrame::Year(2026),
    ),
    (
        "III.1",
        "Chuyển đổi số",
        "Ứng dụng CNTT, nền tảng số trong quản lý hành chính, giải quyết TTHC, điều hành UBND xã",
        "Phòng Văn hóa - Xã hội",
        "Các cơ quan, đơn vị",
        TimeFrame::Ongoing,
    ),
    (
        "III.2",
        "Đổi mới sáng tạo",
        "Phát động, triển khai phong trào sáng kiến, cải tiến kỹ thuật trong cán bộ, công chức và cộng đồng dân cư",
        "Phòng Văn hóa - Xã hội",
        "MTTQ xã và các tổ chức chính trị - xã hội; các cơ quan, đơn vị; các bản, tiểu khu",
        TimeFrame::Year(2026),
    ),
    (
        "III.3",
        "Truyền thông số",
        "Tuyên truyền nâng cao nhận thức về KHCN, đổi mới sáng tạo và chuyển đổi số cho người dân",
        "Phòng Văn hóa - Xã hội",
        "MTTQ xã và các tổ chức chính trị - xã hội; các cơ quan, đơn vị; các bản, tiểu khu",
        TimeFrame::Year(2026),
    ),
    (
        "IV.1",
        "Sáng kiến kinh nghiệm",
        "Tổ chức xét công nhận sáng kiến, cải tiến kỹ thuật trong phạm vi địa bàn xã",
        "Phòng Văn hóa - Xã hội",
        "Các cơ quan, đơn vị; các bản, tiểu khu",
        TimeFrame::EveryYear,
    ),
];

const APPENDIX_II_GROUPS: &[(&str, &str)] = &[
    ("I", "NHIỆM VỤ VỀ THỂ CHẾ, TỔ CHỨC THỰC HIỆN"),
    ("II", "NHIỆM VỤ ỨNG DỤNG KHOA HỌC, CÔNG NGHỆ TRONG ĐỜI SỐNG VÀ SẢN XUẤT"),
    ("III", "NHIỆM VỤ CHUYỂN ĐỔI SỐ, ĐỔI MỚI SÁNG TẠO CẤP XÃ"),
    ("IV", "NHIỆM VỤ SÁNG KIẾN, CẢI TIẾN"),
];

#[test]
fn appendix_ii_rows_are_exact() {
    let plan = plan();
    let groups: Vec<(&str, &str)> = plan.task_groups.iter().map(|g| (g.code.as_str(), g.title.as_str())).collect();
    assert_eq!(groups, APPENDIX_II_GROUPS);
    assert_eq!(plan.tasks.len(), APPENDIX_II.len());
    for (t, (code, content, description, lead, coordinators, time_frame)) in plan.tasks.iter().zip(APPENDIX_II) {
        assert_eq!(t.code, *code);
        assert_eq!(t.content, *content, "{code} content");
        assert_eq!(t.description, *description, "{code} task");
        assert_eq!(plan.ref_name(&t.lead), Some(*lead), "{code} lead");
        assert_eq!(plan.cell(&t.coordinators, t.coordinators_text.as_deref()), *coordinators, "{code} coordinators");
        assert_eq!(t.time_frame, *time_frame, "{code} time frame");
        assert!(flat(SEED).contains(&flat(description)), "{code}: task text not in the seed");
    }
}

#[test]
fn appendix_titles_signer_and_regime() {
    let plan = plan();
    assert_eq!(plan.appendices.indicators_title, "CHỈ TIÊU KHOA HỌC, CÔNG NGHỆ VÀ ĐỔI MỚI SÁNG TẠO NĂM 2026");
    assert_eq!(
        plan.appendices.tasks_title,
        "DANH MỤC NHIỆM VỤ KHOA HỌC, CÔNG NGHỆ VÀ ĐỔI MỚI SÁNG TẠO TRỌNG TÂM NĂM 2026 (CẤP XÃ)"
    );
    assert_eq!(plan.signer.authority, ["KT. CHỦ TỊCH"]);
    assert_eq!(plan.signer.title, "PHÓ CHỦ TỊCH");
    assert_eq!(plan.signer.name, "Trần Hải Sơn");
    assert_eq!(plan.recipients.last().map(String::as_str), Some("Lưu: VT, VHXH"));
    assert_eq!((plan.reporting.deadline_day, plan.reporting.deadline_month_of_quarter), (5, 3));
    assert!(plan.reporting.deadline_before);
    assert_eq!(plan.reporting.time_zone, "Asia/Ho_Chi_Minh");
    // The seed names no village or quarter: none is invented.
    assert!(
        !plan
            .units
            .iter()
            .any(|u| matches!(u.kind, kehoach_domain::UnitKind::Village | kehoach_domain::UnitKind::Quarter))
    );
}
