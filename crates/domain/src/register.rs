//! Registers (sổ theo dõi): the dated records that stand behind every indicator.
//!
//! Each register is a fixed list of typed fields. The list is the product's, not a commune's:
//! every commune keeps the same registers, and its plan file says which records an indicator
//! counts (see [`crate::measure`]). A record is owned by a unit and dated; what the date means
//! (received, held, accepted…) is the register's [`RegisterDef::date_label`].

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::Lang;
use crate::text::nfc;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines of text.
    LongText,
    /// A whole number, at least 0.
    Int,
    /// Yes or no.
    Bool,
    Date,
    /// One of fixed options: (key, Vietnamese label, English label).
    Choice(&'static [(&'static str, &'static str, &'static str)]),
    /// The id of a record of another register of the same commune.
    Ref(&'static str),
}

/// A field of a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    pub key: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
    pub ty: FieldType,
    pub required: bool,
    /// Set by the product (an initiative's recognition), never by a form or an import.
    pub system: bool,
}

impl FieldDef {
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }

    /// An option's label, for a choice field.
    pub fn option_label(&self, key: &str, lang: Lang) -> Option<&'static str> {
        let FieldType::Choice(options) = self.ty else { return None };
        options.iter().find(|o| o.0 == key).map(|o| if lang == Lang::Vi { o.1 } else { o.2 })
    }
}

/// Who may add records to a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writers {
    /// The focal officer for any unit, and each unit for itself.
    Units,
    /// Anyone with an account of the commune (initiatives).
    Everyone,
    /// The focal officer only (assessments).
    FocalOnly,
}

/// A register: its key, names, what its date means and its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterDef {
    pub key: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
    pub date_vi: &'static str,
    pub date_en: &'static str,
    /// A date field after which the record no longer stands (staff who left, a model stopped).
    pub until: Option<&'static str>,
    pub writers: Writers,
    pub fields: &'static [FieldDef],
}

impl RegisterDef {
    pub fn name(&self, lang: Lang) -> &'static str {
        if lang == Lang::Vi { self.vi } else { self.en }
    }

    pub fn date_label(&self, lang: Lang) -> &'static str {
        if lang == Lang::Vi { self.date_vi } else { self.date_en }
    }

    pub fn field(&self, key: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Fields a person fills in (not those the product sets).
    pub fn input_fields(&self) -> impl Iterator<Item = &'static FieldDef> {
        self.fields.iter().filter(|f| !f.system)
    }
}

const fn field(key: &'static str, vi: &'static str, en: &'static str, ty: FieldType, required: bool) -> FieldDef {
    FieldDef { key, vi, en, ty, required, system: false }
}

const CHANNELS: &[(&str, &str, &str)] = &[
    ("truyen_thanh", "Đài truyền thanh xã", "Commune radio"),
    ("hop_ban", "Họp bản, tiểu khu", "Village meeting"),
    ("hoi_nghi", "Hội nghị", "Conference"),
    ("website", "Trang thông tin điện tử", "Website"),
    ("mang_xa_hoi", "Mạng xã hội", "Social media"),
    ("khac", "Khác", "Other"),
];

const TRAINING: &[(&str, &str, &str)] =
    &[("pho_bien", "Tuyên truyền, phổ biến", "Informed"), ("boi_duong", "Bồi dưỡng, tập huấn", "Trained")];

const LEVELS: &[(&str, &str, &str)] =
    &[("trung_uong", "Trung ương", "National"), ("tinh", "Tỉnh", "Province"), ("khac", "Khác", "Other")];

const FIELDS_OF_WORK: &[(&str, &str, &str)] = &[
    ("nong_nghiep", "Nông nghiệp", "Agriculture"),
    ("tieu_thu_cong_nghiep", "Tiểu thủ công nghiệp", "Handicraft industry"),
    ("dich_vu", "Dịch vụ", "Services"),
    ("moi_truong", "Môi trường", "Environment"),
    ("quan_ly_hanh_chinh", "Quản lý hành chính", "Public administration"),
    ("khac", "Khác", "Other"),
];

const MODEL_STATES: &[(&str, &str, &str)] = &[
    ("dang_xay_dung", "Đang xây dựng", "Being built"),
    ("dang_duy_tri", "Đang duy trì", "Maintained"),
    ("da_nhan_rong", "Đã nhân rộng", "Replicated"),
    ("dung", "Đã dừng", "Stopped"),
];

