//! The province's pages (issue 13): the board of its communes' reports for a period with the
//! decisions on them and the reminders, the roll-up of its indicators, one indicator across its
//! communes, and one commune's sendings.

use std::cmp::Ordering;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use kehoach_app::present::{self, Tr};
use kehoach_app::province::{self as app, Board, BoardRow, Decision, IndicatorRollup, Sending};
use kehoach_domain::handoff::{BoardState, Timeliness};
use kehoach_domain::period::PeriodId;
use kehoach_domain::province::Province;
use kehoach_domain::rollup::{Amount, LeftOutBecause, Rule, Total, Value};
use kehoach_domain::text::{compare_vi, fold};
use kehoach_domain::{Action, Decision as Allowed, Scope, authorize};
use serde::Deserialize;

use super::{Frame, render};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, NotFound, PageError, WebError};
use crate::i18n::RequestLang;
use crate::params::{Params, QueryParams};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/province/{province}", Action::ReadProvince, board_page)
        .post("/province/{province}/sendings/{sending}/accept", Action::DecideCommuneReport, accept)
        .post("/province/{province}/sendings/{sending}/return", Action::DecideCommuneReport, give_back)
        .get("/province/{province}/rollup", Action::ReadProvince, rollup_page)
        .get("/province/{province}/indicators/{indicator}", Action::ReadProvince, indicator_page)
        .get("/province/{province}/communes/{commune}", Action::ReadProvince, commune_page)
}

// ---------------------------------------------------------------------------------------------
// Shared by the pages and the API.

/// The period asked for (`2026-Q1`), or the one the province works on now; a period that is no
/// quarter nor year is not found.
pub(crate) fn period_of(state: &AppState, province: &Province, asked: Option<&str>) -> Result<PeriodId, WebError> {
    match asked.map(str::trim).filter(|p| !p.is_empty()) {
        None => {
            let now = state.clock.now();
            Ok(app::current_period(province, now, local_year(province, now)))
        }
        Some(p) => match p.parse::<PeriodId>() {
            Ok(id @ (PeriodId::Quarter { .. } | PeriodId::Year(_))) if (2000..=2100).contains(&id.year()) => Ok(id),
            _ => Err(WebError::NotFound(NotFound::Page)),
        },
    }
}

fn local_year(province: &Province, at: DateTime<Utc>) -> i32 {
    app::local_year(province, at)
}

fn local(province: &Province, at: DateTime<Utc>) -> String {
    app::local_time(province, at)
}

/// A sending id from the path; anything else names nothing.
fn sending_id(raw: &str) -> Result<i32, WebError> {
    raw.parse::<i32>().ok().filter(|id| *id > 0).ok_or(WebError::NotFound(NotFound::Page))
}

