//! The tables people download as .xlsx or .csv: Appendix I with results, Appendix II with the
//! tasks' status, the timeliness board, every register. Each is built once as a
//! [`kehoach_docs::tables::Table`] from the plan and the store, then written in either format.
//! Shared by the pages, the API and the command line (which has no request: it passes the unit
//! to restrict a register to, if any, itself).
//!
//! In the .xlsx, counts and results are numbers and days are dates (the columns say so), and a
//! unit is shown by its name; the .csv keeps the unit's code where an import reads it back (a
//! register) or a machine matches it (the board's first column).

use chrono::NaiveDate;
use kehoach_docs::tables::{self, Column, Row, Table};
use kehoach_domain::register::{RegisterDef, display};
use kehoach_domain::{Lang, Plan};
use kehoach_store::{RecordFilter, StoredRecord};

use crate::App;
use crate::error::{AppError, NotFound};
use crate::present::{Tr, cell, local_time, period_label, standing_label, timeliness};
use crate::reporting::{self, BoardRow};

/// The two formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => tables::XLSX_TYPE,
            Format::Csv => tables::CSV_TYPE,
        }
    }
}

/// Which table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// Phụ lục I with the results at a date (default: today in the plan's zone).
    Appendix1 { at: Option<NaiveDate> },
    /// Phụ lục II with the tasks' status from the period's consolidation.
    Appendix2 { period: String },
    /// The timeliness board of a period.
    Board { period: String },
    /// A register's records; `unit`: only this unit's (a unit's reporter gets its own alone).
    Register { key: String, unit: Option<String>, from: Option<NaiveDate>, to: Option<NaiveDate> },
}

