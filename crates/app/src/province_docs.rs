//! The province's own documents for a period (issue 13): the consolidated report of its
//! communes' reports as .docx (issued by its department, in the Decree 30 layout) and its Phụ lục
//! of communes as .xlsx or .csv. Made from [`crate::province::board`] and
//! [`crate::province::rollup`]: the official figures only, from accepted reports.

use std::collections::HashMap;

use kehoach_docs::docx::Layout;
use kehoach_docs::province_report::{
    CommuneLine, Completeness, IndicatorTotal, ProvinceReportInput, communes_table, report_docx as write_docx,
};
use kehoach_domain::Lang;
use kehoach_domain::handoff::{BoardState, Timeliness};
use kehoach_domain::period::PeriodId;
use kehoach_domain::progress::Status;
use kehoach_domain::province::Province;
use kehoach_domain::rollup::Value;

use crate::App;
use crate::error::AppError;
use crate::present::{Tr, period_in_document, status_label};
use crate::province::{Board, Rollup, board, current_period, rollup};
use crate::tables::{Download, Format, write};

/// The .docx content type.
pub const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Where a commune's report stands, as the document words it (in Vietnamese: the document's
/// language whatever the interface's).
fn state_label(t: &Tr, state: BoardState, timeliness: Option<Timeliness>) -> String {
    let state = t.get(&format!("provdoc-state-{}", state.key()));
    match timeliness {
        Some(Timeliness::Late) => format!("{state} {}", t.get("provdoc-late")),
        _ => state,
    }
}

/// The rows of the Phụ lục, in the board's order (Vietnamese order of names).
fn lines(province: &Province, board: &Board, rollup: &Rollup, t: &Tr) -> Vec<CommuneLine> {
    let zone: chrono_tz::Tz = province.deadline.time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
    // Each commune's official value of each indicator, in the province file's order.
    let mut values: HashMap<&str, Vec<Option<Value>>> = HashMap::new();
    for (k, indicator) in rollup.indicators.iter().enumerate() {
        for c in &indicator.communes {
            let row = values.entry(c.code.as_str()).or_insert_with(|| vec![None; rollup.indicators.len()]);
            row[k] = c.official;
        }
    }
    board
        .rows
        .iter()
        .map(|row| {
            let latest = row.latest();
            CommuneLine {
                full_name: row.full_name.clone(),
                state: state_label(t, row.state, row.timeliness),
                missing: row.state == BoardState::Missing,
                returned: row.state == BoardState::Returned,
                sent_on: latest.map(|s| s.sent_at.with_timezone(&zone).date_naive()),
                number: latest.map(|s| format!("{:02}/{}", s.number, kehoach_docs::docx::report::SYMBOL)),
                values: values.get(row.code.as_str()).cloned().unwrap_or_else(|| vec![None; rollup.indicators.len()]),
            }
        })
        .collect()
}

/// What the document and the table are made of.
struct Made {
    board: Board,
    rollup: Rollup,
}

async fn made(state: &App, province: &Province, period: PeriodId) -> Result<Made, AppError> {
    Ok(Made { board: board(state, province, period).await?, rollup: rollup(state, province, period).await? })
}

fn input<'a>(
    province: &'a Province,
    period: PeriodId,
    made: &Made,
    t: &Tr,
    status: &'a dyn Fn(Status) -> String,
) -> ProvinceReportInput<'a> {
    let c = &made.board.counts;
    ProvinceReportInput {
        province,
        period_label: period_in_document(period),
        year: period.year(),
        deadline_day: made.board.deadline_day,
        completeness: Completeness {
            expected: c.expected,
            sent: c.sent,
            on_time: c.on_time,
            late: c.late,
            missing: c.missing,
            waiting: c.waiting,
            returned: c.returned,
            reopened: c.reopened,
            accepted: c.accepted,
        },
        indicators: made
            .rollup
            .indicators
            .iter()
            .filter_map(|r| {
                province
                    .indicator(&r.code)
                    .map(|i| IndicatorTotal { indicator: i.clone(), official: r.official.clone() })
            })
            .collect(),
        communes: lines(province, &made.board, &made.rollup, t),
        status_label: status,
    }
}

/// The period a download is for: the one asked (`2026-Q1`, or `2026-Y` for the fourth quarter's
/// deadline), else the one the province's board shows now. An ad hoc request's period has no
/// deadline at the province: refused, as text that is not a period.
pub fn period(state: &App, province: &Province, asked: Option<&str>) -> Result<PeriodId, AppError> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            let zone: chrono_tz::Tz = province.deadline.time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
            let now = state.clock.now();
            Ok(current_period(province, now, chrono::Datelike::year(&now.with_timezone(&zone))))
        }
        Some(text) => match text.parse::<PeriodId>() {
            Ok(p @ (PeriodId::Quarter { .. } | PeriodId::Year(_))) => Ok(p),
            _ => Err(AppError::invalid("provdoc-period-invalid")),
        },
    }
}

/// The stem of the files' names: ASCII, without diacritics ("son-la-2026-Q1").
fn stem(province: &Province, period: PeriodId) -> String {
    format!("{}-{period}", province.slug)
}

/// The consolidated report of `period` as .docx, with its file name
/// (`bao-cao-tong-hop-son-la-2026-Q1.docx`). The same data gives the same bytes.
pub async fn report_docx(state: &App, province: &Province, period: PeriodId) -> Result<(String, Vec<u8>), AppError> {
    let made = made(state, province, period).await?;
    let t = Tr::new(Lang::Vi);
    let status = move |s: Status| status_label(&t, s);
    let bytes = write_docx(&input(province, period, &made, &t, &status), &Layout::default())?;
    Ok((format!("bao-cao-tong-hop-{}.docx", stem(province, period)), bytes))
}

/// The Phụ lục of communes of `period` as .xlsx (counts and values as numbers, days as dates)
/// or .csv (UTF-8 with a BOM), in the document's words.
pub async fn tables(state: &App, province: &Province, period: PeriodId, format: Format) -> Result<Download, AppError> {
    let made = made(state, province, period).await?;
    let t = Tr::new(Lang::Vi);
    let status = move |s: Status| status_label(&t, s);
    let table = communes_table(&input(province, period, &made, &t, &status));
    Ok(Download {
        filename: format!("phu-luc-xa-phuong-{}.{}", stem(province, period), format.extension()),
        content_type: format.content_type(),
        bytes: write(&table, format)?,
    })
}
