//! The leaders' one screen (indicators behind pace, tasks without progress, late units, reports
//! waiting for approval, with charts and their text), and the lists other pages take from the
//! same use cases: the approvals on a leader's to-do list, the approved reports on the
//! province's home page and in the periods table.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use kehoach_app::leaders::{self, Overview, Pace};
use kehoach_domain::layout::decimal;
use kehoach_domain::progress::Status;
use kehoach_domain::report::Standing;
use kehoach_domain::{Lang, Plan, Principal, Role};

use super::due::DueItem;
use super::reports::{local, period_label, standing_label};
use super::{Frame, render};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::error::{InLang, PageError};
use crate::i18n::{RequestLang, Tr};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/leaders", leaders::ACTION, page)
}

/// The address of a plan's leaders' screen.
pub fn href(plan_id: &str) -> String {
    format!("/plans/{plan_id}/leaders")
}

/// An indicator's line: the chart's text equivalent.
pub struct PaceLine {
    pub code: String,
    pub name: String,
    pub value: String,
    pub expected: String,
    pub target: String,
    pub status: &'static str,
    pub status_label: String,
    pub lagging: bool,
    /// "Đạt 1 (cần 2 đến nay)".
    pub detail: String,
}

/// A unit late with its report.
pub struct LateLine {
    pub name: String,
    pub standing: String,
    pub key: &'static str,
    pub href: String,
}

/// A task without progress.
pub struct StalledLine {
    pub code: String,
    pub title: String,
    /// What its lead said, or that it did not report.
    pub why: String,
    pub href: String,
}

/// A commune report waiting for approval.
pub struct AwaitingLine {
    pub label: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "leaders.html")]
struct LeadersPage {
    frame: Frame,
    plan: Plan,
    today: String,
    period_label: String,
    awaiting: Vec<AwaitingLine>,
    /// Reports the province returned, until approved again.
    returned: Vec<AwaitingLine>,
    lagging: Vec<PaceLine>,
    all: Vec<PaceLine>,
    pace_chart: String,
    pace_caption: String,
    late: Vec<LateLine>,
    units_chart: String,
    units_caption: String,
    board_href: Option<String>,
    stalled: Vec<StalledLine>,
    stalled_basis: String,
    tasks_total: usize,
}

async fn page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    Path(plan_id): Path<String>,
) -> Result<Html<String>, PageError> {
    let plan = super::plan::load_plan(&state, &plan_id, lang).await?;
    let o = leaders::overview(&state, acting.principal(), &plan).await.page(lang)?;
    let t = Tr::new(lang);
    let all: Vec<PaceLine> = o.pace.iter().map(|p| pace_line(&t, p)).collect();
    let period_label = o.period.as_ref().map(|p| period_label(&t, &p.id.to_string())).unwrap_or_default();
    let late = o
        .late()
        .map(|r| LateLine {
            name: r.unit_name.clone(),
            standing: standing_label(&t, r.standing),
            key: r.standing.key(),
            href: format!("/plans/{}/units/{}", plan.id, r.unit),
        })
        .collect();
    let stalled = o
        .stalled
        .iter()
        .map(|s| StalledLine {
            code: s.task.code.clone(),
            title: s.task.content.clone(),
            why: stalled_why(&t, &plan, s),
            href: format!("/plans/{}/tasks/{}", plan.id, s.task.code),
        })
        .collect();
    let page = LeadersPage {
        frame: Frame::new(lang, href(&plan.id), &viewer),
        today: kehoach_app::present::day(o.today),
        awaiting: awaiting_lines(&t, &plan, &o.awaiting),
        returned: returned_lines(&t, &plan, &o.returned),
        lagging: all.iter().filter(|l| l.lagging).map(clone_line).collect(),
        pace_chart: pace_svg(&t, &o.pace),
        pace_caption: pace_caption(&t, &o),
        units_chart: units_svg(&t, &o),
        units_caption: units_caption(&t, &o, &period_label),
        board_href: o.period.as_ref().map(|p| format!("/plans/{}/periods/{}/board", plan.id, p.id)),
        late,
        stalled,
        stalled_basis: t.args(
            "leaders-stalled-basis",
            &[
                ("period", period_label.clone()),
                ("accepted", o.accepted.to_string()),
                ("expected", o.expected.to_string()),
            ],
        ),
        tasks_total: plan.tasks.len(),
        period_label,
        all,
        plan,
    };
    render(&page, lang)
}

