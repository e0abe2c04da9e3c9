//! The commune's report for a period: what the focal officer wrote, the results of the key
//! tasks and the indicators, the units' difficulties and proposals, the next period's tasks,
//! and Phụ lục I with the results computed from the registers.

use chrono::NaiveDate;
use kehoach_domain::consolidation::{Consolidation, UnitText};
use kehoach_domain::layout::{decimal, short_date};
use kehoach_domain::measure::{Progress, Source, source_of};
use kehoach_domain::period::PeriodId;
use kehoach_domain::progress::Status;
use kehoach_domain::record::AsOfBasis;
use kehoach_domain::report::TaskStatus;
use kehoach_domain::{IndicatorKind, Plan, Signer, recipient_lines};

use super::plan::{heading, signature};
use super::{Appendix, Block, Column, Doc, Layout, Row, Signature, write};
use crate::Error;

/// The document's symbol: a report of the commune's People's Committee.
pub const SYMBOL: &str = "BC-UBND";
/// The type code its numbers run under.
pub const TYPE: &str = "BC";

/// What a commune report is made of.
pub struct ReportInput<'a> {
    pub plan: &'a Plan,
    /// "Quý I năm 2026", "năm 2026", "báo cáo đột xuất số 1".
    pub period_label: String,
    /// The next period's label, for its tasks ("Quý II năm 2026"); `None` after the year.
    pub next_period_label: Option<String>,
    /// The document's number in the year's numbering of reports, once issued.
    pub number: Option<u32>,
    /// The day it was issued.
    pub issued_on: Option<NaiveDate>,
    /// Approved by the leadership; otherwise printed as a draft.
    pub approved: bool,
    /// What the focal officer wrote.
    pub narrative: &'a str,
    pub consolidation: &'a Consolidation,
    /// Every indicator of the plan, computed at `progress_date`.
    pub progress: &'a [Progress],
    pub progress_date: NaiveDate,
    /// Why the figures stand at `progress_date`: the period's cut-off, or an earlier approval.
    pub as_of_basis: AsOfBasis,
    /// Who signs; the plan's signer when `None`.
    pub signer: Option<&'a Signer>,
    /// Labels in the document's language (Vietnamese), as the interface words them.
    pub task_status: &'a dyn Fn(TaskStatus) -> String,
    pub indicator_status: &'a dyn Fn(Status) -> String,
}

/// What a report's number is kept under: one number per plan and period.
pub fn subject(plan_id: &str, id: PeriodId) -> String {
    format!("report:{plan_id}:{id}")
}

/// "UBND xã Mường La".
fn committee(plan: &Plan) -> String {
    format!("UBND {} {}", plan.commune.kind, plan.commune.name)
}

