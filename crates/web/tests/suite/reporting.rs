//! The reporting cycle over HTTP: deadlines, the whole workflow and every refused step,
//! conflicting saves, late and missing reports as the clock moves, the board and its CSV.

use std::sync::Arc;

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum_test::TestServer;
use chrono::{DateTime, Duration, TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{as_user, session_of};

const REPORT: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/ban-a";

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// 5 March 2026, 00:00 in Vietnam: the Q1 deadline.
fn q1_deadline() -> DateTime<Utc> {
    at(2026, 3, 4, 17, 0)
}

struct World {
    server: TestServer,
    clock: Arc<FixedClock>,
    village: (String, String),
    village_b: (String, String),
    province: (String, String),
    officer: (String, String),
    leader: (String, String),
}

async fn world(store: Store) -> World {
    common::commune_with_reported_iv1(&store).await;
    let clock = Arc::new(FixedClock::new(at(2026, 3, 1, 2, 0)));
    let server = TestServer::new(kehoach_web::router_at(store.clone(), clock.clone()));
    World {
        village: session_of(&store, "ban-a").await,
        village_b: session_of(&store, "ban-b").await,
        province: session_of(&store, "so-khcn").await,
        officer: session_of(&store, "dau-moi").await,
        leader: session_of(&store, "lanh-dao").await,
        server,
        clock,
    }
}

on_both_databases!(
    async fn periods_come_from_the_plan(store) {
        let w = world(store).await;
        let periods = w.server.get("/api/v1/plans/muong-la-2026/periods").await.json::<Vec<Value>>();
        let ids: Vec<&str> = periods.iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026-Y"]);
        assert_eq!(periods[0]["deadline"], "2026-03-04T17:00:00Z");
        assert_eq!(periods[0]["deadline_day"], "2026-03-05");
        assert_eq!(periods[1]["deadline"], "2026-06-04T17:00:00Z");
        assert_eq!(periods[0]["data_from"], "2025-12-15");
        assert_eq!(periods[0]["data_to"], "2026-03-14");
        let page = w.server.get("/plans/muong-la-2026/periods").await;
        assert_eq!(page.status_code(), StatusCode::OK);
        assert!(page.text().contains("05/03/2026"));
    }
);

on_both_databases!(
    /// The village fills and submits, the focal officer returns it with a reason, the village
    /// sees the reason, fixes and resubmits, the officer accepts: on time on the board.
    async fn the_whole_cycle_and_every_refused_step(store) {
        let w = world(store).await;
        let fresh = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        assert_eq!(fresh["version"], 0);
        assert_eq!(fresh["state"], "draft");
        assert_eq!(fresh["standing"], "not_started");
        // Prefilled with what concerns a village: tasks coordinated through "các bản, tiểu khu".
        let tasks: Vec<&str> = fresh["body"]["tasks"].as_array().unwrap().iter().map(|t| t["task"].as_str().unwrap()).collect();
        assert!(tasks.contains(&"I.1") && tasks.contains(&"IV.1"), "{tasks:?}");
        assert!(!tasks.contains(&"II.1"), "II.1 is for Phòng Kinh tế and cooperatives");
        let figures: Vec<&str> = fresh["body"]["figures"].as_array().unwrap().iter().map(|f| f["indicator"].as_str().unwrap()).collect();
        assert!(figures.contains(&"IV.1"), "{figures:?}");

        let mut body = fresh["body"].clone();
        body["activities"] = json!("Tuyên truyền 02 buổi tại nhà văn hoá bản");
        let saved = as_user(w.server.put(REPORT), &w.village).json(&json!({"version": 0, "body": body})).await;
        assert_eq!(saved.status_code(), StatusCode::OK);
        assert_eq!(saved.json::<Value>()["version"], 1);

        // The officer cannot accept a draft; the village cannot review.
        let early = as_user(w.server.post(&format!("{REPORT}/accept")), &w.officer).json(&json!({"version": 1})).await;
        assert_eq!(early.status_code(), StatusCode::CONFLICT);
        assert_eq!(early.json::<Value>()["error"]["message"], "Chỉ báo cáo đã gửi mới chấp nhận hoặc trả lại được.");
        let not_theirs = as_user(w.server.post(&format!("{REPORT}/accept")), &w.village).json(&json!({"version": 1})).await;
        assert_eq!(not_theirs.status_code(), StatusCode::FORBIDDEN);

        let submitted = as_user(w.server.post(&format!("{REPORT}/submit")), &w.village).json(&json!({"version": 1})).await;
        assert_eq!(submitted.json::<Value>()["state"], "submitted");
        assert_eq!(submitted.json::<Value>()["standing"], "submitted_on_time");
        // Waiting for review: the form is locked and says why.
        let locked = as_user(w.server.put(REPORT), &w.village).json(&json!({"version": 2, "body": body})).await;
        assert_eq!(locked.status_code(), StatusCode::CONFLICT);
        let view = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        assert_eq!(view["lock"]["code"], "awaiting_review");

        let no_reason = as_user(w.server.post(&format!("{REPORT}/return")), &w.officer).json(&json!({"version": 2, "reason": " "})).await;
        assert_eq!(no_reason.status_code(), StatusCode::CONFLICT);
        let refusal = no_reason.json::<Value>();
        assert_eq!(refusal["error"]["message"], "Hãy ghi lý do.");
        // A refused step answers like a stale write: why, and the report as it is now.
        assert_eq!((refusal["current"]["version"].clone(), refusal["current"]["state"].clone()), (json!(2), json!("submitted")));
        let returned = as_user(w.server.post(&format!("{REPORT}/return")), &w.officer)
            .json(&json!({"version": 2, "reason": "Bổ sung số lượt tuyên truyền (chỉ tiêu IV.1)"}))
            .await;
        assert_eq!(returned.json::<Value>()["state"], "returned");

        // The village sees the reason on its form, fixes and resubmits.
        let page = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/reports/ban-a"), &w.village).await.text();
        assert!(page.contains("Bổ sung số lượt tuyên truyền (chỉ tiêu IV.1)"));
        let mut fixed = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        let iv1 = fixed["body"]["figures"].as_array_mut().unwrap().iter_mut().find(|f| f["indicator"] == "IV.1").unwrap();
        iv1["value"] = json!(2.0);
        let resubmitted = as_user(w.server.post(&format!("{REPORT}/submit")), &w.village)
            .json(&json!({"version": 3, "body": fixed["body"]}))
            .await
            .json::<Value>();
        assert_eq!(resubmitted["state"], "submitted");
        let accepted = as_user(w.server.post(&format!("{REPORT}/accept")), &w.officer).json(&json!({"version": 4})).await.json::<Value>();
        assert_eq!(accepted["state"], "accepted");
        assert_eq!(accepted["lock"]["code"], "locked");
        assert_eq!(accepted["return_reason"], Value::Null);

        let board = as_user(w.server.get("/api/v1/plans/muong-la-2026/periods/2026-Q1/board"), &w.leader).await.json::<Vec<Value>>();
        let a = board.iter().find(|r| r["unit"] == "ban-a").unwrap();
        assert_eq!(a["standing"], "accepted");
        assert_eq!(a["on_time"], true);
        let b = board.iter().find(|r| r["unit"] == "ban-b").unwrap();
        assert_eq!(b["standing"], "not_started");
        assert!(!board.iter().any(|r| r["unit"] == "so-khcn" || r["unit"] == "ubnd"), "outside bodies do not report");

        // Accepted is locked; reopening needs a reason and opens it again.
        let reopened = as_user(w.server.post(&format!("{REPORT}/reopen")), &w.officer).json(&json!({"version": 5, "reason": "Sửa số liệu"})).await;
        assert_eq!(reopened.json::<Value>()["state"], "returned");
        let reopen_again = as_user(w.server.post(&format!("{REPORT}/reopen")), &w.officer).json(&json!({"version": 6, "reason": "x"})).await;
        assert_eq!(reopen_again.status_code(), StatusCode::CONFLICT);
    }
);

on_both_databases!(
    /// Two people save the same report: the second gets 409 and the current report; nothing of
    /// the first is overwritten.
    async fn concurrent_saves_conflict_and_lose_nothing(store) {
        let w = world(store).await;
        let fresh = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        let mut first = fresh["body"].clone();
        first["difficulties"] = json!("Thiếu loa truyền thanh");
        let mut second = fresh["body"].clone();
        second["difficulties"] = json!("Đường đi lại khó khăn");
        let ok = as_user(w.server.put(REPORT), &w.village).json(&json!({"version": 0, "body": first})).await;
        assert_eq!(ok.status_code(), StatusCode::OK);
        // The same save sent again (its answer lost on a bad link) is a success, not a conflict.
        let retry = as_user(w.server.put(REPORT), &w.village).json(&json!({"version": 0, "body": first})).await;
        assert_eq!(retry.status_code(), StatusCode::OK);
        assert_eq!(retry.json::<Value>()["version"], 1, "and writes nothing twice");
        let clash = as_user(w.server.put(REPORT), &w.officer).json(&json!({"version": 0, "body": second})).await;
        assert_eq!(clash.status_code(), StatusCode::CONFLICT);
        let body = clash.json::<Value>();
        assert_eq!(body["error"]["code"], "conflict");
        assert_eq!(body["current"]["body"]["difficulties"], "Thiếu loa truyền thanh");
        assert_eq!(body["current"]["version"], 1);
        let stored = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        assert_eq!(stored["body"]["difficulties"], "Thiếu loa truyền thanh");

        // The same through the form: the page says so and keeps what the second person typed.
        let page = as_user(w.server.post("/plans/muong-la-2026/periods/2026-Q1/reports/ban-a"), &w.officer)
            .form(&[("csrf", w.officer.1.as_str()), ("version", "0"), ("intent", "save"), ("difficulties", "Đường đi lại khó khăn")])
            .await;
        assert_eq!(page.status_code(), StatusCode::CONFLICT);
        let text = page.text();
        assert!(text.contains("Đường đi lại khó khăn"), "the second person's text is kept in the form");
        assert!(text.contains("vừa được người khác lưu"));

        // Saving again with the version shown is a deliberate overwrite, and works.
        let again = as_user(w.server.post("/plans/muong-la-2026/periods/2026-Q1/reports/ban-a"), &w.officer)
            .form(&[("csrf", w.officer.1.as_str()), ("version", "1"), ("intent", "save"), ("difficulties", "Đường đi lại khó khăn")])
            .await;
        assert_eq!(again.status_code(), StatusCode::SEE_OTHER);
        assert_eq!(as_user(w.server.get(REPORT), &w.village).await.json::<Value>()["body"]["difficulties"], "Đường đi lại khó khăn");
        // A figure that is not a number is a clear 422.
        let bad = as_user(w.server.post("/plans/muong-la-2026/periods/2026-Q1/reports/ban-a"), &w.village)
            .form(&[("csrf", w.village.1.as_str()), ("version", "2"), ("intent", "save"), ("figure.IV.1.value", "hai")])
            .await;
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("Số liệu của chỉ tiêu IV.1 phải là một số từ 0"));
    }
);

