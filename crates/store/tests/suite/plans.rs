//! Plans in the database: round trip, re-import, two communes side by side, units.

use kehoach_domain::{Plan, Unit, UnitKind};
use kehoach_store::{Actor, StoreError, on_both_databases};

use crate::common::{second, seed};

const TEST: Actor<'static> = Actor { name: "test", address: None };

/// The stored plan carries the commune's units in the commune's order (kind, then Vietnamese
/// alphabetical); the file lists them in its own order. Same units, same everything else.
fn assert_same_plan(stored: &Plan, file: &Plan) {
    let by_code = |p: &Plan| {
        let mut units = p.units.clone();
        units.sort_by(|a, b| a.code.cmp(&b.code));
        units
    };
    assert_eq!(by_code(stored), by_code(file), "units");
    let mut stored = stored.clone();
    stored.units = file.units.clone();
    assert_eq!(stored.indicators, file.indicators, "indicators");
    assert_eq!(stored.tasks, file.tasks, "tasks");
    assert_eq!(stored.sections, file.sections, "sections");
    assert_eq!(stored.groups, file.groups, "groups");
    assert_eq!(stored.targets, file.targets, "targets");
    assert_eq!(stored, *file);
}

on_both_databases!(
    async fn seed_plan_round_trips_exactly(store) {
        let plan = seed();
        let outcome = store.import_plan(&plan, TEST).await.unwrap();
        assert!(outcome.created && outcome.changed);
        let loaded = store.plan(&plan.id).await.unwrap().expect("stored plan");
        // Every field, every character: the domain value compares whole.
        assert_same_plan(&loaded, &plan);
        assert_eq!(loaded.indicators.len(), 15);
        assert_eq!(loaded.tasks.len(), 9);
        assert_eq!(loaded.preamble.legal_bases.len(), 6);
        assert_eq!(loaded.targets.len(), 10);
    }
);

on_both_databases!(
    async fn reimporting_the_same_plan_changes_nothing(store) {
        let plan = seed();
        store.import_plan(&plan, TEST).await.unwrap();
        let again = store.import_plan(&plan, TEST).await.unwrap();
        assert!(!again.created);
        assert!(!again.changed);
        assert_eq!(store.plans().await.unwrap().len(), 1);
        assert_same_plan(&store.plan(&plan.id).await.unwrap().unwrap(), &plan);
        let audit = store.audit_trail("plan", &plan.id).await.unwrap();
        assert_eq!(audit.len(), 1, "an unchanged re-import writes no audit row");
        assert_eq!(audit[0].action, "plan.import");
    }
);

on_both_databases!(
    async fn reimport_updates_removes_and_keeps_ids(store) {
        let mut plan = seed();
        store.import_plan(&plan, TEST).await.unwrap();
        let ids_before = store.indicator_ids(&plan.id).await.unwrap();

        plan.indicators.retain(|i| i.code != "CT.8");
        plan.targets.retain(|t| t.indicator != "CT.8");
        plan.indicators[0].target.text = "Duy trì 02 cán bộ phụ trách".into();
        plan.indicators[0].target.value = Some(2.0);
        let outcome = store.import_plan(&plan, TEST).await.unwrap();
        assert!(!outcome.created && outcome.changed);

        let loaded = store.plan(&plan.id).await.unwrap().unwrap();
        assert_same_plan(&loaded, &plan);
        let ids_after = store.indicator_ids(&plan.id).await.unwrap();
        assert_eq!(ids_after.len(), 14);
        for (code, id) in &ids_after {
            assert_eq!(ids_before.iter().find(|(c, _)| c == code).map(|(_, i)| i), Some(id), "{code} kept its row");
        }
        let audit = store.audit_trail("plan", &plan.id).await.unwrap();
        assert_eq!(audit.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(), ["plan.import", "plan.update"]);
        let update = &audit[1];
        assert!(update.before_json.as_deref().unwrap_or("").contains("Duy trì 01 cán bộ phụ trách"));
        assert!(update.after_json.as_deref().unwrap_or("").contains("Duy trì 02 cán bộ phụ trách"));
    }
);

