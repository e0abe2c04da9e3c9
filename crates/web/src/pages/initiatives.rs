//! The initiative recognition cycle (sáng kiến): the year's round, the council's scoring, the
//! leader's decisions, the list of recognised initiatives and their certificates.
//!
//! Who sees what: every user of the commune and the province read the round; a unit's reporter
//! who is not on the council sees only their own unit's proposals (as in the register). Scoring
//! needs the `ScoreInitiatives` action *and* a seat on the round's council.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use kehoach_domain::initiative::{InitiativeProblem, ScoreSheet, SheetProblem, points};
use kehoach_domain::{Action, Lang, Plan};
use kehoach_store::UserRecord;

use super::plan::load_plan;
use super::{Frame, render, viewer_may};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, NotFound, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::params::Params;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/initiatives", Action::ReadInitiatives, initiatives_page)
        .post("/plans/{plan}/initiatives/rounds", Action::ManageInitiativeRounds, open_form)
        .post("/plans/{plan}/initiatives/close", Action::DecideInitiatives, close_form)
        .post("/plans/{plan}/initiatives/{record}/score", Action::ScoreInitiatives, score_form)
        .post("/plans/{plan}/initiatives/{record}/decision", Action::DecideInitiatives, decision_form)
        .get("/plans/{plan}/initiatives/recognised", Action::ReadInitiatives, recognised_page)
        .get("/plans/{plan}/initiatives/{record}/certificate", Action::ReadInitiatives, certificate_page)
}

// ---------------------------------------------------------------------------------------------
// The use cases are kehoach_app::initiatives'.

pub use kehoach_app::initiatives::{RecognisedInitiative, field_label, text_field};
use kehoach_app::initiatives::{close, decide, open, refusal, score, view_for};

/// Reads a member's sheet from a form (`s_<criterion>` fields); "12,5" is read as 12.5.
fn sheet_from_form(plan: &Plan, pairs: &[(String, String)]) -> Result<ScoreSheet, InitiativeProblem> {
    let mut sheet = ScoreSheet::new();
    let mut problems = Vec::new();
    for c in &plan.initiatives.criteria {
        let name = format!("s_{}", c.key);
        let Some((_, raw)) = pairs.iter().find(|(k, _)| *k == name) else { continue };
        let raw = raw.trim().replace(',', ".");
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<f64>() {
            Ok(v) => {
                sheet.insert(c.key.clone(), v);
            }
            Err(_) => problems.push(SheetProblem::OutOfRange { criterion: c.name.clone(), max: c.max }),
        }
    }
    if problems.is_empty() { Ok(sheet) } else { Err(InitiativeProblem::Sheet { problems }) }
}

// ---------------------------------------------------------------------------------------------
// The round's page.

pub struct Average {
    pub name: String,
    pub value: String,
    pub max: u32,
}

pub struct ScoreInput {
    pub key: String,
    pub name: String,
    pub max: u32,
    pub value: String,
}

pub struct Line {
    pub id: i32,
    pub title: String,
    pub authors: String,
    pub field: String,
    pub unit: String,
    pub proposed: String,
    pub averages: Vec<Average>,
    pub total: String,
    pub sheets: usize,
    pub scored: bool,
    pub eligible: bool,
    /// `Some(true)` recognised, `Some(false)` declined.
    pub decision: Option<bool>,
    pub note: String,
    pub can_score: bool,
    pub my_sheet: Vec<ScoreInput>,
    pub has_my_sheet: bool,
    pub can_decide: bool,
}

pub struct RoundLine {
    pub open: bool,
    pub council: Vec<String>,
    pub opened: String,
    pub closed: String,
}

#[derive(Template)]
#[template(path = "initiatives.html")]
struct InitiativesPage {
    frame: Frame,
    plan: Plan,
    year: i32,
    round: Option<RoundLine>,
    lines: Vec<Line>,
    criteria: Vec<(String, u32)>,
    pass_total: u32,
    min_each: u32,
    can_open: bool,
    can_close: bool,
    can_propose: bool,
    candidates: Vec<(String, String)>,
    error: Option<String>,
}

use kehoach_app::present::day;

fn local_day(plan: &Plan, t: DateTime<Utc>) -> String {
    day(kehoach_app::present::local_day(plan, t))
}

