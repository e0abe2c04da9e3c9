use super::*;
use crate::province_link::{PlanLinks, check_plan_against};

const GOOD: &str = r#"format = 1

[province]
code = "14"
slug = "son-la"
name = "Sơn La"
full_name = "Tỉnh Sơn La"

[department]
name = "Sở Khoa học và Công nghệ tỉnh Sơn La"
issuing_body = ["UBND TỈNH SƠN LA", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]

[reporting]
frequency = "quarterly"
deadline_day = 10
deadline_month_of_quarter = 3
deadline_before = true
time_zone = "Asia/Ho_Chi_Minh"
late_submission = true

[[indicators]]
code = "sang-kien"
name = "Số sáng kiến, giải pháp cải tiến trong khu vực công cấp xã được đề xuất"
measure_unit = "sáng kiến"
kind = "count"
target_value = 150
rule = "sum"

[[indicators]]
code = "ty-le-cbcc"
name = "Tỷ lệ CBCC xã được tuyên truyền, phổ biến kiến thức cơ bản về KH, CN&ĐMST"
measure_unit = "%"
kind = "ratio"
target_value = 50
rule = "ratio_of_sums"

[[indicators]]
code = "cntt"
name = "Ứng dụng CNTT, chuyển đổi số trong quản lý, điều hành UBND xã"
kind = "qualitative"
rule = "distribution"

[[communes]]
code = "03808"
name = "Mường La"
kind = "xã"

[[communes]]
code = "03646"
name = "Tô Hiệu"
kind = "phường"
"#;

fn problems(src: &str) -> Vec<ProvinceProblem> {
    match parse_province(src) {
        Ok(_) => panic!("expected problems"),
        Err(p) => p,
    }
}

fn at(src: &str, needle: &str) -> (usize, usize) {
    let offset = src.find(needle).unwrap_or_else(|| panic!("{needle} not in the file"));
    let p = position(src, offset);
    (p.line, p.column)
}

fn rendered(src: &str) -> Vec<String> {
    problems(src).iter().map(|p| p.render("t.toml", src, Lang::Vi)).collect()
}

#[test]
fn a_good_file_reads_whole() {
    let p = parse_province(GOOD).unwrap();
    assert_eq!(p.code, "14");
    assert_eq!(p.slug, "son-la");
    assert_eq!(p.name, "Sơn La");
    assert_eq!(p.full_name, "Tỉnh Sơn La");
    assert_eq!(p.department.name, "Sở Khoa học và Công nghệ tỉnh Sơn La");
    assert_eq!(p.department.issuing_body, ["UBND TỈNH SƠN LA", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]);
    assert_eq!(p.deadline.deadline_day, 10);
    assert_eq!(p.deadline.deadline_month_of_quarter, 3);
    assert!(p.deadline.deadline_before);
    assert_eq!(p.deadline.time_zone, "Asia/Ho_Chi_Minh");
    assert_eq!(p.communes.len(), 2);
    let muong_la = p.commune("03808").unwrap();
    assert_eq!((muong_la.name.as_str(), muong_la.kind), ("Mường La", CommuneKind::Xa));
    assert_eq!(p.commune("03646").unwrap().kind, CommuneKind::Phuong);
    assert_eq!(p.indicators.len(), 3);
    let sk = p.indicator("sang-kien").unwrap();
    assert_eq!((sk.kind, sk.rule, sk.target_value), (IndicatorKind::Count, Rule::Sum, Some(150.0)));
    assert_eq!(sk.measure_unit.as_deref(), Some("sáng kiến"));
    assert_eq!(p.indicator("ty-le-cbcc").unwrap().rule, Rule::RatioOfSums);
    let cntt = p.indicator("cntt").unwrap();
    assert_eq!((cntt.rule, cntt.target_value, cntt.measure_unit.as_deref()), (Rule::Distribution, None, None));
}

#[test]
fn codes_must_be_digits_of_their_length_with_leading_zeros() {
    let src = GOOD.replacen("code = \"14\"", "code = \"014\"", 1).replacen("\"03808\"", "\"3808\"", 1);
    let out = rendered(&src);
    let (l, c) = at(&src, "\"014\"");
    assert!(
        out[0].starts_with(&format!("t.toml:{l}:{c}: mã `014` không hợp lệ: mã hành chính gồm đúng 2 chữ số")),
        "{out:?}"
    );
    let (l, c) = at(&src, "\"3808\"");
    assert!(
        out[1].starts_with(&format!("t.toml:{l}:{c}: mã `3808` không hợp lệ: mã hành chính gồm đúng 5 chữ số")),
        "{out:?}"
    );
    assert_eq!(out.len(), 2, "{out:?}");
    let english = problems(&src)[0].message(Lang::En);
    assert!(english.contains("exactly 2 digits"), "{english}");
}

