//! The documents open in a real office suite: LibreOffice converts them to PDF, and the PDF has
//! the pages, sizes and Vietnamese text the layout asks for. `.ci/run` installs LibreOffice and
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
    let last = sizes.lines().filter(|l| l.contains(" size:") && l.starts_with("Page ")).last().expect("last page");
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
        columns: vec![Column::new("Hình thức", 30.0), Column::new("Nội dung", 40.0), Column::number("Số người", 10.0)],
        rows: vec![
            Row::section(vec!["I".into(), "Quý I".into()]),
            Row::data(vec!["Đài truyền thanh xã".into(), "Bồi dưỡng, tập huấn chuyển đổi số".into(), "45".into()]),
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
    assert!(csv.contains("Đài truyền thanh xã,\"Bồi dưỡng, tập huấn chuyển đổi số\",45"), "{csv}");
    let _ = std::fs::remove_dir_all(&dir);
}
