//! Vietnamese all the way (issue 12): every page and every export, read in Vietnamese by each
//! role that can reach it, on the demonstration's data (its sample units and register records,
//! a report submitted, returned and sent again, a draft, an ad hoc request), shows no internal
//! key or code: no `snake_case` word, no `«…»` around a key, no interface key shown raw, no
//! state's stored name (`in_progress`, `submitted`), no number with a decimal point.
//!
//! The pages walked are the router's own list ([`kehoach_web::routes`]): a page added later is
//! walked too. A route that needs what the demonstration does not have (a file, a secret link)
//! is named in [`NOT_WALKED`] with the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::sync::Arc;

use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum_test::{TestResponse, TestServer};
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_domain::{Unit, UnitKind};
use kehoach_store::{Actor, RecordFilter, Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{Who, as_user, session_of};

#[path = "../../../kehoach/src/demo_registers.rs"]
#[allow(dead_code)]
mod demo_registers;

const PLAN: &str = "muong-la-2026";
const API: &str = "/api/v1/plans/muong-la-2026";

/// Routes the walk leaves out, and why.
const NOT_WALKED: &[(&str, &str)] = &[
    ("/api/", "the JSON API speaks to programs: its field names and codes are its contract"),
    ("/static/", "style sheets and scripts"),
    ("/lang/", "switches the language and sends back"),
    ("/files/{file}", "an evidence file is the user's own bytes"),
    ("/private/{secret}", "needs a unit's secret calendar link"),
    ("/healthz", "for monitoring, not people"),
    ("/certificate", "needs a recognised initiative (none in the demonstration)"),
    ("/scan.pdf", "the signed scan is the office's own PDF"),
];

/// The demonstration's world on its clock: 1 June 2026, 09:00 in Vietnam (Q2 open, due on 5 June).
async fn world(store: &Store) -> (TestServer, Vec<(&'static str, Who)>) {
    common::commune(store).await;
    let actor = Actor { name: "test", address: None };
    // Sơn La's province file: the province's pages are walked (issue 13).
    let son_la = include_str!("../../../../plans/son-la.toml");
    kehoach_app::province::load(&kehoach_app::App::at_system_time(store.clone()), son_la, actor).await.unwrap();
    let sample = |code: &str, name: &str, kind| Unit { code: code.into(), name: name.into(), kind, sample: true };
    store
        .add_units(
            "muong-la",
            &[
                sample("ban-mau-1", "Bản Mẫu Một (mẫu)", UnitKind::Village),
                sample("ban-mau-2", "Bản Mẫu Hai (mẫu)", UnitKind::Village),
                sample("tieu-khu-mau", "Tiểu khu Mẫu (mẫu)", UnitKind::Quarter),
                sample("htx-mau", "HTX Mẫu (mẫu)", UnitKind::Cooperative),
            ],
            actor,
        )
        .await
        .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0).unwrap();
    let added = demo_registers::seed(store, PLAN, now).await.unwrap();
    assert!(added > 20, "the demonstration's records: {added}");
    let server = TestServer::new(kehoach_web::router_at(store.clone(), Arc::new(FixedClock::new(now))));
    let mut people = Vec::new();
    for name in ["quan-tri", "lanh-dao", "dau-moi", "ban-a", "ban-b", "so-khcn"] {
        people.push((name, session_of(store, name).await));
    }
    // The Ministry, which reads the nation's view (issue 13).
    crate::nation::ministry(store, "bo-khcn", "$argon2id$unused".into()).await;
    people.push(("bo-khcn", session_of(store, "bo-khcn").await));
    let who = |n: &str| people.iter().find(|(p, _)| *p == n).map(|(_, w)| w.clone()).unwrap();
    let (village, officer) = (who("ban-a"), who("dau-moi"));

    // Bản A reports on Q2: a task under way, a figure with decimals; returned, then sent again.
    let report = format!("{API}/periods/2026-Q2/reports/ban-a");
    let mut body = as_user(server.get(&report), &village).await.json::<Value>()["body"].clone();
    for t in body["tasks"].as_array_mut().unwrap() {
        t["status"] = json!("in_progress");
        t["note"] = json!("Đã phổ biến tại họp bản");
    }
    for f in body["figures"].as_array_mut().unwrap() {
        f["value"] = json!(22.5);
    }
    body["difficulties"] = json!("Thiếu kinh phí");
    let r =
        as_user(server.post(&format!("{report}/submit")), &village).json(&json!({"version": 0, "body": body})).await;
    assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
    let r = as_user(server.post(&format!("{report}/return")), &officer)
        .json(&json!({"version": 1, "reason": "Bổ sung số liệu"}))
        .await;
    assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
    for t in body["tasks"].as_array_mut().unwrap() {
        t["status"] = json!("done");
    }
    for f in body["figures"].as_array_mut().unwrap() {
        f["value"] = json!(66.75);
    }
    let r =
        as_user(server.post(&format!("{report}/submit")), &village).json(&json!({"version": 2, "body": body})).await;
    assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
    let r = as_user(server.post(&format!("{report}/accept")), &officer).json(&json!({"version": 3})).await;
    assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
    // The commune's Q1 report: its text, the plan's number cited, sent, approved with units
    // missing, the signed scan attached.
    let q1 = format!("{API}/periods/2026-Q1/consolidation");
    let r = as_user(server.put(&q1), &officer)
        .json(&json!({"version": 0, "narrative": "Quý I, các bản đã tuyên truyền về chuyển đổi số."}))
        .await;
    assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
    let version = r.json::<Value>()["version"].clone();
    let r = as_user(server.put(&format!("{API}/reference")), &who("quan-tri"))
        .json(&json!({"number": "12", "issued_on": "2026-01-20"}))
        .await;
    assert!(r.status_code().is_success(), "{}", r.text());
    let r = as_user(server.post(&format!("{q1}/send")), &officer).json(&json!({"version": version})).await;
    assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
    let version = r.json::<Value>()["version"].clone();
    let r = as_user(server.post(&format!("{q1}/approve")), &who("lanh-dao"))
        .json(&json!({"version": version, "number": 1, "confirm_incomplete": true}))
        .await;
    assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
    // Bản B keeps a draft.
    let draft = format!("{API}/periods/2026-Q2/reports/ban-b");
    let body = as_user(server.get(&draft), &who("ban-b")).await.json::<Value>()["body"].clone();
    let r = as_user(server.put(&draft), &who("ban-b")).json(&json!({"version": 0, "body": body})).await;
    assert!(r.status_code().is_success(), "{}", r.text());
    // An ad hoc request to the villages.
    let deadline = Utc.with_ymd_and_hms(2026, 6, 10, 2, 0, 0).unwrap().to_rfc3339();
    let r = as_user(server.post(&format!("{API}/requests")), &officer)
        .json(&json!({"title": "Số liệu mô hình", "details": "Báo cáo các mô hình đang duy trì", "units": ["ban-a", "ban-b"],
            "questions": ["Có bao nhiêu hộ tham gia?"], "deadline": deadline}))
        .await;
    assert!(r.status_code().is_success(), "{}", r.text());
    // A record added and changed through the API, for the audit trail.
    let r = as_user(server.post(&format!("{API}/registers/truyen_thong/records")), &officer)
        .json(&json!({"unit": "vhxh", "date": "2026-05-20", "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số", "so_nguoi": 25}}))
        .await;
    assert_eq!(r.status_code(), StatusCode::CREATED, "{}", r.text());
    // Its audit row is at the application's time, not the machine's (issue 12, item 10).
    let id = r.json::<Value>()["id"].to_string();
    let trail = store.audit_trail("register_record", &id).await.unwrap();
    assert_eq!(trail.iter().map(|e| e.at).collect::<Vec<_>>(), [now], "{trail:?}");
    (server, people)
}

