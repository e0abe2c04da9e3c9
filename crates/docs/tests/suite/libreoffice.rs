//! The documents open in a real office suite: LibreOffice converts them to PDF, and the PDF has
//! the pages, sizes and Vietnamese text the layout asks for; read from the text's positions
//! (`pdftotext -bbox-layout`), body lines are far enough apart for their accents and every page
//! of an appendix starts with its table's header row. `.ci/run` installs LibreOffice and
//! poppler-utils when they are missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use kehoach_docs::docx::Layout;
use kehoach_docs::docx::plan::plan_docx;

fn tool(name: &str) -> String {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output();
    match found {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_owned(),
        _ => panic!("`{name}` is missing: install libreoffice-writer-nogui and poppler-utils, or run bash .ci/run"),
    }
}

/// A directory of its own for this run, with its own LibreOffice profile (two conversions at
/// once must not share one).
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kehoach-lo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn to_pdf(dir: &Path, file: &Path) -> PathBuf {
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let out = Command::new(tool("soffice"))
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(file)
        .output()
        .expect("run soffice");
    let pdf = file.with_extension("pdf");
    assert!(pdf.exists(), "LibreOffice could not open {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    pdf
}

fn pdfinfo(pdf: &Path, args: &[&str]) -> String {
    let out = Command::new(tool("pdfinfo")).args(args).arg(pdf).output().expect("run pdfinfo");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn libreoffice_opens_the_plan_as_a4_with_landscape_appendices() {
    let plan = kehoach_plan::parse(kehoach_plan::DEFAULT_PLAN).expect("plan");
    let dir = workdir("plan");
    let file = dir.join("ke-hoach.docx");
    std::fs::write(&file, plan_docx(&plan, &Layout::default()).expect("written")).expect("write");
    let pdf = to_pdf(&dir, &file);
    let info = pdfinfo(&pdf, &[]);
    let pages: usize =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("a page count");
    assert!(pages >= 5, "the plan and its two appendices: {pages} pages");
    let sizes = pdfinfo(&pdf, &["-f", "1", "-l", &pages.to_string()]);
    let first = sizes.lines().find(|l| l.starts_with("Page    1 size:")).expect("page 1");
    assert!(first.contains("595.") && first.contains("x 841."), "A4 portrait: {first}");
    let last = sizes.lines().rfind(|l| l.contains(" size:") && l.starts_with("Page ")).expect("last page");
    assert!(last.contains("841.") && last.contains("x 595."), "A4 landscape appendix: {last}");
    let text = Command::new(tool("pdftotext")).arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    for s in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "PHỤ LỤC II", "Trần Hải Sơn"]
    {
        assert!(text.contains(s), "{s} in the PDF");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn libreoffice_reads_a_table_back_with_its_vietnamese_and_numbers() {
    use kehoach_docs::tables::{Column, Row, Table, to_xlsx};
    let table = Table {
        sheet: "Sổ tuyên truyền".into(),
        title: Some("SỔ THEO DÕI HOẠT ĐỘNG TUYÊN TRUYỀN".into()),
        columns: vec![
            Column::new("Hình thức", 30.0),
            Column::new("Nội dung", 40.0),
            Column::number("Số người", 10.0),
            Column::date("Ngày", 12.0),
            Column::number("Tỷ lệ", 14.0),
        ],
        rows: vec![
            Row::section(vec!["I".into(), "Quý I".into()]),
            Row::data(vec![
                "Đài truyền thanh xã".into(),
                "Bồi dưỡng, tập huấn chuyển đổi số".into(),
                "45".into(),
                "10/02/2026".into(),
                "66,7% (2/3)".into(),
            ]),
        ],
    };
    let dir = workdir("xlsx");
    let file = dir.join("so.xlsx");
    std::fs::write(&file, to_xlsx(&[table]).expect("written")).expect("write");
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let out = Command::new(tool("soffice"))
        .args([profile.as_str(), "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir"])
        .arg(&dir)
        .arg(&file)
        .output()
        .expect("run soffice");
    let csv = std::fs::read_to_string(dir.join("so.csv"))
        .unwrap_or_else(|_| panic!("LibreOffice could not open the .xlsx: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(csv.contains("SỔ THEO DÕI HOẠT ĐỘNG TUYÊN TRUYỀN"), "{csv}");
    // The number, the day and the share as LibreOffice shows them from their formats (its
    // locale here writes a decimal point).
    assert!(
        csv.contains("Đài truyền thanh xã,\"Bồi dưỡng, tập huấn chuyển đổi số\",45,10/02/2026,66.7% (2/3)"),
        "{csv}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A line of text on a PDF page, as `pdftotext -bbox-layout` places it (points, from the top).
#[derive(Debug, Clone)]
struct Line {
    top: f64,
    bottom: f64,
    /// Its words joined by spaces (pdftotext cuts some words at accented capitals: "M ƯỜ NG").
    text: String,
}

impl Line {
    /// The text without spaces, to compare whatever pdftotext made of the words.
    fn packed(&self) -> String {
        self.text.chars().filter(|c| !c.is_whitespace()).collect()
    }
}

/// A page: its size and its blocks of lines (a block is a paragraph, or a table cell).
#[derive(Debug, Clone)]
struct Page {
    width: f64,
    height: f64,
    blocks: Vec<Vec<Line>>,
}

impl Page {
    fn landscape(&self) -> bool {
        self.width > self.height
    }

    fn lines(&self) -> impl Iterator<Item = &Line> {
        self.blocks.iter().flatten()
    }
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!(" {name}=\"");
    format!(" {tag}")
        .split(&key)
        .nth(1)
        .and_then(|v| v.split('"').next())
        .and_then(|v| v.parse().ok())
        .expect("a number")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The pages of a PDF with their text's positions.
fn layout(pdf: &Path) -> Vec<Page> {
    let out = Command::new(tool("pdftotext")).arg("-bbox-layout").arg(pdf).arg("-").output().expect("pdftotext");
    let html = String::from_utf8_lossy(&out.stdout);
    html.split("<page ")
        .skip(1)
        .map(|page| {
            let head = page.split('>').next().unwrap_or_default();
            let blocks = page
                .split("<block ")
                .skip(1)
                .map(|block| {
                    block
                        .split("<line ")
                        .skip(1)
                        .map(|line| {
                            let tag = line.split('>').next().unwrap_or_default();
                            let words: Vec<String> = line
                                .split("<word ")
                                .skip(1)
                                .filter_map(|w| w.split_once('>').and_then(|(_, rest)| rest.split("</word>").next()))
                                .map(unescape)
                                .collect();
                            Line { top: attr(tag, "yMin"), bottom: attr(tag, "yMax"), text: words.join(" ") }
                        })
                        .collect()
                })
                .collect();
            Page { width: attr(head, "width"), height: attr(head, "height"), blocks }
        })
        .collect()
}

/// The distances (points) between the tops of consecutive lines of a paragraph in the body: on
/// the portrait pages, from the line starting with `from` (the first paragraph of the body) to
/// the line before the one starting with `to` (the signature block), lines of one block that
/// stand one under the other. With each, the height of the upper line's box.
fn body_line_distances(pages: &[Page], from: &str, to: &str) -> Vec<(f64, f64, String)> {
    let (from, to): (String, String) = (from.split_whitespace().collect(), to.split_whitespace().collect());
    let mut inside = false;
    let mut out = Vec::new();
    for page in pages.iter().filter(|p| !p.landscape()) {
        for block in &page.blocks {
            let mut previous: Option<&Line> = None;
            for line in block {
                if line.packed().starts_with(&to) {
                    inside = false;
                }
                if inside
                    && let Some(above) = previous
                    && line.top - above.top > 1.0
                    && (line.bottom - line.top - (above.bottom - above.top)).abs() < 0.5
                {
                    out.push((line.top - above.top, above.bottom - above.top, line.text.clone()));
                }
                if line.packed().starts_with(&from) {
                    inside = true;
                    previous = None;
                    continue;
                }
                previous = Some(line);
            }
        }
    }
    out
}

/// Body lines at least 1.15 × the font size apart, and no line's box reaching into the next.
fn assert_body_lines_apart(pages: &[Page], from: &str, to: &str, what: &str) {
    let body_pt = Layout::default().body_pt;
    let distances = body_line_distances(pages, from, to);
    assert!(distances.len() >= 10, "{what}: too few lines of body paragraphs read from the PDF: {distances:?}");
    let closest = distances.iter().map(|d| d.0).fold(f64::INFINITY, f64::min);
    for (distance, box_height, text) in &distances {
        assert!(
            *distance >= 1.15 * body_pt - 0.05,
            "{what}: a body line {distance:.1} pt below the one above ({body_pt} pt text, at least {:.1} pt wanted): {text}",
            1.15 * body_pt
        );
        assert!(
            *distance >= box_height - 0.05,
            "{what}: a body line {distance:.1} pt below the one above, whose glyphs reach {box_height:.1} pt down: {text}"
        );
    }
    eprintln!("{what}: {} body line pairs, the closest {closest:.2} pt apart ({body_pt} pt text)", distances.len());
}

/// In the appendices' tables (from 30 pt above the header's "STT"), lines of a cell far enough apart for their accents: at least
/// 1.15 × the cells' font size, and clear of the line above's glyphs.
fn assert_table_lines_apart(pages: &[Page], what: &str) {
    let cell_pt = Layout::default().heading_pt;
    let mut pairs = 0;
    let mut closest = f64::INFINITY;
    for (n, page) in pages.iter().enumerate().filter(|(_, p)| p.landscape()) {
        // The table: from its header row down.
        let table_top =
            page.lines().filter(|l| l.packed() == "STT").map(|l| l.top).fold(f64::INFINITY, f64::min) - 30.0;
        for block in &page.blocks {
            for pair in block.windows(2) {
                let (above, line) = (&pair[0], &pair[1]);
                if above.top < table_top {
                    continue;
                }
                let distance = line.top - above.top;
                let height = above.bottom - above.top;
                if distance <= 1.0 || (line.bottom - line.top - height).abs() >= 0.5 {
                    continue;
                }
                pairs += 1;
                closest = closest.min(distance);
                assert!(
                    distance >= 1.15 * cell_pt - 0.05 && distance >= height - 0.05,
                    "{what}: page {}: a line of a table cell {distance:.1} pt below the one above ({cell_pt} pt text, \
                     glyphs {height:.1} pt high): {}",
                    n + 1,
                    line.text
                );
            }
        }
    }
    assert!(pairs >= 10, "{what}: too few wrapped lines in the tables: {pairs}");
    eprintln!("{what}: {pairs} table line pairs, the closest {closest:.2} pt apart ({cell_pt} pt text)");
}

/// Every landscape page holds a table's header row (its column labels, `labels`), and a page that
/// does not start an appendix starts with it: above the row with "STT", only the header's own
/// lines (and the page number).
fn assert_pages_start_with_the_header(pages: &[Page], labels: &[&str], what: &str) {
    let header: String = labels.iter().flat_map(|l| l.chars()).filter(|c| !c.is_whitespace()).collect();
    let appendix_pages: Vec<(usize, &Page)> = pages.iter().enumerate().filter(|(_, p)| p.landscape()).collect();
    assert!(
        appendix_pages.len() >= 3,
        "{what}: the appendix runs over pages: {} landscape pages",
        appendix_pages.len()
    );
    let mut continued = 0;
    for (n, page) in appendix_pages {
        let number = n + 1;
        let stt: Vec<&Line> = page.lines().filter(|l| l.packed() == "STT").collect();
        assert_eq!(stt.len(), 1, "{what}: page {number} has its table's header row once");
        let starts_appendix = page.lines().any(|l| l.packed().starts_with("PHỤLỤC"));
        if starts_appendix {
            continue;
        }
        continued += 1;
        let row_top = stt[0].top;
        let row_bottom = page
            .lines()
            .filter(|l| {
                let packed = l.packed();
                header.contains(&packed) && packed.chars().any(char::is_alphabetic) && (l.top - row_top).abs() < 40.0
            })
            .map(|l| l.bottom)
            .fold(row_top, f64::max);
        for line in page.lines().filter(|l| l.bottom <= row_bottom + 0.5) {
            let packed = line.packed();
            let page_number = packed.chars().all(|c| c.is_ascii_digit()) && line.bottom < row_top;
            assert!(
                page_number || header.contains(&packed),
                "{what}: page {number} starts with «{}», not with the table's header row",
                line.text
            );
        }
        let first_data = page.lines().filter(|l| l.top > row_bottom).map(|l| l.top).fold(f64::INFINITY, f64::min);
        assert!(first_data.is_finite(), "{what}: page {number} has rows under its header");
    }
    assert!(continued >= 1, "{what}: a table that runs onto a page of its own");
}

/// The room (points) between the line starting with `above` and the next line starting with
/// `below` on the page: from the bottom of the one's glyphs to the top of the other's. A rule
/// drawn under `above` sits in it.
fn room_between(page: &Page, above: &str, below: &str) -> f64 {
    let find = |start: &str| -> &Line {
        let packed: String = start.split_whitespace().collect();
        page.lines().find(|l| l.packed().starts_with(&packed)).unwrap_or_else(|| panic!("«{start}» on the page"))
    };
    let (a, b) = (find(above), find(below));
    b.top - a.bottom
}

/// Under the issuing body and under the motto a short rule, with room before the next line.
fn assert_room_under_the_rules(page: &Page, issuing_body_last_line: &str, what: &str) {
    for (above, below) in [(issuing_body_last_line, "Số:"), ("Độc lập - Tự do - Hạnh phúc", "Mường La, ngày")]
    {
        let room = room_between(page, above, below);
        eprintln!("{what}: {room:.1} pt between «{above}» and «{below}», its rule between them");
        assert!(
            room >= 6.0,
            "{what}: only {room:.1} pt between «{above}» and «{below}» for the rule and the space under it"
        );
    }
}

#[test]
fn libreoffice_lays_the_report_out_with_spaced_lines_and_a_header_row_on_every_appendix_page() {
    let dir = workdir("report");
    let file = dir.join("bao-cao.docx");
    std::fs::write(&file, crate::docx::long_report()).expect("write");
    let pdf = to_pdf(&dir, &file);
    let pages = layout(&pdf);
    assert!(pages.len() >= 5, "{} pages", pages.len());
    // From the document's type and subject to the signature.
    assert_body_lines_apart(&pages, "BÁO CÁO", "Nơi nhận", "the report");
    assert_room_under_the_rules(&pages[0], "XÃ MƯỜNG LA", "the report");
    let plan = crate::docx::plan();
    let labels = [
        "STT",
        "Các mục tiêu/chỉ tiêu",
        &format!("Kết quả năm {}", plan.year - 1),
        &format!("Chỉ tiêu năm {}", plan.year),
        "Kết quả đến 14/3/2026",
        "Đánh giá",
        "Cơ quan chủ trì",
    ];
    assert_pages_start_with_the_header(&pages, &labels, "the report");
    assert_table_lines_apart(&pages, "the report");
    let info = pdfinfo(&pdf, &[]);
    assert!(info.contains("ỦY BAN NHÂN DÂN XÃ MƯỜNG LA"), "the author is the issuing body: {info}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn libreoffice_lays_the_plan_out_with_spaced_lines_and_a_header_row_on_every_appendix_page() {
    let plan = crate::docx::plan();
    let dir = workdir("plan-layout");
    let file = dir.join("ke-hoach.docx");
    std::fs::write(&file, plan_docx(&plan, &Layout::default()).expect("written")).expect("write");
    let pdf = to_pdf(&dir, &file);
    let pages = layout(&pdf);
    // From the document's type and subject (over two lines) to the signature.
    assert_body_lines_apart(&pages, "KẾ HOẠCH", "Nơi nhận", "the plan");
    assert_room_under_the_rules(&pages[0], "XÃ MƯỜNG LA", "the plan");
    let indicators = [
        "STT",
        "Các mục tiêu/chỉ tiêu",
        &format!("Kết quả năm {}", plan.year - 1),
        &format!("Chỉ tiêu năm {}", plan.year),
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
    ];
    let tasks = ["STT", "Nội dung", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"];
    let all: Vec<&str> = indicators.iter().chain(tasks.iter()).copied().collect();
    assert_pages_start_with_the_header(&pages, &all, "the plan");
    assert_table_lines_apart(&pages, "the plan");
    let _ = std::fs::remove_dir_all(&dir);
}