/// A commune's name mid-sentence, its kind written small: "UBND xã Mường La".
fn in_sentence(full_name: &str) -> String {
    let mut chars = full_name.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

fn state_label(t: &Tr, s: BoardState) -> String {
    t.get(&format!("prov-state-{}", s.key()))
}

fn timeliness_label(t: &Tr, s: Option<Timeliness>) -> String {
    match s {
        Some(Timeliness::OnTime) => t.get("prov-on-time"),
        Some(Timeliness::Late) => t.get("prov-late"),
        None => String::new(),
    }
}

fn because_label(t: &Tr, b: LeftOutBecause) -> String {
    let key = match b {
        LeftOutBecause::NoReport => "no-report",
        LeftOutBecause::NotYetAccepted => "not-yet-accepted",
        LeftOutBecause::Returned => "returned",
        LeftOutBecause::NoValue => "no-value",
        LeftOutBecause::NoTarget => "no-target",
        LeftOutBecause::Unfit => "unfit",
    };
    t.get(&format!("prov-because-{key}"))
}

fn rule_label(t: &Tr, r: Rule) -> String {
    t.get(&format!("prov-rule-{}", r.key().replace('_', "-")))
}

fn with_unit(n: f64, unit: Option<&str>) -> String {
    match unit {
        Some("%") => present::percent(n),
        Some(u) if !u.is_empty() => format!("{} {u}", present::number(n)),
        _ => present::number(n),
    }
}

/// A total in words: "12 sáng kiến", "45,5% (91/200)", "66,7% (2/3 xã đạt)", "Đạt: 1; …".
fn amount_text(t: &Tr, amount: &Amount, unit: Option<&str>) -> String {
    match amount {
        Amount::Sum { total } => with_unit(*total, unit),
        Amount::RatioOfSums { numerator, denominator, percent } => {
            let parts = t.args(
                "prov-ratio-parts",
                &[("numerator", present::number(*numerator)), ("denominator", present::number(*denominator))],
            );
            match percent {
                Some(p) => format!("{} ({parts})", present::percent(*p)),
                None => t.get("prov-none"),
            }
        }
        Amount::ShareMeetingTarget { reached, judged, percent } => {
            let parts = t.args("prov-share-parts", &[("reached", reached.to_string()), ("judged", judged.to_string())]);
            match percent {
                Some(p) => format!("{} ({parts})", present::percent(*p)),
                None => t.get("prov-none"),
            }
        }
        Amount::Distribution { counts } => counts
            .iter()
            .map(|c| format!("{}: {}", present::status_label(t, c.status), c.communes))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// A commune's value in words.
fn value_text(t: &Tr, v: Option<&Value>, unit: Option<&str>) -> String {
    match v {
        None => t.get("prov-none"),
        Some(Value::Count { value }) => with_unit(*value, unit),
        Some(Value::Ratio { numerator, denominator }) => {
            let parts = t.args(
                "prov-ratio-parts",
                &[("numerator", present::number(*numerator)), ("denominator", present::number(*denominator))],
            );
            match chart_number(Some(&Value::Ratio { numerator: *numerator, denominator: *denominator })) {
                Some(p) => format!("{} ({parts})", present::percent(p)),
                None => parts,
            }
        }
        Some(Value::AgainstTarget { value, .. }) => with_unit(*value, unit),
        Some(Value::Status { status }) => present::status_label(t, *status),
    }
}

/// The number a bar stands for: a count, a rate in percent, a commune's value; none for a status.
fn chart_number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Count { value } | Value::AgainstTarget { value, .. } => Some(*value).filter(|x| x.is_finite()),
        Value::Ratio { numerator, denominator } => {
            (*denominator > 0.0).then(|| numerator * 100.0 / denominator).filter(|x| x.is_finite())
        }
        Value::Status { .. } => None,
    }
}

fn may_decide(viewer: &Viewer, province: &Province) -> bool {
    let scope = Scope { province: Some(province.slug.clone()), commune: None, unit: None };
    authorize(viewer.0.as_ref().map(|s| &s.principal), Action::DecideCommuneReport, &scope) == Allowed::Allow
}

fn period_links(t: &Tr, period: PeriodId, base: &str) -> Vec<PeriodLink> {
    (1..=4u8)
        .map(|quarter| PeriodId::Quarter { year: period.year(), quarter })
        .map(|p| PeriodLink {
            href: format!("{base}?period={p}"),
            label: present::period_label(t, &p.to_string()),
            current: p == period,
        })
        .collect()
}

pub struct PeriodLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

// ---------------------------------------------------------------------------------------------
// The board.

/// One commune on the board as shown.
pub struct RowView {
    pub code: String,
    pub name: String,
    pub href: String,
    pub hosted: bool,
    pub state_key: &'static str,
    pub state: String,
    pub timeliness: String,
    pub sent_at: String,
    pub version: String,
    pub reason: String,
    /// The sending waiting for a decision, if the viewer may decide on it.
    pub decidable: Option<i32>,
    /// The refusal of a return just tried on this row, and what was typed.
    pub error: String,
    pub typed: String,
}

pub struct Reminder {
    pub name: String,
    pub state: String,
    pub officers: String,
    pub contact: String,
    pub phone: String,
    /// The phone as a `tel:` link dials it: digits and a leading plus only.
    pub tel: String,
    pub message: String,
}

pub struct CountView {
    pub label: String,
    pub value: String,
}

pub struct FilterLink {
    pub key: &'static str,
    pub label: String,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "province_board.html")]
