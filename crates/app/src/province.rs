//! The province's half (issue 13): its file, the board of its communes for a period, the
//! decision on a commune's report, and the roll-up of its indicators.
//!
//! The official figures are those of accepted reports, read from the figures written with each
//! approval; beside them, for communes whose plans are on this server, the live figures.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use kehoach_domain::aggregate::{FigureGroup, Standing, Summary, summary};
use kehoach_domain::handoff::{BoardState, Parts, Timeliness, timeliness};
use kehoach_domain::period::PeriodId;
use kehoach_domain::progress::Status;
use kehoach_domain::province::{Province, ProvinceCommune, ProvinceIndicator};
use kehoach_domain::rollup::{self, AtProvince, CommuneFigure, Total};
use kehoach_domain::text::{compare_vi, fold};
use kehoach_domain::{Plan, Principal};
use kehoach_plan::province::{ProvinceProblem, parse_province};
use kehoach_store::{Actor, Decided, FigureSums, Handoff, HostedPlan, ProvinceRevision, SendingState, StoredFigure};
use serde::Serialize;
use utoipa::ToSchema;

use crate::App;
use crate::error::{AppError, Msg, NotFound};

/// Why a province file was not loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Every problem of the file, with its place.
    Invalid(Vec<ProvinceProblem>),
    App(AppError),
}

impl From<AppError> for LoadError {
    fn from(e: AppError) -> LoadError {
        LoadError::App(e)
    }
}

/// Checks and loads a province file (the command line and the demo load them; a province's
/// file changes once a year at most).
pub async fn load(state: &App, source: &str, actor: Actor<'_>) -> Result<Province, LoadError> {
    let province = parse_province(source).map_err(LoadError::Invalid)?;
    state
        .store
        .save_province(&province.slug, &province.code, &province.name, source, actor, state.clock.now())
        .await
        .map_err(AppError::from)?;
    Ok(province)
}

/// The province loaded under this slug, or not found. Its file is parsed once per revision
/// and kept (see `cache`): every page of the province reads it.
pub async fn get(state: &App, slug: &str) -> Result<Arc<Province>, AppError> {
    let now = state.store.province_revision(slug).await?.ok_or(AppError::NotFound(NotFound::Page))?;
    parsed(state, now).await
}

/// Every province loaded, by official code.
pub async fn all(state: &App) -> Result<Vec<Arc<Province>>, AppError> {
    let mut out = Vec::new();
    for now in state.store.province_revisions().await? {
        out.push(parsed(state, now).await?);
    }
    Ok(out)
}

/// The province file of revision `now`, kept or read and parsed. A file loaded again since
/// `now` was read is parsed and kept at the revision it was read at.
async fn parsed(state: &App, now: ProvinceRevision) -> Result<Arc<Province>, AppError> {
    if let Some(kept) = state.caches.province(&now) {
        return Ok(kept);
    }
    let stored = state.store.province(&now.slug).await?.ok_or(AppError::NotFound(NotFound::Page))?;
    let province = Arc::new(
        parse_province(&stored.source)
            .map_err(|_| AppError::Internal(format!("stored province file {} does not parse", stored.slug)))?,
    );
    let at = ProvinceRevision { slug: stored.slug, row: stored.row, revision: stored.revision };
    state.caches.keep_province(at, province.clone());
    Ok(province)
}

/// The period a province board shows when none is asked for: the quarter whose deadline at the
/// province is the next to come (or the last one of the year once all have passed).
pub fn current_period(province: &Province, now: DateTime<Utc>, year: i32) -> PeriodId {
    (1..=4u8)
        .map(|quarter| PeriodId::Quarter { year, quarter })
        .find(|p| province.deadline.deadline_of(*p).is_some_and(|(_, at)| now < at))
        .unwrap_or(PeriodId::Quarter { year, quarter: 4 })
}

/// A commune's plan on this server.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceHosted)]
pub struct Hosted {
    pub plan: String,
    /// The commune's code within its province (its pages' address).
    pub commune: String,
}

