//! A plan file sent by an admin: checked, refused with every problem, or imported.

use std::sync::Arc;

use kehoach_domain::{Action, Decision, Plan, Principal, Scope, authorize};
use kehoach_store::{Actor, ImportOutcome, Revisions};

use crate::App;
use crate::error::{AppError, Msg};

/// One problem of a plan file, where it is.
#[derive(Debug, Clone)]
pub struct FileProblem {
    pub line: usize,
    pub column: usize,
    pub problem: Msg,
}

#[derive(Debug)]
pub enum UploadError {
    /// The file is not a valid plan: every problem, in file order.
    Invalid(Vec<FileProblem>),
    App(AppError),
}

/// The plan with this id, or not found.
pub async fn get(state: &App, plan_id: &str) -> Result<kehoach_domain::Plan, AppError> {
    Ok(Plan::clone(&shared(state, plan_id).await?.0))
}

/// The plan with this id and the revisions it was read at, kept in memory between requests:
/// one query (its revisions) when nothing changed since, the whole load when something did.
pub async fn shared(state: &App, plan_id: &str) -> Result<(Arc<Plan>, Revisions), AppError> {
    let not_found = || AppError::NotFound(crate::error::NotFound::Plan);
    let now = state.store.revisions(plan_id).await?.ok_or_else(not_found)?;
    if let Some(plan) = state.caches.plan(plan_id, &now) {
        return Ok((plan, now));
    }
    let plan = Arc::new(load(state, plan_id).await?);
    // Read after the revisions: if a change came in between, this copy is newer than `now`
    // says, and the next reader, seeing the raised revision, loads again.
    state.caches.keep_plan(plan_id, now, plan.clone());
    Ok((plan, now))
}

/// The plan as stored, with its reference (number and date) when the office filled it in.
async fn load(state: &App, plan_id: &str) -> Result<Plan, AppError> {
    let mut plan = state.store.plan(plan_id).await?.ok_or(AppError::NotFound(crate::error::NotFound::Plan))?;
    // The plan file did not carry its number and date; the office filled them in since.
    if plan.document.number.is_none()
        && let Some((number, issued_on)) = state.store.plan_reference(plan_id).await?
    {
        plan.document.number = Some(number);
        plan.document.issued_on = Some(issued_on);
    }
    Ok(plan)
}

/// Every plan, the newest year first.
pub async fn list(state: &App) -> Result<Vec<kehoach_store::PlanSummary>, AppError> {
    Ok(state.store.plans().await?)
}

/// The plans of the reader's commune (or, for a province's account, of its province).
pub async fn of_place(state: &App, who: &Principal) -> Result<Vec<kehoach_store::PlanSummary>, AppError> {
    let mut plans = list(state).await?;
    plans.retain(|s| {
        s.commune.province_code == who.province && who.commune.as_ref().is_none_or(|c| *c == s.commune.code)
    });
    Ok(plans)
}

/// The largest plan file accepted: the Mường La plan is about 60 KB.
pub const PLAN_LIMIT: usize = 1024 * 1024;

/// Checks and imports `text`. The plan must belong to a commune the admin may manage; another
/// commune's plan is refused as if that commune did not exist.
pub async fn import(
    state: &App,
    who: &Principal,
    address: Option<&str>,
    text: &str,
) -> Result<ImportOutcome, UploadError> {
    let plan = kehoach_plan::parse(text).map_err(|problems| {
        UploadError::Invalid(
            problems
                .iter()
                .map(|p| {
                    let at = p.position(text);
                    FileProblem { line: at.line, column: at.column, problem: Msg::composed(|lang| p.message(lang)) }
                })
                .collect(),
        )
    })?;
    let scope = Scope {
        province: Some(plan.commune.province_code.clone()),
        commune: Some(plan.commune.code.clone()),
        unit: None,
    };
    match authorize(Some(who), Action::ManagePlans, &scope) {
        Decision::Allow => {}
        _ => return Err(UploadError::App(AppError::invalid("plan-other-commune"))),
    }
    let actor = Actor { name: &who.username, address };
    state.store.import_plan(&plan, actor).await.map_err(|e| match e {
        kehoach_store::StoreError::Conflict(_) => UploadError::App(AppError::conflict("plan-id-taken")),
        other => UploadError::App(other.into()),
    })
}
