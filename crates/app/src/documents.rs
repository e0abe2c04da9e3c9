//! The official documents: the plan and the commune report as .docx, numbered, from the data.

use kehoach_docs::docx::report::{self, ReportInput};
use kehoach_docs::docx::{Layout, plan::plan_docx};
use kehoach_domain::Lang;
use kehoach_store::Actor;

use crate::App;
use crate::error::{AppError, NotFound};
use crate::present::{Tr, next_period_in_document, period_in_document, status_label, task_status_label};
use crate::reporting;

/// The plan as its document.
pub async fn plan(state: &App, plan_id: &str) -> Result<(String, Vec<u8>), AppError> {
    let plan = state.store.plan(plan_id).await?.ok_or(AppError::NotFound(NotFound::Plan))?;
    let bytes = plan_docx(&plan, &Layout::default())?;
    Ok((format!("ke-hoach-{}.docx", plan.id), bytes))
}

/// The commune report of a period as its document: numbered once approved, a draft before.
/// `drafts` says whether the reader may see a report not yet approved.
pub async fn commune_report(
    state: &App,
    plan_id: &str,
    period_id: &str,
    drafts: bool,
    actor: Actor<'_>,
) -> Result<(String, Vec<u8>), AppError> {
    let (plan, period) = reporting::plan_period(state, plan_id, period_id).await?;
    let view = reporting::commune_report(state, &plan, &period).await?;
    if !view.approved && !drafts {
        return Err(AppError::NotFound(NotFound::Page));
    }
    let number = reporting::number_report(state, &plan, &period, &view, actor).await?;
    let progress_date = period.data_to.min(crate::progress::today(state, &plan));
    let progress = crate::progress::of_plan(state, &plan, progress_date).await?;
    // The document is in Vietnamese whatever the reader's interface language.
    let t = Tr::new(Lang::Vi);
    let task_status = |s| task_status_label(&t, s);
    let indicator_status = |s| status_label(&t, s);
    let input = ReportInput {
        plan: &plan,
        period_label: period_in_document(period.id),
        next_period_label: next_period_in_document(period.id),
        number: number.map(|n| n.number),
        issued_on: number.map(|n| n.issued_on),
        approved: view.approved,
        narrative: &view.narrative,
        consolidation: &view.consolidation,
        progress: &progress,
        progress_date,
        task_status: &task_status,
        indicator_status: &indicator_status,
    };
    let bytes = report::report_docx(&input, &Layout::default())?;
    let name = match number {
        Some(n) => format!("bao-cao-{:02}-{}-{}.docx", n.number, plan.id, period.id),
        None => format!("du-thao-bao-cao-{}-{}.docx", plan.id, period.id),
    };
    Ok((name, bytes))
}
