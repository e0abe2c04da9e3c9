//! The API description (`/api/v1/openapi.json`) against the router and against real answers:
//! every route the router serves under `/api/v1` is described with its method and every
//! described operation is served; a route of the API cannot be registered undescribed, nor with
//! another handler's description; and a tour of the whole API over a commune with data gets,
//! for every operation, at least one real success whose status, content type and JSON body are
//! what the description says (bodies validated against its schemas with a JSON Schema
//! validator), with every request body sent validated against the request's schema.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use axum_test::multipart::{MultipartForm, Part};
use axum_test::{TestResponse, TestServer};
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_domain::{Action, Role};
use kehoach_store::testing::{Backend, TestDb};
use kehoach_store::{NewUser, Store, on_both_databases};
use kehoach_web::policy::Routes;
use serde_json::{Value, json};

use crate::common::{self, TEST, Who, as_user, session_of};

const PLAN: &str = "/api/v1/plans/muong-la-2026";
const REPORT: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/ban-a";
const Q1: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1";

/// The methods an OpenAPI path item may hold, as its keys spell them.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation of a description: (method in lower case, path).
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut all = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(method).is_some() {
                all.insert((method.to_owned(), path.clone()));
            }
        }
    }
    all
}

/// SQLite only: the description is made from the routes, not from the database, and this test
/// writes nothing.
#[tokio::test]
async fn every_api_route_is_described_and_every_description_is_served() {
    let db = TestDb::new(Backend::Sqlite).await;
    let server = TestServer::new(kehoach_web::router(db.store.clone()));
    let served = server.get("/api/v1/openapi.json").await;
    assert_eq!(served.status_code(), StatusCode::OK);
    assert_eq!(served.header("content-type"), "application/json");
    let doc = served.json::<Value>();
    assert_eq!(doc["openapi"], "3.1.0");
    let described = operations(&doc);

    let routes = kehoach_web::routes();
    let served: BTreeSet<(String, String)> =
        routes.rules().iter().map(|r| (r.method.as_str().to_lowercase(), r.path.to_owned())).collect();
    let api: BTreeSet<&(String, String)> = served.iter().filter(|(_, path)| path.starts_with("/api/v1/")).collect();
    assert!(api.len() >= 57, "only {} API routes", api.len());
    let undescribed: Vec<_> = api.iter().filter(|op| !described.contains(*op)).collect();
    assert!(undescribed.is_empty(), "served but not in openapi.json: {undescribed:?}");
    let stale: Vec<_> = described.iter().filter(|op| !served.contains(*op)).collect();
    assert!(stale.is_empty(), "in openapi.json but not served: {stale:?}");
    // The reporting cycle and the plan upload, which the hand-kept list had lost.
    for (method, path) in [
        ("post", "/api/v1/plans"),
        ("get", "/api/v1/plans/{plan}/periods"),
        ("put", "/api/v1/plans/{plan}/periods/{period}/reports/{unit}"),
        ("post", "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/reopen"),
        ("get", "/api/v1/plans/{plan}/periods/{period}/reports/{unit}/files/{file}"),
        ("post", "/api/v1/plans/{plan}/periods/{period}/consolidation/approve"),
        ("get", "/api/v1/plans/{plan}/periods/{period}/commune-report"),
        ("post", "/api/v1/plans/{plan}/requests"),
    ] {
        assert!(described.contains(&(method.to_owned(), path.to_owned())), "{method} {path} not described");
    }
    // Path parameters are the path's, no more, no fewer; the rest are in the query.
    for (method, path) in &described {
        let operation = &doc["paths"][path][method];
        let mut in_path: Vec<&str> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .filter_map(|p| p["name"].as_str())
            .collect();
        let mut named: Vec<&str> =
            path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect();
        in_path.sort_unstable();
        named.sort_unstable();
        assert_eq!(in_path, named, "{method} {path}: path parameters");
        assert!(
            operation["parameters"].as_array().into_iter().flatten().all(|p| p["in"] == "path" || p["in"] == "query")
        );
    }
    assert!(described.contains(&("get".to_owned(), "/healthz".to_owned())));
    assert!(doc["components"]["schemas"].get("PlanDto").is_some());
    // Every schema an operation names is in the components.
    let text = doc.to_string();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("#/components/schemas/") {
        rest = &rest[at + "#/components/schemas/".len()..];
        let name: String = rest.chars().take_while(|c| *c != '"').collect();
        assert!(doc["components"]["schemas"].get(&name).is_some(), "{name} is named but not defined");
    }
    db.finish().await;
}