/// A file to download.
#[derive(Debug, Clone)]
pub struct Download {
    /// ASCII: `phu-luc-1-muong-la-2026.xlsx`.
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The table written in the format.
pub fn write(table: &Table, format: Format) -> Result<Vec<u8>, AppError> {
    match format {
        Format::Xlsx => tables::to_xlsx(std::slice::from_ref(table)),
        Format::Csv => tables::to_csv(table),
    }
    .map_err(AppError::from)
}

/// The table asked for, as a file.
pub async fn export(
    state: &App,
    plan_id: &str,
    which: &Which,
    format: Format,
    lang: Lang,
) -> Result<Download, AppError> {
    let plan = state.store.plan(plan_id).await?.ok_or(AppError::NotFound(NotFound::Plan))?;
    let (stem, bytes) = match which {
        Which::Appendix1 { at } => {
            let date = at.unwrap_or_else(|| crate::progress::today(state, &plan));
            (format!("phu-luc-1-{}", plan.id), write(&appendix_1(state, &plan, date, lang).await?, format)?)
        }
        Which::Appendix2 { period } => {
            let (plan, period) = reporting::plan_period(state, &plan.id, period).await?;
            let report = crate::commune_report::view(state, &plan, &period).await?;
            let table = appendix_2(&plan, &period.id.to_string(), &report.consolidation, lang);
            (format!("phu-luc-2-{}-{}", plan.id, period.id), write(&table, format)?)
        }
        Which::Board { period } => {
            let (plan, period) = reporting::plan_period(state, &plan.id, period).await?;
            let rows = reporting::board(state, &plan, &period).await?;
            (
                format!("bang-theo-doi-{}-{}", plan.id, period.id),
                write(&board(&plan, &rows, &period.id.to_string(), lang, format), format)?,
            )
        }
        Which::Register { key, unit, from, to } => {
            let def = crate::registers::def(key)?;
            let records = register_records(state, &plan.id, def, unit.as_deref(), *from, *to).await?;
            let bytes = match format {
                Format::Xlsx => {
                    let title = format!("{} — {}", def.name(lang), commune(&plan));
                    write(&register(def, &records, lang, Some(title), Some(&plan)), format)?
                }
                Format::Csv => register_csv(def, &records, lang)?,
            };
            (format!("so-{}", def.key.replace('_', "-")), bytes)
        }
    };
    Ok(Download { filename: format!("{stem}.{}", format.extension()), content_type: format.content_type(), bytes })
}

/// A register's records (all, or one unit's), newest first.
pub async fn register_records(
    state: &App,
    plan_id: &str,
    def: &RegisterDef,
    unit: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<StoredRecord>, AppError> {
    let filter = RecordFilter { register: Some(def.key), unit, from, to, ids: None, limit: None };
    Ok(state.store.records(plan_id, &filter).await?)
}

// ---------------------------------------------------------------------------------------------
// The tables.

/// "xã Mường La".
fn commune(plan: &Plan) -> String {
    format!("{} {}", plan.commune.kind, plan.commune.name)
}

/// Phụ lục I: every indicator of the appendix by section, with its result at `date`; then the
/// plan's other indicators (sections not printed in the appendix).
pub async fn appendix_1(state: &App, plan: &Plan, date: NaiveDate, lang: Lang) -> Result<Table, AppError> {
    let progress = crate::progress::of_plan(state, plan, date).await?;
    Ok(appendix_1_of(plan, &progress, date, lang))
}

/// Phụ lục I from computed progress (one per indicator of the plan, in its order).
pub fn appendix_1_of(
    plan: &Plan,
    progress: &[kehoach_domain::measure::Progress],
    date: NaiveDate,
    lang: Lang,
) -> Table {
    let t = Tr::new(lang);
    let columns = vec![
        Column::new(t.get("col-number"), 6.0),
        Column::new(t.get("col-indicator"), 48.0),
        Column::new(t.with("appendix-baseline", "year", plan.year - 1), 14.0),
        Column::new(t.with("appendix-target", "year", plan.year), 14.0),
        Column::number(t.with("appendix-result", "date", crate::present::day(date)), 16.0),
        Column::new(t.get("table-assessment"), 16.0),
        Column::new(t.get("source-title"), 18.0),
        Column::new(t.get("col-lead"), 26.0),
        Column::new(t.get("col-coordinators"), 34.0),
    ];
    let row = |i: &kehoach_domain::Indicator| {
        let result = plan.indicators.iter().position(|x| x.code == i.code).and_then(|n| progress.get(n));
        let (value, status) = result.map_or_else(Default::default, |p| {
            let c = cell(&t, i, p);
            let value = if c.parts.is_empty() { c.value } else { format!("{} ({})", c.value, c.parts) };
            (value, c.status_label)
        });
        Row::data(vec![
            i.number.clone(),
            i.name.clone(),
            i.baseline.text.clone(),
            i.target.text.clone(),
            value,
            status,
            crate::present::source_label(&t, kehoach_domain::measure::source_of(i)),
            plan.ref_name(&i.lead).unwrap_or(&i.lead.code).to_owned(),
            plan.cell(&i.coordinators, i.coordinators_text.as_deref()),
        ])
    };
    let mut rows = Vec::new();
    for (section, indicators) in plan.appendix_indicators() {
        rows.push(Row::section(vec![section.code.clone(), section.title.clone()]));
        rows.extend(indicators.into_iter().map(&row));
    }
    for section in plan.indicator_sections.iter().filter(|s| !s.in_appendix) {
        let indicators: Vec<_> = plan.indicators.iter().filter(|i| i.section == section.code).collect();
        if indicators.is_empty() {
            continue;
        }
        rows.push(Row::section(vec![String::new(), t.with("table-outside-appendix", "title", &section.title)]));
        rows.extend(indicators.into_iter().map(&row));
    }
    Table {
        sheet: t.get("table-appendix-1-sheet"),
        title: Some(format!("{} — {}", plan.appendices.indicators_title, commune(plan))),
        columns,
        rows,
    }
}

/// Phụ lục II: the tasks by group, with the lead's status and notes and the coordinators'
/// notes from the period's consolidation.
pub fn appendix_2(
    plan: &Plan,
    period: &str,
    consolidation: &kehoach_domain::consolidation::Consolidation,
    lang: Lang,
) -> Table {
    let t = Tr::new(lang);
    let status = |s: kehoach_domain::report::TaskStatus| t.get(&format!("task-status-{}", s.key().replace('_', "-")));
    let columns = vec![
        Column::new(t.get("col-number"), 6.0),
        Column::new(t.get("col-content"), 18.0),
        Column::new(t.get("col-task"), 48.0),
        Column::new(t.get("col-lead"), 24.0),
        Column::new(t.get("col-coordinators"), 30.0),
        Column::new(t.get("col-time-frame"), 14.0),
        Column::new(t.get("table-task-status"), 18.0),
        Column::new(t.get("table-task-lead-note"), 40.0),
        Column::new(t.get("table-task-coordinator-notes"), 48.0),
    ];
    let mut rows = Vec::new();
    for (group, tasks) in plan.tasks_by_group() {
        rows.push(Row::section(vec![group.code.clone(), group.title.clone()]));
        for task in tasks {
            let line = consolidation.tasks.iter().find(|l| l.code == task.code);
            let lead = line.and_then(|l| l.lead.as_ref());
            let notes: Vec<String> = line
                .map(|l| {
                    l.coordinators
                        .iter()
                        .map(|n| {
                            let mut text = format!("{}: {}", n.unit_name, status(n.status));
                            if !n.note.trim().is_empty() {
                                text.push_str(". ");
                                text.push_str(n.note.trim());
                            }
                            text
                        })
                        .collect()
                })
                .unwrap_or_default();
            let time_frame = match task.time_frame {
                kehoach_domain::TimeFrame::Year(y) => t.with("time-frame-year", "year", y),
                kehoach_domain::TimeFrame::Ongoing => t.get("time-frame-ongoing"),
                kehoach_domain::TimeFrame::EveryYear => t.get("time-frame-every-year"),
            };
            rows.push(Row::data(vec![
                task.number.clone(),
                task.content.clone(),
                task.description.clone(),
                plan.ref_name(&task.lead).unwrap_or(&task.lead.code).to_owned(),
                plan.cell(&task.coordinators, task.coordinators_text.as_deref()),
                time_frame,
                lead.map(|n| status(n.status)).unwrap_or_default(),
                lead.map(|n| n.note.trim().to_owned()).unwrap_or_default(),
                notes.join("\n"),
            ]));
        }
    }
    Table {
        sheet: t.get("table-appendix-2-sheet"),
        title: Some(format!("{} — {} — {}", plan.appendices.tasks_title, commune(plan), period_label(&t, period))),
        columns,
        rows,
    }
}

/// The timeliness board: a unit a row. Its CSV is the board's CSV download, the units' codes
/// first; the .xlsx names the units only, its completeness a percentage and its last update a
/// date and time.
pub fn board(plan: &Plan, rows: &[BoardRow], period: &str, lang: Lang, format: Format) -> Table {
    let t = Tr::new(lang);
    let codes = format == Format::Csv;
    let mut columns = Vec::new();
    if codes {
        columns.push(Column::new(t.get("col-code"), 14.0));
    }
    columns.extend([
        Column::new(t.get("col-unit"), 36.0),
        Column::new(t.get("board-standing"), 20.0),
        Column::new(t.get("board-timeliness"), 12.0),
        Column::number(t.get("board-complete"), 12.0),
        Column::date_time(t.get("board-updated"), 18.0),
        Column::new(t.get("board-reason"), 40.0),
    ]);
    let rows = rows
        .iter()
        .map(|r| {
            let mut cells = Vec::new();
            if codes {
                cells.push(r.unit.clone());
            }
            cells.extend([
                r.unit_name.clone(),
                standing_label(&t, r.standing),
                timeliness(&t, r.on_time),
                format!("{}%", r.completeness),
                r.updated_at.map(|at| local_time(plan, at)).unwrap_or_default(),
                r.return_reason.clone().unwrap_or_default(),
            ]);
            Row::data(cells)
        })
        .collect();
    Table {
        sheet: t.get("board-title"),
        title: Some(format!("{} — {}", t.get("board-title"), period_label(&t, period))),
        columns,
        rows,
    }
}

/// A register's records: the CSV's columns (`id`, `unit`, `date`, the fields) under their
/// labels in the user's language, values as people write them.
/// Its CSV, under the machine header that the import reads, is the register's CSV download:
/// without `names`, a unit is its code, as the import reads it back. With the plan as `names`
/// (the .xlsx), a unit is its name.
pub fn register(
    def: &RegisterDef,
    records: &[StoredRecord],
    lang: Lang,
    title: Option<String>,
    names: Option<&Plan>,
) -> Table {
    use kehoach_domain::register::FieldType;
    let t = Tr::new(lang);
    let mut columns = vec![
        Column::number(t.get("table-record-id"), 8.0),
        Column::new(crate::registers::label(def, "unit", &t), if names.is_some() { 28.0 } else { 16.0 }),
        Column::date(crate::registers::label(def, "date", &t), 12.0),
    ];
    columns.extend(def.fields.iter().map(|f| {
        let label = f.label(lang).to_owned();
        match f.ty {
            FieldType::Int => Column::number(label, 12.0),
            FieldType::LongText => Column::new(label, 48.0),
            FieldType::Bool => Column::new(label, 12.0),
            FieldType::Date => Column::date(label, 12.0),
            FieldType::Ref(_) => Column::number(label, 10.0),
            _ => Column::new(label, 24.0),
        }
    }));
    let unit = |code: &str| -> String {
        names
            .and_then(|plan| plan.units.iter().find(|u| u.code == code))
            .map_or_else(|| code.to_owned(), |u| u.name.clone())
    };
    let rows = records
        .iter()
        .map(|r| {
            let mut cells = vec![r.record.id.to_string(), unit(&r.record.unit), crate::present::day(r.record.date)];
            cells.extend(def.fields.iter().map(|f| display(f, r.record.fields.get(f.key), lang)));
            Row::data(cells)
        })
        .collect();
    Table { sheet: def.name(lang).to_owned(), title, columns, rows }
}

/// A register as CSV (UTF-8 with a BOM so that Excel reads Vietnamese), values as people write
/// them: dates dd/mm/yyyy, yes/no as "có"/"không", options by name; a text a spreadsheet would
/// run as a formula carries the text mark (`'=1+1`). Importing it back reads the same values.
pub fn register_csv(def: &RegisterDef, records: &[StoredRecord], lang: Lang) -> Result<Vec<u8>, AppError> {
    let table = register(def, records, lang, None, None);
    tables::to_csv_with_header(&table, crate::registers::csv_header(def)).map_err(|e| AppError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use kehoach_docs::tables::Kind;
    use kehoach_domain::register::{Record, register as register_def};
    use kehoach_domain::report::Standing;
    use serde_json::json;

    use super::*;

    fn plan() -> Plan {
        kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).expect("the seed plan")
    }

    fn record(id: i32, unit: &str, day: u32, fields: serde_json::Value) -> StoredRecord {
        let at = chrono::Utc.with_ymd_and_hms(2026, 2, day, 2, 0, 0).single().expect("a moment");
        StoredRecord {
            record: Record {
                id,
                register: "truyen_thong".into(),
                unit: unit.into(),
                date: NaiveDate::from_ymd_opt(2026, 2, day).expect("a day"),
                fields: fields.as_object().cloned().unwrap_or_default(),
            },
            sample: false,
            version: 1,
            created_by: "dau-moi".into(),
            created_at: at,
            updated_by: "dau-moi".into(),
            updated_at: at,
        }
    }

    /// Every unit code of the plan, to look for where a name should be.
    fn codes(plan: &Plan) -> Vec<String> {
        plan.units.iter().map(|u| u.code.clone()).chain(plan.groups.iter().map(|g| g.code.clone())).collect()
    }

    #[test]
    fn a_register_in_the_xlsx_names_its_units_and_types_its_days_and_counts() {
        let plan = plan();
        let def = register_def("truyen_thong").expect("the register");
        let unit = plan.reporting_units().next().expect("a unit");
        let records = vec![
            record(41, &unit.code, 10, json!({"kenh": "hop_ban", "chu_de": "Bồi dưỡng, tập huấn", "so_nguoi": 30})),
            record(42, &unit.code, 11, json!({"kenh": "hop_ban", "chu_de": "Chuyển đổi số", "so_nguoi": 1234})),
        ];
        let table = register(def, &records, Lang::Vi, Some("Sổ".into()), Some(&plan));
        let kinds: Vec<Kind> = table.columns.iter().map(|c| c.kind).collect();
        assert_eq!(kinds[..3], [Kind::Number, Kind::Text, Kind::Date], "id, unit, day");
        let people = def.fields.iter().position(|f| f.key == "so_nguoi").expect("so_nguoi") + 3;
        assert_eq!(table.columns[people].kind, Kind::Number);
        assert_eq!(table.rows[0].cells[..3], ["41".to_owned(), unit.name.clone(), "10/02/2026".to_owned()]);
        assert_eq!(table.rows[1].cells[people], "1234");
        let codes = codes(&plan);
        for row in &table.rows {
            for cell in &row.cells {
                assert!(!codes.contains(cell), "a unit's code «{cell}» where its name should be");
            }
            assert!(!row.cells.iter().any(|c| c == "hop_ban"), "an option by its label, not its key");
        }
        // The CSV keeps the code, which the import reads back.
        let csv = register(def, &records, Lang::Vi, None, None);
        assert_eq!(csv.rows[0].cells[1], unit.code);
        let xlsx = tables::to_xlsx(&[table]).expect("written");
        assert!(!xlsx.is_empty());
    }

    #[test]
    fn the_board_in_the_xlsx_names_its_units_with_numbers_and_moments() {
        let plan = plan();
        let unit = plan.reporting_units().next().expect("a unit");
        let rows = vec![BoardRow {
            unit: unit.code.clone(),
            unit_name: unit.name.clone(),
            sample: false,
            standing: Standing::Accepted,
            on_time: Some(true),
            completeness: 80,
            seconds_left: 0,
            updated_at: chrono::Utc.with_ymd_and_hms(2026, 3, 1, 2, 30, 0).single(),
            return_reason: None,
        }];
        let xlsx = board(&plan, &rows, "2026-Q1", Lang::Vi, Format::Xlsx);
        let codes = codes(&plan);
        assert!(xlsx.rows.iter().flat_map(|r| &r.cells).all(|c| !codes.contains(c)), "{:?}", xlsx.rows);
        assert_eq!(xlsx.rows[0].cells[0], unit.name);
        let kinds: Vec<Kind> = xlsx.columns.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [Kind::Text, Kind::Text, Kind::Text, Kind::Number, Kind::DateTime, Kind::Text]);
        assert_eq!(xlsx.rows[0].cells[3], "80%");
        assert_eq!(xlsx.rows[0].cells[4], "09:30 01/03/2026", "in the plan's time zone");
        // The CSV keeps the code in its first column, as before.
        let csv = board(&plan, &rows, "2026-Q1", Lang::Vi, Format::Csv);
        assert_eq!(csv.rows[0].cells[..2], [unit.code.clone(), unit.name.clone()]);
    }

    #[test]
    fn appendix_1_results_are_a_number_column() {
        let plan = plan();
        let table = appendix_1_of(&plan, &[], NaiveDate::from_ymd_opt(2026, 3, 1).expect("a day"), Lang::Vi);
        assert_eq!(table.columns[4].kind, Kind::Number, "{:?}", table.columns[4]);
        let codes = codes(&plan);
        assert!(
            table.rows.iter().all(|r| !codes.contains(&r.cells.get(6).cloned().unwrap_or_default())),
            "leads by name"
        );
    }
}
