//! Exports safe to open: CSV cells a spreadsheet would run are written as text and read back
//! unchanged by the product's own import; calendar feeds escaped, and the titles of ad hoc
//! requests only behind a unit's secret link, which its holders renew.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_domain::{Unit, UnitKind};
use kehoach_store::{AuditFilter, RequestDraft, Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{TEST, Who, as_user, session_of};

const API: &str = "/api/v1/plans/muong-la-2026";
const PAGES: &str = "/plans/muong-la-2026";

struct World {
    store: Store,
    server: TestServer,
    village: Who,
    other_village: Who,
    officer: Who,
}

async fn world(store: Store) -> World {
    common::commune(&store).await;
    // 20 July 2026, 09:00 in Vietnam.
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 7, 20, 2, 0, 0).unwrap()));
    let server = TestServer::new(kehoach_web::router_at(store.clone(), clock));
    World {
        village: session_of(&store, "ban-a").await,
        other_village: session_of(&store, "ban-b").await,
        officer: session_of(&store, "dau-moi").await,
        server,
        store,
    }
}

/// The rows of a CSV download, the BOM and header row left out, as (header, rows).
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

fn column(header: &[String], rows: &[Vec<String>], name: &str) -> Vec<String> {
    let at = header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    rows.iter().map(|r| r[at].clone()).collect()
}

const PLANTED: [(&str, &str); 3] = [("=1+1", "-5 hộ"), ("@abc", "+84 912 345 678"), ("'=quoted", "=2+3")];

on_both_databases!(
    /// A village head plants cells that a spreadsheet would run; every CSV the product writes
    /// them to marks them as text, and importing the export gives back the same values.
    async fn planted_formulas_are_text_and_come_back_unchanged(store) {
        let w = world(store).await;
        let url = format!("{API}/registers/truyen_thong/records");
        for (topic, place) in PLANTED {
            let body = json!({"unit": "ban-a", "date": "2026-03-01", "fields": {"kenh": "hop_ban", "chu_de": topic, "dia_diem": place, "so_nguoi": 12}});
            let r = as_user(w.server.post(&url), &w.village).json(&body).await;
            assert_eq!(r.status_code(), StatusCode::CREATED, "{}", r.text());
        }

        for download in [format!("{API}/registers/truyen_thong/records.csv"), format!("{PAGES}/registers/truyen_thong/records.csv")] {
            let r = as_user(w.server.get(&download), &w.village).await;
            assert_eq!(r.status_code(), StatusCode::OK, "{download}");
            let (header, rows) = csv_rows(r.as_bytes());
            let mut topics = column(&header, &rows, "Nội dung, chủ đề");
            topics.sort();
            assert_eq!(topics, ["''=quoted", "'=1+1", "'@abc"], "{download}");
            let mut places = column(&header, &rows, "Địa điểm");
            places.sort();
            assert_eq!(places, ["'+84 912 345 678", "'-5 hộ", "'=2+3"], "{download}");
            assert_eq!(column(&header, &rows, "Số người tham dự"), ["12", "12", "12"], "numbers stay numbers");
            for cell in rows.iter().flatten() {
                assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?} would run in {download}");
            }
        }

        // The export imported again gives records with exactly what was typed.
        let export = as_user(w.server.get(&format!("{API}/registers/truyen_thong/records.csv")), &w.village).await;
        let again = as_user(w.server.post(&format!("{API}/registers/truyen_thong/import")), &w.village)
            .bytes(export.as_bytes().to_vec().into())
            .content_type("text/csv")
            .await;
        assert_eq!(again.status_code(), StatusCode::CREATED, "{}", again.text());
        let all = as_user(w.server.get(&url), &w.village).await.json::<Vec<Value>>();
        assert_eq!(all.len(), 6);
        for (topic, place) in PLANTED {
            let same: Vec<&Value> = all.iter().filter(|r| r["fields"]["chu_de"] == topic).collect();
            assert_eq!(same.len(), 2, "{topic} typed once, imported once");
            assert!(same.iter().all(|r| r["fields"]["dia_diem"] == place), "{place}");
        }
    }
);

on_both_databases!(
    /// A unit's name is in the timeliness board's CSV: written as text there too.
    async fn the_board_csv_marks_a_formula_unit_name(store) {
        let w = world(store).await;
        let unit = Unit { code: "ban-f".into(), name: "=HYPERLINK(\"http://x\",\"Bản F\")".into(), kind: UnitKind::Village, sample: true };
        w.store.add_units("muong-la", &[unit], TEST).await.unwrap();
        let r = as_user(w.server.get(&format!("{API}/periods/2026-Q1/board?format=csv")), &w.officer).await;
        assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
        let (_, rows) = csv_rows(r.as_bytes());
        let names: Vec<&String> = rows.iter().map(|r| &r[1]).collect();
        assert!(names.iter().any(|n| *n == "'=HYPERLINK(\"http://x\",\"Bản F\")"), "{names:?}");
        assert!(rows.iter().flatten().all(|c| !c.starts_with(['=', '+', '-', '@'])), "{rows:?}");
    }
);

/// The content lines of an iCalendar text, folded lines joined.
fn ics_lines(text: &str) -> Vec<String> {
    assert!(!text.replace("\r\n", "").contains(['\r', '\n']), "only CRLF ends a line: {text:?}");
    text.replace("\r\n ", "").split("\r\n").map(str::to_owned).collect()
}

