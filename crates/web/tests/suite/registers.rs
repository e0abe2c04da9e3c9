//! Registers and progress over HTTP: records written and refused, who may write what, CSV
//! import refused whole on one bad row, export read back, indicators and their evidence.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{AuditFilter, Store, on_both_databases};

use crate::common;
use common::{as_user, session_of};
use serde_json::{Value, json};

const API: &str = "/api/v1/plans/muong-la-2026";

struct World {
    store: Store,
    server: TestServer,
    village: (String, String),
    officer: (String, String),
    leader: (String, String),
    province: (String, String),
}

async fn world(store: Store) -> World {
    common::commune(&store).await;
    // 20 July 2026, 09:00 in Vietnam.
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 7, 20, 2, 0, 0).unwrap()));
    let server = TestServer::new(kehoach_web::router_at(store.clone(), clock));
    World {
        village: session_of(&store, "ban-a").await,
        officer: session_of(&store, "dau-moi").await,
        leader: session_of(&store, "lanh-dao").await,
        province: session_of(&store, "so-khcn").await,
        server,
        store,
    }
}

fn activity(date: &str, channel: &str, unit: &str) -> Value {
    json!({"unit": unit, "date": date, "fields": {"kenh": channel, "chu_de": "Chuyển đổi số", "so_nguoi": 30}})
}

async fn indicator(w: &World, code: &str, at: &str) -> Value {
    let all = as_user(w.server.get(&format!("{API}/indicators?at={at}")), &w.officer).await.json::<Vec<Value>>();
    all.into_iter().find(|p| p["indicator"] == code).unwrap()
}

on_both_databases!(
    /// IV.1 counts radio, village meetings and conferences of the year; its evidence lists them.
    async fn records_make_the_indicator_and_its_evidence(store) {
        let w = world(store).await;
        let url = format!("{API}/registers/truyen_thong/records");
        let mut ids = Vec::new();
        for (date, channel) in [("10/02/2026", "hop_ban"), ("2026-03-20", "Đài truyền thanh xã"), ("2026-05-02", "website"), ("2025-12-30", "hop_ban")] {
            let r = as_user(w.server.post(&url), &w.officer).json(&activity(date, channel, "vhxh")).await;
            assert_eq!(r.status_code(), StatusCode::CREATED, "{}", r.text());
            ids.push(r.json::<Value>()["id"].as_i64().unwrap());
        }
        let p = indicator(&w, "IV.1", "2026-07-20").await;
        assert_eq!(p["value"], 2.0);
        assert_eq!(p["target"], 4.0);
        assert_eq!(p["expected"], 2.0);
        assert_eq!(p["status"], "on_track");
        assert_eq!(indicator(&w, "IV.1", "2026-10-01").await["status"], "at_risk");
        assert_eq!(indicator(&w, "IV.1", "2026-03-01").await["value"], 1.0);

        let e = as_user(w.server.get(&format!("{API}/indicators/IV.1/evidence?at=2026-07-20")), &w.officer).await.json::<Value>();
        let counted: Vec<i64> = e["counted"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert_eq!(counted, [ids[1], ids[0]], "newest first: the records that make the value");
        let page = as_user(w.server.get("/plans/muong-la-2026/indicators/IV.1/evidence?at=2026-07-20"), &w.officer).await;
        assert_eq!(page.status_code(), StatusCode::OK);
        assert!(page.text().contains("Họp bản, tiểu khu"), "values shown as officials read them");

        // The plan page shows the result to those who may see progress, not to visitors.
        let signed_in = as_user(w.server.get("/plans/muong-la-2026"), &w.officer).await.text();
        assert!(signed_in.contains("Kết quả đến 20/07/2026"));
        assert!(signed_in.contains("status-on_track"));
        let anonymous = w.server.get("/plans/muong-la-2026").await.text();
        assert!(!anonymous.contains("Kết quả đến"));
        // The indicator page draws the year as an SVG chart.
        let ind = as_user(w.server.get("/plans/muong-la-2026/indicators/IV.1"), &w.leader).await.text();
        assert!(ind.contains("<svg class=\"chart\"") && ind.contains("<polyline"), "{ind}");
        // Every value on the progress page; the province reads it too.
        let progress = as_user(w.server.get("/plans/muong-la-2026/progress"), &w.province).await;
        assert_eq!(progress.status_code(), StatusCode::OK);
        assert_eq!(w.server.get(&format!("{API}/indicators")).await.status_code(), StatusCode::UNAUTHORIZED);

        // The period's consolidation shows the values at its data cut-off (14 June for Q2).
        let consolidation = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q2/consolidation"), &w.officer).await.text();
        assert!(consolidation.contains("14/06/2026"), "{consolidation}");
        assert!(consolidation.contains("/plans/muong-la-2026/indicators/IV.1/evidence\">2</a>"), "{consolidation}");
        let audit = w.store.audit(&AuditFilter { record_kind: Some("register_record".into()), limit: 100, ..AuditFilter::default() }).await.unwrap();
        assert_eq!(audit.iter().filter(|a| a.action == "register.add").count(), 4);
    }
);

on_both_databases!(
    /// A ratio over nothing is "not yet measurable"; every indicator has a measure.
    async fn every_indicator_has_a_status_and_none_divides_by_zero(store) {
        let w = world(store).await;
        let all = as_user(w.server.get(&format!("{API}/indicators?at=2026-07-20")), &w.officer).await.json::<Vec<Value>>();
        assert_eq!(all.len(), 15);
        for p in &all {
            assert!(!p["measure"].as_str().unwrap().is_empty(), "{} has no measure", p["indicator"]);
        }
        let bad = as_user(w.server.get(&format!("{API}/indicators?at=hom-nay")), &w.officer).await;
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.json::<Value>()["error"]["message"].as_str().unwrap().starts_with("Tham số trên đường dẫn không hợp lệ"));
        let ct7 = all.iter().find(|p| p["indicator"] == "CT.7").unwrap();
        assert_eq!(ct7["status"], "not_measurable");
        assert_eq!(ct7["value"], Value::Null);
    }
);

