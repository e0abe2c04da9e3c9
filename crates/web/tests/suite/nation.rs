//! The nation's view (issue 13): the Ministry (`trung_uong`) sees every province's completeness
//! and the indicators the provinces share; it reads a province's board and a commune's approved
//! report and changes nothing; no one else opens the nation's page. On SQLite and PostgreSQL.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use chrono::{TimeZone, Utc};
use kehoach_app::App;
use kehoach_domain::clock::FixedClock;
use kehoach_domain::period::PeriodId;
use kehoach_domain::{Role, province::Province};
use kehoach_store::{NewUser, Store, on_both_databases};
use serde_json::{Value, json};

use crate::common::{self, TEST, Who, as_user, session_of};

const SON_LA: &str = include_str!("../../../../plans/son-la.toml");
const PASSWORD: &str = "mat-khau-bo-khcn-2026";
const Q1: PeriodId = PeriodId::Quarter { year: 2026, quarter: 1 };

/// A second, small province made from Sơn La's file: another code, slug and name, and two
/// communes of its own (test codes, no real unit's). Public: the access tests load it too.
pub fn tinh_mau() -> String {
    let cut = SON_LA.find("# ---------------------------------------------------------------- communes").unwrap();
    let head = SON_LA[..cut]
        .replacen("code = \"14\"", "code = \"99\"", 1)
        .replacen("slug = \"son-la\"", "slug = \"tinh-mau\"", 1)
        .replacen("name = \"Sơn La\"", "name = \"Mẫu\"", 1)
        .replacen("full_name = \"Tỉnh Sơn La\"", "full_name = \"Tỉnh Mẫu\"", 1)
        .replace("Sở Khoa học và Công nghệ tỉnh Sơn La", "Sở Khoa học và Công nghệ tỉnh Mẫu");
    format!(
        "{head}[[communes]]\ncode = \"99001\"\nname = \"Thử Nghiệm\"\nkind = \"xã\"\n\n\
         [[communes]]\ncode = \"99002\"\nname = \"Hai\"\nkind = \"phường\"\n"
    )
}

/// Sơn La's and Tỉnh Mẫu's files, loaded.
pub async fn provinces(app: &App) -> (Province, Province) {
    let load = |text: String| async move {
        kehoach_app::province::load(app, &text, TEST).await.unwrap_or_else(|e| panic!("province file: {e:?}"))
    };
    (load(SON_LA.to_owned()).await, load(tinh_mau()).await)
}

/// The Ministry's account: no province, no commune.
pub async fn ministry(store: &Store, username: &str, password_hash: String) {
    let new = NewUser {
        username: username.into(),
        full_name: "Vụ Kế hoạch - Tài chính, Bộ KH&CN".into(),
        role: Role::TrungUong,
        province: None,
        commune: None,
        unit: None,
        password_hash,
        must_change_password: false,
    };
    let user = store.add_user(&new, TEST).await.unwrap().unwrap();
    assert_eq!((user.province.as_str(), user.commune.as_deref(), user.unit.as_deref()), ("", None, None));
}

struct World {
    server: TestServer,
    app: App,
    son_la: Province,
    ministry: Who,
    province: Who,
    leader: Who,
}

/// Mường La with its people, both provinces, the Ministry; on 5 March 2026, 09:00 in Vietnam
/// (Sơn La's Q1 deadline, 10 March, is ahead).
async fn world(store: Store) -> World {
    common::commune(&store).await;
    ministry(&store, "bo-khcn", kehoach_web::auth::password::hash(PASSWORD).unwrap()).await;
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 5, 2, 0, 0).unwrap()));
    let app = App::new(store.clone(), clock.clone());
    let (son_la, _) = provinces(&app).await;
    World {
        server: TestServer::new(kehoach_web::router_at(store.clone(), clock)),
        app,
        son_la,
        ministry: session_of(&store, "bo-khcn").await,
        province: session_of(&store, "so-khcn").await,
        leader: session_of(&store, "lanh-dao").await,
    }
}

