//! The demo province (issue 13): Sơn La's province file (embedded), and eight of Sơn La's other
//! real communes hosted as samples around Mường La, so that the province's pages can be walked
//! at once. Each sample commune gets a plan derived from Mường La's, marked "(dữ liệu mẫu)" in its
//! title and "(mẫu)" in its signer and contact, a few register records of its own, and a Q1 2026
//! report approved and sent to the province at its own time: on time, late, returned with a
//! reason, reopened by the commune, accepted (once after a return and a second sending). The other
//! communes of the file, Mường La among them, have sent nothing: they are missing.
//!
//! Every step runs on a clock of its own, fixed at the step's time, so that the sendings, the
//! decisions and their audit rows carry those times. A step after the demonstration's today is
//! not taken (a demo frozen on 1 March 2026 has the sample plans, none of their sendings).

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Context, anyhow};
use chrono::{DateTime, NaiveDate, Utc};
use kehoach_app::App;
use kehoach_app::commune_report::{self, ApprovalInput};
use kehoach_app::province::{self as province_app, Decision, LoadError};
use kehoach_domain::clock::{Clock, FixedClock};
use kehoach_domain::period::PeriodId;
use kehoach_domain::register::{check_fields, register};
use kehoach_domain::{Lang, Plan};
use kehoach_store::{Actor, AuditEntry, RecordInput, RecordOutcome, Store, UnitContact};

/// Sơn La's province file, as shipped in `plans/`.
pub const PROVINCE_FILE: &str = include_str!("../../../plans/son-la.toml");

/// The province's slug in that file.
pub const PROVINCE: &str = "son-la";

/// The period the samples report.
pub const PERIOD: PeriodId = PeriodId::Quarter { year: 2026, quarter: 1 };

/// The department's sample account (`cap_tren`), which takes the province's decisions.
pub const DEPARTMENT_USER: &str = "mau-so-khcn";

/// The mark of a sample plan's title.
pub const SAMPLE_MARK: &str = " (dữ liệu mẫu)";

/// What a sample commune does, and when (Hà Nội time, 2026).
#[derive(Clone, Copy)]
enum Step {
    Approve,
    Accept,
    Return(&'static str),
    Reopen(&'static str),
    /// A correction after a reopening: one more communication activity, dated 5 March.
    AddTalk,
}

/// What a sample commune's registers hold: its staff (and whether one is the S&T focal officer),
/// how many of them were informed, communication activities, models, initiatives, procedures
/// (and how many online), the assessment of its IT use, OCOP products supported.
#[derive(Clone, Copy)]
struct Figures {
    staff: usize,
    focal: bool,
    informed: usize,
    talks: usize,
    models: usize,
    initiatives: usize,
    procedures: usize,
    online: usize,
    ict: &'static str,
    ocop: usize,
}

pub(crate) struct Sample {
    /// Official code, in plans/son-la.toml.
    pub(crate) code: &'static str,
    pub(crate) slug: &'static str,
    pub(crate) name: &'static str,
    figures: Figures,
    steps: &'static [(&'static str, Step)],
}