/// Who at the commune answers for its report: its focal officers (`dau_moi` accounts) and the
/// contact of the unit units report through.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceFocal)]
pub struct Focal {
    pub officers: Vec<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

/// One sending, as the province's pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceSending)]
pub struct Sending {
    pub id: i32,
    pub plan: String,
    pub period: String,
    pub version: i32,
    pub number: i32,
    pub issued_on: NaiveDate,
    pub sent_at: DateTime<Utc>,
    pub state: AtProvince,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    /// The commune reopened this version since.
    pub superseded: bool,
}

impl Sending {
    fn of(h: &Handoff) -> Sending {
        Sending {
            id: h.id,
            plan: h.plan.clone(),
            period: h.period.clone(),
            version: h.version,
            number: h.number,
            issued_on: h.issued_on,
            sent_at: h.sent_at,
            state: AtProvince::from_key(&h.state).unwrap_or(AtProvince::Sent),
            decided_by: h.decided_by.clone(),
            decided_at: h.decided_at,
            reason: h.reason.clone(),
            superseded: h.superseded,
        }
    }
}

/// One commune on the province's board.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceBoardRow)]
pub struct BoardRow {
    /// Official code ("03808").
    pub code: String,
    pub name: String,
    /// "Xã Mường La".
    pub full_name: String,
    pub hosted: Option<Hosted>,
    pub state: BoardState,
    /// Judged on the first sending; none while nothing was sent.
    pub timeliness: Option<Timeliness>,
    pub first_sent_at: Option<DateTime<Utc>>,
    /// Every sending of the period, oldest first.
    pub sendings: Vec<Sending>,
    pub focal: Focal,
}

impl BoardRow {
    pub fn latest(&self) -> Option<&Sending> {
        self.sendings.last()
    }
}

/// The board's counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceCounts)]
pub struct Counts {
    pub expected: usize,
    /// Communes that sent at least once.
    pub sent: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub waiting: usize,
    pub returned: usize,
    pub reopened: usize,
    pub accepted: usize,
    /// Sent of expected, on time of expected, in percent; none of nothing expected.
    pub sent_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
}

/// Where one commune stands for a period: what its board row's counts read.
#[derive(Debug, Clone, Copy, PartialEq)]
struct CommuneStanding {
    state: BoardState,
    /// Sent at least once.
    sent: bool,
    timeliness: Option<Timeliness>,
}

impl Counts {
    fn of(rows: &[BoardRow]) -> Counts {
        let lines: Vec<CommuneStanding> = rows
            .iter()
            .map(|r| CommuneStanding { state: r.state, sent: r.first_sent_at.is_some(), timeliness: r.timeliness })
            .collect();
        Counts::tally(&lines)
    }

