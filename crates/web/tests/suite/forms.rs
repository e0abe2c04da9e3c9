//! Forms that keep people in them (issue 12): figures read as Vietnamese users type them ("50%",
//! "50,5", "1.234"); a bad value brings the form back (422) with the problem beside its field and
//! everything else as typed, and nothing is written; the reviewer reads a submitted report as
//! text with Accept/Return at the top; a register record's save is confirmed.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{Store, on_both_databases};
use serde_json::Value;

use crate::common;
use common::{as_user, session_of};

const PAGE: &str = "/plans/muong-la-2026/periods/2026-Q1/reports/ban-a";
const API: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/ban-a";

struct World {
    server: TestServer,
    village: (String, String),
    officer: (String, String),
}

/// The Mường La plan with IV.1 made of the units' reported figures (`report_sum`), so that the
/// villages' form asks for it: the plan as shipped counts it from the registers and asks no
/// village for a figure.
fn plan_with_a_reported_figure() -> kehoach_domain::Plan {
    let counted = "[indicators.measure]
# Activities on the commune radio, at village meetings and at conferences this year.
kind = \"count\"
register = \"truyen_thong\"
window = \"year\"
where = { kenh = [\"truyen_thanh\", \"hop_ban\", \"hoi_nghi\"] }";
    assert!(kehoach_plan::DEFAULT_PLAN.contains(counted), "IV.1's measure as the test knows it");
    let text = kehoach_plan::DEFAULT_PLAN.replace(counted, "[indicators.measure]\nkind = \"report_sum\"");
    kehoach_plan::parse(&text).unwrap()
}

async fn world(store: Store) -> World {
    use kehoach_domain::{Role, Unit, UnitKind};
    use kehoach_store::NewUser;
    store.import_plan(&plan_with_a_reported_figure(), common::TEST).await.unwrap();
    let village = Unit { code: "ban-a".into(), name: "Bản A (mẫu)".into(), kind: UnitKind::Village, sample: true };
    store.add_units("muong-la", &[village], common::TEST).await.unwrap();
    for (username, role, unit) in [("ban-a", Role::DonVi, Some("ban-a")), ("dau-moi", Role::DauMoi, None)] {
        let new = NewUser {
            username: username.into(),
            full_name: format!("Họ tên {username}"),
            role,
            province: Some("son-la".into()),
            commune: Some("muong-la".into()),
            unit: unit.map(Into::into),
            password_hash: "$argon2id$unused".into(),
            must_change_password: false,
        };
        store.add_user(&new, common::TEST).await.unwrap().unwrap();
    }
    // 1 March 2026, 09:00 in Vietnam: Q1 is open.
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap()));
    let server = TestServer::new(kehoach_web::router_at(store.clone(), clock));
    World { village: session_of(&store, "ban-a").await, officer: session_of(&store, "dau-moi").await, server }
}

async fn stored(w: &World) -> Value {
    as_user(w.server.get(API), &w.village).await.json::<Value>()
}

fn figure(report: &Value, code: &str) -> Value {
    report["body"]["figures"].as_array().unwrap().iter().find(|f| f["indicator"] == code).unwrap()["value"].clone()
}

/// Sends the report form with these fields (after the CSRF token and the intent).
async fn send(w: &World, intent: &str, fields: &[(&str, &str)]) -> axum_test::TestResponse {
    let mut pairs = vec![("csrf", w.village.1.as_str()), ("intent", intent)];
    pairs.extend_from_slice(fields);
    as_user(w.server.post(PAGE), &w.village).form(&pairs).await
}

on_both_databases!(
    /// "50%" is saved as 50, "1.234,5" as 1234,5 and "1.234" as 1234: the way they are typed in
    /// a Vietnamese office.
    async fn figures_as_vietnamese_users_type_them(store) {
        let w = world(store).await;
        let mut version = stored(&w).await["version"].as_i64().unwrap();
        for (typed, expected) in [("50%", 50.0), ("50,5", 50.5), ("1.234,5", 1234.5), ("1.234", 1234.0), (" 12 500 ", 12500.0)] {
            let v = version.to_string();
            let saved = send(&w, "save", &[("version", &v), ("figure.IV.1.value", typed)]).await;
            assert_eq!(saved.status_code(), StatusCode::SEE_OTHER, "{typed}: {}", saved.text());
            let report = stored(&w).await;
            assert_eq!(figure(&report, "IV.1").as_f64(), Some(expected), "{typed}");
            version = report["version"].as_i64().unwrap();
        }
        // The saved page confirms the save, and shows the figure back with a decimal comma.
        let page = as_user(w.server.get(&format!("{PAGE}?done=save")), &w.village).await.text();
        assert!(page.contains("Đã lưu nháp."), "{page}");
        assert!(page.contains("name=\"figure.IV.1.value\" value=\"12500\""), "{page}");
    }
);

