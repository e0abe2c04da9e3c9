//! From the raw file to a validated [`Plan`], collecting every problem on the way.

use std::collections::HashMap;
use std::ops::Range;

use chrono::NaiveDate;
use kehoach_domain::{
    Appendices, Commune, DocumentInfo, Figure, Indicator, IndicatorKind, IndicatorSection, Plan, Preamble,
    ReportNumbering, ReportingRegime, Section, SectionKind, SectionPart, Signer, Target, Task, TaskGroup, TimeFrame, Unit, UnitGroup,
    UnitKind, UnitRef, UnitRefKind,
};
use toml::Spanned;

use crate::limits;
use crate::problem::{Problem, ProblemKind, Thing, position};
use crate::raw::*;

const SECTION_KINDS: &[&str] = &["objectives", "key_tasks", "solutions", "organisation", "other"];
const INDICATOR_KINDS: &[&str] = &["count", "ratio", "qualitative"];
const FREQUENCIES: &[&str] = &["quarterly"];
const TIME_FRAME_WORDS: &[&str] = &["ongoing", "every_year"];
const COMMUNE_KINDS: &[&str] = &["xã", "phường", "đặc khu"];
/// Who numbers the commune reports: the office's register (entered at approval), or the product.
const NUMBERINGS: &[&str] = &["office", "product"];

/// Parses and validates a plan file. On failure, every problem found, in file order.
pub fn parse(source: &str) -> Result<Plan, Vec<Problem>> {
    if source.len() > limits::FILE_MAX {
        let kind = ProblemKind::FileTooLarge { size: source.len(), max: limits::FILE_MAX };
        return Err(vec![Problem { span: 0..0, kind }]);
    }
    let raw: RawPlan = toml::from_str(source).map_err(|e| {
        vec![Problem { span: e.span().unwrap_or(0..0), kind: ProblemKind::Syntax(e.message().trim().to_owned()) }]
    })?;
    let mut c = Checker { source, problems: Vec::new() };
    let plan = c.plan(raw);
    if c.problems.is_empty() {
        Ok(plan)
    } else {
        c.problems.sort_by_key(|p| p.span.start);
        Err(c.problems)
    }
}

pub(crate) struct Checker<'s> {
    source: &'s str,
    pub(crate) problems: Vec<Problem>,
}

/// Codes seen so far of one kind, with the line each was first declared on.
#[derive(Default)]
struct Seen(HashMap<String, usize>);

