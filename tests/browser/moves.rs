//! The day as it runs, by hand (issue 15): on a published day the coordinator moves one elder's
//! ride to another vehicle's trip from the trips page, and gives drivers half an hour to answer
//! a trip; the secretary says when an elder at the site is through with the observation. On a
//! phone in Chinese, on a desktop in English.

use anyhow::Context;
use serde_json::{Value, json};
use vaxride_tests::{DESKTOP, Lang, PHONE, browser, demo_server};

use crate::common::{
    Api, check_phone_layout, day, drivers_with_routes, lang_prefix, log_in, login_of, set_value,
    walkers_published,
};

async fn by_hand(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("moves-{code}"), 2).await?;
    let tomorrow = day(1);
    let (_, coordinator, plan) = walkers_published(&server, &tomorrow, 4).await?;
    let (driver_login, _) = drivers_with_routes(&coordinator, &plan)
        .await?
        .into_iter()
        .next()
        .context("a driver with a trip")?;
    let (_, password) = login_of(&server, "driver");
    let driver = Api::login(&server, &driver_login, &password).await?;
    let trips = driver.get(&format!("/api/trips?day={tomorrow}")).await?;
    let trip = trips[0].clone();
    let trip_id = trip["id"].as_i64().context("a trip")?;
    // Another vehicle with a driver and a ramp: it can carry anyone.
    let vehicles: Vec<Value> = serde_json::from_value(coordinator.get("/api/vehicles").await?)?;
    let drivers: Vec<Value> = serde_json::from_value(coordinator.get("/api/drivers").await?)?;
    let to = vehicles
        .iter()
        .filter(|v| v["id"] != trip["vehicle_id"] && v["wheelchairs"].as_i64() > Some(0))
        .find(|v| drivers.iter().any(|d| d["vehicle_id"] == v["id"]))
        .context("another vehicle with a ramp and a driver")?;

    let size = if lang == Lang::Zh { PHONE } else { DESKTOP };
    let size_name = if size == PHONE { "phone" } else { "desktop" };
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "coordinator", lang).await?;
    b.click("#nav-coordinator-trips").await?;
    set_value(&b, "#trips-day", &tomorrow).await?;
    let open = format!("[data-testid=move-open-{trip_id}] summary");
    b.click(&open).await?;
    set_value(
        &b,
        &format!("#move-vehicle-{trip_id}"),
        &to["id"].to_string(),
    )
    .await?;
    let what = format!("coordinator, moving a ride ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    b.screenshot(&format!("coordinator-move-{size_name}-{code}"))
        .await?;
    b.click(&format!("[data-testid=move-{trip_id}]")).await?;
    let mut moved = Value::Null;
    for _ in 0..40 {
        let log = coordinator
            .get(&format!("/api/events?day={tomorrow}"))
            .await?;
        if log[0]["kind"] == "moved" {
            moved = log[0].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(
        moved["plan_status"], "published",
        "the move is published: {moved}"
    );
    let booking = moved["booking_id"].as_i64().context("the booking moved")?;
    let b_now = coordinator.get(&format!("/api/bookings/{booking}")).await?;
    assert_eq!(b_now["vehicle"], to["name"], "{b_now}");

    // Drivers have half an hour to answer a trip (the plan page's day log).
    b.click("#nav-coordinator-plan").await?;
    b.wait_for("#answer-within").await?;
    set_value(&b, "#answer-within", "30").await?;
    let mut answer = Value::Null;
    for _ in 0..40 {
        answer = coordinator.get("/api/settings/repairs").await?;
        if answer["answer_within_minutes"] == 30 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(answer["answer_within_minutes"], 30, "{answer}");
    b.check_page(&format!("coordinator, day log settings ({lang:?})"))
        .await?;
    b.close().await?;

    // An elder with a ride home is taken to the site; the secretary says she is ready at
    // 11:30 after all.
    let trips = driver.get(&format!("/api/trips?day={tomorrow}")).await?;
    let trip = trips
        .as_array()
        .and_then(|l| l.iter().find(|t| t["id"] == trip_id))
        .context("the driver's trip")?
        .clone();
    driver
        .post(&format!("/api/trips/{trip_id}/accept"), json!({}))
        .await?;
    let stops = trip["stops"].as_array().context("stops")?;
    let hers = stops
        .iter()
        .find(|s| s["kind"] == "drop_site")
        .and_then(|s| s["booking_id"].as_i64())
        .context("a drop at the site")?;
    for s in stops.iter().filter(|s| s["booking_id"] == hers) {
        let events: &[&str] = match s["kind"].as_str() {
            Some("pickup_home") => &["picked_up"],
            Some("drop_site") => &["dropped_at_site"],
            _ => &[],
        };
        for ev in events {
            driver
                .post(
                    &format!("/api/stops/{}/report", s["id"]),
                    json!({"event": ev}),
                )
                .await?;
        }
    }
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "secretary", lang).await?;
    set_value(&b, "#booking-day", &tomorrow).await?;
    let summary = format!("[data-testid=booking-row-{hers}] details.ready summary");
    b.wait_for(&summary)
        .await
        .with_context(|| format!("the secretary can say when she is ready ({lang:?})"))?
        .click()
        .await?;
    set_value(&b, &format!("#ready-at-{hers}"), "11:30").await?;
    b.click(&format!("[data-testid=ready-save-{hers}]")).await?;
    b.wait_for(&format!("[data-testid=booking-ready-{hers}]"))
        .await
        .with_context(|| format!("the page says when she is ready ({lang:?})"))?;
    let what = format!("secretary, observation ends ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    b.screenshot(&format!("secretary-ready-{size_name}-{code}"))
        .await?;
    let log = coordinator
        .get(&format!("/api/events?day={tomorrow}"))
        .await?;
    assert_eq!(log[0]["kind"], "observation", "{log}");
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_moves_a_ride_and_a_secretary_says_when_an_elder_is_ready()
-> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        by_hand(lang).await?;
    }
    Ok(())
}
