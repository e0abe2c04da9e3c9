//! The audit trail as its readers ask for it: the rows of their commune (or province), by
//! record, user and day — days in the time zone of the plans they work on — and each row in
//! words ("Thêm bản ghi sổ theo dõi · Sổ tuyên truyền, bản ghi số 41"), never its stored keys.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use kehoach_docs::docx::report as report_doc;
use kehoach_domain::report::{ReportBody, diff};
use kehoach_domain::{Lang, Principal, register};
use kehoach_store::{AuditEntry, AuditFilter};
use serde::Deserialize;
use serde_json::Value;

use crate::App;
use crate::error::AppError;
use crate::present::{Tr, change_line, period_label};

/// The filters, as the page's form and `GET /api/v1/audit` send them.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    /// Kind of record: `plan`, `unit`, `user`.
    pub kind: Option<String>,
    /// The record's key, e.g. `muong-la/ban-a`.
    pub key: Option<String>,
    /// Who made the change.
    pub actor: Option<String>,
    /// From this day (inclusive), `YYYY-MM-DD`.
    pub from: Option<String>,
    /// To this day (inclusive), `YYYY-MM-DD`.
    pub to: Option<String>,
}

fn day(text: &Option<String>) -> Result<Option<NaiveDate>, AppError> {
    match text.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some).map_err(|_| AppError::invalid("audit-bad-date")),
    }
}

/// The time zone the reader's days are in: that of a plan of their commune (or province). The
/// audit trail spans plans, not one; the plans of one place share their zone.
pub async fn zone_of(state: &App, who: &Principal) -> Result<Tz, AppError> {
    let Some(summary) = crate::plans::of_place(state, who).await?.into_iter().next() else { return Ok(Tz::UTC) };
    Ok(state.store.plan(&summary.id).await?.map_or(Tz::UTC, |plan| crate::present::plan_zone(&plan)))
}

/// The reader's audit trail as asked: its rows (at most 200, newest first) and the zone their
/// days are in.
pub async fn trail(state: &App, who: &Principal, q: &AuditQuery) -> Result<(Vec<AuditEntry>, Tz), AppError> {
    let zone = zone_of(state, who).await?;
    Ok((state.store.audit(&filter(q, who, zone)?).await?, zone))
}

/// A page of the reader's audit trail: at most `limit` rows before the row `before`.
pub async fn page(
    state: &App,
    who: &Principal,
    q: &AuditQuery,
    before: Option<i32>,
    limit: u64,
) -> Result<Vec<AuditEntry>, AppError> {
    let zone = zone_of(state, who).await?;
    let filter = AuditFilter { limit, ..filter(q, who, zone)? };
    Ok(state.store.audit_before(&filter, before).await?)
}

/// The store's filter for the reader: their commune's rows (or their province's), narrowed by
/// the query, the days taken in `zone`.
pub fn filter(q: &AuditQuery, who: &Principal, zone: Tz) -> Result<AuditFilter, AppError> {
    let text = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let start_of = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0).and_then(|t| zone.from_local_datetime(&t).earliest()).map(|t| t.with_timezone(&Utc))
    };
    let from = day(&q.from)?;
    let to = day(&q.to)?;
    Ok(AuditFilter {
        communes: who.commune.clone().map(|c| vec![c]),
        province: Some(who.province.clone()),
        record_kind: text(&q.kind),
        record_key: text(&q.key),
        actor: text(&q.actor),
        from: from.and_then(start_of),
        to: to.and_then(|d| d.succ_opt()).and_then(start_of),
        limit: 200,
    })
}

/// The kinds of record the trail holds, in the order the filter lists them.
pub const KINDS: [&str; 13] = [
    "register_record",
    "register",
    "report",
    "commune_report",
    "plan",
    "unit",
    "user",
    "initiative",
    "initiative_round",
    "request",
    "document",
    "province_handoff",
    "province",
];

/// A kind of record in words: "Bản ghi sổ theo dõi".
pub fn kind_words(t: &Tr, kind: &str) -> String {
    if matches!(kind, "province_handoff" | "province") {
        // The hand-off to the province (issue 13) keeps its words in handoff.ftl.
        t.get(&format!("handoff-audit-kind-{}", kind.replace('_', "-")))
    } else if KINDS.contains(&kind) {
        t.get(&format!("audit-kind-{}", kind.replace('_', "-")))
    } else {
        t.get("audit-action-other")
    }
}