on_both_databases!(
    /// A negative figure, or one so large that two of them add up to infinity, is refused the
    /// same way by the form and by the API (the API stored −5 and 1.7e308 before), and nothing
    /// is written.
    async fn figures_out_of_range_are_refused_on_every_surface(store) {
        let w = world(store).await;
        let fresh = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        let refusal = "Số liệu của chỉ tiêu IV.1 phải là một số từ 0 đến 1.000 tỷ";
        for value in ["-5", "1.7e308"] {
            let page = as_user(w.server.post("/plans/muong-la-2026/periods/2026-Q1/reports/ban-a"), &w.village)
                .form(&[("csrf", w.village.1.as_str()), ("version", "0"), ("intent", "save"), ("figure.IV.1.value", value)])
                .await;
            assert_eq!(page.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "form, {value}");
            assert!(page.text().contains(refusal), "form, {value}");

            let mut body = fresh["body"].clone();
            for figure in body["figures"].as_array_mut().unwrap() {
                if figure["indicator"] == "IV.1" {
                    figure["value"] = json!(value.parse::<f64>().unwrap());
                }
            }
            let api = as_user(w.server.put(REPORT), &w.village).json(&json!({"version": 0, "body": body})).await;
            assert_eq!(api.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "API, {value}");
            assert!(api.json::<Value>()["error"]["message"].as_str().unwrap().starts_with(refusal), "API, {value}");
        }
        let after = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        assert_eq!(after["version"], 0, "nothing was written");
    }
);

