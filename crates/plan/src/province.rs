//! The province file: TOML naming a province, its department, its communes (official codes),
//! the deadline of the communes' quarterly reports and the province indicators (issue 13).
//!
//! [`parse_province`] turns it into a [`Province`] or lists every problem with its line and
//! column, like the plan file. The format is documented in `docs/province.md`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use kehoach_domain::province::{
    CommuneKind, Department, Province, ProvinceCommune, ProvinceDeadline, ProvinceIndicator, is_official_code,
    rule_fits,
};
use kehoach_domain::rollup::Rule;
use kehoach_domain::{IndicatorKind, Lang};
use serde::Deserialize;
use toml::Spanned;

use crate::limits;
use crate::problem::{Position, Problem, ProblemKind, position};

type S<T> = Option<Spanned<T>>;

/// The largest province file, in bytes (a province of 200 communes is some 20 KB).
pub const PROVINCE_FILE_MAX: usize = 512 * 1024;
/// `[[communes]]` at most (Vietnam's largest province has a few hundred).
pub const COMMUNES_MAX: usize = 1000;

const FREQUENCIES: &[&str] = &["quarterly"];
const INDICATOR_KINDS: &[&str] = &["count", "ratio", "qualitative"];
const RULES: &[&str] = &["sum", "ratio_of_sums", "share_meeting_target", "distribution"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvinceFile {
    format: S<i64>,
    province: S<RawProvince>,
    department: S<RawDepartment>,
    reporting: S<RawDeadline>,
    #[serde(default)]
    indicators: Vec<Spanned<RawProvinceIndicator>>,
    #[serde(default)]
    communes: Vec<Spanned<RawProvinceCommune>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvince {
    code: S<String>,
    slug: S<String>,
    name: S<String>,
    full_name: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDepartment {
    name: S<String>,
    issuing_body: S<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeadline {
    frequency: S<String>,
    deadline_day: S<i64>,
    deadline_month_of_quarter: S<i64>,
    deadline_before: S<bool>,
    time_zone: S<String>,
    late_submission: S<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvinceIndicator {
    code: S<String>,
    name: S<String>,
    measure_unit: S<String>,
    kind: S<String>,
    target_value: S<f64>,
    rule: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvinceCommune {
    code: S<String>,
    name: S<String>,
    kind: S<String>,
}

/// What is wrong in a province file, or between a commune's plan and its province.
#[derive(Debug, Clone, PartialEq)]
pub enum ProvinceProblemKind {
    /// A problem worded as in a plan file (syntax, missing field, empty text, time zone …).
    Plan(ProblemKind),
    /// An official code that is not `len` digits ("14" for a province, "03808" for a commune).
    BadOfficialCode {
        value: String,
        len: usize,
    },
    DuplicateCommune {
        code: String,
        first_line: usize,
    },
    DuplicateIndicator {
        code: String,
        first_line: usize,
    },
    /// A rule that cannot add up an indicator of this kind (a count by `ratio_of_sums` …).
    RuleDoesNotFit {
        rule: &'static str,
        kind: &'static str,
    },
    /// The plan's `commune.province_code` is not this province's slug.
    OtherProvince {
        plan: String,
        province: String,
    },
    /// The plan's `commune.official_code` is not one of the province's communes.
    UnknownCommune {
        code: String,
        province: String,
    },
    /// A plan's indicator feeds a province indicator the province does not have.
    UnknownProvinceIndicator {
        code: String,
    },
    /// A plan's indicator of one kind feeds a province indicator of another.
    FeedDoesNotFit {
        indicator: String,
        kind: &'static str,
        target: String,
        target_kind: &'static str,
    },
}

/// One problem, at a byte range of the file it was found in.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceProblem {
    pub span: Range<usize>,
    pub kind: ProvinceProblemKind,
}

fn kind_words(kind: &str, lang: Lang) -> &'static str {
    match (kind, lang) {
        ("count", Lang::Vi) => "đếm",
        ("ratio", Lang::Vi) => "tỷ lệ",
        ("qualitative", Lang::Vi) => "định tính",
        ("count", Lang::En) => "count",
        ("ratio", Lang::En) => "rate",
        _ if lang == Lang::Vi => "định tính",
        _ => "qualitative",
    }
}

impl ProvinceProblem {
    pub fn position(&self, source: &str) -> Position {
        position(source, self.span.start)
    }

    /// `FILE:LINE:COLUMN: message`.
    pub fn render(&self, file: &str, source: &str, lang: Lang) -> String {
        let Position { line, column } = self.position(source);
        format!("{file}:{line}:{column}: {}", self.message(lang))
    }

    pub fn message(&self, lang: Lang) -> String {
        use ProvinceProblemKind::*;
        let vi = lang == Lang::Vi;
        let mut m = String::new();
        let _ = match &self.kind {
            Plan(kind) => {
                return Problem { span: self.span.clone(), kind: kind.clone() }.message(lang);
            }
            BadOfficialCode { value, len } if vi => {
                write!(m, "mã `{value}` không hợp lệ: mã hành chính gồm đúng {len} chữ số (giữ số 0 ở đầu)")
            }
            BadOfficialCode { value, len } => {
                write!(
                    m,
                    "code `{value}` is invalid: an administrative code is exactly {len} digits (keep leading zeros)"
                )
            }
            DuplicateCommune { code, first_line } if vi => {
                write!(m, "mã xã `{code}` bị trùng (đã khai báo ở dòng {first_line})")
            }
            DuplicateCommune { code, first_line } => {
                write!(m, "duplicate commune code `{code}` (first declared on line {first_line})")
            }
            DuplicateIndicator { code, first_line } if vi => {
                write!(m, "mã chỉ tiêu của tỉnh `{code}` bị trùng (đã khai báo ở dòng {first_line})")
            }
            DuplicateIndicator { code, first_line } => {
                write!(m, "duplicate province indicator code `{code}` (first declared on line {first_line})")
            }
            RuleDoesNotFit { rule, kind } if vi => write!(
                m,
                "cách tổng hợp `{rule}` không dùng được cho chỉ tiêu {}: chỉ tiêu đếm dùng `sum`, chỉ tiêu tỷ lệ dùng `ratio_of_sums`, chỉ tiêu định tính dùng `distribution`; `share_meeting_target` dùng cho chỉ tiêu đếm hoặc tỷ lệ",
                kind_words(kind, lang)
            ),
            RuleDoesNotFit { rule, kind } => write!(
                m,
                "rule `{rule}` does not fit a {} indicator: counts use `sum`, rates `ratio_of_sums`, qualitative indicators `distribution`; `share_meeting_target` fits counts and rates",
                kind_words(kind, lang)
            ),
            OtherProvince { plan, province } if vi => {
                write!(m, "kế hoạch thuộc tỉnh `{plan}`, không phải tỉnh `{province}` của tệp tỉnh")
            }
            OtherProvince { plan, province } => {
                write!(m, "the plan belongs to province `{plan}`, not to the province file's `{province}`")
            }
            UnknownCommune { code, province } if vi => {
                write!(m, "tỉnh {province} không có xã, phường nào mang mã `{code}`")
            }
            UnknownCommune { code, province } => {
                write!(m, "the province {province} has no commune with the code `{code}`")
            }
            UnknownProvinceIndicator { code } if vi => write!(m, "tỉnh không có chỉ tiêu nào có mã `{code}`"),
            UnknownProvinceIndicator { code } => write!(m, "the province has no indicator with the code `{code}`"),
            FeedDoesNotFit { indicator, kind, target, target_kind } if vi => write!(
                m,
                "chỉ tiêu `{indicator}` ({}) không tổng hợp được vào chỉ tiêu `{target}` của tỉnh ({})",
                kind_words(kind, lang),
                kind_words(target_kind, lang)
            ),
            FeedDoesNotFit { indicator, kind, target, target_kind } => write!(
                m,
                "indicator `{indicator}` ({}) cannot feed the province indicator `{target}` ({})",
                kind_words(kind, lang),
                kind_words(target_kind, lang)
            ),
        };
        m
    }
}

/// Parses and checks a province file. On failure, every problem found, in file order.
pub fn parse_province(source: &str) -> Result<Province, Vec<ProvinceProblem>> {
    if source.len() > PROVINCE_FILE_MAX {
        let kind = ProblemKind::FileTooLarge { size: source.len(), max: PROVINCE_FILE_MAX };
        return Err(vec![ProvinceProblem { span: 0..0, kind: ProvinceProblemKind::Plan(kind) }]);
    }
    let raw: RawProvinceFile = toml::from_str(source).map_err(|e| {
        vec![ProvinceProblem {
            span: e.span().unwrap_or(0..0),
            kind: ProvinceProblemKind::Plan(ProblemKind::Syntax(e.message().trim().to_owned())),
        }]
    })?;
    let mut c = Checker { source, problems: Vec::new() };
    let province = c.file(raw);
    if c.problems.is_empty() {
        Ok(province)
    } else {
        c.problems.sort_by_key(|p| p.span.start);
        Err(c.problems)
    }
}

struct Checker<'s> {
    source: &'s str,
    problems: Vec<ProvinceProblem>,
}

fn span_of<T>(v: &S<T>, at: &Range<usize>) -> Range<usize> {
    v.as_ref().map_or(at.clone(), |s| s.span())
}

impl Checker<'_> {
    fn report(&mut self, span: Range<usize>, kind: ProvinceProblemKind) {
        self.problems.push(ProvinceProblem { span, kind });
    }

    fn plan_problem(&mut self, span: Range<usize>, kind: ProblemKind) {
        self.report(span, ProvinceProblemKind::Plan(kind));
    }

    fn missing(&mut self, at: &Range<usize>, field: &str, table: &str) {
        self.plan_problem(at.clone(), ProblemKind::Missing { field: field.into(), table: table.into() });
    }

    /// A required one-line text, in NFC.
    fn name(&mut self, v: &S<String>, field: &str, table: &str, at: &Range<usize>) -> String {
        let Some(s) = v else {
            self.missing(at, field, table);
            return String::new();
        };
        if s.get_ref().trim().is_empty() {
            self.plan_problem(s.span(), ProblemKind::Empty { field: field.into() });
            return String::new();
        }
        match kehoach_domain::text::line_max(s.get_ref(), limits::NAME_MAX) {
            Ok(text) => text,
            Err(problem) => {
                self.plan_problem(s.span(), ProblemKind::BadText { field: field.into(), problem });
                String::new()
            }
        }
    }

    fn choice(
        &mut self,
        v: &S<String>,
        field: &str,
        table: &str,
        at: &Range<usize>,
        allowed: &'static [&'static str],
    ) -> String {
        let value = self.name(v, field, table, at);
        if !value.is_empty() && !allowed.contains(&value.as_str()) {
            self.plan_problem(span_of(v, at), ProblemKind::UnknownChoice { value: value.clone(), allowed });
            return String::new();
        }
        value
    }

    fn official_code(&mut self, v: &S<String>, field: &str, table: &str, at: &Range<usize>, len: usize) -> String {
        let code = self.name(v, field, table, at);
        if !code.is_empty() && !is_official_code(&code, len) {
            self.report(span_of(v, at), ProvinceProblemKind::BadOfficialCode { value: code.clone(), len });
        }
        code
    }

    fn file(&mut self, raw: RawProvinceFile) -> Province {
        let top = 0..0;
        let file = "tệp tỉnh";
        match &raw.format {
            None => self.missing(&top, "format", file),
            Some(f) if *f.get_ref() != 1 => {
                self.plan_problem(f.span(), ProblemKind::UnsupportedFormat { value: *f.get_ref() })
            }
            Some(_) => {}
        }
        let (code, slug, name, full_name) = match &raw.province {
            None => {
                self.missing(&top, "province", file);
                Default::default()
            }
            Some(p) => {
                let at = p.span();
                let r = p.get_ref();
                let table = "[province]";
                let code = self.official_code(&r.code, "code", table, &at, 2);
                let slug = self.name(&r.slug, "slug", table, &at);
                if !slug.is_empty() && !crate::is_slug(&slug) {
                    self.plan_problem(span_of(&r.slug, &at), ProblemKind::BadCode { value: slug.clone() });
                }
                (code, slug, self.name(&r.name, "name", table, &at), self.name(&r.full_name, "full_name", table, &at))
            }
        };
        let department = match &raw.department {
            None => {
                self.missing(&top, "department", file);
                Department { name: String::new(), issuing_body: Vec::new() }
            }
            Some(d) => {
                let at = d.span();
                let r = d.get_ref();
                let table = "[department]";
                let name = self.name(&r.name, "name", table, &at);
                let mut issuing_body = Vec::new();
                match &r.issuing_body {
                    None => self.missing(&at, "issuing_body", table),
                    Some(lines) => {
                        for line in lines.get_ref() {
                            let text = self.name(&Some(line.clone()), "issuing_body", table, &at);
                            if !text.is_empty() {
                                issuing_body.push(text);
                            }
                        }
                        if lines.get_ref().is_empty() {
                            self.plan_problem(lines.span(), ProblemKind::Empty { field: "issuing_body".into() });
                        }
                    }
                }
                Department { name, issuing_body }
            }
        };
        let deadline = self.deadline(&raw.reporting);
        let indicators = self.indicators(&raw.indicators);
        let communes = self.communes(&raw.communes);
        Province { code, slug, name, full_name, department, communes, deadline, indicators }
    }

    fn deadline(&mut self, raw: &S<RawDeadline>) -> ProvinceDeadline {
        let table = "[reporting]";
        let mut out = ProvinceDeadline {
            frequency: "quarterly".into(),
            deadline_day: 1,
            deadline_month_of_quarter: 3,
            deadline_before: true,
            time_zone: String::new(),
            late_submission: true,
        };
        let Some(raw) = raw else {
            self.missing(&(0..0), "reporting", "tệp tỉnh");
            return out;
        };
        let at = raw.span();
        let r = raw.get_ref();
        out.frequency = self.choice(&r.frequency, "frequency", table, &at, FREQUENCIES);
        match &r.deadline_month_of_quarter {
            None => self.missing(&at, "deadline_month_of_quarter", table),
            Some(m) if (1..=3).contains(m.get_ref()) => out.deadline_month_of_quarter = *m.get_ref() as u32,
            Some(m) => self.plan_problem(m.span(), ProblemKind::MonthOfQuarter { value: *m.get_ref() }),
        }
        match &r.deadline_day {
            None => self.missing(&at, "deadline_day", table),
            Some(d) => {
                let day = *d.get_ref();
                if !(1..=31).contains(&day) {
                    self.plan_problem(d.span(), ProblemKind::DayOutOfRange { day });
                } else {
                    // The day must exist in that month of every quarter, in every year.
                    let m = out.deadline_month_of_quarter;
                    let short = (0..4u32).map(|q| q * 3 + m).find(|&month| day as u32 > shortest_month(month));
                    if let Some(month) = short {
                        self.plan_problem(d.span(), ProblemKind::DayNotInMonth { day, month });
                    }
                    out.deadline_day = day as u32;
                }
            }
        }
        out.deadline_before = r.deadline_before.as_ref().is_none_or(|b| *b.get_ref());
        out.late_submission = r.late_submission.as_ref().is_none_or(|b| *b.get_ref());
        out.time_zone = self.name(&r.time_zone, "time_zone", table, &at);
        if !out.time_zone.is_empty() && out.time_zone.parse::<chrono_tz::Tz>().is_err() {
            self.plan_problem(span_of(&r.time_zone, &at), ProblemKind::UnknownTimeZone { name: out.time_zone.clone() });
        }
        out
    }

    fn indicators(&mut self, raw: &[Spanned<RawProvinceIndicator>]) -> Vec<ProvinceIndicator> {
        let table = "[[indicators]]";
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for i in raw {
            let at = i.span();
            let r = i.get_ref();
            let code = self.name(&r.code, "code", table, &at);
            if !code.is_empty() && !crate::is_slug(&code) {
                self.plan_problem(span_of(&r.code, &at), ProblemKind::BadCode { value: code.clone() });
            }
            let code_span = span_of(&r.code, &at);
            if !code.is_empty() {
                let line = position(self.source, code_span.start).line;
                match seen.get(&code) {
                    Some(&first_line) => self
                        .report(code_span, ProvinceProblemKind::DuplicateIndicator { code: code.clone(), first_line }),
                    None => {
                        seen.insert(code.clone(), line);
                    }
                }
            }
            let name = self.name(&r.name, "name", table, &at);
            let measure_unit = match &r.measure_unit {
                None => None,
                Some(_) => Some(self.name(&r.measure_unit, "measure_unit", table, &at)).filter(|u| !u.is_empty()),
            };
            let kind_key = self.choice(&r.kind, "kind", table, &at, INDICATOR_KINDS);
            let kind = IndicatorKind::from_key(&kind_key);
            let rule_key = self.choice(&r.rule, "rule", table, &at, RULES);
            let rule = Rule::from_key(&rule_key);
            if let (Some(rule), Some(kind)) = (rule, kind)
                && !rule_fits(rule, kind)
            {
                self.report(
                    span_of(&r.rule, &at),
                    ProvinceProblemKind::RuleDoesNotFit { rule: rule.key(), kind: kind.key() },
                );
            }
            let target_value = r.target_value.as_ref().map(|v| {
                let value = *v.get_ref();
                match kind {
                    Some(IndicatorKind::Ratio) if !(0.0..=100.0).contains(&value) => {
                        self.plan_problem(v.span(), ProblemKind::RatioOutOfRange { value })
                    }
                    Some(IndicatorKind::Count) if value < 0.0 || value.fract() != 0.0 => {
                        self.plan_problem(v.span(), ProblemKind::CountNotWhole { value })
                    }
                    Some(IndicatorKind::Qualitative) => {
                        self.plan_problem(v.span(), ProblemKind::TargetValueForQualitative)
                    }
                    _ => {}
                }
                value
            });
            if let (Some(kind), Some(rule)) = (kind, rule) {
                out.push(ProvinceIndicator { code, name, measure_unit, kind, target_value, rule });
            }
        }
        out
    }

    fn communes(&mut self, raw: &[Spanned<RawProvinceCommune>]) -> Vec<ProvinceCommune> {
        let table = "[[communes]]";
        if let Some(first_past) = raw.get(COMMUNES_MAX) {
            self.plan_problem(first_past.span(), ProblemKind::TooMany { table: "[[communes]]", max: COMMUNES_MAX });
            return Vec::new();
        }
        if raw.is_empty() {
            self.missing(&(0..0), "communes", "tệp tỉnh");
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for c in raw {
            let at = c.span();
            let r = c.get_ref();
            let code = self.official_code(&r.code, "code", table, &at, 5);
            let code_span = span_of(&r.code, &at);
            if !code.is_empty() {
                let line = position(self.source, code_span.start).line;
                match seen.get(&code) {
                    Some(&first_line) => {
                        self.report(code_span, ProvinceProblemKind::DuplicateCommune { code: code.clone(), first_line })
                    }
                    None => {
                        seen.insert(code.clone(), line);
                    }
                }
            }
            let name = self.name(&r.name, "name", table, &at);
            let kind = CommuneKind::from_key(&self.choice(&r.kind, "kind", table, &at, CommuneKind::KEYS));
            if let Some(kind) = kind {
                out.push(ProvinceCommune { code, name, kind });
            }
        }
        out
    }
}

/// Days in the shortest form of a month (February of a common year).
fn shortest_month(month: u32) -> u32 {
    match month {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
#[path = "province_tests.rs"]
mod tests;
