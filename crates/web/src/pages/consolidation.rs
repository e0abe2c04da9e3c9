//! The commune's report for a period: the consolidation and the narrative while a draft; sending
//! it for approval; the leader's approval (number, signer, a confirmation when units are
//! missing); the approved record, its versions, the signed scan and the reopening for a
//! correction. The province reads the approved versions here too.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use kehoach_app::commune_report::{self, ApprovalInput, RecordView};
use kehoach_domain::record::{AsOfBasis, CommuneReportState};
use kehoach_domain::{Action, ReportNumbering, Signer};
use serde::Deserialize;

use super::reports::{local, period_label};
use super::{Frame, render, viewer_may};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, PageError};
use crate::i18n::{RequestLang, Tr};
use crate::params::{Params, QueryParams};
use crate::policy::Routes;
use crate::reporting::{self, CommuneReportView};

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/periods/{period}/consolidation", Action::ReadCommuneReport, page)
        .post("/plans/{plan}/periods/{period}/consolidation", Action::EditConsolidation, save)
        .post("/plans/{plan}/periods/{period}/consolidation/send", Action::EditConsolidation, send)
        .post("/plans/{plan}/periods/{period}/consolidation/approve", Action::ApproveConsolidation, approve)
        .post("/plans/{plan}/periods/{period}/consolidation/reopen", Action::ApproveConsolidation, reopen)
        .post_upload(
            "/plans/{plan}/periods/{period}/versions/{version}/scan",
            Action::ApproveConsolidation,
            attach_scan,
            crate::evidence::MAX_UPLOAD,
        )
        .get("/plans/{plan}/periods/{period}/versions/{version}/scan.pdf", Action::ReadCommuneReport, scan_pdf)
        .post("/plans/{plan}/reference", Action::ManagePlans, set_reference)
}

pub struct TaskRow {
    pub code: String,
    pub title: String,
    pub lead: String,
    pub notes: Vec<String>,
}

pub struct FigureRow {
    pub code: String,
    pub name: String,
    pub by_unit: Vec<String>,
}

/// An approved version as listed.
pub struct VersionRow {
    pub record: RecordView,
    pub issued_on: String,
    pub approved_at: String,
    pub superseded_at: String,
    pub signer: String,
}

/// One sending to the province, in words.
pub struct HandoffLine {
    /// "Phiên bản 1 (số 07/BC-UBND)".
    pub version: String,
    /// `sent`, `accepted`, `returned` (for the badge's colour).
    pub state: &'static str,
    pub text: String,
}

/// The province returned the latest version: said first, with what to do next.
pub struct ReturnedNotice {
    pub alert: String,
    pub reason: String,
    pub next: String,
}

