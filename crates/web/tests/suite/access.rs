//! Accounts and access: the role × route matrix, a unit's isolation, sessions, CSRF, sign-in
//! throttling, and the audit rows every change leaves. On SQLite and PostgreSQL.

use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum_test::multipart::{MultipartForm, Part};
use axum_test::{TestResponse, TestServer};
use chrono::{Duration, Utc};
use kehoach_domain::{Action, Role, Unit, UnitKind};
use kehoach_store::{Actor, NewUser, Store, on_both_databases};
use kehoach_web::auth::{password, session};
use serde_json::{Value, json};

const TEST: Actor<'static> = Actor { name: "test", address: None };
const PLAN: &str = "muong-la-2026";
/// The password of every test user.
const PASSWORD: &str = "mat-khau-thu-2026";

/// The people of the tests: who they are, their role, commune and unit.
const PEOPLE: &[(&str, Role, Option<&str>, Option<&str>)] = &[
    ("quan-tri", Role::Admin, Some("muong-la"), None),
    ("lanh-dao", Role::LanhDao, Some("muong-la"), None),
    ("dau-moi", Role::DauMoi, Some("muong-la"), None),
    ("ban-a", Role::DonVi, Some("muong-la"), Some("ban-a")),
    ("ban-b", Role::DonVi, Some("muong-la"), Some("ban-b")),
    ("so-khcn", Role::CapTren, None, None),
    // Someone for the admin to act on.
    ("nguoi-thu", Role::DauMoi, Some("muong-la"), None),
    // The admin of another commune, in another province.
    ("quan-tri-khac", Role::Admin, Some("thu-nghiem"), None),
    // The Ministry: in no province and no commune.
    ("bo-khcn", Role::TrungUong, None, None),
];

/// Two communes' plans, two sample villages, the people above, and two provinces' files: Sơn La
/// (Mường La is its commune 03808) and Tỉnh Mẫu.
async fn world(store: &Store) {
    store.import_plan(&kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap(), TEST).await.unwrap();
    let second = include_str!("../../../plan/tests/fixtures/thu-nghiem-2027.toml");
    store.import_plan(&kehoach_plan::parse(second).unwrap(), TEST).await.unwrap();
    let village =
        |code: &str, name: &str| Unit { code: code.into(), name: name.into(), kind: UnitKind::Village, sample: true };
    store
        .add_units("muong-la", &[village("ban-a", "Bản A (mẫu)"), village("ban-b", "Bản B (mẫu)")], TEST)
        .await
        .unwrap();
    let hash = password::hash(PASSWORD).unwrap();
    for (username, role, commune, unit) in PEOPLE {
        let province = if *commune == Some("thu-nghiem") { "tinh-mau" } else { "son-la" };
        let new = NewUser {
            username: (*username).into(),
            full_name: format!("Người dùng {username}"),
            role: *role,
            province: (*role != Role::TrungUong).then(|| province.into()),
            commune: commune.map(Into::into),
            unit: unit.map(Into::into),
            password_hash: hash.clone(),
            must_change_password: false,
        };
        let user = store.add_user(&new, TEST).await.unwrap().unwrap();
        if *role == Role::TrungUong {
            // The store binds the Ministry to no province and no commune.
            assert_eq!((user.province.as_str(), user.commune.as_deref(), user.unit.as_deref()), ("", None, None));
        }
    }
    crate::nation::provinces(&kehoach_app::App::at_system_time(store.clone())).await;
}

/// A signed-in browser: its cookie header and CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

/// Opens a session for the user straight in the store (no password hashing per request).
async fn browser(store: &Store, username: &str) -> Browser {
    let user = store.user(username).await.unwrap().unwrap();
    let token = session::new_token();
    let csrf = session::new_token();
    let now = Utc::now();
    store
        .create_session(user.id, &session::token_hash(&token), &csrf, None, now, now + Duration::hours(1))
        .await
        .unwrap();
    Browser { cookie: format!("{}={token}", session::COOKIE), csrf }
}

fn header(name: &'static str, value: &str) -> (HeaderName, HeaderValue) {
    (HeaderName::from_static(name), HeaderValue::from_str(value).unwrap())
}

fn is_login_redirect(r: &TestResponse) -> bool {
    r.status_code() == StatusCode::SEE_OTHER
        && r.maybe_header("location").is_some_and(|l| l.to_str().unwrap_or("").starts_with("/login"))
}