/// Mường La's officer sends its Q1 report and its leader approves it: sent to Sơn La.
async fn approved(w: &World, store: &Store) {
    let officer = session_of(store, "dau-moi").await;
    let url = "/api/v1/plans/muong-la-2026/periods/2026-Q1/consolidation";
    let current = as_user(w.server.get(url), &officer).await.json::<Value>();
    let saved = as_user(w.server.put(url), &officer)
        .json(&json!({"version": current["version"], "narrative": "UBND xã đã giao nhiệm vụ cho các đơn vị."}))
        .await;
    assert_eq!(saved.status_code(), StatusCode::OK, "{}", saved.text());
    let sent = as_user(w.server.post(&format!("{url}/send")), &officer)
        .json(&json!({"version": saved.json::<Value>()["version"]}))
        .await;
    assert_eq!(sent.status_code(), StatusCode::OK, "{}", sent.text());
    let done = as_user(w.server.post(&format!("{url}/approve")), &w.leader)
        .json(&json!({"version": sent.json::<Value>()["version"], "number": 3, "confirm_incomplete": true}))
        .await;
    assert_eq!(done.status_code(), StatusCode::OK, "{}", done.text());
}

fn line<'a>(nation: &'a Value, code: &str) -> &'a Value {
    nation["provinces"].as_array().unwrap().iter().find(|p| p["code"] == code).unwrap_or_else(|| panic!("{code}"))
}