on_both_databases!(
    /// Bad input is refused with every problem named, in Vietnamese; a unit writes only for
    /// itself; the province only reads.
    async fn bad_records_and_foreign_units_are_refused(store) {
        let w = world(store).await;
        let url = format!("{API}/registers/truyen_thong/records");
        let bad = as_user(w.server.post(&url), &w.officer)
            .json(&json!({"unit": "vhxh", "date": "31/02/2026", "fields": {"kenh": "loa kéo", "so_nguoi": "nhiều", "mau": "x"}}))
            .await;
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let message = bad.json::<Value>()["error"]["message"].as_str().unwrap().to_owned();
        for part in ["Ngày thực hiện", "Hình thức: phải là một trong", "Số người tham dự: phải là số", "mau: không có cột", "Nội dung, chủ đề: chưa nhập"] {
            assert!(message.contains(part), "{part} in {message}");
        }
        let foreign = as_user(w.server.post(&url), &w.village).json(&activity("2026-03-01", "hop_ban", "ban-b")).await;
        assert_eq!(foreign.status_code(), StatusCode::FORBIDDEN);
        let own = as_user(w.server.post(&url), &w.village).json(&activity("2026-03-01", "hop_ban", "ban-a")).await;
        assert_eq!(own.status_code(), StatusCode::CREATED);
        let unknown_unit = as_user(w.server.post(&url), &w.officer).json(&activity("2026-03-01", "hop_ban", "ban-khong-co")).await;
        assert_eq!(unknown_unit.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let province = as_user(w.server.post(&url), &w.province).json(&activity("2026-03-01", "hop_ban", "vhxh")).await;
        assert_eq!(province.status_code(), StatusCode::FORBIDDEN);
        // Assessments are the focal officer's.
        let assess = as_user(w.server.post(&format!("{API}/registers/danh_gia/records")), &w.village)
            .json(&json!({"unit": "ban-a", "date": "2026-03-01", "fields": {"chi_tieu": "II.1", "muc_do": "achieved", "nhan_xet": "x"}}))
            .await;
        assert_eq!(assess.status_code(), StatusCode::FORBIDDEN);
        // A reference must point at a record of the right register.
        let training = as_user(w.server.post(&format!("{API}/registers/boi_duong/records")), &w.officer)
            .json(&json!({"unit": "vhxh", "date": "2026-03-01", "fields": {"can_bo": 999, "hinh_thuc": "boi_duong", "dot": "Lớp 1"}}))
            .await;
        assert_eq!(training.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(training.text().contains("không có bản ghi số này"), "{}", training.text());
        // The village sees its own records only.
        let officer_new = as_user(w.server.post(&url), &w.officer).json(&activity("2026-03-02", "hoi_nghi", "vhxh")).await.json::<Value>();
        let seen = as_user(w.server.get(&url), &w.village).await.json::<Vec<Value>>();
        assert!(seen.iter().all(|r| r["unit"] == "ban-a"));
        let hidden = as_user(w.server.get(&format!("{url}/{}", officer_new["id"])), &w.village).await;
        assert_eq!(hidden.status_code(), StatusCode::NOT_FOUND);
    }
);

on_both_databases!(
    /// A change at an old version is refused with 409 and writes nothing; a record others point
    /// at cannot be deleted.
    async fn stale_changes_and_referenced_deletes_are_refused(store) {
        let w = world(store).await;
        let staff = as_user(w.server.post(&format!("{API}/registers/can_bo/records")), &w.officer)
            .json(&json!({"unit": "vhxh", "date": "2024-01-01", "fields": {"ho_ten": "Lò Thị Hoà", "chuyen_mon": true}}))
            .await
            .json::<Value>();
        let id = staff["id"].as_i64().unwrap();
        let one = format!("{API}/registers/can_bo/records/{id}");
        let change = |name: &str, version: i64| json!({"date": "2024-01-01", "fields": {"ho_ten": name, "chuyen_mon": "có"}, "version": version});
        let first = as_user(w.server.put(&one), &w.officer).json(&change("Lò Thị Hòa", 1)).await;
        assert_eq!(first.status_code(), StatusCode::OK);
        assert_eq!(first.json::<Value>()["version"], 2);
        let stale = as_user(w.server.put(&one), &w.officer).json(&change("Lò Thị Hoa", 1)).await;
        assert_eq!(stale.status_code(), StatusCode::CONFLICT);
        let now = as_user(w.server.get(&one), &w.officer).await.json::<Value>();
        assert_eq!(now["fields"]["ho_ten"], "Lò Thị Hòa");

        as_user(w.server.post(&format!("{API}/registers/boi_duong/records")), &w.officer)
            .json(&json!({"unit": "vhxh", "date": "2026-03-01", "fields": {"can_bo": id, "hinh_thuc": "Bồi dưỡng, tập huấn", "dot": "Lớp 1"}}))
            .await
            .assert_status(StatusCode::CREATED);
        let delete = as_user(w.server.post(&format!("{one}/delete")), &w.officer).await;
        assert_eq!(delete.status_code(), StatusCode::CONFLICT);
        assert!(delete.text().contains("#"), "{}", delete.text());
        assert_eq!(indicator(&w, "CT.2", "2026-07-20").await["value"], 100.0);
    }
);

fn csv_part(text: &str) -> MultipartForm {
    MultipartForm::new()
        .add_part("file", Part::bytes(text.as_bytes().to_vec()).file_name("so.csv").mime_type("text/csv"))
}

on_both_databases!(
    /// One bad row refuses the whole file and names each bad row; a good file is added whole;
    /// what is exported reads back the same.
    async fn csv_import_is_all_or_nothing(store) {
        let w = world(store).await;
        let bad = "unit,date,kenh,chu_de,so_nguoi,dot_tuyen_truyen\n\
                   vhxh,05/03/2026,Họp bản, tiểu khu,Chuyển đổi số,40,có\n\
                   vhxh,06/03/2026,loa,Chuyển đổi số,40,có\n\
                   ban-a,99/03/2026,hop_ban,KH&CN,,không\n";
        // The second line has an unquoted comma: a malformed row is refused too.
        let r = as_user(w.server.post("/plans/muong-la-2026/registers/truyen_thong/import"), &w.officer)
            .add_query_param("csrf", &w.officer.1)
            .multipart(csv_part(bad))
            .await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(w.store.register_counts("muong-la-2026").await.unwrap().is_empty(), "nothing written");

        let bad = "unit,date,kenh,chu_de,so_nguoi,dot_tuyen_truyen\n\
                   vhxh,05/03/2026,\"Họp bản, tiểu khu\",Chuyển đổi số,40,có\n\
                   vhxh,06/03/2026,loa,Chuyển đổi số,40,có\n\
                   ban-a,99/03/2026,hop_ban,KH&CN,,không\n";
        let r = as_user(w.server.post("/plans/muong-la-2026/registers/truyen_thong/import"), &w.officer)
            .add_query_param("csrf", &w.officer.1)
            .multipart(csv_part(bad))
            .await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = r.text();
        assert!(text.contains("Dòng 3, Hình thức"), "{text}");
        assert!(text.contains("Dòng 4, Ngày thực hiện"), "{text}");
        assert!(!text.contains("Dòng 2"), "{text}");
        assert!(w.store.register_counts("muong-la-2026").await.unwrap().is_empty(), "nothing written");

        let good = "\u{feff}unit,date,kenh,chu_de,so_nguoi,dot_tuyen_truyen\n\
                    vhxh,05/03/2026,\"Họp bản, tiểu khu\",Chuyển đổi số,40,có\n\
                    ban-a,2026-03-06,truyen_thanh,Ứng dụng KH&CN,,không\n";
        let r = as_user(w.server.post(&format!("{API}/registers/truyen_thong/import")), &w.officer)
            .bytes(good.as_bytes().to_vec().into())
            .content_type("text/csv")
            .await;
        assert_eq!(r.status_code(), StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json::<Value>()["added"], 2);

        let export = as_user(w.server.get(&format!("{API}/registers/truyen_thong/records.csv")), &w.officer).await;
        let bytes = export.as_bytes().to_vec();
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM for Excel");
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("Họp bản, tiểu khu") && text.contains("05/03/2026"), "{text}");
        // The export reads back as the same records.
        let again = as_user(w.server.post(&format!("{API}/registers/truyen_thong/import")), &w.officer)
            .bytes(bytes.into())
            .content_type("text/csv")
            .await;
        assert_eq!(again.status_code(), StatusCode::CREATED, "{}", again.text());
        let all = as_user(w.server.get(&format!("{API}/registers/truyen_thong/records")), &w.officer).await.json::<Vec<Value>>();
        assert_eq!(all.len(), 4);
        let fields: Vec<&Value> = all.iter().map(|r| &r["fields"]).collect();
        assert_eq!(fields[0], fields[1]);
        // A unit imports only its own rows.
        let r = as_user(w.server.post(&format!("{API}/registers/truyen_thong/import")), &w.village)
            .bytes(good.as_bytes().to_vec().into())
            .content_type("text/csv")
            .await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Dòng 2, Đơn vị"), "{}", r.text());
    }
);

on_both_databases!(
    /// The phone form: a record added, shown, refused with the typed values kept.
    async fn the_record_form_keeps_what_was_typed(store) {
        let w = world(store).await;
        let form = as_user(w.server.get("/plans/muong-la-2026/registers/truyen_thong/new"), &w.village).await;
        assert_eq!(form.status_code(), StatusCode::OK);
        assert!(form.text().contains("name=\"f.kenh\""));
        let refused = as_user(w.server.post("/plans/muong-la-2026/registers/truyen_thong"), &w.village)
            .form(&[("csrf", w.village.1.as_str()), ("unit", "ban-a"), ("date", "2026-03-05"), ("f.kenh", "hop_ban"), ("f.chu_de", ""), ("f.dia_diem", "Nhà văn hoá bản A")])
            .await;
        assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("Nhà văn hoá bản A"), "typed text kept");
        assert!(refused.text().contains("chưa nhập"));
        let saved = as_user(w.server.post("/plans/muong-la-2026/registers/truyen_thong"), &w.village)
            .form(&[("csrf", w.village.1.as_str()), ("unit", "ban-a"), ("date", "2026-03-05"), ("f.kenh", "hop_ban"), ("f.chu_de", "Chuyển đổi số")])
            .await;
        assert_eq!(saved.status_code(), StatusCode::SEE_OTHER);
        let location = saved.header("location").to_str().unwrap().to_owned();
        let shown = as_user(w.server.get(&location), &w.village).await;
        assert!(shown.text().contains("Chuyển đổi số"));
    }
);

