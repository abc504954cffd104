//! A deployment with a tile server: after logging in, the coordinator's map draws its tiles
//! under the roads with the provider's credit, the page's policy lets them in (no console
//! error), and nothing else changes.

use std::sync::atomic::Ordering;

use vaxride_server::ui::TileSource;
use vaxride_tests::{DESKTOP, Lang, browser, demo_server_with_tiles, tile_server};

use crate::common::{Api, day, js_number, log_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_tile_server_draws_under_the_plan_map() -> anyhow::Result<()> {
    let tiles = tile_server().await?;
    let source = TileSource::parse(&tiles.template)?.with_attribution(Some("Test tiles".into()));
    let server = demo_server_with_tiles("tiles", 1, Some(source)).await?;
    let coordinator = Api::as_role(&server, "coordinator").await?;
    coordinator.run_plan(&day(0), 1).await?;
    let Some(b) = browser(DESKTOP).await? else {
        return Ok(());
    };
    log_in(&b, &server, "coordinator", Lang::En).await?;
    // No plan chosen in this tab: the page shows the day's newest plan, tiles underneath.
    b.wait_for("#plan-map [data-testid=tiles] img.leaflet-tile")
        .await?;
    let images = js_number(
        &b,
        "document.querySelectorAll('#plan-map [data-testid=tiles] img.leaflet-tile').length",
    )
    .await?;
    assert!((1.0..=64.0).contains(&images), "{images} tiles");
    b.wait_until(
        "performance.getEntriesByType('resource').some(r => r.name.includes('/tiles/'))",
        20,
    )
    .await?;
    assert!(tiles.served.load(Ordering::SeqCst) >= 1, "tiles fetched");
    // Tiles are under the roads, and the roads under the routes: the tiles' pane is drawn
    // first, then the roads' pane, then the routes'.
    let order: Vec<f64> = serde_json::from_value(
        b.client
            .execute(
                "const z = (el) => Number(getComputedStyle(el.closest('.leaflet-pane')).zIndex);\
                 const m = document.getElementById('plan-map');\
                 return [z(m.querySelector('[data-testid=tiles]')), z(m.querySelector('.leaflet-roads-pane')),\
                         z(m.querySelector('path[data-testid^=route-]'))];",
                vec![],
            )
            .await?,
    )?;
    assert!(
        order[0] < order[1] && order[1] < order[2],
        "tiles, roads, routes from the bottom: {order:?}"
    );
    // The provider's credit follows the OpenStreetMap one.
    let credit: String = serde_json::from_value(
        b.client
            .execute(
                "return document.querySelector('#plan-map [data-testid=osm-attribution]').textContent;",
                vec![],
            )
            .await?,
    )?;
    assert!(
        credit.contains("OpenStreetMap") && credit.ends_with("Test tiles"),
        "{credit}"
    );
    b.check_page("coordinator plan with tiles").await?;
    b.close().await?;
    Ok(())
}
