//! HTTP tests of every route, on SQLite and PostgreSQL, with two communes' plans side by side.

use axum::http::StatusCode;
use axum_test::TestServer;
use kehoach_domain::text::is_nfc;
use kehoach_domain::{Plan, Unit, UnitKind};
use kehoach_store::{Actor, Store, on_both_databases};

const TEST: Actor<'static> = Actor { name: "test", address: None };
use serde_json::Value;

const SECOND_PLAN: &str = include_str!("../../../plan/tests/fixtures/thu-nghiem-2027.toml");

fn seed() -> Plan {
    kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).expect("seed plan")
}

fn second() -> Plan {
    kehoach_plan::parse(SECOND_PLAN).expect("second plan")
}

/// A server over a store holding both plans and one sample village in Mường La.
async fn server(store: Store) -> TestServer {
    store.import_plan(&seed(), TEST).await.expect("import seed");
    store.import_plan(&second(), TEST).await.expect("import second");
    let village =
        Unit { code: "ban-mau".into(), name: "Bản Mẫu (mẫu)".into(), kind: UnitKind::Village, sample: true };
    store.add_units("muong-la", &[village], TEST).await.expect("add village");
    TestServer::new(kehoach_web::router(store))
}

/// The page's text with HTML character references read back, to look for plain strings in it.
fn unescape(s: &str) -> String {
    [
        ("&#38;", "&"),
        ("&#60;", "<"),
        ("&#62;", ">"),
        ("&#34;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
    ]
    .iter()
    .fold(s.to_owned(), |acc, (from, to)| acc.replace(from, to))
}

fn all_strings_nfc(v: &Value) -> bool {
    match v {
        Value::String(s) => is_nfc(s),
        Value::Array(a) => a.iter().all(all_strings_nfc),
        Value::Object(o) => o.iter().all(|(k, v)| is_nfc(k) && all_strings_nfc(v)),
        _ => true,
    }
}

on_both_databases!(
    async fn health_and_plan_list(store) {
        let server = server(store).await;
        let health = server.get("/healthz").await;
        assert_eq!(health.status_code(), StatusCode::OK);
        assert_eq!(health.json::<Value>()["status"], "ok");

        let list = server.get("/api/v1/plans").await.json::<Value>();
        let ids: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["thu-nghiem-2027", "muong-la-2026"]);
        assert_eq!(list[1]["commune"]["name"], "Mường La");
        assert_eq!(list[1]["commune"]["province"], "Sơn La");
        assert_eq!(list[1]["year"], 2026);
        assert_eq!(list[1]["title"], "Hoạt động khoa học, công nghệ và đổi mới sáng tạo xã Mường La năm 2026");
    }
);