on_both_databases!(
    /// Evidence files through the API: a photo kept with its Vietnamese name, a file that is not
    /// a photo or a PDF refused, another unit's record out of reach.
    async fn evidence_files_of_a_record(store) {
        let w = world(store).await;
        let record = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.village)
            .json(&activity("2026-03-01", "hop_ban", "ban-a"))
            .await
            .json::<Value>();
        let files = format!("{API}/registers/truyen_thong/records/{}/files", record["id"]);
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0].to_vec();
        let photo = MultipartForm::new().add_part("file", Part::bytes(png.clone()).file_name("ảnh họp bản.png").mime_type("image/png"));
        let added = as_user(w.server.post(&files), &w.village).multipart(photo).await;
        assert_eq!(added.status_code(), StatusCode::CREATED, "{}", added.text());
        let listed = as_user(w.server.get(&files), &w.officer).await.json::<Vec<Value>>();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["name"], "ảnh họp bản.png");
        let got = as_user(w.server.get(&format!("{files}/{}", listed[0]["id"])), &w.officer).await;
        assert_eq!(got.as_bytes().to_vec(), png);
        let disposition = got.header("content-disposition").to_str().unwrap().to_owned();
        assert!(disposition.starts_with("attachment") && disposition.contains("UTF-8''%E1%BA%A3nh"), "{disposition}");
        let program = MultipartForm::new().add_part("file", Part::bytes(b"MZ\x90\0".to_vec()).file_name("anh.png"));
        let refused = as_user(w.server.post(&files), &w.village).multipart(program).await;
        assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let other = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.officer)
            .json(&activity("2026-03-02", "hop_ban", "vhxh"))
            .await
            .json::<Value>();
        let theirs = format!("{API}/registers/truyen_thong/records/{}/files", other["id"]);
        let photo = MultipartForm::new().add_part("file", Part::bytes(png).file_name("a.png"));
        assert_eq!(as_user(w.server.post(&theirs), &w.village).multipart(photo).await.status_code(), StatusCode::NOT_FOUND);
        let not_a_number = as_user(w.server.get(&format!("{API}/registers/truyen_thong/records/abc")), &w.officer).await;
        assert_eq!(not_a_number.status_code(), StatusCode::NOT_FOUND);
        assert_eq!(not_a_number.json::<Value>()["error"]["code"], "not_found");
        let page = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/reports/ban-a/files/abc"), &w.village).await;
        assert_eq!(page.status_code(), StatusCode::NOT_FOUND);
        assert!(page.text().contains("<html"), "a page, not plain text");
    }
);

