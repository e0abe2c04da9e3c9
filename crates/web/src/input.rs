//! Text as it comes in. Every surface (forms, API bodies, query parameters, uploads) checks its
//! texts here, so that bad input is refused the same way everywhere: a 422 naming the field in
//! the request's language, before anything is written.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use kehoach_domain::Lang;
use kehoach_domain::report::ReportBody;
use kehoach_domain::text::{self, TextProblem};

use crate::error::WebError;
use crate::i18n::Tr;

/// The problem in words; `label` is the field's name as the user reads it.
pub fn problem_message(t: &Tr, label: &str, problem: &TextProblem) -> String {
    let field = ("field", label.to_owned());
    match problem {
        TextProblem::Control { code } => t.args("text-control", &[field, ("code", code.clone())]),
        TextProblem::LineBreak => t.args("text-line-break", &[field]),
        TextProblem::Direction { code } => t.args("text-direction", &[field, ("code", code.clone())]),
        TextProblem::TooLong { max } => t.args("text-too-long", &[field, ("max", max.to_string())]),
    }
}

fn refused(lang: Lang, label_key: &str, problem: &TextProblem) -> WebError {
    let t = Tr::new(lang);
    WebError::Invalid(problem_message(&t, &t.get(label_key), problem))
}

/// A one-line text (a name, a title); `label_key` names the field in the interface texts.
pub fn line(lang: Lang, label_key: &str, s: &str) -> Result<String, WebError> {
    text::line(s).map_err(|p| refused(lang, label_key, &p))
}

/// A one-line text of at most `max` characters.
pub fn line_max(lang: Lang, label_key: &str, s: &str, max: usize) -> Result<String, WebError> {
    text::line_max(s, max).map_err(|p| refused(lang, label_key, &p))
}

/// A text of several lines (a narrative, a note, a reason).
pub fn long(lang: Lang, label_key: &str, s: &str) -> Result<String, WebError> {
    text::long(s).map_err(|p| refused(lang, label_key, &p))
}

/// A report's texts, checked in place: the form and the API send the same body.
pub fn report_body(mut body: ReportBody, lang: Lang) -> Result<ReportBody, WebError> {
    for (label, text) in [
        ("report-activities", &mut body.activities),
        ("report-difficulties", &mut body.difficulties),
        ("report-proposals", &mut body.proposals),
    ] {
        *text = long(lang, label, text)?;
    }
    for task in &mut body.tasks {
        task.task = line(lang, "field-code", &task.task)?;
        task.note = long(lang, "field-note", &task.note)?;
    }
    for figure in &mut body.figures {
        figure.indicator = line(lang, "field-code", &figure.indicator)?;
        // The form parses its own numbers; the API's come as JSON: both meet the same rule here.
        if !figure.value_is_sensible() {
            return Err(WebError::Invalid(Tr::new(lang).with("report-bad-number", "code", &figure.indicator)));
        }
        figure.note = long(lang, "field-note", &figure.note)?;
    }
    for answer in &mut body.answers {
        answer.question = long(lang, "field-question", &answer.question)?;
        answer.answer = long(lang, "field-answer", &answer.answer)?;
    }
    Ok(body)
}

/// A multipart body that could not be read: too large is a 413; anything else is said with
/// `key` (a file that could not be read).
pub fn multipart_error(e: &axum::extract::multipart::MultipartError, key: &'static str) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE { WebError::TooLarge } else { WebError::Unreadable(key) }
}

/// Why a JSON body was not read, in words: the field it is about and what is wrong with it,
/// never the parser's own text ("missing field `current` at line 1 column 75").
pub fn json_rejection(e: &JsonRejection, lang: Lang) -> WebError {
    let t = Tr::new(lang);
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return WebError::TooLarge;
    }
    match e {
        JsonRejection::MissingJsonContentType(_) => WebError::Invalid(t.get("json-not-json")),
        JsonRejection::JsonSyntaxError(_) => {
            let text = e.body_text();
            match position(&text) {
                Some((line, column)) => WebError::Invalid(
                    t.args("json-syntax-at", &[("line", line.to_string()), ("column", column.to_string())]),
                ),
                None => WebError::Invalid(t.get("json-syntax")),
            }
        }
        JsonRejection::JsonDataError(_) => WebError::Invalid(data_error(&t, &e.body_text())),
        _ => WebError::Invalid(t.get("error-bad-request")),
    }
}

/// "… at line 1 column 75" → (1, 75).
fn position(text: &str) -> Option<(u64, u64)> {
    let (_, at) = text.rsplit_once(" at line ")?;
    let (line, column) = at.split_once(" column ")?;
    Some((line.trim().parse().ok()?, column.trim().parse().ok()?))
}

/// The parser's sentence for a body of the wrong shape (`body.tasks[0].note: invalid type: …`)
/// as a sentence for people.
fn data_error(t: &Tr, text: &str) -> String {
    let text = text.split_once("target type: ").map_or(text, |(_, rest)| rest);
    let text = text.rsplit_once(" at line ").map_or(text, |(before, _)| before);
    // The path comes first when there is one; it has no spaces, the parser's sentence does.
    let (path, message) = match text.split_once(": ") {
        Some((path, message)) if !path.contains(' ') && !path.is_empty() && path != "." => (Some(path), message),
        _ => (None, text),
    };
    let quoted = |m: &str| m.split('`').nth(1).map(str::to_owned);
    let join = |field: &str| path.map_or_else(|| field.to_owned(), |p| format!("{p}.{field}"));
    if let Some(rest) = message.strip_prefix("missing field ") {
        let field = quoted(rest).unwrap_or_default();
        return t.with("json-missing-field", "field", join(&field));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let field = quoted(rest).unwrap_or_default();
        return t.with("json-unknown-field", "field", join(&field));
    }
    let Some(field) = path else {
        return t.get("json-bad-shape");
    };
    if message.starts_with("unknown variant ") {
        let allowed: Vec<&str> =
            message.split_once("expected ").map(|(_, e)| e.split('`').skip(1).step_by(2).collect()).unwrap_or_default();
        return t.args("json-bad-choice", &[("field", field.to_owned()), ("allowed", allowed.join(", "))]);
    }
    let expected = message.rsplit_once("expected ").map_or("", |(_, e)| e);
    let kind = if expected.contains("string") {
        "json-expect-text"
    } else if ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "number", "integer"]
        .iter()
        .any(|n| expected.contains(n))
    {
        "json-expect-number"
    } else if expected.contains("sequence") {
        "json-expect-list"
    } else if expected.contains("bool") {
        "json-expect-bool"
    } else if expected.contains("map") || expected.starts_with("struct") {
        "json-expect-object"
    } else {
        "json-expect-other"
    };
    t.args("json-bad-value", &[("field", field.to_owned()), ("expected", t.get(kind))])
}
