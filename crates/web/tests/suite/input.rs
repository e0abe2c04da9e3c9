//! Bad input refused the same way everywhere (issue 10, findings 4 and 5): control characters,
//! line breaks and direction marks, dates far from the plan's year, bodies over the limit,
//! methods a route does not take, JSON that does not fit, broken multipart bodies — through the
//! form and the API alike, in the request's language, with nothing written. And the headers of
//! signed-in answers: no caching of the CSRF token, HSTS when asked.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum_test::multipart::{MultipartForm, Part};
use axum_test::{TestResponse, TestServer};
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{AuditFilter, RecordFilter, Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{Who, as_user, session_of};

const API: &str = "/api/v1/plans/muong-la-2026";
const PAGE: &str = "/plans/muong-la-2026";
const REPORT: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/ban-a";
const REPORT_PAGE: &str = "/plans/muong-la-2026/periods/2026-Q1/reports/ban-a";

struct World {
    store: Store,
    server: TestServer,
    village: Who,
    officer: Who,
    admin: Who,
}

async fn world(store: Store) -> World {
    common::commune(&store).await;
    // 1 March 2026, 09:00 in Vietnam: the first quarter's reports are open.
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap()));
    World {
        server: TestServer::new(kehoach_web::router_at(store.clone(), clock)),
        village: session_of(&store, "ban-a").await,
        officer: session_of(&store, "dau-moi").await,
        admin: session_of(&store, "quan-tri").await,
        store,
    }
}

/// Every change leaves an audit row: their count shows whether anything was written.
async fn written(store: &Store) -> usize {
    store.audit(&AuditFilter { limit: 1_000_000, ..Default::default() }).await.unwrap().len()
}

async fn records(store: &Store) -> u64 {
    store.record_count("muong-la-2026", &RecordFilter::default()).await.unwrap()
}

/// A 422 in JSON whose message, in the request's language, says `fragment`.
fn refused_json(r: &TestResponse, fragment: &str) {
    assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let body = r.json::<Value>();
    assert_eq!(body["error"]["code"], "invalid", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(fragment), "`{fragment}` not in `{message}`");
}

/// A 422 page that says `fragment`.
fn refused_page(r: &TestResponse, fragment: &str) {
    assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let html = r.text();
    assert!(html.contains("<html"), "a page, not plain text: {html}");
    assert!(html.contains(fragment), "`{fragment}` not in the page");
}

