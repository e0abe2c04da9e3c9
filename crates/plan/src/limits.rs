//! How large a plan file may be. A commune's plan has some tens of units and indicators; a file
//! far past that is a mistake or an attack (a 374 KB file of 1,000 groups and 4,000 villages made
//! the units page 283 MB), refused before it reaches the database. Documented in
//! `docs/plan-file.md`.

/// The largest file, in bytes (the Mường La 2026 plan is 44 KB).
pub const FILE_MAX: usize = 256 * 1024;
/// `[[units]]`: the commune's departments, organisations, villages and quarters.
pub const UNITS_MAX: usize = 300;
/// `[[groups]]`.
pub const GROUPS_MAX: usize = 50;
/// `[[sections]]`, `[[indicator_sections]]`, `[[task_groups]]` each.
pub const SECTIONS_MAX: usize = 50;
/// `[[indicators]]`, `[[targets]]`, `[[tasks]]` each.
pub const ITEMS_MAX: usize = 300;
/// Characters in a name (of the commune, a unit, a group): one line.
pub const NAME_MAX: usize = kehoach_domain::text::LINE_MAX;
/// Characters in any other text (a paragraph of the plan).
pub const TEXT_MAX: usize = kehoach_domain::text::LONG_MAX;