/// Eight real communes of Sơn La (codes and names from plans/son-la.toml), every state of the
/// province's board among them. The province's deadline for Q1 2026 is 00:00 on 10 March.
pub(crate) const SAMPLES: [Sample; 8] = [
    Sample {
        code: "03814",
        slug: "chieng-lao",
        name: "Chiềng Lao",
        figures: Figures {
            staff: 5,
            focal: true,
            informed: 4,
            talks: 3,
            models: 1,
            initiatives: 1,
            procedures: 4,
            online: 3,
            ict: "on_track",
            ocop: 1,
        },
        steps: &[("2026-03-06T09:00:00+07:00", Step::Approve)],
    },
    Sample {
        code: "03820",
        slug: "ngoc-chien",
        name: "Ngọc Chiến",
        figures: Figures {
            staff: 4,
            focal: true,
            informed: 2,
            talks: 1,
            models: 0,
            initiatives: 0,
            procedures: 3,
            online: 1,
            ict: "at_risk",
            ocop: 0,
        },
        steps: &[("2026-03-16T10:00:00+07:00", Step::Approve)],
    },
    Sample {
        code: "03847",
        slug: "muong-bu",
        name: "Mường Bú",
        figures: Figures {
            staff: 6,
            focal: true,
            informed: 5,
            talks: 4,
            models: 2,
            initiatives: 1,
            procedures: 5,
            online: 4,
            ict: "achieved",
            ocop: 1,
        },
        steps: &[("2026-03-05T15:00:00+07:00", Step::Approve), ("2026-03-11T08:30:00+07:00", Step::Accept)],
    },
    Sample {
        code: "03850",
        slug: "chieng-hoa",
        name: "Chiềng Hoa",
        figures: Figures {
            staff: 4,
            focal: false,
            informed: 3,
            talks: 2,
            models: 1,
            initiatives: 0,
            procedures: 4,
            online: 2,
            ict: "on_track",
            ocop: 0,
        },
        steps: &[("2026-03-09T16:45:00+07:00", Step::Approve), ("2026-03-12T09:00:00+07:00", Step::Accept)],
    },
    Sample {
        code: "03784",
        slug: "nam-lau",
        name: "Nậm Lầu",
        figures: Figures {
            staff: 5,
            focal: true,
            informed: 1,
            talks: 2,
            models: 0,
            initiatives: 1,
            procedures: 3,
            online: 3,
            ict: "behind",
            ocop: 0,
        },
        steps: &[
            ("2026-03-07T10:00:00+07:00", Step::Approve),
            (
                "2026-03-11T14:00:00+07:00",
                Step::Return(
                    "Tỷ lệ cán bộ, công chức được tuyên truyền chỉ đạt 1/5, chưa kèm danh sách tham dự hội nghị phổ biến; đề nghị xã rà soát, bổ sung hồ sơ và gửi lại báo cáo.",
                ),
            ),
        ],
    },
    Sample {
        code: "03727",
        slug: "muong-e",
        name: "Mường É",
        figures: Figures {
            staff: 4,
            focal: true,
            informed: 4,
            talks: 3,
            models: 1,
            initiatives: 0,
            procedures: 4,
            online: 4,
            ict: "on_track",
            ocop: 1,
        },
        steps: &[
            ("2026-03-04T11:00:00+07:00", Step::Approve),
            (
                "2026-03-06T08:00:00+07:00",
                Step::Reopen(
                    "Phát hiện nhập trùng một thủ tục hành chính trong sổ theo dõi; xã điều chỉnh trước khi gửi lại.",
                ),
            ),
        ],
    },
    Sample {
        code: "04057",
        slug: "xuan-nha",
        name: "Xuân Nha",
        figures: Figures {
            staff: 5,
            focal: true,
            informed: 5,
            talks: 3,
            models: 1,
            initiatives: 2,
            procedures: 4,
            online: 3,
            ict: "achieved",
            ocop: 1,
        },
        steps: &[
            ("2026-03-08T10:00:00+07:00", Step::Approve),
            (
                "2026-03-10T10:00:00+07:00",
                Step::Return(
                    "Báo cáo chưa tính buổi tuyên truyền tại họp bản ngày 05/3/2026; đề nghị xã bổ sung vào sổ theo dõi và gửi lại.",
                ),
            ),
            (
                "2026-03-11T08:00:00+07:00",
                Step::Reopen("Bổ sung buổi tuyên truyền ngày 05/3/2026 theo ý kiến của Sở Khoa học và Công nghệ."),
            ),
            ("2026-03-11T08:30:00+07:00", Step::AddTalk),
            ("2026-03-13T09:00:00+07:00", Step::Approve),
            ("2026-03-16T09:00:00+07:00", Step::Accept),
        ],
    },
    Sample {
        code: "04108",
        slug: "chieng-sung",
        name: "Chiềng Sung",
        figures: Figures {
            staff: 3,
            focal: true,
            informed: 2,
            talks: 1,
            models: 0,
            initiatives: 0,
            procedures: 3,
            online: 2,
            ict: "at_risk",
            ocop: 0,
        },
        steps: &[("2026-03-20T10:30:00+07:00", Step::Approve), ("2026-03-23T08:00:00+07:00", Step::Accept)],
    },
];

/// When the sample communes' plans and records are put in place (before the first sending).
const SET_UP: &str = "2026-03-02T08:00:00+07:00";

/// The day after the latest sample record's date (25 February 2026): a demonstration frozen
/// before it gets the sample plans without records.
const RECORDS_DATED_BY: &str = "2026-02-26T00:00:00+07:00";

fn plan_id(s: &Sample) -> String {
    format!("{}-2026", s.slug)
}

/// Whether a plan is one of the demo province's samples (the commune's demo seeds Mường La's).
pub fn is_sample_plan(plan_id: &str) -> bool {
    SAMPLES.iter().any(|s| plan_id.strip_suffix("-2026") == Some(s.slug))
}