/// What each role may do, written out by hand: the policy must agree with it.
fn expected(role: Option<Role>, action: Action) -> bool {
    use Action::*;
    let Some(role) = role else {
        return matches!(action, ReadPublic | SignIn);
    };
    match action {
        ReadPublic | SignIn | OwnAccount => true,
        ManageUsers | ManageUnits | ManagePlans => role == Role::Admin,
        ReadAudit => matches!(role, Role::Admin | Role::LanhDao | Role::DauMoi),
        ReadUnitContact => true,
        EditUnitContact => matches!(role, Role::Admin | Role::DauMoi | Role::DonVi),
        ReadReport => matches!(role, Role::Admin | Role::LanhDao | Role::DauMoi | Role::DonVi),
        EditReport => matches!(role, Role::DauMoi | Role::DonVi),
        ReviewReport => role == Role::DauMoi,
        ReadBoard | ReadConsolidation => matches!(role, Role::Admin | Role::LanhDao | Role::DauMoi),
        EditConsolidation | ManageRequests => role == Role::DauMoi,
        ApproveConsolidation => role == Role::LanhDao,
        ReadCommuneReport => {
            matches!(role, Role::Admin | Role::LanhDao | Role::DauMoi | Role::CapTren | Role::TrungUong)
        }
        ReadProvince => matches!(role, Role::Admin | Role::CapTren | Role::TrungUong),
        DecideCommuneReport => role == Role::CapTren,
        ReadNation => role == Role::TrungUong,
        ReadRegister | ReadProgress | ReadInitiatives => true,
        EditRegister | ScoreInitiatives => matches!(role, Role::LanhDao | Role::DauMoi | Role::DonVi),
        ManageInitiativeRounds => role == Role::DauMoi,
        DecideInitiatives => role == Role::LanhDao,
    }
}

/// A concrete path for a route pattern, inside each signed-in user's own reach.
fn concrete(pattern: &str) -> String {
    pattern
        .replace("{plan}", PLAN)
        .replace("{unit}", "ban-a")
        .replace("{code}", "I.1")
        .replace("{period}", "2026-Q1")
        .replace("{register}", "sang_kien")
        .replace("{id}", "1")
        .replace("{file}", "1")
        .replace("{user}", "nguoi-thu")
        .replace("{record}", "1")
        .replace("{*path}", "style.css")
        .replace("{*rest}", "khong-co")
        .replace("{province}", "son-la")
        .replace("{commune}", "03808")
        .replace("{indicator}", "sang-kien")
        .replace("{sending}", "1")
}

/// Whether a route is out of the user's sight, and so answered as if it did not exist (404):
/// a province's pages for a commune's staff (below the province), and another account for the
/// Ministry (which manages none, in no province).
fn hidden(role: Option<Role>, username: Option<&str>, pattern: &str) -> bool {
    let commune_level = username.is_some_and(|u| PEOPLE.iter().any(|(n, _, commune, _)| *n == u && commune.is_some()));
    (commune_level && pattern.contains("{province}")) || (role == Some(Role::TrungUong) && pattern.contains("{user}"))
}

async fn send(server: &TestServer, method: &Method, path: &str, who: Option<&Browser>) -> TestResponse {
    let mut request = server.method(method.clone(), path);
    if let Some(b) = who {
        let (name, value) = header("cookie", &b.cookie);
        request = request.add_header(name, value);
        let (name, value) = header("x-csrf-token", &b.csrf);
        request = request.add_header(name, value);
    }
    if *method != Method::GET {
        request = if path.starts_with("/api/") { request.json(&json!({})) } else { request.form(&[("x", "")]) };
    }
    request.await
}

on_both_databases!(
    /// Every route of the router, with every role: allowed or refused as the table says.
    async fn role_by_route_matrix(store) {
        world(&store).await;
        let rules = kehoach_web::routes().rules().to_vec();
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let principals: Vec<(Option<Role>, Option<&str>)> = std::iter::once((None, None))
            .chain([("quan-tri", Role::Admin), ("lanh-dao", Role::LanhDao), ("dau-moi", Role::DauMoi), ("ban-a", Role::DonVi), ("so-khcn", Role::CapTren), ("bo-khcn", Role::TrungUong)]
                .into_iter()
                .map(|(u, r)| (Some(r), Some(u))))
            .collect();
        let mut checked = 0;
        for rule in &rules {
            let path = concrete(rule.path);
            for (role, username) in &principals {
                let who = match username {
                    Some(u) => Some(browser(&store, u).await),
                    None => None,
                };
                let response = send(&server, &rule.method, &path, who.as_ref()).await;
                let status = response.status_code();
                let refused = status == StatusCode::FORBIDDEN
                    || (status == StatusCode::UNAUTHORIZED && rule.action != Action::SignIn)
                    || is_login_redirect(&response);
                let label = format!("{} {} as {:?}: {status}", rule.method, rule.path, role);
                if hidden(*role, *username, rule.path) {
                    assert_eq!(status, StatusCode::NOT_FOUND, "{label} should be out of sight");
                } else if expected(*role, rule.action) {
                    assert!(!refused, "{label} should be allowed ({})", response.text());
                    assert!(!status.is_server_error(), "{label}: {}", response.text());
                } else {
                    assert!(refused, "{label} should be refused");
                }
                checked += 1;
            }
        }
        assert!(rules.len() >= 30, "{} routes", rules.len());
        // Issue 13's levels are walked: the province's reads and decisions, the nation's view.
        for action in [Action::ReadProvince, Action::DecideCommuneReport, Action::ReadNation] {
            assert!(rules.iter().any(|r| r.action == action), "no route does {action:?}");
        }
        println!("role × route matrix: {} routes × {} principals = {checked} requests", rules.len(), principals.len());
    }
);