/// Where the report stands at the province (issue 13).
pub struct HandoffView {
    /// The province's deadline for the period, or why it is not known.
    pub deadline: String,
    /// Whether the first sending arrived before it: (words, `on_time` | `late`).
    pub timeliness: Option<(String, &'static str)>,
    /// Newest first.
    pub lines: Vec<HandoffLine>,
    pub returned: Option<ReturnedNotice>,
}

/// A period inside a sentence: "quý I năm 2026" (in English "Quarter 1 2026").
pub fn period_in_sentence(t: &Tr, period: &str) -> String {
    match (t.lang, period.parse::<kehoach_domain::period::PeriodId>()) {
        (kehoach_domain::Lang::Vi, Ok(id)) => {
            let words = kehoach_app::present::period_in_document(id);
            let mut chars = words.chars();
            chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or(words)
        }
        _ => period_label(t, period),
    }
}

/// "09:12" and "05/03/2026" in the plan's time zone.
fn time_and_day(plan: &kehoach_domain::Plan, at: chrono::DateTime<chrono::Utc>) -> Vec<(&'static str, String)> {
    let local = at.with_timezone(&kehoach_app::present::plan_zone(plan));
    vec![("time", local.format("%H:%M").to_string()), ("date", local.format("%d/%m/%Y").to_string())]
}

/// The report's standing at the province in the reader's words.
pub fn handoff_view(t: &Tr, plan: &kehoach_domain::Plan, report: &CommuneReportView) -> HandoffView {
    use kehoach_domain::rollup::AtProvince;
    let at = &report.province;
    let receiver = at.receiver.clone().unwrap_or_else(|| t.get("handoff-receiver-unknown"));
    let deadline = match at.deadline {
        Some(due) => {
            let mut args = time_and_day(plan, due);
            args.push(("receiver", receiver.clone()));
            t.args("handoff-deadline", &args)
        }
        None => t.get("handoff-deadline-unknown"),
    };
    let timeliness = at.timeliness.map(|tl| match tl {
        kehoach_domain::handoff::Timeliness::OnTime => (t.get("handoff-on-time"), "on_time"),
        kehoach_domain::handoff::Timeliness::Late => (t.get("handoff-late"), "late"),
    });
    let lines = at
        .sendings
        .iter()
        .rev()
        .map(|s| {
            let mut sent_args = time_and_day(plan, s.sent_at);
            sent_args.push(("receiver", receiver.clone()));
            let sent = t.args("handoff-sent", &sent_args);
            let decided = |key: &str, reason: Option<&str>| {
                let mut args = s.decided_at.map(|d| time_and_day(plan, d)).unwrap_or_default();
                args.push(("reason", reason.unwrap_or_default().to_owned()));
                t.args(key, &args)
            };
            let text = match (s.state, s.superseded) {
                (AtProvince::Sent, false) => format!("{sent}, {}", t.get("handoff-waiting")),
                (AtProvince::Sent, true) => format!("{sent}; {}", t.get("handoff-superseded")),
                (AtProvince::Accepted, _) => format!("{sent}. {}", decided("handoff-accepted", None)),
                (AtProvince::Returned, _) => format!("{sent}. {}", decided("handoff-returned", s.reason.as_deref())),
            };
            HandoffLine {
                version: t.args(
                    "handoff-version",
                    &[
                        ("version", s.version.to_string()),
                        ("number", format!("{:02}/{}", s.number, kehoach_docs::docx::report::SYMBOL)),
                    ],
                ),
                state: s.state.key(),
                text,
            }
        })
        .collect();
    let returned = at.returned().map(|s| {
        let mut args = s.decided_at.map(|d| time_and_day(plan, d)).unwrap_or_default();
        args.extend([
            ("receiver", receiver.clone()),
            ("period", period_in_sentence(t, &s.period)),
            ("version", s.version.to_string()),
        ]);
        ReturnedNotice {
            alert: t.args("handoff-returned-alert", &args),
            reason: t.with("handoff-returned-reason", "reason", s.reason.clone().unwrap_or_default()),
            next: t.get(if s.superseded { "handoff-next-correct" } else { "handoff-next-reopen" }),
        }
    });
    HandoffView { deadline, timeliness, lines, returned }
}

/// An indicator whose live value moved since approval.
pub struct DriftRow {
    pub code: String,
    pub name: String,
    pub approved: String,
    pub now: String,
}

#[derive(Template)]
#[template(path = "consolidation.html")]
struct ConsolidationPage {
    frame: Frame,
    /// The confirmation of what was just done.
    done: Option<String>,
    plan_id: String,
    period: String,
    period_label: String,
    report: CommuneReportView,
    state_label: String,
    /// The reader sees drafts (the commune's staff); the province sees approved versions only.
    sees_drafts: bool,
    tasks: Vec<TaskRow>,
    figures: Vec<FigureRow>,
    approved_at: String,
    can_edit: bool,
    can_send: bool,
    can_approve: bool,
    can_reopen: bool,
    can_attach: bool,
    can_set_reference: bool,
    office_numbers: bool,
    signers: Vec<Signer>,
    default_signer: String,
    signer_title: String,
    signer_authority: String,
    versions: Vec<VersionRow>,
    drift: Vec<DriftRow>,
    /// Every indicator: the approved figures once approved, live ones before.
    progress: Vec<(String, String, super::progress::ProgressCell, String)>,
    progress_date: String,
    /// Says why the figures stand at that day.
    progress_basis: String,
    /// Where the report stands at the province.
    handoff: HandoffView,
}

/// What a form just did, confirmed on the page it comes back to.
#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

const DONE: [&str; 6] = ["saved", "sent", "approved", "reopened", "scan", "reference"];

fn number(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), kehoach_app::present::number)
}

