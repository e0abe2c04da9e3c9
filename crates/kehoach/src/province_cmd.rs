//! `kehoach province build|check`: a province file's commune list from the national list of
//! administrative units, so that no one types 75 codes by hand; and its check (`docs/province.md`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use kehoach_domain::province::{CommuneKind, Province, is_official_code, slug_of};
use kehoach_domain::{Lang, Plan};
use kehoach_plan::province::{ProvinceProblem, parse_province};
use kehoach_plan::province_link::{PlanLinks, check_plan_against};
use kehoach_store::{Actor, Store};

/// Where `province build` looks for the national list when `--csv` is not given, relative to the
/// working directory.
pub const DEFAULT_CSV: &str = "../shared/data/vn-admin-units-2026.csv";

/// The licence of the national list, carried with every file made of it.
const LICENCE: &str = include_str!("../../../plans/LICENSE-vietnamese-provinces-database");

/// One commune of the national list.
pub(crate) struct Row {
    pub(crate) province_code: String,
    pub(crate) province_name: String,
    pub(crate) province_full_name: String,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) kind: CommuneKind,
}

fn say(lang: Lang, vi: &str, en: &str) -> String {
    match lang {
        Lang::Vi => vi.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The communes of province `code` in the CSV, sorted by code; an error in words otherwise.
fn read_csv(csv_path: &Path, code: &str, lang: Lang) -> Result<Vec<Row>, String> {
    let mut rows = read_all(csv_path, lang)?;
    rows.retain(|r| r.province_code == code);
    Ok(rows)
}

/// Every commune of the national list, checked (kind, five-digit code), sorted by code; an error
/// in words otherwise.
pub(crate) fn read_all(csv_path: &Path, lang: Lang) -> Result<Vec<Row>, String> {
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
            province_code: field(pc),
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
pub(crate) fn quoted(s: &str) -> String {
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

/// The data's licence as comment lines: it travels with every copy of the list.
pub(crate) fn licence_comment(out: &mut String) {
    for line in LICENCE.lines() {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "#   {line}");
        }
    }
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
    licence_comment(&mut out);
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

/// Prints every problem of a province file as FILE:LINE:COLUMN: message, and their count.
fn print_problems(name: &str, source: &str, problems: &[ProvinceProblem], lang: Lang) {
    for p in problems {
        eprintln!("{}", p.render(name, source, lang));
    }
    eprintln!(
        "{}",
        say(lang, &format!("{name}: {} lỗi", problems.len()), &format!("{name}: {} problem(s)", problems.len()))
    );
}

/// Checks a province file and, with `plan`, a commune's plan against it: exit 0, or 1 listing
/// every problem as FILE:LINE:COLUMN: message.
pub fn check(file: &Path, plan: Option<&Path>, lang: Lang) -> ExitCode {
    let name = file.display().to_string();
    let Some(source) = read(file, lang) else { return ExitCode::FAILURE };
    let province = match parse_province(&source) {
        Ok(p) => p,
        Err(problems) => {
            print_problems(&name, &source, &problems, lang);
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

/// A stored plan's links to its province, as far as the stored plan tells them: its plan file
/// is not kept, so the problems have no place in it.
fn stored_links(plan: &Plan) -> PlanLinks {
    PlanLinks {
        official_code: plan.commune.official_code.clone().map(|code| (code, 0..0)),
        province_code_at: 0..0,
        indicators: plan
            .indicators
            .iter()
            .filter_map(|i| i.province_indicator.clone().map(|target| (i.code.clone(), target, 0..0)))
            .collect(),
    }
}

/// What does not fit between the province and the plans of its communes already in the
/// database: `(plans checked, "PLAN: message" for each problem)`.
async fn check_stored_plans(store: &Store, province: &Province, lang: Lang) -> anyhow::Result<(usize, Vec<String>)> {
    let mut checked = 0;
    let mut problems = Vec::new();
    for summary in store.plans().await? {
        if summary.commune.province_code != province.slug {
            continue;
        }
        let Some(plan) = store.plan(&summary.id).await? else { continue };
        checked += 1;
        for p in check_plan_against(province, &plan, &stored_links(&plan)) {
            problems.push(format!("{}: {}", plan.id, p.message(lang)));
        }
    }
    Ok((checked, problems))
}

/// Checks a province file and loads it into the database (loading it again replaces it). The
/// plans of its communes already loaded are checked against it first: if one does not fit,
/// nothing is loaded. Exit 0, or 1 listing every problem (the file's as FILE:LINE:COLUMN).
pub async fn load(file: &Path, lang: Lang, url: &str) -> anyhow::Result<ExitCode> {
    let name = file.display().to_string();
    let Some(source) = read(file, lang) else { return Ok(ExitCode::FAILURE) };
    let province = match parse_province(&source) {
        Ok(p) => p,
        Err(problems) => {
            print_problems(&name, &source, &problems, lang);
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = Store::connect(url).await.context("database")?;
    let (checked, problems) = check_stored_plans(&store, &province, lang).await?;
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        eprintln!(
            "{}",
            say(
                lang,
                &format!(
                    "{name}: chưa nạp — {} lỗi ở kế hoạch của xã đã có trên máy chủ; sửa tệp tỉnh hoặc nạp lại kế hoạch (`kehoach plan import`) rồi chạy lại",
                    problems.len()
                ),
                &format!(
                    "{name}: not loaded — {} problem(s) in the communes' plans already on the server; fix the province file or import the plan again (`kehoach plan import`), then run this again",
                    problems.len()
                ),
            )
        );
        store.close().await?;
        return Ok(ExitCode::FAILURE);
    }
    let before = store.province(&province.slug).await?;
    let app = kehoach_app::App::at_system_time(store.clone());
    match kehoach_app::province::load(&app, &source, Actor::CLI).await {
        Ok(_) => {}
        Err(kehoach_app::province::LoadError::Invalid(problems)) => {
            print_problems(&name, &source, &problems, lang);
            store.close().await?;
            return Ok(ExitCode::FAILURE);
        }
        Err(kehoach_app::province::LoadError::App(e)) => return Err(crate::cli::app_error(e)),
    }
    let what = match (lang, before) {
        (Lang::Vi, None) => "đã nạp mới",
        (Lang::Vi, Some(b)) if b.source == source => "không có gì thay đổi",
        (Lang::Vi, Some(_)) => "đã cập nhật",
        (Lang::En, None) => "loaded",
        (Lang::En, Some(b)) if b.source == source => "unchanged",
        (Lang::En, Some(_)) => "updated",
    };
    println!(
        "{}",
        say(
            lang,
            &format!(
                "{name}: {what} — {} (mã {}, `{}`): {} xã, phường, đặc khu; {} chỉ tiêu của tỉnh; {checked} kế hoạch của xã trên máy chủ khớp với tệp tỉnh",
                province.full_name,
                province.code,
                province.slug,
                province.communes.len(),
                province.indicators.len()
            ),
            &format!(
                "{name}: {what} — {} (code {}, `{}`): {} communes; {} province indicators; {checked} commune plan(s) on the server fit it",
                province.full_name,
                province.code,
                province.slug,
                province.communes.len(),
                province.indicators.len()
            ),
        )
    );
    store.close().await?;
    Ok(ExitCode::SUCCESS)
}
