//! The published plan: the plan page, an indicator, a task, the units and what each does.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kehoach_domain::layout::{number_line, place_date_line};
use kehoach_domain::{
    Action, Indicator, IndicatorKind, Lang, Plan, Subject, Task, TimeFrame, Unit, UnitGroup, UnitRef, UnitRefKind,
    Work, recipient_lines,
};
use kehoach_store::PlanSummary;
use serde::Deserialize;

use super::{Frame, render, safe_next, unit_kind_label};
use crate::AppState;
use crate::auth::session::Viewer;
use crate::error::{InLang, NotFound, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::params::QueryParams;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/", Action::ReadPublic, home)
        .get("/lang/{code}", Action::ReadPublic, switch_language)
        .get("/plans/{plan}", Action::ReadPublic, plan_page)
        .get("/plans/{plan}/indicators/{code}", Action::ReadPublic, indicator_page)
        .get("/plans/{plan}/tasks/{code}", Action::ReadPublic, task_page)
        .get("/plans/{plan}/units", Action::ReadPublic, units_page)
        .get("/plans/{plan}/units/{unit}", Action::ReadPublic, unit_page)
}

pub(super) async fn load_plan(state: &AppState, id: &str, lang: Lang) -> Result<Plan, PageError> {
    kehoach_app::plans::get(state, id).await.page(lang)
}

fn missing(what: NotFound, lang: Lang) -> PageError {
    PageError { error: WebError::NotFound(what), lang }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of pages.

/// A lead or coordinator, linked to its unit page.
pub struct Named {
    pub code: String,
    pub name: String,
    pub is_group: bool,
}

fn named(plan: &Plan, r: &UnitRef) -> Named {
    Named {
        code: r.code.clone(),
        name: plan.ref_name(r).unwrap_or(&r.code).to_owned(),
        is_group: r.kind == UnitRefKind::Group,
    }
}

fn kind_label(t: &Tr, kind: IndicatorKind) -> String {
    t.get(match kind {
        IndicatorKind::Count => "indicator-kind-count",
        IndicatorKind::Ratio => "indicator-kind-ratio",
        IndicatorKind::Qualitative => "indicator-kind-qualitative",
    })
}

fn time_frame_label(t: &Tr, tf: TimeFrame) -> String {
    match tf {
        TimeFrame::Year(y) => t.with("time-frame-year", "year", y),
        TimeFrame::Ongoing => t.get("time-frame-ongoing"),
        TimeFrame::EveryYear => t.get("time-frame-every-year"),
    }
}

// ---------------------------------------------------------------------------------------------
// Home: every plan held.

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    plans: Vec<PlanSummary>,
}

async fn home(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
) -> Result<Response, PageError> {
    let plans = kehoach_app::plans::list(&state).await.page(lang)?;
    // A signed-in user starts with what is due from them.
    if let Some(signed) = &viewer.0 {
        // The Ministry's work is the nation's view.
        if signed.principal.role == kehoach_domain::Role::TrungUong {
            return Ok(Redirect::to("/nation").into_response());
        }
        return Ok(super::due::dashboard(&state, &viewer, signed, plans, lang).await?.into_response());
    }
    if let [only] = plans.as_slice() {
        return Ok(Redirect::to(&format!("/plans/{}", only.id)).into_response());
    }
    Ok(render(&HomePage { frame: Frame::new(lang, "/", &viewer), plans }, lang)?.into_response())
}

// ---------------------------------------------------------------------------------------------
// The plan, laid out as the document is.

pub struct AppendixRow {
    pub code: String,
    pub number: String,
    pub name: String,
    pub baseline: String,
    pub target: String,
    pub lead: Named,
    pub coordinators: String,
    /// Its result today, for those who may see progress.
    pub progress: Option<super::progress::ProgressCell>,
}

pub struct AppendixSection {
    pub code: String,
    pub title: String,
    pub rows: Vec<AppendixRow>,
}