on_both_databases!(
    /// A NUL gave PostgreSQL's 500 on every text below; a CR/LF in a name broke calendar feeds.
    /// Each is now a 422 naming the field, through the form and the API, and nothing is written.
    async fn control_characters_are_refused_on_every_surface_and_nothing_is_written(store) {
        let w = world(store).await;
        let before = written(&w.store).await;
        let nul = "Bản\u{0}C";

        // Units: the API, the form, the CSV file.
        let r = as_user(w.server.post(&format!("{API}/units")), &w.admin)
            .json(&json!({"code": "ban-c", "name": nul, "kind": "village"}))
            .await;
        refused_json(&r, "Tên đơn vị: có ký tự điều khiển không được phép (U+0000)");
        let r = as_user(w.server.post(&format!("{API}/units?lang=en")), &w.admin)
            .json(&json!({"code": "ban-c", "name": "Bản C\r\nBEGIN:VEVENT", "kind": "village"}))
            .await;
        refused_json(&r, "Unit name: must be on one line.");
        let r = as_user(w.server.post(&format!("{PAGE}/units")), &w.admin)
            .form(&[("code", "ban-c"), ("name", nul), ("kind", "village")])
            .await;
        refused_page(&r, "U+0000");
        let r = as_user(w.server.post(&format!("{PAGE}/units")), &w.admin)
            .form(&[("code", "ban-c"), ("name", "\u{202E}C nảB"), ("kind", "village")])
            .await;
        refused_page(&r, "U+202E");
        let csv = "code,name,kind\nban-c,\"Bản C\r\nEND:VEVENT\",village\n";
        let file = MultipartForm::new().add_part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("don-vi.csv"));
        let r = as_user(w.server.post(&format!("{PAGE}/units/import")), &w.admin).multipart(file).await;
        refused_page(&r, "phải viết trên một dòng");
        let units = w.store.units("son-la/muong-la").await.unwrap();
        assert!(!units.iter().any(|u| u.code == "ban-c"), "no unit added");

        // A report: the API and the form check the same body.
        let fresh = as_user(w.server.get(REPORT), &w.village).await.json::<Value>();
        let mut body = fresh["body"].clone();
        body["activities"] = json!("Tuyên truyền\u{0}");
        let r = as_user(w.server.put(REPORT), &w.village).json(&json!({"version": 0, "body": body})).await;
        refused_json(&r, "Hoạt động đã thực hiện: có ký tự điều khiển không được phép (U+0000)");
        body["activities"] = json!("Tuyên truyền");
        body["tasks"][0]["note"] = json!("Ghi chú\u{1b}[31m");
        let r = as_user(w.server.put(REPORT), &w.village).json(&json!({"version": 0, "body": body})).await;
        refused_json(&r, "Ghi chú: có ký tự điều khiển không được phép (U+001B)");
        let r = as_user(w.server.post(REPORT_PAGE), &w.village)
            .form(&[("version", "0"), ("intent", "save"), ("activities", "Tuyên truyền\u{0}")])
            .await;
        refused_page(&r, "U+0000");
        assert!(w.store.report("muong-la-2026", "2026-Q1", "ban-a").await.unwrap().is_none(), "no report saved");
        // Line breaks stay welcome in a report's long texts.
        let r = as_user(w.server.post(REPORT_PAGE), &w.village)
            .form(&[("version", "0"), ("intent", "save"), ("activities", "Một\r\nHai")])
            .await;
        assert_eq!(r.status_code(), StatusCode::SEE_OTHER, "{}", r.text());
        let saved = w.store.report("muong-la-2026", "2026-Q1", "ban-a").await.unwrap().unwrap();
        assert_eq!(saved.body.activities, "Một\nHai");
        assert!(written(&w.store).await > before, "the good save is written");
        let before = written(&w.store).await;

        // An ad hoc request's title, through the API and the form.
        let deadline = Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap().to_rfc3339();
        let r = as_user(w.server.post(&format!("{API}/requests")), &w.officer)
            .json(&json!({"title": "Báo cáo\u{0}", "details": "", "units": ["ban-tieu-khu"], "questions": ["Bao nhiêu?"], "deadline": deadline}))
            .await;
        refused_json(&r, "Tiêu đề: có ký tự điều khiển không được phép (U+0000)");
        let r = as_user(w.server.post(&format!("{PAGE}/requests")), &w.officer)
            .form(&[("title", "Báo cáo\u{0}"), ("units", "ban-tieu-khu"), ("questions", "Bao nhiêu?"), ("deadline_date", "2026-03-10")])
            .await;
        assert!(r.text().contains("U+0000"), "the form says why: {}", r.text());
        assert!(w.store.requests("muong-la-2026").await.unwrap().is_empty(), "no request made");

        // A register record's texts, through the API and the form.
        let r = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.village)
            .json(&json!({"unit": "ban-a", "date": "2026-02-10", "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số\u{0}"}}))
            .await;
        refused_json(&r, "có ký tự điều khiển không được phép (U+0000)");
        let r = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.officer)
            .json(&json!({"unit": "ban\u{0}a", "date": "2026-02-10", "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số"}}))
            .await;
        refused_json(&r, "U+0000");
        let r = as_user(w.server.post(&format!("{PAGE}/registers/truyen_thong")), &w.village)
            .form(&[("unit", "ban-a"), ("date", "2026-02-10"), ("f.kenh", "hop_ban"), ("f.chu_de", "Chủ đề"), ("f.dia_diem", "Nhà văn hoá\r\nbản A")])
            .await;
        refused_page(&r, "phải viết trên một dòng");
        assert_eq!(records(&w.store).await, 0, "no record added");

        // A unit's contact person, through the API and the form.
        let r = as_user(w.server.put(&format!("{API}/units/ban-a/contact")), &w.officer)
            .json(&json!({"name": "Lò Văn A\u{0}", "phone": "0212 3456 789"}))
            .await;
        refused_json(&r, "Họ và tên, chức vụ: có ký tự điều khiển không được phép (U+0000)");
        let r = as_user(w.server.post(&format!("{PAGE}/units/ban-a/contact")), &w.officer)
            .form(&[("name", "Lò Văn A"), ("phone", "0212 3456 789"), ("note", "Ghi chú\u{0}")])
            .await;
        refused_page(&r, "U+0000");
        assert!(w.store.unit_contact("son-la", "muong-la", "ban-a").await.unwrap().is_none_or(|c| c.name.is_none()));

        // The commune report's narrative, through the API and the form.
        let r = as_user(w.server.put(&format!("{API}/periods/2026-Q1/consolidation")), &w.officer)
            .json(&json!({"version": 0, "narrative": "Quý I\u{0}"}))
            .await;
        refused_json(&r, "U+0000");
        let r = as_user(w.server.post(&format!("{PAGE}/periods/2026-Q1/consolidation")), &w.officer)
            .form(&[("version", "0"), ("narrative", "Quý I\u{0}")])
            .await;
        refused_page(&r, "U+0000");
        assert!(w.store.commune_report("muong-la-2026", "2026-Q1").await.unwrap().is_none(), "no narrative saved");

        // A user's full name.
        let r = as_user(w.server.post("/admin/users"), &w.admin)
            .form(&[("username", "nguoi-moi"), ("full_name", "Cầm Thị\u{0} Hoà"), ("role", "don_vi"), ("unit", "ban-a")])
            .await;
        refused_page(&r, "Họ và tên: có ký tự điều khiển không được phép (U+0000)");
        let r = as_user(w.server.post("/admin/users"), &w.admin)
            .form(&[("username", "nguoi-moi"), ("full_name", "Cầm Thị Hoà"), ("role", "don_vi"), ("unit", "ban\u{0}a")])
            .await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(w.store.user("nguoi-moi").await.unwrap().is_none(), "no user added");

        // The sign-in user name, through the form and the API.
        let r = w.server.post("/login").form(&[("username", "dau\u{0}moi"), ("password", "sai")]).await;
        refused_page(&r, "Tên đăng nhập: có ký tự điều khiển không được phép (U+0000)");
        let r = w.server.post("/api/v1/auth/login").json(&json!({"username": "dau\u{0}moi", "password": "sai"})).await;
        refused_json(&r, "Tên đăng nhập");

        // A filter: one check for every query parameter of every page and API.
        let r = as_user(w.server.get("/api/v1/audit?actor=dau%00moi"), &w.officer).await;
        refused_json(&r, "Tham số “actor”: có ký tự điều khiển không được phép (U+0000)");
        let r = as_user(w.server.get("/audit?kind=report%0Ax&lang=en"), &w.officer).await;
        refused_page(&r, "Parameter “kind”: must be on one line.");

        // A path naming a plan or a unit with a NUL names nothing.
        let r = w.server.get("/api/v1/plans/muong%00la-2026").await;
        assert_eq!(r.status_code(), StatusCode::NOT_FOUND, "{}", r.text());
        let r = as_user(w.server.get(&format!("{PAGE}/units/ban%00a/contact")), &w.officer).await;
        assert_eq!(r.status_code(), StatusCode::NOT_FOUND, "{}", r.text());

        assert_eq!(written(&w.store).await, before, "nothing written by any refused request");
    }
);

