//! The nation's roll-up from the database's sums (issue 14) says what the provinces' own
//! roll-ups say, figure by figure: the same amounts, counts and communes left out by why, the
//! same completeness — on many communes in every state, on SQLite and PostgreSQL; and still
//! when a province's file no longer lists a commune whose report it accepted.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use kehoach_app::App;
use kehoach_domain::aggregate::Summary;
use kehoach_domain::clock::FixedClock;
use kehoach_domain::handoff::BoardState;
use kehoach_domain::period::PeriodId;
use kehoach_domain::rollup::{self, Amount, AtProvince, CommuneFigure, Rule};
use kehoach_store::bench_data::{self, BenchCommune};
use kehoach_store::on_both_databases;

use crate::common::TEST;
use crate::nation::provinces;

const SON_LA: &str = include_str!("../../../../plans/son-la.toml");

/// Each shared indicator rolled up from the provinces' own roll-ups (every commune's figure read
/// one by one), by (code, rule).
async fn oracle(app: &App, period: PeriodId) -> BTreeMap<(String, &'static str), rollup::Total> {
    let mut figures: BTreeMap<(String, &'static str), Vec<CommuneFigure>> = BTreeMap::new();
    for p in kehoach_app::province::all(app).await.unwrap() {
        let r = kehoach_app::province::rollup(app, &p, period).await.unwrap();
        for (indicator, i) in p.indicators.iter().zip(&r.indicators) {
            figures.entry((i.code.clone(), indicator.rule.key())).or_default().extend(i.communes.iter().map(|c| {
                CommuneFigure {
                    commune: rollup::Commune { code: c.code.clone(), name: c.name.clone() },
                    report: match c.state {
                        BoardState::Missing => None,
                        BoardState::Sent | BoardState::Reopened => Some(AtProvince::Sent),
                        BoardState::Returned => Some(AtProvince::Returned),
                        BoardState::Accepted => Some(AtProvince::Accepted),
                    },
                    value: c.official,
                }
            }));
        }
    }
    figures.into_iter().map(|(k, f)| (k.clone(), rollup::rollup(Rule::from_key(k.1).unwrap(), &f))).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

fn same_amount(a: &Amount, b: &Amount) -> bool {
    let p = |x: &Option<f64>, y: &Option<f64>| match (x, y) {
        (Some(x), Some(y)) => close(*x, *y),
        (None, None) => true,
        _ => false,
    };
    match (a, b) {
        (Amount::Sum { total: x }, Amount::Sum { total: y }) => close(*x, *y),
        (
            Amount::RatioOfSums { numerator: n1, denominator: d1, percent: p1 },
            Amount::RatioOfSums { numerator: n2, denominator: d2, percent: p2 },
        ) => close(*n1, *n2) && close(*d1, *d2) && p(p1, p2),
        (
            Amount::ShareMeetingTarget { reached: r1, judged: j1, percent: p1 },
            Amount::ShareMeetingTarget { reached: r2, judged: j2, percent: p2 },
        ) => r1 == r2 && j1 == j2 && p(p1, p2),
        _ => a == b,
    }
}

/// The nation's view of `period` against the oracle and the provinces' boards.
async fn nation_agrees(app: &App, period: PeriodId) -> usize {
    let nation = kehoach_app::province::nation(app, period).await.unwrap();
    let expected = oracle(app, period).await;
    assert_eq!(nation.indicators.len(), expected.len(), "{period}");
    let mut counted = 0;
    for i in &nation.indicators {
        let s: &Summary = &i.official;
        let t = &expected[&(i.code.clone(), s.rule.key())];
        assert!(same_amount(&s.amount, &t.amount), "{period} {}: {:?} != {:?}", i.code, s.amount, t.amount);
        assert_eq!(s.counted, t.counted, "{period} {}", i.code);
        for l in &s.left_out {
            let listed = t.left_out.iter().filter(|x| x.because == l.because).count();
            assert_eq!(l.communes, listed, "{period} {} {:?}", i.code, l.because);
        }
        let said: usize = s.left_out.iter().map(|l| l.communes).sum();
        assert_eq!(said, t.left_out.len(), "{period} {}: every left-out commune counted once", i.code);
        counted += s.counted;
    }
    for (line, p) in nation.provinces.iter().zip(kehoach_app::province::all(app).await.unwrap()) {
        let board = kehoach_app::province::board(app, &p, period).await.unwrap();
        assert_eq!(line.counts, board.counts, "{period} {}", p.slug);
    }
    counted
}

on_both_databases! {
    async fn the_nation_from_sums_is_the_provinces_rollups(store) {
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 20, 2, 0, 0).unwrap()));
        let app = App::new(store.clone(), clock);
        let (son_la, mau) = provinces(&app).await;
        let communes: Vec<BenchCommune> = [&son_la, &mau]
            .iter()
            .flat_map(|p| {
                p.communes.iter().map(|c| BenchCommune { province: p.slug.clone(), code: c.code.clone(), name: c.name.clone() })
            })
            .collect();
        let codes: Vec<&str> = son_la.indicators.iter().map(|i| i.code.as_str()).collect();
        let rows = bench_data::write(&store, &communes, &codes, 2026, 7).await.unwrap();
        assert!(rows.figures > 1_000, "{rows:?}");
        let mut counted = 0;
        for quarter in 1..=4 {
            counted += nation_agrees(&app, PeriodId::Quarter { year: 2026, quarter }).await;
        }
        assert!(counted > 500, "most accepted figures counted: {counted}");

        // Sơn La's file loaded again without a commune whose current report it had accepted:
        // that commune is no longer expected, and its figures no longer count.
        let q1 = PeriodId::Quarter { year: 2026, quarter: 1 };
        let board = kehoach_app::province::board(&app, &son_la, q1).await.unwrap();
        let gone = board.rows.iter().find(|r| r.state == BoardState::Accepted).unwrap().code.clone();
        let block = format!("[[communes]]\ncode = \"{gone}\"\n");
        let at = SON_LA.find(&block).unwrap();
        let end = at + 1 + SON_LA[at + 1..].find("[[communes]]").unwrap_or(SON_LA.len() - at - 1);
        let without = format!("{}{}", &SON_LA[..at], &SON_LA[end..]);
        kehoach_app::province::load(&app, &without, TEST).await.unwrap();
        let nation = kehoach_app::province::nation(&app, q1).await.unwrap();
        assert_eq!(nation.provinces[0].counts.expected, 74);
        nation_agrees(&app, q1).await;
    }
}
