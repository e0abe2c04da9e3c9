//! The province's roll-up rules against a direct reading of the rules, on generated communes.
//!
//! Commune codes here start with 9 (`"9xxxx"`): no real commune has such a code (the highest is
//! 32248), so no test figure can pass for a real commune's.

use kehoach_domain::progress::Status;
use kehoach_domain::rollup::{
    Amount, AtProvince, Commune, CommuneFigure, LeftOut, LeftOutBecause, Rule, Target, Total, Value, rollup,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// The rules read directly, as the issue words them: the oracle the module is checked against.

/// The figures of the accepted reports that give a value.
fn accepted_values(figures: &[CommuneFigure]) -> Vec<Value> {
    figures.iter().filter(|f| f.report == Some(AtProvince::Accepted)).filter_map(|f| f.value).collect()
}

/// The rule applied to the accepted communes' values, in the order given.
fn direct(rule: Rule, values: &[Value]) -> (Amount, usize) {
    match rule {
        Rule::Sum => {
            let counts: Vec<f64> = values
                .iter()
                .filter_map(|v| if let Value::Count { value } = v { Some(*value) } else { None })
                .collect();
            (Amount::Sum { total: counts.iter().sum() }, counts.len())
        }
        Rule::RatioOfSums => {
            let (mut numerator, mut denominator, mut n) = (0.0, 0.0, 0);
            for v in values {
                if let Value::Ratio { numerator: a, denominator: b } = v {
                    numerator += a;
                    denominator += b;
                    n += 1;
                }
            }
            let percent = (denominator > 0.0).then(|| numerator / denominator * 100.0);
            (Amount::RatioOfSums { numerator, denominator, percent }, n)
        }
        Rule::ShareMeetingTarget => {
            let judged: Vec<(f64, Target)> = values
                .iter()
                .filter_map(|v| match v {
                    Value::AgainstTarget { value, target: Some(t) } => Some((*value, *t)),
                    _ => None,
                })
                .collect();
            let reached = judged.iter().filter(|(v, t)| if t.at_least { *v >= t.value } else { *v <= t.value }).count();
            let percent = (!judged.is_empty()).then(|| reached as f64 * 100.0 / judged.len() as f64);
            (Amount::ShareMeetingTarget { reached, judged: judged.len(), percent }, judged.len())
        }
        Rule::Distribution => {
            let statuses: Vec<Status> = values
                .iter()
                .filter_map(|v| if let Value::Status { status } = v { Some(*status) } else { None })
                .collect();
            let counts = Status::ALL
                .into_iter()
                .map(|status| kehoach_domain::rollup::StatusCount {
                    status,
                    communes: statuses.iter().filter(|s| **s == status).count(),
                })
                .collect();
            (Amount::Distribution { counts }, statuses.len())
        }
    }
}

/// Two amounts equal, percentages to a relative 1e-12 (the module and the oracle may divide
/// in another order).
fn same_amount(a: &Amount, b: &Amount) -> bool {
    let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(1.0),
        (None, None) => true,
        _ => false,
    };
    match (a, b) {
        (
            Amount::RatioOfSums { numerator: n1, denominator: d1, percent: p1 },
            Amount::RatioOfSums { numerator: n2, denominator: d2, percent: p2 },
        ) => n1 == n2 && d1 == d2 && close(*p1, *p2),
        (
            Amount::ShareMeetingTarget { reached: r1, judged: j1, percent: p1 },
            Amount::ShareMeetingTarget { reached: r2, judged: j2, percent: p2 },
        ) => r1 == r2 && j1 == j2 && close(*p1, *p2),
        _ => a == b,
    }
}

// ---------------------------------------------------------------------------------------------
// Generated communes.

fn commune(i: usize) -> Commune {
    Commune { code: format!("9{i:04}"), name: format!("Xã thử {i}") }
}

fn report() -> impl Strategy<Value = Option<AtProvince>> {
    prop_oneof![
        4 => Just(Some(AtProvince::Accepted)),
        1 => Just(Some(AtProvince::Sent)),
        1 => Just(Some(AtProvince::Returned)),
        1 => Just(None),
    ]
}

