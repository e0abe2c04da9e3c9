//! The initiative recognition cycle (sáng kiến; Decree 13/2012/NĐ-CP): rules and scoring.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Lang;

/// A scoring criterion: its key, its name, and the most points it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    pub key: String,
    pub name: String,
    pub max: u32,
}

/// How a council scores initiatives and what it takes to be recognised; the plan file's
/// `[initiatives]`, or the scheme in local use by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InitiativeRules {
    pub criteria: Vec<Criterion>,
    /// Least total to be recognised.
    pub pass_total: u32,
    /// Least score in each criterion.
    pub min_each: u32,
}

impl Default for InitiativeRules {
    /// Newness 40, applicability 30, benefit 30; recognised at 50 in total and 10 in each.
    fn default() -> Self {
        let c = |key: &str, name: &str, max| Criterion { key: key.into(), name: name.into(), max };
        InitiativeRules {
            criteria: vec![
                c("tinh_moi", "Tính mới", 40),
                c("kha_nang_ap_dung", "Khả năng áp dụng", 30),
                c("hieu_qua", "Hiệu quả, lợi ích", 30),
            ],
            pass_total: 50,
            min_each: 10,
        }
    }
}

/// Where a round of recognition stands. A round opens for scoring; once the leader has decided
/// every initiative it is closed, and from then on nothing in it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// The council scores; the leader recognises or declines.
    Open,
    /// Decided and closed: frozen.
    Decided,
}

impl RoundState {
    pub fn key(self) -> &'static str {
        match self {
            RoundState::Open => "open",
            RoundState::Decided => "decided",
        }
    }

    pub fn from_key(key: &str) -> Option<RoundState> {
        [RoundState::Open, RoundState::Decided].into_iter().find(|s| s.key() == key)
    }
}

/// A council member's points for one initiative: criterion key → points.
pub type ScoreSheet = BTreeMap<String, f64>;

/// Why a score sheet is refused.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SheetProblem {
    /// A criterion of the rules has no points.
    Missing { criterion: String },
    /// A key that is no criterion of the rules.
    Unknown { criterion: String },
    /// Below 0, above the criterion's most, or not a number.
    OutOfRange { criterion: String, max: u32 },
}

impl SheetProblem {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (SheetProblem::Missing { criterion }, Lang::Vi) => format!("Chưa chấm điểm tiêu chí “{criterion}”."),
            (SheetProblem::Missing { criterion }, Lang::En) => format!("No points given for “{criterion}”."),
            (SheetProblem::Unknown { criterion }, Lang::Vi) => {
                format!("“{criterion}” không phải là tiêu chí chấm điểm sáng kiến.")
            }
            (SheetProblem::Unknown { criterion }, Lang::En) => format!("“{criterion}” is not a scoring criterion."),
            (SheetProblem::OutOfRange { criterion, max }, Lang::Vi) => {
                format!("Điểm tiêu chí “{criterion}” phải từ 0 đến {max}.")
            }
            (SheetProblem::OutOfRange { criterion, max }, Lang::En) => {
                format!("Points for “{criterion}” must be between 0 and {max}.")
            }
        }
    }
}

/// The council's result for one initiative.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CouncilResult {
    /// How many members' sheets it is computed from.
    pub sheets: usize,
    /// Criterion key → the average of the members' points for it.
    pub averages: BTreeMap<String, f64>,
    /// The sum of the averages.
    pub total: f64,
    /// Whether the initiative may be recognised: see [`InitiativeRules::result`].
    pub eligible: bool,
}

/// Averages are sums of fractions (a third, a sixth): compare with a little slack so that
/// 50 computed as 49.999999… still passes.
const SLACK: f64 = 1e-9;

impl InitiativeRules {
    pub fn criterion(&self, key: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.key == key)
    }

    /// Checks a member's sheet against the rules: every criterion present, each within
    /// `0..=max`, nothing else. All problems are reported at once.
    pub fn check_sheet(&self, sheet: &ScoreSheet) -> Result<ScoreSheet, Vec<SheetProblem>> {
        let mut problems = Vec::new();
        for c in &self.criteria {
            match sheet.get(&c.key) {
                None => problems.push(SheetProblem::Missing { criterion: c.name.clone() }),
                Some(v) if !v.is_finite() || *v < 0.0 || *v > f64::from(c.max) => {
                    problems.push(SheetProblem::OutOfRange { criterion: c.name.clone(), max: c.max })
                }
                Some(_) => {}
            }
        }
        for key in sheet.keys().filter(|k| self.criterion(k).is_none()) {
            problems.push(SheetProblem::Unknown { criterion: key.clone() });
        }
        if problems.is_empty() { Ok(sheet.clone()) } else { Err(problems) }
    }

    /// The council's result: for each criterion, the **average of the members' points**
    /// (over the sheets handed in; a member who has not scored does not count), and the total
    /// of those averages. The initiative is `eligible` iff the total is at least `pass_total`
    /// and every criterion's average is at least `min_each`. With no sheet, every average is 0
    /// and nothing is eligible.
    pub fn result<'a>(&self, sheets: impl IntoIterator<Item = &'a ScoreSheet>) -> CouncilResult {
        let sheets: Vec<&ScoreSheet> = sheets.into_iter().collect();
        let n = sheets.len();
        let averages: BTreeMap<String, f64> = self
            .criteria
            .iter()
            .map(|c| {
                let sum: f64 = sheets.iter().map(|s| s.get(&c.key).copied().unwrap_or(0.0)).sum();
                (c.key.clone(), if n == 0 { 0.0 } else { sum / n as f64 })
            })
            .collect();
        let total = averages.values().sum();
        let eligible = self.passes(total, &averages) && n > 0;
        CouncilResult { sheets: n, averages, total, eligible }
    }

    /// Whether a total and its criterion averages meet the thresholds.
    pub fn passes(&self, total: f64, averages: &BTreeMap<String, f64>) -> bool {
        total + SLACK >= f64::from(self.pass_total)
            && self.criteria.iter().all(|c| averages.get(&c.key).is_some_and(|v| v + SLACK >= f64::from(self.min_each)))
    }
}

