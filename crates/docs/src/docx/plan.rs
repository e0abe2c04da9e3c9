//! The plan as its document: heading, subject, preamble, sections, signature, "Nơi nhận", and
//! Phụ lục I (indicators) and Phụ lục II (key tasks) as tables.

use kehoach_domain::layout::{number_line, place_date_line};
use kehoach_domain::{Plan, TimeFrame, recipient_lines};

use super::{Appendix, Block, Column, Doc, Heading, Layout, Row, Signature, write};
use crate::Error;

/// "Năm 2026", "Thường xuyên", "Hằng năm", as the plan prints them.
pub fn time_frame(tf: TimeFrame) -> String {
    match tf {
        TimeFrame::Year(y) => format!("Năm {y}"),
        TimeFrame::Ongoing => "Thường xuyên".into(),
        TimeFrame::EveryYear => "Hằng năm".into(),
    }
}

pub fn heading(plan: &Plan, number: Option<&str>, symbol: &str, date: Option<chrono::NaiveDate>) -> Heading {
    Heading {
        issuing_body: plan.document.issuing_body.clone(),
        number_line: number_line(number, symbol),
        date_line: place_date_line(&plan.document.place, date, plan.year),
        issued_on: date,
    }
}

pub fn signature(plan: &Plan) -> Signature {
    Signature {
        authority: plan.signer.authority.clone(),
        title: plan.signer.title.clone(),
        name: plan.signer.name.clone(),
    }
}

fn lead_name(plan: &Plan, r: &kehoach_domain::UnitRef) -> String {
    plan.ref_name(r).unwrap_or(&r.code).to_owned()
}

/// Phụ lục I of the plan: the indicator sections printed in the appendix, without results.
fn indicators_appendix(plan: &Plan) -> Appendix {
    let columns = vec![
        Column { label: "STT".into(), width_mm: 14.0 },
        Column { label: "Các mục tiêu/chỉ tiêu".into(), width_mm: 78.0 },
        Column { label: format!("Kết quả năm {}", plan.year - 1), width_mm: 30.0 },
        Column { label: format!("Chỉ tiêu năm {}", plan.year), width_mm: 30.0 },
        Column { label: "Cơ quan chủ trì".into(), width_mm: 40.0 },
        Column { label: "Cơ quan phối hợp".into(), width_mm: 55.0 },
    ];
    let mut rows = Vec::new();
    for (section, indicators) in plan.appendix_indicators() {
        rows.push(Row { cells: vec![section.code.clone(), section.title.clone()], section: true });
        for i in indicators {
            rows.push(Row {
                cells: vec![
                    i.number.clone(),
                    i.name.clone(),
                    i.baseline.text.clone(),
                    i.target.text.clone(),
                    lead_name(plan, &i.lead),
                    plan.cell(&i.coordinators, i.coordinators_text.as_deref()),
                ],
                section: false,
            });
        }
    }
    Appendix {
        label: "PHỤ LỤC I".into(), title: plan.appendices.indicators_title.clone(), note: None, columns, rows
    }
}

/// Phụ lục II: the key tasks by group.
fn tasks_appendix(plan: &Plan) -> Appendix {
    let columns = vec![
        Column { label: "STT".into(), width_mm: 14.0 },
        Column { label: "Nội dung".into(), width_mm: 33.0 },
        Column { label: "Nhiệm vụ".into(), width_mm: 85.0 },
        Column { label: "Cơ quan chủ trì".into(), width_mm: 35.0 },
        Column { label: "Cơ quan phối hợp".into(), width_mm: 55.0 },
        Column { label: "Thời gian thực hiện".into(), width_mm: 25.0 },
    ];
    let mut rows = Vec::new();
    for (group, tasks) in plan.tasks_by_group() {
        rows.push(Row { cells: vec![group.code.clone(), group.title.clone()], section: true });
        for t in tasks {
            rows.push(Row {
                cells: vec![
                    t.number.clone(),
                    t.content.clone(),
                    t.description.clone(),
                    lead_name(plan, &t.lead),
                    plan.cell(&t.coordinators, t.coordinators_text.as_deref()),
                    time_frame(t.time_frame),
                ],
                section: false,
            });
        }
    }
    Appendix { label: "PHỤ LỤC II".into(), title: plan.appendices.tasks_title.clone(), note: None, columns, rows }
}

/// The plan's document, as the commune issued it.
pub fn plan_doc(plan: &Plan) -> Doc {
    let mut blocks = vec![Block::Text(plan.preamble.paragraph())];
    for section in &plan.sections {
        blocks.push(Block::Section(format!("{}. {}", section.number, section.title)));
        for part in &section.parts {
            blocks.push(Block::Part(format!("{}. {}", part.number, part.title)));
            blocks.extend(part.paragraphs.iter().cloned().map(Block::Text));
            if part.lists_targets {
                blocks.extend(plan.targets.iter().map(|t| Block::Text(format!("- {}", t.text))));
            }
            blocks.extend(part.closing.iter().cloned().map(Block::Text));
        }
        blocks.extend(section.closing.iter().cloned().map(Block::Text));
    }
    Doc {
        heading: heading(plan, plan.document.number.as_deref(), &plan.document.symbol, plan.document.issued_on),
        draft: false,
        doc_type: plan.document.doc_type.clone(),
        subject: vec![plan.document.title.clone()],
        to: Vec::new(),
        blocks,
        signature: signature(plan),
        recipients: recipient_lines(&plan.recipients),
        appendices: vec![indicators_appendix(plan), tasks_appendix(plan)],
    }
}

/// The plan as .docx.
pub fn plan_docx(plan: &Plan, layout: &Layout) -> Result<Vec<u8>, Error> {
    write(&plan_doc(plan), layout)
}
