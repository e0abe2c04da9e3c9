//! How an indicator's value is obtained (the plan file says which), and the engine that
//! computes it from register records and accepted unit reports at any date, with the records
//! that make it.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::plan::{Indicator, IndicatorKind, Plan};
use crate::progress::{self, Measured, Pacing, Status};
use crate::register::{self, Record};

/// Which dated records of a register count, relative to the date of the computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Window {
    /// Dated within the plan year, up to the date.
    Year,
    /// Standing on the date: dated on or before it and not ended (staff, procedures).
    Standing,
    /// Dated within the `months` before the date.
    Rolling { months: u32 },
    /// Dated from `months` before the plan year began, up to the date: results accepted late
    /// last year whose follow-up falls in this one.
    YearAndBefore { months: u32 },
}

/// A condition on a record's own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// The field holds one of these values.
    Is {
        field: String,
        #[schema(value_type = Vec<Object>)]
        values: Vec<Value>,
    },
    /// The field is filled in; for a date field, with a date on or before the computation's.
    Present { field: String },
}

/// When a linked record must be dated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkWindow {
    /// Within the plan year, up to the date.
    Year,
    /// From the record's own date to `months` after it, both ends included, up to the date.
    MonthsAfter { months: u32 },
}

/// "Has at least one record in another register pointing at it": trained staff, guided
/// businesses, disseminated results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Link {
    pub register: String,
    /// The reference field of the linked register that points at the record.
    pub by: String,
    pub conditions: Vec<Condition>,
    pub within: LinkWindow,
}

/// Conditions a record must meet, on its fields and its links.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Refinement {
    pub conditions: Vec<Condition>,
    pub linked: Vec<Link>,
}

/// Records of one register, in a window, meeting conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Selection {
    pub register: String,
    pub window: Window,
    pub refine: Refinement,
}

/// How an indicator's value is obtained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    /// The number of selected records.
    Count { records: Selection, pacing: Pacing },
    /// The share, in percent, of selected records that also meet `counted`. The numerator is
    /// always part of the denominator.
    Ratio { records: Selection, counted: Refinement, pacing: Pacing },
    /// The sum of the figures units gave for the indicator in accepted quarterly reports.
    ReportSum { pacing: Pacing },
    /// The latest assessment recorded for the indicator (register `danh_gia`).
    Assessment,
}

impl Measure {
    pub fn key(&self) -> &'static str {
        match self {
            Measure::Count { .. } => "count",
            Measure::Ratio { .. } => "ratio",
            Measure::ReportSum { .. } => "report_sum",
            Measure::Assessment => "assessment",
        }
    }

    pub fn pacing(&self) -> Pacing {
        match self {
            Measure::Count { pacing, .. } | Measure::Ratio { pacing, .. } | Measure::ReportSum { pacing } => *pacing,
            Measure::Assessment => Pacing::Constant,
        }
    }

    /// The indicator kinds this measure can give a value for.
    pub fn fits(&self, kind: IndicatorKind) -> bool {
        matches!(
            (self, kind),
            (Measure::Count { .. } | Measure::ReportSum { .. }, IndicatorKind::Count)
                | (Measure::Ratio { .. }, IndicatorKind::Ratio)
                | (Measure::Assessment, _)
        )
    }
}

/// A figure a unit gave for an indicator in an accepted quarterly report.
/// Where an indicator's one figure comes from: the measure decides, and nothing else is shown
/// as its value (see `docs/progress.md`, "One figure per indicator").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Counted from the registers (sổ theo dõi): units record there, they are not asked again.
    Registers,
    /// The sum of the figures in the accepted unit reports: the units that contribute are asked.
    UnitReports,
    /// A person's assessment, recorded in the assessments register.
    Assessment,
    /// Nothing measures it: a rate or a qualitative target the plan gives no measure for.
    None,
}

impl Source {
    pub fn key(self) -> &'static str {
        match self {
            Source::Registers => "registers",
            Source::UnitReports => "unit_reports",
            Source::Assessment => "assessment",
            Source::None => "none",
        }
    }
}

/// The measure an indicator is computed by: its own; for a count the plan gives no measure for,
/// the sum of what the units report (the only source there is); none for a rate or a
/// qualitative target without one — no unit can know those by itself.
pub fn measure_of(indicator: &Indicator) -> Option<Measure> {
    match (&indicator.measure, indicator.kind) {
        (Some(m), _) => Some(m.clone()),
        (None, IndicatorKind::Count) => Some(Measure::ReportSum { pacing: Pacing::default() }),
        (None, _) => None,
    }
}

