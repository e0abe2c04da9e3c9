//! Sendings and figures in bulk for the roll-up benchmark (`crates/app/benches/rollup.rs`):
//! communes, plans, approved records, their sendings to the province in mixed states and the
//! figures of eight province indicators, written by multi-row inserts rather than one approval
//! at a time. Every plan is visibly synthetic (`bench-…`). Behind the `testing` feature.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, Statement};

use crate::entity::{commune, commune_report_record, plan, province_figure, province_handoff};
use crate::{Store, StoreError};

/// One commune of the benchmark: its province (slug), official code and name.
#[derive(Debug, Clone)]
pub struct BenchCommune {
    pub province: String,
    pub code: String,
    pub name: String,
}

/// The statuses a report gives an indicator (`kehoach_domain::progress::Status` keys).
const STATUSES: [&str; 5] = ["achieved", "on_track", "at_risk", "behind", "not_measurable"];

/// How many rows were written.
#[derive(Debug, Clone, Copy, Default)]
pub struct BenchRows {
    pub sendings: usize,
    pub figures: usize,
}

/// A small deterministic generator (the same data in every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const CHUNK: usize = 400;

/// Writes, for `year`'s four quarters, each commune's sendings (about 1 in 10 missing; of those
/// sent, most accepted, some waiting, some returned and sent again, a few reopened) with a figure
/// for each of `indicators`.
pub async fn write(
    store: &Store,
    communes: &[BenchCommune],
    indicators: &[&str],
    year: i32,
    seed: u64,
) -> Result<BenchRows, StoreError> {
    let db = &store.db;
    let mut rng = Rng(seed);
    let now: DateTime<Utc> = Utc::now();
    let mut rows = BenchRows::default();
    for chunk in communes.chunks(CHUNK) {
        let first = commune::Entity::insert_many(chunk.iter().map(|c| commune::ActiveModel {
            code: Set(c.code.clone()),
            name: Set(c.name.clone()),
            kind: Set("xã".into()),
            province_code: Set(c.province.clone()),
            province: Set(c.province.clone()),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec(db)
        .await?;
        let _ = first;
    }
    let commune_ids: std::collections::HashMap<String, i32> = commune::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (format!("{}/{}", c.province_code, c.code), c.id))
        .collect();
    let id_of = |c: &BenchCommune| commune_ids.get(&format!("{}/{}", c.province, c.code)).copied();
    for chunk in communes.chunks(CHUNK) {
        plan::Entity::insert_many(chunk.iter().filter_map(|c| {
            Some(plan::ActiveModel {
                commune_id: Set(id_of(c)?),
                slug: Set(format!("bench-{}-{year}", c.code)),
                year: Set(year),
                title: Set(format!("Kế hoạch thử tải (dữ liệu giả) — {}", c.name)),
                number: Set(None),
                symbol: Set("KH-THU".into()),
                issued_on: Set(None),
                text_json: Set("{}".into()),
                imported_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
        }))
        .exec(db)
        .await?;
    }
    let plan_ids: std::collections::HashMap<i32, i32> =
        plan::Entity::find().all(db).await?.into_iter().map(|p| (p.commune_id, p.id)).collect();

    // Records first (their ids are the sendings' and figures' keys), then sendings and figures.
    struct Planned {
        commune: usize,
        period: String,
        version: i32,
        sent_at: DateTime<Utc>,
        state: &'static str,
        superseded: bool,
    }
    let mut planned = Vec::new();
    for (i, _) in communes.iter().enumerate() {
        for quarter in 1..=4u32 {
            let period = format!("{year}-Q{quarter}");
            let due = NaiveDate::from_ymd_opt(year, quarter * 3, 10).unwrap_or_default();
            let sent = |late_days: i64| {
                (due - chrono::Duration::days(5) + chrono::Duration::days(late_days))
                    .and_hms_opt(9, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
            };
            let roll = rng.below(100);
            let late = if rng.below(5) == 0 { 9 } else { 0 };
            match roll {
                0..10 => {}
                10..25 => planned.push(Planned {
                    commune: i,
                    period,
                    version: 1,
                    sent_at: sent(late),
                    state: "sent",
                    superseded: false,
                }),
                25..32 => {
                    planned.push(Planned {
                        commune: i,
                        period: period.clone(),
                        version: 1,
                        sent_at: sent(late),
                        state: "returned",
                        superseded: true,
                    });
                    planned.push(Planned {
                        commune: i,
                        period,
                        version: 2,
                        sent_at: sent(late + 3),
                        state: "accepted",
                        superseded: false,
                    });
                }
                32..35 => planned.push(Planned {
                    commune: i,
                    period,
                    version: 1,
                    sent_at: sent(late),
                    state: "accepted",
                    superseded: true,
                }),
                35..40 => planned.push(Planned {
                    commune: i,
                    period,
                    version: 1,
                    sent_at: sent(late),
                    state: "returned",
                    superseded: false,
                }),
                _ => planned.push(Planned {
                    commune: i,
                    period,
                    version: 1,
                    sent_at: sent(late),
                    state: "accepted",
                    superseded: false,
                }),
            }
        }
    }
    let mut number = 0;
    for chunk in planned.chunks(CHUNK) {
        commune_report_record::Entity::insert_many(chunk.iter().filter_map(|p| {
            let commune_id = id_of(&communes[p.commune])?;
            number += 1;
            Some(commune_report_record::ActiveModel {
                commune_id: Set(commune_id),
                plan_id: Set(*plan_ids.get(&commune_id)?),
                period: Set(p.period.clone()),
                version: Set(p.version),
                number: Set(number),
                numbered_by: Set("bench".into()),
                issued_on: Set(p.sent_at.date_naive()),
                signer: Set("Dữ liệu giả".into()),
                snapshot: Set("{}".into()),
                docx: Set(Vec::new()),
                docx_sha256: Set(String::new()),
                approved_by: Set("bench".into()),
                approved_at: Set(p.sent_at),
                superseded_by: Set(p.superseded.then(|| "bench".to_owned())),
                superseded_at: Set(p.superseded.then_some(p.sent_at)),
                superseded_reason: Set(None),
                scan_name: Set(None),
                scan: Set(None),
                scan_sha256: Set(None),
                scan_by: Set(None),
                scan_at: Set(None),
                ..Default::default()
            })
        }))
        .exec(db)
        .await?;
    }
    let records: std::collections::HashMap<(i32, String, i32), (i32, i32)> = commune_report_record::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| ((r.commune_id, r.period, r.version), (r.id, r.plan_id)))
        .collect();
    let mut handoffs = Vec::new();
    let mut figures = Vec::new();
    for p in &planned {
        let c = &communes[p.commune];
        let Some(commune_id) = id_of(c) else { continue };
        let Some(&(record_id, plan_id)) = records.get(&(commune_id, p.period.clone(), p.version)) else { continue };
        handoffs.push(province_handoff::ActiveModel {
            record_id: Set(record_id),
            commune_id: Set(commune_id),
            plan_id: Set(plan_id),
            province: Set(c.province.clone()),
            commune_code: Set(Some(c.code.clone())),
            period: Set(p.period.clone()),
            sent_at: Set(p.sent_at),
            state: Set(p.state.into()),
            decided_by: Set((p.state != "sent").then(|| "bench".to_owned())),
            decided_at: Set((p.state != "sent").then_some(p.sent_at)),
            reason: Set((p.state == "returned").then(|| "Thiếu số liệu (dữ liệu giả)".to_owned())),
            ..Default::default()
        });
        for (k, indicator) in indicators.iter().enumerate() {
            let denominator = 20.0 + rng.below(30) as f64;
            let numerator = (rng.below(denominator as u64 + 1)) as f64;
            // Now and then a part the report could not give, as real reports have.
            let some = |rng: &mut Rng, x: f64, one_in: u64| (rng.below(one_in) != 0).then_some(x);
            let value = rng.below(40) as f64;
            figures.push(province_figure::ActiveModel {
                record_id: Set(record_id),
                province: Set(c.province.clone()),
                period: Set(p.period.clone()),
                indicator: Set((*indicator).to_owned()),
                value: Set(some(&mut rng, value, 20)),
                numerator: Set(some(&mut rng, numerator, 25)),
                denominator: Set(Some(denominator)),
                target: Set(some(&mut rng, if k == 0 { 1.0 } else { 10.0 }, 10)),
                status: Set(Some(STATUSES[rng.below(STATUSES.len() as u64) as usize].to_owned())),
                ..Default::default()
            });
        }
    }
    rows.sendings = handoffs.len();
    rows.figures = figures.len();
    let mut handoffs = handoffs.into_iter().peekable();
    while handoffs.peek().is_some() {
        province_handoff::Entity::insert_many(handoffs.by_ref().take(CHUNK)).exec(db).await?;
    }
    let mut figures = figures.into_iter().peekable();
    while figures.peek().is_some() {
        province_figure::Entity::insert_many(figures.by_ref().take(CHUNK)).exec(db).await?;
    }
    // The planner's statistics, as a database in service has them (autovacuum on PostgreSQL,
    // `PRAGMA optimize` on SQLite) and a bulk load just written does not.
    db.execute_unprepared("ANALYZE").await?;
    Ok(rows)
}

/// The bare SQL aggregate the roll-up is measured against: for one period, per province and
/// indicator, the count and sums of the accepted figures of sendings not reopened since. Returns
/// the number of groups.
pub async fn bare_aggregate(store: &Store, period: &str) -> Result<usize, StoreError> {
    let period = period.replace('\'', "");
    let sql = format!(
        "SELECT h.province, f.indicator, COUNT(*) AS n, SUM(f.value) AS value, SUM(f.numerator) AS numerator, \
         SUM(f.denominator) AS denominator \
         FROM province_figures f \
         JOIN province_handoffs h ON h.record_id = f.record_id \
         JOIN commune_report_records r ON r.id = h.record_id \
         WHERE h.period = '{period}' AND f.period = '{period}' AND h.state = 'accepted' AND r.superseded_at IS NULL \
         GROUP BY h.province, f.indicator"
    );
    let backend = store.db.get_database_backend();
    Ok(store.db.query_all_raw(Statement::from_string(backend, sql)).await?.len())
}
