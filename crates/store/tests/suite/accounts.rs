//! Accounts in the database: users and their bindings, sessions, passwords, disabling, a unit's
//! contact person, the audit trail's filters, a plan's scope (sign-in throttling: throttle.rs).

use chrono::{DateTime, Duration, TimeZone, Utc};
use kehoach_domain::{Role, Unit, UnitKind};
use kehoach_store::{
    Actor, AuditEntry, AuditFilter, NewUser, Store, StoreError, UnitContact, UserProblem, UserRecord, on_both_databases,
};

use crate::common::{second, seed};

const TEST_ACTOR: Actor<'static> = Actor { name: "test", address: None };
/// An admin changing things over the network.
const ADMIN: Actor<'static> = Actor { name: "quan-tri", address: Some("203.0.113.7") };

/// The store never checks a hash: any string does.
const HASH: &str = "$argon2id$fake";

fn village(code: &str, name: &str) -> Unit {
    Unit { code: code.into(), name: name.into(), kind: UnitKind::Village, sample: true }
}

/// Mường La with one sample village, `ban-mau`.
async fn seeded(store: &Store) {
    store.import_plan(&seed(), TEST_ACTOR).await.unwrap();
    store.add_units("muong-la", &[village("ban-mau", "Bản Mẫu (mẫu)")], TEST_ACTOR).await.unwrap();
}

/// Mường La with `ban-mau`, and Thử Nghiệm (tinh-mau) with `to-mau`.
async fn two_communes(store: &Store) {
    seeded(store).await;
    store.import_plan(&second(), TEST_ACTOR).await.unwrap();
    store.add_units("thu-nghiem", &[village("to-mau", "Tổ Mẫu (mẫu)")], TEST_ACTOR).await.unwrap();
}

fn new_user(username: &str, role: Role, commune: Option<&str>, unit: Option<&str>) -> NewUser {
    NewUser {
        username: username.into(),
        full_name: format!("Người dùng {username}"),
        role,
        province: None,
        commune: commune.map(Into::into),
        unit: unit.map(Into::into),
        password_hash: HASH.into(),
        must_change_password: false,
    }
}

/// Adds a user that must be accepted.
async fn add(store: &Store, new: NewUser) -> UserRecord {
    let username = new.username.clone();
    store.add_user(&new, TEST_ACTOR).await.unwrap().unwrap_or_else(|p| panic!("{username} refused: {p:?}"))
}

/// A moment on a whole second: PostgreSQL keeps microseconds, SQLite text; both keep these.
fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0).unwrap()
}

fn json(text: &Option<String>) -> serde_json::Value {
    serde_json::from_str(text.as_deref().expect("a JSON value")).expect("valid JSON")
}

fn actions(entries: &[AuditEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.action.as_str()).collect()
}

