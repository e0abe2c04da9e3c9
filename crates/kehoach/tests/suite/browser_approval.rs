//! The commune report's approval in a real browser at 360×800: the focal officer sends it for
//! approval; the leader finds it on the home page's to-do list, is warned about the units that
//! have not reported, confirms, enters the number from the office's register and approves; the
//! province opens the approved report from its own home page.

use fantoccini::{Client, Locator};

use super::browser::{click, fill, page_text, sign_in, sign_out, start_browser, start_server};

/// Follows the first link whose address ends with `end`.
async fn follow(c: &Client, end: &str) {
    let link =
        c.find(Locator::Css(&format!("a[href$='{end}']"))).await.unwrap_or_else(|e| panic!("a link to {end}: {e}"));
    let href = link.attr("href").await.unwrap().unwrap();
    let url = c.current_url().await.unwrap().join(&href).unwrap();
    c.goto(url.as_str()).await.unwrap();
}

async fn fits_the_screen(c: &Client) -> bool {
    !c.execute("return document.documentElement.scrollWidth > window.innerWidth", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

#[tokio::test]
async fn the_leader_approves_and_the_province_opens_it_on_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = start_server(dir.path());
    let (_driver, c) = start_browser().await;
    let consolidation = "/plans/muong-la-2026/periods/2026-Q1/consolidation";

    // The focal officer writes the commune's report and sends it for approval.
    sign_in(&c, &base, "mau-dau-moi").await;
    c.goto(&format!("{base}{consolidation}")).await.unwrap();
    assert!(fits_the_screen(&c).await, "the consolidation fits a 360-px screen");
    fill(&c, "textarea[name=narrative]", "Quý I/2026, UBND xã đã giao nhiệm vụ cho các đơn vị (mẫu).").await;
    click(&c, &format!("form[action='{consolidation}'] button[type=submit]")).await;
    assert!(page_text(&c).await.contains("Đã lưu nội dung báo cáo."));
    click(&c, &format!("form[action='{consolidation}/send'] button[type=submit]")).await;
    let sent = page_text(&c).await;
    assert!(sent.contains("Đã trình lãnh đạo phê duyệt.") && sent.contains("Chờ lãnh đạo phê duyệt"), "{sent}");
    sign_out(&c).await;

    // The leader finds it on the to-do list, and is told which units are missing.
    sign_in(&c, &base, "mau-lanh-dao").await;
    let home = page_text(&c).await;
    assert!(home.contains("chờ phê duyệt") || home.contains("Chờ phê duyệt"), "{home}");
    follow(&c, consolidation).await;
    assert!(fits_the_screen(&c).await);
    let form = page_text(&c).await;
    assert!(form.contains("đơn vị chưa được chấp nhận báo cáo"), "{form}");
    // Without the confirmation the browser does not send the form: the box is required.
    let required: bool = c
        .execute("return document.querySelector('input[name=confirm_incomplete]').required", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(required, "approving without the missing units asks for a confirmation");
    c.find(Locator::Css("input[name=confirm_incomplete]")).await.unwrap().click().await.unwrap();
    fill(&c, "input[name=number]", "15").await;
    click(&c, "form#approve button[type=submit]").await;
    let approved = page_text(&c).await;
    assert!(approved.contains("Đã phê duyệt và lưu báo cáo.") && approved.contains("15/BC-UBND"), "{approved}");
    sign_out(&c).await;

    // The province opens it from its home page.
    sign_in(&c, &base, "mau-so-khcn").await;
    follow(&c, consolidation).await;
    assert!(fits_the_screen(&c).await);
    let seen = page_text(&c).await;
    assert!(seen.contains("15/BC-UBND") && seen.contains("Đã phê duyệt"), "{seen}");
    assert!(!seen.contains("Đăng nhập"), "signed in, as the header says");
    c.find(Locator::Css("a[href*='report.docx?version=1']")).await.expect("the approved document to download");
    c.close().await.unwrap();
}