/// The message of a panic.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

async fn nothing() -> &'static str {
    "nothing"
}

/// A described handler, as a module of the API would write it.
#[utoipa::path(get, path = "/api/v1/described", responses((status = 200, body = String)))]
async fn described() -> &'static str {
    "described"
}

#[test]
fn an_api_route_without_its_description_is_refused_at_start_up() {
    let undescribed =
        catch_unwind(AssertUnwindSafe(|| Routes::default().get("/api/v1/undescribed", Action::ReadPublic, nothing)));
    let message = panic_message(undescribed.err().expect("an undescribed API route is refused").as_ref());
    assert!(message.contains("GET /api/v1/undescribed has no description"), "{message}");

    // Another handler under a description: refused too, so path and handler cannot part.
    let mismatched =
        catch_unwind(AssertUnwindSafe(|| Routes::default().api(Action::ReadPublic, __path_described, nothing)));
    let message = panic_message(mismatched.err().expect("a description with another handler is refused").as_ref());
    assert!(message.contains("is not the one of the handler"), "{message}");

    // Pages and the catch-all 404 of the API need none; a described route is served at the
    // description's own path and method, and described.
    let routes = Routes::default()
        .get("/not-the-api", Action::ReadPublic, nothing)
        .get("/api/{*rest}", Action::ReadPublic, nothing)
        .api(Action::ReadPublic, __path_described, described);
    let rule = routes.rules().last().expect("a rule");
    assert_eq!((rule.method.clone(), rule.path), (Method::GET, "/api/v1/described"));
    assert!(routes.openapi().paths.paths["/api/v1/described"].get.is_some());
    // Every route of the application goes through the same checks when it is built.
    assert!(kehoach_web::routes().openapi().paths.paths.len() > 40);
}

