//! The initiative recognition cycle (sáng kiến; Decree 13/2012/NĐ-CP): rules and scoring.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