/// How a page writes a text (askama escapes these).
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;").replace('\'', "&#39;")
}

/// The form's pairs for a record: its unit, date and fields as `f.<key>`, after the CSRF token.
fn form_pairs<'a>(
    who: &'a (String, String),
    unit: &'a str,
    date: &'a str,
    fields: &'a [(&str, &str)],
) -> Vec<(String, &'a str)> {
    let mut pairs = vec![("csrf".to_owned(), who.1.as_str()), ("unit".to_owned(), unit), ("date".to_owned(), date)];
    pairs.extend(fields.iter().map(|(k, v)| (format!("f.{k}"), *v)));
    pairs
}

/// The API body for the same record: the form's values as text.
fn api_body(unit: &str, date: &str, fields: &[(&str, &str)]) -> Value {
    let fields: serde_json::Map<String, Value> = fields.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
    json!({"unit": unit, "date": date, "fields": fields})
}

on_both_databases!(
    /// The same bad record, through the form and through the API, is refused in the same words
    /// (one use case, `kehoach_app::registers::add`, decides for both) and nothing is written;
    /// the form also marks each field beside it.
    async fn a_record_refused_by_the_form_is_refused_by_the_api_in_the_same_words(store) {
        let w = world(store).await;
        let cases: [(&str, &str, &str, &str, &[(&str, &str)]); 3] = [
            ("fields as typed", "truyen_thong", "vhxh", "31/02/2026", &[("kenh", "loa kéo"), ("so_nguoi", "nhiều"), ("chu_de", "")]),
            ("a unit the commune does not have", "truyen_thong", "ban-khong-co", "2026-03-01", &[("kenh", "hop_ban"), ("chu_de", "Chuyển đổi số")]),
            ("a reference to no record", "boi_duong", "vhxh", "2026-03-01", &[("can_bo", "999"), ("hinh_thuc", "boi_duong"), ("dot", "Lớp 1")]),
        ];
        for (what, register, unit, date, fields) in cases {
            let api = as_user(w.server.post(&format!("{API}/registers/{register}/records")), &w.officer)
                .json(&api_body(unit, date, fields))
                .await;
            assert_eq!(api.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "API, {what}: {}", api.text());
            let body = api.json::<Value>();
            assert_eq!(body["error"]["code"], "invalid", "API, {what}");
            let message = body["error"]["message"].as_str().unwrap().to_owned();
            let mut lines = message.lines();
            assert_eq!(lines.next(), Some("Bản ghi chưa được lưu. Hãy sửa các mục sau:"), "API, {what}: {message}");
            assert!(lines.next().is_some(), "API, {what}: each problem listed in {message}");

            let form = as_user(w.server.post(&format!("/plans/muong-la-2026/registers/{register}")), &w.officer)
                .form(&form_pairs(&w.officer, unit, date, fields))
                .await;
            assert_eq!(form.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "form, {what}");
            let page = form.text();
            for line in message.lines() {
                assert!(page.contains(&format!("<p>{}</p>", escaped(line))), "form, {what}: not the API's words «{line}»");
            }
            assert!(page.contains("<span class=\"error\">"), "form, {what}: the problem beside its field");
        }
        assert_eq!(
            as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.officer)
                .add_query_param("lang", "en")
                .json(&api_body("vhxh", "2026-03-01", &[("kenh", "loa kéo"), ("chu_de", "x")]))
                .await
                .json::<Value>()["error"]["message"]
                .as_str()
                .unwrap()
                .lines()
                .next(),
            Some("The record was not saved. Please correct:"),
            "in the reader's language"
        );
        assert!(w.store.register_counts("muong-la-2026").await.unwrap().is_empty(), "nothing written");
    }
);