/// Why a step of the recognition cycle is refused.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InitiativeProblem {
    /// The year already has its round.
    RoundExists { year: i32 },
    /// The year has no round yet.
    NoRound,
    /// The round is decided and closed: nothing in it changes.
    RoundDecided,
    /// A council needs at least one member.
    NoCouncil,
    /// Not a user of the commune who may score (leader, focal officer or unit reporter).
    UnknownMember { username: String },
    /// The scorer is not on the round's council.
    NotMember,
    /// The record is not an initiative proposed in the round's year.
    NotInRound,
    /// The initiative is decided: its scores no longer change.
    AlreadyDecided,
    /// Recognising needs the thresholds met.
    NotEligible { total: f64, pass_total: u32, min_each: u32 },
    /// Some initiatives are still undecided: the round cannot close.
    Undecided { count: usize },
    /// The score sheet is wrong.
    Sheet { problems: Vec<SheetProblem> },
}

impl InitiativeProblem {
    /// The problem in words an official understands.
    pub fn message(&self, lang: Lang) -> String {
        use InitiativeProblem as P;
        match (self, lang) {
            (P::RoundExists { year }, Lang::Vi) => format!("Năm {year} đã có đợt xét công nhận sáng kiến."),
            (P::RoundExists { year }, Lang::En) => format!("{year} already has its round of recognition."),
            (P::NoRound, Lang::Vi) => "Năm này chưa mở đợt xét công nhận sáng kiến.".into(),
            (P::NoRound, Lang::En) => "No round of recognition is open for this year.".into(),
            (P::RoundDecided, Lang::Vi) => "Đợt xét đã kết thúc; không thể thay đổi.".into(),
            (P::RoundDecided, Lang::En) => "The round is decided and closed; nothing in it can change.".into(),
            (P::NoCouncil, Lang::Vi) => "Hội đồng sáng kiến cần ít nhất một thành viên.".into(),
            (P::NoCouncil, Lang::En) => "The council needs at least one member.".into(),
            (P::UnknownMember { username }, Lang::Vi) => {
                format!("“{username}” không phải là người dùng của xã có thể tham gia hội đồng.")
            }
            (P::UnknownMember { username }, Lang::En) => {
                format!("“{username}” is not a user of the commune who can sit on the council.")
            }
            (P::NotMember, Lang::Vi) => "Chỉ thành viên Hội đồng sáng kiến của đợt xét mới được chấm điểm.".into(),
            (P::NotMember, Lang::En) => "Only members of the round's council may score.".into(),
            (P::NotInRound, Lang::Vi) => "Sáng kiến này không thuộc đợt xét của năm.".into(),
            (P::NotInRound, Lang::En) => "This initiative is not in the year's round.".into(),
            (P::AlreadyDecided, Lang::Vi) => "Sáng kiến đã có quyết định; không chấm lại được.".into(),
            (P::AlreadyDecided, Lang::En) => "The initiative is decided; it can no longer be scored.".into(),
            (P::NotEligible { total, pass_total, min_each }, Lang::Vi) => format!(
                "Chưa đủ điều kiện công nhận: tổng điểm {} (cần từ {pass_total}) và mỗi tiêu chí cần từ {min_each} điểm.",
                points(*total)
            ),
            (P::NotEligible { total, pass_total, min_each }, Lang::En) => format!(
                "Not eligible: {} points in total (at least {pass_total} needed) and at least {min_each} in each criterion.",
                points(*total)
            ),
            (P::Undecided { count }, Lang::Vi) => format!("Còn {count} sáng kiến chưa có quyết định."),
            (P::Undecided { count }, Lang::En) => format!("{count} initiatives are still undecided."),
            (P::Sheet { problems }, lang) => problems.iter().map(|p| p.message(lang)).collect::<Vec<_>>().join("\n"),
        }
    }
}