pub struct TaskRow {
    pub code: String,
    pub number: String,
    pub content: String,
    pub description: String,
    pub lead: Named,
    pub coordinators: String,
    pub time_frame: String,
}

pub struct TaskSection {
    pub code: String,
    pub title: String,
    pub rows: Vec<TaskRow>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    frame: Frame,
    plan: Plan,
    number_line: String,
    date_line: String,
    preamble: String,
    recipients: Vec<String>,
    appendix_indicators: Vec<AppendixSection>,
    appendix_tasks: Vec<TaskSection>,
    baseline_heading: String,
    target_heading: String,
    other_indicators: Vec<AppendixRow>,
    /// The heading of the result column ("Kết quả đến 15/07/2026"), when it is shown.
    result_heading: Option<String>,
}

fn indicator_row(plan: &Plan, i: &Indicator) -> AppendixRow {
    AppendixRow {
        code: i.code.clone(),
        number: i.number.clone(),
        name: i.name.clone(),
        baseline: i.baseline.text.clone(),
        target: i.target.text.clone(),
        lead: named(plan, &i.lead),
        coordinators: plan.cell(&i.coordinators, i.coordinators_text.as_deref()),
        progress: None,
    }
}

async fn plan_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    if viewer.0.is_some() {
        // A signed-in reader's page shows progress and their own header: made for them alone.
        let plan = load_plan(&state, &id, lang).await?;
        return Ok(plan_page_for(&state, lang, &viewer, plan).await?.into_response());
    }
    // A visitor's page depends on the plan and the language only: the same bytes until the plan
    // changes, validated by its tag and made once per revision (see docs/performance.md).
    let (plan, at) = kehoach_app::plans::shared(&state, &id).await.page(lang)?;
    let key = format!("page /plans/{id} {}", lang.code());
    let etag = crate::responses::etag("p", &at, lang);
    if crate::responses::not_modified(&headers, &etag) {
        return Ok(crate::responses::unchanged(&etag));
    }
    if let Some(kept) = state.caches.answer(&key, &at).filter(|r| r.etag == etag) {
        return Ok(crate::responses::public(&kept, &headers));
    }
    let Html(html) = plan_page_for(&state, lang, &viewer, Plan::clone(&plan)).await?;
    let rendered = std::sync::Arc::new(crate::responses::rendered(etag, "text/html; charset=utf-8", html.into_bytes()));
    state.caches.keep_answer(&key, at, rendered.clone());
    Ok(crate::responses::public(&rendered, &headers))
}

async fn plan_page_for(state: &AppState, lang: Lang, viewer: &Viewer, plan: Plan) -> Result<Html<String>, PageError> {
    let viewer = viewer.clone();
    let state = state.clone();
    let t = Tr::new(lang);
    let mut progress = super::progress::cells_for(&state, &viewer, &plan, lang).await.page(lang)?;
    let result_heading =
        progress.as_ref().map(|(d, _)| t.with("appendix-result", "date", kehoach_app::present::day(*d)));
    let mut row = |i: &Indicator| {
        let mut r = indicator_row(&plan, i);
        r.progress = progress.as_mut().and_then(|(_, cells)| cells.remove(&i.code));
        r
    };
    let appendix_indicators = plan
        .appendix_indicators()
        .map(|(s, rows)| AppendixSection {
            code: s.code.clone(),
            title: s.title.clone(),
            rows: rows.into_iter().map(&mut row).collect(),
        })
        .collect();
    let other_indicators = plan
        .indicators
        .iter()
        .filter(|i| plan.indicator_sections.iter().any(|s| s.code == i.section && !s.in_appendix))
        .map(&mut row)
        .collect();
    let appendix_tasks = plan
        .tasks_by_group()
        .map(|(g, tasks)| TaskSection {
            code: g.code.clone(),
            title: g.title.clone(),
            rows: tasks
                .into_iter()
                .map(|task| TaskRow {
                    code: task.code.clone(),
                    number: task.number.clone(),
                    content: task.content.clone(),
                    description: task.description.clone(),
                    lead: named(&plan, &task.lead),
                    coordinators: plan.cell(&task.coordinators, task.coordinators_text.as_deref()),
                    time_frame: time_frame_label(&t, task.time_frame),
                })
                .collect(),
        })
        .collect();
    let page = PlanPage {
        frame: Frame::new(lang, format!("/plans/{}", plan.id), &viewer),
        number_line: number_line(plan.document.number.as_deref(), &plan.document.symbol),
        date_line: place_date_line(&plan.document.place, plan.document.issued_on, plan.year),
        preamble: plan.preamble.paragraph(),
        recipients: recipient_lines(&plan.recipients),
        appendix_indicators,
        appendix_tasks,
        baseline_heading: t.with("appendix-baseline", "year", plan.year - 1),
        target_heading: t.with("appendix-target", "year", plan.year),
        other_indicators,
        result_heading,
        plan,
    };
    render(&page, lang)
}

