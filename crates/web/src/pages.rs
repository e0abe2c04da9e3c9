//! The HTML pages: the plan, an indicator, a task, the units and what each does.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use kehoach_domain::layout::{number_line, place_date_line};
use kehoach_domain::{
    Indicator, IndicatorKind, Lang, Plan, Subject, Task, TimeFrame, Unit, UnitGroup, UnitKind,
    UnitRef, UnitRefKind, Work, recipient_lines,
};
use kehoach_store::PlanSummary;
use serde::Deserialize;

use crate::AppState;
use crate::error::{NotFound, PageError, WebError};
use crate::i18n::{RequestLang, Tr};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/lang/{code}", get(switch_language))
        .route("/plans/{id}", get(plan_page))
        .route("/plans/{id}/indicators/{code}", get(indicator_page))
        .route("/plans/{id}/tasks/{code}", get(task_page))
        .route("/plans/{id}/units", get(units_page))
        .route("/plans/{id}/units/{code}", get(unit_page))
        .fallback(not_found)
}

/// What every page's frame needs: the translator and the page's own path for the language
/// switch.
pub struct Frame {
    pub t: Tr,
    pub path: String,
}

impl Frame {
    fn new(lang: Lang, path: impl Into<String>) -> Frame {
        Frame { t: Tr::new(lang), path: path.into() }
    }

    /// The link that shows this page in the other language.
    pub fn switch_href(&self) -> String {
        let other = match self.t.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        };
        format!("/lang/{other}?next={}", encode_path(&self.path))
    }

    pub fn switch_label(&self) -> &'static str {
        match self.t.lang {
            Lang::Vi => "English",
            Lang::En => "Tiếng Việt",
        }
    }
}

fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn render(page: &impl Template, lang: Lang) -> Result<Html<String>, PageError> {
    page.render().map(Html).map_err(|e| PageError { error: e.into(), lang })
}

async fn load_plan(state: &AppState, id: &str, lang: Lang) -> Result<Plan, PageError> {
    state
        .store
        .plan(id)
        .await
        .map_err(|e| PageError { error: e.into(), lang })?
        .ok_or(PageError { error: WebError::NotFound(NotFound::Plan), lang })
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

pub fn unit_kind_label(t: &Tr, kind: UnitKind) -> String {
    t.get(&format!("unit-kind-{}", kind.key().replace('_', "-")))
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

async fn home(State(state): State<AppState>, RequestLang(lang): RequestLang) -> Result<Response, PageError> {
    let plans = state.store.plans().await.map_err(|e| PageError { error: e.into(), lang })?;
    if let [only] = plans.as_slice() {
        return Ok(Redirect::to(&format!("/plans/{}", only.id)).into_response());
    }
    Ok(render(&HomePage { frame: Frame::new(lang, "/"), plans }, lang)?.into_response())
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
    }
}

async fn plan_page(State(state): State<AppState>, RequestLang(lang): RequestLang, Path(id): Path<String>) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &id, lang).await?;
    let t = Tr::new(lang);
    let appendix_indicators = plan
        .appendix_indicators()
        .map(|(s, rows)| AppendixSection {
            code: s.code.clone(),
            title: s.title.clone(),
            rows: rows.into_iter().map(|i| indicator_row(&plan, i)).collect(),
        })
        .collect();
    let other_indicators = plan
        .indicators
        .iter()
        .filter(|i| plan.indicator_sections.iter().any(|s| s.code == i.section && !s.in_appendix))
        .map(|i| indicator_row(&plan, i))
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
        frame: Frame::new(lang, format!("/plans/{}", plan.id)),
        number_line: number_line(plan.document.number.as_deref(), &plan.document.symbol),
        date_line: place_date_line(&plan.document.place, plan.document.issued_on, plan.year),
        preamble: plan.preamble.paragraph(),
        recipients: recipient_lines(&plan.recipients),
        appendix_indicators,
        appendix_tasks,
        baseline_heading: t.with("appendix-baseline", "year", plan.year - 1),
        target_heading: t.with("appendix-target", "year", plan.year),
        other_indicators,
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
}