#[test]
fn a_commune_code_twice_is_named_with_its_first_line() {
    let src = GOOD.replacen("\"03646\"", "\"03808\"", 1);
    let out = rendered(&src);
    let first = at(&src, "\"03808\"").0;
    let second_offset = src.rfind("\"03808\"").unwrap();
    let p = position(&src, second_offset);
    assert_eq!(out, [format!("t.toml:{}:{}: mã xã `03808` bị trùng (đã khai báo ở dòng {first})", p.line, p.column)]);
}

#[test]
fn missing_fields_and_tables_are_named() {
    let src = GOOD.replacen("full_name = \"Tỉnh Sơn La\"\n", "", 1).replacen("name = \"Tô Hiệu\"\n", "", 1);
    let out = rendered(&src);
    let (l, c) = at(&src, "[province]");
    assert!(out.contains(&format!("t.toml:{l}:{c}: thiếu trường bắt buộc `full_name` trong [province]")), "{out:?}");
    let tieu = src.rfind("[[communes]]").unwrap();
    let p = position(&src, tieu);
    assert!(
        out.iter().any(|o| o.starts_with(&format!("t.toml:{}:", p.line)) && o.contains("`name` trong [[communes]]")),
        "{out:?}"
    );

    let bare = "format = 1\n";
    let out = rendered(bare);
    for table in ["province", "department", "reporting", "communes"] {
        assert!(out.iter().any(|o| o.contains(&format!("`{table}` trong tệp tỉnh"))), "{table}: {out:?}");
    }
}

#[test]
fn kinds_and_rules_come_from_their_lists() {
    let src =
        GOOD.replacen("kind = \"phường\"", "kind = \"huyện\"", 1).replacen("rule = \"sum\"", "rule = \"average\"", 1);
    let out = rendered(&src);
    let (l, c) = at(&src, "\"average\"");
    assert!(
        out.contains(&format!(
            "t.toml:{l}:{c}: giá trị `average` không hợp lệ; dùng một trong: sum, ratio_of_sums, share_meeting_target, distribution"
        )),
        "{out:?}"
    );
    let (l, c) = at(&src, "\"huyện\"");
    assert!(
        out.contains(&format!("t.toml:{l}:{c}: giá trị `huyện` không hợp lệ; dùng một trong: xã, phường, đặc khu")),
        "{out:?}"
    );
    assert_eq!(out.len(), 2);
}

#[test]
fn a_rate_is_added_up_by_its_ratio_of_sums_and_a_count_is_not() {
    let src = GOOD.replacen("rule = \"sum\"", "rule = \"ratio_of_sums\"", 1).replacen(
        "rule = \"ratio_of_sums\"\n\n[[indicators]]\ncode = \"cntt\"",
        "rule = \"sum\"\n\n[[indicators]]\ncode = \"cntt\"",
        1,
    );
    let out = rendered(&src);
    assert_eq!(out.len(), 2, "{out:?}");
    let (l, c) = at(&src, "\"ratio_of_sums\"");
    assert!(
        out[0].starts_with(&format!("t.toml:{l}:{c}: cách tổng hợp `ratio_of_sums` không dùng được cho chỉ tiêu đếm")),
        "{out:?}"
    );
    assert!(out[1].contains("cách tổng hợp `sum` không dùng được cho chỉ tiêu tỷ lệ"), "{out:?}");
    let english = problems(&src)[1].message(Lang::En);
    assert!(english.starts_with("rule `sum` does not fit a rate indicator"), "{english}");
}

#[test]
fn the_deadline_is_checked_like_the_plans() {
    let src = GOOD.replacen("deadline_day = 10", "deadline_day = 31", 1).replacen("Asia/Ho_Chi_Minh", "Asia/Sonla", 1);
    let out = rendered(&src);
    let (l, c) = at(&src, "31");
    assert!(out.contains(&format!("t.toml:{l}:{c}: ngày 31 không có trong tháng 6")), "{out:?}");
    assert!(out.iter().any(|o| o.contains("múi giờ `Asia/Sonla` không tồn tại")), "{out:?}");
    let src = GOOD.replacen("deadline_month_of_quarter = 3", "deadline_month_of_quarter = 4", 1);
    assert!(rendered(&src).iter().any(|o| o.contains("tháng trong quý phải là 1, 2 hoặc 3, không phải 4")));
}

