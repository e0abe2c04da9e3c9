//! The province and its communes as data (issue 13): who must report to the province, by when,
//! and the province indicators the communes' indicators roll up into.
//!
//! The province file that holds them is parsed by the plan crate (`docs/province.md`).

use serde::{Deserialize, Serialize};

use crate::IndicatorKind;
use crate::rollup::Rule;

/// A province, as its department receives the communes' reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Province {
    /// Official code (Decision 19/2025/QĐ-TTg), two digits with their leading zero: "14".
    pub code: String,
    /// The slug plans and accounts use for it, as in a plan's `commune.province_code`: "son-la".
    pub slug: String,
    /// "Sơn La".
    pub name: String,
    /// "Tỉnh Sơn La".
    pub full_name: String,
    /// The department that receives the communes' reports.
    pub department: Department,
    /// Every commune expected to report, also those not yet using the product, by code.
    pub communes: Vec<ProvinceCommune>,
    /// The province's deadline for the communes' quarterly reports.
    pub deadline: ProvinceDeadline,
    pub indicators: Vec<ProvinceIndicator>,
}

/// The department that receives the reports ("Sở Khoa học và Công nghệ tỉnh Sơn La").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub name: String,
    /// The issuing-body lines of its documents ("UBND TỈNH SƠN LA", "SỞ KHOA HỌC VÀ CÔNG NGHỆ").
    pub issuing_body: Vec<String>,
}

/// The kind of a commune-level unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommuneKind {
    /// xã
    Xa,
    /// phường
    Phuong,
    /// đặc khu
    DacKhu,
}

impl CommuneKind {
    pub const ALL: [CommuneKind; 3] = [CommuneKind::Xa, CommuneKind::Phuong, CommuneKind::DacKhu];
    /// The words of the province file (and of the national list): "xã", "phường", "đặc khu".
    pub const KEYS: &'static [&'static str] = &["xã", "phường", "đặc khu"];

    pub fn key(self) -> &'static str {
        match self {
            CommuneKind::Xa => "xã",
            CommuneKind::Phuong => "phường",
            CommuneKind::DacKhu => "đặc khu",
        }
    }

    pub fn from_key(key: &str) -> Option<CommuneKind> {
        CommuneKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// A commune, ward or special zone of the province.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvinceCommune {
    /// Official code, five digits with their leading zeros: "03808".
    pub code: String,
    /// "Mường La".
    pub name: String,
    pub kind: CommuneKind,
}

impl ProvinceCommune {
    /// "Xã Mường La", "Phường Tô Hiệu", "Đặc khu Cô Tô".
    pub fn full_name(&self) -> String {
        let kind = self.kind.key();
        let mut chars = kind.chars();
        let capital: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
        format!("{capital} {}", self.name)
    }
}

/// When the communes' quarterly reports are due at the province: the deadline part of a plan's
/// reporting rule ([`crate::ReportingRegime`]), same fields and meaning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvinceDeadline {
    /// "quarterly".
    pub frequency: String,
    pub deadline_day: u32,
    /// 1, 2 or 3.
    pub deadline_month_of_quarter: u32,
    /// "Before the 10th": due before that day begins.
    pub deadline_before: bool,
    /// IANA name ("Asia/Ho_Chi_Minh").
    pub time_zone: String,
    /// Whether a commune may still send after the deadline (marked late).
    pub late_submission: bool,
}

/// An indicator of the province, made of its communes' indicators by its rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvinceIndicator {
    /// "cb-khcn": what a commune's plan names in `province_indicator`.
    pub code: String,
    pub name: String,
    /// Unit of measure ("người", "%"), if any.
    pub measure_unit: Option<String>,
    pub kind: IndicatorKind,
    /// The province's own target, if it has one.
    pub target_value: Option<f64>,
    pub rule: Rule,
}

