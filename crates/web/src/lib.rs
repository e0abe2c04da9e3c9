//! HTTP: the pages, the JSON API and its OpenAPI description.
//!
//! Handlers are thin: they read the request, ask the store, and hand domain values to a
//! template or to JSON. Every route is registered with the action it performs and goes through
//! one guard ([`policy`]). Errors are one enum ([`WebError`]) mapped once to responses.

mod acting;
mod api;
mod assets;
pub mod auth;
mod client;
pub mod documents;
mod error;
mod evidence;
mod i18n;
mod input;
mod pages;
mod params;
mod plan_upload;
pub mod policy;
use kehoach_app::progress;
mod registers;
mod reporting;
mod responses;
pub mod tables;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use kehoach_domain::clock::Clock;
use kehoach_store::Store;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use api::ApiDoc;
pub use client::TrustedProxies;
pub use error::WebError;

/// What every handler can reach: the application, its store and its clock.
pub type AppState = kehoach_app::App;

/// How the server is run, as the one who runs it says.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Send `Strict-Transport-Security` on every answer: the server is only reached over HTTPS
    /// (through a proxy that ends TLS). Without it, only answers to HTTPS requests carry it.
    pub hsts: bool,
    /// The reverse proxies whose `X-Forwarded-For` names the client (for the sign-in throttle
    /// and the audit trail); none by default.
    pub trusted_proxies: TrustedProxies,
}

pub use kehoach_app::SystemClock;

/// Every route of the application with the action it performs: what the router is built from,
/// and what the role × route test walks.
pub fn routes() -> policy::Routes {
    let r = policy::Routes::default();
    let r = pages::routes(r);
    let r = api::routes(r);
    assets::routes(r)
}

/// The whole application: sessions, the guard, pages, API, assets, security headers,
/// compression.
pub fn router(store: Store) -> Router {
    with_routes(store, routes())
}

/// The application on a clock of the caller's (tests live on any date).
pub fn router_at(store: Store, clock: Arc<dyn Clock>) -> Router {
    app(AppState::new(store, clock), routes(), Settings::default())
}

/// The application with the runner's settings.
pub fn router_with(store: Store, clock: Arc<dyn Clock>, settings: Settings) -> Router {
    app(AppState::new(store, clock), routes(), settings)
}

/// The application over the given routes (tests add routes to show the guard at work).
pub fn with_routes(store: Store, routes: policy::Routes) -> Router {
    app(AppState::at_system_time(store), routes, Settings::default())
}

fn app(state: AppState, routes: policy::Routes, settings: Settings) -> Router {
    let (guarded, _) = routes.into_router(state.clone());
    let security = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    let mut app = guarded
        .fallback(pages::not_found)
        // Inside the session: it needs to know whether the request is signed in.
        .layer(axum::middleware::from_fn(responses::cache_control))
        .layer(axum::middleware::from_fn(responses::plain_rejections))
        // Error pages under the signed-in header (axum's refusals reworded above included).
        .layer(axum::middleware::from_fn(error::signed_header))
        .layer(from_fn_with_state(state.clone(), auth::session::load))
        .layer(axum::Extension(settings.trusted_proxies.clone()))
        .layer(axum::middleware::from_fn_with_state(settings, responses::hsts))
        // The request's changes leave audit rows at the application's time (a frozen one too).
        .layer(from_fn_with_state(state.clone(), audit_clock))
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)));
    for (name, value) in security {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    app
}

/// Runs the request with its audit rows timed by the application's clock, not the machine's.
async fn audit_clock(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    kehoach_store::AuditEntry::timed_by(state.clock.clone(), next.run(request)).await
}

/// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, store: Store, clock: Arc<dyn Clock>) -> std::io::Result<()> {
    serve_with(listener, store, clock, Settings::default()).await
}

/// [`serve`] with the runner's settings.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    store: Store,
    clock: Arc<dyn Clock>,
    settings: Settings,
) -> std::io::Result<()> {
    axum::serve(listener, router_with(store, clock, settings).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
