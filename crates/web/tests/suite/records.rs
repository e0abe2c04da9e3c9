//! The approved commune report is a record: approval stores the figures and the document as
//! they were, every download returns those bytes whatever changes later, the period's unit
//! reports close, a correction reopens it with a reason and makes a new version while the old
//! one stays readable. Numbers come from the office's register (or the product), never twice;
//! the signer is chosen from the commune's leaders; the province reads the approved versions and
//! the signed scan.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::on_both_databases;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common;
use common::{Who, as_user, session_of};

const Q1: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1";

struct World {
    server: TestServer,
    officer: Who,
    leader: Who,
    province: Who,
    village: Who,
}

/// The commune on 10 March 2026, 09:00 in Vietnam: Q1's data cut-off (14 March) is ahead.
async fn world(store: kehoach_store::Store) -> World {
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap()));
    World {
        server: TestServer::new(kehoach_web::router_at(store.clone(), clock)),
        officer: session_of(&store, "dau-moi").await,
        leader: session_of(&store, "lanh-dao").await,
        province: session_of(&store, "so-khcn").await,
        village: session_of(&store, "ban-a").await,
    }
}

/// The officer writes the narrative and sends the report for approval; answers its version.
async fn written_and_sent(w: &World, narrative: &str) -> i64 {
    let url = format!("{Q1}/consolidation");
    let current = as_user(w.server.get(&url), &w.officer).await.json::<Value>();
    let saved = as_user(w.server.put(&url), &w.officer)
        .json(&json!({"version": current["version"], "narrative": narrative}))
        .await;
    assert_eq!(saved.status_code(), StatusCode::OK, "{}", saved.text());
    let sent = as_user(w.server.post(&format!("{url}/send")), &w.officer)
        .json(&json!({"version": saved.json::<Value>()["version"]}))
        .await;
    assert_eq!(sent.status_code(), StatusCode::OK, "{}", sent.text());
    let sent = sent.json::<Value>();
    assert_eq!(sent["state"], "awaiting_approval");
    sent["version"].as_i64().unwrap()
}

async fn docx(w: &World, who: &Who, query: &str) -> (StatusCode, Vec<u8>) {
    let response = as_user(w.server.get(&format!("{Q1}/report.docx{query}")), who).await;
    (response.status_code(), response.as_bytes().to_vec())
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn text(docx: &[u8]) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a .docx is a zip");
    let mut xml = String::new();
    archive.by_name("word/document.xml").expect("document.xml").read_to_string(&mut xml).expect("xml");
    xml.split("<w:t").skip(1).filter_map(|p| Some(p[p.find('>')? + 1..p.find("</w:t>")?].to_owned())).collect()
}