/// A sample commune's plan file: Mường La's, with the commune's code, name, official code,
/// issuing body and place, its title marked as sample data and a sample signer.
pub(crate) fn plan_source(s: &Sample) -> anyhow::Result<String> {
    let text = kehoach_plan::DEFAULT_PLAN;
    let title = "title = \"Hoạt động khoa học, công nghệ và đổi mới sáng tạo xã Mường La năm 2026\"";
    let signer = "name = \"Trần Hải Sơn\"";
    let official = "official_code = \"03808\"";
    for needle in [title, signer, official, "id = \"muong-la-2026\"", "code = \"muong-la\""] {
        if !text.contains(needle) {
            return Err(anyhow!("the embedded plan has no `{needle}` to derive the sample plans from"));
        }
    }
    let marked =
        format!("title = \"Hoạt động khoa học, công nghệ và đổi mới sáng tạo xã Mường La năm 2026{SAMPLE_MARK}\"");
    Ok(text
        .replacen(title, &marked, 1)
        .replacen(signer, "name = \"Lãnh đạo UBND xã (mẫu)\"", 1)
        .replacen(official, &format!("official_code = \"{}\"", s.code), 1)
        .replacen("id = \"muong-la-2026\"", &format!("id = \"{}\"", plan_id(s)), 1)
        .replacen("code = \"muong-la\"", &format!("code = \"{}\"", s.slug), 1)
        .replace("MƯỜNG LA", &s.name.to_uppercase())
        .replace("Mường La", s.name))
}

fn at(text: &str) -> anyhow::Result<DateTime<Utc>> {
    Ok(DateTime::parse_from_rfc3339(text).with_context(|| format!("sample time {text}"))?.with_timezone(&Utc))
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default()
}

/// Adds one sample record, at `now`; its id.
async fn add(
    store: &Store,
    plan_id: &str,
    key: &str,
    date: NaiveDate,
    fields: &[(&str, &str)],
    now: DateTime<Utc>,
) -> anyhow::Result<i32> {
    let def = register(key).ok_or_else(|| anyhow!("no register {key}"))?;
    let typed: BTreeMap<String, String> = fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let fields = check_fields(def, date, &typed).map_err(|e| anyhow!("sample record of {key} is invalid: {e:?}"))?;
    let input = RecordInput { unit: "vhxh".into(), date, fields, sample: true };
    match store.add_record(plan_id, key, &input, Actor::SYSTEM, now).await? {
        RecordOutcome::Written(r) => Ok(r.record.id),
        other => Err(anyhow!("sample record of {key} refused: {other:?}")),
    }
}

