//! The commune report of a period as the office works it: the focal officer writes the
//! narrative and sends it for approval; a leader approves it with the number from the office's
//! register (or the product's) and the signer — which stores the record: the snapshot of figures
//! and texts and the rendered document with its SHA-256, served byte for byte ever after. A
//! correction is an explicit reopening, with a reason, that leads to a new version; the old one
//! stays readable.

use chrono::{DateTime, NaiveDate, Utc};
use kehoach_docs::docx::Layout;
use kehoach_docs::docx::report::{self as report_doc, ReportInput};
use kehoach_domain::consolidation::Consolidation;
use kehoach_domain::handoff::{Timeliness, timeliness};
use kehoach_domain::measure::Progress;
use kehoach_domain::period::Period;
use kehoach_domain::record::{self, AsOfBasis, CommuneReportState, Drift, Snapshot, UnitReportVersion};
use kehoach_domain::{Lang, Plan, ReportNumbering, Role, Signer};
use kehoach_store::{Actor, Approval, NewRecord, RecordInfo, Reopening, ScanOutcome};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::App;
use crate::error::{AppError, Msg, NotFound};
use crate::present::{Tr, next_period_in_document, period_in_document, status_label, task_status_label};
use crate::province::Sending;
use crate::reporting::{PeriodReports, consolidation};

/// How many times an approval tries for a free number of the product's before it gives up.
const NUMBER_ATTEMPTS: usize = 16;
/// An approved version of the commune report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordView {
    pub version: i32,
    pub number: u32,
    /// As printed: "01/BC-UBND".
    pub number_text: String,
    /// Whether the number came from the office's register (`office`) or the product.
    pub numbered_by: String,
    pub issued_on: NaiveDate,
    pub signer: Signer,
    /// The SHA-256 of the document as approved, in hex.
    pub docx_sha256: String,
    pub approved_by: String,
    pub approved_at: DateTime<Utc>,
    pub superseded_by: Option<String>,
    pub superseded_at: Option<DateTime<Utc>>,
    /// Why it was reopened for a correction.
    pub superseded_reason: Option<String>,
    /// The signed scan (PDF), once attached.
    pub scan_name: Option<String>,
    pub scan_sha256: Option<String>,
    pub scan_at: Option<DateTime<Utc>>,
}

impl RecordView {
    fn of(r: &RecordInfo) -> Result<RecordView, AppError> {
        Ok(RecordView {
            version: r.version,
            number: r.number,
            number_text: format!("{:02}/{}", r.number, report_doc::SYMBOL),
            numbered_by: r.numbered_by.clone(),
            issued_on: r.issued_on,
            signer: serde_json::from_str(&r.signer_json).map_err(|e| AppError::Internal(e.to_string()))?,
            docx_sha256: r.docx_sha256.clone(),
            approved_by: r.approved_by.clone(),
            approved_at: r.approved_at,
            superseded_by: r.superseded_by.clone(),
            superseded_at: r.superseded_at,
            superseded_reason: r.superseded_reason.clone(),
            scan_name: r.scan_name.clone(),
            scan_sha256: r.scan_sha256.clone(),
            scan_at: r.scan_at,
        })
    }
}

/// The commune's report for a period: its narrative and where it stands; the live
/// consolidation while a draft, the approved snapshot once approved; every approved version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommuneReportView {
    pub plan: String,
    pub period: String,
    pub state: CommuneReportState,
    pub approved: bool,
    pub narrative: String,
    /// Send it back with the next change (0: nothing stored yet).
    pub version: i32,
    pub consolidation: Consolidation,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// What was approved (figures, tasks, texts, the unit reports it stands on), once approved.
    pub snapshot: Option<Snapshot>,
    /// Indicators whose live value at the snapshot's day is no longer the approved one.
    pub drift: Vec<Drift>,
    /// The reporting units whose report is not accepted (yet): approving without them asks
    /// for a confirmation.
    pub missing_units: Vec<String>,
    /// Every approved version, oldest first.
    pub records: Vec<RecordView>,
    /// Where the approved versions stand at the province.
    pub province: AtProvinceView,
}

