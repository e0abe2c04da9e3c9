//! The sign-in throttle's counters: one step to check and count, however many attempts at once.

use chrono::{DateTime, Duration, TimeZone, Utc};
use kehoach_store::{Admission, Store, on_both_databases};

const WINDOW: Duration = Duration::minutes(15);

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap() + Duration::minutes(minute)
}

fn keys(list: &[(&str, i32)]) -> Vec<(String, i32)> {
    list.iter().map(|(k, l)| ((*k).to_owned(), *l)).collect()
}

async fn admit(store: &Store, list: &[(&str, i32)], minute: i64) -> Admission {
    store.admit_sign_in(&keys(list), at(minute), WINDOW).await.unwrap()
}

on_both_databases!(
    async fn a_key_lets_its_limit_through_then_refuses_until_its_window_ends(store) {
        let pair = [("pair:ban-a|198.51.100.2", 3)];
        assert_eq!(admit(&store, &pair, 0).await, Admission::Admitted { full_until: None });
        assert_eq!(admit(&store, &pair, 1).await, Admission::Admitted { full_until: None });
        assert_eq!(admit(&store, &pair, 2).await, Admission::Admitted { full_until: Some(at(15)) }, "the last place");
        for minute in [3, 10, 15] {
            assert_eq!(admit(&store, &pair, minute).await, Admission::Refused { until: at(15) });
        }
        assert_eq!(store.sign_in_attempts(pair[0].0).await.unwrap(), 3, "refusals are not counted");
        // A new window: counting starts again.
        assert_eq!(admit(&store, &pair, 16).await, Admission::Admitted { full_until: None });
        assert_eq!(store.sign_in_attempts(pair[0].0).await.unwrap(), 1);
    }
);

on_both_databases!(
    async fn a_refusal_by_one_key_counts_under_none(store) {
        let list = [("pair:ban-a|198.51.100.2", 2), ("user:ban-a", 10), ("addr:198.51.100.2", 10)];
        for minute in 0..2 {
            assert!(matches!(admit(&store, &list, minute).await, Admission::Admitted { .. }));
        }
        for minute in 2..20 {
            assert!(matches!(admit(&store, &list, minute / 2).await, Admission::Refused { .. }));
        }
        assert_eq!(store.sign_in_attempts("user:ban-a").await.unwrap(), 2);
        assert_eq!(store.sign_in_attempts("addr:198.51.100.2").await.unwrap(), 2);
        // The account from another address, another account from this one: still let through.
        let elsewhere = [("pair:ban-a|192.0.2.9", 2), ("user:ban-a", 10), ("addr:192.0.2.9", 10)];
        assert!(matches!(admit(&store, &elsewhere, 3).await, Admission::Admitted { .. }));
        let other = [("pair:ban-b|198.51.100.2", 2), ("user:ban-b", 10), ("addr:198.51.100.2", 10)];
        assert!(matches!(admit(&store, &other, 3).await, Admission::Admitted { .. }));
        // A full ceiling refuses every pair under it.
        let ceiling = [("pair:ban-c|198.51.100.2", 2), ("addr:198.51.100.2", 4)];
        assert_eq!(admit(&store, &ceiling, 4).await, Admission::Admitted { full_until: Some(at(15)) });
        assert_eq!(admit(&store, &ceiling, 4).await, Admission::Refused { until: at(15) });
    }
);

on_both_databases!(
    async fn a_success_forgets_the_pair_and_gives_the_attempt_back(store) {
        let list = [("pair:ban-a|198.51.100.2", 3), ("user:ban-a", 10), ("addr:198.51.100.2", 10)];
        for minute in 0..3 {
            assert!(matches!(admit(&store, &list, minute).await, Admission::Admitted { .. }));
        }
        let ceilings = ["user:ban-a".to_owned(), "addr:198.51.100.2".to_owned()];
        store.sign_in_succeeded("pair:ban-a|198.51.100.2", &ceilings).await.unwrap();
        assert_eq!(store.sign_in_attempts("pair:ban-a|198.51.100.2").await.unwrap(), 0);
        assert_eq!(store.sign_in_attempts("user:ban-a").await.unwrap(), 2, "the successful attempt given back");
        assert_eq!(store.sign_in_attempts("addr:198.51.100.2").await.unwrap(), 2);
        assert!(matches!(admit(&store, &list, 4).await, Admission::Admitted { full_until: None }));
        // Never below zero, and unknown keys are no error.
        store.sign_in_succeeded("pair:khong-co|-", &["user:khong-co".to_owned()]).await.unwrap();
        assert_eq!(store.sign_in_attempts("user:khong-co").await.unwrap(), 0);
    }
);

on_both_databases!(
    async fn parallel_attempts_cannot_pass_the_check_together(store) {
        let list = keys(&[("pair:ban-a|198.51.100.2", 5), ("user:ban-a", 100), ("addr:198.51.100.2", 50)]);
        let now = Utc::now();
        let attempts = (0..60).map(|_| {
            let store = store.clone();
            let list = list.clone();
            tokio::spawn(async move { store.admit_sign_in(&list, now, WINDOW).await })
        });
        let mut admitted = 0;
        for attempt in attempts.collect::<Vec<_>>() {
            match attempt.await.unwrap().unwrap() {
                Admission::Admitted { .. } => admitted += 1,
                Admission::Refused { .. } => {}
            }
        }
        assert_eq!(admitted, 5, "exactly the limit let through");
        assert_eq!(store.sign_in_attempts("pair:ban-a|198.51.100.2").await.unwrap(), 5);
        assert_eq!(store.sign_in_attempts("user:ban-a").await.unwrap(), 5);
        assert_eq!(store.sign_in_attempts("addr:198.51.100.2").await.unwrap(), 5);
    }
);

on_both_databases!(
    async fn counters_of_windows_that_are_over_are_dropped(store) {
        assert!(matches!(admit(&store, &[("pair:ban-a|192.0.2.1", 5)], 0).await, Admission::Admitted { .. }));
        assert!(matches!(admit(&store, &[("pair:ban-b|192.0.2.2", 5)], 10).await, Admission::Admitted { .. }));
        assert!(matches!(admit(&store, &[("pair:ban-c|192.0.2.3", 5)], 16).await, Admission::Admitted { .. }));
        assert_eq!(store.sign_in_attempts("pair:ban-a|192.0.2.1").await.unwrap(), 0, "its window is over: gone");
        assert_eq!(store.sign_in_attempts("pair:ban-b|192.0.2.2").await.unwrap(), 1, "still in its window");
    }
);
