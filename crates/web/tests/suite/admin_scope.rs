//! Administration by scope (issue 10, item 1): every admin × every target account × every user
//! action, with the exact answer, the target untouched when refused, and the audit rows of user
//! changes seen by the admins above the account and by no one else. On SQLite and PostgreSQL.
//!
//! Two provinces: Sơn La with two communes (Mường La, and a second one made from the test
//! fixture) and a province admin; Tỉnh Mẫu with one commune and its own province admin.

use crate::common;

use axum::http::StatusCode;
use axum_test::{TestResponse, TestServer};
use kehoach_domain::{Role, Unit, UnitKind};
use kehoach_store::{Actor, NewUser, Store, on_both_databases};
use serde_json::{Value, json};

use common::{Who, as_user, session_of};

const TEST: Actor<'static> = Actor { name: "test", address: None };
const FIXTURE: &str = include_str!("../../../plan/tests/fixtures/thu-nghiem-2027.toml");
/// Shown with every one-time password, and only then.
const ISSUED: &str = "Mật khẩu này chỉ hiện một lần";
/// A unit every commune of the tests has (from both plan files).
const UNIT: &str = "vhxh";

/// Where an account sits: (province, commune).
type Place = (&'static str, Option<&'static str>);
const SON_LA: Place = ("son-la", None);
const MUONG_LA: Place = ("son-la", Some("muong-la"));
const XA_HAI: Place = ("son-la", Some("xa-hai"));
const TINH_MAU: Place = ("tinh-mau", None);
const THU_NGHIEM: Place = ("tinh-mau", Some("thu-nghiem"));
/// The Ministry's place: no province, no commune.
const NATION: Place = ("", None);

/// The people who act: (user name, role, place).
const ACTORS: &[(&str, Role, Place)] = &[
    ("tinh-admin", Role::Admin, SON_LA),
    ("ml-admin", Role::Admin, MUONG_LA),
    ("hai-admin", Role::Admin, XA_HAI),
    ("mau-admin", Role::Admin, TINH_MAU),
    ("tn-admin", Role::Admin, THU_NGHIEM),
    ("so-khcn", Role::CapTren, SON_LA),
    ("ml-lanh-dao", Role::LanhDao, MUONG_LA),
    ("bo-khcn", Role::TrungUong, NATION),
];

/// The kinds of account acted on, at each place they can be.
const TARGETS: &[(Role, Place)] = &[
    (Role::Admin, SON_LA),
    (Role::CapTren, SON_LA),
    (Role::Admin, MUONG_LA),
    (Role::LanhDao, MUONG_LA),
    (Role::DauMoi, MUONG_LA),
    (Role::DonVi, MUONG_LA),
    (Role::Admin, XA_HAI),
    (Role::DauMoi, XA_HAI),
    (Role::DonVi, XA_HAI),
    (Role::Admin, TINH_MAU),
    (Role::CapTren, TINH_MAU),
    (Role::Admin, THU_NGHIEM),
    (Role::DonVi, THU_NGHIEM),
    (Role::TrungUong, NATION),
];

/// The second commune of Sơn La: the fixture moved into the province under another code.
fn xa_hai_plan() -> String {
    FIXTURE
        .replacen("id = \"thu-nghiem-2027\"", "id = \"xa-hai-2027\"", 1)
        .replacen("code = \"thu-nghiem\"", "code = \"xa-hai\"", 1)
        .replacen("province_code = \"tinh-mau\"", "province_code = \"son-la\"", 1)
        .replacen("province = \"Tỉnh Mẫu\"", "province = \"Sơn La\"", 1)
        .replacen("name = \"Thử Nghiệm\"", "name = \"Xã Hai\"", 1)
}

async fn add(store: &Store, username: &str, role: Role, (province, commune): Place) {
    let new = NewUser {
        username: username.into(),
        full_name: format!("Người dùng {username}"),
        role,
        // The Ministry's account is stored in no province.
        province: (role != Role::TrungUong).then(|| province.into()),
        commune: commune.map(Into::into),
        unit: (role == Role::DonVi).then(|| UNIT.into()),
        password_hash: format!("$argon2id$unused-{username}"),
        must_change_password: false,
    };
    store.add_user(&new, TEST).await.unwrap().unwrap_or_else(|p| panic!("{username}: {p:?}"));
}

