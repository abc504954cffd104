//! Home visits (issue 16): the coordinator makes one of the demo's cars a second home-visit
//! team on the fleet page; a secretary books a bedridden elder (no site: the team comes); the day is
//! planned and published; the team sees the visit on the phone page, accepts, is at the door,
//! says the elder was vaccinated; the secretary sees when the team comes, the visit done and
//! the shot. On a phone in Chinese, on a desktop in English.

use anyhow::Context;
use serde_json::{Value, json};
use vaxride_tests::{DESKTOP, Lang, PHONE, browser, demo_server};

use crate::common::{
    Api, check_phone_layout, click, day, lang_prefix, log_in, log_in_as, login_of, set_value,
};

async fn visit(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("visits-{code}"), 2).await?;
    let tomorrow = day(1);
    let size = if lang == Lang::Zh { PHONE } else { DESKTOP };
    let size_name = if size == PHONE { "phone" } else { "desktop" };
    let coordinator = Api::as_role(&server, "coordinator").await?;

    // A second team: the last demo car, made a home-visit team with 8 shots a day.
    let (_, password) = login_of(&server, "driver");
    let vehicles: Vec<Value> = serde_json::from_value(coordinator.get("/api/vehicles").await?)?;
    let car = |id: &Value| {
        vehicles
            .iter()
            .any(|v| v["id"] == *id && v["team"].is_null())
    };
    let drivers: Vec<Value> = serde_json::from_value(coordinator.get("/api/drivers").await?)?;
    let (_, vehicle) = drivers
        .iter()
        .filter(|d| car(&d["vehicle_id"]))
        .filter_map(|d| Some((d["id"].as_i64()?, d["vehicle_id"].as_i64()?)))
        .max()
        .context("a demo car with a driver")?;
    let users: Vec<Value> = serde_json::from_value(coordinator.get("/api/users").await?)?;

    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "coordinator", lang).await?;
    b.click("#nav-coordinator-fleet").await?;
    click(&b, &format!("[data-testid=vehicle-edit-{vehicle}]")).await?;
    set_value(&b, "#vehicle-shots", "8").await?;
    b.click("#vehicle-save").await?;
    b.wait_for(&format!("[data-testid=vehicle-kind-{vehicle}]"))
        .await?;
    b.wait_until(
        &format!(
            "/8/.test(document.querySelector('[data-testid=vehicle-kind-{vehicle}]').textContent)"
        ),
        10,
    )
    .await
    .with_context(|| format!("the fleet shows the team ({lang:?})"))?;
    let what = format!("coordinator, a home-visit team ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    b.screenshot(&format!("coordinator-team-{size_name}-{code}"))
        .await?;
    b.close().await?;
    let vehicles: Vec<Value> = serde_json::from_value(coordinator.get("/api/vehicles").await?)?;
    let team = vehicles
        .iter()
        .find(|v| v["id"] == vehicle)
        .context("the team")?;
    assert_eq!(team["team"]["shots_per_day"], 8, "{team}");

    // The secretary books a bedridden elder of her community who needs a dose.
    let secretary = Api::as_role(&server, "secretary").await?;
    let elders: Vec<Value> = serde_json::from_value(secretary.get("/api/elders").await?)?;
    let elder = elders
        .iter()
        .find(|e| e["mobility"] == "bedridden" && e["dose"] != "booster")
        .and_then(|e| e["id"].as_i64())
        .context("a bedridden elder in the demo community")?;
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "secretary", lang).await?;
    set_value(&b, "#booking-day", &tomorrow).await?;
    click(&b, &format!("#pick-{elder}")).await?;
    click(&b, "#batch-submit").await?;
    let bookings = format!("/api/bookings?day={tomorrow}");
    let mut booked: Vec<Value> = Vec::new();
    for _ in 0..40 {
        booked = serde_json::from_value(secretary.get(&bookings).await?)?;
        if !booked.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let booking = booked
        .iter()
        .find(|x| x["elder_id"] == elder)
        .and_then(|x| x["id"].as_i64())
        .with_context(|| format!("the visit is booked ({lang:?}): {booked:?}"))?;
    b.close().await?;

    let plan = coordinator.run_plan(&tomorrow, 2).await?;
    coordinator
        .post(&format!("/api/plans/{plan}/publish"), json!({}))
        .await?;

    // The team's phone page (whichever team the plan sends): the visit, accepted, at the
    // door, vaccinated.
    let trips: Vec<Value> = serde_json::from_value(
        coordinator
            .get(&format!("/api/trips?day={tomorrow}"))
            .await?,
    )?;
    let trip = trips
        .iter()
        .find(|t| {
            t["stops"]
                .as_array()
                .is_some_and(|s| s.iter().any(|x| x["booking_id"] == booking))
        })
        .with_context(|| format!("a trip visits the elder: {trips:?}"))?;
    let team_login = users
        .iter()
        .find(|u| u["driver_id"] == trip["driver_id"])
        .and_then(|u| u["username"].as_str())
        .context("the team's login")?;
    let stop = &trip["stops"][0];
    assert_eq!(stop["kind"], "home_visit", "{trip}");
    assert_eq!(stop["booking_id"], booking);
    assert!(
        vehicles
            .iter()
            .any(|v| v["id"] == trip["vehicle_id"] && !v["team"].is_null()),
        "a team visits: {trip}"
    );
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in_as(&b, &server, team_login, &password, lang).await?;
    let (trip_id, stop_id) = (trip["id"].clone(), stop["id"].clone());
    click(&b, &format!("[data-testid=accept-{trip_id}]")).await?;
    click(&b, &format!("[data-testid=report-{stop_id}-arrived]")).await?;
    b.wait_for(&format!("[data-testid=report-{stop_id}-no_show]"))
        .await
        .with_context(|| format!("not at home can be said ({lang:?})"))?;
    let what = format!("team, at the door ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    b.screenshot(&format!("team-visit-{size_name}-{code}"))
        .await?;
    click(&b, &format!("[data-testid=report-{stop_id}-vaccinated]")).await?;
    b.wait_for(&format!("[data-testid=stop-done-{stop_id}]"))
        .await
        .with_context(|| format!("the visit is done ({lang:?})"))?;
    b.close().await?;

    // The secretary sees when the team came, the visit done and the shot.
    let seen = secretary.get(&format!("/api/bookings/{booking}")).await?;
    assert_eq!(seen["status"], "visited", "{seen}");
    assert_eq!(seen["home_visit"], true);
    assert!(!seen["vaccinated"].is_null(), "{seen}");
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "secretary", lang).await?;
    set_value(&b, "#booking-day", &tomorrow).await?;
    b.wait_for(&format!("[data-testid=booking-shot-{booking}]"))
        .await
        .with_context(|| format!("the shot shows ({lang:?})"))?;
    let planned = seen["planned_pickup"].as_i64().context("the visit time")?;
    let hhmm = format!("{:02}:{:02}", planned / 3600, planned % 3600 / 60);
    b.wait_until(
        &format!(
            "document.querySelector('[data-testid=booking-pickup-{booking}]').textContent.includes('{hhmm}')"
        ),
        10,
    )
    .await
    .with_context(|| format!("the secretary sees when the team comes ({lang:?})"))?;
    let what = format!("secretary, a home visit ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    b.screenshot(&format!("secretary-visit-{size_name}-{code}"))
        .await?;
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bedridden_elder_is_visited_at_home_by_the_team() -> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        visit(lang).await?;
    }
    Ok(())
}
