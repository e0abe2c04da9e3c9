//! The province's pages and API (issue 13): a commune's approval reaches the province's board,
//! on time before the province's deadline and late from its very second; the province returns
//! it with a reason, the commune corrects and sends again (its timeliness stays the first
//! sending's), the province accepts it and the roll-up counts it; a returned report never
//! counts; another province and the commune's own users see none of it.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use chrono::{DateTime, TimeZone, Utc};
use kehoach_domain::Role;
use kehoach_domain::clock::FixedClock;
use kehoach_store::{NewUser, Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{TEST, Who, as_user, session_of};

const SON_LA: &str = include_str!("../../../../plans/son-la.toml");
const Q1: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1";
const BOARD: &str = "/api/v1/provinces/son-la/board?period=2026-Q1";
const ROLLUP: &str = "/api/v1/provinces/son-la/rollup?period=2026-Q1";

/// Q1's deadline at Sơn La's department: before 10 March 2026 in Vietnam, 00:00 (UTC+7).
fn deadline() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 17, 0, 0).unwrap()
}

struct World {
    store: Store,
    server: TestServer,
    clock: Arc<FixedClock>,
    officer: Who,
    leader: Who,
    province: Who,
    village: Who,
    other_province: Who,
}

/// Mường La with its users, Sơn La's province file loaded, and a `cap_tren` of Lai Châu.
async fn world(store: Store, at: DateTime<Utc>) -> World {
    common::commune(&store).await;
    let clock = Arc::new(FixedClock::new(at));
    let app = kehoach_app::App::new(store.clone(), clock.clone());
    let loaded = kehoach_app::province::load(&app, SON_LA, TEST).await;
    assert!(loaded.is_ok(), "Sơn La's file loads");
    let other = NewUser {
        username: "so-lai-chau".into(),
        full_name: "Cán bộ Sở Lai Châu".into(),
        role: Role::CapTren,
        province: Some("lai-chau".into()),
        commune: None,
        unit: None,
        password_hash: "$argon2id$unused".into(),
        must_change_password: false,
    };
    store.add_user(&other, TEST).await.unwrap().unwrap();
    World {
        store: store.clone(),
        server: TestServer::new(kehoach_web::router_at(store.clone(), clock.clone())),
        clock,
        officer: session_of(&store, "dau-moi").await,
        leader: session_of(&store, "lanh-dao").await,
        province: session_of(&store, "so-khcn").await,
        village: session_of(&store, "ban-a").await,
        other_province: session_of(&store, "so-lai-chau").await,
    }
}

/// The officer writes and sends the commune report; the leader approves it with `number`:
/// which sends it to the province.
async fn approve(w: &World, number: u32) {
    let url = format!("{Q1}/consolidation");
    let current = as_user(w.server.get(&url), &w.officer).await.json::<Value>();
    let saved = as_user(w.server.put(&url), &w.officer)
        .json(&json!({"version": current["version"], "narrative": "UBND xã đã triển khai các nhiệm vụ."}))
        .await;
    assert_eq!(saved.status_code(), StatusCode::OK, "{}", saved.text());
    let sent = as_user(w.server.post(&format!("{url}/send")), &w.officer)
        .json(&json!({"version": saved.json::<Value>()["version"]}))
        .await;
    assert_eq!(sent.status_code(), StatusCode::OK, "{}", sent.text());
    let approved = as_user(w.server.post(&format!("{url}/approve")), &w.leader)
        .json(&json!({"version": sent.json::<Value>()["version"], "number": number, "confirm_incomplete": true}))
        .await;
    assert_eq!(approved.status_code(), StatusCode::OK, "{}", approved.text());
}

/// Mường La's row on the board.
async fn muong_la(w: &World) -> Value {
    let board = as_user(w.server.get(BOARD), &w.province).await;
    assert_eq!(board.status_code(), StatusCode::OK, "{}", board.text());
    let board = board.json::<Value>();
    assert_eq!(board["counts"]["expected"], 75, "every commune of the file");
    board["rows"].as_array().unwrap().iter().find(|r| r["code"] == "03808").cloned().expect("Mường La on the board")
}

fn latest_sending(row: &Value) -> i64 {
    row["sendings"].as_array().unwrap().last().unwrap()["id"].as_i64().unwrap()
}

