//! The initiative recognition cycle in the database: a round, its council's sheets and
//! averages, decisions that set `cong_nhan`, refusals, a frozen round, audit rows.

use chrono::{NaiveDate, TimeZone, Utc};
use kehoach_domain::initiative::{InitiativeProblem, InitiativeRules, RoundState, ScoreSheet};
use kehoach_domain::{Role, Unit, UnitKind};
use kehoach_store::{Actor, NewUser, RecordInput, RecordOutcome, Store, on_both_databases};
use serde_json::{Value, json};

const TEST: Actor<'static> = Actor { name: "test", address: None };
const PLAN: &str = "muong-la-2026";

fn as_user(name: &str) -> Actor<'_> {
    Actor { name, address: Some("10.0.0.9") }
}

fn sheet(new: f64, apply: f64, benefit: f64) -> ScoreSheet {
    [("tinh_moi", new), ("kha_nang_ap_dung", apply), ("hieu_qua", benefit)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

async fn seeded(store: &Store) {
    store.import_plan(&kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).unwrap(), TEST).await.unwrap();
    let village = Unit { code: "ban-a".into(), name: "Bản A (mẫu)".into(), kind: UnitKind::Village, sample: true };
    store.add_units("muong-la", &[village], TEST).await.unwrap();
    for (username, role, unit) in [
        ("lanh-dao", Role::LanhDao, None),
        ("dau-moi", Role::DauMoi, None),
        ("ban-a", Role::DonVi, Some("ban-a")),
        ("so-khcn", Role::CapTren, None),
    ] {
        let new = NewUser {
            username: username.into(),
            full_name: format!("Người dùng {username}"),
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

async fn propose(store: &Store, title: &str, date: NaiveDate) -> i32 {
    let fields = json!({
        "ten": title,
        "tac_gia": "Lò Văn A (60%), Cầm Thị B (40%)",
        "linh_vuc": "nong_nghiep",
        "hien_trang": "Làm thủ công",
        "giai_phap": "Dùng máy",
    });
    let input = RecordInput { unit: "ban-a".into(), date, fields: fields.as_object().unwrap().clone(), sample: false };
    match store.add_record(PLAN, "sang_kien", &input, as_user("ban-a"), Utc::now()).await.unwrap() {
        RecordOutcome::Written(r) => r.record.id,
        other => panic!("proposal refused: {other:?}"),
    }
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

on_both_databases!(
    async fn the_recognition_cycle(store) {
        seeded(&store).await;
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 2, 0, 0).unwrap();
        let a = propose(&store, "Máy tách hạt ngô cải tiến", day(3, 2)).await;
        let b = propose(&store, "Sổ tay số hóa thủ tục", day(4, 10)).await;
        let c = propose(&store, "Bếp đun tiết kiệm củi", day(5, 20)).await;
        let old = propose(&store, "Sáng kiến năm trước", NaiveDate::from_ymd_opt(2025, 11, 1).unwrap()).await;
        let rules = InitiativeRules::default();

        let before = store.initiatives(PLAN).await.unwrap();
        assert_eq!(before.year, 2026);
        assert!(before.round.is_none());
        let ids: Vec<i32> = before.initiatives.iter().map(|e| e.record.record.id).collect();
        assert_eq!(ids, [a, b, c], "the year's proposals, oldest first; last year's is not in it");
        assert!(before.initiatives.iter().all(|e| e.result.is_none()));
        assert_eq!(store.score_initiative(PLAN, a, &sheet(1.0, 1.0, 1.0), as_user("lanh-dao"), now).await.unwrap(), Err(InitiativeProblem::NoRound));

        // Opening: a council of the commune's people who may score.
        let open = |council: &[&str]| {
            let council: Vec<String> = council.iter().map(|s| (*s).to_owned()).collect();
            let store = store.clone();
            let rules = rules.clone();
            async move { store.open_initiative_round(PLAN, &council, &rules, as_user("dau-moi"), now).await.unwrap() }
        };
        assert_eq!(open(&[]).await, Err(InitiativeProblem::NoCouncil));
        assert_eq!(open(&["so-khcn"]).await, Err(InitiativeProblem::UnknownMember { username: "so-khcn".into() }));
        assert_eq!(open(&["khong-co"]).await, Err(InitiativeProblem::UnknownMember { username: "khong-co".into() }));
        let round = open(&["lanh-dao", "ban-a", "lanh-dao"]).await.unwrap();
        assert_eq!(round.council, ["lanh-dao", "ban-a"]);
        assert_eq!(round.state, RoundState::Open);
        assert_eq!(round.rules, rules);
        assert_eq!(open(&["dau-moi"]).await, Err(InitiativeProblem::RoundExists { year: 2026 }));

        // Scoring: members only, the year's initiatives only, sheets checked.
        let score = |id: i32, who: &'static str, s: ScoreSheet| {
            let store = store.clone();
            async move { store.score_initiative(PLAN, id, &s, as_user(who), now).await.unwrap() }
        };
        assert_eq!(score(a, "dau-moi", sheet(30.0, 20.0, 10.0)).await, Err(InitiativeProblem::NotMember));
        assert_eq!(score(old, "lanh-dao", sheet(30.0, 20.0, 10.0)).await, Err(InitiativeProblem::NotInRound));
        match score(a, "lanh-dao", sheet(41.0, 20.0, 10.0)).await {
            Err(InitiativeProblem::Sheet { problems }) => assert_eq!(problems.len(), 1),
            other => panic!("expected a refused sheet, got {other:?}"),
        }
        score(a, "lanh-dao", sheet(30.0, 20.0, 10.0)).await.unwrap();
        score(a, "ban-a", sheet(5.0, 5.0, 5.0)).await.unwrap();
        // Scoring again replaces the member's sheet.
        score(a, "ban-a", sheet(20.0, 15.0, 15.0)).await.unwrap();
        score(b, "lanh-dao", sheet(40.0, 30.0, 9.0)).await.unwrap();
        score(b, "ban-a", sheet(40.0, 30.0, 9.0)).await.unwrap();

        let view = store.initiatives(PLAN).await.unwrap();
        let entry = |id: i32| view.initiatives.iter().find(|e| e.record.record.id == id).unwrap().clone();
        let ea = entry(a);
        assert_eq!(ea.sheets.len(), 2);
        let ra = ea.result.unwrap();
        assert_eq!((ra.averages["tinh_moi"], ra.averages["kha_nang_ap_dung"], ra.averages["hieu_qua"]), (25.0, 17.5, 12.5));
        assert_eq!(ra.total, 55.0);
        assert!(ra.eligible);
        let rb = entry(b).result.unwrap();
        assert_eq!(rb.total, 79.0);
        assert!(!rb.eligible, "9 in benefit");
        assert_eq!(entry(c).result.unwrap().sheets, 0);

        // Deciding: an ineligible initiative is not recognised; declining is always allowed.
        let decide = |id: i32, recognised: bool| {
            let store = store.clone();
            async move { store.decide_initiative(PLAN, id, recognised, "Theo kết quả chấm", as_user("lanh-dao"), now).await.unwrap() }
        };
        assert!(matches!(decide(b, true).await, Err(InitiativeProblem::NotEligible { pass_total: 50, min_each: 10, .. })));
        assert_eq!(store.record(PLAN, b).await.unwrap().unwrap().record.fields.get("cong_nhan"), None, "nothing written");
        assert!(!decide(b, false).await.unwrap().recognised);
        assert_eq!(store.record(PLAN, b).await.unwrap().unwrap().record.fields["cong_nhan"], Value::Bool(false));
        let version = store.record(PLAN, a).await.unwrap().unwrap().version;
        assert!(decide(a, true).await.unwrap().recognised);
        let recognised = store.record(PLAN, a).await.unwrap().unwrap();
        assert_eq!(recognised.record.fields["cong_nhan"], Value::Bool(true));
        assert_eq!((recognised.version, recognised.updated_by.as_str()), (version + 1, "lanh-dao"));
        assert_eq!(score(a, "lanh-dao", sheet(1.0, 1.0, 1.0)).await, Err(InitiativeProblem::AlreadyDecided));

        // Closing: only when everything is decided; then the round is frozen.
        let close = || {
            let store = store.clone();
            async move { store.close_initiative_round(PLAN, as_user("lanh-dao"), now).await.unwrap() }
        };
        assert_eq!(close().await, Err(InitiativeProblem::Undecided { count: 1 }));
        decide(c, false).await.unwrap();
        let closed = close().await.unwrap();
        assert_eq!(closed.state, RoundState::Decided);
        assert_eq!(closed.closed_by.as_deref(), Some("lanh-dao"));
        assert_eq!(score(c, "ban-a", sheet(30.0, 20.0, 10.0)).await, Err(InitiativeProblem::RoundDecided));
        assert_eq!(decide(b, false).await, Err(InitiativeProblem::RoundDecided));
        assert_eq!(close().await, Err(InitiativeProblem::RoundDecided));
        assert_eq!(open(&["ban-a"]).await, Err(InitiativeProblem::RoundExists { year: 2026 }));
        let after = store.initiatives(PLAN).await.unwrap();
        assert_eq!(after.round.unwrap().state, RoundState::Decided);
        let recognised: Vec<i32> = after
            .initiatives
            .iter()
            .filter(|e| e.decision.as_ref().is_some_and(|d| d.recognised))
            .map(|e| e.record.record.id)
            .collect();
        assert_eq!(recognised, [a]);

        // The audit trail: every step, by whom, from where.
        let actions = |kind: &'static str, key: String| {
            let store = store.clone();
            async move {
                store.audit_trail(kind, &key).await.unwrap().into_iter().map(|e| (e.action, e.actor)).collect::<Vec<_>>()
            }
        };
        let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(
            actions("initiative_round", format!("{PLAN}/2026")).await,
            [s("initiative.open_round", "dau-moi"), s("initiative.close_round", "lanh-dao")]
        );
        assert_eq!(
            actions("initiative", a.to_string()).await,
            [
                s("initiative.score", "lanh-dao"),
                s("initiative.score", "ban-a"),
                s("initiative.score", "ban-a"),
                s("initiative.decide", "lanh-dao")
            ]
        );
        assert_eq!(
            actions("register_record", a.to_string()).await,
            [s("register.add", "ban-a"), s("register.system_field", "lanh-dao")]
        );
        let trail = store.audit_trail("initiative", &a.to_string()).await.unwrap();
        assert_eq!(trail[2].address.as_deref(), Some("10.0.0.9"));
        assert!(trail[2].before_json.as_deref().unwrap().contains("5.0"), "the replaced sheet is kept in the trail");
        assert!(trail[3].after_json.as_deref().unwrap().contains("\"eligible\":true"));
    }
);

on_both_databases!(
    /// Six decisions on one initiative at the same instant: each is written after the one
    /// before it (none refused by the database, one decision row, every audit row's "before"
    /// the previous "after").
    async fn decisions_at_once_are_one_after_the_other(store) {
        seeded(&store).await;
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 2, 0, 0).unwrap();
        let a = propose(&store, "Máy tách hạt ngô cải tiến", day(3, 2)).await;
        let council = vec!["lanh-dao".to_owned()];
        store.open_initiative_round(PLAN, &council, &InitiativeRules::default(), as_user("dau-moi"), now).await.unwrap().unwrap();
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    tokio::task::yield_now().await;
                    let note = format!("Lần quyết định {i}");
                    store.decide_initiative(PLAN, a, false, &note, as_user("lanh-dao"), now).await
                })
            })
            .collect();
        for t in tasks {
            let decided = t.await.unwrap().unwrap_or_else(|e| panic!("a decision refused by the database: {e:?}"));
            assert!(decided.is_ok(), "{decided:?}");
        }
        let trail = store.audit_trail("initiative", &a.to_string()).await.unwrap();
        let decisions: Vec<_> = trail.iter().filter(|e| e.action == "initiative.decide").collect();
        assert_eq!(decisions.len(), 6);
        assert!(decisions[0].before_json.is_none(), "the first decides anew");
        for pair in decisions.windows(2) {
            let after: Value = serde_json::from_str(pair[0].after_json.as_deref().unwrap()).unwrap();
            let before: Value = serde_json::from_str(pair[1].before_json.as_deref().unwrap()).unwrap();
            assert_eq!(before["decision"], after["decision"], "each decision saw the one before it");
        }
        let view = store.initiatives(PLAN).await.unwrap();
        assert_eq!(view.initiatives.iter().filter(|e| e.decision.is_some()).count(), 1);
    }
);