/// The concrete paths of a route pattern in the demonstration's world; none when the walk
/// leaves the route out.
fn paths(pattern: &str, records: &BTreeMap<String, Vec<i32>>, task: &str) -> Vec<String> {
    if NOT_WALKED.iter().any(|(p, _)| pattern.contains(p)) {
        return Vec::new();
    }
    let mut out = vec![pattern.replace("{plan}", PLAN)];
    let mut expand = |name: &str, values: &[String]| {
        if out.iter().any(|p| p.contains(name)) {
            out = out.iter().flat_map(|p| values.iter().map(move |v| p.replace(name, v))).collect();
        }
    };
    expand("{period}", &["2026-Q1".into(), "2026-Q2".into(), "2026-R1".into(), "2026-Y".into()]);
    expand("{unit}", &["ban-a".into(), "ban-b".into(), "vhxh".into()]);
    let code = if pattern.contains("/indicators/") { "IV.1".to_owned() } else { task.to_owned() };
    expand("{code}", &[code]);
    expand("{user}", &["ban-a".into()]);
    expand("{version}", &["1".into()]);
    expand("{province}", &["son-la".into()]);
    expand("{commune}", &["03808".into()]);
    // One province indicator of each rule.
    let indicators = ["sang-kien", "ty-le-cbcc-tuyen-truyen", "can-bo-dau-moi", "ung-dung-cntt"];
    expand("{indicator}", &indicators.map(String::from));
    // A register's pages, and a record of it (the newest).
    let mut with_records = Vec::new();
    for p in out {
        if !p.contains("{register}") {
            with_records.push(p);
            continue;
        }
        for (register, ids) in records {
            let p = p.replace("{register}", register);
            match ids.first() {
                Some(id) => with_records.push(p.replace("{id}", &id.to_string()).replace("{record}", &id.to_string())),
                None if !p.contains("{id}") => with_records.push(p),
                None => {}
            }
        }
    }
    with_records.into_iter().map(|p| p.replace("{record}", "1").replace("{id}", "1")).collect()
}