on_both_databases!(
    async fn add_user_checks_each_role_binding(store) {
        two_communes(&store).await;

        let mut reporter = new_user("ban-mau-truong", Role::DonVi, Some("muong-la"), Some("ban-mau"));
        reporter.full_name = "Lò Văn Thắng".into();
        reporter.must_change_password = true;
        let created = add(&store, reporter).await;
        assert_eq!(created.username, "ban-mau-truong");
        assert_eq!(created.full_name, "Lò Văn Thắng");
        assert_eq!(created.role, Role::DonVi);
        assert_eq!(created.province, "son-la", "the province comes from the commune");
        assert_eq!(created.commune.as_deref(), Some("muong-la"));
        assert_eq!(created.unit.as_deref(), Some("ban-mau"));
        assert!(created.must_change_password);
        assert!(!created.disabled);
        assert_eq!(store.user("ban-mau-truong").await.unwrap(), Some(created.clone()));
        let (for_login, hash) = store.user_for_login("ban-mau-truong").await.unwrap().unwrap();
        assert_eq!(for_login, created);
        assert_eq!(hash, HASH);
        // A seed unit of the plan will do as well.
        let vhxh = add(&store, new_user("vhxh-bao-cao", Role::DonVi, Some("muong-la"), Some("vhxh"))).await;
        assert_eq!(vhxh.unit.as_deref(), Some("vhxh"));

        let refused = [
            // A don_vi needs a unit of its own commune, and a commune.
            (new_user("dv-khong-co", Role::DonVi, Some("muong-la"), Some("khong-co")), UserProblem::UnknownUnit),
            (new_user("dv-xa-khac", Role::DonVi, Some("muong-la"), Some("to-mau")), UserProblem::UnknownUnit),
            (new_user("dv-khong-don-vi", Role::DonVi, Some("muong-la"), None), UserProblem::WrongBinding),
            (new_user("dv-khong-xa", Role::DonVi, None, Some("ban-mau")), UserProblem::WrongBinding),
            // Leaders and focal officers need a commune, and no unit.
            (new_user("ld-khong-xa", Role::LanhDao, None, None), UserProblem::WrongBinding),
            (new_user("dm-khong-xa", Role::DauMoi, None, None), UserProblem::WrongBinding),
            (new_user("ld-co-don-vi", Role::LanhDao, Some("muong-la"), Some("ban-mau")), UserProblem::WrongBinding),
            // cap_tren needs a province and no commune.
            (new_user("ct-khong-tinh", Role::CapTren, None, None), UserProblem::WrongBinding),
            (NewUser { province: Some("son-la".into()), ..new_user("ct-co-xa", Role::CapTren, Some("muong-la"), None) }, UserProblem::WrongBinding),
            // A commune that does not exist, or not in the province given.
            (new_user("ld-xa-la", Role::LanhDao, Some("khong-co"), None), UserProblem::UnknownCommune),
            (NewUser { province: Some("tinh-mau".into()), ..new_user("ld-sai-tinh", Role::LanhDao, Some("muong-la"), None) }, UserProblem::UnknownCommune),
            // A taken user name, whatever the rest.
            (new_user("ban-mau-truong", Role::LanhDao, Some("thu-nghiem"), None), UserProblem::UsernameTaken),
        ];
        let count = store.user_count().await.unwrap();
        for (new, problem) in refused {
            let outcome = store.add_user(&new, TEST_ACTOR).await.unwrap();
            assert_eq!(outcome, Err(problem), "{}", new.username);
            if new.username != "ban-mau-truong" {
                assert_eq!(store.user(&new.username).await.unwrap(), None, "{}", new.username);
                assert!(store.audit_trail("user", &new.username).await.unwrap().is_empty(), "{}", new.username);
            }
        }
        assert_eq!(store.user_count().await.unwrap(), count, "a refused user leaves nothing");
        assert_eq!(store.user("ban-mau-truong").await.unwrap(), Some(created), "the first holder keeps the name");

        let leader = add(&store, new_user("ld-muong-la", Role::LanhDao, Some("muong-la"), None)).await;
        assert_eq!((leader.role, leader.province.as_str(), leader.commune.as_deref(), leader.unit.as_deref()), (Role::LanhDao, "son-la", Some("muong-la"), None));
        let focal = add(&store, new_user("dm-thu-nghiem", Role::DauMoi, Some("thu-nghiem"), None)).await;
        assert_eq!((focal.role, focal.province.as_str(), focal.commune.as_deref()), (Role::DauMoi, "tinh-mau", Some("thu-nghiem")));
        let upper = add(&store, NewUser { province: Some("son-la".into()), ..new_user("so-khcn-son-la", Role::CapTren, None, None) }).await;
        assert_eq!((upper.role, upper.province.as_str(), upper.commune.as_deref(), upper.unit.as_deref()), (Role::CapTren, "son-la", None, None));
        // The province, when given with a commune, must be the commune's.
        let both = add(&store, NewUser { province: Some("son-la".into()), ..new_user("dm-muong-la", Role::DauMoi, Some("muong-la"), None) }).await;
        assert_eq!(both.commune.as_deref(), Some("muong-la"));
        assert_eq!(store.user_count().await.unwrap(), count + 4);
    }
);

