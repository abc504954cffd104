//! The web interface in headless Chromium, in Chinese and in English: every role's main page
//! loads without console errors, passes the accessibility check, and is photographed at phone
//! and desktop size; at phone sizes (360 and 390 px wide) it does not scroll sideways and every
//! link, button and control is at least 44 px tall; then each role's flow (see the other
//! modules).

mod accounts;
mod common;
mod coordinator;
mod driver;
mod homes;
mod moves;
mod offers;
mod progress;
mod replan;
mod secretary;
mod tiles;
mod vanplan;
mod visits;

use common::{check_phone_layout, log_in};
use vaxride_tests::{DESKTOP, IPHONE, Lang, PHONE, browser, demo_server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_s_main_page_in_both_languages_and_sizes() -> anyhow::Result<()> {
    let server = demo_server("pages", 2).await?;
    for (size, size_name) in [
        (PHONE, "phone"),
        (IPHONE, "phone-390"),
        (DESKTOP, "desktop"),
    ] {
        let Some(b) = browser(size).await? else {
            return Ok(());
        };
        for lang in [Lang::Zh, Lang::En] {
            b.open(&server.base, lang).await?;
            b.wait_for("#login-form").await?;
            b.check_page(&format!("login page ({lang:?}, {size_name})"))
                .await?;
            for role in ["secretary", "coordinator", "driver"] {
                log_in(&b, &server, role, lang).await?;
                // Let the view load its data before the checks.
                b.wait_until("!document.getElementById('loading')", 10)
                    .await
                    .ok();
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                b.check_page(&format!("{role} ({lang:?}, {size_name})"))
                    .await?;
                if size.0 < 760 {
                    check_phone_layout(&b, &format!("{role} ({lang:?}, {size_name})")).await?;
                }
                if size != IPHONE && (lang == Lang::Zh || size_name == "desktop") {
                    let code = match lang {
                        Lang::Zh => "zh",
                        Lang::En => "en",
                    };
                    b.screenshot(&format!("{role}-{size_name}-{code}")).await?;
                }
                b.click("#logout").await?;
                b.wait_for("#login-form").await?;
            }
        }
        b.close().await?;
    }
    Ok(())
}