on_both_databases!(
    async fn two_communes_live_side_by_side(store) {
        let first = seed();
        let other = second();
        store.import_plan(&first, TEST).await.unwrap();
        store.import_plan(&other, TEST).await.unwrap();

        let plans = store.plans().await.unwrap();
        let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["thu-nghiem-2027", "muong-la-2026"], "newest year first");
        assert_same_plan(&store.plan(&first.id).await.unwrap().unwrap(), &first);
        assert_same_plan(&store.plan(&other.id).await.unwrap().unwrap(), &other);

        // Units belong to their commune only.
        let muong_la = store.units("muong-la").await.unwrap();
        assert!(muong_la.iter().all(|u| first.units.contains(u)));
        assert_eq!(muong_la.len(), first.units.len());
        assert_eq!(store.units(&other.commune.code).await.unwrap().len(), other.units.len());
        assert_eq!(store.communes().await.unwrap().len(), 2);
    }
);

on_both_databases!(
    async fn a_plan_id_of_another_commune_is_refused_whole(store) {
        store.import_plan(&seed(), TEST).await.unwrap();
        let mut intruder = second();
        intruder.id = "muong-la-2026".into();
        let err = store.import_plan(&intruder, TEST).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        // Nothing of the refused import stays: not its commune, not its units.
        assert_eq!(store.communes().await.unwrap().len(), 1);
        assert!(matches!(store.units(&intruder.commune.code).await, Err(StoreError::NotFound(_))));
        assert_same_plan(&store.plan("muong-la-2026").await.unwrap().unwrap(), &seed());
    }
);

on_both_databases!(
    async fn units_join_groups_and_batches_are_all_or_nothing(store) {
        let plan = seed();
        store.import_plan(&plan, TEST).await.unwrap();
        let village = Unit { code: "ban-mau-1".into(), name: "Bản Mẫu Một (mẫu)".into(), kind: UnitKind::Village, sample: true };
        let quarter = Unit { code: "tk-mau-1".into(), name: "Tiểu khu Mẫu (mẫu)".into(), kind: UnitKind::Quarter, sample: true };
        assert_eq!(store.add_units("muong-la", &[village.clone(), quarter.clone()], TEST).await.unwrap(), 2);

        let loaded = store.plan(&plan.id).await.unwrap().unwrap();
        let group = loaded.group("ban-tieu-khu").expect("group of villages and quarters");
        let members: Vec<&str> = group.resolve(&loaded.units).iter().map(|u| u.code.as_str()).collect();
        assert_eq!(members, ["ban-mau-1", "tk-mau-1"]);

        // One clash (an existing unit code, or a group's code) refuses the whole batch.
        let new_one = Unit { code: "ban-mau-2".into(), name: "Bản Mẫu Hai (mẫu)".into(), kind: UnitKind::Village, sample: true };
        for clash in ["ban-mau-1", "ban-tieu-khu"] {
            let dup = Unit { code: clash.into(), ..new_one.clone() };
            let err = store.add_units("muong-la", &[new_one.clone(), dup], TEST).await.unwrap_err();
            assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        }
        let units = store.units("muong-la").await.unwrap();
        assert!(!units.iter().any(|u| u.code == "ban-mau-2"));
        assert_eq!(store.audit_trail("unit", "muong-la/ban-mau-1").await.unwrap().len(), 1);
        assert!(matches!(store.units("khong-co").await, Err(StoreError::NotFound(_))));
    }
);

on_both_databases!(
    async fn units_sort_in_vietnamese_order(store) {
        store.import_plan(&seed(), TEST).await.unwrap();
        let names = ["Bản Đông (mẫu)", "Bản Ăn (mẫu)", "Bản Zê (mẫu)", "Bản An (mẫu)", "Bản Dê (mẫu)"];
        let units: Vec<Unit> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Unit { code: format!("b{i}"), name: (*n).into(), kind: UnitKind::Village, sample: true })
            .collect();
        store.add_units("muong-la", &units, TEST).await.unwrap();
        let villages: Vec<String> = store
            .units("muong-la")
            .await
            .unwrap()
            .into_iter()
            .filter(|u| u.kind == UnitKind::Village)
            .map(|u| u.name)
            .collect();
        assert_eq!(villages, ["Bản An (mẫu)", "Bản Ăn (mẫu)", "Bản Dê (mẫu)", "Bản Đông (mẫu)", "Bản Zê (mẫu)"]);
    }
);
