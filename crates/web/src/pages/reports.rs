//! The reporting cycle's pages: the periods, a unit's report form, the timeliness board.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use kehoach_app::input::ReportField;
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
    approved: super::leaders::ApprovedPeriods,
}

pub use kehoach_app::present::period_label;

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
    let approved = super::leaders::approved_periods(&state, &viewer, &plan, lang).await?;
    let page = PeriodsPage {
        approved,
        frame: Frame::new(lang, format!("/plans/{plan_id}/periods"), &viewer),
        can_board: viewer_may(&viewer, Action::ReadBoard, &plan, None),
        periods: periods
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
    /// The status in words, for the page that reads the report.
    pub status_label: String,
    pub note: String,
    pub note_error: Option<String>,
    /// Nothing reported yet: not started, no note.
    pub empty: bool,
}

pub struct FigureField {
    pub code: String,
    pub title: String,
    pub unit: String,
    /// As stored, with a decimal comma, or as typed when it was refused.
    pub value: String,
    pub note: String,
    pub error: Option<String>,
    pub note_error: Option<String>,
}

/// A free text of the form (an answer, a narrative): its field's name, label, text, problem.
pub struct TextField {
    pub name: String,
    pub label: String,
    pub text: String,
    pub rows: u8,
    pub error: Option<String>,
}

/// A section of the form and how many of its fields are still empty.
pub struct Section {
    pub empty: usize,
    pub errors: usize,
}

impl Section {
    /// Open on the page while something is empty or wrong; a finished section folds away.
    pub fn open(&self) -> bool {
        self.empty > 0 || self.errors > 0
    }