fn not_accepted() -> impl Strategy<Value = Option<AtProvince>> {
    prop_oneof![Just(Some(AtProvince::Sent)), Just(Some(AtProvince::Returned)), Just(None)]
}

/// A number as reports give it: a whole count (sums of these are exact), or with decimals
/// when `whole` is false.
fn number(max: u32, whole: bool) -> BoxedStrategy<f64> {
    if whole { (0..=max).prop_map(f64::from).boxed() } else { (0.0..=f64::from(max)).boxed() }
}

/// A value of the shape `rule` needs.
fn value(rule: Rule, whole: bool) -> BoxedStrategy<Value> {
    match rule {
        Rule::Sum => number(100_000, whole).prop_map(|value| Value::Count { value }).boxed(),
        Rule::RatioOfSums => (number(5_000, whole), 0.0..=1.0f64)
            .prop_map(move |(denominator, share)| {
                let numerator = if whole { (denominator * share).floor() } else { denominator * share };
                Value::Ratio { numerator, denominator }
            })
            .boxed(),
        Rule::ShareMeetingTarget => {
            (number(100, whole), proptest::option::weighted(0.85, (number(100, whole), prop::bool::weighted(0.8))))
                .prop_map(|(value, target)| Value::AgainstTarget {
                    value,
                    target: target.map(|(value, at_least)| Target { value, at_least }),
                })
                .boxed()
        }
        Rule::Distribution => {
            prop::sample::select(Status::ALL.to_vec()).prop_map(|status| Value::Status { status }).boxed()
        }
    }
}

/// Up to 75 communes (Sơn La's number) with `rule`'s figures, each with a distinct code.
fn figures(rule: Rule, whole: bool) -> impl Strategy<Value = Vec<CommuneFigure>> {
    prop::collection::vec((report(), value(rule, whole)), 0..=75).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (report, value))| CommuneFigure { commune: commune(i), report, value: Some(value) })
            .collect()
    })
}

fn rule_and_figures(whole: bool) -> impl Strategy<Value = (Rule, Vec<CommuneFigure>)> {
    prop::sample::select(Rule::ALL.to_vec()).prop_flat_map(move |rule| (Just(rule), figures(rule, whole)))
}