    fn tally(rows: &[CommuneStanding]) -> Counts {
        let count = |state: BoardState| rows.iter().filter(|r| r.state == state).count();
        let expected = rows.len();
        let sent = rows.iter().filter(|r| r.sent).count();
        let on_time = rows.iter().filter(|r| r.timeliness == Some(Timeliness::OnTime)).count();
        let rate = |n: usize| (expected > 0).then(|| n as f64 * 100.0 / expected as f64);
        Counts {
            expected,
            sent,
            on_time,
            late: rows.iter().filter(|r| r.timeliness == Some(Timeliness::Late)).count(),
            missing: count(BoardState::Missing),
            waiting: count(BoardState::Sent),
            returned: count(BoardState::Returned),
            reopened: count(BoardState::Reopened),
            accepted: count(BoardState::Accepted),
            sent_rate: rate(sent),
            on_time_rate: rate(on_time),
        }
    }
}

/// The province's board for a period.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceBoard)]
pub struct Board {
    pub province: String,
    pub province_name: String,
    #[schema(value_type = String)]
    pub period: PeriodId,
    /// The day as the province file writes it, and the instant from which a sending is late.
    pub deadline_day: Option<NaiveDate>,
    pub deadline: Option<DateTime<Utc>>,
    /// Every commune the province expects, in Vietnamese order of names.
    pub rows: Vec<BoardRow>,
    pub counts: Counts,
}

/// The board of `period`: every commune the province file lists, where its report stands.
pub async fn board(state: &App, province: &Province, period: PeriodId) -> Result<Board, AppError> {
    let handoffs = state.store.province_handoffs(&province.slug, Some(&period.to_string())).await?;
    let hosted = hosted(state, province, period.year()).await?;
    let focal = focals(state, province, &hosted).await?;
    Ok(board_of(province, period, &handoffs.iter().collect::<Vec<_>>(), &hosted, &focal))
}

/// The board without its focal officers: what a roll-up reads.
async fn bare_board(state: &App, province: &Province, period: PeriodId) -> Result<Board, AppError> {
    let handoffs = state.store.province_handoffs(&province.slug, Some(&period.to_string())).await?;
    let hosted = hosted(state, province, period.year()).await?;
    Ok(board_of(province, period, &handoffs.iter().collect::<Vec<_>>(), &hosted, &HashMap::new()))
}

/// The board from rows already read: the province's sendings of the period, its hosted plans and
/// its communes' focal officers (both by official code).
fn board_of(
    province: &Province,
    period: PeriodId,
    handoffs: &[&Handoff],
    hosted: &HashMap<String, HostedPlan>,
    focal: &HashMap<String, Focal>,
) -> Board {
    let deadline = province.deadline.deadline_of(period);
    let mut by_code: HashMap<&str, Vec<&Handoff>> = HashMap::new();
    for h in handoffs {
        if let Some(code) = &h.commune_code {
            by_code.entry(code.as_str()).or_default().push(h);
        }
    }
    let mut rows = Vec::with_capacity(province.communes.len());
    for c in &province.communes {
        let sendings: Vec<Sending> =
            by_code.get(c.code.as_str()).map(|hs| hs.iter().map(|h| Sending::of(h)).collect()).unwrap_or_default();
        let first_sent_at = sendings.iter().map(|s| s.sent_at).min();
        let latest = sendings.last().map(|s| (s.state, s.superseded));
        let plan = hosted.get(&c.code);
        rows.push(BoardRow {
            code: c.code.clone(),
            name: c.name.clone(),
            full_name: c.full_name(),
            hosted: plan.map(|p| Hosted { plan: p.plan.clone(), commune: p.commune.clone() }),
            state: BoardState::of(latest),
            timeliness: first_sent_at.zip(deadline).map(|(sent, (_, due))| timeliness(sent, due)),
            first_sent_at,
            sendings,
            focal: focal.get(&c.code).cloned().unwrap_or_default(),
        });
    }
    rows.sort_by(|a, b| compare_vi(&a.name, &b.name).then_with(|| a.code.cmp(&b.code)));
    let counts = Counts::of(&rows);
    Board {
        province: province.slug.clone(),
        province_name: province.full_name.clone(),
        period,
        deadline_day: deadline.map(|d| d.0),
        deadline: deadline.map(|d| d.1),
        rows,
        counts,
    }
}

/// The plans of `year` on this server of the province's communes, by official code: one query
/// over the plans' official codes (no plan is loaded).
async fn hosted(state: &App, province: &Province, year: i32) -> Result<HashMap<String, HostedPlan>, AppError> {
    Ok(state
        .store
        .hosted_plans(&province.slug, year)
        .await?
        .into_iter()
        .map(|p| (p.official_code.clone(), p))
        .collect())
}

/// The focal officers of every hosted commune (one query for the province), with the contact of
/// the unit each commune's units report through, by official code.
async fn focals(
    state: &App,
    province: &Province,
    hosted: &HashMap<String, HostedPlan>,
) -> Result<HashMap<String, Focal>, AppError> {
    if hosted.is_empty() {
        return Ok(HashMap::new());
    }
    let mut officers = state.store.focal_officers(&province.slug).await?;
    let mut out = HashMap::with_capacity(hosted.len());
    for (code, plan) in hosted {
        let mut names = officers.remove(&plan.commune_id).unwrap_or_default();
        names.sort_by(|a, b| compare_vi(a, b));
        let contact = contact_of(state, &plan.plan).await?;
        out.insert(
            code.clone(),
            Focal {
                officers: names,
                contact_name: contact.as_ref().and_then(|c| c.name.clone()),
                contact_phone: contact.and_then(|c| c.phone),
            },
        );
    }
    Ok(out)
}

/// The contact of the unit a plan's units report through.
async fn contact_of(state: &App, plan: &str) -> Result<Option<kehoach_store::UnitContact>, AppError> {
    let (plan, _) = crate::plans::shared(state, plan).await?;
    crate::contacts::get(state, &plan.id, &plan.reporting.report_to.code).await
}

/// The province's decision on a commune's sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accept,
    /// Returned with the reason the commune reads (required).
    Return(String),
}