fn unit_names(plan: &Plan) -> HashMap<String, String> {
    plan.units.iter().map(|u| (u.code.clone(), u.name.clone())).collect()
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    plan: Plan,
    lang: Lang,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let signed = viewer.0.as_ref().ok_or(PageError { error: WebError::NotSignedIn, lang })?;
    let me = signed.principal.username.as_str();
    let view = view_for(state, &plan.id, &signed.principal).await.page(lang)?;
    let users: Vec<UserRecord> = kehoach_app::initiatives::people(state, &plan).await.page(lang)?;
    let full_name = |u: &str| users.iter().find(|x| x.username == u).map_or(u.to_owned(), |x| x.full_name.clone());
    let units = unit_names(&plan);
    let open = view.round.as_ref().is_some_and(|r| r.state == kehoach_domain::initiative::RoundState::Open);
    let member = view.round.as_ref().is_some_and(|r| r.council.iter().any(|m| m == me));
    let can_score = open && member && viewer_may(viewer, Action::ScoreInitiatives, &plan, None);
    let can_decide = open && viewer_may(viewer, Action::DecideInitiatives, &plan, None);
    let rules = view.round.as_ref().map_or(&plan.initiatives, |r| &r.rules).clone();
    let lines = view
        .initiatives
        .iter()
        .map(|e| {
            let mine = e.sheets.iter().find(|s| s.member == me);
            let result = e.result.as_ref();
            Line {
                id: e.record.record.id,
                title: text_field(e, "ten"),
                authors: text_field(e, "tac_gia"),
                field: field_label(e, lang),
                unit: units.get(&e.record.record.unit).cloned().unwrap_or_else(|| e.record.record.unit.clone()),
                proposed: day(e.record.record.date),
                averages: rules
                    .criteria
                    .iter()
                    .map(|c| Average {
                        name: c.name.clone(),
                        value: points(result.and_then(|r| r.averages.get(&c.key)).copied().unwrap_or(0.0)),
                        max: c.max,
                    })
                    .collect(),
                total: points(result.map_or(0.0, |r| r.total)),
                sheets: result.map_or(0, |r| r.sheets),
                scored: result.is_some_and(|r| r.sheets > 0),
                eligible: result.is_some_and(|r| r.eligible),
                decision: e.decision.as_ref().map(|d| d.recognised),
                note: e.decision.as_ref().map(|d| d.note.clone()).unwrap_or_default(),
                can_score: can_score && e.decision.is_none(),
                my_sheet: rules
                    .criteria
                    .iter()
                    .map(|c| ScoreInput {
                        key: c.key.clone(),
                        name: c.name.clone(),
                        max: c.max,
                        value: mine.and_then(|s| s.scores.get(&c.key)).map(|v| points(*v)).unwrap_or_default(),
                    })
                    .collect(),
                has_my_sheet: mine.is_some(),
                can_decide,
            }
        })
        .collect();
    let round = view.round.as_ref().map(|r| RoundLine {
        open: r.state == kehoach_domain::initiative::RoundState::Open,
        council: r.council.iter().map(|m| full_name(m)).collect(),
        opened: local_day(&plan, r.opened_at),
        closed: r.closed_at.map(|t| local_day(&plan, t)).unwrap_or_default(),
    });
    let candidates = users
        .iter()
        .filter(|u| !u.disabled && kehoach_domain::rows::may_sit_on_council(u.role))
        .map(|u| (u.username.clone(), format!("{} ({})", u.full_name, super::role_label(&Tr::new(lang), u.role))))
        .collect();
    let page = InitiativesPage {
        frame: Frame::new(lang, format!("/plans/{}/initiatives", plan.id), viewer),
        year: plan.year,
        can_open: view.round.is_none() && viewer_may(viewer, Action::ManageInitiativeRounds, &plan, None),
        can_close: can_decide,
        can_propose: viewer_may(viewer, Action::EditRegister, &plan, None),
        criteria: rules.criteria.iter().map(|c| (c.name.clone(), c.max)).collect(),
        pass_total: rules.pass_total,
        min_each: rules.min_each,
        round,
        lines,
        candidates,
        error: error.as_ref().map(|e| e.1.clone()),
        plan,
    };
    let status = error.map_or(StatusCode::OK, |e| e.0);
    Ok((status, render(&page, lang)?).into_response())
}

async fn initiatives_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path(plan_id): Path<String>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    show(&state, &viewer, plan, lang, None).await
}

