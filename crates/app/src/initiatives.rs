//! The initiative recognition cycle (sáng kiến): the year's round, the council's scoring, the
//! leader's decisions, and the recognised initiatives.
//!
//! Who sees what: every user of the commune and the province read the round; a unit's reporter
//! who is not on the council sees only their own unit's proposals (as in the register). Scoring
//! needs the `ScoreInitiatives` action *and* a seat on the round's council.

use chrono::{DateTime, Utc};
use kehoach_domain::initiative::{InitiativeProblem, ScoreSheet};
use kehoach_domain::register::register;
use kehoach_domain::{Lang, Plan, Principal, rows};
use kehoach_store::{Actor, InitiativeDecision, InitiativeEntry, InitiativeRound, InitiativesView, StoredSheet};
use serde::Serialize;
use serde_json::Value;

use crate::App;
use crate::error::{AppError, Msg, NotFound};

/// The longest note a decision may carry.
const NOTE_MAX: usize = 2000;

/// A refusal of the cycle: a non-member's scoring is refused, a record outside the round is
/// not found, a wrong input is invalid, the rest contradict the round's state.
pub fn refusal(p: &InitiativeProblem) -> AppError {
    let words = || Msg::composed(|lang| p.message(lang));
    match p {
        InitiativeProblem::NotMember => AppError::refused("initiative-not-member"),
        InitiativeProblem::NotInRound => AppError::NotFound(NotFound::Page),
        InitiativeProblem::Sheet { .. } | InitiativeProblem::NoCouncil | InitiativeProblem::UnknownMember { .. } => {
            AppError::Invalid(words())
        }
        _ => AppError::Conflict(words()),
    }
}

/// Opens the plan year's round with the plan's rules.
pub async fn open(state: &App, plan: &Plan, council: &[String], actor: Actor<'_>) -> Result<InitiativeRound, AppError> {
    let council: Vec<String> =
        council.iter().map(|c| crate::input::line("login-username", c)).collect::<Result<_, _>>()?;
    state
        .store
        .open_initiative_round(&plan.id, &council, &plan.initiatives, actor, state.clock.now())
        .await?
        .map_err(|p| refusal(&p))
}

/// A council member's points for an initiative of the open round.
pub async fn score(
    state: &App,
    plan_id: &str,
    record: i32,
    sheet: &ScoreSheet,
    actor: Actor<'_>,
) -> Result<StoredSheet, AppError> {
    state.store.score_initiative(plan_id, record, sheet, actor, state.clock.now()).await?.map_err(|p| refusal(&p))
}

/// The leader's decision on an initiative, with a note.
pub async fn decide(
    state: &App,
    plan_id: &str,
    record: i32,
    recognised: bool,
    note: &str,
    actor: Actor<'_>,
) -> Result<InitiativeDecision, AppError> {
    let note = crate::input::long("field-note", note)?;
    if note.chars().count() > NOTE_MAX {
        return Err(AppError::invalid("error-too-large"));
    }
    state
        .store
        .decide_initiative(plan_id, record, recognised, &note, actor, state.clock.now())
        .await?
        .map_err(|p| refusal(&p))
}

/// Closes the round: it is frozen.
pub async fn close(state: &App, plan_id: &str, actor: Actor<'_>) -> Result<InitiativeRound, AppError> {
    state.store.close_initiative_round(plan_id, actor, state.clock.now()).await?.map_err(|p| refusal(&p))
}

/// The year's round and initiatives as the user may see them: a unit's reporter who is not on
/// the council sees their own unit's proposals only.
pub async fn view_for(state: &App, plan_id: &str, who: &Principal) -> Result<InitiativesView, AppError> {
    let mut view = state.store.initiatives(plan_id).await?;
    let member = view.round.as_ref().is_some_and(|r| r.council.contains(&who.username));
    view.initiatives.retain(|e| rows::may_see_initiative(who, member, &e.record.record.unit));
    Ok(view)
}

pub fn text_field(e: &InitiativeEntry, key: &str) -> String {
    e.record.record.fields.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

pub fn field_label(e: &InitiativeEntry, lang: Lang) -> String {
    let key = text_field(e, "linh_vuc");
    register("sang_kien")
        .and_then(|r| r.field("linh_vuc"))
        .and_then(|f| f.option_label(&key, lang))
        .map_or(key, str::to_owned)
}

/// A recognised initiative, as listed and certified.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecognisedInitiative {
    pub record_id: i32,
    pub title: String,
    pub authors: String,
    /// The field's option key (`nong_nghiep`) and its label.
    pub field: String,
    pub field_label: String,
    pub unit: String,
    pub proposed_on: chrono::NaiveDate,
    /// The council's total (sum of the criterion averages).
    pub total: f64,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// The recognised initiatives of the year, oldest proposal first.
pub fn recognised(view: &InitiativesView, lang: Lang) -> Vec<RecognisedInitiative> {
    view.initiatives
        .iter()
        .filter_map(|e| {
            let d = e.decision.as_ref().filter(|d| d.recognised)?;
            Some(RecognisedInitiative {
                record_id: e.record.record.id,
                title: text_field(e, "ten"),
                authors: text_field(e, "tac_gia"),
                field: text_field(e, "linh_vuc"),
                field_label: field_label(e, lang),
                unit: e.record.record.unit.clone(),
                proposed_on: e.record.record.date,
                total: e.result.as_ref().map_or(0.0, |r| r.total),
                decided_by: d.decided_by.clone(),
                decided_at: d.decided_at,
            })
        })
        .collect()
}

/// The recognised initiatives of the plan's year, oldest proposal first; fields named in `lang`.
pub async fn recognised_in(state: &App, plan_id: &str, lang: Lang) -> Result<Vec<RecognisedInitiative>, AppError> {
    Ok(recognised(&state.store.initiatives(plan_id).await?, lang))
}

/// The accounts of the plan's commune: the council is chosen among them, and named by them.
pub async fn people(state: &App, plan: &Plan) -> Result<Vec<kehoach_store::UserRecord>, AppError> {
    Ok(state.store.users(Some(&plan.commune.province_code), Some(&plan.commune.code)).await?)
}
