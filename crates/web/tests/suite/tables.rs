//! Tables as files over HTTP: Appendix I with results, Appendix II with the tasks' status, the
//! board and a register, as .xlsx read back with a spreadsheet reader and as .csv; who may
//! download which.

use std::io::Cursor;
use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::{TestResponse, TestServer};
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{Who, as_user, session_of};

const PLAN: &str = "muong-la-2026";
const API: &str = "/api/v1/plans/muong-la-2026";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct World {
    server: TestServer,
    village: Who,
    village_b: Who,
    officer: Who,
    leader: Who,
    province: Who,
}

async fn world(store: Store) -> World {
    common::commune(&store).await;
    // 1 March 2026, 09:00 in Vietnam: Q1 is open, its reports due on 5 March.
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap()));
    let server = TestServer::new(kehoach_web::router_at(store.clone(), clock));
    World {
        village: session_of(&store, "ban-a").await,
        village_b: session_of(&store, "ban-b").await,
        officer: session_of(&store, "dau-moi").await,
        leader: session_of(&store, "lanh-dao").await,
        province: session_of(&store, "so-khcn").await,
        server,
    }
}

/// The first sheet's name and its cells as text, row by row.
fn sheet(response: &TestResponse) -> (String, Vec<Vec<String>>) {
    assert_eq!(response.status_code(), StatusCode::OK, "{}", response.text());
    assert_eq!(response.header("content-type"), XLSX);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(response.as_bytes().to_vec())).expect("an .xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    let rows = range.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect();
    (name, rows)
}

/// A CSV download's records, after checking its BOM.
fn csv_rows(response: &TestResponse) -> Vec<Vec<String>> {
    assert_eq!(response.status_code(), StatusCode::OK, "{}", response.text());
    assert_eq!(response.header("content-type"), "text/csv; charset=utf-8");
    let bytes = response.as_bytes().to_vec();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM for Excel");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[3..]);
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn filename(response: &TestResponse) -> String {
    response.header("content-disposition").to_str().unwrap().to_owned()
}

async fn activity(w: &World, who: &Who, unit: &str, date: &str, channel: &str) {
    let body = json!({"unit": unit, "date": date, "fields": {"kenh": channel, "chu_de": "Bồi dưỡng, tập huấn", "so_nguoi": 30}});
    let r = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), who).json(&body).await;
    assert_eq!(r.status_code(), StatusCode::CREATED, "{}", r.text());
}

/// A village submits its Q1 report with a note on task I.1; the officer accepts it.
async fn accepted_report(w: &World, unit: &str, who: &Who) {
    let path = format!("{API}/periods/2026-Q1/reports/{unit}");
    let mut report = as_user(w.server.get(&path), who).await.json::<Value>();
    for t in report["body"]["tasks"].as_array_mut().unwrap() {
        if t["task"] == "I.1" {
            t["status"] = json!("in_progress");
            t["note"] = json!(format!("Đã phổ biến tại {unit}"));
        }
    }
    let submitted = as_user(w.server.post(&format!("{path}/submit")), who)
        .json(&json!({"version": 0, "body": report["body"]}))
        .await;
    assert_eq!(submitted.status_code(), StatusCode::OK, "{}", submitted.text());
    let accepted = as_user(w.server.post(&format!("{path}/accept")), &w.officer).json(&json!({"version": 1})).await;
    assert_eq!(accepted.status_code(), StatusCode::OK, "{}", accepted.text());
}

fn status_label(key: &str) -> &'static str {
    match key {
        "achieved" => "Đạt",
        "on_track" => "Đúng tiến độ",
        "at_risk" => "Có nguy cơ chậm",
        "behind" => "Chậm tiến độ",
        _ => "Chưa đo được",
    }
}