/// After a form: back to the page, or the page again with what went wrong.
async fn after(
    state: &AppState,
    viewer: &Viewer,
    plan: Plan,
    lang: Lang,
    anchor: &str,
    outcome: Result<(), WebError>,
) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{}/initiatives{anchor}", plan.id)).into_response()),
        Err(error) => {
            let shown = match (error.invalid_words(lang), error.conflict_words(lang)) {
                (Some(m), _) => (StatusCode::UNPROCESSABLE_ENTITY, m),
                (_, Some(m)) => (StatusCode::CONFLICT, m),
                _ => return Err(PageError { error, lang }),
            };
            show(state, viewer, plan, lang, Some(shown)).await
        }
    }
}

async fn open_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Path(plan_id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let council: Vec<String> = pairs.iter().filter(|(k, _)| k == "council").map(|(_, v)| v.clone()).collect();
    let outcome = open(&state, &plan, &council, acting.actor()).await.map(|_| ()).map_err(WebError::from);
    after(&state, &viewer, plan, lang, "", outcome).await
}

async fn close_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Path(plan_id): Path<String>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let outcome = close(&state, &plan.id, acting.actor()).await.map(|_| ()).map_err(WebError::from);
    after(&state, &viewer, plan, lang, "", outcome).await
}

async fn score_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Params((plan_id, record)): Params<(String, i32)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let outcome = match sheet_from_form(&plan, &pairs) {
        Ok(sheet) => score(&state, &plan.id, record, &sheet, acting.actor()).await.map(|_| ()).map_err(WebError::from),
        Err(p) => Err(refusal(&p).into()),
    };
    after(&state, &viewer, plan, lang, &format!("#sk-{record}"), outcome).await
}

async fn decision_form(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Params((plan_id, record)): Params<(String, i32)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let value = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let outcome = match value("recognised") {
        Some(r @ ("1" | "0")) => {
            decide(&state, &plan.id, record, r == "1", value("note").unwrap_or(""), acting.actor())
                .await
                .map(|_| ())
                .map_err(WebError::from)
        }
        _ => Err(WebError::Invalid(Tr::new(lang).get("initiatives-choose-decision"))),
    };
    after(&state, &viewer, plan, lang, &format!("#sk-{record}"), outcome).await
}

// ---------------------------------------------------------------------------------------------
// The list of recognised initiatives and the certificate.

#[derive(Template)]
#[template(path = "initiatives_recognised.html")]
struct RecognisedPage {
    frame: Frame,
    plan: Plan,
    year: i32,
    items: Vec<(RecognisedInitiative, String, String)>,
}

async fn recognised_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path(plan_id): Path<String>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let units = unit_names(&plan);
    let items = kehoach_app::initiatives::recognised_in(&state, &plan.id, lang)
        .await
        .page(lang)?
        .into_iter()
        .map(|r| {
            let unit = units.get(&r.unit).cloned().unwrap_or_else(|| r.unit.clone());
            let total = points(r.total);
            (r, unit, total)
        })
        .collect();
    let page = RecognisedPage {
        frame: Frame::new(lang, format!("/plans/{}/initiatives/recognised", plan.id), &viewer),
        year: plan.year,
        items,
        plan,
    };
    Ok(render(&page, lang)?.into_response())
}

#[derive(Template)]
#[template(path = "initiative_certificate.html")]
struct CertificatePage {
    frame: Frame,
    plan: Plan,
    year: i32,
    item: RecognisedInitiative,
    unit: String,
    total: String,
    date_line: String,
}

async fn certificate_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Params((plan_id, record)): Params<(String, i32)>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    // Only a recognised initiative has a certificate.
    let recognised = kehoach_app::initiatives::recognised_in(&state, &plan.id, Lang::Vi).await.page(lang)?;
    let Some(item) = recognised.into_iter().find(|r| r.record_id == record) else {
        return Err(PageError { error: WebError::NotFound(NotFound::Page), lang });
    };
    let decided = kehoach_app::present::local_day(&plan, item.decided_at);
    // Decree 30: "ngày 05 tháng 3", the month on two digits only for January and February.
    let date_line = format!("{}, {}", plan.document.place, kehoach_app::present::day_in_words(decided));
    let page = CertificatePage {
        frame: Frame::new(lang, format!("/plans/{}/initiatives/{record}/certificate", plan.id), &viewer),
        year: plan.year,
        unit: unit_names(&plan).get(&item.unit).cloned().unwrap_or_else(|| item.unit.clone()),
        total: points(item.total),
        date_line,
        item,
        plan,
    };
    Ok(render(&page, lang)?.into_response())
}
