//! The coordinator runs the plan of the demo day: the progress bar moves, the map shows the
//! routes (and the OpenStreetMap credit); she publishes and the plan says so, also in the
//! day's list of plans, and a fresh page shows the published plan. A driver declines a trip;
//! the day's trips show it and she reassigns it to another vehicle.

use anyhow::Context;
use serde_json::{Value, json};
use vaxride_tests::{DESKTOP, Lang, browser, demo_server};

use crate::common::{Api, day, js_number, lang_prefix, log_in, login_of, map_moves, set_value};

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
    b.wait_for("#plan-list-empty").await?;
    set_value(&b, "#plan-seconds", "3").await?;
    b.click("#plan-run").await?;
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
    // Every vehicle's route has its own colour (issue 14: the palette repeated after 12), the
    // legend says what its number counts, and pressing an entry fades the other routes.
    let colours = js_number(
        &b,
        "new Set([...document.querySelectorAll('#plan-map path[data-testid^=route-]')].map(p => p.dataset.testid + '|')).size \
         - new Set([...document.querySelectorAll('#plan-map path[data-testid^=route-]')].map(p => p.getAttribute('stroke'))).size",
    )
    .await?;
    assert_eq!(colours, 0.0, "as many colours as routes ({lang:?})");
    let entry = b
        .wait_for("#plan-legend button[data-testid^=legend-]")
        .await?;
    let words = entry.text().await?;
    let stops = match lang {
        Lang::Zh => "个停靠点",
        Lang::En => " stops",
    };
    assert!(
        words.contains(stops),
        "the legend names its count ({lang:?}): {words}"
    );
    entry.click().await?;
    b.wait_until(
        "(() => { const on = document.querySelector('#plan-legend button[aria-pressed=true]').dataset.testid.slice(7);\
           const all = [...document.querySelectorAll('#plan-map path[data-route]')];\
           return all.some(p => !p.dataset.testid) \
             && all.every(p => p.classList.contains('faded') === (p.dataset.route !== on)); })()",
        5,
    )
    .await
    .context("one route highlighted from the legend")?;
    map_moves(&b, "#plan-map .map-view", lang).await?;
    assert_eq!(
        js_number(
            &b,
            "document.querySelectorAll('[data-testid=tiles]').length"
        )
        .await?,
        0.0,
        "no tile server configured: the base map is the road network alone ({lang:?})"
    );
    b.wait_for("#plan-map [data-testid=osm-attribution]")
        .await?;
    // One readable size for every site's slot chart (issue 14: a van stop's was 920 px tall
    // with 50 px text), and a capacity below the site's says why.
    b.wait_for("[data-testid^=slot-chart-]").await?;
    let tallest = js_number(
        &b,
        "Math.max(...[...document.querySelectorAll('[data-testid^=slot-chart-]')].map(s => s.getBoundingClientRect().height))",
    )
    .await?;
    assert!(
        tallest <= 260.0,
        "slot charts are at most 260 px tall ({lang:?}): {tallest}"
    );
    let below: Vec<Value> = serde_json::from_value(
        b.client
            .execute(
                "return [...document.querySelectorAll('#slot-chart figure')]\
                   .filter(f => !f.querySelector('[data-testid=capacity-note]')).map(f => f.querySelector('svg').dataset.testid);",
                vec![],
            )
            .await?,
    )?;
    let sites: Vec<Value> = serde_json::from_value(
        Api::as_role(&server, "coordinator")
            .await?
            .get("/api/sites")
            .await?,
    )?;
    for chart in below {
        let id: i64 = chart
            .as_str()
            .unwrap_or("")
            .trim_start_matches("slot-chart-")
            .parse()?;
        let site = sites
            .iter()
            .find(|x| x["id"] == id)
            .context("the chart's site")?;
        assert!(
            site["booked_share"].as_f64() == Some(1.0),
            "a site keeping places for walk-ins says so under its chart ({lang:?}): {site}"
        );
    }
    b.wait_until("!document.getElementById('plan-publish').disabled", 10)
        .await?;
    b.click("#plan-publish").await?;
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
    b.wait_for("#plan-table [data-status=published]").await?;
    b.check_page(&format!("coordinator plan, published ({lang:?})"))
        .await?;
    b.screenshot(&format!("coordinator-plan-desktop-{code}"))
        .await?;

    // A fresh page with nothing remembered shows the day's published plan.
    b.client
        .execute("sessionStorage.clear(); location.reload();", vec![])
        .await?;
    b.wait_for("#plan-table [data-status=published]").await?;
    b.wait_until(
        &format!(
            "(document.getElementById('plan-status') || {{}}).textContent?.includes('{published}')"
        ),
        20,
    )
    .await?;
    b.wait_for("#plan-map [data-testid^=route-]").await?;

    // A driver declines a trip: the day's trips flag it and the coordinator reassigns it.
    let coordinator = Api::as_role(&server, "coordinator").await?;
    let today = day(0);
    let trips: Vec<Value> =
        serde_json::from_value(coordinator.get(&format!("/api/trips?day={today}")).await?)?;
    let trip = trips.first().context("the published plan has a trip")?;
    let trip_id = trip["id"].as_i64().context("trip id")?;
    let mut drivers: Vec<Value> = serde_json::from_value(coordinator.get("/api/drivers").await?)?;
    drivers.sort_by_key(|d| d["id"].as_i64());
    let index = drivers
        .iter()
        .position(|d| d["id"] == trip["driver_id"])
        .context("the trip's driver")?;
    let (_, password) = login_of(&server, "driver");
    let driver = Api::login(&server, &format!("driver-{}", index + 1), &password).await?;
    driver
        .post(&format!("/api/trips/{trip_id}/decline"), json!({}))
        .await?;
    // A partner van and its driver join through the fleet page, with room for the trip; a
    // spare car that will not be needed is retired there.
    let van_name = format!("Partner van {code}");
    let start = &trip["stops"][0];
    let spare = coordinator
        .post(
            "/api/vehicles",
            json!({"name": "Spare car", "seats": 3, "shift": ["08:00", "12:00"],
                   "start": {"lon": start["lon"], "lat": start["lat"]}}),
        )
        .await?["id"]
        .as_i64()
        .context("the spare car's id")?;
    b.click("#nav-coordinator-fleet").await?;
    let retire = format!("[data-testid=vehicle-retire-{spare}]");
    b.click(&retire).await?;
    // The first tap only asks; the second retires.
    b.click(&retire).await?;
    b.wait_until(
        &format!("!document.querySelector('[data-testid=vehicle-row-{spare}]')"),
        10,
    )
    .await?;
    let active: Vec<Value> = serde_json::from_value(coordinator.get("/api/vehicles").await?)?;
    assert!(
        active.iter().all(|v| v["id"] != spare),
        "the spare car is retired ({lang:?})"
    );
    b.wait_for("#vehicle-table").await?;
    b.click("details:has(#vehicle-form) > summary").await?;
    for (css, value) in [
        ("#vehicle-name", van_name.clone()),
        ("#vehicle-seats", "6".into()),
        ("#vehicle-wheelchairs", "2".into()),
        ("#vehicle-from", "06:00".into()),
        ("#vehicle-to", "21:00".into()),
        ("#vehicle-lon", start["lon"].to_string()),
        ("#vehicle-lat", start["lat"].to_string()),
    ] {
        set_value(&b, css, &value).await?;
    }
    // Features come from a fixed list, in the page's language (issue 14: "ramp" showed in
    // English on the Chinese page, and any word typed was taken).
    b.click("#vehicle-features-ramp").await?;
    b.click("#vehicle-save").await?;
    b.wait_until(
        &format!("[...document.querySelectorAll('#vehicle-table td')].some(td => td.textContent === '{van_name}')"),
        10,
    )
    .await?;
    let vehicles: Vec<Value> = serde_json::from_value(coordinator.get("/api/vehicles").await?)?;
    let van = vehicles
        .iter()
        .find(|v| v["name"] == van_name.as_str())
        .and_then(|v| v["id"].as_i64())
        .context("the new van is stored")?;
    // It has eight seats, not six: the coordinator corrects it through the same form.
    b.click(&format!("[data-testid=vehicle-edit-{van}]"))
        .await?;
    b.wait_until(
        &format!("document.getElementById('vehicle-name').value === '{van_name}'"),
        5,
    )
    .await?;
    set_value(&b, "#vehicle-seats", "8").await?;
    b.click("#vehicle-save").await?;
    b.wait_until(
        &format!(
            "document.querySelector('[data-testid=vehicle-row-{van}] td:nth-child(2)').textContent === '8'"
        ),
        10,
    )
    .await?;
    let vehicles: Vec<Value> = serde_json::from_value(coordinator.get("/api/vehicles").await?)?;
    let stored = vehicles
        .iter()
        .find(|v| v["id"] == van)
        .context("the van is still there")?;
    assert_eq!(
        (
            stored["seats"].as_i64(),
            stored["wheelchairs"].as_i64(),
            &stored["features"]
        ),
        (Some(8), Some(2), &serde_json::json!(["ramp"])),
        "the edit changed the seats and kept the rest ({lang:?})"
    );
    let shown = b
        .client
        .execute(
            "return document.querySelector(`[data-testid=vehicle-row-${arguments[0]}] td:nth-child(4)`).textContent;",
            vec![serde_json::json!(van)],
        )
        .await?;
    let words = match lang {
        Lang::Zh => "轮椅坡道或升降梯",
        Lang::En => "wheelchair ramp or lift",
    };
    assert_eq!(
        shown,
        serde_json::json!(words),
        "the feature in the page's language"
    );
    assert_eq!(stored["name"], van_name.as_str());
    assert_eq!(
        vehicles
            .iter()
            .filter(|v| v["name"] == van_name.as_str())
            .count(),
        1,
        "an edit adds nothing"
    );
    b.click("details:has(#driver-form) > summary").await?;
    set_value(&b, "#driver-name", "Wang Wei").await?;
    set_value(&b, "#driver-phone", "13900000077").await?;
    set_value(&b, "#driver-vehicle", &van.to_string()).await?;
    b.click("#driver-save").await?;
    b.wait_until(
        "[...document.querySelectorAll('#driver-table td')].some(td => td.textContent === 'Wang Wei')",
        10,
    )
    .await?;
    // A second driver for the same van is refused, in the page's words, naming the field.
    set_value(&b, "#driver-name", "Zhou Min").await?;
    set_value(&b, "#driver-phone", "13900000078").await?;
    set_value(&b, "#driver-vehicle", &van.to_string()).await?;
    b.click("#driver-save").await?;
    let said = match lang {
        Lang::Zh => "车辆: 这辆车已经有司机了",
        Lang::En => "vehicle: the vehicle already has a driver",
    };
    b.wait_until(
        &format!("document.getElementById('driver-error').textContent.includes('{said}')"),
        10,
    )
    .await
    .with_context(|| format!("#driver-error says {said:?} ({lang:?})"))?;
    // Chromium logs the refused request itself; it is the only console error.
    let logged = b.console_errors().await?;
    assert!(
        logged
            .iter()
            .all(|e| e.contains("/api/drivers") && e.contains("400")),
        "only the refused request is logged ({lang:?}): {logged:?}"
    );
    // Wang Wei's phone number was mistyped: corrected through the row's edit button.
    let drivers: Vec<Value> = serde_json::from_value(coordinator.get("/api/drivers").await?)?;
    let wang = drivers
        .iter()
        .find(|d| d["name"] == "Wang Wei")
        .and_then(|d| d["id"].as_i64())
        .context("the new driver is stored")?;
    assert!(
        drivers.iter().all(|d| d["name"] != "Zhou Min"),
        "the refused driver was not saved ({lang:?})"
    );
    b.click(&format!("[data-testid=driver-edit-{wang}]"))
        .await?;
    b.wait_until(
        "document.getElementById('driver-name').value === 'Wang Wei'",
        5,
    )
    .await?;
    set_value(&b, "#driver-phone", "13900000088").await?;
    b.click("#driver-save").await?;
    b.wait_until(
        &format!(
            "document.querySelector('[data-testid=driver-row-{wang}] td:nth-child(2)').textContent === '13900000088'"
        ),
        10,
    )
    .await?;
    let drivers: Vec<Value> = serde_json::from_value(coordinator.get("/api/drivers").await?)?;
    let stored = drivers
        .iter()
        .find(|d| d["id"] == wang)
        .context("the driver is still there")?;
    assert_eq!(
        (stored["phone"].as_str(), stored["vehicle_id"].as_i64()),
        (Some("13900000088"), Some(van)),
        "the edit changed the phone and kept the van ({lang:?})"
    );

    b.check_page(&format!("coordinator fleet ({lang:?})"))
        .await?;

    b.click("#nav-coordinator-trips").await?;
    b.wait_for("#trips-declined").await?;
    let select = format!("#reassign-vehicle-{trip_id}");
    b.wait_for(&format!("{select} option[value='{van}']"))
        .await?;
    let vehicle = van.to_string();
    set_value(&b, &select, &vehicle).await?;
    b.click(&format!("[data-testid=reassign-{trip_id}]"))
        .await?;
    if let Err(e) = b
        .wait_until(
            &format!(
                "!document.getElementById('trips-declined') && \
                 document.querySelector('[data-testid=trip-status-{trip_id}]')"
            ),
            20,
        )
        .await
    {
        let said = b
            .client
            .execute(
                "return document.getElementById('toast').textContent;",
                vec![],
            )
            .await?;
        anyhow::bail!("{e}; the page says {said}");
    }
    let after: Vec<Value> =
        serde_json::from_value(coordinator.get(&format!("/api/trips?day={today}")).await?)?;
    let moved = after
        .iter()
        .find(|t| t["id"] == trip_id)
        .context("the trip is still listed")?;
    assert_eq!(
        moved["vehicle_id"].as_i64().map(|v| v.to_string()),
        Some(vehicle),
        "the trip is on the chosen vehicle ({lang:?})"
    );
    assert_eq!(
        moved["status"], "offered",
        "offered to the new driver ({lang:?})"
    );
    // With no declined trip left, nothing stands in its place (the page printed "null").
    let shown = b
        .client
        .execute(
            "return document.getElementById('trip-box').textContent;",
            vec![],
        )
        .await?;
    assert!(
        !shown.as_str().unwrap_or_default().contains("null"),
        "the trips page shows no \"null\" ({lang:?}): {shown}"
    );
    // A date being typed (the picker holds 0002-12-07 on its way to 2026-12-07) asks nothing
    // until it is a whole day.
    b.client
        .execute(
            "const i = document.getElementById('trips-day'); i.value = '0002-12-07'; \
             i.dispatchEvent(new Event('change')); return true;",
            vec![],
        )
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let asked = b
        .client
        .execute(
            "return performance.getEntriesByType('resource').some((e) => e.name.includes('day=0002'));",
            vec![],
        )
        .await?;
    assert_eq!(
        asked,
        Value::Bool(false),
        "no request for a half-typed day ({lang:?})"
    );
    b.client
        .execute(
            &format!(
                "const i = document.getElementById('trips-day'); i.value = '{today}'; \
                 i.dispatchEvent(new Event('change')); return true;"
            ),
            vec![],
        )
        .await?;
    b.check_page(&format!("coordinator trips, reassigned ({lang:?})"))
        .await?;
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_runs_watches_progress_sees_routes_publishes_and_reassigns_a_declined_trip()
-> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        flow(lang).await?;
    }
    Ok(())
}