const BUSINESS_KINDS: &[(&str, &str, &str)] = &[
    ("doanh_nghiep", "Doanh nghiệp", "Business"),
    ("hop_tac_xa", "Hợp tác xã", "Cooperative"),
    ("ho_kinh_doanh", "Hộ kinh doanh", "Household business"),
    ("co_so_san_xuat", "Cơ sở sản xuất", "Production unit"),
];

const GUIDANCE: &[(&str, &str, &str)] = &[
    ("quy_trinh_san_xuat", "Quy trình sản xuất", "Production process"),
    ("quan_ly", "Quản lý", "Management"),
    ("tieu_thu", "Tiêu thụ sản phẩm", "Sales"),
];

const OCOP_GROUPS: &[(&str, &str, &str)] = &[
    ("thuc_pham", "Thực phẩm", "Food"),
    ("do_uong", "Đồ uống", "Drinks"),
    ("duoc_lieu", "Dược liệu và sản phẩm từ dược liệu", "Medicinal herbs"),
    ("thu_cong_my_nghe", "Thủ công mỹ nghệ", "Handicrafts"),
    ("sinh_vat_canh", "Sinh vật cảnh", "Ornamental plants and animals"),
    ("du_lich", "Dịch vụ du lịch cộng đồng, du lịch nông thôn", "Rural tourism services"),
];

const IP_KINDS: &[(&str, &str, &str)] = &[
    ("nhan_hieu_tap_the", "Nhãn hiệu tập thể", "Collective mark"),
    ("nhan_hieu_chung_nhan", "Nhãn hiệu chứng nhận", "Certification mark"),
    ("chi_dan_dia_ly", "Chỉ dẫn địa lý", "Geographical indication"),
];

const IP_STATES: &[(&str, &str, &str)] =
    &[("dang_dang_ky", "Đang đăng ký", "Applied for"), ("da_cap", "Đã được cấp văn bằng", "Granted")];

/// The assessed statuses of a qualitative indicator (keys of [`crate::progress::Status`]).
pub const ASSESSMENTS: &[(&str, &str, &str)] = &[
    ("achieved", "Đạt", "Achieved"),
    ("on_track", "Đúng tiến độ", "On track"),
    ("at_risk", "Có nguy cơ chậm", "At risk"),
    ("behind", "Chậm tiến độ", "Behind"),
];

use FieldType::*;