async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((plan, period)): Params<(String, String)>,
    QueryParams(query): QueryParams<DoneQuery>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let done = query
        .done
        .as_deref()
        .and_then(|d| DONE.iter().find(|k| **k == d))
        .map(|d| t.get(&format!("commune-report-done-{d}")));
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.page(lang)?;
    let report = reporting::commune_report(&state, &plan, &period).await.page(lang)?;
    let who = viewer.0.as_ref().map(|s| &s.principal);
    let sees_drafts = kehoach_app::reporting::may_see_drafts(who, &plan);
    // The province sees a commune report once it has been approved, never a draft.
    if !sees_drafts && report.records.is_empty() {
        return Err(PageError { error: crate::error::WebError::NotFound(crate::error::NotFound::Page), lang });
    }
    let status = |s: kehoach_domain::report::TaskStatus| kehoach_app::present::task_status_label(&t, s);
    let tasks = report
        .consolidation
        .tasks
        .iter()
        .map(|l| TaskRow {
            code: l.code.clone(),
            title: format!("{}: {}", l.content, l.description),
            lead: l
                .lead
                .as_ref()
                .map_or_else(String::new, |n| format!("{} — {}. {}", n.unit_name, status(n.status), n.note)),
            notes: l
                .coordinators
                .iter()
                .map(|n| format!("{} — {}. {}", n.unit_name, status(n.status), n.note))
                .collect(),
        })
        .collect();
    // Figures units reported themselves (indicators measured by the sum of unit reports).
    let figures = report
        .consolidation
        .indicators
        .iter()
        .filter(|l| !l.by_unit.is_empty())
        .map(|l| FigureRow {
            code: l.code.clone(),
            name: l.name.clone(),
            by_unit: l
                .by_unit
                .iter()
                .map(|f| {
                    let note = if f.note.is_empty() { String::new() } else { format!(" ({})", f.note) };
                    format!("{}: {}{note}", f.unit_name, number(f.value))
                })
                .collect(),
        })
        .collect();
    let (computed, progress_date, basis) = match commune_report::approved_progress(&report) {
        Some((p, day, basis)) => (p.to_vec(), day, basis),
        None => {
            let today = kehoach_app::progress::today(&state, &plan);
            let (day, basis) = kehoach_domain::record::as_of(period.data_to, today);
            (kehoach_app::progress::of_plan(&state, &plan, day).await.page(lang)?, day, basis)
        }
    };
    let progress = computed
        .iter()
        .filter_map(|p| {
            let i = plan.indicator(&p.indicator)?;
            let source = kehoach_app::present::source_label(&t, kehoach_domain::measure::source_of(i));
            Some((i.code.clone(), i.name.clone(), super::progress::cell(&t, i, p), source))
        })
        .collect();
    let drift = report
        .drift
        .iter()
        .map(|d| DriftRow {
            code: d.indicator.clone(),
            name: plan.indicator(&d.indicator).map(|i| i.name.clone()).unwrap_or_default(),
            approved: number(d.approved),
            now: number(d.now),
        })
        .collect();
    let versions = report
        .records
        .iter()
        .rev()
        .map(|r| VersionRow {
            issued_on: kehoach_app::present::day(r.issued_on),
            approved_at: local(&plan, r.approved_at),
            superseded_at: r.superseded_at.map(|at| local(&plan, at)).unwrap_or_default(),
            signer: format!("{} {}", r.signer.title, r.signer.name),
            record: r.clone(),
        })
        .collect();
    let signers = commune_report::signers(&state, &plan).await.page(lang)?;
    let me = who.map(|p| p.full_name.clone()).unwrap_or_default();
    let default_signer = signers.iter().find(|s| s.name == me).unwrap_or(&plan.signer).name.clone();
    let editable = report.state != CommuneReportState::Approved;
    let latest_unscanned = report.records.last().is_some_and(|r| r.scan_name.is_none() && r.superseded_at.is_none());
    let state_label = t.get(match report.state {
        CommuneReportState::Draft if !report.records.is_empty() => "commune-report-state-reopened",
        CommuneReportState::Draft => "commune-report-state-draft",
        CommuneReportState::AwaitingApproval => "commune-report-state-awaiting",
        CommuneReportState::Approved => "commune-report-state-approved",
    });
    let page = ConsolidationPage {
        handoff: handoff_view(&t, &plan, &report),
        done,
        progress,
        progress_date: kehoach_app::present::day(progress_date),
        progress_basis: t.get(match basis {
            AsOfBasis::DataCutOff => "commune-report-as-of-cut-off",
            AsOfBasis::Approval => "commune-report-as-of-approval",
        }),
        frame: Frame::new(lang, format!("/plans/{}/periods/{}/consolidation", plan.id, period.id), &viewer),
        plan_id: plan.id.clone(),
        period: period.id.to_string(),
        period_label: period_label(&t, &period.id.to_string()),
        approved_at: report.approved_at.map(|at| local(&plan, at)).unwrap_or_default(),
        state_label,
        sees_drafts,
        can_edit: editable && viewer_may(&viewer, Action::EditConsolidation, &plan, None),
        can_send: report.state == CommuneReportState::Draft
            && viewer_may(&viewer, Action::EditConsolidation, &plan, None),
        can_approve: editable && viewer_may(&viewer, Action::ApproveConsolidation, &plan, None),
        can_reopen: !editable && viewer_may(&viewer, Action::ApproveConsolidation, &plan, None),
        can_attach: latest_unscanned && viewer_may(&viewer, Action::ApproveConsolidation, &plan, None),
        can_set_reference: plan.document.issued_on.is_none() && viewer_may(&viewer, Action::ManagePlans, &plan, None),
        office_numbers: plan.document.report_numbering == ReportNumbering::Office,
        signer_title: plan.signer.title.clone(),
        signer_authority: plan.signer.authority.join("\n"),
        default_signer,
        signers,
        versions,
        drift,
        tasks,
        figures,
        report,
    };
    Ok(render(&page, lang)?.into_response())
}