/// What a request sends.
enum Body {
    None,
    Json(Value),
    /// A body of its own type (a plan file, a CSV).
    Raw(&'static str, Vec<u8>),
    /// A file in the multipart field `file`.
    File(&'static str, &'static str, Vec<u8>),
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// The names of the components some `allOf` extends (a flattened struct's base): they stay open.
fn extended(schema: &Value, names: &mut BTreeSet<String>) {
    match schema {
        Value::Object(object) => {
            for (key, value) in object {
                if key == "allOf" {
                    for item in value.as_array().into_iter().flatten() {
                        if let Some(name) = item["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/"))
                        {
                            names.insert(name.to_owned());
                        }
                    }
                }
                extended(value, names);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| extended(v, names)),
        _ => {}
    }
}

/// Makes a schema closed: an object that names its properties holds no others
/// (`unevaluatedProperties: false`), so an answer with a field the description does not name
/// fails too. The members of an `allOf` stay open and the `allOf` itself is closed (it sees the
/// properties of all its members).
fn close(schema: &mut Value, this: bool) {
    let Some(object) = schema.as_object_mut() else { return };
    let names_properties = object.contains_key("properties") || object.contains_key("allOf");
    let open = object.contains_key("additionalProperties") || object.contains_key("unevaluatedProperties");
    if this && names_properties && !open {
        object.insert("unevaluatedProperties".to_owned(), Value::Bool(false));
    }
    for (key, value) in object.iter_mut() {
        match key.as_str() {
            "allOf" => value.as_array_mut().into_iter().flatten().for_each(|v| close(v, false)),
            "oneOf" | "anyOf" | "prefixItems" => {
                value.as_array_mut().into_iter().flatten().for_each(|v| close(v, true))
            }
            "properties" => value.as_object_mut().into_iter().flat_map(|m| m.values_mut()).for_each(|v| close(v, true)),
            "items" | "additionalProperties" => close(value, true),
            _ => {}
        }
    }
}

/// The description's components, closed (see [`close`]).
fn closed_components(doc: &Value) -> Value {
    let mut components = doc["components"].clone();
    let mut open = BTreeSet::new();
    extended(&components, &mut open);
    if let Some(schemas) = components["schemas"].as_object_mut() {
        for (name, schema) in schemas.iter_mut() {
            close(schema, !open.contains(name));
        }
    }
    components
}

/// The served description and what the tour found against it.
struct Checker {
    server: TestServer,
    doc: Value,
    /// Its components, closed: what answers are validated against.
    components: Value,
    /// Operations with at least one success that matched the description.
    confirmed: BTreeSet<(String, String)>,
    problems: Vec<String>,
}

/// The media type of a `Content-Type`, without its parameters.
fn media_type(value: &str) -> String {
    value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

impl Checker {
    async fn new(server: TestServer) -> Checker {
        let doc = server.get("/api/v1/openapi.json").await.json::<Value>();
        let components = closed_components(&doc);
        Checker { server, doc, components, confirmed: BTreeSet::new(), problems: Vec::new() }
    }

    /// The described path a concrete one is served at: the template whose fixed segments all
    /// match, the most fixed segments first (`…/initiatives/recognised` before
    /// `…/initiatives/{record}`).
    fn template_of(&self, path: &str) -> Option<String> {
        let path = path.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').collect();
        let mut best: Option<(usize, String)> = None;
        for template in self.doc["paths"].as_object()?.keys() {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut fixed = 0;
            let fits = parts.iter().zip(&segments).all(|(p, s)| {
                if p.starts_with('{') && p.ends_with('}') {
                    !s.is_empty()
                } else {
                    fixed += 1;
                    p == s
                }
            });
            if fits && best.as_ref().is_none_or(|(n, _)| fixed > *n) {
                best = Some((fixed, template.clone()));
            }
        }
        best.map(|(_, t)| t)
    }

    /// Why `instance` does not fit `schema` (a schema of the description, whose references
    /// point into its components), if it does not. Objects are closed (see [`close`]).
    fn misfit(&self, schema: &Value, instance: &Value) -> Option<String> {
        let mut schema = schema.clone();
        close(&mut schema, true);
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.components,
            "allOf": [schema],
        });
        let validator = match jsonschema::draft202012::new(&root) {
            Ok(v) => v,
            Err(e) => return Some(format!("the schema does not compile: {e}")),
        };
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .take(5)
            .map(|e| format!("{e} (at {}, schema {})", e.instance_path(), e.schema_path()))
            .collect();
        (!errors.is_empty()).then(|| errors.join("; "))
    }

    /// Sends the request and checks it, and its answer, against the description.
    async fn call(&mut self, method: Method, path: &str, who: Option<&Who>, body: Body) -> TestResponse {
        let mut request = self.server.method(method.clone(), path);
        if let Some(who) = who {
            request = as_user(request, who);
        }
        request = match &body {
            Body::None => request,
            Body::Json(v) => request.json(v),
            Body::Raw(content_type, bytes) => request.bytes(bytes.clone().into()).content_type(content_type),
            Body::File(name, mime, bytes) => request.multipart(
                MultipartForm::new().add_part("file", Part::bytes(bytes.clone()).file_name(*name).mime_type(*mime)),
            ),
        };
        let response = request.await;
        self.check(&method, path, &body, &response);
        response
    }

    fn check(&mut self, method: &Method, path: &str, body: &Body, response: &TestResponse) {
        let method_key = method.as_str().to_lowercase();
        let label = format!("{method} {path} → {}", response.status_code().as_u16());
        let Some(template) = self.template_of(path) else {
            self.problems.push(format!("{label}: no described path"));
            return;
        };
        let operation = self.doc["paths"][&template][&method_key].clone();
        if operation.is_null() {
            self.problems.push(format!("{label}: {method} {template} is not described"));
            return;
        }
        let before = self.problems.len();

        // Parameters: the path's, and the query's the request uses.
        let declared: BTreeSet<(String, String)> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (p["in"].as_str().unwrap_or_default().to_owned(), p["name"].as_str().unwrap_or_default().to_owned())
            })
            .collect();
        for name in template.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            if !declared.contains(&("path".to_owned(), name.to_owned())) {
                self.problems.push(format!("{label}: path parameter {name} not declared"));
            }
        }
        if let Some((_, query)) = path.split_once('?') {
            for name in query.split('&').filter_map(|kv| kv.split('=').next()) {
                if !declared.contains(&("query".to_owned(), name.to_owned())) {
                    self.problems.push(format!("{label}: query parameter {name} not declared"));
                }
            }
        }

        // The request body, against the request's description.
        let request_content = &operation["requestBody"]["content"];
        match body {
            Body::None => {}
            Body::Json(sent) => match request_content["application/json"]["schema"].as_object() {
                Some(_) => {
                    if let Some(why) = self.misfit(&request_content["application/json"]["schema"], sent) {
                        self.problems.push(format!("{label}: the JSON sent does not fit the request schema: {why}"));
                    }
                }
                None => self.problems.push(format!("{label}: no JSON request body described")),
            },
            Body::Raw(content_type, _) => {
                if request_content.get(*content_type).is_none() {
                    self.problems.push(format!("{label}: request body {content_type} not described"));
                }
            }
            Body::File(..) => {
                let form = &request_content["multipart/form-data"]["schema"];
                if form.is_null() || self.misfit(form, &json!({"file": "…"})).is_some() {
                    self.problems.push(format!("{label}: multipart body with `file` not described"));
                }
            }
        }

        // The answer: its status, its content type, its body.
        let status = response.status_code().as_u16().to_string();
        let Some(described) = operation["responses"].get(&status) else {
            self.problems.push(format!("{label}: status not described ({})", response.text()));
            return;
        };
        let bytes = response.as_bytes();
        let content = described["content"].as_object().filter(|c| !c.is_empty());
        match content {
            None if bytes.is_empty() => {}
            None => self.problems.push(format!("{label}: a body where the description has none")),
            Some(content) => {
                let header = response.maybe_header("content-type");
                let media = media_type(header.as_ref().and_then(|h| h.to_str().ok()).unwrap_or_default());
                match content.get(&media) {
                    None => self.problems.push(format!(
                        "{label}: content type {media:?}, described: {:?}",
                        content.keys().collect::<Vec<_>>()
                    )),
                    Some(described) if media == "application/json" => {
                        let schema = &described["schema"];
                        match serde_json::from_slice::<Value>(bytes) {
                            Err(e) => self.problems.push(format!("{label}: not JSON: {e}")),
                            Ok(_) if schema.is_null() => self.problems.push(format!("{label}: JSON without a schema")),
                            Ok(answer) => {
                                if let Some(why) = self.misfit(schema, &answer) {
                                    self.problems.push(format!("{label}: the answer does not fit its schema: {why}"));
                                }
                            }
                        }
                    }
                    Some(_) => {
                        if bytes.is_empty() {
                            self.problems.push(format!("{label}: an empty {media} file"));
                        }
                    }
                }
            }
        }
        if self.problems.len() == before && response.status_code().is_success() {
            self.confirmed.insert((method_key, template));
        }
    }

    /// Sends and checks a request, and requires a success: the tour depends on it.
    async fn ok(&mut self, method: Method, path: &str, who: Option<&Who>, body: Body) -> Value {
        let response = self.call(method.clone(), path, who, body).await;
        assert!(response.status_code().is_success(), "{method} {path}: {} {}", response.status_code(), response.text());
        serde_json::from_slice(response.as_bytes()).unwrap_or(Value::Null)
    }

    /// Sends and checks a request that is refused with `status` (its error body is checked too).
    async fn refused(&mut self, method: Method, path: &str, who: Option<&Who>, body: Body, status: StatusCode) {
        let response = self.call(method.clone(), path, who, body).await;
        assert_eq!(response.status_code(), status, "{method} {path}: {}", response.text());
    }
}

