//! The province's consolidated report and its Phụ lục of communes, over HTTP (issue 13): Mường La
//! approves its Quý I report, the department returns it — its figure stays out of the totals —,
//! the commune corrects and approves again, the department accepts: the .docx has Mường La's row
//! with its number and the accepted figure, the .xlsx holds numbers and dates, the .csv its BOM;
//! a commune's user finds nothing there. On SQLite and PostgreSQL.

use std::io::{Cursor, Read};
use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{DateTime, TimeZone, Utc};
use kehoach_app::province::{self, Decision};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{Actor, Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{TEST, Who, as_user, session_of};

const Q1: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1";
const PROVINCE_FILE: &str = include_str!("../../../../plans/son-la.toml");
const SO_KHCN: Actor<'static> = Actor { name: "so-khcn", address: None };
const DOCX: &str = "/province/son-la/report.docx?period=2026-Q1";
const XLSX: &str = "/province/son-la/communes.xlsx?period=2026-Q1";
const CSV: &str = "/province/son-la/communes.csv?period=2026-Q1";

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
    village: Who,
    province: Who,
}

/// Mường La on 5 March 2026 at 09:00, Sơn La's file loaded.
async fn world(store: Store) -> World {
    common::commune(&store).await;
    let clock = Arc::new(FixedClock::new(vn(3, 5, 9, 0)));
    let app = kehoach_app::App::new(store.clone(), clock.clone());
    province::load(&app, PROVINCE_FILE, TEST).await.expect("Sơn La's file loads");
    World {
        server: TestServer::new(kehoach_web::router_at(store.clone(), clock.clone())),
        officer: session_of(&store, "dau-moi").await,
        leader: session_of(&store, "lanh-dao").await,
        village: session_of(&store, "ban-a").await,
        province: session_of(&store, "so-khcn").await,
        app,
        clock,
    }
}

async fn consolidation(w: &World, who: &Who) -> Value {
    let response = as_user(w.server.get(&format!("{Q1}/consolidation")), who).await;
    assert_eq!(response.status_code(), StatusCode::OK, "{}", response.text());
    response.json::<Value>()
}

/// The officer sends the report for approval and the leader approves it with `number`: the
/// latest sending to the province.
async fn approved(w: &World, number: u32) -> Value {
    let current = consolidation(w, &w.officer).await;
    if current["state"] == "draft" {
        let sent = as_user(w.server.post(&format!("{Q1}/consolidation/send")), &w.officer)
            .json(&json!({"version": current["version"]}))
            .await;
        assert_eq!(sent.status_code(), StatusCode::OK, "{}", sent.text());
    }
    let current = consolidation(w, &w.leader).await;
    let approved = as_user(w.server.post(&format!("{Q1}/consolidation/approve")), &w.leader)
        .json(&json!({"version": current["version"], "number": number, "confirm_incomplete": true}))
        .await;
    assert_eq!(approved.status_code(), StatusCode::OK, "{}", approved.text());
    let approved = approved.json::<Value>();
    approved["province"]["sendings"].as_array().and_then(|s| s.last()).cloned().expect("sent to the province")
}

async fn decide(w: &World, sending: &Value, decision: Decision) {
    let son_la = province::get(&w.app, "son-la").await.expect("Sơn La is loaded");
    let id = sending["id"].as_i64().expect("a sending's id") as i32;
    province::decide(&w.app, &son_la, id, decision, SO_KHCN).await.expect("the province decides");
}

/// A village meeting on communication: one more "lượt tuyên truyền" for IV.1.
async fn meeting(w: &World, date: &str) {
    let record = json!({"unit": "ban-a", "date": date, "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số", "so_nguoi": 30}});
    let added = as_user(w.server.post("/api/v1/plans/muong-la-2026/registers/truyen_thong/records"), &w.village)
        .json(&record)
        .await;
    assert_eq!(added.status_code(), StatusCode::CREATED, "{}", added.text());
}

