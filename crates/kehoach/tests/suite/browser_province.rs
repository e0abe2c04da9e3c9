//! The leaders' screen and the province's pages in a real browser at 360×800: the leader opens
//! their screen from the home page (it fits the phone's width, its charts have their text); once
//! the report is approved, the province reaches it from its home page and from the periods
//! table, and a page it may not open answers under its own header, not "Đăng nhập".

use fantoccini::{Client, Locator};

use super::browser::{click, fill, page_text, sign_in, sign_out, start_browser, start_server};

async fn fits_the_screen(c: &Client) -> bool {
    !c.execute("return document.documentElement.scrollWidth > window.innerWidth", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

/// Follows the first link whose address ends with `end`.
async fn follow(c: &Client, end: &str) {
    let link =
        c.find(Locator::Css(&format!("a[href$='{end}']"))).await.unwrap_or_else(|e| panic!("a link to {end}: {e}"));
    let href = link.attr("href").await.unwrap().unwrap();
    let url = c.current_url().await.unwrap().join(&href).unwrap();
    c.goto(url.as_str()).await.unwrap();
}

#[tokio::test]
async fn the_leaders_screen_and_the_provinces_reports_on_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(dir.path());
    let (_driver, c) = start_browser().await;
    let consolidation = "/plans/muong-la-2026/periods/2026-Q1/consolidation";

    // The leader's home page leads to their screen, which fits the phone.
    sign_in(&c, &base, "mau-lanh-dao").await;
    follow(&c, "/plans/muong-la-2026/leaders").await;
    let screen = page_text(&c).await;
    assert!(screen.contains("Tổng quan điều hành") && screen.contains("Nhiệm vụ chưa có tiến độ"), "{screen}");
    assert!(fits_the_screen(&c).await, "the leaders' screen fits a 360-px screen");
    let charts: i64 = c
        .execute(
            "return Array.from(document.querySelectorAll('figure svg')).filter(function (s) { \
               var r = s.getBoundingClientRect(); var id = s.getAttribute('aria-labelledby'); \
               return r.width > 0 && r.right <= window.innerWidth && id && document.getElementById(id).textContent.trim().length > 0; \
             }).length",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert_eq!(charts, 2, "two charts on the screen, each with its text");
    sign_out(&c).await;

    // The officer sends the report; the leader approves it.
    sign_in(&c, &base, "mau-dau-moi").await;
    c.goto(&format!("{base}{consolidation}")).await.unwrap();
    fill(&c, "textarea[name=narrative]", "Quý I/2026 (mẫu).").await;
    click(&c, &format!("form[action='{consolidation}'] button[type=submit]")).await;
    click(&c, &format!("form[action='{consolidation}/send'] button[type=submit]")).await;
    sign_out(&c).await;
    sign_in(&c, &base, "mau-lanh-dao").await;
    assert!(page_text(&c).await.contains("Báo cáo chờ phê duyệt — Quý 1 2026"));
    follow(&c, consolidation).await;
    c.find(Locator::Css("input[name=confirm_incomplete]")).await.unwrap().click().await.unwrap();
    fill(&c, "input[name=number]", "21").await;
    click(&c, "form#approve button[type=submit]").await;
    assert!(page_text(&c).await.contains("21/BC-UBND"));
    sign_out(&c).await;

    // The province: its home lists the report with its document; so does the periods table.
    sign_in(&c, &base, "mau-so-khcn").await;
    let home = page_text(&c).await;
    assert!(home.contains("Báo cáo của các xã đã phê duyệt") && home.contains("Quý 1 2026"), "{home}");
    c.find(Locator::Css("a[href$='/periods/2026-Q1/report.docx']")).await.expect("the .docx on the home page");
    c.goto(&format!("{base}/plans/muong-la-2026/periods")).await.unwrap();
    assert!(fits_the_screen(&c).await);
    c.find(Locator::Css("a[href$='/periods/2026-Q1/report.docx']")).await.expect("the .docx in the periods table");
    assert!(c.find(Locator::Css("a[href$='/requests']")).await.is_err(), "no link to the requests it may not open");
    follow(&c, consolidation).await;
    assert!(page_text(&c).await.contains("21/BC-UBND"));
    // A page it may not open says so under its own header.
    c.goto(&format!("{base}/plans/muong-la-2026/periods/2026-Q1/board")).await.unwrap();
    let refused = page_text(&c).await;
    assert!(refused.contains("Sở KH&CN (mẫu)") && refused.contains("Đăng xuất"), "{refused}");
    assert!(!refused.contains("Đăng nhập"), "{refused}");
    c.close().await.unwrap();
}