on_both_databases!(
    /// A change at a version someone else already changed is a 409 through the API and through
    /// the form, in the same words; the form keeps what was typed at the version now stored,
    /// and nothing is written.
    async fn a_stale_change_is_a_conflict_on_both_surfaces(store) {
        let w = world(store).await;
        let created = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.officer)
            .json(&activity("2026-03-01", "hop_ban", "vhxh"))
            .await;
        assert_eq!(created.status_code(), StatusCode::CREATED, "{}", created.text());
        let id = created.json::<Value>()["id"].as_i64().unwrap();
        let one = format!("{API}/registers/truyen_thong/records/{id}");
        let change = |topic: &str, version: i64| {
            json!({"unit": "vhxh", "date": "2026-03-01", "fields": {"kenh": "hop_ban", "chu_de": topic}, "version": version})
        };
        let first = as_user(w.server.put(&one), &w.officer).json(&change("Lần một", 1)).await;
        assert_eq!(first.status_code(), StatusCode::OK, "{}", first.text());
        assert_eq!(first.json::<Value>()["version"], 2);

        let api = as_user(w.server.put(&one), &w.officer).json(&change("Lần hai", 1)).await;
        assert_eq!(api.status_code(), StatusCode::CONFLICT);
        let body = api.json::<Value>();
        assert_eq!(body["error"]["code"], "conflict");
        let message = body["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.starts_with("Bản ghi vừa được người khác sửa"), "{message}");

        let version = "1";
        let fields = [("kenh", "hop_ban"), ("chu_de", "Lần ba, từ mẫu")];
        let mut pairs = form_pairs(&w.officer, "vhxh", "2026-03-01", &fields);
        pairs.push(("version".to_owned(), version));
        let form = as_user(w.server.post(&format!("/plans/muong-la-2026/registers/truyen_thong/{id}")), &w.officer)
            .form(&pairs)
            .await;
        assert_eq!(form.status_code(), StatusCode::CONFLICT);
        let page = form.text();
        assert!(page.contains(&format!("<p>{}</p>", escaped(&message))), "the API's words on the form: {page}");
        assert!(page.contains("Lần ba, từ mẫu"), "what was typed is kept");
        assert!(page.contains("name=\"version\" value=\"2\""), "at the version now stored");

        let now = as_user(w.server.get(&one), &w.officer).await.json::<Value>();
        assert_eq!((now["version"].as_i64(), now["fields"]["chu_de"].as_str()), (Some(2), Some("Lần một")), "nothing written");
        // Sent again at the version now stored, the form's change is saved.
        let mut pairs = form_pairs(&w.officer, "vhxh", "2026-03-01", &fields);
        pairs.push(("version".to_owned(), "2"));
        let again = as_user(w.server.post(&format!("/plans/muong-la-2026/registers/truyen_thong/{id}")), &w.officer)
            .form(&pairs)
            .await;
        assert_eq!(again.status_code(), StatusCode::SEE_OTHER);
        let now = as_user(w.server.get(&one), &w.officer).await.json::<Value>();
        assert_eq!((now["version"].as_i64(), now["fields"]["chu_de"].as_str()), (Some(3), Some("Lần ba, từ mẫu")));
    }
);