/// What a total says apart from who is left out.
fn figure_part(t: &Total) -> (&Amount, usize) {
    (&t.amount, t.counted)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// For every rule, the total is the rule applied to the accepted communes' figures, and every
    /// other commune is listed as left out with why.
    #[test]
    fn the_total_is_the_rule_applied_to_the_accepted_figures((rule, figures) in rule_and_figures(true)) {
        let total = rollup(rule, &figures);
        let (amount, counted) = direct(rule, &accepted_values(&figures));
        prop_assert_eq!(total.rule, rule);
        prop_assert!(same_amount(&total.amount, &amount), "{:?} != {:?}", total.amount, amount);
        prop_assert_eq!(total.counted, counted);
        let mut expected_left_out: Vec<LeftOut> = figures
            .iter()
            .filter_map(|f| {
                let because = match (f.report, f.value) {
                    (None, _) => LeftOutBecause::NoReport,
                    (Some(AtProvince::Sent), _) => LeftOutBecause::NotYetAccepted,
                    (Some(AtProvince::Returned), _) => LeftOutBecause::Returned,
                    (Some(AtProvince::Accepted), Some(Value::AgainstTarget { target: None, .. })) => {
                        LeftOutBecause::NoTarget
                    }
                    (Some(AtProvince::Accepted), _) => return None,
                };
                Some(LeftOut { commune: f.commune.clone(), because })
            })
            .collect();
        expected_left_out.sort();
        prop_assert_eq!(&total.left_out, &expected_left_out);
        prop_assert_eq!(total.counted + total.left_out.len(), figures.len(), "every commune is counted or said left out");
    }

    /// Whatever the order of the communes, the total is the same to the last bit, decimals included.
    #[test]
    fn the_order_of_the_communes_does_not_matter(
        (rule, figures) in rule_and_figures(false),
        order in any::<prop::sample::Index>(),
        seed in any::<u64>(),
    ) {
        let mut shuffled = figures.clone();
        // A deterministic shuffle (Fisher–Yates from a small generator seeded by the case).
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = (state % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        if !shuffled.is_empty() {
            let k = order.index(shuffled.len());
            shuffled.rotate_left(k);
        }
        prop_assert_eq!(rollup(rule, &shuffled), rollup(rule, &figures));
    }

    /// A returned, sent-but-undecided or missing report never changes the total, however large
    /// its value: adding such communes only adds them to the left-out list.
    #[test]
    fn a_report_not_accepted_never_changes_the_total(
        (rule, figures) in rule_and_figures(true),
        others in prop::collection::vec(not_accepted(), 1..10),
        at in any::<prop::sample::Index>(),
    ) {
        let before = rollup(rule, &figures);
        let huge = match rule {
            Rule::Sum => Value::Count { value: 1e12 },
            Rule::RatioOfSums => Value::Ratio { numerator: 1e12, denominator: 1e12 },
            Rule::ShareMeetingTarget => Value::AgainstTarget { value: 1e12, target: Some(Target::at_least(1.0)) },
            Rule::Distribution => Value::Status { status: Status::Achieved },
        };
        let mut with_others = figures.clone();
        for (i, report) in others.iter().enumerate() {
            let extra = CommuneFigure { commune: commune(5_000 + i), report: *report, value: Some(huge) };
            let k = at.index(with_others.len() + 1);
            with_others.insert(k, extra);
        }
        let after = rollup(rule, &with_others);
        prop_assert_eq!(figure_part(&after), figure_part(&before));
        prop_assert_eq!(after.left_out.len(), before.left_out.len() + others.len());
    }

    /// Returning an accepted report takes its commune out of the total exactly as if it had
    /// never reported.
    #[test]
    fn returning_a_report_is_as_if_it_were_not_there(
        (rule, figures) in rule_and_figures(true),
        which in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!figures.is_empty());
        let i = which.index(figures.len());
        let mut returned = figures.clone();
        returned[i].report = Some(AtProvince::Returned);
        let mut removed = figures.clone();
        removed.remove(i);
        let (returned, removed) = (rollup(rule, &returned), rollup(rule, &removed));
        prop_assert_eq!(figure_part(&returned), figure_part(&removed));
    }

    /// A distribution names every status once, in the fixed order, and its counts add up to the
    /// communes counted. A share is never more than all.
    #[test]
    fn distributions_and_shares_add_up((rule, figures) in rule_and_figures(true)) {
        let total = rollup(rule, &figures);
        match &total.amount {
            Amount::Distribution { counts } => {
                prop_assert_eq!(counts.iter().map(|c| c.status).collect::<Vec<_>>(), Status::ALL.to_vec());
                prop_assert_eq!(counts.iter().map(|c| c.communes).sum::<usize>(), total.counted);
            }
            Amount::ShareMeetingTarget { reached, judged, percent } => {
                prop_assert!(reached <= judged);
                prop_assert_eq!(*judged, total.counted);
                prop_assert_eq!(percent.is_none(), *judged == 0);
                prop_assert!(percent.is_none_or(|p| (0.0..=100.0).contains(&p)));
            }
            Amount::RatioOfSums { denominator, percent, .. } => {
                prop_assert_eq!(percent.is_none(), *denominator == 0.0);
            }
            Amount::Sum { total: sum } => prop_assert!(*sum >= 0.0),
        }
    }

    /// The province's rate is the communes' percentages weighted by their denominators.
    #[test]
    fn a_rate_is_the_mean_of_percentages_weighted_by_denominators(figures in figures(Rule::RatioOfSums, false)) {
        let accepted = accepted_values(&figures);
        let parts: Vec<(f64, f64)> = accepted
            .iter()
            .filter_map(|v| match v {
                Value::Ratio { numerator, denominator } if *denominator > 0.0 => Some((*numerator, *denominator)),
                _ => None,
            })
            .collect();
        prop_assume!(!parts.is_empty());
        let weights: f64 = parts.iter().map(|p| p.1).sum();
        let weighted = parts.iter().map(|(n, d)| n / d * 100.0 * d).sum::<f64>() / weights;
        let Amount::RatioOfSums { percent: Some(percent), .. } = rollup(Rule::RatioOfSums, &figures).amount else {
            return Err(TestCaseError::fail("a rate over something"));
        };
        prop_assert!((percent - weighted).abs() < 1e-9, "{} != {}", percent, weighted);
    }

    /// When every commune has the same denominator, the rate is the plain average of their
    /// percentages: the one case where averaging percentages would give the right figure.
    #[test]
    fn with_equal_denominators_the_rate_is_the_average(
        denominator in 1u32..=2_000,
        shares in prop::collection::vec(0.0..=1.0f64, 1..=75),
    ) {
        let d = f64::from(denominator);
        let figures: Vec<CommuneFigure> = shares
            .iter()
            .enumerate()
            .map(|(i, s)| CommuneFigure {
                commune: commune(i),
                report: Some(AtProvince::Accepted),
                value: Some(Value::Ratio { numerator: (d * s).floor(), denominator: d }),
            })
            .collect();
        let average = figures
            .iter()
            .filter_map(|f| match f.value {
                Some(Value::Ratio { numerator, denominator }) => Some(numerator / denominator * 100.0),
                _ => None,
            })
            .sum::<f64>()
            / figures.len() as f64;
        let Amount::RatioOfSums { percent: Some(percent), .. } = rollup(Rule::RatioOfSums, &figures).amount else {
            return Err(TestCaseError::fail("a rate over something"));
        };
        prop_assert!((percent - average).abs() < 1e-9, "{} != {}", percent, average);
    }

    /// Two communes with different denominators and different percentages: the rate is never
    /// their average; it lies nearer the larger commune's percentage.
    #[test]
    fn with_unequal_denominators_the_rate_is_not_the_average(
        d1 in 1u32..=1_000,
        extra in 1u32..=1_000,
        s1 in 0.0..=1.0f64,
        s2 in 0.0..=1.0f64,
    ) {
        let (d1, d2) = (f64::from(d1), f64::from(d1 + extra));
        let (n1, n2) = ((d1 * s1).floor(), (d2 * s2).floor());
        let (p1, p2) = (n1 / d1 * 100.0, n2 / d2 * 100.0);
        prop_assume!((p1 - p2).abs() > 1e-9);
        let figures = [
            CommuneFigure {
                commune: commune(1),
                report: Some(AtProvince::Accepted),
                value: Some(Value::Ratio { numerator: n1, denominator: d1 }),
            },
            CommuneFigure {
                commune: commune(2),
                report: Some(AtProvince::Accepted),
                value: Some(Value::Ratio { numerator: n2, denominator: d2 }),
            },
        ];
        let Amount::RatioOfSums { percent: Some(percent), .. } = rollup(Rule::RatioOfSums, &figures).amount else {
            return Err(TestCaseError::fail("a rate over something"));
        };
        let average = (p1 + p2) / 2.0;
        prop_assert!((percent - average).abs() > 1e-9, "{} is the average", percent);
        prop_assert!((percent - p2).abs() < (percent - p1).abs(), "{} nearer {} than {}", percent, p2, p1);
    }

    /// An "at least" target is reached exactly when the progress rules call the value achieved.
    #[test]
    fn an_at_least_target_is_reached_as_progress_says_achieved(value in 0u32..=200, target in 0u32..=200) {
        use kehoach_domain::IndicatorKind;
        use kehoach_domain::progress::{Measured, Pacing, status};
        let (value, target) = (f64::from(value), f64::from(target));
        let date = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap_or_default();
        let achieved = status(IndicatorKind::Count, Some(target), Some(Measured::count(value)), Pacing::ByQuarter, 2026, date)
            == Status::Achieved;
        prop_assert_eq!(Target::at_least(target).reached_by(value), achieved);
    }
}

