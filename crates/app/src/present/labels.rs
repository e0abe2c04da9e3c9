//! The names of states, periods and results, in the reader's language.

use kehoach_domain::measure::Progress;
use kehoach_domain::period::PeriodId;
use kehoach_domain::progress::Status;
use kehoach_domain::report::{Change, Changed, Standing, TaskStatus};
use kehoach_domain::{Indicator, IndicatorKind};

use super::Tr;

/// "Quý 1 2026", "Năm 2026", "Yêu cầu số 3" from a period's id.
pub fn period_label(t: &Tr, id: &str) -> String {
    match id.rsplit_once('-') {
        Some((_, r)) if r.starts_with('R') => t.with("period-request", "number", r.trim_start_matches('R')),
        Some((year, "Y")) => t.with("period-year", "year", year),
        Some((year, q)) => format!("{} {year}", t.with("period-quarter", "quarter", q.trim_start_matches('Q'))),
        None => id.to_owned(),
    }
}

/// A period as an official document names it (Vietnamese whatever the interface): "Quý I năm
/// 2026", "năm 2026", "đột xuất số 1 năm 2026".
pub fn period_in_document(id: PeriodId) -> String {
    let roman = |n: u8| ["", "I", "II", "III", "IV"].get(usize::from(n)).copied().unwrap_or("");
    match id {
        PeriodId::Quarter { year, quarter } => format!("Quý {} năm {year}", roman(quarter)),
        PeriodId::Year(year) => format!("năm {year}"),
        PeriodId::Request { year, number } => format!("đột xuất số {number} năm {year}"),
    }
}

/// The period whose tasks a quarterly report announces: the next quarter of the plan year.
pub fn next_period_in_document(id: PeriodId) -> Option<String> {
    match id {
        PeriodId::Quarter { year, quarter } if quarter < 4 => {
            Some(period_in_document(PeriodId::Quarter { year, quarter: quarter + 1 }))
        }
        _ => None,
    }
}