on_both_databases!(
    /// As the clock passes the deadline: not started becomes missing, a submission is late.
    async fn late_and_missing_as_the_clock_moves(store) {
        let w = world(store).await;
        let board = |w: &World| {
            let req = as_user(w.server.get("/api/v1/plans/muong-la-2026/periods/2026-Q1/board"), &w.leader);
            async move { req.await.json::<Vec<Value>>() }
        };
        w.clock.set(q1_deadline() - Duration::seconds(1));
        assert!(board(&w).await.iter().all(|r| r["standing"] == "not_started"));
        w.clock.set(q1_deadline());
        assert!(board(&w).await.iter().all(|r| r["standing"] == "missing"));

        let fresh = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        let late = as_user(w.server.post(&format!("{REPORT}/submit")), &w.village).json(&json!({"version": 0, "body": fresh["body"]})).await;
        assert_eq!(late.status_code(), StatusCode::OK);
        assert_eq!(late.json::<Value>()["late"], true);
        let rows = board(&w).await;
        let a = rows.iter().find(|r| r["unit"] == "ban-a").unwrap();
        assert_eq!(a["standing"], "submitted_late");
        assert_eq!(a["on_time"], false);
        assert!(a["seconds_left"].as_i64().unwrap() <= 0);

        // Q2 is still open at that moment.
        let q2 = as_user(w.server.get("/api/v1/plans/muong-la-2026/periods/2026-Q2/board"), &w.leader).await.json::<Vec<Value>>();
        assert!(q2.iter().all(|r| r["standing"] == "not_started"));
        // Unknown periods and units are not found.
        for path in ["/api/v1/plans/muong-la-2026/periods/2025-Q1/board", "/api/v1/plans/muong-la-2026/periods/2026-Q5/board"] {
            assert_eq!(as_user(w.server.get(path), &w.leader).await.status_code(), StatusCode::NOT_FOUND, "{path}");
        }
        let outside = as_user(w.server.get("/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/so-khcn"), &w.officer).await;
        assert_eq!(outside.status_code(), StatusCode::NOT_FOUND);
    }
);