    pub fn full(&self) -> bool {
        self.empty == 0
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
}

/// What the user sent, shown again: the body read from the form, the figures as typed, and
/// each refused field's problem by the field's name in the form.
#[derive(Default)]
pub struct Typed {
    pub body: Option<ReportBody>,
    pub raw: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
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
    answers: Vec<TextField>,
    texts: Vec<TextField>,
    /// Empty fields and problems per section: tasks, figures, answers, texts.
    sections: [Section; 4],
    /// Every refused field's problem, with the field's name, for the list at the top.
    field_errors: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    can_edit: bool,
    can_review: bool,
    /// A message after the last action, or why it failed.
    notice: Option<String>,
    error: Option<String>,
    /// On a conflict: what the other person changed, against what this user sent, in words.
    conflict: Vec<String>,
    versions: Vec<VersionLine>,
    files: Vec<FileLine>,
}

/// An evidence file on the form's page.
pub struct FileLine {
    pub id: i32,
    pub name: String,
    pub size: String,
    pub by: String,
    /// A photo a browser shows: drawn as a thumbnail.
    pub image: bool,
}

/// A submission on the form's page, with what changed since the one before.
pub struct VersionLine {
    pub number: i32,
    pub at: String,
    pub by: String,
    pub late: bool,
    /// In words: "Nhiệm vụ I.1 – trạng thái: Chưa bắt đầu → Đang thực hiện".
    pub changes: Vec<String>,
}

/// The form's name of a field of a report's content.
fn field_name(field: &ReportField) -> String {
    match field {
        ReportField::Activities => "activities".into(),
        ReportField::Difficulties => "difficulties".into(),
        ReportField::Proposals => "proposals".into(),
        ReportField::Code => String::new(),
        ReportField::TaskNote(code) => format!("task.{code}.note"),
        ReportField::FigureValue(code) => format!("figure.{code}.value"),
        ReportField::FigureNote(code) => format!("figure.{code}.note"),
        ReportField::Answer(i) => format!("answer.{i}"),
    }
}

struct Fields {
    tasks: Vec<TaskField>,
    figures: Vec<FigureField>,
    answers: Vec<TextField>,
    texts: Vec<TextField>,
    sections: [Section; 4],
}

fn fields(ctx: &ReportContext, body: &ReportBody, typed: &Typed, t: &Tr) -> Fields {
    let error = |name: &str| typed.errors.get(name).cloned();
    let tasks: Vec<TaskField> = body
        .tasks
        .iter()
        .map(|tp| {
            let task = ctx.plan.task(&tp.task);
            TaskField {
                code: tp.task.clone(),
                title: task.map_or_else(String::new, |t| format!("{}: {}", t.content, t.description)),
                lead: tp.lead,
                status: tp.status.key().to_owned(),
                status_label: t.get(&format!("task-status-{}", tp.status.key().replace('_', "-"))),
                note: tp.note.clone(),
                note_error: error(&format!("task.{}.note", tp.task)),
                empty: tp.status == TaskStatus::NotStarted && tp.note.trim().is_empty(),
            }
        })
        .collect();
    let figures: Vec<FigureField> = body
        .figures
        .iter()
        .map(|f| {
            let ind = ctx.plan.indicator(&f.indicator);
            let name = format!("figure.{}.value", f.indicator);
            FigureField {
                code: f.indicator.clone(),
                title: ind.map_or_else(String::new, |i| i.name.clone()),
                unit: ind.and_then(|i| i.measure_unit.clone()).unwrap_or_default(),
                value: typed
                    .raw
                    .get(&name)
                    .cloned()
                    .unwrap_or_else(|| f.value.map_or_else(String::new, |v| v.to_string().replace('.', ","))),
                note: f.note.clone(),
                error: error(&name),
                note_error: error(&format!("figure.{}.note", f.indicator)),
            }
        })
        .collect();
    let answers: Vec<TextField> = body
        .answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let name = format!("answer.{i}");
            TextField { error: error(&name), name, label: a.question.clone(), text: a.answer.clone(), rows: 3 }
        })
        .collect();
    let texts: Vec<TextField> = [
        ("activities", "report-activities", &body.activities, 4),
        ("difficulties", "report-difficulties", &body.difficulties, 3),
        ("proposals", "report-proposals", &body.proposals, 3),
    ]
    .into_iter()
    .map(|(name, label, text, rows)| TextField {
        name: name.into(),
        label: t.get(label),
        text: text.clone(),
        rows,
        error: error(name),
    })
    .collect();
    let count_texts = |list: &[TextField]| Section {
        empty: list.iter().filter(|f| f.text.trim().is_empty()).count(),
        errors: list.iter().filter(|f| f.error.is_some()).count(),
    };
    let sections = [
        Section {
            empty: tasks.iter().filter(|f| f.empty).count(),
            errors: tasks.iter().filter(|f| f.note_error.is_some()).count(),
        },
        Section {
            empty: figures.iter().filter(|f| f.value.trim().is_empty()).count(),
            errors: figures.iter().filter(|f| f.error.is_some() || f.note_error.is_some()).count(),
        },
        count_texts(&answers),
        count_texts(&texts),
    ];
    Fields { tasks, figures, answers, texts, sections }
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    viewer: &Viewer,
    ctx: &ReportContext,
    view: ReportView,
    typed: &Typed,
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
            changes: v.changes.iter().map(|c| kehoach_app::present::change_line(&t, c)).collect(),
        })
        .collect();
    let files = evidence::list(state, ctx)
        .await
        .page(lang)?
        .into_iter()
        .map(|f| FileLine {
            id: f.id,
            name: f.name,
            size: format!("{} MB", kehoach_app::present::number(f64::from(f.size) / 1_048_576.0)),
            by: f.uploaded_by,
            image: matches!(f.mime.as_str(), "image/jpeg" | "image/png" | "image/webp"),
        })
        .collect();
    let shown = fields(ctx, typed.body.as_ref().unwrap_or(&view.body), typed, &t);
    let status = if !typed.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let mut field_errors: Vec<(String, String)> = Vec::new();
    for name in shown
        .tasks
        .iter()
        .map(|f| format!("task.{}.note", f.code))
        .chain(
            shown.figures.iter().flat_map(|f| [format!("figure.{}.value", f.code), format!("figure.{}.note", f.code)]),
        )
        .chain(shown.answers.iter().chain(&shown.texts).map(|f| f.name.clone()))
    {
        if let Some(message) = typed.errors.get(&name) {
            field_errors.push((name, message.clone()));
        }
    }
    // A problem with no field of the form (a code sent by hand) is said at the top.
    if let Some(message) = typed.errors.get("") {
        field_errors.push((String::new(), message.clone()));
    }
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
        tasks: shown.tasks,
        figures: shown.figures,
        answers: shown.answers,
        texts: shown.texts,
        sections: shown.sections,
        field_errors,
        statuses: TaskStatus::ALL
            .iter()
            .map(|s| (s.key().to_owned(), t.get(&format!("task-status-{}", s.key().replace('_', "-")))))
            .collect(),
        can_edit: view.lock.is_none() && viewer_may(viewer, Action::EditReport, &ctx.plan, Some(&ctx.unit.code)),
        can_review: viewer_may(viewer, Action::ReviewReport, &ctx.plan, Some(&ctx.unit.code))
            && matches!(view.state, ReportState::Submitted | ReportState::Accepted),
        notice,
        error,
        conflict: conflict.iter().map(|c| kehoach_app::present::change_line(&t, c)).collect(),
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
        "file-removed" => Some(t.get("forms-file-removed")),
        _ => None,
    });
    show(&state, &viewer, &ctx, view, &Typed::default(), lang, notice, None, Vec::new()).await
}

