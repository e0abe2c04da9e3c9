//! A plan file sent by an admin over the web: checked, refused with every problem, or imported.

use kehoach_domain::{Action, Decision, Lang, Scope, authorize};
use kehoach_store::{Actor, ImportOutcome};

use crate::AppState;
use crate::auth::session::Signed;
use crate::error::WebError;
use crate::i18n::Tr;

/// One problem of an uploaded plan file, where it is.
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

/// The largest plan file accepted: the Mường La plan is about 60 KB.
pub const PLAN_LIMIT: usize = 1024 * 1024;

/// Checks and imports `text`. The plan must belong to a commune the admin may manage; another
/// commune's plan is refused as if that commune did not exist.
pub async fn import(
    state: &AppState,
    signed: &Signed,
    address: Option<&str>,
    text: &str,
    lang: Lang,
) -> Result<ImportOutcome, UploadError> {
    let plan = kehoach_plan::parse(text).map_err(|problems| {
        UploadError::Invalid(
            problems
                .iter()
                .map(|p| {
                    let at = p.position(text);
                    FileProblem { line: at.line, column: at.column, message: p.message(lang) }
                })
                .collect(),
        )
    })?;
    let scope = Scope {
        province: Some(plan.commune.province_code.clone()),
        commune: Some(plan.commune.code.clone()),
        unit: None,
    };
    match authorize(Some(&signed.principal), Action::ManagePlans, &scope) {
        Decision::Allow => {}
        _ => return Err(UploadError::Web(WebError::Invalid(Tr::new(lang).get("plan-other-commune")))),
    }
    let actor = Actor { name: &signed.principal.username, address };
    state.store.import_plan(&plan, actor).await.map_err(|e| match e {
        kehoach_store::StoreError::Conflict(_) => {
            UploadError::Web(WebError::Conflict(Tr::new(lang).get("plan-id-taken")))
        }
        other => UploadError::Web(other.into()),
    })
}
