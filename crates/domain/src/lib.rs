//! The rules of kehoach, free of I/O: the plan model and Vietnamese text handling.
//!
//! Every other crate depends on this one; it depends on none of them.

pub mod access;
pub mod aggregate;
pub mod clock;
pub mod consolidation;
pub mod initiative;
pub mod handoff;
pub mod lang;
pub mod layout;
pub mod measure;
pub mod number;
pub mod period;
pub mod plan;
pub mod progress;
pub mod province;
pub mod record;
pub mod register;
pub mod report;
pub mod request;
pub mod rollup;
pub mod rows;
pub mod text;
pub mod unit;
pub mod work;

pub use access::{Action, Decision, DenyReason, Principal, Role, Scope, authorize};
pub use lang::Lang;
pub use plan::*;
pub use unit::{Unit, UnitGroup, UnitKind, UnitRef, UnitRefKind};
pub use work::{Assignment, Subject, Work};