/// Where the indicator's figure comes from.
pub fn source_of(indicator: &Indicator) -> Source {
    match measure_of(indicator) {
        Some(Measure::Count { .. } | Measure::Ratio { .. }) => Source::Registers,
        Some(Measure::ReportSum { .. }) => Source::UnitReports,
        Some(Measure::Assessment) => Source::Assessment,
        None => Source::None,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportFigure {
    pub indicator: String,
    pub unit: String,
    pub period: String,
    /// The last day of data the period covers; the figure counts from then on.
    pub covers_to: NaiveDate,
    pub value: f64,
}

/// What the computation draws on: a commune's register records and its accepted figures.
pub struct Sources<'a> {
    by_register: HashMap<&'a str, Vec<&'a Record>>,
    figures: &'a [ReportFigure],
}

impl<'a> Sources<'a> {
    pub fn new(records: &'a [Record], figures: &'a [ReportFigure]) -> Sources<'a> {
        let mut by_register: HashMap<&str, Vec<&Record>> = HashMap::new();
        for r in records {
            by_register.entry(r.register.as_str()).or_default().push(r);
        }
        Sources { by_register, figures }
    }

    fn records(&self, register: &str) -> &[&'a Record] {
        self.by_register.get(register).map_or(&[], Vec::as_slice)
    }
}

/// The records or figures a value is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// Ids of the records counted, and for a ratio, of all the records it is taken over.
    Records {
        counted: Vec<i32>,
        over: Vec<i32>,
    },
    Figures {
        figures: Vec<ReportFigure>,
    },
    /// The assessment record in force, if any.
    Assessment {
        record: Option<i32>,
    },
}

/// An indicator's value and status at a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Progress {
    pub indicator: String,
    pub date: NaiveDate,
    pub measure: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub target: Option<f64>,
    /// Where a paced value should be by the date.
    pub expected: Option<f64>,
    pub status: Status,
    pub evidence: Evidence,
}

/// The plan year's last day: values stop moving when the year is over.
fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)
}

fn year_start(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

struct Context<'s, 'a> {
    sources: &'s Sources<'a>,
    year: i32,
    /// The computation's date, no later than the year's end.
    at: NaiveDate,
}

impl Context<'_, '_> {
    fn in_window(&self, record: &Record, window: Window) -> bool {
        let at = self.at;
        match window {
            Window::Year => record.date >= year_start(self.year) && record.date <= at,
            Window::Standing => register::register(&record.register).is_some_and(|def| record.stands_on(def, at)),
            Window::Rolling { months } => {
                at.checked_sub_months(Months::new(months)).is_some_and(|from| record.date > from) && record.date <= at
            }
            Window::YearAndBefore { months } => {
                year_start(self.year).checked_sub_months(Months::new(months)).is_some_and(|from| record.date >= from)
                    && record.date <= at
            }
        }
    }

    fn meets(&self, record: &Record, condition: &Condition) -> bool {
        match condition {
            Condition::Is { field, values } => record.fields.get(field).is_some_and(|v| values.contains(v)),
            Condition::Present { field } => match record.fields.get(field) {
                None | Some(Value::Null) => false,
                Some(Value::String(s)) if s.is_empty() => false,
                Some(_) => record.date_field(field).is_none_or(|d| d <= self.at),
            },
        }
    }

    /// Ids of records of `link.register` pointing at a record, with their dates, for links.
    fn link_index(&self, link: &Link) -> HashMap<i32, Vec<NaiveDate>> {
        let mut index: HashMap<i32, Vec<NaiveDate>> = HashMap::new();
        for r in self.sources.records(&link.register) {
            if r.date <= self.at
                && link.conditions.iter().all(|c| self.meets(r, c))
                && let Some(target) = r.ref_field(&link.by)
            {
                index.entry(target).or_default().push(r.date);
            }
        }
        index
    }

    fn linked(&self, record: &Record, link: &Link, index: &HashMap<i32, Vec<NaiveDate>>) -> bool {
        let Some(dates) = index.get(&record.id) else { return false };
        match link.within {
            LinkWindow::Year => dates.iter().any(|d| *d >= year_start(self.year)),
            LinkWindow::MonthsAfter { months } => {
                let until = record.date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX);
                dates.iter().any(|d| *d >= record.date && *d <= until)
            }
        }
    }

    /// Records meeting a refinement, from `records`.
    fn refine<'r>(&self, records: impl Iterator<Item = &'r Record>, refine: &Refinement) -> Vec<&'r Record> {
        let indexes: Vec<_> = refine.linked.iter().map(|l| self.link_index(l)).collect();
        records
            .filter(|r| refine.conditions.iter().all(|c| self.meets(r, c)))
            .filter(|r| refine.linked.iter().zip(&indexes).all(|(l, ix)| self.linked(r, l, ix)))
            .collect()
    }

    fn select(&self, s: &Selection) -> Vec<&Record> {
        let in_window = self.sources.records(&s.register).iter().copied().filter(|r| self.in_window(r, s.window));
        self.refine(in_window, &s.refine)
    }
}

fn ids(records: &[&Record]) -> Vec<i32> {
    let mut ids: Vec<i32> = records.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids
}