/// Where the commune's approved versions of a period stand at the province (issue 13): each
/// approval sends the version to the province, which accepts it or returns it with a reason.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct AtProvinceView {
    /// The department that receives the report ("Sở Khoa học và Công nghệ tỉnh Sơn La"), when
    /// the province's file is loaded on this server.
    pub receiver: Option<String>,
    /// The province's deadline for the period: the day as its file writes it…
    pub deadline_day: Option<NaiveDate>,
    /// …and the instant from which a report is late. None without the province's file.
    pub deadline: Option<DateTime<Utc>>,
    /// Whether the first sending arrived before the deadline (a report sent again after a
    /// return is as timely as its first sending).
    pub timeliness: Option<Timeliness>,
    /// Every sending of the period, oldest first (one per approved version).
    pub sendings: Vec<Sending>,
}

impl AtProvinceView {
    /// The latest sending, the one that stands.
    pub fn latest(&self) -> Option<&Sending> {
        self.sendings.last()
    }

    /// The province returned the latest sending: the commune corrects and approves again.
    pub fn returned(&self) -> Option<&Sending> {
        self.latest().filter(|s| s.state == kehoach_domain::rollup::AtProvince::Returned)
    }
}

/// Where the period's approved versions stand at the plan's province.
pub async fn at_province(state: &App, plan: &Plan, period: &Period) -> Result<AtProvinceView, AppError> {
    let period_id = period.id.to_string();
    let sendings: Vec<Sending> =
        crate::province::of_plan(state, plan).await?.into_iter().filter(|s| s.period == period_id).collect();
    let province = match crate::province::get(state, &plan.commune.province_code).await {
        Ok(p) => Some(p),
        Err(AppError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    let deadline = province.as_ref().and_then(|p| p.deadline.deadline_of(period.id));
    let first = sendings.iter().map(|s| s.sent_at).min();
    Ok(AtProvinceView {
        receiver: province.map(|p| p.department.name.clone()),
        deadline_day: deadline.map(|d| d.0),
        deadline: deadline.map(|d| d.1),
        timeliness: first.zip(deadline).map(|(sent, (_, due))| timeliness(sent, due)),
        sendings,
    })
}

/// The commune's report of a period as it stands.
pub async fn view(state: &App, plan: &Plan, period: &Period) -> Result<CommuneReportView, AppError> {
    let period_id = period.id.to_string();
    let stored = state.store.commune_report(&plan.id, &period_id).await?;
    let records = state
        .store
        .commune_report_records(&plan.id, &period_id)
        .await?
        .iter()
        .map(RecordView::of)
        .collect::<Result<Vec<_>, _>>()?;
    let approved = stored.as_ref().is_some_and(|s| s.approved);
    // An approval before records were kept froze the consolidation alone.
    let frozen = stored.as_ref().filter(|s| s.approved).and_then(|s| s.frozen_json.as_deref());
    let snapshot: Option<Snapshot> = frozen.and_then(|f| serde_json::from_str(f).ok());
    let live = if approved { None } else { Some(PeriodReports::load(state, plan, period).await?) };
    let consolidation = match (&snapshot, frozen, &live) {
        (Some(s), ..) => s.consolidation.clone(),
        (None, Some(f), _) => serde_json::from_str(f).map_err(|e| AppError::Internal(e.to_string()))?,
        (None, None, Some(live)) => live.consolidation(plan),
        (None, None, None) => consolidation(state, plan, period).await?,
    };
    let drift = match &snapshot {
        Some(s) => record::drift(s, &crate::progress::of_plan(state, plan, s.as_of).await?),
        None => Vec::new(),
    };
    let missing_units = live.as_ref().map(|l| missing_units(plan, l)).unwrap_or_default();
    let province = at_province(state, plan, period).await?;
    Ok(CommuneReportView {
        plan: plan.id.clone(),
        period: period_id,
        state: stored.as_ref().map_or(CommuneReportState::Draft, |s| s.state),
        approved,
        narrative: stored.as_ref().map(|s| s.narrative.clone()).unwrap_or_default(),
        version: stored.as_ref().map_or(0, |s| s.version),
        consolidation,
        updated_by: stored.as_ref().map(|s| s.updated_by.clone()),
        updated_at: stored.as_ref().map(|s| s.updated_at),
        approved_by: stored.as_ref().and_then(|s| s.approved_by.clone()),
        approved_at: stored.as_ref().and_then(|s| s.approved_at),
        snapshot,
        drift,
        missing_units,
        records,
        province,
    })
}

/// The names of the reporting units whose report of the period is not accepted.
fn missing_units(plan: &Plan, live: &PeriodReports) -> Vec<String> {
    live.by_unit(plan).filter(|(_, r)| r.is_none()).map(|(u, _)| u.name.clone()).collect()
}

fn refused_write(current: Option<&kehoach_store::CommuneReportRecord>) -> AppError {
    match current.map(|c| c.state) {
        Some(CommuneReportState::Approved) => AppError::conflict("commune-report-frozen"),
        _ => AppError::conflict("report-conflict"),
    }
}

/// Saves the narrative at the version seen.
pub async fn save_narrative(
    state: &App,
    plan: &Plan,
    period: &Period,
    version: i32,
    narrative: &str,
    actor: Actor<'_>,
) -> Result<CommuneReportView, AppError> {
    let change = kehoach_store::CommuneReportChange::Narrative(narrative);
    write(state, plan, period, version, change, actor).await
}

/// Sends the report to the leaders for approval: it appears on their to-do list.
pub async fn send_for_approval(
    state: &App,
    plan: &Plan,
    period: &Period,
    version: i32,
    actor: Actor<'_>,
) -> Result<CommuneReportView, AppError> {
    write(state, plan, period, version, kehoach_store::CommuneReportChange::SendForApproval, actor).await
}

async fn write(
    state: &App,
    plan: &Plan,
    period: &Period,
    version: i32,
    change: kehoach_store::CommuneReportChange<'_>,
    actor: Actor<'_>,
) -> Result<CommuneReportView, AppError> {
    let period_id = period.id.to_string();
    match state.store.write_commune_report(&plan.id, &period_id, version, change, actor, state.clock.now()).await? {
        kehoach_store::CommuneWrite::Written(_) => view(state, plan, period).await,
        kehoach_store::CommuneWrite::Refused(current) => Err(refused_write(current.as_ref())),
    }
}

/// The periods of the plan whose commune report waits for a leader's approval.
pub async fn awaiting_approval(state: &App, plan: &Plan) -> Result<Vec<Period>, AppError> {
    let periods = plan.reporting.periods(plan.year).map_err(|e| AppError::Internal(format!("{e:?}")))?;
    let mut out = Vec::new();
    for period in periods {
        let stored = state.store.commune_report(&plan.id, &period.id.to_string()).await?;
        if stored.is_some_and(|s| s.state == CommuneReportState::AwaitingApproval) {
            out.push(period);
        }
    }
    Ok(out)
}

/// Who may sign the commune's reports: the plan's signer and the commune's leaders
/// (`lanh_dao` accounts), with the plan's authority lines and title as the default.
pub async fn signers(state: &App, plan: &Plan) -> Result<Vec<Signer>, AppError> {
    let mut out = vec![plan.signer.clone()];
    for u in state.store.users(Some(&plan.commune.province_code), Some(&plan.commune.code)).await? {
        if u.role == Role::LanhDao && !u.disabled && !out.iter().any(|s| s.name == u.full_name) {
            out.push(Signer {
                authority: plan.signer.authority.clone(),
                title: plan.signer.title.clone(),
                name: u.full_name,
            });
        }
    }
    Ok(out)
}

/// What a leader decides at approval.
#[derive(Debug, Clone, Default)]
pub struct ApprovalInput {
    /// The report's version as seen.
    pub version: i32,
    /// The number from the office's register; required when the office numbers.
    pub number: Option<u32>,
    /// Who signs; the plan's signer when not given.
    pub signer: Option<Signer>,
    /// The leader has seen which units are missing and approves all the same.
    pub confirm_incomplete: bool,
}

/// A number from the office's register as typed: "15", "015" or "15/BC-UBND".
pub fn parse_number(typed: &str) -> Result<u32, AppError> {
    let digits = typed.trim().split('/').next().unwrap_or_default().trim();
    match digits.parse::<u32>() {
        Ok(n) if n > 0 && n < 100_000 => Ok(n),
        _ => Err(AppError::Invalid(Msg::new("commune-report-number-invalid").with("value", typed.trim()))),
    }
}

/// Checks the signer chosen: one of the commune's leaders, with an authority line and title
/// that are plain one-line texts.
async fn checked_signer(state: &App, plan: &Plan, signer: Option<Signer>) -> Result<Signer, AppError> {
    let Some(s) = signer else { return Ok(plan.signer.clone()) };
    let leaders = signers(state, plan).await?;
    let name = crate::input::line("commune-report-signer-name", &s.name)?;
    if !leaders.iter().any(|l| l.name == name) {
        return Err(AppError::Invalid(Msg::new("commune-report-signer-unknown").with("name", &name)));
    }
    let title = crate::input::line("commune-report-signer-title", &s.title)?;
    if title.is_empty() {
        return Err(AppError::invalid("commune-report-signer-title-required"));
    }
    let authority = s
        .authority
        .iter()
        .map(|a| crate::input::line("commune-report-signer-authority", a))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|a| !a.is_empty())
        .collect();
    Ok(Signer { authority, title, name })
}

/// Approves the period's commune report: the figures are taken at the period's data cut-off (or
/// today, if that is earlier), the document rendered with its number and signer, and all of it
/// stored as one record.
pub async fn approve(
    state: &App,
    plan: &Plan,
    period: &Period,
    input: ApprovalInput,
    actor: Actor<'_>,
) -> Result<CommuneReportView, AppError> {
    let period_id = period.id.to_string();
    let stored = state.store.commune_report(&plan.id, &period_id).await?;
    if stored.as_ref().is_some_and(|s| s.approved) {
        return Err(AppError::conflict("commune-report-frozen"));
    }
    if stored.as_ref().map_or(0, |s| s.version) != input.version {
        return Err(AppError::conflict("report-conflict"));
    }
    let live = PeriodReports::load(state, plan, period).await?;
    let missing = missing_units(plan, &live);
    if !missing.is_empty() && !input.confirm_incomplete {
        return Err(AppError::Conflict(
            Msg::new("commune-report-confirm-missing").with("count", missing.len()).with("units", missing.join(", ")),
        ));
    }
    let signer = checked_signer(state, plan, input.signer).await?;
    let today = crate::progress::today(state, plan);
    let (as_of, basis) = record::as_of(period.data_to, today);
    let progress = crate::progress::of_plan(state, plan, as_of).await?;
    let unit_reports = live
        .by_unit(plan)
        .filter_map(|(u, r)| {
            r.map(|r| UnitReportVersion { unit: u.code.clone(), unit_name: u.name.clone(), version: r.version })
        })
        .collect();
    let snapshot = Snapshot {
        as_of,
        basis,
        progress,
        consolidation: live.consolidation(plan),
        narrative: stored.map(|s| s.narrative).unwrap_or_default(),
        unit_reports,
        plan_number: plan.document.number.clone(),
        plan_issued_on: plan.document.issued_on,
    };
    let snapshot_json = serde_json::to_string(&snapshot).map_err(|e| AppError::Internal(e.to_string()))?;
    let signer_json = serde_json::to_string(&signer).map_err(|e| AppError::Internal(e.to_string()))?;
    let figures = province_figures(plan, &snapshot);
    let records = state.store.commune_report_records(&plan.id, &period_id).await?;
    let version = records.last().map_or(1, |r| r.version + 1);
    let base = report_doc::subject(&plan.id, period.id);
    let subject = match version {
        // A report approved and numbered before records were kept holds the plain subject.
        1 if state.store.document_number(&plan.id, &base).await?.is_some() => format!("{base}:v1"),
        1 => base,
        v => format!("{base}:v{v}"),
    };
    // The product's number can be taken meanwhile by another approval: then it takes the next.
    // Each of n approvals at the same instant loses at most n - 1 times; a commune's office
    // approves a few reports a quarter, so this bound is never the one that refuses.
    for _ in 0..NUMBER_ATTEMPTS {
        let (number, numbered_by) = match (plan.document.report_numbering, input.number) {
            (ReportNumbering::Office, Some(n)) if n > 0 => (n, "office"),
            (ReportNumbering::Office, _) => return Err(AppError::invalid("commune-report-number-required")),
            (ReportNumbering::Product, _) => (
                state.store.next_document_number(&plan.id, report_doc::TYPE, chrono::Datelike::year(&today)).await?,
                "product",
            ),
        };
        let docx = render(plan, period, &snapshot, Some((number, today)), &signer)?;
        let sha = hex(&Sha256::digest(&docx));
        let new = NewRecord {
            number,
            numbered_by,
            doc_type: report_doc::TYPE,
            subject: &subject,
            issued_on: today,
            signer_json: &signer_json,
            snapshot_json: &snapshot_json,
            docx: &docx,
            docx_sha256: &sha,
            official_code: plan.commune.official_code.as_deref(),
            figures: &figures,
        };
        match state
            .store
            .approve_commune_report(&plan.id, &period_id, input.version, new, actor, state.clock.now())
            .await?
        {
            Approval::Approved(..) => return view(state, plan, period).await,
            Approval::Stale(now) => return Err(refused_write(now.as_ref())),
            Approval::NumberTaken if numbered_by == "office" => {
                return Err(AppError::Conflict(
                    Msg::new("commune-report-number-taken")
                        .with("number", format!("{number:02}/{}", report_doc::SYMBOL)),
                ));
            }
            Approval::NumberTaken => continue,
        }
    }
    Err(AppError::conflict("error-changed-meanwhile"))
}

/// Reopens an approved report for a correction; the approved version stays readable.
pub async fn reopen(
    state: &App,
    plan: &Plan,
    period: &Period,
    version: i32,
    reason: &str,
    actor: Actor<'_>,
) -> Result<CommuneReportView, AppError> {
    let reason = crate::input::long_max("commune-report-reopen-reason", reason, 2000)?;
    if reason.trim().is_empty() {
        return Err(AppError::invalid("commune-report-reopen-reason-required"));
    }
    let period_id = period.id.to_string();
    match state
        .store
        .reopen_commune_report(&plan.id, &period_id, version, reason.trim(), actor, state.clock.now())
        .await?
    {
        Reopening::Reopened(_) => view(state, plan, period).await,
        Reopening::Stale(current) if current.as_ref().is_some_and(|c| c.approved) => {
            Err(AppError::conflict("report-conflict"))
        }
        Reopening::Stale(_) => Err(AppError::conflict("commune-report-not-approved")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_register_number_is_read_as_the_office_types_it() {
        assert_eq!(parse_number("15").ok(), Some(15));
        assert_eq!(parse_number(" 015 ").ok(), Some(15));
        assert_eq!(parse_number("15/BC-UBND").ok(), Some(15));
        for bad in ["", "0", "mười lăm", "-3", "1.5"] {
            assert_eq!(parse_number(bad).err().and_then(|e| e.key()), Some("commune-report-number-invalid"), "{bad}");
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The report as a document: from the snapshot once approved (number, date and signer
/// printed), from the live figures while a draft.
fn render(
    plan: &Plan,
    period: &Period,
    snapshot: &Snapshot,
    issued: Option<(u32, NaiveDate)>,
    signer: &Signer,
) -> Result<Vec<u8>, AppError> {
    // The document is in Vietnamese whatever the reader's interface language.
    let t = Tr::new(Lang::Vi);
    let task_status = |s| task_status_label(&t, s);
    let indicator_status = |s| status_label(&t, s);
    let input = ReportInput {
        plan,
        period_label: period_in_document(period.id),
        next_period_label: next_period_in_document(period.id),
        number: issued.map(|(n, _)| n),
        issued_on: issued.map(|(_, d)| d),
        approved: issued.is_some(),
        narrative: &snapshot.narrative,
        consolidation: &snapshot.consolidation,
        progress: &snapshot.progress,
        progress_date: snapshot.as_of,
        as_of_basis: snapshot.basis,
        signer: Some(signer),
        task_status: &task_status,
        indicator_status: &indicator_status,
    };
    Ok(report_doc::report_docx(&input, &Layout::default())?)
}

/// A commune report's document: the approved version asked for (the latest when none is
/// asked) byte for byte as approved; a draft, rendered now, for those who may see drafts.
pub async fn document(
    state: &App,
    plan: &Plan,
    period: &Period,
    version: Option<i32>,
    drafts: bool,
) -> Result<(String, Vec<u8>), AppError> {
    let period_id = period.id.to_string();
    let records = state.store.commune_report_records(&plan.id, &period_id).await?;
    let current = state.store.commune_report(&plan.id, &period_id).await?;
    let approved = current.as_ref().is_some_and(|c| c.approved);
    let wanted = match version {
        Some(v) => Some(v),
        // The latest approved version stands while the report is approved; once reopened the
        // reader who may see drafts gets the draft, the others the last approved version.
        None if approved || !drafts => records.last().map(|r| r.version),
        None => None,
    };
    if let Some(v) = wanted {
        let (info, bytes) = state
            .store
            .commune_report_docx(&plan.id, &period_id, v)
            .await?
            .ok_or(AppError::NotFound(NotFound::Page))?;
        let name = format!("bao-cao-{:02}-{}-{}-v{}.docx", info.number, plan.id, period.id, info.version);
        return Ok((name, bytes));
    }
    if approved {
        return legacy_document(state, plan, period, current.as_ref()).await;
    }
    if !drafts {
        return Err(AppError::NotFound(NotFound::Page));
    }
    let today = crate::progress::today(state, plan);
    let (as_of, basis) = record::as_of(period.data_to, today);
    let snapshot = Snapshot {
        as_of,
        basis,
        progress: crate::progress::of_plan(state, plan, as_of).await?,
        consolidation: consolidation(state, plan, period).await?,
        narrative: current.map(|c| c.narrative).unwrap_or_default(),
        unit_reports: Vec::new(),
        plan_number: plan.document.number.clone(),
        plan_issued_on: plan.document.issued_on,
    };
    let bytes = render(plan, period, &snapshot, None, &plan.signer)?;
    Ok((format!("du-thao-bao-cao-{}-{}.docx", plan.id, period.id), bytes))
}

/// A report approved before approvals kept their document (no record): rendered from the
/// consolidation it was frozen with, under the number it was given on the day of approval.
async fn legacy_document(
    state: &App,
    plan: &Plan,
    period: &Period,
    current: Option<&kehoach_store::CommuneReportRecord>,
) -> Result<(String, Vec<u8>), AppError> {
    let Some(current) = current else { return Err(AppError::NotFound(NotFound::Page)) };
    let approved_at = current.approved_at.unwrap_or(current.updated_at);
    let day = crate::present::local_day(plan, approved_at);
    let subject = report_doc::subject(&plan.id, period.id);
    let number =
        state.store.issue_number(&plan.id, report_doc::TYPE, &subject, day, Actor::SYSTEM, state.clock.now()).await?;
    let consolidation = match current.frozen_json.as_deref() {
        Some(f) => serde_json::from_str(f).map_err(|e| AppError::Internal(e.to_string()))?,
        None => consolidation(state, plan, period).await?,
    };
    let (as_of, basis) = record::as_of(period.data_to, day);
    let snapshot = Snapshot {
        as_of,
        basis,
        progress: crate::progress::of_plan(state, plan, as_of).await?,
        consolidation,
        narrative: current.narrative.clone(),
        unit_reports: Vec::new(),
        plan_number: plan.document.number.clone(),
        plan_issued_on: plan.document.issued_on,
    };
    let bytes = render(plan, period, &snapshot, Some((number.number, number.issued_on)), &plan.signer)?;
    Ok((format!("bao-cao-{:02}-{}-{}.docx", number.number, plan.id, period.id), bytes))
}

/// The largest signed scan taken.
pub const SCAN_MAX: usize = crate::evidence::MAX_FILE;

/// Attaches the signed scan (a PDF) to an approved version, once.
pub async fn attach_scan(
    state: &App,
    plan: &Plan,
    period: &Period,
    version: i32,
    name: &str,
    bytes: &[u8],
    actor: Actor<'_>,
) -> Result<RecordView, AppError> {
    if bytes.len() > SCAN_MAX {
        return Err(AppError::Invalid(Msg::new("commune-report-scan-too-large").with("max", SCAN_MAX / 1024 / 1024)));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(AppError::invalid("commune-report-scan-not-pdf"));
    }
    let name = kehoach_domain::text::line_max(name, 200).unwrap_or_else(|_| "ban-ky.pdf".into());
    let name = if name.trim().is_empty() { "ban-ky.pdf".to_owned() } else { name };
    let sha = hex(&Sha256::digest(bytes));
    let period_id = period.id.to_string();
    match state
        .store
        .attach_commune_report_scan(&plan.id, &period_id, version, &name, bytes, &sha, actor, state.clock.now())
        .await?
    {
        ScanOutcome::Attached(info) => RecordView::of(&info),
        ScanOutcome::AlreadyAttached => Err(AppError::conflict("commune-report-scan-attached")),
        ScanOutcome::NoSuchVersion => Err(AppError::NotFound(NotFound::Page)),
    }
}

/// The signed scan of an approved version.
pub async fn scan(state: &App, plan: &Plan, period: &Period, version: i32) -> Result<(String, Vec<u8>), AppError> {
    let (info, bytes) = state
        .store
        .commune_report_scan(&plan.id, &period.id.to_string(), version)
        .await?
        .ok_or(AppError::NotFound(NotFound::Page))?;
    Ok((info.scan_name.unwrap_or_else(|| "ban-ky.pdf".into()), bytes))
}

/// Fills in the plan's own number and date, which reports cite ("Kế hoạch số 12/KH-UBND ngày
/// 20/01/2026").
pub async fn set_plan_reference(
    state: &App,
    plan: &Plan,
    number: &str,
    issued_on: &str,
    actor: Actor<'_>,
) -> Result<(), AppError> {
    let number = crate::input::line_max("plan-reference-number", number, 30)?;
    if number.trim().is_empty() {
        return Err(AppError::invalid("plan-reference-number-required"));
    }
    let issued_on = NaiveDate::parse_from_str(issued_on.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(issued_on.trim(), "%d/%m/%Y"))
        .map_err(|_| AppError::invalid("plan-reference-date-invalid"))?;
    if chrono::Datelike::year(&issued_on) > plan.year || chrono::Datelike::year(&issued_on) < plan.year - 1 {
        return Err(AppError::invalid("plan-reference-date-invalid"));
    }
    Ok(state.store.set_plan_reference(&plan.id, number.trim(), issued_on, actor, state.clock.now()).await?)
}

/// The figures shown beside an approved report: the approved ones (the record).
pub fn approved_progress(view: &CommuneReportView) -> Option<(&[Progress], NaiveDate, AsOfBasis)> {
    view.snapshot.as_ref().map(|s| (s.progress.as_slice(), s.as_of, s.basis))
}

/// What the approved figures give the province's indicators: every part of each indicator the
/// plan links to one, as of the snapshot (the province's rules pick the parts they add up).
fn province_figures(plan: &Plan, snapshot: &Snapshot) -> Vec<kehoach_store::NewFigure> {
    plan.indicators
        .iter()
        .filter_map(|i| {
            let target = i.province_indicator.clone()?;
            let progress = snapshot.progress.iter().find(|p| p.indicator == i.code)?;
            let parts = kehoach_domain::handoff::Parts::of(i, progress);
            Some(kehoach_store::NewFigure {
                indicator: target,
                value: parts.value,
                numerator: parts.numerator,
                denominator: parts.denominator,
                target: parts.target,
                status: parts.status.map(|s| s.key().to_owned()),
            })
        })
        .collect()
}