/// The names a trail's rows are worded with: units and plans by their codes.
#[derive(Debug, Default, Clone)]
pub struct Names {
    pub units: BTreeMap<String, String>,
    pub plans: BTreeMap<String, String>,
    /// The communes by their code in the province: "xã Mường La".
    pub communes: BTreeMap<String, String>,
}

/// The names of the reader's place: the units of its communes, its plans' titles.
pub async fn names(state: &App, who: &Principal) -> Result<Names, AppError> {
    let mut names = Names::default();
    for summary in crate::plans::of_place(state, who).await? {
        let commune = format!("{}/{}", summary.commune.province_code, summary.commune.code);
        for unit in state.store.units(&commune).await? {
            names.units.insert(unit.code, unit.name);
        }
        names.plans.insert(summary.id.clone(), summary.title.clone());
        names
            .communes
            .insert(summary.commune.code.clone(), format!("{} {}", summary.commune.kind, summary.commune.name));
    }
    Ok(names)
}

/// One row of the trail as people read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// "05/03/2026 14:30:00" in the reader's zone.
    pub at: String,
    pub actor: String,
    pub address: String,
    /// "Thêm bản ghi sổ theo dõi".
    pub action: String,
    /// "Sổ tuyên truyền, bản ghi số 41".
    pub record: String,
    /// What changed, a line each: "Ngày thực hiện: 01/03/2026 → 02/03/2026".
    pub details: Vec<String>,
}

/// A row of the trail in words.
pub fn line(t: &Tr, names: &Names, e: &AuditEntry, zone: Tz) -> Line {
    let before = e.before_json.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok());
    let after = e.after_json.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok());
    Line {
        at: e.at.with_timezone(&zone).format("%d/%m/%Y %H:%M:%S").to_string(),
        actor: actor_words(t, &e.actor),
        address: e.address.clone().unwrap_or_default(),
        action: action_words(t, &e.action),
        record: record_words(t, names, e, before.as_ref().or(after.as_ref())),
        details: details(t, names, &e.record_kind, before.as_ref(), after.as_ref()),
    }
}

/// Who made a change: a user by their user name; the program itself (`system`) and the
/// operator's console (`cli`) in words.
pub fn actor_words(t: &Tr, actor: &str) -> String {
    match actor {
        "system" => t.get("audit-actor-system"),
        "cli" => t.get("audit-actor-cli"),
        name => name.to_owned(),
    }
}

/// "register.add" → "Thêm bản ghi sổ theo dõi"; an action not known here is "Thay đổi khác".
pub fn action_words(t: &Tr, action: &str) -> String {
    const KNOWN: [&str; 34] = [
        "register.add",
        "register.generate",
        "register.update",
        "register.delete",
        "register.import",
        "register.system_field",
        "register.file.add",
        "register.file.remove",
        "report.generate",
        "report.save",
        "report.submit",
        "report.accept",
        "report.return",
        "report.reopen",
        "report.file.add",
        "report.file.remove",
        "commune_report.save",
        "commune_report.send",
        "commune_report.approve",
        "commune_report.reopen",
        "commune_report.scan",
        "document.number",
        "initiative.open_round",
        "initiative.score",
        "initiative.decide",
        "initiative.close_round",
        "plan.import",
        "plan.update",
        "plan.drop_units",
        "plan.reference",
        "request.create",
        "unit.add",
        "unit.contact",
        "unit.calendar_secret",
    ];
    const USERS: [&str; 4] = ["user.add", "user.change_password", "user.disable", "user.reset_password"];
    const PROVINCE: [&str; 4] = ["province.send", "province.accept", "province.return", "province.load"];
    if PROVINCE.contains(&action) {
        return t.get(&format!("handoff-audit-action-{}", action.replace(['.', '_'], "-")));
    }
    if KNOWN.contains(&action) || USERS.contains(&action) {
        t.get(&format!("audit-action-{}", action.replace(['.', '_'], "-")))
    } else {
        t.get("audit-action-other")
    }
}

fn register_name(t: &Tr, key: &str) -> Option<String> {
    register::register(key).map(|d| d.name(t.lang).to_owned())
}

fn unit_name(names: &Names, code: &str) -> String {
    names.units.get(code).cloned().unwrap_or_else(|| code.to_owned())
}