// ---------------------------------------------------------------------------------------------
// One indicator.

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    frame: Frame,
    plan: Plan,
    indicator: Indicator,
    section_title: String,
    kind: String,
    lead: Named,
    coordinators: Vec<Named>,
    targets: Vec<String>,
    /// Its result today and the chart over the year, for those who may see progress.
    progress: Option<(super::progress::ProgressCell, String)>,
}

async fn indicator_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((id, code)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &id, lang).await?;
    let indicator = plan.indicator(&code).cloned().ok_or(missing(NotFound::Indicator, lang))?;
    let t = Tr::new(lang);
    let progress = super::progress::indicator_section(&state, &viewer, &plan, &indicator, lang).await.page(lang)?;
    let page = IndicatorPage {
        progress,
        frame: Frame::new(lang, format!("/plans/{}/indicators/{}", plan.id, indicator.code), &viewer),
        section_title: plan
            .indicator_sections
            .iter()
            .find(|s| s.code == indicator.section)
            .map(|s| s.title.clone())
            .unwrap_or_default(),
        kind: kind_label(&t, indicator.kind),
        lead: named(&plan, &indicator.lead),
        coordinators: indicator.coordinators.iter().map(|c| named(&plan, c)).collect(),
        targets: plan.targets.iter().filter(|tg| tg.indicator == indicator.code).map(|tg| tg.text.clone()).collect(),
        indicator,
        plan,
    };
    render(&page, lang)
}

// ---------------------------------------------------------------------------------------------
// One task.

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    frame: Frame,
    plan: Plan,
    task: Task,
    group_title: String,
    lead: Named,
    coordinators: Vec<Named>,
    coordinators_cell: String,
    time_frame: String,
}

async fn task_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((id, code)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &id, lang).await?;
    let task = plan.task(&code).cloned().ok_or(missing(NotFound::Task, lang))?;
    let t = Tr::new(lang);
    let page = TaskPage {
        frame: Frame::new(lang, format!("/plans/{}/tasks/{}", plan.id, task.code), &viewer),
        group_title: plan
            .task_groups
            .iter()
            .find(|g| g.code == task.group)
            .map(|g| g.title.clone())
            .unwrap_or_default(),
        lead: named(&plan, &task.lead),
        coordinators: task.coordinators.iter().map(|c| named(&plan, c)).collect(),
        coordinators_cell: plan.cell(&task.coordinators, task.coordinators_text.as_deref()),
        time_frame: time_frame_label(&t, task.time_frame),
        task,
        plan,
    };
    render(&page, lang)
}

// ---------------------------------------------------------------------------------------------
// Units: the commune's units and groups, and what each leads and coordinates.

pub struct UnitLine {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub sample: bool,
}