async fn indicator_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((id, code)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &id, lang).await?;
    let indicator = plan.indicator(&code).cloned().ok_or(missing(NotFound::Indicator, lang))?;
    let t = Tr::new(lang);
    let page = IndicatorPage {
        frame: Frame::new(lang, format!("/plans/{}/indicators/{}", plan.id, indicator.code)),
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
    Path((id, code)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &id, lang).await?;
    let task = plan.task(&code).cloned().ok_or(missing(NotFound::Task, lang))?;
    let t = Tr::new(lang);
    let page = TaskPage {
        frame: Frame::new(lang, format!("/plans/{}/tasks/{}", plan.id, task.code)),
        group_title: plan.task_groups.iter().find(|g| g.code == task.group).map(|g| g.title.clone()).unwrap_or_default(),
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

pub struct GroupLine {
    pub code: String,
    pub name: String,
    pub members: Vec<UnitLine>,
}

fn unit_line(t: &Tr, u: &Unit) -> UnitLine {
    UnitLine { code: u.code.clone(), name: u.name.clone(), kind: unit_kind_label(t, u.kind), sample: u.sample }
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    frame: Frame,
    plan: Plan,
    units: Vec<UnitLine>,
    groups: Vec<GroupLine>,
}

async fn units_page(State(state): State<AppState>, RequestLang(lang): RequestLang, Path(id): Path<String>) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &id, lang).await?;
    let t = Tr::new(lang);
    let page = UnitsPage {
        frame: Frame::new(lang, format!("/plans/{}/units", plan.id)),
        units: plan.units.iter().map(|u| unit_line(&t, u)).collect(),
        groups: plan
            .groups
            .iter()
            .map(|g| GroupLine {
                code: g.code.clone(),
                name: g.name.clone(),
                members: g.resolve(&plan.units).into_iter().map(|u| unit_line(&t, u)).collect(),
            })
            .collect(),
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
    name: String,
    kind: String,
    sample: bool,
    is_group: bool,
    members: Vec<UnitLine>,
    groups: Vec<String>,
    leads: Vec<WorkLine>,
    coordinates: Vec<WorkLine>,
}

async fn unit_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((id, code)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &id, lang).await?;
    let t = Tr::new(lang);
    let Work { leads, coordinates } = plan.work_of(&code);
    let leads = work_lines(&plan, &t, &leads);
    let coordinates = work_lines(&plan, &t, &coordinates);
    let frame = Frame::new(lang, format!("/plans/{}/units/{}", plan.id, code));
    let page = if let Some(unit) = plan.units.iter().find(|u| u.code == code) {
        UnitPage {
            frame,
            name: unit.name.clone(),
            kind: unit_kind_label(&t, unit.kind),
            sample: unit.sample,
            is_group: false,
            members: Vec::new(),
            groups: plan
                .groups
                .iter()
                .filter(|g| g.kinds.contains(&unit.kind) || g.members.contains(&unit.code))
                .map(|g| g.name.clone())
                .collect(),
            leads,
            coordinates,
            plan,
        }
    } else if let Some(group) = plan.group(&code) {
        UnitPage {
            frame,
            name: group.name.clone(),
            kind: t.get("word-group"),
            sample: false,
            is_group: true,
            members: group.resolve(&plan.units).into_iter().map(|u| unit_line(&t, u)).collect(),
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

async fn switch_language(Path(code): Path<String>, Query(q): Query<Next>) -> Response {
    let lang = Lang::from_code(&code).unwrap_or_default();
    // Only a path on this site: never an open redirect.
    let next = q.next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\')).unwrap_or_else(|| "/".into());
    let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", lang.code());
    let mut response = Redirect::to(&next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    frame: Frame,
    status: u16,
    pub message: String,
}

impl ErrorPage {
    pub fn new(lang: Lang, status: StatusCode, message: String) -> ErrorPage {
        ErrorPage { frame: Frame::new(lang, "/"), status: status.as_u16(), message }
    }
}

async fn not_found(RequestLang(lang): RequestLang) -> PageError {
    missing(NotFound::Page, lang)
}
