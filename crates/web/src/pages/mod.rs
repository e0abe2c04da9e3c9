//! The HTML pages. Every route is registered with the action it performs (see [`crate::policy`]).

mod account;
mod admin;
pub(crate) mod audit;
mod calendar;
mod consolidation;
pub(crate) mod contact;
mod documents;
pub(crate) mod due;
pub(crate) mod initiatives;
pub(crate) mod leaders;
pub(crate) mod nation;
pub(crate) mod plan;
mod plans_admin;
mod province_docs;
pub(crate) mod province;
pub(crate) mod progress;
mod registers;
pub(crate) mod reports;
pub(crate) mod requests;
mod tables;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Html;
use kehoach_domain::{Action, Lang, Principal, Role, Scope, UnitKind, authorize};

use crate::auth::session::Viewer;
use crate::error::{InLang, NotFound, PageError, WebError};
use crate::i18n::{RequestLang, Tr};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    let r = plan::routes(r);
    let r = account::routes(r);
    let r = admin::routes(r);
    let r = audit::routes(r);
    let r = plans_admin::routes(r);
    let r = reports::routes(r);
    let r = consolidation::routes(r);
    let r = calendar::routes(r);
    let r = due::routes(r);
    let r = initiatives::routes(r);
    let r = requests::routes(r);
    let r = registers::routes(r);
    let r = progress::routes(r);
    let r = documents::routes(r);
    let r = tables::routes(r);
    let r = leaders::routes(r);
    let r = nation::routes(r);
    let r = province::routes(r);
    let r = province_docs::routes(r);
    contact::routes(r)
}

/// The signed-in user as the page frame shows them.
pub struct FrameUser {
    pub full_name: String,
    pub role: String,
    pub csrf: String,
    pub can_manage_users: bool,
    pub can_manage_plans: bool,
    pub can_read_audit: bool,
    /// Reads units' reports (and so the ad hoc requests): not the province.
    pub can_read_reports: bool,
    pub principal: Principal,
}

/// What every page's frame needs: the translator, the page's own path for the language switch,
/// and who is signed in.
pub struct Frame {
    pub t: Tr,
    pub path: String,
    pub user: Option<FrameUser>,
}

fn may(p: &Principal, action: Action) -> bool {
    let own = Scope { province: Some(p.province.clone()), commune: p.commune.clone(), unit: p.unit.clone() };
    authorize(Some(p), action, &own) == kehoach_domain::Decision::Allow
}

/// Whether the viewer may do `action` on the plan's commune (and unit).
pub fn viewer_may(viewer: &Viewer, action: Action, plan: &kehoach_domain::Plan, unit: Option<&str>) -> bool {
    let scope = Scope { unit: unit.map(str::to_owned), ..kehoach_domain::rows::commune_scope(plan) };
    authorize(viewer.0.as_ref().map(|s| &s.principal), action, &scope) == kehoach_domain::Decision::Allow
}

pub fn role_label(t: &Tr, role: Role) -> String {
    t.get(&format!("role-{}", role.key().replace('_', "-")))
}

impl Frame {
    pub fn new(lang: Lang, path: impl Into<String>, viewer: &Viewer) -> Frame {
        let t = Tr::new(lang);
        let user = viewer.0.as_ref().map(|s| FrameUser {
            full_name: s.principal.full_name.clone(),
            role: role_label(&t, s.principal.role),
            csrf: s.csrf.clone(),
            can_manage_users: may(&s.principal, Action::ManageUsers),
            can_manage_plans: may(&s.principal, Action::ManagePlans),
            can_read_audit: may(&s.principal, Action::ReadAudit),
            can_read_reports: may(&s.principal, Action::ReadReport),
            principal: s.principal.clone(),
        });
        Frame { t, path: path.into(), user }
    }

    /// The link that shows this page in the other language.
    pub fn switch_href(&self) -> String {
        let other = match self.t.lang {
            Lang::Vi => "en",
            Lang::En => "vi",
        };
        format!("/lang/{other}?next={}", encode_path(&self.path))
    }

    /// The ad hoc requests' link: for whoever reads units' reports, and for a visitor (who is
    /// asked to sign in); not for the province, which may not open them.
    pub fn shows_requests(&self) -> bool {
        self.user.as_ref().is_none_or(|u| u.can_read_reports)
    }

    /// Whether the plan's signed-in pages are within the viewer's reach: a visitor is sent to sign
    /// in, the user of another commune would find nothing there (404), so gets no link.
    pub fn reaches(&self, plan: &kehoach_domain::Plan) -> bool {
        self.user.as_ref().is_none_or(|u| {
            authorize(Some(&u.principal), Action::ReadProgress, &kehoach_domain::rows::commune_scope(plan))
                != kehoach_domain::Decision::Hide
        })
    }

    /// The leaders' screen's link on a plan's pages: for those who may see it.
    pub fn shows_leaders(&self, plan: &kehoach_domain::Plan) -> bool {
        self.user.as_ref().is_some_and(|u| kehoach_app::leaders::may_see(&u.principal, plan))
    }

    pub fn switch_label(&self) -> &'static str {
        match self.t.lang {
            Lang::Vi => "English",
            Lang::En => "Tiếng Việt",
        }
    }
}

/// A path made safe to carry in a query string.
pub fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A path on this site to go back to after a form, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\')).unwrap_or("/").to_owned()
}

pub fn render(page: &impl Template, lang: Lang) -> Result<Html<String>, PageError> {
    page.render().map(Html).page(lang)
}

pub fn unit_kind_label(t: &Tr, kind: UnitKind) -> String {
    t.get(&format!("unit-kind-{}", kind.key().replace('_', "-")))
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    frame: Frame,
    status: u16,
    pub message: String,
}

impl ErrorPage {
    /// The error page at `path`, under the header of whoever is signed in.
    pub fn new(lang: Lang, status: StatusCode, message: String, viewer: &Viewer, path: &str) -> ErrorPage {
        ErrorPage { frame: Frame::new(lang, path, viewer), status: status.as_u16(), message }
    }
}

/// Pages that match no route.
pub async fn not_found(RequestLang(lang): RequestLang) -> PageError {
    PageError { error: WebError::NotFound(NotFound::Page), lang }
}
