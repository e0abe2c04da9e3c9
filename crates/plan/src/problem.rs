//! Problems found in a plan file, each at a place in the file, worded for a commune official.

use std::fmt::Write as _;
use std::ops::Range;

use kehoach_domain::Lang;

/// What is wrong. Each variant is worded in Vietnamese and English by [`Problem::message`].
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// The file is not valid TOML, or a value has the wrong type; the text is the parser's.
    Syntax(String),
    Missing {
        field: String,
        table: String,
    },
    Empty {
        field: String,
    },
    Duplicate {
        what: Thing,
        code: String,
        first_line: usize,
    },
    UnknownUnitOrGroup {
        code: String,
    },
    UnknownIndicator {
        code: String,
    },
    UnknownIndicatorSection {
        code: String,
    },
    UnknownTaskGroup {
        code: String,
    },
    UnknownUnitKind {
        value: String,
    },
    UnknownUnit {
        code: String,
    },
    UnknownChoice {
        value: String,
        allowed: &'static [&'static str],
    },
    RatioOutOfRange {
        value: f64,
    },
    CountNotWhole {
        value: f64,
    },
    TargetValueMissing,
    TargetValueForQualitative,
    DayNotInMonth {
        day: i64,
        month: u32,
    },
    DayOutOfRange {
        day: i64,
    },
    MonthOfQuarter {
        value: i64,
    },
    UnknownTimeZone {
        name: String,
    },
    BadCode {
        value: String,
    },
    BadPlanId {
        value: String,
    },
    YearOutOfRange {
        value: i64,
    },
    TimeFrameYear {
        value: i64,
    },
    UnsupportedFormat {
        value: i64,
    },
    NotADate,
    UnknownRegister {
        value: String,
    },
    UnknownRegisterField {
        register: String,
        field: String,
    },
    /// A `where` value of the wrong type for its field; `expected` names what fits.
    BadWhereValue {
        field: String,
        expected: String,
    },
    MeasureDoesNotFit {
        measure: String,
        kind: String,
    },
    /// `by` must be a field of the linked register that points at the measured register.
    NotALink {
        register: String,
        by: String,
        target: String,
    },
    MonthsOutOfRange {
        value: i64,
    },
    CriterionMax {
        value: i64,
    },
    /// The criteria's maxima do not allow the pass total.
    PassTotalOutOfReach {
        pass_total: i64,
        max_total: i64,
    },
    /// The file is larger than [`crate::limits::FILE_MAX`] bytes.
    FileTooLarge {
        size: usize,
        max: usize,
    },
    /// More tables of one kind than a commune's plan has (`[[units]]` past its limit).
    TooMany {
        table: &'static str,
        max: usize,
    },
    /// A text holding what no text may, or too long (see [`kehoach_domain::text`]).
    BadText {
        field: String,
        problem: kehoach_domain::text::TextProblem,
    },
}

/// The kinds of coded things a plan holds, for duplicate messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    UnitOrGroup,
    IndicatorSection,
    Indicator,
    TaskGroup,
    Task,
    Section,
}

impl Thing {
    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Thing::UnitOrGroup, Lang::Vi) => "đơn vị hoặc nhóm đơn vị",
            (Thing::UnitOrGroup, Lang::En) => "unit or unit group",
            (Thing::IndicatorSection, Lang::Vi) => "mục chỉ tiêu",
            (Thing::IndicatorSection, Lang::En) => "indicator section",
            (Thing::Indicator, Lang::Vi) => "chỉ tiêu",
            (Thing::Indicator, Lang::En) => "indicator",
            (Thing::TaskGroup, Lang::Vi) => "nhóm nhiệm vụ",
            (Thing::TaskGroup, Lang::En) => "task group",
            (Thing::Task, Lang::Vi) => "nhiệm vụ",
            (Thing::Task, Lang::En) => "task",
            (Thing::Section, Lang::Vi) => "phần",
            (Thing::Section, Lang::En) => "section",
        }
    }
}

/// One problem, at a byte range of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub span: Range<usize>,
    pub kind: ProblemKind,
}

/// A 1-based line and column (in characters, as editors count them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

pub fn position(source: &str, offset: usize) -> Position {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position { line, column: source[line_start..offset].chars().count() + 1 }
}

impl Problem {
    pub fn position(&self, source: &str) -> Position {
        position(source, self.span.start)
    }

    /// `FILE:LINE:COLUMN: message`, the form editors and CI logs understand.
    pub fn render(&self, file: &str, source: &str, lang: Lang) -> String {
        let Position { line, column } = self.position(source);
        format!("{file}:{line}:{column}: {}", self.message(lang))
    }

