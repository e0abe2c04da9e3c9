//! Every route with the action it performs, and the one guard that checks each request against
//! the policy ([`kehoach_domain::authorize`]) before any handler runs.
//!
//! Routes are added only through [`Routes`], which requires an action; the guard refuses any
//! request whose route has no rule (fail closed), so a route added around it is refused, not
//! open. A route of the JSON API also requires its description, which `openapi.json` is made
//! of.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, MethodRouter};
use axum::{Extension, Router};
use kehoach_domain::{Action, Decision, DenyReason, Scope, authorize};
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::{RefOr, Schema};

use crate::AppState;
use crate::auth::session::Signed;
use crate::error::{ApiError, NotFound, PageError, WebError};
use crate::i18n::lang_of;

/// A route and the action it performs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub method: Method,
    pub path: &'static str,
    pub action: Action,
}

/// The router under construction, with its rules and the description of its API operations.
///
/// Every route under `/api/v1/` goes in through [`Routes::api`] (or [`Routes::api_upload`]),
/// which takes the handler together with the description `#[utoipa::path]` generated for it
/// (its `__path_<handler>` type) and reads the path and the method from that description: a
/// route of the API cannot be served undescribed, nor described at another path or method.
pub struct Routes {
    router: Router<AppState>,
    rules: Vec<Rule>,
    paths: Paths,
    schemas: Vec<(String, RefOr<Schema>)>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes { router: Router::new(), rules: Vec::new(), paths: Paths::new(), schemas: Vec::new() }
    }
}

/// Routes under this prefix must come with their description.
const DESCRIBED: &str = "/api/v1/";

/// The description of a handler, as `#[utoipa::path]` generates it next to the handler: the
/// path, the methods, the operation, and the schemas its request and responses name (the same
/// pair of traits utoipa-axum's `routes!` reads).
pub trait Description: utoipa::Path + utoipa::__dev::SchemaReferences {}

impl<P: utoipa::Path + utoipa::__dev::SchemaReferences> Description for P {}

/// A description's path as the router and the rules keep it: one `&'static str` per distinct
/// path, however many routers are built (each test builds its own).
fn interned(path: String) -> &'static str {
    static PATHS: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut paths = PATHS.get_or_init(Mutex::default).lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = paths.get(path.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(path.into_boxed_str());
    paths.insert(leaked);
    leaked
}

fn method_of(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// Start-up check that a description and a handler belong together: `__path_x` describes the
/// function `x` of the same module. (The type names of function items and of the generated
/// structs are their paths; a pairing mistake in the route list panics at start-up, which every
/// test that builds the router runs.)
fn assert_describes<P, H>() {
    let description = std::any::type_name::<P>();
    let handler = std::any::type_name::<H>();
    let expected = description.rsplit_once("::__path_").map(|(module, name)| format!("{module}::{name}"));
    assert!(
        expected.as_deref() == Some(handler),
        "the description {description} is not the one of the handler {handler}"
    );
}

impl Routes {
    fn add(
        mut self,
        method: Method,
        path: &'static str,
        action: Action,
        route: MethodRouter<AppState>,
        described: bool,
    ) -> Self {
        assert!(
            described || !path.starts_with(DESCRIBED),
            "route {method} {path} has no description: register it with Routes::api and its #[utoipa::path]"
        );
        assert!(!self.rules.iter().any(|r| r.method == method && r.path == path), "route {method} {path} added twice");
        self.rules.push(Rule { method, path, action });
        self.router = self.router.route(path, route);
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, action: Action, handler: H) -> Self {
        self.add(Method::GET, path, action, axum::routing::get(handler), false)
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, action: Action, handler: H) -> Self {
        self.add(Method::POST, path, action, axum::routing::post(handler), false)
    }

    /// A POST whose body may be larger than the default 2 MB (file uploads), up to `limit`.
    pub fn post_upload<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        action: Action,
        handler: H,
        limit: usize,
    ) -> Self {
        self.add(
            Method::POST,
            path,
            action,
            axum::routing::post(handler).layer(axum::extract::DefaultBodyLimit::max(limit)),
            false,
        )
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, action: Action, handler: H) -> Self {
        self.add(Method::PUT, path, action, axum::routing::put(handler), false)
    }

    /// An operation of the API: `handler` served at the path and for the methods of its
    /// description `_described` (the `__path_<handler>` value `#[utoipa::path]` made), which
    /// goes into `openapi.json`.
    pub fn api<P: Description, H: Handler<T, AppState>, T: 'static>(
        self,
        action: Action,
        _described: P,
        handler: H,
    ) -> Self {
        self.described::<P, H, T>(action, handler, None)
    }

    /// [`Routes::api`] for an upload: the body may be larger than the default 2 MB, up to
    /// `limit`.
    pub fn api_upload<P: Description, H: Handler<T, AppState>, T: 'static>(
        self,
        action: Action,
        _described: P,
        handler: H,
        limit: usize,
    ) -> Self {
        self.described::<P, H, T>(action, handler, Some(limit))
    }

    fn described<P: Description, H: Handler<T, AppState>, T: 'static>(
        mut self,
        action: Action,
        handler: H,
        limit: Option<usize>,
    ) -> Self {
        assert_describes::<P, H>();
        let path = interned(P::path());
        let methods = P::methods();
        assert!(!methods.is_empty(), "the description of {path} names no method");
        let operation = P::operation();
        for described in methods {
            let method = method_of(&described);
            let filter = MethodFilter::try_from(method.clone())
                .unwrap_or_else(|_| panic!("{method} {path}: a method the router does not route"));
            let mut route = axum::routing::on(filter, handler.clone());
            if let Some(limit) = limit {
                route = route.layer(axum::extract::DefaultBodyLimit::max(limit));
            }
            self = self.add(method, path, action, route, true);
            self.paths.add_path_operation(path, vec![described], operation.clone());
        }
        P::schemas(&mut self.schemas);
        self
    }

    /// Adds a route with no rule, as a mistake would. It exists to show, in the tests, that the
    /// guard refuses such a route for everyone instead of leaving it open.
    #[doc(hidden)]
    pub fn route_without_rule(mut self, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, route);
        self
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The description of the API these routes serve: [`crate::ApiDoc`] and every operation
    /// registered through [`Routes::api`], with the schemas they name.
    pub fn openapi(&self) -> utoipa::openapi::OpenApi {
        crate::api::document(self.paths.clone(), self.schemas.clone())
    }

    /// The router with the guard on every route, and the description served as
    /// `/api/v1/openapi.json`. Routes merged after this are not guarded: add every route before.
    pub fn into_router(self, state: AppState) -> (Router<AppState>, Arc<Vec<Rule>>) {
        let description = crate::api::Served::of(&self.openapi());
        let rules = Arc::new(self.rules);
        let guard = Guard { state, rules: rules.clone() };
        (self.router.route_layer(from_fn_with_state(guard, check)).layer(Extension(description)), rules)
    }
}