on_both_databases!(
    async fn the_whole_plan_round_trips_file_to_api(store) {
        let server = server(store).await;
        let plan = seed();
        let response = server.get("/api/v1/plans/muong-la-2026").await;
        assert_eq!(response.status_code(), StatusCode::OK);
        let body = response.json::<Value>();
        assert!(all_strings_nfc(&body));

        // The narrative parts come back exactly as the file has them.
        let same = |field: &str, expected: Value| assert_eq!(body[field], expected, "{field}");
        same("sections", serde_json::to_value(&plan.sections).unwrap());
        same("document", serde_json::to_value(&plan.document).unwrap());
        same("recipients", serde_json::to_value(&plan.recipients).unwrap());
        same("signer", serde_json::to_value(&plan.signer).unwrap());
        same("appendices", serde_json::to_value(&plan.appendices).unwrap());
        same("indicator_sections", serde_json::to_value(&plan.indicator_sections).unwrap());
        same("task_groups", serde_json::to_value(&plan.task_groups).unwrap());
        assert_eq!(body["preamble"]["legal_bases"], serde_json::to_value(&plan.preamble.legal_bases).unwrap());
        assert_eq!(body["preamble"]["paragraph"], plan.preamble.paragraph());
        assert_eq!(body["targets"].as_array().unwrap().len(), 10);
        for (t, j) in plan.targets.iter().zip(body["targets"].as_array().unwrap()) {
            assert_eq!(j["text"], t.text.as_str());
            assert_eq!(j["indicator"], t.indicator.as_str());
        }

        // Indicators and tasks, with leads and coordinators resolved to names.
        let indicators = body["indicators"].as_array().unwrap();
        assert_eq!(indicators.len(), plan.indicators.len());
        for (i, j) in plan.indicators.iter().zip(indicators) {
            assert_eq!(j["code"], i.code.as_str());
            assert_eq!(j["name"], i.name.as_str());
            assert_eq!(j["baseline"]["text"], i.baseline.text.as_str());
            assert_eq!(j["target"]["text"], i.target.text.as_str());
            assert_eq!(j["lead"]["name"], plan.ref_name(&i.lead).unwrap());
        }
        let iv1 = indicators.iter().find(|i| i["code"] == "IV.1").unwrap();
        assert_eq!(iv1["coordinators_cell"], "Trung tâm Dịch vụ tổng hợp; các bản, tiểu khu");
        assert_eq!(iv1["coordinators"][1]["kind"], "group");
        assert_eq!(iv1["target"]["value"], 4.0);
        let tasks = body["tasks"].as_array().unwrap();
        assert_eq!(tasks.len(), 9);
        for (t, j) in plan.tasks.iter().zip(tasks) {
            assert_eq!(j["description"], t.description.as_str());
        }
        let ii2 = tasks.iter().find(|t| t["code"] == "II.2").unwrap();
        assert_eq!(ii2["coordinators_cell"], "MTTQ xã và các tổ chức chính trị - xã hội; Các cơ quan, đơn vị; các bản, tiểu khu");
        assert_eq!(tasks.iter().find(|t| t["code"] == "IV.1").unwrap()["time_frame"]["kind"], "every_year");

        // Groups resolve to the commune's current units; the reporting regime names its units.
        let group = body["groups"].as_array().unwrap().iter().find(|g| g["code"] == "ban-tieu-khu").unwrap();
        assert_eq!(group["members"][0]["name"], "Bản Mẫu (mẫu)");
        assert_eq!(body["reporting"]["report_to"]["name"], "Phòng Văn hóa - Xã hội");
        assert_eq!(body["reporting"]["upward_to"]["name"], "Sở Khoa học và Công nghệ tỉnh");
        assert_eq!(body["reporting"]["deadline_day"], 5);

        // The second commune's plan is served beside it, with its own units only.
        let other = server.get("/api/v1/plans/thu-nghiem-2027").await.json::<Value>();
        assert_eq!(other["commune"]["code"], "thu-nghiem");
        assert_eq!(other["indicators"].as_array().unwrap().len(), second().indicators.len());
        assert!(!other["units"].as_array().unwrap().iter().any(|u| u["code"] == "ban-mau"));
    }
);

on_both_databases!(
    async fn api_errors_are_json_in_the_callers_language(store) {
        let server = server(store).await;
        let missing = server.get("/api/v1/plans/khong-co").await;
        assert_eq!(missing.status_code(), StatusCode::NOT_FOUND);
        let body = missing.json::<Value>();
        assert_eq!(body["error"]["code"], "not_found");
        assert_eq!(body["error"]["message"], "Không tìm thấy kế hoạch này.");
        let english = server.get("/api/v1/plans/khong-co").add_query_param("lang", "en").await.json::<Value>();
        assert_eq!(english["error"]["message"], "This plan was not found.");
        let unknown = server.get("/api/v1/khong-co").await;
        assert_eq!(unknown.status_code(), StatusCode::NOT_FOUND);
        assert_eq!(unknown.json::<Value>()["error"]["code"], "not_found");
    }
);

