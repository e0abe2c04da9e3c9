//! `[indicators.measure]` and `[initiatives]`: checked against the product's registers.

use std::ops::Range;

use kehoach_domain::IndicatorKind;
use kehoach_domain::initiative::{Criterion, InitiativeRules};
use kehoach_domain::measure::{Condition, Link, LinkWindow, Measure, Refinement, Selection, Window};
use kehoach_domain::progress::Pacing;
use kehoach_domain::register::{self, FieldType, RegisterDef};
use serde_json::Value;
use toml::Spanned;

use crate::check::Checker;
use crate::problem::ProblemKind;
use crate::raw::{RawInitiatives, RawLink, RawMeasure, RawRefinement, S};

const MEASURE_KINDS: &[&str] = &["count", "ratio", "report_sum", "assessment"];
const WINDOWS: &[&str] = &["year", "standing", "rolling", "year_and_before"];
const LINK_WINDOWS: &[&str] = &["year", "months_after"];
const PACINGS: &[&str] = &["by_quarter", "constant"];
const TABLE: &str = "[indicators.measure]";

impl Checker<'_> {
    pub(crate) fn measure(&mut self, raw: &Spanned<RawMeasure>, kind: IndicatorKind) -> Option<Measure> {
        let at = raw.span();
        let m = raw.get_ref();
        let key = self.choice(&m.kind, "kind", TABLE, &at, MEASURE_KINDS);
        let pacing = match m.pacing.as_ref().map(|p| p.get_ref().as_str()) {
            Some("constant") => Pacing::Constant,
            Some("by_quarter") | None => Pacing::ByQuarter,
            Some(other) => {
                let span = m.pacing.as_ref().map_or(at.clone(), Spanned::span);
                self.report(span, ProblemKind::UnknownChoice { value: other.to_owned(), allowed: PACINGS });
                Pacing::ByQuarter
            }
        };
        let measure = match key.as_str() {
            "count" => Measure::Count { records: self.selection(m, &at)?, pacing },
            "ratio" => {
                let records = self.selection(m, &at)?;
                let counted = match &m.counted {
                    Some(c) => self.refinement_of(c.get_ref(), &records.register, &c.span()),
                    None => {
                        self.missing(&at, "counted", TABLE);
                        Refinement::default()
                    }
                };
                Measure::Ratio { records, counted, pacing }
            }
            "report_sum" => Measure::ReportSum { pacing },
            "assessment" => Measure::Assessment,
            _ => return None,
        };
        if !measure.fits(kind) {
            let span = m.kind.as_ref().map_or(at.clone(), Spanned::span);
            self.report(span, ProblemKind::MeasureDoesNotFit { measure: key, kind: kind.key().to_owned() });
        }
        Some(measure)
    }

    fn register_def(
        &mut self,
        v: &S<String>,
        field: &str,
        table: &str,
        at: &Range<usize>,
    ) -> Option<&'static RegisterDef> {
        let key = self.text(v, field, table, at);
        if key.is_empty() {
            return None;
        }
        let def = register::register(&key);
        if def.is_none() {
            let span = v.as_ref().map_or(at.clone(), Spanned::span);
            self.report(span, ProblemKind::UnknownRegister { value: key });
        }
        def
    }

    fn months(&mut self, v: &S<i64>, table: &str, at: &Range<usize>) -> u32 {
        match v {
            None => {
                self.missing(at, "months", table);
                0
            }
            Some(m) => match u32::try_from(*m.get_ref()) {
                Ok(n) if (1..=120).contains(&n) => n,
                _ => {
                    self.report(m.span(), ProblemKind::MonthsOutOfRange { value: *m.get_ref() });
                    0
                }
            },
        }
    }

    fn selection(&mut self, m: &RawMeasure, at: &Range<usize>) -> Option<Selection> {
        let def = self.register_def(&m.register, "register", TABLE, at)?;
        let window = match self.choice(&m.window, "window", TABLE, at, WINDOWS).as_str() {
            "standing" => Window::Standing,
            "rolling" => Window::Rolling { months: self.months(&m.months, TABLE, at) },
            "year_and_before" => Window::YearAndBefore { months: self.months(&m.months, TABLE, at) },
            _ => Window::Year,
        };
        let refine = self.refinement(def, &m.filter, &m.present, &m.linked);
        Some(Selection { register: def.key.to_owned(), window, refine })
    }

    fn refinement_of(&mut self, r: &RawRefinement, register: &str, _at: &Range<usize>) -> Refinement {
        match register::register(register) {
            Some(def) => self.refinement(def, &r.filter, &r.present, &r.linked),
            None => Refinement::default(),
        }
    }

    fn refinement(
        &mut self,
        def: &'static RegisterDef,
        filter: &S<toml::Table>,
        present: &S<Vec<Spanned<String>>>,
        linked: &[Spanned<RawLink>],
    ) -> Refinement {
        let mut conditions = self.conditions(def, filter, present);
        conditions.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        let linked = linked.iter().filter_map(|l| self.link(def, l)).collect();
        Refinement { conditions, linked }
    }

    fn conditions(
        &mut self,
        def: &'static RegisterDef,
        filter: &S<toml::Table>,
        present: &S<Vec<Spanned<String>>>,
    ) -> Vec<Condition> {
        let mut out = Vec::new();
        if let Some(table) = filter {
            let span = table.span();
            for (field, value) in table.get_ref() {
                let Some(f) = def.field(field) else {
                    self.report(
                        span.clone(),
                        ProblemKind::UnknownRegisterField { register: def.key.into(), field: field.clone() },
                    );
                    continue;
                };
                let items: Vec<&toml::Value> = match value {
                    toml::Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                let mut values = Vec::new();
                for item in items {
                    match where_value(f.ty, item) {
                        Ok(v) => values.push(v),
                        Err(expected) => {
                            self.report(span.clone(), ProblemKind::BadWhereValue { field: field.clone(), expected });
                        }
                    }
                }
                out.push(Condition::Is { field: field.clone(), values });
            }
        }
        for p in present.iter().flat_map(|p| p.get_ref()) {
            if def.field(p.get_ref()).is_none() {
                self.report(
                    p.span(),
                    ProblemKind::UnknownRegisterField { register: def.key.into(), field: p.get_ref().clone() },
                );
            }
            out.push(Condition::Present { field: p.get_ref().clone() });
        }
        out
    }

    fn link(&mut self, target: &'static RegisterDef, raw: &Spanned<RawLink>) -> Option<Link> {
        let at = raw.span();
        let l = raw.get_ref();
        let table = "linked";
        let def = self.register_def(&l.register, "register", table, &at)?;
        let by = self.text(&l.by, "by", table, &at);
        let points_at_target = matches!(def.field(&by).map(|f| f.ty), Some(FieldType::Ref(t)) if t == target.key);
        if !by.is_empty() && !points_at_target {
            let span = l.by.as_ref().map_or(at.clone(), Spanned::span);
            self.report(
                span,
                ProblemKind::NotALink { register: def.key.into(), by: by.clone(), target: target.key.into() },
            );
        }
        let within = match self.choice(&l.within, "within", table, &at, LINK_WINDOWS).as_str() {
            "months_after" => LinkWindow::MonthsAfter { months: self.months(&l.months, table, &at) },
            _ => LinkWindow::Year,
        };
        let conditions = self.conditions(def, &l.filter, &l.present);
        Some(Link { register: def.key.to_owned(), by, conditions, within })
    }

    pub(crate) fn initiatives(&mut self, raw: &S<RawInitiatives>) -> InitiativeRules {
        let Some(raw) = raw else { return InitiativeRules::default() };
        let at = raw.span();
        let r = raw.get_ref();
        let table = "[initiatives]";
        let defaults = InitiativeRules::default();
        let criteria: Vec<Criterion> = if r.criteria.is_empty() {
            defaults.criteria
        } else {
            r.criteria
                .iter()
                .map(|c| {
                    let cat = c.span();
                    let cr = c.get_ref();
                    let max = match &cr.max {
                        None => {
                            self.missing(&cat, "max", "[[initiatives.criteria]]");
                            0
                        }
                        Some(m) => match u32::try_from(*m.get_ref()) {
                            Ok(v) if (1..=100).contains(&v) => v,
                            _ => {
                                self.report(m.span(), ProblemKind::CriterionMax { value: *m.get_ref() });
                                0
                            }
                        },
                    };
                    Criterion {
                        key: self.text(&cr.key, "key", "[[initiatives.criteria]]", &cat),
                        name: self.text(&cr.name, "name", "[[initiatives.criteria]]", &cat),
                        max,
                    }
                })
                .collect()
        };
        let number = |v: &S<i64>, default: u32| v.as_ref().map_or(i64::from(default), |n| *n.get_ref());
        let pass_total = number(&r.pass_total, defaults.pass_total);
        let min_each = number(&r.min_each, defaults.min_each);
        let max_total: i64 = criteria.iter().map(|c| i64::from(c.max)).sum();
        if pass_total < 0 || pass_total > max_total {
            let span = r.pass_total.as_ref().map_or(at.clone(), Spanned::span);
            self.report(span, ProblemKind::PassTotalOutOfReach { pass_total, max_total });
        }
        let min_max = criteria.iter().map(|c| i64::from(c.max)).min().unwrap_or(0);
        if min_each < 0 || min_each > min_max {
            let span = r.min_each.as_ref().map_or(at.clone(), Spanned::span);
            self.report(span, ProblemKind::CriterionMax { value: min_each });
        }
        let _ = table;
        InitiativeRules {
            criteria,
            pass_total: u32::try_from(pass_total).unwrap_or(0),
            min_each: u32::try_from(min_each).unwrap_or(0),
        }
    }
}