on_both_databases!(
    /// A route added without a rule is refused for everyone, the admin included: the guard
    /// fails closed, so the matrix above covers every reachable route.
    async fn a_route_without_a_policy_is_refused(store) {
        world(&store).await;
        let routes = kehoach_web::routes().route_without_rule("/mo-ra", axum::routing::get(|| async { "open" }));
        assert!(!routes.rules().iter().any(|r| r.path == "/mo-ra"));
        let server = TestServer::new(kehoach_web::with_routes(store.clone(), routes));
        for user in [None, Some("quan-tri"), Some("ban-a")] {
            let who = match user {
                Some(u) => Some(browser(&store, u).await),
                None => None,
            };
            let r = send(&server, &Method::GET, "/mo-ra", who.as_ref()).await;
            assert_eq!(r.status_code(), StatusCode::FORBIDDEN, "{user:?}");
            assert!(r.text().contains("chưa được phân quyền"));
        }
    }
);

on_both_databases!(
    /// A village's reporter reaches its own unit only; guessing another's code finds nothing.
    async fn a_village_cannot_reach_another_village(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let a = browser(&store, "ban-a").await;
        let own = "/api/v1/plans/muong-la-2026/units/ban-a/contact";
        let other = "/api/v1/plans/muong-la-2026/units/ban-b/contact";
        let body = json!({"name": "Lò Văn Ánh, trưởng bản", "phone": "0912 345 678"});

        let put = |path: &'static str| {
            server
                .put(path)
                .add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&a.cookie).unwrap())
                .add_header(HeaderName::from_static("x-csrf-token"), HeaderValue::from_str(&a.csrf).unwrap())
                .json(&body)
        };
        assert_eq!(put(own).await.status_code(), StatusCode::OK);
        let refused = put(other).await;
        assert_eq!(refused.status_code(), StatusCode::NOT_FOUND, "not 403: nothing tells that ban-b exists");
        assert_eq!(refused.json::<Value>()["error"]["code"], "not_found");
        for path in [other, "/plans/muong-la-2026/units/ban-b/contact", "/api/v1/plans/muong-la-2026/units/ban-khong-co/contact"] {
            let r = server.get(path).add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&a.cookie).unwrap()).await;
            assert_eq!(r.status_code(), StatusCode::NOT_FOUND, "{path}");
        }
        let form = server
            .post("/plans/muong-la-2026/units/ban-b/contact")
            .add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&a.cookie).unwrap())
            .form(&[("csrf", a.csrf.as_str()), ("name", "Kẻ mạo danh")])
            .await;
        assert_eq!(form.status_code(), StatusCode::NOT_FOUND);
        // Nothing of ban-b changed; ban-a's contact is kept exactly.
        let stored_b = store.unit_contact("son-la", "muong-la", "ban-b").await.unwrap().unwrap();
        assert_eq!(stored_b.name, None);
        let stored_a = store.unit_contact("son-la", "muong-la", "ban-a").await.unwrap().unwrap();
        assert_eq!(stored_a.name.as_deref(), Some("Lò Văn Ánh, trưởng bản"));

        // A refused action the user may know of is 403 with a reason.
        let audit = server.get("/api/v1/audit").add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&a.cookie).unwrap()).await;
        assert_eq!(audit.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(audit.json::<Value>()["error"]["message"], "Vai trò của bạn không được phép làm việc này.");
    }
);