#[derive(Clone)]
struct Guard {
    state: AppState,
    rules: Arc<Vec<Rule>>,
}

/// What the guard found out, for the handler: the request's scope.
#[derive(Debug, Clone, Default)]
pub struct RequestScope(pub Scope);

impl<S: Send + Sync> FromRequestParts<S> for RequestScope {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<RequestScope>().cloned().unwrap_or_default())
    }
}

fn is_api(parts: &Parts) -> bool {
    parts.uri.path().starts_with("/api/")
}

fn refuse(parts: &Parts, error: WebError) -> Response {
    let lang = lang_of(parts);
    if is_api(parts) { ApiError { error, lang }.into_response() } else { PageError { error, lang }.into_response() }
}

/// The largest form body the guard reads to find its CSRF token.
const FORM_LIMIT: usize = 256 * 1024;

/// Cross-site writes are refused: by the browser's own word (`Sec-Fetch-Site`), by an `Origin`
/// that is not this host, and, for a signed-in user, without the session's CSRF token (header
/// `X-CSRF-Token`, query `csrf`, or form field `csrf`).
async fn check_csrf(parts: &Parts, body: Body, signed: Option<&Signed>) -> Result<Body, WebError> {
    if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(body);
    }
    let header_text = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if header_text("sec-fetch-site") == Some("cross-site") {
        return Err(WebError::Forbidden("error-cross-site"));
    }
    if let (Some(origin), Some(host)) = (header_text("origin"), header_text("host")) {
        let origin_host = origin.split("://").nth(1).unwrap_or(origin);
        if origin_host != host {
            return Err(WebError::Forbidden("error-cross-site"));
        }
    }
    let Some(signed) = signed else {
        return Ok(body);
    };
    let given_in_query =
        parts.uri.query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("csrf=")).map(str::to_owned));
    let given = header_text("x-csrf-token").map(str::to_owned).or(given_in_query);
    if let Some(token) = given {
        return if token == signed.csrf { Ok(body) } else { Err(WebError::Forbidden("error-csrf")) };
    }
    let is_form =
        header_text(header::CONTENT_TYPE.as_str()).is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(WebError::Forbidden("error-csrf"));
    }
    let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| WebError::TooLarge)?;
    let token = form_urlencoded_value(&bytes, "csrf");
    if token.as_deref() == Some(signed.csrf.as_str()) {
        Ok(Body::from(bytes))
    } else {
        Err(WebError::Forbidden("error-csrf"))
    }
}