/// A `where` value as the field holds it; `Err` names what would fit.
fn where_value(ty: FieldType, v: &toml::Value) -> Result<Value, String> {
    match (ty, v) {
        (FieldType::Bool, toml::Value::Boolean(b)) => Ok(Value::Bool(*b)),
        (FieldType::Int, toml::Value::Integer(n)) if *n >= 0 => Ok(Value::from(*n)),
        (FieldType::Text | FieldType::LongText, toml::Value::String(s)) => {
            Ok(Value::String(kehoach_domain::text::nfc(s)))
        }
        (FieldType::Choice(options), toml::Value::String(s)) if options.iter().any(|o| o.0 == s) => {
            Ok(Value::String(s.clone()))
        }
        (FieldType::Choice(options), _) => {
            Err(options.iter().map(|o| format!("\"{}\"", o.0)).collect::<Vec<_>>().join(", "))
        }
        (FieldType::Bool, _) => Err("true / false".into()),
        (FieldType::Int, _) => Err("số nguyên / a whole number".into()),
        (FieldType::Text | FieldType::LongText, _) => Err("\"…\"".into()),
        (FieldType::Date | FieldType::Ref(_), _) => {
            Err("`present = [...]` (ngày, tham chiếu / dates, references)".into())
        }
    }
}