/// A group on the units page: its name and how many units it has now. Its members are on its
/// own page: listed here, a group of every village repeats the whole commune once per group.
pub struct GroupLine {
    pub code: String,
    pub name: String,
    pub members: usize,
}

fn unit_line(t: &Tr, u: &Unit) -> UnitLine {
    UnitLine { code: u.code.clone(), name: u.name.clone(), kind: unit_kind_label(t, u.kind), sample: u.sample }
}

/// Lines a page of units, groups or a group's members holds: a commune of thousands of villages
/// still makes pages a phone opens.
pub const LINES_PER_PAGE: usize = 200;

/// Which page of a long list, and the links to its neighbours.
pub struct Pager {
    pub pages: usize,
    /// "Trang 2/20 (4.000)".
    pub position: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The page asked for (1 when none; the last when past it) of `total` lines, and the range
    /// of lines it shows; `link` makes the address of a page.
    pub fn new(
        t: &Tr,
        total: usize,
        asked: Option<usize>,
        link: impl Fn(usize) -> String,
    ) -> (Pager, std::ops::Range<usize>) {
        let pages = total.div_ceil(LINES_PER_PAGE).max(1);
        let page = asked.unwrap_or(1).clamp(1, pages);
        let start = (page - 1) * LINES_PER_PAGE;
        let range = start.min(total)..(start + LINES_PER_PAGE).min(total);
        let prev = (page > 1).then(|| link(page - 1));
        let next = (page < pages).then(|| link(page + 1));
        let position = t.args(
            "pager-position",
            &[("page", page.to_string()), ("pages", pages.to_string()), ("total", total.to_string())],
        );
        (Pager { pages, position, prev, next }, range)
    }
}

#[derive(Deserialize)]
struct UnitsQuery {
    /// The page of units.
    page: Option<usize>,
    /// The page of groups.
    groups: Option<usize>,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    frame: Frame,
    plan: Plan,
    units: Vec<UnitLine>,
    units_pager: Pager,
    groups: Vec<GroupLine>,
    groups_pager: Pager,
    /// The viewer may add units: show the forms.
    can_manage: bool,
    kinds: Vec<(String, String)>,
}

async fn units_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<UnitsQuery>,
) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &id, lang).await?;
    let t = Tr::new(lang);
    let base = format!("/plans/{}/units", plan.id);
    let (units_pager, unit_range) =
        Pager::new(&t, plan.units.len(), q.page, |n| format!("{base}?page={n}&groups={}", q.groups.unwrap_or(1)));
    let (groups_pager, group_range) = Pager::new(&t, plan.groups.len(), q.groups, |n| {
        format!("{base}?page={}&groups={n}#groups", q.page.unwrap_or(1))
    });
    let page = UnitsPage {
        can_manage: super::viewer_may(&viewer, Action::ManageUnits, &plan, None),
        kinds: kehoach_domain::UnitKind::ALL.iter().map(|k| (k.key().to_owned(), unit_kind_label(&t, *k))).collect(),
        frame: Frame::new(lang, base.clone(), &viewer),
        units: plan.units[unit_range].iter().map(|u| unit_line(&t, u)).collect(),
        units_pager,
        groups: plan.groups[group_range]
            .iter()
            .map(|g| GroupLine {
                code: g.code.clone(),
                name: g.name.clone(),
                members: plan.units.iter().filter(|u| g.has(u)).count(),
            })
            .collect(),
        groups_pager,
        plan,
    };
    render(&page, lang)
}

/// An indicator or task a unit is responsible for, as a line on its page.
pub struct WorkLine {
    pub href: String,
    pub code: String,
    pub kind: String,
    pub text: String,
    pub via: Option<String>,
}

