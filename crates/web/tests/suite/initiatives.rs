//! The initiative recognition cycle over HTTP, on SQLite and PostgreSQL: the focal officer opens
//! the round, council members score (a non-member and the province cannot), the leader
//! recognises and declines, the certificate and the recognised list, a closed round frozen.

use std::sync::Arc;

use axum::http::StatusCode;
use axum_test::TestServer;
use chrono::{NaiveDate, TimeZone, Utc};
use kehoach_domain::clock::FixedClock;
use kehoach_store::{Actor, RecordInput, RecordOutcome, Store, on_both_databases};
use serde_json::{Value, json};

use crate::common;
use common::{as_user, session_of};

const PLAN: &str = "muong-la-2026";
const API: &str = "/api/v1/plans/muong-la-2026/initiatives";
const PAGE: &str = "/plans/muong-la-2026/initiatives";

async fn propose(store: &Store, unit: &str, title: &str, month: u32) -> i32 {
    let fields = json!({
        "ten": title,
        "tac_gia": "Lò Văn Ánh (60%), Cầm Thị Bình (40%)",
        "linh_vuc": "nong_nghiep",
        "hien_trang": "Tách hạt bằng tay",
        "giai_phap": "Máy tách hạt chạy điện",
    });
    let input = RecordInput {
        unit: unit.into(),
        date: NaiveDate::from_ymd_opt(2026, month, 10).unwrap(),
        fields: fields.as_object().unwrap().clone(),
        sample: false,
    };
    match store.add_record(PLAN, "sang_kien", &input, Actor { name: unit, address: None }, Utc::now()).await.unwrap() {
        RecordOutcome::Written(r) => r.record.id,
        other => panic!("proposal refused: {other:?}"),
    }
}

fn sheet(new: f64, apply: f64, benefit: f64) -> Value {
    json!({"scores": {"tinh_moi": new, "kha_nang_ap_dung": apply, "hieu_qua": benefit}})
}

