//! A unit's deadlines as an iCalendar feed (.ics), to subscribe to from a phone's calendar.
//! Deadlines are part of the published plan: the feed needs no account.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use icalendar::{Alarm, Calendar, Component, Event, EventLike};
use kehoach_domain::Action;

use super::plan::load_plan;
use super::reports::period_label;
use crate::AppState;
use crate::client::BaseUrl;
use crate::error::{NotFound, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/units/{unit}/deadlines.ics", Action::ReadPublic, deadlines)
}

async fn deadlines(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    BaseUrl(base): BaseUrl,
    Path((plan_id, unit_code)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let unit = plan
        .reporting_units()
        .find(|u| u.code == unit_code)
        .ok_or(PageError { error: WebError::NotFound(NotFound::Unit), lang })?;
    let t = Tr::new(lang);
    let periods = plan
        .reporting
        .periods(plan.year)
        .map_err(|e| PageError { error: WebError::Internal(format!("{e:?}")), lang })?;
    let mut calendar = Calendar::new();
    calendar.name(&format!("{} — {}", unit.name, t.get("periods-title")));
    for p in &periods {
        let label = period_label(&t, &p.id.to_string());
        let summary = format!("{}: {} — {}", t.get("ics-deadline"), label, unit.name);
        let event = Event::new()
            .uid(&format!("{}-{}-{}@kehoach", plan.id, p.id, unit.code))
            .summary(&summary)
            .description(&format!(
                "{} {base}/plans/{}/periods/{}/reports/{}",
                t.get("ics-report-at"),
                plan.id,
                p.id,
                unit.code
            ))
            .starts(p.deadline - Duration::hours(1))
            .ends(p.deadline)
            .alarm(Alarm::display(&summary, -Duration::days(3)))
            .timestamp(state.clock.now())
            .done();
        calendar.push(event);
    }
    // Ad hoc requests addressed to the unit have their own deadlines.
    let requests = state.store.requests(&plan.id).await.map_err(|e| PageError { error: e.into(), lang })?;
    for r in requests.iter().filter(|r| r.units.contains(&unit.code)) {
        let period = r.period_id(plan.year);
        let summary = format!("{}: {} — {}", t.get("ics-deadline"), r.title, unit.name);
        let event = Event::new()
            .uid(&format!("{}-{}-{}@kehoach", plan.id, period, unit.code))
            .summary(&summary)
            .description(&format!(
                "{} {base}/plans/{}/periods/{period}/reports/{}",
                t.get("ics-report-at"),
                plan.id,
                unit.code
            ))
            .starts(r.deadline - Duration::hours(1))
            .ends(r.deadline)
            .alarm(Alarm::display(&summary, -Duration::days(1)))
            .timestamp(state.clock.now())
            .done();
        calendar.push(event);
    }
    let body = calendar.done().to_string();
    let name = format!("attachment; filename=\"{}-{}.ics\"", plan.id, unit.code);
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], body)
        .into_response())
}
