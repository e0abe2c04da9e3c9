//! The reporting cycle's pages: the periods, a unit's report form, the timeliness board.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use kehoach_domain::report::{Change, ReportBody, ReportState, Standing, Step, TaskStatus, diff};
use kehoach_domain::{Action, Lang, Plan};
use serde::Deserialize;

use super::plan::load_plan;
use super::{Frame, render, viewer_may};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, PageError, WebError};
use crate::evidence;
use crate::i18n::{RequestLang, Tr};
use crate::params::{Params, QueryParams};
use crate::policy::Routes;
use crate::reporting::{self, ReportContext, ReportView, StepError};

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/periods", Action::ReadPublic, periods_page)
        .get("/plans/{plan}/periods/{period}/reports/{unit}", Action::ReadReport, report_page)
        .post("/plans/{plan}/periods/{period}/reports/{unit}", Action::EditReport, save_report)
        .post("/plans/{plan}/periods/{period}/reports/{unit}/review", Action::ReviewReport, review_report)
        .post_upload(
            "/plans/{plan}/periods/{period}/reports/{unit}/files",
            Action::EditReport,
            upload_file,
            evidence::MAX_UPLOAD,
        )
        .get("/plans/{plan}/periods/{period}/reports/{unit}/files/{file}", Action::ReadReport, download_file)
        .post("/plans/{plan}/periods/{period}/reports/{unit}/files/{file}/remove", Action::EditReport, remove_file)
        .get("/plans/{plan}/periods/{period}/board", Action::ReadBoard, board_page)
        .get("/plans/{plan}/periods/{period}/board.csv", Action::ReadBoard, board_csv_download)
}

/// A date and time in Vietnam, as people read it.
pub use kehoach_app::present::local_time as local;

pub use kehoach_app::present::{standing_label, timeliness};

fn time_left(t: &Tr, seconds: i64) -> String {
    if seconds <= 0 {
        return t.with("time-overdue", "days", (-seconds) / 86_400);
    }
    let days = seconds / 86_400;
    if days >= 1 {
        t.with("time-days-left", "days", days)
    } else {
        t.with("time-hours-left", "hours", (seconds / 3600).max(1))
    }
}

// ---------------------------------------------------------------------------------------------

pub struct PeriodLine {
    pub id: String,
    pub label: String,
    pub deadline_day: String,
    pub deadline: String,
    pub data: String,
    pub passed: bool,
}

#[derive(Template)]
#[template(path = "periods.html")]
struct PeriodsPage {
    frame: Frame,
    plan: Plan,
    periods: Vec<PeriodLine>,
    can_board: bool,
    my_unit: Option<String>,
}

pub use kehoach_app::present::period_label;
    approved: super::leaders::ApprovedPeriods,

async fn periods_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path(plan_id): Path<String>,
) -> Result<Html<String>, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let t = Tr::new(lang);
    let now = state.clock.now();
    let periods = plan
        .reporting
        .periods(plan.year)
        .map_err(|e| PageError { error: WebError::Internal(format!("{e:?}")), lang })?;
    let my_unit = viewer
        .0
        .as_ref()
        .and_then(|s| s.principal.unit.clone())
        .filter(|u| plan.reporting_units().any(|r| r.code == *u));
    let page = PeriodsPage {
        frame: Frame::new(lang, format!("/plans/{plan_id}/periods"), &viewer),
        can_board: viewer_may(&viewer, Action::ReadBoard, &plan, None),
    let approved = super::leaders::approved_periods(&state, &viewer, &plan, lang).await?;
        periods: periods
        approved,
            .iter()
            .map(|p| PeriodLine {
                id: p.id.to_string(),
                label: period_label(&t, &p.id.to_string()),
                deadline_day: kehoach_app::present::day(p.deadline_day),
                deadline: local(&plan, p.deadline),
                data: format!("{} – {}", kehoach_app::present::day(p.data_from), kehoach_app::present::day(p.data_to)),
                passed: now >= p.deadline,
            })
            .collect(),
        my_unit,
        plan,
    };
    render(&page, lang)
}

// ---------------------------------------------------------------------------------------------

/// A task line of the form.
pub struct TaskField {
    pub code: String,
    pub title: String,
    pub lead: bool,
    pub status: String,
    pub note: String,
}

