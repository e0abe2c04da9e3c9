//! The validator: each class of error is caught, at its line and column, in both languages.

use kehoach_domain::Lang;
use kehoach_plan::{DEFAULT_PLAN, Problem, parse, position};

const FILE: &str = "plans/muong-la-2026.toml";

/// The seed with the `nth` (0-based) occurrence of `from` replaced by `to`.
fn damage(source: &str, from: &str, to: &str, nth: usize) -> String {
    let at = source.match_indices(from).nth(nth).unwrap_or_else(|| panic!("`{from}` occurs {nth}+ times")).0;
    format!("{}{}{}", &source[..at], to, &source[at + from.len()..])
}

fn problems(source: &str) -> Vec<Problem> {
    parse(source).expect_err("the damaged plan must be refused")
}

/// Asserts one problem renders as `FILE:LINE:COL: …fragment…` where LINE:COL is where `needle`
/// (its `nth` occurrence) stands in `source`.
fn assert_problem_at(source: &str, needle: &str, nth: usize, lang: Lang, fragment: &str) {
    let offset = source.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("no `{needle}`")).0;
    assert_problem_at_offset(source, offset, lang, fragment);
}

/// Like [`assert_problem_at`], at the value after `key` (e.g. `deadline_day = `).
fn assert_problem_at_value(source: &str, key: &str, nth: usize, lang: Lang, fragment: &str) {
    let offset = source.match_indices(key).nth(nth).unwrap_or_else(|| panic!("no `{key}`")).0 + key.len();
    assert_problem_at_offset(source, offset, lang, fragment);
}

fn assert_problem_at_offset(source: &str, offset: usize, lang: Lang, fragment: &str) {
    let pos = position(source, offset);
    let expected_prefix = format!("{FILE}:{}:{}: ", pos.line, pos.column);
    let rendered: Vec<String> = problems(source).iter().map(|p| p.render(FILE, source, lang)).collect();
    assert!(
        rendered.iter().any(|r| r.starts_with(&expected_prefix) && r.contains(fragment)),
        "expected `{expected_prefix}…{fragment}…` among {rendered:#?}"
    );
}

#[test]
fn the_seed_plan_is_valid() {
    let plan = parse(DEFAULT_PLAN).unwrap_or_else(|p| {
        panic!("{:#?}", p.iter().map(|p| p.render(FILE, DEFAULT_PLAN, Lang::En)).collect::<Vec<_>>())
    });
    assert_eq!(plan.id, "muong-la-2026");
}

#[test]
fn unknown_unit_in_a_lead() {
    let src = damage(DEFAULT_PLAN, "lead = \"kinh-te\"", "lead = \"phong-khong-co\"", 0);
    assert_problem_at(
        &src,
        "\"phong-khong-co\"",
        0,
        Lang::Vi,
        "không có đơn vị hoặc nhóm đơn vị nào có mã `phong-khong-co`",
    );
    assert_problem_at(&src, "\"phong-khong-co\"", 0, Lang::En, "no unit or unit group has the code `phong-khong-co`");
}

#[test]
fn unknown_unit_in_coordinators() {
    let src = damage(
        DEFAULT_PLAN,
        "coordinators = [\"ttdvth\", \"ban-tieu-khu\"]",
        "coordinators = [\"ttdvth\", \"cac-ban\"]",
        0,
    );
    assert_problem_at(&src, "\"cac-ban\"", 0, Lang::Vi, "`cac-ban`");
}

#[test]
fn duplicate_codes() {
    let src = damage(DEFAULT_PLAN, "code = \"kinh-te\"", "code = \"vhxh\"", 0);
    let first_line = position(&src, src.find("code = \"vhxh\"").unwrap_or(0)).line;
    assert_problem_at(
        &src,
        "\"vhxh\"\nname",
        1,
        Lang::Vi,
        &format!("mã đơn vị hoặc nhóm đơn vị `vhxh` bị trùng (đã khai báo ở dòng {first_line})"),
    );

    let src = damage(DEFAULT_PLAN, "code = \"II.1\"", "code = \"I.1\"", 0);
    // Indicators come before tasks (which have their own I.1): the second occurrence is ours.
    let offset = src.match_indices("code = \"I.1\"").nth(1).map_or(0, |(i, _)| i + "code = ".len());
    assert_problem_at_offset(&src, offset, Lang::En, "duplicate indicator code `I.1` (first declared on line");
}

#[test]
fn ratio_target_over_100_percent() {
    let src = damage(DEFAULT_PLAN, "target_value = 50", "target_value = 150", 0);
    assert_problem_at(&src, "150", 0, Lang::Vi, "tỷ lệ 150% không hợp lệ");
}

#[test]
fn count_target_must_be_whole() {
    let src = damage(DEFAULT_PLAN, "target_value = 4", "target_value = 2.5", 0);
    assert_problem_at(&src, "2.5", 0, Lang::En, "whole number");
}

