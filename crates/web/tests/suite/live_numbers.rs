//! Live numbers without a rebuild (issue 14): plans, progress and the public plan page are kept
//! in memory between requests, and a change is seen on the very next request — by this server
//! and by another one on the same database; a kept value never differs from one computed from
//! scratch, over long random sequences of changes.

use std::sync::Arc;

use axum::http::header::ACCEPT_ENCODING;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum_test::TestServer;
use chrono::{NaiveDate, TimeZone, Utc};
use kehoach_app::App;
use kehoach_domain::clock::FixedClock;
use kehoach_domain::report::{IndicatorFigure, ReportBody, ReportState};
use kehoach_domain::{Unit, UnitKind};
use kehoach_store::{RecordInput, RecordOutcome, ReportWrite, Store, WriteOutcome, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{TEST, as_user, session_of};

const PLAN: &str = "muong-la-2026";
const INDICATORS: &str = "/api/v1/plans/muong-la-2026/indicators";
const RECORDS: &str = "/api/v1/plans/muong-la-2026/registers/truyen_thong/records";

fn clock() -> Arc<FixedClock> {
    // 10 March 2026 in Vietnam.
    Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 10, 2, 0, 0).unwrap()))
}

fn server(store: &Store) -> TestServer {
    TestServer::new(kehoach_web::router_at(store.clone(), clock()))
}

fn value_of(list: &Value, code: &str) -> Value {
    list.as_array().unwrap().iter().find(|p| p["indicator"] == code).unwrap()["value"].clone()
}

fn meeting(day: u32, topic: &str) -> Value {
    json!({"unit": "ban-a", "date": format!("2026-03-{day:02}"), "fields": {"kenh": "hop_ban", "chu_de": topic, "so_nguoi": 12}})
}

on_both_databases!(
    /// A record written through one server is counted on the next request by it and by a
    /// second server over the same database, whose copies were made before the change.
    async fn a_record_is_counted_on_the_next_request_by_every_server(store) {
        common::commune(&store).await;
        let officer = session_of(&store, "dau-moi").await;
        let (a, b) = (server(&store), server(&store));
        let before_a = as_user(a.get(INDICATORS), &officer).await.json::<Value>();
        let before_b = as_user(b.get(INDICATORS), &officer).await.json::<Value>();
        // Read twice: the second answer comes from what was kept.
        assert_eq!(as_user(a.get(INDICATORS), &officer).await.json::<Value>(), before_a);
        assert_eq!(before_a, before_b);
        let page_before = as_user(a.get("/plans/muong-la-2026/progress"), &officer).await.text();
        let count = value_of(&before_a, "IV.1").as_f64().unwrap_or(0.0);

        let added = as_user(a.post(RECORDS), &officer).json(&meeting(5, "Họp bản về chuyển đổi số")).await;
        assert_eq!(added.status_code(), StatusCode::CREATED, "{}", added.text());

        for s in [&a, &b] {
            let now = as_user(s.get(INDICATORS), &officer).await.json::<Value>();
            assert_eq!(value_of(&now, "IV.1").as_f64().unwrap(), count + 1.0);
        }
        let page_after = as_user(b.get("/plans/muong-la-2026/progress"), &officer).await.text();
        assert_ne!(page_before, page_after, "the progress page shows the new count");

        // Deleted through the other server: gone from both at once.
        let id = added.json::<Value>()["id"].as_i64().unwrap();
        let deleted = as_user(b.post(&format!("{RECORDS}/{id}/delete")), &officer).await;
        assert!(deleted.status_code().is_success(), "{}", deleted.text());
        for s in [&a, &b] {
            let now = as_user(s.get(INDICATORS), &officer).await.json::<Value>();
            assert_eq!(value_of(&now, "IV.1"), value_of(&before_a, "IV.1"));
        }
    }
);