pub struct FigureField {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub value: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    frame: Frame,
    plan_id: String,
    period: String,
    period_label: String,
    unit: String,
    view: ReportView,
    /// The request's title and what it wants, for an ad hoc report.
    request: Option<(String, String)>,
    state_label: String,
    standing_label: String,
    deadline: String,
    tasks: Vec<TaskField>,
    figures: Vec<FigureField>,
    statuses: Vec<(String, String)>,
    can_edit: bool,
    can_review: bool,
    /// A message after the last action, or why it failed.
    notice: Option<String>,
    error: Option<String>,
    /// On a conflict: what the other person changed, against what this user sent.
    conflict: Vec<Change>,
    versions: Vec<VersionLine>,
    files: Vec<FileLine>,
}

/// An evidence file on the form's page.
pub struct FileLine {
    pub id: i32,
    pub name: String,
    pub size: String,
    pub by: String,
}

/// A submission on the form's page, with what changed since the one before.
pub struct VersionLine {
    pub number: i32,
    pub at: String,
    pub by: String,
    pub late: bool,
    pub changes: Vec<Change>,
}

fn fields(ctx: &ReportContext, body: &ReportBody) -> (Vec<TaskField>, Vec<FigureField>) {
    let tasks = body
        .tasks
        .iter()
        .map(|tp| {
            let task = ctx.plan.task(&tp.task);
            TaskField {
                code: tp.task.clone(),
                title: task.map_or_else(String::new, |t| format!("{}: {}", t.content, t.description)),
                lead: tp.lead,
                status: tp.status.key().to_owned(),
                note: tp.note.clone(),
            }
        })
        .collect();
    let figures = body
        .figures
        .iter()
        .map(|f| {
            let ind = ctx.plan.indicator(&f.indicator);
            FigureField {
                code: f.indicator.clone(),
                title: ind.map_or_else(String::new, |i| i.name.clone()),
                unit: ind.and_then(|i| i.measure_unit.clone()).unwrap_or_default(),
                value: f.value.map_or_else(String::new, |v| v.to_string().replace('.', ",")),
                note: f.note.clone(),
            }
        })
        .collect();
    (tasks, figures)
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    viewer: &Viewer,
    ctx: &ReportContext,
    view: ReportView,
    shown_body: Option<&ReportBody>,
    lang: Lang,
    notice: Option<String>,
    error: Option<String>,
    conflict: Vec<Change>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let period = ctx.period.id.to_string();
    let versions = reporting::versions(state, ctx)
        .await
        .page(lang)?
        .into_iter()
        .map(|v| VersionLine {
            number: v.number,
            at: local(&ctx.plan, v.at),
            by: v.by,
            late: v.late,
            changes: v.changes,
        })
        .collect();
    let files = evidence::list(state, ctx)
        .await
        .page(lang)?
        .into_iter()
        .map(|f| FileLine {
            id: f.id,
            name: f.name,
            size: format!("{:.1} MB", f64::from(f.size) / 1_048_576.0),
            by: f.uploaded_by,
        })
        .collect();
    let (tasks, figures) = fields(ctx, shown_body.unwrap_or(&view.body));
    let status = if error.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    let page = ReportPage {
        frame: Frame::new(lang, format!("/plans/{}/periods/{period}/reports/{}", ctx.plan.id, ctx.unit.code), viewer),
        plan_id: ctx.plan.id.clone(),
        period_label: period_label(&t, &period),
        period,
        request: ctx.request.as_ref().map(|r| (r.title.clone(), r.details.clone())),
        unit: ctx.unit.code.clone(),
        state_label: t.get(&format!("report-state-{}", view.state.key())),
        standing_label: standing_label(&t, view.standing),
        deadline: local(&ctx.plan, view.deadline),
        tasks,
        figures,
        statuses: TaskStatus::ALL
            .iter()
            .map(|s| (s.key().to_owned(), t.get(&format!("task-status-{}", s.key().replace('_', "-")))))
            .collect(),
        can_edit: view.lock.is_none() && viewer_may(viewer, Action::EditReport, &ctx.plan, Some(&ctx.unit.code)),
        can_review: viewer_may(viewer, Action::ReviewReport, &ctx.plan, Some(&ctx.unit.code))
            && matches!(view.state, ReportState::Submitted | ReportState::Accepted),
        notice,
        error,
        conflict,
        versions,
        files,
        view,
    };
    let mut response = (status, render(&page, lang)?).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(response)
}

#[derive(Deserialize)]
struct Flash {
    done: Option<String>,
}

async fn report_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan, period, unit)): Path<(String, String, String)>,
    QueryParams(flash): QueryParams<Flash>,
) -> Result<Response, PageError> {
    let ctx = reporting::context(&state, &plan, &period, &unit).await.page(lang)?;
    let stored = reporting::stored(&state, &plan, &period, &unit).await.page(lang)?;
    let view = reporting::view(&ctx, stored.as_ref(), state.clock.now(), lang);
    let t = Tr::new(lang);
    let notice = flash.done.as_deref().and_then(|d| match d {
        "save" | "submit" | "accept" | "return" | "reopen" | "file" => Some(t.get(&format!("report-done-{d}"))),
        _ => None,
    });
    show(&state, &viewer, &ctx, view, None, lang, notice, None, Vec::new()).await
}

