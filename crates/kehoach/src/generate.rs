//! `kehoach demo generate`: a synthetic, reproducible dataset over the real organisation tree
//! (issue 14, item 1). For each province chosen from the national list of administrative units: a
//! province file made as `kehoach province build` makes one, with the `[department]`,
//! `[reporting]` and `[[indicators]]` of plans/son-la.toml (the same indicator keys everywhere,
//! so that the nation's view adds them up); for each commune: a plan derived from the template
//! plan as the demo province derives its samples, 20–40 units, users, a year (2026) of register
//! records, four quarters of unit reports and commune reports in every state, sent to the
//! province and some of them accepted or returned.
//!
//! Everything it writes is visibly synthetic: units, people and records carry "mẫu", plans are
//! titled "(dữ liệu mẫu)". Every time is fixed in 2026 and every choice is drawn from a
//! generator seeded by `--seed` and the commune's official code: the same seed gives the same
//! dataset, whatever else the database holds and whichever communes are chosen with it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use kehoach_app::App;
use kehoach_app::commune_report::{self, ApprovalInput};
use kehoach_app::province::{self as province_app, Decision, LoadError};
use kehoach_domain::clock::{Clock, FixedClock};
use kehoach_domain::period::PeriodId;
use kehoach_domain::province::{Province, slug_of};
use kehoach_domain::register::{check_fields, register};
use kehoach_domain::report::{ReportBody, ReportState};
use kehoach_domain::{Lang, Plan, Role, Unit, UnitKind};
use kehoach_store::bulk::GeneratedReport;
use kehoach_store::{Actor, AuditEntry, NewUser, RecordInput, RecordOutcome, Store};

use crate::province_cmd::{licence_comment, quoted};

/// The year every generated plan covers.
const YEAR: i32 = 2026;

/// The province file whose department, reporting and indicators every generated province takes.
const PROVINCE_TEMPLATE: &str = include_str!("../../../plans/son-la.toml");

/// The licence of the national list, carried with every province file made of it.

/// The Ministry's sample account, made once per database.
const MINISTRY_USER: &str = "mau-bo-khcn";

/// Which provinces: the first N by official code, or a list of codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provinces {
    First(usize),
    Codes(Vec<String>),
    All,
}

impl std::str::FromStr for Provinces {
    type Err = String;

    fn from_str(s: &str) -> Result<Provinces, String> {
        let s = s.trim();
        if s == "all" {
            return Ok(Provinces::All);
        }
        if s.contains(',') {
            let codes: Vec<String> = s.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect();
            if codes.is_empty() || codes.iter().any(|c| !kehoach_domain::province::is_official_code(c, 2)) {
                return Err(format!(
                    "`{s}`: province codes are two digits, separated by commas (14,01 — or 14, alone)"
                ));
            }
            return Ok(Provinces::Codes(codes));
        }
        match s.parse::<usize>() {
            Ok(n) if n > 0 => Ok(Provinces::First(n)),
            _ => Err(format!("`{s}`: a number of provinces, a list of codes (14,01 — or 14, alone), or `all`")),
        }
    }
}

/// How many communes per province: at most N (the first by official code), or all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Communes {
    AtMost(usize),
    All,
}

impl std::str::FromStr for Communes {
    type Err = String;

    fn from_str(s: &str) -> Result<Communes, String> {
        match s.trim() {
            "all" => Ok(Communes::All),
            n => match n.parse::<usize>() {
                Ok(n) if n > 0 => Ok(Communes::AtMost(n)),
                _ => Err(format!("`{s}`: a number of communes per province, or `all`")),
            },
        }
    }
}

/// A small, fast generator (SplitMix64): the same seed, the same draws, on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, salt: &str) -> Rng {
        // FNV-1a of the salt, mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in salt.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(seed ^ h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// One commune of the national list.
#[derive(Clone)]
struct CsvCommune {
    code: String,
    name: String,
    kind: String,
}

/// One province of the national list with its communes, sorted by code.
struct CsvProvince {
    code: String,
    name: String,
    full_name: String,
    communes: Vec<CsvCommune>,
}