struct BoardPage {
    frame: Frame,
    slug: String,
    province_name: String,
    period: String,
    period_label: String,
    periods: Vec<PeriodLink>,
    deadline: String,
    done: Option<String>,
    counts: Vec<CountView>,
    filters: Vec<FilterLink>,
    filter: String,
    q: String,
    rows: Vec<RowView>,
    reminders: Vec<Reminder>,
    csrf: String,
}

#[derive(Deserialize)]
struct BoardQuery {
    period: Option<String>,
    state: Option<String>,
    q: Option<String>,
    done: Option<String>,
}

const FILTERS: [&str; 7] = ["missing", "sent", "returned", "reopened", "accepted", "on_time", "late"];

fn matches_filter(row: &BoardRow, filter: &str) -> bool {
    match filter {
        "on_time" => row.timeliness == Some(Timeliness::OnTime),
        "late" => row.timeliness == Some(Timeliness::Late),
        "" => true,
        key => row.state.key() == key,
    }
}

fn matches_search(row: &BoardRow, q: &str) -> bool {
    let q = fold(q);
    let q = q.trim();
    q.is_empty() || fold(&row.name).contains(q) || fold(&row.full_name).contains(q) || row.code.contains(q)
}

/// The reminder for a commune that has not sent, or whose report came back.
fn reminder(t: &Tr, province: &Province, board: &Board, row: &BoardRow, now: DateTime<Utc>) -> Option<Reminder> {
    let period = present::period_in_document(board.period);
    // Once the deadline has passed, the message asks for the report at once and says it is late.
    let overdue = board.deadline.is_some_and(|at| now >= at);
    let key = if overdue { "prov-reminder-overdue" } else { "prov-reminder-deadline" };
    let deadline = board.deadline_day.map(|d| t.with(key, "day", present::day(d))).unwrap_or_default();
    let commune = in_sentence(&row.full_name);
    let message = match row.state {
        BoardState::Missing => t.args(
            "prov-reminder-missing",
            &[
                ("commune", commune.clone()),
                ("department", province.department.name.clone()),
                ("period", period),
                ("deadline", deadline),
            ],
        ),
        BoardState::Returned => t.args(
            "prov-reminder-returned",
            &[
                ("commune", commune.clone()),
                ("department", province.department.name.clone()),
                ("period", period),
                // The sentence goes on after the reason: its own full stop would double.
                (
                    "reason",
                    row.latest()
                        .and_then(|s| s.reason.as_deref())
                        .unwrap_or_default()
                        .trim_end_matches(['.', ' '])
                        .to_owned(),
                ),
                ("deadline", deadline),
            ],
        ),
        _ => return None,
    };
    Some(Reminder {
        name: row.full_name.clone(),
        state: state_label(t, row.state),
        officers: row.focal.officers.join(", "),
        contact: row.focal.contact_name.clone().unwrap_or_default(),
        phone: row.focal.contact_phone.clone().unwrap_or_default(),
        tel: row.focal.contact_phone.as_deref().map(tel).unwrap_or_default(),
        message,
    })
}

fn tel(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
}

fn rate(t: &Tr, count: usize, rate: Option<f64>) -> String {
    match rate {
        Some(r) => t.args("prov-rate", &[("count", count.to_string()), ("rate", present::percent(r))]),
        None => count.to_string(),
    }
}

/// What a failed return leaves on the page: the row, the words, what was typed.
struct Refused {
    sending: i32,
    error: String,
    typed: String,
}