    pub fn message(&self, lang: Lang) -> String {
        use ProblemKind::*;
        let vi = lang == Lang::Vi;
        let mut m = String::new();
        let _ = match &self.kind {
            Syntax(text) if vi => write!(m, "lỗi cú pháp TOML hoặc sai kiểu giá trị: {text}"),
            Syntax(text) => write!(m, "TOML syntax or value type error: {text}"),
            Missing { field, table } if vi => write!(m, "thiếu trường bắt buộc `{field}` trong {table}"),
            Missing { field, table } => write!(m, "missing required field `{field}` in {table}"),
            Empty { field } if vi => write!(m, "trường `{field}` không được để trống"),
            Empty { field } => write!(m, "field `{field}` must not be empty"),
            Duplicate { what, code, first_line } if vi => {
                write!(m, "mã {} `{code}` bị trùng (đã khai báo ở dòng {first_line})", what.name(lang))
            }
            Duplicate { what, code, first_line } => {
                write!(m, "duplicate {} code `{code}` (first declared on line {first_line})", what.name(lang))
            }
            UnknownUnitOrGroup { code } if vi => {
                write!(m, "không có đơn vị hoặc nhóm đơn vị nào có mã `{code}`")
            }
            UnknownUnitOrGroup { code } => write!(m, "no unit or unit group has the code `{code}`"),
            UnknownUnit { code } if vi => write!(m, "không có đơn vị nào có mã `{code}`"),
            UnknownUnit { code } => write!(m, "no unit has the code `{code}`"),
            UnknownIndicator { code } if vi => write!(m, "không có chỉ tiêu nào có mã `{code}`"),
            UnknownIndicator { code } => write!(m, "no indicator has the code `{code}`"),
            UnknownIndicatorSection { code } if vi => {
                write!(m, "không có mục chỉ tiêu nào có mã `{code}` trong [[indicator_sections]]")
            }
            UnknownIndicatorSection { code } => {
                write!(m, "no indicator section has the code `{code}` in [[indicator_sections]]")
            }
            UnknownTaskGroup { code } if vi => {
                write!(m, "không có nhóm nhiệm vụ nào có mã `{code}` trong [[task_groups]]")
            }
            UnknownTaskGroup { code } => {
                write!(m, "no task group has the code `{code}` in [[task_groups]]")
            }
            UnknownUnitKind { value } if vi => {
                write!(m, "loại đơn vị `{value}` không hợp lệ; dùng một trong: {}", unit_kinds())
            }
            UnknownUnitKind { value } => {
                write!(m, "unknown unit kind `{value}`; use one of: {}", unit_kinds())
            }
            UnknownChoice { value, allowed } if vi => {
                write!(m, "giá trị `{value}` không hợp lệ; dùng một trong: {}", allowed.join(", "))
            }
            UnknownChoice { value, allowed } => {
                write!(m, "invalid value `{value}`; use one of: {}", allowed.join(", "))
            }
            RatioOutOfRange { value } if vi => {
                write!(m, "tỷ lệ {value}% không hợp lệ: tỷ lệ phải từ 0% đến 100%")
            }
            RatioOutOfRange { value } => {
                write!(m, "ratio {value}% is invalid: a ratio must be between 0% and 100%")
            }
            CountNotWhole { value } if vi => {
                write!(m, "chỉ tiêu đếm phải là số nguyên không âm, không phải {value}")
            }
            CountNotWhole { value } => {
                write!(m, "a count must be a whole number of at least 0, not {value}")
            }
            TargetValueMissing if vi => {
                write!(m, "chỉ tiêu đếm hoặc tỷ lệ cần `target_value` (giá trị số của chỉ tiêu)")
            }
            TargetValueMissing => write!(m, "a count or ratio indicator needs `target_value`"),
            TargetValueForQualitative if vi => {
                write!(m, "chỉ tiêu định tính không có `target_value`; chỉ ghi `target`")
            }
            TargetValueForQualitative => {
                write!(m, "a qualitative indicator has no `target_value`; write `target` only")
            }
            DayNotInMonth { day, month } if vi => {
                write!(m, "ngày {day} không có trong tháng {month}")
            }
            DayNotInMonth { day, month } => {
                write!(m, "day {day} does not exist in month {month}")
            }
            DayOutOfRange { day } if vi => write!(m, "ngày {day} không hợp lệ: ngày phải từ 1 đến 31"),
            DayOutOfRange { day } => write!(m, "day {day} is invalid: a day is between 1 and 31"),
            MonthOfQuarter { value } if vi => {
                write!(m, "tháng trong quý phải là 1, 2 hoặc 3, không phải {value}")
            }
            MonthOfQuarter { value } => {
                write!(m, "month of the quarter must be 1, 2 or 3, not {value}")
            }
            UnknownTimeZone { name } if vi => {
                write!(m, "múi giờ `{name}` không tồn tại (ví dụ đúng: Asia/Ho_Chi_Minh)")
            }
            UnknownTimeZone { name } => {
                write!(m, "unknown time zone `{name}` (e.g. Asia/Ho_Chi_Minh)")
            }
            BadCode { value } if vi => {
                write!(m, "mã `{value}` không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang")
            }
            BadCode { value } => {
                write!(m, "code `{value}` is invalid: use lower-case ASCII letters, digits and hyphens")
            }
            BadPlanId { value } if vi => {
                write!(m, "mã `{value}` không hợp lệ: chỉ dùng chữ không dấu, chữ số, dấu chấm và gạch ngang")
            }
            BadPlanId { value } => write!(m, "code `{value}` is invalid: use ASCII letters, digits, dots and hyphens"),
            YearOutOfRange { value } if vi => write!(m, "năm {value} không hợp lệ (từ 2000 đến 2100)"),
            YearOutOfRange { value } => write!(m, "year {value} is out of range (2000 to 2100)"),
            TimeFrameYear { value } if vi => {
                write!(m, "thời gian thực hiện: năm {value} không hợp lệ (từ 2000 đến 2100)")
            }
            TimeFrameYear { value } => {
                write!(m, "time frame: year {value} is out of range (2000 to 2100)")
            }
            UnsupportedFormat { value } if vi => {
                write!(m, "phiên bản định dạng {value} không được hỗ trợ; dùng `format = 1`")
            }
            UnsupportedFormat { value } => {
                write!(m, "format version {value} is not supported; use `format = 1`")
            }
            NotADate if vi => write!(m, "cần một ngày dạng NĂM-THÁNG-NGÀY, ví dụ 2026-01-15"),
            NotADate => write!(m, "expected a date as YEAR-MONTH-DAY, e.g. 2026-01-15"),
            UnknownRegister { value } if vi => {
                write!(m, "không có sổ theo dõi `{value}`; dùng một trong: {}", register_keys())
            }
            UnknownRegister { value } => write!(m, "no register `{value}`; use one of: {}", register_keys()),
            UnknownRegisterField { register, field } if vi => {
                write!(m, "sổ `{register}` không có cột `{field}`; các cột: {}", register_fields(register))
            }
            UnknownRegisterField { register, field } => {
                write!(m, "register `{register}` has no field `{field}`; its fields: {}", register_fields(register))
            }
            BadWhereValue { field, expected } if vi => write!(m, "giá trị của `{field}` phải là {expected}"),
            BadWhereValue { field, expected } => write!(m, "the value of `{field}` must be {expected}"),
            MeasureDoesNotFit { measure, kind } if vi => {
                write!(m, "cách tính `{measure}` không dùng được cho chỉ tiêu loại `{kind}`")
            }
            MeasureDoesNotFit { measure, kind } => write!(m, "measure `{measure}` does not fit a `{kind}` indicator"),
            NotALink { register, by, target } if vi => {
                write!(m, "cột `{by}` của sổ `{register}` không trỏ tới sổ `{target}`")
            }
            NotALink { register, by, target } => {
                write!(m, "field `{by}` of register `{register}` does not point at register `{target}`")
            }
            MonthsOutOfRange { value } if vi => write!(m, "số tháng {value} không hợp lệ (từ 1 đến 120)"),
            MonthsOutOfRange { value } => write!(m, "{value} months is out of range (1 to 120)"),
            CriterionMax { value } if vi => write!(m, "điểm tối đa {value} không hợp lệ (từ 1 đến 100)"),
            CriterionMax { value } => write!(m, "a maximum of {value} points is out of range (1 to 100)"),
            PassTotalOutOfReach { pass_total, max_total } if vi => {
                write!(m, "tổng điểm đạt {pass_total} vượt tổng điểm tối đa của các tiêu chí ({max_total})")
            }
            PassTotalOutOfReach { pass_total, max_total } => {
                write!(m, "a pass total of {pass_total} exceeds the criteria's maximum total ({max_total})")
            }
            FileTooLarge { size, max } if vi => write!(
                m,
                "tệp kế hoạch quá lớn: {} KB, tối đa {} KB (một kế hoạch của xã chỉ vài chục KB)",
                size.div_ceil(1024),
                max / 1024
            ),
            FileTooLarge { size, max } => write!(
                m,
                "the plan file is too large: {} KB, at most {} KB (a commune's plan is a few tens of KB)",
                size.div_ceil(1024),
                max / 1024
            ),
            TooMany { table, max } if vi => write!(m, "quá nhiều bảng {table}: tối đa {max}"),
            TooMany { table, max } => write!(m, "too many {table} tables: at most {max}"),
            BadText { field, problem } => write!(m, "`{field}`: {}", problem.message(lang)),
        };
        m
    }
}

fn register_keys() -> String {
    kehoach_domain::register::REGISTERS.iter().map(|r| r.key).collect::<Vec<_>>().join(", ")
}

fn register_fields(register: &str) -> String {
    kehoach_domain::register::register(register)
        .map(|r| r.fields.iter().map(|f| f.key).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

fn unit_kinds() -> String {
    kehoach_domain::UnitKind::ALL.map(|k| k.key()).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let src = "a = 1\nname = \"Mường\" x";
        let offset = src.find('x').unwrap_or_default();
        assert_eq!(position(src, offset), Position { line: 2, column: 16 });
        assert_eq!(position(src, 0), Position { line: 1, column: 1 });
        assert_eq!(position(src, 10_000), Position { line: 2, column: 17 });
    }
}