/// Every register, in the order the registers page lists them.
pub static REGISTERS: &[RegisterDef] = &[
    RegisterDef {
        key: "chi_dao",
        vi: "Văn bản chỉ đạo của cấp trên",
        en: "Directives from upper levels",
        date_vi: "Ngày nhận",
        date_en: "Received on",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("so_hieu", "Số, ký hiệu", "Number", Text, true),
            field("co_quan", "Cơ quan ban hành", "Issued by", Text, true),
            field("trich_yeu", "Trích yếu", "Subject", LongText, true),
            field("cach_trien_khai", "Cách triển khai", "How it was deployed", LongText, false),
            field("ngay_trien_khai", "Ngày triển khai", "Deployed on", Date, false),
        ],
    },
    RegisterDef {
        key: "can_bo",
        vi: "Cán bộ, công chức UBND xã",
        en: "Staff of the commune",
        date_vi: "Ngày bắt đầu công tác",
        date_en: "Started on",
        until: Some("ngay_thoi"),
        writers: Writers::Units,
        fields: &[
            field("ho_ten", "Họ và tên", "Full name", Text, true),
            field("chuc_vu", "Chức vụ", "Position", Text, false),
            field("chuyen_mon", "Trực tiếp làm chuyên môn", "Does professional work", Bool, true),
            field("phu_trach_khcn", "Cán bộ đầu mối KH, CN&ĐMST", "S&T focal officer", Bool, false),
            field("ngay_thoi", "Ngày thôi công tác", "Left on", Date, false),
        ],
    },
    RegisterDef {
        key: "boi_duong",
        vi: "Phổ biến, bồi dưỡng cán bộ",
        en: "Staff informed or trained",
        date_vi: "Ngày",
        date_en: "Date",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("can_bo", "Cán bộ (số thứ tự trong sổ cán bộ)", "Staff member (record number)", Ref("can_bo"), true),
            field("hinh_thuc", "Hình thức", "Kind", Choice(TRAINING), true),
            field("dot", "Đợt, lớp", "Session", Text, true),
        ],
    },
    RegisterDef {
        key: "truyen_thong",
        vi: "Hoạt động tuyên truyền",
        en: "Communication activities",
        date_vi: "Ngày thực hiện",
        date_en: "Held on",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("kenh", "Hình thức", "Channel", Choice(CHANNELS), true),
            field("chu_de", "Nội dung, chủ đề", "Topic", LongText, true),
            field("dia_diem", "Địa điểm", "Place", Text, false),
            field("so_nguoi", "Số người tham dự", "Audience", Int, false),
            field("dot_tuyen_truyen", "Thuộc đợt tuyên truyền", "Part of a campaign", Bool, false),
        ],
    },
    RegisterDef {
        key: "nhiem_vu_khcn",
        vi: "Nhiệm vụ KH&CN cấp trên triển khai trên địa bàn",
        en: "Upper-level S&T tasks in the commune",
        date_vi: "Ngày bắt đầu",
        date_en: "Started on",
        until: Some("ngay_ket_thuc"),
        writers: Writers::Units,
        fields: &[
            field("ten", "Tên nhiệm vụ", "Task", LongText, true),
            field("cap", "Cấp quản lý", "Level", Choice(LEVELS), true),
            field("chu_tri", "Đơn vị chủ trì", "Led by", Text, false),
            field("xa_phoi_hop", "UBND xã phối hợp thực hiện", "The commune takes part", Bool, true),
            field("ngay_ket_thuc", "Ngày kết thúc", "Ended on", Date, false),
        ],
    },
    RegisterDef {
        key: "ket_qua_khcn",
        vi: "Kết quả nhiệm vụ KH&CN đã nghiệm thu",
        en: "Accepted S&T results",
        date_vi: "Ngày nghiệm thu",
        date_en: "Accepted on",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("ten", "Tên kết quả", "Result", LongText, true),
            field("nhiem_vu", "Thuộc nhiệm vụ (số thứ tự)", "Of task (record number)", Ref("nhiem_vu_khcn"), false),
            field("phu_hop", "Phù hợp điều kiện địa phương", "Suits local conditions", Bool, true),
        ],
    },
    RegisterDef {
        key: "pho_bien_ket_qua",
        vi: "Tuyên truyền, hướng dẫn ứng dụng kết quả",
        en: "Dissemination of accepted results",
        date_vi: "Ngày thực hiện",
        date_en: "Held on",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("ket_qua", "Kết quả (số thứ tự)", "Result (record number)", Ref("ket_qua_khcn"), true),
            field("hinh_thuc", "Hình thức", "How", LongText, true),
            field("so_nguoi", "Số người tham dự", "Audience", Int, false),
        ],
    },
    RegisterDef {
        key: "mo_hinh",
        vi: "Mô hình ứng dụng tiến bộ KH&CN",
        en: "Models of applied S&T",
        date_vi: "Ngày bắt đầu",
        date_en: "Started on",
        until: Some("ngay_dung"),
        writers: Writers::Units,
        fields: &[
            field("ten", "Tên mô hình", "Model", LongText, true),
            field("linh_vuc", "Lĩnh vực", "Field", Choice(FIELDS_OF_WORK), true),
            field("dia_diem", "Địa điểm", "Place", Text, false),
            field("trang_thai", "Tình trạng", "Status", Choice(MODEL_STATES), true),
            field("ngay_dung", "Ngày dừng", "Stopped on", Date, false),
        ],
    },
    RegisterDef {
        key: "sang_kien",
        vi: "Sáng kiến, giải pháp cải tiến",
        en: "Initiatives",
        date_vi: "Ngày đề xuất",
        date_en: "Proposed on",
        until: None,
        writers: Writers::Everyone,
        fields: &[
            field("ten", "Tên sáng kiến", "Title", LongText, true),
            field("tac_gia", "Tác giả và tỷ lệ đóng góp", "Authors and their shares", LongText, true),
            field("linh_vuc", "Lĩnh vực áp dụng", "Field", Choice(FIELDS_OF_WORK), true),
            field("ngay_ap_dung", "Ngày áp dụng lần đầu", "First applied on", Date, false),
            field("hien_trang", "Tình trạng trước khi có sáng kiến", "Current state", LongText, true),
            field("giai_phap", "Nội dung giải pháp", "The solution", LongText, true),
            field("dieu_kien", "Điều kiện cần thiết để áp dụng", "Conditions to apply", LongText, false),
            field("loi_ich", "Lợi ích thu được", "Benefits", LongText, false),
            field("nguoi_ap_dung_thu", "Người tham gia áp dụng thử", "Trial participants", LongText, false),
            FieldDef {
                key: "cong_nhan",
                vi: "Được công nhận",
                en: "Recognised",
                ty: Bool,
                required: false,
                system: true,
            },
        ],
    },
    RegisterDef {
        key: "co_so_kd",
        vi: "Cơ sở sản xuất, kinh doanh, HTX, hộ kinh doanh",
        en: "Businesses, cooperatives and household businesses",
        date_vi: "Ngày ghi sổ",
        date_en: "Listed on",
        until: Some("ngay_ngung"),
        writers: Writers::Units,
        fields: &[
            field("ten", "Tên cơ sở", "Name", Text, true),
            field("loai", "Loại hình", "Kind", Choice(BUSINESS_KINDS), true),
            field("nganh_nghe", "Ngành nghề", "Trade", Text, false),
            field("dia_chi", "Địa chỉ", "Address", Text, false),
            field("ngay_ngung", "Ngày ngừng hoạt động", "Closed on", Date, false),
        ],
    },
    RegisterDef {
        key: "huong_dan_dmst",
        vi: "Vận động, hướng dẫn cơ sở đổi mới",
        en: "Businesses guided to innovate",
        date_vi: "Ngày hướng dẫn",
        date_en: "Guided on",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("co_so", "Cơ sở (số thứ tự)", "Business (record number)", Ref("co_so_kd"), true),
            field("noi_dung", "Đổi mới về", "Innovation in", Choice(GUIDANCE), true),
            field("hinh_thuc", "Cách hướng dẫn", "How", LongText, true),
        ],
    },
    RegisterDef {
        key: "san_pham",
        vi: "Sản phẩm OCOP, sản phẩm địa phương",
        en: "OCOP and local products",
        date_vi: "Ngày ghi sổ",
        date_en: "Listed on",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("ten", "Tên sản phẩm", "Product", Text, true),
            field("co_so", "Chủ thể (số thứ tự cơ sở)", "Producer (record number)", Ref("co_so_kd"), false),
            field("nhom", "Nhóm sản phẩm OCOP", "OCOP group", Choice(OCOP_GROUPS), false),
            field("ocop", "Sản phẩm OCOP", "OCOP product", Bool, true),
            field("so_sao", "Số sao OCOP", "OCOP stars", Int, false),
        ],
    },
    RegisterDef {
        key: "ho_tro_san_pham",
        vi: "Hỗ trợ KH&CN cho sản phẩm",
        en: "S&T support to products",
        date_vi: "Ngày hỗ trợ",
        date_en: "Supported on",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("san_pham", "Sản phẩm (số thứ tự)", "Product (record number)", Ref("san_pham"), true),
            field("noi_dung", "Nội dung hỗ trợ", "Support given", LongText, true),
        ],
    },
    RegisterDef {
        key: "so_huu_tri_tue",
        vi: "Tài sản trí tuệ gắn với địa phương",
        en: "Intellectual property of the commune",
        date_vi: "Ngày nộp đơn hoặc cấp",
        date_en: "Filed or granted on",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("ten", "Tên", "Name", Text, true),
            field("loai", "Loại", "Kind", Choice(IP_KINDS), true),
            field("trang_thai", "Tình trạng", "Status", Choice(IP_STATES), true),
            field("so_van_bang", "Số văn bằng", "Certificate number", Text, false),
            field("chu_so_huu", "Chủ sở hữu", "Owner", Text, false),
        ],
    },
    RegisterDef {
        key: "thu_tuc",
        vi: "Thủ tục hành chính thuộc thẩm quyền UBND xã",
        en: "Administrative procedures of the commune",
        date_vi: "Ngày áp dụng",
        date_en: "Applied from",
        until: Some("ngay_bai_bo"),
        writers: Writers::Units,
        fields: &[
            field("ma", "Mã thủ tục", "Code", Text, false),
            field("ten", "Tên thủ tục", "Procedure", LongText, true),
            field("linh_vuc", "Lĩnh vực", "Field", Text, false),
            field("truc_tuyen", "Giải quyết trên môi trường điện tử", "Handled online", Bool, true),
            field("ngay_bai_bo", "Ngày bãi bỏ", "Repealed on", Date, false),
        ],
    },
    RegisterDef {
        key: "yeu_cau_so_lieu",
        vi: "Yêu cầu cung cấp thông tin, số liệu của cấp trên",
        en: "Information requests from upper levels",
        date_vi: "Ngày nhận",
        date_en: "Received on",
        until: None,
        writers: Writers::Units,
        fields: &[
            field("co_quan", "Cơ quan yêu cầu", "Requested by", Text, true),
            field("noi_dung", "Nội dung", "Request", LongText, true),
            field("han", "Hạn trả lời", "Due on", Date, true),
            field("ngay_tra_loi", "Ngày trả lời", "Answered on", Date, false),
        ],
    },
    RegisterDef {
        key: "danh_gia",
        vi: "Đánh giá chỉ tiêu định tính",
        en: "Assessments of qualitative indicators",
        date_vi: "Ngày đánh giá",
        date_en: "Assessed on",
        until: None,
        writers: Writers::FocalOnly,
        fields: &[
            field("chi_tieu", "Mã chỉ tiêu", "Indicator code", Text, true),
            field("muc_do", "Mức độ", "Status", Choice(ASSESSMENTS), true),
            field("nhan_xet", "Nhận xét, căn cứ", "Grounds", LongText, true),
        ],
    },
];

