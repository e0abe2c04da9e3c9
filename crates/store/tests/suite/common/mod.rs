//! What several test files share: the two plans, parsed from their files.

use kehoach_domain::Plan;

/// A second commune's plan (Thử Nghiệm 2027), made up for the tests.
const SECOND_PLAN: &str = include_str!("../../../../plan/tests/fixtures/thu-nghiem-2027.toml");

/// The Mường La 2026 plan embedded in the binary.
pub fn seed() -> Plan {
    kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).expect("the seed plan is valid")
}

/// The second plan, another commune's.
pub fn second() -> Plan {
    kehoach_plan::parse(SECOND_PLAN).expect("the second plan is valid")
}