on_both_databases!(
    /// Both provinces are listed by official code with their counts; a commune of Sơn La's
    /// approval shows as sent on time, then as accepted once the department accepts it; the
    /// country's totals add the provinces' communes up; the shared indicators name both.
    async fn the_nation_lists_every_province_with_its_counts(store) {
        let w = world(store.clone()).await;
        let api = |period: &str| as_user(w.server.get("/api/v1/nation").add_query_param("period", period), &w.ministry);

        let before = api("2026-Q1").await;
        assert_eq!(before.status_code(), StatusCode::OK, "{}", before.text());
        let before = before.json::<Value>();
        assert_eq!(before["period"], "2026-Q1");
        let codes: Vec<&str> = before["provinces"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["14", "99"], "in official code order");
        assert_eq!(line(&before, "14")["counts"]["expected"], 75);
        assert_eq!(line(&before, "14")["counts"]["sent"], 0);
        assert_eq!(line(&before, "99")["counts"]["expected"], 2);
        assert_eq!(before["totals"]["expected"], 77);

        approved(&w, &store).await;
        let sent = api("2026-Q1").await.json::<Value>();
        let son_la = &line(&sent, "14")["counts"];
        assert_eq!((son_la["sent"].as_u64(), son_la["on_time"].as_u64(), son_la["accepted"].as_u64()), (Some(1), Some(1), Some(0)));
        assert_eq!(son_la["missing"], 74);
        let rate = son_la["sent_rate"].as_f64().unwrap();
        assert!((rate - 100.0 / 75.0).abs() < 1e-9, "{rate}");
        assert_eq!(line(&sent, "99")["counts"]["sent"], 0);
        assert_eq!((sent["totals"]["expected"].as_u64(), sent["totals"]["sent"].as_u64()), (Some(77), Some(1)));
        // The country's rate is over all communes expected, not an average of the provinces'.
        let country = sent["totals"]["sent_rate"].as_f64().unwrap();
        assert!((country - 100.0 / 77.0).abs() < 1e-9, "{country}");
        // Another quarter is untouched.
        assert_eq!(line(&api("2026-Q2").await.json::<Value>(), "14")["counts"]["sent"], 0);

        // The department accepts: the nation sees it accepted, and the shared totals count it.
        let board = kehoach_app::province::board(&w.app, &w.son_la, Q1).await.unwrap();
        let row = board.rows.iter().find(|r| r.code == "03808").unwrap();
        let sending = row.latest().unwrap().id;
        kehoach_app::province::decide(&w.app, &w.son_la, sending, kehoach_app::province::Decision::Accept, TEST)
            .await
            .unwrap();
        let accepted = api("2026-Q1").await.json::<Value>();
        assert_eq!(line(&accepted, "14")["counts"]["accepted"], 1);
        assert_eq!(accepted["totals"]["accepted"], 1);
        let shared = accepted["indicators"].as_array().unwrap();
        assert_eq!(shared.len(), 8, "Sơn La's 8 indicators are Tỉnh Mẫu's too: {shared:?}");
        assert!(shared.iter().all(|i| i["provinces"] == 2));
        let sang_kien = shared.iter().find(|i| i["code"] == "sang-kien").unwrap();
        assert_eq!(sang_kien["official"]["rule"], "sum");
        // Mường La is the one commune whose report is in; every other commune is left out,
        // counted by why (no report here).
        let left_out = sang_kien["official"]["left_out"].as_array().unwrap();
        assert_eq!(left_out.len(), 1, "{left_out:?}");
        assert_eq!(left_out[0]["because"], "no_report");
        let left_out = left_out[0]["communes"].as_u64().unwrap();
        assert_eq!(sang_kien["official"]["counted"].as_u64().unwrap() + left_out, 77);

        // The page: both provinces by name with their links, the country's line, in Vietnamese.
        let page = as_user(w.server.get("/nation").add_query_param("period", "2026-Q1"), &w.ministry).await;
        assert_eq!(page.status_code(), StatusCode::OK);
        let text = page.text();
        let (son_la_at, mau_at) = (text.find("Tỉnh Sơn La").unwrap(), text.find("Tỉnh Mẫu").unwrap());
        assert!(son_la_at < mau_at, "14 before 99");
        assert!(text.contains("href=\"/province/son-la?period=2026-Q1\""), "{text}");
        assert!(text.contains("href=\"/province/tinh-mau?period=2026-Q1\""));
        assert!(text.contains("Cả nước") && text.contains("Tình hình báo cáo của các tỉnh"));
        assert!(text.contains("1,3%"), "Sơn La's sent rate, 1 of 75: {text}");
        assert!(text.contains("Số sáng kiến, giải pháp cải tiến"), "a shared indicator by name");
        assert!(!text.contains("label=\"nation-") && !text.contains(">nation-"), "no key shown as text: {text}");
        // Every province's link leads the Ministry to that province's pages.
        for href in ["/province/son-la?period=2026-Q1", "/province/tinh-mau?period=2026-Q1"] {
            let r = as_user(w.server.get(href), &w.ministry).await;
            assert_eq!(r.status_code(), StatusCode::OK, "{href}: {}", r.text());
        }
        let english = as_user(w.server.get("/nation?period=2026-Q1&lang=en"), &w.ministry).await.text();
        assert!(english.contains("Whole country") && english.contains("Communes expected"));

        // No period: the one Sơn La works on now (Q1, its deadline is ahead). A bad one is said.
        let default = api("").await.json::<Value>();
        assert_eq!(default["period"], "2026-Q1");
        let plain = as_user(w.server.get("/api/v1/nation"), &w.ministry).await.json::<Value>();
        assert_eq!(plain["period"], "2026-Q1");
        for bad in ["2026-Q5", "2026-Y", "quy-1"] {
            let r = api(bad).await;
            assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert_eq!(r.json::<Value>()["error"]["message"], "Kỳ báo cáo không hợp lệ: hãy chọn một quý, ví dụ 2026-Q1.");
        }
        let r = as_user(w.server.get("/nation?period=2026-Q5"), &w.ministry).await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    }
);

