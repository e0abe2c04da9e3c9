//! Bounded answers: list APIs a page at a time behind an opaque cursor; pages that grow with
//! the plan in pages; a new version of a plan drops the units and groups it no longer names;
//! a record deleted with its files leaves an audit row for each file.

use std::collections::HashSet;
use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::multipart::{MultipartForm, Part};
use axum_test::{TestResponse, TestServer};
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_domain::{Plan, Unit, UnitGroup, UnitKind};
use kehoach_store::{AuditFilter, Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{TEST, Who, as_user, session_of};

const API: &str = "/api/v1/plans/muong-la-2026";
const PAGES: &str = "/plans/muong-la-2026";

struct World {
    store: Store,
    server: TestServer,
    village: Who,
    officer: Who,
}

async fn world(store: Store) -> World {
    common::commune(&store).await;
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 7, 20, 2, 0, 0).unwrap()));
    let server = TestServer::new(kehoach_web::router_at(store.clone(), clock));
    World { village: session_of(&store, "ban-a").await, officer: session_of(&store, "dau-moi").await, server, store }
}

fn next_cursor(r: &TestResponse) -> Option<String> {
    r.maybe_header("next-cursor").map(|v| v.to_str().unwrap().to_owned())
}

/// Every page of a list, following its cursors: the items and how many pages.
async fn walk(w: &World, who: &Who, url: &str, limit: Option<u64>) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut request = as_user(w.server.get(url), who);
        if let Some(n) = limit {
            request = request.add_query_param("limit", n);
        }
        if let Some(c) = &cursor {
            request = request.add_query_param("cursor", c);
        }
        let r = request.await;
        assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
        pages += 1;
        let page = r.json::<Vec<Value>>();
        assert!(page.len() as u64 <= limit.unwrap_or(100));
        items.extend(page);
        cursor = next_cursor(&r);
        if cursor.is_none() {
            return (items, pages);
        }
        assert!(pages < 100, "the walk ends");
    }
}

fn activity(day: u32, unit: &str) -> Value {
    json!({"unit": unit, "date": format!("2026-03-{:02}", day % 28 + 1), "fields": {"kenh": "hop_ban", "chu_de": format!("Họp {day}"), "so_nguoi": day}})
}