/// Accepts or returns a sending of the province's. A sending already decided, or reopened by
/// its commune since, is a conflict that says where it stands.
pub async fn decide(
    state: &App,
    province: &Province,
    sending: i32,
    decision: Decision,
    actor: Actor<'_>,
) -> Result<Sending, AppError> {
    let (accept, reason) = match &decision {
        Decision::Accept => (true, None),
        Decision::Return(reason) => {
            let reason = kehoach_domain::text::long_max(reason, 2000)
                .map_err(|_| AppError::invalid("province-return-reason-required"))?;
            if reason.trim().is_empty() {
                return Err(AppError::invalid("province-return-reason-required"));
            }
            (false, Some(reason))
        }
    };
    match state
        .store
        .decide_handoff(&province.slug, sending, accept, reason.as_deref(), actor, state.clock.now())
        .await?
    {
        None => Err(AppError::NotFound(NotFound::Page)),
        Some(Decided::Done(h)) => Ok(Sending::of(&h)),
        Some(Decided::Stale(h)) => Err(AppError::Conflict(
            Msg::new(if h.superseded { "province-decision-reopened" } else { "province-decision-taken" })
                .with("state", h.state.clone()),
        )),
    }
}

/// One sending of the province's, by its id; not found when it is another province's.
pub async fn sending(state: &App, province: &Province, id: i32) -> Result<Sending, AppError> {
    state
        .store
        .province_handoffs(&province.slug, None)
        .await?
        .iter()
        .find(|h| h.id == id)
        .map(Sending::of)
        .ok_or(AppError::NotFound(NotFound::Page))
}

/// The full names of the accounts that decided, by username (as the sendings keep them); an
/// account since removed keeps its username.
pub async fn deciders(state: &App, sendings: &[Sending]) -> Result<HashMap<String, String>, AppError> {
    let mut out = HashMap::new();
    for username in sendings.iter().filter_map(|s| s.decided_by.as_ref()) {
        if out.contains_key(username) {
            continue;
        }
        let name = state.store.user(username).await?.map_or_else(|| username.clone(), |u| u.full_name);
        out.insert(username.clone(), name);
    }
    Ok(out)
}

/// What the province has said of a commune's reports, for the commune's pages: every sending of
/// the plan, oldest first.
pub async fn of_plan(state: &App, plan: &Plan) -> Result<Vec<Sending>, AppError> {
    Ok(state.store.plan_handoffs(&plan.id).await?.iter().map(Sending::of).collect())
}

/// One commune's value for a province indicator, official (from its accepted report) and live.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceCommuneValue)]
pub struct CommuneValue {
    pub code: String,
    pub name: String,
    pub state: BoardState,
    /// The accepted report's value in the rule's shape; none when not accepted or not given.
    pub official: Option<rollup::Value>,
    /// The sending it comes from (to link to the report).
    pub sending: Option<Sending>,
    pub hosted: Option<Hosted>,
    /// Today's value from the commune's registers and reports, for hosted communes.
    pub live: Option<rollup::Value>,
}

/// A province indicator rolled up for a period.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceIndicatorRollup)]
pub struct IndicatorRollup {
    pub code: String,
    pub name: String,
    pub measure_unit: Option<String>,
    pub target_value: Option<f64>,
    /// From accepted reports only: the official figure.
    pub official: Total,
    /// From the live figures of the communes hosted here (clearly not official).
    pub live: Total,
    /// How many of the province's communes are hosted here.
    pub hosted: usize,
    pub communes: Vec<CommuneValue>,
}

