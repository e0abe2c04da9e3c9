//! Text as it comes in, checked once for every surface (forms, API bodies, the command line):
//! NFC, no control or direction characters, bounded. A refusal names the field and the rule.

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

/// A report's content, checked in place: the form and the API send the same body and meet
/// the same rules here — texts as above, figures within [`kehoach_domain::report`]'s bounds.
pub fn report_body(mut body: ReportBody) -> Result<ReportBody, AppError> {
    for (label, text) in [
        ("report-activities", &mut body.activities),
        ("report-difficulties", &mut body.difficulties),
        ("report-proposals", &mut body.proposals),
    ] {
        *text = long(label, text)?;
    }
    for task in &mut body.tasks {
        task.task = line("field-code", &task.task)?;
        task.note = long("field-note", &task.note)?;
    }
    for figure in &mut body.figures {
        figure.indicator = line("field-code", &figure.indicator)?;
        if !figure.value_is_sensible() {
            return Err(AppError::Invalid(Msg::new("report-bad-number").with("code", &figure.indicator)));
        }
        figure.note = long("field-note", &figure.note)?;
    }
    for answer in &mut body.answers {
        answer.question = long("field-question", &answer.question)?;
        answer.answer = long("field-answer", &answer.answer)?;
    }
    Ok(body)
}
