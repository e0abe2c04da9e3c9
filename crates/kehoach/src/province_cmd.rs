//! `kehoach province build|check`: a province file's commune list from the national list of
//! administrative units, so that no one types 75 codes by hand; and its check (`docs/province.md`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kehoach_domain::Lang;
use kehoach_domain::province::{CommuneKind, is_official_code, slug_of};
use kehoach_plan::province::parse_province;
use kehoach_plan::province_link::{PlanLinks, check_plan_against};

/// Where `province build` looks for the national list when `--csv` is not given, relative to the
/// working directory.
pub const DEFAULT_CSV: &str = "../shared/data/vn-admin-units-2026.csv";

/// The licence of the national list, carried with every file made of it.
const LICENCE: &str = include_str!("../../../plans/LICENSE-vietnamese-provinces-database");

struct Row {
    province_name: String,
    province_full_name: String,
    code: String,
    name: String,
    kind: CommuneKind,
}

fn say(lang: Lang, vi: &str, en: &str) -> String {
    match lang {
        Lang::Vi => vi.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The communes of province `code` in the CSV, sorted by code; an error in words otherwise.
fn read_csv(csv_path: &Path, code: &str, lang: Lang) -> Result<Vec<Row>, String> {
    let shown = csv_path.display();
    let bytes = std::fs::read(csv_path).map_err(|e| {
        say(
            lang,
            &format!(
                "{shown}: không đọc được danh mục đơn vị hành chính ({e}). Tệp vn-admin-units-2026.csv nằm trong thư mục shared/data của dự án (nguồn: thanglequoc/vietnamese-provinces-database); chỉ đường dẫn bằng --csv ĐƯỜNG_DẪN."
            ),
            &format!(
                "{shown}: cannot read the list of administrative units ({e}). The file vn-admin-units-2026.csv is in the project's shared/data folder (source: thanglequoc/vietnamese-provinces-database); give its path with --csv PATH."
            ),
        )
    })?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader.headers().map_err(|e| format!("{shown}: {e}"))?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            say(
                lang,
                &format!("{shown}: thiếu cột `{name}` ở dòng tiêu đề"),
                &format!("{shown}: the header row has no column `{name}`"),
            )
        })
    };
    let [pc, pn, pf, cc, cn, ck] = [
        column("province_code")?,
        column("province_name")?,
        column("province_full_name")?,
        column("commune_code")?,
        column("commune_name")?,
        column("kind")?,
    ];
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{shown}: {e}"))?;
        let field = |c: usize| record.get(c).unwrap_or("").trim().to_owned();
        if field(pc) != code {
            continue;
        }
        let line = i + 2;
        let commune = field(cc);
        let kind_word = field(ck);
        let kind = CommuneKind::from_key(&kind_word).ok_or_else(|| {
            say(
                lang,
                &format!("{shown}:{line}: loại đơn vị `{kind_word}` không hợp lệ (xã, phường, đặc khu)"),
                &format!("{shown}:{line}: unknown kind `{kind_word}` (xã, phường, đặc khu)"),
            )
        })?;
        if !is_official_code(&commune, 5) {
            return Err(say(
                lang,
                &format!("{shown}:{line}: mã xã `{commune}` không phải 5 chữ số"),
                &format!("{shown}:{line}: commune code `{commune}` is not 5 digits"),
            ));
        }
        rows.push(Row {
            province_name: field(pn),
            province_full_name: field(pf),
            code: commune,
            name: field(cn),
            kind,
        });
    }
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(rows)
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The province file's `[province]` table and every `[[communes]]`, under a header naming the
/// data's source and carrying its licence.
fn province_file(code: &str, rows: &[Row]) -> String {
    let mut out = String::new();
    let first = &rows[0];
    let _ = writeln!(out, "# Tệp tỉnh: {} — docs/province.md", first.province_full_name);
    out.push_str(
        "#\n# The [province] table and the [[communes]] below were made by `kehoach province build` from\n\
         # vn-admin-units-2026.csv (Decision 19/2025/QĐ-TTg codes), converted from the project\n\
         # thanglequoc/vietnamese-provinces-database, file\n\
         # json/full_json_generated_data_vn_units_2026-07-25__20_49_07.json (commit cd58063).\n\
         # That data is under the MIT licence; its text travels with it:\n#\n",
    );
    for line in LICENCE.lines() {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "#   {line}");
        }
    }
    out.push_str(
        "#\n# To add by hand before `kehoach province check` passes: [department], [reporting] and the\n\
         # province's [[indicators]] (see docs/province.md).\n\nformat = 1\n\n[province]\n",
    );
    let _ = writeln!(out, "code = {}", quoted(code));
    let _ = writeln!(out, "slug = {}", quoted(&slug_of(&first.province_name)));
    let _ = writeln!(out, "name = {}", quoted(&first.province_name));
    let _ = writeln!(out, "full_name = {}", quoted(&first.province_full_name));
    let _ = writeln!(out, "\n# {} xã, phường, đặc khu, sorted by code.", rows.len());
    for r in rows {
        let _ = writeln!(
            out,
            "\n[[communes]]\ncode = {}\nname = {}\nkind = {}",
            quoted(&r.code),
            quoted(&r.name),
            quoted(r.kind.key())
        );
    }
    out
}