/// A user whose password is real, for the sign-in and password operations.
async fn user_with_password(store: &Store, username: &str, password: &str) {
    let hash = kehoach_web::auth::hash_blocking(password.to_owned()).await.unwrap();
    let new = NewUser {
        username: username.into(),
        full_name: format!("Họ tên {username}"),
        role: Role::DauMoi,
        province: Some("son-la".into()),
        commune: Some("muong-la".into()),
        unit: None,
        password_hash: hash,
        must_change_password: false,
    };
    store.add_user(&new, TEST).await.unwrap().unwrap();
}

fn activity(date: &str, unit: &str) -> Value {
    json!({"unit": unit, "date": date, "fields": {"kenh": "hop_ban", "chu_de": "Chuyển đổi số", "so_nguoi": 30}})
}

on_both_databases!(
    /// A tour of the whole API over a commune with data: the plan uploaded again, units and
    /// contacts, a report through its whole workflow with a file, the consolidation approved,
    /// an ad hoc request, register records with files, CSV in and out, an initiative recognised,
    /// progress, documents and tables. Every operation must answer at least one success as its
    /// description says; refusals met on the way are checked too.
    async fn every_operation_answers_as_described(store) {
        common::commune(&store).await;
        user_with_password(&store, "mat-khau", "Mật khẩu cũ 2026!").await;
        // Sơn La's province file: the commune's approval is sent to its department.
        let son_la = include_str!("../../../../plans/son-la.toml");
        kehoach_app::province::load(&kehoach_app::App::at_system_time(store.clone()), son_la, TEST).await.unwrap();
        // The first of March 2026: Q1 is open, its deadline ahead.
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap()));
        let server = TestServer::new(kehoach_web::router_at(store.clone(), clock));
        let mut c = Checker::new(server).await;
        let village = session_of(&store, "ban-a").await;
        let officer = session_of(&store, "dau-moi").await;
        let leader = session_of(&store, "lanh-dao").await;
        let admin = session_of(&store, "quan-tri").await;
        let province = session_of(&store, "so-khcn").await;
        let (village, officer, leader, admin, province) = (&village, &officer, &leader, &admin, &province);
        use Method as M;

        // The plan and the description themselves.
        c.ok(M::GET, "/healthz", None, Body::None).await;
        c.ok(M::GET, "/api/v1/openapi.json", None, Body::None).await;
        c.ok(M::GET, "/api/v1/plans", None, Body::None).await;
        c.ok(M::GET, PLAN, None, Body::None).await;
        c.refused(M::GET, "/api/v1/plans/khong-co?lang=en", None, Body::None, StatusCode::NOT_FOUND).await;
        let toml = kehoach_plan::DEFAULT_PLAN.as_bytes().to_vec();
        c.ok(M::POST, "/api/v1/plans", Some(admin), Body::Raw("application/toml", toml)).await;
        let broken = b"id = \"muong-la-2026\"\nyear = \"hai nghin\"\n".to_vec();
        c.refused(M::POST, "/api/v1/plans", Some(admin), Body::Raw("application/toml", broken), StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        c.ok(M::GET, &format!("{PLAN}/periods"), None, Body::None).await;

        // Signing in and one's account.
        let login = json!({"username": "mat-khau", "password": "Mật khẩu cũ 2026!"});
        c.ok(M::POST, "/api/v1/auth/login", None, Body::Json(login)).await;
        let wrong = json!({"username": "mat-khau", "password": "sai"});
        c.refused(M::POST, "/api/v1/auth/login", None, Body::Json(wrong), StatusCode::UNAUTHORIZED).await;
        let own = session_of(&store, "mat-khau").await;
        c.ok(M::GET, "/api/v1/me", Some(&own), Body::None).await;
        c.refused(M::GET, "/api/v1/me", None, Body::None, StatusCode::UNAUTHORIZED).await;
        let change = json!({"current": "Mật khẩu cũ 2026!", "new": "Một mật khẩu mới, dài hơn 2026"});
        c.ok(M::POST, "/api/v1/me/password", Some(&own), Body::Json(change)).await;
        let leaving = session_of(&store, "mat-khau").await;
        c.ok(M::POST, "/api/v1/auth/logout", Some(&leaving), Body::None).await;

        // Units and their contact person.
        let unit = json!({"code": "ban-c", "name": "Bản C (mẫu)", "kind": "village", "sample": true});
        c.ok(M::POST, &format!("{PLAN}/units"), Some(admin), Body::Json(unit.clone())).await;
        c.refused(M::POST, &format!("{PLAN}/units"), Some(admin), Body::Json(unit), StatusCode::CONFLICT).await;
        let contact = json!({"name": "Lò Văn Ánh", "phone": "0912 345 678", "note": "Trưởng bản"});
        c.ok(M::PUT, &format!("{PLAN}/units/ban-a/contact"), Some(officer), Body::Json(contact)).await;
        c.ok(M::GET, &format!("{PLAN}/units/ban-a/contact"), Some(officer), Body::None).await;

        // A unit's report through its whole workflow, with an evidence file.
        let fresh = c.ok(M::GET, REPORT, Some(village), Body::None).await;
        let mut body = fresh["body"].clone();
        body["activities"] = json!("Tuyên truyền 02 buổi tại nhà văn hoá bản");
        let saved = c.ok(M::PUT, REPORT, Some(village), Body::Json(json!({"version": 0, "body": body}))).await;
        assert_eq!(saved["version"], 1);
        let mut other = body.clone();
        other["activities"] = json!("Một bản nháp cũ");
        let stale = json!({"version": 0, "body": other});
        c.refused(M::PUT, REPORT, Some(village), Body::Json(stale), StatusCode::CONFLICT).await;
        let file = c.ok(M::POST, &format!("{REPORT}/files"), Some(village), Body::File("ảnh họp bản.png", "image/png", PNG.to_vec())).await;
        c.ok(M::GET, &format!("{REPORT}/files"), Some(village), Body::None).await;
        c.ok(M::GET, &format!("{REPORT}/files/{}", file["id"]), Some(officer), Body::None).await;
        c.ok(M::POST, &format!("{REPORT}/submit"), Some(village), Body::Json(json!({"version": 1}))).await;
        c.refused(M::POST, &format!("{REPORT}/accept"), Some(officer), Body::Json(json!({"version": 1})), StatusCode::CONFLICT).await;
        let reason = json!({"version": 2, "reason": "Bổ sung số lượt tuyên truyền"});
        c.ok(M::POST, &format!("{REPORT}/return"), Some(officer), Body::Json(reason)).await;
        c.ok(M::POST, &format!("{REPORT}/submit"), Some(village), Body::Json(json!({"version": 3}))).await;
        c.ok(M::POST, &format!("{REPORT}/accept"), Some(officer), Body::Json(json!({"version": 4}))).await;
        let reason = json!({"version": 5, "reason": "Sửa số liệu"});
        c.ok(M::POST, &format!("{REPORT}/reopen"), Some(officer), Body::Json(reason)).await;
        c.ok(M::POST, &format!("{REPORT}/submit"), Some(village), Body::Json(json!({"version": 6}))).await;
        c.ok(M::POST, &format!("{REPORT}/accept"), Some(officer), Body::Json(json!({"version": 7}))).await;
        let versions = c.ok(M::GET, &format!("{REPORT}/versions"), Some(officer), Body::None).await;
        assert_eq!(versions.as_array().map(Vec::len), Some(3));
        c.ok(M::GET, &format!("{Q1}/board"), Some(leader), Body::None).await;
        c.ok(M::GET, &format!("{Q1}/board?format=csv"), Some(leader), Body::None).await;

        // The commune's report: narrative, approval, the province's copy.
        c.ok(M::GET, &format!("{Q1}/consolidation"), Some(officer), Body::None).await;
        let narrative = json!({"version": 0, "narrative": "Quý I, các bản đã tuyên truyền về chuyển đổi số."});
        c.ok(M::PUT, &format!("{Q1}/consolidation"), Some(officer), Body::Json(narrative)).await;
        c.ok(M::PUT, &format!("{PLAN}/reference"), Some(admin), Body::Json(json!({"number": "12", "issued_on": "2026-01-20"}))).await;
        c.ok(M::POST, &format!("{Q1}/consolidation/send"), Some(officer), Body::Json(json!({"version": 1}))).await;
        c.ok(M::GET, &format!("{Q1}/consolidation/signers"), Some(leader), Body::None).await;
        c.refused(M::POST, &format!("{Q1}/consolidation/approve"), Some(leader), Body::Json(json!({"version": 2, "number": 1})), StatusCode::CONFLICT)
            .await;
        let approval = json!({"version": 2, "number": 1, "confirm_incomplete": true});
        c.ok(M::POST, &format!("{Q1}/consolidation/approve"), Some(leader), Body::Json(approval)).await;
        c.ok(M::GET, &format!("{Q1}/commune-report"), Some(province), Body::None).await;
        c.ok(M::GET, &format!("{Q1}/report.docx"), Some(province), Body::None).await;
        c.ok(M::GET, &format!("{Q1}/report.docx?version=1"), Some(province), Body::None).await;
        let scan = Body::File("bao-cao-da-ky.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n".to_vec());
        c.ok(M::POST, &format!("{Q1}/commune-report/versions/1/scan"), Some(leader), scan).await;
        c.ok(M::GET, &format!("{Q1}/commune-report/versions/1/scan.pdf"), Some(province), Body::None).await;
        // The province: its board, its decision on the report just sent, the roll-up, one indicator, a commune.
        let board = c.ok(M::GET, "/api/v1/provinces/son-la/board?period=2026-Q1", Some(province), Body::None).await;
        let row = board["rows"].as_array().unwrap().iter().find(|r| r["code"] == "03808").unwrap().clone();
        let decision = format!("/api/v1/provinces/son-la/sendings/{}/decision", row["sendings"][0]["id"]);
        c.refused(M::POST, &decision, Some(province), Body::Json(json!({"decision": "return"})), StatusCode::UNPROCESSABLE_ENTITY).await;
        c.ok(M::POST, &decision, Some(province), Body::Json(json!({"decision": "accept"}))).await;
        c.refused(M::POST, &decision, Some(province), Body::Json(json!({"decision": "accept"})), StatusCode::CONFLICT).await;
        c.ok(M::GET, "/api/v1/provinces/son-la/rollup?period=2026-Q1", Some(province), Body::None).await;
        c.ok(M::GET, "/api/v1/provinces/son-la/indicators/sang-kien?period=2026-Q1&q=muong%20la", Some(province), Body::None).await;
        c.ok(M::GET, "/api/v1/provinces/son-la/communes/03808", Some(province), Body::None).await;
        // The nation's view, for the Ministry.
        crate::nation::ministry(&store, "bo-khcn", "$argon2id$unused".into()).await;
        let ministry = session_of(&store, "bo-khcn").await;
        c.ok(M::GET, "/api/v1/nation?period=2026-Q1", Some(&ministry), Body::None).await;
        c.refused(M::GET, "/api/v1/nation?period=2026-Q9", Some(&ministry), Body::None, StatusCode::UNPROCESSABLE_ENTITY).await;
        let reopen = json!({"version": 3, "reason": "Đính chính số liệu chỉ tiêu IV.1"});
        c.ok(M::POST, &format!("{Q1}/consolidation/reopen"), Some(leader), Body::Json(reopen)).await;

        // An ad hoc request.
        let request = json!({
            "title": "Báo cáo nhanh về chuyển đổi số",
            "details": "Số buổi tuyên truyền trong tháng",
            "units": ["ban-a"],
            "deadline": "2026-03-20T10:00:00Z",
        });
        c.ok(M::POST, &format!("{PLAN}/requests"), Some(officer), Body::Json(request)).await;
        c.ok(M::GET, &format!("{PLAN}/requests"), Some(village), Body::None).await;

        // Registers: records, their files, CSV in and out, a spreadsheet.
        let registers = format!("{PLAN}/registers/truyen_thong");
        c.ok(M::GET, &format!("{PLAN}/registers"), Some(village), Body::None).await;
        let record = c.ok(M::POST, &format!("{registers}/records"), Some(village), Body::Json(activity("2026-02-10", "ban-a"))).await;
        let one = format!("{registers}/records/{}", record["id"]);
        c.refused(M::POST, &format!("{registers}/records"), Some(village), Body::Json(json!({"date": "2026-02-10", "fields": {}})), StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        c.ok(M::GET, &format!("{registers}/records"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{registers}/records?unit=ban-a&from=2026-01-01&limit=10"), Some(officer), Body::None).await;
        c.ok(M::GET, &one, Some(village), Body::None).await;
        let mut changed = activity("2026-02-11", "ban-a");
        changed["version"] = json!(1);
        c.ok(M::PUT, &one, Some(village), Body::Json(changed)).await;
        c.ok(M::POST, &format!("{one}/files"), Some(village), Body::File("biên bản.png", "image/png", PNG.to_vec())).await;
        let files = c.ok(M::GET, &format!("{one}/files"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{one}/files/{}", files[0]["id"]), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{registers}/records.csv"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{registers}/records.xlsx"), Some(officer), Body::None).await;
        let csv = "unit,date,kenh,chu_de,so_nguoi\nvhxh,25/02/2026,hop_ban,Chuyển đổi số,40\n".as_bytes().to_vec();
        c.ok(M::POST, &format!("{registers}/import"), Some(officer), Body::Raw("text/csv", csv)).await;
        let doomed = c.ok(M::POST, &format!("{registers}/records"), Some(officer), Body::Json(activity("2026-02-12", "vhxh"))).await;
        c.ok(M::POST, &format!("{registers}/records/{}/delete", doomed["id"]), Some(officer), Body::None).await;

        // Progress and the documents and tables made of it.
        c.ok(M::GET, &format!("{PLAN}/indicators"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{PLAN}/indicators?at=2026-02-28"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{PLAN}/indicators/IV.1/evidence"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{PLAN}/plan.docx"), None, Body::None).await;
        c.ok(M::GET, &format!("{PLAN}/appendix-1.xlsx"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{PLAN}/appendix-1.csv?at=2026-02-28"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{Q1}/appendix-2.xlsx"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{Q1}/appendix-2.csv"), Some(officer), Body::None).await;
        c.ok(M::GET, &format!("{Q1}/board.xlsx"), Some(officer), Body::None).await;

        // An initiative through the year's round.
        let initiative = json!({"unit": "ban-a", "date": "2026-02-20", "fields": {
            "ten": "Máy tách hạt ngô cải tiến",
            "tac_gia": "Lò Văn Ánh (60%), Cầm Thị Bình (40%)",
            "linh_vuc": "nong_nghiep",
            "hien_trang": "Tách hạt bằng tay",
            "giai_phap": "Máy tách hạt chạy điện",
        }});
        let proposed = c.ok(M::POST, &format!("{PLAN}/registers/sang_kien/records"), Some(village), Body::Json(initiative)).await;
        let id = &proposed["id"];
        let initiatives = format!("{PLAN}/initiatives");
        c.ok(M::POST, &format!("{initiatives}/rounds"), Some(officer), Body::Json(json!({"council": ["lanh-dao", "ban-a"]}))).await;
        let sheet = json!({"scores": {"tinh_moi": 30.0, "kha_nang_ap_dung": 20.0, "hieu_qua": 10.0}});
        c.ok(M::PUT, &format!("{initiatives}/{id}/score"), Some(leader), Body::Json(sheet.clone())).await;
        c.ok(M::PUT, &format!("{initiatives}/{id}/score"), Some(village), Body::Json(sheet)).await;
        c.ok(M::GET, &initiatives, Some(officer), Body::None).await;
        c.ok(M::POST, &format!("{initiatives}/{id}/decision"), Some(leader), Body::Json(json!({"recognised": true, "note": "Đạt"})))
            .await;
        c.ok(M::GET, &format!("{initiatives}/recognised"), Some(village), Body::None).await;
        c.ok(M::POST, &format!("{initiatives}/close"), Some(leader), Body::None).await;

        // The audit trail of all this.
        c.ok(M::GET, "/api/v1/audit?limit=50", Some(officer), Body::None).await;

        assert!(c.problems.is_empty(), "{} answer(s) differ from the description:\n{}", c.problems.len(), c.problems.join("\n"));
        let missing: Vec<_> = operations(&c.doc).into_iter().filter(|op| !c.confirmed.contains(op)).collect();
        assert!(missing.is_empty(), "operations without a success checked against the description: {missing:?}");
        assert!(c.confirmed.len() >= 58, "{}", c.confirmed.len());
    }
);

/// The checker itself: an answer that drifts from its schema, and a status the description does
/// not list, are caught.
#[tokio::test]
async fn the_checker_catches_an_answer_that_drifts_from_its_schema() {
    let db = TestDb::new(Backend::Sqlite).await;
    common::commune(&db.store).await;
    let mut c = Checker::new(TestServer::new(kehoach_web::router(db.store.clone()))).await;
    let schema =
        c.doc["paths"]["/api/v1/plans"]["get"]["responses"]["200"]["content"]["application/json"]["schema"].clone();
    let response = c.server.get("/api/v1/plans").await;
    let real = response.json::<Value>();
    assert_eq!(c.misfit(&schema, &real), None);
    // One field of another type, one gone.
    let mut drifted = real.clone();
    drifted[0]["year"] = json!("2026");
    let why = c.misfit(&schema, &drifted).expect("a field of another type is caught");
    assert!(why.contains("/0/year"), "{why}");
    let mut drifted = real.clone();
    drifted[0].as_object_mut().unwrap().remove("title");
    let why = c.misfit(&schema, &drifted).expect("a missing field is caught");
    assert!(why.contains("title"), "{why}");
    // A field the description does not name, at the top and deep inside.
    let mut drifted = real.clone();
    drifted[0]["subtitle"] = json!("?");
    let why = c.misfit(&schema, &drifted).expect("an undescribed field is caught");
    assert!(why.contains("subtitle"), "{why}");
    let mut drifted = real;
    drifted[0]["commune"]["mayor"] = json!("?");
    let why = c.misfit(&schema, &drifted).expect("an undescribed field inside is caught");
    assert!(why.contains("mayor"), "{why}");

    c.doc["paths"]["/api/v1/plans"]["get"]["responses"].as_object_mut().unwrap().remove("200");
    c.check(&Method::GET, "/api/v1/plans", &Body::None, &response);
    assert!(c.problems.iter().any(|p| p.contains("status not described")), "{:?}", c.problems);
    db.finish().await;
}
