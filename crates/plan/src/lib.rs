//! The plan file: TOML with English keys and Vietnamese values.
//!
//! [`parse`] turns a file into a validated [`kehoach_domain::Plan`] or lists every problem with
//! its line and column. The format is documented in `docs/plan-file.md`.

mod check;
pub mod limits;
mod measure;
mod problem;
pub mod province;
pub mod province_link;
mod raw;
mod units_csv;

pub use check::{is_slug, parse};
pub use problem::{Position, Problem, ProblemKind, Thing, position};
pub use units_csv::{RowProblem, parse_units_csv};

/// The Mường La 2026 plan, the default plan embedded in the binary.
pub const DEFAULT_PLAN: &str = include_str!("../../../plans/muong-la-2026.toml");
/// File name of [`DEFAULT_PLAN`], for messages.
pub const DEFAULT_PLAN_NAME: &str = "plans/muong-la-2026.toml";
