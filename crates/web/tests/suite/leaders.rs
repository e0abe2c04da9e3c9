//! The leaders' one screen (what is behind, late, without progress, waiting for approval), who
//! may see it; the province reaching the commune's approved reports from its own pages; error
//! pages under the signed-in header.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use chrono::{DateTime, TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{Who, as_user, session_of};

const PLAN: &str = "/plans/muong-la-2026";
const LEADERS: &str = "/plans/muong-la-2026/leaders";

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

struct World {
    server: TestServer,
    clock: Arc<FixedClock>,
    village: Who,
    village_b: Who,
    province: Who,
    officer: Who,
    leader: Who,
    admin: Who,
}

/// The Mường La commune on 10 July 2026: the second quarter's deadline (5 June) has passed.
async fn world(store: Store) -> World {
    common::commune(&store).await;
    let clock = Arc::new(FixedClock::new(at(2026, 7, 10, 2)));
    let server = TestServer::new(kehoach_web::router_at(store.clone(), clock.clone()));
    World {
        village: session_of(&store, "ban-a").await,
        village_b: session_of(&store, "ban-b").await,
        province: session_of(&store, "so-khcn").await,
        officer: session_of(&store, "dau-moi").await,
        leader: session_of(&store, "lanh-dao").await,
        admin: session_of(&store, "quan-tri").await,
        server,
        clock,
    }
}

/// The unit submits its report of `period` as prefilled (the officer accepts it if `accept`).
async fn submit(w: &World, period: &str, unit: &str, who: &Who, accept: bool) {
    let path = format!("/api/v1/plans/muong-la-2026/periods/{period}/reports/{unit}");
    let report = as_user(w.server.get(&path), who).await.json::<Value>();
    let submitted = as_user(w.server.post(&format!("{path}/submit")), who)
        .json(&json!({"version": 0, "body": report["body"]}))
        .await;
    assert_eq!(submitted.status_code(), StatusCode::OK, "{}", submitted.text());
    if accept {
        let accepted = as_user(w.server.post(&format!("{path}/accept")), &w.officer).json(&json!({"version": 1})).await;
        assert_eq!(accepted.status_code(), StatusCode::OK, "{}", accepted.text());
    }
}

/// The officer writes the period's commune report and sends it for approval; its version now.
async fn send(w: &World, period: &str) -> i64 {
    let url = format!("/api/v1/plans/muong-la-2026/periods/{period}/consolidation");
    let saved =
        as_user(w.server.put(&url), &w.officer).json(&json!({"version": 0, "narrative": "Báo cáo của xã"})).await;
    assert_eq!(saved.status_code(), StatusCode::OK, "{}", saved.text());
    let version = saved.json::<Value>()["version"].clone();
    let sent = as_user(w.server.post(&format!("{url}/send")), &w.officer).json(&json!({"version": version})).await;
    assert_eq!(sent.status_code(), StatusCode::OK, "{}", sent.text());
    sent.json::<Value>()["version"].as_i64().unwrap()
}

/// The report sent, the leader approves it (number 1 from the office's register, units
/// missing confirmed), as the approval API takes it.
async fn approve(w: &World, period: &str) {
    let version = send(w, period).await;
    let url = format!("/api/v1/plans/muong-la-2026/periods/{period}/consolidation/approve");
    let approved = as_user(w.server.post(&url), &w.leader)
        .json(&json!({"version": version, "number": 1, "confirm_incomplete": true}))
        .await;
    assert_eq!(approved.status_code(), StatusCode::OK, "{}", approved.text());
}

/// The text of the page's section that starts at the heading with this id.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}: {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

