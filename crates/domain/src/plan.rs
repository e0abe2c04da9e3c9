//! A commune's yearly plan (kế hoạch) as data: what the plan file says, once validated.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::unit::{Unit, UnitGroup, UnitRef};

/// The commune (xã, phường) a plan belongs to, and its province.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Commune {
    /// Stable code, unique within the province (`muong-la`).
    pub code: String,
    /// The commune's name without its kind word ("Mường La").
    pub name: String,
    /// The kind word as written before the name: "xã", "phường", "đặc khu".
    pub kind: String,
    pub province_code: String,
    pub province: String,
    /// Official code (Decision 19/2025/QĐ-TTg, five digits: "03808"): how the province's file
    /// knows the commune. Optional in the plan file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_code: Option<String>,
}

/// What makes the plan an official document: issuing body, number, date, title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentInfo {
    /// Lines of the issuing body, top left ("ỦY BAN NHÂN DÂN", "XÃ MƯỜNG LA").
    pub issuing_body: Vec<String>,
    /// The number part of "Số: 12/KH-UBND"; `None` while the plan is unnumbered.
    pub number: Option<String>,
    /// The symbol part ("KH-UBND").
    pub symbol: String,
    /// The place in the place-and-date line.
    pub place: String,
    pub issued_on: Option<NaiveDate>,
    /// The document type in capitals ("KẾ HOẠCH").
    pub doc_type: String,
    /// The subject line (trích yếu).
    pub title: String,
    /// Who numbers the commune's reports.
    #[serde(default)]
    pub report_numbering: ReportNumbering,
}

/// Who gives a commune report its number. A commune office numbers every outgoing document of
/// the People's Committee from one register kept by its clerk (văn thư), so by default the number
/// is entered from that register at approval; a commune may let the product number its reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportNumbering {
    #[default]
    Office,
    Product,
}

/// The opening paragraph: the legal bases (căn cứ) and the sentence that follows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Preamble {
    /// The word that introduces the bases ("Thực hiện", "Căn cứ").
    pub intro: String,
    /// Each basis, without its separator.
    pub legal_bases: Vec<String>,
    /// The sentence after the bases.
    pub closing: String,
}

impl Preamble {
    /// The paragraph as printed: intro, bases joined by "; ", a full stop, the closing.
    pub fn paragraph(&self) -> String {
        format!("{} {}. {}", self.intro, self.legal_bases.join("; "), self.closing)
    }
}

/// What a numbered section of the plan body is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Objectives,
    KeyTasks,
    Solutions,
    Organisation,
    Other,
}

/// A Roman-numbered section of the plan body ("II. NHIỆM VỤ TRỌNG TÂM").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Section {
    pub number: String,
    pub title: String,
    pub kind: SectionKind,
    pub parts: Vec<SectionPart>,
    /// A line after the last part ("(chi tiết … tại Phụ lục II kèm theo)").
    pub closing: Option<String>,
}

/// A numbered part of a section ("1. Mục tiêu chung"). Paragraphs keep their leading "- ".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SectionPart {
    pub number: String,
    pub title: String,
    pub paragraphs: Vec<String>,
    /// The plan's specific targets are printed here, after the paragraphs.
    pub lists_targets: bool,
    pub closing: Option<String>,
}

/// A specific target (chỉ tiêu cụ thể) as the plan words it, and the indicator that tracks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Target {
    pub text: String,
    pub indicator: String,
}

/// A section of the indicator table (Phụ lục I).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorSection {
    pub code: String,
    pub title: String,
    /// Printed in Phụ lục I; `false` for targets that the plan states only in its body.
    pub in_appendix: bool,
}

/// How an indicator's target is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// A count that must reach a minimum (≥ 4 a year).
    Count,
    /// A percentage that must reach a threshold (≥ 50%); numerator and denominator are kept.
    Ratio,
    /// A status assessed by a person with evidence ("Duy trì, nâng cao hiệu quả").
    Qualitative,
}

impl IndicatorKind {
    pub fn key(self) -> &'static str {
        match self {
            IndicatorKind::Count => "count",
            IndicatorKind::Ratio => "ratio",
            IndicatorKind::Qualitative => "qualitative",
        }
    }

    pub fn from_key(key: &str) -> Option<IndicatorKind> {
        [IndicatorKind::Count, IndicatorKind::Ratio, IndicatorKind::Qualitative].into_iter().find(|k| k.key() == key)
    }
}

/// A figure as the plan prints it ("01 cán bộ phụ trách", "Thường xuyên") and, where it is
/// one, as a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Figure {
    pub text: String,
    pub value: Option<f64>,
}

/// An indicator (chỉ tiêu): a measured goal of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Indicator {
    /// Code within the plan ("IV.1").
    pub code: String,
    /// Code of its [`IndicatorSection`].
    pub section: String,
    /// Its number within the section, as printed in the STT column.
    pub number: String,
    pub name: String,
    pub measure_unit: Option<String>,
    pub kind: IndicatorKind,
    /// Last year's result.
    pub baseline: Figure,
    pub target: Figure,
    pub lead: UnitRef,
    pub coordinators: Vec<UnitRef>,
    /// The coordinator cell as printed, where it differs from the names joined.
    pub coordinators_text: Option<String>,
    /// How its value is obtained; `None` while the plan does not say.
    pub measure: Option<crate::measure::Measure>,
    /// The province indicator it feeds (the province file's code), if the plan says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province_indicator: Option<String>,
}