#[test]
fn deadline_day_that_does_not_exist() {
    // Day 31 of the third month of each quarter: March and December have it, June and September
    // do not.
    let src = damage(DEFAULT_PLAN, "deadline_day = 5", "deadline_day = 31", 0);
    assert_problem_at(&src, "31", 0, Lang::Vi, "ngày 31 không có trong tháng 6");
    let src = damage(DEFAULT_PLAN, "deadline_day = 5", "deadline_day = 0", 0);
    assert_problem_at_value(&src, "deadline_day = ", 0, Lang::En, "day 0 is invalid");
    let src = damage(DEFAULT_PLAN, "deadline_month_of_quarter = 3", "deadline_month_of_quarter = 4", 0);
    assert_problem_at_value(&src, "deadline_month_of_quarter = ", 0, Lang::Vi, "tháng trong quý phải là 1, 2 hoặc 3");
}

#[test]
fn missing_required_field() {
    let src = damage(DEFAULT_PLAN, "name = \"Phòng Kinh tế\"\n", "", 0);
    // Reported where the unit's table begins: the `[[units]]` line before its code.
    let header = src[..src.find("code = \"kinh-te\"").unwrap_or(0)].rfind("[[units]]").unwrap_or(0);
    assert_problem_at_offset(&src, header, Lang::Vi, "thiếu trường bắt buộc `name` trong [[units]]");
    let src = damage(DEFAULT_PLAN, "year = 2026\n", "", 0);
    let rendered: Vec<String> = problems(&src).iter().map(|p| p.render(FILE, &src, Lang::En)).collect();
    assert!(
        rendered.iter().any(|r| r.starts_with(&format!("{FILE}:1:1: missing required field `year`"))),
        "{rendered:?}"
    );
}

#[test]
fn toml_syntax_error() {
    let src = damage(DEFAULT_PLAN, "title = \"Hoạt động khoa học", "title = Hoạt động khoa học", 0);
    let all = problems(&src);
    assert_eq!(all.len(), 1);
    let line = position(&src, src.find("title = Hoạt").unwrap_or(0)).line;
    let rendered = all[0].render(FILE, &src, Lang::Vi);
    assert!(rendered.starts_with(&format!("{FILE}:{line}:")), "{rendered}");
    assert!(rendered.contains("lỗi cú pháp TOML"), "{rendered}");
}

#[test]
fn unknown_keys_are_refused() {
    let src = damage(DEFAULT_PLAN, "province = \"Sơn La\"", "province = \"Sơn La\"\ncolour = \"đỏ\"", 0);
    assert_problem_at(&src, "colour", 0, Lang::En, "colour");
}

#[test]
fn unknown_time_zone_and_kind() {
    let src = damage(DEFAULT_PLAN, "\"Asia/Ho_Chi_Minh\"", "\"Asia/Ha_Noi\"", 0);
    assert_problem_at(&src, "\"Asia/Ha_Noi\"", 0, Lang::Vi, "múi giờ `Asia/Ha_Noi` không tồn tại");
    let src = damage(DEFAULT_PLAN, "kind = \"department\"", "kind = \"phong\"", 0);
    assert_problem_at(&src, "\"phong\"", 0, Lang::Vi, "loại đơn vị `phong` không hợp lệ");
}

#[test]
fn target_pointing_at_no_indicator() {
    let src = damage(DEFAULT_PLAN, "indicator = \"CT.1\"", "indicator = \"CT.99\"", 0);
    assert_problem_at(&src, "\"CT.99\"", 0, Lang::Vi, "không có chỉ tiêu nào có mã `CT.99`");
}

