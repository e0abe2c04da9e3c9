//! Ad hoc requests (báo cáo đột xuất): the list, and the focal officer's form to ask units.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime, TimeZone};
use kehoach_domain::request::NewRequest;
use kehoach_domain::{Action, Lang, Plan};

use super::plan::load_plan;
use super::reports::local;
use super::{Frame, render, viewer_may};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/requests", Action::ReadReport, requests_page).post(
        "/plans/{plan}/requests",
        Action::ManageRequests,
        create,
    )
}

pub struct RequestLine {
    pub period: String,
    pub number: u32,
    pub title: String,
    pub deadline: String,
    pub units: usize,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct RequestsPage {
    frame: Frame,
    plan: Plan,
    lines: Vec<RequestLine>,
    can_create: bool,
    can_board: bool,
    my_unit: Option<String>,
    choices_units: Vec<(String, String)>,
    choices_tasks: Vec<(String, String)>,
    choices_indicators: Vec<(String, String)>,
    error: Option<String>,
}

async fn show(
    state: &AppState,
    viewer: &Viewer,
    plan: Plan,
    lang: Lang,
    error: Option<String>,
) -> Result<Response, PageError> {
    let signed = viewer.0.as_ref().ok_or(PageError { error: WebError::NotSignedIn, lang })?;
    let requests = kehoach_app::requests::list(state, &plan.id, &signed.principal).await.page(lang)?;
    let lines = requests
        .iter()
        .map(|r| RequestLine {
            period: r.period_id(plan.year).to_string(),
            number: r.number,
            title: r.title.clone(),
            deadline: local(&plan, r.deadline),
            units: r.units.len(),
        })
        .collect();
    let groups =
        plan.groups.iter().map(|g| (g.code.clone(), format!("{} ({})", g.name, Tr::new(lang).get("word-group"))));
    let units = plan.reporting_units().map(|u| (u.code.clone(), u.name.clone()));
    let page = RequestsPage {
        frame: Frame::new(lang, format!("/plans/{}/requests", plan.id), viewer),
        lines,
        can_create: viewer_may(viewer, Action::ManageRequests, &plan, None),
        can_board: viewer_may(viewer, Action::ReadBoard, &plan, None),
        my_unit: signed.principal.unit.clone(),
        choices_units: groups.chain(units).collect(),
        choices_tasks: plan.tasks.iter().map(|t| (t.code.clone(), format!("{} {}", t.code, t.content))).collect(),
        choices_indicators: plan
            .indicators
            .iter()
            .map(|i| (i.code.clone(), format!("{} {}", i.code, i.name)))
            .collect(),
        error: error.clone(),
        plan,
    };
    let status =
        if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    Ok((status, render(&page, lang)?).into_response())
}

async fn requests_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path(plan_id): Path<String>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    show(&state, &viewer, plan, lang, None).await
}

async fn create(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Path(plan_id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let t = Tr::new(lang);
    let plan = load_plan(&state, &plan_id, lang).await?;
    let one = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let many = |k: &str| {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
    };
    // The deadline is a day and a time in the plan's time zone.
    let tz = plan.reporting.zone().map_err(|e| PageError { error: WebError::Internal(format!("{e:?}")), lang })?;
    let day = NaiveDate::parse_from_str(&one("deadline_date"), "%Y-%m-%d");
    let time = NaiveTime::parse_from_str(&one("deadline_time"), "%H:%M").unwrap_or(NaiveTime::MIN);
    let Some(deadline) = day.ok().and_then(|d| tz.from_local_datetime(&d.and_time(time)).earliest()) else {
        return show(&state, &viewer, plan, lang, Some(t.get("request-bad-deadline"))).await;
    };
    let new = NewRequest {
        title: one("title"),
        details: one("details"),
        tasks: many("tasks"),
        indicators: many("indicators"),
        questions: one("questions").lines().map(str::to_owned).collect(),
        units: many("units"),
        deadline: deadline.with_timezone(&chrono::Utc),
    };
    let actor = acting.actor();
    match kehoach_app::requests::make(&state, &plan, &new, actor).await.map_err(WebError::from) {
        Ok(r) => {
            Ok(Redirect::to(&format!("/plans/{}/periods/{}/board", plan.id, r.period_id(plan.year))).into_response())
        }
        Err(error) => match error.invalid_words(lang) {
            Some(message) => show(&state, &viewer, plan, lang, Some(message)).await,
            None => Err(PageError { error, lang }),
        },
    }
}
