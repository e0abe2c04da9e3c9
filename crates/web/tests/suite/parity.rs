//! The same bad input, sent through the form and through the API, gets the same refusal: one
//! check (in `kehoach_app::input`) decides for every surface, and nothing is written.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use chrono::{TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::on_both_databases;
use serde_json::{Value, json};

use crate::common::{self, as_user, session_of};

const FORM: &str = "/plans/muong-la-2026/periods/2026-Q1/reports/ban-a";
const API: &str = "/api/v1/plans/muong-la-2026/periods/2026-Q1/reports/ban-a";

/// How a page writes the message (askama escapes these).
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;").replace('\'', "&#39;")
}

/// One bad input: the form's field and value, and where the same value goes in the API's body.
struct Case {
    what: &'static str,
    field: String,
    value: String,
    put: fn(&mut Value, &str),
}

fn set_text(key: &'static str) -> fn(&mut Value, &str) {
    match key {
        "activities" => |b, v| b["activities"] = json!(v),
        "difficulties" => |b, v| b["difficulties"] = json!(v),
        _ => |b, v| b["proposals"] = json!(v),
    }
}

fn set_figure(body: &mut Value, value: &str) {
    for figure in body["figures"].as_array_mut().unwrap() {
        if figure["indicator"] == "IV.1" {
            figure["value"] = json!(value.parse::<f64>().unwrap());
        }
    }
}

fn set_task_note(body: &mut Value, value: &str) {
    body["tasks"][0]["note"] = json!(value);
}

on_both_databases!(
    async fn a_report_refused_by_the_form_is_refused_by_the_api_in_the_same_words(store) {
        common::commune_with_reported_iv1(&store).await;
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap()));
        let server = TestServer::new(kehoach_web::router_at(store.clone(), clock));
        let village = session_of(&store, "ban-a").await;
        let fresh = as_user(server.get(API), &village).await.json::<Value>();
        let first_task = fresh["body"]["tasks"][0]["task"].as_str().unwrap().to_owned();
        let cases = [
            Case { what: "a negative figure", field: "figure.IV.1.value".into(), value: "-5".into(), put: set_figure },
            Case { what: "a figure past the bound", field: "figure.IV.1.value".into(), value: "2e12".into(), put: set_figure },
            Case { what: "a NUL byte", field: "activities".into(), value: "họp\u{0}bản".into(), put: set_text("activities") },
            Case {
                what: "a text past 20,000 characters",
                field: "difficulties".into(),
                value: "đ".repeat(20_001),
                put: set_text("difficulties"),
            },
            Case {
                what: "a control character in a task's note",
                field: format!("task.{first_task}.note"),
                value: "ghi \u{7}chú".into(),
                put: set_task_note,
            },
        ];
        for case in &cases {
            let mut body = fresh["body"].clone();
            (case.put)(&mut body, &case.value);
            let api = as_user(server.put(API), &village).json(&json!({"version": 0, "body": body})).await;
            assert_eq!(api.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "API, {}", case.what);
            let message = api.json::<Value>()["error"]["message"].as_str().unwrap().to_owned();
            assert!(!message.is_empty() && !message.contains("error-") && !message.contains("text-"), "{message}");

            let form = as_user(server.post(FORM), &village)
                .form(&[
                    ("csrf", village.1.as_str()),
                    ("version", "0"),
                    ("intent", "save"),
                    (case.field.as_str(), case.value.as_str()),
                ])
                .await;
            assert_eq!(form.status_code(), StatusCode::UNPROCESSABLE_ENTITY, "form, {}", case.what);
            assert!(form.text().contains(&escaped(&message)), "form, {}: not the API's words «{message}»", case.what);
        }
        let after = as_user(server.get(API), &village).await.json::<Value>();
        assert_eq!(after["version"], 0, "nothing was written");
    }
);
