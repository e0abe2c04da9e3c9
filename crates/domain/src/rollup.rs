//! How a province's indicators are made of its communes' figures (issue 13): each province
//! indicator has one rule, applied to the figures of the communes' accepted reports.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::progress::{Measured, Status};

/// The rule a province indicator adds up its communes' figures by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Counts: the sum of the communes' values.
    Sum,
    /// Rates: Σ numerators / Σ denominators — never an average of percentages.
    RatioOfSums,
    /// The share of communes that reached their own target.
    ShareMeetingTarget,
    /// Qualitative indicators: how many communes are in each status.
    Distribution,
}

impl Rule {
    pub const ALL: [Rule; 4] = [Rule::Sum, Rule::RatioOfSums, Rule::ShareMeetingTarget, Rule::Distribution];

    /// As written in the province file.
    pub fn key(self) -> &'static str {
        match self {
            Rule::Sum => "sum",
            Rule::RatioOfSums => "ratio_of_sums",
            Rule::ShareMeetingTarget => "share_meeting_target",
            Rule::Distribution => "distribution",
        }
    }

    pub fn from_key(key: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// A commune as the province lists it: its official code (`"03808"`, leading zeros kept) and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[schema(as = ProvinceCommuneRef)]
pub struct Commune {
    pub code: String,
    pub name: String,
}

/// Where a commune's report for the period stands at the province. Only an accepted report
/// gives official figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AtProvince {
    /// Sent by the commune, not yet decided on.
    Sent,
    /// Returned to the commune with a reason: it corrects and sends again.
    Returned,
    /// Accepted by the province: its figures are the official ones.
    Accepted,
}

/// A commune's own target for an indicator of the `share_meeting_target` rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Target {
    pub value: f64,
    /// "At least" (≥ 4 a year, ≥ 50%): reached at or above the value, as
    /// [`crate::progress::status`] decides "achieved". Otherwise "at most": reached at or below.
    pub at_least: bool,
}

impl Target {
    pub fn at_least(value: f64) -> Target {
        Target { value, at_least: true }
    }

    pub fn at_most(value: f64) -> Target {
        Target { value, at_least: false }
    }

    /// Whether `value` reaches the target.
    pub fn reached_by(self, value: f64) -> bool {
        if self.at_least { value >= self.value } else { value <= self.value }
    }
}

/// A commune's value for one province indicator in one period, in the shape its rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum Value {
    /// For `sum`: a count.
    Count { value: f64 },
    /// For `ratio_of_sums`: the parts of the rate, never a percentage alone.
    Ratio { numerator: f64, denominator: f64 },
    /// For `share_meeting_target`: the commune's value and its own target, if it set one.
    AgainstTarget { value: f64, target: Option<Target> },
    /// For `distribution`: the commune's status for a qualitative indicator.
    Status { status: Status },
}

/// One commune's figure for a province indicator in a period: who, where its report stands at
/// the province (none: no report sent), and its value (none: the report gives none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommuneFigure {
    pub commune: Commune,
    pub report: Option<AtProvince>,
    pub value: Option<Value>,
}

/// Why a commune's figure is not in a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeftOutBecause {
    /// The commune has sent no report for the period.
    NoReport,
    /// Its report is sent and waits for the province's decision.
    NotYetAccepted,
    /// Its report was returned: it never counts until sent again and accepted.
    Returned,
    /// The accepted report gives no value for this indicator.
    NoValue,
    /// `share_meeting_target`: the commune set itself no target, so it cannot be said to reach one.
    NoTarget,
    /// The value is not of the rule's shape, or not a usable number (not finite; a negative
    /// part of a rate). The province file check should make this impossible.
    Unfit,
}

/// A commune left out of a total, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub struct LeftOut {
    pub commune: Commune,
    pub because: LeftOutBecause,
}

/// How many communes are in one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusCount {
    pub status: Status,
    pub communes: usize,
}

/// A province indicator's total by its rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Amount {
    /// The sum of the counts (0 when no commune counted: see [`Total::counted`]).
    Sum { total: f64 },
    /// Σ numerators / Σ denominators in percent, with its parts; no percent when Σ denominators = 0.
    RatioOfSums { numerator: f64, denominator: f64, percent: Option<f64> },
    /// How many communes reached their own target out of how many were judged; no share when none was.
    ShareMeetingTarget { reached: usize, judged: usize, percent: Option<f64> },
    /// How many communes are in each status: every status, zeros included, in the order of
    /// [`Status::ALL`].
    Distribution { counts: Vec<StatusCount> },
}