on_both_databases!(
    /// A record dated 0000-01-01 was kept. Dates are now within the plan year − 50 … + 5
    /// (1976–2031 for 2026), through the API, the form and a CSV import alike.
    async fn dates_far_from_the_plan_year_are_refused(store) {
        let w = world(store).await;
        let url = format!("{API}/registers/truyen_thong/records");
        let record = |date: &str| json!({"unit": "ban-a", "date": date, "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số"}});
        for date in ["0000-01-01", "31/12/9999", "1975-12-31", "2032-01-01"] {
            let r = as_user(w.server.post(&url), &w.village).json(&record(date)).await;
            refused_json(&r, "phải là một ngày trong các năm 1976–2031");
        }
        let r = as_user(w.server.post(&format!("{url}?lang=en")), &w.village).json(&record("0000-01-01")).await;
        refused_json(&r, "must be a date in the years 1976–2031");
        let r = as_user(w.server.post(&format!("{PAGE}/registers/truyen_thong")), &w.village)
            .form(&[("unit", "ban-a"), ("date", "01/01/0000"), ("f.kenh", "hop_ban"), ("f.chu_de", "Chuyển đổi số")])
            .await;
        refused_page(&r, "1976–2031");
        let csv = "unit,date,kenh,chu_de\nban-a,10/02/2026,hop_ban,Một\nban-a,01/01/0000,hop_ban,Hai\n";
        let r = as_user(w.server.post(&format!("{API}/registers/truyen_thong/import")), &w.village)
            .content_type("text/csv")
            .bytes(csv.as_bytes().to_vec().into())
            .await;
        refused_json(&r, "1976–2031");
        // A date field of the record too (a staff member who "left" in 9999).
        let staff = json!({"unit": "vhxh", "date": "2020-01-01", "fields": {"ho_ten": "Lò Văn A", "chuyen_mon": "có", "ngay_thoi": "9999-12-31"}});
        let r = as_user(w.server.post(&format!("{API}/registers/can_bo/records")), &w.officer).json(&staff).await;
        refused_json(&r, "1976–2031");
        assert_eq!(records(&w.store).await, 0, "nothing written");
        // The edges are kept: the first year for a record's date (whose last day is today, see
        // docs/progress.md "Register dates"), the last year for a date inside a record.
        let r = as_user(w.server.post(&url), &w.village).json(&record("1976-01-01")).await;
        assert_eq!(r.status_code(), StatusCode::CREATED, "{}", r.text());
        let staff = json!({"unit": "vhxh", "date": "2020-01-01", "fields": {"ho_ten": "Lò Văn B", "chuyen_mon": "có", "ngay_thoi": "2031-12-31"}});
        let r = as_user(w.server.post(&format!("{API}/registers/can_bo/records")), &w.officer).json(&staff).await;
        assert_eq!(r.status_code(), StatusCode::CREATED, "{}", r.text());
    }
);