/// The three communes, a village in Mường La, and the actors.
async fn world(store: &Store) {
    for text in [kehoach_plan::DEFAULT_PLAN, FIXTURE, &xa_hai_plan()] {
        store.import_plan(&kehoach_plan::parse(text).unwrap(), TEST).await.unwrap();
    }
    let village = Unit { code: "ban-a".into(), name: "Bản A (mẫu)".into(), kind: UnitKind::Village, sample: true };
    store.add_units("muong-la", &[village], TEST).await.unwrap();
    for (username, role, place) in ACTORS {
        add(store, username, *role, *place).await;
    }
}

/// What the actor's request on an account at `target` must answer: the rule, written out by
/// hand. `done` is the answer of a change made (200 for a reset, 303 for a disable).
fn expected(actor: (Role, Place), target: Place, done: StatusCode) -> StatusCode {
    let (role, (province, commune)) = actor;
    let (t_province, t_commune) = target;
    if t_province != province {
        return StatusCode::NOT_FOUND;
    }
    match (commune, t_commune) {
        (Some(mine), Some(theirs)) if mine != theirs => return StatusCode::NOT_FOUND,
        // The province's accounts are in a commune user's sight, and above it.
        (Some(_), None) => return StatusCode::FORBIDDEN,
        _ => {}
    }
    if role == Role::Admin { done } else { StatusCode::FORBIDDEN }
}

fn short(role: Role) -> &'static str {
    match role {
        Role::Admin => "qt",
        Role::LanhDao => "ld",
        Role::DauMoi => "dm",
        Role::DonVi => "dv",
        Role::CapTren => "ct",
        Role::TrungUong => "tu",
    }
}

/// A user name for the target of `actor`: each actor acts on accounts of its own, so that one
/// actor's change never stands in the way of another's check.
fn target_name(actor: &str, role: Role, (_, commune): Place, province: &str) -> String {
    let place = if province.is_empty() { "bo" } else { province };
    format!("{actor}.{}.{}", short(role), commune.unwrap_or(place))
}

/// A stored account's state: password hash, must-change flag, disabled flag.
async fn state_of(store: &Store, username: &str) -> (String, bool, bool) {
    let (user, hash) = store.user_for_login(username).await.unwrap().unwrap();
    (hash, user.must_change_password, user.disabled)
}

async fn post(server: &TestServer, path: &str, who: &Who) -> TestResponse {
    as_user(server.post(path), who).await
}