/// The register with this key.
pub fn register(key: &str) -> Option<&'static RegisterDef> {
    REGISTERS.iter().find(|r| r.key == key)
}

/// A register record: dated, owned by a unit, with its fields as checked values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Record {
    pub id: i32,
    pub register: String,
    /// Code of the unit that owns the record.
    pub unit: String,
    pub date: NaiveDate,
    /// Field key → value: a string, a whole number, a boolean, a date as `YYYY-MM-DD`, or a
    /// record id.
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

impl Record {
    /// A date field's value.
    pub fn date_field(&self, key: &str) -> Option<NaiveDate> {
        self.fields.get(key).and_then(Value::as_str).and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    }

    /// The record id a reference field points at.
    pub fn ref_field(&self, key: &str) -> Option<i32> {
        self.fields.get(key).and_then(Value::as_i64).and_then(|v| i32::try_from(v).ok())
    }

    /// Whether the record stands on `date`: dated on or before it, and not ended by then.
    pub fn stands_on(&self, def: &RegisterDef, date: NaiveDate) -> bool {
        self.date <= date && def.until.and_then(|u| self.date_field(u)).is_none_or(|end| end > date)
    }
}

/// Why a field's value was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldProblem {
    Missing,
    UnknownField,
    NotANumber,
    NotADate,
    NotYesNo,
    /// Not one of the options; their keys and labels are listed.
    NotAnOption {
        options: Vec<String>,
    },
    TooLong {
        max: usize,
    },
    /// A reference to a record that is not in the register it should be in.
    NoSuchRecord {
        register: String,
    },
    /// A date of the record before its own date (left before starting).
    BeforeRecordDate,
    /// A text holding what no text may (see [`crate::text::line`]).
    Text {
        problem: crate::text::TextProblem,
    },
    /// A date outside the years a plan's records can be about (see [`sensible_years`]).
    DateOutOfRange {
        from: i32,
        to: i32,
    },
    /// A record dated after the plan's today: a register keeps what happened, not what is
    /// planned (docs/progress.md, "Register dates").
    AfterToday {
        today: NaiveDate,
    },
}

