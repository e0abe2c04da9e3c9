//! The hand-off to the province in a real browser at 360×800 (issue 13): the commune approves →
//! the province's board shows it sent on time → the province returns it with a reason → the
//! commune reads the reason, reopens, corrects and approves again (sent again) → the province
//! accepts → the roll-up counts it and the province's .docx has its row.

use std::io::{Read, Write};

use fantoccini::{Client, Locator};

use super::browser::{click, fill, page_text, sign_in, sign_out, start_browser, start_server};

const CONSOLIDATION: &str = "/plans/muong-la-2026/periods/2026-Q1/consolidation";
const BOARD: &str = "/province/son-la?period=2026-Q1";
const REASON: &str = "Phần đánh giá chưa nêu khó khăn của các bản (thử nghiệm).";

async fn fits_the_screen(c: &Client) -> bool {
    !c.execute("return document.documentElement.scrollWidth > window.innerWidth", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

/// The text of Mường La's row on the province's board.
async fn muong_la_on_the_board(c: &Client, base: &str) -> String {
    c.goto(&format!("{base}{BOARD}")).await.unwrap();
    c.find(Locator::Css("#xa-03808")).await.expect("Mường La's row on the board").text().await.unwrap()
}

/// The leader approves the period's report under `number`, confirming the missing units.
async fn approve(c: &Client, base: &str, number: &str) {
    c.goto(&format!("{base}{CONSOLIDATION}")).await.unwrap();
    if let Ok(confirm) = c.find(Locator::Css("input[name=confirm_incomplete]")).await {
        confirm.click().await.unwrap();
    }
    fill(c, "input[name=number]", number).await;
    click(c, "form#approve button[type=submit]").await;
    assert!(page_text(c).await.contains(&format!("{number}/BC-UBND")), "approved as {number}");
}

/// GET `path` with the browser's session, as bytes (HTTP/1.0: the body ends with the connection).
async fn download(c: &Client, base: &str, path: &str) -> Vec<u8> {
    let cookies = c.get_all_cookies().await.unwrap();
    let cookie: Vec<String> = cookies.iter().map(|k| format!("{}={}", k.name(), k.value())).collect();
    let host = base.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let request = format!("GET {path} HTTP/1.0\r\nHost: {host}\r\nCookie: {}\r\n\r\n", cookie.join("; "));
    let mut stream = std::net::TcpStream::connect(&host).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("headers end") + 4;
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    assert!(head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"), "{path}: {head}");
    response[split..].to_vec()
}

/// The words of a .docx's main part.
fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[tokio::test]
async fn the_hand_off_both_ways_on_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(dir.path());
    let (_driver, c) = start_browser().await;

    // The officer sends the report for approval; the leader approves it: it goes to the province.
    sign_in(&c, &base, "mau-dau-moi").await;
    c.goto(&format!("{base}{CONSOLIDATION}")).await.unwrap();
    fill(&c, "textarea[name=narrative]", "Quý I/2026: các nhiệm vụ triển khai đúng kế hoạch (mẫu).").await;
    click(&c, &format!("form[action='{CONSOLIDATION}'] button[type=submit]")).await;
    click(&c, &format!("form[action='{CONSOLIDATION}/send'] button[type=submit]")).await;
    sign_out(&c).await;
    sign_in(&c, &base, "mau-lanh-dao").await;
    approve(&c, &base, "31").await;
    let page = page_text(&c).await;
    assert!(page.contains("Đã gửi") && page.contains("đang chờ tiếp nhận"), "{page}");
    sign_out(&c).await;

    // The department's board: sent, on time (the demo's today is 1 March, the deadline the 10th).
    sign_in(&c, &base, "mau-so-khcn").await;
    let row = muong_la_on_the_board(&c, &base).await;
    assert!(row.contains("Đã gửi, chờ tiếp nhận") && row.contains("Đúng hạn"), "{row}");
    assert!(fits_the_screen(&c).await, "the board fits a 360-px screen");
    // It returns the report with its reason.
    fill(&c, "#xa-03808 textarea[name=reason]", REASON).await;
    click(&c, "#xa-03808 form[action$='/return'] button[type=submit]").await;
    assert!(page_text(&c).await.contains("Đã trả lại báo cáo cho xã kèm lý do."));
    let row = muong_la_on_the_board(&c, &base).await;
    assert!(row.contains("Bị trả lại") && row.contains(REASON), "{row}");
    sign_out(&c).await;

    // The commune reads the reason on its to-do list and on the report; the leader reopens it.
    sign_in(&c, &base, "mau-lanh-dao").await;
    let home = page_text(&c).await;
    assert!(home.contains("Sở trả lại báo cáo") && home.contains(REASON), "the to-do list says why: {home}");
    c.goto(&format!("{base}{CONSOLIDATION}")).await.unwrap();
    let page = page_text(&c).await;
    assert!(page.contains("Sở trả lại lúc") && page.contains(REASON), "{page}");
    // The reopening form is folded away unless the page opens it (a returned report does).
    c.execute(
        &format!("document.querySelector(\"form[action='{CONSOLIDATION}/reopen']\").closest('details').open = true"),
        vec![],
    )
    .await
    .unwrap();
    fill(&c, &format!("form[action='{CONSOLIDATION}/reopen'] textarea[name=reason]"), "Bổ sung theo ý kiến của Sở.")
        .await;
    click(&c, &format!("form[action='{CONSOLIDATION}/reopen'] button[type=submit]")).await;
    sign_out(&c).await;
    // The officer corrects the narrative and sends it again; the leader approves version 2.
    sign_in(&c, &base, "mau-dau-moi").await;
    c.goto(&format!("{base}{CONSOLIDATION}")).await.unwrap();
    fill(
        &c,
        "textarea[name=narrative]",
        "Quý I/2026: các nhiệm vụ triển khai đúng kế hoạch; khó khăn: sóng điện thoại yếu ở bản xa (mẫu).",
    )
    .await;
    click(&c, &format!("form[action='{CONSOLIDATION}'] button[type=submit]")).await;
    click(&c, &format!("form[action='{CONSOLIDATION}/send'] button[type=submit]")).await;
    sign_out(&c).await;
    sign_in(&c, &base, "mau-lanh-dao").await;
    approve(&c, &base, "32").await;
    sign_out(&c).await;

    // The department sees it again, still on time (the first sending counts), and accepts it.
    sign_in(&c, &base, "mau-so-khcn").await;
    let row = muong_la_on_the_board(&c, &base).await;
    assert!(row.contains("Đã gửi, chờ tiếp nhận") && row.contains("Đúng hạn") && row.contains("32"), "{row}");
    click(&c, "#xa-03808 form[action$='/accept'] button[type=submit]").await;
    assert!(page_text(&c).await.contains("Đã tiếp nhận báo cáo."));
    assert!(muong_la_on_the_board(&c, &base).await.contains("Đã tiếp nhận"));

    // The roll-up counts it among the accepted communes; one indicator links to its report.
    c.goto(&format!("{base}/province/son-la/rollup?period=2026-Q1")).await.unwrap();
    let rollup = page_text(&c).await;
    assert!(rollup.contains("Số liệu chính thức") && rollup.contains("Số liệu trực tiếp"), "{rollup}");
    assert!(fits_the_screen(&c).await, "the roll-up fits a 360-px screen");
    c.goto(&format!("{base}/province/son-la/indicators/sang-kien?period=2026-Q1&q=muong+la")).await.unwrap();
    let one = page_text(&c).await;
    assert!(one.contains("Mường La"), "a search without diacritics finds Mường La: {one}");
    c.find(Locator::Css("a[href*='/plans/muong-la-2026/']")).await.expect("Mường La's value links to its report");

    // The department's consolidated report has Mường La's row with its report's number.
    let docx = docx_text(&download(&c, &base, "/province/son-la/report.docx?period=2026-Q1").await);
    assert!(docx.contains("Mường La"), "Mường La in the province's report");
    assert!(docx.contains("32/BC-UBND") || docx.contains(">32<"), "its accepted report's number in the Phụ lục");
    c.close().await.unwrap();
}