/// The commune's records, all dated in January and February 2026 (or before), written at `now`.
async fn records(store: &Store, plan_id: &str, f: Figures, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut added = 0;
    let mut staff = Vec::new();
    let ordinal = ["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám"];
    for i in 0..f.staff {
        let name = format!("Cán bộ Mẫu {} (mẫu)", ordinal.get(i).copied().unwrap_or("Khác"));
        let focal = if i == 0 && f.focal { "có" } else { "không" };
        let fields =
            [("ho_ten", name.as_str()), ("chuc_vu", "Công chức"), ("chuyen_mon", "có"), ("phu_trach_khcn", focal)];
        staff.push(
            add(store, plan_id, "can_bo", NaiveDate::from_ymd_opt(2023, 8, 1).unwrap_or_default(), &fields, now)
                .await?,
        );
    }
    added += staff.len();
    for id in staff.iter().take(f.informed) {
        let id = id.to_string();
        let fields =
            [("can_bo", id.as_str()), ("hinh_thuc", "pho_bien"), ("dot", "Hội nghị phổ biến KH, CN&ĐMST (mẫu)")];
        add(store, plan_id, "boi_duong", day(2, 10), &fields, now).await?;
        added += 1;
    }
    let channels = ["truyen_thanh", "hop_ban", "hoi_nghi"];
    for i in 0..f.talks {
        let channel = channels[i % channels.len()];
        let topic = format!("Ứng dụng khoa học kỹ thuật trong sản xuất, đợt {} (mẫu)", i + 1);
        let fields = [
            ("kenh", channel),
            ("chu_de", topic.as_str()),
            ("dia_diem", "Nhà văn hóa (mẫu)"),
            ("so_nguoi", "35"),
            ("dot_tuyen_truyen", if i == 0 { "có" } else { "không" }),
        ];
        add(store, plan_id, "truyen_thong", day(1 + (i as u32 % 2), 12 + i as u32), &fields, now).await?;
        added += 1;
    }
    for i in 0..f.models {
        let name = format!("Mô hình ứng dụng tiến bộ kỹ thuật số {} (mẫu)", i + 1);
        let fields = [
            ("ten", name.as_str()),
            ("linh_vuc", "moi_truong"),
            ("dia_diem", "Bản Mẫu (mẫu)"),
            ("trang_thai", "dang_duy_tri"),
        ];
        add(store, plan_id, "mo_hinh", day(1, 15), &fields, now).await?;
        added += 1;
    }
    for i in 0..f.initiatives {
        let name = format!("Sáng kiến cải tiến hồ sơ một cửa số {} (mẫu)", i + 1);
        let fields = [
            ("ten", name.as_str()),
            ("tac_gia", "Cán bộ Mẫu Hai (100%)"),
            ("linh_vuc", "quan_ly_hanh_chinh"),
            ("hien_trang", "Hồ sơ lưu giấy, khó tra cứu (mẫu)"),
            ("giai_phap", "Quét và đặt tên theo quy tắc chung (mẫu)"),
            ("loi_ich", "Tra cứu nhanh hơn (mẫu)"),
        ];
        add(store, plan_id, "sang_kien", day(2, 20), &fields, now).await?;
        added += 1;
    }
    for i in 0..f.procedures {
        let code = format!("MAU-{}", i + 1);
        let name = format!("Thủ tục hành chính mẫu số {} (mẫu)", i + 1);
        let online = if i < f.online { "có" } else { "không" };
        let fields = [("ma", code.as_str()), ("ten", name.as_str()), ("truc_tuyen", online)];
        add(store, plan_id, "thu_tuc", NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default(), &fields, now).await?;
        added += 1;
    }
    let fields = [
        ("chi_tieu", "II.1"),
        ("muc_do", f.ict),
        ("nhan_xet", "Đánh giá mẫu của UBND xã về ứng dụng CNTT trong quý I (mẫu)"),
    ];
    add(store, plan_id, "danh_gia", day(2, 25), &fields, now).await?;
    added += 1;
    if f.ocop > 0 {
        let business = add(
            store,
            plan_id,
            "co_so_kd",
            NaiveDate::from_ymd_opt(2024, 1, 15).unwrap_or_default(),
            &[("ten", "HTX Mẫu (mẫu)"), ("loai", "hop_tac_xa")],
            now,
        )
        .await?
        .to_string();
        for i in 0..f.ocop {
            let name = format!("Sản phẩm Mẫu {} (mẫu)", i + 1);
            let product = add(
                store,
                plan_id,
                "san_pham",
                day(1, 20),
                &[
                    ("ten", name.as_str()),
                    ("co_so", business.as_str()),
                    ("nhom", "do_uong"),
                    ("ocop", "có"),
                    ("so_sao", "3"),
                ],
                now,
            )
            .await?
            .to_string();
            let fields = [("san_pham", product.as_str()), ("noi_dung", "Hỗ trợ quy trình sơ chế, đóng gói (mẫu)")];
            add(store, plan_id, "ho_tro_san_pham", day(2, 5), &fields, now).await?;
            added += 3;
        }
    }
    Ok(added)
}

/// Takes one step of a sample commune on a clock fixed at its time.
async fn step(
    store: &Store,
    plan: &Plan,
    province: &kehoach_domain::province::Province,
    when: DateTime<Utc>,
    what: Step,
) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(when));
    let app = App::new(store.clone(), clock.clone());
    let leader = format!("lanh-dao-{}-mau", plan.commune.code);
    let commune_actor = Actor { name: &leader, address: None };
    let department = Actor { name: DEPARTMENT_USER, address: None };
    let period = plan.reporting.period(PERIOD).map_err(|e| anyhow!("the sample plan has no {PERIOD}: {e:?}"))?;
    let work = async {
        match what {
            Step::Approve => {
                let view = commune_report::view(&app, plan, &period).await?;
                let input = ApprovalInput {
                    version: view.version,
                    number: Some(10 + u32::try_from(view.records.len()).unwrap_or(0)),
                    signer: None,
                    confirm_incomplete: true,
                };
                commune_report::approve(&app, plan, &period, input, commune_actor).await?;
            }
            Step::Reopen(reason) => {
                let view = commune_report::view(&app, plan, &period).await?;
                commune_report::reopen(&app, plan, &period, view.version, reason, commune_actor).await?;
            }
            Step::Accept | Step::Return(_) => {
                let sending = province_app::of_plan(&app, plan).await?.into_iter().next_back().ok_or_else(|| {
                    kehoach_app::AppError::Internal(format!("{}: nothing sent to decide on", plan.id))
                })?;
                let decision = match what {
                    Step::Return(reason) => Decision::Return(reason.into()),
                    _ => Decision::Accept,
                };
                province_app::decide(&app, province, sending.id, decision, department).await?;
            }
            Step::AddTalk => {
                let fields = [
                    ("kenh", "hop_ban"),
                    ("chu_de", "Chuyển đổi số trong sinh hoạt cộng đồng (mẫu)"),
                    ("dia_diem", "Nhà văn hóa bản (mẫu)"),
                    ("so_nguoi", "42"),
                    ("dot_tuyen_truyen", "không"),
                ];
                add(store, &plan.id, "truyen_thong", day(3, 5), &fields, when)
                    .await
                    .map_err(|e| kehoach_app::AppError::Internal(e.to_string()))?;
            }
        }
        Ok::<(), kehoach_app::AppError>(())
    };
    AuditEntry::timed_by(clock.clone(), work)
        .await
        .map_err(|e| crate::cli::app_error(e).context(format!("sample commune {}", plan.id)))
}