on_both_databases!(
    /// On 10 July with no register record, counts due by the half year are behind; village B has
    /// not reported for the second quarter and village A reported late; no lead unit reported a
    /// task under way. The screen says each, with charts and their text.
    async fn the_leaders_screen_shows_what_is_behind_late_and_without_progress(store) {
        let w = world(store).await;
        submit(&w, "2026-Q2", "ban-a", &w.village, false).await;

        let indicators = as_user(w.server.get("/api/v1/plans/muong-la-2026/indicators"), &w.leader).await.json::<Value>();
        let behind: Vec<String> = indicators
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["status"] == "behind")
            .map(|i| i["indicator"].as_str().unwrap().to_owned())
            .collect();
        assert!(!behind.is_empty(), "some indicator is behind on 10 July: {indicators}");

        let page = as_user(w.server.get(LEADERS), &w.leader).await;
        assert_eq!(page.status_code(), StatusCode::OK);
        let page = page.text();
        assert!(page.contains("Tổng quan điều hành") && page.contains("Quý 2 2026"), "{page}");

        let pace = section(&page, "h-pace");
        assert!(pace.contains("Chỉ tiêu chậm tiến độ") && pace.contains("Chậm tiến độ"), "{pace}");
        for code in &behind {
            assert!(pace.contains(&format!("/plans/muong-la-2026/indicators/{code}\"")), "{code} listed: {pace}");
        }
        // The chart and its text equivalent.
        assert!(pace.contains("<svg") && pace.contains("aria-labelledby=\"pace-caption\""), "{pace}");
        assert!(pace.contains("<figcaption id=\"pace-caption\">") && pace.contains("chậm tiến độ"), "{pace}");
        assert!(pace.contains("<table"), "the chart's figures as a table");

        let late = section(&page, "h-late");
        assert!(late.contains("Bản B (mẫu)") && late.contains("Chưa nộp, quá hạn"), "{late}");
        assert!(late.contains("Bản A (mẫu)") && late.contains("Nộp muộn"), "{late}");
        assert!(late.contains("<svg") && late.contains("<figcaption id=\"units-caption\">"), "{late}");
        assert!(late.contains("nộp muộn 1"), "the chart's text counts the late one: {late}");

        let stalled = section(&page, "h-stalled");
        assert!(stalled.contains("Nhiệm vụ chưa có tiến độ"), "{stalled}");
        assert!(stalled.contains("/plans/muong-la-2026/tasks/I.1\""), "{stalled}");
        assert!(stalled.contains("Phòng Văn hóa - Xã hội (chủ trì) chưa báo cáo"), "{stalled}");

        // In English too, without a key shown.
        let en = as_user(w.server.get(&format!("{LEADERS}?lang=en")), &w.leader).await.text();
        assert!(en.contains("Indicators behind pace") && en.contains("Tasks without progress"), "{en}");
        for key in include_str!("../../../app/locales/en/leaders.ftl").lines().filter_map(|l| l.split_once(" =")) {
            assert!(!en.contains(key.0), "no key on the page: {}", key.0);
        }
    }
);

