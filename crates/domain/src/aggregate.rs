//! The nation's roll-up at scale (issue 14): a province indicator's total made from sums a
//! database adds up (a few hundred groups for the country) instead of one figure per commune
//! (over 100,000 rows a year). [`rollup`](crate::rollup::rollup) stays the definition: the
//! groups are what its `admit` would keep of each accepted figure, added up, and a property test
//! holds the two to the same amounts and counts.
//!
//! The communes left out are counted by why, not listed: at the nation's scale a list of 3,000
//! names per indicator is a page nobody reads, and the province's own pages name them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::handoff::Parts;
use crate::progress::{Measured, Status};
use crate::rollup::{Amount, LeftOutBecause, Rule, StatusCount};

/// Accepted figures of one province indicator, added up: every part any rule reads. (A
/// database fills it with one `GROUP BY`; [`FigureGroup::of_parts`] is the same in Rust.)
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FigureGroup {
    /// Figures in the group.
    pub rows: usize,
    /// Figures with a value, and their sum.
    pub values: usize,
    pub value_sum: f64,
    /// Figures with both parts of a rate, neither negative, and the parts' sums.
    pub ratios: usize,
    pub numerator_sum: f64,
    pub denominator_sum: f64,
    /// Figures with both parts of a rate, one of them negative.
    pub unfit_ratios: usize,
    /// Figures with a value and the commune's own target, and those reaching it (at least).
    pub targeted: usize,
    pub reached: usize,
    /// Figures without a value.
    pub no_value: usize,
    /// Figures in each status, in the order of [`Status::ALL`], as `distribution` counts them
    /// ("not measurable" only with a value: without one, the report cannot say).
    pub statuses: [usize; Status::ALL.len()],
}

impl FigureGroup {
    /// The sums of `parts`: what the store's aggregate returns for them.
    pub fn of_parts<'a>(parts: impl IntoIterator<Item = &'a Parts>) -> FigureGroup {
        let mut g = FigureGroup::default();
        for p in parts {
            g.rows += 1;
            if let Some(at) = p.status.and_then(|s| Status::ALL.iter().position(|x| *x == s))
                && (p.status != Some(Status::NotMeasurable) || p.value.is_some())
            {
                g.statuses[at] += 1;
            }
            match p.value {
                Some(v) => {
                    g.values += 1;
                    g.value_sum += v;
                    if let Some(t) = p.target {
                        g.targeted += 1;
                        g.reached += usize::from(v >= t);
                    }
                }
                None => g.no_value += 1,
            }
            if let (Some(n), Some(d)) = (p.numerator, p.denominator) {
                if n >= 0.0 && d >= 0.0 {
                    g.ratios += 1;
                    g.numerator_sum += n;
                    g.denominator_sum += d;
                } else {
                    g.unfit_ratios += 1;
                }
            }
        }
        g
    }
}

/// How many communes stand where, for one province indicator: every commune the provinces
/// expect falls in exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Standing {
    pub no_report: usize,
    /// Sent and waiting, or reopened by the commune since.
    pub not_yet_accepted: usize,
    pub returned: usize,
    pub accepted: usize,
}

impl std::ops::AddAssign for Standing {
    fn add_assign(&mut self, o: Standing) {
        self.no_report += o.no_report;
        self.not_yet_accepted += o.not_yet_accepted;
        self.returned += o.returned;
        self.accepted += o.accepted;
    }
}

/// Communes left out of a total for one reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LeftOutCount {
    pub because: LeftOutBecause,
    pub communes: usize,
}

/// A province indicator's total over many provinces: the amount and how many communes are in
/// it, and how many are not, by why (reasons with no commune are not listed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Summary {
    pub rule: Rule,
    pub amount: Amount,
    pub counted: usize,
    pub left_out: Vec<LeftOutCount>,
}

/// The total by `rule` of the accepted figures added up in `groups`, for communes standing as
/// `standing` says. An accepted commune with no figure for the indicator is left out as giving
/// no value, as [`crate::rollup::rollup`] does.
pub fn summary(rule: Rule, groups: &[FigureGroup], standing: Standing) -> Summary {
    let sum = |f: fn(&FigureGroup) -> usize| groups.iter().map(f).sum::<usize>();
    let (amount, counted, no_target, unfit) = match rule {
        Rule::Sum => {
            let total = groups.iter().map(|g| g.value_sum).sum::<f64>();
            (Amount::Sum { total }, sum(|g| g.values), 0, 0)
        }
        Rule::RatioOfSums => {
            let numerator = groups.iter().map(|g| g.numerator_sum).sum::<f64>();
            let denominator = groups.iter().map(|g| g.denominator_sum).sum::<f64>();
            let percent = Measured::ratio(numerator, denominator).map(|m| m.value);
            (Amount::RatioOfSums { numerator, denominator, percent }, sum(|g| g.ratios), 0, sum(|g| g.unfit_ratios))
        }
        Rule::ShareMeetingTarget => {
            let (reached, judged) = (sum(|g| g.reached), sum(|g| g.targeted));
            let percent = (judged > 0).then(|| reached as f64 / judged as f64 * 100.0);
            (Amount::ShareMeetingTarget { reached, judged, percent }, judged, sum(|g| g.values) - judged, 0)
        }
        Rule::Distribution => {
            let counts: Vec<StatusCount> = Status::ALL
                .into_iter()
                .enumerate()
                .map(|(at, status)| StatusCount { status, communes: groups.iter().map(|g| g.statuses[at]).sum() })
                .collect();
            let counted = counts.iter().map(|c| c.communes).sum();
            (Amount::Distribution { counts }, counted, 0, 0)
        }
    };
    // What is left of the accepted communes gave no usable value (or no figure at all).
    let no_value = standing.accepted.saturating_sub(counted + no_target + unfit);
    let left_out = [
        (LeftOutBecause::NoReport, standing.no_report),
        (LeftOutBecause::NotYetAccepted, standing.not_yet_accepted),
        (LeftOutBecause::Returned, standing.returned),
        (LeftOutBecause::NoValue, no_value),
        (LeftOutBecause::NoTarget, no_target),
        (LeftOutBecause::Unfit, unfit),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(because, communes)| LeftOutCount { because, communes })
    .collect();
    Summary { rule, amount, counted, left_out }
}
