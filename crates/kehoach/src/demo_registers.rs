//! Sample register records, all marked as samples: every register gets a few, so that every
//! indicator of the plan shows a value, a status and its evidence. Never real names.
//!
//! On the demonstration's clock: a record dated after its today is left out, as a register
//! refuses it (docs/progress.md, "Register dates"), and the records' times are its time.
//! (The web tests seed the same samples: this file has no dependency of the binary's own.)

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use kehoach_domain::register::{check_fields, register};
use kehoach_store::{Actor, RecordInput, RecordOutcome, Store};

/// Why the samples could not be added.
pub type SeedError = String;

fn failed(e: impl std::fmt::Display) -> SeedError {
    e.to_string()
}

/// Adds the sample records dated up to `now`'s day in the plan's time zone to the plan's
/// commune, unless its registers already hold records.
pub async fn seed(store: &Store, plan_id: &str, now: DateTime<Utc>) -> Result<usize, SeedError> {
    if store.register_counts(plan_id).await.map_err(failed)?.values().sum::<u64>() > 0 {
        return Ok(0);
    }
    let plan = store.plan(plan_id).await.map_err(failed)?.ok_or_else(|| failed("no plan"))?;
    let year = plan.year;
    let focal = plan.reporting.report_to.code.clone();
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).unwrap_or_default();
    let today = plan.reporting.zone().map_or_else(|_| now.date_naive(), |z| now.with_timezone(&z).date_naive());
    let mut seeder = Seeder { store, plan_id, added: 0, now, today };
    let unit = focal.as_str();

    let mut staff = Vec::new();
    for (i, (name, pro, focal_officer, left)) in [
        ("Cán bộ Mẫu Một (mẫu)", "có", "có", ""),
        ("Cán bộ Mẫu Hai (mẫu)", "có", "không", ""),
        ("Cán bộ Mẫu Ba (mẫu)", "có", "không", ""),
        ("Cán bộ Mẫu Bốn (mẫu)", "có", "không", &*format!("30/06/{year}")),
        ("Cán bộ Mẫu Năm (mẫu)", "không", "không", ""),
    ]
    .iter()
    .enumerate()
    {
        let pos = if i == 0 { "Công chức Văn hóa - Xã hội" } else { "Công chức" };
        let fields = [
            ("ho_ten", *name),
            ("chuc_vu", pos),
            ("chuyen_mon", pro),
            ("phu_trach_khcn", focal_officer),
            ("ngay_thoi", left),
        ];
        staff.push(
            seeder.add("can_bo", unit, NaiveDate::from_ymd_opt(year - 3, 8, 1).unwrap_or_default(), &fields).await?,
        );
    }
    for s in &staff[..4] {
        let id = s.to_string();
        seeder
            .add(
                "boi_duong",
                unit,
                day(3, 12),
                &[("can_bo", &id), ("hinh_thuc", "pho_bien"), ("dot", "Hội nghị phổ biến KH, CN&ĐMST (mẫu)")],
            )
            .await?;
    }
    for s in &staff[..2] {
        let id = s.to_string();
        seeder
            .add(
                "boi_duong",
                unit,
                day(5, 20),
                &[("can_bo", &id), ("hinh_thuc", "boi_duong"), ("dot", "Lớp bồi dưỡng chuyển đổi số (mẫu)")],
            )
            .await?;
    }
    for (m, channel, topic, campaign) in [
        (2, "truyen_thanh", "Ứng dụng khoa học kỹ thuật trong chăn nuôi (mẫu)", "không"),
        (3, "hop_ban", "Chuyển đổi số trong sinh hoạt cộng đồng (mẫu)", "có"),
        (5, "hoi_nghi", "Vai trò của đổi mới sáng tạo (mẫu)", "có"),
        (8, "website", "Sản phẩm OCOP của xã (mẫu)", "không"),
    ] {
        seeder
            .add(
                "truyen_thong",
                unit,
                day(m, 10),
                &[
                    ("kenh", channel),
                    ("chu_de", topic),
                    ("dia_diem", "Nhà văn hóa (mẫu)"),
                    ("so_nguoi", "40"),
                    ("dot_tuyen_truyen", campaign),
                ],
            )
            .await?;
    }
    let deployed = format!("20/01/{year}");
    seeder
        .add(
            "chi_dao",
            unit,
            day(1, 8),
            &[
                ("so_hieu", "01/KH-MAU"),
                ("co_quan", "UBND tỉnh (mẫu)"),
                ("trich_yeu", "Kế hoạch phát triển KH, CN&ĐMST (mẫu)"),
                ("cach_trien_khai", "Ban hành kế hoạch của xã (mẫu)"),
                ("ngay_trien_khai", &deployed),
            ],
        )
        .await?;
    seeder
        .add(
            "chi_dao",
            unit,
            day(4, 2),
            &[("so_hieu", "02/CV-MAU"), ("co_quan", "Sở KH&CN (mẫu)"), ("trich_yeu", "Hướng dẫn báo cáo (mẫu)")],
        )
        .await?;
    let task = seeder
        .add(
            "nhiem_vu_khcn",
            unit,
            day(2, 1),
            &[
                ("ten", "Mô hình trồng cây ăn quả ứng dụng tưới tiết kiệm (mẫu)"),
                ("cap", "tinh"),
                ("chu_tri", "Viện nghiên cứu (mẫu)"),
                ("xa_phoi_hop", "có"),
            ],
        )
        .await?;
    let old = seeder
        .add(
            "ket_qua_khcn",
            unit,
            NaiveDate::from_ymd_opt(year - 1, 8, 10).unwrap_or_default(),
            &[("ten", "Quy trình ủ phân hữu cơ (mẫu)"), ("phu_hop", "có")],
        )
        .await?;
    let task_id = task.to_string();
    seeder
        .add(
            "ket_qua_khcn",
            unit,
            day(6, 15),
            &[("ten", "Kỹ thuật tưới tiết kiệm (mẫu)"), ("nhiem_vu", &task_id), ("phu_hop", "có")],
        )
        .await?;
    let old_id = old.to_string();
    seeder
        .add(
            "pho_bien_ket_qua",
            unit,
            day(3, 15),
            &[("ket_qua", &old_id), ("hinh_thuc", "Hướng dẫn tại họp bản (mẫu)"), ("so_nguoi", "35")],
        )
        .await?;
    seeder
        .add(
            "mo_hinh",
            "ban-mau-1",
            day(4, 1),
            &[
                ("ten", "Mô hình xử lý chất thải chăn nuôi (mẫu)"),
                ("linh_vuc", "moi_truong"),
                ("dia_diem", "Bản Mẫu Một"),
                ("trang_thai", "dang_duy_tri"),
            ],
        )
        .await?;
    seeder
        .add(
            "sang_kien",
            unit,
            day(7, 5),
            &[
                ("ten", "Sổ tay số hóa hồ sơ một cửa (mẫu)"),
                ("tac_gia", "Cán bộ Mẫu Hai (100%)"),
                ("linh_vuc", "quan_ly_hanh_chinh"),
                ("hien_trang", "Hồ sơ lưu giấy, khó tra cứu (mẫu)"),
                ("giai_phap", "Quét và đặt tên theo quy tắc chung (mẫu)"),
                ("loi_ich", "Tra cứu nhanh hơn (mẫu)"),
            ],
        )
        .await?;
    let mut businesses = Vec::new();
    for (name, kind) in [
        ("HTX Mẫu (mẫu)", "hop_tac_xa"),
        ("Hộ kinh doanh Mẫu A (mẫu)", "ho_kinh_doanh"),
        ("Hộ kinh doanh Mẫu B (mẫu)", "ho_kinh_doanh"),
        ("Cơ sở chế biến Mẫu (mẫu)", "co_so_san_xuat"),
    ] {
        businesses.push(
            seeder
                .add(
                    "co_so_kd",
                    unit,
                    NaiveDate::from_ymd_opt(year - 2, 1, 15).unwrap_or_default(),
                    &[("ten", name), ("loai", kind)],
                )
                .await?,
        );
    }
    let first = businesses.first().map(i32::to_string).unwrap_or_default();
    seeder
        .add(
            "huong_dan_dmst",
            "htx-mau",
            day(6, 3),
            &[
                ("co_so", &first),
                ("noi_dung", "quy_trinh_san_xuat"),
                ("hinh_thuc", "Hướng dẫn truy xuất nguồn gốc bằng mã QR (mẫu)"),
            ],
        )
        .await?;
    let product = seeder
        .add(
            "san_pham",
            "htx-mau",
            day(1, 20),
            &[("ten", "Chè Mẫu (mẫu)"), ("co_so", &first), ("nhom", "do_uong"), ("ocop", "có"), ("so_sao", "3")],
        )
        .await?;
    let product_id = product.to_string();
    seeder
        .add(
            "ho_tro_san_pham",
            "htx-mau",
            day(5, 5),
            &[("san_pham", &product_id), ("noi_dung", "Hỗ trợ quy trình sơ chế, đóng gói (mẫu)")],
        )
        .await?;
    seeder
        .add(
            "so_huu_tri_tue",
            unit,
            NaiveDate::from_ymd_opt(year - 1, 11, 1).unwrap_or_default(),
            &[
                ("ten", "Nhãn hiệu tập thể Chè Mẫu (mẫu)"),
                ("loai", "nhan_hieu_tap_the"),
                ("trang_thai", "dang_dang_ky"),
            ],
        )
        .await?;
    for (code, name, online) in [
        ("MAU-1", "Chứng thực bản sao (mẫu)", "có"),
        ("MAU-2", "Đăng ký khai sinh (mẫu)", "có"),
        ("MAU-3", "Đăng ký kết hôn (mẫu)", "có"),
        ("MAU-4", "Xác nhận hộ nghèo (mẫu)", "không"),
    ] {
        seeder
            .add(
                "thu_tuc",
                unit,
                NaiveDate::from_ymd_opt(year - 1, 7, 1).unwrap_or_default(),
                &[("ma", code), ("ten", name), ("truc_tuyen", online)],
            )
            .await?;
    }
    let due = format!("30/04/{year}");
    let answered = format!("25/04/{year}");
    seeder
        .add(
            "yeu_cau_so_lieu",
            unit,
            day(4, 10),
            &[
                ("co_quan", "Sở KH&CN (mẫu)"),
                ("noi_dung", "Số liệu mô hình ứng dụng (mẫu)"),
                ("han", &due),
                ("ngay_tra_loi", &answered),
            ],
        )
        .await?;
    for indicator in
        plan.indicators.iter().filter(|i| matches!(i.measure, Some(kehoach_domain::measure::Measure::Assessment)))
    {
        seeder
            .add(
                "danh_gia",
                unit,
                day(9, 30),
                &[
                    ("chi_tieu", &indicator.code),
                    ("muc_do", "on_track"),
                    ("nhan_xet", "Đánh giá mẫu: thực hiện thường xuyên, có hồ sơ kèm theo (mẫu)"),
                ],
            )
            .await?;
    }
    Ok(seeder.added)
}