/// The plan's title as it reads inside a sentence ("hoạt động khoa học …").
fn in_sentence(title: &str) -> String {
    let mut chars = title.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Kính gửi" names the body in full: "Sở Khoa học và Công nghệ tỉnh" becomes "… tỉnh Sơn La".
fn addressee(plan: &Plan, name: &str) -> String {
    let name = name.trim();
    let bare_province = ["tỉnh", "Tỉnh", "thành phố", "Thành phố"].iter().any(|w| name.ends_with(&format!(" {w}")));
    if bare_province { format!("{name} {}", plan.commune.province) } else { name.to_owned() }
}

fn unit_lines(texts: &[UnitText]) -> Vec<Block> {
    if texts.is_empty() {
        return vec![Block::Text("Không có.".into())];
    }
    texts.iter().map(|t| Block::Text(format!("- {}: {}", t.unit_name, t.text.trim()))).collect()
}

fn value_text(plan: &Plan, p: &Progress) -> String {
    let ratio = plan.indicator(&p.indicator).is_some_and(|i| i.kind == IndicatorKind::Ratio);
    let pct = if ratio { "%" } else { "" };
    match (p.value, p.numerator, p.denominator) {
        (Some(v), Some(n), Some(d)) => format!("{}{pct} ({}/{})", decimal(v), decimal(n), decimal(d)),
        (Some(v), ..) => format!("{}{pct}", decimal(v)),
        (None, ..) => "—".into(),
    }
}

/// The body of the report.
fn blocks(r: &ReportInput<'_>) -> Vec<Block> {
    let plan = r.plan;
    let basis = match (&plan.document.number, plan.document.issued_on) {
        (Some(n), Some(d)) => format!(
            "Kế hoạch số {}/{} ngày {} của {} về {}",
            n,
            plan.document.symbol,
            short_date(d),
            committee(plan),
            in_sentence(&plan.document.title)
        ),
        _ => format!("Kế hoạch {} của {}", in_sentence(&plan.document.title), committee(plan)),
    };
    let mut out = vec![Block::Text(format!(
        "Thực hiện {basis}; {} báo cáo kết quả thực hiện {} như sau:",
        committee(plan),
        r.period_label
    ))];

    out.push(Block::Section("I. KẾT QUẢ THỰC HIỆN".into()));
    out.push(Block::Part("1. Công tác chỉ đạo, triển khai".into()));
    let narrative: Vec<Block> =
        r.narrative.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Block::Text(l.to_owned())).collect();
    if narrative.is_empty() {
        out.push(Block::Text("Chưa có nội dung.".into()));
    } else {
        out.extend(narrative);
    }
    if !r.consolidation.activities.is_empty() {
        out.extend(unit_lines(&r.consolidation.activities));
    }

    out.push(Block::Part("2. Kết quả thực hiện các nhiệm vụ trọng tâm".into()));
    for (group, tasks) in plan.tasks_by_group() {
        out.push(Block::Text(format!("{}. {}", group.code, group.title)));
        for task in tasks {
            let line = r.consolidation.tasks.iter().find(|l| l.code == task.code);
            let lead = line.and_then(|l| l.lead.as_ref());
            let mut text = format!("- {}: ", task.content);
            match lead {
                Some(n) => {
                    text.push_str(&(r.task_status)(n.status));
                    if !n.note.trim().is_empty() {
                        text.push_str(&format!(". {}", n.note.trim()));
                    }
                }
                // No word from the lead: what the coordinators reported stands in for it.
                None => match line.map(|l| l.coordinators.as_slice()).unwrap_or_default() {
                    [] => text.push_str("chưa có báo cáo của cơ quan chủ trì"),
                    coordinators => {
                        let said: Vec<String> = coordinators
                            .iter()
                            .map(|c| format!("{} ({})", (r.task_status)(c.status), c.unit_name))
                            .collect();
                        text.push_str(&format!("theo báo cáo của đơn vị phối hợp: {}", said.join("; ")));
                    }
                },
            }
            text.push('.');
            out.push(Block::Text(text.replace("..", ".")));
            for c in line.map(|l| l.coordinators.as_slice()).unwrap_or_default() {
                if !c.note.trim().is_empty() {
                    out.push(Block::Text(format!("+ {}: {}", c.unit_name, c.note.trim())));
                }
            }
        }
    }

    out.push(Block::Part("3. Kết quả thực hiện các chỉ tiêu".into()));
    let basis = match r.as_of_basis {
        AsOfBasis::DataCutOff => "ngày chốt số liệu của kỳ báo cáo",
        AsOfBasis::Approval => "ngày phê duyệt báo cáo, trước ngày chốt số liệu của kỳ",
    };
    out.push(Block::Note(format!(
        "(số liệu tính đến ngày {} — {basis}; chi tiết tại Phụ lục I kèm theo)",
        short_date(r.progress_date)
    )));
    for p in r.progress {
        let Some(i) = plan.indicator(&p.indicator) else { continue };
        let source = match source_of(i) {
            Source::Registers => "theo sổ theo dõi",
            Source::UnitReports => "theo báo cáo của các đơn vị",
            Source::Assessment => "theo đánh giá",
            Source::None => "chưa có cách đo",
        };
        out.push(Block::Text(format!(
            "- {}: {} ({}; chỉ tiêu: {}; {source}).",
            i.name,
            value_text(plan, p),
            (r.indicator_status)(p.status),
            i.target.text
        )));
    }

    out.push(Block::Section("II. KHÓ KHĂN, VƯỚNG MẮC".into()));
    out.extend(unit_lines(&r.consolidation.difficulties));
    out.push(Block::Section("III. ĐỀ XUẤT, KIẾN NGHỊ".into()));
    out.extend(unit_lines(&r.consolidation.proposals));

    if let Some(next) = &r.next_period_label {
        out.push(Block::Section(format!("IV. NHIỆM VỤ TRỌNG TÂM {}", next.to_uppercase())));
        let open: Vec<Block> = plan
            .tasks
            .iter()
            .filter(|t| {
                let status = r.consolidation.tasks.iter().find(|l| l.code == t.code).and_then(|l| l.lead.as_ref());
                status.is_none_or(|n| n.status != TaskStatus::Done)
            })
            .map(|t| Block::Text(format!("- {}: {}.", t.content, t.description.trim_end_matches('.'))))
            .collect();
        if open.is_empty() {
            out.push(Block::Text("Duy trì kết quả các nhiệm vụ đã hoàn thành.".into()));
        } else {
            out.extend(open);
        }
    }
    out.push(Block::Text(format!(
        "Trên đây là báo cáo kết quả thực hiện {} {} của {}./.",
        in_sentence(&plan.document.title).split(" năm ").next().unwrap_or_default(),
        r.period_label,
        committee(plan)
    )));
    out
}