/// What a reader sees of a page: its text and the texts of its labels (title, placeholder,
/// alt, aria-label), without tags, scripts or styles.
fn visible(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        for hidden in ["<script", "<style"] {
            if rest.starts_with(hidden) {
                let close = format!("</{}>", &hidden[1..]);
                rest = rest.find(&close).map_or("", |e| &rest[e + close.len()..]);
            }
        }
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..end];
        for attr in ["title=\"", "placeholder=\"", "alt=\"", "aria-label=\""] {
            if let Some(a) = tag.find(&format!(" {attr}")) {
                let value = &tag[a + attr.len() + 1..];
                out.push(' ');
                out.push_str(value.split('"').next().unwrap_or(""));
            }
        }
        out.push(' ');
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#34;", "\"")
        .replace("&#38;", "&")
}

/// The text of a .docx: its paragraphs' runs.
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a .docx is a zip");
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().to_owned();
        if name.starts_with("word/") && name.ends_with(".xml") {
            let mut xml = String::new();
            file.read_to_string(&mut xml).unwrap();
            text.push_str(&visible(&xml.replace("</w:p>", "\n</w:p>")));
        }
    }
    text
}

/// What a calendar application shows of a calendar: its name, its events' titles, places and
/// descriptions (not the format's own fields, such as `VERSION:2.0`).
fn calendar_text(ics: &str) -> String {
    let unfolded = ics.replace("\r\n ", "").replace("\n ", "");
    unfolded
        .lines()
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            let name = name.split(';').next().unwrap_or(name);
            ["NAME", "X-WR-CALNAME", "SUMMARY", "DESCRIPTION", "LOCATION"]
                .contains(&name)
                .then(|| value.replace("\\n", "\n").replace("\\,", ","))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cells of every sheet of an .xlsx.
fn xlsx_text(bytes: &[u8]) -> String {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an .xlsx");
    let mut text = String::new();
    for name in book.sheet_names() {
        text.push_str(&name);
        text.push('\n');
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                // Numbers are numbers in a spreadsheet: its reader shows them in the reader's
                // locale; only text cells are words.
                if let calamine::Data::String(s) = cell {
                    text.push_str(s);
                }
                text.push_str(" | ");
            }
            text.push('\n');
        }
    }
    text
}

/// Every key of the interface's texts.
fn interface_keys() -> BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../app/locales/vi");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines().filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(" =")) {
            let key = line.split(" =").next().unwrap_or("").trim();
            if key.contains('-') {
                keys.insert(key.to_owned());
            }
        }
    }
    keys
}

/// Stored names of states and roles that must never reach a Vietnamese reader.
const STORED_NAMES: &[&str] = &[
    "not_started",
    "in_progress",
    "done",
    "ongoing",
    "draft",
    "submitted",
    "accepted",
    "returned",
    "achieved",
    "on_track",
    "at_risk",
    "behind",
    "not_measurable",
    "submitted_on_time",
    "submitted_late",
    "missing",
    "admin",
    "lanh_dao",
    "dau_moi",
    "don_vi",
    "cap_tren",
];

