//! `kehoach province build|check`: the province file from the national list, and its check.

use std::path::{Path, PathBuf};

use crate::common::{kehoach, text};

const SON_LA: &str = include_str!("../../../../plans/son-la.toml");

/// The national list of administrative units, beside the repository (`../shared/data`).
fn national_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/vn-admin-units-2026.csv")
}

fn line_of(src: &str, needle: &str) -> usize {
    src[..src.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn build_writes_the_75_communes_of_son_la_with_their_codes_and_the_licence() {
    let dir = tempfile::tempdir().unwrap();
    let csv = national_csv();
    let csv = csv.to_str().unwrap();
    let out = kehoach(dir.path(), &["province", "build", "--code", "14", "--csv", csv, "-o", "son-la.toml"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("đã ghi 75 xã, phường, đặc khu của Tỉnh Sơn La"), "{}", text(&out.stderr));
    let file = std::fs::read_to_string(dir.path().join("son-la.toml")).unwrap();
    assert_eq!(file.matches("\n[[communes]]\n").count(), 75);
    assert!(
        file.contains("[province]\ncode = \"14\"\nslug = \"son-la\"\nname = \"Sơn La\"\nfull_name = \"Tỉnh Sơn La\"\n")
    );
    assert!(file.contains("[[communes]]\ncode = \"03808\"\nname = \"Mường La\"\nkind = \"xã\"\n"), "{file}");
    // Codes keep their leading zeros, and come sorted.
    let codes: Vec<&str> =
        file.lines().filter_map(|l| l.strip_prefix("code = \"")).map(|c| c.trim_end_matches('"')).skip(1).collect();
    assert_eq!(codes.len(), 75);
    assert!(codes.iter().all(|c| c.len() == 5 && c.starts_with('0')), "{codes:?}");
    assert!(codes.windows(2).all(|w| w[0] < w[1]));
    // The data's source and its MIT licence travel with it.
    assert!(file.contains("thanglequoc/vietnamese-provinces-database"));
    assert!(file.contains("#   Copyright (c) 2021 Thang Le Quoc"));
    assert!(file.contains("#   Permission is hereby granted, free of charge"));
    // The shipped file's communes are exactly the built ones.
    let communes = |s: &str| s[s.find("\n[[communes]]\n").unwrap()..].to_owned();
    assert_eq!(communes(&file), communes(SON_LA));

    // Without [department] and [reporting] the built file does not pass its check yet.
    let check = kehoach(dir.path(), &["province", "check", "son-la.toml"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        text(&check.stderr).contains("thiếu trường bắt buộc `department` trong tệp tỉnh"),
        "{}",
        text(&check.stderr)
    );

    // To standard output, in English: the same text.
    let stdout = kehoach(dir.path(), &["province", "build", "--code", "14", "--csv", csv]);
    assert!(stdout.status.success());
    assert_eq!(text(&stdout.stdout), file);
}

#[test]
fn build_refuses_an_unknown_or_malformed_code_and_says_where_the_list_is() {
    let dir = tempfile::tempdir().unwrap();
    let csv = national_csv();
    let csv = csv.to_str().unwrap();
    let unknown = kehoach(dir.path(), &["province", "build", "--code", "99", "--csv", csv, "-o", "x.toml"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("không có tỉnh nào mang mã `99`"), "{}", text(&unknown.stderr));
    assert!(!dir.path().join("x.toml").exists());

    let short = kehoach(dir.path(), &["province", "build", "--code", "4", "--csv", csv, "--lang", "en"]);
    assert_eq!(short.status.code(), Some(1));
    assert!(text(&short.stderr).contains("a province code is exactly 2 digits"), "{}", text(&short.stderr));
    assert!(text(&short.stdout).is_empty());

    // The default list is ../shared/data/vn-admin-units-2026.csv, relative to the working directory.
    let nowhere = kehoach(dir.path(), &["province", "build", "--code", "14"]);
    assert_eq!(nowhere.status.code(), Some(1));
    let err = text(&nowhere.stderr);
    assert!(err.contains("../shared/data/vn-admin-units-2026.csv: không đọc được danh mục đơn vị hành chính"), "{err}");
    assert!(err.contains("--csv"), "{err}");
}

#[test]
fn the_shipped_province_file_passes_and_a_broken_copy_lists_its_problems_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("son-la.toml"), SON_LA).unwrap();
    let ok = kehoach(dir.path(), &["province", "check", "son-la.toml"]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("hợp lệ — Tỉnh Sơn La (mã 14): 75 xã, phường, đặc khu; 8 chỉ tiêu của tỉnh"));

    let broken = SON_LA
        .replacen("code = \"03808\"", "code = \"3808\"", 1)
        .replacen("code = \"03646\"", "code = \"03664\"", 1)
        .replacen("rule = \"ratio_of_sums\"", "rule = \"sum\"", 1);
    std::fs::write(dir.path().join("bad.toml"), &broken).unwrap();
    let bad = kehoach(dir.path(), &["province", "check", "bad.toml"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    let rule_line = line_of(&broken, "rule = \"sum\"\n\n[[indicators]]\ncode = \"ung-dung-cntt\"");
    assert!(
        err.contains(&format!("bad.toml:{rule_line}:8: cách tổng hợp `sum` không dùng được cho chỉ tiêu tỷ lệ")),
        "{err}"
    );
    let code_line = line_of(&broken, "\"3808\"");
    assert!(
        err.contains(&format!("bad.toml:{code_line}:8: mã `3808` không hợp lệ: mã hành chính gồm đúng 5 chữ số")),
        "{err}"
    );
    let first = line_of(&broken, "\"03664\"");
    let second = broken[..broken.rfind("\"03664\"").unwrap()].matches('\n').count() + 1;
    assert!(
        err.contains(&format!("bad.toml:{second}:8: mã xã `03664` bị trùng (đã khai báo ở dòng {first})")),
        "{err}"
    );
    assert!(err.contains("bad.toml: 3 lỗi"), "{err}");

    let english = kehoach(dir.path(), &["province", "check", "bad.toml", "--lang", "en"]);
    assert_eq!(english.status.code(), Some(1));
    assert!(text(&english.stderr).contains("duplicate commune code `03664`"));
}

#[test]
fn a_communes_plan_is_checked_against_its_province() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("son-la.toml"), SON_LA).unwrap();
    let unlinked: String = crate::common::SEED
        .lines()
        .filter(|l| !l.starts_with("official_code =") && !l.starts_with("province_indicator ="))
        .map(|l| format!("{l}\n"))
        .collect();
    let plan = unlinked
        .replacen("province = \"Sơn La\"\n", "province = \"Sơn La\"\nofficial_code = \"03808\"\n", 1)
        .replacen("code = \"III.1\"\n", "code = \"III.1\"\nprovince_indicator = \"sang-kien\"\n", 1);
    std::fs::write(dir.path().join("kh.toml"), &plan).unwrap();
    let ok = kehoach(dir.path(), &["province", "check", "son-la.toml", "--plan", "kh.toml"]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("kh.toml: khớp với tệp tỉnh (1 chỉ tiêu tổng hợp lên tỉnh)"));

    let wrong = plan.replacen("province_indicator = \"sang-kien\"", "province_indicator = \"ty-le-tthc-dien-tu\"", 1);
    std::fs::write(dir.path().join("sai.toml"), &wrong).unwrap();
    let bad = kehoach(dir.path(), &["province", "check", "son-la.toml", "--plan", "sai.toml"]);
    assert_eq!(bad.status.code(), Some(1));
    let line = line_of(&wrong, "province_indicator = ");
    assert!(
        text(&bad.stderr).contains(&format!(
            "sai.toml:{line}:22: chỉ tiêu `III.1` (đếm) không tổng hợp được vào chỉ tiêu `ty-le-tthc-dien-tu` của tỉnh (tỷ lệ)"
        )),
        "{}",
        text(&bad.stderr)
    );
}

fn sqlite_in(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("kehoach.sqlite").display())
}

/// `province load`: the file checked, then loaded; loading it again changes nothing; a broken
/// file, or one that the plans already on the server do not fit, is not loaded and the one
/// loaded before stays.
#[tokio::test]
async fn load_checks_the_file_and_the_plans_already_there_then_loads_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("kh.toml"), crate::common::SEED).unwrap();
    let import = kehoach(d, &["plan", "import", "kh.toml"]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    std::fs::write(d.join("son-la.toml"), SON_LA).unwrap();

    let first = kehoach(d, &["province", "load", "son-la.toml"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains(
            "son-la.toml: đã nạp mới — Tỉnh Sơn La (mã 14, `son-la`): 75 xã, phường, đặc khu; 8 chỉ tiêu của tỉnh; 1 kế hoạch của xã trên máy chủ khớp với tệp tỉnh"
        ),
        "{}",
        text(&first.stdout)
    );
    let again = kehoach(d, &["province", "load", "son-la.toml", "--lang", "en"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("son-la.toml: unchanged — Tỉnh Sơn La (code 14, `son-la`)"),
        "{}",
        text(&again.stdout)
    );

    // A broken file: its problems at their places, nothing loaded.
    let broken = SON_LA.replacen("code = \"03808\"", "code = \"3808\"", 1);
    std::fs::write(d.join("bad.toml"), &broken).unwrap();
    let bad = kehoach(d, &["province", "load", "bad.toml"]);
    assert_eq!(bad.status.code(), Some(1));
    let line = line_of(&broken, "\"3808\"");
    let err = text(&bad.stderr);
    assert!(err.contains(&format!("bad.toml:{line}:8: mã `3808` không hợp lệ")), "{err}");
    assert!(err.contains("bad.toml: 1 lỗi"), "{err}");

    // A valid file that Mường La's plan does not fit: without the indicator its III.1 feeds,
    // and without Mường La among its communes.
    let at = SON_LA.find("[[indicators]]\ncode = \"sang-kien\"").unwrap();
    let end = at + SON_LA[at..].find("\n\n").unwrap() + 2;
    let c = SON_LA.find("[[communes]]\ncode = \"03808\"").unwrap();
    let c_end = c + SON_LA[c..].find("\n\n").unwrap() + 2;
    let unfit = format!("{}{}{}", &SON_LA[..at], &SON_LA[end..c], &SON_LA[c_end..]);
    std::fs::write(d.join("unfit.toml"), &unfit).unwrap();
    assert!(kehoach(d, &["province", "check", "unfit.toml"]).status.success());
    let refused = kehoach(d, &["province", "load", "unfit.toml"]);
    assert_eq!(refused.status.code(), Some(1));
    let err = text(&refused.stderr);
    assert!(err.contains("muong-la-2026: tỉnh Sơn La không có xã, phường nào mang mã `03808`"), "{err}");
    assert!(err.contains("muong-la-2026: tỉnh không có chỉ tiêu nào có mã `sang-kien`"), "{err}");
    assert!(err.contains("unfit.toml: chưa nạp — 2 lỗi ở kế hoạch của xã đã có trên máy chủ"), "{err}");

    // The file loaded first stays, in full.
    let store = kehoach_store::Store::connect(&sqlite_in(d)).await.unwrap();
    let stored = store.province("son-la").await.unwrap().expect("the province loaded");
    assert_eq!((stored.code.as_str(), stored.name.as_str(), stored.loaded_by.as_str()), ("14", "Sơn La", "cli"));
    assert_eq!(stored.source, SON_LA);
    assert_eq!(store.provinces().await.unwrap().len(), 1);
    store.close().await.unwrap();
}