on_both_databases!(
    /// Every admin (and, to be sure, a cap_tren and a lanh_dao) × every kind of account × reset
    /// and disable: the exact status; a refused change leaves the account exactly as it was and
    /// shows no one-time password.
    async fn every_admin_every_target_every_action(store) {
        world(&store).await;
        for (actor, _, _) in ACTORS {
            for (role, place) in TARGETS {
                add(&store, &target_name(actor, *role, *place, place.0), *role, *place).await;
            }
        }
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let mut checked = 0;
        for (actor, actor_role, actor_place) in ACTORS {
            let who = session_of(&store, actor).await;
            for (role, place) in TARGETS {
                let target = target_name(actor, *role, *place, place.0);
                for (action, done) in [("reset-password", StatusCode::OK), ("disable", StatusCode::SEE_OTHER)] {
                    let before = state_of(&store, &target).await;
                    let r = post(&server, &format!("/admin/users/{target}/{action}"), &who).await;
                    let want = expected((*actor_role, *actor_place), *place, done);
                    let label = format!("{actor} {action} {target}");
                    assert_eq!(r.status_code(), want, "{label}: {}", r.text());
                    let after = state_of(&store, &target).await;
                    if want == done {
                        if action == "disable" {
                            assert!(after.2, "{label}: disabled");
                        } else {
                            assert!(r.text().contains(ISSUED), "{label}: the one-time password is shown");
                            assert!(after.0 != before.0 && after.1, "{label}: a new one-time password");
                        }
                    } else {
                        assert_eq!(after, before, "{label}: the account is unchanged");
                        assert!(!r.text().contains(ISSUED), "{label}: no one-time password");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, ACTORS.len() * TARGETS.len() * 2);
        println!("admin × target × action: {checked} requests");
    }
);

on_both_databases!(
    /// Every admin creates every role at every level the form can name: its own, each commune
    /// of the tests, a commune that does not exist. A commune's admin creates no province
    /// account; another commune is answered as one that does not exist; nothing is written when
    /// refused.
    async fn every_admin_creates_every_role_at_every_level(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let levels: [&str; 5] = ["", "muong-la", "xa-hai", "thu-nghiem", "khong-co"];
        let mut n = 0;
        for (actor, actor_role, (province, commune)) in ACTORS {
            let who = session_of(&store, actor).await;
            for role in Role::ALL {
                for level in levels {
                    n += 1;
                    let username = format!("moi-{n}");
                    let form = [
                        ("username", username.as_str()),
                        ("full_name", "Người mới"),
                        ("role", role.key()),
                        ("unit", if role == Role::DonVi { UNIT } else { "" }),
                        ("commune", level),
                    ];
                    let r = as_user(server.post("/admin/users"), &who).form(&form).await;
                    // Where the account would be: cap_tren is the province's whatever is named.
                    let named = if level.is_empty() { *commune } else { Some(level) };
                    let target = if role == Role::CapTren { None } else { named };
                    let want = if *actor_role != Role::Admin || role == Role::TrungUong {
                        // The Ministry's accounts are made at the console only.
                        StatusCode::FORBIDDEN
                    } else if commune.is_some() && target.is_none() {
                        StatusCode::FORBIDDEN
                    } else if commune.is_some() && target != *commune {
                        StatusCode::UNPROCESSABLE_ENTITY
                    } else if target.is_some_and(|c| !matches!((*province, c), ("son-la", "muong-la" | "xa-hai") | ("tinh-mau", "thu-nghiem"))) {
                        // A commune of another province, or none: not found.
                        StatusCode::UNPROCESSABLE_ENTITY
                    } else if target.is_none() && !matches!(role, Role::Admin | Role::CapTren) {
                        // Only an admin or cap_tren lives at the province's level.
                        StatusCode::UNPROCESSABLE_ENTITY
                    } else {
                        StatusCode::OK
                    };
                    let label = format!("{actor} creates {} at {level:?}", role.key());
                    assert_eq!(r.status_code(), want, "{label}: {}", r.text());
                    let stored = store.user(&username).await.unwrap();
                    if want == StatusCode::OK {
                        assert!(r.text().contains(ISSUED), "{label}");
                        let u = stored.unwrap_or_else(|| panic!("{label}: stored"));
                        assert_eq!((u.role, u.province.as_str(), u.commune.as_deref()), (role, *province, target), "{label}");
                    } else {
                        assert!(stored.is_none(), "{label}: nothing written");
                        assert!(!r.text().contains(ISSUED), "{label}");
                    }
                    if want == StatusCode::FORBIDDEN && *actor_role == Role::Admin {
                        let why = if role == Role::TrungUong { "chỉ được tạo tại máy chủ" } else { "chỉ tạo được tài khoản của xã mình" };
                        assert!(r.text().contains(why), "{label}: says why");
                    }
                }
            }
        }
        println!("admin × role × level creations: {n} requests");
    }
);

on_both_databases!(
    /// The issue's story: commune A's admin can no longer take over the province (reset its
    /// admin's password, disable cap_tren, create cap_tren), and the users page lists exactly
    /// the accounts each admin manages, communes by name.
    async fn a_commune_admin_cannot_take_over_the_province(store) {
        world(&store).await;
        add(&store, "hai-ban", Role::DonVi, XA_HAI).await;
        add(&store, "ml-ban", Role::DonVi, MUONG_LA).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let ml = session_of(&store, "ml-admin").await;
        let before = state_of(&store, "tinh-admin").await;
        let r = post(&server, "/admin/users/tinh-admin/reset-password", &ml).await;
        assert_eq!(r.status_code(), StatusCode::FORBIDDEN);
        assert!(r.text().contains("Tài khoản này thuộc cấp tỉnh"), "{}", r.text());
        assert_eq!(state_of(&store, "tinh-admin").await, before);
        let r = post(&server, "/admin/users/so-khcn/disable", &ml).await;
        assert_eq!(r.status_code(), StatusCode::FORBIDDEN);
        assert!(!store.user("so-khcn").await.unwrap().unwrap().disabled);
        let r = as_user(server.post("/admin/users"), &ml)
            .form(&[("username", "ct-gia"), ("full_name", "Giả"), ("role", "cap_tren"), ("unit", "")])
            .await;
        assert_eq!(r.status_code(), StatusCode::FORBIDDEN);
        assert!(store.user("ct-gia").await.unwrap().is_none());
        // In English too.
        let r = as_user(server.post("/admin/users/tinh-admin/reset-password?lang=en"), &ml).await;
        assert!(r.text().contains("This account belongs to the province"), "{}", r.text());

        // The users pages.
        let page = as_user(server.get("/admin/users"), &ml).await;
        assert_eq!(page.status_code(), StatusCode::OK);
        let text = page.text();
        for shown in ["ml-admin", "ml-lanh-dao", "ml-ban"] {
            assert!(text.contains(shown), "{shown}");
        }
        for hidden in ["tinh-admin", "so-khcn", "hai-admin", "hai-ban", "tn-admin", "mau-admin"] {
            assert!(!text.contains(&format!(">{hidden}<")) && !text.contains(&format!("/{hidden}/")), "{hidden} not listed");
        }
        assert!(!text.contains("value=\"cap_tren\""), "a commune's admin is not offered cap_tren");
        let tinh = session_of(&store, "tinh-admin").await;
        let text = as_user(server.get("/admin/users"), &tinh).await.text();
        for shown in ["tinh-admin", "so-khcn", "ml-admin", "ml-ban", "hai-admin", "hai-ban"] {
            assert!(text.contains(&format!("/admin/users/{shown}/")) || text.contains(&format!("{shown}<")), "{shown}");
        }
        for hidden in ["tn-admin", "mau-admin"] {
            assert!(!text.contains(hidden), "{hidden} not listed");
        }
        assert!(text.contains("Mường La") && text.contains("Xã Hai"), "communes by name");
        assert!(text.contains("value=\"cap_tren\"") && text.contains("value=\"xa-hai\""));

        // The province's admin manages a commune's accounts; not another province's.
        let r = post(&server, "/admin/users/hai-admin/reset-password", &tinh).await;
        assert_eq!(r.status_code(), StatusCode::OK);
        assert!(r.text().contains(ISSUED));
        let r = post(&server, "/admin/users/tn-admin/reset-password", &tinh).await;
        assert_eq!(r.status_code(), StatusCode::NOT_FOUND);
    }
);

/// The user-change rows of `key` that `viewer` sees, over the API and on the audit page.
async fn seen(server: &TestServer, store: &Store, viewer: &str, key: &str) -> usize {
    let who = session_of(store, viewer).await;
    let r =
        as_user(server.get("/api/v1/audit").add_query_param("kind", "user").add_query_param("key", key), &who).await;
    assert_eq!(r.status_code(), StatusCode::OK, "{viewer}: {}", r.text());
    let rows = r.json::<Vec<Value>>();
    assert!(rows.iter().all(|a| a["record_key"] == key));
    let page = as_user(server.get("/audit").add_query_param("kind", "user").add_query_param("key", key), &who).await;
    assert_eq!(
        page.text().contains(&format!("Tài khoản: {key}")),
        !rows.is_empty(),
        "{viewer}: the page agrees with the API"
    );
    rows.len()
}

on_both_databases!(
    /// Every user change (add, reset, disable, one's own password change) leaves an audit row
    /// that the account's commune staff and its province's admin see, and no one else.
    async fn user_changes_are_seen_by_the_admins_above(store) {
        world(&store).await;
        add(&store, "hai-dau-moi", Role::DauMoi, XA_HAI).await;
        add(&store, "tn-dau-moi", Role::DauMoi, THU_NGHIEM).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let tinh = session_of(&store, "tinh-admin").await;
        let ml = session_of(&store, "ml-admin").await;
        let mau = session_of(&store, "mau-admin").await;

        let r = as_user(server.post("/admin/users"), &tinh)
            .form(&[("username", "ct-moi"), ("full_name", "Cấp trên mới"), ("role", "cap_tren")])
            .await;
        assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
        assert_eq!(post(&server, "/admin/users/ct-moi/reset-password", &tinh).await.status_code(), StatusCode::OK);
        assert_eq!(post(&server, "/admin/users/so-khcn/disable", &tinh).await.status_code(), StatusCode::SEE_OTHER);
        let r = as_user(server.post("/admin/users"), &ml)
            .form(&[("username", "ml-moi"), ("full_name", "Người mới"), ("role", "dau_moi")])
            .await;
        assert_eq!(r.status_code(), StatusCode::OK);
        assert_eq!(post(&server, "/admin/users/ml-moi/disable", &ml).await.status_code(), StatusCode::SEE_OTHER);
        assert_eq!(post(&server, "/admin/users/hai-dau-moi/reset-password", &tinh).await.status_code(), StatusCode::OK);
        assert_eq!(post(&server, "/admin/users/tn-dau-moi/disable", &mau).await.status_code(), StatusCode::SEE_OTHER);
        // One's own password change, by the API.
        store.set_password("ml-lanh-dao", &kehoach_web::auth::password::hash("mat-khau-cu-2026").unwrap(), false, TEST).await.unwrap();
        let own = session_of(&store, "ml-lanh-dao").await;
        let r = as_user(server.post("/api/v1/me/password"), &own)
            .json(&json!({"current": "mat-khau-cu-2026", "new": "mat-khau-moi-2026"}))
            .await;
        assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());

        // (key, rows written by the web, who sees them); every other viewer sees none.
        let cases: &[(&str, usize, &[&str])] = &[
            ("ct-moi", 2, &["tinh-admin"]),
            ("so-khcn", 1, &["tinh-admin"]),
            ("ml-moi", 2, &["tinh-admin", "ml-admin", "ml-lanh-dao"]),
            ("ml-lanh-dao", 1, &["tinh-admin", "ml-admin", "ml-lanh-dao"]),
            ("hai-dau-moi", 1, &["tinh-admin", "hai-admin"]),
            ("tn-dau-moi", 1, &["mau-admin", "tn-admin"]),
        ];
        let viewers = ["tinh-admin", "ml-admin", "ml-lanh-dao", "hai-admin", "mau-admin", "tn-admin"];
        for (key, changes, who_sees) in cases {
            for viewer in viewers {
                let n = seen(&server, &store, viewer, key).await;
                if who_sees.contains(&viewer) {
                    // The rows of the web's changes, and the store's own (the test's set-up) too.
                    assert!(n >= *changes, "{viewer} sees {n} rows of {key}, expected at least {changes}");
                } else {
                    assert_eq!(n, 0, "{viewer} must not see {key}'s rows");
                }
            }
        }
        // The rows carry the account's place and who did it.
        let trail = store.audit_trail("user", "ct-moi").await.unwrap();
        assert_eq!(trail.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(), ["user.add", "user.reset_password"]);
        assert!(trail.iter().all(|a| a.actor == "tinh-admin"));
        let own_rows = store.audit_trail("user", "ml-lanh-dao").await.unwrap();
        assert_eq!(own_rows.last().unwrap().action, "user.change_password");
    }
);