on_both_databases!(
    async fn communes_and_the_province_keep_their_bounds(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let cookie = |b: &Browser| HeaderValue::from_str(&b.cookie).unwrap();
        let csrf = |b: &Browser| HeaderValue::from_str(&b.csrf).unwrap();
        // Another commune's admin cannot act on Mường La's users, nor see its contacts.
        let other_admin = browser(&store, "quan-tri-khac").await;
        let r = server
            .post("/admin/users/nguoi-thu/disable")
            .add_header(HeaderName::from_static("cookie"), cookie(&other_admin))
            .add_header(HeaderName::from_static("x-csrf-token"), csrf(&other_admin))
            .await;
        assert_eq!(r.status_code(), StatusCode::NOT_FOUND);
        assert!(!store.user("nguoi-thu").await.unwrap().unwrap().disabled);
        let r = server.get("/api/v1/plans/muong-la-2026/units/ban-a/contact").add_header(HeaderName::from_static("cookie"), cookie(&other_admin)).await;
        assert_eq!(r.status_code(), StatusCode::NOT_FOUND);

        // The province reads every commune of its province and changes none.
        let province = browser(&store, "so-khcn").await;
        let r = server.get("/api/v1/plans/muong-la-2026/units/ban-a/contact").add_header(HeaderName::from_static("cookie"), cookie(&province)).await;
        assert_eq!(r.status_code(), StatusCode::OK);
        let r = server
            .put("/api/v1/plans/muong-la-2026/units/ban-a/contact")
            .add_header(HeaderName::from_static("cookie"), cookie(&province))
            .add_header(HeaderName::from_static("x-csrf-token"), csrf(&province))
            .json(&json!({"name": "x"}))
            .await;
        assert_eq!(r.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(r.json::<Value>()["error"]["message"], "Cấp trên chỉ được xem, không được thay đổi dữ liệu của xã.");
        // …and nothing outside it.
        let r = server.get("/api/v1/plans/thu-nghiem-2027/units/khu-pho-1/contact").add_header(HeaderName::from_static("cookie"), cookie(&province)).await;
        assert_eq!(r.status_code(), StatusCode::NOT_FOUND);
    }
);

async fn api_login(server: &TestServer, username: &str, password_text: &str) -> TestResponse {
    server.post("/api/v1/auth/login").json(&json!({"username": username, "password": password_text})).await
}

fn session_cookie(r: &TestResponse) -> String {
    let set = r.header("set-cookie");
    set.to_str().unwrap().split(';').next().unwrap().to_owned()
}

on_both_databases!(
    async fn sign_in_sign_out_and_expiry(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let ok = api_login(&server, "dau-moi", PASSWORD).await;
        assert_eq!(ok.status_code(), StatusCode::OK);
        let set = ok.header("set-cookie").to_str().unwrap().to_owned();
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Secure"), "{set}");
        let body = ok.json::<Value>();
        assert_eq!(body["user"]["role"], "dau_moi");
        let csrf = body["csrf_token"].as_str().unwrap().to_owned();
        let cookie = session_cookie(&ok);
        let me = server.get("/api/v1/me").add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&cookie).unwrap()).await;
        assert_eq!(me.json::<Value>()["user"]["username"], "dau-moi");

        // Over HTTPS (as a proxy says) the cookie is Secure.
        let secure = server
            .post("/api/v1/auth/login")
            .add_header(HeaderName::from_static("x-forwarded-proto"), HeaderValue::from_static("https"))
            .json(&json!({"username": "lanh-dao", "password": PASSWORD}))
            .await;
        assert!(secure.header("set-cookie").to_str().unwrap().contains("; Secure"));

        // Sign out ends the session.
        let out = server
            .post("/api/v1/auth/logout")
            .add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&cookie).unwrap())
            .add_header(HeaderName::from_static("x-csrf-token"), HeaderValue::from_str(&csrf).unwrap())
            .await;
        assert_eq!(out.status_code(), StatusCode::NO_CONTENT);
        let me = server.get("/api/v1/me").add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&cookie).unwrap()).await;
        assert_eq!(me.status_code(), StatusCode::UNAUTHORIZED);

        // An expired session is no session.
        let user = store.user("dau-moi").await.unwrap().unwrap();
        let token = session::new_token();
        let past = Utc::now() - Duration::hours(2);
        store.create_session(user.id, &session::token_hash(&token), "x", None, past, past + Duration::hours(1)).await.unwrap();
        let me = server.get("/api/v1/me").add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&format!("kh_session={token}")).unwrap()).await;
        assert_eq!(me.status_code(), StatusCode::UNAUTHORIZED);
        // A page asks to sign in and comes back afterwards.
        let page = server.get("/audit").add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&format!("kh_session={token}")).unwrap()).await;
        assert_eq!(page.status_code(), StatusCode::SEE_OTHER);
        assert_eq!(page.header("location"), "/login?next=/audit");

        // A disabled user's sessions end and they cannot sign in.
        let b = browser(&store, "nguoi-thu").await;
        store.disable_user("nguoi-thu", TEST).await.unwrap();
        let me = server.get("/api/v1/me").add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&b.cookie).unwrap()).await;
        assert_eq!(me.status_code(), StatusCode::UNAUTHORIZED);
        assert_eq!(api_login(&server, "nguoi-thu", PASSWORD).await.status_code(), StatusCode::UNAUTHORIZED);
    }
);

on_both_databases!(
    async fn the_web_form_signs_in(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let wrong = server.post("/login").form(&[("username", "lanh-dao"), ("password", "sai-mat-khau"), ("next", "/audit")]).await;
        assert_eq!(wrong.status_code(), StatusCode::UNAUTHORIZED);
        assert!(wrong.text().contains("Tên đăng nhập hoặc mật khẩu không đúng."));
        let ok = server.post("/login").form(&[("username", "Lanh-Dao ", ), ("password", PASSWORD), ("next", "/audit")]).await;
        assert_eq!(ok.status_code(), StatusCode::SEE_OTHER);
        assert_eq!(ok.header("location"), "/audit");
        let cookie = session_cookie(&ok);
        let audit = server.get("/audit").add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&cookie).unwrap()).await;
        assert_eq!(audit.status_code(), StatusCode::OK);
        assert!(audit.text().contains("Nhật ký thay đổi"));
        // Never sent elsewhere after signing in.
        let ok = server.post("/login").form(&[("username", "lanh-dao"), ("password", PASSWORD), ("next", "//example.com")]).await;
        assert_eq!(ok.header("location"), "/");
    }
);