/// Points as people write them: one decimal at most ("49,5" in Vietnamese is left to the
/// page; here "49.5").
pub fn points(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(pairs: &[(&str, f64)]) -> ScoreSheet {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    fn default_sheet(new: f64, apply: f64, benefit: f64) -> ScoreSheet {
        sheet(&[("tinh_moi", new), ("kha_nang_ap_dung", apply), ("hieu_qua", benefit)])
    }

    #[test]
    fn a_sheet_has_every_criterion_within_its_range() {
        let rules = InitiativeRules::default();
        assert!(rules.check_sheet(&default_sheet(40.0, 0.0, 30.0)).is_ok());
        let problems = rules.check_sheet(&sheet(&[("tinh_moi", 41.0), ("hieu_qua", -1.0), ("la", 3.0)])).unwrap_err();
        assert_eq!(
            problems,
            [
                SheetProblem::OutOfRange { criterion: "Tính mới".into(), max: 40 },
                SheetProblem::Missing { criterion: "Khả năng áp dụng".into() },
                SheetProblem::OutOfRange { criterion: "Hiệu quả, lợi ích".into(), max: 30 },
                SheetProblem::Unknown { criterion: "la".into() },
            ]
        );
        assert!(rules.check_sheet(&default_sheet(f64::NAN, 1.0, 1.0)).is_err());
        let message = InitiativeProblem::Sheet { problems }.message(Lang::Vi);
        assert!(message.contains("Điểm tiêu chí “Tính mới” phải từ 0 đến 40."), "{message}");
        assert!(message.contains("Chưa chấm điểm tiêu chí “Khả năng áp dụng”."), "{message}");
    }

    #[test]
    fn the_result_is_the_members_average_per_criterion() {
        let rules = InitiativeRules::default();
        let a = default_sheet(30.0, 20.0, 10.0);
        let b = default_sheet(20.0, 15.0, 15.0);
        let r = rules.result([&a, &b]);
        assert_eq!(r.sheets, 2);
        assert_eq!(r.averages["tinh_moi"], 25.0);
        assert_eq!(r.averages["kha_nang_ap_dung"], 17.5);
        assert_eq!(r.averages["hieu_qua"], 12.5);
        assert_eq!(r.total, 55.0);
        assert!(r.eligible);
        let none = rules.result([]);
        assert_eq!((none.sheets, none.total, none.eligible), (0, 0.0, false));
    }

    #[test]
    fn fifty_passes_and_forty_nine_point_nine_does_not() {
        let rules = InitiativeRules::default();
        assert!(rules.result([&default_sheet(20.0, 15.0, 15.0)]).eligible, "exactly 50");
        assert!(!rules.result([&default_sheet(20.0, 15.0, 14.9)]).eligible, "49.9");
        // Three members whose averages are thirds still reach exactly 50.
        let (a, b, c) =
            (default_sheet(20.0, 15.0, 15.0), default_sheet(21.0, 14.0, 15.0), default_sheet(19.0, 16.0, 15.0));
        let r = rules.result([&a, &b, &c]);
        assert!((r.total - 50.0).abs() < 1e-9 && r.eligible);
        // Averages of 49.9: ten members, one a tenth short.
        let mut sheets = vec![default_sheet(20.0, 15.0, 15.0); 9];
        sheets.push(default_sheet(20.0, 15.0, 14.0));
        let r = rules.result(sheets.iter());
        assert!((r.total - 49.9).abs() < 1e-9, "{}", r.total);
        assert!(!r.eligible);
    }

    #[test]
    fn a_weak_criterion_fails_a_high_total() {
        let rules = InitiativeRules::default();
        let r = rules.result([&default_sheet(40.0, 30.0, 9.0)]);
        assert_eq!(r.total, 79.0);
        assert!(!r.eligible, "9 in benefit, below 10");
        assert!(rules.result([&default_sheet(40.0, 30.0, 10.0)]).eligible, "10 in each is enough");
        // Averages: 9.5 in one criterion fails, whatever the total.
        let r = rules.result([&default_sheet(40.0, 30.0, 9.0), &default_sheet(40.0, 30.0, 10.0)]);
        assert!(!r.eligible);
    }

    #[test]
    fn custom_rules_set_their_own_criteria_and_thresholds() {
        let rules = InitiativeRules {
            criteria: vec![
                Criterion { key: "moi".into(), name: "Mới".into(), max: 60 },
                Criterion { key: "loi".into(), name: "Lợi".into(), max: 40 },
            ],
            pass_total: 70,
            min_each: 20,
        };
        let s = |m, l| sheet(&[("moi", m), ("loi", l)]);
        assert!(rules.check_sheet(&s(60.0, 40.0)).is_ok());
        assert!(rules.check_sheet(&default_sheet(1.0, 1.0, 1.0)).is_err());
        assert!(rules.result([&s(50.0, 20.0)]).eligible);
        assert!(!rules.result([&s(50.0, 19.0)]).eligible, "69 in total");
        assert!(!rules.result([&s(60.0, 19.5)]).eligible, "79.5 in total but 19.5 in one");
    }

    #[test]
    fn round_states_round_trip() {
        for s in [RoundState::Open, RoundState::Decided] {
            assert_eq!(RoundState::from_key(s.key()), Some(s));
        }
        assert_eq!(points(49.95), "50");
        assert_eq!(points(49.9), "49.9");
        assert_eq!(points(17.5), "17.5");
    }
}