/// A province indicator's total for a period, and which communes it is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Total {
    pub rule: Rule,
    pub amount: Amount,
    /// How many communes' figures are in the total.
    pub counted: usize,
    /// The communes whose figures are not, with why, ordered by code.
    pub left_out: Vec<LeftOut>,
}

/// Whether a figure enters a total by `rule`, and if not why.
fn admit(rule: Rule, figure: &CommuneFigure) -> Result<Value, LeftOutBecause> {
    match figure.report {
        None => return Err(LeftOutBecause::NoReport),
        Some(AtProvince::Sent) => return Err(LeftOutBecause::NotYetAccepted),
        Some(AtProvince::Returned) => return Err(LeftOutBecause::Returned),
        Some(AtProvince::Accepted) => {}
    }
    let value = figure.value.ok_or(LeftOutBecause::NoValue)?;
    let part = |x: f64| x.is_finite() && x >= 0.0;
    let fits = match (rule, value) {
        (Rule::Sum, Value::Count { value }) => value.is_finite(),
        (Rule::RatioOfSums, Value::Ratio { numerator, denominator }) => part(numerator) && part(denominator),
        (Rule::ShareMeetingTarget, Value::AgainstTarget { value, target }) => {
            let Some(target) = target else {
                return Err(LeftOutBecause::NoTarget);
            };
            value.is_finite() && target.value.is_finite()
        }
        (Rule::Distribution, Value::Status { .. }) => true,
        _ => false,
    };
    if fits { Ok(value) } else { Err(LeftOutBecause::Unfit) }
}

/// A sum that does not depend on the order of its terms: they are added smallest first, so
/// the same figures in any order give the same total to the last bit.
fn order_free_sum(mut terms: Vec<f64>) -> f64 {
    terms.sort_by(f64::total_cmp);
    terms.into_iter().sum()
}

/// The total of a province indicator by `rule` from its communes' figures. Only accepted
/// reports count; every other commune is listed in [`Total::left_out`] with why. The result
/// does not depend on the order of `figures`.
pub fn rollup(rule: Rule, figures: &[CommuneFigure]) -> Total {
    let mut values = Vec::new();
    let mut left_out = Vec::new();
    for figure in figures {
        match admit(rule, figure) {
            Ok(value) => values.push(value),
            Err(because) => left_out.push(LeftOut { commune: figure.commune.clone(), because }),
        }
    }
    left_out.sort();
    let counted = values.len();
    let amount = match rule {
        Rule::Sum => Amount::Sum {
            total: order_free_sum(
                values
                    .iter()
                    .filter_map(|v| if let Value::Count { value } = v { Some(*value) } else { None })
                    .collect(),
            ),
        },
        Rule::RatioOfSums => {
            let parts: Vec<(f64, f64)> = values
                .iter()
                .filter_map(|v| match v {
                    Value::Ratio { numerator, denominator } => Some((*numerator, *denominator)),
                    _ => None,
                })
                .collect();
            let numerator = order_free_sum(parts.iter().map(|p| p.0).collect());
            let denominator = order_free_sum(parts.iter().map(|p| p.1).collect());
            let percent = Measured::ratio(numerator, denominator).map(|m| m.value);
            Amount::RatioOfSums { numerator, denominator, percent }
        }
        Rule::ShareMeetingTarget => {
            let reached = values
                .iter()
                .filter(|v| matches!(v, Value::AgainstTarget { value, target: Some(t) } if t.reached_by(*value)))
                .count();
            let percent = share(reached, counted);
            Amount::ShareMeetingTarget { reached, judged: counted, percent }
        }
        Rule::Distribution => Amount::Distribution {
            counts: Status::ALL
                .into_iter()
                .map(|status| StatusCount {
                    status,
                    communes: values
                        .iter()
                        .filter(|v| matches!(v, Value::Status { status: s } if *s == status))
                        .count(),
                })
                .collect(),
        },
    };
    Total { rule, amount, counted, left_out }
}