/// The words of a text, split at anything that is not a letter, a digit, `_`, `-` or `.`.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map(|w| w.trim_matches(|c| c == '.' || c == '-'))
        .filter(|w| !w.is_empty())
}

fn is_snake(w: &str) -> bool {
    w.contains('_')
        && w.split('_').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

/// "22.5" or "3.14": a number with a decimal point, where Vietnamese writes a comma (the dot
/// of "1.234" groups thousands, and a code such as "I.1" or "2.1.3" is not a number).
fn is_decimal_point(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() == 2
        && !parts[0].is_empty()
        && parts[0].chars().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&parts[1].len())
        && parts[1].chars().all(|c| c.is_ascii_digit())
}

/// What in `text` looks like an internal key or code.
fn codes_in(text: &str, keys: &BTreeSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    if text.contains("Unknown localization") {
        found.push("a missing interface text".to_owned());
    }
    for w in words(text) {
        if is_snake(w) {
            found.push(format!("snake_case word `{w}`"));
        } else if keys.contains(w) {
            found.push(format!("interface key shown raw `{w}`"));
        } else if STORED_NAMES.contains(&w) {
            found.push(format!("stored name `{w}`"));
        } else if is_decimal_point(w) {
            found.push(format!("decimal point `{w}`"));
        }
    }
    let mut rest = text;
    while let Some(start) = rest.find('«') {
        let inner = &rest[start + '«'.len_utf8()..];
        let Some(end) = inner.find('»') else { break };
        let quoted = &inner[..end];
        if !quoted.is_empty()
            && quoted.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        {
            found.push(format!("key in «…»: «{quoted}»"));
        }
        rest = &inner[end..];
    }
    found.sort();
    found.dedup();
    found
}