/// Reads the form's fields into a report body; a figure that is not a number is named.
fn body_from_form(pairs: &[(String, String)], ctx: &ReportContext, t: &Tr) -> Result<ReportBody, String> {
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| kehoach_domain::text::nfc(v.trim()));
    let mut body = ctx.template();
    for (i, answer) in body.answers.iter_mut().enumerate() {
        answer.answer = get(&format!("answer.{i}")).unwrap_or_default();
    }
    for task in &mut body.tasks {
        if let Some(s) = get(&format!("task.{}.status", task.task)).and_then(|s| TaskStatus::from_key(&s)) {
            task.status = s;
        }
        task.note = get(&format!("task.{}.note", task.task)).unwrap_or_default();
    }
    for figure in &mut body.figures {
        let text = get(&format!("figure.{}.value", figure.indicator)).unwrap_or_default();
        figure.value = if text.is_empty() {
            None
        } else {
            // Only the reading of the number is the form's; its bounds are the same rule as the
            // API's (`kehoach_app::input::report_body`).
            let number: f64 =
                text.replace(',', ".").parse().map_err(|_| t.with("report-bad-number", "code", &figure.indicator))?;
            Some(number)
        };
        figure.note = get(&format!("figure.{}.note", figure.indicator)).unwrap_or_default();
    }
    body.activities = get("activities").unwrap_or_default();
    body.difficulties = get("difficulties").unwrap_or_default();
    body.proposals = get("proposals").unwrap_or_default();
    Ok(body)
}

async fn save_report(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Path((plan, period, unit)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let ctx = reporting::context(&state, &plan, &period, &unit).await.page(lang)?;
    let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let version: i32 = value("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let (step, done) = if value("intent") == Some("submit") { (Step::Submit, "submit") } else { (Step::Save, "save") };
    let body = body_from_form(&pairs, &ctx, &t).map_err(|m| PageError { error: WebError::Invalid(m), lang })?;
    let body = kehoach_app::input::report_body(body).page(lang)?;
    let actor = acting.actor();
    match reporting::apply(&state, &ctx, step, version, Some(&body), actor, lang).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/plans/{plan}/periods/{period}/reports/{unit}?done={done}")).into_response())
        }
        Err(StepError::Conflict(current)) => {
            // Nothing is lost: the form shows what this user sent, the changes the other made,
            // and carries the current version so that saving again is a deliberate choice.
            let changes = diff(&current.body, &body.fitted_to(&current.body));
            let message = t.get("report-conflict");
            show(&state, &viewer, &ctx, *current, Some(&body), lang, None, Some(message), changes).await
        }
        Err(StepError::Refused(message)) => {
            let stored = reporting::stored(&state, &plan, &period, &unit).await.page(lang)?;
            let view = reporting::view(&ctx, stored.as_ref(), state.clock.now(), lang);
            show(&state, &viewer, &ctx, view, Some(&body), lang, None, Some(message), Vec::new()).await
        }
        Err(StepError::Web(error)) => Err(PageError { error, lang }),
    }
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    version: i32,
    #[serde(default)]
    intent: String,
    #[serde(default)]
    reason: String,
}

async fn review_report(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Path((plan, period, unit)): Path<(String, String, String)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let ctx = reporting::context(&state, &plan, &period, &unit).await.page(lang)?;
    let reason = kehoach_app::input::long("field-reason", &form.reason).page(lang)?;
    let (step, done) = match form.intent.as_str() {
        "accept" => (Step::Accept, "accept"),
        "return" => (Step::Return { reason }, "return"),
        "reopen" => (Step::Reopen { reason }, "reopen"),
        _ => return Err(PageError { error: WebError::Invalid(t.get("report-bad-intent")), lang }),
    };
    let actor = acting.actor();
    match reporting::apply(&state, &ctx, step, form.version, None, actor, lang).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/plans/{plan}/periods/{period}/reports/{unit}?done={done}")).into_response())
        }
        Err(StepError::Conflict(current)) => {
            show(&state, &viewer, &ctx, *current, None, lang, None, Some(t.get("report-conflict")), Vec::new()).await
        }
        Err(StepError::Refused(message)) => {
            let stored = reporting::stored(&state, &plan, &period, &unit).await.page(lang)?;
            let view = reporting::view(&ctx, stored.as_ref(), state.clock.now(), lang);
            show(&state, &viewer, &ctx, view, None, lang, None, Some(message), Vec::new()).await
        }
        Err(StepError::Web(error)) => Err(PageError { error, lang }),
    }
}

