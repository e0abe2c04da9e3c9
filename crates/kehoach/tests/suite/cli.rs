//! The command line, end to end, on a SQLite file in a temporary directory.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::common::{SEED, kehoach, text};

#[test]
fn plan_check_passes_the_seed_and_lists_every_problem_of_a_damaged_copy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.toml"), SEED).unwrap();
    let ok = kehoach(dir.path(), &["plan", "check", "ok.toml"]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("hợp lệ"));

    let damaged = SEED.replacen("lead = \"kinh-te\"", "lead = \"khong-co\"", 1).replacen(
        "deadline_day = 5",
        "deadline_day = 31",
        1,
    );
    std::fs::write(dir.path().join("bad.toml"), &damaged).unwrap();
    let bad = kehoach(dir.path(), &["plan", "check", "bad.toml"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    let lead_line = damaged[..damaged.find("\"khong-co\"").unwrap()].matches('\n').count() + 1;
    assert!(
        err.contains(&format!("bad.toml:{lead_line}:8: không có đơn vị hoặc nhóm đơn vị nào có mã `khong-co`")),
        "{err}"
    );
    assert!(err.contains("ngày 31 không có trong tháng 6"), "{err}");
    assert!(err.contains("2 lỗi"), "{err}");

    let english = kehoach(dir.path(), &["plan", "check", "bad.toml", "--lang", "en"]);
    assert_eq!(english.status.code(), Some(1));
    assert!(text(&english.stderr).contains("no unit or unit group has the code `khong-co`"));

    let missing = kehoach(dir.path(), &["plan", "check", "khong-co.toml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("không đọc được tệp"));
}

#[test]
fn plan_import_then_reimport_and_units() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.toml"), SEED).unwrap();
    let first = kehoach(dir.path(), &["plan", "import", "plan.toml"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(text(&first.stdout).trim(), "muong-la-2026: đã nạp mới");
    assert!(dir.path().join("kehoach.sqlite").exists(), "the default database is a file in the working directory");
    let again = kehoach(dir.path(), &["plan", "import", "plan.toml"]);
    assert_eq!(text(&again.stdout).trim(), "muong-la-2026: không có gì thay đổi");

    let add = kehoach(
        dir.path(),
        &["unit", "add", "--code", "ban-mau", "--name", "Bản Mẫu (mẫu)", "--kind", "village", "--sample"],
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    let bad_kind = kehoach(dir.path(), &["unit", "add", "--code", "x", "--name", "X", "--kind", "hamlet"]);
    assert!(!bad_kind.status.success());
    let said = text(&bad_kind.stderr);
    assert!(
        said.contains("Loại đơn vị không hợp lệ") && said.contains("`hamlet`") && said.contains("village"),
        "{said}"
    );
    // A name on two lines would write its second line into calendar feeds as it is.
    let two_lines =
        kehoach(dir.path(), &["unit", "add", "--code", "ban-x", "--name", "Bản X\r\nEND:VEVENT", "--kind", "village"]);
    assert!(!two_lines.status.success());
    assert!(text(&two_lines.stderr).contains("Tên đơn vị: phải viết trên một dòng"), "{}", text(&two_lines.stderr));

    // A CSV with one bad row adds nothing.
    std::fs::write(dir.path().join("bad.csv"), "code,name,kind\ntk-mau,Tiểu khu Mẫu (mẫu),quarter\nBAD,,village\n")
        .unwrap();
    let bad = kehoach(dir.path(), &["unit", "import", "bad.csv"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("bad.csv:3:"), "{}", text(&bad.stderr));
    std::fs::write(dir.path().join("ok.csv"), "code,name,kind,sample\ntk-mau,Tiểu khu Mẫu (mẫu),quarter,true\n")
        .unwrap();
    assert!(kehoach(dir.path(), &["unit", "import", "ok.csv"]).status.success());

    let list = text(&kehoach(dir.path(), &["unit", "list"]).stdout);
    assert!(list.contains("ban-mau\tvillage\tBản Mẫu (mẫu)\tmẫu"), "{list}");
    assert!(list.contains("tk-mau\tquarter\tTiểu khu Mẫu (mẫu)\tmẫu"), "{list}");
    assert!(!list.contains("BAD"));
}

#[test]
fn serve_seeds_an_empty_database_on_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kehoach"))
        .args(["serve", "--addr", "127.0.0.1:0", "--hsts"])
        .current_dir(dir.path())
        .env_remove("KEHOACH_DATABASE_URL")
        .env("KEHOACH_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start serve");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve exited early").expect("read log");
        if let Some(at) = line.find("http://") {
            break line[at + "http://".len()..].trim().to_owned();
        }
    };
    let mut stream = TcpStream::connect(&addr).expect("connect");
    write!(stream, "GET /api/v1/plans HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    child.kill().ok();
    child.wait().ok();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("strict-transport-security: max-age=31536000"), "--hsts: {response}");
    assert!(response.contains("\"id\":\"muong-la-2026\""), "{response}");
    assert!(response.contains("Mường La"));
    assert!(dir.path().join("kehoach.sqlite").exists());
}