/// What in an English page is not English as it should be: an interface key shown raw, a text
/// missing, a plural left singular ("1 records").
fn english_slips(text: &str, keys: &BTreeSet<String>) -> Vec<String> {
    let mut found: Vec<String> =
        words(text).filter(|w| keys.contains(*w)).map(|w| format!("interface key `{w}`")).collect();
    if text.contains("Unknown localization") {
        found.push("a missing interface text".to_owned());
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for plural in ["records", "units", "days", "hours", "members", "items", "reports", "minutes", "files"] {
        if flat.contains(&format!(" 1 {plural}")) || flat.starts_with(&format!("1 {plural}")) {
            found.push(format!("`1 {plural}`"));
        }
    }
    if flat.contains("(s)") {
        found.push("a plural as `(s)`".to_owned());
    }
    found
}

/// The words of an answer as its reader gets them, by its type; none for what is not words.
fn text_of(r: &TestResponse) -> Option<String> {
    let kind = r.maybe_header("content-type").and_then(|v| v.to_str().ok().map(str::to_owned)).unwrap_or_default();
    if kind.starts_with("text/html") {
        Some(visible(&r.text()))
    } else if kind.starts_with("text/csv") || kind.starts_with("text/plain") {
        Some(r.text())
    } else if kind.starts_with("text/calendar") {
        Some(calendar_text(&r.text()))
    } else if kind.contains("spreadsheetml") {
        Some(xlsx_text(r.as_bytes()))
    } else if kind.contains("wordprocessingml") {
        Some(docx_text(r.as_bytes()))
    } else {
        None
    }
}

/// A snippet of `text` around `needle`, for the failure message.
fn around(text: &str, needle: &str) -> String {
    let w = needle.split('`').nth(1).or_else(|| needle.split('«').nth(1)).unwrap_or(needle).trim_end_matches('»');
    let at = text.find(w).unwrap_or(0);
    let start = text.floor_char_boundary(at.saturating_sub(60));
    let end = text.ceil_char_boundary((at + w.len() + 60).min(text.len()));
    text[start..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

on_both_databases!(
    /// Every page and export, as each role that reaches it, in Vietnamese: no internal code.
    async fn every_page_and_export_reads_in_vietnamese(store) {
        let (server, people) = world(&store).await;
        let keys = interface_keys();
        assert!(keys.len() > 300, "interface keys: {}", keys.len());
        let mut records: BTreeMap<String, Vec<i32>> = BTreeMap::new();
        for def in kehoach_domain::register::REGISTERS {
            let filter = RecordFilter { register: Some(def.key), unit: None, from: None, to: None, ids: None, limit: Some(1) };
            let ids = store.records(PLAN, &filter).await.unwrap().into_iter().map(|r| r.record.id).collect();
            records.insert(def.key.to_owned(), ids);
        }
        let task = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap().tasks[0].code.clone();
        let routes = kehoach_web::routes();
        // Each problem once, with where it was seen.
        let mut problems: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
        let mut read = 0;
        let mut unread = Vec::new();
        let mut kinds = BTreeSet::new();
        for rule in routes.rules().iter().filter(|r| r.method == Method::GET) {
            let paths = paths(rule.path, &records, &task);
            let mut reached = paths.is_empty();
            for path in paths {
                let anonymous = [("(anonymous)", None)];
                let signed = people.iter().map(|(name, who)| (*name, Some(who)));
                for (name, who) in anonymous.into_iter().chain(signed) {
                    let mut request = server.get(&path);
                    request = request.add_header(HeaderName::from_static("accept-language"), HeaderValue::from_static("vi"));
                    if let Some(who) = who {
                        request = as_user(request, who);
                    }
                    let r = request.await;
                    if r.status_code() != StatusCode::OK {
                        // A refusal or a page not found is a page too: in words.
                        if r.status_code().is_client_error()
                            && let Some(text) = text_of(&r)
                        {
                            for found in codes_in(&text, &keys) {
                                let seen = problems
                                    .entry(found.clone())
                                    .or_insert_with(|| (around(&text, &found), BTreeSet::new()));
                                seen.1.insert(format!("{path} ({name}, {})", r.status_code()));
                            }
                        }
                        continue;
                    }
                    reached = true;
                    let Some(text) = text_of(&r) else { continue };
                    read += 1;
                    kinds.insert(r.maybe_header("content-type").map(|v| v.to_str().unwrap_or("").split(';').next().unwrap_or("").to_owned()));
                    for found in codes_in(&text, &keys) {
                        let seen = problems.entry(found.clone()).or_insert_with(|| (around(&text, &found), BTreeSet::new()));
                        seen.1.insert(format!("{path} ({name})"));
                    }
                    // The same page in English: no key, no plural left singular.
                    if let (Some(who), true) = (who, text_of(&r).is_some() && r.text().starts_with("<!")) {
                        let english = as_user(server.get(&format!("{path}?lang=en")), who).await;
                        let text = visible(&english.text());
                        for found in english_slips(&text, &keys) {
                            let found = format!("English: {found}");
                            let seen = problems.entry(found.clone()).or_insert_with(|| (around(&text, &found), BTreeSet::new()));
                            seen.1.insert(format!("{path}?lang=en ({name})"));
                        }
                    }
                }
            }
            if !reached {
                unread.push(rule.path);
            }
        }
        println!("walked {read} pages and exports in Vietnamese; {} problems", problems.len());
        let report: Vec<String> = problems
            .iter()
            .map(|(found, (snippet, seen))| {
                let some: Vec<&String> = seen.iter().take(3).collect();
                format!("{found} — on {} pages, e.g. {some:?}: …{snippet}…", seen.len())
            })
            .collect();
        assert!(problems.is_empty(), "internal codes shown to readers:\n{}", report.join("\n"));
        assert!(read > 200, "pages and exports read: {read}");
        for kind in ["text/html", "text/csv", "text/calendar"] {
            assert!(kinds.contains(&Some(kind.to_owned())), "no {kind} read: {kinds:?}");
        }
        assert!(kinds.iter().flatten().any(|k| k.contains("spreadsheetml")), "no .xlsx read: {kinds:?}");
        assert!(kinds.iter().flatten().any(|k| k.contains("wordprocessingml")), "no .docx read: {kinds:?}");
        assert!(unread.is_empty(), "routes no role could read in the demonstration (say why in NOT_WALKED): {unread:?}");
    }
);

/// The detector itself: what it flags and what it lets through.
#[test]
fn the_detector_knows_a_code_from_a_word() {
    let keys = BTreeSet::from(["report-title".to_owned()]);
    assert!(codes_in("Nhiệm vụ I.1 – trạng thái: Chưa bắt đầu → Đang thực hiện", &keys).is_empty());
    assert!(codes_in("Kết quả 66,7% · 1.234 người · mục I.2 · 05/03/2026 · ban-a", &keys).is_empty());
    assert_eq!(codes_in("task I.1 status: «not_started» → «in_progress»", &keys).len(), 4);
    assert_eq!(codes_in("register.add · register_record 41", &keys), ["snake_case word `register_record`"]);
    assert_eq!(codes_in("Tiêu đề report-title", &keys), ["interface key shown raw `report-title`"]);
    assert_eq!(codes_in("IV.1: 22.5", &keys), ["decimal point `22.5`"]);
    assert_eq!(codes_in("Trạng thái: submitted", &keys), ["stored name `submitted`"]);
    assert_eq!(english_slips("Register: 1 records, 2 records", &keys), ["`1 records`"]);
    assert!(english_slips("1 record, 2 records, 3 units", &keys).is_empty());
    let shown =
        visible("<p title=\"Gợi ý\">Xin <b>chào</b></p><script>var in_progress;</script><a href=\"/x_y\">z</a>");
    assert!(shown.contains("Gợi ý") && shown.contains("chào") && shown.contains('z'), "{shown}");
    assert!(!shown.contains("in_progress") && !shown.contains("x_y"), "{shown}");
}

on_both_databases!(
    /// A register keeps what happened (docs/progress.md, "Register dates"): on 1 March 2026 a
    /// record dated 2 March is refused in Vietnamese words, beside its date on the form, by the
    /// API and in an import, and nothing is written; one dated today is kept. The reminders a
    /// focal officer copies go out in Vietnamese whatever language the officer reads.
    async fn a_record_dated_after_today_is_refused_everywhere_and_reminders_stay_vietnamese(store) {
        common::commune(&store).await;
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap();
        let server = TestServer::new(kehoach_web::router_at(store.clone(), Arc::new(FixedClock::new(now))));
        let officer = session_of(&store, "dau-moi").await;
        let said = "Ngày thực hiện: không được sau ngày hôm nay (01/03/2026)";
        let count = || async {
            let filter = RecordFilter { register: Some("truyen_thong"), ..RecordFilter::default() };
            store.records(PLAN, &filter).await.unwrap().len()
        };

        let record = |date: &str| json!({"unit": "vhxh", "date": date, "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số"}});
        let r = as_user(server.post(&format!("{API}/registers/truyen_thong/records")), &officer).json(&record("2026-03-02")).await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains(said), "{}", r.text());
        let page = "/plans/muong-la-2026/registers/truyen_thong";
        let r = as_user(server.post(page), &officer)
            .form(&[("unit", "vhxh"), ("date", "02/03/2026"), ("f.kenh", "hop_ban"), ("f.chu_de", "Chuyển đổi số")])
            .await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("không được sau ngày hôm nay (01/03/2026)"), "beside the date: {}", r.text());
        assert!(r.text().contains("02/03/2026"), "the date as typed is kept");
        let csv = "Mã đơn vị,Ngày thực hiện,Hình thức,\"Nội dung, chủ đề\"\nvhxh,01/03/2026,hop_ban,Một\nvhxh,02/03/2026,hop_ban,Hai\n";
        let r = as_user(server.post(&format!("{API}/registers/truyen_thong/import")), &officer)
            .content_type("text/csv")
            .bytes(csv.as_bytes().to_vec().into())
            .await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains(&format!("Dòng 3, {said}")), "{}", r.text());
        assert_eq!(count().await, 0, "nothing written");
        let r = as_user(server.post(&format!("{API}/registers/truyen_thong/records")), &officer).json(&record("2026-03-01")).await;
        assert_eq!(r.status_code(), StatusCode::CREATED, "today is kept: {}", r.text());
        assert_eq!(count().await, 1);

        // The reminders page read in English: its own words English, the messages Vietnamese.
        let r = as_user(server.get("/plans/muong-la-2026/periods/2026-Q1/reminders?lang=en"), &officer).await;
        assert_eq!(r.status_code(), StatusCode::OK);
        let page = r.text();
        assert!(page.contains("Reminders"), "the page in English");
        assert!(page.contains("Kính gửi Bản A (mẫu): đề nghị đơn vị gửi báo cáo Quý 1 2026"), "{page}");
        assert!(!page.contains("please send your"), "no message in English");
    }
);