#[test]
fn every_problem_is_listed_in_file_order() {
    let src = damage(DEFAULT_PLAN, "lead = \"kinh-te\"", "lead = \"khong-co\"", 0);
    let src = damage(&src, "target_value = 50", "target_value = 101", 0);
    let src = damage(&src, "deadline_day = 5", "deadline_day = 31", 0);
    let all = problems(&src);
    assert_eq!(all.len(), 3, "{all:#?}");
    let lines: Vec<usize> = all.iter().map(|p| p.position(&src).line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
}

#[test]
fn decomposed_input_is_stored_composed() {
    let nfd_name = "Pho\u{300}ng Kinh tê\u{301}";
    let src = damage(DEFAULT_PLAN, "name = \"Phòng Kinh tế\"", &format!("name = \"{nfd_name}\""), 0);
    let plan = parse(&src).expect("NFD text is valid");
    assert!(plan.units.iter().any(|u| u.name == "Phòng Kinh tế"));
}

#[test]
fn the_second_plan_is_valid_and_different() {
    let second = parse(include_str!("../fixtures/thu-nghiem-2027.toml")).expect("valid fixture");
    let first = parse(DEFAULT_PLAN).expect("valid seed");
    assert_ne!(second.id, first.id);
    assert_ne!(second.commune, first.commune);
    assert_ne!(second.year, first.year);
    assert_eq!(second.reporting.deadline_day, 10);
    assert_eq!(second.reporting.deadline_month_of_quarter, 2);
    assert!(second.units.iter().filter(|u| u.sample).count() >= 2);
}

/// The seed with `n` villages and `groups` groups of them appended.
fn with_villages(n: usize, groups: usize) -> String {
    let mut src = DEFAULT_PLAN.to_owned();
    for i in 0..n {
        src.push_str(&format!(
            "\n[[units]]\ncode = \"ban-them-{i:04}\"\nname = \"Bản thêm {i:04}\"\nkind = \"village\"\n"
        ));
    }
    for g in 0..groups {
        let members: Vec<String> = (0..3).map(|k| format!("\"ban-them-{:04}\"", (g * 3 + k) % n.max(1))).collect();
        src.push_str(&format!(
            "\n[[groups]]\ncode = \"nhom-them-{g:04}\"\nname = \"Nhóm thêm {g:04}\"\nmembers = [{}]\n",
            members.join(", ")
        ));
    }
    src
}

/// Finding 4 of issue 10: a 374 KB plan (1,000 groups, 4,000 villages) made the units page
/// 283 MB. Such a file is refused whole, at its first line, with its size and the limit.
#[test]
fn a_plan_file_past_the_size_limit_is_refused() {
    let src = with_villages(4_000, 1_000);
    assert!(src.len() > 370_000, "{} bytes", src.len());
    let problems = problems(&src);
    assert_eq!(problems.len(), 1);
    let vi = problems[0].render(FILE, &src, Lang::Vi);
    assert!(vi.starts_with(&format!("{FILE}:1:1: tệp kế hoạch quá lớn")), "{vi}");
    assert!(vi.contains("tối đa 256 KB"), "{vi}");
    let en = problems[0].render(FILE, &src, Lang::En);
    assert!(en.contains("the plan file is too large") && en.contains("at most 256 KB"), "{en}");
}

/// Within the size limit, too many units or groups are refused at the first one past the limit.
#[test]
fn too_many_units_or_groups_are_refused_at_the_first_past_the_limit() {
    let seed_units = DEFAULT_PLAN.matches("[[units]]").count();
    let seed_groups = DEFAULT_PLAN.matches("[[groups]]").count();
    let src = with_villages(
        kehoach_plan::limits::UNITS_MAX + 1 - seed_units,
        kehoach_plan::limits::GROUPS_MAX + 1 - seed_groups,
    );
    assert!(src.len() <= kehoach_plan::limits::FILE_MAX, "the size limit is not what refuses it");
    let rendered: Vec<String> = problems(&src).iter().map(|p| p.render(FILE, &src, Lang::En)).collect();
    let first_past =
        |table: &str, nth: usize| position(&src, src.match_indices(table).nth(nth).map_or(0, |m| m.0)).line;
    let units_line = first_past("[[units]]", kehoach_plan::limits::UNITS_MAX);
    let groups_line = first_past("[[groups]]", kehoach_plan::limits::GROUPS_MAX);
    for (table, line, max) in [
        ("[[units]]", units_line, kehoach_plan::limits::UNITS_MAX),
        ("[[groups]]", groups_line, kehoach_plan::limits::GROUPS_MAX),
    ] {
        let wanted = format!("too many {table} tables: at most {max}");
        assert!(
            rendered.iter().any(|r| r.contains(&wanted)
                && r.split(':')
                    .nth(1)
                    .and_then(|l| l.parse::<usize>().ok())
                    .is_some_and(|l| (line..=line + 4).contains(&l))),
            "`{wanted}` near line {line} among {rendered:#?}"
        );
    }
    assert_eq!(rendered.len(), 2, "{rendered:#?}");
}

/// Unit names with CR/LF were written raw into calendar feeds; a NUL made PostgreSQL fail.
#[test]
fn names_on_several_lines_and_control_characters_are_refused() {
    let src = damage(DEFAULT_PLAN, "name = \"Phòng Văn hóa - Xã hội\"", "name = \"Phòng Văn hóa\\r\\nEND:VEVENT\"", 0);
    assert_problem_at(&src, "\"Phòng Văn hóa\\r\\n", 0, Lang::En, "`name`: must be on one line");
    let src = damage(DEFAULT_PLAN, "name = \"Phòng Văn hóa - Xã hội\"", "name = \"Phòng \\u202EVăn hóa\"", 0);
    assert_problem_at(&src, "\"Phòng \\u202E", 0, Lang::Vi, "`name`: có ký tự đổi chiều chữ không được phép (U+202E)");
    let src = damage(DEFAULT_PLAN, "intro = \"Thực hiện\"", "intro = \"Thực\\u0000 hiện\"", 0);
    assert_problem_at(
        &src,
        "\"Thực\\u0000",
        0,
        Lang::En,
        "`intro`: holds a control character that is not allowed (U+0000)",
    );
    let long = format!("intro = \"{}\"", "ư".repeat(kehoach_plan::limits::TEXT_MAX + 1));
    let src = damage(DEFAULT_PLAN, "intro = \"Thực hiện\"", &long, 0);
    assert_problem_at_value(&src, "intro = ", 0, Lang::En, "is longer than 20000 characters");
    // Line breaks stay allowed in the plan's paragraphs.
    let src = damage(DEFAULT_PLAN, "intro = \"Thực hiện\"", "intro = \"Thực\\nhiện\"", 0);
    assert!(parse(&src).is_ok());
}