on_both_databases!(
    async fn an_approved_report_never_changes_and_a_correction_is_a_new_version(store) {
        common::commune(&store).await;
        let w = world(store).await;
        let version = written_and_sent(&w, "UBND xã đã giao nhiệm vụ cho các đơn vị.").await;
        let approve = format!("{Q1}/consolidation/approve");
        let approved = as_user(w.server.post(&approve), &w.leader)
            .json(&json!({"version": version, "number": 7, "confirm_incomplete": true}))
            .await;
        assert_eq!(approved.status_code(), StatusCode::OK, "{}", approved.text());
        let approved = approved.json::<Value>();
        assert_eq!(approved["state"], "approved");
        // Approved on 10 March, before the cut-off: the figures stand at the day of approval.
        assert_eq!(approved["snapshot"]["as_of"], "2026-03-10");
        assert_eq!(approved["snapshot"]["basis"], "approval");
        let record = &approved["records"][0];
        assert_eq!((record["version"].as_i64(), record["number_text"].as_str()), (Some(1), Some("07/BC-UBND")));

        let (status, first) = docx(&w, &w.province, "").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(hex(&first), record["docx_sha256"].as_str().unwrap(), "the stored hash is the served file's");
        let t = text(&first);
        assert!(t.contains("Số: 07/BC-UBND") && t.contains("ngày phê duyệt báo cáo"), "{t}");
        assert!(t.contains("Kính gửi: Sở Khoa học và Công nghệ tỉnh Sơn La"), "{t}");

        // A record dated inside the period, added after approval: the document stays as it was,
        // and the page says the live figures moved.
        let record = json!({"unit": "ban-a", "date": "2026-02-10", "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số", "so_nguoi": 30}});
        let added = as_user(w.server.post("/api/v1/plans/muong-la-2026/registers/truyen_thong/records"), &w.village)
            .json(&record)
            .await;
        assert_eq!(added.status_code(), StatusCode::CREATED, "{}", added.text());
        let (_, again) = docx(&w, &w.province, "").await;
        assert_eq!(again, first, "the same bytes after a register change");
        assert_eq!(docx(&w, &w.officer, "?version=1").await.1, first);
        let now = as_user(w.server.get(&format!("{Q1}/consolidation")), &w.leader).await.json::<Value>();
        let drift: Vec<&str> = now["drift"].as_array().unwrap().iter().map(|d| d["indicator"].as_str().unwrap()).collect();
        assert!(drift.contains(&"IV.1"), "{now}");
        let page = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/consolidation"), &w.leader).await.text();
        assert!(page.contains("đã khác với số liệu trong báo cáo đã phê duyệt"), "{page}");
        assert!(page.contains("Tổng hợp từ báo cáo đã chấp nhận của:"), "the unit reports it stands on");

        // The period's unit reports are closed.
        let closed = as_user(w.server.put(&format!("{Q1}/reports/ban-a")), &w.village)
            .json(&json!({"version": 0, "body": {"tasks": [], "figures": [], "activities": "x", "difficulties": "", "proposals": ""}}))
            .await;
        assert_eq!(closed.status_code(), StatusCode::CONFLICT, "{}", closed.text());
        assert!(closed.text().contains("đã khóa"), "{}", closed.text());
        let form = as_user(w.server.get(&format!("{Q1}/reports/ban-a")), &w.village).await.json::<Value>();
        assert_eq!(form["lock"]["code"], "period_closed", "the form says why before anyone types: {form}");

        // Reopening needs a leader and a reason.
        let reopen = format!("{Q1}/consolidation/reopen");
        let v = now["version"].clone();
        assert_eq!(
            as_user(w.server.post(&reopen), &w.officer).json(&json!({"version": v, "reason": "x"})).await.status_code(),
            StatusCode::FORBIDDEN
        );
        let no_reason = as_user(w.server.post(&reopen), &w.leader).json(&json!({"version": v, "reason": "  "})).await;
        assert_eq!(no_reason.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let reason = "Bổ sung kết quả tuyên truyền tháng 2 của Bản A";
        let reopened = as_user(w.server.post(&reopen), &w.leader).json(&json!({"version": v, "reason": reason})).await;
        assert_eq!(reopened.status_code(), StatusCode::OK, "{}", reopened.text());
        let reopened = reopened.json::<Value>();
        assert_eq!(reopened["state"], "draft");
        assert_eq!(reopened["records"][0]["superseded_reason"], reason);
        // The province still gets the approved version; the commune's staff the draft.
        assert_eq!(docx(&w, &w.province, "").await.1, first);
        assert!(text(&docx(&w, &w.officer, "").await.1).contains("DỰ THẢO"));
        // Reopened, the unit reports are open again.
        let open = as_user(w.server.put(&format!("{Q1}/reports/ban-a")), &w.village)
            .json(&json!({"version": 0, "body": {"tasks": [], "figures": [], "activities": "Họp bản tháng 2", "difficulties": "", "proposals": ""}}))
            .await;
        assert_eq!(open.status_code(), StatusCode::OK, "{}", open.text());

        // Approved again: the number 07 is taken; 08 makes version 2. Version 1 is unchanged.
        let version = written_and_sent(&w, "UBND xã đã giao nhiệm vụ; bổ sung kết quả tháng 2.").await;
        let taken = as_user(w.server.post(&approve), &w.leader)
            .json(&json!({"version": version, "number": 7, "confirm_incomplete": true}))
            .await;
        assert_eq!(taken.status_code(), StatusCode::CONFLICT, "{}", taken.text());
        assert!(taken.text().contains("07/BC-UBND"), "{}", taken.text());
        let second = as_user(w.server.post(&approve), &w.leader)
            .json(&json!({"version": version, "number": "8", "confirm_incomplete": true}))
            .await;
        assert_eq!(second.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "a number is a number: {}", second.text());
        let second = as_user(w.server.post(&approve), &w.leader)
            .json(&json!({"version": version, "number": 8, "confirm_incomplete": true}))
            .await
            .json::<Value>();
        assert_eq!(second["records"].as_array().map(Vec::len), Some(2), "{second}");
        let (_, v2) = docx(&w, &w.province, "").await;
        assert!(text(&v2).contains("Số: 08/BC-UBND"));
        assert_ne!(v2, first);
        assert_eq!(docx(&w, &w.province, "?version=1").await.1, first, "the old version stays readable");
        assert_eq!(docx(&w, &w.province, "?version=3").await.0, StatusCode::NOT_FOUND);
        assert_eq!(docx(&w, &w.province, "?version=tư").await.0, StatusCode::UNPROCESSABLE_ENTITY);

        // Every step is in the audit trail, the reason with it.
        let audit = as_user(w.server.get("/api/v1/audit?limit=100"), &w.leader).await.text();
        assert!(audit.contains("commune_report.reopen") && audit.contains(reason), "{audit}");
        assert!(audit.contains("commune_report.send") && audit.contains("commune_report.approve"));
    }
);