on_both_databases!(
    async fn the_board_page_and_its_csv(store) {
        let w = world(store).await;
        let fresh = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        as_user(w.server.post(&format!("{REPORT}/submit")), &w.village).json(&json!({"version": 0, "body": fresh["body"]})).await;
        let page = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/board"), &w.officer).await;
        assert_eq!(page.status_code(), StatusCode::OK);
        let text = page.text();
        assert!(text.contains("Bản A (mẫu)") && text.contains("Đã nộp đúng hạn") && text.contains("đúng hạn"));
        let filtered = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/board?standing=not_started"), &w.officer).await.text();
        assert!(filtered.contains("Bản B (mẫu)") && !filtered.contains(">Bản A (mẫu)<"));
        let csv = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/board.csv"), &w.officer).await;
        assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
        let bytes = csv.as_bytes().to_vec();
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM for Excel");
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert_eq!(lines.next(), Some("Mã,Đơn vị,Tình trạng,Thời hạn,Mức đầy đủ,Cập nhật lần cuối,Lý do trả lại"));
        assert!(text.contains("ban-a,Bản A (mẫu),Đã nộp đúng hạn,đúng hạn"), "{text}");
        let api_csv = as_user(w.server.get("/api/v1/plans/muong-la-2026/periods/2026-Q1/board?format=csv"), &w.officer).await;
        assert_eq!(api_csv.as_bytes().to_vec(), text.as_bytes().to_vec());
    }
);

/// A village submits its report with the given IV.1 figure and difficulty; the officer accepts.
async fn accepted_report(w: &World, unit: &str, who: &(String, String), figure: f64, difficulty: &str) {
    let path = format!("/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/{unit}");
    let mut report = as_user(w.server.get(&path), who).await.json::<Value>();
    report["body"]["difficulties"] = json!(difficulty);
    for f in report["body"]["figures"].as_array_mut().unwrap() {
        if f["indicator"] == "IV.1" {
            f["value"] = json!(figure);
        }
    }
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
    assert_eq!(accepted.status_code(), StatusCode::OK);
}

