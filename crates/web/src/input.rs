//! Input as it comes over HTTP: texts go to [`kehoach_app::input`], which checks them for every
//! surface alike; what is HTTP's own (a JSON body that does not parse, a broken multipart form)
//! is worded here.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use kehoach_domain::Lang;
use kehoach_domain::text::TextProblem;

use crate::error::WebError;
use crate::i18n::Tr;

/// The problem in words; `label` is the field's name as the user reads it.
pub fn problem_message(t: &Tr, label: &str, problem: &TextProblem) -> String {
    kehoach_app::input::problem_msg(kehoach_app::Msg::composed(|_| label.to_owned()), problem).words(t.lang)
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