/// Every province indicator's total for `period`, official and live.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceRollup)]
pub struct Rollup {
    pub province: String,
    pub province_name: String,
    #[schema(value_type = String)]
    pub period: PeriodId,
    pub indicators: Vec<IndicatorRollup>,
}

/// The roll-up of every province indicator for `period`.
pub async fn rollup(state: &App, province: &Province, period: PeriodId) -> Result<Rollup, AppError> {
    let board = bare_board(state, province, period).await?;
    let official = official_parts(state, province, &board).await?;
    let live = live_parts(state, &board, period).await?;
    let indicators =
        province.indicators.iter().map(|indicator| indicator_rollup(indicator, &board, &official, &live)).collect();
    Ok(Rollup { province: province.slug.clone(), province_name: province.full_name.clone(), period, indicators })
}

/// One indicator across every commune, searchable without diacritics ("muong la" finds "Mường
/// La"), in Vietnamese order of names.
pub async fn indicator(
    state: &App,
    province: &Province,
    period: PeriodId,
    code: &str,
    search: Option<&str>,
) -> Result<IndicatorRollup, AppError> {
    let indicator = province.indicator(code).ok_or(AppError::NotFound(NotFound::Indicator))?;
    let board = bare_board(state, province, period).await?;
    let official = official_parts(state, province, &board).await?;
    let live = live_parts(state, &board, period).await?;
    let mut out = indicator_rollup(indicator, &board, &official, &live);
    if let Some(q) = search.map(fold).filter(|q| !q.trim().is_empty()) {
        out.communes.retain(|c| fold(&c.name).contains(q.trim()) || c.code.contains(q.trim()));
    }
    Ok(out)
}

/// Official parts by (commune code, province indicator): the accepted, not reopened, latest
/// sending of each commune, its figures read in one query.
async fn official_parts(
    state: &App,
    province: &Province,
    board: &Board,
) -> Result<HashMap<(String, String), (Parts, Sending)>, AppError> {
    let figures = state.store.accepted_figures(Some(&province.slug), &board.period.to_string()).await?;
    Ok(official_of(board, &figures))
}

/// The figures that count for a board: those of each row's latest sending, if accepted.
fn official_of(board: &Board, figures: &[StoredFigure]) -> HashMap<(String, String), (Parts, Sending)> {
    let by_id: HashMap<i32, (&BoardRow, &Sending)> = board
        .rows
        .iter()
        .filter(|r| r.state == BoardState::Accepted)
        .filter_map(|r| r.latest().map(|s| (s.id, (r, s))))
        .collect();
    let mut out = HashMap::new();
    for f in figures {
        if let Some((row, sending)) = by_id.get(&f.handoff) {
            out.insert((row.code.clone(), f.indicator.clone()), (parts_of(f), (*sending).clone()));
        }
    }
    out
}

fn parts_of(f: &StoredFigure) -> Parts {
    Parts {
        value: f.value,
        numerator: f.numerator,
        denominator: f.denominator,
        target: f.target,
        status: f.status.as_deref().and_then(|s| Status::ALL.into_iter().find(|x| x.key() == s)),
    }
}

/// Live parts by (commune code, province indicator) for the hosted communes, at the period's
/// data cut-off (or today, if earlier).
async fn live_parts(
    state: &App,
    board: &Board,
    period: PeriodId,
) -> Result<HashMap<(String, String), Parts>, AppError> {
    let mut out = HashMap::new();
    for row in board.rows.iter() {
        let Some(hosted) = &row.hosted else { continue };
        let (plan, _) = &crate::plans::shared(state, &hosted.plan).await?;
        let Ok(p) = plan.reporting.period(period) else { continue };
        let today = crate::progress::today(state, plan);
        let (as_of, _) = kehoach_domain::record::as_of(p.data_to, today);
        let progress = crate::progress::of_plan(state, plan, as_of).await?;
        for i in &plan.indicators {
            let (Some(target), Some(pr)) = (&i.province_indicator, progress.iter().find(|p| p.indicator == i.code))
            else {
                continue;
            };
            out.insert((row.code.clone(), target.clone()), Parts::of(i, pr));
        }
    }
    Ok(out)
}

