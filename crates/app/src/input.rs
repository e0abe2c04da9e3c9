//! Text as it comes in, checked once for every surface (forms, API bodies, the command line):
//! NFC, no control or direction characters, bounded. A refusal names the field and the rule.

use std::collections::BTreeMap;

use kehoach_domain::number::{self, NumberProblem};
use kehoach_domain::register::{FieldType, RegisterDef};
use kehoach_domain::report::ReportBody;
use kehoach_domain::text::{self, TextProblem};

use crate::error::{AppError, Msg};

/// The problem of the field named by `label` (already in words).
pub fn problem_msg(label: Msg, problem: &TextProblem) -> Msg {
    let with_field = |key| Msg::new(key).with_words("field", |lang| label.words(lang));
    match problem {
        TextProblem::Control { code } => with_field("text-control").with("code", code),
        TextProblem::LineBreak => with_field("text-line-break"),
        TextProblem::Direction { code } => with_field("text-direction").with("code", code),
        TextProblem::TooLong { max } => with_field("text-too-long").with("max", max),
    }
}

fn refused(label_key: &'static str, problem: &TextProblem) -> AppError {
    AppError::Invalid(problem_msg(Msg::new(label_key), problem))
}

/// A one-line text (a name, a title); `label_key` names the field in the interface texts.
pub fn line(label_key: &'static str, s: &str) -> Result<String, AppError> {
    text::line(s).map_err(|p| refused(label_key, &p))
}

/// A one-line text of at most `max` characters.
pub fn line_max(label_key: &'static str, s: &str, max: usize) -> Result<String, AppError> {
    text::line_max(s, max).map_err(|p| refused(label_key, &p))
}

/// A text of several lines (a narrative, a note, a reason).
pub fn long(label_key: &'static str, s: &str) -> Result<String, AppError> {
    text::long(s).map_err(|p| refused(label_key, &p))
}

/// A text of several lines of at most `max` characters.
pub fn long_max(label_key: &'static str, s: &str, max: usize) -> Result<String, AppError> {
    text::long_max(s, max).map_err(|p| refused(label_key, &p))
}

/// A field of a report's content, to say a problem beside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReportField {
    Activities,
    Difficulties,
    Proposals,
    /// A task's or an indicator's code (sent by the API; a form sends the plan's own).
    Code,
    TaskNote(String),
    FigureValue(String),
    FigureNote(String),
    Answer(usize),
}

/// A report's content, checked in place: the form and the API send the same body and meet
/// the same rules here — texts as above, figures within [`kehoach_domain::report`]'s bounds.
/// The first problem is the refusal (see [`report_problems`] for all of them).
pub fn report_body(body: ReportBody) -> Result<ReportBody, AppError> {
    checked_report(body).map_err(|mut problems| AppError::Invalid(problems.swap_remove(0).1))
}

/// A report's content as [`report_body`] checks it, with every problem beside its field: what
/// a form shows again, marked, instead of a page of its own.
pub fn report_problems(body: ReportBody) -> Result<ReportBody, Vec<(ReportField, Msg)>> {
    checked_report(body)
}

fn checked_report(mut body: ReportBody) -> Result<ReportBody, Vec<(ReportField, Msg)>> {
    /// The text cleaned in place, or its problem.
    fn check(label: &'static str, text: &mut String, one_line: bool) -> Option<Msg> {
        let checked = if one_line { line(label, text) } else { long(label, text) };
        match checked {
            Ok(clean) => {
                *text = clean;
                None
            }
            Err(AppError::Invalid(m)) => Some(m),
            Err(_) => Some(Msg::new("error-bad-request")),
        }
    }
    let mut problems = Vec::new();
    for (field, label, text) in [
        (ReportField::Activities, "report-activities", &mut body.activities),
        (ReportField::Difficulties, "report-difficulties", &mut body.difficulties),
        (ReportField::Proposals, "report-proposals", &mut body.proposals),
    ] {
        problems.extend(check(label, text, false).map(|m| (field, m)));
    }
    for task in &mut body.tasks {
        problems.extend(check("field-code", &mut task.task, true).map(|m| (ReportField::Code, m)));
        problems
            .extend(check("field-note", &mut task.note, false).map(|m| (ReportField::TaskNote(task.task.clone()), m)));
    }
    for figure in &mut body.figures {
        problems.extend(check("field-code", &mut figure.indicator, true).map(|m| (ReportField::Code, m)));
        if !figure.value_is_sensible() {
            problems.push((
                ReportField::FigureValue(figure.indicator.clone()),
                Msg::new("report-bad-number").with("code", &figure.indicator),
            ));
        }
        problems.extend(
            check("field-note", &mut figure.note, false)
                .map(|m| (ReportField::FigureNote(figure.indicator.clone()), m)),
        );
    }
    for (i, answer) in body.answers.iter_mut().enumerate() {
        problems.extend(check("field-question", &mut answer.question, false).map(|m| (ReportField::Code, m)));
        problems.extend(check("field-answer", &mut answer.answer, false).map(|m| (ReportField::Answer(i), m)));
    }
    if problems.is_empty() { Ok(body) } else { Err(problems) }
}