struct Seeder<'a> {
    store: &'a Store,
    plan_id: &'a str,
    added: usize,
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl Seeder<'_> {
    /// Adds one sample record and gives its id; a record dated after today is not added (its id
    /// is 0, and a record pointing at it is left out in turn).
    async fn add(&mut self, key: &str, unit: &str, date: NaiveDate, fields: &[(&str, &str)]) -> Result<i32, SeedError> {
        let def = register(key).ok_or_else(|| failed(format!("no register {key}")))?;
        let points_at_nothing = fields.iter().any(|(k, v)| {
            def.field(k).is_some_and(|f| matches!(f.ty, kehoach_domain::register::FieldType::Ref(_))) && *v == "0"
        });
        if date > self.today || points_at_nothing {
            return Ok(0);
        }
        let typed: BTreeMap<String, String> = fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let fields = match check_fields(def, date, &typed) {
            Ok(f) => f,
            Err(e) => return Err(format!("sample record of {key} is invalid: {e:?}")),
        };
        let input = RecordInput { unit: unit.to_owned(), date, fields, sample: true };
        match self.store.add_record(self.plan_id, key, &input, Actor::SYSTEM, self.now).await.map_err(failed)? {
            RecordOutcome::Written(r) => {
                self.added += 1;
                Ok(r.record.id)
            }
            other => Err(format!("sample record of {key} refused: {other:?}")),
        }
    }
}