on_both_databases!(
    async fn the_cycle_over_http(store) {
        common::commune(&store).await;
        let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap();
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 10, 15, 3, 0, 0).unwrap()));
        let server = TestServer::new(kehoach_web::router_at(store.clone(), clock));
        let (village, village_b, officer, leader, province) = (
            session_of(&store, "ban-a").await,
            session_of(&store, "ban-b").await,
            session_of(&store, "dau-moi").await,
            session_of(&store, "lanh-dao").await,
            session_of(&store, "so-khcn").await,
        );
        let a = propose(&store, "ban-a", "Máy tách hạt ngô cải tiến", 3).await;
        let b = propose(&store, "ban-b", "Sổ tay số hóa thủ tục", 4).await;
        let c = propose(&store, "ban-a", "Bếp đun tiết kiệm củi", 5).await;

        // Before the round: the focal officer sees the button and the commune's people.
        let page = as_user(server.get(PAGE), &officer).await;
        assert_eq!(page.status_code(), StatusCode::OK);
        let html = page.text();
        assert!(html.contains("Xét công nhận sáng kiến năm 2026"), "{html}");
        assert!(html.contains("Mở đợt xét") && html.contains("Họ tên ban-a"));
        assert!(html.contains("Máy tách hạt ngô cải tiến"));
        assert!(html.contains("/plans/muong-la-2026/registers/sang_kien/new"));
        assert!(!as_user(server.get(PAGE), &leader).await.text().contains("Mở đợt xét"), "only the focal officer opens");
        let english = as_user(server.get(&format!("{PAGE}?lang=en")), &officer).await.text();
        assert!(english.contains("Recognition of initiatives, 2026") && english.contains("Open the round"));

        // Opening the round: the focal officer only, once.
        let council = json!({"council": ["lanh-dao", "ban-a"]});
        assert_eq!(as_user(server.post(&format!("{API}/rounds")), &leader).json(&council).await.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(as_user(server.post(&format!("{API}/rounds")), &officer).json(&json!({"council": []})).await.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        let opened = as_user(server.post(&format!("{API}/rounds")), &officer).json(&council).await;
        assert_eq!(opened.status_code(), StatusCode::CREATED, "{}", opened.text());
        assert_eq!(opened.json::<Value>()["council"], json!(["lanh-dao", "ban-a"]));
        let again = as_user(server.post(&format!("{API}/rounds")), &officer).json(&council).await;
        assert_eq!(again.status_code(), StatusCode::CONFLICT);
        assert!(again.json::<Value>()["error"]["message"].as_str().unwrap().contains("đã có đợt xét"));

        // Scoring: members only. A non-member gets 403 with the reason; the province reads only.
        let score = |id: i32| format!("{API}/{id}/score");
        let refused = as_user(server.put(&score(a)), &village_b).json(&sheet(30.0, 20.0, 10.0)).await;
        assert_eq!(refused.status_code(), StatusCode::FORBIDDEN);
        assert!(refused.json::<Value>()["error"]["message"].as_str().unwrap().contains("thành viên Hội đồng sáng kiến"));
        assert_eq!(as_user(server.put(&score(a)), &officer).json(&sheet(30.0, 20.0, 10.0)).await.status_code(), StatusCode::FORBIDDEN);
        assert_eq!(as_user(server.put(&score(a)), &province).json(&sheet(30.0, 20.0, 10.0)).await.status_code(), StatusCode::FORBIDDEN);
        let bad = as_user(server.put(&score(a)), &leader).json(&sheet(41.0, 20.0, 10.0)).await;
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.json::<Value>()["error"]["message"].as_str().unwrap().contains("phải từ 0 đến 40"));
        assert_eq!(as_user(server.put(&score(9999)), &leader).json(&sheet(1.0, 1.0, 1.0)).await.status_code(), StatusCode::NOT_FOUND);
        for (who, s) in [(&leader, sheet(30.0, 20.0, 10.0)), (&village, sheet(20.0, 15.0, 15.0))] {
            let r = as_user(server.put(&score(a)), who).json(&s).await;
            assert_eq!(r.status_code(), StatusCode::OK, "{}", r.text());
        }
        as_user(server.put(&score(b)), &leader).json(&sheet(40.0, 30.0, 9.0)).await.assert_status_ok();
        // The page form, as a village's reporter on the council: "12,5" is 12.5.
        let form = as_user(server.post(&format!("{PAGE}/{b}/score")), &village)
            .form(&[("csrf", village.1.as_str()), ("s_tinh_moi", "40"), ("s_kha_nang_ap_dung", "30"), ("s_hieu_qua", "9")])
            .await;
        assert_eq!(form.status_code(), StatusCode::SEE_OTHER, "{}", form.text());
        let form = as_user(server.post(&format!("{PAGE}/{c}/score")), &village)
            .form(&[("csrf", village.1.as_str()), ("s_tinh_moi", "12,5"), ("s_kha_nang_ap_dung", "10"), ("s_hieu_qua", "10")])
            .await;
        assert_eq!(form.status_code(), StatusCode::SEE_OTHER);

        // The province reads the averages.
        let view = as_user(server.get(API), &province).await;
        assert_eq!(view.status_code(), StatusCode::OK);
        let view = view.json::<Value>();
        let entry = |id: i32| view["initiatives"].as_array().unwrap().iter().find(|e| e["record"]["id"] == id).unwrap().clone();
        assert_eq!(entry(a)["result"]["averages"], json!({"tinh_moi": 25.0, "kha_nang_ap_dung": 17.5, "hieu_qua": 12.5}));
        assert_eq!(entry(a)["result"]["total"], 55.0);
        assert_eq!(entry(a)["result"]["eligible"], true);
        assert_eq!(entry(b)["result"]["eligible"], false);
        assert_eq!(entry(c)["result"]["averages"]["tinh_moi"], 12.5);
        assert_eq!(as_user(server.get(PAGE), &province).await.status_code(), StatusCode::OK);
        // A village's reporter not on the council sees its own unit's proposals.
        let own = as_user(server.get(API), &village_b).await.json::<Value>();
        assert_eq!(own["initiatives"].as_array().unwrap().len(), 1);
        // A member sees their own sheet in the form.
        let member_page = as_user(server.get(PAGE), &village).await.text();
        assert!(member_page.contains("name=\"s_tinh_moi\"") && member_page.contains("value=\"12.5\""));

        // Deciding: the leader; an ineligible initiative cannot be recognised.
        let decide = |id: i32| format!("{API}/{id}/decision");
        let yes = json!({"recognised": true, "note": "Đạt yêu cầu"});
        assert_eq!(as_user(server.post(&decide(a)), &officer).json(&yes).await.status_code(), StatusCode::FORBIDDEN);
        let ineligible = as_user(server.post(&decide(b)), &leader).json(&yes).await;
        assert_eq!(ineligible.status_code(), StatusCode::CONFLICT);
        assert!(ineligible.json::<Value>()["error"]["message"].as_str().unwrap().contains("Chưa đủ điều kiện công nhận"));
        let recognised = as_user(server.post(&decide(a)), &leader).json(&yes).await;
        assert_eq!(recognised.status_code(), StatusCode::OK, "{}", recognised.text());
        assert_eq!(store.record(PLAN, a).await.unwrap().unwrap().record.fields["cong_nhan"], json!(true));
        let form = as_user(server.post(&format!("{PAGE}/{b}/decision")), &leader)
            .form(&[("csrf", leader.1.as_str()), ("recognised", "0"), ("note", "Chưa đạt tiêu chí hiệu quả")])
            .await;
        assert_eq!(form.status_code(), StatusCode::SEE_OTHER);
        assert_eq!(store.record(PLAN, b).await.unwrap().unwrap().record.fields["cong_nhan"], json!(false));
        // Scored after the decision: refused.
        assert_eq!(as_user(server.put(&score(a)), &leader).json(&sheet(1.0, 1.0, 1.0)).await.status_code(), StatusCode::CONFLICT);

        // The certificate: recognised initiatives only, with the commune's header and signer.
        let cert = as_user(server.get(&format!("{PAGE}/{a}/certificate")), &province).await;
        assert_eq!(cert.status_code(), StatusCode::OK);
        let cert = cert.text();
        for needed in [
            "GIẤY CHỨNG NHẬN SÁNG KIẾN",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Máy tách hạt ngô cải tiến",
            "Lò Văn Ánh (60%), Cầm Thị Bình (40%)",
            "Nông nghiệp",
            "năm 2026",
            "Mường La, ngày 15 tháng 10 năm 2026",
            plan.document.issuing_body[0].as_str(),
            plan.signer.name.as_str(),
            plan.signer.title.as_str(),
        ] {
            assert!(cert.contains(needed), "certificate lacks {needed}");
        }
        assert_eq!(as_user(server.get(&format!("{PAGE}/{b}/certificate")), &leader).await.status_code(), StatusCode::NOT_FOUND);
        assert_eq!(as_user(server.get(&format!("{PAGE}/{c}/certificate")), &leader).await.status_code(), StatusCode::NOT_FOUND);

        // The recognised list.
        let list = as_user(server.get(&format!("{API}/recognised")), &village_b).await.json::<Value>();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["title"], "Máy tách hạt ngô cải tiến");
        assert_eq!(list[0]["field_label"], "Nông nghiệp");
        assert_eq!(list[0]["total"], 55.0);
        let listed = as_user(server.get(&format!("{PAGE}/recognised")), &village_b).await.text();
        assert!(listed.contains("Máy tách hạt ngô cải tiến") && !listed.contains("Sổ tay số hóa thủ tục"));

        // Closing: only once every initiative is decided; then frozen.
        let close = format!("{API}/close");
        let early = as_user(server.post(&close), &leader).await;
        assert_eq!(early.status_code(), StatusCode::CONFLICT);
        assert!(early.json::<Value>()["error"]["message"].as_str().unwrap().contains("chưa có quyết định"));
        as_user(server.post(&decide(c)), &leader).json(&json!({"recognised": false})).await.assert_status_ok();
        let closed = as_user(server.post(&close), &leader).await;
        assert_eq!(closed.status_code(), StatusCode::OK, "{}", closed.text());
        assert_eq!(closed.json::<Value>()["state"], "decided");
        assert_eq!(as_user(server.put(&score(c)), &village).json(&sheet(30.0, 20.0, 10.0)).await.status_code(), StatusCode::CONFLICT);
        assert_eq!(as_user(server.post(&decide(b)), &leader).json(&json!({"recognised": false})).await.status_code(), StatusCode::CONFLICT);
        let frozen = as_user(server.get(PAGE), &leader).await.text();
        assert!(frozen.contains("Đã kết thúc") && !frozen.contains("/decision\""));

        // The audit trail holds every step.
        let trail = store.audit_trail("initiative", &a.to_string()).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["initiative.score", "initiative.score", "initiative.decide"]);
    }
);
