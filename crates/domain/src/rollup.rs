//! How a province's indicators are made of its communes' figures (issue 13): each province
//! indicator has one rule, applied to the figures of the communes' accepted reports.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
}