/// The national list, by province code.
fn read_list(csv: &Path) -> anyhow::Result<BTreeMap<String, CsvProvince>> {
    let rows = crate::province_cmd::read_all(csv, Lang::Vi).map_err(|e| anyhow!(e))?;
    let mut out: BTreeMap<String, CsvProvince> = BTreeMap::new();
    for r in rows {
        let province = out.entry(r.province_code.clone()).or_insert_with(|| CsvProvince {
            code: r.province_code.clone(),
            name: r.province_name.clone(),
            full_name: r.province_full_name.clone(),
            communes: Vec::new(),
        });
        province.communes.push(CsvCommune { code: r.code, name: r.name, kind: r.kind.key().to_owned() });
    }
    Ok(out)
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// The province file: header, `[province]` and `[[communes]]` as `province build` writes them,
/// the department, reporting and indicators of Sơn La's file in the province's words.
fn province_source(p: &CsvProvince) -> anyhow::Result<String> {
    let body = PROVINCE_TEMPLATE
        .split("\n[[communes]]")
        .next()
        .and_then(|head| head.split_once("\n[department]"))
        .map(|(_, rest)| format!("[department]{rest}"))
        .ok_or_else(|| anyhow!("plans/son-la.toml has no [department] before its communes"))?;
    let body = body
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("TỈNH SƠN LA", &p.full_name.to_uppercase())
        .replace("tỉnh Sơn La", &lower_first(&p.full_name))
        .replace("Sơn La", &p.name);
    let mut out = String::new();
    let _ = writeln!(out, "# Tệp tỉnh (dữ liệu mẫu): {} — made by `kehoach demo generate`", p.full_name);
    out.push_str(
        "#\n# [province] and [[communes]] from vn-admin-units-2026.csv (Decision 19/2025/QĐ-TTg codes),\n\
         # converted from the project thanglequoc/vietnamese-provinces-database, under the MIT\n\
         # licence; its text travels with it:\n#\n",
    );
    licence_comment(&mut out);
    out.push_str("\nformat = 1\n\n[province]\n");
    let _ = writeln!(out, "code = {}", quoted(&p.code));
    let _ = writeln!(out, "slug = {}", quoted(&slug_of(&p.name)));
    let _ = writeln!(out, "name = {}", quoted(&p.name));
    let _ = writeln!(out, "full_name = {}\n", quoted(&p.full_name));
    out.push_str(&body);
    out.push('\n');
    for c in &p.communes {
        let _ = writeln!(
            out,
            "\n[[communes]]\ncode = {}\nname = {}\nkind = {}",
            quoted(&c.code),
            quoted(&c.name),
            quoted(&c.kind)
        );
    }
    Ok(out)
}

/// A commune's plan: the demo province's sample plan (the template plan with a sample commune's
/// identity, its title marked as sample data, a sample signer), moved to this commune and
/// province, its units' names marked "(mẫu)".
fn plan_source(province: &Province, c: &CsvCommune, slug: &str, plan_id: &str) -> anyhow::Result<String> {
    let sample = &crate::demo_province::SAMPLES[0];
    let text = crate::demo_province::plan_source(sample)?;
    let from_id = format!("id = \"{}-2026\"", sample.slug);
    let from_code = format!("code = \"{}\"", sample.slug);
    let from_official = format!("official_code = \"{}\"", sample.code);
    for needle in [&from_id, &from_code, &from_official, "province_code = \"son-la\"", "province = \"Sơn La\""] {
        if !text.contains(needle) {
            bail!("the sample plan has no `{needle}` to derive the generated plans from");
        }
    }
    let kind = match c.kind.as_str() {
        "phường" => "phường",
        "đặc khu" => "đặc khu",
        _ => "xã",
    };
    let text = text
        .replacen(&from_id, &format!("id = \"{plan_id}\""), 1)
        .replacen(&from_code, &format!("code = \"{slug}\""), 1)
        .replacen(&from_official, &format!("official_code = \"{}\"", c.code), 1)
        .replacen("kind = \"xã\"", &format!("kind = \"{kind}\""), 1)
        .replacen("province_code = \"son-la\"", &format!("province_code = \"{}\"", province.slug), 1)
        .replacen("province = \"Sơn La\"", &format!("province = {}", quoted(&province.name)), 1)
        .replace("TỈNH SƠN LA", &province.full_name.to_uppercase())
        .replace("tỉnh Sơn La", &lower_first(&province.full_name))
        .replace("Sơn La", &province.name)
        .replace(&sample.name.to_uppercase(), &c.name.to_uppercase())
        .replace(sample.name, &c.name);
    // Every unit of the plan file is marked as a sample.
    let mut out = String::with_capacity(text.len() + 256);
    let mut in_unit = false;
    for line in text.lines() {
        if line.starts_with('[') {
            in_unit = line.trim() == "[[units]]";
        }
        match line.strip_prefix("name = \"").and_then(|l| l.strip_suffix('"')) {
            Some(name) if in_unit => {
                let _ = writeln!(out, "name = \"{name} (mẫu)\"");
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// An instant in Hà Nội time, 2026.
fn local(m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    let zone = FixedOffset::east_opt(7 * 3600).unwrap_or(chrono::Offset::fix(&Utc));
    zone.with_ymd_and_hms(YEAR, m, d, h, mi, 0).single().map(|t| t.with_timezone(&Utc)).unwrap_or_default()
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, m, d).unwrap_or_default()
}

/// What the generator wrote, for its summary and its tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Totals {
    pub provinces: usize,
    pub communes: usize,
    pub units: usize,
    pub users: usize,
    pub records: usize,
    pub unit_reports: usize,
    pub commune_reports: usize,
    pub accepted: usize,
    pub returned: usize,
}

/// What the commune does with its report of a quarter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    OnTimeAccepted,
    OnTimeWaiting,
    LateAccepted,
    LateWaiting,
    Returned,
    Missing,
}

fn fate(rng: &mut Rng) -> Fate {
    let r = rng.unit();
    match r {
        r if r < 0.35 => Fate::OnTimeAccepted,
        r if r < 0.50 => Fate::OnTimeWaiting,
        r if r < 0.62 => Fate::LateAccepted,
        r if r < 0.70 => Fate::LateWaiting,
        r if r < 0.80 => Fate::Returned,
        _ => Fate::Missing,
    }
}

const RETURN_REASONS: [&str; 3] = [
    "Số liệu tuyên truyền chưa khớp với sổ theo dõi; đề nghị xã rà soát và gửi lại báo cáo (mẫu).",
    "Báo cáo chưa kèm danh sách cán bộ được phổ biến kiến thức; đề nghị xã bổ sung (mẫu).",
    "Tỷ lệ thủ tục hành chính trực tuyến chưa có số liệu gốc; đề nghị xã bổ sung hồ sơ (mẫu).",
];

struct Ctx<'a> {
    store: &'a Store,
    seed: u64,
    hash: &'a str,
    totals: Totals,
    person: usize,
}

impl Ctx<'_> {
    /// A new sample person's name: "Người dùng mẫu 0001", numbered in the run.
    fn person(&mut self) -> String {
        self.person += 1;
        format!("Người dùng mẫu {:04}", self.person)
    }

    async fn user(
        &mut self,
        username: String,
        role: Role,
        province: &str,
        commune: Option<&str>,
        unit: Option<&str>,
    ) -> anyhow::Result<()> {
        let full_name = self.person();
        if self.store.user(&username).await?.is_some() {
            return Ok(());
        }
        let new = NewUser {
            username: username.clone(),
            full_name,
            role,
            province: (role != Role::TrungUong).then(|| province.to_owned()),
            commune: commune.map(str::to_owned),
            unit: unit.map(str::to_owned),
            password_hash: self.hash.to_owned(),
            must_change_password: false,
        };
        match self.store.add_user(&new, Actor::SYSTEM).await? {
            Ok(_) => {
                self.totals.users += 1;
                Ok(())
            }
            Err(problem) => Err(anyhow!("sample user {username}: {problem:?}")),
        }
    }
}

