//! The sign-in throttle under parallel attempts, on a real server: the check and the count are
//! one step, so sixty guesses at once get no further than five; the limit holds for the account
//! from that address only, and the address a client claims counts only through a trusted proxy.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use kehoach_store::{Store, on_both_databases};
use kehoach_web::auth::password;
use kehoach_web::{SystemClock, TrustedProxies};
use serde_json::json;

use crate::common;
use crate::live;
use live::{Request, Response, send};

const PASSWORD: &str = "mat-khau-du-dai-2026";
const OFFICE: &str = "203.0.113.7";
const ELSEWHERE: &str = "198.51.100.9";

async fn server(store: &Store, trusted: &str) -> SocketAddr {
    common::commune(store).await;
    let hash = password::hash(PASSWORD).unwrap();
    for user in ["lanh-dao", "dau-moi"] {
        store.set_password(user, &hash, false, common::TEST).await.unwrap();
    }
    live::serve(store.clone(), Arc::new(SystemClock), TrustedProxies::parse(trusted).unwrap()).await
}

async fn login(addr: SocketAddr, user: &str, password: &str, from: &str) -> Response {
    let body = json!({"username": user, "password": password});
    send(addr, Request::new("POST", "/api/v1/auth/login").header("x-forwarded-for", from).json(&body)).await
}

on_both_databases!(
    async fn sixty_parallel_guesses_get_five_tries_and_lock_only_that_pair(store) {
        let addr = server(&store, "127.0.0.1").await;
        let guesses: Vec<_> =
            (0..60).map(|_| tokio::spawn(async move { login(addr, "lanh-dao", "sai-mat-khau", OFFICE).await })).collect();
        let mut statuses = BTreeMap::new();
        for guess in guesses {
            *statuses.entry(guess.await.unwrap().status).or_insert(0) += 1;
        }
        // Five let through: four told the password is wrong, the fifth that the account is now
        // locked from here; the other 55 refused before any password was checked.
        assert_eq!(statuses, BTreeMap::from([(401, 4), (429, 56)]));
        assert_eq!(store.sign_in_attempts(&format!("pair:lanh-dao|{OFFICE}")).await.unwrap(), 5);

        let right = login(addr, "lanh-dao", PASSWORD, OFFICE).await;
        assert_eq!(right.status, 429, "the right password is refused past the limit: {}", right.text());
        assert_eq!(right.json()["error"]["code"], "too_many_attempts");
        // The owner elsewhere, and a colleague in the same office, still get in.
        assert_eq!(login(addr, "lanh-dao", PASSWORD, ELSEWHERE).await.status, 200);
        assert_eq!(login(addr, "dau-moi", PASSWORD, OFFICE).await.status, 200);
    }
);

on_both_databases!(
    async fn the_right_password_among_parallel_guesses_is_refused_past_the_limit(store) {
        let addr = server(&store, "127.0.0.1").await;
        // The right password sent 46th among sixty at once.
        let attempts: Vec<_> = (0..60)
            .map(|i| {
                let password = if i == 45 { PASSWORD } else { "sai-mat-khau" };
                tokio::spawn(async move { login(addr, "lanh-dao", password, OFFICE).await })
            })
            .collect();
        let mut answers = Vec::new();
        for attempt in attempts {
            answers.push(attempt.await.unwrap().status);
        }
        assert!(answers.iter().all(|s| [200, 401, 429].contains(s)), "no server error: {answers:?}");
        // Which attempts come first is the scheduler's choice: the right one gets in only if it is
        // among the five let through (the owner within the limit), and then the count starts
        // again; either way no more than ten are let through, and never the right one beyond.
        let let_through = answers.iter().filter(|s| **s != 429).count();
        assert!(answers.iter().filter(|s| **s == 200).count() <= 1, "{answers:?}");
        if answers[45] == 200 {
            assert!(let_through <= 10, "{answers:?}");
        } else {
            assert_eq!(answers[45], 429, "{answers:?}");
            assert_eq!(let_through, 4, "four wrong ones told so, the fifth locked: {answers:?}");
        }
    }
);

on_both_databases!(
    async fn a_forwarded_address_counts_only_from_a_trusted_proxy(store) {
        // No proxy trusted: the header is the client's own claim and is ignored.
        let addr = server(&store, "").await;
        for _ in 0..5 {
            login(addr, "lanh-dao", "sai-mat-khau", OFFICE).await;
        }
        let claimed_elsewhere = login(addr, "lanh-dao", PASSWORD, ELSEWHERE).await;
        assert_eq!(claimed_elsewhere.status, 429, "still counted under the peer's own address");
        assert_eq!(store.sign_in_attempts("pair:lanh-dao|127.0.0.1").await.unwrap(), 5);
        assert_eq!(store.sign_in_attempts(&format!("pair:lanh-dao|{OFFICE}")).await.unwrap(), 0);
    }
);