on_both_databases!(
    /// A figure that is not a number brings the form back, 422, not an error page: the problem
    /// beside its field, every other typed value kept, and nothing written.
    async fn a_bad_value_keeps_the_form_and_writes_nothing(store) {
        let w = world(store).await;
        let before = stored(&w).await;
        let task = before["body"]["tasks"][0]["task"].as_str().expect("the village's first task").to_owned();
        let status_field = format!("task.{task}.status");
        let note_field = format!("task.{task}.note");
        let v = before["version"].to_string();
        let refused = send(
            &w,
            "submit",
            &[
                ("version", &v),
                (&status_field, "in_progress"),
                (&note_field, "Đã họp 3 bản"),
                ("figure.IV.1.value", "5O lượt"),
                ("figure.IV.1.note", "Theo sổ của bản"),
                ("activities", "Tuyên truyền chuyển đổi số tại nhà văn hoá"),
                ("difficulties", "Thiếu loa, micro"),
                ("proposals", "Hỗ trợ thêm tài liệu"),
            ],
        )
        .await;
        assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = refused.text();
        // The form itself, not an error page, under the signed-in header.
        assert!(page.contains("id=\"report-form\""), "{page}");
        assert!(page.contains("Họ tên ban-a"), "the signed-in header");
        // The problem beside its field, and listed at the top with a link to it.
        let field = page.find("name=\"figure.IV.1.value\"").expect("the figure's field");
        let beside = &page[field..];
        assert!(beside.contains("value=\"5O lượt\""), "the bad value as typed");
        let error = beside.find("class=\"field-error\"").expect("a problem beside the field");
        assert!(beside[error..].starts_with("class=\"field-error\">Số liệu của chỉ tiêu IV.1 phải là một số"), "{beside}");
        assert!(beside[..error].contains("aria-invalid=\"true\""), "the field is marked");
        assert!(page.contains("href=\"#f-figure.IV.1.value\""), "a link from the top to the field");
        // Every other typed value kept.
        for kept in ["Đã họp 3 bản", "Theo sổ của bản", "Tuyên truyền chuyển đổi số tại nhà văn hoá", "Thiếu loa, micro", "Hỗ trợ thêm tài liệu"] {
            assert!(page.contains(kept), "kept: {kept}");
        }
        let select = &page[page.find(&format!("name=\"{status_field}\"")).unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        assert!(select.contains("value=\"in_progress\" selected"), "the status chosen is kept: {select}");
        // The form still carries the version the user read, so that sending it corrected works.
        assert!(page.contains(&format!("name=\"version\" value=\"{v}\"")), "the version read");
        // Nothing written.
        let after = stored(&w).await;
        assert_eq!(after["version"], before["version"], "nothing was written");
        assert_eq!(after["state"], before["state"]);
        assert_eq!(after["body"]["activities"], before["body"]["activities"]);

        // Corrected, it goes through.
        let sent = send(
            &w,
            "submit",
            &[("version", &v), (&status_field, "in_progress"), ("figure.IV.1.value", "50"), ("activities", "Tuyên truyền")],
        )
        .await;
        assert_eq!(sent.status_code(), StatusCode::SEE_OTHER, "{}", sent.text());
        assert_eq!(figure(&stored(&w).await, "IV.1").as_f64(), Some(50.0));
    }
);

on_both_databases!(
    /// A text the rules refuse (a control character) is marked beside its field too, and the
    /// other fields keep what was typed.
    async fn a_refused_text_is_marked_beside_its_field(store) {
        let w = world(store).await;
        let v = stored(&w).await["version"].to_string();
        let refused = send(
            &w,
            "save",
            &[("version", &v), ("figure.IV.1.value", "2,5"), ("proposals", "a\u{7}b"), ("activities", "Họp dân")],
        )
        .await;
        assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = refused.text();
        let field = &page[page.find("name=\"proposals\"").expect("the field")..];
        assert!(field.contains("class=\"field-error\""), "beside the field");
        assert!(page.contains("value=\"2,5\""), "the figure kept as read");
        assert!(page.contains("Họp dân"));
        assert_eq!(stored(&w).await["version"].to_string(), v, "nothing was written");
    }
);

on_both_databases!(
    /// The reviewer reads a submitted report as text, not as disabled fields, with Accept and
    /// Return above it.
    async fn the_reviewer_reads_text_with_the_decision_on_top(store) {
        let w = world(store).await;
        let v = stored(&w).await["version"].to_string();
        let sent = send(&w, "submit", &[("version", &v), ("figure.IV.1.value", "3"), ("activities", "Tuyên truyền tại 3 bản")]).await;
        assert_eq!(sent.status_code(), StatusCode::SEE_OTHER, "{}", sent.text());
        let page = as_user(w.server.get(PAGE), &w.officer).await;
        assert_eq!(page.status_code(), StatusCode::OK);
        let page = page.text();
        assert!(!page.contains("<textarea name=\"activities\""), "no field to read through");
        assert!(!page.contains("<fieldset disabled"), "no disabled fields");
        let accept = page.find("value=\"accept\"").expect("an Accept button");
        let ret = page.find("value=\"return\"").expect("a Return button");
        let text = page.find("Tuyên truyền tại 3 bản").expect("the report as text");
        assert!(accept < text && ret < text, "the decision comes before the report");
        let tag = &page[ret..];
        assert!(tag[..tag.find('>').unwrap()].contains("class=\"danger\""), "Return looks unlike Accept");
    }
);

on_both_databases!(
    /// The report form on a phone: the save bar stays in reach, sections say what is empty, the
    /// evidence input lets the user pick from the gallery.
    async fn the_form_on_a_phone(store) {
        let w = world(store).await;
        let page = as_user(w.server.get(PAGE), &w.village).await.text();
        assert!(page.contains("class=\"actions sticky-bar\""), "a save bar always in reach");
        assert!(page.contains("<details class=\"section\""), "sections");
        assert!(page.contains("Chưa nhập: <b data-count>"), "each section counts its empty fields");
        assert!(!page.contains("capture="), "gallery or camera, not the camera alone");
        assert!(page.contains("data-upload"), "photos scaled down before upload, with progress");
    }
);

on_both_databases!(
    /// A register record form reads "1.234" as 1234; a count that is not a whole number is
    /// refused beside its field with the rest kept; a save is confirmed after its redirect.
    async fn register_forms_read_numbers_and_confirm_saves(store) {
        let w = world(store).await;
        let list = "/api/v1/plans/muong-la-2026/registers/truyen_thong/records";
        let count = |v: Value| v["total"].as_u64().or_else(|| v.as_array().map(|a| a.len() as u64));
        let before = count(as_user(w.server.get(list), &w.officer).await.json::<Value>());
        let fields = |people: &'static str| {
            [
                ("csrf", w.village.1.clone()),
                ("unit", "ban-a".to_owned()),
                ("date", "2026-02-20".to_owned()),
                ("f.kenh", "hop_ban".to_owned()),
                ("f.chu_de", "Giới thiệu mô hình tưới tiết kiệm".to_owned()),
                ("f.so_nguoi", people.to_owned()),
            ]
        };
        let refused =
            as_user(w.server.post("/plans/muong-la-2026/registers/truyen_thong"), &w.village).form(&fields("50%")).await;
        assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = refused.text();
        let field = &page[page.find("name=\"f.so_nguoi\"").expect("the field")..];
        assert!(field.contains("value=\"50%\""), "kept as typed: a count is not a percentage");
        assert!(field[..field.find("</label>").unwrap()].contains("class=\"error\""), "the problem beside the field");
        assert!(page.contains("Giới thiệu mô hình tưới tiết kiệm"), "the rest kept");
        assert!(!page.contains("type=\"number\""), "a count may be typed 1.234");
        assert_eq!(count(as_user(w.server.get(list), &w.officer).await.json::<Value>()), before, "nothing written");

        let saved =
            as_user(w.server.post("/plans/muong-la-2026/registers/truyen_thong"), &w.village).form(&fields("1.234")).await;
        assert_eq!(saved.status_code(), StatusCode::SEE_OTHER, "{}", saved.text());
        let location = saved.header("location").to_str().unwrap().to_owned();
        assert!(location.ends_with("?done=created"), "{location}");
        let shown = as_user(w.server.get(&location), &w.village).await.text();
        assert!(shown.contains("Đã lưu bản ghi mới."), "a confirmation after the save");
        assert!(shown.contains("value=\"1234\""), "1.234 read as 1234");
        assert!(!shown.contains("capture="), "gallery or camera for evidence");
        assert!(shown.contains("class=\"danger\""), "delete set apart from saving");
        assert!(!shown.contains("onsubmit="), "no inline script (the page's policy blocks it)");
        let id = location.trim_end_matches("?done=created").rsplit('/').next().unwrap().to_owned();

        let list_page = as_user(w.server.get("/plans/muong-la-2026/registers/truyen_thong"), &w.village).await.text();
        assert!(list_page.contains("class=\"register cards\""), "cards on a phone");

        let csrf = w.village.1.clone();
        let changed = as_user(w.server.post(&format!("/plans/muong-la-2026/registers/truyen_thong/{id}")), &w.village)
            .form(&[
                ("csrf", csrf.as_str()),
                ("version", "1"),
                ("unit", "ban-a"),
                ("date", "2026-02-20"),
                ("f.kenh", "hop_ban"),
                ("f.chu_de", "Giới thiệu mô hình tưới tiết kiệm"),
                ("f.so_nguoi", "40"),
            ])
            .await;
        assert_eq!(changed.status_code(), StatusCode::SEE_OTHER, "{}", changed.text());
        let location = changed.header("location").to_str().unwrap().to_owned();
        assert!(location.ends_with("?done=saved"), "{location}");
        assert!(as_user(w.server.get(&location), &w.village).await.text().contains("Đã lưu các thay đổi."));

        let deleted = as_user(w.server.post(&format!("/plans/muong-la-2026/registers/truyen_thong/{id}/delete")), &w.village)
            .form(&[("csrf", csrf.as_str())])
            .await;
        assert_eq!(deleted.status_code(), StatusCode::SEE_OTHER, "{}", deleted.text());
        let location = deleted.header("location").to_str().unwrap().to_owned();
        let list_page = as_user(w.server.get(&location), &w.village).await.text();
        assert!(list_page.contains("Đã xóa bản ghi."), "{list_page}");
    }
);

