//! The commune's report for a period: the consolidation, the narrative, the approval.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kehoach_domain::Action;
use serde::Deserialize;

use super::reports::{local, period_label};
use super::{Frame, render, viewer_may};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, PageError};
use crate::i18n::{RequestLang, Tr};
use crate::policy::Routes;
use crate::reporting::{self, CommuneReportView};

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/periods/{period}/consolidation", Action::ReadConsolidation, page)
        .post("/plans/{plan}/periods/{period}/consolidation", Action::EditConsolidation, save)
        .post("/plans/{plan}/periods/{period}/consolidation/approve", Action::ApproveConsolidation, approve)
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
    pub total: String,
}

#[derive(Template)]
#[template(path = "consolidation.html")]
struct ConsolidationPage {
    frame: Frame,
    plan_id: String,
    period: String,
    period_label: String,
    report: CommuneReportView,
    tasks: Vec<TaskRow>,
    figures: Vec<FigureRow>,
    approved_at: String,
    can_edit: bool,
    can_approve: bool,
    /// Every indicator computed from the registers at the period's data cut-off.
    progress: Vec<(String, String, super::progress::ProgressCell)>,
    progress_date: String,
}

async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path((plan, period)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let (plan, period) = reporting::plan_period(&state, &plan, &period).await.page(lang)?;
    let report = reporting::commune_report(&state, &plan, &period).await.page(lang)?;
    let status = |s: kehoach_domain::report::TaskStatus| t.get(&format!("task-status-{}", s.key().replace('_', "-")));
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
    let figures = report
        .consolidation
        .indicators
        .iter()
        .map(|l| FigureRow {
            code: l.code.clone(),
            name: l.name.clone(),
            by_unit: l
                .by_unit
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}{}",
                        f.unit_name,
                        f.value.map_or_else(|| "—".to_owned(), kehoach_domain::layout::decimal),
                        if f.note.is_empty() { String::new() } else { format!(" ({})", f.note) }
                    )
                })
                .collect(),
            total: l.total.map(kehoach_domain::layout::decimal).unwrap_or_default(),
        })
        .collect();
    let progress_date = period.data_to.min(crate::progress::today(&state, &plan));
    let computed = crate::progress::of_plan(&state, &plan, progress_date).await.page(lang)?;
    let progress = computed
        .iter()
        .zip(&plan.indicators)
        .map(|(p, i)| (i.code.clone(), i.name.clone(), super::progress::cell(&t, i, p)))
        .collect();
    let page = ConsolidationPage {
        progress,
        progress_date: kehoach_app::present::day(progress_date),
        frame: Frame::new(lang, format!("/plans/{}/periods/{}/consolidation", plan.id, period.id), &viewer),
        plan_id: plan.id.clone(),
        period: period.id.to_string(),
        period_label: period_label(&t, &period.id.to_string()),
        approved_at: report.approved_at.map(|at| local(&plan, at)).unwrap_or_default(),
        can_edit: !report.approved && viewer_may(&viewer, Action::EditConsolidation, &plan, None),
        can_approve: !report.approved && viewer_may(&viewer, Action::ApproveConsolidation, &plan, None),
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

async fn save(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan_id, period_id)): Path<(String, String)>,
    Form(form): Form<NarrativeForm>,
) -> Result<Response, PageError> {
    let (plan, period) = reporting::plan_period(&state, &plan_id, &period_id).await.page(lang)?;
    let text = kehoach_app::input::long("consolidation-narrative", &form.narrative).page(lang)?;
    let actor = acting.actor();
    kehoach_app::reporting::change_commune_report(&state, &plan, &period, form.version, Some(&text), actor)
        .await
        .page(lang)?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/periods/{period_id}/consolidation")).into_response())
}

async fn approve(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan_id, period_id)): Path<(String, String)>,
    Form(form): Form<NarrativeForm>,
) -> Result<Response, PageError> {
    let (plan, period) = reporting::plan_period(&state, &plan_id, &period_id).await.page(lang)?;
    let actor = acting.actor();
    kehoach_app::reporting::change_commune_report(&state, &plan, &period, form.version, None, actor)
        .await
        .page(lang)?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/periods/{period_id}/consolidation")).into_response())
}