on_both_databases!(
    async fn failed_sign_ins_are_slowed_per_account(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        for _ in 0..4 {
            assert_eq!(api_login(&server, "lanh-dao", "sai-mat-khau").await.status_code(), StatusCode::UNAUTHORIZED);
        }
        let locked = api_login(&server, "lanh-dao", "sai-mat-khau").await;
        assert_eq!(locked.status_code(), StatusCode::TOO_MANY_REQUESTS);
        assert!(locked.header("retry-after").to_str().unwrap().parse::<i64>().unwrap() > 0);
        let body = locked.json::<Value>();
        assert_eq!(body["error"]["code"], "too_many_attempts");
        assert!(body["error"]["message"].as_str().unwrap().contains("Vui lòng thử lại sau 15 phút"), "{body}");
        // Even the right password waits until the lock ends; other accounts are not affected.
        assert_eq!(api_login(&server, "lanh-dao", PASSWORD).await.status_code(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(api_login(&server, "dau-moi", PASSWORD).await.status_code(), StatusCode::OK);
        // An unknown name answers like a wrong password: it does not tell which names exist.
        let unknown = api_login(&server, "khong-co-ai", "x").await;
        assert_eq!(unknown.status_code(), StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.json::<Value>()["error"]["message"], "Tên đăng nhập hoặc mật khẩu không đúng.");
    }
);

on_both_databases!(
    async fn changing_a_password_ends_the_other_sessions(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let phone = browser(&store, "dau-moi").await;
        let desktop = browser(&store, "dau-moi").await;
        let change = |b: &Browser, current: &str, new: &str| {
            server
                .post("/api/v1/me/password")
                .add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&b.cookie).unwrap())
                .add_header(HeaderName::from_static("x-csrf-token"), HeaderValue::from_str(&b.csrf).unwrap())
                .json(&json!({"current": current, "new": new}))
        };
        let weak = change(&desktop, PASSWORD, "ngan").await;
        assert_eq!(weak.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(weak.json::<Value>()["error"]["message"], "Mật khẩu mới phải có ít nhất 10 ký tự.");
        let wrong = change(&desktop, "sai-mat-khau", "mat-khau-moi-2026").await;
        assert_eq!(wrong.status_code(), StatusCode::UNPROCESSABLE_ENTITY);

        let ok = change(&desktop, PASSWORD, "mat-khau-moi-2026").await;
        assert_eq!(ok.status_code(), StatusCode::OK);
        let new_cookie = session_cookie(&ok);
        let me = |cookie: &str| server.get("/api/v1/me").add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(cookie).unwrap());
        assert_eq!(me(&phone.cookie).await.status_code(), StatusCode::UNAUTHORIZED, "the phone's session ended");
        assert_eq!(me(&desktop.cookie).await.status_code(), StatusCode::UNAUTHORIZED, "the old desktop session too");
        assert_eq!(me(&new_cookie).await.status_code(), StatusCode::OK, "a new session for the one who changed it");
        assert_eq!(api_login(&server, "dau-moi", "mat-khau-moi-2026").await.status_code(), StatusCode::OK);
        let audit = store.audit_trail("user", "dau-moi").await.unwrap();
        assert_eq!(audit.last().unwrap().action, "user.change_password");
        assert!(!audit.iter().any(|a| a.after_json.as_deref().unwrap_or("").contains("argon2")), "no hash in the audit trail");
    }
);