/// The official total of a province indicator, from the roll-up.
async fn indicator_total(w: &World, code: &str) -> (Value, Value) {
    let rollup = as_user(w.server.get(ROLLUP), &w.province).await;
    assert_eq!(rollup.status_code(), StatusCode::OK, "{}", rollup.text());
    let rollup = rollup.json::<Value>();
    let i = rollup["indicators"].as_array().unwrap().iter().find(|i| i["code"] == code).cloned().unwrap();
    (i["official"].clone(), i["live"].clone())
}

fn left_out_because(total: &Value, commune: &str) -> Option<String> {
    total["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["commune"]["code"] == commune)
        .map(|l| l["because"].as_str().unwrap().to_owned())
}

on_both_databases!(
    async fn a_report_goes_to_the_province_back_and_again_and_counts_once_accepted(store) {
        let w = world(store, deadline() - chrono::Duration::seconds(1)).await;
        // The office the commune's reports go through, and its phone.
        let contact = json!({"name": "Lò Thị Hoa", "phone": "0912 345 678", "note": "Văn hóa - Xã hội"});
        let put = as_user(w.server.put("/api/v1/plans/muong-la-2026/units/vhxh/contact"), &w.officer).json(&contact).await;
        assert!(put.status_code().is_success(), "{}", put.text());
        // Before anything is sent: missing, with a reminder naming the focal officer and the phone.
        let row = muong_la(&w).await;
        assert_eq!(row["state"], "missing");
        let page = as_user(w.server.get("/province/son-la?period=2026-Q1&state=missing"), &w.province).await;
        assert_eq!(page.status_code(), StatusCode::OK);
        let page = page.text();
        assert!(page.contains("Kính gửi UBND xã Mường La"), "{page}");
        assert!(page.contains("Họ tên dau-moi"), "the focal officer in the reminder");
        assert!(page.contains("Lò Thị Hoa") && page.contains("href=\"tel:0912345678\">0912 345 678"), "the contact in the reminder");
        assert!(page.contains("ĐMST Quý I năm 2026 trước ngày 10/03/2026. Trân trọng cảm ơn."), "{page}");

        // Approved one second before the deadline: sent, on time.
        approve(&w, 7).await;
        let row = muong_la(&w).await;
        assert_eq!((row["state"].as_str(), row["timeliness"].as_str()), (Some("sent"), Some("on_time")), "{row}");
        let first = latest_sending(&row);
        let page = as_user(w.server.get("/province/son-la?period=2026-Q1&q=muong%20la"), &w.province).await.text();
        assert!(page.contains("Đã gửi, chờ tiếp nhận") && page.contains("Đúng hạn"), "{page}");
        assert!(page.contains(&format!("/province/son-la/sendings/{first}/accept")), "the decision forms");
        assert!(!page.contains("03809"), "the search keeps Mường La only");

        // A return without a reason: the form comes back with the words beside it.
        let refused = as_user(w.server.post(&format!("/province/son-la/sendings/{first}/return")), &w.province)
            .form(&[("reason", "  ")])
            .await;
        assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("Xin ghi lý do trả lại"), "{}", refused.text());
        let decision = format!("/api/v1/provinces/son-la/sendings/{first}/decision");
        let bad = as_user(w.server.post(&decision), &w.province).json(&json!({"decision": "maybe"})).await;
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
        assert!(bad.json::<Value>()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        let broken = as_user(w.server.post(&decision), &w.province)
            .content_type("application/json")
            .bytes("{\"decision\": ".into())
            .await;
        assert!(broken.status_code().is_client_error(), "{}", broken.text());
        assert!(broken.json::<Value>()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        let unknown = as_user(w.server.post("/api/v1/provinces/son-la/sendings/khong/decision"), &w.province)
            .json(&json!({"decision": "accept"}))
            .await;
        assert_eq!(unknown.status_code(), StatusCode::NOT_FOUND);
        let no_reason = as_user(w.server.post(&decision), &w.province).json(&json!({"decision": "return"})).await;
        assert_eq!(no_reason.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", no_reason.text());

        // A village cannot decide; neither can the commune's leader.
        for who in [&w.village, &w.leader] {
            let status =
                as_user(w.server.post(&decision), who).json(&json!({"decision": "accept"})).await.status_code();
            assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{status}");
        }

        // Returned with a reason, through the page's form.
        let reason = "Thiếu số liệu sáng kiến của quý";
        let returned = as_user(w.server.post(&format!("/province/son-la/sendings/{first}/return")), &w.province)
            .form(&[("reason", reason)])
            .await;
        assert_eq!(returned.status_code(), StatusCode::SEE_OTHER, "{}", returned.text());
        let row = muong_la(&w).await;
        assert_eq!(row["state"], "returned");
        let page = as_user(w.server.get("/province/son-la?period=2026-Q1&done=returned"), &w.province).await.text();
        assert!(page.contains("Đã trả lại báo cáo") && page.contains(reason), "the notice and the reminder: {page}");
        // Deciding again is a conflict, in words.
        let twice = as_user(w.server.post(&decision), &w.province).json(&json!({"decision": "accept"})).await;
        assert_eq!(twice.status_code(), StatusCode::CONFLICT, "{}", twice.text());
        assert!(twice.text().contains("đã được xử lý"), "{}", twice.text());
        // A returned report never counts.
        let (official, _) = indicator_total(&w, "sang-kien").await;
        assert_eq!(left_out_because(&official, "03808").as_deref(), Some("returned"), "{official}");

        // Three days later the commune reopens, corrects and approves again: sent again, and as
        // timely as its first sending.
        w.clock.set(deadline() + chrono::Duration::days(3));
        // Past the deadline, the reminder asks for the report at once and says the day has passed.
        let page = as_user(w.server.get("/province/son-la?period=2026-Q1&state=returned"), &w.province).await.text();
        assert!(page.contains(&format!("{reason}. Đề nghị")), "the reason ends the sentence once: {page}");
        assert!(page.contains("ngay (hạn ngày 10/03/2026 đã qua)"), "an overdue reminder says so: {page}");
        let current = as_user(w.server.get(&format!("{Q1}/consolidation")), &w.leader).await.json::<Value>();
        let reopened = as_user(w.server.post(&format!("{Q1}/consolidation/reopen")), &w.leader)
            .json(&json!({"version": current["version"], "reason": reason}))
            .await;
        assert_eq!(reopened.status_code(), StatusCode::OK, "{}", reopened.text());
        approve(&w, 8).await;
        let row = muong_la(&w).await;
        assert_eq!((row["state"].as_str(), row["timeliness"].as_str()), (Some("sent"), Some("on_time")), "{row}");
        let second = latest_sending(&row);
        assert_ne!(second, first);

        // Accepted: the official total counts it, and the live one too.
        let accepted = as_user(w.server.post(&format!("/api/v1/provinces/son-la/sendings/{second}/decision")), &w.province)
            .json(&json!({"decision": "accept"}))
            .await;
        assert_eq!(accepted.status_code(), StatusCode::OK, "{}", accepted.text());
        assert_eq!(accepted.json::<Value>()["state"], "accepted");
        let again = as_user(w.server.post(&format!("/province/son-la/sendings/{second}/accept")), &w.province).await;
        assert_eq!(again.status_code(), StatusCode::CONFLICT, "a decision twice");
        assert!(again.text().contains("đã được xử lý"), "{}", again.text());
        assert_eq!(muong_la(&w).await["state"], "accepted");
        let (official, live) = indicator_total(&w, "sang-kien").await;
        assert_eq!(official["counted"], 1, "{official}");
        assert_eq!(left_out_because(&official, "03808"), None);
        assert_eq!(official["left_out"].as_array().unwrap().len(), 74);
        assert_eq!(live["counted"], 1, "{live}");
        let page = as_user(w.server.get("/province/son-la/rollup?period=2026-Q1"), &w.province).await;
        assert_eq!(page.status_code(), StatusCode::OK);
        let page = page.text();
        assert!(page.contains("Số liệu chính thức") && page.contains("Số liệu trực tiếp, chưa được tiếp nhận"), "{page}");
        assert!(page.contains("Đã tính 1/75 xã, phường") && page.contains("chưa gửi báo cáo: 74"), "{page}");
        assert!(!page.contains("sang-kien\""), "no internal code shown as text");

        // One indicator across the communes: "muong la" finds Mường La, with a chart and links.
        let found = as_user(
            w.server.get("/province/son-la/indicators/sang-kien?period=2026-Q1&q=muong%20la&sort=value"),
            &w.province,
        )
        .await;
        assert_eq!(found.status_code(), StatusCode::OK);
        let found = found.text();
        assert!(found.contains("Mường La") && found.contains("<svg") && found.contains("<title>"), "{found}");
        assert!(found.contains("/plans/muong-la-2026/periods/2026-Q1/consolidation"), "{found}");
        assert!(found.contains("report.docx?version=2"), "{found}");
        let api = as_user(w.server.get("/api/v1/provinces/son-la/indicators/sang-kien?period=2026-Q1&q=muong%20la"), &w.province)
            .await
            .json::<Value>();
        let communes = api["communes"].as_array().unwrap();
        assert!(communes.iter().any(|c| c["code"] == "03808"), "{api}");
        // "muong la" also finds Mường Lạn, Mường Lầm…: each found name folds to contain it.
        assert!(communes.len() < 10, "{api}");
        assert!(communes.iter().all(|c| kehoach_domain::text::fold(c["name"].as_str().unwrap()).contains("muong la")));
        // Sorted by name in Vietnamese order (Đ after D, before E), or by value (figures first).
        let by_name = as_user(w.server.get("/province/son-la/indicators/sang-kien?period=2026-Q1"), &w.province).await.text();
        let at = |page: &str, name: &str| page.find(&format!(">{name}</a>")).unwrap_or_else(|| panic!("{name} listed"));
        assert!(at(&by_name, "Xã Co Mạ") < at(&by_name, "Xã Đoàn Kết") && at(&by_name, "Xã Đoàn Kết") < at(&by_name, "Xã Gia Phù"));
        assert!(at(&by_name, "Xã Bắc Yên") < at(&by_name, "Xã Mường La"));
        let by_value =
            as_user(w.server.get("/province/son-la/indicators/sang-kien?period=2026-Q1&sort=value"), &w.province).await.text();
        assert!(at(&by_value, "Xã Mường La") < at(&by_value, "Xã Bắc Yên"), "the commune with a figure first");
        let none = as_user(w.server.get("/province/son-la/indicators/sang-kien?q=khong%20co%20xa%20nay"), &w.province).await;
        assert!(!none.text().contains("Mường La</a>"));
        assert_eq!(
            as_user(w.server.get("/province/son-la/indicators/khong-co"), &w.province).await.status_code(),
            StatusCode::NOT_FOUND
        );

        // The signed scan of the accepted version, attached by the leader.
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n".to_vec();
        let form = axum_test::multipart::MultipartForm::new()
            .add_part("file", axum_test::multipart::Part::bytes(pdf).file_name("ban-ky.pdf"));
        let scan = as_user(w.server.post(&format!("{Q1}/commune-report/versions/2/scan")), &w.leader).multipart(form).await;
        assert_eq!(scan.status_code(), StatusCode::OK, "{}", scan.text());

        // The commune's page: both sendings, the reason, the documents.
        let commune = as_user(w.server.get("/province/son-la/communes/03808"), &w.province).await;
        assert_eq!(commune.status_code(), StatusCode::OK);
        let commune = commune.text();
        assert!(commune.contains(reason) && commune.contains("report.docx?version=1"), "{commune}");
        assert!(commune.contains("/versions/2/scan.pdf") && !commune.contains("/versions/1/scan.pdf"), "{commune}");
        assert!(commune.contains("Báo cáo của xã Mường La"), "{commune}");
        assert!(commune.contains("Họ tên so-khcn, 13/03/2026 00:00"), "who decided, by name, and when: {commune}");
        let api = as_user(w.server.get("/api/v1/provinces/son-la/communes/03808"), &w.province).await.json::<Value>();
        assert_eq!(api["sendings"].as_array().map(Vec::len), Some(2), "{api}");
        assert_eq!(
            as_user(w.server.get("/province/son-la/communes/99999"), &w.province).await.status_code(),
            StatusCode::NOT_FOUND
        );

        // The province's home leads to its board.
        let home = as_user(w.server.get("/"), &w.province).await.text();
        assert!(home.contains("href=\"/province/son-la\""), "{home}");

        // Every link of the province's pages opens for the province: none leads to a refusal.
        let mut seen = std::collections::BTreeSet::new();
        let mut queue = vec![("/province/son-la?period=2026-Q1".to_owned(), String::new())];
        let mut refused = Vec::new();
        while let Some((path, from)) = queue.pop() {
            if path.starts_with("/lang/") || path.starts_with("/static/") || !seen.insert(path.clone()) {
                continue;
            }
            assert!(seen.len() < 300, "the walk stays small");
            let answer = as_user(w.server.get(&path), &w.province).await;
            if answer.status_code().is_client_error() {
                refused.push(format!("{path} ({}) linked from {from}", answer.status_code()));
                continue;
            }
            if path.starts_with("/province/") && answer.text().starts_with("<!") {
                let text = answer.text();
                for part in text.split("href=\"").skip(1) {
                    let href = part.split('"').next().unwrap_or_default().replace("&amp;", "&");
                    if href.starts_with('/') && !href.starts_with("//") {
                        queue.push((href, path.clone()));
                    }
                }
            }
        }
        assert!(seen.iter().any(|p| p.contains("report.docx?version=2")), "{seen:?}");
        assert!(seen.contains("/province/son-la/communes/03808"), "{seen:?}");
        assert!(refused.is_empty(), "links the province cannot follow: {refused:#?}");
    }
);

on_both_databases!(
    async fn a_report_approved_at_the_deadline_second_is_late(store) {
        let w = world(store, deadline()).await;
        approve(&w, 3).await;
        let row = muong_la(&w).await;
        assert_eq!((row["state"].as_str(), row["timeliness"].as_str()), (Some("sent"), Some("late")), "{row}");
        let board = as_user(w.server.get(BOARD), &w.province).await.json::<Value>();
        assert_eq!((board["counts"]["sent"].as_u64(), board["counts"]["on_time"].as_u64()), (Some(1), Some(0)));
        assert_eq!(board["counts"]["late"], 1);
        let page = as_user(w.server.get("/province/son-la?period=2026-Q1&state=late"), &w.province).await.text();
        assert!(page.contains("Gửi muộn") && page.contains("Xã Mường La"), "{page}");
        // The default period, on 10 March: Q1's deadline has passed, so Q2's board.
        let default = as_user(w.server.get("/api/v1/provinces/son-la/board"), &w.province).await.json::<Value>();
        assert_eq!(default["period"], "2026-Q2");
        assert_eq!(
            as_user(w.server.get("/province/son-la?period=2026-X9"), &w.province).await.status_code(),
            StatusCode::NOT_FOUND
        );
    }
);

on_both_databases!(
    async fn another_province_and_the_communes_users_see_nothing_of_the_province(store) {
        let w = world(store, deadline() - chrono::Duration::days(1)).await;
        approve(&w, 5).await;
        let sending = latest_sending(&muong_la(&w).await);
        let reads = [
            "/province/son-la".to_owned(),
            "/province/son-la/rollup".to_owned(),
            "/province/son-la/indicators/sang-kien".to_owned(),
            "/province/son-la/communes/03808".to_owned(),
            "/api/v1/provinces/son-la/board".to_owned(),
            "/api/v1/provinces/son-la/rollup".to_owned(),
            "/api/v1/provinces/son-la/indicators/sang-kien".to_owned(),
            "/api/v1/provinces/son-la/communes/03808".to_owned(),
        ];
        for who in [&w.other_province, &w.leader, &w.officer, &w.village] {
            for url in &reads {
                let status = as_user(w.server.get(url), who).await.status_code();
                assert_eq!(status, StatusCode::NOT_FOUND, "{url}");
            }
            let decided = as_user(w.server.post(&format!("/api/v1/provinces/son-la/sendings/{sending}/decision")), who)
                .json(&json!({"decision": "accept"}))
                .await;
            assert_eq!(decided.status_code(), StatusCode::NOT_FOUND, "{}", decided.text());
            let form = as_user(w.server.post(&format!("/province/son-la/sendings/{sending}/accept")), who).await;
            assert_eq!(form.status_code(), StatusCode::NOT_FOUND);
        }
        // The Ministry reads the province's pages, without the forms to decide, and may not decide.
        crate::nation::ministry(&w.store, "bo-khcn", "$argon2id$unused".into()).await;
        let ministry = session_of(&w.store, "bo-khcn").await;
        let board = as_user(w.server.get("/province/son-la?period=2026-Q1"), &ministry).await;
        assert_eq!(board.status_code(), StatusCode::OK);
        assert!(board.text().contains("Xã Mường La") && !board.text().contains("/accept\""), "no decision forms");
        for url in &reads {
            assert_eq!(as_user(w.server.get(url), &ministry).await.status_code(), StatusCode::OK, "{url}");
        }
        let decided = as_user(w.server.post(&format!("/api/v1/provinces/son-la/sendings/{sending}/decision")), &ministry)
            .json(&json!({"decision": "accept"}))
            .await;
        assert_eq!(decided.status_code(), StatusCode::FORBIDDEN, "{}", decided.text());
        // Nothing was decided by them; the province itself still may.
        assert_eq!(muong_la(&w).await["state"], "sent");
        // A province that is not loaded is not found, even for its own officer.
        assert_eq!(
            as_user(w.server.get("/province/lai-chau"), &w.other_province).await.status_code(),
            StatusCode::NOT_FOUND
        );
        // Signed out: asked to sign in (pages) or 401 (API).
        assert_eq!(w.server.get("/api/v1/provinces/son-la/board").await.status_code(), StatusCode::UNAUTHORIZED);
    }
);