async fn download(w: &World, who: &Who, path: &str) -> (StatusCode, Vec<u8>, String) {
    let r = as_user(w.server.get(path), who).await;
    let disposition =
        r.maybe_header("content-disposition").and_then(|v| v.to_str().ok().map(str::to_owned)).unwrap_or_default();
    (r.status_code(), r.as_bytes().to_vec(), disposition)
}

/// The .docx's paragraphs' texts, in order.
fn paragraphs(docx: &[u8]) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a .docx is a zip");
    let mut xml = String::new();
    archive.by_name("word/document.xml").expect("document.xml").read_to_string(&mut xml).expect("xml");
    xml.split("</w:p>")
        .map(|chunk| {
            chunk
                .split("<w:t")
                .skip(1)
                .filter_map(|p| Some(p[p.find('>')? + 1..p.find("</w:t>")?].replace("&amp;", "&")))
                .collect()
        })
        .collect()
}

/// The row of the Phụ lục that starts with `name`: its cells' texts after the name.
fn row_of(lines: &[String], name: &str) -> Vec<String> {
    let at = lines.iter().rposition(|l| l == name).unwrap_or_else(|| panic!("{name}'s row"));
    lines[at..].iter().filter(|l| !l.is_empty()).take(4 + 8).cloned().collect()
}

fn indicator_line<'a>(lines: &'a [String], name_start: &str) -> &'a str {
    lines.iter().find(|l| l.contains(name_start) && l.contains(": ")).map_or("", String::as_str)
}