on_both_databases!(
    async fn writes_without_the_csrf_token_are_refused(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let b = browser(&store, "dau-moi").await;
        let path = "/api/v1/plans/muong-la-2026/units/ban-a/contact";
        let cookie = HeaderValue::from_str(&b.cookie).unwrap();
        let body = json!({"name": "Người phụ trách"});
        let no_token = server.put(path).add_header(HeaderName::from_static("cookie"), cookie.clone()).json(&body).await;
        assert_eq!(no_token.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(no_token.json::<Value>()["error"]["message"], "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.");
        let wrong = server
            .put(path)
            .add_header(HeaderName::from_static("cookie"), cookie.clone())
            .add_header(HeaderName::from_static("x-csrf-token"), HeaderValue::from_static("sai"))
            .json(&body)
            .await;
        assert_eq!(wrong.status_code(), StatusCode::FORBIDDEN);
        let cross_site = server
            .put(path)
            .add_header(HeaderName::from_static("cookie"), cookie.clone())
            .add_header(HeaderName::from_static("x-csrf-token"), HeaderValue::from_str(&b.csrf).unwrap())
            .add_header(HeaderName::from_static("sec-fetch-site"), HeaderValue::from_static("cross-site"))
            .json(&body)
            .await;
        assert_eq!(cross_site.status_code(), StatusCode::FORBIDDEN);
        let other_origin = server
            .post("/login")
            .add_header(HeaderName::from_static("origin"), HeaderValue::from_static("http://example.com"))
            .add_header(HeaderName::from_static("host"), HeaderValue::from_static("localhost"))
            .form(&[("username", "dau-moi"), ("password", PASSWORD)])
            .await;
        assert_eq!(other_origin.status_code(), StatusCode::FORBIDDEN);
        // A form without the token is refused; with it, saved.
        let form_path = "/plans/muong-la-2026/units/ban-a/contact";
        let bare = server.post(form_path).add_header(HeaderName::from_static("cookie"), cookie.clone()).form(&[("name", "x")]).await;
        assert_eq!(bare.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(store.unit_contact("son-la", "muong-la", "ban-a").await.unwrap().unwrap().name, None);
        let good = server
            .post(form_path)
            .add_header(HeaderName::from_static("cookie"), cookie)
            .form(&[("csrf", b.csrf.as_str()), ("name", "Người phụ trách"), ("phone", "0212 3456 789")])
            .await;
        assert_eq!(good.status_code(), StatusCode::SEE_OTHER);
        assert_eq!(store.unit_contact("son-la", "muong-la", "ban-a").await.unwrap().unwrap().name.as_deref(), Some("Người phụ trách"));
    }
);

on_both_databases!(
    async fn a_one_time_password_must_be_changed_first(store) {
        world(&store).await;
        store.set_password("lanh-dao", &password::hash("mot-lan-dung-2026").unwrap(), true, TEST).await.unwrap();
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let signed = server.post("/login").form(&[("username", "lanh-dao"), ("password", "mot-lan-dung-2026")]).await;
        assert_eq!(signed.header("location"), "/account");
        let cookie = HeaderValue::from_str(&session_cookie(&signed)).unwrap();
        let audit = server.get("/audit").add_header(HeaderName::from_static("cookie"), cookie.clone()).await;
        assert_eq!(audit.header("location"), "/account");
        let api = server.get("/api/v1/audit").add_header(HeaderName::from_static("cookie"), cookie.clone()).await;
        assert_eq!(api.status_code(), StatusCode::FORBIDDEN);
        let account = server.get("/account").add_header(HeaderName::from_static("cookie"), cookie).await;
        assert!(account.text().contains("mật khẩu dùng một lần"));
    }
);

on_both_databases!(
    /// Every kind of change leaves its audit row: who, when, from where, before and after.
    async fn every_change_is_in_the_audit_trail(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let admin = browser(&store, "quan-tri").await;
        let with = |r: axum_test::TestRequest| {
            r.add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&admin.cookie).unwrap())
                .add_header(HeaderName::from_static("x-csrf-token"), HeaderValue::from_str(&admin.csrf).unwrap())
        };
        // A unit by form, units by CSV, a unit by API, a contact, a user added, reset, disabled.
        let r = with(server.post("/plans/muong-la-2026/units")).form(&[("code", "ban-c"), ("name", "Bản C (mẫu)"), ("kind", "village"), ("sample", "1")]).await;
        assert_eq!(r.status_code(), StatusCode::SEE_OTHER);
        let csv = "code,name,kind,sample\ntk-1,Tiểu khu 1 (mẫu),quarter,true\n";
        let r = with(server.post("/plans/muong-la-2026/units/import"))
            .multipart(MultipartForm::new().add_part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("units.csv").mime_type("text/csv")))
            .await;
        assert_eq!(r.status_code(), StatusCode::SEE_OTHER, "{}", r.text());
        let bad_csv = "code,name,kind\nBAD CODE,,hamlet\n";
        let r = with(server.post("/plans/muong-la-2026/units/import"))
            .multipart(MultipartForm::new().add_part("file", Part::bytes(bad_csv.as_bytes().to_vec()).file_name("bad.csv").mime_type("text/csv")))
            .await;
        assert_eq!(r.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Dòng 2"), "{}", r.text());
        let r = with(server.post("/api/v1/plans/muong-la-2026/units")).json(&json!({"code": "htx-mau", "name": "HTX Mẫu (mẫu)", "kind": "cooperative", "sample": true})).await;
        assert_eq!(r.status_code(), StatusCode::CREATED);
        let dup = with(server.post("/api/v1/plans/muong-la-2026/units")).json(&json!({"code": "htx-mau", "name": "Lại", "kind": "cooperative"})).await;
        assert_eq!(dup.status_code(), StatusCode::CONFLICT);
        let r = with(server.put("/api/v1/plans/muong-la-2026/units/ban-c/contact")).json(&json!({"name": "Cầm Thị Hoà", "phone": "0987654321"})).await;
        assert_eq!(r.status_code(), StatusCode::OK);
        let r = with(server.post("/admin/users")).form(&[("username", "ban-c"), ("full_name", "Cầm Thị Hoà"), ("role", "don_vi"), ("unit", "ban-c")]).await;
        assert_eq!(r.status_code(), StatusCode::OK);
        assert_eq!(r.header("cache-control"), "no-store");
        assert!(r.text().contains("Mật khẩu này chỉ hiện một lần"));
        let r = with(server.post("/admin/users/ban-c/reset-password")).await;
        assert!(r.text().contains("Mật khẩu này chỉ hiện một lần"));
        let r = with(server.post("/admin/users/ban-c/disable")).await;
        assert_eq!(r.status_code(), StatusCode::SEE_OTHER);
        let myself = with(server.post("/admin/users/quan-tri/disable")).await;
        assert!(myself.text().contains("Bạn không thể tự khóa tài khoản của mình."));

        let trail = with(server.get("/api/v1/audit").add_query_param("actor", "quan-tri")).await.json::<Vec<Value>>();
        let actions: Vec<&str> = trail.iter().map(|a| a["action"].as_str().unwrap()).collect();
        for expected in ["unit.add", "unit.contact", "user.add", "user.reset_password", "user.disable"] {
            assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
        }
        assert_eq!(actions.iter().filter(|a| **a == "unit.add").count(), 3);
        let contact = trail.iter().find(|a| a["action"] == "unit.contact").unwrap();
        assert_eq!(contact["record_key"], "muong-la/ban-c");
        assert!(contact["after_json"].as_str().unwrap().contains("Cầm Thị Hoà"));
        assert!(contact["before_json"].as_str().unwrap().contains("null"));
        // Filters: by record, by day (Vietnam time); a bad date is a clear error.
        let by_record = with(server.get("/api/v1/audit").add_query_param("kind", "user").add_query_param("key", "ban-c")).await.json::<Vec<Value>>();
        assert_eq!(by_record.len(), 3);
        let today = (Utc::now() + Duration::hours(7)).format("%Y-%m-%d").to_string();
        let today_rows = with(server.get("/api/v1/audit").add_query_param("from", &today).add_query_param("to", &today)).await.json::<Vec<Value>>();
        assert!(today_rows.len() >= trail.len());
        let bad = with(server.get("/api/v1/audit").add_query_param("from", "05/03/2026")).await;
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = with(server.get("/audit").add_query_param("kind", "unit")).await.text();
        // In words: the action, and the unit by its name.
        assert!(page.contains("Cập nhật đầu mối liên hệ của đơn vị") && page.contains("Đơn vị: Bản C"), "{page}");
        // Another commune's admin sees none of it.
        let other = browser(&store, "quan-tri-khac").await;
        let theirs = server
            .get("/api/v1/audit")
            .add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&other.cookie).unwrap())
            .await
            .json::<Vec<Value>>();
        assert!(!theirs.iter().any(|a| a["record_key"].as_str().unwrap_or("").starts_with("muong-la")), "{theirs:?}");
    }
);