on_both_databases!(
    /// Only the Ministry opens the nation's page: the province, a commune's staff and a visitor
    /// are refused.
    async fn only_the_ministry_sees_the_nation(store) {
        let w = world(store.clone()).await;
        for (who, label) in [(&w.province, "cap_tren"), (&w.leader, "lanh_dao")] {
            let page = as_user(w.server.get("/nation"), who).await;
            assert_eq!(page.status_code(), StatusCode::FORBIDDEN, "{label}");
            assert!(page.text().contains("Vai trò của bạn không được phép làm việc này."), "{label}");
            let api = as_user(w.server.get("/api/v1/nation?period=2026-Q1"), who).await;
            assert_eq!(api.status_code(), StatusCode::FORBIDDEN, "{label}");
            assert!(!api.text().contains("Tỉnh Sơn La"), "{label}: nothing of the view");
        }
        let admin = session_of(&store, "quan-tri").await;
        assert_eq!(as_user(w.server.get("/nation"), &admin).await.status_code(), StatusCode::FORBIDDEN);
        let visitor = w.server.get("/nation").await;
        assert_eq!(visitor.status_code(), StatusCode::SEE_OTHER);
        assert!(visitor.header("location").to_str().unwrap().starts_with("/login"));
        assert_eq!(w.server.get("/api/v1/nation").await.status_code(), StatusCode::UNAUTHORIZED);
    }
);

on_both_databases!(
    /// The Ministry signs in with its password and is led to the nation's page; it reads a
    /// province's board and a commune's approved report; every write is refused, the province's
    /// decision included, and nothing changes.
    async fn the_ministry_signs_in_reads_and_writes_nothing(store) {
        let w = world(store.clone()).await;
        approved(&w, &store).await;
        let signed = w.server.post("/login").form(&[("username", "bo-khcn"), ("password", PASSWORD)]).await;
        assert_eq!(signed.status_code(), StatusCode::SEE_OTHER, "{}", signed.text());
        let cookie = signed.header("set-cookie").to_str().unwrap().split(';').next().unwrap().to_owned();
        let home = w.server.get("/").add_header(axum::http::HeaderName::from_static("cookie"), axum::http::HeaderValue::from_str(&cookie).unwrap()).await;
        assert_eq!(home.status_code(), StatusCode::SEE_OTHER);
        assert_eq!(home.header("location"), "/nation");
        let nation = w.server.get("/nation").add_header(axum::http::HeaderName::from_static("cookie"), axum::http::HeaderValue::from_str(&cookie).unwrap()).await;
        assert_eq!(nation.status_code(), StatusCode::OK);
        assert!(nation.text().contains("title=\"Trung ương (Bộ KH&#38;CN)\""), "the role in words: {}", nation.text());

        // Over the API too: its place is none.
        let api = w.server.post("/api/v1/auth/login").json(&json!({"username": "bo-khcn", "password": PASSWORD})).await;
        assert_eq!(api.status_code(), StatusCode::OK, "{}", api.text());
        let user = &api.json::<Value>()["user"];
        assert_eq!((user["role"].as_str(), user["province"].as_str()), (Some("trung_uong"), Some("")), "{user}");
        assert!(user["commune"].is_null(), "{user}");
        let account = as_user(w.server.get("/account"), &w.ministry).await.text();
        assert!(account.contains("Trung ương (Bộ KH&#38;CN)") && account.contains("<dd>Cả nước"), "{account}");
        // Reads: both provinces' boards, the approved report.
        for path in ["/api/v1/provinces/son-la/board?period=2026-Q1", "/api/v1/provinces/tinh-mau/board?period=2026-Q1", "/province/son-la", "/api/v1/plans/muong-la-2026/periods/2026-Q1/commune-report"] {
            let r = as_user(w.server.get(path), &w.ministry).await;
            assert_eq!(r.status_code(), StatusCode::OK, "{path}: {}", r.text());
        }
        // Writes: refused, the province's decision first.
        let board = kehoach_app::province::board(&w.app, &w.son_la, Q1).await.unwrap();
        let sending = board.rows.iter().find(|r| r.code == "03808").unwrap().latest().unwrap().id;
        let writes: Vec<(axum_test::TestRequest, &str)> = vec![
            (w.server.post(&format!("/api/v1/provinces/son-la/sendings/{sending}/decision")).json(&json!({"decision": "accept"})), "decision (API)"),
            (w.server.post(&format!("/province/son-la/sendings/{sending}/accept")).form(&[("x", "")]), "accept (page)"),
            (w.server.post(&format!("/province/son-la/sendings/{sending}/return")).form(&[("reason", "Thiếu số liệu")]), "return (page)"),
            (w.server.put("/api/v1/plans/muong-la-2026/units/ban-a/contact").json(&json!({"name": "x"})), "unit contact"),
            (w.server.post("/api/v1/plans/muong-la-2026/periods/2026-Q1/consolidation/reopen").json(&json!({"version": 1, "reason": "x"})), "reopen"),
            (w.server.post("/admin/users").form(&[("username", "bo-2"), ("full_name", "Bộ"), ("role", "trung_uong")]), "add user"),
                    ];
        for (request, label) in writes {
            let r = as_user(request, &w.ministry).await;
            assert_eq!(r.status_code(), StatusCode::FORBIDDEN, "{label}: {}", r.text());
        }
        // Another's account is out of the Ministry's sight: as if it did not exist.
        let r = as_user(w.server.post("/admin/users/lanh-dao/disable").form(&[("x", "")]), &w.ministry).await;
        assert_eq!(r.status_code(), StatusCode::NOT_FOUND);
        let after = kehoach_app::province::board(&w.app, &w.son_la, Q1).await.unwrap();
        let row = after.rows.iter().find(|r| r.code == "03808").unwrap();
        assert_eq!(row.state, kehoach_domain::handoff::BoardState::Sent, "still waiting for the department");
        assert!(store.user("bo-2").await.unwrap().is_none());
        assert!(!store.user("lanh-dao").await.unwrap().unwrap().disabled);
    }
);