on_both_databases!(
    async fn add_user_writes_its_audit_row(store) {
        seeded(&store).await;
        let new = NewUser { full_name: "Quàng Thị Hoa".into(), ..new_user("ban-a", Role::DonVi, Some("muong-la"), Some("ban-mau")) };
        let created = store.add_user(&new, ADMIN).await.unwrap().unwrap();

        let trail = store.audit_trail("user", "ban-a").await.unwrap();
        assert_eq!(actions(&trail), ["user.add"]);
        let row = &trail[0];
        assert_eq!(row.actor, "quan-tri");
        assert_eq!(row.address.as_deref(), Some("203.0.113.7"));
        assert_eq!(row.record_kind, "user");
        assert_eq!(row.record_key, "ban-a");
        assert_eq!(row.before_json, None, "a creation has no before");
        let after = json(&row.after_json);
        assert_eq!(after["username"], "ban-a");
        assert_eq!(after["full_name"], "Quàng Thị Hoa");
        assert_eq!(after["role"], "don_vi");
        assert_eq!(after["commune"], "muong-la");
        assert_eq!(after["unit"], "ban-mau");
        assert_eq!(after["id"], created.id);
        assert!(!row.after_json.as_deref().unwrap().contains("argon2"), "no password hash in the trail");
        // The row belongs to the commune: a commune-filtered read finds it.
        let commune_rows = store
            .audit(&AuditFilter { communes: Some(vec!["muong-la".into()]), record_kind: Some("user".into()), limit: 10, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(commune_rows, trail);

        // From the command line: no address.
        store.add_user(&new_user("ld-a", Role::LanhDao, Some("muong-la"), None), Actor::CLI).await.unwrap().unwrap();
        let trail = store.audit_trail("user", "ld-a").await.unwrap();
        assert_eq!(actions(&trail), ["user.add"]);
        assert_eq!((trail[0].actor.as_str(), trail[0].address.as_deref()), ("cli", None));
    }
);

on_both_databases!(
    async fn users_are_listed_by_province_and_commune(store) {
        two_communes(&store).await;
        for (username, role, commune) in
            [("ml-lanh-dao", Role::LanhDao, "muong-la"), ("ml-dau-moi", Role::DauMoi, "muong-la"), ("tn-lanh-dao", Role::LanhDao, "thu-nghiem")]
        {
            add(&store, new_user(username, role, Some(commune), None)).await;
        }
        add(&store, new_user("ml-ban-mau", Role::DonVi, Some("muong-la"), Some("ban-mau"))).await;
        add(&store, new_user("tn-to-mau", Role::DonVi, Some("thu-nghiem"), Some("to-mau"))).await;
        for (username, province) in [("ct-son-la", "son-la"), ("ct-tinh-mau", "tinh-mau")] {
            add(&store, NewUser { province: Some(province.into()), ..new_user(username, Role::CapTren, None, None) }).await;
        }
        let names = |users: Vec<UserRecord>| users.into_iter().map(|u| u.username).collect::<Vec<_>>();

        assert_eq!(
            names(store.users(None, None).await.unwrap()),
            ["ct-son-la", "ct-tinh-mau", "ml-ban-mau", "ml-dau-moi", "ml-lanh-dao", "tn-lanh-dao", "tn-to-mau"],
            "everyone, in user-name order"
        );
        let muong_la = ["ml-ban-mau", "ml-dau-moi", "ml-lanh-dao"];
        assert_eq!(names(store.users(None, Some("muong-la")).await.unwrap()), muong_la);
        assert_eq!(names(store.users(Some("son-la"), Some("muong-la")).await.unwrap()), muong_la);
        assert_eq!(names(store.users(None, Some("thu-nghiem")).await.unwrap()), ["tn-lanh-dao", "tn-to-mau"]);
        assert_eq!(names(store.users(Some("son-la"), None).await.unwrap()), ["ct-son-la", "ml-ban-mau", "ml-dau-moi", "ml-lanh-dao"]);
        assert_eq!(names(store.users(Some("tinh-mau"), None).await.unwrap()), ["ct-tinh-mau", "tn-lanh-dao", "tn-to-mau"]);
        assert!(store.users(Some("tinh-mau"), Some("muong-la")).await.unwrap().is_empty(), "a commune outside the province");
        assert!(store.users(None, Some("khong-co")).await.unwrap().is_empty());
        assert!(store.users(Some("khong-co"), None).await.unwrap().is_empty());
    }
);

on_both_databases!(
    async fn sessions_live_while_used_and_end(store) {
        seeded(&store).await;
        let user = add(&store, new_user("ban-a", Role::DonVi, Some("muong-la"), Some("ban-mau"))).await;
        let now = at(9, 0);

        store.create_session(user.id, "hash-1", "csrf-1", Some("198.51.100.2"), now, now + Duration::minutes(30)).await.unwrap();
        assert_eq!(store.session_count(user.id).await.unwrap(), 1);
        let live = store.session("hash-1", now + Duration::minutes(1)).await.unwrap().expect("a live session");
        assert_eq!(live.user, user);
        assert_eq!(live.csrf_token, "csrf-1");
        assert_eq!(live.last_seen_at, now);
        assert_eq!(live.expires_at, now + Duration::minutes(30));
        assert!(store.session("hash-2", now).await.unwrap().is_none(), "an unknown token");

        // Expired: at its expiry and after.
        assert!(store.session("hash-1", now + Duration::minutes(30)).await.unwrap().is_none());
        assert!(store.session("hash-1", now + Duration::minutes(45)).await.unwrap().is_none());

        // Used at 9:20, it lives until 9:50.
        store.touch_session(live.id, now + Duration::minutes(20), now + Duration::minutes(50)).await.unwrap();
        let touched = store.session("hash-1", now + Duration::minutes(45)).await.unwrap().expect("moved on");
        assert_eq!(touched.id, live.id);
        assert_eq!(touched.last_seen_at, now + Duration::minutes(20));
        assert_eq!(touched.expires_at, now + Duration::minutes(50));
        assert!(store.session("hash-1", now + Duration::minutes(50)).await.unwrap().is_none());

        store.end_session("hash-1").await.unwrap();
        assert!(store.session("hash-1", now + Duration::minutes(21)).await.unwrap().is_none());
        assert_eq!(store.session_count(user.id).await.unwrap(), 0);
        store.end_session("hash-1").await.unwrap();
    }
);

on_both_databases!(
    async fn purge_removes_expired_sessions_only(store) {
        seeded(&store).await;
        let a = add(&store, new_user("ban-a", Role::DonVi, Some("muong-la"), Some("ban-mau"))).await;
        let b = add(&store, new_user("ld-b", Role::LanhDao, Some("muong-la"), None)).await;
        let now = at(8, 0);
        for (user, hash, minutes) in [(a.id, "old", 5), (a.id, "edge", 10), (a.id, "live", 60), (b.id, "b-old", 1), (b.id, "b-live", 11)] {
            store.create_session(user, hash, "csrf", None, now, now + Duration::minutes(minutes)).await.unwrap();
        }
        assert_eq!(store.purge_sessions(now + Duration::minutes(10)).await.unwrap(), 3, "old, edge and b-old");
        assert_eq!(store.session_count(a.id).await.unwrap(), 1);
        assert_eq!(store.session_count(b.id).await.unwrap(), 1);
        assert!(store.session("live", now + Duration::minutes(10)).await.unwrap().is_some());
        assert!(store.session("b-live", now + Duration::minutes(10)).await.unwrap().is_some());
        assert_eq!(store.purge_sessions(now + Duration::minutes(10)).await.unwrap(), 0);
    }
);

on_both_databases!(
    async fn a_disabled_users_session_is_not_returned(store) {
        seeded(&store).await;
        let user = add(&store, new_user("ban-a", Role::DonVi, Some("muong-la"), Some("ban-mau"))).await;
        store.disable_user("ban-a", TEST_ACTOR).await.unwrap();
        let now = at(9, 0);
        // Even a session row that exists (made before the disabling took effect) gives nothing.
        store.create_session(user.id, "hash-1", "csrf-1", None, now, now + Duration::hours(1)).await.unwrap();
        assert_eq!(store.session_count(user.id).await.unwrap(), 1);
        assert!(store.session("hash-1", now).await.unwrap().is_none());
    }
);

on_both_databases!(
    async fn set_password_ends_every_session_of_that_user_only(store) {
        seeded(&store).await;
        let a = add(&store, new_user("ban-a", Role::DonVi, Some("muong-la"), Some("ban-mau"))).await;
        let b = add(&store, new_user("ld-b", Role::LanhDao, Some("muong-la"), None)).await;
        let now = at(9, 0);
        for (user, hash) in [(a.id, "a-1"), (a.id, "a-2"), (a.id, "a-3"), (b.id, "b-1")] {
            store.create_session(user, hash, "csrf", None, now, now + Duration::hours(1)).await.unwrap();
        }
        assert_eq!(store.session_count(a.id).await.unwrap(), 3);

        // An admin resets it: a one-time password to change.
        store.set_password("ban-a", "$argon2id$reset-by-admin", true, ADMIN).await.unwrap();
        assert_eq!(store.session_count(a.id).await.unwrap(), 0, "every session of the user ends");
        assert_eq!(store.session_count(b.id).await.unwrap(), 1, "other users keep theirs");
        assert!(store.session("b-1", now).await.unwrap().is_some());
        let (after_reset, hash) = store.user_for_login("ban-a").await.unwrap().unwrap();
        assert_eq!(hash, "$argon2id$reset-by-admin");
        assert!(after_reset.must_change_password);
        assert_eq!(after_reset, UserRecord { must_change_password: true, ..a.clone() });

        // The user then chooses their own.
        store.create_session(a.id, "a-4", "csrf", None, now, now + Duration::hours(1)).await.unwrap();
        store.set_password("ban-a", "$argon2id$chosen-by-user", false, Actor { name: "ban-a", address: Some("198.51.100.9") }).await.unwrap();
        assert_eq!(store.session_count(a.id).await.unwrap(), 0);
        let (changed, hash) = store.user_for_login("ban-a").await.unwrap().unwrap();
        assert_eq!(hash, "$argon2id$chosen-by-user");
        assert!(!changed.must_change_password);

        let trail = store.audit_trail("user", "ban-a").await.unwrap();
        assert_eq!(actions(&trail), ["user.add", "user.reset_password", "user.change_password"]);
        let (reset, change) = (&trail[1], &trail[2]);
        assert_eq!((reset.actor.as_str(), reset.address.as_deref()), ("quan-tri", Some("203.0.113.7")));
        assert_eq!((change.actor.as_str(), change.address.as_deref()), ("ban-a", Some("198.51.100.9")));
        assert_eq!(json(&reset.before_json)["must_change_password"], false);
        assert_eq!(json(&reset.after_json)["must_change_password"], true);
        assert_eq!(json(&change.before_json)["must_change_password"], true);
        assert_eq!(json(&change.after_json)["must_change_password"], false);
        for row in &trail {
            for text in [&row.before_json, &row.after_json].into_iter().flatten() {
                assert!(!text.contains("argon2"), "a password hash in the audit trail: {text}");
                assert!(!text.contains("password_hash"), "{text}");
                assert!(!text.contains("fake"), "{text}");
            }
        }
        assert_eq!(store.audit_trail("user", "ld-b").await.unwrap().len(), 1, "nothing written about the other user");

        let missing = store.set_password("khong-co", HASH, true, ADMIN).await.unwrap_err();
        assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
    }
);

on_both_databases!(
    async fn disabling_keeps_the_user_and_ends_its_sessions(store) {
        seeded(&store).await;
        let a = add(&store, new_user("ban-a", Role::DonVi, Some("muong-la"), Some("ban-mau"))).await;
        let b = add(&store, new_user("ld-b", Role::LanhDao, Some("muong-la"), None)).await;
        let now = at(9, 0);
        for (user, hash) in [(a.id, "a-1"), (a.id, "a-2"), (b.id, "b-1")] {
            store.create_session(user, hash, "csrf", None, now, now + Duration::hours(1)).await.unwrap();
        }

        store.disable_user("ban-a", ADMIN).await.unwrap();
        let disabled = store.user("ban-a").await.unwrap().expect("never deleted");
        assert_eq!(disabled, UserRecord { disabled: true, ..a.clone() });
        assert_eq!(store.session_count(a.id).await.unwrap(), 0);
        assert!(store.session("a-1", now).await.unwrap().is_none());
        assert_eq!(store.session_count(b.id).await.unwrap(), 1);
        let listed = store.users(None, Some("muong-la")).await.unwrap();
        assert_eq!(listed, [disabled.clone(), b.clone()], "still listed, marked disabled");
        assert_eq!(store.user_count().await.unwrap(), 2);
        assert!(!store.user("ld-b").await.unwrap().unwrap().disabled);

        let trail = store.audit_trail("user", "ban-a").await.unwrap();
        assert_eq!(actions(&trail), ["user.add", "user.disable"]);
        let row = &trail[1];
        assert_eq!((row.actor.as_str(), row.address.as_deref()), ("quan-tri", Some("203.0.113.7")));
        assert_eq!(json(&row.before_json)["disabled"], false);
        assert_eq!(json(&row.after_json)["disabled"], true);

        let missing = store.disable_user("khong-co", ADMIN).await.unwrap_err();
        assert!(matches!(missing, StoreError::NotFound(_)), "{missing:?}");
    }
);

on_both_databases!(
    async fn a_units_contact_round_trips_with_its_audit_rows(store) {
        seeded(&store).await;
        assert_eq!(store.unit_contact("son-la", "muong-la", "ban-mau").await.unwrap(), Some(UnitContact::default()), "none yet");

        let first = UnitContact {
            name: Some("Lò Văn Thắng".into()),
            phone: Some("0912 345 678".into()),
            note: Some("Trưởng bản; liên hệ buổi sáng, trừ thứ Bảy — “đầu mối”".into()),
        };
        store.set_unit_contact("son-la", "muong-la", "ban-mau", &first, ADMIN).await.unwrap();
        let stored = store.unit_contact("son-la", "muong-la", "ban-mau").await.unwrap().unwrap();
        assert_eq!(stored, first, "every character kept");
        assert_eq!(stored.name.as_deref(), Some("Lò Văn Thắng"));

        let second = UnitContact { name: Some("Quàng Thị Hương".into()), phone: None, note: None };
        store.set_unit_contact("son-la", "muong-la", "ban-mau", &second, TEST_ACTOR).await.unwrap();
        assert_eq!(store.unit_contact("son-la", "muong-la", "ban-mau").await.unwrap(), Some(second.clone()));

        let trail = store.audit_trail("unit", "muong-la/ban-mau").await.unwrap();
        assert_eq!(actions(&trail), ["unit.add", "unit.contact", "unit.contact"]);
        let decode = |text: &Option<String>| serde_json::from_str::<UnitContact>(text.as_deref().unwrap()).unwrap();
        assert_eq!(decode(&trail[1].before_json), UnitContact::default());
        assert_eq!(decode(&trail[1].after_json), first);
        assert_eq!((trail[1].actor.as_str(), trail[1].address.as_deref()), ("quan-tri", Some("203.0.113.7")));
        assert_eq!(decode(&trail[2].before_json), first);
        assert_eq!(decode(&trail[2].after_json), second);
        assert_eq!(trail[2].actor, "test");

        // A unit of the plan itself has a contact too; units do not share theirs.
        store.set_unit_contact("son-la", "muong-la", "vhxh", &first, ADMIN).await.unwrap();
        assert_eq!(store.unit_contact("son-la", "muong-la", "vhxh").await.unwrap(), Some(first.clone()));
        assert_eq!(store.unit_contact("son-la", "muong-la", "ban-mau").await.unwrap(), Some(second.clone()));

        for (province, commune, unit) in [("son-la", "muong-la", "khong-co"), ("tinh-mau", "muong-la", "ban-mau"), ("son-la", "khong-co", "ban-mau")] {
            let err = store.set_unit_contact(province, commune, unit, &first, ADMIN).await.unwrap_err();
            assert!(matches!(err, StoreError::NotFound(_)), "{province}/{commune}/{unit}: {err:?}");
            assert_eq!(store.unit_contact(province, commune, unit).await.unwrap(), None);
        }
        assert!(store.audit_trail("unit", "muong-la/khong-co").await.unwrap().is_empty(), "a refused change writes no row");
    }
);

on_both_databases!(
    async fn the_audit_trail_filters_by_commune_actor_kind_and_time(store) {
        two_communes(&store).await;
        let start = Utc::now();
        let contact = UnitContact { name: Some("Lò Thị Mai".into()), ..Default::default() };
        let clerk = Actor { name: "van-thu", address: Some("192.0.2.4") };

        // A first batch of changes in both communes.
        store.add_user(&new_user("ml-a", Role::LanhDao, Some("muong-la"), None), ADMIN).await.unwrap().unwrap();
        store.add_user(&new_user("tn-a", Role::LanhDao, Some("thu-nghiem"), None), ADMIN).await.unwrap().unwrap();
        store.set_unit_contact("son-la", "muong-la", "ban-mau", &contact, clerk).await.unwrap();
        store.set_unit_contact("tinh-mau", "thu-nghiem", "to-mau", &contact, clerk).await.unwrap();
        std::thread::sleep(std::time::Duration::from_millis(30));
        let middle = Utc::now();
        std::thread::sleep(std::time::Duration::from_millis(30));
        // A second batch.
        store.disable_user("ml-a", ADMIN).await.unwrap();
        store.set_password("tn-a", HASH, true, clerk).await.unwrap();
        store.add_units("muong-la", &[village("ban-moi", "Bản Mới (mẫu)")], clerk).await.unwrap();

        let everything = store.audit(&AuditFilter { limit: 1000, ..Default::default() }).await.unwrap();
        assert!(everything.windows(2).all(|w| w[0].id > w[1].id && w[0].at >= w[1].at), "newest first");
        assert!(everything.iter().any(|e| e.record_key.starts_with("thu-nghiem")));

        let muong_la = store
            .audit(&AuditFilter { communes: Some(vec!["muong-la".into()]), province: Some("son-la".into()), limit: 100, ..Default::default() })
            .await
            .unwrap();
        let keys: Vec<(&str, &str)> = muong_la.iter().map(|e| (e.action.as_str(), e.record_key.as_str())).collect();
        assert_eq!(
            keys,
            [
                ("unit.add", "muong-la/ban-moi"),
                ("user.disable", "ml-a"),
                ("unit.contact", "muong-la/ban-mau"),
                ("user.add", "ml-a"),
                ("unit.add", "muong-la/ban-mau"),
                ("plan.import", "muong-la-2026"),
            ],
            "the commune's rows only, newest first"
        );
        assert!(muong_la.windows(2).all(|w| w[0].id > w[1].id));
        // The same rows as the unfiltered read, in the same order.
        let of_muong_la: Vec<&AuditEntry> = everything
            .iter()
            .filter(|e| !e.record_key.starts_with("thu-nghiem") && !e.record_key.starts_with("tn-"))
            .collect();
        assert_eq!(muong_la.iter().collect::<Vec<_>>(), of_muong_la);

        let by_commune_only = store.audit(&AuditFilter { communes: Some(vec!["muong-la".into()]), limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(by_commune_only, muong_la);
        let wrong_province = store
            .audit(&AuditFilter { communes: Some(vec!["muong-la".into()]), province: Some("tinh-mau".into()), limit: 100, ..Default::default() })
            .await
            .unwrap();
        assert!(wrong_province.is_empty(), "{wrong_province:?}");
        let tinh_mau = store.audit(&AuditFilter { province: Some("tinh-mau".into()), limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(
            tinh_mau.iter().map(|e| (e.action.as_str(), e.record_key.as_str())).collect::<Vec<_>>(),
            [
                ("user.reset_password", "tn-a"),
                ("unit.contact", "thu-nghiem/to-mau"),
                ("user.add", "tn-a"),
                ("unit.add", "thu-nghiem/to-mau"),
                ("plan.import", "thu-nghiem-2027"),
            ]
        );
        let both = store
            .audit(&AuditFilter { communes: Some(vec!["muong-la".into(), "thu-nghiem".into()]), limit: 100, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(both.len(), muong_la.len() + tinh_mau.len());

        // By actor.
        let by_clerk = store.audit(&AuditFilter { actor: Some("van-thu".into()), limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(actions(&by_clerk), ["unit.add", "user.reset_password", "unit.contact", "unit.contact"]);
        assert!(by_clerk.iter().all(|e| e.actor == "van-thu" && e.address.as_deref() == Some("192.0.2.4")));
        let clerk_here = store
            .audit(&AuditFilter { actor: Some("van-thu".into()), communes: Some(vec!["muong-la".into()]), limit: 100, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(clerk_here.iter().map(|e| e.record_key.as_str()).collect::<Vec<_>>(), ["muong-la/ban-moi", "muong-la/ban-mau"]);
        assert!(store.audit(&AuditFilter { actor: Some("khong-co".into()), limit: 100, ..Default::default() }).await.unwrap().is_empty());

        // By kind of record.
        let users = store.audit(&AuditFilter { record_kind: Some("user".into()), limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(actions(&users), ["user.reset_password", "user.disable", "user.add", "user.add"]);
        assert!(users.iter().all(|e| e.record_kind == "user"));
        let units_here = store
            .audit(&AuditFilter { record_kind: Some("unit".into()), communes: Some(vec!["muong-la".into()]), limit: 100, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(actions(&units_here), ["unit.add", "unit.contact", "unit.add"]);

        // By time: `from` included, `to` excluded.
        let second_batch = store.audit(&AuditFilter { from: Some(middle), limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(actions(&second_batch), ["unit.add", "user.reset_password", "user.disable"]);
        let first_batch = store.audit(&AuditFilter { from: Some(start), to: Some(middle), limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(actions(&first_batch), ["unit.contact", "unit.contact", "user.add", "user.add"]);
        let before_start = store.audit(&AuditFilter { to: Some(start), limit: 100, ..Default::default() }).await.unwrap();
        assert_eq!(before_start.len(), everything.len() - 7, "the imports and units before the batches");
        assert!(second_batch.iter().all(|e| e.at >= middle) && first_batch.iter().all(|e| e.at < middle && e.at >= start));
        let second_here = store
            .audit(&AuditFilter { from: Some(middle), communes: Some(vec!["muong-la".into()]), limit: 100, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(actions(&second_here), ["unit.add", "user.disable"]);

        // The limit keeps the newest.
        let newest = store.audit(&AuditFilter { limit: 2, ..Default::default() }).await.unwrap();
        assert_eq!(newest, everything[..2]);
    }
);

on_both_databases!(
    async fn a_plan_knows_its_province_and_commune(store) {
        assert_eq!(store.plan_scope("muong-la-2026").await.unwrap(), None, "nothing imported yet");
        store.import_plan(&seed(), TEST_ACTOR).await.unwrap();
        store.import_plan(&second(), TEST_ACTOR).await.unwrap();
        assert_eq!(store.plan_scope("muong-la-2026").await.unwrap(), Some(("son-la".to_owned(), "muong-la".to_owned())));
        assert_eq!(store.plan_scope("thu-nghiem-2027").await.unwrap(), Some(("tinh-mau".to_owned(), "thu-nghiem".to_owned())));
        assert_eq!(store.plan_scope("khong-co-2026").await.unwrap(), None);
        assert_eq!(store.plan_scope("muong-la").await.unwrap(), None, "a commune code is not a plan id");
    }
);

on_both_databases!(
    /// Eight changes of one unit's contact at once: each audit row's "before" is what the
    /// previous change left (none is written over unseen), and the last one stands.
    async fn contacts_changed_at_once_are_one_after_the_other(store) {
        seeded(&store).await;
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let contact = UnitContact { name: Some(format!("Người liên hệ {i}")), phone: None, note: None };
                    store.set_unit_contact("son-la", "muong-la", "ban-mau", &contact, TEST_ACTOR).await.unwrap();
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        let trail = store.audit_trail("unit", "muong-la/ban-mau").await.unwrap();
        let changes: Vec<&AuditEntry> = trail.iter().filter(|e| e.action == "unit.contact").collect();
        assert_eq!(changes.len(), 8);
        let decode = |text: &Option<String>| serde_json::from_str::<UnitContact>(text.as_deref().unwrap()).unwrap();
        let mut last = UnitContact::default();
        for c in &changes {
            assert_eq!(decode(&c.before_json), last, "each change saw the one before it");
            last = decode(&c.after_json);
        }
        assert_eq!(store.unit_contact("son-la", "muong-la", "ban-mau").await.unwrap(), Some(last));
    }
);