on_both_databases!(
    /// A unit added, a plan loaded again: the plan's pages show it on the next request.
    async fn a_unit_added_or_a_plan_loaded_again_shows_next_request(store) {
        common::commune(&store).await;
        let s = server(&store);
        let units = s.get("/plans/muong-la-2026/units").await.text();
        assert!(!units.contains("Bản C (mẫu)"));
        let village = Unit { code: "ban-c".into(), name: "Bản C (mẫu)".into(), kind: UnitKind::Village, sample: true };
        store.add_units("muong-la", &[village], TEST).await.unwrap();
        assert!(s.get("/plans/muong-la-2026/units").await.text().contains("Bản C (mẫu)"));

        let page = s.get("/plans/muong-la-2026").await.text();
        let json = s.get("/api/v1/plans/muong-la-2026").await.json::<Value>();
        let mut plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap();
        plan.document.title = format!("{} (bản sửa đổi)", plan.document.title);
        assert!(store.import_plan(&plan, TEST).await.unwrap().changed);
        let page_after = s.get("/plans/muong-la-2026").await.text();
        assert_ne!(page, page_after);
        assert!(page_after.contains("(bản sửa đổi)"));
        let json_after = s.get("/api/v1/plans/muong-la-2026").await.json::<Value>();
        assert_ne!(json, json_after);
        assert!(json_after.to_string().contains("(bản sửa đổi)"));
    }
);

fn if_none_match(tag: &str) -> (HeaderName, HeaderValue) {
    (HeaderName::from_static("if-none-match"), HeaderValue::from_str(tag).unwrap())
}

on_both_databases!(
    /// The public plan page and its JSON carry a tag: asked again with it, 304 and no body; once
    /// the plan changed, 200 with the new plan and another tag. Signed-in pages keep theirs.
    async fn public_answers_are_validated_by_their_tag(store) {
        common::commune(&store).await;
        let s = server(&store);
        for url in ["/plans/muong-la-2026", "/api/v1/plans/muong-la-2026"] {
            let first = s.get(url).await;
            assert_eq!(first.status_code(), StatusCode::OK);
            let tag = first.header("etag").to_str().unwrap().to_owned();
            assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
            assert_eq!(first.header("cache-control"), "public, no-cache");
            assert!(first.header("vary").to_str().unwrap().contains("Accept-Encoding"));
            let (name, value) = if_none_match(&tag);
            let again = s.get(url).add_header(name.clone(), value.clone()).await;
            assert_eq!(again.status_code(), StatusCode::NOT_MODIFIED, "{url}");
            assert!(again.as_bytes().is_empty());
            assert_eq!(again.header("etag").to_str().unwrap(), tag);
            // Kept or made afresh, the same bytes under the same tag.
            let kept = s.get(url).await;
            assert_eq!(kept.as_bytes(), first.as_bytes());
            assert_eq!(kept.header("etag").to_str().unwrap(), tag);
            // Compressed once, when kept: a client taking gzip gets the same bytes packed (not
            // packed again by the compression layer), one refusing it the plain bytes.
            let packed = s.get(url).add_header(ACCEPT_ENCODING, HeaderValue::from_static("gzip, deflate, br")).await;
            assert_eq!(packed.header("content-encoding"), "gzip", "{url}");
            assert_eq!(packed.header("etag").to_str().unwrap(), tag);
            let mut unpacked = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed.as_bytes()[..]), &mut unpacked).unwrap();
            assert_eq!(unpacked, first.as_bytes().to_vec(), "{url}: one gzip layer over the same bytes");
            let plain = s.get(url).add_header(ACCEPT_ENCODING, HeaderValue::from_static("gzip;q=0, identity")).await;
            assert!(plain.maybe_header("content-encoding").is_none(), "{url}");
            assert_eq!(plain.as_bytes(), first.as_bytes());
            // Another language is another answer.
            let english = s.get(&format!("{url}?lang=en")).await;
            assert_ne!(english.header("etag").to_str().unwrap(), tag);
        }
        let page_tag = s.get("/plans/muong-la-2026").await.header("etag").to_str().unwrap().to_owned();
        let json_tag = s.get("/api/v1/plans/muong-la-2026").await.header("etag").to_str().unwrap().to_owned();

        let mut plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap();
        plan.document.title = format!("{} (lần 2)", plan.document.title);
        store.import_plan(&plan, TEST).await.unwrap();
        for (url, old) in [("/plans/muong-la-2026", &page_tag), ("/api/v1/plans/muong-la-2026", &json_tag)] {
            let (name, value) = if_none_match(old);
            let changed = s.get(url).add_header(name, value).await;
            assert_eq!(changed.status_code(), StatusCode::OK, "{url}");
            assert_ne!(changed.header("etag").to_str().unwrap(), old.as_str());
            assert!(changed.text().contains("(lần 2)"));
        }

        // A signed-in reader's page is theirs: no shared tag, the private rule.
        let officer = session_of(&store, "dau-moi").await;
        let mine = as_user(s.get("/plans/muong-la-2026"), &officer).await;
        assert_eq!(mine.status_code(), StatusCode::OK);
        assert!(mine.maybe_header("etag").is_none());
        assert_eq!(mine.header("cache-control"), "private, no-cache");
    }
);