/// Phụ lục I: every indicator with its result at the report's date.
fn appendix(r: &ReportInput<'_>) -> Appendix {
    let plan = r.plan;
    let columns = vec![
        Column { label: "STT".into(), width_mm: 14.0 },
        Column { label: "Các mục tiêu/chỉ tiêu".into(), width_mm: 76.0 },
        Column { label: format!("Kết quả năm {}", plan.year - 1), width_mm: 28.0 },
        Column { label: format!("Chỉ tiêu năm {}", plan.year), width_mm: 30.0 },
        Column { label: format!("Kết quả đến {}", short_date(r.progress_date)), width_mm: 30.0 },
        Column { label: "Đánh giá".into(), width_mm: 28.0 },
        Column { label: "Cơ quan chủ trì".into(), width_mm: 41.0 },
    ];
    let mut rows = Vec::new();
    for section in &plan.indicator_sections {
        rows.push(Row { cells: vec![section.code.clone(), section.title.clone()], section: true });
        for i in plan.indicators.iter().filter(|i| i.section == section.code) {
            let p = r.progress.iter().find(|p| p.indicator == i.code);
            rows.push(Row {
                cells: vec![
                    i.number.clone(),
                    i.name.clone(),
                    i.baseline.text.clone(),
                    i.target.text.clone(),
                    p.map_or_else(|| "—".into(), |p| value_text(plan, p)),
                    p.map_or_else(String::new, |p| (r.indicator_status)(p.status)),
                    plan.ref_name(&i.lead).unwrap_or(&i.lead.code).to_owned(),
                ],
                section: false,
            });
        }
    }
    let number = r.number.map_or_else(|| "     ".to_owned(), |n| format!("{n:02}"));
    let date = r.issued_on.map_or_else(|| "     ".to_owned(), short_date);
    Appendix {
        label: "PHỤ LỤC I".into(),
        title: format!("KẾT QUẢ THỰC HIỆN {}", plan.appendices.indicators_title),
        note: Some(format!("(Kèm theo Báo cáo số {number}/{SYMBOL} ngày {date} của {})", committee(plan))),
        columns,
        rows,
    }
}

/// The commune report as a document.
pub fn report_doc(r: &ReportInput<'_>) -> Doc {
    let plan = r.plan;
    let number = r.number.map(|n| n.to_string());
    let to: Vec<String> =
        plan.reporting.upward_to.iter().filter_map(|u| plan.ref_name(u)).map(|name| addressee(plan, name)).collect();
    let mut recipients = Vec::new();
    if !to.is_empty() {
        recipients.push("Như trên".to_owned());
    }
    // The file copy the plan names ("Lưu: VT, VHXH"), or the usual one.
    recipients.push(plan.recipients.iter().find(|r| r.starts_with("Lưu")).cloned().unwrap_or_else(|| "Lưu: VT".into()));
    Doc {
        heading: heading(plan, number.as_deref(), SYMBOL, r.issued_on),
        draft: !r.approved,
        doc_type: "BÁO CÁO".into(),
        subject: vec![
            format!("Kết quả thực hiện Kế hoạch {}", in_sentence(&plan.document.title)),
            r.period_label.clone(),
        ],
        to,
        blocks: blocks(r),
        signature: match r.signer {
            Some(s) => Signature { authority: s.authority.clone(), title: s.title.clone(), name: s.name.clone() },
            None => signature(plan),
        },
        recipients: recipient_lines(&recipients),
        appendices: vec![appendix(r)],
    }
}

/// The commune report as .docx.
pub fn report_docx(r: &ReportInput<'_>, layout: &Layout) -> Result<Vec<u8>, Error> {
    write(&report_doc(r), layout)
}
