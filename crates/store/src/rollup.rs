//! What the nation's roll-up reads (issue 14): where each sending of a period stands, in one
//! narrow query, and the accepted figures added up by the database per province, indicator and
//! indicator — a few hundred rows for the country instead of one per commune and indicator.

use chrono::{DateTime, Utc};
use kehoach_domain::progress::Status;
use sea_orm::{ConnectionTrait, Statement, Value};

use crate::{Store, StoreError};

/// Where one sending stands: what the nation's counts need of it, and no more.
#[derive(Debug, Clone, PartialEq)]
pub struct SendingState {
    pub id: i32,
    pub province: String,
    pub commune_code: String,
    /// `sent`, `returned`, `accepted`.
    pub state: String,
    pub sent_at: DateTime<Utc>,
    /// The commune has since reopened this version to correct it.
    pub superseded: bool,
}

/// The accepted, current figures of one province indicator, added up (see
/// `kehoach_domain::aggregate::FigureGroup`, which this fills).
#[derive(Debug, Clone, PartialEq)]
pub struct FigureSums {
    pub province: String,
    pub indicator: String,
    pub rows: i64,
    pub values: i64,
    pub value_sum: Option<f64>,
    pub ratios: i64,
    pub numerator_sum: Option<f64>,
    pub denominator_sum: Option<f64>,
    pub unfit_ratios: i64,
    pub targeted: i64,
    pub reached: i64,
    pub no_value: i64,
    /// Figures in each status of `Status::ALL`, "not measurable" only with a value.
    pub statuses: Vec<i64>,
}

/// Both rate parts present and neither negative (a rule's `admit`).
const FIT_RATIO: &str = "f.numerator >= 0 AND f.denominator >= 0";

impl Store {
    /// Every sending of every province for `period` that names its commune's official code,
    /// oldest first.
    pub async fn period_sendings(&self, period: &str) -> Result<Vec<SendingState>, StoreError> {
        let backend = self.db.get_database_backend();
        let sql = "SELECT h.id, h.province, h.commune_code, h.state, h.sent_at, \
                   CASE WHEN r.superseded_at IS NULL THEN 0 ELSE 1 END AS superseded \
                   FROM province_handoffs h JOIN commune_report_records r ON r.id = h.record_id \
                   WHERE h.period = $1 AND h.commune_code IS NOT NULL ORDER BY h.id";
        let stmt = Statement::from_sql_and_values(backend, placeholders(backend, sql), [Value::from(period)]);
        let mut out = Vec::new();
        for row in self.db.query_all_raw(stmt).await? {
            let superseded: i32 = row.try_get("", "superseded")?;
            out.push(SendingState {
                id: row.try_get("", "id")?,
                province: row.try_get("", "province")?,
                commune_code: row.try_get("", "commune_code")?,
                state: row.try_get("", "state")?,
                sent_at: row.try_get("", "sent_at")?,
                superseded: superseded != 0,
            });
        }
        Ok(out)
    }

    /// The figures of every accepted, not reopened sending of `period`, added up per province
    /// and indicator. A commune has at most one such sending a period (a new one is
    /// sent only after the last is reopened), so each counts once.
    pub async fn accepted_figure_sums(&self, period: &str) -> Result<Vec<FigureSums>, StoreError> {
        let backend = self.db.get_database_backend();
        // One count per status; the keys are the domain's own, never the user's. Counts are
        // COUNT … FILTER (PostgreSQL, SQLite 3.30+): cheaper than summing a CASE per row.
        let statuses: String = Status::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let with_value = if *s == Status::NotMeasurable { " AND f.value IS NOT NULL" } else { "" };
                format!("COUNT(*) FILTER (WHERE f.status = '{}'{with_value}) AS status_{i}, ", s.key())
            })
            .collect();
        let sql = format!(
            "SELECT h.province, f.indicator, {statuses}COUNT(*) AS rows_n, \
             COUNT(f.value) AS values_n, SUM(f.value) AS value_sum, \
             COUNT(*) FILTER (WHERE {FIT_RATIO}) AS ratios_n, \
             SUM(f.numerator) FILTER (WHERE {FIT_RATIO}) AS numerator_sum, \
             SUM(f.denominator) FILTER (WHERE {FIT_RATIO}) AS denominator_sum, \
             COUNT(f.numerator + f.denominator) AS both_parts_n, \
             COUNT(f.value + f.target) AS targeted_n, \
             COUNT(*) FILTER (WHERE f.value >= f.target) AS reached_n \
             FROM province_figures f \
             JOIN province_handoffs h ON h.record_id = f.record_id \
             JOIN commune_report_records r ON r.id = h.record_id \
             WHERE h.period = $1 AND f.period = $1 AND h.state = 'accepted' AND r.superseded_at IS NULL \
             AND h.commune_code IS NOT NULL \
             GROUP BY h.province, f.indicator"
        );
        let stmt = Statement::from_sql_and_values(backend, placeholders(backend, &sql), [Value::from(period)]);
        let mut out = Vec::new();
        for row in self.db.query_all_raw(stmt).await? {
            let n = |col: &str| row.try_get::<i64>("", col);
            out.push(FigureSums {
                province: row.try_get("", "province")?,
                indicator: row.try_get("", "indicator")?,
                rows: n("rows_n")?,
                values: n("values_n")?,
                value_sum: row.try_get("", "value_sum")?,
                ratios: n("ratios_n")?,
                numerator_sum: row.try_get("", "numerator_sum")?,
                denominator_sum: row.try_get("", "denominator_sum")?,
                unfit_ratios: n("both_parts_n")? - n("ratios_n")?,
                targeted: n("targeted_n")?,
                reached: n("reached_n")?,
                no_value: n("rows_n")? - n("values_n")?,
                statuses: (0..Status::ALL.len()).map(|i| n(&format!("status_{i}"))).collect::<Result<_, _>>()?,
            });
        }
        Ok(out)
    }
}

/// `$1` as the backend writes its parameter.
fn placeholders(backend: sea_orm::DatabaseBackend, sql: &str) -> String {
    match backend {
        sea_orm::DatabaseBackend::Postgres => sql.to_owned(),
        _ => sql.replace("$1", "?1"),
    }
}