on_both_databases!(
    /// A unit named with line breaks and iCalendar lines cannot add events to its feed.
    async fn a_unit_name_cannot_inject_events(store) {
        let w = world(store).await;
        let name = "Bản X\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\nEND:VEVENT\nX-A;B:c,d\\";
        let unit = Unit { code: "ban-x".into(), name: name.into(), kind: UnitKind::Village, sample: true };
        w.store.add_units("muong-la", &[unit], TEST).await.unwrap();
        let plain = ics_lines(&w.server.get(&format!("{PAGES}/units/ban-a/deadlines.ics")).await.text());
        let events = plain.iter().filter(|l| *l == "BEGIN:VEVENT").count();
        assert!(events > 0);

        let r = w.server.get(&format!("{PAGES}/units/ban-x/deadlines.ics")).await;
        assert_eq!(r.status_code(), StatusCode::OK);
        let lines = ics_lines(&r.text());
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), events, "no event more than a unit's");
        assert!(!lines.iter().any(|l| l.starts_with("SUMMARY:injected") || l.starts_with("X-A")), "{lines:#?}");
        let calname = lines.iter().find(|l| l.starts_with("X-WR-CALNAME")).unwrap();
        assert!(
            calname.contains(r"Bản X\nBEGIN:VEVENT\nSUMMARY:injected\nEND:VEVENT\nX-A\;B:c\,d\\"),
            "{calname}"
        );
        let summary = lines.iter().find(|l| l.starts_with("SUMMARY:")).unwrap();
        assert!(summary.contains(r"Bản X\nBEGIN:VEVENT"), "{summary}");
    }
);

on_both_databases!(
    /// The public feed has no request titles; the unit's secret link has them, is shown to the
    /// unit and the focal officer only, and renewing it ends the old link, with audit rows.
    async fn request_titles_only_behind_the_units_secret_link(store) {
        let w = world(store).await;
        let title = "Rà soát hộ nghèo XYZ";
        let deadline = Utc.with_ymd_and_hms(2026, 8, 10, 10, 0, 0).unwrap();
        w.store
            .create_request(
                "muong-la-2026",
                &RequestDraft { title, details: "", tasks: &[], indicators: &[], questions: &[], units: &["ban-a".into()], deadline, now: deadline },
                TEST,
            )
            .await
            .unwrap();
        let public = w.server.get(&format!("{PAGES}/units/ban-a/deadlines.ics")).await.text();
        assert!(public.contains("BEGIN:VEVENT") && !public.contains("XYZ"), "{public}");

        let unit_page = format!("{PAGES}/units/ban-a");
        let renew = format!("{PAGES}/units/ban-a/calendar-secret");
        // No link yet: the unit's user is offered one; others see nothing of it.
        let page = as_user(w.server.get(&unit_page), &w.village).await.text();
        assert!(page.contains(&renew) && !page.contains("/private/"), "{page}");
        for outsider in [w.server.get(&unit_page).await.text(), as_user(w.server.get(&unit_page), &w.other_village).await.text()] {
            assert!(!outsider.contains(&renew) && !outsider.contains("/private/"));
        }
        let foreign = as_user(w.server.post(&renew), &w.other_village).form(&[("csrf", w.other_village.1.as_str())]).await;
        assert!(matches!(foreign.status_code(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", foreign.status_code());
        assert!(!w.server.post(&renew).await.status_code().is_success(), "not signed in");

        let made = as_user(w.server.post(&renew), &w.village).form(&[("csrf", w.village.1.as_str())]).await;
        assert!(made.status_code().is_redirection(), "{}", made.status_code());
        let link = |page: &str| {
            let at = page.find("/private/").unwrap_or_else(|| panic!("no link in {page}"));
            let start = page[..at].rfind('"').unwrap() + 1;
            let end = at + page[at..].find('"').unwrap();
            page[start..end].to_owned()
        };
        let first = link(&as_user(w.server.get(&unit_page), &w.village).await.text());
        assert_eq!(first, link(&as_user(w.server.get(&unit_page), &w.officer).await.text()), "the focal officer sees it too");
        let private = w.server.get(&first).await;
        assert_eq!(private.status_code(), StatusCode::OK);
        assert!(private.text().contains("XYZ"), "{}", private.text());

        // Renewed by the focal officer: the old link is gone, the new one works.
        let renewed = as_user(w.server.post(&renew), &w.officer).form(&[("csrf", w.officer.1.as_str())]).await;
        assert!(renewed.status_code().is_redirection());
        let second = link(&as_user(w.server.get(&unit_page), &w.village).await.text());
        assert_ne!(first, second);
        assert_eq!(w.server.get(&first).await.status_code(), StatusCode::NOT_FOUND);
        assert!(w.server.get(&second).await.text().contains("XYZ"));
        assert_eq!(w.server.get(&second.replace("ban-a", "ban-b")).await.status_code(), StatusCode::NOT_FOUND, "one unit's secret is not another's");

        let audit = w.store.audit(&AuditFilter { record_kind: Some("unit".into()), limit: 100, ..AuditFilter::default() }).await.unwrap();
        let rows: Vec<_> = audit.iter().filter(|a| a.action == "unit.calendar_secret").collect();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|a| a.record_key == "muong-la/ban-a"));
        let secret = second.rsplit("/private/").next().unwrap().split('/').next().unwrap();
        assert!(rows.iter().all(|a| !a.after_json.as_deref().unwrap_or("").contains(secret)), "the trail keeps no secret");
    }
);