/// One sample record, checked as a register checks it.
fn record(key: &str, unit: &str, date: NaiveDate, fields: &[(&str, String)]) -> anyhow::Result<RecordInput> {
    let def = register(key).ok_or_else(|| anyhow!("no register {key}"))?;
    let typed: BTreeMap<String, String> = fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    let fields = check_fields(def, date, &typed).map_err(|e| anyhow!("sample record of {key} is invalid: {e:?}"))?;
    Ok(RecordInput { unit: unit.to_owned(), date, fields, sample: true })
}

async fn add_one(store: &Store, plan: &str, key: &str, input: &RecordInput, now: DateTime<Utc>) -> anyhow::Result<i32> {
    match store.add_record(plan, key, input, Actor::SYSTEM, now).await? {
        RecordOutcome::Written(r) => Ok(r.record.id),
        other => Err(anyhow!("sample record of {key} refused: {other:?}")),
    }
}

/// Writes a batch of records of one register in one transaction.
async fn import(
    store: &Store,
    plan: &str,
    key: &str,
    rows: Vec<RecordInput>,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let rows: Vec<(usize, RecordInput)> = rows.into_iter().enumerate().map(|(i, r)| (i + 2, r)).collect();
    match store.import_records(plan, key, &rows, Actor::SYSTEM, now).await? {
        Ok(n) => Ok(n),
        Err(errors) => Err(anyhow!("sample records of {key} refused: {errors:?}")),
    }
}