impl FieldProblem {
    /// The problem in words an official understands.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FieldProblem::Missing, Lang::Vi) => "chưa nhập (bắt buộc)".into(),
            (FieldProblem::Missing, Lang::En) => "is required".into(),
            (FieldProblem::UnknownField, Lang::Vi) => "không có cột này trong sổ".into(),
            (FieldProblem::UnknownField, Lang::En) => "is not a column of this register".into(),
            (FieldProblem::NotANumber, Lang::Vi) => "phải là số nguyên không âm".into(),
            (FieldProblem::NotANumber, Lang::En) => "must be a whole number, 0 or more".into(),
            (FieldProblem::NotADate, Lang::Vi) => "phải là ngày dạng 31/12/2026 hoặc 2026-12-31".into(),
            (FieldProblem::NotADate, Lang::En) => "must be a date like 31/12/2026 or 2026-12-31".into(),
            (FieldProblem::NotYesNo, Lang::Vi) => "phải là “có” hoặc “không”".into(),
            (FieldProblem::NotYesNo, Lang::En) => "must be yes or no".into(),
            (FieldProblem::NotAnOption { options }, Lang::Vi) => {
                format!("phải là một trong: {}", options.join("; "))
            }
            (FieldProblem::NotAnOption { options }, Lang::En) => format!("must be one of: {}", options.join("; ")),
            (FieldProblem::TooLong { max }, Lang::Vi) => format!("dài quá {max} ký tự"),
            (FieldProblem::TooLong { max }, Lang::En) => format!("is longer than {max} characters"),
            (FieldProblem::NoSuchRecord { register: r }, Lang::Vi) => {
                format!("không có bản ghi số này trong sổ “{}”", register(r).map_or(r.as_str(), |d| d.vi))
            }
            (FieldProblem::NoSuchRecord { register: r }, Lang::En) => {
                format!("no record with this number in “{}”", register(r).map_or(r.as_str(), |d| d.en))
            }
            (FieldProblem::BeforeRecordDate, Lang::Vi) => "không được trước ngày của bản ghi".into(),
            (FieldProblem::BeforeRecordDate, Lang::En) => "cannot be before the record's date".into(),
            (FieldProblem::Text { problem }, lang) => problem.message(lang),
            (FieldProblem::DateOutOfRange { from, to }, Lang::Vi) => {
                format!("phải là một ngày trong các năm {from}–{to}")
            }
            (FieldProblem::DateOutOfRange { from, to }, Lang::En) => format!("must be a date in the years {from}–{to}"),
            (FieldProblem::AfterToday { today }, Lang::Vi) => format!(
                "không được sau ngày hôm nay ({}): sổ chỉ ghi việc đã diễn ra; việc dự kiến hãy ghi khi đã thực hiện",
                today.format("%d/%m/%Y")
            ),
            (FieldProblem::AfterToday { today }, Lang::En) => format!(
                "cannot be after today ({}): a register keeps what has happened; record planned work once it is done",
                today.format("%d/%m/%Y")
            ),
        }
    }
}