on_both_databases!(
    /// 250 records come 100 at a time, newest first, none repeated or missed; a record written
    /// between two pages neither repeats nor hides one; bad limits and cursors are a 422 in words.
    async fn the_record_list_comes_a_page_at_a_time(store) {
        let w = world(store).await;
        let csv: String = std::iter::once("unit,date,kenh,chu_de,so_nguoi\n".to_owned())
            .chain((0..250).map(|i| format!("{},{:02}/03/2026,hop_ban,Họp {i},{i}\n", if i % 5 == 0 { "ban-a" } else { "vhxh" }, i % 28 + 1)))
            .collect();
        let r = as_user(w.server.post(&format!("{API}/registers/truyen_thong/import")), &w.officer)
            .bytes(csv.into_bytes().into())
            .content_type("text/csv")
            .await;
        assert_eq!(r.status_code(), StatusCode::CREATED, "{}", r.text());
        let url = format!("{API}/registers/truyen_thong/records");

        let first = as_user(w.server.get(&url), &w.officer).await;
        assert_eq!(first.json::<Vec<Value>>().len(), 100, "100 by default");
        assert!(next_cursor(&first).is_some());

        let (all, pages) = walk(&w, &w.officer, &url, None).await;
        assert_eq!((all.len(), pages), (250, 3));
        let ids: HashSet<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert_eq!(ids.len(), 250, "none twice");
        let order: Vec<(String, i64)> = all.iter().map(|r| (r["date"].as_str().unwrap().to_owned(), r["id"].as_i64().unwrap())).collect();
        let mut sorted = order.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(order, sorted, "newest first, then the latest written");

        let (big, pages) = walk(&w, &w.officer, &url, Some(500)).await;
        assert_eq!((big.len(), pages), (250, 1), "one page of 500 holds them all");
        let (small, pages) = walk(&w, &w.officer, &url, Some(7)).await;
        assert_eq!((small.len(), pages), (250, 36));
        assert_eq!(small, big);

        // A unit's reporter pages through its own records only.
        let (own, _) = walk(&w, &w.village, &url, Some(20)).await;
        assert_eq!(own.len(), 50);
        assert!(own.iter().all(|r| r["unit"] == "ban-a"));

        // A record written between two pages: the walk goes on where it was.
        let page = as_user(w.server.get(&url).add_query_param("limit", 100), &w.officer).await;
        let cursor = next_cursor(&page).unwrap();
        let added = as_user(w.server.post(&url), &w.officer).json(&activity(27, "vhxh")).await;
        assert_eq!(added.status_code(), StatusCode::CREATED);
        let rest = as_user(w.server.get(&url).add_query_param("limit", 500).add_query_param("cursor", &cursor), &w.officer).await;
        let rest = rest.json::<Vec<Value>>();
        assert_eq!(rest.len(), 150);
        assert_eq!(rest[0], all[100]);

        for (query, words) in [
            (vec![("limit", "0")], "từ 1 đến 500"),
            (vec![("limit", "501")], "từ 1 đến 500"),
            (vec![("cursor", "khong-phai")], "cursor"),
            (vec![("cursor", "7265636f7264733a")], "cursor"),
        ] {
            let mut request = as_user(w.server.get(&url), &w.officer);
            for (k, v) in &query {
                request = request.add_query_param(k, v);
            }
            let r = request.await;
            assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{query:?}");
            let message = r.json::<Value>()["error"]["message"].as_str().unwrap().to_owned();
            assert!(message.contains(words), "{message}");
        }
        let english = as_user(w.server.get(&url).add_query_param("limit", "9999").add_query_param("lang", "en"), &w.officer).await;
        assert!(english.json::<Value>()["error"]["message"].as_str().unwrap().contains("from 1 to 500"));

        // The OpenAPI document says so.
        let doc = w.server.get("/api/v1/openapi.json").await.json::<Value>();
        let list = &doc["paths"]["/api/v1/plans/{plan}/registers/{register}/records"]["get"];
        let params: Vec<&str> = list["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert!(params.contains(&"limit") && params.contains(&"cursor"), "{params:?}");
        assert!(list["responses"]["200"]["headers"]["Next-Cursor"].is_object(), "{}", list["responses"]["200"]);
    }
);

on_both_databases!(
    /// The audit trail over the API pages the same way, and one list's cursor is not another's.
    async fn the_audit_list_comes_a_page_at_a_time(store) {
        let w = world(store).await;
        let url = format!("{API}/registers/truyen_thong/records");
        for day in 0..130 {
            let r = as_user(w.server.post(&url), &w.officer).json(&activity(day, "vhxh")).await;
            assert_eq!(r.status_code(), StatusCode::CREATED);
        }
        let (expected, pages) = walk(&w, &w.officer, "/api/v1/audit", Some(500)).await;
        assert_eq!(pages, 1);
        assert!(expected.len() > 130);
        let first = as_user(w.server.get("/api/v1/audit"), &w.officer).await;
        assert_eq!(first.json::<Vec<Value>>().len(), 100, "100 by default, not everything");
        let (all, pages) = walk(&w, &w.officer, "/api/v1/audit", Some(40)).await;
        assert_eq!(all, expected);
        assert_eq!(pages, expected.len().div_ceil(40));
        let ids: Vec<i64> = all.iter().map(|a| a["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|p| p[0] > p[1]), "newest first, none twice");
        // Filters and pages together.
        let (adds, _) = walk(&w, &w.officer, "/api/v1/audit?kind=register_record", Some(50)).await;
        assert_eq!(adds.len(), 130);
        // A cursor of the records list means nothing here.
        let records = as_user(w.server.get(&url).add_query_param("limit", 10), &w.officer).await;
        let cursor = next_cursor(&records).unwrap();
        let r = as_user(w.server.get("/api/v1/audit").add_query_param("cursor", &cursor), &w.officer).await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    }
);

/// The embedded plan with `groups` more groups of every village, and `extra` units of its own.
fn big_plan(groups: usize, extra: &[Unit]) -> Plan {
    let mut plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap();
    plan.units.extend(extra.iter().cloned());
    plan.groups.extend((0..groups).map(|i| UnitGroup {
        code: format!("nhom-{i}"),
        name: format!("Nhóm {i}"),
        kinds: vec![UnitKind::Village],
        members: Vec::new(),
    }));
    plan
}

fn village(i: usize) -> Unit {
    Unit { code: format!("ban-so-{i}"), name: format!("Bản số {i}"), kind: UnitKind::Village, sample: true }
}

on_both_databases!(
    /// A commune of 1,000 villages and 300 groups of every village: the units page and a group's
    /// page stay small, a page at a time (every group listing every village was 300,000 lines).
    async fn pages_that_grow_with_the_plan_stay_small(store) {
        let w = world(store).await;
        let villages: Vec<Unit> = (0..1_000).map(village).collect();
        w.store.add_units("muong-la", &villages, TEST).await.unwrap();
        w.store.import_plan(&big_plan(300, &[]), TEST).await.unwrap();

        let units = w.server.get(&format!("{PAGES}/units")).await;
        assert_eq!(units.status_code(), StatusCode::OK);
        let size = units.as_bytes().len();
        let text = units.text();
        println!("units page: {size} bytes");
        assert!(size < 200_000, "{size} bytes");
        assert!(text.contains("Trang 1/6"), "1,0xx units, 200 a page");
        assert!(text.contains("Trang 1/2"), "301 groups, 200 a page");
        assert!(text.contains("Nhóm 0") && text.contains("1002 đơn vị"), "a group with its count");
        // The last page has the last units, and a page past the end is the last one.
        let last = w.server.get(&format!("{PAGES}/units?page=6")).await.text();
        assert!(last.contains("Trang 6/6") && last.contains("units?page=5&") && !last.contains("units?page=7"), "{last}");
        assert_eq!(w.server.get(&format!("{PAGES}/units?page=99")).await.text().matches("Trang 6/6").count(), 1);
        let groups = w.server.get(&format!("{PAGES}/units?groups=2")).await.text();
        assert!(groups.contains("Trang 2/2") && groups.contains("Nhóm 299"));
        let bad = w.server.get(&format!("{PAGES}/units?page=abc")).await;
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);

        let group = w.server.get(&format!("{PAGES}/units/nhom-0")).await;
        let size = group.as_bytes().len();
        println!("group page: {size} bytes");
        assert!(size < 100_000, "{size} bytes");
        assert!(group.text().contains("Trang 1/6"));
        let page_3 = w.server.get(&format!("{PAGES}/units/nhom-0?page=3")).await.text();
        assert!(page_3.contains("Trang 3/6"));
    }
);

on_both_databases!(
    /// A new version of the plan file drops the units and groups it no longer names: gone when
    /// nothing is theirs, kept for their history but out of the plan when records are; the
    /// commune's own units stay; nothing is a server error; the version after brings one back.
    async fn a_new_version_drops_what_it_no_longer_names(store) {
        let w = world(store).await;
        let kept = Unit { code: "to-giup-viec".into(), name: "Tổ giúp việc".into(), kind: UnitKind::Department, sample: false };
        let gone = Unit { code: "to-tam-thoi".into(), name: "Tổ tạm thời".into(), kind: UnitKind::Department, sample: false };
        let with_records = Unit { code: "to-co-so".into(), name: "Tổ có sổ".into(), kind: UnitKind::Department, sample: false };
        let mut first = big_plan(2, &[kept.clone(), gone.clone(), with_records.clone()]);
        first.groups.push(UnitGroup { code: "nhom-to".into(), name: "Các tổ".into(), kinds: vec![], members: vec![gone.code.clone(), kept.code.clone()] });
        w.store.import_plan(&first, TEST).await.unwrap();
        let record = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.officer)
            .json(&activity(3, "to-co-so"))
            .await;
        assert_eq!(record.status_code(), StatusCode::CREATED, "{}", record.text());
        let record = record.json::<Value>();

        // The next version names only the first of them, and no groups of its own.
        let second = big_plan(0, std::slice::from_ref(&kept));
        let outcome = w.store.import_plan(&second, TEST).await.unwrap();
        assert!(outcome.changed);
        let plan = w.store.plan("muong-la-2026").await.unwrap().unwrap();
        let codes: Vec<&str> = plan.units.iter().map(|u| u.code.as_str()).collect();
        assert!(codes.contains(&"to-giup-viec") && codes.contains(&"ban-a") && codes.contains(&"ban-b"), "{codes:?}");
        assert!(!codes.contains(&"to-tam-thoi") && !codes.contains(&"to-co-so"), "{codes:?}");
        let groups: Vec<&str> = plan.groups.iter().map(|g| g.code.as_str()).collect();
        assert!(!groups.iter().any(|g| g.starts_with("nhom-")), "{groups:?}");

        for (path, status) in [
            (format!("{PAGES}/units/to-tam-thoi"), StatusCode::NOT_FOUND),
            (format!("{PAGES}/units/to-co-so"), StatusCode::NOT_FOUND),
            (format!("{PAGES}/units/nhom-to"), StatusCode::NOT_FOUND),
            (format!("{PAGES}/units/nhom-0"), StatusCode::NOT_FOUND),
            (format!("{PAGES}/units"), StatusCode::OK),
            (PAGES.to_owned(), StatusCode::OK),
            (format!("{PAGES}/registers/truyen_thong"), StatusCode::OK),
            (format!("{PAGES}/registers/truyen_thong/{}", record["id"]), StatusCode::OK),
            (format!("{API}/registers/truyen_thong/records/{}", record["id"]), StatusCode::OK),
            (format!("{API}/registers/truyen_thong/records"), StatusCode::OK),
            (format!("{PAGES}/periods/2026-Q1/board"), StatusCode::OK),
            (format!("{PAGES}/progress"), StatusCode::OK),
        ] {
            let r = as_user(w.server.get(&path), &w.officer).await;
            assert_eq!(r.status_code(), status, "{path}: {}", r.text());
        }
        // The retired unit takes no new records; its old one is still there as it was.
        let refused = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.officer).json(&activity(4, "to-co-so")).await;
        assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let still = as_user(w.server.get(&format!("{API}/registers/truyen_thong/records/{}", record["id"])), &w.officer).await.json::<Value>();
        assert_eq!(still["unit"], "to-co-so");

        let audit = w.store.audit(&AuditFilter { record_kind: Some("plan".into()), limit: 100, ..AuditFilter::default() }).await.unwrap();
        let dropped = audit.iter().find(|a| a.action == "plan.drop_units").expect("an audit row says what was dropped");
        let after: Value = serde_json::from_str(dropped.after_json.as_deref().unwrap()).unwrap();
        assert_eq!(after["removed_units"], json!(["to-tam-thoi"]));
        assert_eq!(after["retired_units"], json!(["to-co-so"]));
        assert_eq!(after["removed_groups"].as_array().unwrap().len(), 3);

        // Importing the same version again changes nothing; naming the unit again brings it back.
        assert!(!w.store.import_plan(&second, TEST).await.unwrap().changed);
        w.store.import_plan(&big_plan(0, &[kept, with_records]), TEST).await.unwrap();
        let r = w.server.get(&format!("{PAGES}/units/to-co-so")).await;
        assert_eq!(r.status_code(), StatusCode::OK);
    }
);