on_both_databases!(
    async fn the_leader_signs_the_province_reads_and_gets_the_signed_scan(store) {
        common::commune(&store).await;
        let w = world(store).await;
        let page = "/plans/muong-la-2026/periods/2026-Q1/consolidation";
        assert_eq!(as_user(w.server.get(page), &w.province).await.status_code(), StatusCode::NOT_FOUND, "no draft for the province");
        let version = written_and_sent(&w, "Nội dung.").await;

        // The leader's approval form names the missing units and asks for the register number.
        let form = as_user(w.server.get(page), &w.leader).await.text();
        assert!(form.contains("Phòng Văn hóa - Xã hội") && form.contains("name=\"confirm_incomplete\""), "{form}");
        assert!(form.contains("name=\"number\"") && form.contains("Họ tên lanh-dao"));

        let signers = as_user(w.server.get(&format!("{Q1}/consolidation/signers")), &w.leader).await.json::<Value>();
        let names: Vec<&str> = signers.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"Họ tên lanh-dao"), "{names:?}");
        let approve = format!("{Q1}/consolidation/approve");
        let stranger = json!({"version": version, "number": 2, "confirm_incomplete": true,
            "signer": {"authority": ["KT. CHỦ TỊCH"], "title": "PHÓ CHỦ TỊCH", "name": "Người Lạ"}});
        assert_eq!(as_user(w.server.post(&approve), &w.leader).json(&stranger).await.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let signed = json!({"version": version, "number": 2, "confirm_incomplete": true,
            "signer": {"authority": ["TM. ỦY BAN NHÂN DÂN"], "title": "CHỦ TỊCH", "name": "Họ tên lanh-dao"}});
        let approved = as_user(w.server.post(&approve), &w.leader).json(&signed).await;
        assert_eq!(approved.status_code(), StatusCode::OK, "{}", approved.text());
        let t = text(&docx(&w, &w.province, "").await.1);
        assert!(t.contains("TM. ỦY BAN NHÂN DÂN") && t.contains("Họ tên lanh-dao"), "{t}");

        // The province reads the approved report's page; the commune's staff can no longer edit.
        let seen = as_user(w.server.get(page), &w.province).await;
        assert_eq!(seen.status_code(), StatusCode::OK);
        let seen = seen.text();
        assert!(seen.contains("02/BC-UBND") && seen.contains("report.docx?version=1"), "{seen}");
        assert!(!seen.contains("name=\"narrative\""));

        // The signed scan: a PDF only, once, then the province downloads it.
        let scan = format!("{Q1}/commune-report/versions/1/scan");
        let upload = |bytes: Vec<u8>| MultipartForm::new().add_part("file", Part::bytes(bytes).file_name("ban-ky.pdf"));
        let not_pdf = as_user(w.server.post(&scan), &w.leader).multipart(upload(b"GIF89a".to_vec())).await;
        assert_eq!(not_pdf.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", not_pdf.text());
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n".to_vec();
        assert_eq!(as_user(w.server.post(&scan), &w.province).multipart(upload(pdf.clone())).await.status_code(), StatusCode::FORBIDDEN);
        let attached = as_user(w.server.post(&scan), &w.leader).multipart(upload(pdf.clone())).await;
        assert_eq!(attached.status_code(), StatusCode::OK, "{}", attached.text());
        assert_eq!(as_user(w.server.post(&scan), &w.leader).multipart(upload(pdf.clone())).await.status_code(), StatusCode::CONFLICT);
        let got = as_user(w.server.get(&format!("{scan}.pdf")), &w.province).await;
        assert_eq!(got.status_code(), StatusCode::OK);
        assert_eq!(got.header("content-type"), "application/pdf");
        assert_eq!(got.as_bytes().to_vec(), pdf);
    }
);

