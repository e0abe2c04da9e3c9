//! Plans over the API: the list, and each plan whole.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kehoach_domain::{
    Action, Appendices, Commune, DocumentInfo, Figure, IndicatorKind, IndicatorSection, Plan, Section, Signer,
    TaskGroup, TimeFrame, Unit, UnitKind, UnitRef, UnitRefKind,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::acting::Acting;
use crate::client::ClientAddress;
use crate::error::{ApiError, ErrorBody, InLang, WebError};
use crate::i18n::RequestLang;
use crate::plan_upload::{self, FileProblem, UploadError};
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadPublic, __path_healthz, healthz)
        .api(Action::ReadPublic, __path_list_plans, list_plans)
        .api(Action::ReadPublic, __path_get_plan, get_plan)
        .api(Action::ManagePlans, __path_upload_plan, upload_plan)
}

/// What an upload did.
#[derive(Serialize, ToSchema)]
pub struct UploadResult {
    id: String,
    created: bool,
    changed: bool,
}

/// Every problem of a refused plan file.
#[derive(Serialize, ToSchema)]
pub struct UploadProblems {
    error: crate::error::ErrorDetail,
    problems: Vec<FileProblem>,
}

/// Checks a plan file (the TOML text as the body) and imports it: 201 for a new plan, 200 for an
/// update (or no change); 422 with every problem and its line and column.
#[utoipa::path(post, path = "/api/v1/plans", request_body(description = "the plan file (TOML, UTF-8); sent as `application/toml` or `text/plain`",
    content((String = "application/toml"), (String = "text/plain"))), responses(
    (status = 201, body = UploadResult), (status = 200, body = UploadResult),
    (status = 422, body = UploadProblems), (status = 403, body = ErrorBody)))]
pub(super) async fn upload_plan(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    acting: Acting,
    ClientAddress(address): ClientAddress,
    body: axum::body::Bytes,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let t = crate::i18n::Tr::new(lang);
    let signed = &acting.signed;
    if body.len() > plan_upload::PLAN_LIMIT {
        return Err(ApiError { error: WebError::Invalid(t.get("error-too-large")), lang });
    }
    let text =
        std::str::from_utf8(&body).map_err(|_| ApiError { error: WebError::Invalid(t.get("csv-not-utf8")), lang })?;
    match plan_upload::import(&state, signed, address.as_deref(), text, lang).await {
        Ok(o) => {
            let status = if o.created { StatusCode::CREATED } else { StatusCode::OK };
            Ok((status, Json(UploadResult { id: o.plan_id, created: o.created, changed: o.changed })).into_response())
        }
        Err(UploadError::Invalid(problems)) => {
            let error = crate::error::ErrorDetail { code: "invalid", message: t.get("plan-invalid") };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(UploadProblems { error, problems })).into_response())
        }
        Err(UploadError::Web(error)) => Err(ApiError { error, lang }),
    }
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    status: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", responses(
    (status = 200, body = Health), (status = 503, body = Health)
))]
pub(super) async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(Health { status: "ok" })),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "unavailable" }))
        }
    }
}

/// One plan in the list.
#[derive(Serialize, ToSchema)]
pub struct PlanListItem {
    id: String,
    commune: Commune,
    year: i32,
    title: String,
}

/// Every plan held, newest year first.
#[utoipa::path(get, path = "/api/v1/plans", responses((status = 200, body = [PlanListItem])))]
pub(super) async fn list_plans(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
) -> Result<Json<Vec<PlanListItem>>, ApiError> {
    let plans = kehoach_app::plans::list(&state).await.api(lang)?;
    Ok(Json(
        plans
            .into_iter()
            .map(|p| PlanListItem { id: p.id, commune: p.commune, year: p.year, title: p.title })
            .collect(),
    ))
}

/// A lead or coordinator with its name.
#[derive(Serialize, ToSchema)]
pub struct RefDto {
    kind: UnitRefKind,
    code: String,
    name: String,
}

/// A unit group with its current members.
#[derive(Serialize, ToSchema)]
pub struct GroupDto {
    code: String,
    name: String,
    kinds: Vec<UnitKind>,
    /// Members named one by one, beyond the kinds.
    listed_members: Vec<String>,
    /// Every current member: units of the kinds plus listed ones.
    members: Vec<RefDto>,
}

#[derive(Serialize, ToSchema)]
pub struct PreambleDto {
    intro: String,
    legal_bases: Vec<String>,
    closing: String,
    /// The whole paragraph as printed.
    paragraph: String,
}