/// The record a row is about, in words.
fn record_words(t: &Tr, names: &Names, e: &AuditEntry, json: Option<&Value>) -> String {
    let kind = kind_words(t, &e.record_kind);
    let key = e.record_key.as_str();
    let last = |k: &str| k.rsplit('/').next().unwrap_or(k).to_owned();
    match e.record_kind.as_str() {
        "register_record" => {
            let register = json
                .and_then(|j| j.get("register"))
                .and_then(Value::as_str)
                .and_then(|r| register_name(t, r))
                .unwrap_or(kind);
            t.args("audit-record-numbered", &[("what", register), ("id", key.to_owned())])
        }
        "initiative" => t.args("audit-record-numbered", &[("what", kind), ("id", key.to_owned())]),
        "register" => register_name(t, key).unwrap_or(kind),
        "report" => {
            // plan/period/unit
            let parts: Vec<&str> = key.split('/').collect();
            match parts.as_slice() {
                [_, period, unit] => t.args(
                    "audit-record-of",
                    &[
                        ("what", format!("{} {}", t.get("report-title"), period_label(t, period))),
                        ("whose", unit_name(names, unit)),
                    ],
                ),
                _ => kind,
            }
        }
        "commune_report" => format!("{} — {}", kind, period_label(t, &last(key))),
        "request" => period_label(t, &last(key)),
        "initiative_round" => t.args("audit-record-year", &[("what", kind), ("year", last(key))]),
        "plan" => names.plans.get(key).map_or(kind.clone(), |title| format!("{kind}: {title}")),
        "unit" => format!("{kind}: {}", unit_name(names, &last(key))),
        "user" | "document" => format!("{kind}: {key}"),
        // commune/period: the commune's name is in the row itself.
        "province_handoff" => {
            let code = key.split('/').next().unwrap_or_default();
            let commune = names.communes.get(code).cloned().unwrap_or_else(|| code.to_owned());
            t.args(
                "handoff-audit-record-of",
                &[("what", kind), ("period", period_label(t, &last(key))), ("commune", commune)],
            )
        }
        "province" => {
            let name = json.and_then(|j| j.get("name")).and_then(Value::as_str).unwrap_or(key);
            format!("{kind}: {name}")
        }
        _ => kind,
    }
}

/// What changed, in words, for the rows people need to read it for: a register record's
/// fields, a unit report's content and state. Other rows keep their details for the API.
fn details(t: &Tr, names: &Names, kind: &str, before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    match kind {
        "register_record" => record_details(t, names, before, after),
        "report" => report_details(t, before, after),
        "province_handoff" => handoff_details(t, after),
        _ => Vec::new(),
    }
}

fn record_details(t: &Tr, names: &Names, before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let Some(def) =
        after.or(before).and_then(|j| j.get("register")).and_then(Value::as_str).and_then(register::register)
    else {
        return Vec::new();
    };
    let lang = t.lang;
    let day = |j: Option<&Value>| {
        j.and_then(|j| j.get("date"))
            .and_then(Value::as_str)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(crate::present::day)
            .unwrap_or_default()
    };
    let unit = |j: Option<&Value>| {
        j.and_then(|j| j.get("unit")).and_then(Value::as_str).map(|u| unit_name(names, u)).unwrap_or_default()
    };
    let mut rows = vec![
        (t.get("register-unit"), unit(before), unit(after)),
        (def.date_label(lang).to_owned(), day(before), day(after)),
    ];
    let fields = |j: Option<&Value>| j.and_then(|j| j.get("fields")).cloned();
    let (old, new) = (fields(before), fields(after));
    for f in def.fields {
        let shown = |v: &Option<Value>| {
            let value = v.as_ref().and_then(|m| m.get(f.key));
            if value.is_none_or(Value::is_null) { String::new() } else { register::display(f, value, lang) }
        };
        rows.push((f.label(lang).to_owned(), shown(&old), shown(&new)));
    }
    worded(t, rows, before.is_some(), after.is_some())
}

fn report_details(t: &Tr, before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let body = |j: Option<&Value>| {
        j.and_then(|j| j.get("body")).and_then(|b| serde_json::from_value::<ReportBody>(b.clone()).ok())
    };
    let state = |j: Option<&Value>| {
        j.and_then(|j| j.get("state"))
            .and_then(Value::as_str)
            .map(|s| t.get(&format!("report-state-{s}")))
            .unwrap_or_default()
    };
    let reason = |j: Option<&Value>| {
        j.and_then(|j| j.get("return_reason")).and_then(Value::as_str).unwrap_or_default().to_owned()
    };
    let mut lines = worded(
        t,
        vec![
            (t.get("report-status"), state(before), state(after)),
            (t.get("field-reason"), reason(before), reason(after)),
        ],
        true,
        true,
    );
    if let Some(new) = body(after) {
        let old = body(before).unwrap_or_default();
        lines.extend(diff(&old, &new).iter().map(|c| change_line(t, c)));
    }
    lines
}