on_both_databases!(
    /// An 11 MB body got a 422; it is a 413, in JSON under /api/ and as a page elsewhere.
    async fn bodies_over_the_limit_are_413(store) {
        let w = world(store).await;
        let before = written(&w.store).await;
        let huge = "a".repeat(11 * 1024 * 1024);
        let r = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.village)
            .json(&json!({"unit": "ban-a", "date": "2026-02-10", "fields": {"kenh": "hop_ban", "chu_de": huge}}))
            .await;
        assert_eq!(r.status_code(), StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
        assert_eq!(r.json::<Value>()["error"]["code"], "too_large");
        let r = as_user(w.server.post("/api/v1/plans"), &w.admin).content_type("application/toml").bytes(huge.clone().into_bytes().into()).await;
        assert_eq!(r.status_code(), StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
        assert_eq!(r.json::<Value>()["error"]["code"], "too_large");
        let r = as_user(w.server.post(&format!("{PAGE}/registers/truyen_thong")), &w.village)
            .form(&[("unit", "ban-a"), ("date", "2026-02-10"), ("f.kenh", "hop_ban"), ("f.chu_de", huge.as_str())])
            .await;
        assert_eq!(r.status_code(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.text().contains("<html") && r.text().contains("quá lớn"), "a page in Vietnamese");
        // A signed-in form without the token in a header: the guard reads the body for it.
        let (cookie, _) = &w.village;
        let r = w
            .server
            .post(&format!("{PAGE}/registers/truyen_thong"))
            .add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(cookie).unwrap())
            .form(&[("f.chu_de", huge.as_str())])
            .await;
        assert_eq!(r.status_code(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(r.text().contains("<html"));
        // Files: past the route's limit, and past the file's own limit (a units CSV of 800 KB).
        for bytes in [huge.clone().into_bytes(), format!("code,name,kind\n{}", "ban-x,Bản X,village\n".repeat(40_000)).into_bytes()] {
            let file = MultipartForm::new().add_part("file", Part::bytes(bytes).file_name("don-vi.csv"));
            let r = as_user(w.server.post(&format!("{PAGE}/units/import")), &w.admin).multipart(file).await;
            assert_eq!(r.status_code(), StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
            assert!(r.text().contains("<html"));
        }
        assert_eq!(written(&w.store).await, before);
        assert_eq!(records(&w.store).await, 0);
    }
);

/// Counts the ERROR events logged while it is the default subscriber.
struct Errors(Arc<AtomicUsize>);

impl tracing::Subscriber for Errors {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if *event.metadata().level() == tracing::Level::ERROR {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

on_both_databases!(
    /// A method a route does not take was a 403 and an ERROR line anyone could write at will; it
    /// is a 405 with `Allow`, and no ERROR. A real route without a rule still fails closed.
    async fn unsupported_methods_are_405_with_allow_and_no_error_line(store) {
        let w = world(store.clone()).await;
        let errors = Arc::new(AtomicUsize::new(0));
        let _guard = tracing::subscriber::set_default(Errors(errors.clone()));

        let r = w.server.delete(API).await;
        assert_eq!(r.status_code(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(r.header("allow"), "GET, HEAD");
        assert_eq!(r.json::<Value>()["error"]["code"], "method_not_allowed");
        let r = as_user(w.server.patch(&format!("{API}/registers/truyen_thong/records?lang=en")), &w.village).await;
        assert_eq!(r.status_code(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(r.header("allow"), "GET, HEAD, POST");
        assert!(r.json::<Value>()["error"]["message"].as_str().unwrap_or_default().contains("does not take"));
        let r = w.server.put("/login").await;
        assert_eq!(r.status_code(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(r.header("allow"), "GET, HEAD, POST");
        assert!(r.text().contains("<html"), "a page elsewhere");
        for _ in 0..20 {
            w.server.delete(PAGE).await.assert_status(StatusCode::METHOD_NOT_ALLOWED);
        }
        assert_eq!(errors.load(Ordering::SeqCst), 0, "no ERROR line for a client's mistake");

        let routes = kehoach_web::routes().route_without_rule("/mo-ra", axum::routing::get(|| async { "open" }));
        let server = TestServer::new(kehoach_web::with_routes(store, routes));
        assert_eq!(server.get("/mo-ra").await.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(errors.load(Ordering::SeqCst), 1, "a route without a rule is still refused, and logged");
    }
);

on_both_databases!(
    /// JSON errors echoed serde ("missing field `current` at line 1 column 75"); they name the
    /// field in words, in the request's language.
    async fn json_errors_name_the_field_in_words(store) {
        let w = world(store).await;
        let message = |r: TestResponse| {
            assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
            let m = r.json::<Value>()["error"]["message"].as_str().unwrap_or_default().to_owned();
            assert!(!m.contains('`') && !m.contains("line 1") && !m.contains("deserialize"), "parser internals: {m}");
            m
        };
        let r = as_user(w.server.post("/api/v1/me/password"), &w.officer).json(&json!({"new": "mat-khau-moi-2026"})).await;
        assert_eq!(message(r), "Thiếu trường bắt buộc “current”.");
        let r = as_user(w.server.post("/api/v1/me/password?lang=en"), &w.officer).json(&json!({"new": "mat-khau-moi-2026"})).await;
        assert_eq!(message(r), "The required field “current” is missing.");
        let r = as_user(w.server.put(REPORT), &w.village).json(&json!({"version": "một"})).await;
        assert_eq!(message(r), "Trường “version” phải là số.");
        let r = as_user(w.server.put(&format!("{REPORT}?lang=en")), &w.village)
            .json(&json!({"version": 0, "body": {"tasks": [{"task": "I.1", "lead": false, "status": "xong", "note": ""}], "figures": [], "activities": "", "difficulties": "", "proposals": ""}}))
            .await;
        let m = message(r);
        assert!(m.starts_with("The field “body.tasks[0].status” must be one of: "), "{m}");
        let r = as_user(w.server.put(REPORT), &w.village).content_type("application/json").bytes(b"{\"version\": 0,".to_vec().into()).await;
        assert!(message(r).starts_with("Nội dung gửi lên không phải JSON hợp lệ"));
        let r = as_user(w.server.put(REPORT), &w.village).content_type("text/plain").bytes(b"{}".to_vec().into()).await;
        assert_eq!(message(r), "Nội dung gửi lên phải là JSON (Content-Type: application/json).");
    }
);

on_both_databases!(
    /// A bad multipart boundary got a plain-text 400 in English; it is a 400 in JSON under
    /// /api/ and a page elsewhere. A file name keeps no right-to-left override.
    async fn broken_uploads_and_file_names(store) {
        let w = world(store).await;
        let record = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.village)
            .json(&json!({"unit": "ban-a", "date": "2026-02-10", "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số"}}))
            .await
            .json::<Value>();
        let files = format!("{API}/registers/truyen_thong/records/{}/files", record["id"]);
        let r = as_user(w.server.post(&files), &w.village).content_type("multipart/form-data").bytes(b"--x\r\n".to_vec().into()).await;
        assert_eq!(r.status_code(), StatusCode::BAD_REQUEST);
        assert_eq!(r.json::<Value>()["error"]["code"], "unreadable");
        // A boundary that the body does not follow, or a body cut off: the form cannot be read,
        // which is not "file too large" (what it was called before).
        for body in [&b"--x\r\n"[..], b"--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n\x89PNG"] {
            let r = as_user(w.server.post(&files), &w.village)
                .content_type("multipart/form-data; boundary=abc")
                .bytes(body.to_vec().into())
                .await;
            assert_eq!(r.status_code(), StatusCode::BAD_REQUEST, "{}", r.text());
            let error = r.json::<Value>();
            assert_eq!(error["error"]["code"], "unreadable");
            assert!(error["error"]["message"].as_str().unwrap().contains("Không đọc được"), "{error}");
        }
        let r = as_user(w.server.post(&format!("{PAGE}/units/import")), &w.admin).content_type("multipart/form-data").bytes(b"--x\r\n".to_vec().into()).await;
        assert_eq!(r.status_code(), StatusCode::BAD_REQUEST);
        assert!(r.text().contains("<html") && r.text().contains("Không đọc được nội dung gửi lên"), "{}", r.text());

        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0].to_vec();
        let photo = MultipartForm::new().add_part("file", Part::bytes(png).file_name("ảnh\u{202E}gnp.exe").mime_type("image/png"));
        let added = as_user(w.server.post(&files), &w.village).multipart(photo).await;
        assert_eq!(added.status_code(), StatusCode::CREATED, "{}", added.text());
        let listed = as_user(w.server.get(&files), &w.officer).await.json::<Vec<Value>>();
        assert_eq!(listed[0]["name"], "ảnhgnp.exe", "the override is gone: the name reads as it is");
    }
);

on_both_databases!(
    /// `/api/v1/me` holds the CSRF token and had no Cache-Control; signed-in answers are private;
    /// HSTS when the runner says so, or over HTTPS.
    async fn signed_in_answers_are_not_cached_and_hsts_when_asked(store) {
        let w = world(store.clone()).await;
        let me = as_user(w.server.get("/api/v1/me"), &w.officer).await;
        assert_eq!(me.status_code(), StatusCode::OK);
        assert_eq!(me.header("cache-control"), "no-store");
        let data = as_user(w.server.get(&format!("{API}/registers/truyen_thong/records")), &w.officer).await;
        assert_eq!(data.header("cache-control"), "private, no-cache");
        let page = as_user(w.server.get(PAGE), &w.officer).await;
        assert_eq!(page.header("cache-control"), "private, no-cache");
        let public = w.server.get(PAGE).await;
        assert!(public.maybe_header("cache-control").is_none_or(|v| !v.to_str().unwrap_or_default().contains("private")));
        assert!(public.maybe_header("strict-transport-security").is_none(), "plain HTTP, no setting: no HSTS");

        let behind_tls = w.server.get(PAGE).add_header(HeaderName::from_static("x-forwarded-proto"), HeaderValue::from_static("https")).await;
        assert_eq!(behind_tls.header("strict-transport-security"), "max-age=31536000");
        let clock = Arc::new(FixedClock::new(Utc::now()));
        let hsts = TestServer::new(kehoach_web::router_with(store, clock, kehoach_web::Settings { hsts: true, ..Default::default() }));
        assert_eq!(hsts.get("/healthz").await.header("strict-transport-security"), "max-age=31536000");
    }
);

on_both_databases!(
    /// Every route the application has, with a NUL in each path parameter, in the query, and in
    /// every text field its form or JSON body could carry, sent as each role that reaches it:
    /// not one server error. (PostgreSQL refuses NUL; before, any of these reaching it was a 500.)
    async fn a_nul_anywhere_gives_no_server_error(store) {
        let w = world(store).await;
        let record = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.village)
            .json(&json!({"unit": "ban-a", "date": "2026-02-10", "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số"}}))
            .await
            .json::<Value>();
        let id = record["id"].to_string();
        let nul = "x\u{0}y";
        let real = |name: &str| match name {
            "plan" => "muong-la-2026",
            "period" => "2026-Q1",
            "unit" => "ban-a",
            "register" => "truyen_thong",
            "id" | "record" | "file" => id.as_str(),
            "user" => "ban-b",
            "code" => "IV.1",
            _ => "x",
        };
        // A path with its parameters filled by `fill`.
        let path_of = |template: &str, fill: &dyn Fn(&str) -> String| {
            let mut out = String::new();
            let mut rest = template;
            while let Some(start) = rest.find('{') {
                out.push_str(&rest[..start]);
                let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
                out.push_str(&fill(rest[start + 1..end].trim_start_matches('*')));
                rest = &rest[(end + 1).min(rest.len())..];
            }
            out.push_str(rest);
            out
        };
        let texts = ["name", "title", "details", "narrative", "reason", "note", "phone", "full_name", "username",
            "activities", "difficulties", "proposals", "questions", "council", "current", "new", "kind", "code", "unit",
            "date", "actor", "key", "f.chu_de", "f.dia_diem", "answer.0"];
        let mut form: Vec<(&str, &str)> = texts.iter().map(|k| (*k, nul)).collect();
        form.extend([("version", "0"), ("intent", "save"), ("role", "don_vi"), ("deadline_date", "2026-03-10")]);
        let body = json!({
            "version": 0, "name": nul, "code": "ban-z", "kind": "village", "title": nul, "details": nul,
            "units": ["ban-tieu-khu"], "questions": [nul], "deadline": "2026-03-10T02:00:00Z", "narrative": nul,
            "reason": nul, "username": nul, "password": nul, "phone": nul, "note": nul, "unit": "ban-a",
            "date": "2026-02-10", "fields": {"kenh": "hop_ban", "chu_de": nul, "dia_diem": nul}, "council": [nul],
            "recognised": false,
            "body": {"tasks": [{"task": nul, "lead": false, "status": "in_progress", "note": nul}], "figures": [],
                "answers": [{"question": nul, "answer": nul}], "activities": nul, "difficulties": nul, "proposals": nul},
        });
        let rules = kehoach_web::routes().rules().to_vec();
        let mut sent = 0;
        let mut failures = Vec::new();
        for who in [&w.admin, &w.officer, &w.village] {
            for rule in &rules {
                // Signing out or changing one's password would end the session the probe runs in.
                if rule.path.contains("logout") || rule.path.contains("password") {
                    continue;
                }
                let bad_path = path_of(rule.path, &|_| "x%00y".to_owned());
                let good_path = path_of(rule.path, &|name| real(name).to_owned());
                for path in [bad_path, format!("{good_path}?q=x%00y&actor=x%00y&from=x%00y&at=x%00y")] {
                    let request = w.server.method(rule.method.clone(), &path);
                    let request = as_user(request, who);
                    let api = rule.path.starts_with("/api/");
                    let response = match rule.method.as_str() {
                        "POST" | "PUT" if api => request.json(&body).await,
                        "POST" | "PUT" => request.form(&form).await,
                        _ => request.await,
                    };
                    sent += 1;
                    if response.status_code().is_server_error() {
                        failures.push(format!("{} {path}: {}", rule.method, response.status_code()));
                    }
                }
                if matches!(rule.method.as_str(), "POST" | "PUT") {
                    let request = as_user(w.server.method(rule.method.clone(), &path_of(rule.path, &|n| real(n).to_owned())), who);
                    let response =
                        if rule.path.starts_with("/api/") { request.json(&body).await } else { request.form(&form).await };
                    sent += 1;
                    if response.status_code().is_server_error() {
                        failures.push(format!("{} {}: {} {}", rule.method, rule.path, response.status_code(), response.text()));
                    }
                }
            }
        }
        println!("NUL probe: {sent} requests over {} routes, {} server errors", rules.len(), failures.len());
        assert!(failures.is_empty(), "{failures:#?}");
    }
);