#[derive(Serialize, ToSchema)]
pub struct TargetDto {
    text: String,
    indicator: String,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorDto {
    code: String,
    section: String,
    number: String,
    name: String,
    measure_unit: Option<String>,
    kind: IndicatorKind,
    baseline: Figure,
    target: Figure,
    lead: RefDto,
    coordinators: Vec<RefDto>,
    /// The coordinators cell as printed in Phụ lục I.
    coordinators_cell: String,
}

#[derive(Serialize, ToSchema)]
pub struct TaskDto {
    code: String,
    group: String,
    number: String,
    content: String,
    description: String,
    lead: RefDto,
    coordinators: Vec<RefDto>,
    /// The coordinators cell as printed in Phụ lục II.
    coordinators_cell: String,
    time_frame: TimeFrame,
}

#[derive(Serialize, ToSchema)]
pub struct ReportingDto {
    frequency: String,
    deadline_day: u32,
    deadline_month_of_quarter: u32,
    deadline_before: bool,
    cutoff_day: u32,
    cutoff_month_of_quarter: u32,
    time_zone: String,
    late_submission: bool,
    report_to: RefDto,
    upward_to: Option<RefDto>,
}

/// The whole plan, with units and groups resolved to names.
#[derive(Serialize, ToSchema)]
pub struct PlanDto {
    id: String,
    commune: Commune,
    year: i32,
    document: DocumentInfo,
    preamble: PreambleDto,
    sections: Vec<Section>,
    targets: Vec<TargetDto>,
    units: Vec<Unit>,
    groups: Vec<GroupDto>,
    indicator_sections: Vec<IndicatorSection>,
    indicators: Vec<IndicatorDto>,
    task_groups: Vec<TaskGroup>,
    tasks: Vec<TaskDto>,
    reporting: ReportingDto,
    recipients: Vec<String>,
    signer: Signer,
    appendices: Appendices,
}

fn resolve(plan: &Plan, r: &UnitRef) -> RefDto {
    RefDto { kind: r.kind, code: r.code.clone(), name: plan.ref_name(r).unwrap_or(&r.code).to_owned() }
}

impl From<&Plan> for PlanDto {
    fn from(plan: &Plan) -> PlanDto {
        let refs = |rs: &[UnitRef]| rs.iter().map(|r| resolve(plan, r)).collect::<Vec<_>>();
        PlanDto {
            id: plan.id.clone(),
            commune: plan.commune.clone(),
            year: plan.year,
            document: plan.document.clone(),
            preamble: PreambleDto {
                intro: plan.preamble.intro.clone(),
                legal_bases: plan.preamble.legal_bases.clone(),
                closing: plan.preamble.closing.clone(),
                paragraph: plan.preamble.paragraph(),
            },
            sections: plan.sections.clone(),
            targets: plan
                .targets
                .iter()
                .map(|t| TargetDto { text: t.text.clone(), indicator: t.indicator.clone() })
                .collect(),
            units: plan.units.clone(),
            groups: plan
                .groups
                .iter()
                .map(|g| GroupDto {
                    code: g.code.clone(),
                    name: g.name.clone(),
                    kinds: g.kinds.clone(),
                    listed_members: g.members.clone(),
                    members: g
                        .resolve(&plan.units)
                        .into_iter()
                        .map(|u| RefDto { kind: UnitRefKind::Unit, code: u.code.clone(), name: u.name.clone() })
                        .collect(),
                })
                .collect(),
            indicator_sections: plan.indicator_sections.clone(),
            indicators: plan
                .indicators
                .iter()
                .map(|i| IndicatorDto {
                    code: i.code.clone(),
                    section: i.section.clone(),
                    number: i.number.clone(),
                    name: i.name.clone(),
                    measure_unit: i.measure_unit.clone(),
                    kind: i.kind,
                    baseline: i.baseline.clone(),
                    target: i.target.clone(),
                    lead: resolve(plan, &i.lead),
                    coordinators: refs(&i.coordinators),
                    coordinators_cell: plan.cell(&i.coordinators, i.coordinators_text.as_deref()),
                })
                .collect(),
            task_groups: plan.task_groups.clone(),
            tasks: plan
                .tasks
                .iter()
                .map(|t| TaskDto {
                    code: t.code.clone(),
                    group: t.group.clone(),
                    number: t.number.clone(),
                    content: t.content.clone(),
                    description: t.description.clone(),
                    lead: resolve(plan, &t.lead),
                    coordinators: refs(&t.coordinators),
                    coordinators_cell: plan.cell(&t.coordinators, t.coordinators_text.as_deref()),
                    time_frame: t.time_frame,
                })
                .collect(),
            reporting: ReportingDto {
                frequency: plan.reporting.frequency.clone(),
                deadline_day: plan.reporting.deadline_day,
                deadline_month_of_quarter: plan.reporting.deadline_month_of_quarter,
                deadline_before: plan.reporting.deadline_before,
                cutoff_day: plan.reporting.cutoff_day,
                cutoff_month_of_quarter: plan.reporting.cutoff_month_of_quarter,
                time_zone: plan.reporting.time_zone.clone(),
                late_submission: plan.reporting.late_submission,
                report_to: resolve(plan, &plan.reporting.report_to),
                upward_to: plan.reporting.upward_to.as_ref().map(|r| resolve(plan, r)),
            },
            recipients: plan.recipients.clone(),
            signer: plan.signer.clone(),
            appendices: plan.appendices.clone(),
        }
    }
}

/// The whole plan.
#[utoipa::path(get, path = "/api/v1/plans/{plan}",
    params(("plan" = String, Path, description = "Plan id, e.g. `muong-la-2026`")),
    responses((status = 200, body = PlanDto), (status = 404, body = ErrorBody)))]
pub(super) async fn get_plan(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    Path(id): Path<String>,
    viewer: crate::auth::session::Viewer,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (plan, at) = kehoach_app::plans::shared(&state, &id).await.api(lang)?;
    if viewer.0.is_some() {
        // Answers to a signed-in request keep their private cache rule (responses.rs).
        return Ok(Json(PlanDto::from(&*plan)).into_response());
    }
    // The same JSON for every visitor until the plan changes: validated by its tag, serialised
    // once per revision (see docs/performance.md).
    let etag = crate::responses::etag("j", &at, lang);
    if crate::responses::not_modified(&headers, &etag) {
        return Ok(crate::responses::unchanged(&etag));
    }
    let key = format!("json /api/v1/plans/{id} {}", lang.code());
    if let Some(kept) = state.caches.answer(&key, &at).filter(|r| r.etag == etag) {
        return Ok(crate::responses::public(&kept, &headers));
    }
    let body = serde_json::to_vec(&PlanDto::from(&*plan))
        .map_err(|e| ApiError { error: WebError::Internal(e.to_string()), lang })?;
    let rendered = std::sync::Arc::new(crate::responses::rendered(etag, "application/json", body));
    state.caches.keep_answer(&key, at, rendered.clone());
    Ok(crate::responses::public(&rendered, &headers))
}