/// `part` of `whole` in percent; none of nothing.
fn share(part: usize, whole: usize) -> Option<f64> {
    // Commune counts are small (3,321 in the country): exact in an f64.
    (whole > 0).then(|| part as f64 / whole as f64 * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_back_from_their_keys() {
        for r in Rule::ALL {
            assert_eq!(Rule::from_key(r.key()), Some(r));
        }
        assert_eq!(Rule::from_key("average"), None);
    }

    fn commune(code: &str, name: &str) -> Commune {
        Commune { code: code.into(), name: name.into() }
    }

    fn accepted(code: &str, name: &str, value: Value) -> CommuneFigure {
        CommuneFigure { commune: commune(code, name), report: Some(AtProvince::Accepted), value: Some(value) }
    }

    fn with(report: Option<AtProvince>, code: &str, name: &str, value: Value) -> CommuneFigure {
        CommuneFigure { commune: commune(code, name), report, value: Some(value) }
    }

    fn count(value: f64) -> Value {
        Value::Count { value }
    }

    fn ratio(numerator: f64, denominator: f64) -> Value {
        Value::Ratio { numerator, denominator }
    }

    fn against(value: f64, target: Option<Target>) -> Value {
        Value::AgainstTarget { value, target }
    }

    fn left(code: &str, name: &str, because: LeftOutBecause) -> LeftOut {
        LeftOut { commune: commune(code, name), because }
    }

    #[test]
    fn no_commune_gives_an_empty_total_for_every_rule() {
        for rule in Rule::ALL {
            let t = rollup(rule, &[]);
            assert_eq!((t.rule, t.counted), (rule, 0));
            assert!(t.left_out.is_empty());
        }
        assert_eq!(rollup(Rule::Sum, &[]).amount, Amount::Sum { total: 0.0 });
        assert_eq!(
            rollup(Rule::RatioOfSums, &[]).amount,
            Amount::RatioOfSums { numerator: 0.0, denominator: 0.0, percent: None }
        );
        assert_eq!(
            rollup(Rule::ShareMeetingTarget, &[]).amount,
            Amount::ShareMeetingTarget { reached: 0, judged: 0, percent: None }
        );
        let Amount::Distribution { counts } = rollup(Rule::Distribution, &[]).amount else { panic!("a distribution") };
        assert_eq!(counts.iter().map(|c| c.status).collect::<Vec<_>>(), Status::ALL);
        assert!(counts.iter().all(|c| c.communes == 0));
    }

    #[test]
    fn a_sum_of_trainings_leaves_out_a_returned_commune_with_a_huge_value() {
        let figures = [
            accepted("03808", "Mường La", count(4.0)),
            accepted("03814", "Chiềng Lao", count(2.0)),
            with(Some(AtProvince::Returned), "03847", "Mường Bú", count(1_000_000.0)),
            with(Some(AtProvince::Sent), "03850", "Chiềng Hoa", count(7.0)),
            CommuneFigure { commune: commune("03820", "Ngọc Chiến"), report: None, value: None },
        ];
        let t = rollup(Rule::Sum, &figures);
        assert_eq!(t.amount, Amount::Sum { total: 6.0 });
        assert_eq!(t.counted, 2);
        assert_eq!(
            t.left_out,
            [
                left("03820", "Ngọc Chiến", LeftOutBecause::NoReport),
                left("03847", "Mường Bú", LeftOutBecause::Returned),
                left("03850", "Chiềng Hoa", LeftOutBecause::NotYetAccepted),
            ]
        );
    }

    #[test]
    fn a_rate_is_the_ratio_of_the_sums_with_its_parts() {
        // 1 of 2 households (50%) and 90 of 100 (90%): the province's rate is 91 of 102, not 70%.
        let figures =
            [accepted("03808", "Mường La", ratio(1.0, 2.0)), accepted("03814", "Chiềng Lao", ratio(90.0, 100.0))];
        let Amount::RatioOfSums { numerator, denominator, percent } = rollup(Rule::RatioOfSums, &figures).amount else {
            panic!("a ratio")
        };
        assert_eq!((numerator, denominator), (91.0, 102.0));
        let percent = percent.unwrap_or_default();
        assert!((percent - 91.0 / 102.0 * 100.0).abs() < 1e-12);
        assert!((percent - 70.0).abs() > 19.0, "{percent} is not the average of 50% and 90%");
    }

    #[test]
    fn a_rate_over_nothing_has_no_percent_but_keeps_its_parts() {
        let figures =
            [accepted("03808", "Mường La", ratio(0.0, 0.0)), accepted("03814", "Chiềng Lao", ratio(0.0, 0.0))];
        let t = rollup(Rule::RatioOfSums, &figures);
        assert_eq!(t.amount, Amount::RatioOfSums { numerator: 0.0, denominator: 0.0, percent: None });
        assert_eq!(t.counted, 2, "both communes reported: nothing to divide by is still a figure");
        let returned_only = [with(Some(AtProvince::Returned), "03808", "Mường La", ratio(5.0, 10.0))];
        let t = rollup(Rule::RatioOfSums, &returned_only);
        assert_eq!(t.amount, Amount::RatioOfSums { numerator: 0.0, denominator: 0.0, percent: None });
        assert_eq!(t.counted, 0);
    }

    #[test]
    fn the_share_of_communes_meeting_their_own_target() {
        let figures = [
            accepted("03808", "Mường La", against(4.0, Some(Target::at_least(4.0)))),
            accepted("03814", "Chiềng Lao", against(3.0, Some(Target::at_least(4.0)))),
            accepted("03847", "Mường Bú", against(60.0, Some(Target::at_least(50.0)))),
            accepted("03850", "Chiềng Hoa", against(9.0, None)),
            accepted("03820", "Ngọc Chiến", against(1.0, Some(Target::at_most(2.0)))),
            with(Some(AtProvince::Returned), "03856", "Bắc Yên", against(100.0, Some(Target::at_least(1.0)))),
        ];
        let t = rollup(Rule::ShareMeetingTarget, &figures);
        assert_eq!(t.amount, Amount::ShareMeetingTarget { reached: 3, judged: 4, percent: Some(75.0) });
        assert_eq!(t.counted, 4);
        assert_eq!(
            t.left_out,
            [
                left("03850", "Chiềng Hoa", LeftOutBecause::NoTarget),
                left("03856", "Bắc Yên", LeftOutBecause::Returned),
            ]
        );
        let only_without_target = [accepted("03850", "Chiềng Hoa", against(9.0, None))];
        assert_eq!(
            rollup(Rule::ShareMeetingTarget, &only_without_target).amount,
            Amount::ShareMeetingTarget { reached: 0, judged: 0, percent: None }
        );
    }

    #[test]
    fn an_at_least_target_is_reached_as_progress_calls_it_achieved() {
        use crate::plan::IndicatorKind;
        use crate::progress::{Pacing, status};
        let date = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default();
        for value in [0.0, 3.0, 3.999, 4.0, 4.5, 9.0] {
            let achieved =
                status(IndicatorKind::Count, Some(4.0), Some(Measured::count(value)), Pacing::ByQuarter, 2026, date)
                    == Status::Achieved;
            assert_eq!(Target::at_least(4.0).reached_by(value), achieved, "{value}");
        }
        assert!(Target::at_most(2.0).reached_by(2.0));
        assert!(!Target::at_most(2.0).reached_by(2.5));
    }

    #[test]
    fn a_distribution_counts_every_status_in_a_fixed_order() {
        let status = |status| Value::Status { status };
        let figures = [
            accepted("03808", "Mường La", status(Status::OnTrack)),
            accepted("03814", "Chiềng Lao", status(Status::Behind)),
            accepted("03847", "Mường Bú", status(Status::OnTrack)),
            with(Some(AtProvince::Returned), "03850", "Chiềng Hoa", status(Status::Achieved)),
        ];
        let t = rollup(Rule::Distribution, &figures);
        let Amount::Distribution { counts } = t.amount else { panic!("a distribution") };
        let counts: Vec<(Status, usize)> = counts.iter().map(|c| (c.status, c.communes)).collect();
        assert_eq!(
            counts,
            [
                (Status::Achieved, 0),
                (Status::OnTrack, 2),
                (Status::AtRisk, 0),
                (Status::Behind, 1),
                (Status::NotMeasurable, 0)
            ]
        );
        assert_eq!(t.counted, 3);
    }

    #[test]
    fn a_figure_of_the_wrong_shape_or_no_value_is_left_out_and_said() {
        let figures = [
            accepted("03808", "Mường La", ratio(1.0, 2.0)),
            accepted("03814", "Chiềng Lao", count(f64::NAN)),
            CommuneFigure {
                commune: commune("03847", "Mường Bú"), report: Some(AtProvince::Accepted), value: None
            },
            accepted("03850", "Chiềng Hoa", count(5.0)),
        ];
        let t = rollup(Rule::Sum, &figures);
        assert_eq!(t.amount, Amount::Sum { total: 5.0 });
        assert_eq!(
            t.left_out,
            [
                left("03808", "Mường La", LeftOutBecause::Unfit),
                left("03814", "Chiềng Lao", LeftOutBecause::Unfit),
                left("03847", "Mường Bú", LeftOutBecause::NoValue),
            ]
        );
        let negative = [accepted("03808", "Mường La", ratio(1.0, -2.0))];
        assert_eq!(rollup(Rule::RatioOfSums, &negative).left_out, [left("03808", "Mường La", LeftOutBecause::Unfit)]);
    }
}