#[allow(clippy::too_many_arguments)]
async fn board_view(
    state: &AppState,
    viewer: &Viewer,
    lang: kehoach_domain::Lang,
    province: &Province,
    period: PeriodId,
    query: &BoardQuery,
    refused: Option<Refused>,
) -> Result<BoardPage, PageError> {
    let t = Tr::new(lang);
    let board = app::board(state, province, period).await.page(lang)?;
    let filter = query.state.as_deref().and_then(|s| FILTERS.iter().find(|f| **f == s)).copied().unwrap_or("");
    let q = query.q.clone().unwrap_or_default();
    let decides = may_decide(viewer, province);
    let base = format!("/province/{}", province.slug);
    let rows = board
        .rows
        .iter()
        .filter(|r| matches_filter(r, filter) && matches_search(r, &q))
        .map(|r| {
            let latest = r.latest();
            let decidable = latest.filter(|_| decides && r.state == BoardState::Sent).map(|s| s.id);
            let (error, typed) = match &refused {
                Some(f) if Some(f.sending) == decidable => (f.error.clone(), f.typed.clone()),
                _ => (String::new(), String::new()),
            };
            RowView {
                code: r.code.clone(),
                name: r.full_name.clone(),
                href: format!("{base}/communes/{}", r.code),
                hosted: r.hosted.is_some(),
                state_key: r.state.key(),
                state: state_label(&t, r.state),
                timeliness: timeliness_label(&t, r.timeliness),
                sent_at: latest.map(|s| local(province, s.sent_at)).unwrap_or_default(),
                version: latest
                    .map(|s| {
                        t.args("prov-version", &[("version", s.version.to_string()), ("number", s.number.to_string())])
                    })
                    .unwrap_or_default(),
                reason: latest
                    .filter(|_| r.state == BoardState::Returned)
                    .and_then(|s| s.reason.clone())
                    .map(|reason| t.with("prov-reason", "reason", reason))
                    .unwrap_or_default(),
                decidable,
                error,
                typed,
            }
        })
        .collect();
    let reminders = board.rows.iter().filter_map(|r| reminder(&t, province, &board, r, state.clock.now())).collect();
    let c = &board.counts;
    let counts = vec![
        CountView { label: t.get("prov-count-expected"), value: c.expected.to_string() },
        CountView { label: t.get("prov-count-sent"), value: rate(&t, c.sent, c.sent_rate) },
        CountView { label: t.get("prov-count-on-time"), value: rate(&t, c.on_time, c.on_time_rate) },
        CountView { label: t.get("prov-count-late"), value: c.late.to_string() },
        CountView { label: t.get("prov-count-missing"), value: c.missing.to_string() },
        CountView { label: t.get("prov-count-waiting"), value: c.waiting.to_string() },
        CountView { label: t.get("prov-count-returned"), value: c.returned.to_string() },
        CountView { label: t.get("prov-count-reopened"), value: c.reopened.to_string() },
        CountView { label: t.get("prov-count-accepted"), value: c.accepted.to_string() },
    ];
    let filters = FILTERS
        .iter()
        .map(|key| FilterLink {
            key,
            label: match *key {
                "on_time" => t.get("prov-filter-on-time"),
                "late" => t.get("prov-filter-late"),
                other => t.get(&format!("prov-state-{other}")),
            },
            count: board.rows.iter().filter(|r| matches_filter(r, key)).count(),
        })
        .collect();
    let deadline = match board.deadline_day {
        Some(d) if province.deadline.deadline_before => t.with("prov-deadline", "day", present::day(d)),
        Some(d) => t.with("prov-deadline-after", "day", present::day(d)),
        None => t.get("prov-no-deadline"),
    };
    let done = query
        .done
        .as_deref()
        .filter(|d| ["accepted", "returned"].contains(d))
        .map(|d| t.get(&format!("prov-done-{d}")));
    Ok(BoardPage {
        frame: Frame::new(lang, format!("{base}?period={period}"), viewer),
        csrf: viewer.0.as_ref().map(|s| s.csrf.clone()).unwrap_or_default(),
        slug: province.slug.clone(),
        province_name: province.full_name.clone(),
        period: period.to_string(),
        period_label: present::period_label(&t, &period.to_string()),
        periods: period_links(&t, period, &base),
        deadline,
        done,
        counts,
        filters,
        filter: filter.to_owned(),
        q,
        rows,
        reminders,
    })
}