on_both_databases!(
    /// Deleting a record takes its files with it, and the trail names each file.
    async fn deleting_a_record_leaves_a_trace_of_its_files(store) {
        let w = world(store).await;
        let record = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records")), &w.village)
            .json(&activity(5, "ban-a"))
            .await
            .json::<Value>();
        let id = record["id"].as_i64().unwrap();
        let files = format!("{API}/registers/truyen_thong/records/{id}/files");
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0].to_vec();
        for name in ["biên bản.png", "ảnh.png"] {
            let part = MultipartForm::new().add_part("file", Part::bytes(png.clone()).file_name(name).mime_type("image/png"));
            assert_eq!(as_user(w.server.post(&files), &w.village).multipart(part).await.status_code(), StatusCode::CREATED);
        }
        let deleted = as_user(w.server.post(&format!("{API}/registers/truyen_thong/records/{id}/delete")), &w.village).await;
        assert!(deleted.status_code().is_success(), "{}", deleted.text());
        assert_eq!(w.store.record_files(i32::try_from(id).unwrap()).await.unwrap().len(), 0);

        let trail = w.store.audit_trail("register_record", &id.to_string()).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions, ["register.add", "register.file.add", "register.file.add", "register.file.remove", "register.file.remove", "register.delete"]);
        let removed: Vec<Value> = trail
            .iter()
            .filter(|a| a.action == "register.file.remove")
            .map(|a| serde_json::from_str(a.before_json.as_deref().unwrap()).unwrap())
            .collect();
        let mut names: Vec<&str> = removed.iter().map(|f| f["name"].as_str().unwrap()).collect();
        names.sort_unstable();
        assert_eq!(names, ["biên bản.png", "ảnh.png"]);
        assert!(trail.iter().all(|a| a.actor == "ban-a"));
    }
);