fn rate(i: usize, numerator: f64, denominator: f64) -> CommuneFigure {
    CommuneFigure {
        commune: commune(i),
        report: Some(AtProvince::Accepted),
        value: Some(Value::Ratio { numerator, denominator }),
    }
}

fn percent_of(figures: &[CommuneFigure]) -> f64 {
    match rollup(Rule::RatioOfSums, figures).amount {
        Amount::RatioOfSums { percent: Some(p), .. } => p,
        other => panic!("a rate over something, not {other:?}"),
    }
}

/// The counter-example: a small commune where 1 household of 2 (50%) has the service and a
/// large one where 90 of 100 (90%) do. Averaging the percentages says 70%; the province's
/// households are 91 of 102: 89.2%.
#[test]
fn averaging_percentages_gets_the_province_wrong() {
    let figures = [rate(1, 1.0, 2.0), rate(2, 90.0, 100.0)];
    let percent = percent_of(&figures);
    let average = (50.0 + 90.0) / 2.0;
    assert!((percent - 91.0 / 102.0 * 100.0).abs() < 1e-12);
    assert!((percent - 89.215_686).abs() < 1e-6);
    assert!((percent - average).abs() > 19.0, "{percent} vs the average {average}");
}

/// Where the plain average happens to agree although denominators differ: when every commune
/// has the same percentage (1 of 2 and 2 of 4), or, with three communes or more, by coincidence
/// (0 of 1, 1 of 2, 1 of 1: 0%, 50%, 100% average 50%, and 2 of 4 is 50%). The rule is still the
/// ratio of sums; the average is right only by accident.
#[test]
fn where_the_average_agrees_by_accident() {
    assert!((percent_of(&[rate(1, 1.0, 2.0), rate(2, 2.0, 4.0)]) - 50.0).abs() < 1e-12);
    assert!((percent_of(&[rate(1, 0.0, 1.0), rate(2, 1.0, 2.0), rate(3, 1.0, 1.0)]) - 50.0).abs() < 1e-12);
    // Change one commune's size and the accident is gone: 0 of 3, 1 of 2, 1 of 1 is 2 of 6.
    let percent = percent_of(&[rate(1, 0.0, 3.0), rate(2, 1.0, 2.0), rate(3, 1.0, 1.0)]);
    assert!((percent - 100.0 / 3.0).abs() < 1e-12 && (percent - 50.0).abs() > 16.0);
}