fn work_lines(plan: &Plan, t: &Tr, work: &[kehoach_domain::Assignment<'_>]) -> Vec<WorkLine> {
    work.iter()
        .map(|a| {
            let (href, code, kind, text) = match a.subject {
                Subject::Indicator(i) => (
                    format!("/plans/{}/indicators/{}", plan.id, i.code),
                    i.code.clone(),
                    t.get("word-indicator"),
                    i.name.clone(),
                ),
                Subject::Task(task) => (
                    format!("/plans/{}/tasks/{}", plan.id, task.code),
                    task.code.clone(),
                    t.get("word-task"),
                    format!("{}: {}", task.content, task.description),
                ),
            };
            WorkLine { href, code, kind, text, via: a.via.map(|g: &UnitGroup| g.name.clone()) }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    frame: Frame,
    plan: Plan,
    code: String,
    /// The viewer may see the unit's contact person.
    can_see_contact: bool,
    /// The unit's private calendar link (with the titles of ad hoc requests), for those who
    /// may see it; `Some("")` when it has none yet.
    calendar_secret: Option<String>,
    name: String,
    kind: String,
    sample: bool,
    is_group: bool,
    /// The unit reports to the commune: it has deadlines to subscribe to.
    reports: bool,
    members: Vec<UnitLine>,
    members_pager: Pager,
    groups: Vec<String>,
    leads: Vec<WorkLine>,
    coordinates: Vec<WorkLine>,
}

#[derive(Deserialize)]
struct MembersQuery {
    /// The page of a group's members.
    page: Option<usize>,
}

async fn unit_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((id, code)): Path<(String, String)>,
    QueryParams(q): QueryParams<MembersQuery>,
) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &id, lang).await?;
    let t = Tr::new(lang);
    let Work { leads, coordinates } = plan.work_of(&code);
    let leads = work_lines(&plan, &t, &leads);
    let coordinates = work_lines(&plan, &t, &coordinates);
    let base = format!("/plans/{}/units/{}", plan.id, code);
    let frame = Frame::new(lang, base.clone(), &viewer);
    let can_see_contact = plan.units.iter().any(|u| u.code == code)
        && super::viewer_may(&viewer, Action::ReadUnitContact, &plan, Some(&code));
    let page = if let Some(unit) = plan.units.iter().find(|u| u.code == code) {
        let calendar_secret = {
            let who = viewer.0.as_ref().map(|s| &s.principal);
            kehoach_app::calendar::secret(&state, who, &plan, &code).await.page(lang)?
        };
        let reports = plan.reporting_units().any(|u| u.code == code);
        UnitPage {
            frame,
            code: code.clone(),
            can_see_contact,
            calendar_secret,
            name: unit.name.clone(),
            kind: unit_kind_label(&t, unit.kind),
            sample: unit.sample,
            is_group: false,
            reports,
            members: Vec::new(),
            members_pager: Pager::new(&t, 0, None, |_| String::new()).0,
            groups: plan.groups.iter().filter(|g| g.has(unit)).map(|g| g.name.clone()).collect(),
            leads,
            coordinates,
            plan,
        }
    } else if let Some(group) = plan.group(&code) {
        let all = group.resolve(&plan.units);
        let (members_pager, range) = Pager::new(&t, all.len(), q.page, |n| format!("{base}?page={n}"));
        UnitPage {
            frame,
            code: code.clone(),
            can_see_contact: false,
            calendar_secret: None,
            name: group.name.clone(),
            kind: t.get("word-group"),
            sample: false,
            is_group: true,
            reports: false,
            members: all[range].iter().map(|u| unit_line(&t, u)).collect(),
            members_pager,
            groups: Vec::new(),
            leads,
            coordinates,
            plan,
        }
    } else {
        return Err(missing(NotFound::Unit, lang));
    };
    render(&page, lang)
}

// ---------------------------------------------------------------------------------------------
// Language switch and errors.

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

async fn switch_language(Path(code): Path<String>, QueryParams(q): QueryParams<Next>) -> Response {
    let lang = Lang::from_code(&code).unwrap_or_default();
    let next = safe_next(q.next.as_deref());
    let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", lang.code());
    let mut response = Redirect::to(&next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
