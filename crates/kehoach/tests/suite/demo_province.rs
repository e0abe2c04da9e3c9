//! `serve --demo`'s province (issue 13): after the demo, Sơn La's board of Q1 2026 shows every
//! state, and the official roll-up is each rule applied to the accepted communes' figures.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use kehoach_app::App;
use kehoach_app::province::{self, BoardRow};
use kehoach_domain::clock::FixedClock;
use kehoach_domain::handoff::{BoardState, Parts, Timeliness};
use kehoach_domain::period::PeriodId;
use kehoach_domain::progress::Status;
use kehoach_domain::rollup::{self, Amount, AtProvince, CommuneFigure, Rule};
use kehoach_store::Store;
use kehoach_store::testing::{Backend, TestDb};

const NOW: &str = "2026-04-20T09:00:00+07:00";
const Q1: PeriodId = PeriodId::Quarter { year: 2026, quarter: 1 };

/// Runs `serve --demo` in `dir` until it listens, then stops it: how long the start took, and
/// what it printed.
fn demo(dir: &Path, url: &str) -> (Duration, String) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kehoach"))
        .args(["serve", "--demo", "--addr", "127.0.0.1:0", "--database", url])
        .env("KEHOACH_FROZEN_NOW", NOW)
        .env("KEHOACH_LOG", "info")
        .env_remove("KEHOACH_DATABASE_URL")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kehoach");
    let mut log = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.expect("read log");
        log.push_str(&line);
        log.push('\n');
        if line.contains("serving on http://") {
            break;
        }
    }
    let took = started.elapsed();
    child.kill().ok();
    child.wait().ok();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).ok();
    assert!(log.contains("serving on http://"), "the demo did not start:\n{log}");
    (took, out)
}

fn row<'a>(rows: &'a [BoardRow], name: &str) -> &'a BoardRow {
    rows.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("{name} on the board"))
}