/// A returned commune with a huge value is said left out, and the total is that of the others.
#[test]
fn a_returned_commune_with_a_huge_value_is_not_in_the_sum() {
    let mut figures: Vec<CommuneFigure> = (0..3)
        .map(|i| CommuneFigure {
            commune: commune(i),
            report: Some(AtProvince::Accepted),
            value: Some(Value::Count { value: 2.0 }),
        })
        .collect();
    figures.push(CommuneFigure {
        commune: commune(9),
        report: Some(AtProvince::Returned),
        value: Some(Value::Count { value: 1e15 }),
    });
    let total = rollup(Rule::Sum, &figures);
    assert_eq!(total.amount, Amount::Sum { total: 6.0 });
    assert_eq!(total.counted, 3);
    assert_eq!(total.left_out, [LeftOut { commune: commune(9), because: LeftOutBecause::Returned }]);
}

// ---------------------------------------------------------------------------------------------
// The nation's roll-up from sums (domain::aggregate) against the roll-up of every figure.

mod from_sums {
    use super::*;
    use kehoach_domain::aggregate::{FigureGroup, Standing, summary};
    use kehoach_domain::handoff::Parts;

    /// Parts as a sending stores them: any part may be missing, a rate's part may be negative
    /// (the store keeps what it was given), whole numbers so that sums are exact in any order.
    fn parts() -> impl Strategy<Value = Parts> {
        let part = || proptest::option::weighted(0.8, -2..=500i32).prop_map(|x| x.map(f64::from));
        let status = proptest::option::weighted(0.9, prop::sample::select(Status::ALL.to_vec()));
        (part(), part(), part(), proptest::option::weighted(0.7, 0..=500i32), status).prop_map(
            |(value, numerator, denominator, target, status)| Parts {
                value: value.map(f64::abs),
                numerator,
                denominator,
                target: target.map(f64::from),
                status,
            },
        )
    }