/// Reads the form's fields into a report body, as typed: figures as Vietnamese users write them
/// ([`kehoach_app::input::figure`]); a figure that is not a number is kept as typed, with its
/// problem, and the body is then not written.
fn typed_form(pairs: &[(String, String)], ctx: &ReportContext, lang: Lang) -> Typed {
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| kehoach_domain::text::nfc(v.trim()));
    let mut typed = Typed::default();
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
        let name = format!("figure.{}.value", figure.indicator);
        let text = get(&name).unwrap_or_default();
        match kehoach_app::input::figure(&figure.indicator, &text) {
            Ok(value) => figure.value = value,
            Err(problem) => {
                typed.errors.insert(name.clone(), problem.words(lang));
                typed.raw.insert(name, text);
            }
        }
        figure.note = get(&format!("figure.{}.note", figure.indicator)).unwrap_or_default();
    }
    body.activities = get("activities").unwrap_or_default();
    body.difficulties = get("difficulties").unwrap_or_default();
    body.proposals = get("proposals").unwrap_or_default();
    typed.body = Some(body);
    typed
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
    let mut typed = typed_form(&pairs, &ctx, lang);
    let read = typed.body.clone().unwrap_or_else(|| ctx.template());
    // The same rules as the API's (`kehoach_app::input::report_body`), each problem beside its
    // field; the form comes back as typed, and nothing is written.
    let checked = kehoach_app::input::report_problems(read);
    let body = match checked {
        Ok(body) if typed.errors.is_empty() => body,
        Ok(_) => return refused_form(&state, &viewer, &ctx, typed, lang, version).await,
        Err(problems) => {
            for (field, problem) in problems {
                typed.errors.entry(field_name(&field)).or_insert_with(|| problem.words(lang));
            }
            return refused_form(&state, &viewer, &ctx, typed, lang, version).await;
        }
    };
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
            let typed = Typed { body: Some(body), ..Typed::default() };
            show(&state, &viewer, &ctx, *current, &typed, lang, None, Some(message), changes).await
        }
        Err(StepError::Refused(message)) => {
            let stored = reporting::stored(&state, &plan, &period, &unit).await.page(lang)?;
            let view = reporting::view(&ctx, stored.as_ref(), state.clock.now(), lang);
            let typed = Typed { body: Some(body), ..Typed::default() };
            show(&state, &viewer, &ctx, view, &typed, lang, None, Some(message), Vec::new()).await
        }
        Err(StepError::Web(error)) => Err(PageError { error, lang }),
    }
}

/// The form again (422), as typed, each problem beside its field; at the version the user
/// read, so that saving the corrected form is not taken for someone else's change.
async fn refused_form(
    state: &AppState,
    viewer: &Viewer,
    ctx: &ReportContext,
    typed: Typed,
    lang: Lang,
    version: i32,
) -> Result<Response, PageError> {
    let stored = reporting::stored(state, &ctx.plan.id, &ctx.period.id.to_string(), &ctx.unit.code).await.page(lang)?;
    let mut view = reporting::view(ctx, stored.as_ref(), state.clock.now(), lang);
    if version >= 0 {
        view.version = version;
    }
    let message = Tr::new(lang).with("forms-report-refused", "count", typed.errors.len());
    show(state, viewer, ctx, view, &typed, lang, None, Some(message), Vec::new()).await
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
            let typed = Typed::default();
            show(&state, &viewer, &ctx, *current, &typed, lang, None, Some(t.get("report-conflict")), Vec::new()).await
        }
        Err(StepError::Refused(message)) => {
            let stored = reporting::stored(&state, &plan, &period, &unit).await.page(lang)?;
            let view = reporting::view(&ctx, stored.as_ref(), state.clock.now(), lang);
            show(&state, &viewer, &ctx, view, &Typed::default(), lang, None, Some(message), Vec::new()).await
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
    Ok(Redirect::to(&format!("/plans/{plan}/periods/{period}/reports/{unit}?done=file-removed")).into_response())
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