/// Whether a province indicator of `kind` may be added up by `rule`: counts by `sum`, rates by
/// `ratio_of_sums`, qualitative ones by `distribution`; `share_meeting_target` fits any
/// indicator with a target a commune can reach (count or rate).
pub fn rule_fits(rule: Rule, kind: IndicatorKind) -> bool {
    matches!(
        (rule, kind),
        (Rule::Sum, IndicatorKind::Count)
            | (Rule::RatioOfSums, IndicatorKind::Ratio)
            | (Rule::ShareMeetingTarget, IndicatorKind::Count | IndicatorKind::Ratio)
            | (Rule::Distribution, IndicatorKind::Qualitative)
    )
}

/// Whether a commune's indicator of kind `commune` can feed a province indicator: a commune's
/// figure must be of the kind the province indicator adds up (a count cannot feed a rate's
/// ratio of sums, a status cannot be summed).
pub fn feeds(commune: IndicatorKind, province: &ProvinceIndicator) -> bool {
    commune == province.kind
}

impl Province {
    pub fn commune(&self, code: &str) -> Option<&ProvinceCommune> {
        self.communes.iter().find(|c| c.code == code)
    }

    pub fn indicator(&self, code: &str) -> Option<&ProvinceIndicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
}

/// An official code: exactly `len` ASCII digits ("14", "03808").
pub fn is_official_code(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// The slug of a province's name: "Sơn La" → "son-la", "Đắk Lắk" → "dak-lak".
pub fn slug_of(name: &str) -> String {
    let plain = deunicode::deunicode(name).to_lowercase();
    let mut out = String::new();
    for c in plain.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_fit_their_kinds_only() {
        use IndicatorKind::*;
        assert!(rule_fits(Rule::Sum, Count));
        assert!(!rule_fits(Rule::Sum, Ratio));
        assert!(!rule_fits(Rule::Sum, Qualitative));
        assert!(rule_fits(Rule::RatioOfSums, Ratio));
        assert!(!rule_fits(Rule::RatioOfSums, Count));
        assert!(rule_fits(Rule::ShareMeetingTarget, Count));
        assert!(rule_fits(Rule::ShareMeetingTarget, Ratio));
        assert!(!rule_fits(Rule::ShareMeetingTarget, Qualitative));
        assert!(rule_fits(Rule::Distribution, Qualitative));
        assert!(!rule_fits(Rule::Distribution, Count));
    }

    #[test]
    fn a_count_cannot_feed_a_rate() {
        let rate = ProvinceIndicator {
            code: "ty-le".into(),
            name: "Tỷ lệ".into(),
            measure_unit: Some("%".into()),
            kind: IndicatorKind::Ratio,
            target_value: None,
            rule: Rule::RatioOfSums,
        };
        assert!(feeds(IndicatorKind::Ratio, &rate));
        assert!(!feeds(IndicatorKind::Count, &rate));
        assert!(!feeds(IndicatorKind::Qualitative, &rate));
    }

    #[test]
    fn official_codes_are_digit_strings_of_their_length() {
        assert!(is_official_code("14", 2));
        assert!(is_official_code("03808", 5));
        assert!(!is_official_code("3808", 5));
        assert!(!is_official_code("038080", 5));
        assert!(!is_official_code("0380a", 5));
        assert!(!is_official_code("１４", 2));
    }

    #[test]
    fn kinds_and_names() {
        for k in CommuneKind::ALL {
            assert_eq!(CommuneKind::from_key(k.key()), Some(k));
        }
        assert_eq!(CommuneKind::from_key("huyện"), None);
        let c = ProvinceCommune { code: "03808".into(), name: "Mường La".into(), kind: CommuneKind::Xa };
        assert_eq!(c.full_name(), "Xã Mường La");
        let d = ProvinceCommune { code: "00001".into(), name: "Cô Tô".into(), kind: CommuneKind::DacKhu };
        assert_eq!(d.full_name(), "Đặc khu Cô Tô");
    }

    #[test]
    fn slugs_of_names() {
        assert_eq!(slug_of("Sơn La"), "son-la");
        assert_eq!(slug_of("Đắk Lắk"), "dak-lak");
        assert_eq!(slug_of("Hồ Chí Minh"), "ho-chi-minh");
    }
}
