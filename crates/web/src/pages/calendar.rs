//! A unit's deadlines as an iCalendar feed (.ics), to subscribe to from a phone's calendar.
//!
//! Two feeds per unit. The public one (`…/deadlines.ics`) holds the deadlines of the plan's
//! reporting periods, part of the published plan: it needs no account. Ad hoc requests are
//! internal business (their titles say what the commune is asking about), so they are only in
//! the private feed, whose address carries a secret of the unit's
//! (`…/private/{secret}/deadlines.ics`): shown on the unit's page to those who keep its contact
//! (its own users, the focal officer, the admin), who can renew it, which ends the old link.
//!
//! Every text is written as RFC 5545 TEXT: the icalendar crate escapes `\`, `;`, `,` and LF
//! in SUMMARY and DESCRIPTION, but leaves CR as it is and does not escape NAME or
//! X-WR-CALNAME at all; so line breaks are made LF first, other control characters dropped, and
//! the calendar's name is written as a TEXT property. A unit named "A\r\nBEGIN:VEVENT" stays
//! one line of text.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use icalendar::{Alarm, Calendar, Component, Event, EventLike, Property};
use kehoach_domain::{Action, Lang, Plan, Unit};
use serde::Deserialize;

use super::plan::load_plan;
use super::reports::period_label;
use crate::AppState;
use crate::acting::Acting;
use crate::client::BaseUrl;
use crate::error::{InLang, NotFound, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/units/{unit}/deadlines.ics", Action::ReadPublic, deadlines)
        // The secret in the address is the permission: calendar apps send no cookie.
        .get("/plans/{plan}/units/{unit}/private/{secret}/deadlines.ics", Action::ReadPublic, private_deadlines)
        .post("/plans/{plan}/units/{unit}/calendar-secret", Action::EditUnitContact, renew_secret)
}

fn unit_of<'a>(plan: &'a Plan, code: &str, lang: Lang) -> Result<&'a Unit, PageError> {
    plan.reporting_units().find(|u| u.code == code).ok_or(PageError { error: WebError::NotFound(NotFound::Unit), lang })
}

async fn deadlines(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    BaseUrl(base): BaseUrl,
    Path((plan_id, unit_code)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let unit = unit_of(&plan, &unit_code, lang)?;
    let body = feed(&state, &plan, unit, &base, lang, false).await.page(lang)?;
    Ok(ics(&plan, unit, body))
}

async fn private_deadlines(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    BaseUrl(base): BaseUrl,
    Path((plan_id, unit_code, secret)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let unit = unit_of(&plan, &unit_code, lang)?;
    // A wrong or renewed secret is a link that does not exist.
    if !kehoach_app::calendar::opens(&state, &plan, &unit.code, &secret).await.page(lang)? {
        return Err(PageError { error: WebError::NotFound(NotFound::Page), lang });
    }
    let body = feed(&state, &plan, unit, &base, lang, true).await.page(lang)?;
    Ok(ics(&plan, unit, body))
}

#[derive(Deserialize)]
struct RenewForm {}

async fn renew_secret(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    Path((plan_id, unit_code)): Path<(String, String)>,
    Form(_): Form<RenewForm>,
) -> Result<Response, PageError> {
    let plan = load_plan(&state, &plan_id, lang).await?;
    let unit = unit_of(&plan, &unit_code, lang)?;
    kehoach_app::calendar::renew(&state, &plan, &unit.code, acting.actor()).await.page(lang)?;
    Ok(Redirect::to(&format!("/plans/{plan_id}/units/{unit_code}")).into_response())
}

fn ics(plan: &Plan, unit: &Unit, body: String) -> Response {
    let name = format!("attachment; filename=\"{}-{}.ics\"", plan.id, unit.code);
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// A text as an iCalendar TEXT value takes it: line breaks as LF (the crate writes them `\n`),
/// no other control character (RFC 5545 allows none in TEXT but HTAB).
fn text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// A property whose value is TEXT, escaped as such even where the crate would not.
fn text_property(key: &str, value: &str) -> Property {
    Property::new(key, text(value)).add_parameter("VALUE", "TEXT").done()
}

/// The unit's feed: the periods' deadlines, and with `private`, the ad hoc requests asked of it.
async fn feed(
    state: &AppState,
    plan: &Plan,
    unit: &Unit,
    base: &str,
    lang: Lang,
    private: bool,
) -> Result<String, WebError> {
    let t = Tr::new(lang);
    let periods = plan.reporting.periods(plan.year).map_err(|e| WebError::Internal(format!("{e:?}")))?;
    let mut calendar = Calendar::new();
    let name = format!("{} — {}", unit.name, t.get("periods-title"));
    calendar.append_property(text_property("NAME", &name));
    calendar.append_property(text_property("X-WR-CALNAME", &name));
    let stamp = state.clock.now();
    for p in &periods {
        let label = period_label(&t, &p.id.to_string());
        let summary = text(&format!("{}: {} — {}", t.get("ics-deadline"), label, unit.name));
        let event = Event::new()
            .uid(&format!("{}-{}-{}@kehoach", plan.id, p.id, unit.code))
            .summary(&summary)
            .description(&text(&format!(
                "{} {base}/plans/{}/periods/{}/reports/{}",
                t.get("ics-report-at"),
                plan.id,
                p.id,
                unit.code
            )))
            .starts(p.deadline - Duration::hours(1))
            .ends(p.deadline)
            .alarm(Alarm::display(&summary, -Duration::days(3)))
            .timestamp(stamp)
            .done();
        calendar.push(event);
    }
    if private {
        for r in &kehoach_app::requests::for_unit(state, &plan.id, &unit.code).await? {
            let period = r.period_id(plan.year);
            let summary = text(&format!("{}: {} — {}", t.get("ics-deadline"), r.title, unit.name));
            let event = Event::new()
                .uid(&format!("{}-{}-{}@kehoach", plan.id, period, unit.code))
                .summary(&summary)
                .description(&text(&format!(
                    "{} {base}/plans/{}/periods/{period}/reports/{}",
                    t.get("ics-report-at"),
                    plan.id,
                    unit.code
                )))
                .starts(r.deadline - Duration::hours(1))
                .ends(r.deadline)
                .alarm(Alarm::display(&summary, -Duration::days(1)))
                .timestamp(stamp)
                .done();
            calendar.push(event);
        }
    }
    Ok(calendar.done().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_become_lf_and_other_controls_go() {
        assert_eq!(text("A\r\nBEGIN:VEVENT\rX\u{0}\u{7}Y\tZ"), "A\nBEGIN:VEVENT\nXY\tZ");
        let line = text_property("X-WR-CALNAME", "A\r\nBEGIN:VEVENT;x,y\\").to_line_for_test();
        assert_eq!(line, "X-WR-CALNAME;VALUE=TEXT:A\\nBEGIN:VEVENT\\;x\\,y\\\\");
    }

    trait ForTest {
        fn to_line_for_test(&self) -> String;
    }

    impl ForTest for Property {
        fn to_line_for_test(&self) -> String {
            let mut calendar = Calendar::new();
            calendar.append_property(self.clone());
            let text = calendar.done().to_string();
            text.split("\r\n").find(|l| l.starts_with(self.key())).unwrap_or_default().to_owned()
        }
    }
}
