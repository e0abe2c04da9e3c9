//! What is due: each signed-in user's list on the home page, and the focal officer's list of
//! whom to chase, with a message ready to paste into a chat or an SMS.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use kehoach_domain::report::Standing;
use kehoach_domain::{Action, Lang, Plan, Role};
use kehoach_store::PlanSummary;

use super::reports::{local, period_label, standing_label};
use super::{Frame, render};
use crate::AppState;
use crate::auth::session::{Signed, Viewer};
use crate::client::BaseUrl;
use crate::error::{InLang, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::policy::Routes;
use crate::reporting::{self, BoardRow};

pub fn routes(r: Routes) -> Routes {
    r.get("/plans/{plan}/periods/{period}/reminders", Action::ReadBoard, reminders_page)
}

/// One thing to do, with where to do it.
pub struct DueItem {
    pub title: String,
    pub detail: String,
    pub href: String,
    /// Returned, or past the deadline.
    pub urgent: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct Dashboard {
    frame: Frame,
    plans: Vec<PlanSummary>,
    items: Vec<DueItem>,
    unit_href: Option<String>,
    /// The leaders' screen of the user's commune, for those who may see it.
    leaders_href: Option<String>,
    /// What the leaders' screen shows, in one line (for a leader).
    leaders_summary: Option<String>,
    /// The province's account: the approved commune reports it may open.
    province: Option<Vec<super::leaders::ApprovedLine>>,
    /// The province's department: its board of the communes' reports, once its file is loaded.
    province_board: Option<String>,
}

/// The signed-in user's home: what is due from them and what was returned to them.
pub async fn dashboard(
    state: &AppState,
    viewer: &Viewer,
    signed: &Signed,
    plans: Vec<PlanSummary>,
    lang: Lang,
) -> Result<Html<String>, PageError> {
    let t = Tr::new(lang);
    let p = &signed.principal;
    let mut items = Vec::new();
    let mut unit_href = None;
    let mut leaders_href = None;
    let mut leaders_summary = None;
    let mine =
        plans.iter().find(|s| Some(&s.commune.code) == p.commune.as_ref() && s.commune.province_code == p.province);
    if let Some(summary) = mine {
        let plan = kehoach_app::plans::get(state, &summary.id).await.page(lang)?;
        let periods = plan
            .reporting
            .periods(plan.year)
            .map_err(|e| PageError { error: WebError::Internal(format!("{e:?}")), lang })?;
        if kehoach_app::leaders::may_see(p, &plan) {
            leaders_href = Some(super::leaders::href(&plan.id));
            leaders_summary = super::leaders::summary(state, &plan, p, lang).await?;
        }
        // First, the reports the province returned: lanh_dao and dau_moi correct and send again.
        items.extend(super::leaders::returned_items(state, &plan, p, lang).await?);
        // A leader's first thing to do: the commune reports waiting for their approval.
        items.extend(super::leaders::approval_items(state, &plan, p, lang).await?);
        let now = state.clock.now();
        for period in
            periods.iter().filter(|period| matches!(period.id, kehoach_domain::period::PeriodId::Quarter { .. }))
        {
            let label = period_label(&t, &period.id.to_string());
            let rows = reporting::board(state, &plan, period).await.page(lang)?;
            match (p.role, &p.unit) {
                (Role::DonVi, Some(unit)) => {
                    unit_href = Some(format!("/plans/{}/units/{unit}", plan.id));
                    if let Some(row) = rows.iter().find(|r| r.unit == *unit) {
                        let open = matches!(
                            row.standing,
                            Standing::NotStarted | Standing::Draft | Standing::Returned | Standing::Missing
                        );
                        // Only what is still to do, and the next quarter ahead.
                        if open
                            && (now >= period.deadline - chrono::Duration::days(45)
                                || row.standing == Standing::Returned)
                        {
                            let detail = match &row.return_reason {
                                Some(reason) if row.standing == Standing::Returned => {
                                    format!("{} — {reason}", standing_label(&t, row.standing))
                                }
                                _ => format!(
                                    "{} — {} {}",
                                    standing_label(&t, row.standing),
                                    t.get("periods-due-before"),
                                    local(&plan, period.deadline)
                                ),
                            };
                            items.push(DueItem {
                                title: format!("{} {}", t.get("report-title"), label),
                                detail,
                                href: format!("/plans/{}/periods/{}/reports/{unit}", plan.id, period.id),
                                urgent: matches!(row.standing, Standing::Returned | Standing::Missing),
                            });
                        }
                    }
                }
                (Role::DauMoi | Role::LanhDao | Role::Admin, _) => {
                    let waiting = rows
                        .iter()
                        .filter(|r| matches!(r.standing, Standing::SubmittedOnTime | Standing::SubmittedLate))
                        .count();
                    let missing = rows.iter().filter(|r| r.standing == Standing::Missing).count();
                    if waiting > 0 || missing > 0 {
                        items.push(DueItem {
                            title: format!("{} — {label}", t.get("board-title")),
                            detail: t.with("due-waiting", "waiting", waiting)
                                + "; "
                                + &t.with("due-missing", "missing", missing),
                            href: format!("/plans/{}/periods/{}/board", plan.id, period.id),
                            urgent: missing > 0,
                        });
                    }
                }
                _ => {}
            }
        }
    }
    // Ad hoc requests addressed to the user's unit, still open.
    if let (Some(summary), Role::DonVi, Some(unit)) = (mine, p.role, &p.unit) {
        let now = state.clock.now();
        let plan = kehoach_app::plans::get(state, &summary.id).await.page(lang)?;
        for r in kehoach_app::requests::for_unit(state, &summary.id, unit).await.page(lang)? {
            let period = r.period_id(summary.year).to_string();
            let stored = kehoach_app::reporting::stored(state, &summary.id, &period, unit).await.page(lang)?;
            let standing =
                kehoach_domain::report::standing(stored.as_ref().map(|s| (s.state, s.late)), now, r.deadline);
            if matches!(standing, Standing::NotStarted | Standing::Draft | Standing::Returned | Standing::Missing) {
                items.push(DueItem {
                    title: format!("{}: {}", period_label(&t, &period), r.title),
                    detail: format!(
                        "{} — {} {}",
                        standing_label(&t, standing),
                        t.get("periods-due-before"),
                        local(&plan, r.deadline)
                    ),
                    href: format!("/plans/{}/periods/{period}/reports/{unit}", summary.id),
                    urgent: matches!(standing, Standing::Returned | Standing::Missing),
                });
            }
        }
    }
    let province =
        if p.role == Role::CapTren { Some(super::leaders::approved_lines(state, p, lang).await?) } else { None };
    let province_board = match kehoach_app::province::of_principal(p).filter(|_| p.role == Role::CapTren) {
        Some(slug) => match kehoach_app::province::get(state, slug).await {
            Ok(loaded) => Some(format!("/province/{}", loaded.slug)),
            Err(kehoach_app::AppError::NotFound(_)) => None,
            Err(e) => return Err(PageError { error: WebError::App(e), lang }),
        },
        None => None,
    };
    let page = Dashboard {
        frame: Frame::new(lang, "/", viewer),
        plans,
        items,
        unit_href,
        leaders_href,
        leaders_summary,
        province,
        province_board,
    };
    render(&page, lang)
}

/// The message to send a unit that has not reported.
pub fn reminder_text(t: &Tr, plan: &Plan, label: &str, deadline: &str, row: &BoardRow, link: &str) -> String {
    let reason = match (&row.return_reason, row.standing) {
        (Some(r), Standing::Returned) => format!(" {}", t.with("reminder-returned", "reason", r)),
        _ => String::new(),
    };
    t.args(
        "reminder-text",
        &[
            ("unit", row.unit_name.clone()),
            ("period", label.to_owned()),
            ("plan", plan.document.title.clone()),
            ("deadline", deadline.to_owned()),
            ("link", link.to_owned()),
            ("returned", reason),
        ],
    )
}

pub struct ReminderLine {
    pub name: String,
    pub standing: String,
    pub phone: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "reminders.html")]
struct RemindersPage {
    frame: Frame,
    plan_id: String,
    period: String,
    period_label: String,
    lines: Vec<ReminderLine>,
}

/// Units to chase: not started, drafting, returned, or missing.
pub fn to_chase(rows: &[BoardRow]) -> impl Iterator<Item = &BoardRow> {
    rows.iter().filter(|r| {
        matches!(r.standing, Standing::NotStarted | Standing::Draft | Standing::Returned | Standing::Missing)
    })
}

async fn reminders_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    BaseUrl(base): BaseUrl,
    Path((plan_id, period_id)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let t = Tr::new(lang);
    let (plan, period) = reporting::plan_period(&state, &plan_id, &period_id).await.page(lang)?;
    let rows = reporting::board(&state, &plan, &period).await.page(lang)?;
    let label = period_label(&t, &period.id.to_string());
    let deadline = local(&plan, period.deadline);
    // The message goes to the unit: in Vietnamese, whatever the sender's interface language.
    let vi = Tr::new(Lang::Vi);
    let label_vi = period_label(&vi, &period.id.to_string());
    let mut lines = Vec::new();
    for row in to_chase(&rows) {
        let contact = kehoach_app::contacts::get(&state, &plan.id, &row.unit).await.page(lang)?;
        let link = format!("{base}/plans/{}/periods/{}/reports/{}", plan.id, period.id, row.unit);
        lines.push(ReminderLine {
            name: row.unit_name.clone(),
            standing: standing_label(&t, row.standing),
            phone: contact.and_then(|c| c.phone).unwrap_or_default(),
            message: reminder_text(&vi, &plan, &label_vi, &deadline, row, &link),
        });
    }
    let page = RemindersPage {
        frame: Frame::new(lang, format!("/plans/{}/periods/{}/reminders", plan.id, period.id), &viewer),
        plan_id: plan.id.clone(),
        period: period.id.to_string(),
        period_label: label,
        lines,
    };
    render(&page, lang)
}
