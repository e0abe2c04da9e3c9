//! Progress pages: every indicator at a date, an indicator's evidence, and the pieces the plan
//! and indicator pages show (a result cell, a chart over the year).

use std::collections::HashMap;
use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use kehoach_domain::measure::Progress;
use kehoach_domain::register::{REGISTERS, display};
use kehoach_domain::{Action, Indicator, Lang, Plan};
use kehoach_store::StoredRecord;
use serde::Deserialize;

use super::plan::load_plan;
use super::{Frame, render, viewer_may};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, NotFound, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::params::QueryParams;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/progress", Action::ReadProgress, progress_page).get(
        "/plans/{plan}/indicators/{code}/evidence",
        Action::ReadProgress,
        evidence_page,
    )
}

pub use kehoach_app::present::{ProgressCell, cell};

/// The progress cells of every indicator, when the viewer may see progress.
pub async fn cells_for(
    state: &AppState,
    viewer: &Viewer,
    plan: &Plan,
    lang: Lang,
) -> Result<Option<(NaiveDate, HashMap<String, ProgressCell>)>, WebError> {
    if !viewer_may(viewer, Action::ReadProgress, plan, None) {
        return Ok(None);
    }
    let date = crate::progress::today(state, plan);
    let t = Tr::new(lang);
    let all = crate::progress::of_plan(state, plan, date).await?;
    Ok(Some((date, all.iter().zip(&plan.indicators).map(|(p, i)| (i.code.clone(), cell(&t, i, p))).collect())))
}

