//! The commune's side of the hand-off to the province (issue 13): an approval sends the report
//! to the province; the consolidation page and its JSON say where it stands there and whether it
//! arrived before the province's deadline; a return shows its reason and what to do next, on the
//! page, the leaders' screen and the home pages of lanh_dao and dau_moi, until the corrected
//! report is approved — and so sent — again; the commune's audit trail words every step.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use chrono::{DateTime, TimeZone, Utc};
use kehoach_app::province::{self, Decision};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{Actor, Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{TEST, Who, as_user, session_of};

const Q1: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1";
const PAGE: &str = "/plans/muong-la-2026/periods/2026-Q1/consolidation";
const LEADERS: &str = "/plans/muong-la-2026/leaders";
const PROVINCE_FILE: &str = include_str!("../../../../plans/son-la.toml");
const DEPARTMENT: &str = "Sở Khoa học và Công nghệ tỉnh Sơn La";
const REASON: &str = "Chỉ tiêu IV.1 thiếu số liệu của Bản B; đề nghị xã bổ sung";
const SO_KHCN: Actor<'static> = Actor { name: "so-khcn", address: None };

/// In Vietnam's time (UTC+7).
fn vn(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap() - chrono::Duration::hours(7)
}

struct World {
    server: TestServer,
    app: kehoach_app::App,
    clock: Arc<FixedClock>,
    officer: Who,
    leader: Who,
}

/// Mường La on 5 March 2026 at 09:12; Sơn La's file loaded when `with_province`.
async fn world(store: Store, with_province: bool) -> World {
    common::commune(&store).await;
    let clock = Arc::new(FixedClock::new(vn(3, 5, 9, 12)));
    let app = kehoach_app::App::new(store.clone(), clock.clone());
    if with_province {
        province::load(&app, PROVINCE_FILE, TEST).await.expect("Sơn La's file loads");
    }
    World {
        server: TestServer::new(kehoach_web::router_at(store.clone(), clock.clone())),
        officer: session_of(&store, "dau-moi").await,
        leader: session_of(&store, "lanh-dao").await,
        app,
        clock,
    }
}

async fn json(w: &World, who: &Who) -> Value {
    let response = as_user(w.server.get(&format!("{Q1}/consolidation")), who).await;
    assert_eq!(response.status_code(), StatusCode::OK, "{}", response.text());
    response.json::<Value>()
}

async fn page(w: &World, who: &Who, path: &str) -> String {
    let response = as_user(w.server.get(path), who).await;
    assert_eq!(response.status_code(), StatusCode::OK, "{path}: {}", response.text());
    response.text()
}

/// The officer sends the report for approval and the leader approves it with `number`.
async fn approved(w: &World, number: u32) -> Value {
    let current = json(w, &w.officer).await;
    if current["state"] == "draft" {
        let sent = as_user(w.server.post(&format!("{Q1}/consolidation/send")), &w.officer)
            .json(&json!({"version": current["version"]}))
            .await;
        assert_eq!(sent.status_code(), StatusCode::OK, "{}", sent.text());
    }
    let current = json(w, &w.leader).await;
    let approved = as_user(w.server.post(&format!("{Q1}/consolidation/approve")), &w.leader)
        .json(&json!({"version": current["version"], "number": number, "confirm_incomplete": true}))
        .await;
    assert_eq!(approved.status_code(), StatusCode::OK, "{}", approved.text());
    approved.json::<Value>()
}

async fn decide(w: &World, sending: &Value, decision: Decision) {
    let son_la = province::get(&w.app, "son-la").await.expect("Sơn La is loaded");
    let id = sending["id"].as_i64().expect("a sending's id") as i32;
    // Timed by the application's clock, as the web layer times every request's audit rows.
    let decided = province::decide(&w.app, &son_la, id, decision, SO_KHCN);
    kehoach_store::AuditEntry::timed_by(w.clock.clone(), decided).await.expect("the province decides");
}

on_both_databases!(
    async fn the_commune_sees_its_report_sent_returned_corrected_sent_again_and_accepted(store) {
        let w = world(store, true).await;
        let before = json(&w, &w.leader).await;
        assert_eq!(before["province"]["sendings"], json!([]), "nothing sent before approval");
        assert_eq!(before["province"]["deadline_day"], "2026-03-10");
        let draft = page(&w, &w.officer, PAGE).await;
        assert!(draft.contains("Báo cáo chưa được gửi lên Sở"), "{draft}");
        assert!(draft.contains(&format!("Hạn gửi {DEPARTMENT}: trước 00:00 ngày 10/03/2026.")), "{draft}");

        // Approved at 09:12 on 5 March: sent at once, before the province's deadline.
        let v1 = approved(&w, 7).await;
        let at = &v1["province"];
        assert_eq!(at["receiver"], DEPARTMENT);
        assert_eq!(at["timeliness"], "on_time");
        assert_eq!(at["deadline"], "2026-03-09T17:00:00Z", "before the 10th: midnight in Vietnam");
        let sendings = at["sendings"].as_array().unwrap();
        assert_eq!(sendings.len(), 1, "{at}");
        assert_eq!((sendings[0]["state"].as_str(), sendings[0]["version"].as_i64()), (Some("sent"), Some(1)));
        assert_eq!(sendings[0]["sent_at"], "2026-03-05T02:12:00Z");
        let shown = page(&w, &w.leader, PAGE).await;
        assert!(
            shown.contains(&format!("Đã gửi {DEPARTMENT} lúc 09:12 ngày 05/03/2026, đang chờ tiếp nhận.")),
            "{shown}"
        );
        assert!(shown.contains("Lần gửi đầu tiên: đúng hạn."), "{shown}");
        assert!(shown.contains("Phiên bản 1 (số 07/BC-UBND)"), "{shown}");
        assert!(!shown.contains("province-returned"), "nothing returned yet");

        // The province returns it on 6 March at 10:30 with a reason.
        w.clock.set(vn(3, 6, 10, 30));
        decide(&w, &sendings[0], Decision::Return(REASON.into())).await;
        let returned = json(&w, &w.officer).await;
        let latest = &returned["province"]["sendings"][0];
        assert_eq!((latest["state"].as_str(), latest["reason"].as_str()), (Some("returned"), Some(REASON)));
        let shown = page(&w, &w.leader, PAGE).await;
        assert!(shown.contains("id=\"province-returned\""), "the return is said first: {shown}");
        assert!(
            shown.contains(&format!("{DEPARTMENT} đã trả lại báo cáo quý I năm 2026 (phiên bản 1) lúc 10:30 ngày 06/03/2026.")),
            "{shown}"
        );
        assert!(shown.contains(&format!("Lý do: {REASON}")), "{shown}");
        assert!(shown.contains("Việc cần làm: lãnh đạo mở lại báo cáo để đính chính"), "{shown}");
        assert!(shown.contains("<a href=\"#reopen\">Mở lại để đính chính</a>"), "linked to the reopening: {shown}");
        assert!(!page(&w, &w.officer, PAGE).await.contains("id=\"reopen\""), "only a leader reopens");
        assert!(shown.contains(&format!("Sở trả lại lúc 10:30 ngày 06/03/2026 — lý do: {REASON}")), "{shown}");
        let item = format!("Sở trả lại báo cáo quý I năm 2026: {REASON}");
        let leaders = page(&w, &w.leader, LEADERS).await;
        assert!(leaders.contains(&item), "the leaders' screen lists it: {leaders}");
        assert!(leaders.contains(&format!("{PAGE}#province-returned")), "linked to the page: {leaders}");
        for who in [&w.leader, &w.officer] {
            let home = page(&w, who, "/").await;
            assert!(home.contains(&item), "the home page's to-do list: {home}");
        }

        // The leader reopens it with a reason: still to do, now "correct and approve again".
        w.clock.set(vn(3, 7, 8, 0));
        let reopened = as_user(w.server.post(&format!("{Q1}/consolidation/reopen")), &w.leader)
            .json(&json!({"version": returned["version"], "reason": "Bổ sung số liệu của Bản B theo ý kiến của Sở"}))
            .await;
        assert_eq!(reopened.status_code(), StatusCode::OK, "{}", reopened.text());
        let shown = page(&w, &w.leader, PAGE).await;
        assert!(shown.contains("Báo cáo đã được mở lại để đính chính."), "{shown}");
        assert!(page(&w, &w.leader, LEADERS).await.contains(&item), "listed until approved again");

        // Approved again: sent again as version 2, the to-do item gone, still on time (the
        // first sending counts).
        w.clock.set(vn(3, 7, 9, 0));
        let v2 = approved(&w, 8).await;
        let sendings = v2["province"]["sendings"].as_array().unwrap();
        assert_eq!(sendings.len(), 2, "{v2}");
        assert_eq!((sendings[1]["state"].as_str(), sendings[1]["version"].as_i64()), (Some("sent"), Some(2)));
        assert_eq!(sendings[0]["state"], "returned", "the returned version keeps its decision");
        assert_eq!(v2["province"]["timeliness"], "on_time");
        let shown = page(&w, &w.leader, PAGE).await;
        assert!(!shown.contains("id=\"province-returned\""), "{shown}");
        assert!(shown.contains(&format!("Đã gửi {DEPARTMENT} lúc 09:00 ngày 07/03/2026, đang chờ tiếp nhận.")), "{shown}");
        assert!(!page(&w, &w.leader, LEADERS).await.contains(&item), "gone from the leaders' screen");
        for who in [&w.leader, &w.officer] {
            assert!(!page(&w, who, "/").await.contains(&item), "gone from the home page");
        }

        // The province accepts version 2 on 8 March at 10:00.
        w.clock.set(vn(3, 8, 10, 0));
        decide(&w, &sendings[1], Decision::Accept).await;
        let accepted = json(&w, &w.officer).await;
        assert_eq!(accepted["province"]["sendings"][1]["state"], "accepted");
        let shown = page(&w, &w.officer, PAGE).await;
        assert!(shown.contains("Sở đã tiếp nhận lúc 10:00 ngày 08/03/2026."), "{shown}");

        // The commune's audit trail: every step in words, with its time.
        let audit = page(&w, &w.leader, "/audit").await;
        for words in [
            "05/03/2026 09:12:00",
            "Gửi báo cáo của xã lên Sở",
            "06/03/2026 10:30:00",
            "Sở trả lại báo cáo của xã",
            &format!("Lý do trả lại: {REASON}"),
            "07/03/2026 09:00:00",
            "Phiên bản 2, số 08/BC-UBND",
            "08/03/2026 10:00:00",
            "Sở tiếp nhận báo cáo của xã",
            "Báo cáo của xã gửi Sở — Quý 1 2026, xã Mường La",
        ] {
            assert!(audit.contains(words), "{words} in {audit}");
        }
        for key in ["province.send", "province.return", "province.accept", "handoff-"] {
            assert!(!audit.contains(key), "no stored key shown: {key}");
        }
    }
);

on_both_databases!(
    async fn without_the_province_file_the_sending_is_shown_and_the_deadline_is_said_unknown(store) {
        let w = world(store, false).await;
        let v1 = approved(&w, 3).await;
        assert_eq!(v1["province"]["receiver"], Value::Null);
        assert_eq!(v1["province"]["timeliness"], Value::Null);
        assert_eq!(v1["province"]["sendings"][0]["state"], "sent");
        let shown = page(&w, &w.officer, PAGE).await;
        assert!(shown.contains("Tệp của tỉnh chưa được nạp trên máy chủ này"), "{shown}");
        assert!(shown.contains("Đã gửi Sở (cấp tỉnh) lúc 09:12 ngày 05/03/2026, đang chờ tiếp nhận."), "{shown}");
        // In English too, without a key.
        let english = page(&w, &w.officer, &format!("{PAGE}?lang=en")).await;
        assert!(english.contains("department at 09:12 on 05/03/2026, waiting to be accepted."), "{english}");
        assert!(!english.contains("handoff-"), "{english}");
    }
);

on_both_databases!(
    async fn a_report_first_sent_a_second_before_the_deadline_is_on_time_and_stays_so_when_sent_again(store) {
        let w = world(store, true).await;
        // One second before the 10th begins in Vietnam: on time.
        w.clock.set(vn(3, 9, 23, 59) + chrono::Duration::seconds(59));
        let first = approved(&w, 4).await;
        assert_eq!(first["province"]["timeliness"], "on_time", "{}", first["province"]);
        // A correction sent after the deadline keeps the first sending's timeliness.
        w.clock.set(vn(3, 10, 8, 0));
        let reopened = as_user(w.server.post(&format!("{Q1}/consolidation/reopen")), &w.leader)
            .json(&json!({"version": first["version"], "reason": "Sửa lỗi chính tả"}))
            .await;
        assert_eq!(reopened.status_code(), StatusCode::OK, "{}", reopened.text());
        let again = approved(&w, 5).await;
        assert_eq!(again["province"]["sendings"].as_array().map(Vec::len), Some(2));
        assert_eq!(again["province"]["timeliness"], "on_time");
        let shown = page(&w, &w.officer, PAGE).await;
        assert!(shown.contains("xã đã mở lại để đính chính trước khi Sở xử lý."), "the first sending: {shown}");
    }
);

on_both_databases!(
    async fn a_report_first_sent_at_the_deadline_itself_is_late(store) {
        let w = world(store, true).await;
        w.clock.set(vn(3, 10, 0, 0));
        let late = approved(&w, 6).await;
        assert_eq!(late["province"]["timeliness"], "late", "{}", late["province"]);
        let shown = page(&w, &w.leader, PAGE).await;
        assert!(shown.contains("Lần gửi đầu tiên: muộn hạn."), "{shown}");
        assert!(shown.contains(&format!("Đã gửi {DEPARTMENT} lúc 00:00 ngày 10/03/2026")), "{shown}");
    }
);