/// A sending to the province and its decision: the version and number sent, the reason of a
/// return.
fn handoff_details(t: &Tr, after: Option<&Value>) -> Vec<String> {
    let Some(after) = after else { return Vec::new() };
    let mut lines = Vec::new();
    if let Some(version) = after.get("version").and_then(Value::as_i64) {
        let number = after.get("number").and_then(Value::as_i64).unwrap_or_default();
        lines.push(t.args(
            "handoff-audit-version",
            &[("version", version.to_string()), ("number", format!("{number:02}/{}", report_doc::SYMBOL))],
        ));
    }
    if let Some(reason) = after.get("reason").and_then(Value::as_str).filter(|r| !r.trim().is_empty()) {
        lines.push(t.with("handoff-audit-reason", "reason", reason));
    }
    lines
}

/// Label, before, after → the lines that changed: "Label: before → after"; for a creation
/// "Label: value", for a removal "Label: value" as it was.
fn worded(t: &Tr, rows: Vec<(String, String, String)>, had_before: bool, has_after: bool) -> Vec<String> {
    let empty = |s: String| if s.trim().is_empty() { t.get("change-empty") } else { s };
    rows.into_iter()
        .filter_map(|(label, b, a)| match (had_before, has_after) {
            (true, true) if b != a => {
                Some(t.args("change-line", &[("what", label), ("before", empty(b)), ("after", empty(a))]))
            }
            (false, true) if !a.trim().is_empty() => Some(format!("{label}: {a}")),
            (true, false) if !b.trim().is_empty() => Some(format!("{label}: {b}")),
            _ => None,
        })
        .collect()
}