/// An indicator's figure as typed in a form ([`kehoach_domain::number::read`]: "50%", "50,5",
/// "1.234"): none when empty; its bounds are [`report_body`]'s.
pub fn figure(code: &str, text: &str) -> Result<Option<f64>, Msg> {
    match number::read(text) {
        Ok(typed) => Ok(Some(typed.value)),
        Err(NumberProblem::Empty) => Ok(None),
        Err(NumberProblem::NotANumber) => Err(Msg::new("report-bad-number").with("code", code)),
    }
}

/// A register record's whole-number fields as typed in a form ("1.234", "1 200"), rewritten as
/// plain digits for the register's own check; what is not a count of things ("2,5", "-3",
/// "32 người", "50%": a count is not a percentage) is left as typed, for that check to refuse
/// beside its field.
pub fn register_numbers(def: &RegisterDef, fields: &mut BTreeMap<String, String>) {
    for f in def.input_fields().filter(|f| f.ty == FieldType::Int) {
        if let Some(text) = fields.get_mut(f.key)
            && number::read(text).is_ok_and(|typed| !typed.percent)
            && let Ok(n) = number::read_whole(text)
            && n >= 0
        {
            *text = n.to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kehoach_domain::report::IndicatorFigure;

    #[test]
    fn figures_as_typed() {
        assert_eq!(figure("IV.1", "50%"), Ok(Some(50.0)));
        assert_eq!(figure("IV.1", "50,5"), Ok(Some(50.5)));
        assert_eq!(figure("IV.1", "1.234"), Ok(Some(1234.0)));
        assert_eq!(figure("IV.1", " "), Ok(None));
        assert_eq!(figure("IV.1", "5O").map_err(|m| m.key), Err("report-bad-number"));
    }

    #[test]
    fn every_problem_beside_its_field() {
        let body = ReportBody {
            figures: vec![
                IndicatorFigure { indicator: "IV.1".into(), value: Some(-5.0), note: String::new() },
                IndicatorFigure { indicator: "IV.2".into(), value: Some(2.0), note: "a\u{0}b".into() },
            ],
            activities: "x\u{7}y".into(),
            ..ReportBody::default()
        };
        let problems = report_problems(body.clone()).unwrap_err();
        let fields: Vec<&ReportField> = problems.iter().map(|p| &p.0).collect();
        assert_eq!(
            fields,
            [
                &ReportField::Activities,
                &ReportField::FigureValue("IV.1".into()),
                &ReportField::FigureNote("IV.2".into())
            ]
        );
        // The API's refusal is the first of them, as before.
        let refusal = report_body(body).unwrap_err();
        assert_eq!(refusal.key(), problems[0].1.key.into());
    }

    #[test]
    fn register_whole_numbers() {
        let def = kehoach_domain::register::register("truyen_thong").unwrap();
        let mut fields: BTreeMap<String, String> =
            [("so_nguoi", "1.234"), ("chu_de", "1.234")].iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        register_numbers(def, &mut fields);
        assert_eq!(fields["so_nguoi"], "1234");
        assert_eq!(fields["chu_de"], "1.234", "only number fields");
        for bad in ["2,5", "-3", "ba mươi", "50%"] {
            fields.insert("so_nguoi".into(), bad.into());
            register_numbers(def, &mut fields);
            assert_eq!(fields["so_nguoi"], bad, "left for the register's check to refuse");
        }
    }
}