async fn board_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params(slug): Params<String>,
    QueryParams(query): QueryParams<BoardQuery>,
) -> Result<Response, PageError> {
    let province = app::get(&state, &slug).await.page(lang)?;
    let period = period_of(&state, &province, query.period.as_deref()).page(lang)?;
    let page = board_view(&state, &viewer, lang, &province, period, &query, None).await?;
    Ok(render(&page, lang)?.into_response())
}

#[derive(Deserialize)]
struct ReturnForm {
    #[serde(default)]
    reason: String,
}

fn back_to_board(sending: &Sending, slug: &str, done: &str) -> Response {
    Redirect::to(&format!("/province/{slug}?period={}&done={done}", sending.period)).into_response()
}

async fn accept(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((slug, sending)): Params<(String, String)>,
) -> Result<Response, PageError> {
    let province = app::get(&state, &slug).await.page(lang)?;
    let id = sending_id(&sending).page(lang)?;
    let done = app::decide(&state, &province, id, Decision::Accept, acting.actor()).await.page(lang)?;
    Ok(back_to_board(&done, &slug, "accepted"))
}

async fn give_back(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    viewer: Viewer,
    Params((slug, sending)): Params<(String, String)>,
    Form(form): Form<ReturnForm>,
) -> Result<Response, PageError> {
    let province = app::get(&state, &slug).await.page(lang)?;
    let id = sending_id(&sending).page(lang)?;
    match app::decide(&state, &province, id, Decision::Return(form.reason.clone()), acting.actor()).await {
        Ok(done) => Ok(back_to_board(&done, &slug, "returned")),
        Err(e) => {
            let e = WebError::App(e);
            let Some(words) = e.invalid_words(lang) else {
                return Err(PageError { error: e, lang });
            };
            // The form comes back with the reason typed and the words beside it, on the board of
            // the sending's period.
            let period = app::sending(&state, &province, id)
                .await
                .page(lang)?
                .period
                .parse::<PeriodId>()
                .map_err(|()| PageError { error: WebError::NotFound(NotFound::Page), lang })?;
            let query = BoardQuery { period: None, state: None, q: None, done: None };
            let refused = Refused { sending: id, error: words, typed: form.reason };
            let page = board_view(&state, &viewer, lang, &province, period, &query, Some(refused)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page, lang)?).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The roll-up.

pub struct LeftOutGroup {
    pub because: String,
    pub count: usize,
    pub names: String,
}

pub struct IndicatorCard {
    pub href: String,
    pub name: String,
    pub rule: String,
    pub target: String,
    pub official: String,
    pub counted: String,
    pub left_out: Vec<LeftOutGroup>,
    pub live: String,
    pub live_hint: String,
    pub hosted: usize,
}

#[derive(Template)]
#[template(path = "province_rollup.html")]
struct RollupPage {
    frame: Frame,
    slug: String,
    province_name: String,
    period: String,
    period_label: String,
    periods: Vec<PeriodLink>,
    indicators: Vec<IndicatorCard>,
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

fn left_out_groups(t: &Tr, total: &Total) -> Vec<LeftOutGroup> {
    let mut groups: Vec<(LeftOutBecause, Vec<String>)> = Vec::new();
    for l in &total.left_out {
        match groups.iter_mut().find(|(b, _)| *b == l.because) {
            Some((_, names)) => names.push(l.commune.name.clone()),
            None => groups.push((l.because, vec![l.commune.name.clone()])),
        }
    }
    groups.sort_by_key(|(b, _)| *b);
    groups
        .into_iter()
        .map(|(because, mut names)| {
            names.sort_by(|a, b| compare_vi(a, b));
            LeftOutGroup { because: because_label(t, because), count: names.len(), names: names.join(", ") }
        })
        .collect()
}

fn target_text(t: &Tr, i: &IndicatorRollup) -> String {
    match i.target_value {
        Some(v) => with_unit(v, i.measure_unit.as_deref()),
        None => t.get("prov-no-target"),
    }
}

async fn rollup_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params(slug): Params<String>,
    QueryParams(query): QueryParams<PeriodQuery>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let province = app::get(&state, &slug).await.page(lang)?;
    let period = period_of(&state, &province, query.period.as_deref()).page(lang)?;
    let rollup = app::rollup(&state, &province, period).await.page(lang)?;
    let base = format!("/province/{slug}");
    let expected = province.communes.len();
    let indicators = rollup
        .indicators
        .iter()
        .map(|i| {
            let unit = i.measure_unit.as_deref();
            IndicatorCard {
                href: format!("{base}/indicators/{}?period={period}", i.code),
                name: i.name.clone(),
                rule: rule_label(&t, i.official.rule),
                target: target_text(&t, i),
                official: amount_text(&t, &i.official.amount, unit),
                counted: t.args(
                    "prov-counted",
                    &[("counted", i.official.counted.to_string()), ("expected", expected.to_string())],
                ),
                left_out: left_out_groups(&t, &i.official),
                live: amount_text(&t, &i.live.amount, unit),
                live_hint: t.with("prov-live-hint", "count", i.hosted),
                hosted: i.hosted,
            }
        })
        .collect();
    let page = RollupPage {
        frame: Frame::new(lang, format!("{base}/rollup?period={period}"), &viewer),
        slug: slug.clone(),
        province_name: province.full_name.clone(),
        period: period.to_string(),
        period_label: present::period_label(&t, &period.to_string()),
        periods: period_links(&t, period, &format!("{base}/rollup")),
        indicators,
    };
    Ok(render(&page, lang)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// One indicator across the communes.

pub struct ValueRow {
    pub code: String,
    pub name: String,
    pub commune_href: String,
    pub state: String,
    pub official: String,
    pub live: String,
    /// The commune's report (its consolidation page) and the document of the accepted version.
    pub report_href: String,
    pub docx_href: String,
}

/// One bar of the chart, laid out.
pub struct Bar {
    pub y: usize,
    pub width: String,
    pub label: String,
    pub value: String,
    pub title: String,
    pub href: String,
}

pub struct Chart {
    pub caption: String,
    pub height: usize,
    pub bars: Vec<Bar>,
}

#[derive(Template)]
#[template(path = "province_indicator.html")]
struct IndicatorPage {
    frame: Frame,
    slug: String,
    province_name: String,
    period: String,
    period_label: String,
    name: String,
    rule: String,
    target: String,
    official: String,
    live: String,
    live_hint: String,
    q: String,
    sort: String,
    rows: Vec<ValueRow>,
    charts: Vec<Chart>,
    chart_empty: String,
}

#[derive(Deserialize)]
struct IndicatorQuery {
    period: Option<String>,
    q: Option<String>,
    sort: Option<String>,
}

const BAR: usize = 26;
const CHART_WIDTH: f64 = 150.0;

fn chart(caption: String, points: Vec<(String, f64, String, String)>) -> Chart {
    let max = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let bars = points
        .into_iter()
        .enumerate()
        .map(|(i, (label, n, value, href))| Bar {
            y: i * BAR,
            width: format!("{:.1}", if max > 0.0 { (n.max(0.0) / max) * CHART_WIDTH } else { 0.0 }),
            title: format!("{label}: {value}"),
            label,
            value,
            href,
        })
        .collect::<Vec<_>>();
    Chart { caption, height: bars.len().max(1) * BAR, bars }
}

async fn indicator_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((slug, code)): Params<(String, String)>,
    QueryParams(query): QueryParams<IndicatorQuery>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let province = app::get(&state, &slug).await.page(lang)?;
    let period = period_of(&state, &province, query.period.as_deref()).page(lang)?;
    let q = query.q.clone().unwrap_or_default();
    let mut i = app::indicator(&state, &province, period, &code, Some(&q)).await.page(lang)?;
    let by_value = query.sort.as_deref() == Some("value");
    if by_value {
        i.communes.sort_by(|a, b| {
            let (x, y) = (chart_number(a.official.as_ref()), chart_number(b.official.as_ref()));
            match (x, y) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
            .then_with(|| compare_vi(&a.name, &b.name))
        });
    } else {
        i.communes.sort_by(|a, b| compare_vi(&a.name, &b.name).then_with(|| a.code.cmp(&b.code)));
    }
    let base = format!("/province/{slug}");
    let unit = i.measure_unit.as_deref();
    let full_name =
        |code: &str, name: &str| province.commune(code).map(|c| c.full_name()).unwrap_or_else(|| name.to_owned());
    let rows: Vec<ValueRow> = i
        .communes
        .iter()
        .map(|c| {
            let (report_href, docx_href) = match &c.sending {
                Some(s) => (
                    format!("/plans/{}/periods/{}/consolidation", s.plan, s.period),
                    format!("/plans/{}/periods/{}/report.docx?version={}", s.plan, s.period, s.version),
                ),
                None => (String::new(), String::new()),
            };
            ValueRow {
                code: c.code.clone(),
                name: full_name(&c.code, &c.name),
                commune_href: format!("{base}/communes/{}", c.code),
                state: state_label(&t, c.state),
                official: value_text(&t, c.official.as_ref(), unit),
                live: if c.hosted.is_some() { value_text(&t, c.live.as_ref(), unit) } else { String::new() },
                report_href,
                docx_href,
            }
        })
        .collect();
    let mut charts = Vec::new();
    let official_points: Vec<_> = i
        .communes
        .iter()
        .filter_map(|c| {
            let n = chart_number(c.official.as_ref())?;
            let href = c
                .sending
                .as_ref()
                .map(|s| format!("/plans/{}/periods/{}/consolidation", s.plan, s.period))
                .unwrap_or_else(|| format!("{base}/communes/{}", c.code));
            Some((full_name(&c.code, &c.name), n, value_text(&t, c.official.as_ref(), unit), href))
        })
        .collect();
    if !official_points.is_empty() {
        charts.push(chart(t.get("prov-chart"), official_points));
    }
    let live_points: Vec<_> = i
        .communes
        .iter()
        .filter_map(|c| {
            let n = chart_number(c.live.as_ref())?;
            Some((
                full_name(&c.code, &c.name),
                n,
                value_text(&t, c.live.as_ref(), unit),
                format!("{base}/communes/{}", c.code),
            ))
        })
        .collect();
    if !live_points.is_empty() {
        charts.push(chart(t.get("prov-chart-live"), live_points));
    }
    let page = IndicatorPage {
        frame: Frame::new(lang, format!("{base}/indicators/{code}?period={period}"), &viewer),
        slug: slug.clone(),
        province_name: province.full_name.clone(),
        period: period.to_string(),
        period_label: present::period_label(&t, &period.to_string()),
        name: i.name.clone(),
        rule: rule_label(&t, i.official.rule),
        target: target_text(&t, &i),
        official: amount_text(&t, &i.official.amount, unit),
        live: amount_text(&t, &i.live.amount, unit),
        live_hint: t.with("prov-live-hint", "count", i.hosted),
        q,
        sort: if by_value { "value".into() } else { "name".into() },
        rows,
        charts,
        chart_empty: t.get("prov-chart-empty"),
    };
    Ok(render(&page, lang)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// One commune.

pub struct SendingView {
    pub period: String,
    pub version: String,
    pub issued_on: String,
    pub sent_at: String,
    pub state: String,
    pub decided: String,
    pub reason: String,
    pub superseded: bool,
    pub report_href: String,
    pub docx_href: String,
    pub scan_href: String,
}

#[derive(Template)]
#[template(path = "province_commune.html")]
struct CommunePageView {
    frame: Frame,
    slug: String,
    province_name: String,
    code: String,
    title: String,
    plan_href: String,
    officers: String,
    contact: String,
    phone: String,
    tel: String,
    sendings: Vec<SendingView>,
    none: String,
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn commune_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((slug, code)): Params<(String, String)>,
    QueryParams(query): QueryParams<YearQuery>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let province = app::get(&state, &slug).await.page(lang)?;
    let year =
        query.year.filter(|y| (2000..=2100).contains(y)).unwrap_or_else(|| local_year(&province, state.clock.now()));
    let c = app::commune(&state, &province, &code, year).await.page(lang)?;
    let scans = scans(&state, &c.sendings).await;
    let deciders = app::deciders(&state, &c.sendings).await.page(lang)?;
    let who = |username: &String| deciders.get(username).cloned().unwrap_or_else(|| username.clone());
    let sendings = c
        .sendings
        .iter()
        .rev()
        .map(|s| {
            let at = format!("/plans/{}/periods/{}", s.plan, s.period);
            SendingView {
                period: present::period_label(&t, &s.period),
                version: t
                    .args("prov-version", &[("version", s.version.to_string()), ("number", s.number.to_string())]),
                issued_on: present::day(s.issued_on),
                sent_at: local(&province, s.sent_at),
                state: state_label(
                    &t,
                    match s.state {
                        kehoach_domain::rollup::AtProvince::Sent => BoardState::Sent,
                        kehoach_domain::rollup::AtProvince::Returned => BoardState::Returned,
                        kehoach_domain::rollup::AtProvince::Accepted => BoardState::Accepted,
                    },
                ),
                decided: match (&s.decided_by, s.decided_at) {
                    (Some(by), Some(at)) => format!("{}, {}", who(by), local(&province, at)),
                    (Some(by), None) => who(by),
                    (None, Some(at)) => local(&province, at),
                    (None, None) => String::new(),
                },
                reason: s.reason.clone().unwrap_or_default(),
                superseded: s.superseded,
                report_href: format!("{at}/consolidation"),
                docx_href: format!("{at}/report.docx?version={}", s.version),
                scan_href: if scans.contains(&(s.plan.clone(), s.period.clone(), s.version)) {
                    format!("{at}/versions/{}/scan.pdf", s.version)
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let page = CommunePageView {
        frame: Frame::new(lang, format!("/province/{slug}/communes/{code}"), &viewer),
        slug: slug.clone(),
        province_name: province.full_name.clone(),
        code: c.code.clone(),
        title: t.with("prov-commune-title", "commune", in_sentence(&c.full_name)),
        plan_href: c.hosted.as_ref().map(|h| format!("/plans/{}", h.plan)).unwrap_or_default(),
        officers: c.focal.officers.join(", "),
        contact: c.focal.contact_name.clone().unwrap_or_default(),
        phone: c.focal.contact_phone.clone().unwrap_or_default(),
        tel: c.focal.contact_phone.as_deref().map(tel).unwrap_or_default(),
        sendings,
        none: t.with("prov-sendings-none", "year", year),
    };
    Ok(render(&page, lang)?.into_response())
}

/// The (plan, period, version) of the sendings whose signed scan is attached. A record that
/// cannot be read shows no scan link rather than failing the page.
async fn scans(state: &AppState, sendings: &[Sending]) -> Vec<(String, String, i32)> {
    let mut out = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for s in sendings {
        let key = (s.plan.clone(), s.period.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let Ok((plan, period)) = crate::reporting::plan_period(state, &s.plan, &s.period).await else { continue };
        let Ok(report) = crate::reporting::commune_report(state, &plan, &period).await else { continue };
        for r in &report.records {
            if r.scan_name.is_some() {
                out.push((s.plan.clone(), s.period.clone(), r.version));
            }
        }
    }
    out
}