on_both_databases!(
    /// No province or commune admin creates a Ministry account over the web: refused, said why,
    /// nothing written; the users form does not offer the role.
    async fn no_admin_creates_the_ministry(store) {
        common::commune(&store).await;
        let province_admin = NewUser {
            username: "tinh-admin".into(),
            full_name: "Quản trị tỉnh".into(),
            role: Role::Admin,
            province: Some("son-la".into()),
            commune: None,
            unit: None,
            password_hash: "$argon2id$unused".into(),
            must_change_password: false,
        };
        store.add_user(&province_admin, TEST).await.unwrap().unwrap();
        let server = TestServer::new(kehoach_web::router(store.clone()));
        for admin in ["tinh-admin", "quan-tri"] {
            let who = session_of(&store, admin).await;
            let form = as_user(server.get("/admin/users"), &who).await.text();
            assert!(!form.contains("value=\"trung_uong\""), "{admin}: the role is not offered");
            let username = format!("bo-{admin}");
            let r = as_user(server.post("/admin/users"), &who)
                .form(&[("username", username.as_str()), ("full_name", "Bộ KH&CN"), ("role", "trung_uong"), ("unit", ""), ("commune", "")])
                .await;
            assert_eq!(r.status_code(), StatusCode::FORBIDDEN, "{admin}: {}", r.text());
            assert!(r.text().contains("chỉ được tạo tại máy chủ"), "{admin}: {}", r.text());
            assert!(store.user(&username).await.unwrap().is_none(), "{admin}: nothing written");
            let api_en = as_user(server.post("/admin/users?lang=en"), &who)
                .form(&[("username", username.as_str()), ("full_name", "Bộ KH&CN"), ("role", "trung_uong")])
                .await;
            assert!(api_en.text().contains("created on the server"), "{admin}: {}", api_en.text());
        }
    }
);