on_both_databases!(
    async fn the_plan_page_shows_the_document_and_both_appendices(store) {
        let server = server(store).await;
        let plan = seed();
        let page = server.get("/plans/muong-la-2026").await;
        assert_eq!(page.status_code(), StatusCode::OK);
        let text = unescape(&page.text());
        assert!(text.starts_with("<!doctype html>"));
        assert!(text.contains("<html lang=\"vi\">"));
        for needle in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số:       /KH-UBND",
            "Mường La, ngày      tháng      năm 2026",
            "PHỤ LỤC I",
            "PHỤ LỤC II",
            "Kết quả năm 2025",
            "Chỉ tiêu năm 2026",
            "Cơ quan chủ trì",
            "Nơi nhận:",
            "- Lưu: VT, VHXH.",
            "KT. CHỦ TỊCH",
            "Trần Hải Sơn",
            "Năm 2026",
            "Thường xuyên",
            "Hằng năm",
        ] {
            assert!(text.contains(needle), "plan page lacks `{needle}`");
        }
        assert!(text.contains(&plan.preamble.paragraph()));
        for t in &plan.targets {
            assert!(text.contains(&t.text), "target `{}`", t.text);
        }
        for i in &plan.indicators {
            assert!(text.contains(&i.name), "indicator {}", i.code);
            assert!(text.contains(&format!("/plans/muong-la-2026/indicators/{}", i.code)));
        }
        for t in &plan.tasks {
            assert!(text.contains(&t.description), "task {}", t.code);
        }
        for s in &plan.sections {
            for p in s.parts.iter().flat_map(|p| &p.paragraphs) {
                assert!(text.contains(p.as_str()), "paragraph `{p}`");
            }
        }
        let other = server.get("/plans/thu-nghiem-2027").await;
        assert_eq!(other.status_code(), StatusCode::OK);
        assert!(unescape(&other.text()).contains(&second().document.title));
    }
);

on_both_databases!(
    async fn indicator_task_and_unit_pages(store) {
        let server = server(store).await;
        let indicator = server.get("/plans/muong-la-2026/indicators/IV.1").await;
        assert_eq!(indicator.status_code(), StatusCode::OK);
        let text = unescape(&indicator.text());
        assert!(text.contains("Số lượt tuyên truyền về KH, CN&ĐMST trên hệ thống truyền thanh, họp bản, hội nghị"));
        assert!(text.contains("Tối thiểu 4 lượt/ năm"));
        assert!(text.contains("/plans/muong-la-2026/units/ttdvth"));

        // A section I.2 target that is an appendix row shows its target wording.
        let i2 = unescape(&server.get("/plans/muong-la-2026/indicators/I.2").await.text());
        assert!(i2.contains(&seed().targets[1].text));

        let task = server.get("/plans/muong-la-2026/tasks/II.2").await;
        assert_eq!(task.status_code(), StatusCode::OK);
        let text = unescape(&task.text());
        assert!(text.contains("Môi trường"));
        assert!(text.contains("MTTQ xã và các tổ chức chính trị - xã hội; Các cơ quan, đơn vị; các bản, tiểu khu"));
        assert!(text.contains("Năm 2026"));

        // Phòng Kinh tế leads II.2 (indicator) and tasks II.1–II.3, and coordinates CT.5.
        let unit = unescape(&server.get("/plans/muong-la-2026/units/kinh-te").await.text());
        let leads_at = unit.find("Chủ trì").unwrap();
        let coordinates_at = unit.find("Phối hợp").unwrap();
        for href in ["indicators/II.2\"", "tasks/II.1\"", "tasks/II.2\"", "tasks/II.3\""] {
            let at = unit.find(href).unwrap_or_else(|| panic!("{href}"));
            assert!(at > leads_at && at < coordinates_at, "{href} is among what it leads");
        }
        assert!(unit.find("indicators/CT.5\"").unwrap() > coordinates_at);

        // The sample village coordinates through the group "các bản, tiểu khu".
        let village = unescape(&server.get("/plans/muong-la-2026/units/ban-mau").await.text());
        assert!(village.contains("mẫu"));
        assert!(village.contains("qua nhóm các bản, tiểu khu"));
        assert!(village.contains("tasks/IV.1\""));

        let group = unescape(&server.get("/plans/muong-la-2026/units/ban-tieu-khu").await.text());
        assert!(group.contains("Bản Mẫu (mẫu)"));
        let units = unescape(&server.get("/plans/muong-la-2026/units").await.text());
        for name in ["Phòng Văn hóa - Xã hội", "Sở Khoa học và Công nghệ tỉnh", "Bản Mẫu (mẫu)", "MTTQ xã và các tổ chức chính trị - xã hội"] {
            assert!(units.contains(name), "{name}");
        }
    }
);