fn clone_line(l: &PaceLine) -> PaceLine {
    PaceLine {
        code: l.code.clone(),
        name: l.name.clone(),
        value: l.value.clone(),
        expected: l.expected.clone(),
        target: l.target.clone(),
        status: l.status,
        status_label: l.status_label.clone(),
        lagging: l.lagging,
        detail: l.detail.clone(),
    }
}

fn pace_line(t: &Tr, p: &Pace) -> PaceLine {
    let cell = kehoach_app::present::cell(t, &p.indicator, &p.progress);
    let detail = t.args("leaders-pace-line", &[("value", cell.value.clone()), ("expected", cell.expected.clone())]);
    PaceLine {
        detail,
        code: p.indicator.code.clone(),
        name: p.indicator.name.clone(),
        value: if cell.parts.is_empty() { cell.value } else { format!("{} ({})", cell.value, cell.parts) },
        expected: cell.expected,
        target: p.indicator.target.text.clone(),
        status: cell.status,
        status_label: cell.status_label,
        lagging: p.lagging(),
    }
}

fn stalled_why(t: &Tr, plan: &Plan, s: &leaders::Stalled) -> String {
    let lead = match &s.lead {
        Some(note) => t.with("leaders-stalled-lead-not-started", "unit", &note.unit_name),
        None => {
            let name = plan.task(&s.task.code).and_then(|task| plan.ref_name(&task.lead)).unwrap_or_default();
            t.with("leaders-stalled-no-lead-report", "unit", name)
        }
    };
    if s.coordinators_moving > 0 {
        format!("{lead}; {}", t.with("leaders-stalled-coordinators", "count", s.coordinators_moving))
    } else {
        lead
    }
}

fn awaiting_lines(t: &Tr, plan: &Plan, periods: &[kehoach_domain::period::Period]) -> Vec<AwaitingLine> {
    periods
        .iter()
        .map(|p| AwaitingLine {
            label: t.with("leaders-awaiting-item", "period", period_label(t, &p.id.to_string())),
            href: format!("/plans/{}/periods/{}/consolidation", plan.id, p.id),
        })
        .collect()
}

/// "Sở trả lại báo cáo quý I năm 2026: <reason>", linked to the period's consolidation page.
fn returned_lines(t: &Tr, plan: &Plan, sendings: &[kehoach_app::province::Sending]) -> Vec<AwaitingLine> {
    sendings
        .iter()
        .map(|s| AwaitingLine {
            label: t.args(
                "handoff-returned-item",
                &[
                    ("period", super::consolidation::period_in_sentence(t, &s.period)),
                    ("reason", s.reason.clone().unwrap_or_default()),
                ],
            ),
            href: format!("/plans/{}/periods/{}/consolidation#province-returned", plan.id, s.period),
        })
        .collect()
}

fn pace_caption(t: &Tr, o: &Overview) -> String {
    let count = |s: Status| o.pace.iter().filter(|p| p.progress.status == s).count();
    t.args(
        "leaders-pace-caption",
        &[
            ("total", o.pace.len().to_string()),
            ("achieved", count(Status::Achieved).to_string()),
            ("on_track", count(Status::OnTrack).to_string()),
            ("at_risk", count(Status::AtRisk).to_string()),
            ("behind", count(Status::Behind).to_string()),
            ("unmeasured", count(Status::NotMeasurable).to_string()),
        ],
    )
}

/// The colour of a status, as a presentation attribute (no inline style: the pages' policy
/// allows none).
fn status_fill(s: Status) -> &'static str {
    match s {
        Status::Achieved => "#176b2c",
        Status::OnTrack => "#1f5f99",
        Status::AtRisk => "#c77700",
        Status::Behind => "#a3231f",
        Status::NotMeasurable => "#999999",
    }
}

