//! Units from a CSV file (`code,name,kind[,sample]`), every row checked before any is kept.

use kehoach_domain::{Lang, Unit, UnitKind};

use crate::check::is_slug;

/// A bad row: its line in the file and what is wrong, in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: usize,
    pub message: String,
}

/// Reads units from CSV text with a header row. Refuses the whole file if any row is bad.
pub fn parse_units_csv(text: &str, lang: Lang) -> Result<Vec<Unit>, Vec<RowProblem>> {
    let vi = lang == Lang::Vi;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect(),
        Err(e) => return Err(vec![RowProblem { line: 1, message: e.to_string() }]),
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(code_col), Some(name_col), Some(kind_col)) = (col("code"), col("name"), col("kind")) else {
        let message = if vi {
            "dòng tiêu đề phải có các cột code, name, kind (và tùy chọn sample)".to_owned()
        } else {
            "the header row must have the columns code, name, kind (and optionally sample)".to_owned()
        };
        return Err(vec![RowProblem { line: 1, message }]);
    };
    let sample_col = col("sample");
    let mut units: Vec<Unit> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(RowProblem { line, message: e.to_string() });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |i: usize| record.get(i).unwrap_or("").to_owned();
        let mut bad = |message: String| problems.push(RowProblem { line, message });
        let code = field(code_col);
        // A name goes into pages, CSV, calendar feeds and documents: one line, no control or
        // direction character.
        let (name, name_problem) = match kehoach_domain::text::line(&field(name_col)) {
            Ok(name) => (name, None),
            Err(problem) => (String::new(), Some(problem)),
        };
        let kind_key = field(kind_col);
        if !is_slug(&code) {
            bad(if vi {
                format!("mã `{code}` không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang")
            } else {
                format!("code `{code}` is invalid: use lower-case ASCII letters, digits and hyphens")
            });
        } else if units.iter().any(|u| u.code == code) {
            bad(if vi {
                format!("mã `{code}` bị trùng trong tệp")
            } else {
                format!("code `{code}` appears twice in the file")
            });
        }
        if let Some(problem) = name_problem {
            let what = if vi { "tên đơn vị" } else { "the unit name" };
            bad(format!("{what} {}", problem.message(lang)));
        } else if name.is_empty() {
            bad(if vi {
                "tên đơn vị không được để trống".into()
            } else {
                "the unit name must not be empty".into()
            });
        }
        let kind = UnitKind::from_key(&kind_key);
        if kind.is_none() {
            let allowed = UnitKind::ALL.map(|k| k.key()).join(", ");
            bad(if vi {
                format!("loại đơn vị `{kind_key}` không hợp lệ; dùng một trong: {allowed}")
            } else {
                format!("unknown unit kind `{kind_key}`; use one of: {allowed}")
            });
        }
        let sample = match sample_col.map(field).as_deref() {
            None | Some("") | Some("0") | Some("false") | Some("no") | Some("không") => false,
            Some("1") | Some("true") | Some("yes") | Some("có") => true,
            Some(other) => {
                bad(if vi {
                    format!("cột sample phải là có/không (true/false), không phải `{other}`")
                } else {
                    format!("the sample column must be true/false, not `{other}`")
                });
                false
            }
        };
        if let Some(kind) = kind {
            units.push(Unit { code, name, kind, sample });
        }
    }
    if problems.is_empty() { Ok(units) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_units_with_bom_and_nfd() {
        let text =
            "\u{feff}code,name,kind,sample\nban-1,Ba\u{0300}n Một (mẫu),village,true\ntk-1,Tiểu khu 1 (mẫu),quarter,\n";
        let units = parse_units_csv(text, Lang::Vi).unwrap_or_default();
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].name, "Bàn Một (mẫu)");
        assert!(units[0].sample);
        assert_eq!(units[1].kind, UnitKind::Quarter);
        assert!(!units[1].sample);
    }

    #[test]
    fn one_bad_row_refuses_the_file_and_names_each_row() {
        let text = "code,name,kind\nban-1,Bản 1,village\nBan 2,,hamlet\nban-1,Bản 1 lại,village\n";
        let problems = parse_units_csv(text, Lang::Vi).err().unwrap_or_default();
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 3, 3, 4]);
        assert!(problems[0].message.contains("Ban 2"));
        assert!(problems[2].message.contains("hamlet"));
        assert!(problems[3].message.contains("trùng"));
    }

    #[test]
    fn names_with_line_breaks_or_nul_are_refused() {
        let text = "code,name,kind\nban-1,\"Bản 1\r\nBEGIN:VEVENT\",village\nban-2,Bản\u{0}2,village\nban-3,\u{202E}3 nảB,village\n";
        let problems = parse_units_csv(text, Lang::En).err().unwrap_or_default();
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 4, 5], "{problems:?}");
        assert!(problems[0].message.contains("one line"));
        assert!(problems[1].message.contains("U+0000"));
        assert!(problems[2].message.contains("U+202E"));
    }

    #[test]
    fn header_must_name_the_columns() {
        let problems = parse_units_csv("a,b\n1,2\n", Lang::En).err().unwrap_or_default();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("code, name, kind"));
    }
}
