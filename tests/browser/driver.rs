//! A driver's page at phone size receives the trip when the plan is published (no reload),
//! accepts it, goes offline, taps two steps, comes back online: the server holds each step
//! once, and the secretary's page shows the elder's new status.

use anyhow::Context;
use serde_json::{Value, json};
use vaxride_tests::{Lang, PHONE, browser, demo_server};

use crate::common::{Api, count, day, expect_console, lang_prefix, log_in_as, login_of};

async fn flow(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("driver-{code}"), 2).await?;
    let today = day(0);
    let coordinator = Api::as_role(&server, "coordinator").await?;

    // A draft plan first, to know which driver gets a trip (a route's vehicle's driver).
    let plan_id = coordinator.run_plan(&today, 2).await?;
    let plan = coordinator.get(&format!("/api/plans/{plan_id}")).await?;
    let mut drivers: Vec<Value> = serde_json::from_value(coordinator.get("/api/drivers").await?)?;
    drivers.sort_by_key(|d| d["id"].as_i64());
    let routes = plan["routes"]["routes"]
        .as_array()
        .context("the plan's routes")?;
    let with_route = |d: &Value| {
        routes.iter().any(|r| {
            r["vehicle_id"] == d["vehicle_id"]
                && r["stops"].as_array().is_some_and(|s| !s.is_empty())
        })
    };
    // The demo's drivers log in as driver-1, driver-2… (in the order they were made), all
    // with the first one's password.
    let index = drivers
        .iter()
        .position(with_route)
        .context("no driver has a route")?;
    let user = format!("driver-{}", index + 1);
    let (_, password) = login_of(&server, "driver");

    let Some(b) = browser(PHONE).await? else {
        return Ok(());
    };
    log_in_as(&b, &server, &user, &password, lang).await?;
    b.wait_for("#driver-empty").await?;
    b.wait_until(
        "document.getElementById('net-status').classList.contains('online')",
        20,
    )
    .await?;

    // Published while the page is open: the trip arrives over the stream.
    coordinator
        .post(&format!("/api/plans/{plan_id}/publish"), json!({}))
        .await?;
    let driver_api = Api::login(&server, &user, &password).await?;
    let trips: Vec<Value> =
        serde_json::from_value(driver_api.get(&format!("/api/trips?day={today}")).await?)?;
    let trip = trips.first().context("the driver has a trip")?;
    let trip_id = trip["id"].as_i64().context("trip id")?;
    let stop = trip["stops"]
        .as_array()
        .context("stops")?
        .iter()
        .find(|s| s["kind"] == "pickup_home")
        .context("a pick-up at home")?;
    let stop_id = stop["id"].as_i64().context("stop id")?;
    let booking_id = stop["booking_id"].as_i64().context("booking id")?;
    b.client
        .wait()
        .at_most(std::time::Duration::from_secs(30))
        .for_element(fantoccini::Locator::Css(&format!(
            "[data-testid=trip-{trip_id}]"
        )))
        .await
        .context("the trip arrives without a reload")?;
    // Its small map follows the roads.
    b.wait_for(&format!(
        "#trip-map-{trip_id} [data-testid=trip-line-{trip_id}][data-road=yes]"
    ))
    .await?;

    b.wait_for(&format!("[data-testid=accept-{trip_id}]"))
        .await?
        .click()
        .await?;
    let arrived = format!("[data-testid=report-{stop_id}-arrived]");
    let picked_up = format!("[data-testid=report-{stop_id}-picked_up]");
    b.wait_for(&arrived).await?;

    b.set_offline(true).await?;
    b.wait_until("!navigator.onLine", 10).await?;
    b.wait_for(&arrived).await?.click().await?;
    b.wait_until(
        &format!("document.querySelector('{picked_up}') && !document.querySelector('{picked_up}').disabled"),
        10,
    )
    .await?;
    b.wait_for(&picked_up).await?.click().await?;
    b.wait_until(
        "(() => { const q = document.getElementById('queue-status');\
           return !q.hidden && /\\b2\\b/.test(q.textContent); })()",
        10,
    )
    .await?;
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) FROM reports WHERE trip_stop_id = $1",
            &[json!(stop_id)]
        )
        .await?,
        0,
        "nothing reaches the server while offline ({lang:?})"
    );

    b.set_offline(false).await?;
    b.wait_until("document.getElementById('queue-status').hidden", 40)
        .await?;
    for event in ["arrived", "picked_up"] {
        let n = count(
            &server,
            "SELECT COUNT(*) FROM reports WHERE trip_stop_id = $1 AND event = $2",
            &[json!(stop_id), json!(event)],
        )
        .await?;
        assert_eq!(n, 1, "{event} is stored once ({lang:?})");
    }
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) FROM reports WHERE trip_stop_id = $1",
            &[json!(stop_id)]
        )
        .await?,
        2
    );
    b.wait_for(&format!("[data-testid=stop-done-{stop_id}]"))
        .await?;
    expect_console(
        &b,
        &format!("driver ({lang:?})"),
        &["net::ERR_INTERNET_DISCONNECTED"],
    )
    .await?;
    b.check_page(&format!("driver after the queue is sent ({lang:?})"))
        .await?;
    b.screenshot(&format!("driver-trip-phone-{code}")).await?;

    // The secretary of the elder's community sees the new status.
    let (_, sec_password) = login_of(&server, "secretary");
    let communities = coordinator.get("/api/communities").await?;
    let n = communities.as_array().map_or(0, Vec::len);
    let mut secretary = None;
    for c in 1..=n {
        let name = format!("sec-{c}");
        let api = Api::login(&server, &name, &sec_password).await?;
        if api
            .status_of(&format!("/api/bookings/{booking_id}"))
            .await?
            == 200
        {
            let booking = api.get(&format!("/api/bookings/{booking_id}")).await?;
            secretary = Some((name, booking));
            break;
        }
    }
    let (sec, booking) = secretary.context("the elder's secretary")?;
    let status = booking["status"].as_str().context("status")?.to_string();
    assert_eq!(status, "picked_up", "the booking's status ({lang:?})");
    b.wait_for("#logout").await?.click().await?;
    b.wait_for("#login-form").await?;
    log_in_as(&b, &server, &sec, &sec_password, lang).await?;
    b.wait_until(
        &format!(
            "(() => {{ const c = document.querySelector('[data-testid=booking-status-{booking_id}]');\
               return c && c.dataset.status === '{status}'; }})()"
        ),
        20,
    )
    .await?;
    b.check_page(&format!("secretary after the pick-up ({lang:?})"))
        .await?;
    b.screenshot(&format!("secretary-status-phone-{code}"))
        .await?;
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn driver_gets_the_trip_live_and_queues_two_steps_offline() -> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        flow(lang).await?;
    }
    Ok(())
}
