//! What the HTTP tests share: the Mường La commune with two sample villages and one user of
//! each role, signed in straight through the store (no password hashing per test).
// Each test file uses its own part of this module.
#![allow(dead_code)]

use axum::http::{HeaderName, HeaderValue};
use axum_test::TestRequest;
use chrono::{Duration, Utc};
use kehoach_domain::{Role, Unit, UnitKind};
use kehoach_store::{Actor, NewUser, Store};
use kehoach_web::auth::session;

pub const TEST: Actor<'static> = Actor { name: "test", address: None };

/// A signed-in browser: its cookie header and CSRF token.
pub type Who = (String, String);

/// Imports the Mường La plan, adds villages `ban-a` and `ban-b`, and the users `ban-a`,
/// `ban-b` (each its village's reporter), `dau-moi`, `lanh-dao`, `quan-tri` (the commune's admin)
/// and `so-khcn` (the province).
pub async fn commune(store: &Store) {
    store.import_plan(&kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap(), TEST).await.unwrap();
    let village =
        |code: &str, name: &str| Unit { code: code.into(), name: name.into(), kind: UnitKind::Village, sample: true };
    store
        .add_units("muong-la", &[village("ban-a", "Bản A (mẫu)"), village("ban-b", "Bản B (mẫu)")], TEST)
        .await
        .unwrap();
    for (username, role, unit) in [
        ("ban-a", Role::DonVi, Some("ban-a")),
        ("ban-b", Role::DonVi, Some("ban-b")),
        ("dau-moi", Role::DauMoi, None),
        ("lanh-dao", Role::LanhDao, None),
        ("quan-tri", Role::Admin, None),
        ("so-khcn", Role::CapTren, None),
    ] {
        let new = NewUser {
            username: username.into(),
            full_name: format!("Họ tên {username}"),
            role,
            province: Some("son-la".into()),
            commune: (role != Role::CapTren).then(|| "muong-la".into()),
            unit: unit.map(Into::into),
            password_hash: "$argon2id$unused".into(),
            must_change_password: false,
        };
        store.add_user(&new, TEST).await.unwrap().unwrap();
    }
}

/// The Mường La plan with indicator IV.1 left without a measure: a count the units report
/// themselves, so that their reports carry a figure for it (the real plan counts IV.1 from the
/// registers, and then no unit is asked for it).
pub fn plan_with_reported_iv1() -> kehoach_domain::Plan {
    let text = kehoach_plan::DEFAULT_PLAN;
    let at = text.find("code = \"IV.1\"").expect("IV.1 in the plan");
    let from = at + text[at..].find("[indicators.measure]").expect("IV.1's measure");
    let to = from + text[from..].find("\n[[").expect("the next table");
    kehoach_plan::parse(&format!("{}{}", &text[..from], &text[to + 1..])).expect("the plan without IV.1's measure")
}

/// [`commune`], with [`plan_with_reported_iv1`].
pub async fn commune_with_reported_iv1(store: &Store) {
    commune(store).await;
    store.import_plan(&plan_with_reported_iv1(), TEST).await.unwrap();
}

/// Opens a session for the user straight in the store.
pub async fn session_of(store: &Store, username: &str) -> Who {
    let user = store.user(username).await.unwrap().unwrap();
    let token = session::new_token();
    let csrf = session::new_token();
    let now = Utc::now();
    store
        .create_session(user.id, &session::token_hash(&token), &csrf, None, now, now + Duration::hours(1))
        .await
        .unwrap();
    (format!("{}={token}", session::COOKIE), csrf)
}

/// The request, sent by the user: their cookie and CSRF token.
pub fn as_user(request: TestRequest, who: &Who) -> TestRequest {
    request
        .add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&who.0).unwrap())
        .add_header(HeaderName::from_static("x-csrf-token"), HeaderValue::from_str(&who.1).unwrap())
}