on_both_databases!(
    /// The commune report: the accepted reports' figures by unit and their total, each unit's
    /// notes and difficulties; the officer writes, the leader approves, it is frozen, and the
    /// province sees it only then.
    async fn consolidation_approval_and_the_province(store) {
        let w = world(store).await;
        accepted_report(&w, "ban-a", &w.village, 2.0, "Thiếu loa truyền thanh").await;
        accepted_report(&w, "ban-b", &w.village_b, 3.0, "Đường đi lại khó khăn").await;
        let url = "/api/v1/plans/muong-la-2026/periods/2026-Q1/consolidation";
        let c = as_user(w.server.get(url), &w.leader).await.json::<Value>();
        assert_eq!(c["version"], 0);
        assert_eq!(c["approved"], false);
        assert_eq!(c["consolidation"]["accepted"], 2);
        let iv1 = c["consolidation"]["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "IV.1").unwrap();
        assert_eq!(iv1["total"], 5.0);
        let names: Vec<&str> = iv1["by_unit"].as_array().unwrap().iter().map(|f| f["unit_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Bản A (mẫu)", "Bản B (mẫu)"]);
        let i1 = c["consolidation"]["tasks"].as_array().unwrap().iter().find(|t| t["code"] == "I.1").unwrap();
        assert_eq!(i1["lead"], Value::Null, "Phòng VHXH did not report");
        assert_eq!(i1["coordinators"][1]["note"], "Đã phổ biến tại ban-b");
        let difficulties: Vec<&str> = c["consolidation"]["difficulties"].as_array().unwrap().iter().map(|d| d["text"].as_str().unwrap()).collect();
        assert_eq!(difficulties, ["Thiếu loa truyền thanh", "Đường đi lại khó khăn"]);
        // A ratio's figures are not summed.
        let i2 = c["consolidation"]["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "I.2").unwrap();
        assert_eq!(i2["total"], Value::Null);

        // The province sees nothing before approval.
        let report_url = "/api/v1/plans/muong-la-2026/periods/2026-Q1/commune-report";
        assert_eq!(as_user(w.server.get(report_url), &w.province).await.status_code(), StatusCode::NOT_FOUND);
        assert_eq!(as_user(w.server.get(url), &w.province).await.status_code(), StatusCode::FORBIDDEN);

        let narrative = "Quý I/2026, các bản đã tổ chức 05 lượt tuyên truyền về KH, CN&ĐMST.";
        let saved = as_user(w.server.put(url), &w.officer).json(&json!({"version": 0, "narrative": narrative})).await;
        assert_eq!(saved.json::<Value>()["version"], 1);
        let stale = as_user(w.server.put(url), &w.officer).json(&json!({"version": 0, "narrative": "cũ"})).await;
        assert_eq!(stale.status_code(), StatusCode::CONFLICT);
        assert_eq!(as_user(w.server.post(&format!("{url}/approve")), &w.officer).json(&json!({"version": 1})).await.status_code(), StatusCode::FORBIDDEN);
        // Units are missing: the leader is told which, and approves only once confirmed.
        let unconfirmed = as_user(w.server.post(&format!("{url}/approve")), &w.leader).json(&json!({"version": 1, "number": 3})).await;
        assert_eq!(unconfirmed.status_code(), StatusCode::CONFLICT);
        let message = unconfirmed.json::<Value>()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("chưa được chấp nhận") && message.contains("Phòng Văn hóa - Xã hội"), "{message}");
        // The office numbers its reports: no number, no approval.
        let unnumbered = as_user(w.server.post(&format!("{url}/approve")), &w.leader)
            .json(&json!({"version": 1, "confirm_incomplete": true}))
            .await;
        assert_eq!(unnumbered.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", unnumbered.text());
        let approved = as_user(w.server.post(&format!("{url}/approve")), &w.leader)
            .json(&json!({"version": 1, "number": 3, "confirm_incomplete": true}))
            .await
            .json::<Value>();
        assert_eq!(approved["approved"], true);
        assert_eq!(approved["approved_by"], "lanh-dao");
        assert_eq!(approved["records"][0]["number_text"], "03/BC-UBND");

        // Frozen, and the period's unit reports are closed: none can be reopened or changed.
        let reopen = as_user(w.server.post("/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/ban-b/reopen"), &w.officer)
            .json(&json!({"version": 2, "reason": "Sửa số liệu"}))
            .await;
        assert_eq!(reopen.status_code(), StatusCode::CONFLICT, "{}", reopen.text());
        assert!(reopen.text().contains("đã khóa"), "{}", reopen.text());
        let after = as_user(w.server.get(url), &w.leader).await.json::<Value>();
        assert_eq!(after["consolidation"]["accepted"], 2);
        let edit = as_user(w.server.put(url), &w.officer).json(&json!({"version": 2, "narrative": "x"})).await;
        assert_eq!(edit.status_code(), StatusCode::CONFLICT);
        assert_eq!(edit.json::<Value>()["error"]["message"], "Báo cáo của xã đã được phê duyệt nên không sửa được nữa.");

        let seen = as_user(w.server.get(report_url), &w.province).await.json::<Value>();
        assert_eq!(seen["narrative"], narrative);
        assert_eq!(seen["consolidation"]["indicators"].as_array().unwrap().iter().find(|i| i["code"] == "IV.1").unwrap()["total"], 5.0);
        let page = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/consolidation"), &w.leader).await.text();
        assert!(page.contains("đã phê duyệt") && page.contains("Thiếu loa truyền thanh"));
    }
);

on_both_databases!(
    /// Each user sees what is due from them; the officer gets a message to send each unit to
    /// chase; each unit can subscribe to its deadlines; each submission's changes can be seen.
    async fn due_lists_reminders_calendar_and_versions(store) {
        let w = world(store).await;
        let home = as_user(w.server.get("/"), &w.village).await.text();
        assert!(home.contains("Việc cần làm") && home.contains("/plans/muong-la-2026/periods/2026-Q1/reports/ban-a"), "{home}");

        // Submitted, returned with a reason: the village's home says so.
        let fresh = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        as_user(w.server.post(&format!("{REPORT}/submit")), &w.village).json(&json!({"version": 0, "body": fresh["body"]})).await;
        let officer_home = as_user(w.server.get("/"), &w.officer).await.text();
        assert!(officer_home.contains("1 báo cáo chờ xem xét"), "{officer_home}");
        as_user(w.server.post(&format!("{REPORT}/return")), &w.officer).json(&json!({"version": 1, "reason": "Thiếu số liệu IV.1"})).await;
        let home = as_user(w.server.get("/"), &w.village).await.text();
        assert!(home.contains("Bị trả lại — Thiếu số liệu IV.1"), "{home}");

        let reminders = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/reminders"), &w.officer)
            .add_header(HeaderName::from_static("host"), HeaderValue::from_static("kehoach.muongla.example"))
            .await
            .text();
        assert!(reminders.contains("Kính gửi Bản A (mẫu): đề nghị đơn vị gửi báo cáo Quý 1 2026"), "{reminders}");
        assert!(reminders.contains("Báo cáo đã bị trả lại để bổ sung: Thiếu số liệu IV.1."));
        assert!(reminders.contains("http://kehoach.muongla.example/plans/muong-la-2026/periods/2026-Q1/reports/ban-b"));
        assert!(reminders.contains("00:00 05/03/2026"));
        assert_eq!(as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/reminders"), &w.village).await.status_code(), StatusCode::FORBIDDEN);

        let ics = w.server.get("/plans/muong-la-2026/units/ban-a/deadlines.ics").await;
        assert_eq!(ics.header("content-type"), "text/calendar; charset=utf-8");
        let text = ics.text();
        assert!(text.starts_with("BEGIN:VCALENDAR"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 5);
        assert!(text.contains("DTEND:20260304T170000Z"), "{text}");
        assert!(text.contains("BEGIN:VALARM"));
        assert_eq!(w.server.get("/plans/muong-la-2026/units/so-khcn/deadlines.ics").await.status_code(), StatusCode::NOT_FOUND);

        // The second submission shows what changed since the first.
        let mut fixed = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        for f in fixed["body"]["figures"].as_array_mut().unwrap() {
            if f["indicator"] == "IV.1" {
                f["value"] = json!(3.0);
            }
        }
        as_user(w.server.post(&format!("{REPORT}/submit")), &w.village).json(&json!({"version": 2, "body": fixed["body"]})).await;
        let versions = as_user(w.server.get(&format!("{REPORT}/versions")), &w.officer).await.json::<Vec<Value>>();
        assert_eq!(versions.len(), 2);
        let changes = versions[1]["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0]["field"], "indicator IV.1 value");
        assert_eq!(changes[0]["after"], "3");
        let page = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/reports/ban-a"), &w.officer).await.text();
        assert!(page.contains("Chỉ tiêu IV.1 – số liệu: "), "the change in words");
    }
);

on_both_databases!(
    /// The focal officer asks the villages for an ad hoc report; they answer through the same
    /// form; the request has its own board and deadline.
    async fn ad_hoc_requests(store) {
        let w = world(store).await;
        let now = at(2026, 3, 1, 2, 0);
        let deadline = now + Duration::days(3);
        let ask = |body: Value| as_user(w.server.post("/api/v1/plans/muong-la-2026/requests"), &w.officer).json(&body);
        let good = json!({
            "title": "Báo cáo nhanh về hệ thống truyền thanh",
            "details": "Phục vụ kiểm tra của Sở KH&CN",
            "tasks": ["I.1"],
            "indicators": ["IV.1"],
            "questions": ["Số cụm loa truyền thanh đang hoạt động?"],
            "units": ["ban-tieu-khu"],
            "deadline": deadline.to_rfc3339(),
        });
        let mut past = good.clone();
        past["deadline"] = json!((now - Duration::hours(1)).to_rfc3339());
        assert_eq!(ask(past).await.json::<Value>()["error"]["message"], "Hạn nộp phải sau thời điểm hiện tại.");
        let mut unknown = good.clone();
        unknown["units"] = json!(["ban-khong-co"]);
        assert_eq!(ask(unknown).await.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused = as_user(w.server.post("/api/v1/plans/muong-la-2026/requests"), &w.village).json(&good).await;
        assert_eq!(refused.status_code(), StatusCode::FORBIDDEN);

        let created = ask(good).await;
        assert_eq!(created.status_code(), StatusCode::CREATED);
        let request = created.json::<Value>();
        assert_eq!(request["number"], 1);
        assert_eq!(request["units"], json!(["ban-a", "ban-b"]), "the group resolved to its villages");

        let listed = as_user(w.server.get("/api/v1/plans/muong-la-2026/requests"), &w.village).await.json::<Vec<Value>>();
        assert_eq!(listed.len(), 1);
        let home = as_user(w.server.get("/"), &w.village).await.text();
        assert!(home.contains("Báo cáo đột xuất số 1: Báo cáo nhanh về hệ thống truyền thanh"), "{home}");

        let url = "/api/v1/plans/muong-la-2026/periods/2026-R1/reports/ban-a";
        let form = as_user(w.server.get(url), &w.village).await.json::<Value>();
        assert_eq!(form["deadline"], deadline.to_rfc3339().replace("+00:00", "Z"));
        let tasks: Vec<&str> = form["body"]["tasks"].as_array().unwrap().iter().map(|t| t["task"].as_str().unwrap()).collect();
        assert_eq!(tasks, ["I.1"]);
        assert_eq!(form["body"]["answers"][0]["question"], "Số cụm loa truyền thanh đang hoạt động?");
        let mut body = form["body"].clone();
        body["answers"][0]["answer"] = json!("03 cụm loa");
        let submitted = as_user(w.server.post(&format!("{url}/submit")), &w.village).json(&json!({"version": 0, "body": body})).await;
        assert_eq!(submitted.status_code(), StatusCode::OK);
        assert_eq!(submitted.json::<Value>()["body"]["answers"][0]["answer"], "03 cụm loa");

        let board = as_user(w.server.get("/api/v1/plans/muong-la-2026/periods/2026-R1/board"), &w.officer).await.json::<Vec<Value>>();
        let units: Vec<&str> = board.iter().map(|r| r["unit"].as_str().unwrap()).collect();
        assert_eq!(units, ["ban-a", "ban-b"], "only the units asked");
        assert_eq!(board[0]["standing"], "submitted_on_time");
        w.clock.set(deadline);
        let board = as_user(w.server.get("/api/v1/plans/muong-la-2026/periods/2026-R1/board"), &w.officer).await.json::<Vec<Value>>();
        assert_eq!(board[1]["standing"], "missing");
        // A unit not asked has no report for the request; an unknown request is not found.
        assert_eq!(as_user(w.server.get("/api/v1/plans/muong-la-2026/periods/2026-R1/reports/ban-khong-co"), &w.officer).await.status_code(), StatusCode::NOT_FOUND);
        assert_eq!(as_user(w.server.get("/api/v1/plans/muong-la-2026/periods/2026-R9/board"), &w.officer).await.status_code(), StatusCode::NOT_FOUND);

        // The same through the page, with a day and a time in Vietnam.
        w.clock.set(now);
        let page = as_user(w.server.post("/plans/muong-la-2026/requests"), &w.officer)
            .form(&[
                ("csrf", w.officer.1.as_str()),
                ("title", "Số liệu mô hình"),
                ("indicators", "II.2"),
                ("units", "ban-b"),
                ("deadline_date", "2026-03-10"),
                ("deadline_time", "17:00"),
            ])
            .await;
        assert_eq!(page.status_code(), StatusCode::SEE_OTHER);
        assert_eq!(page.header("location"), "/plans/muong-la-2026/periods/2026-R2/board");
        let second = as_user(w.server.get("/api/v1/plans/muong-la-2026/requests"), &w.officer).await.json::<Vec<Value>>();
        assert_eq!(second[0]["deadline"], "2026-03-10T10:00:00Z");
        let ics = w.server.get("/plans/muong-la-2026/units/ban-a/deadlines.ics").await.text();
        // The public feed keeps request titles out: they are behind the unit's secret link
        // (tests/exports_safe.rs).
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 5, "four quarters and the year");
        assert!(!ics.contains("Báo cáo nhanh về hệ thống truyền thanh"));
        let list = as_user(w.server.get("/plans/muong-la-2026/requests"), &w.village).await.text();
        assert!(list.contains("Báo cáo nhanh về hệ thống truyền thanh") && !list.contains("Số liệu mô hình"), "ban-a sees only its requests");
    }
);

on_both_databases!(
    /// Photos and PDFs kept with the report: type read from the content, size and number
    /// bounded, readable by who may read the report, frozen with it once submitted.
    async fn evidence_files(store) {
        let w = world(store).await;
        let files = format!("{REPORT}/files");
        let upload = |who: &(String, String), name: &str, bytes: Vec<u8>| {
            use axum_test::multipart::{MultipartForm, Part};
            as_user(w.server.post(&files), who).multipart(MultipartForm::new().add_part("file", Part::bytes(bytes).file_name(name.to_owned())))
        };
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
        jpeg.extend(std::iter::repeat_n(7u8, 5000));
        let added = upload(&w.village, "ảnh họp bản.jpg", jpeg.clone()).await;
        assert_eq!(added.status_code(), StatusCode::CREATED, "{}", added.text());
        let info = added.json::<Value>();
        assert_eq!(info["mime"], "image/jpeg");
        assert_eq!(info["name"], "ảnh họp bản.jpg");
        assert_eq!(info["size"], 5004);
        // The first file made the draft.
        assert_eq!(as_user(w.server.get(REPORT), &w.village).await.json::<Value>()["version"], 1);

        let text = upload(&w.village, "ghi-chu.txt", b"day la van ban".to_vec()).await;
        assert_eq!(text.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(text.json::<Value>()["error"]["message"], "Chỉ nhận ảnh (JPEG, PNG, WebP, HEIC) hoặc tệp PDF.");
        let mut huge = b"%PDF-1.7\n".to_vec();
        huge.resize(10 * 1024 * 1024 + 1, b' ');
        let too_big = upload(&w.village, "lon.pdf", huge).await;
        assert_eq!(too_big.status_code(), StatusCode::UNPROCESSABLE_ENTITY);

        let listed = as_user(w.server.get(&files), &w.officer).await.json::<Vec<Value>>();
        assert_eq!(listed.len(), 1);
        let id = listed[0]["id"].as_i64().unwrap();
        let download = as_user(w.server.get(&format!("{files}/{id}")), &w.officer).await;
        assert_eq!(download.header("content-type"), "image/jpeg");
        assert!(download.header("content-disposition").to_str().unwrap().starts_with("attachment;"));
        assert_eq!(download.as_bytes().to_vec(), jpeg);
        // Another village guessing the id finds nothing.
        let hidden = as_user(w.server.get(&format!("{files}/{id}")), &w.village_b).await;
        assert_eq!(hidden.status_code(), StatusCode::NOT_FOUND);
        // Under /api/ an error is JSON, never a page.
        let missing = as_user(w.server.get(&format!("{files}/999999")), &w.officer).await;
        assert_eq!(missing.status_code(), StatusCode::NOT_FOUND);
        assert_eq!(missing.json::<Value>()["error"]["code"], "not_found", "{}", missing.text());
        let trail = as_user(w.server.get("/api/v1/audit?kind=report"), &w.officer).await.json::<Vec<Value>>();
        assert!(trail.iter().any(|a| a["action"] == "report.file.add" && !a["after_json"].as_str().unwrap().contains("data")));

        // At most ten files.
        for i in 1..10 {
            assert_eq!(upload(&w.village, &format!("anh-{i}.png"), vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]).await.status_code(), StatusCode::CREATED);
        }
        let eleventh = upload(&w.village, "anh-11.png", vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]).await;
        assert_eq!(eleventh.json::<Value>()["error"]["message"], "Mỗi báo cáo có tối đa 10 tệp minh chứng.");

        // Submitted: the files are frozen with it.
        as_user(w.server.post(&format!("{REPORT}/submit")), &w.village).json(&json!({"version": 1})).await;
        let late_file = upload(&w.village, "them.jpg", jpeg).await;
        assert_eq!(late_file.status_code(), StatusCode::CONFLICT);
        let page = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/reports/ban-a"), &w.officer).await.text();
        assert!(page.contains("ảnh họp bản.jpg"));
    }
);