on_both_databases!(
    /// Appendix I: a section row and the indicator rows of each appendix section, in the plan's
    /// order, then the indicators outside the appendix; each with its result at the date, as the
    /// indicator API computes it. Two communication activities make IV.1 show 2.
    async fn appendix_1_rows_are_the_indicators_with_their_results(store) {
        let w = world(store).await;
        activity(&w, &w.officer, "vhxh", "10/02/2026", "hop_ban").await;
        activity(&w, &w.officer, "vhxh", "2026-02-20", "Đài truyền thanh xã").await;
        activity(&w, &w.officer, "vhxh", "2025-12-30", "hop_ban").await;
        let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap();
        let computed = as_user(w.server.get(&format!("{API}/indicators?at=2026-03-01")), &w.officer).await.json::<Vec<Value>>();

        // The province reads it (read-only across its province).
        let response = as_user(w.server.get(&format!("{API}/appendix-1.xlsx?at=2026-03-01")), &w.province).await;
        assert_eq!(filename(&response), "attachment; filename=\"phu-luc-1-muong-la-2026.xlsx\"");
        let (name, rows) = sheet(&response);
        assert_eq!(name, "Phụ lục I");
        assert!(rows[0][0].starts_with("CHỈ TIÊU KHOA HỌC, CÔNG NGHỆ VÀ ĐỔI MỚI SÁNG TẠO NĂM 2026"), "{:?}", rows[0]);
        assert_eq!(
            rows[2],
            ["STT", "Các mục tiêu/chỉ tiêu", "Kết quả năm 2025", "Chỉ tiêu năm 2026", "Kết quả đến 01/03/2026", "Đánh giá", "Nguồn số liệu", "Cơ quan chủ trì", "Cơ quan phối hợp"]
        );
        let mut expected: Vec<(String, String, bool)> = Vec::new();
        for (section, indicators) in plan.appendix_indicators() {
            expected.push((section.code.clone(), section.title.clone(), true));
            expected.extend(indicators.iter().map(|i| (i.number.clone(), i.name.clone(), false)));
        }
        let outside: Vec<_> = plan.indicators.iter().filter(|i| i.section == "CT").collect();
        expected.push((String::new(), "Chỉ tiêu cụ thể (ngoài Phụ lục I)".into(), true));
        expected.extend(outside.iter().map(|i| (i.number.clone(), i.name.clone(), false)));
        let body = &rows[3..];
        assert_eq!(body.len(), expected.len(), "a section row and a row per indicator, nothing else");
        for (row, (number, name, _)) in body.iter().zip(&expected) {
            assert_eq!((&row[0], &row[1]), (number, name));
        }
        // Every indicator row carries the engine's result and status, in the plan's order.
        let indicator_rows: Vec<&Vec<String>> = body.iter().zip(&expected).filter(|(_, e)| !e.2).map(|(r, _)| r).collect();
        let in_order: Vec<&kehoach_domain::Indicator> =
            plan.appendix_indicators().flat_map(|(_, is)| is).chain(outside.iter().copied()).collect();
        assert_eq!(indicator_rows.len(), plan.indicators.len());
        for (row, indicator) in indicator_rows.iter().zip(&in_order) {
            let p = computed.iter().find(|p| p["indicator"] == indicator.code.as_str()).unwrap();
            assert_eq!(row[5], status_label(p["status"].as_str().unwrap()), "{}", indicator.code);
            assert_eq!(row[2], indicator.baseline.text);
            assert_eq!(row[3], indicator.target.text);
        }
        let iv1 = in_order.iter().position(|i| i.code == "IV.1").unwrap();
        assert_eq!(indicator_rows[iv1][4], "2", "two activities of 2026; the one of 2025 does not count");
        assert_eq!(indicator_rows[iv1][6], "Sổ theo dõi", "where the one figure comes from");
        assert!(!indicator_rows[iv1][7].is_empty(), "its lead agency");

        // The CSV: the same rows under the header, with its BOM.
        let csv = csv_rows(&as_user(w.server.get(&format!("{API}/appendix-1.csv?at=2026-03-01")), &w.officer).await);
        assert_eq!(csv[0], rows[2]);
        assert_eq!(csv[1..], *body);
        // The page's download is the same file.
        let page = as_user(w.server.get(&format!("/plans/{PLAN}/appendix-1.xlsx?at=2026-03-01")), &w.officer).await;
        assert_eq!(sheet(&page).1, rows);
        // The plan page offers it to those who may read progress, not to visitors.
        let signed_in = as_user(w.server.get(&format!("/plans/{PLAN}")), &w.officer).await.text();
        assert!(signed_in.contains(&format!("/plans/{PLAN}/appendix-1.xlsx")));
        assert!(!w.server.get(&format!("/plans/{PLAN}")).await.text().contains("appendix-1.xlsx"));
    }
);

