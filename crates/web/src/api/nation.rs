//! The nation's view over the API (issue 13): every province's completeness for a period, the
//! country's totals, and the province indicators the provinces share.

use axum::Json;
use axum::extract::State;
use kehoach_app::province::Nation;
use kehoach_domain::Action;

use crate::AppState;
use crate::error::{ApiError, ErrorBody, InLang};
use crate::i18n::RequestLang;
use crate::pages::nation::NationQuery;
use crate::params::QueryParams;
use crate::policy::Routes;

pub fn routes(r: Routes) -> Routes {
    r.api(Action::ReadNation, __path_nation, nation)
}

/// Every loaded province's communes for a quarter (expected, sent, on time, accepted, rates;
/// provinces in official code order), the country's totals, and each province indicator that
/// several provinces share (same code and rule) added up over their accepted reports. For the
/// Ministry (`trung_uong`) only.
#[utoipa::path(get, path = "/api/v1/nation", params(NationQuery),
    responses((status = 200, body = Nation), (status = 422, body = ErrorBody)))]
pub(super) async fn nation(
    State(state): State<AppState>,
    RequestLang(lang): RequestLang,
    QueryParams(q): QueryParams<NationQuery>,
) -> Result<Json<Nation>, ApiError> {
    Ok(Json(kehoach_app::nation::view(&state, q.period.as_deref()).await.api(lang)?))
}