on_both_databases!(
    async fn unknown_pages_are_404_html(store) {
        let server = server(store).await;
        for path in [
            "/plans/khong-co",
            "/plans/muong-la-2026/indicators/IX.9",
            "/plans/muong-la-2026/tasks/IX.9",
            "/plans/muong-la-2026/units/khong-co",
            "/khong-co",
        ] {
            let page = server.get(path).await;
            assert_eq!(page.status_code(), StatusCode::NOT_FOUND, "{path}");
            assert!(unescape(&page.text()).contains("<html lang=\"vi\">"), "{path}");
        }
        let english = server.get("/plans/khong-co").add_query_param("lang", "en").await;
        assert!(english.text().contains("This plan was not found."));
    }
);

on_both_databases!(
    async fn english_through_the_switch(store) {
        let server = server(store).await;
        let switch = server.get("/lang/en").add_query_param("next", "/plans/muong-la-2026").await;
        assert_eq!(switch.status_code(), StatusCode::SEE_OTHER);
        assert_eq!(switch.header("location"), "/plans/muong-la-2026");
        let cookie = switch.header("set-cookie");
        let cookie = cookie.to_str().unwrap();
        assert!(cookie.starts_with("lang=en;") && cookie.contains("SameSite=Lax"), "{cookie}");

        let page = unescape(&server.get("/plans/muong-la-2026").add_header("cookie", "lang=en").await.text());
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("<th>Lead</th>"));
        assert!(page.contains("Year 2026"));
        // The plan's own text stays as written.
        assert!(page.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
        assert!(page.contains("Tiếng Việt"));

        // Never an open redirect.
        for next in ["//example.com/x", "https://example.com", "/\\example.com"] {
            let r = server.get("/lang/vi").add_query_param("next", next).await;
            assert_eq!(r.header("location"), "/", "{next}");
        }
    }
);

on_both_databases!(
    async fn home_assets_and_headers(store) {
        let server = server(store).await;
        let home = server.get("/").await;
        assert_eq!(home.status_code(), StatusCode::OK);
        let text = home.text();
        assert!(text.contains("/plans/muong-la-2026") && text.contains("/plans/thu-nghiem-2027"));
        let csp = home.header("content-security-policy");
        assert!(csp.to_str().unwrap().contains("default-src 'self'"));
        assert_eq!(home.header("x-content-type-options"), "nosniff");

        let css = server.get("/static/style.css").await;
        assert_eq!(css.status_code(), StatusCode::OK);
        assert_eq!(css.header("content-type"), "text/css");
        assert!(css.text().contains("@media (max-width: 640px)"));
        assert_eq!(server.get("/static/nope.css").await.status_code(), StatusCode::NOT_FOUND);
    }
);

/// With one plan, the home page goes straight to it.
#[tokio::test]
async fn home_with_one_plan_redirects_to_it() {
    let db = kehoach_store::testing::TestDb::new(kehoach_store::testing::Backend::Sqlite).await;
    db.store.import_plan(&seed(), TEST).await.unwrap();
    let server = TestServer::new(kehoach_web::router(db.store.clone()));
    let home = server.get("/").await;
    assert_eq!(home.status_code(), StatusCode::SEE_OTHER);
    assert_eq!(home.header("location"), "/plans/muong-la-2026");
    db.finish().await;
}