on_both_databases!(
    /// The commune's leaders, focal officer and admin see the screen; a village's reporter, the
    /// province and a visitor do not.
    async fn the_leaders_screen_is_for_the_communes_leaders(store) {
        let w = world(store).await;
        for who in [&w.leader, &w.officer, &w.admin] {
            assert_eq!(as_user(w.server.get(LEADERS), who).await.status_code(), StatusCode::OK);
        }
        assert_eq!(as_user(w.server.get(LEADERS), &w.village).await.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(as_user(w.server.get(LEADERS), &w.province).await.status_code(), StatusCode::FORBIDDEN);
        assert_ne!(w.server.get(LEADERS).await.status_code(), StatusCode::OK);
        // Linked from the leader's home page, not from the village's.
        let home = as_user(w.server.get("/"), &w.leader).await.text();
        assert!(home.contains(&format!("href=\"{LEADERS}\"")), "{home}");
        assert!(home.contains("đơn vị chậm nộp báo cáo Quý 2 2026") && home.contains("nhiệm vụ chưa có tiến độ"), "{home}");
        let home = as_user(w.server.get("/"), &w.village).await.text();
        assert!(!home.contains(LEADERS), "{home}");
        // And from the plan's pages, for those who may open it.
        let plan = as_user(w.server.get(PLAN), &w.officer).await.text();
        assert!(plan.contains(&format!("href=\"{LEADERS}\"")), "{plan}");
        for who in [&w.village, &w.province] {
            assert!(!as_user(w.server.get(PLAN), who).await.text().contains(LEADERS));
        }
        assert!(!w.server.get(PLAN).await.text().contains(LEADERS));
    }
);

on_both_databases!(
    /// A commune report written for a period that is over waits for the leader: on the screen
    /// and on their to-do list, linked to the consolidation.
    async fn a_report_waiting_for_approval_is_on_the_leaders_lists(store) {
        let w = world(store).await;
        send(&w, "2026-Q2").await;
        let link = "href=\"/plans/muong-la-2026/periods/2026-Q2/consolidation\"";
        let page = as_user(w.server.get(LEADERS), &w.leader).await.text();
        let waiting = section(&page, "h-approval");
        assert!(waiting.contains("Báo cáo chờ phê duyệt — Quý 2 2026") && waiting.contains(link), "{waiting}");
        let home = as_user(w.server.get("/"), &w.leader).await.text();
        assert!(home.contains("Báo cáo chờ phê duyệt — Quý 2 2026") && home.contains(link), "{home}");
    }
);

on_both_databases!(
    /// The province's home lists the approved commune report with its page and .docx, both of
    /// which open; the periods table links it; the ad hoc requests' link is not shown to it.
    async fn the_province_reaches_the_approved_report_from_its_home(store) {
        let w = world(store).await;
        w.clock.set(at(2026, 3, 1, 2));
        submit(&w, "2026-Q1", "ban-a", &w.village, true).await;
        submit(&w, "2026-Q1", "ban-b", &w.village_b, true).await;
        let home = as_user(w.server.get("/"), &w.province).await.text();
        assert!(home.contains("Chưa có báo cáo nào của xã được phê duyệt"), "{home}");

        approve(&w, "2026-Q1").await;
        let home = as_user(w.server.get("/"), &w.province).await.text();
        assert!(home.contains("Báo cáo của các xã đã phê duyệt") && home.contains("Quý 1 2026"), "{home}");
        for link in ["/plans/muong-la-2026/periods/2026-Q1/consolidation", "/plans/muong-la-2026/periods/2026-Q1/report.docx"] {
            assert!(home.contains(&format!("href=\"{link}\"")), "{link} on the home page: {home}");
            let opened = as_user(w.server.get(link), &w.province).await;
            assert_eq!(opened.status_code(), StatusCode::OK, "{link}: {}", opened.text());
        }
        let periods = as_user(w.server.get(&format!("{PLAN}/periods")), &w.province).await.text();
        assert!(periods.contains("href=\"/plans/muong-la-2026/periods/2026-Q1/report.docx\""), "{periods}");
        assert!(!periods.contains("/periods/2026-Q2/report.docx"), "only the approved one: {periods}");
        assert!(!periods.contains(&format!("href=\"{PLAN}/requests\"")), "no link the province may not follow");
        let officer_periods = as_user(w.server.get(&format!("{PLAN}/periods")), &w.officer).await.text();
        assert!(officer_periods.contains(&format!("href=\"{PLAN}/requests\"")));
    }
);

on_both_databases!(
    /// A refusal's page keeps the signed-in header: the user's name and the sign-out button, not
    /// "Đăng nhập"; a page that does not exist too.
    async fn an_error_page_shows_who_is_signed_in(store) {
        let w = world(store).await;
        let refused = as_user(w.server.get("/plans/muong-la-2026/periods/2026-Q1/board"), &w.village).await;
        assert_eq!(refused.status_code(), StatusCode::FORBIDDEN);
        let text = refused.text();
        assert!(text.contains("Họ tên ban-a") && text.contains("/logout"), "{text}");
        assert!(!text.contains("/login?next="), "{text}");
        let missing = as_user(w.server.get("/no-such-page"), &w.province).await;
        assert_eq!(missing.status_code(), StatusCode::NOT_FOUND);
        assert!(missing.text().contains("Họ tên so-khcn"), "{}", missing.text());
        // A form the server cannot read (axum's own refusal, reworded as ours) too.
        let unreadable = as_user(w.server.post("/plans/muong-la-2026/periods/2026-Q1/consolidation"), &w.officer)
            .content_type("application/x-www-form-urlencoded")
            .bytes("version=not-a-number".into())
            .await;
        assert!(unreadable.status_code().is_client_error(), "{}", unreadable.status_code());
        assert!(unreadable.text().contains("Họ tên dau-moi"), "{}", unreadable.text());
        // A visitor's error page still offers to sign in.
        let visitor = w.server.get("/no-such-page").await.text();
        assert!(visitor.contains("/login?next="), "{visitor}");
    }
);

/// The site's own links on a page (`href="/…"`), without their fragment.
fn links(page: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .map(|href| href.split('#').next().unwrap_or_default().replace("&amp;", "&"))
        .collect()
}

on_both_databases!(
    /// Every link the province's pages show, followed from its home page (an approved report
    /// included), opens: none leads to a refusal.
    async fn the_province_is_shown_no_link_it_may_not_follow(store) {
        let w = world(store).await;
        w.clock.set(at(2026, 3, 1, 2));
        submit(&w, "2026-Q1", "ban-a", &w.village, true).await;
        approve(&w, "2026-Q1").await;
        let mut seen = std::collections::BTreeSet::new();
        let mut queue = vec![("/".to_owned(), "(home)".to_owned())];
        let mut refused = Vec::new();
        while let Some((path, from)) = queue.pop() {
            let skipped = path.starts_with("/lang/") || path.starts_with("/static/");
            if !seen.insert(path.clone()) || skipped {
                continue;
            }
            assert!(seen.len() < 400, "the walk stays small");
            let answer = as_user(w.server.get(&path), &w.province).await;
            let status = answer.status_code();
            if status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
                refused.push(format!("{path} ({status}) linked from {from}"));
                continue;
            }
            let html = answer.maybe_header("content-type").is_some_and(|t| t.to_str().unwrap_or("").starts_with("text/html"));
            if html {
                queue.extend(links(&answer.text()).into_iter().map(|l| (l, path.clone())));
            }
        }
        assert!(seen.contains("/plans/muong-la-2026/periods/2026-Q1/report.docx"), "{seen:?}");
        assert!(refused.is_empty(), "links the province cannot follow: {refused:#?}");
    }
);
