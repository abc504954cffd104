//! Van stop planning (issue 16): the coordinator opens the van page, adds a candidate point by
//! tapping the map, asks for a proposal, reads the timetable and the figures, has it judged with
//! the volunteer fleet (a planning job of a few seconds), and accepts the proposal found;
//! the van stops are then the van's stops of that day, and planning the day offers their slots.
//! On a phone in Chinese, on a desktop in English.

use anyhow::Context;
use serde_json::{Value, json};
use vaxride_tests::{DESKTOP, Lang, PHONE, browser, demo_server};

use crate::common::{Api, check_phone_layout, click, day, lang_prefix, log_in, set_value};

async fn propose_accept_plan(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("vanplan-{code}"), 2).await?;
    // A day the demo's vans have no stops yet.
    let when = day(3);
    let coordinator = Api::as_role(&server, "coordinator").await?;
    let before: Vec<Value> = serde_json::from_value(coordinator.get("/api/vans").await?)?;
    let stops_on = |vans: &[Value]| -> Vec<i64> {
        vans.iter()
            .flat_map(|v| v["stops"].as_array().cloned().unwrap_or_default())
            .filter(|s| s["day"] == when.as_str())
            .filter_map(|s| s["id"].as_i64())
            .collect()
    };
    anyhow::ensure!(stops_on(&before).is_empty(), "no van stop yet on {when}");

    let size = if lang == Lang::Zh { PHONE } else { DESKTOP };
    let size_name = if size == PHONE { "phone" } else { "desktop" };
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "coordinator", lang).await?;
    click(&b, "#nav-coordinator-vans").await?;
    b.wait_for("[data-testid=vans-map-view]").await?;
    set_value(&b, "#vans-start", &when).await?;
    // A place of the coordinator's own, tapped on the map.
    click(&b, "[data-testid=vans-map-view]").await?;
    b.wait_for("#vans-candidate-name-0")
        .await
        .with_context(|| format!("a tap adds a candidate ({lang:?})"))?;
    click(&b, "#vans-propose").await?;
    b.wait_for("#vans-timetable")
        .await
        .with_context(|| format!("the proposal's timetable ({lang:?})"))?;
    b.wait_for("[data-testid^=vans-stop-]")
        .await
        .with_context(|| format!("the chosen stops on the map ({lang:?})"))?;
    let what = format!("coordinator, van proposal ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    // The proposal in view for the photograph.
    b.wait_until(
        "(document.querySelector('#vans-map').scrollIntoView(), true)",
        5,
    )
    .await?;
    b.screenshot(&format!("coordinator-vans-{size_name}-{code}"))
        .await?;
    // The proposal judged with the fleet, as a planning job of a few seconds; its proposal
    // replaces the first, with what covering first and it serve.
    set_value(&b, "#vans-seconds", "5").await?;
    click(&b, "#vans-couple").await?;
    b.wait_until(
        "!!document.querySelector('#vans-coupled [data-testid=vans-fig-with_fleet]')",
        120,
    )
    .await
    .with_context(|| format!("the search with the fleet ends ({lang:?})"))?;
    b.wait_for("#vans-timetable").await?;
    let what = format!("coordinator, van proposal judged with the fleet ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    b.wait_until(
        "(document.querySelector('#vans-coupled').scrollIntoView(), true)",
        5,
    )
    .await?;
    b.screenshot(&format!("coordinator-vans-fleet-{size_name}-{code}"))
        .await?;
    click(&b, "#vans-accept").await?;
    b.wait_until(
        "document.querySelector('#vans-accepted')?.textContent.trim().length > 0 \
         && !document.querySelector('#vans-accepted .error, #vans-accepted ul')",
        30,
    )
    .await
    .with_context(|| format!("the stops are accepted ({lang:?})"))?;
    b.close().await?;

    // The van stops are the vans' stops of the day, and the day's planning offers their slots.
    let after: Vec<Value> = serde_json::from_value(coordinator.get("/api/vans").await?)?;
    let made = stops_on(&after);
    anyhow::ensure!(!made.is_empty(), "van stops on {when}: {after:?}");
    let secretary = Api::as_role(&server, "secretary").await?;
    let elders: Vec<Value> = serde_json::from_value(secretary.get("/api/elders").await?)?;
    let batch: Vec<Value> = elders
        .iter()
        .filter(|e| e["mobility"] == "walks" && e["dose"] != "booster")
        .take(4)
        .map(|e| json!({"elder_id": e["id"], "day": when, "return": true}))
        .collect();
    secretary
        .post("/api/bookings", json!({ "bookings": batch }))
        .await?;
    let plan_id = coordinator.run_plan(&when, 2).await?;
    let plan = coordinator.get(&format!("/api/plans/{plan_id}")).await?;
    let offered: Vec<i64> = plan["figures"]["slots"]
        .as_array()
        .context("the plan's slots")?
        .iter()
        .filter_map(|s| s["site_id"].as_i64())
        .collect();
    anyhow::ensure!(
        made.iter().any(|id| offered.contains(id)),
        "the day's plan offers the new van stops' slots: {made:?} in {offered:?}"
    );

    // A walker of the secretary's gets a place at a van stop in front of their home, on foot:
    // the secretary books it on the elders page and sees it on the day's bookings (the shot is
    // recorded on the day: the store's test records it).
    let booked: Vec<i64> = batch
        .iter()
        .filter_map(|b| b["elder_id"].as_i64())
        .collect();
    let walker = elders
        .iter()
        .find(|e| {
            e["mobility"] == "walks"
                && e["dose"] != "booster"
                && !booked.contains(&e["id"].as_i64().unwrap_or(0))
        })
        .context("a walker of the secretary's with no booking")?;
    let walker_id = walker["id"].as_i64().context("an id")?;
    let van = coordinator
        .post("/api/vans", json!({"name": format!("Walk-in van {code}")}))
        .await?;
    coordinator
        .post(
            "/api/sites",
            json!({
                "name": "Gate", "kind": "van_stop", "location": walker["home"],
                "hours": ["09:00", "11:00"], "slot_minutes": 30, "capacity_per_slot": 4,
                "booked_share": 0.5, "day": when, "van_id": van["id"],
            }),
        )
        .await?;
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "secretary", lang).await?;
    click(&b, "#nav-secretary-elders").await?;
    b.wait_for(&format!("[data-testid=walkin-{walker_id}] summary"))
        .await
        .with_context(|| format!("a place at the van is offered to the walker ({lang:?})"))?
        .click()
        .await?;
    if size == PHONE {
        check_phone_layout(&b, &format!("secretary, a place at the van ({lang:?})")).await?;
    }
    b.check_page(&format!("secretary, a place at the van ({lang:?})"))
        .await?;
    click(&b, &format!("[data-testid=walkin-book-{walker_id}]")).await?;
    let mine: Vec<Value> = loop_until_booked(&secretary, &when, walker_id).await?;
    let place = mine[0]["id"].as_i64().context("the booking")?;
    anyhow::ensure!(mine[0]["walk_in"] == true, "{mine:?}");
    click(&b, "#nav-secretary-bookings").await?;
    set_value(&b, "#booking-day", &when).await?;
    b.wait_for(&format!("[data-testid=booking-walkin-{place}]"))
        .await
        .with_context(|| format!("the place shows on the bookings page ({lang:?})"))?;
    b.wait_until(
        &format!("!document.querySelector('[data-testid=vaccinated-{place}]')"),
        5,
    )
    .await
    .with_context(|| format!("no shot to record before the day ({lang:?})"))?;
    b.screenshot(&format!("secretary-walkin-{size_name}-{code}"))
        .await?;
    b.close().await?;
    Ok(())
}

/// The secretary's bookings of `day` for `elder`, once the page has made one.
async fn loop_until_booked(api: &Api, day: &str, elder: i64) -> anyhow::Result<Vec<Value>> {
    for _ in 0..40 {
        let all: Vec<Value> =
            serde_json::from_value(api.get(&format!("/api/bookings?day={day}")).await?)?;
        let mine: Vec<Value> = all.into_iter().filter(|b| b["elder_id"] == elder).collect();
        if !mine.is_empty() {
            return Ok(mine);
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    anyhow::bail!("no booking of elder {elder} on {day}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_proposes_accepts_and_plans_with_van_stops() -> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        propose_accept_plan(lang).await?;
    }
    Ok(())
}