#[test]
fn indicator_codes_are_unique_and_targets_fit_their_kind() {
    let src = GOOD.replacen("code = \"cntt\"", "code = \"sang-kien\"", 1).replacen(
        "target_value = 50",
        "target_value = 150",
        1,
    );
    let out = rendered(&src);
    assert!(out.iter().any(|o| o.contains("tỷ lệ 150% không hợp lệ")), "{out:?}");
    assert!(
        out.iter().any(|o| o.contains("mã chỉ tiêu của tỉnh `sang-kien` bị trùng (đã khai báo ở dòng 22)")),
        "{out:?}"
    );
}

#[test]
fn syntax_and_unknown_keys_are_placed() {
    let src = GOOD.replacen("[department]", "[department]\nphone = \"0212\"", 1);
    let out = rendered(&src);
    assert_eq!(out.len(), 1);
    assert!(out[0].contains("lỗi cú pháp TOML") && out[0].contains("phone"), "{out:?}");
}

/// A plan file without its links to its province, whatever the shipped plan says.
fn unlinked(plan: &str) -> String {
    plan.lines()
        .filter(|l| !l.starts_with("official_code =") && !l.starts_with("province_indicator ="))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn the_shipped_plan_fits_the_shipped_province() {
    let province = parse_province(include_str!("../../../plans/son-la.toml")).unwrap();
    assert_eq!(province.communes.len(), 75);
    let plan = crate::parse(crate::DEFAULT_PLAN).unwrap();
    let links = PlanLinks::read(crate::DEFAULT_PLAN).unwrap();
    assert_eq!(check_plan_against(&province, &plan, &links), []);
    assert_eq!(links.official_code.as_ref().map(|o| o.0.as_str()), Some("03808"));
    assert_eq!(links.indicators.len(), 8);
}

#[test]
fn a_plan_links_to_its_province() {
    let province = parse_province(GOOD).unwrap();
    let plan_src = unlinked(crate::DEFAULT_PLAN)
        .replacen("province = \"Sơn La\"\n", "province = \"Sơn La\"\nofficial_code = \"03808\"\n", 1)
        .replacen("code = \"III.1\"\n", "code = \"III.1\"\nprovince_indicator = \"sang-kien\"\n", 1)
        .replacen("code = \"I.2\"\n", "code = \"I.2\"\nprovince_indicator = \"ty-le-cbcc\"\n", 1);
    let plan = crate::parse(&plan_src).unwrap();
    let links = PlanLinks::read(&plan_src).unwrap();
    assert_eq!(links.official_code.as_ref().map(|o| o.0.as_str()), Some("03808"));
    assert_eq!(links.indicators.len(), 2);
    assert_eq!(check_plan_against(&province, &plan, &links), []);

    // An unknown commune, a count feeding a rate, a province indicator that does not exist.
    let bad_src = plan_src
        .replacen("official_code = \"03808\"", "official_code = \"03809\"", 1)
        .replacen("province_indicator = \"sang-kien\"", "province_indicator = \"ty-le-cbcc\"", 1)
        .replacen("province_indicator = \"ty-le-cbcc\"\nsection", "province_indicator = \"khong-co\"\nsection", 1);
    let plan = crate::parse(&bad_src).unwrap();
    let links = PlanLinks::read(&bad_src).unwrap();
    let out: Vec<String> =
        check_plan_against(&province, &plan, &links).iter().map(|p| p.render("kh.toml", &bad_src, Lang::Vi)).collect();
    let (l, c) = at(&bad_src, "\"03809\"");
    assert_eq!(out[0], format!("kh.toml:{l}:{c}: tỉnh Sơn La không có xã, phường nào mang mã `03809`"));
    assert!(
        out.iter()
            .any(|o| o
                .ends_with("chỉ tiêu `III.1` (đếm) không tổng hợp được vào chỉ tiêu `ty-le-cbcc` của tỉnh (tỷ lệ)")),
        "{out:?}"
    );
    assert!(out.iter().any(|o| o.ends_with("tỉnh không có chỉ tiêu nào có mã `khong-co`")), "{out:?}");
    assert_eq!(out.len(), 3, "{out:?}");

    // The plan of another province.
    let mut other = province.clone();
    other.slug = "dien-bien".into();
    let plan = crate::parse(&plan_src).unwrap();
    let links = PlanLinks::read(&plan_src).unwrap();
    let out = check_plan_against(&other, &plan, &links);
    assert_eq!(out.len(), 1);
    let (l, c) = at(&plan_src, "\"son-la\"");
    assert_eq!(
        out[0].render("kh.toml", &plan_src, Lang::En),
        format!("kh.toml:{l}:{c}: the plan belongs to province `son-la`, not to the province file's `dien-bien`")
    );
}