async fn upload_file(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan, period, unit)): Path<(String, String, String)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let ctx = reporting::context(&state, &plan, &period, &unit).await.page(lang)?;
    let (name, bytes) = evidence::read_file(&mut multipart, lang).await.page(lang)?;
    let actor = acting.actor();
    kehoach_app::evidence::attach(&state, &ctx, &name, &bytes, actor).await.page(lang)?;
    Ok(Redirect::to(&format!("/plans/{plan}/periods/{period}/reports/{unit}?done=file")).into_response())
}

async fn remove_file(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan, period, unit, file)): Params<(String, String, String, i32)>,
) -> Result<Response, PageError> {
    let ctx = reporting::context(&state, &plan, &period, &unit).await.page(lang)?;
    let actor = acting.actor();
    kehoach_app::evidence::detach(&state, &ctx, file, actor).await.page(lang)?;
    Ok(Redirect::to(&format!("/plans/{plan}/periods/{period}/reports/{unit}")).into_response())
}

/// A file as it was sent: as an attachment, so that a browser never runs it as a page.
pub async fn download_file(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params((plan, period, unit, file)): Params<(String, String, String, i32)>,
) -> Result<Response, PageError> {
    let ctx = reporting::context(&state, &plan, &period, &unit).await.page(lang)?;
    let (info, bytes) = evidence::fetch(&state, &ctx, file).await.page(lang)?;
    Ok(evidence::attachment(info, bytes))
}

// ---------------------------------------------------------------------------------------------

pub struct BoardLine {
    pub unit: String,
    pub name: String,
    pub sample: bool,
    pub standing: String,
    /// "đúng hạn" / "nộp muộn", once submitted.
    pub timeliness: String,
    pub standing_key: String,
    pub completeness: u8,
    pub updated: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    frame: Frame,
    plan_id: String,
    period: String,
    period_label: String,
    deadline: String,
    time_left: String,
    lines: Vec<BoardLine>,
    filter: String,
    filters: Vec<(String, String, usize)>,
}

#[derive(Deserialize)]
struct BoardFilter {
    standing: Option<String>,
}

async fn board_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan, period)): Path<(String, String)>,
    QueryParams(filter): QueryParams<BoardFilter>,
) -> Result<Html<String>, PageError> {
    let t = Tr::new(lang);
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.page(lang)?;
    let rows = reporting::board(&state, &plan, &period).await.page(lang)?;
    let filter = filter.standing.unwrap_or_default();
    let all = [
        Standing::NotStarted,
        Standing::Draft,
        Standing::SubmittedOnTime,
        Standing::SubmittedLate,
        Standing::Missing,
        Standing::Returned,
        Standing::Accepted,
    ];
    let page = BoardPage {
        frame: Frame::new(lang, format!("/plans/{}/periods/{}/board", plan.id, period.id), &viewer),
        plan_id: plan.id.clone(),
        period: period.id.to_string(),
        period_label: period_label(&t, &period.id.to_string()),
        deadline: local(&plan, period.deadline),
        time_left: time_left(&t, (period.deadline - state.clock.now()).num_seconds()),
        filters: all
            .iter()
            .map(|s| (s.key().to_owned(), standing_label(&t, *s), rows.iter().filter(|r| r.standing == *s).count()))
            .collect(),
        lines: rows
            .iter()
            .filter(|r| filter.is_empty() || r.standing.key() == filter)
            .map(|r| BoardLine {
                unit: r.unit.clone(),
                name: r.unit_name.clone(),
                sample: r.sample,
                standing: standing_label(&t, r.standing),
                timeliness: timeliness(&t, r.on_time),
                standing_key: r.standing.key().to_owned(),
                completeness: r.completeness,
                updated: r.updated_at.map(|at| local(&plan, at)).unwrap_or_default(),
                reason: r.return_reason.clone().unwrap_or_default(),
            })
            .collect(),
        filter,
    };
    render(&page, lang)
}

/// The board as CSV, UTF-8 with a BOM so that Excel reads Vietnamese right: the board's table
/// ([`crate::tables::board`]), also given as .xlsx.
async fn board_csv_download(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path((plan, period)): Path<(String, String)>,
) -> Result<crate::tables::Download, PageError> {
    let which = crate::tables::Which::Board { period };
    crate::tables::export(&state, &plan, &which, crate::tables::Format::Csv, lang).await.page(lang)
}