fn form_urlencoded_value(bytes: &[u8], key: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Resolves the scope a request acts in from its path: `{plan}` → its commune, `{user}` → that
/// user's place (province, and commune if any: a province-level account has none, which the
/// policy reads as the province's, never as "anywhere"), `{unit}` → that unit, `{province}` →
/// that province's own level (a loaded province file; no commune).
/// `Err(NotFound)`: the path names something that does not exist.
async fn scope_of(state: &AppState, params: &[(String, String)], signed: Option<&Signed>) -> Result<Scope, WebError> {
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let mut scope = match signed {
        Some(s) => {
            Scope { province: Some(s.principal.province.clone()), commune: s.principal.commune.clone(), unit: None }
        }
        None => Scope::default(),
    };
    if let Some(plan) = param("plan") {
        match state.store.plan_scope(plan).await? {
            Some((province, commune)) => {
                scope.province = Some(province);
                scope.commune = Some(commune);
            }
            None => return Err(WebError::NotFound(NotFound::Plan)),
        }
    }
    if let Some(username) = param("user") {
        match state.store.user(username).await? {
            Some(u) => {
                scope.province = Some(u.province);
                scope.commune = u.commune;
                scope.unit = u.unit;
            }
            None => return Err(WebError::NotFound(NotFound::Page)),
        }
    }
    if let Some(unit) = param("unit") {
        scope.unit = Some(unit.to_owned());
    }
    if let Some(slug) = param("province") {
        // Checked before the lookup: a NUL or a stray byte never reaches the database.
        let slug_like = !slug.is_empty() && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !slug_like || state.store.province(slug).await?.is_none() {
            return Err(WebError::NotFound(NotFound::Page));
        }
        scope.province = Some(slug.to_owned());
        scope.commune = None;
        scope.unit = None;
    }
    Ok(scope)
}

fn method_not_allowed(parts: &Parts, allowed: &[&Method]) -> Response {
    let mut methods: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    methods.sort_unstable();
    let mut response = refuse(parts, WebError::MethodNotAllowed);
    if let Ok(value) = HeaderValue::from_str(&methods.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

async fn check(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let method = if parts.method == Method::HEAD { Method::GET } else { parts.method.clone() };
    let matched = parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_owned()).unwrap_or_default();
    let Some(rule) = guard.rules.iter().find(|r| r.method == method && r.path == matched) else {
        // A method the route does not take is the client's mistake, not ours: a 405 that says
        // which it takes, and no ERROR line, which anyone could otherwise write at will.
        let allowed: Vec<&Method> = guard.rules.iter().filter(|r| r.path == matched).map(|r| &r.method).collect();
        if !allowed.is_empty() {
            return method_not_allowed(&parts, &allowed);
        }
        tracing::error!(%method, path = %matched, "route without a policy refused");
        return refuse(&parts, WebError::Forbidden("error-no-policy"));
    };
    let action = rule.action;
    let signed = parts.extensions.get::<Signed>().cloned();

    let body = match check_csrf(&parts, body, signed.as_ref()).await {
        Ok(body) => body,
        Err(e) => return refuse(&parts, e),
    };
    let params: Vec<(String, String)> = match RawPathParams::from_request_parts(&mut parts, &()).await {
        Ok(p) => p.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
        Err(_) => Vec::new(),
    };
    // No code holds a control character: such a path names nothing, and a NUL would reach
    // PostgreSQL, which refuses it with an error.
    if params.iter().any(|(_, v)| v.chars().any(char::is_control)) {
        return refuse(&parts, WebError::NotFound(NotFound::Page));
    }
    let scope = match scope_of(&guard.state, &params, signed.as_ref()).await {
        Ok(scope) => scope,
        Err(e) => return refuse(&parts, e),
    };
    if let Some(s) = &signed
        && s.must_change_password
        && !matches!(action, Action::ReadPublic | Action::SignIn | Action::OwnAccount)
    {
        return if is_api(&parts) {
            refuse(&parts, WebError::Forbidden("error-must-change-password"))
        } else {
            Redirect::to("/account").into_response()
        };
    }
    match authorize(signed.as_ref().map(|s| &s.principal), action, &scope) {
        Decision::Allow => {
            parts.extensions.insert(RequestScope(scope));
            next.run(Request::from_parts(parts, body)).await
        }
        Decision::Deny(DenyReason::NotSignedIn) if !is_api(&parts) => {
            let next_path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let mut response =
                Redirect::to(&format!("/login?next={}", crate::pages::encode_path(next_path))).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Decision::Deny(DenyReason::NotSignedIn) => refuse(&parts, WebError::NotSignedIn),
        Decision::Deny(DenyReason::ReadOnly) => refuse(&parts, WebError::Forbidden("error-read-only")),
        Decision::Deny(DenyReason::RoleCannot(_)) => refuse(&parts, WebError::Forbidden("error-role-cannot")),
        Decision::Deny(DenyReason::AboveLevel) => refuse(&parts, WebError::Forbidden("error-above-level")),
        Decision::Hide => refuse(&parts, WebError::NotFound(NotFound::Page)),
    }
}