async fn run_demo(dir: &Path, url: &str) -> (Duration, String) {
    let (dir, url) = (dir.to_owned(), url.to_owned());
    tokio::task::spawn_blocking(move || demo(&dir, &url)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_province_shows_every_state_and_its_official_totals_follow_the_rules_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("kehoach.sqlite").display());
    demo_province_on(dir.path(), &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_province_shows_every_state_and_its_official_totals_follow_the_rules_on_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let pg = TestDb::new(Backend::Postgres).await;
    demo_province_on(dir.path(), &pg.url).await;
    pg.finish().await;
}

async fn demo_province_on(dir: &Path, url: &str) {
    let (took, out) = run_demo(dir, url).await;
    eprintln!("serve --demo on a new database ({url:.8}…, debug build): ready in {} ms", took.as_millis());
    assert!(out.contains("mau-so-khcn") && out.contains("mau-trung-uong"), "{out}");
    assert!(out.contains("Tỉnh Sơn La: 75 xã, phường; 8 xã mẫu có kế hoạch trên máy chủ, 18 bước"), "{out}");

    let store = Store::connect(url).await.unwrap();
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&Utc);
    let app = App::new(store.clone(), Arc::new(FixedClock::new(now)));
    let son_la = province::get(&app, "son-la").await.unwrap();
    let board = province::board(&app, &son_la, Q1).await.unwrap();

    for state in BoardState::ALL {
        assert!(board.rows.iter().any(|r| r.state == state), "no commune {state:?}");
    }
    let c = &board.counts;
    assert_eq!(
        (c.expected, c.sent, c.on_time, c.late, c.missing, c.waiting, c.returned, c.reopened, c.accepted),
        (75, 8, 6, 2, 67, 2, 1, 1, 4)
    );
    let state_of = |name: &str| {
        let r = row(&board.rows, name);
        (r.state, r.timeliness, r.sendings.len())
    };
    assert_eq!(state_of("Chiềng Lao"), (BoardState::Sent, Some(Timeliness::OnTime), 1));
    assert_eq!(state_of("Ngọc Chiến"), (BoardState::Sent, Some(Timeliness::Late), 1));
    assert_eq!(state_of("Nậm Lầu"), (BoardState::Returned, Some(Timeliness::OnTime), 1));
    assert_eq!(state_of("Mường É"), (BoardState::Reopened, Some(Timeliness::OnTime), 1));
    assert_eq!(state_of("Chiềng Sung"), (BoardState::Accepted, Some(Timeliness::Late), 1));
    // Returned, corrected and sent again: accepted, as timely as its first sending.
    assert_eq!(state_of("Xuân Nha"), (BoardState::Accepted, Some(Timeliness::OnTime), 2));
    let xuan_nha = row(&board.rows, "Xuân Nha");
    assert_eq!(xuan_nha.sendings[0].state, AtProvince::Returned);
    assert!(xuan_nha.sendings[0].reason.as_deref().is_some_and(|r| r.contains("05/3/2026")));
    assert_eq!(xuan_nha.sendings[1].decided_by.as_deref(), Some("mau-so-khcn"));
    assert!(row(&board.rows, "Nậm Lầu").latest().and_then(|s| s.reason.as_deref()).is_some_and(|r| !r.is_empty()));
    // Mường La keeps its own demo: nothing approved, nothing sent.
    let muong_la = row(&board.rows, "Mường La");
    assert_eq!(muong_la.state, BoardState::Missing);
    assert_eq!(muong_la.hosted.as_ref().map(|h| h.plan.as_str()), Some("muong-la-2026"));
    assert_eq!(board.rows.iter().filter(|r| r.hosted.is_some()).count(), 9);
    // A sample commune's plan says it is one.
    let sample = store.plan("xuan-nha-2026").await.unwrap().unwrap();
    assert!(sample.document.title.ends_with("(dữ liệu mẫu)"), "{}", sample.document.title);
    assert_eq!(sample.commune.official_code.as_deref(), Some("04057"));

    // The official totals: each rule applied to the accepted communes' figures, read here from
    // the figures sent with each accepted report.
    let accepted: Vec<&BoardRow> = board.rows.iter().filter(|r| r.state == BoardState::Accepted).collect();
    let ids: Vec<i32> = accepted.iter().map(|r| r.latest().unwrap().id).collect();
    let figures = store.handoff_figures(&ids).await.unwrap();
    let roll = province::rollup(&app, &son_la, Q1).await.unwrap();
    assert_eq!(roll.indicators.len(), 8);
    for indicator in &son_la.indicators {
        let expected_figures: Vec<CommuneFigure> = accepted
            .iter()
            .map(|r| {
                let sending = r.latest().unwrap().id;
                let f = figures.iter().find(|f| f.handoff == sending && f.indicator == indicator.code);
                let parts = f.map(|f| Parts {
                    value: f.value,
                    numerator: f.numerator,
                    denominator: f.denominator,
                    target: f.target,
                    status: f.status.as_deref().and_then(|s| Status::ALL.into_iter().find(|x| x.key() == s)),
                });
                CommuneFigure {
                    commune: rollup::Commune { code: r.code.clone(), name: r.name.clone() },
                    report: Some(AtProvince::Accepted),
                    value: parts.and_then(|p| p.value_for(indicator.rule)),
                }
            })
            .collect();
        let expected = rollup::rollup(indicator.rule, &expected_figures);
        let got = roll.indicators.iter().find(|i| i.code == indicator.code).unwrap();
        assert_eq!(got.official.amount, expected.amount, "{}", indicator.code);
        assert_eq!(got.official.counted, 4, "{}", indicator.code);
        // Live figures: the nine communes hosted here.
        assert_eq!(got.hosted, 9, "{}", indicator.code);
    }
    // And the demo's numbers, as docs/province.md gives them.
    let amount = |code: &str| roll.indicators.iter().find(|i| i.code == code).unwrap().official.amount.clone();
    let sum = |code: &str| match amount(code) {
        Amount::Sum { total } => total,
        other => panic!("{code}: {other:?}"),
    };
    assert_eq!(
        (sum("luot-tuyen-truyen"), sum("mo-hinh-ung-dung"), sum("sang-kien"), sum("ocop")),
        (11.0, 4.0, 3.0, 2.0)
    );
    match amount("ty-le-cbcc-tuyen-truyen") {
        Amount::RatioOfSums { numerator, denominator, .. } => assert_eq!((numerator, denominator), (15.0, 18.0)),
        other => panic!("{other:?}"),
    }
    match amount("ty-le-tthc-dien-tu") {
        Amount::RatioOfSums { numerator, denominator, .. } => assert_eq!((numerator, denominator), (11.0, 16.0)),
        other => panic!("{other:?}"),
    }
    match amount("can-bo-dau-moi") {
        Amount::ShareMeetingTarget { reached, judged, .. } => assert_eq!((reached, judged), (3, 4)),
        other => panic!("{other:?}"),
    }
    match amount("ung-dung-cntt") {
        Amount::Distribution { counts } => {
            let n = |s: Status| counts.iter().find(|c| c.status == s).map_or(0, |c| c.communes);
            assert_eq!((n(Status::Achieved), n(Status::OnTrack), n(Status::AtRisk), n(Status::Behind)), (2, 1, 1, 0));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(son_la.indicators.iter().filter(|i| i.rule == Rule::Sum).count(), 4);
    store.close().await.unwrap();

    // A second start adds nothing.
    let (_, again) = run_demo(dir, url).await;
    assert!(!again.contains("xã mẫu"), "{again}");
    let store = Store::connect(url).await.unwrap();
    assert_eq!(store.province_handoffs("son-la", Some("2026-Q1")).await.unwrap().len(), 9);
    assert_eq!(store.plans().await.unwrap().len(), 9);
    store.close().await.unwrap();
}