/// The one reader of typed numbers, as the forms use it.
#[test]
fn the_number_reader() {
    use kehoach_domain::number::{NumberProblem, read, read_whole};
    assert_eq!(read("50%").map(|n| n.value), Ok(50.0));
    assert_eq!(read("50,5").map(|n| n.value), Ok(50.5));
    assert_eq!(read("1.234").map(|n| n.value), Ok(1234.0));
    assert_eq!(read("1.234,5").map(|n| n.value), Ok(1234.5));
    assert_eq!(read("5O").map(|n| n.value), Err(NumberProblem::NotANumber));
    assert_eq!(read_whole("1.234"), Ok(1234));
    assert_eq!(read_whole("2,5"), Err(NumberProblem::NotANumber));
}

on_both_databases!(
    /// A photo attached to the report is shown as a thumbnail; its removal is set apart from the
    /// main actions, and confirmed after its redirect.
    async fn evidence_thumbnails_and_a_confirmed_removal(store) {
        use axum_test::multipart::{MultipartForm, Part};
        let w = world(store).await;
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
        jpeg.extend(std::iter::repeat_n(7u8, 500));
        let form = MultipartForm::new().add_part("file", Part::bytes(jpeg).file_name("ảnh họp bản.jpg"));
        let added = as_user(w.server.post(&format!("{PAGE}/files?csrf={}", w.village.1)), &w.village).multipart(form).await;
        assert_eq!(added.status_code(), StatusCode::SEE_OTHER, "{}", added.text());
        let location = added.header("location").to_str().unwrap().to_owned();
        let page = as_user(w.server.get(&location), &w.village).await.text();
        assert!(page.contains("Đã thêm tài liệu minh chứng."), "confirmed");
        let files = as_user(w.server.get(&format!("{API}/files")), &w.village).await.json::<Vec<Value>>();
        let id = files[0]["id"].as_i64().unwrap();
        assert!(page.contains(&format!("<img class=\"thumb\" src=\"{PAGE}/files/{id}\"")), "a thumbnail: {page}");
        let remove = &page[page.find(&format!("{PAGE}/files/{id}/remove")).expect("a remove button")..];
        assert!(remove[..remove.find("</form>").unwrap()].contains("class=\"danger small\""), "set apart");
        assert!(remove[..remove.find('>').unwrap()].contains("data-confirm=\"Xóa tệp này?\""), "asked first");

        let removed = as_user(w.server.post(&format!("{PAGE}/files/{id}/remove")), &w.village)
            .form(&[("csrf", w.village.1.as_str())])
            .await;
        assert_eq!(removed.status_code(), StatusCode::SEE_OTHER, "{}", removed.text());
        let location = removed.header("location").to_str().unwrap().to_owned();
        let page = as_user(w.server.get(&location), &w.village).await.text();
        assert!(page.contains("Đã xóa tệp minh chứng."), "confirmed");
        assert!(!page.contains("<img class=\"thumb\""), "gone");
    }
);