on_both_databases!(
    /// Appendix II: the tasks by group with the coordinators' notes from the consolidation; the
    /// leader reads it, a village reporter may not (403), as .xlsx and .csv.
    async fn appendix_2_has_the_tasks_and_their_notes(store) {
        let w = world(store).await;
        accepted_report(&w, "ban-a", &w.village).await;
        accepted_report(&w, "ban-b", &w.village_b).await;
        let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap();
        let response = as_user(w.server.get(&format!("{API}/periods/2026-Q1/appendix-2.xlsx")), &w.leader).await;
        assert_eq!(filename(&response), "attachment; filename=\"phu-luc-2-muong-la-2026-2026-Q1.xlsx\"");
        let (name, rows) = sheet(&response);
        assert_eq!(name, "Phụ lục II");
        assert!(rows[0][0].ends_with("xã Mường La — Quý 1 2026"), "{:?}", rows[0]);
        assert_eq!(rows[2][..6], ["STT", "Nội dung", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]);
        let groups = plan.task_groups.len();
        assert_eq!(rows.len() - 3, groups + plan.tasks.len(), "a row per group and per task");
        let i1 = rows.iter().find(|r| r[2] == plan.task("I.1").unwrap().description).unwrap();
        assert_eq!(i1[5], "Năm 2026");
        assert!(i1[8].contains("Bản A (mẫu): Đang thực hiện. Đã phổ biến tại ban-a"), "{:?}", i1);
        assert!(i1[8].contains("Bản B (mẫu): Đang thực hiện. Đã phổ biến tại ban-b"), "{:?}", i1);
        let ongoing = rows.iter().find(|r| r[2] == plan.task("I.2").unwrap().description).unwrap();
        assert_eq!(ongoing[5], "Thường xuyên");

        let csv = csv_rows(&as_user(w.server.get(&format!("/plans/{PLAN}/periods/2026-Q1/appendix-2.csv")), &w.officer).await);
        assert_eq!(csv.len(), rows.len() - 2, "the header and the same rows, without the title");
        assert_eq!(csv[1..], rows[3..]);

        for url in [
            format!("{API}/periods/2026-Q1/appendix-2.xlsx"),
            format!("{API}/periods/2026-Q1/appendix-2.csv"),
            format!("/plans/{PLAN}/periods/2026-Q1/appendix-2.xlsx"),
        ] {
            assert_eq!(as_user(w.server.get(&url), &w.village).await.status_code(), StatusCode::FORBIDDEN, "{url}");
        }
        let consolidation = as_user(w.server.get(&format!("/plans/{PLAN}/periods/2026-Q1/consolidation")), &w.officer).await.text();
        assert!(consolidation.contains("appendix-2.xlsx") && consolidation.contains("appendix-2.csv"));
    }
);

on_both_databases!(
    /// The board as .xlsx holds the rows of its CSV, the units by their names alone (the CSV
    /// keeps their codes first), completeness as a number and the last update as a date.
    async fn board_xlsx_has_the_rows_of_the_csv(store) {
        let w = world(store).await;
        accepted_report(&w, "ban-a", &w.village).await;
        let response = as_user(w.server.get(&format!("{API}/periods/2026-Q1/board.xlsx")), &w.officer).await;
        let (_, rows) = sheet(&response);
        let csv = csv_rows(&as_user(w.server.get(&format!("/plans/{PLAN}/periods/2026-Q1/board.csv")), &w.officer).await);
        assert_eq!(rows.len() - 2, csv.len());
        assert_eq!(rows[2], csv[0][1..]);
        for (x, c) in rows[3..].iter().zip(&csv[1..]) {
            assert_eq!(x[..3], c[1..4], "name, standing, timeliness");
        }
        assert!(csv.iter().any(|r| r[0] == "ban-a" && r[1] == "Bản A (mẫu)" && r[2] == "Đã chấp nhận"), "{csv:?}");
        let a = rows.iter().find(|r| r[0] == "Bản A (mẫu)").expect("Bản A");
        assert_eq!(a[1], "Đã chấp nhận");
        assert!(a[3].parse::<f64>().is_ok() && a[4].parse::<f64>().is_ok(), "a number and a date: {a:?}");
        assert!(rows.iter().flatten().all(|c| c != "ban-a"), "no unit code in the .xlsx");
        let page = as_user(w.server.get(&format!("/plans/{PLAN}/periods/2026-Q1/board.xlsx")), &w.officer).await;
        assert_eq!(sheet(&page).1, rows);
        assert!(as_user(w.server.get(&format!("/plans/{PLAN}/periods/2026-Q1/board")), &w.officer).await.text().contains("board.xlsx"));
        assert_eq!(as_user(w.server.get(&format!("{API}/periods/2026-Q1/board.xlsx")), &w.village).await.status_code(), StatusCode::FORBIDDEN);
    }
);