/// The rows in words for the page, in the reader's language.
pub async fn lines(
    state: &App,
    who: &Principal,
    entries: &[AuditEntry],
    zone: Tz,
    lang: Lang,
) -> Result<Vec<Line>, AppError> {
    let names = names(state, who).await?;
    let t = Tr::new(lang);
    Ok(entries.iter().map(|e| line(&t, &names, e, zone)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kehoach_domain::Role;

    #[test]
    fn days_start_at_midnight_in_the_plans_zone() {
        let who = Principal {
            user_id: 1,
            username: "quan-tri".into(),
            full_name: "Q".into(),
            role: Role::Admin,
            province: "son-la".into(),
            commune: Some("muong-la".into()),
            unit: None,
        };
        let q = AuditQuery { from: Some("2026-03-05".into()), to: Some("2026-03-05".into()), ..AuditQuery::default() };
        let f = filter(&q, &who, chrono_tz::Asia::Ho_Chi_Minh).expect("good days");
        assert_eq!(f.from, Some(Utc.with_ymd_and_hms(2026, 3, 4, 17, 0, 0).unwrap()));
        assert_eq!(f.to, Some(Utc.with_ymd_and_hms(2026, 3, 5, 17, 0, 0).unwrap()));
        assert_eq!(f.communes, Some(vec!["muong-la".to_owned()]));
        let bad = AuditQuery { from: Some("05/03/2026".into()), ..AuditQuery::default() };
        assert!(matches!(filter(&bad, &who, Tz::UTC), Err(AppError::Invalid(m)) if m.key == "audit-bad-date"));
    }

    fn entry(action: &str, kind: &str, key: &str, before: Option<&str>, after: Option<&str>) -> AuditEntry {
        AuditEntry {
            id: 1,
            at: Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap(),
            actor: "dau-moi".into(),
            address: None,
            action: action.into(),
            record_kind: kind.into(),
            record_key: key.into(),
            before_json: before.map(str::to_owned),
            after_json: after.map(str::to_owned),
        }
    }

    /// No row reads as its stored keys: actions, records and what changed are in words.
    #[test]
    fn rows_read_as_words() {
        let t = Tr::new(Lang::Vi);
        let mut names = Names::default();
        names.units.insert("ban-a".into(), "Bản A".into());
        let after = r#"{"id":41,"register":"truyen_thong","unit":"ban-a","date":"2026-02-10",
            "fields":{"kenh":"truyen_thanh","chu_de":"Chuyển đổi số","so_nguoi":30},"sample":false,"version":1}"#;
        let l = line(
            &t,
            &names,
            &entry("register.add", "register_record", "41", None, Some(after)),
            chrono_tz::Asia::Ho_Chi_Minh,
        );
        assert_eq!(l.action, "Thêm bản ghi sổ theo dõi");
        assert!(l.record.ends_with("số 41") && !l.record.contains("register"), "{}", l.record);
        assert_eq!(l.at, "01/03/2026 09:00:00");
        assert_eq!(l.actor, "dau-moi");
        assert_eq!(actor_words(&t, "system"), "Hệ thống (tự động)");
        assert!(l.details.contains(&"Đơn vị: Bản A".to_owned()), "{:?}", l.details);
        assert!(l.details.iter().any(|d| d.contains("10/02/2026")), "{:?}", l.details);
        assert!(l.details.iter().all(|d| !d.contains("truyen_thanh") && !d.contains('_')), "{:?}", l.details);
        let changed = after.replace("2026-02-10", "2026-02-11");
        let l =
            line(&t, &names, &entry("register.update", "register_record", "41", Some(after), Some(&changed)), Tz::UTC);
        assert_eq!(l.details.len(), 1, "{:?}", l.details);
        assert!(l.details[0].ends_with("10/02/2026 → 11/02/2026"), "{:?}", l.details);
        let report = r#"{"state":"submitted","return_reason":null,"body":{"tasks":[{"task":"I.1","lead":true,
            "status":"in_progress","note":""}],"figures":[],"activities":"","difficulties":"","proposals":""}}"#;
        let l = line(&t, &names, &entry("report.submit", "report", "p/2026-Q1/ban-a", None, Some(report)), Tz::UTC);
        assert_eq!(l.action, "Gửi báo cáo");
        assert_eq!(l.record, "Báo cáo Quý 1 2026 của Bản A");
        assert!(
            l.details.contains(&"Nhiệm vụ I.1 – trạng thái: (trống) → Đang thực hiện".to_owned()),
            "{:?}",
            l.details
        );
        let l = line(&t, &names, &entry("something.new", "thing", "x", None, None), Tz::UTC);
        assert_eq!((l.action.as_str(), l.record.as_str()), ("Thay đổi khác", "Thay đổi khác"));
        for action in ["user.add", "commune_report.approve", "register.file.add", "initiative.open_round"] {
            assert!(!action_words(&t, action).contains('-'), "{action}");
        }
        for kind in KINDS {
            assert!(!kind_words(&t, kind).contains("audit-"), "{kind}");
        }
    }

    /// The hand-off to the province reads as words in the commune's trail: sent, returned with
    /// its reason, accepted (issue 13).
    #[test]
    fn the_hand_off_reads_as_words() {
        let t = Tr::new(Lang::Vi);
        let mut names = Names::default();
        names.communes.insert("muong-la".into(), "xã Mường La".into());
        let zone = chrono_tz::Asia::Ho_Chi_Minh;
        let sent = r#"{"commune":"Mường La","period":"2026-Q1","version":1,"number":7}"#;
        let l =
            line(&t, &names, &entry("province.send", "province_handoff", "muong-la/2026-Q1", None, Some(sent)), zone);
        assert_eq!(l.action, "Gửi báo cáo của xã lên Sở");
        assert_eq!(l.record, "Báo cáo của xã gửi Sở — Quý 1 2026, xã Mường La");
        assert_eq!(l.details, vec!["Phiên bản 1, số 07/BC-UBND".to_owned()]);
        let returned = r#"{"state":"returned","period":"2026-Q1","reason":"Thiếu số liệu chỉ tiêu IV.1"}"#;
        let l = line(
            &t,
            &names,
            &entry("province.return", "province_handoff", "muong-la/2026-Q1", None, Some(returned)),
            zone,
        );
        assert_eq!(l.action, "Sở trả lại báo cáo của xã");
        assert_eq!(l.details, vec!["Lý do trả lại: Thiếu số liệu chỉ tiêu IV.1".to_owned()]);
        let accepted = r#"{"state":"accepted","period":"2026-Q1"}"#;
        let l = line(
            &t,
            &names,
            &entry("province.accept", "province_handoff", "muong-la/2026-Q1", None, Some(accepted)),
            zone,
        );
        assert_eq!(l.action, "Sở tiếp nhận báo cáo của xã");
        assert!(l.details.is_empty(), "{:?}", l.details);
        for action in ["province.send", "province.accept", "province.return", "province.load"] {
            for lang in [Lang::Vi, Lang::En] {
                let words = action_words(&Tr::new(lang), action);
                assert!(!words.contains("handoff-") && words != Tr::new(lang).get("audit-action-other"), "{words}");
            }
        }
        assert_eq!(kind_words(&Tr::new(Lang::En), "province_handoff"), "Commune report sent to the department");
    }
}