/// One bar per measured indicator: its value as a share of the year's target, with a mark where
/// it should be by now. Indicators with nothing to compare (qualitative, no target) are left to
/// the table.
pub fn pace_svg(t: &Tr, pace: &[Pace]) -> String {
    let shown: Vec<(&Pace, f64)> = pace.iter().filter_map(|p| p.value_share().map(|v| (p, v))).collect();
    let (w, left, right, row, top) = (360.0_f64, 44.0_f64, 40.0_f64, 15.0_f64, 15.0_f64);
    let h = top + row * shown.len() as f64 + 8.0;
    let max = shown.iter().map(|(_, v)| *v).fold(100.0_f64, f64::max).min(150.0);
    let x = |share: f64| left + (w - left - right) * share.min(max) / max;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart leaders-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="pace-caption" xmlns="http://www.w3.org/2000/svg">"#
    );
    // The year's target (100 %).
    let _ = write!(
        svg,
        r##"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2}" class="target" stroke="#a3231f" stroke-dasharray="4 3"/><text x="{0:.1}" y="8" text-anchor="middle" fill="#333333" font-size="9">{3}</text>"##,
        x(100.0),
        top - 4.0,
        h - 4.0,
        t.get("leaders-chart-target")
    );
    for (i, (p, share)) in shown.iter().enumerate() {
        let y = top + row * i as f64;
        let fill = status_fill(p.progress.status);
        let _ = write!(
            svg,
            r##"<text x="2" y="{:.1}" fill="#333333" font-size="11">{}</text>"##,
            y + row * 0.75,
            escape(&p.indicator.code)
        );
        let _ = write!(
            svg,
            r##"<rect x="{left}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#eeeeee"/>"##,
            y + 2.0,
            w - left - right,
            row - 4.0
        );
        let _ = write!(
            svg,
            r#"<rect x="{left}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}" class="bar status-{}"><title>{}</title></rect>"#,
            y + 2.0,
            (x(*share) - left).max(0.0),
            row - 4.0,
            p.progress.status.key(),
            escape(&format!("{}: {}%", p.indicator.code, decimal(*share)))
        );
        if let Some(due) = p.due_share().filter(|d| *d > 0.0) {
            let _ = write!(
                svg,
                r##"<line x1="{0:.1}" y1="{1:.1}" x2="{0:.1}" y2="{2:.1}" stroke="#1a1a1a" stroke-width="2" class="due"/>"##,
                x(due),
                y + 1.0,
                y + row - 1.0
            );
        }
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#333333" font-size="10">{}%</text>"##,
            w - right + 3.0,
            y + row * 0.75,
            decimal(share.round())
        );
    }
    svg.push_str("</svg>");
    svg
}

fn units_caption(t: &Tr, o: &Overview, period: &str) -> String {
    let (on_time, late, missing, open) = standings(o);
    t.args(
        "leaders-units-caption",
        &[
            ("period", period.to_owned()),
            ("total", o.board.len().to_string()),
            ("on_time", on_time.to_string()),
            ("late", late.to_string()),
            ("missing", missing.to_string()),
            ("open", open.to_string()),
        ],
    )
}

/// The units by standing: in on time (sent on time or accepted), sent late, missing, not in yet
/// (not started, drafting, returned).
fn standings(o: &Overview) -> (usize, usize, usize, usize) {
    let count = |f: fn(Standing) -> bool| o.board.iter().filter(|r| f(r.standing)).count();
    let on_time = count(|s| matches!(s, Standing::SubmittedOnTime | Standing::Accepted));
    let late = count(|s| s == Standing::SubmittedLate);
    let missing = count(|s| s == Standing::Missing);
    (on_time, late, missing, o.board.len() - on_time - late - missing)
}

/// One bar of the period's units split by standing.
pub fn units_svg(t: &Tr, o: &Overview) -> String {
    let (on_time, late, missing, open) = standings(o);
    let total = o.board.len().max(1) as f64;
    let (w, h) = (360.0_f64, 30.0_f64);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart leaders-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="units-caption" xmlns="http://www.w3.org/2000/svg">"#
    );
    let mut x = 0.0_f64;
    for (n, fill, key) in [
        (on_time, "#176b2c", "leaders-units-on-time"),
        (late, "#c77700", "leaders-units-late"),
        (missing, "#a3231f", "leaders-units-missing"),
        (open, "#bbbbbb", "leaders-units-open"),
    ] {
        if n == 0 {
            continue;
        }
        let width = w * n as f64 / total;
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="4" width="{width:.1}" height="22" fill="{fill}"><title>{}: {n}</title></rect>"#,
            escape(&t.get(key))
        );
        if width >= 14.0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="19" text-anchor="middle" font-size="11" fill="#ffffff">{n}</text>"##,
                x + width / 2.0
            );
        }
        x += width;
    }
    svg.push_str("</svg>");
    svg
}

/// Text inside an SVG built here: the plan's own words are escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

// ---------------------------------------------------------------------------------------------
// What other pages show from here.

/// A leader's to-do items: the commune reports waiting for their approval.
pub async fn approval_items(
    state: &AppState,
    plan: &Plan,
    who: &Principal,
    lang: Lang,
) -> Result<Vec<DueItem>, PageError> {
    if who.role != Role::LanhDao || !leaders::may_see(who, plan) {
        return Ok(Vec::new());
    }
    let t = Tr::new(lang);
    let waiting = leaders::awaiting_approval(state, plan).await.page(lang)?;
    Ok(waiting
        .iter()
        .map(|p| DueItem {
            title: t.with("leaders-awaiting-item", "period", period_label(&t, &p.id.to_string())),
            detail: t.get("leaders-awaiting-detail"),
            href: format!("/plans/{}/periods/{}/consolidation", plan.id, p.id),
            urgent: true,
        })
        .collect())
}

