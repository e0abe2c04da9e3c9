//! The official documents over HTTP: the plan for anyone, the commune report as a draft for the
//! commune's staff and, once approved, numbered for the province; numbers kept and never reused.

use std::io::Read;
use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::on_both_databases;
use serde_json::{Value, json};

use crate::common;
use common::{Who, as_user, session_of};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The text of the document's paragraphs, joined by new lines.
fn text(docx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a .docx is a zip");
    let mut xml = String::new();
    archive.by_name("word/document.xml").expect("document.xml").read_to_string(&mut xml).expect("xml");
    xml.split("</w:p>")
        .map(|p| {
            p.split("<w:t")
                .skip(1)
                .filter_map(|piece| {
                    let body = &piece[piece.find('>')? + 1..];
                    Some(body[..body.find("</w:t>")?].to_owned())
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn approve(server: &TestServer, officer: &Who, leader: &Who, period: &str, narrative: &str, number: u32) {
    let url = format!("/api/v1/plans/muong-la-2026/periods/{period}/consolidation");
    let current = as_user(server.get(&url), officer).await.json::<Value>();
    let saved =
        as_user(server.put(&url), officer).json(&json!({"version": current["version"], "narrative": narrative})).await;
    assert_eq!(saved.status_code(), StatusCode::OK, "{}", saved.text());
    let version = saved.json::<Value>()["version"].clone();
    let approved = as_user(server.post(&format!("{url}/approve")), leader).json(&json!({"version": version, "number": number, "confirm_incomplete": true}))
        .await;
    assert_eq!(approved.status_code(), StatusCode::OK, "{}", approved.text());
}

on_both_databases!(
    async fn the_plan_and_the_commune_report_as_docx(store) {
        common::commune(&store).await;
        // 10 March 2026, 09:00 in Vietnam.
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap()));
        let server = TestServer::new(kehoach_web::router_at(store.clone(), clock.clone()));
        let (officer, leader, province, village) = (
            session_of(&store, "dau-moi").await,
            session_of(&store, "lanh-dao").await,
            session_of(&store, "so-khcn").await,
            session_of(&store, "ban-a").await,
        );

        // The plan, for anyone.
        let plan = server.get("/api/v1/plans/muong-la-2026/plan.docx").await;
        assert_eq!(plan.status_code(), StatusCode::OK);
        assert_eq!(plan.header("content-type"), DOCX);
        assert!(text(plan.as_bytes()).contains("Hoạt động khoa học, công nghệ và đổi mới sáng tạo"));
        assert_eq!(server.get("/plans/muong-la-2026/plan.docx").await.status_code(), StatusCode::OK);

        // Before approval: a draft for the commune's staff, nothing for the province.
        let report = "/api/v1/plans/muong-la-2026/periods/2026-Q1/report.docx";
        let draft = as_user(server.get(report), &officer).await;
        assert_eq!(draft.status_code(), StatusCode::OK);
        let draft_text = text(draft.as_bytes());
        assert!(draft_text.contains("DỰ THẢO"), "{draft_text}");
        assert_eq!(as_user(server.get(report), &province).await.status_code(), StatusCode::NOT_FOUND);
        assert_eq!(as_user(server.get(report), &village).await.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(server.get(report).await.status_code(), StatusCode::UNAUTHORIZED);

        // Approved on 10 March: number 01 of the year's reports, dated that day.
        approve(&server, &officer, &leader, "2026-Q1", "UBND xã ban hành kế hoạch, giao nhiệm vụ cho các đơn vị.", 1).await;
        let issued = as_user(server.get(report), &province).await;
        assert_eq!(issued.status_code(), StatusCode::OK);
        assert!(issued.header("content-disposition").to_str().unwrap().contains("bao-cao-01-"));
        let t = text(issued.as_bytes());
        assert!(t.contains("Số: 01/BC-UBND"), "{t}");
        assert!(t.contains("Mường La, ngày 10 tháng 3 năm 2026"), "{t}");
        assert!(t.contains("UBND xã ban hành kế hoạch, giao nhiệm vụ cho các đơn vị."));
        assert!(t.contains("(Kèm theo Báo cáo số 01/BC-UBND ngày 10/3/2026 của UBND xã Mường La)"), "{t}");
        assert!(!t.contains("DỰ THẢO"));

        // Q2, approved later, takes 02; Q1 keeps 01 however often it is downloaded.
        clock.set(Utc.with_ymd_and_hms(2026, 6, 8, 2, 0, 0).unwrap());
        approve(&server, &officer, &leader, "2026-Q2", "Tiếp tục triển khai.", 2).await;
        let q2 = text(as_user(server.get("/plans/muong-la-2026/periods/2026-Q2/report.docx"), &leader).await.as_bytes());
        assert!(q2.contains("Số: 02/BC-UBND") && q2.contains("ngày 08 tháng 6 năm 2026"), "{q2}");
        let again = text(as_user(server.get(report), &officer).await.as_bytes());
        assert!(again.contains("Số: 01/BC-UBND") && again.contains("ngày 10 tháng 3 năm 2026"));

        // The consolidation page offers the download.
        let page = as_user(server.get("/plans/muong-la-2026/periods/2026-Q1/consolidation"), &officer).await.text();
        assert!(page.contains("/plans/muong-la-2026/periods/2026-Q1/report.docx"));
    }
);
