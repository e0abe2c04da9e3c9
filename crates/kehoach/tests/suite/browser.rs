//! The reporting cycle in a real browser: headless Chromium at 360×800, driven through
//! chromedriver. A village head fills and submits the report on a phone, the focal officer
//! returns it with a reason, the village head sees it, fixes and resubmits, the officer accepts,
//! and the board shows the report accepted and on time.
//!
//! Needs `chromium` and `chromedriver` (Debian's `chromium`, `chromium-driver`); `.ci/run`
//! installs them when missing.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub(crate) const PASSWORD: &str = "mau-kehoach-2026";

/// A child process killed when the test ends, however it ends.
pub(crate) struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) fn chromedriver_path() -> String {
    std::env::var("KEHOACH_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into())
}

pub(crate) fn chromium_path() -> String {
    std::env::var("KEHOACH_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// Starts `kehoach serve --demo` on a fresh database, frozen on 1 March 2026 (Q1 is open).
pub(crate) fn start_server(dir: &std::path::Path) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kehoach"))
        .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
        .env("KEHOACH_FROZEN_NOW", "2026-03-01T09:00:00+07:00")
        .env("KEHOACH_LOG", "info")
        .env_remove("KEHOACH_DATABASE_URL")
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kehoach");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("kehoach exited early").expect("read log");
        if let Some(at) = line.find("http://") {
            break line[at..].trim().to_owned();
        }
    };
    // Keep reading the log so that the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Killed(child), addr)
}

pub(crate) async fn start_browser() -> (Killed, Client) {
    let port = free_port();
    let driver = Command::new(chromedriver_path())
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start chromedriver ({e}): install chromium-driver, or run bash .ci/run"));
    let driver = Killed(driver);
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium_path(),
            // A phone's viewport: a window cannot be made this narrow, the emulation can.
            "mobileEmulation": { "deviceMetrics": { "width": 360, "height": 800, "pixelRatio": 2.0 } },
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=360,800", format!("--user-data-dir={}", profile.path().display()),
            ]
        }),
    );
    let started = Instant::now();
    let client = loop {
        let attempt = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match attempt {
            Ok(c) => break c,
            Err(e) if started.elapsed() > Duration::from_secs(30) => panic!("chromedriver did not answer: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    // The profile directory must outlive the browser: leak it into the temp dir's lifetime.
    std::mem::forget(profile);
    (driver, client)
}

pub(crate) async fn fill(c: &Client, css: &str, text: &str) {
    let field = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.ok();
    field.send_keys(text).await.unwrap();
}

/// Clicks a button that sends a form, and waits until the next page has loaded.
pub(crate) async fn click(c: &Client, css: &str) {
    c.execute("window.__khOldPage = true", vec![]).await.unwrap();
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
    let started = Instant::now();
    loop {
        let loaded = c
            .execute("return window.__khOldPage === undefined && document.readyState === 'complete'", vec![])
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if loaded {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no new page after clicking {css}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens every folded section of a long form (`details`), as a user taps them open.
pub(crate) async fn open_sections(c: &Client) {
    c.execute("document.querySelectorAll('details').forEach(function (d) { d.open = true; })", vec![]).await.unwrap();
}

/// A value computed in the page, as a number.
async fn number(c: &Client, script: &str) -> f64 {
    c.execute(script, vec![]).await.unwrap().as_f64().unwrap_or_else(|| panic!("not a number: {script}"))
}

/// The value of a form field.
async fn value_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

pub(crate) async fn page_text(c: &Client) -> String {
    c.find(Locator::Css("body")).await.unwrap().text().await.unwrap()
}

pub(crate) async fn sign_in(c: &Client, base: &str, username: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "input[name=username]", username).await;
    fill(c, "input[name=password]", PASSWORD).await;
    click(c, "form[action='/login'] button[type=submit]").await;
}

pub(crate) async fn sign_out(c: &Client) {
    click(c, "form[action='/logout'] button").await;
}

#[tokio::test]
async fn the_reporting_cycle_on_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(dir.path());
    let (_driver, c) = start_browser().await;
    let report = format!("{base}/plans/muong-la-2026/periods/2026-Q1/reports/ban-mau-1");

    // The village head signs in and sees what is due from them.
    sign_in(&c, &base, "mau-ban-1").await;
    let home = page_text(&c).await;
    assert!(home.contains("Việc cần làm") && home.contains("Báo cáo Quý 1 2026"), "{home}");
    let width: i64 = c.execute("return document.documentElement.clientWidth", vec![]).await.unwrap().as_i64().unwrap();
    assert!(width <= 360, "a phone's width, not {width}");

    c.goto(&report).await.unwrap();
    let overflow: bool = c
        .execute("return document.documentElement.scrollWidth > window.innerWidth", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(!overflow, "the report form fits a 360-px screen without sideways scrolling");
    // Each section says how many of its fields are still empty, and counts down as they fill
    // (the tasks first, the texts last).
    let empty = |section: &str| {
        format!(
            "var s = document.querySelectorAll('details.section'); return Number(s[{section}].querySelector('[data-count]').textContent)"
        )
    };
    let (tasks_empty, texts_empty) = (number(&c, &empty("0")).await, number(&c, &empty("s.length - 1")).await);
    assert!(tasks_empty >= 1.0 && texts_empty == 3.0, "empty at first: {tasks_empty} tasks, {texts_empty} texts");
    c.find(Locator::Css("select[name='task.I.1.status']")).await.unwrap().select_by_value("in_progress").await.unwrap();
    fill(&c, "textarea[name=activities]", "Tổ chức 02 buổi tuyên truyền tại nhà văn hoá bản").await;
    assert_eq!(number(&c, &empty("0")).await, tasks_empty - 1.0, "one task reported");
    assert_eq!(number(&c, &empty("s.length - 1")).await, 2.0, "one text written");
    // Leaving the page before saving (a dropped connection, a tap on the wrong link) loses
    // nothing: a fresh visit, not a reload the browser itself might restore.
    c.goto(&format!("{base}/plans/muong-la-2026/periods")).await.unwrap();
    c.goto(&report).await.unwrap();
    let kept = c.find(Locator::Css("textarea[name=activities]")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("Tổ chức 02 buổi tuyên truyền tại nhà văn hoá bản"),
        "unsaved text survives a reload"
    );
    // The save and submit buttons are in reach without scrolling to the end of the form.
    let bar =
        number(&c, "return document.querySelector('button[name=intent][value=submit]').getBoundingClientRect().bottom")
            .await;
    let screen = number(&c, "return window.innerHeight").await;
    assert!(bar <= screen, "the submit button is on the first screen ({bar} > {screen})");
    click(&c, "button[name=intent][value=submit]").await;
    assert!(page_text(&c).await.contains("Đã gửi báo cáo."));
    // Sent, the report reads as text.
    let sent = c.find(Locator::Css(".report-read")).await.expect("the sent report, as text").text().await.unwrap();
    assert!(sent.contains("Tổ chức 02 buổi tuyên truyền tại nhà văn hoá bản"), "{sent}");
    sign_out(&c).await;

    // The focal officer sees it on time, and returns it with a reason.
    sign_in(&c, &base, "mau-dau-moi").await;
    c.goto(&format!("{base}/plans/muong-la-2026/periods/2026-Q1/board")).await.unwrap();
    let board = page_text(&c).await;
    assert!(board.contains("Bản Mẫu Một (mẫu)") && board.contains("Đã nộp đúng hạn"), "{board}");
    c.goto(&report).await.unwrap();
    fill(&c, "textarea[name=reason]", "Bổ sung số lượt tuyên truyền (chỉ tiêu IV.1)").await;
    click(&c, "button[value=return]").await;
    assert!(page_text(&c).await.contains("Đã trả lại báo cáo cho đơn vị."));
    sign_out(&c).await;

    // The village head sees the reason, fixes and resubmits.
    sign_in(&c, &base, "mau-ban-1").await;
    c.goto(&report).await.unwrap();
    let text = page_text(&c).await;
    assert!(text.contains("Bổ sung số lượt tuyên truyền (chỉ tiêu IV.1)"), "{text}");
    open_sections(&c).await;
    fill(&c, "textarea[name=proposals]", "Đề nghị xã hỗ trợ loa cho nhà văn hoá bản (mẫu)").await;
    click(&c, "button[name=intent][value=submit]").await;
    assert!(page_text(&c).await.contains("Đã gửi báo cáo."));
    sign_out(&c).await;

    // The officer reads the report as text, and accepts from the top of the page; the board
    // shows it accepted, on time.
    sign_in(&c, &base, "mau-dau-moi").await;
    c.goto(&report).await.unwrap();
    let fields = number(
        &c,
        "return document.querySelectorAll('#report-form textarea, #report-form input[name^=figure]').length",
    )
    .await;
    assert_eq!(fields, 0.0, "no fields to scroll through");
    let accept = number(&c, "return document.querySelector('button[value=accept]').getBoundingClientRect().top").await;
    let report_top = number(&c, "return document.querySelector('.report-read').getBoundingClientRect().top").await;
    assert!(accept < report_top, "Accept comes before the report");
    assert!(accept < screen, "Accept is on the first screen ({accept} px)");
    click(&c, "button[value=accept]").await;
    assert!(page_text(&c).await.contains("Đã chấp nhận báo cáo."));
    c.goto(&format!("{base}/plans/muong-la-2026/periods/2026-Q1/board")).await.unwrap();
    let row =
        c.find(Locator::Css("tr.standing-accepted")).await.expect("an accepted row on the board").text().await.unwrap();
    assert!(row.contains("Bản Mẫu Một (mẫu)") && row.contains("Đã chấp nhận") && row.contains("đúng hạn"), "{row}");
    sign_out(&c).await;

    // The village head records a village meeting from the phone; the indicator counts it, and
    // its evidence lists it.
    sign_in(&c, &base, "mau-ban-1").await;
    c.goto(&format!("{base}/plans/muong-la-2026/registers/truyen_thong/new")).await.unwrap();
    let overflow: bool = c
        .execute("return document.documentElement.scrollWidth > window.innerWidth", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(!overflow, "the register form fits a 360-px screen without sideways scrolling");
    c.find(Locator::Css("select[name='f.kenh']")).await.unwrap().select_by_value("hop_ban").await.unwrap();
    fill(&c, "textarea[name='f.chu_de']", "Giới thiệu mô hình tưới tiết kiệm (mẫu)").await;
    // A typing slip ("50%" for a number of people) keeps the user in the form: the value and
    // the rest of what was typed stay, the problem is said beside the field, nothing is saved.
    fill(&c, "input[name='f.so_nguoi']", "50%").await;
    click(&c, "form.stack button[type=submit]").await;
    let refused = page_text(&c).await;
    assert!(refused.contains("Số người tham dự") && refused.contains("phải là số nguyên không âm"), "{refused}");
    assert!(!refused.contains("Đã lưu"), "nothing saved: {refused}");
    assert_eq!(value_of(&c, "input[name='f.so_nguoi']").await, "50%", "the value as typed");
    assert_eq!(
        value_of(&c, "textarea[name='f.chu_de']").await,
        "Giới thiệu mô hình tưới tiết kiệm (mẫu)",
        "the rest as typed"
    );
    let beside = c.find(Locator::Css("input[name='f.so_nguoi'] ~ .error")).await.expect("beside the field");
    assert!(beside.text().await.unwrap().contains("số nguyên"));
    // Written the way a Vietnamese office writes a thousand and 32, it is read so.
    fill(&c, "input[name='f.so_nguoi']", "1.032").await;
    click(&c, "form.stack button[type=submit]").await;
    let saved = page_text(&c).await;
    assert!(saved.contains("Hoạt động tuyên truyền #"), "{saved}");
    assert!(saved.contains("Đã lưu bản ghi mới."), "a confirmation after the save: {saved}");
    assert_eq!(value_of(&c, "input[name='f.so_nguoi']").await, "1032", "1.032 read as a thousand and 32");
    // A photo from the phone (here 4000×3000, made in the page) goes up scaled down to 1600 px
    // on its long side, as a JPEG, with a thumbnail first.
    let picked = c
        .execute_async(
            "var done = arguments[arguments.length - 1];
             var canvas = document.createElement('canvas'); canvas.width = 4000; canvas.height = 3000;
             var g = canvas.getContext('2d'); var grad = g.createLinearGradient(0, 0, 4000, 3000);
             grad.addColorStop(0, '#2a6'); grad.addColorStop(1, '#c33'); g.fillStyle = grad; g.fillRect(0, 0, 4000, 3000);
             canvas.toBlob(function (blob) {
               var input = document.querySelector('form[data-upload] input[type=file]');
               var list = new DataTransfer(); list.items.add(new File([blob], 'ảnh họp bản.png', { type: 'image/png' }));
               input.files = list.files; input.dispatchEvent(new Event('change'));
               done(blob.size);
             }, 'image/png');",
            vec![],
        )
        .await
        .unwrap();
    assert!(picked.as_f64().unwrap_or(0.0) > 0.0, "a photo picked");
    let started = Instant::now();
    while c.find_all(Locator::Css(".thumbs img")).await.unwrap().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "a thumbnail of the photo");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(&c, "form[data-upload] button[type=submit]").await;
    let attached = page_text(&c).await;
    assert!(attached.contains("Đã đính kèm tệp minh chứng.") && attached.contains("ảnh họp bản.jpg"), "{attached}");
    let long_side = c
        .execute_async(
            "var done = arguments[arguments.length - 1];
             fetch(document.querySelector('a[href*=\"/files/\"]').href).then(function (r) { return r.blob(); })
               .then(function (b) { return createImageBitmap(b).then(function (i) { done([b.type, Math.max(i.width, i.height)]); }); })
               .catch(function (e) { done(String(e)); });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(long_side, json!(["image/jpeg", 1600]), "scaled down in the browser before upload");
    c.goto(&format!("{base}/plans/muong-la-2026/indicators/IV.1/evidence")).await.unwrap();
    let evidence = page_text(&c).await;
    assert!(evidence.contains("Giới thiệu mô hình tưới tiết kiệm (mẫu)"), "{evidence}");
    assert!(evidence.contains("Bản Mẫu Một (mẫu)"), "{evidence}");
    c.close().await.unwrap();
}