on_both_databases!(
    async fn the_provinces_report_counts_accepted_figures_only_and_lists_every_commune(store) {
        let w = world(store).await;
        meeting(&w, "2026-02-10").await;
        meeting(&w, "2026-02-20").await;

        // Nothing sent yet: every commune missing, no official figure.
        let (status, before, disposition) = download(&w, &w.province, DOCX).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(disposition, "attachment; filename=\"bao-cao-tong-hop-son-la-2026-Q1.docx\"");
        let lines = paragraphs(&before);
        assert!(lines.iter().any(|l| l == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"), "{lines:#?}");
        assert!(lines.iter().any(|l| l == "- Số xã, phường đã gửi báo cáo: 0/75 (0%); trong đó gửi đúng hạn: 0 (0%), gửi muộn: 0 (0%)."), "{lines:#?}");

        // Approved with number 07 on 5 March, then returned: its 2 meetings are not official.
        let first = approved(&w, 7).await;
        w.clock.set(vn(3, 6, 10, 0));
        decide(&w, &first, Decision::Return("Bổ sung số liệu của Bản B".into())).await;
        let lines = paragraphs(&download(&w, &w.province, DOCX).await.1);
        let row = row_of(&lines, "Xã Mường La");
        assert_eq!(&row[1..4], ["Đã trả lại", "05/03/2026", "07/BC-UBND"], "{row:?}");
        assert!(row[4..].iter().all(|c| c == "—"), "a returned report gives no official figure: {row:?}");
        let line = indicator_line(&lines, "Số lượt tuyên truyền về KH, CN&ĐMST");
        assert!(line.contains("chưa có số liệu chính thức"), "{line}");
        assert!(lines.iter().any(|l| l == "- Các xã, phường có báo cáo bị trả lại để hoàn thiện: Xã Mường La."));

        // Corrected: one more meeting, reopened, approved again with number 08, accepted.
        w.clock.set(vn(3, 7, 8, 0));
        meeting(&w, "2026-03-02").await;
        let current = consolidation(&w, &w.leader).await;
        let reopened = as_user(w.server.post(&format!("{Q1}/consolidation/reopen")), &w.leader)
            .json(&json!({"version": current["version"], "reason": "Bổ sung số liệu theo ý kiến của Sở"}))
            .await;
        assert_eq!(reopened.status_code(), StatusCode::OK, "{}", reopened.text());
        let second = approved(&w, 8).await;
        w.clock.set(vn(3, 8, 10, 0));
        decide(&w, &second, Decision::Accept).await;

        let (status, docx, _) = download(&w, &w.province, DOCX).await;
        assert_eq!(status, StatusCode::OK);
        let lines = paragraphs(&docx);
        let row = row_of(&lines, "Xã Mường La");
        assert_eq!(&row[1..4], ["Đã tiếp nhận", "07/03/2026", "08/BC-UBND"], "{row:?}");
        // "luot-tuyen-truyen" is the province's 7th indicator: after the name, state, day and number.
        assert_eq!(row[4 + 6], "3", "the accepted figure: {row:?}");
        let line = indicator_line(&lines, "Số lượt tuyên truyền về KH, CN&ĐMST");
        assert!(line.ends_with(": 3 lượt (tổng hợp từ 1 xã, phường); tỉnh không giao chỉ tiêu."), "{line}");
        for s in [
            "- Số xã, phường đã gửi báo cáo: 1/75 (1,3%); trong đó gửi đúng hạn: 1 (1,3%), gửi muộn: 0 (0%).",
            "- Báo cáo đã được tiếp nhận: 1 (1,3%); đang chờ xem xét: 0; đã trả lại để hoàn thiện: 0; xã, phường đang mở lại để sửa: 0.",
        ] {
            assert!(lines.iter().any(|l| l == s), "{s:?} in {lines:#?}");
        }
        assert!(!lines.iter().any(|l| l.contains("bị trả lại để hoàn thiện")), "no longer returned");
        // A row per commune: 75 communes after the header.
        let numbered = lines.iter().filter(|l| l.starts_with("Xã ") || l.starts_with("Phường ")).count();
        assert!(numbered >= 75, "{numbered}");
        assert_eq!(download(&w, &w.province, DOCX).await.1, docx, "the same data, the same bytes");

        // The table: numbers as numbers, the day as a date.
        let (status, xlsx, disposition) = download(&w, &w.province, XLSX).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(disposition, "attachment; filename=\"phu-luc-xa-phuong-son-la-2026-Q1.xlsx\"");
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).expect("opens");
        let range = book.worksheet_range("Phụ lục").expect("the sheet");
        assert_eq!(range.height(), 3 + 75);
        let r = (3..range.height() as u32)
            .find(|r| range.get_value((*r, 1)).is_some_and(|d| *d == "Xã Mường La"))
            .expect("Mường La's row");
        assert!(matches!(range.get_value((r, 0)), Some(Data::Float(_))), "STT a number");
        assert!(matches!(range.get_value((r, 3)), Some(Data::DateTime(_))), "the day a date");
        assert_eq!(range.get_value((r, 5 + 6)), Some(&Data::Float(3.0)), "STT, name, state, day, number, then the indicators");
        let (status, csv, _) = download(&w, &w.province, CSV).await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(csv[3..].to_vec()).expect("utf-8");
        assert!(text.contains("Xã Mường La,Đã tiếp nhận,07/03/2026,08/BC-UBND,"), "{text}");

        // The commune's own people find nothing at the province's address; a period that is
        // not one is said so.
        for who in [&w.officer, &w.leader, &w.village] {
            for path in [DOCX, XLSX, CSV] {
                assert_eq!(download(&w, who, path).await.0, StatusCode::NOT_FOUND, "{path}");
            }
        }
        assert_eq!(download(&w, &w.province, "/province/ha-noi/report.docx").await.0, StatusCode::NOT_FOUND);
        let bad = as_user(w.server.get("/province/son-la/report.docx?period=2026-R1"), &w.province).await;
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().contains("Kỳ báo cáo không hợp lệ"), "{}", bad.text());
        // Without a period: the board's current one (on 8 March, Quý I).
        let (status, _, disposition) = download(&w, &w.province, "/province/son-la/report.docx").await;
        assert_eq!((status, disposition.contains("2026-Q1")), (StatusCode::OK, true), "{disposition}");
    }
);