pub fn build(code: &str, csv: Option<&Path>, output: Option<&Path>, lang: Lang) -> ExitCode {
    if !is_official_code(code, 2) {
        eprintln!(
            "{}",
            say(
                lang,
                &format!("mã tỉnh `{code}` không hợp lệ: mã tỉnh gồm đúng 2 chữ số, ví dụ 14 (Sơn La)"),
                &format!("province code `{code}` is invalid: a province code is exactly 2 digits, e.g. 14 (Sơn La)"),
            )
        );
        return ExitCode::FAILURE;
    }
    let csv_path = csv.map_or_else(|| PathBuf::from(DEFAULT_CSV), Path::to_path_buf);
    let rows = match read_csv(&csv_path, code, lang) {
        Ok(rows) => rows,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    if rows.is_empty() {
        eprintln!(
            "{}",
            say(
                lang,
                &format!("không có tỉnh nào mang mã `{code}` trong {}", csv_path.display()),
                &format!("no province has the code `{code}` in {}", csv_path.display()),
            )
        );
        return ExitCode::FAILURE;
    }
    let text = province_file(code, &rows);
    match output {
        None => print!("{text}"),
        Some(file) => {
            if let Err(e) = std::fs::write(file, &text) {
                eprintln!(
                    "{}",
                    say(
                        lang,
                        &format!("{}: không ghi được tệp: {e}", file.display()),
                        &format!("{}: cannot write the file: {e}", file.display()),
                    )
                );
                return ExitCode::FAILURE;
            }
            eprintln!(
                "{}",
                say(
                    lang,
                    &format!(
                        "{}: đã ghi {} xã, phường, đặc khu của {}; thêm [department], [reporting] và [[indicators]] rồi chạy `kehoach province check`",
                        file.display(),
                        rows.len(),
                        rows[0].province_full_name
                    ),
                    &format!(
                        "{}: wrote the {} communes of {}; add [department], [reporting] and [[indicators]], then run `kehoach province check`",
                        file.display(),
                        rows.len(),
                        rows[0].province_full_name
                    ),
                )
            );
        }
    }
    ExitCode::SUCCESS
}

fn read(file: &Path, lang: Lang) -> Option<String> {
    match std::fs::read_to_string(file) {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!(
                "{}",
                say(
                    lang,
                    &format!("{}: không đọc được tệp: {e}", file.display()),
                    &format!("{}: cannot read the file: {e}", file.display()),
                )
            );
            None
        }
    }
}

/// Checks a province file and, with `plan`, a commune's plan against it: exit 0, or 1 listing
/// every problem as FILE:LINE:COLUMN: message.
pub fn check(file: &Path, plan: Option<&Path>, lang: Lang) -> ExitCode {
    let name = file.display().to_string();
    let Some(source) = read(file, lang) else { return ExitCode::FAILURE };
    let province = match parse_province(&source) {
        Ok(p) => p,
        Err(problems) => {
            for p in &problems {
                eprintln!("{}", p.render(&name, &source, lang));
            }
            eprintln!(
                "{}",
                say(
                    lang,
                    &format!("{name}: {} lỗi", problems.len()),
                    &format!("{name}: {} problem(s)", problems.len())
                )
            );
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{}",
        say(
            lang,
            &format!(
                "{name}: hợp lệ — {} (mã {}): {} xã, phường, đặc khu; {} chỉ tiêu của tỉnh",
                province.full_name,
                province.code,
                province.communes.len(),
                province.indicators.len()
            ),
            &format!(
                "{name}: valid — {} (code {}): {} communes; {} province indicators",
                province.full_name,
                province.code,
                province.communes.len(),
                province.indicators.len()
            ),
        )
    );
    let Some(plan_file) = plan else { return ExitCode::SUCCESS };
    let plan_name = plan_file.display().to_string();
    let Some(plan_source) = read(plan_file, lang) else { return ExitCode::FAILURE };
    let parsed = kehoach_plan::parse(&plan_source);
    let (Ok(plan), Some(links)) = (parsed.as_ref(), PlanLinks::read(&plan_source)) else {
        if let Err(problems) = parsed {
            for p in &problems {
                eprintln!("{}", p.render(&plan_name, &plan_source, lang));
            }
        }
        return ExitCode::FAILURE;
    };
    let problems = check_plan_against(&province, plan, &links);
    if problems.is_empty() {
        println!(
            "{}",
            say(
                lang,
                &format!("{plan_name}: khớp với tệp tỉnh ({} chỉ tiêu tổng hợp lên tỉnh)", links.indicators.len()),
                &format!(
                    "{plan_name}: fits the province file ({} indicators feed the province)",
                    links.indicators.len()
                ),
            )
        );
        return ExitCode::SUCCESS;
    }
    for p in &problems {
        eprintln!("{}", p.render(&plan_name, &plan_source, lang));
    }
    eprintln!(
        "{}",
        say(
            lang,
            &format!("{plan_name}: {} lỗi", problems.len()),
            &format!("{plan_name}: {} problem(s)", problems.len())
        )
    );
    ExitCode::FAILURE
}