/// The commune's units beyond the plan file's: villages (or residential groups of a ward) and
/// a cooperative or two, so that it has 20–40 in all.
fn extra_units(rng: &mut Rng, plan_units: usize, ward: bool) -> Vec<Unit> {
    let total = rng.range(20, 40) as usize;
    let extra = total.saturating_sub(plan_units);
    let cooperatives = if extra > 4 { rng.range(1, 2) as usize } else { 0 };
    let mut units = Vec::with_capacity(extra);
    for i in 1..=extra.saturating_sub(cooperatives) {
        let (code, name, kind) = if ward {
            (format!("to-mau-{i:02}"), format!("Tổ dân phố mẫu {i:02} (mẫu)"), UnitKind::Quarter)
        } else {
            (format!("ban-mau-{i:02}"), format!("Bản mẫu {i:02} (mẫu)"), UnitKind::Village)
        };
        units.push(Unit { code, name, kind, sample: true });
    }
    for i in 1..=cooperatives {
        units.push(Unit {
            code: format!("htx-mau-{i:02}"),
            name: format!("HTX mẫu {i:02} (mẫu)"),
            kind: UnitKind::Cooperative,
            sample: true,
        });
    }
    units
}

/// One commune: plan, units, users, a year of records, four quarters of reports.
async fn commune(
    ctx: &mut Ctx<'_>,
    province: &Province,
    department_user: &str,
    c: &CsvCommune,
    slug: &str,
) -> anyhow::Result<()> {
    let store = ctx.store;
    let mut rng = Rng::new(ctx.seed, &c.code);
    let plan_id = format!("{slug}-{}-{YEAR}", province.slug);
    let source = plan_source(province, c, slug, &plan_id)?;
    let parsed = kehoach_plan::parse(&source).map_err(|p| {
        anyhow!(
            "the generated plan {plan_id} is invalid: {}",
            p.first().map(|p| p.render(&plan_id, &source, Lang::En)).unwrap_or_default()
        )
    })?;
    let set_up = local(1, 5, 8, 0);
    let setup_clock: Arc<dyn Clock> = Arc::new(FixedClock::new(set_up));
    let commune_key = format!("{}/{slug}", province.slug);
    let plan_units = parsed.units.len();
    let units = extra_units(&mut rng, plan_units, c.kind == "phường");
    AuditEntry::timed_by(setup_clock, async {
        store.import_plan(&parsed, Actor::SYSTEM).await?;
        store.add_units(&commune_key, &units, Actor::SYSTEM).await?;
        Ok::<(), anyhow::Error>(())
    })
    .await?;
    ctx.totals.units += plan_units + units.len();
    let plan = store.plan(&plan_id).await?.ok_or_else(|| anyhow!("plan {plan_id} vanished"))?;

    // Users: the focal officer, the leader, and the heads of a few units.
    let lead = format!("mau-{}-lanh-dao", c.code);
    ctx.user(format!("mau-{}-dau-moi", c.code), Role::DauMoi, &province.slug, Some(slug), None).await?;
    ctx.user(lead.clone(), Role::LanhDao, &province.slug, Some(slug), None).await?;
    let mut heads: Vec<String> = vec!["vhxh".into()];
    heads.extend(units.iter().take(rng.range(2, 4) as usize).map(|u| u.code.clone()));
    for unit in &heads {
        ctx.user(format!("mau-{}-{unit}", c.code), Role::DonVi, &province.slug, Some(slug), Some(unit)).await?;
    }

    // Records that others point at: staff, businesses, products, procedures.
    let before = local(1, 5, 9, 0);
    let staff_count = rng.range(4, 8);
    let mut staff = Vec::new();
    for i in 1..=staff_count {
        let fields = [
            ("ho_ten", format!("Cán bộ mẫu {i:02} (mẫu)")),
            ("chuc_vu", if i == 1 { "Công chức Văn hóa - Xã hội".into() } else { "Công chức".into() }),
            ("chuyen_mon", if rng.chance(0.8) { "có" } else { "không" }.into()),
            ("phu_trach_khcn", if i == 1 && rng.chance(0.85) { "có" } else { "không" }.into()),
        ];
        let input = record("can_bo", "vhxh", NaiveDate::from_ymd_opt(2023, 8, 1).unwrap_or_default(), &fields)?;
        staff.push(add_one(store, &plan_id, "can_bo", &input, before).await?);
    }
    let mut businesses = Vec::new();
    for i in 1..=rng.range(1, 3) {
        let kind = *rng.pick(&["hop_tac_xa", "ho_kinh_doanh", "co_so_san_xuat"]);
        let fields = [("ten", format!("Cơ sở kinh doanh mẫu {i:02} (mẫu)")), ("loai", kind.into())];
        let input = record("co_so_kd", "vhxh", NaiveDate::from_ymd_opt(2024, 1, 15).unwrap_or_default(), &fields)?;
        businesses.push(add_one(store, &plan_id, "co_so_kd", &input, before).await?);
    }
    let mut products = Vec::new();
    for i in 1..=rng.range(0, 2) {
        let business = rng.pick(&businesses).to_string();
        let fields = [
            ("ten", format!("Sản phẩm mẫu {i:02} (mẫu)")),
            ("co_so", business),
            ("nhom", "do_uong".into()),
            ("ocop", if rng.chance(0.6) { "có" } else { "không" }.into()),
            ("so_sao", rng.range(3, 4).to_string()),
        ];
        products.push(
            add_one(store, &plan_id, "san_pham", &record("san_pham", "vhxh", date(1, 20), &fields)?, before).await?,
        );
    }
    let procedures = rng.range(4, 8);
    let online = rng.range(1, procedures);
    let rows = (1..=procedures)
        .map(|i| {
            record(
                "thu_tuc",
                "vhxh",
                NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default(),
                &[
                    ("ma", format!("MAU-{i}")),
                    ("ten", format!("Thủ tục hành chính mẫu {i:02} (mẫu)")),
                    ("truc_tuyen", if i <= online { "có" } else { "không" }.into()),
                ],
            )
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    ctx.totals.records += staff.len() + businesses.len() + products.len();
    ctx.totals.records += import(store, &plan_id, "thu_tuc", rows, before).await?;

    let assessed: Vec<String> = plan
        .indicators
        .iter()
        .filter(|i| matches!(i.measure, Some(kehoach_domain::measure::Measure::Assessment)))
        .map(|i| i.code.clone())
        .collect();
    let villages: Vec<&Unit> = units.iter().collect();
    for quarter in 1..=4u32 {
        let months = (quarter * 3 - 2)..=(quarter * 3);
        let written = local(quarter * 3, 28, 17, 0);
        // A few records per unit and month: communication activities above all.
        let mut talks = Vec::new();
        let mut models = Vec::new();
        for m in months.clone() {
            for u in &villages {
                for _ in 0..rng.range(0, 3) {
                    let d = rng.range(1, 28) as u32;
                    let channel = *rng.pick(&["truyen_thanh", "hop_ban", "hoi_nghi"]);
                    talks.push(record(
                        "truyen_thong",
                        &u.code,
                        date(m, d),
                        &[
                            ("kenh", channel.into()),
                            ("chu_de", format!("Tuyên truyền ứng dụng khoa học kỹ thuật, tháng {m} (mẫu)")),
                            ("dia_diem", format!("Nhà văn hóa {} ", u.name).trim().to_owned()),
                            ("so_nguoi", rng.range(15, 80).to_string()),
                            ("dot_tuyen_truyen", if rng.chance(0.1) { "có" } else { "không" }.into()),
                        ],
                    )?);
                }
                if rng.chance(0.02) {
                    models.push(record(
                        "mo_hinh",
                        &u.code,
                        date(m, rng.range(1, 28) as u32),
                        &[
                            ("ten", format!("Mô hình ứng dụng tiến bộ kỹ thuật tại {} ", u.name).trim().to_owned()),
                            ("linh_vuc", "moi_truong".into()),
                            ("dia_diem", u.name.clone()),
                            ("trang_thai", "dang_duy_tri".into()),
                        ],
                    )?);
                }
            }
        }
        let mut batches: Vec<(&str, Vec<RecordInput>)> = vec![("truyen_thong", talks)];
        batches.push(("mo_hinh", models));
        let last = quarter * 3;
        let mut trainings = Vec::new();
        for s in &staff {
            if rng.chance(0.3) {
                trainings.push(record(
                    "boi_duong",
                    "vhxh",
                    date(last, rng.range(1, 20) as u32),
                    &[
                        ("can_bo", s.to_string()),
                        ("hinh_thuc", "pho_bien".into()),
                        ("dot", format!("Hội nghị phổ biến KH, CN&ĐMST quý {quarter} (mẫu)")),
                    ],
                )?);
            }
        }
        batches.push(("boi_duong", trainings));
        let mut ideas = Vec::new();
        for i in 0..rng.range(0, 1) {
            ideas.push(record(
                "sang_kien",
                "vhxh",
                date(last, rng.range(1, 20) as u32),
                &[
                    ("ten", format!("Sáng kiến cải tiến thủ tục mẫu quý {quarter}.{} (mẫu)", i + 1)),
                    ("tac_gia", "Cán bộ mẫu 02 (100%)".into()),
                    ("linh_vuc", "quan_ly_hanh_chinh".into()),
                    ("hien_trang", "Hồ sơ lưu giấy, khó tra cứu (mẫu)".into()),
                    ("giai_phap", "Quét và đặt tên theo quy tắc chung (mẫu)".into()),
                    ("loi_ich", "Tra cứu nhanh hơn (mẫu)".into()),
                ],
            )?);
        }
        batches.push(("sang_kien", ideas));
        let mut support = Vec::new();
        for p in &products {
            if rng.chance(0.4) {
                support.push(record(
                    "ho_tro_san_pham",
                    "vhxh",
                    date(last, rng.range(1, 20) as u32),
                    &[("san_pham", p.to_string()), ("noi_dung", "Hỗ trợ quy trình sơ chế, đóng gói (mẫu)".into())],
                )?);
            }
        }
        batches.push(("ho_tro_san_pham", support));
        let grades = ["achieved", "on_track", "at_risk", "behind"];
        let assessments = assessed
            .iter()
            .map(|code| {
                record(
                    "danh_gia",
                    "vhxh",
                    date(last, 25),
                    &[
                        ("chi_tieu", code.clone()),
                        ("muc_do", (*rng.pick(&grades)).into()),
                        ("nhan_xet", format!("Đánh giá mẫu của UBND xã, quý {quarter} (mẫu)")),
                    ],
                )
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        batches.push(("danh_gia", assessments));
        ctx.totals.records += store.write_generated_records(&plan_id, &batches, Actor::SYSTEM, written).await?;

        reports(ctx, &mut rng, &plan, quarter).await?;
        commune_report(ctx, &mut rng, province, &plan, quarter, &lead, department_user).await?;
    }
    ctx.totals.communes += 1;
    Ok(())
}

/// The units' reports of a quarter: most accepted, some submitted or returned, some late, some
/// saved as drafts, some missing; written in one transaction ([`kehoach_store::bulk`]).
async fn reports(ctx: &mut Ctx<'_>, rng: &mut Rng, plan: &Plan, quarter: u32) -> anyhow::Result<()> {
    let period = plan
        .reporting
        .period(PeriodId::Quarter { year: YEAR, quarter: quarter as u8 })
        .map_err(|e| anyhow!("{}: {e:?}", plan.id))?;
    let period_key = period.id.to_string();
    let official = plan.commune.official_code.as_deref().unwrap_or_default();
    let reviewer = format!("mau-{official}-dau-moi");
    let mut drawn = Vec::new();
    for unit in plan.reporting_units() {
        let r = rng.unit();
        if r >= 0.88 {
            continue; // missing
        }
        let late = rng.chance(0.15);
        let at = if late {
            period.deadline + Duration::hours(rng.range(2, 120) as i64)
        } else {
            period.deadline - Duration::hours(rng.range(2, 240) as i64)
        };
        let decided = at + Duration::hours(rng.range(4, 72) as i64);
        let (state, decided) = match r {
            r if r < 0.04 => (ReportState::Draft, None),
            r if r < 0.72 => (ReportState::Accepted, Some(decided)),
            r if r < 0.80 => (ReportState::Returned, Some(decided)),
            _ => (ReportState::Submitted, None),
        };
        drawn.push((
            unit,
            ReportBody::prefilled(plan, &unit.code),
            format!("mau-{official}-{}", unit.code),
            state,
            late,
            at,
            decided,
        ));
    }
    let reports: Vec<GeneratedReport<'_>> = drawn
        .iter()
        .map(|(unit, body, author, state, late, at, decided)| GeneratedReport {
            unit: &unit.code,
            state: *state,
            late: *late,
            body,
            return_reason: (*state == ReportState::Returned)
                .then_some("Đề nghị bổ sung số người tham dự các buổi tuyên truyền (mẫu)."),
            at: *at,
            by: author,
            decided: decided.map(|d| (d, reviewer.as_str())),
        })
        .collect();
    ctx.totals.unit_reports +=
        ctx.store.write_generated_reports(&plan.id, &period_key, &reports, Actor::SYSTEM).await?;
    Ok(())
}

/// The commune's report of a quarter: approved (and so sent to the province) on time or late,
/// accepted, returned or waiting there, or never sent.
async fn commune_report(
    ctx: &mut Ctx<'_>,
    rng: &mut Rng,
    province: &Province,
    plan: &Plan,
    quarter: u32,
    lead: &str,
    department_user: &str,
) -> anyhow::Result<()> {
    let fate = fate(rng);
    if fate == Fate::Missing {
        return Ok(());
    }
    let last = quarter * 3;
    let late = matches!(fate, Fate::LateAccepted | Fate::LateWaiting);
    // The province's deadline is 00:00 on the 10th of the quarter's last month.
    let approved_at = if late {
        local(last, rng.range(10, 25) as u32, rng.range(8, 16) as u32, 0)
    } else {
        local(last, rng.range(1, 9) as u32, rng.range(8, 16) as u32, 0)
    };
    let period = plan
        .reporting
        .period(PeriodId::Quarter { year: YEAR, quarter: quarter as u8 })
        .map_err(|e| anyhow!("{}: {e:?}", plan.id))?;
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(approved_at));
    let app = App::new(ctx.store.clone(), clock.clone());
    let work = async {
        let view = commune_report::view(&app, plan, &period).await?;
        let input = ApprovalInput {
            version: view.version,
            number: Some(quarter * 10 + 1),
            signer: None,
            confirm_incomplete: true,
        };
        commune_report::approve(&app, plan, &period, input, Actor { name: lead, address: None }).await?;
        Ok::<(), kehoach_app::AppError>(())
    };
    AuditEntry::timed_by(clock, work).await.map_err(|e| crate::cli::app_error(e).context(plan.id.clone()))?;
    ctx.totals.commune_reports += 1;
    let decision = match fate {
        Fate::OnTimeAccepted | Fate::LateAccepted => Decision::Accept,
        Fate::Returned => Decision::Return((*rng.pick(&RETURN_REASONS)).into()),
        _ => return Ok(()),
    };
    let decided_at = approved_at + Duration::hours(rng.range(20, 120) as i64);
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(decided_at));
    let app = App::new(ctx.store.clone(), clock.clone());
    let accepted = matches!(decision, Decision::Accept);
    let work = async {
        let sending = province_app::of_plan(&app, plan)
            .await?
            .into_iter()
            .rfind(|s| s.period == period.id.to_string())
            .ok_or_else(|| kehoach_app::AppError::Internal(format!("{}: nothing sent to decide on", plan.id)))?;
        province_app::decide(&app, province, sending.id, decision, Actor { name: department_user, address: None })
            .await?;
        Ok::<(), kehoach_app::AppError>(())
    };
    AuditEntry::timed_by(clock, work).await.map_err(|e| crate::cli::app_error(e).context(plan.id.clone()))?;
    if accepted {
        ctx.totals.accepted += 1;
    } else {
        ctx.totals.returned += 1;
    }
    Ok(())
}

/// Generates the dataset into `url`; prints what it wrote and how long it took.
pub async fn run(
    provinces: &Provinces,
    communes: Communes,
    seed: u64,
    csv: Option<&Path>,
    url: &str,
) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let csv = csv.map_or_else(|| Path::new(crate::province_cmd::DEFAULT_CSV).to_path_buf(), Path::to_path_buf);
    let list = read_list(&csv)?;
    let chosen: Vec<&CsvProvince> = match provinces {
        Provinces::All => list.values().collect(),
        Provinces::First(n) => list.values().take(*n).collect(),
        Provinces::Codes(codes) => codes
            .iter()
            .map(|c| list.get(c).ok_or_else(|| anyhow!("không có tỉnh nào mang mã `{c}` trong {}", csv.display())))
            .collect::<anyhow::Result<_>>()?,
    };
    let store = Store::connect(url).await.context("database")?;
    let totals = generate(&store, &chosen, communes, seed).await?;
    store.close().await?;
    println!(
        "Dữ liệu mẫu / synthetic data (seed {seed}, mật khẩu / password: {}): {} tỉnh, {} xã/phường, {} đơn vị, {} người dùng, {} bản ghi, {} báo cáo đơn vị, {} báo cáo của xã gửi tỉnh ({} được chấp nhận, {} bị trả lại) — {:.1} s",
        crate::demo::DEMO_PASSWORD,
        totals.provinces,
        totals.communes,
        totals.units,
        totals.users,
        totals.records,
        totals.unit_reports,
        totals.commune_reports,
        totals.accepted,
        totals.returned,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

async fn generate(store: &Store, chosen: &[&CsvProvince], communes: Communes, seed: u64) -> anyhow::Result<Totals> {
    // One hash for every sample user: argon2 per user would take minutes.
    let hash = kehoach_app::password::hash(crate::demo::DEMO_PASSWORD).map_err(|e| anyhow!("password hash: {e}"))?;
    let mut ctx = Ctx { store, seed, hash: &hash, totals: Totals::default(), person: 0 };
    let total: usize = chosen
        .iter()
        .map(|p| match communes {
            Communes::All => p.communes.len(),
            Communes::AtMost(n) => p.communes.len().min(n),
        })
        .sum();
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} xã {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let system: Arc<dyn Clock> = Arc::new(FixedClock::new(local(1, 2, 8, 0)));
    let app = App::new(store.clone(), system.clone());
    ctx.user(MINISTRY_USER.into(), Role::TrungUong, "", None, None).await?;
    let existing = store.plans().await?;
    for p in chosen {
        bar.set_message(p.full_name.clone());
        let source = province_source(p)?;
        let province = AuditEntry::timed_by(system.clone(), province_app::load(&app, &source, Actor::SYSTEM))
            .await
            .map_err(|e| match e {
                LoadError::Invalid(problems) => anyhow!(
                    "the generated province file of {} is invalid: {}",
                    p.full_name,
                    problems.first().map(|x| x.render(&p.code, &source, Lang::En)).unwrap_or_default()
                ),
                LoadError::App(e) => crate::cli::app_error(e),
            })?;
        ctx.totals.provinces += 1;
        let department_user = format!("mau-so-khcn-{}", p.code);
        ctx.user(department_user.clone(), Role::CapTren, &province.slug, None, None).await?;
        let take = match communes {
            Communes::All => p.communes.len(),
            Communes::AtMost(n) => n,
        };
        let mut slugs: Vec<String> = Vec::new();
        for c in p.communes.iter().take(take) {
            let mut slug = slug_of(&c.name);
            if slugs.contains(&slug) {
                slug = format!("{slug}-{}", c.code);
            }
            slugs.push(slug.clone());
            // A commune that already has a plan on this server is left as it is.
            let taken = existing.iter().any(|e| {
                e.commune.province_code == province.slug && e.commune.code == slug
                    || e.id == format!("{slug}-{}-{YEAR}", province.slug)
            });
            if !taken {
                commune(&mut ctx, &province, &department_user, c, &slug).await?;
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    Ok(ctx.totals)
}

#[cfg(test)]
mod tests {
    use super::{Communes, Provinces, Rng};

    #[test]
    fn reads_the_choice_of_provinces_and_communes() {
        assert_eq!("3".parse::<Provinces>(), Ok(Provinces::First(3)));
        assert_eq!("14,01".parse::<Provinces>(), Ok(Provinces::Codes(vec!["14".into(), "01".into()])));
        assert_eq!("14,".parse::<Provinces>(), Ok(Provinces::Codes(vec!["14".into()])));
        assert_eq!("all".parse::<Provinces>(), Ok(Provinces::All));
        assert!("1,x".parse::<Provinces>().is_err());
        assert_eq!("all".parse::<Communes>(), Ok(Communes::All));
        assert_eq!("75".parse::<Communes>(), Ok(Communes::AtMost(75)));
        assert!("0".parse::<Communes>().is_err());
    }

    #[test]
    fn the_same_seed_draws_the_same_numbers() {
        let (mut a, mut b, mut c) = (Rng::new(7, "03808"), Rng::new(7, "03808"), Rng::new(8, "03808"));
        let first: Vec<u64> = (0..5).map(|_| a.range(0, 100)).collect();
        assert_eq!(first, (0..5).map(|_| b.range(0, 100)).collect::<Vec<_>>());
        assert_ne!(first, (0..5).map(|_| c.range(0, 100)).collect::<Vec<_>>());
    }
}