fn indicator_rollup(
    indicator: &ProvinceIndicator,
    board: &Board,
    official: &HashMap<(String, String), (Parts, Sending)>,
    live: &HashMap<(String, String), Parts>,
) -> IndicatorRollup {
    let mut communes = Vec::with_capacity(board.rows.len());
    let mut official_figures = Vec::with_capacity(board.rows.len());
    let mut live_figures = Vec::new();
    for row in &board.rows {
        let key = (row.code.clone(), indicator.code.clone());
        let commune = rollup::Commune { code: row.code.clone(), name: row.name.clone() };
        let at_province = match row.state {
            BoardState::Missing => None,
            // Being corrected: sent once, not (or no longer) accepted.
            BoardState::Sent | BoardState::Reopened => Some(AtProvince::Sent),
            BoardState::Returned => Some(AtProvince::Returned),
            BoardState::Accepted => Some(AtProvince::Accepted),
        };
        let official_value = official.get(&key).and_then(|(p, _)| p.value_for(indicator.rule));
        official_figures.push(CommuneFigure { commune: commune.clone(), report: at_province, value: official_value });
        let live_value = live.get(&key).and_then(|p| p.value_for(indicator.rule));
        if row.hosted.is_some() {
            // Live figures are nobody's decision: they count as if accepted, and say so.
            live_figures.push(CommuneFigure {
                commune: commune.clone(),
                report: Some(AtProvince::Accepted),
                value: live_value,
            });
        }
        communes.push(CommuneValue {
            code: row.code.clone(),
            name: row.name.clone(),
            state: row.state,
            official: official_value,
            sending: official.get(&key).map(|(_, s)| s.clone()),
            hosted: row.hosted.clone(),
            live: live_value,
        });
    }
    IndicatorRollup {
        code: indicator.code.clone(),
        name: indicator.name.clone(),
        measure_unit: indicator.measure_unit.clone(),
        target_value: indicator.target_value,
        official: rollup::rollup(indicator.rule, &official_figures),
        live: rollup::rollup(indicator.rule, &live_figures),
        hosted: live_figures.len(),
        communes,
    }
}

/// One commune's page at the province: where it stands in each period of the year, and every
/// sending with its decision.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ProvinceCommunePage)]
pub struct CommunePage {
    pub code: String,
    pub name: String,
    pub full_name: String,
    pub hosted: Option<Hosted>,
    pub focal: Focal,
    /// Every sending of the year, oldest first.
    pub sendings: Vec<Sending>,
}

/// The commune with official code `code` in the province, for `year`.
pub async fn commune(state: &App, province: &Province, code: &str, year: i32) -> Result<CommunePage, AppError> {
    let c: &ProvinceCommune = province.commune(code).ok_or(AppError::NotFound(NotFound::Page))?;
    let plans = hosted(state, province, year).await?;
    let plan = plans.get(code);
    let sendings: Vec<Sending> = match plan {
        Some(plan) => state.store.plan_handoffs(&plan.plan).await?.iter().map(Sending::of).collect(),
        None => state
            .store
            .province_handoffs(&province.slug, None)
            .await?
            .iter()
            .filter(|h| h.commune_code.as_deref() == Some(code))
            .map(Sending::of)
            .collect(),
    };
    Ok(CommunePage {
        code: c.code.clone(),
        name: c.name.clone(),
        full_name: c.full_name(),
        hosted: plan.map(|p| Hosted { plan: p.plan.clone(), commune: p.commune.clone() }),
        focal: match plan {
            Some(p) => {
                let one = HashMap::from([(code.to_owned(), p.clone())]);
                focals(state, province, &one).await?.remove(code).unwrap_or_default()
            }
            None => Focal::default(),
        },
        sendings,
    })
}

/// One province on the nation's page: its communes' completeness for a period.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProvinceLine {
    pub slug: String,
    pub code: String,
    pub name: String,
    pub counts: Counts,
}

