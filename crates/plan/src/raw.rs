//! The plan file as written: every field optional and spanned, so that validation can report
//! every missing or wrong field at its line and column instead of stopping at the first.

use serde::Deserialize;
use toml::Spanned;

pub type S<T> = Option<Spanned<T>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    pub format: S<i64>,
    pub id: S<String>,
    pub year: S<i64>,
    pub commune: S<RawCommune>,
    pub document: S<RawDocument>,
    pub preamble: S<RawPreamble>,
    #[serde(default)]
    pub sections: Vec<Spanned<RawSection>>,
    #[serde(default)]
    pub targets: Vec<Spanned<RawTarget>>,
    #[serde(default)]
    pub units: Vec<Spanned<RawUnit>>,
    #[serde(default)]
    pub groups: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    pub indicator_sections: Vec<Spanned<RawIndicatorSection>>,
    #[serde(default)]
    pub indicators: Vec<Spanned<RawIndicator>>,
    #[serde(default)]
    pub task_groups: Vec<Spanned<RawTaskGroup>>,
    #[serde(default)]
    pub tasks: Vec<Spanned<RawTask>>,
    pub reporting: S<RawReporting>,
    pub signature: S<RawSignature>,
    pub appendices: S<RawAppendices>,
    pub initiatives: S<RawInitiatives>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommune {
    pub code: S<String>,
    pub name: S<String>,
    pub kind: S<String>,
    pub province_code: S<String>,
    pub province: S<String>,
    /// Official code of the commune in its province's file ("03808"); read by
    /// [`crate::province_link`], not part of the plan.
    pub official_code: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDocument {
    pub issuing_body: S<Vec<Spanned<String>>>,
    pub number: S<String>,
    pub symbol: S<String>,
    pub place: S<String>,
    pub issued_on: S<toml::value::Datetime>,
    pub doc_type: S<String>,
    pub title: S<String>,
    pub report_numbering: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPreamble {
    pub intro: S<String>,
    pub legal_bases: S<Vec<Spanned<String>>>,
    pub closing: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub number: S<String>,
    pub title: S<String>,
    pub kind: S<String>,
    #[serde(default)]
    pub parts: Vec<Spanned<RawPart>>,
    pub closing: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPart {
    pub number: S<String>,
    pub title: S<String>,
    pub paragraphs: S<Vec<Spanned<String>>>,
    pub lists_targets: S<bool>,
    pub closing: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub text: S<String>,
    pub indicator: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUnit {
    pub code: S<String>,
    pub name: S<String>,
    pub kind: S<String>,
    pub sample: S<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub code: S<String>,
    pub name: S<String>,
    pub kinds: S<Vec<Spanned<String>>>,
    pub members: S<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicatorSection {
    pub code: S<String>,
    pub title: S<String>,
    pub in_appendix: S<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub code: S<String>,
    pub section: S<String>,
    pub number: S<String>,
    pub name: S<String>,
    pub measure_unit: S<String>,
    pub kind: S<String>,
    pub baseline: S<String>,
    pub baseline_value: S<f64>,
    pub target: S<String>,
    pub target_value: S<f64>,
    pub lead: S<String>,
    pub coordinators: S<Vec<Spanned<String>>>,
    pub coordinators_text: S<String>,
    pub measure: S<RawMeasure>,
    /// The province indicator this one feeds (its code in the province file); read by
    /// [`crate::province_link`].
    pub province_indicator: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTaskGroup {
    pub code: S<String>,
    pub title: S<String>,
}

/// `time_frame = 2026`, `"ongoing"` or `"every_year"`.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum RawTimeFrame {
    Year(i64),
    Word(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTask {
    pub code: S<String>,
    pub group: S<String>,
    pub number: S<String>,
    pub content: S<String>,
    pub description: S<String>,
    pub lead: S<String>,
    pub coordinators: S<Vec<Spanned<String>>>,
    pub coordinators_text: S<String>,
    pub time_frame: S<RawTimeFrame>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReporting {
    pub frequency: S<String>,
    pub deadline_day: S<i64>,
    pub deadline_month_of_quarter: S<i64>,
    pub deadline_before: S<bool>,
    pub cutoff_day: S<i64>,
    pub cutoff_month_of_quarter: S<i64>,
    pub time_zone: S<String>,
    pub late_submission: S<bool>,
    pub report_to: S<String>,
    pub upward_to: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignature {
    pub authority: S<Vec<Spanned<String>>>,
    pub title: S<String>,
    pub name: S<String>,
    pub recipients: S<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAppendices {
    pub indicators_title: S<String>,
    pub tasks_title: S<String>,
}

/// `[indicators.measure]`: how the indicator's value is obtained.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeasure {
    pub kind: S<String>,
    pub register: S<String>,
    pub window: S<String>,
    pub months: S<i64>,
    #[serde(rename = "where")]
    pub filter: S<toml::Table>,
    pub present: S<Vec<Spanned<String>>>,
    #[serde(default)]
    pub linked: Vec<Spanned<RawLink>>,
    /// For a ratio: what the records counted in the numerator also meet.
    pub counted: S<RawRefinement>,
    pub pacing: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRefinement {
    #[serde(rename = "where")]
    pub filter: S<toml::Table>,
    pub present: S<Vec<Spanned<String>>>,
    #[serde(default)]
    pub linked: Vec<Spanned<RawLink>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub register: S<String>,
    pub by: S<String>,
    #[serde(rename = "where")]
    pub filter: S<toml::Table>,
    pub present: S<Vec<Spanned<String>>>,
    pub within: S<String>,
    pub months: S<i64>,
}

/// `[initiatives]`: how initiatives are scored; the default scheme when absent.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInitiatives {
    #[serde(default)]
    pub criteria: Vec<Spanned<RawCriterion>>,
    pub pass_total: S<i64>,
    pub min_each: S<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCriterion {
    pub key: S<String>,
    pub name: S<String>,
    pub max: S<i64>,
}