#[derive(Deserialize)]
struct NarrativeForm {
    #[serde(default)]
    version: i32,
    #[serde(default)]
    narrative: String,
}

fn back(plan_id: &str, period_id: &str, done: &str) -> Response {
    Redirect::to(&format!("/plans/{plan_id}/periods/{period_id}/consolidation?done={done}")).into_response()
}

async fn save(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan_id, period_id)): Params<(String, String)>,
    Form(form): Form<NarrativeForm>,
) -> Result<Response, PageError> {
    let (plan, period) = reporting::plan_period(&state, &plan_id, &period_id).await.page(lang)?;
    let text = kehoach_app::input::long("consolidation-narrative", &form.narrative).page(lang)?;
    commune_report::save_narrative(&state, &plan, &period, form.version, &text, acting.actor()).await.page(lang)?;
    Ok(back(&plan_id, &period_id, "saved"))
}

#[derive(Deserialize)]
struct SeenForm {
    #[serde(default)]
    version: i32,
}

async fn send(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan_id, period_id)): Params<(String, String)>,
    Form(form): Form<SeenForm>,
) -> Result<Response, PageError> {
    let (plan, period) = reporting::plan_period(&state, &plan_id, &period_id).await.page(lang)?;
    commune_report::send_for_approval(&state, &plan, &period, form.version, acting.actor()).await.page(lang)?;
    Ok(back(&plan_id, &period_id, "sent"))
}