/// A small deterministic generator (xorshift): the same seed, the same sequence.
struct Steps(u64);

impl Steps {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

fn input(day: u64, channel: &str, unit: &str) -> RecordInput {
    let fields = json!({"kenh": channel, "chu_de": format!("Buổi {day}"), "so_nguoi": day});
    RecordInput {
        unit: unit.into(),
        date: NaiveDate::from_ymd_opt(2026, 1 + (day % 3) as u32, 1 + (day % 28) as u32).unwrap(),
        fields: fields.as_object().unwrap().clone(),
        sample: true,
    }
}

/// Progress through the kept copies of `cached` and from scratch through a fresh `App`.
async fn both(
    cached: &App,
    store: &Store,
    date: NaiveDate,
) -> (Vec<kehoach_domain::measure::Progress>, Vec<kehoach_domain::measure::Progress>) {
    // The pages' path first (the kept plan and its revisions, no second look), which keeps
    // what it computes; then the path of callers holding their own plan, which reads it.
    let (shared, at) = kehoach_app::plans::shared(cached, PLAN).await.unwrap();
    let kept_shared = kehoach_app::progress::of_shared(cached, &shared, at, date).await.unwrap();
    let plan = kehoach_app::plans::get(cached, PLAN).await.unwrap();
    let kept = kehoach_app::progress::of_plan(cached, &plan, date).await.unwrap();
    assert_eq!(*kept_shared, kept);
    let fresh = App::new(store.clone(), clock());
    let plan = kehoach_app::plans::get(&fresh, PLAN).await.unwrap();
    let scratch = kehoach_app::progress::compute(&fresh, &plan, date).await.unwrap();
    (kept, scratch)
}

on_both_databases!(
    /// Property: over random sequences of changes (records added, changed, deleted, imported;
    /// villages' reports written, submitted, accepted, returned; units added; the plan loaded
    /// again with other targets), after every step the progress a
    /// long-lived `App` serves from its kept copies equals progress computed from scratch.
    async fn kept_progress_never_differs_from_a_computation_from_scratch(store) {
        common::commune_with_reported_iv1(&store).await;
        let cached = App::new(store.clone(), clock());
        let dates = [NaiveDate::from_ymd_opt(2026, 3, 10).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()];
        let now = Utc::now();
        let mut ids: Vec<(i32, i32)> = Vec::new();
        let mut steps = Steps(0x9E37_79B9_7F4A_7C15);
        let base = common::plan_with_reported_iv1();
        let channels = ["hop_ban", "truyen_thanh", "hoi_nghi", "khac"];
        for step in 0..60u64 {
            match steps.next(9) {
                0 | 1 => {
                    let i = input(steps.next(90), channels[steps.next(4) as usize], if steps.next(2) == 0 { "ban-a" } else { "ban-b" });
                    if let RecordOutcome::Written(r) = store.add_record(PLAN, "truyen_thong", &i, TEST, now).await.unwrap() {
                        ids.push((r.record.id, r.version));
                    }
                }
                2 if !ids.is_empty() => {
                    let at = steps.next(ids.len() as u64) as usize;
                    let i = input(steps.next(90), channels[steps.next(4) as usize], "ban-a");
                    let (id, version) = ids[at];
                    if let RecordOutcome::Written(r) = store.update_record(PLAN, id, version, &i, TEST, now).await.unwrap() {
                        ids[at].1 = r.version;
                    }
                }
                3 if !ids.is_empty() => {
                    let (id, _) = ids.swap_remove(steps.next(ids.len() as u64) as usize);
                    assert!(store.delete_record(PLAN, id, TEST).await.unwrap().is_empty());
                }
                4 => {
                    let rows: Vec<(usize, RecordInput)> =
                        (0..1 + steps.next(5)).map(|n| (n as usize + 2, input(steps.next(90), "hoi_nghi", "ban-b"))).collect();
                    store.import_records(PLAN, "truyen_thong", &rows, TEST, now).await.unwrap().unwrap();
                }
                5 => {
                    // The plan loaded again: IV.1 counted from the register or summed from the
                    // villages' reports, with another target now and then.
                    let mut plan = if steps.next(2) == 0 {
                        base.clone()
                    } else {
                        kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap()
                    };
                    if steps.next(2) == 0 {
                        let iv1 = plan.indicators.iter_mut().find(|i| i.code == "IV.1").unwrap();
                        iv1.target.value = Some(1.0 + steps.next(10) as f64);
                    }
                    store.import_plan(&plan, TEST).await.unwrap();
                }
                6 | 7 => {
                    // A village's Q1 report on IV.1 written, submitted, accepted or returned.
                    let unit = if steps.next(2) == 0 { "ban-a" } else { "ban-b" };
                    let current = store.report(PLAN, "2026-Q1", unit).await.unwrap();
                    let (state, action) = [
                        (ReportState::Draft, "report.save"),
                        (ReportState::Submitted, "report.submit"),
                        (ReportState::Accepted, "report.accept"),
                        (ReportState::Returned, "report.return"),
                    ][steps.next(4) as usize];
                    let body = ReportBody {
                        figures: vec![IndicatorFigure {
                            indicator: "IV.1".into(),
                            value: Some(steps.next(20) as f64),
                            note: String::new(),
                        }],
                        ..ReportBody::default()
                    };
                    let write = ReportWrite {
                        plan: PLAN,
                        period: "2026-Q1",
                        unit,
                        expected_version: current.map_or(0, |r| r.version),
                        state,
                        late: false,
                        body: &body,
                        return_reason: (state == ReportState::Returned).then_some("Thiếu số liệu"),
                        action,
                        now,
                    };
                    assert!(matches!(store.write_report(&write, TEST).await.unwrap(), WriteOutcome::Written(_)));
                }
                _ => {
                    let code = format!("ban-x{step}");
                    let unit = Unit { code, name: format!("Bản X{step} (mẫu)"), kind: UnitKind::Village, sample: true };
                    store.add_units("muong-la", &[unit], TEST).await.unwrap();
                }
            }
            for date in dates {
                let (kept, scratch) = both(&cached, &store, date).await;
                assert_eq!(kept, scratch, "step {step}, {date}");
                // Asked again with nothing changed: the kept copy, still equal.
                let (again, _) = both(&cached, &store, date).await;
                assert_eq!(again, scratch, "step {step}, {date}, kept");
            }
        }
    }
);
