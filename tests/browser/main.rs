//! The web interface in headless Chromium, in Chinese and in English: every role's main page
//! loads without console errors, passes the accessibility check, and is photographed at phone
//! and desktop size; then each role's flow (see the other modules).

use vaxride_tests::{Browser, DESKTOP, Lang, PHONE, Server, browser, demo_server};

/// The demo login of a role.
fn login_of(server: &Server, role: &str) -> (String, String) {
    let (_, user, password) = server
        .logins
        .iter()
        .find(|(r, _, _)| r == role)
        .unwrap_or_else(|| panic!("no demo login for {role}"));
    (user.clone(), password.clone())
}

/// Logs in through the form and waits for the role's first view.
async fn log_in(b: &Browser, server: &Server, role: &str, lang: Lang) -> anyhow::Result<()> {
    let (user, password) = login_of(server, role);
    b.open(&server.base, lang).await?;
    b.wait_for("#login-username")
        .await?
        .send_keys(&user)
        .await?;
    b.wait_for("#login-password")
        .await?
        .send_keys(&password)
        .await?;
    b.wait_for("#login-submit").await?.click().await?;
    b.wait_until("!document.getElementById('logout').hidden", 20)
        .await?;
    let expected = match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    };
    b.wait_until(
        &format!("document.documentElement.lang.startsWith('{expected}')"),
        5,
    )
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_s_main_page_in_both_languages_and_sizes() -> anyhow::Result<()> {
    let server = demo_server("pages", 2).await?;
    for (size, size_name) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
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
                if lang == Lang::Zh || size_name == "desktop" {
                    let code = match lang {
                        Lang::Zh => "zh",
                        Lang::En => "en",
                    };
                    b.screenshot(&format!("{role}-{size_name}-{code}")).await?;
                }
                b.wait_for("#logout").await?.click().await?;
                b.wait_for("#login-form").await?;
            }
        }
        b.close().await?;
    }
    Ok(())
}
