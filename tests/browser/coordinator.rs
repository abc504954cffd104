//! The coordinator runs the plan of the demo day: the progress bar moves, the map shows the
//! routes (and the OpenStreetMap credit); she publishes and the plan says so.

use vaxride_tests::{DESKTOP, Lang, browser, demo_server};

use crate::common::{day, js_number, lang_prefix, log_in, set_value};

async fn flow(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("coordinator-{code}"), 2).await?;
    let Some(b) = browser(DESKTOP).await? else {
        return Ok(());
    };
    log_in(&b, &server, "coordinator", lang).await?;
    b.wait_for("#plan-form").await?;
    let shown: String = serde_json::from_value(
        b.client
            .execute("return document.getElementById('plan-day').value;", vec![])
            .await?,
    )?;
    assert_eq!(shown, day(0), "the plan day defaults to today ({lang:?})");
    set_value(&b, "#plan-seconds", "3").await?;
    b.wait_for("#plan-run").await?.click().await?;
    // The bar moves before the plan is there.
    b.wait_until(
        "(() => { const p = document.getElementById('plan-progress');\
           return p.value > 0 && p.value < 100 && !document.getElementById('plan-status'); })()",
        30,
    )
    .await?;
    b.wait_until("document.querySelector('#plan-status')", 60)
        .await?;
    b.wait_for("#plan-map [data-testid^=route-]").await?;
    let routes = js_number(
        &b,
        "document.querySelectorAll('#plan-map [data-testid^=route-]').length",
    )
    .await?;
    assert!(routes >= 1.0, "routes on the map ({lang:?})");
    b.wait_for("#plan-map [data-testid=osm-attribution]")
        .await?;
    b.wait_until("!document.getElementById('plan-publish').disabled", 10)
        .await?;
    b.wait_for("#plan-publish").await?.click().await?;
    let published = match lang {
        Lang::Zh => "已发布",
        Lang::En => "published",
    };
    b.wait_until(
        &format!("document.getElementById('plan-status').textContent.includes('{published}')"),
        20,
    )
    .await?;
    b.wait_until("document.getElementById('plan-publish').disabled", 5)
        .await?;
    b.check_page(&format!("coordinator plan, published ({lang:?})"))
        .await?;
    b.screenshot(&format!("coordinator-plan-desktop-{code}"))
        .await?;
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_runs_watches_progress_sees_routes_and_publishes() -> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        flow(lang).await?;
    }
    Ok(())
}