/// A group of key tasks (Phụ lục II).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskGroup {
    pub code: String,
    pub title: String,
}

/// When a task runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "year")]
pub enum TimeFrame {
    /// During one year ("Năm 2026").
    Year(i32),
    /// Continuously ("Thường xuyên").
    Ongoing,
    /// Every year ("Hằng năm").
    EveryYear,
}

/// A key task (nhiệm vụ) of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Task {
    /// Code within the plan ("II.1").
    pub code: String,
    /// Code of its [`TaskGroup`].
    pub group: String,
    /// Its number within the group, as printed in the STT column.
    pub number: String,
    /// The short content column ("Nông nghiệp").
    pub content: String,
    /// The task itself.
    pub description: String,
    pub lead: UnitRef,
    pub coordinators: Vec<UnitRef>,
    pub coordinators_text: Option<String>,
    pub time_frame: TimeFrame,
}

/// How often units report, and by when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReportingRegime {
    /// Reports are due every quarter.
    pub frequency: String,
    /// Day of the month of the deadline (5 in "trước ngày 05 của tháng cuối quý").
    pub deadline_day: u32,
    /// Which month of the quarter holds the deadline: 1, 2 or 3.
    pub deadline_month_of_quarter: u32,
    /// "Before the 5th": the report is due before that day begins, not by its end.
    pub deadline_before: bool,
    /// Last day of data a quarterly report covers (14 under Decree 09/2019).
    pub cutoff_day: u32,
    pub cutoff_month_of_quarter: u32,
    /// IANA name of the time zone of deadlines ("Asia/Ho_Chi_Minh").
    pub time_zone: String,
    /// Whether a unit may still submit after the deadline (marked late).
    pub late_submission: bool,
    /// The unit through which units report (Phòng Văn hóa - Xã hội).
    pub report_to: UnitRef,
    /// The body the commune reports to (Sở Khoa học và Công nghệ).
    pub upward_to: Option<UnitRef>,
}

/// The signature block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Signer {
    /// Authority lines above the title ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH").
    pub authority: Vec<String>,
    /// The signer's title ("PHÓ CHỦ TỊCH").
    pub title: String,
    pub name: String,
}

/// The titles of the two appendices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Appendices {
    pub indicators_title: String,
    pub tasks_title: String,
}

/// A validated plan: everything the plan file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    /// Stable id of the plan, unique in a deployment ("muong-la-2026").
    pub id: String,
    pub commune: Commune,
    pub year: i32,
    pub document: DocumentInfo,
    pub preamble: Preamble,
    pub sections: Vec<Section>,
    pub targets: Vec<Target>,
    pub units: Vec<Unit>,
    pub groups: Vec<UnitGroup>,
    pub indicator_sections: Vec<IndicatorSection>,
    pub indicators: Vec<Indicator>,
    pub task_groups: Vec<TaskGroup>,
    pub tasks: Vec<Task>,
    pub reporting: ReportingRegime,
    /// The recipients block (Nơi nhận), one line each, without "- " and end punctuation.
    pub recipients: Vec<String>,
    pub signer: Signer,
    pub appendices: Appendices,
    /// How initiatives are scored and recognised.
    pub initiatives: crate::initiative::InitiativeRules,
}

impl Plan {
    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }

    pub fn task(&self, code: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.code == code)
    }

    /// Indicators printed in Phụ lục I, in section order.
    pub fn appendix_indicators(&self) -> impl Iterator<Item = (&IndicatorSection, Vec<&Indicator>)> {
        self.indicator_sections
            .iter()
            .filter(|s| s.in_appendix)
            .map(|s| (s, self.indicators.iter().filter(|i| i.section == s.code).collect()))
    }

    /// Tasks by group, in the order of Phụ lục II.
    pub fn tasks_by_group(&self) -> impl Iterator<Item = (&TaskGroup, Vec<&Task>)> {
        self.task_groups.iter().map(|g| (g, self.tasks.iter().filter(|t| t.group == g.code).collect()))
    }
}

/// Recipients as printed: "- x;" on each line, the last one ending with ".".
pub fn recipient_lines(recipients: &[String]) -> Vec<String> {
    let last = recipients.len().saturating_sub(1);
    recipients.iter().enumerate().map(|(i, r)| format!("- {r}{}", if i == last { "." } else { ";" })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preamble_paragraph_joins_bases() {
        let p = Preamble {
            intro: "Căn cứ".into(),
            legal_bases: vec!["Luật A".into(), "Nghị định B".into()],
            closing: "UBND xã ban hành kế hoạch:".into(),
        };
        assert_eq!(p.paragraph(), "Căn cứ Luật A; Nghị định B. UBND xã ban hành kế hoạch:");
    }

    #[test]
    fn recipients_end_with_full_stop() {
        let lines = recipient_lines(&["Sở KH&CN (b/c)".into(), "Lưu: VT, VHXH".into()]);
        assert_eq!(lines, ["- Sở KH&CN (b/c);", "- Lưu: VT, VHXH."]);
        assert!(recipient_lines(&[]).is_empty());
    }
}