/// A refused field: its key (`date` and `unit` for the record's own) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
}

/// Years before the plan's year a record may be dated: staff who started work, a model or an
/// initiative from decades ago still stand behind this year's indicators.
pub const YEARS_BEFORE: i32 = 50;
/// Years after the plan's year a date may fall: deadlines and answers run into the next years,
/// never further.
pub const YEARS_AFTER: i32 = 5;

/// The years a record of a plan of `year` may be dated in, and its date fields fall in.
/// A date outside (0000-01-01, 9999-12-31) is a typing slip, refused rather than counted.
pub fn sensible_years(year: i32) -> (i32, i32) {
    (year - YEARS_BEFORE, year + YEARS_AFTER)
}

/// The record's date and its date fields outside [`sensible_years`] of the plan's year.
pub fn check_dates(def: &RegisterDef, date: NaiveDate, fields: &Map<String, Value>, year: i32) -> Vec<FieldError> {
    let (from, to) = sensible_years(year);
    let outside = |d: NaiveDate| !(from..=to).contains(&d.year());
    let mut errors = Vec::new();
    if outside(date) {
        errors.push(FieldError { field: "date".into(), problem: FieldProblem::DateOutOfRange { from, to } });
    }
    for f in def.input_fields().filter(|f| f.ty == Date) {
        let value = fields.get(f.key).and_then(Value::as_str);
        if value.and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()).is_some_and(outside) {
            errors.push(FieldError { field: f.key.into(), problem: FieldProblem::DateOutOfRange { from, to } });
        }
    }
    errors
}

const MAX_TEXT: usize = 500;
const MAX_LONG_TEXT: usize = 5000;

/// Reads a date as officials write it (`31/12/2026`, `31-12-2026`) or as ISO (`2026-12-31`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"].iter().find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// Reads yes or no in Vietnamese or English, with or without diacritics.
pub fn parse_bool(s: &str) -> Option<bool> {
    match crate::text::fold(s.trim()).as_str() {
        "co" | "c" | "x" | "1" | "true" | "yes" | "y" | "dung" => Some(true),
        "khong" | "k" | "0" | "false" | "no" | "n" | "sai" => Some(false),
        _ => None,
    }
}

