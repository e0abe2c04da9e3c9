//! `kehoach demo generate` (issue 14, item 1): 2 provinces × 3 communes with seed 7 give plans
//! with 20–40 units, users, records and reports in every state, all marked as synthetic; the same
//! seed into another database gives the same counts and the same province boards.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use kehoach_app::App;
use kehoach_app::province;
use kehoach_domain::clock::FixedClock;
use kehoach_domain::handoff::BoardState;
use kehoach_domain::period::PeriodId;
use kehoach_store::testing::{Backend, TestDb};
use kehoach_store::{RecordFilter, Store};

fn national_list() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/vn-admin-units-2026.csv")
}

/// Runs the generator into `url`; what it printed.
fn generate(url: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kehoach"))
        .args(["demo", "generate", "--provinces", "2", "--communes", "3", "--seed", "7", "--database", url, "--csv"])
        .arg(national_list())
        .env_remove("KEHOACH_DATABASE_URL")
        .output()
        .expect("run kehoach");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "generate failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// What the generated database holds, counted; and the provinces' boards of the four quarters.
#[derive(Debug, PartialEq)]
struct Dataset {
    plans: usize,
    units: Vec<usize>,
    users: usize,
    records: u64,
    unit_reports: BTreeMap<String, usize>,
    late_unit_reports: usize,
    board_states: BTreeMap<String, usize>,
    late_sendings: usize,
    boards: Vec<serde_json::Value>,
}

async fn dataset(store: &Store) -> Dataset {
    let plans = store.plans().await.unwrap();
    let mut units = Vec::new();
    let mut records = 0;
    let mut unit_reports = BTreeMap::new();
    let mut late_unit_reports = 0;
    for p in &plans {
        let commune_units = store.units(&format!("{}/{}", p.commune.province_code, p.commune.code)).await.unwrap();
        for u in &commune_units {
            assert!(u.sample || u.name.contains("(mẫu)"), "unit not marked synthetic: {}", u.name);
            assert!(u.name.contains("mẫu"), "unit not marked synthetic: {}", u.name);
        }
        units.push(commune_units.len());
        let plan_records = store.records(&p.id, &RecordFilter::default()).await.unwrap();
        assert!(plan_records.iter().all(|r| r.sample), "{}: a record not marked as a sample", p.id);
        records += plan_records.len() as u64;
        for q in 1..=4 {
            for r in store.reports(&p.id, &format!("{}-Q{q}", 2026)).await.unwrap() {
                *unit_reports.entry(r.state.key().to_owned()).or_insert(0) += 1;
                late_unit_reports += usize::from(r.late);
            }
        }
    }
    let users = store.users(None, None).await.unwrap();
    for u in &users {
        assert!(u.full_name.starts_with("Người dùng mẫu "), "user not marked synthetic: {}", u.full_name);
        assert!(u.username.starts_with("mau-"), "{}", u.username);
    }
    let app = App::new(store.clone(), Arc::new(FixedClock::new("2027-01-15T00:00:00Z".parse().unwrap())));
    let mut board_states = BTreeMap::new();
    let mut late_sendings = 0;
    let mut boards = Vec::new();
    for p in province::all(&app).await.unwrap() {
        for quarter in 1..=4 {
            let board = province::board(&app, &p, PeriodId::Quarter { year: 2026, quarter }).await.unwrap();
            for row in board.rows.iter().filter(|r| r.hosted.is_some()) {
                *board_states.entry(format!("{:?}", row.state)).or_insert(0) += 1;
                late_sendings += usize::from(matches!(row.timeliness, Some(kehoach_domain::handoff::Timeliness::Late)));
            }
            boards.push(serde_json::to_value(&board).unwrap());
        }
    }
    Dataset {
        plans: plans.len(),
        units,
        users: users.len(),
        records,
        unit_reports,
        late_unit_reports,
        board_states,
        late_sendings,
        boards,
    }
}

fn check(d: &Dataset, printed: &str) {
    assert_eq!(d.plans, 6, "{printed}");
    assert!(d.units.iter().all(|n| (20..=40).contains(n)), "{:?}", d.units);
    // The Ministry, a department per province, and per commune its focal officer, its leader
    // and three to five unit heads.
    assert!((1 + 2 + 6 * 5..=1 + 2 + 6 * 7).contains(&d.users), "{} users", d.users);
    assert!(d.records >= 6 * 150, "{} records", d.records);
    for state in ["accepted", "draft", "returned", "submitted"] {
        assert!(d.unit_reports.get(state).copied().unwrap_or(0) > 0, "no unit report {state}: {:?}", d.unit_reports);
    }
    assert!(d.late_unit_reports > 0);
    assert_eq!(d.board_states.values().sum::<usize>(), 6 * 4, "{:?}", d.board_states);
    for state in [BoardState::Missing, BoardState::Sent, BoardState::Returned, BoardState::Accepted] {
        assert!(
            d.board_states.get(&format!("{state:?}")).copied().unwrap_or(0) > 0,
            "none {state:?}: {:?}",
            d.board_states
        );
    }
    assert!(d.late_sendings > 0, "no late commune report");
    assert!(printed.contains(&format!("{} người dùng", d.users)), "{printed}");
    assert!(printed.contains(&format!("{} bản ghi", d.records)), "{printed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_dataset_in_every_state_all_marked_synthetic() {
    let dir = tempfile::tempdir().unwrap();
    let url_a = format!("sqlite://{}?mode=rwc", dir.path().join("a.sqlite").display());
    let pg = TestDb::new(Backend::Postgres).await;
    let (a_url, b_url) = (url_a.clone(), pg.url.clone());
    let (printed_a, printed_b) =
        tokio::task::spawn_blocking(move || (generate(&a_url), generate(&b_url))).await.unwrap();
    let a = Store::connect(&url_a).await.unwrap();
    let first = dataset(&a).await;
    check(&first, &printed_a);
    let second = dataset(&pg.store).await;
    check(&second, &printed_b);
    assert_eq!(first, second, "the same seed gave another dataset on PostgreSQL");
    a.close().await.unwrap();
    pg.finish().await;
}
