//! Ad hoc requests (báo cáo đột xuất): the focal officer asks units for a report outside the
//! quarters; each unit sees those addressed to it.

use kehoach_domain::request::{AdHocRequest, NewRequest, RequestProblem};
use kehoach_domain::{Plan, Principal, rows};
use kehoach_store::{Actor, RequestDraft};

use crate::App;
use crate::error::{AppError, Msg};

/// The requests `who` may see, of those given.
pub fn visible(requests: Vec<AdHocRequest>, who: &Principal) -> Vec<AdHocRequest> {
    requests.into_iter().filter(|r| rows::may_see_request(who, &r.units)).collect()
}

/// The plan's requests `who` may see.
pub async fn list(state: &App, plan_id: &str, who: &Principal) -> Result<Vec<AdHocRequest>, AppError> {
    Ok(visible(state.store.requests(plan_id).await?, who))
}

/// The plan's requests addressed to a unit.
pub async fn for_unit(state: &App, plan_id: &str, unit: &str) -> Result<Vec<AdHocRequest>, AppError> {
    let mut requests = state.store.requests(plan_id).await?;
    requests.retain(|r| r.units.iter().any(|u| u == unit));
    Ok(requests)
}

/// What is wrong with a new request, as a message.
pub fn problem_msg(p: &RequestProblem) -> Msg {
    match p {
        RequestProblem::NoTitle => Msg::new("request-no-title"),
        RequestProblem::NoUnits => Msg::new("request-no-units"),
        RequestProblem::UnknownUnit(c) => Msg::new("request-unknown-unit").with("code", c),
        RequestProblem::UnknownTask(c) => Msg::new("request-unknown-task").with("code", c),
        RequestProblem::UnknownIndicator(c) => Msg::new("request-unknown-indicator").with("code", c),
        RequestProblem::NothingAsked => Msg::new("request-nothing-asked"),
        RequestProblem::DeadlinePassed => Msg::new("request-deadline-passed"),
        RequestProblem::TooLong => Msg::new("error-too-large"),
    }
}

/// Checks and stores a request.
pub async fn make(state: &App, plan: &Plan, new: &NewRequest, actor: Actor<'_>) -> Result<AdHocRequest, AppError> {
    let units = new.check(plan, state.clock.now()).map_err(|p| AppError::Invalid(problem_msg(&p)))?;
    let title = crate::input::line("field-title", &new.title)?;
    let details = crate::input::long("field-details", &new.details)?;
    let mut questions = Vec::new();
    for q in &new.questions {
        let q = crate::input::line("field-question", q)?;
        if !q.is_empty() {
            questions.push(q);
        }
    }
    let draft = RequestDraft {
        title: &title,
        details: &details,
        tasks: &new.tasks,
        indicators: &new.indicators,
        questions: &questions,
        units: &units,
        deadline: new.deadline,
        now: state.clock.now(),
    };
    Ok(state.store.create_request(&plan.id, &draft, actor).await?)
}