/// Checks a record's fields as typed (a form, a CSV row, an API body's values written as text)
/// and gives them as typed values. Empty text is an absent value. Every problem is reported.
/// References are only checked to be numbers here; the store checks they exist.
pub fn check_fields(
    def: &RegisterDef,
    date: NaiveDate,
    input: &BTreeMap<String, String>,
) -> Result<Map<String, Value>, Vec<FieldError>> {
    let mut out = Map::new();
    let mut errors = Vec::new();
    let mut refuse = |field: &str, problem| errors.push(FieldError { field: field.to_owned(), problem });
    for key in input.keys() {
        if def.input_fields().all(|f| f.key != key) {
            refuse(key, FieldProblem::UnknownField);
        }
    }
    for f in def.input_fields() {
        let raw = input.get(f.key).map(|s| nfc(s.trim())).unwrap_or_default();
        if raw.is_empty() {
            if f.required {
                refuse(f.key, FieldProblem::Missing);
            }
            continue;
        }
        let value = match f.ty {
            Text | LongText => {
                let checked = if f.ty == Text {
                    crate::text::line_max(&raw, MAX_TEXT)
                } else {
                    crate::text::long_max(&raw, MAX_LONG_TEXT)
                };
                match checked {
                    Ok(text) => Value::String(text),
                    Err(crate::text::TextProblem::TooLong { max }) => {
                        refuse(f.key, FieldProblem::TooLong { max });
                        continue;
                    }
                    Err(problem) => {
                        refuse(f.key, FieldProblem::Text { problem });
                        continue;
                    }
                }
            }
            Int | Ref(_) => match raw.parse::<u32>() {
                Ok(n) if matches!(f.ty, Int) || n > 0 => Value::from(n),
                _ => {
                    refuse(f.key, FieldProblem::NotANumber);
                    continue;
                }
            },
            Bool => match parse_bool(&raw) {
                Some(b) => Value::Bool(b),
                None => {
                    refuse(f.key, FieldProblem::NotYesNo);
                    continue;
                }
            },
            Date => match parse_date(&raw) {
                Some(d) if d < date => {
                    refuse(f.key, FieldProblem::BeforeRecordDate);
                    continue;
                }
                Some(d) => Value::String(d.format("%Y-%m-%d").to_string()),
                None => {
                    refuse(f.key, FieldProblem::NotADate);
                    continue;
                }
            },
            Choice(options) => {
                let folded = crate::text::fold(&raw);
                match options
                    .iter()
                    .find(|o| o.0 == raw || crate::text::fold(o.1) == folded || crate::text::fold(o.2) == folded)
                {
                    Some(o) => Value::String(o.0.to_owned()),
                    None => {
                        let options = options.iter().map(|o| format!("{} ({})", o.1, o.0)).collect();
                        refuse(f.key, FieldProblem::NotAnOption { options });
                        continue;
                    }
                }
            }
        };
        out.insert(f.key.to_owned(), value);
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// A field's value as a person reads it and as CSV carries it: dates `dd/mm/yyyy`, booleans
/// "có"/"không" (or yes/no), options by label.
pub fn display(f: &FieldDef, value: Option<&Value>, lang: Lang) -> String {
    let Some(value) = value else { return String::new() };
    match (f.ty, value) {
        (Bool, Value::Bool(b)) => match (lang, b) {
            (Lang::Vi, true) => "có".into(),
            (Lang::Vi, false) => "không".into(),
            (Lang::En, true) => "yes".into(),
            (Lang::En, false) => "no".into(),
        },
        (Date, Value::String(s)) => {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_or_else(|_| s.clone(), |d| d.format("%d/%m/%Y").to_string())
        }
        (Choice(_), Value::String(s)) => f.option_label(s, lang).unwrap_or(s).to_owned(),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Number(n)) => n.to_string(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn input(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn keys_are_unique_and_refs_point_at_registers() {
        let mut keys: Vec<_> = REGISTERS.iter().map(|r| r.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), REGISTERS.len());
        for r in REGISTERS {
            for f in r.fields {
                if let Ref(target) = f.ty {
                    assert!(register(target).is_some(), "{}.{} points at {target}", r.key, f.key);
                }
            }
            if let Some(u) = r.until {
                assert_eq!(r.field(u).map(|f| f.ty), Some(Date), "{}: until must be a date field", r.key);
            }
        }
    }

    #[test]
    fn a_communication_activity_is_read_from_what_an_official_types() {
        let def = register("truyen_thong").expect("register");
        let fields = check_fields(
            def,
            day(2026, 3, 2),
            &input(&[
                ("kenh", "Họp bản, tiểu khu"),
                ("chu_de", "Chuyển đổi số"),
                ("so_nguoi", "45"),
                ("dot_tuyen_truyen", "Có"),
            ]),
        )
        .expect("valid");
        assert_eq!(fields.get("kenh"), Some(&Value::from("hop_ban")));
        assert_eq!(fields.get("so_nguoi"), Some(&Value::from(45)));
        assert_eq!(fields.get("dot_tuyen_truyen"), Some(&Value::Bool(true)));
        assert!(!fields.contains_key("dia_diem"), "empty text is absent");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let def = register("truyen_thong").expect("register");
        let errors = check_fields(
            def,
            day(2026, 3, 2),
            &input(&[("kenh", "loa"), ("so_nguoi", "nhiều"), ("dot_tuyen_truyen", "có lẽ"), ("mau", "x")]),
        )
        .expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["mau", "kenh", "chu_de", "so_nguoi", "dot_tuyen_truyen"]);
        assert!(errors[1].problem.message(Lang::Vi).contains("Họp bản, tiểu khu"));
    }

    #[test]
    fn dates_are_read_in_vietnamese_order_and_not_before_the_record() {
        assert_eq!(parse_date("05/03/2026"), Some(day(2026, 3, 5)));
        assert_eq!(parse_date("2026-03-05"), Some(day(2026, 3, 5)));
        assert_eq!(parse_date("31/02/2026"), None);
        let def = register("can_bo").expect("register");
        let errors = check_fields(
            def,
            day(2026, 3, 5),
            &input(&[("ho_ten", "Lò Văn A"), ("chuyen_mon", "không"), ("ngay_thoi", "04/03/2026")]),
        )
        .expect_err("left before starting");
        assert_eq!(errors[0].problem, FieldProblem::BeforeRecordDate);
    }

    #[test]
    fn a_record_stands_until_its_end() {
        let def = register("can_bo").expect("register");
        let mut fields = Map::new();
        fields.insert("ngay_thoi".into(), Value::from("2026-06-30"));
        let r = Record { id: 1, register: "can_bo".into(), unit: "vhxh".into(), date: day(2025, 1, 1), fields };
        assert!(r.stands_on(def, day(2026, 6, 29)));
        assert!(!r.stands_on(def, day(2026, 6, 30)));
        assert!(!r.stands_on(def, day(2024, 12, 31)));
    }

    #[test]
    fn values_display_as_officials_read_them() {
        let def = register("can_bo").expect("register");
        let f = def.field("ngay_thoi").expect("field");
        assert_eq!(display(f, Some(&Value::from("2026-06-30")), Lang::Vi), "30/06/2026");
        let b = def.field("chuyen_mon").expect("field");
        assert_eq!(display(b, Some(&Value::Bool(true)), Lang::Vi), "có");
        assert_eq!(parse_bool("Không"), Some(false));
    }

    #[test]
    fn texts_with_controls_are_refused_and_dates_kept_near_the_plan_year() {
        let def = register("truyen_thong").unwrap_or_else(|| unreachable!());
        let errors = check_fields(
            def,
            day(2026, 3, 1),
            &input(&[("kenh", "hop_ban"), ("chu_de", "a\0b"), ("dia_diem", "Nhà\r\nvăn hoá")]),
        )
        .unwrap_err();
        assert!(errors.contains(&FieldError {
            field: "chu_de".into(),
            problem: FieldProblem::Text { problem: crate::text::TextProblem::Control { code: "U+0000".into() } }
        }));
        assert!(errors.contains(&FieldError {
            field: "dia_diem".into(),
            problem: FieldProblem::Text { problem: crate::text::TextProblem::LineBreak }
        }));
        let ok = check_fields(def, day(2026, 3, 1), &input(&[("kenh", "hop_ban"), ("chu_de", "một\r\nhai")]));
        assert_eq!(ok.map(|f| f["chu_de"].clone()), Ok(Value::from("một\nhai")));

        assert_eq!(sensible_years(2026), (1976, 2031));
        assert!(check_dates(def, day(2026, 3, 1), &Map::new(), 2026).is_empty());
        assert!(check_dates(def, day(1976, 1, 1), &Map::new(), 2026).is_empty());
        let refused = FieldProblem::DateOutOfRange { from: 1976, to: 2031 };
        assert_eq!(
            check_dates(def, day(0, 1, 1), &Map::new(), 2026),
            [FieldError { field: "date".into(), problem: refused.clone() }]
        );
        let staff = register("can_bo").unwrap_or_else(|| unreachable!());
        let mut fields = Map::new();
        fields.insert("ngay_thoi".into(), Value::from("9999-12-31"));
        let field_errors = check_dates(staff, day(2026, 1, 1), &fields, 2026);
        assert_eq!(field_errors, [FieldError { field: "ngay_thoi".into(), problem: refused }]);
    }
}