/// A day as Vietnamese documents and pages write it: "05/03/2026".
pub fn day(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Where a unit's report stands.
pub fn standing_label(t: &Tr, s: Standing) -> String {
    t.get(&format!("standing-{}", s.key().replace('_', "-")))
}

/// Whether the last submission came on time; nothing before any.
pub fn timeliness(t: &Tr, on_time: Option<bool>) -> String {
    match on_time {
        Some(true) => t.get("board-on-time"),
        Some(false) => t.get("report-late"),
        None => String::new(),
    }
}

/// An indicator's status against its target.
pub fn status_label(t: &Tr, s: Status) -> String {
    t.get(&format!("status-{}", s.key().replace('_', "-")))
}

/// A task's status as its unit reports it.
pub fn task_status_label(t: &Tr, s: TaskStatus) -> String {
    t.get(&format!("task-status-{}", s.key().replace('_', "-")))
}

/// One change between two versions of a report, as its reader says it: "Nhiệm vụ I.1 – trạng
/// thái: Chưa bắt đầu → Đang thực hiện", "Chỉ tiêu IV.1 – số liệu: (trống) → 2,5".
pub fn change_line(t: &Tr, c: &Change) -> String {
    let quoted = |text: &str| {
        if text.trim().is_empty() { t.get("change-empty") } else { format!("“{}”", text.trim()) }
    };
    let status =
        |key: &str| TaskStatus::from_key(key).map_or_else(|| t.get("change-empty"), |s| task_status_label(t, s));
    let figure = |text: &str| {
        if text.trim().is_empty() { t.get("change-empty") } else { super::numbers::number_text(text) }
    };
    let (what, before, after) = match &c.what {
        Changed::TaskStatus { task } => {
            (t.with("change-task-status", "code", task), status(&c.before), status(&c.after))
        }
        Changed::TaskNote { task } => (t.with("change-task-note", "code", task), quoted(&c.before), quoted(&c.after)),
        Changed::IndicatorValue { indicator } => {
            (t.with("change-indicator-value", "code", indicator), figure(&c.before), figure(&c.after))
        }
        Changed::IndicatorNote { indicator } => {
            (t.with("change-indicator-note", "code", indicator), quoted(&c.before), quoted(&c.after))
        }
        Changed::Answer { question } => {
            (t.with("change-answer", "question", question), quoted(&c.before), quoted(&c.after))
        }
        Changed::Activities => (t.get("report-activities"), quoted(&c.before), quoted(&c.after)),
        Changed::Difficulties => (t.get("report-difficulties"), quoted(&c.before), quoted(&c.after)),
        Changed::Proposals => (t.get("report-proposals"), quoted(&c.before), quoted(&c.after)),
    };
    t.args("change-line", &[("what", what), ("before", before), ("after", after)])
}

/// An indicator's progress as a page or a table shows it.
pub struct ProgressCell {
    pub value: String,
    /// "3/10" for a ratio.
    pub parts: String,
    pub expected: String,
    pub status: &'static str,
    pub status_label: String,
}

/// The value (with "%" for a ratio, decimal comma), its parts, the expected value by now and
/// the status.
pub fn cell(t: &Tr, i: &Indicator, p: &Progress) -> ProgressCell {
    let pct = if i.kind == IndicatorKind::Ratio { "%" } else { "" };
    ProgressCell {
        value: p.value.map(|v| format!("{}{pct}", super::number(v))).unwrap_or_else(|| "—".into()),
        parts: match (p.numerator, p.denominator) {
            (Some(n), Some(d)) => format!("{}/{}", super::number(n), super::number(d)),
            _ => String::new(),
        },
        expected: p.expected.map(|v| format!("{}{pct}", super::number(v))).unwrap_or_default(),
        status: p.status.key(),
        status_label: status_label(t, p.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kehoach_domain::Lang;

    #[test]
    fn periods_are_named_as_people_say_them() {
        let vi = Tr::new(Lang::Vi);
        assert_eq!(period_label(&vi, "2026-Y"), "Cả năm 2026");
        assert_eq!(period_label(&vi, "2026-Q1"), "Quý 1 2026");
        assert!(period_label(&vi, "2026-Q1").contains('1'));
        assert!(period_label(&vi, "2026-R3").contains('3'));
        assert_ne!(period_label(&vi, "2026-Q1"), period_label(&Tr::new(Lang::En), "2026-Q1"));
    }

    #[test]
    fn documents_name_periods_in_roman_quarters_and_days_day_first() {
        let q = |quarter| PeriodId::Quarter { year: 2026, quarter };
        assert_eq!(period_in_document(q(1)), "Quý I năm 2026");
        assert_eq!(next_period_in_document(q(3)).as_deref(), Some("Quý IV năm 2026"));
        assert_eq!(next_period_in_document(q(4)), None);
        assert_eq!(period_in_document(PeriodId::Year(2026)), "năm 2026");
        assert_eq!(period_in_document(PeriodId::Request { year: 2026, number: 2 }), "đột xuất số 2 năm 2026");
        assert_eq!(day(chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()), "05/03/2026");
    }

    #[test]
    fn a_change_reads_as_words_not_keys() {
        use kehoach_domain::report::{IndicatorFigure, ReportBody, TaskProgress, diff};
        let a = ReportBody {
            tasks: vec![TaskProgress {
                task: "I.1".into(),
                lead: true,
                status: TaskStatus::NotStarted,
                note: String::new(),
            }],
            figures: vec![IndicatorFigure { indicator: "IV.1".into(), value: None, note: String::new() }],
            ..Default::default()
        };
        let mut b = a.clone();
        b.tasks[0].status = TaskStatus::InProgress;
        b.figures[0].value = Some(22.5);
        b.difficulties = "Thiếu kinh phí".into();
        let vi = Tr::new(Lang::Vi);
        let lines: Vec<String> = diff(&a, &b).iter().map(|c| change_line(&vi, c)).collect();
        assert_eq!(
            lines,
            [
                "Nhiệm vụ I.1 – trạng thái: Chưa bắt đầu → Đang thực hiện",
                "Chỉ tiêu IV.1 – số liệu: (trống) → 22,5",
                "Khó khăn, vướng mắc: (trống) → “Thiếu kinh phí”",
            ]
        );
        let en: Vec<String> = diff(&a, &b).iter().map(|c| change_line(&Tr::new(Lang::En), c)).collect();
        assert_eq!(en[0], "Task I.1 – status: Not started → In progress");
    }
}