    /// Where a commune's report stands, or none sent; an accepted one may give no figure for
    /// the indicator (its plan does not feed it).
    fn commune() -> impl Strategy<Value = (Option<AtProvince>, Option<Parts>)> {
        (report(), proptest::option::weighted(0.9, parts()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// For every rule, the summary of the accepted figures' sums has the amount and count of
        /// the roll-up of every figure, and counts the communes left out by the same reasons.
        #[test]
        fn the_summary_of_sums_is_the_rollup_of_the_figures(
            communes in prop::collection::vec(commune(), 0..=120),
            rule in prop::sample::select(Rule::ALL.to_vec()),
        ) {
            let figures: Vec<CommuneFigure> = communes
                .iter()
                .enumerate()
                .map(|(i, (report, parts))| CommuneFigure {
                    commune: super::commune(i),
                    report: *report,
                    value: parts.and_then(|p| p.value_for(rule)),
                })
                .collect();
            let total = rollup(rule, &figures);
            let accepted: Vec<&Parts> = communes
                .iter()
                .filter(|(r, _)| *r == Some(AtProvince::Accepted))
                .filter_map(|(_, p)| p.as_ref())
                .collect();
            let count = |r: Option<AtProvince>| communes.iter().filter(|(x, _)| *x == r).count();
            let standing = Standing {
                no_report: count(None),
                not_yet_accepted: count(Some(AtProvince::Sent)),
                returned: count(Some(AtProvince::Returned)),
                accepted: count(Some(AtProvince::Accepted)),
            };
            let s = summary(rule, &[FigureGroup::of_parts(accepted)], standing);
            prop_assert!(same_amount(&s.amount, &total.amount), "{:?} != {:?}", s.amount, total.amount);
            prop_assert_eq!(s.counted, total.counted);
            for because in [
                LeftOutBecause::NoReport,
                LeftOutBecause::NotYetAccepted,
                LeftOutBecause::Returned,
                LeftOutBecause::NoValue,
                LeftOutBecause::NoTarget,
                LeftOutBecause::Unfit,
            ] {
                let listed = total.left_out.iter().filter(|l| l.because == because).count();
                let counted = s.left_out.iter().find(|l| l.because == because).map_or(0, |l| l.communes);
                prop_assert_eq!(counted, listed, "{:?}", because);
            }
            prop_assert_eq!(s.counted + s.left_out.iter().map(|l| l.communes).sum::<usize>(), communes.len());
        }
    }

    /// Groups add up: the country's sums are the provinces' sums put together.
    #[test]
    fn groups_of_two_provinces_give_the_total_of_both() {
        let a = Parts {
            value: Some(3.0),
            numerator: Some(1.0),
            denominator: Some(2.0),
            target: Some(2.0),
            status: Some(Status::Achieved),
        };
        let b = Parts {
            value: Some(1.0),
            numerator: Some(9.0),
            denominator: Some(10.0),
            target: Some(4.0),
            status: Some(Status::Behind),
        };
        let both = [FigureGroup::of_parts([&a]), FigureGroup::of_parts([&b])];
        let standing = Standing { accepted: 2, no_report: 1, ..Standing::default() };
        let ratio = summary(Rule::RatioOfSums, &both, standing);
        // 10 of 12, never the average of 50 % and 90 %.
        assert_eq!(
            ratio.amount,
            Amount::RatioOfSums { numerator: 10.0, denominator: 12.0, percent: Some(10.0 / 12.0 * 100.0) }
        );
        let share = summary(Rule::ShareMeetingTarget, &both, standing);
        assert_eq!(share.amount, Amount::ShareMeetingTarget { reached: 1, judged: 2, percent: Some(50.0) });
        assert_eq!(share.left_out.len(), 1, "the commune with no report: {:?}", share.left_out);
        assert_eq!(summary(Rule::Sum, &both, standing).amount, Amount::Sum { total: 4.0 });
    }
}