on_both_databases!(
    /// A village's reporter is offered their own unit after signing in, and sees its work.
    async fn a_village_reporter_sees_their_unit(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let signed = server.post("/login").form(&[("username", "ban-a"), ("password", PASSWORD)]).await;
        let cookie = HeaderValue::from_str(&session_cookie(&signed)).unwrap();
        let home = server.get("/").add_header(HeaderName::from_static("cookie"), cookie.clone()).await;
        assert_eq!(home.status_code(), StatusCode::OK);
        assert!(home.text().contains("href=\"/plans/muong-la-2026/units/ban-a\""), "their own unit is offered");
        let page = server.get("/plans/muong-la-2026/units/ban-a").add_header(HeaderName::from_static("cookie"), cookie.clone()).await.text();
        assert!(page.contains("Bản A (mẫu)"));
        assert!(page.contains("/plans/muong-la-2026/units/ban-a/contact"), "their contact page is offered");
        let other = server.get("/plans/muong-la-2026/units/ban-b").add_header(HeaderName::from_static("cookie"), cookie).await.text();
        assert!(!other.contains("/units/ban-b/contact"), "not another unit's");
    }
);

on_both_databases!(
    /// The admin loads a new version of the commune's plan over the web; a damaged file is
    /// refused with every problem at its line and column; another commune's plan is refused.
    async fn the_admin_loads_plan_files(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let admin = browser(&store, "quan-tri").await;
        let with = |r: axum_test::TestRequest| {
            r.add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&admin.cookie).unwrap())
                .add_header(HeaderName::from_static("x-csrf-token"), HeaderValue::from_str(&admin.csrf).unwrap())
        };
        let seed = kehoach_plan::DEFAULT_PLAN;
        let same = with(server.post("/api/v1/plans")).text(seed).await;
        assert_eq!(same.status_code(), StatusCode::OK);
        assert_eq!(same.json::<Value>()["changed"], false);

        let newer = seed.replacen("Duy trì 01 cán bộ phụ trách", "Duy trì 02 cán bộ phụ trách", 1);
        let updated = with(server.post("/api/v1/plans")).text(newer).await;
        assert_eq!(updated.status_code(), StatusCode::OK);
        assert_eq!(updated.json::<Value>()["changed"], true);
        let plan = store.plan(PLAN).await.unwrap().unwrap();
        assert_eq!(plan.indicator("I.1").unwrap().target.text, "Duy trì 02 cán bộ phụ trách");
        assert_eq!(store.audit_trail("plan", PLAN).await.unwrap().last().unwrap().actor, "quan-tri");

        let damaged = seed.replacen("deadline_day = 5", "deadline_day = 31", 1);
        let line = damaged[..damaged.find("deadline_day = 31").unwrap()].matches('\n').count() + 1;
        let refused = with(server.post("/api/v1/plans")).text(damaged.clone()).await;
        assert_eq!(refused.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = refused.json::<Value>();
        assert_eq!(body["problems"][0]["line"], line);
        assert_eq!(body["problems"][0]["column"], 16);
        assert_eq!(body["problems"][0]["message"], "ngày 31 không có trong tháng 6");
        let page = with(server.post("/admin/plans"))
            .multipart(MultipartForm::new().add_part("file", Part::bytes(damaged.into_bytes()).file_name("ke-hoach.toml")))
            .await;
        assert_eq!(page.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.text().contains(&format!("ke-hoach.toml:{line}:16")), "{}", page.text());

        let other = include_str!("../../../plan/tests/fixtures/thu-nghiem-2027.toml");
        let foreign = with(server.post("/api/v1/plans")).text(other).await;
        assert_eq!(foreign.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(foreign.json::<Value>()["error"]["message"], "Kế hoạch này thuộc một xã mà bạn không quản lý.");
        // Nothing was written by the refused uploads.
        assert_eq!(store.plan(PLAN).await.unwrap().unwrap().reporting.deadline_day, 5);
    }
);