impl Checker<'_> {
    pub(crate) fn report(&mut self, span: Range<usize>, kind: ProblemKind) {
        self.problems.push(Problem { span, kind });
    }

    pub(crate) fn missing(&mut self, at: &Range<usize>, field: &str, table: &str) {
        self.report(at.clone(), ProblemKind::Missing { field: field.into(), table: table.into() });
    }

    /// A required, non-empty text, in NFC.
    pub(crate) fn text(&mut self, v: &S<String>, field: &str, table: &str, at: &Range<usize>) -> String {
        match v {
            None => {
                self.missing(at, field, table);
                String::new()
            }
            Some(s) if s.get_ref().trim().is_empty() => {
                self.report(s.span(), ProblemKind::Empty { field: field.into() });
                String::new()
            }
            Some(s) => self.checked(s, field),
        }
    }

    /// A text without control characters (but line breaks and tabs), at most
    /// [`limits::TEXT_MAX`] characters, in NFC.
    fn checked(&mut self, s: &Spanned<String>, field: &str) -> String {
        match kehoach_domain::text::long_max(s.get_ref(), limits::TEXT_MAX) {
            Ok(text) => text,
            Err(problem) => {
                self.report(s.span(), ProblemKind::BadText { field: field.into(), problem });
                String::new()
            }
        }
    }

    /// A required name: one line, no direction character, at most [`limits::NAME_MAX`]
    /// characters. Names go into pages, CSV, calendar feeds and documents.
    fn name(&mut self, v: &S<String>, field: &str, table: &str, at: &Range<usize>) -> String {
        let text = self.text(v, field, table, at);
        if let Some(s) = v
            && !text.is_empty()
            && let Err(problem) = kehoach_domain::text::line_max(&text, limits::NAME_MAX)
        {
            self.report(s.span(), ProblemKind::BadText { field: field.into(), problem });
            return String::new();
        }
        text
    }

    /// More than `max` tables of one kind: reported at the first one past the limit.
    fn at_most<T>(&mut self, items: &[Spanned<T>], table: &'static str, max: usize) {
        if let Some(first_past) = items.get(max) {
            self.report(first_past.span(), ProblemKind::TooMany { table, max });
        }
    }

    /// A required text that may be empty ("" for an empty table cell).
    fn text_or_empty(&mut self, v: &S<String>, field: &str, table: &str, at: &Range<usize>) -> String {
        match v {
            None => {
                self.missing(at, field, table);
                String::new()
            }
            Some(s) => self.checked(s, field),
        }
    }

    fn optional_text(&mut self, v: &S<String>, field: &str) -> Option<String> {
        v.as_ref().map(|s| self.checked(s, field)).filter(|s| !s.is_empty())
    }

    fn texts(&mut self, v: &S<Vec<Spanned<String>>>, field: &str) -> Vec<String> {
        let mut out = Vec::new();
        for s in v.iter().flat_map(|l| l.get_ref()) {
            if s.get_ref().trim().is_empty() {
                self.report(s.span(), ProblemKind::Empty { field: field.into() });
            } else {
                out.push(self.checked(s, field));
            }
        }
        out
    }

    fn required_texts(
        &mut self,
        v: &S<Vec<Spanned<String>>>,
        field: &str,
        table: &str,
        at: &Range<usize>,
    ) -> Vec<String> {
        if v.is_none() {
            self.missing(at, field, table);
        }
        self.texts(v, field)
    }

    /// A code: lower-case ASCII letters, digits and hyphens (units, groups, communes).
    fn slug(&mut self, v: &S<String>, field: &str, table: &str, at: &Range<usize>) -> String {
        let code = self.text(v, field, table, at);
        if !code.is_empty() && !is_slug(&code) {
            let span = v.as_ref().map_or(at.clone(), |s| s.span());
            self.report(span, ProblemKind::BadCode { value: code.clone() });
        }
        code
    }

    /// A printed code such as "IV.1": ASCII letters, digits, dots and hyphens.
    fn printed_code(&mut self, v: &S<String>, field: &str, table: &str, at: &Range<usize>) -> String {
        let code = self.text(v, field, table, at);
        if !code.is_empty() && !is_printed_code(&code) {
            let span = v.as_ref().map_or(at.clone(), |s| s.span());
            self.report(span, ProblemKind::BadPlanId { value: code.clone() });
        }
        code
    }

    fn unique(&mut self, seen: &mut Seen, what: Thing, code: &str, span: Range<usize>) {
        if code.is_empty() {
            return;
        }
        let line = position(self.source, span.start).line;
        if let Some(first_line) = seen.0.get(code) {
            let first_line = *first_line;
            self.report(span, ProblemKind::Duplicate { what, code: code.into(), first_line });
        } else {
            seen.0.insert(code.into(), line);
        }
    }

    pub(crate) fn choice(
        &mut self,
        v: &S<String>,
        field: &str,
        table: &str,
        at: &Range<usize>,
        allowed: &'static [&'static str],
    ) -> String {
        let value = self.text(v, field, table, at);
        if !value.is_empty() && !allowed.contains(&value.as_str()) {
            let span = v.as_ref().map_or(at.clone(), |s| s.span());
            self.report(span, ProblemKind::UnknownChoice { value: value.clone(), allowed });
        }
        value
    }

    fn flag(&self, v: &S<bool>, default: bool) -> bool {
        v.as_ref().map_or(default, |b| *b.get_ref())
    }

    fn plan(&mut self, raw: RawPlan) -> Plan {
        let top = 0..0;
        let file = "tệp kế hoạch";
        match &raw.format {
            None => self.missing(&top, "format", file),
            Some(f) if *f.get_ref() != 1 => {
                self.report(f.span(), ProblemKind::UnsupportedFormat { value: *f.get_ref() })
            }
            Some(_) => {}
        }
        let id = self.slug(&raw.id, "id", file, &top);
        let year = match &raw.year {
            None => {
                self.missing(&top, "year", file);
                0
            }
            Some(y) => {
                let value = *y.get_ref();
                if !(2000..=2100).contains(&value) {
                    self.report(y.span(), ProblemKind::YearOutOfRange { value });
                }
                value as i32
            }
        };

        let commune = self.commune(&raw.commune);
        let document = self.document(&raw.document);
        let preamble = self.preamble(&raw.preamble);
        let sections = self.sections(&raw.sections);

        self.at_most(&raw.units, "[[units]]", limits::UNITS_MAX);
        self.at_most(&raw.groups, "[[groups]]", limits::GROUPS_MAX);
        self.at_most(&raw.sections, "[[sections]]", limits::SECTIONS_MAX);
        self.at_most(&raw.indicator_sections, "[[indicator_sections]]", limits::SECTIONS_MAX);
        self.at_most(&raw.task_groups, "[[task_groups]]", limits::SECTIONS_MAX);
        self.at_most(&raw.indicators, "[[indicators]]", limits::ITEMS_MAX);
        self.at_most(&raw.targets, "[[targets]]", limits::ITEMS_MAX);
        self.at_most(&raw.tasks, "[[tasks]]", limits::ITEMS_MAX);
        let mut seen_units = Seen::default();
        let units = self.units(&raw.units, &mut seen_units);
        let groups = self.groups(&raw.groups, &mut seen_units, &units);
        let refs = Refs { units: &units, groups: &groups };

        let indicator_sections = self.indicator_sections(&raw.indicator_sections);
        let indicators = self.indicators(&raw.indicators, &indicator_sections, &refs);
        let targets = self.targets(&raw.targets, &indicators);
        let task_groups = self.task_groups(&raw.task_groups);
        let tasks = self.tasks(&raw.tasks, &task_groups, &refs);
        let reporting = self.reporting(&raw.reporting, year, &refs);
        let (signer, recipients) = self.signature(&raw.signature);
        let appendices = self.appendices(&raw.appendices);
        let initiatives = self.initiatives(&raw.initiatives);

        Plan {
            id,
            commune,
            year,
            document,
            preamble,
            sections,
            targets,
            units,
            groups,
            indicator_sections,
            indicators,
            task_groups,
            tasks,
            reporting,
            recipients,
            signer,
            appendices,
            initiatives,
        }
    }

    fn commune(&mut self, raw: &S<RawCommune>) -> Commune {
        let table = "[commune]";
        let Some(raw) = raw else {
            self.missing(&(0..0), "commune", "tệp kế hoạch");
            return Commune {
                code: String::new(),
                name: String::new(),
                kind: String::new(),
                province_code: String::new(),
                province: String::new(),
                official_code: None,
            };
        };
        let at = raw.span();
        let r = raw.get_ref();
        Commune {
            code: self.slug(&r.code, "code", table, &at),
            name: self.name(&r.name, "name", table, &at),
            kind: self.choice(&r.kind, "kind", table, &at, COMMUNE_KINDS),
            province_code: self.slug(&r.province_code, "province_code", table, &at),
            province: self.name(&r.province, "province", table, &at),
            official_code: self.optional_text(&r.official_code, "official_code"),
        }
    }

    fn document(&mut self, raw: &S<RawDocument>) -> DocumentInfo {
        let table = "[document]";
        let empty = DocumentInfo {
            issuing_body: Vec::new(),
            number: None,
            symbol: String::new(),
            place: String::new(),
            issued_on: None,
            doc_type: String::new(),
            title: String::new(),
            report_numbering: ReportNumbering::Office,
        };
        let Some(raw) = raw else {
            self.missing(&(0..0), "document", "tệp kế hoạch");
            return empty;
        };
        let at = raw.span();
        let r = raw.get_ref();
        let issued_on = r.issued_on.as_ref().and_then(|d| {
            let date = d
                .get_ref()
                .date
                .filter(|_| d.get_ref().time.is_none())
                .and_then(|date| NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into()));
            if date.is_none() {
                self.report(d.span(), ProblemKind::NotADate);
            }
            date
        });
        DocumentInfo {
            issuing_body: self.required_texts(&r.issuing_body, "issuing_body", table, &at),
            number: self.optional_text(&r.number, "number"),
            symbol: self.text(&r.symbol, "symbol", table, &at),
            place: self.text(&r.place, "place", table, &at),
            issued_on,
            doc_type: self.text(&r.doc_type, "doc_type", table, &at),
            title: self.text(&r.title, "title", table, &at),
            report_numbering: match r.report_numbering {
                None => ReportNumbering::Office,
                Some(_) => match self.choice(&r.report_numbering, "report_numbering", table, &at, NUMBERINGS).as_str() {
                    "product" => ReportNumbering::Product,
                    _ => ReportNumbering::Office,
                },
            },
        }
    }

    fn preamble(&mut self, raw: &S<RawPreamble>) -> Preamble {
        let table = "[preamble]";
        let Some(raw) = raw else {
            self.missing(&(0..0), "preamble", "tệp kế hoạch");
            return Preamble { intro: String::new(), legal_bases: Vec::new(), closing: String::new() };
        };
        let at = raw.span();
        let r = raw.get_ref();
        Preamble {
            intro: self.text(&r.intro, "intro", table, &at),
            legal_bases: self.required_texts(&r.legal_bases, "legal_bases", table, &at),
            closing: self.text(&r.closing, "closing", table, &at),
        }
    }

    fn sections(&mut self, raw: &[Spanned<RawSection>]) -> Vec<Section> {
        let table = "[[sections]]";
        let mut seen = Seen::default();
        raw.iter()
            .map(|s| {
                let at = s.span();
                let r = s.get_ref();
                let number = self.text(&r.number, "number", table, &at);
                self.unique(&mut seen, Thing::Section, &number, r.number.as_ref().map_or(at.clone(), |n| n.span()));
                let kind = match self.choice(&r.kind, "kind", table, &at, SECTION_KINDS).as_str() {
                    "objectives" => SectionKind::Objectives,
                    "key_tasks" => SectionKind::KeyTasks,
                    "solutions" => SectionKind::Solutions,
                    "organisation" => SectionKind::Organisation,
                    _ => SectionKind::Other,
                };
                let parts = r
                    .parts
                    .iter()
                    .map(|p| {
                        let at = p.span();
                        let r = p.get_ref();
                        let table = "[[sections.parts]]";
                        SectionPart {
                            number: self.text(&r.number, "number", table, &at),
                            title: self.text(&r.title, "title", table, &at),
                            paragraphs: self.texts(&r.paragraphs, "paragraphs"),
                            lists_targets: self.flag(&r.lists_targets, false),
                            closing: self.optional_text(&r.closing, "closing"),
                        }
                    })
                    .collect();
                Section {
                    number,
                    title: self.text(&r.title, "title", table, &at),
                    kind,
                    parts,
                    closing: self.optional_text(&r.closing, "closing"),
                }
            })
            .collect()
    }

    fn units(&mut self, raw: &[Spanned<RawUnit>], seen: &mut Seen) -> Vec<Unit> {
        let table = "[[units]]";
        raw.iter()
            .map(|u| {
                let at = u.span();
                let r = u.get_ref();
                let code = self.slug(&r.code, "code", table, &at);
                self.unique(seen, Thing::UnitOrGroup, &code, r.code.as_ref().map_or(at.clone(), |c| c.span()));
                let kind = self.unit_kind(&r.kind, table, &at).unwrap_or(UnitKind::Outside);
                Unit { code, name: self.name(&r.name, "name", table, &at), kind, sample: self.flag(&r.sample, false) }
            })
            .collect()
    }

    fn unit_kind(&mut self, v: &S<String>, table: &str, at: &Range<usize>) -> Option<UnitKind> {
        let key = self.text(v, "kind", table, at);
        if key.is_empty() {
            return None;
        }
        let kind = UnitKind::from_key(&key);
        if kind.is_none() {
            let span = v.as_ref().map_or(at.clone(), |s| s.span());
            self.report(span, ProblemKind::UnknownUnitKind { value: key });
        }
        kind
    }

    fn groups(&mut self, raw: &[Spanned<RawGroup>], seen: &mut Seen, units: &[Unit]) -> Vec<UnitGroup> {
        let table = "[[groups]]";
        raw.iter()
            .map(|g| {
                let at = g.span();
                let r = g.get_ref();
                let code = self.slug(&r.code, "code", table, &at);
                self.unique(seen, Thing::UnitOrGroup, &code, r.code.as_ref().map_or(at.clone(), |c| c.span()));
                let mut kinds = Vec::new();
                for k in r.kinds.iter().flat_map(|l| l.get_ref()) {
                    match UnitKind::from_key(k.get_ref().trim()) {
                        Some(kind) => kinds.push(kind),
                        None => self.report(k.span(), ProblemKind::UnknownUnitKind { value: k.get_ref().clone() }),
                    }
                }
                let mut members = Vec::new();
                for m in r.members.iter().flat_map(|l| l.get_ref()) {
                    let code = m.get_ref().trim();
                    if units.iter().any(|u| u.code == code) {
                        members.push(code.to_owned());
                    } else {
                        self.report(m.span(), ProblemKind::UnknownUnit { code: code.into() });
                    }
                }
                UnitGroup { code, name: self.name(&r.name, "name", table, &at), kinds, members }
            })
            .collect()
    }

    fn reference(&mut self, v: &Spanned<String>, refs: &Refs) -> UnitRef {
        let code = v.get_ref().trim().to_owned();
        let kind = if refs.units.iter().any(|u| u.code == code) {
            UnitRefKind::Unit
        } else if refs.groups.iter().any(|g| g.code == code) {
            UnitRefKind::Group
        } else {
            self.report(v.span(), ProblemKind::UnknownUnitOrGroup { code: code.clone() });
            UnitRefKind::Unit
        };
        UnitRef { kind, code }
    }

    fn required_reference(
        &mut self,
        v: &S<String>,
        field: &str,
        table: &str,
        at: &Range<usize>,
        refs: &Refs,
    ) -> UnitRef {
        match v {
            Some(v) => self.reference(v, refs),
            None => {
                self.missing(at, field, table);
                UnitRef { kind: UnitRefKind::Unit, code: String::new() }
            }
        }
    }

    fn references(&mut self, v: &S<Vec<Spanned<String>>>, refs: &Refs) -> Vec<UnitRef> {
        v.iter().flat_map(|l| l.get_ref()).map(|r| self.reference(r, refs)).collect()
    }

    fn indicator_sections(&mut self, raw: &[Spanned<RawIndicatorSection>]) -> Vec<IndicatorSection> {
        let table = "[[indicator_sections]]";
        let mut seen = Seen::default();
        raw.iter()
            .map(|s| {
                let at = s.span();
                let r = s.get_ref();
                let code = self.printed_code(&r.code, "code", table, &at);
                self.unique(
                    &mut seen,
                    Thing::IndicatorSection,
                    &code,
                    r.code.as_ref().map_or(at.clone(), |c| c.span()),
                );
                IndicatorSection {
                    code,
                    title: self.text(&r.title, "title", table, &at),
                    in_appendix: self.flag(&r.in_appendix, true),
                }
            })
            .collect()
    }

    fn indicators(
        &mut self,
        raw: &[Spanned<RawIndicator>],
        sections: &[IndicatorSection],
        refs: &Refs,
    ) -> Vec<Indicator> {
        let table = "[[indicators]]";
        let mut seen = Seen::default();
        raw.iter()
            .map(|i| {
                let at = i.span();
                let r = i.get_ref();
                let code = self.printed_code(&r.code, "code", table, &at);
                self.unique(&mut seen, Thing::Indicator, &code, r.code.as_ref().map_or(at.clone(), |c| c.span()));
                let section = self.text(&r.section, "section", table, &at);
                if !section.is_empty() && !sections.iter().any(|s| s.code == section) {
                    let span = r.section.as_ref().map_or(at.clone(), |s| s.span());
                    self.report(span, ProblemKind::UnknownIndicatorSection { code: section.clone() });
                }
                let kind = IndicatorKind::from_key(&self.choice(&r.kind, "kind", table, &at, INDICATOR_KINDS))
                    .unwrap_or(IndicatorKind::Qualitative);
                let baseline = Figure {
                    text: self.text_or_empty(&r.baseline, "baseline", table, &at),
                    value: self.figure_value(&r.baseline_value, kind),
                };
                let target = Figure {
                    text: self.text(&r.target, "target", table, &at),
                    value: self.figure_value(&r.target_value, kind),
                };
                match (kind, &r.target_value) {
                    (IndicatorKind::Qualitative, Some(v)) => {
                        self.report(v.span(), ProblemKind::TargetValueForQualitative)
                    }
                    (IndicatorKind::Count | IndicatorKind::Ratio, None) => {
                        self.report(r.kind.as_ref().map_or(at.clone(), |k| k.span()), ProblemKind::TargetValueMissing)
                    }
                    _ => {}
                }
                Indicator {
                    code,
                    section,
                    number: self.text(&r.number, "number", table, &at),
                    name: self.text(&r.name, "name", table, &at),
                    measure_unit: self.optional_text(&r.measure_unit, "measure_unit"),
                    kind,
                    baseline,
                    target,
                    lead: self.required_reference(&r.lead, "lead", table, &at, refs),
                    coordinators: self.references(&r.coordinators, refs),
                    coordinators_text: self.optional_text(&r.coordinators_text, "coordinators_text"),
                    measure: r.measure.as_ref().and_then(|m| self.measure(m, kind)),
                    province_indicator: self.optional_text(&r.province_indicator, "province_indicator"),
                }
            })
            .collect()
    }

    fn figure_value(&mut self, v: &S<f64>, kind: IndicatorKind) -> Option<f64> {
        let v = v.as_ref()?;
        let value = *v.get_ref();
        match kind {
            IndicatorKind::Ratio if !(0.0..=100.0).contains(&value) => {
                self.report(v.span(), ProblemKind::RatioOutOfRange { value })
            }
            IndicatorKind::Count if value < 0.0 || value.fract() != 0.0 => {
                self.report(v.span(), ProblemKind::CountNotWhole { value })
            }
            _ => {}
        }
        Some(value)
    }

    fn targets(&mut self, raw: &[Spanned<RawTarget>], indicators: &[Indicator]) -> Vec<Target> {
        let table = "[[targets]]";
        raw.iter()
            .map(|t| {
                let at = t.span();
                let r = t.get_ref();
                let indicator = self.text(&r.indicator, "indicator", table, &at);
                if !indicator.is_empty() && !indicators.iter().any(|i| i.code == indicator) {
                    let span = r.indicator.as_ref().map_or(at.clone(), |s| s.span());
                    self.report(span, ProblemKind::UnknownIndicator { code: indicator.clone() });
                }
                Target { text: self.text(&r.text, "text", table, &at), indicator }
            })
            .collect()
    }

    fn task_groups(&mut self, raw: &[Spanned<RawTaskGroup>]) -> Vec<TaskGroup> {
        let table = "[[task_groups]]";
        let mut seen = Seen::default();
        raw.iter()
            .map(|g| {
                let at = g.span();
                let r = g.get_ref();
                let code = self.printed_code(&r.code, "code", table, &at);
                self.unique(&mut seen, Thing::TaskGroup, &code, r.code.as_ref().map_or(at.clone(), |c| c.span()));
                TaskGroup { code, title: self.text(&r.title, "title", table, &at) }
            })
            .collect()
    }

    fn tasks(&mut self, raw: &[Spanned<RawTask>], groups: &[TaskGroup], refs: &Refs) -> Vec<Task> {
        let table = "[[tasks]]";
        let mut seen = Seen::default();
        raw.iter()
            .map(|t| {
                let at = t.span();
                let r = t.get_ref();
                let code = self.printed_code(&r.code, "code", table, &at);
                self.unique(&mut seen, Thing::Task, &code, r.code.as_ref().map_or(at.clone(), |c| c.span()));
                let group = self.text(&r.group, "group", table, &at);
                if !group.is_empty() && !groups.iter().any(|g| g.code == group) {
                    let span = r.group.as_ref().map_or(at.clone(), |s| s.span());
                    self.report(span, ProblemKind::UnknownTaskGroup { code: group.clone() });
                }
                let time_frame = match &r.time_frame {
                    None => {
                        self.missing(&at, "time_frame", table);
                        TimeFrame::Ongoing
                    }
                    Some(tf) => match tf.get_ref() {
                        RawTimeFrame::Year(y) => {
                            if !(2000..=2100).contains(y) {
                                self.report(tf.span(), ProblemKind::TimeFrameYear { value: *y });
                            }
                            TimeFrame::Year(*y as i32)
                        }
                        RawTimeFrame::Word(w) if w == "ongoing" => TimeFrame::Ongoing,
                        RawTimeFrame::Word(w) if w == "every_year" => TimeFrame::EveryYear,
                        RawTimeFrame::Word(w) => {
                            self.report(
                                tf.span(),
                                ProblemKind::UnknownChoice { value: w.clone(), allowed: TIME_FRAME_WORDS },
                            );
                            TimeFrame::Ongoing
                        }
                    },
                };
                Task {
                    code,
                    group,
                    number: self.text(&r.number, "number", table, &at),
                    content: self.text(&r.content, "content", table, &at),
                    description: self.text(&r.description, "description", table, &at),
                    lead: self.required_reference(&r.lead, "lead", table, &at, refs),
                    coordinators: self.references(&r.coordinators, refs),
                    coordinators_text: self.optional_text(&r.coordinators_text, "coordinators_text"),
                    time_frame,
                }
            })
            .collect()
    }

    fn month_of_quarter(&mut self, v: &S<i64>, field: &str, table: &str, at: &Range<usize>) -> Option<u32> {
        let Some(v) = v else {
            self.missing(at, field, table);
            return None;
        };
        let m = *v.get_ref();
        if (1..=3).contains(&m) {
            Some(m as u32)
        } else {
            self.report(v.span(), ProblemKind::MonthOfQuarter { value: m });
            None
        }
    }

    /// A day of the month that must exist in that month of every quarter of the year.
    fn quarter_day(
        &mut self,
        v: &S<i64>,
        field: &str,
        table: &str,
        at: &Range<usize>,
        month_of_quarter: Option<u32>,
        year: i32,
    ) -> u32 {
        let Some(v) = v else {
            self.missing(at, field, table);
            return 1;
        };
        let day = *v.get_ref();
        if !(1..=31).contains(&day) {
            self.report(v.span(), ProblemKind::DayOutOfRange { day });
            return 1;
        }
        if let Some(m) = month_of_quarter {
            let year = if (2000..=2100).contains(&year) { year } else { 2000 };
            let short = (0..4).map(|q| q * 3 + m).find(|&month| day as u32 > days_in_month(year, month));
            if let Some(month) = short {
                self.report(v.span(), ProblemKind::DayNotInMonth { day, month });
            }
        }
        day as u32
    }

    fn reporting(&mut self, raw: &S<RawReporting>, year: i32, refs: &Refs) -> ReportingRegime {
        let table = "[reporting]";
        let top = 0..0;
        let fallback = || ReportingRegime {
            frequency: "quarterly".into(),
            deadline_day: 1,
            deadline_month_of_quarter: 3,
            deadline_before: true,
            cutoff_day: 1,
            cutoff_month_of_quarter: 3,
            time_zone: String::new(),
            late_submission: true,
            report_to: UnitRef { kind: UnitRefKind::Unit, code: String::new() },
            upward_to: None,
        };
        let Some(raw) = raw else {
            self.missing(&top, "reporting", "tệp kế hoạch");
            return fallback();
        };
        let at = raw.span();
        let r = raw.get_ref();
        let frequency = self.choice(&r.frequency, "frequency", table, &at, FREQUENCIES);
        let deadline_month =
            self.month_of_quarter(&r.deadline_month_of_quarter, "deadline_month_of_quarter", table, &at);
        let deadline_day = self.quarter_day(&r.deadline_day, "deadline_day", table, &at, deadline_month, year);
        let cutoff_month = self.month_of_quarter(&r.cutoff_month_of_quarter, "cutoff_month_of_quarter", table, &at);
        let cutoff_day = self.quarter_day(&r.cutoff_day, "cutoff_day", table, &at, cutoff_month, year);
        let time_zone = self.text(&r.time_zone, "time_zone", table, &at);
        if !time_zone.is_empty() && time_zone.parse::<chrono_tz::Tz>().is_err() {
            let span = r.time_zone.as_ref().map_or(at.clone(), |s| s.span());
            self.report(span, ProblemKind::UnknownTimeZone { name: time_zone.clone() });
        }
        ReportingRegime {
            frequency,
            deadline_day,
            deadline_month_of_quarter: deadline_month.unwrap_or(3),
            deadline_before: self.flag(&r.deadline_before, true),
            cutoff_day,
            cutoff_month_of_quarter: cutoff_month.unwrap_or(3),
            time_zone,
            late_submission: self.flag(&r.late_submission, true),
            report_to: self.required_reference(&r.report_to, "report_to", table, &at, refs),
            upward_to: r.upward_to.as_ref().map(|u| self.reference(u, refs)),
        }
    }

    fn signature(&mut self, raw: &S<RawSignature>) -> (Signer, Vec<String>) {
        let table = "[signature]";
        let Some(raw) = raw else {
            self.missing(&(0..0), "signature", "tệp kế hoạch");
            return (Signer { authority: Vec::new(), title: String::new(), name: String::new() }, Vec::new());
        };
        let at = raw.span();
        let r = raw.get_ref();
        let signer = Signer {
            authority: self.texts(&r.authority, "authority"),
            title: self.text(&r.title, "title", table, &at),
            name: self.text(&r.name, "name", table, &at),
        };
        (signer, self.required_texts(&r.recipients, "recipients", table, &at))
    }

    fn appendices(&mut self, raw: &S<RawAppendices>) -> Appendices {
        let table = "[appendices]";
        let Some(raw) = raw else {
            self.missing(&(0..0), "appendices", "tệp kế hoạch");
            return Appendices { indicators_title: String::new(), tasks_title: String::new() };
        };
        let at = raw.span();
        let r = raw.get_ref();
        Appendices {
            indicators_title: self.text(&r.indicators_title, "indicators_title", table, &at),
            tasks_title: self.text(&r.tasks_title, "tasks_title", table, &at),
        }
    }
}

struct Refs<'a> {
    units: &'a [Unit],
    groups: &'a [UnitGroup],
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty() && !s.starts_with('-') && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_printed_code(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31).rev().find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some()).unwrap_or(28)
}