on_both_databases!(
    /// A register as .xlsx: the CSV's columns under Vietnamese labels, every record for the
    /// officer, its own unit's alone for a village reporter.
    async fn register_xlsx_has_the_records_a_user_may_see(store) {
        let w = world(store).await;
        activity(&w, &w.officer, "vhxh", "10/02/2026", "Đài truyền thanh xã").await;
        activity(&w, &w.officer, "vhxh", "11/02/2026", "hop_ban").await;
        activity(&w, &w.village, "ban-a", "12/02/2026", "hop_ban").await;
        activity(&w, &w.village_b, "ban-b", "13/02/2026", "hop_ban").await;

        let response = as_user(w.server.get(&format!("{API}/registers/truyen_thong/records.xlsx")), &w.officer).await;
        assert_eq!(filename(&response), "attachment; filename=\"so-truyen-thong.xlsx\"");
        let (name, rows) = sheet(&response);
        assert_eq!(name, "Hoạt động tuyên truyền");
        assert_eq!(rows[2][..4], ["Mã bản ghi", "Đơn vị", "Ngày thực hiện", "Hình thức"]);
        let records = &rows[3..];
        assert_eq!(records.len(), 4);
        // A unit by its name, a day as a date (10/02/2026 is day 46063 to a spreadsheet).
        assert!(records.iter().any(|r| r[1] == "Phòng Văn hóa - Xã hội" && r[2] == "46063" && r[3] == "Đài truyền thanh xã"), "{records:?}");
        assert!(records.iter().all(|r| r[4] == "Bồi dưỡng, tập huấn" && r[6] == "30"));
        // The same records and values as the CSV, whose machine header stays as the import reads it.
        let csv = csv_rows(&as_user(w.server.get(&format!("{API}/registers/truyen_thong/records.csv")), &w.officer).await);
        assert_eq!(csv[0][..4], ["Mã bản ghi", "Mã đơn vị", "Ngày thực hiện", "Hình thức"]);
        // There a unit by its code (which the import reads) and a day as dd/mm/yyyy.
        assert_eq!(csv.len() - 1, records.len());
        for (x, c) in records.iter().zip(&csv[1..]) {
            assert_eq!((&x[0], &x[3..]), (&c[0], &c[3..]));
        }
        assert!(csv.iter().any(|r| r[1] == "vhxh" && r[2] == "10/02/2026"));

        for url in [format!("{API}/registers/truyen_thong/records.xlsx"), format!("/plans/{PLAN}/registers/truyen_thong/records.xlsx")] {
            let (_, own) = sheet(&as_user(w.server.get(&url), &w.village).await);
            assert_eq!(own.len(), 4, "title, blank, header and ban-a's one record: {own:?}");
            assert_eq!(own[3][1], "Bản A (mẫu)");
        }
        let page = as_user(w.server.get(&format!("/plans/{PLAN}/registers/truyen_thong")), &w.village).await.text();
        assert!(page.contains("records.xlsx"));
        // Every register downloads, even empty.
        for def in kehoach_domain::register::REGISTERS {
            let (name, rows) = sheet(&as_user(w.server.get(&format!("{API}/registers/{}/records.xlsx", def.key)), &w.leader).await);
            assert!(!name.is_empty());
            assert_eq!(rows[2].len(), 3 + def.fields.len(), "{}", def.key);
        }
    }
);
