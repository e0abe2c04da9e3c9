//! A commune's plan linked to its province's file: `[commune] official_code` and, per
//! indicator, `province_indicator` (both optional; `docs/plan-file.md`). [`PlanLinks::read`]
//! takes them from the plan file with their places, and [`check_plan_against`] says what does
//! not fit the province.

use std::ops::Range;

use kehoach_domain::Plan;
use kehoach_domain::province::{Province, feeds, is_official_code};

use crate::province::{ProvinceProblem, ProvinceProblemKind};
use crate::raw::RawPlan;

/// The plan file's links to its province, each with its byte range in the plan file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanLinks {
    /// `[commune] official_code`, if written.
    pub official_code: Option<(String, Range<usize>)>,
    /// The place of `[commune] province_code` (or of `[commune]`), for a province that differs.
    pub province_code_at: Range<usize>,
    /// `(indicator code, province indicator code, place)` for every indicator that names one.
    pub indicators: Vec<(String, String, Range<usize>)>,
}

impl PlanLinks {
    /// Reads the links of a plan file; `None` when it is not a readable plan file (its own
    /// check says why).
    pub fn read(source: &str) -> Option<PlanLinks> {
        let raw: RawPlan = toml::from_str(source).ok()?;
        let mut links = PlanLinks::default();
        if let Some(commune) = &raw.commune {
            let c = commune.get_ref();
            links.official_code = c.official_code.as_ref().map(|o| (o.get_ref().trim().to_owned(), o.span()));
            links.province_code_at = c.province_code.as_ref().map_or(commune.span(), |p| p.span());
        }
        for i in &raw.indicators {
            let r = i.get_ref();
            if let (Some(code), Some(target)) = (&r.code, &r.province_indicator) {
                links.indicators.push((code.get_ref().clone(), target.get_ref().trim().to_owned(), target.span()));
            }
        }
        Some(links)
    }
}

/// What does not fit between a commune's plan and its province's file: the plan of another
/// province, an official code not among the province's communes, an indicator feeding a province
/// indicator that does not exist or is of another kind. Empty when all fits. Places are in the
/// plan file.
pub fn check_plan_against(province: &Province, plan: &Plan, links: &PlanLinks) -> Vec<ProvinceProblem> {
    let mut out = Vec::new();
    if plan.commune.province_code != province.slug {
        out.push(ProvinceProblem {
            span: links.province_code_at.clone(),
            kind: ProvinceProblemKind::OtherProvince {
                plan: plan.commune.province_code.clone(),
                province: province.slug.clone(),
            },
        });
    }
    if let Some((code, span)) = &links.official_code {
        if !is_official_code(code, 5) {
            out.push(ProvinceProblem {
                span: span.clone(),
                kind: ProvinceProblemKind::BadOfficialCode { value: code.clone(), len: 5 },
            });
        } else if province.commune(code).is_none() {
            out.push(ProvinceProblem {
                span: span.clone(),
                kind: ProvinceProblemKind::UnknownCommune { code: code.clone(), province: province.name.clone() },
            });
        }
    }
    for (code, target, span) in &links.indicators {
        let Some(target_indicator) = province.indicator(target) else {
            out.push(ProvinceProblem {
                span: span.clone(),
                kind: ProvinceProblemKind::UnknownProvinceIndicator { code: target.clone() },
            });
            continue;
        };
        let Some(indicator) = plan.indicators.iter().find(|i| &i.code == code) else { continue };
        if !feeds(indicator.kind, target_indicator) {
            out.push(ProvinceProblem {
                span: span.clone(),
                kind: ProvinceProblemKind::FeedDoesNotFit {
                    indicator: code.clone(),
                    kind: indicator.kind.key(),
                    target: target.clone(),
                    target_kind: target_indicator.kind.key(),
                },
            });
        }
    }
    out.sort_by_key(|p| p.span.start);
    out
}
