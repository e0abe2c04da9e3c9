//! A plan file sent by an admin over the web; [`kehoach_app::plans`] checks and imports it.

use kehoach_domain::Lang;
use kehoach_store::ImportOutcome;

pub use kehoach_app::plans::PLAN_LIMIT;

use crate::AppState;
use crate::auth::session::Signed;
use crate::error::WebError;

/// One problem of an uploaded plan file, where it is, in the reader's language.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FileProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub enum UploadError {
    /// The file is not a valid plan: every problem, in file order.
    Invalid(Vec<FileProblem>),
    Web(WebError),
}

/// Checks and imports `text`, as [`kehoach_app::plans::import`] does, its problems worded.
pub async fn import(
    state: &AppState,
    signed: &Signed,
    address: Option<&str>,
    text: &str,
    lang: Lang,
) -> Result<ImportOutcome, UploadError> {
    use kehoach_app::plans::UploadError as Failed;
    kehoach_app::plans::import(state, &signed.principal, address, text).await.map_err(|e| match e {
        Failed::Invalid(problems) => UploadError::Invalid(
            problems
                .into_iter()
                .map(|p| FileProblem { line: p.line, column: p.column, message: p.problem.words(lang) })
                .collect(),
        ),
        Failed::App(e) => UploadError::Web(e.into()),
    })
}