/// An SVG line chart of the value at each month's end, against the target: no script, a few
/// hundred bytes.
pub fn chart_svg(series: &[Progress], target: Option<f64>, t: &Tr) -> String {
    let (w, h, left, bottom) = (360.0_f64, 160.0_f64, 30.0_f64, 20.0_f64);
    let top = series.iter().filter_map(|p| p.value).fold(target.unwrap_or(1.0), f64::max).max(1.0);
    let x = |i: usize| left + (w - left - 10.0) * (i as f64) / 11.0;
    let y = |v: f64| (h - bottom) - (h - bottom - 10.0) * v / top;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        t.get("chart-label")
    );
    let _ = write!(svg, r#"<line x1="{left}" y1="{}" x2="{}" y2="{}" class="axis"/>"#, y(0.0), w - 10.0, y(0.0));
    for m in 0..12 {
        let _ = write!(svg, r#"<text x="{:.1}" y="{}" class="tick">{}</text>"#, x(m), h - 4.0, m + 1);
    }
    let _ =
        write!(svg, r#"<text x="2" y="{:.1}" class="tick">{}</text>"#, y(top) + 4.0, kehoach_app::present::number(top));
    if let Some(tv) = target {
        let _ =
            write!(svg, r#"<line x1="{left}" y1="{:.1}" x2="{}" y2="{:.1}" class="target"/>"#, y(tv), w - 10.0, y(tv));
    }
    let points: Vec<String> =
        series.iter().enumerate().filter_map(|(i, p)| p.value.map(|v| format!("{:.1},{:.1}", x(i), y(v)))).collect();
    if !points.is_empty() {
        let _ = write!(svg, r#"<polyline points="{}" class="value"/>"#, points.join(" "));
        for p in &points {
            if let Some((px, py)) = p.split_once(',') {
                let _ = write!(svg, r#"<circle cx="{px}" cy="{py}" r="2.5" class="value"/>"#);
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[derive(Deserialize)]
struct AtQuery {
    at: Option<String>,
}

fn date_of(q: &AtQuery, state: &AppState, plan: &Plan) -> NaiveDate {
    q.at.as_deref()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .unwrap_or_else(|| crate::progress::today(state, plan))
}

pub struct ProgressRow {
    pub indicator: Indicator,
    pub cell: ProgressCell,
    /// Where the figure comes from, in words.
    pub source: String,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    frame: Frame,
    plan: std::sync::Arc<Plan>,
    date: String,
    rows: Vec<ProgressRow>,
}

async fn progress_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    Path(plan_id): Path<String>,
    QueryParams(q): QueryParams<AtQuery>,
) -> Result<Response, PageError> {
    let (plan, at) = kehoach_app::plans::shared(&state, &plan_id).await.page(lang)?;
    let date = date_of(&q, &state, &plan);
    let t = Tr::new(lang);
    let all = kehoach_app::progress::of_shared(&state, &plan, at, date).await.page(lang)?;
    let rows = all
        .iter()
        .zip(&plan.indicators)
        .map(|(p, i)| ProgressRow {
            indicator: i.clone(),
            cell: cell(&t, i, p),
            source: kehoach_app::present::source_label(&t, kehoach_domain::measure::source_of(i)),
        })
        .collect();
    let page = ProgressPage {
        frame: Frame::new(lang, format!("/plans/{}/progress", plan.id), &viewer),
        date: date.format("%Y-%m-%d").to_string(),
        rows,
        plan,
    };
    Ok(render(&page, lang)?.into_response())
}

/// A record as the evidence page lists it.
pub struct EvidenceLine {
    pub register: String,
    pub register_name: String,
    pub id: i32,
    pub date: String,
    pub unit: String,
    pub summary: String,
}

fn line(plan: &Plan, r: &StoredRecord, lang: Lang) -> EvidenceLine {
    let def = REGISTERS.iter().find(|d| d.key == r.record.register);
    let summary = def
        .map(|d| {
            d.fields
                .iter()
                .filter_map(|f| {
                    let v = display(f, r.record.fields.get(f.key), lang);
                    (!v.is_empty()).then(|| format!("{}: {v}", f.label(lang)))
                })
                .take(4)
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default();
    EvidenceLine {
        register: r.record.register.clone(),
        register_name: def.map_or_else(|| r.record.register.clone(), |d| d.name(lang).to_owned()),
        id: r.record.id,
        date: kehoach_app::present::day(r.record.date),
        unit: plan
            .units
            .iter()
            .find(|u| u.code == r.record.unit)
            .map_or_else(|| r.record.unit.clone(), |u| u.name.clone()),
        summary,
    }
}

#[derive(Template)]
#[template(path = "evidence.html")]
struct EvidencePage {
    frame: Frame,
    plan: Plan,
    indicator: Indicator,
    date: String,
    cell: ProgressCell,
    counted: Vec<EvidenceLine>,
    not_counted: Vec<EvidenceLine>,
    figures: Vec<(String, String, String)>,
    hidden: usize,
}

async fn evidence_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Path((plan_id, code)): Path<(String, String)>,
    QueryParams(q): QueryParams<AtQuery>,
) -> Result<Response, PageError> {
    let signed = &acting.signed;
    let plan = load_plan(&state, &plan_id, lang).await?;
    let indicator =
        plan.indicator(&code).cloned().ok_or(PageError { error: WebError::NotFound(NotFound::Indicator), lang })?;
    let date = date_of(&q, &state, &plan);
    let (progress, _) = crate::progress::of_indicator(&state, &plan, &code, date)
        .await
        .page(lang)?
        .ok_or(PageError { error: WebError::NotFound(NotFound::Indicator), lang })?;
    let t = Tr::new(lang);
    let c = cell(&t, &indicator, &progress);
    let body = crate::progress::evidence(&state, &plan.id, progress, &signed.principal).await.page(lang)?;
    let page = EvidencePage {
        frame: Frame::new(lang, format!("/plans/{}/indicators/{}/evidence", plan.id, indicator.code), &viewer),
        date: kehoach_app::present::day(date),
        cell: c,
        counted: body.counted.iter().map(|r| line(&plan, r, lang)).collect(),
        not_counted: body.not_counted.iter().map(|r| line(&plan, r, lang)).collect(),
        figures: body
            .figures
            .iter()
            .map(|f| (f.unit.clone(), f.period.clone(), kehoach_app::present::number(f.value)))
            .collect(),
        hidden: body.hidden,
        indicator,
        plan,
    };
    Ok(render(&page, lang)?.into_response())
}

/// The indicator page's progress section: value now and the chart, for those who may see it.
pub async fn indicator_section(
    state: &AppState,
    viewer: &Viewer,
    plan: &Plan,
    indicator: &Indicator,
    lang: Lang,
) -> Result<Option<(ProgressCell, String)>, WebError> {
    if !viewer_may(viewer, Action::ReadProgress, plan, None) {
        return Ok(None);
    }
    let date = crate::progress::today(state, plan);
    let Some((now, series)) = crate::progress::of_indicator(state, plan, &indicator.code, date).await? else {
        return Ok(None);
    };
    let t = Tr::new(lang);
    Ok(Some((cell(&t, indicator, &now), chart_svg(&series, indicator.target.value, &t))))
}