/// The nation's view: every loaded province's completeness for `period`, by official code, and
/// the province indicators' totals summed where provinces share a code and rule.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Nation {
    #[schema(value_type = String)]
    pub period: PeriodId,
    pub provinces: Vec<ProvinceLine>,
    pub totals: Counts,
    /// Shared province indicators (same code and rule in several provinces): the rule applied
    /// to every accepted commune figure of those provinces.
    pub indicators: Vec<SharedIndicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SharedIndicator {
    pub code: String,
    pub name: String,
    pub provinces: usize,
    /// The total, with the communes left out counted by why (the provinces' pages name them).
    pub official: Summary,
}

/// A shared indicator while the provinces are read: its name, how many provinces have it, the
/// sums of their accepted figures and where their communes stand.
type Shared = (String, usize, Vec<FigureGroup>, Standing);

/// The nation's view of `period`: two reads for the country — where every sending stands, and
/// the accepted figures added up by the database per province, indicator and status — and the
/// province files kept parsed. No commune's figure is read one by one (see `docs/performance.md`).
pub async fn nation(state: &App, period: PeriodId) -> Result<Nation, AppError> {
    let key = period.to_string();
    // Three independent reads, each on its own connection of the pool: the answer waits for the
    // longest, not for their sum.
    let (loaded, sendings, sums) = tokio::try_join!(
        all(state),
        store_read(state.store.period_sendings(&key)),
        store_read(state.store.accepted_figure_sums(&key))
    )?;
    let mut by_province: HashMap<&str, Vec<&SendingState>> = HashMap::new();
    for s in &sendings {
        by_province.entry(s.province.as_str()).or_default().push(s);
    }
    let mut groups: HashMap<(&str, &str), Vec<FigureGroup>> = HashMap::new();
    for g in &sums {
        groups.entry((g.province.as_str(), g.indicator.as_str())).or_default().push(group_of(g));
    }
    let mut provinces = Vec::with_capacity(loaded.len());
    let mut lines = Vec::new();
    let mut shared: BTreeMap<(String, &'static str), Shared> = BTreeMap::new();
    for province in &loaded {
        let sent = by_province.get(province.slug.as_str()).map(Vec::as_slice).unwrap_or_default();
        let own = communes_at(province, period, sent);
        let standing = standing_of(&own);
        // The database's sums count every accepted, current sending of the province; they are
        // the province's official figures only when each is the latest of a commune its file
        // lists. Otherwise (a file reloaded without a commune that had reported) this
        // province's figures are read one by one.
        let summed = sent.iter().filter(|s| s.state == "accepted" && !s.superseded).count();
        let exact = summed == standing.accepted;
        let fallback = if exact { None } else { Some(province_groups(state, province, period).await?) };
        for indicator in &province.indicators {
            let these = match &fallback {
                Some(by_indicator) => by_indicator.get(&indicator.code).cloned().unwrap_or_default(),
                None => groups.get(&(province.slug.as_str(), indicator.code.as_str())).cloned().unwrap_or_default(),
            };
            let entry = shared
                .entry((indicator.code.clone(), indicator.rule.key()))
                .or_insert_with(|| (indicator.name.clone(), 0, Vec::new(), Standing::default()));
            entry.1 += 1;
            entry.2.extend(these);
            entry.3 += standing;
        }
        provinces.push(ProvinceLine {
            slug: province.slug.clone(),
            code: province.code.clone(),
            name: province.full_name.clone(),
            counts: Counts::tally(&own),
        });
        lines.extend(own);
    }
    let indicators = shared
        .into_iter()
        .map(|((code, rule), (name, n, groups, standing))| SharedIndicator {
            official: summary(rollup::Rule::from_key(rule).unwrap_or(rollup::Rule::Sum), &groups, standing),
            code,
            name,
            provinces: n,
        })
        .collect();
    Ok(Nation { period, provinces, totals: Counts::tally(&lines), indicators })
}

/// Where each commune of a province's file stands for `period`, from the sendings of the
/// province (oldest first).
fn communes_at(province: &Province, period: PeriodId, sent: &[&SendingState]) -> Vec<CommuneStanding> {
    let deadline = province.deadline.deadline_of(period);
    let mut by_code: HashMap<&str, (&SendingState, DateTime<Utc>)> = HashMap::new();
    for s in sent {
        let first = by_code.get(s.commune_code.as_str()).map_or(s.sent_at, |(_, first)| (*first).min(s.sent_at));
        by_code.insert(s.commune_code.as_str(), (s, first));
    }
    province
        .communes
        .iter()
        .map(|c| match by_code.get(c.code.as_str()) {
            None => CommuneStanding { state: BoardState::Missing, sent: false, timeliness: None },
            Some((latest, first)) => CommuneStanding {
                state: BoardState::of(Some((
                    AtProvince::from_key(&latest.state).unwrap_or(AtProvince::Sent),
                    latest.superseded,
                ))),
                sent: true,
                timeliness: deadline.map(|(_, due)| timeliness(*first, due)),
            },
        })
        .collect()
}

/// How many communes stand where, as a province indicator's total leaves them out.
fn standing_of(lines: &[CommuneStanding]) -> Standing {
    let count = |f: fn(BoardState) -> bool| lines.iter().filter(|l| f(l.state)).count();
    Standing {
        no_report: count(|s| s == BoardState::Missing),
        // Being corrected: sent once, not (or no longer) accepted.
        not_yet_accepted: count(|s| matches!(s, BoardState::Sent | BoardState::Reopened)),
        returned: count(|s| s == BoardState::Returned),
        accepted: count(|s| s == BoardState::Accepted),
    }
}

async fn store_read<T>(read: impl Future<Output = Result<T, kehoach_store::StoreError>>) -> Result<T, AppError> {
    Ok(read.await?)
}

fn group_of(s: &FigureSums) -> FigureGroup {
    let n = |x: i64| usize::try_from(x).unwrap_or(0);
    let mut statuses = [0; Status::ALL.len()];
    for (to, from) in statuses.iter_mut().zip(&s.statuses) {
        *to = n(*from);
    }
    FigureGroup {
        rows: n(s.rows),
        values: n(s.values),
        value_sum: s.value_sum.unwrap_or(0.0),
        ratios: n(s.ratios),
        numerator_sum: s.numerator_sum.unwrap_or(0.0),
        denominator_sum: s.denominator_sum.unwrap_or(0.0),
        unfit_ratios: n(s.unfit_ratios),
        targeted: n(s.targeted),
        reached: n(s.reached),
        no_value: n(s.no_value),
        statuses,
    }
}

/// A province's official figures for `period` read one by one and added up as the database
/// would, by indicator: the board's own reading, for a province whose sums cannot be trusted.
async fn province_groups(
    state: &App,
    province: &Province,
    period: PeriodId,
) -> Result<HashMap<String, Vec<FigureGroup>>, AppError> {
    let board = bare_board(state, province, period).await?;
    let official = official_parts(state, province, &board).await?;
    let mut by_indicator: HashMap<String, Vec<Parts>> = HashMap::new();
    for ((_, indicator), (parts, _)) in official {
        by_indicator.entry(indicator).or_default().push(parts);
    }
    Ok(by_indicator.into_iter().map(|(code, parts)| (code, vec![FigureGroup::of_parts(&parts)])).collect())
}

/// The province a `cap_tren` (or the province's admin) works for; others have none.
pub fn of_principal(who: &Principal) -> Option<&str> {
    (who.commune.is_none() && !who.province.is_empty()).then_some(who.province.as_str())
}

/// The province's time zone (its deadline's), Vietnam's if the file names none it knows.
fn zone(province: &Province) -> chrono_tz::Tz {
    province.deadline.time_zone.parse().unwrap_or(chrono_tz::Asia::Ho_Chi_Minh)
}

/// The year it is at the province at `at`.
pub fn local_year(province: &Province, at: DateTime<Utc>) -> i32 {
    use chrono::Datelike;
    at.with_timezone(&zone(province)).year()
}

/// A moment as the province reads it: "09/03/2026 16:59".
pub fn local_time(province: &Province, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone(province)).format("%d/%m/%Y %H:%M").to_string()
}