/// Every interface key named in a template or in the code (`t.get("…")`, `t.with("…", …)`,
/// `t.args("…", …)`, `Msg::new("…")`, `AppError::invalid("…")` …) is worded in both languages,
/// so that no page shows a key or "Unknown localization" for a text nobody wrote.
#[test]
fn every_key_named_is_worded_in_both_languages() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let keys_of = |lang: &str| -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for entry in std::fs::read_dir(format!("{root}/app/locales/{lang}")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines().filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(" =")) {
                keys.insert(line.split(" =").next().unwrap_or("").trim().to_owned());
            }
        }
        keys
    };
    let (vi, en) = (keys_of("vi"), keys_of("en"));
    let mut files = Vec::new();
    let mut dirs = vec![format!("{root}/web/templates"), format!("{root}/web/src"), format!("{root}/app/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path.to_string_lossy().into_owned());
            } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                files.push(path);
            }
        }
    }
    let calls = [".get(\"", ".with(\"", ".args(\"", "Msg::new(\"", "::invalid(\"", "::refused(\"", "::conflict(\""];
    let mut named = 0;
    let mut missing = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for call in calls {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                let Some(end) = rest.find('"') else { continue };
                let key = &rest[..end];
                // Only interface keys: lower-case words joined by hyphens (not a header name or
                // a query parameter such as "kind").
                let shaped = key.contains('-')
                    && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !key.starts_with('-');
                if !shaped || key.starts_with("x-") || key.starts_with("content-") {
                    continue;
                }
                named += 1;
                if !vi.contains(key) || !en.contains(key) {
                    let name = file.file_name().unwrap().to_string_lossy().into_owned();
                    missing.insert(format!("{key} ({name})"));
                }
            }
        }
    }
    assert!(named > 300, "keys named: {named}");
    assert!(missing.is_empty(), "keys named but not worded in both languages: {missing:?}");
}