on_both_databases!(
    /// Issue 13's bounds: a province's department never sees another province (its pages, its
    /// communes' reports), a commune never sees its province's pages nor another commune, and the
    /// Ministry sees every province.
    async fn provinces_and_communes_never_see_each_other(store) {
        world(&store).await;
        let mau = NewUser {
            username: "so-khcn-mau".into(),
            full_name: "Sở KH&CN tỉnh Mẫu".into(),
            role: Role::CapTren,
            province: Some("tinh-mau".into()),
            commune: None,
            unit: None,
            password_hash: password::hash(PASSWORD).unwrap(),
            must_change_password: false,
        };
        store.add_user(&mau, TEST).await.unwrap().unwrap();
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let get = |path: String, who: &Browser| {
            server.get(&path).add_header(HeaderName::from_static("cookie"), HeaderValue::from_str(&who.cookie).unwrap())
        };
        let province_paths = |slug: &str, commune: &str| {
            vec![
                format!("/province/{slug}"),
                format!("/province/{slug}/rollup"),
                format!("/province/{slug}/indicators/sang-kien"),
                format!("/province/{slug}/communes/{commune}"),
                format!("/api/v1/provinces/{slug}/board"),
                format!("/api/v1/provinces/{slug}/rollup"),
                format!("/api/v1/provinces/{slug}/communes/{commune}"),
            ]
        };
        let son_la = province_paths("son-la", "03808");
        let tinh_mau = province_paths("tinh-mau", "99001");
        // (who, paths answered, paths hidden)
        let cases: [(&str, &[String], &[String]); 3] = [
            ("so-khcn", &son_la, &tinh_mau),
            ("so-khcn-mau", &tinh_mau, &son_la),
            ("bo-khcn", &[son_la.clone(), tinh_mau.clone()].concat(), &[]),
        ];
        for (username, seen, unseen) in cases {
            let who = browser(&store, username).await;
            for path in seen {
                let r = get(path.clone(), &who).await;
                assert_eq!(r.status_code(), StatusCode::OK, "{username} reads {path}: {}", r.text());
            }
            for path in unseen {
                let r = get(path.clone(), &who).await;
                assert_eq!(r.status_code(), StatusCode::NOT_FOUND, "{username} must not see {path}");
                assert!(!r.text().contains("Sơn La") && !r.text().contains("Tỉnh Mẫu"), "{username}: nothing of {path}");
            }
        }
        // Another province's commune: its plan's pages that the province reads are out of sight.
        let so = browser(&store, "so-khcn").await;
        for path in ["/api/v1/plans/thu-nghiem-2027/units/khu-pho-1/contact", "/api/v1/plans/thu-nghiem-2027/periods/2027-Q1/commune-report"] {
            assert_eq!(get(path.into(), &so).await.status_code(), StatusCode::NOT_FOUND, "{path}");
        }
        // A commune sees neither its province's pages nor another commune.
        for username in ["lanh-dao", "quan-tri", "dau-moi", "ban-a"] {
            let who = browser(&store, username).await;
            for path in son_la.iter().chain(&tinh_mau) {
                assert_eq!(get(path.clone(), &who).await.status_code(), StatusCode::NOT_FOUND, "{username}: {path}");
            }
            for path in ["/api/v1/plans/thu-nghiem-2027/units/khu-pho-1/contact", "/plans/thu-nghiem-2027/periods/2027-Q1/board"] {
                assert_eq!(get(path.into(), &who).await.status_code(), StatusCode::NOT_FOUND, "{username}: {path}");
            }
        }
        let other = browser(&store, "quan-tri-khac").await;
        for path in ["/api/v1/plans/muong-la-2026/units/ban-a/contact", "/plans/muong-la-2026/periods/2026-Q1/board", "/audit?kind=unit"] {
            let r = get(path.into(), &other).await;
            assert!(r.status_code() == StatusCode::NOT_FOUND || !r.text().contains("Bản A"), "quan-tri-khac: {path}");
        }
    }
);

on_both_databases!(
    /// Another commune's public plan page carries no link into that commune's signed-in pages
    /// (they would answer 404); one's own plan page does, and a visitor's leads to sign in.
    async fn another_communes_plan_links_only_where_one_may_go(store) {
        world(&store).await;
        let server = TestServer::new(kehoach_web::router(store.clone()));
        let officer = browser(&store, "dau-moi").await;
        let other = send(&server, &Method::GET, "/plans/thu-nghiem-2027", Some(&officer)).await;
        assert_eq!(other.status_code(), StatusCode::OK);
        for page in ["progress", "registers", "initiatives", "requests"] {
            let link = format!("href=\"/plans/thu-nghiem-2027/{page}\"");
            assert!(!other.text().contains(&link), "no link to {page} of another commune");
            let followed = send(&server, &Method::GET, &format!("/plans/thu-nghiem-2027/{page}"), Some(&officer)).await;
            assert_eq!(followed.status_code(), StatusCode::NOT_FOUND, "{page}");
        }
        let own = send(&server, &Method::GET, &format!("/plans/{PLAN}"), Some(&officer)).await.text();
        assert!(own.contains(&format!("href=\"/plans/{PLAN}/progress\"")), "one's own commune's progress");
        let visitor = send(&server, &Method::GET, "/plans/thu-nghiem-2027", None).await.text();
        assert!(visitor.contains("href=\"/plans/thu-nghiem-2027/progress\""), "a visitor is led to sign in");
    }
);
