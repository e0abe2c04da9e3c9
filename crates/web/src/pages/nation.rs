//! The nation's page (issue 13): every province's completeness for a period, the country's
//! totals, and the province indicators the provinces share, for the Ministry (`trung_uong`).

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use kehoach_app::present::{number, percent};
use kehoach_app::province::{Counts, Nation};
use kehoach_domain::Action;
use kehoach_domain::rollup::{Amount, Rule};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Frame, render};
use crate::AppState;
use crate::auth::session::Viewer;
use crate::error::{InLang, PageError};
use crate::i18n::{RequestLang, Tr};
use crate::params::QueryParams;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/nation", Action::ReadNation, page)
}

/// The period the nation's view shows.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NationQuery {
    /// A quarter, `2026-Q1`; by default the one the provinces work on now.
    pub period: Option<String>,
}

/// A province's (or the country's) counts as the table shows them.
pub struct CountsLine {
    pub expected: usize,
    pub sent: usize,
    pub on_time: usize,
    pub accepted: usize,
    pub sent_rate: String,
    pub on_time_rate: String,
}

impl CountsLine {
    fn of(t: &Tr, c: &Counts) -> CountsLine {
        let rate = |r: Option<f64>| r.map_or_else(|| t.get("nation-no-value"), percent);
        CountsLine {
            expected: c.expected,
            sent: c.sent,
            on_time: c.on_time,
            accepted: c.accepted,
            sent_rate: rate(c.sent_rate),
            on_time_rate: rate(c.on_time_rate),
        }
    }
}

pub struct ProvinceRow {
    pub code: String,
    pub name: String,
    /// The province's own pages.
    pub href: String,
    pub counts: CountsLine,
}

pub struct IndicatorRow {
    pub code: String,
    pub name: String,
    pub rule: String,
    pub total: String,
    pub counted: usize,
    pub provinces: usize,
}

#[derive(Template)]
#[template(path = "nation.html")]
struct NationPage {
    frame: Frame,
    period: String,
    period_label: String,
    /// (value, label) of the quarters offered.
    periods: Vec<(String, String)>,
    provinces: Vec<ProvinceRow>,
    totals: CountsLine,
    indicators: Vec<IndicatorRow>,
}

/// The address of a province's pages for a period.
pub fn province_href(slug: &str, period: &str) -> String {
    format!("/province/{slug}?period={period}")
}

pub fn rule_label(t: &Tr, rule: Rule) -> String {
    t.get(&format!("nation-rule-{}", rule.key().replace('_', "-")))
}

/// A total in words: "1.234", "66,7% (20/30)", "5/8 xã đạt (62,5%)", "Đạt: 3; Chậm tiến độ: 1".
pub fn total_text(t: &Tr, amount: &Amount) -> String {
    let or_none = |p: Option<f64>| p.map_or_else(|| t.get("nation-no-value"), percent);
    match amount {
        Amount::Sum { total } => number(*total),
        Amount::RatioOfSums { numerator, denominator, percent } => t.args(
            "nation-ratio",
            &[("percent", or_none(*percent)), ("numerator", number(*numerator)), ("denominator", number(*denominator))],
        ),
        Amount::ShareMeetingTarget { reached, judged, percent } => t.args(
            "nation-share",
            &[("reached", reached.to_string()), ("judged", judged.to_string()), ("percent", or_none(*percent))],
        ),
        Amount::Distribution { counts } => {
            let parts: Vec<String> = counts
                .iter()
                .filter(|c| c.communes > 0)
                .map(|c| format!("{}: {}", kehoach_app::present::status_label(t, c.status), c.communes))
                .collect();
            if parts.is_empty() { t.get("nation-no-value") } else { parts.join("; ") }
        }
    }
}

async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    QueryParams(q): QueryParams<NationQuery>,
) -> Result<Html<String>, PageError> {
    let nation: Nation = kehoach_app::nation::view(&state, q.period.as_deref()).await.page(lang)?;
    let t = Tr::new(lang);
    let period = nation.period.to_string();
    let label = |id: &str| kehoach_app::present::period_label(&t, id);
    let page = NationPage {
        frame: Frame::new(lang, format!("/nation?period={period}"), &viewer),
        period_label: label(&period),
        periods: kehoach_app::nation::quarters_around(nation.period)
            .into_iter()
            .map(|p| (p.to_string(), label(&p.to_string())))
            .collect(),
        provinces: nation
            .provinces
            .iter()
            .map(|p| ProvinceRow {
                code: p.code.clone(),
                name: p.name.clone(),
                href: province_href(&p.slug, &period),
                counts: CountsLine::of(&t, &p.counts),
            })
            .collect(),
        totals: CountsLine::of(&t, &nation.totals),
        indicators: nation
            .indicators
            .iter()
            .map(|i| IndicatorRow {
                code: i.code.clone(),
                name: i.name.clone(),
                rule: rule_label(&t, i.official.rule),
                total: total_text(&t, &i.official.amount),
                counted: i.official.counted,
                provinces: i.provinces,
            })
            .collect(),
        period,
    };
    render(&page, lang)
}