/// Every action the store writes to the audit trail reads in words on its page: an action
/// added later without its words would read "Thay đổi khác".
#[test]
fn every_audited_action_has_its_words() {
    use kehoach_app::present::Tr;
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let prefixes =
        ["register.", "report.", "commune_report.", "document.", "initiative.", "plan.", "request.", "unit.", "user."];
    let not_actions = [".html", ".toml", ".docx", ".csv", ".xlsx", ".pdf", ".ics", ".json", ".rs", ".md"];
    let mut actions = BTreeSet::new();
    for dir in ["store/src", "app/src"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for literal in text.split('"').skip(1).step_by(2) {
                let shaped = literal.contains('.')
                    && literal.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                    && prefixes.iter().any(|p| literal.starts_with(p))
                    && !not_actions.iter().any(|x| literal.ends_with(x));
                if shaped {
                    actions.insert(literal.to_owned());
                }
            }
        }
    }
    assert!(actions.len() > 25, "{actions:?}");
    let other = Tr::new(kehoach_domain::Lang::Vi).get("audit-action-other");
    let unworded: Vec<&String> = actions
        .iter()
        .filter(|a| kehoach_app::audit::action_words(&Tr::new(kehoach_domain::Lang::Vi), a) == other)
        .collect();
    assert!(unworded.is_empty(), "audit actions without words (app::audit::action_words, main.ftl): {unworded:?}");
    // And every kind of record the store names.
    let mut kinds = BTreeSet::new();
    for entry in std::fs::read_dir(format!("{root}/store/src")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        for (at, _) in text.match_indices("record_kind: \"") {
            let rest = &text[at + "record_kind: \"".len()..];
            kinds.insert(rest[..rest.find('"').unwrap_or(0)].to_owned());
        }
    }
    assert!(kinds.len() > 8, "{kinds:?}");
    let unknown: Vec<&String> = kinds.iter().filter(|k| !kehoach_app::audit::KINDS.contains(&k.as_str())).collect();
    assert!(unknown.is_empty(), "kinds of audited record without words (app::audit::KINDS): {unknown:?}");
}