/// Loads the province file and the sample communes that are not there yet, on the
/// demonstration's clock `clock`; a second run adds nothing.
pub async fn seed(store: &Store, clock: Arc<dyn Clock>) -> anyhow::Result<()> {
    let now = clock.now();
    let app = App::new(store.clone(), clock);
    if store.province(PROVINCE).await?.is_none() {
        province_app::load(&app, PROVINCE_FILE, Actor::SYSTEM).await.map_err(|e| match e {
            LoadError::Invalid(problems) => {
                anyhow!("the embedded province file is invalid: {} problem(s)", problems.len())
            }
            LoadError::App(e) => crate::cli::app_error(e),
        })?;
    }
    let province = province_app::get(&app, PROVINCE).await.map_err(crate::cli::app_error)?;
    let mut communes = 0;
    let mut taken = 0;
    let existing = store.plans().await?;
    for s in &SAMPLES {
        let id = plan_id(s);
        // Already there, or the commune has a plan of its own on this server: never touched.
        if existing.iter().any(|p| p.id == id || (p.commune.province_code == PROVINCE && p.commune.code == s.slug)) {
            continue;
        }
        if province.commune(s.code).is_none_or(|c| c.name != s.name) {
            return Err(anyhow!("sample commune {} {} is not in the province file", s.code, s.name));
        }
        let source = plan_source(s)?;
        let parsed = kehoach_plan::parse(&source).map_err(|p| {
            anyhow!(
                "the sample plan {id} is invalid: {}",
                p.first().map(|p| p.render(&id, &source, Lang::En)).unwrap_or_default()
            )
        })?;
        let links = kehoach_plan::province_link::PlanLinks::read(&source).unwrap_or_default();
        if let Some(p) = kehoach_plan::province_link::check_plan_against(&province, &parsed, &links).first() {
            return Err(anyhow!("{}", p.render(&id, &source, Lang::En)));
        }
        // The commune's plan, contact and records are in place before its first step (or at the
        // demonstration's today, if earlier); a demonstration frozen before the records' dates
        // gets none.
        let set_up = now.min(at(SET_UP)?);
        let setup_clock: Arc<dyn Clock> = Arc::new(FixedClock::new(set_up));
        let contact =
            UnitContact {
                name: Some(format!("Cán bộ Văn hóa - Xã hội xã {} (mẫu)", s.name)), phone: None, note: None
            };
        AuditEntry::timed_by(setup_clock, async {
            store.import_plan(&parsed, Actor::SYSTEM).await?;
            kehoach_app::contacts::set(&app, &id, "vhxh", &contact, Actor::SYSTEM)
                .await
                .map_err(crate::cli::app_error)?;
            if set_up >= at(RECORDS_DATED_BY)? {
                records(store, &id, s.figures, set_up).await?;
            }
            Ok::<(), anyhow::Error>(())
        })
        .await?;
        let plan = kehoach_app::plans::get(&app, &id).await.map_err(crate::cli::app_error)?;
        for (time, what) in s.steps {
            let when = at(time)?;
            if when > now {
                break;
            }
            step(store, &plan, &province, when, *what).await?;
            taken += 1;
        }
        communes += 1;
    }
    if communes > 0 {
        println!(
            "  {}: {} xã, phường; {communes} xã mẫu có kế hoạch trên máy chủ, {taken} bước gửi/duyệt báo cáo quý I/2026 / sample communes and hand-off steps",
            province.full_name,
            province.communes.len()
        );
    }
    Ok(())
}