/// The to-do items of a leader and a focal officer: the commune reports the province returned,
/// until approved (and so sent) again.
pub async fn returned_items(
    state: &AppState,
    plan: &Plan,
    who: &Principal,
    lang: Lang,
) -> Result<Vec<DueItem>, PageError> {
    if !matches!(who.role, Role::LanhDao | Role::DauMoi) || !leaders::may_see(who, plan) {
        return Ok(Vec::new());
    }
    let t = Tr::new(lang);
    let returned = leaders::returned_by_province(state, plan).await.page(lang)?;
    Ok(returned_lines(&t, plan, &returned)
        .into_iter()
        .map(|l| DueItem { title: l.label, detail: t.get("handoff-returned-detail"), href: l.href, urgent: true })
        .collect())
}

/// The leaders' screen in one line, for a leader's home page: how many indicators are behind,
/// units late, tasks without progress.
pub async fn summary(state: &AppState, plan: &Plan, who: &Principal, lang: Lang) -> Result<Option<String>, PageError> {
    if who.role != Role::LanhDao || !leaders::may_see(who, plan) {
        return Ok(None);
    }
    let t = Tr::new(lang);
    let o = leaders::overview(state, who, plan).await.page(lang)?;
    let period = o.period.as_ref().map(|p| period_label(&t, &p.id.to_string())).unwrap_or_default();
    Ok(Some(t.args(
        "leaders-home-summary",
        &[
            ("lagging", o.lagging().count().to_string()),
            ("late", o.late().count().to_string()),
            ("period", period),
            ("stalled", o.stalled.len().to_string()),
        ],
    )))
}

/// An approved commune report on the province's home page.
pub struct ApprovedLine {
    pub commune: String,
    pub period: String,
    pub approved_at: String,
    pub page: String,
    pub docx: String,
}

/// The approved commune reports the province may open, newest plan first.
pub async fn approved_lines(state: &AppState, who: &Principal, lang: Lang) -> Result<Vec<ApprovedLine>, PageError> {
    let t = Tr::new(lang);
    let found = leaders::approved_reports(state, who).await.page(lang)?;
    let mut lines = Vec::new();
    // Each plan once, for its time zone.
    let mut plans: std::collections::HashMap<String, Plan> = std::collections::HashMap::new();
    for a in found {
        let base = format!("/plans/{}/periods/{}", a.plan.id, a.period);
        let approved_at = match a.approved_at {
            Some(at) => {
                if !plans.contains_key(&a.plan.id) {
                    let plan = kehoach_app::plans::get(state, &a.plan.id).await.page(lang)?;
                    plans.insert(a.plan.id.clone(), plan);
                }
                plans.get(&a.plan.id).map(|plan| local(plan, at)).unwrap_or_default()
            }
            None => String::new(),
        };
        lines.push(ApprovedLine {
            commune: format!("{} {}, {}", a.plan.commune.kind, a.plan.commune.name, a.plan.commune.province),
            period: period_label(&t, &a.period.to_string()),
            approved_at,
            page: format!("{base}/consolidation"),
            docx: format!("{base}/report.docx"),
        });
    }
    Ok(lines)
}

/// The periods whose approved commune report the periods table links to.
#[derive(Default)]
pub struct ApprovedPeriods(Vec<String>);

impl ApprovedPeriods {
    pub fn has(&self, period: &str) -> bool {
        self.0.iter().any(|p| p == period)
    }
}

/// The periods of `plan` whose approved commune report the viewer may open from the periods
/// table: the province's (those who read the consolidation have their own link).
pub async fn approved_periods(
    state: &AppState,
    viewer: &Viewer,
    plan: &Plan,
    lang: Lang,
) -> Result<ApprovedPeriods, PageError> {
    let Some(signed) = &viewer.0 else { return Ok(ApprovedPeriods::default()) };
    if signed.principal.role != Role::CapTren
        || !super::viewer_may(viewer, kehoach_domain::Action::ReadCommuneReport, plan, None)
    {
        return Ok(ApprovedPeriods::default());
    }
    let found = leaders::approved_of_plan(state, plan).await.page(lang)?;
    Ok(ApprovedPeriods(found.into_iter().map(|(p, _)| p.to_string()).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_text_is_escaped() {
        assert_eq!(escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