on_both_databases!(
    /// A commune that lets the product number its reports: no number to type, none twice.
    async fn the_product_numbers_when_the_commune_chooses_it(store) {
        let text = kehoach_plan::DEFAULT_PLAN.replacen("[document]\n", "[document]\nreport_numbering = \"product\"\n", 1);
        let plan = kehoach_plan::parse(&text).expect("the plan with product numbering");
        assert_eq!(plan.document.report_numbering, kehoach_domain::ReportNumbering::Product);
        common::commune(&store).await;
        store.import_plan(&plan, common::TEST).await.unwrap();
        let w = world(store).await;
        let version = written_and_sent(&w, "Nội dung.").await;
        let approved = as_user(w.server.post(&format!("{Q1}/consolidation/approve")), &w.leader)
            .json(&json!({"version": version, "confirm_incomplete": true}))
            .await;
        assert_eq!(approved.status_code(), StatusCode::OK, "{}", approved.text());
        let approved = approved.json::<Value>();
        assert_eq!(approved["records"][0]["number_text"], "01/BC-UBND");
        assert_eq!(approved["records"][0]["numbered_by"], "product");
    }
);

on_both_databases!(
    /// The plan's own number and date, filled in by the commune's admin, are cited by reports.
    async fn reports_cite_the_plan_once_its_number_is_filled_in(store) {
        common::commune(&store).await;
        let w = world(store.clone()).await;
        let admin = session_of(&store, "quan-tri").await;
        let url = "/api/v1/plans/muong-la-2026/reference";
        let bad = as_user(w.server.put(url), &admin).json(&json!({"number": "12", "issued_on": "20/13/2026"})).await;
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            as_user(w.server.put(url), &w.officer).json(&json!({"number": "12", "issued_on": "2026-01-20"})).await.status_code(),
            StatusCode::FORBIDDEN
        );
        let set = as_user(w.server.put(url), &admin).json(&json!({"number": "12", "issued_on": "2026-01-20"})).await;
        assert_eq!(set.status_code(), StatusCode::NO_CONTENT, "{}", set.text());
        let t = text(&docx(&w, &w.officer, "").await.1);
        assert!(t.contains("Kế hoạch số 12/KH-UBND ngày 20/1/2026"), "{t}");
    }
);
