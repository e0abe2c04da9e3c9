//! The application's one error type: what went wrong, typed, never yet in words. The edge (the
//! web, the command line) says it in the reader's language, once.

use kehoach_domain::Lang;
use kehoach_store::StoreError;

use crate::present::Tr;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist, or the user may not know it does.
    #[error("{0} not found")]
    NotFound(NotFound),
    /// The rules refuse it; the message says why.
    #[error("refused: {0}")]
    Refused(Msg),
    /// The input breaks a rule; the message says which.
    #[error("invalid: {0}")]
    Invalid(Msg),
    /// The change contradicts what is stored now.
    #[error("conflict: {0}")]
    Conflict(Msg),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else that should not happen; the text is for the log only.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<kehoach_docs::Error> for AppError {
    /// A document that cannot be written is the product's fault, never the reader's.
    fn from(e: kehoach_docs::Error) -> AppError {
        AppError::Internal(e.to_string())
    }
}

/// What was not found, to word the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotFound {
    Plan,
    Indicator,
    Task,
    Unit,
    Page,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl NotFound {
    /// The interface text that says it.
    pub fn key(self) -> &'static str {
        match self {
            NotFound::Plan => "error-plan-not-found",
            NotFound::Indicator => "error-indicator-not-found",
            NotFound::Task => "error-task-not-found",
            NotFound::Unit => "error-unit-not-found",
            NotFound::Page => "error-page-not-found",
        }
    }
}

/// A message not yet in words: an interface text's key and its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// An argument of a message: the same in every language, or worded per language (a problem
/// the plan parser or the domain describes itself).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    PerLang { vi: String, en: String },
}

impl Arg {
    /// Words `f` in every language now, to say it in the reader's later.
    pub fn per_lang(f: impl Fn(Lang) -> String) -> Arg {
        Arg::PerLang { vi: f(Lang::Vi), en: f(Lang::En) }
    }

    fn in_lang(&self, lang: Lang) -> &str {
        match (self, lang) {
            (Arg::Text(s), _) => s,
            (Arg::PerLang { vi, .. }, Lang::Vi) => vi,
            (Arg::PerLang { en, .. }, Lang::En) => en,
        }
    }
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg { key, args: Vec::new() }
    }

    /// With one more argument (`{ $name }` in the .ftl file).
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Msg {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// With one more argument worded per language.
    pub fn with_words(mut self, name: &'static str, value: impl Fn(Lang) -> String) -> Msg {
        self.args.push((name, Arg::per_lang(value)));
        self
    }

    /// A message put together from several texts, worded in every language now.
    pub fn composed(words: impl Fn(Lang) -> String) -> Msg {
        Msg::new("composed").with_words("text", words)
    }

    /// The message in `lang`.
    pub fn words(&self, lang: Lang) -> String {
        let args: Vec<(&'static str, String)> =
            self.args.iter().map(|(name, value)| (*name, value.in_lang(lang).to_owned())).collect();
        Tr::new(lang).args(self.key, &args)
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key)
    }
}

impl AppError {
    /// The error in the reader's words: what the web answers and the command line prints. The
    /// cause of an internal failure is for the log, never for the reader.
    pub fn words(&self, lang: Lang) -> String {
        let tr = Tr::new(lang);
        match self {
            AppError::NotFound(what) => tr.get(what.key()),
            AppError::Refused(m) | AppError::Invalid(m) | AppError::Conflict(m) => m.words(lang),
            AppError::Store(StoreError::NotFound(_)) => tr.get("error-page-not-found"),
            AppError::Store(StoreError::Conflict(_)) => tr.get("error-changed-meanwhile"),
            AppError::Store(StoreError::Busy(_)) => tr.get("error-busy"),
            AppError::Store(_) | AppError::Internal(_) => tr.get("error-internal"),
        }
    }

    /// The interface text's key of a refusal, an invalid input or a conflict.
    pub fn key(&self) -> Option<&'static str> {
        match self {
            AppError::Refused(m) | AppError::Invalid(m) | AppError::Conflict(m) => Some(m.key),
            _ => None,
        }
    }

    pub fn invalid(key: &'static str) -> AppError {
        AppError::Invalid(Msg::new(key))
    }

    pub fn conflict(key: &'static str) -> AppError {
        AppError::Conflict(Msg::new(key))
    }

    pub fn refused(key: &'static str) -> AppError {
        AppError::Refused(Msg::new(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_worded_in_the_readers_language_with_its_arguments() {
        let m = Msg::new("file-too-many").with("max", 10);
        assert!(m.words(Lang::Vi).contains("10"), "{}", m.words(Lang::Vi));
        assert_ne!(m.words(Lang::Vi), m.words(Lang::En));
        let per = Msg::composed(|l| if l == Lang::Vi { "sai".into() } else { "wrong".into() });
        assert_eq!((per.words(Lang::Vi).as_str(), per.words(Lang::En).as_str()), ("sai", "wrong"));
        let row = Msg::new("register-row-unreadable").with("line", 3).with("cause", "x");
        assert_eq!(row.words(Lang::Vi), "Dòng 3: x");
    }
}
