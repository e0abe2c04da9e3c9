//! The admin's page for plan files: upload a new plan, or a new version of one.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kehoach_domain::Action;
use kehoach_store::PlanSummary;

use super::{Frame, render};
use crate::AppState;
use crate::acting::Acting;
use crate::auth::session::Viewer;
use crate::client::ClientAddress;
use crate::error::{InLang, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::plan_upload::{self, FileProblem, UploadError};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.get("/admin/plans", Action::ManagePlans, plans_page).post("/admin/plans", Action::ManagePlans, upload)
}

#[derive(Template)]
#[template(path = "plans_admin.html")]
struct PlansPage {
    frame: Frame,
    plans: Vec<PlanSummary>,
    file_name: String,
    problems: Vec<FileProblem>,
    done: Option<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    lang: kehoach_domain::Lang,
    file_name: String,
    problems: Vec<FileProblem>,
    done: Option<String>,
) -> Result<Response, PageError> {
    let signed = viewer.0.as_ref().ok_or(PageError { error: WebError::NotSignedIn, lang })?;
    let plans = kehoach_app::plans::of_place(state, &signed.principal).await.page(lang)?;
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = PlansPage { frame: Frame::new(lang, "/admin/plans", viewer), plans, file_name, problems, done };
    Ok((status, render(&page, lang)?).into_response())
}

async fn plans_page(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
) -> Result<Response, PageError> {
    page(&state, &viewer, lang, String::new(), Vec::new(), None).await
}

async fn upload(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    viewer: Viewer,
    acting: Acting,
    ClientAddress(address): ClientAddress,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let signed = &acting.signed;
    let t = Tr::new(lang);
    let invalid = |key: &str| PageError { error: WebError::Invalid(t.get(key)), lang };
    let mut file = None;
    let unread = |e: axum::extract::multipart::MultipartError| PageError {
        error: crate::input::multipart_error(&e, "csv-unreadable"),
        lang,
    };
    while let Some(field) = multipart.next_field().await.map_err(unread)? {
        if field.name() == Some("file") {
            let name = kehoach_domain::text::file_name(field.file_name().unwrap_or("plan.toml"));
            let bytes = field.bytes().await.map_err(unread)?;
            if bytes.len() > plan_upload::PLAN_LIMIT {
                return Err(PageError { error: WebError::TooLarge, lang });
            }
            file = Some((name, String::from_utf8(bytes.to_vec()).map_err(|_| invalid("csv-not-utf8"))?));
        }
    }
    let (name, text) = file.ok_or_else(|| invalid("plan-missing"))?;
    match plan_upload::import(&state, signed, address.as_deref(), &text, lang).await {
        Ok(outcome) => {
            let key = match (outcome.created, outcome.changed) {
                (true, _) => "plan-imported",
                (false, true) => "plan-updated",
                (false, false) => "plan-unchanged",
            };
            page(&state, &viewer, lang, name, Vec::new(), Some(t.with(key, "id", &outcome.plan_id))).await
        }
        Err(UploadError::Invalid(problems)) => page(&state, &viewer, lang, name, problems, None).await,
        Err(UploadError::Web(error)) => Err(PageError { error, lang }),
    }
}