/// An indicator's progress at `date`, by its measure.
pub fn evaluate(
    plan_year: i32,
    indicator: &Indicator,
    measure: &Measure,
    sources: &Sources,
    date: NaiveDate,
) -> Progress {
    let at = date.min(year_end(plan_year));
    let cx = Context { sources, year: plan_year, at };
    let target = indicator.target.value;
    let (measured, evidence, assessed) = match measure {
        Measure::Count { records, .. } => {
            let selected = cx.select(records);
            let n = selected.len() as f64;
            (Some(Measured::count(n)), Evidence::Records { counted: ids(&selected), over: Vec::new() }, None)
        }
        Measure::Ratio { records, counted, .. } => {
            let over = cx.select(records);
            let counted = cx.refine(over.iter().copied(), counted);
            let measured = Measured::ratio(counted.len() as f64, over.len() as f64);
            (measured, Evidence::Records { counted: ids(&counted), over: ids(&over) }, None)
        }
        Measure::ReportSum { .. } => {
            let mut figures: Vec<ReportFigure> = sources
                .figures
                .iter()
                .filter(|f| f.indicator == indicator.code && f.covers_to <= at && f.covers_to.year() == plan_year)
                .cloned()
                .collect();
            figures.sort_by(|a, b| (a.covers_to, &a.unit, &a.period).cmp(&(b.covers_to, &b.unit, &b.period)));
            let sum = figures.iter().map(|f| f.value).sum();
            let measured = (!figures.is_empty()).then(|| Measured::count(sum));
            (measured, Evidence::Figures { figures }, None)
        }
        Measure::Assessment => {
            let latest = sources
                .records("danh_gia")
                .iter()
                .filter(|r| r.date <= at && r.date >= year_start(plan_year))
                .filter(|r| r.fields.get("chi_tieu").and_then(Value::as_str) == Some(indicator.code.as_str()))
                .max_by_key(|r| (r.date, r.id));
            let status = latest.and_then(|r| r.fields.get("muc_do").and_then(Value::as_str)).and_then(Status::from_key);
            (None, Evidence::Assessment { record: latest.map(|r| r.id) }, Some(progress::assessed(status)))
        }
    };
    let pacing = measure.pacing();
    let status =
        assessed.unwrap_or_else(|| progress::status(indicator.kind, target, measured, pacing, plan_year, date));
    let expected = match (assessed, target) {
        (None, Some(t)) => Some(progress::expected(t, pacing, plan_year, date)),
        _ => None,
    };
    Progress {
        indicator: indicator.code.clone(),
        date,
        measure: measure.key().to_owned(),
        value: measured.map(|m| m.value),
        numerator: measured.and_then(|m| m.numerator),
        denominator: measured.and_then(|m| m.denominator),
        target,
        expected,
        status,
        evidence,
    }
}

/// Every indicator of a plan at `date`, in plan order. An indicator without a measure is not
/// yet measurable.
pub fn progress_of_plan(plan: &Plan, sources: &Sources, date: NaiveDate) -> Vec<Progress> {
    plan.indicators
        .iter()
        .map(|i| match &measure_of(i) {
            Some(m) => evaluate(plan.year, i, m, sources, date),
            None => Progress {
                indicator: i.code.clone(),
                date,
                measure: String::new(),
                value: None,
                numerator: None,
                denominator: None,
                target: i.target.value,
                expected: None,
                status: Status::NotMeasurable,
                evidence: Evidence::Records { counted: Vec::new(), over: Vec::new() },
            },
        })
        .collect()
}

/// The month ends of the plan year up to `date` (and `date` itself): the points of a chart.
pub fn chart_dates(year: i32, date: NaiveDate) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = (1..=12)
        .filter_map(|m| {
            let first_of_next = if m == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, m + 1, 1)
            }?;
            first_of_next.pred_opt()
        })
        .filter(|d| *d < date)
        .collect();
    if date.year() == year {
        dates.push(date);
    }
    dates
}

/// Registers and fields a measure names, for the plan check: (register, field) pairs.
pub fn references(measure: &Measure) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let refine = |register: &str, r: &Refinement, out: &mut Vec<(String, Option<String>)>| {
        for c in &r.conditions {
            let (Condition::Is { field, .. } | Condition::Present { field }) = c;
            out.push((register.to_owned(), Some(field.clone())));
        }
        for l in &r.linked {
            out.push((l.register.clone(), Some(l.by.clone())));
            for c in &l.conditions {
                let (Condition::Is { field, .. } | Condition::Present { field }) = c;
                out.push((l.register.clone(), Some(field.clone())));
            }
        }
    };
    match measure {
        Measure::Count { records, .. } => {
            out.push((records.register.clone(), None));
            refine(&records.register, &records.refine, &mut out);
        }
        Measure::Ratio { records, counted, .. } => {
            out.push((records.register.clone(), None));
            refine(&records.register, &records.refine, &mut out);
            refine(&records.register, counted, &mut out);
        }
        Measure::ReportSum { .. } | Measure::Assessment => {}
    }
    out
}

/// Distinct register keys a plan's measures draw on.
pub fn registers_used(plan: &Plan) -> HashSet<String> {
    let mut used: HashSet<String> =
        plan.indicators.iter().filter_map(|i| i.measure.as_ref()).flat_map(references).map(|(r, _)| r).collect();
    if plan.indicators.iter().any(|i| matches!(i.measure, Some(Measure::Assessment))) {
        used.insert("danh_gia".to_owned());
    }
    used
}
