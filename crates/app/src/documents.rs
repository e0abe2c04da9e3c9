//! The official documents: the plan and the commune report as .docx, numbered, from the data.

use kehoach_docs::docx::{Layout, plan::plan_docx};

use crate::App;
use crate::error::AppError;
use crate::reporting;

/// The plan as its document.
pub async fn plan(state: &App, plan_id: &str) -> Result<(String, Vec<u8>), AppError> {
    let plan = crate::plans::get(state, plan_id).await?;
    let bytes = plan_docx(&plan, &Layout::default())?;
    Ok((format!("ke-hoach-{}.docx", plan.id), bytes))
}

/// The commune report of a period as its document: an approved version byte for byte as
/// approved (the latest, or `version`), a draft before. `drafts` says whether the reader may see
/// a report not yet approved.
pub async fn commune_report(
    state: &App,
    plan_id: &str,
    period_id: &str,
    version: Option<i32>,
    drafts: bool,
) -> Result<(String, Vec<u8>), AppError> {
    let (plan, period) = reporting::plan_period(state, plan_id, period_id).await?;
    crate::commune_report::document(state, &plan, &period, version, drafts).await
}