#[derive(Deserialize)]
struct ApprovalForm {
    #[serde(default)]
    version: i32,
    #[serde(default)]
    number: String,
    #[serde(default)]
    signer_name: String,
    #[serde(default)]
    signer_title: String,
    #[serde(default)]
    signer_authority: String,
    #[serde(default)]
    confirm_incomplete: Option<String>,
}

async fn approve(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan_id, period_id)): Params<(String, String)>,
    Form(form): Form<ApprovalForm>,
) -> Result<Response, PageError> {
    let (plan, period) = reporting::plan_period(&state, &plan_id, &period_id).await.page(lang)?;
    let number = match form.number.trim() {
        "" => None,
        n => Some(kehoach_app::commune_report::parse_number(n).page(lang)?),
    };
    let signer = (!form.signer_name.trim().is_empty()).then(|| Signer {
        authority: form.signer_authority.lines().map(str::to_owned).collect(),
        title: form.signer_title.clone(),
        name: form.signer_name.clone(),
    });
    let input =
        ApprovalInput { version: form.version, number, signer, confirm_incomplete: form.confirm_incomplete.is_some() };
    commune_report::approve(&state, &plan, &period, input, acting.actor()).await.page(lang)?;
    Ok(back(&plan_id, &period_id, "approved"))
}

#[derive(Deserialize)]
struct ReopenForm {
    #[serde(default)]
    version: i32,
    #[serde(default)]
    reason: String,
}

async fn reopen(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan_id, period_id)): Params<(String, String)>,
    Form(form): Form<ReopenForm>,
) -> Result<Response, PageError> {
    let (plan, period) = reporting::plan_period(&state, &plan_id, &period_id).await.page(lang)?;
    commune_report::reopen(&state, &plan, &period, form.version, &form.reason, acting.actor()).await.page(lang)?;
    Ok(back(&plan_id, &period_id, "reopened"))
}

async fn attach_scan(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params((plan_id, period_id, version)): Params<(String, String, i32)>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let (plan, period) = reporting::plan_period(&state, &plan_id, &period_id).await.page(lang)?;
    let (name, bytes) = crate::evidence::read_file(&mut multipart, lang).await.page(lang)?;
    commune_report::attach_scan(&state, &plan, &period, version, &name, &bytes, acting.actor()).await.page(lang)?;
    Ok(back(&plan_id, &period_id, "scan"))
}

async fn scan_pdf(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Params((plan_id, period_id, version)): Params<(String, String, i32)>,
) -> Result<Response, PageError> {
    let (plan, period) = reporting::plan_period(&state, &plan_id, &period_id).await.page(lang)?;
    let (name, bytes) = commune_report::scan(&state, &plan, &period, version).await.page(lang)?;
    Ok(crate::documents::pdf(&name, bytes))
}

#[derive(Deserialize)]
struct ReferenceForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    issued_on: String,
    /// Where to go back to.
    #[serde(default)]
    period: String,
}

async fn set_reference(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Params(plan_id): Params<String>,
    Form(form): Form<ReferenceForm>,
) -> Result<Response, PageError> {
    let plan = kehoach_app::plans::get(&state, &plan_id).await.page(lang)?;
    commune_report::set_plan_reference(&state, &plan, &form.number, &form.issued_on, acting.actor())
        .await
        .page(lang)?;
    let period: Result<kehoach_domain::period::PeriodId, ()> = form.period.parse();
    Ok(match period {
        Ok(p) => back(&plan_id, &p.to_string(), "reference"),
        Err(()) => Redirect::to(&format!("/plans/{plan_id}")).into_response(),
    })
}
