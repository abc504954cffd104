//! A published plan changes under a driver who accepted their trip (issue 15): the driver's
//! phone says what changed and why — each pick-up re-timed, from when to when — and the driver
//! acknowledges it (the server keeps that); the secretary sees each elder's new pick-up time,
//! the time it had and why it moved.

use anyhow::Context;
use serde_json::{Value, json};
use vaxride_store::Scope;
use vaxride_tests::{DESKTOP, Lang, PHONE, browser, demo_server};

use crate::common::{
    Api, check_phone_layout, count, day, drivers_with_routes, lang_prefix, log_in_as, login_of,
    secretary_of,
};

/// Minutes the new plan moves the driver's stops still to come.
const MOVED: i64 = 20;

async fn replanned(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("replan-{code}"), 2).await?;
    let today = day(0);
    let coordinator = Api::as_role(&server, "coordinator").await?;
    let plan_id = coordinator.run_plan(&today, 2).await?;
    coordinator
        .post(&format!("/api/plans/{plan_id}/publish"), json!({}))
        .await?;
    let plan = coordinator.get(&format!("/api/plans/{plan_id}")).await?;
    let (user, _) = drivers_with_routes(&coordinator, &plan)
        .await?
        .into_iter()
        .next()
        .context("a driver with a trip")?;
    let (_, password) = login_of(&server, "driver");
    let driver = Api::login(&server, &user, &password).await?;
    let trips: Vec<Value> = serde_json::from_value(driver.get("/api/trips").await?)?;
    let trip = trips.first().context("the driver's trip")?;
    let trip_id = trip["id"].as_i64().context("trip id")?;
    let vehicle = trip["vehicle_id"].clone();
    driver
        .post(&format!("/api/trips/{trip_id}/accept"), json!({}))
        .await?;

    // The coordinator publishes a plan that moves this driver's stops by twenty minutes: the
    // published plan with that route's times moved (a fixture: the planner's own re-plans are
    // the store's and the end-to-end tests').
    let stored = server.store.plan(Scope::Admin, plan_id).await?;
    let mut routes = stored.routes.clone();
    for r in routes["routes"]
        .as_array_mut()
        .context("routes")?
        .iter_mut()
        .filter(|r| r["vehicle_id"] == vehicle)
    {
        for s in r["stops"].as_array_mut().context("stops")? {
            for key in ["arrival", "start"] {
                s[key] = json!(s[key].as_i64().context("a time")? + MOVED * 60);
            }
        }
    }
    let moved_plan = insert_draft(&server, &stored, &routes).await?;
    coordinator
        .post(&format!("/api/plans/{moved_plan}/publish"), json!({}))
        .await?;

    // The driver's phone: what changed, why, from when to when; acknowledged once.
    let Some(b) = browser(PHONE).await? else {
        return Ok(());
    };
    log_in_as(&b, &server, &user, &password, lang).await?;
    let notice = format!("[data-testid=trip-changes-{trip_id}]");
    b.wait_for(&notice).await?;
    let (reason, retimed, text): (String, f64, String) = serde_json::from_value(
        b.client
            .execute(
                "const n = document.querySelector(arguments[0]);\
                 const c = n.querySelector('[data-testid^=change-]');\
                 return [c ? c.dataset.reason : '', Number(c ? c.dataset.lines : 0), n.textContent];",
                vec![json!(notice)],
            )
            .await?,
    )?;
    assert_eq!(reason, "replanned", "{text}");
    let stops = trip["stops"].as_array().context("stops")?;
    assert_eq!(retimed as usize, stops.len(), "{text} ({lang:?})");
    let first = &stops[0];
    let (from, to) = (
        hhmm(first["planned"].as_i64().context("planned")?),
        hhmm(first["planned"].as_i64().context("planned")? + MOVED * 60),
    );
    assert!(
        text.contains(&format!("{from} → {to}")),
        "{text} ({lang:?})"
    );
    let why = match lang {
        Lang::Zh => "调度员发布了新方案",
        Lang::En => "the coordinator published a new plan",
    };
    assert!(text.contains(why), "{text} ({lang:?})");
    check_phone_layout(&b, &format!("driver, a changed trip ({lang:?})")).await?;
    b.check_page(&format!("driver, a changed trip ({lang:?})"))
        .await?;
    b.screenshot(&format!("driver-replanned-phone-{code}"))
        .await?;
    b.click(&format!("[data-testid=changes-seen-{trip_id}]"))
        .await?;
    b.wait_until(&format!("!document.querySelector('{notice}')"), 10)
        .await?;
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) FROM trip_changes WHERE trip_id = $1 AND acknowledged_at IS NOT NULL",
            &[json!(trip_id)]
        )
        .await?,
        1,
        "the server keeps that the driver saw it"
    );
    b.client.refresh().await?;
    b.wait_for(&format!("[data-testid=trip-{trip_id}]")).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        b.client
            .find(fantoccini::Locator::Css(&notice))
            .await
            .is_err(),
        "an acknowledged change is not news again"
    );
    b.close().await?;

    // The secretary: the new pick-up time, the one it had and why.
    let pickup = stops
        .iter()
        .find(|x| x["kind"] == "pickup_home")
        .context("a pick-up")?;
    let booking = pickup["booking_id"].as_i64().context("booking")?;
    let (secretary, _) = secretary_of(&server, &coordinator, booking).await?;
    let (_, sec_password) = login_of(&server, "secretary");
    let Some(b) = browser(DESKTOP).await? else {
        return Ok(());
    };
    log_in_as(&b, &server, &secretary, &sec_password, lang).await?;
    let moved = format!("[data-testid=booking-moved-{booking}]");
    b.wait_for(&moved).await?;
    let (cell, note): (String, String) = serde_json::from_value(
        b.client
            .execute(
                "return [document.querySelector(`[data-testid=booking-pickup-${arguments[1]}]`).textContent,\
                 document.querySelector(arguments[0]).textContent];",
                vec![json!(moved), json!(booking)],
            )
            .await?,
    )?;
    let planned = pickup["planned"].as_i64().context("planned")?;
    assert!(
        cell.starts_with(&hhmm(planned + MOVED * 60)),
        "{cell} ({lang:?})"
    );
    assert!(
        note.contains(&hhmm(planned)) && note.contains(why),
        "{note} ({lang:?})"
    );
    b.check_page(&format!("secretary, a moved pick-up ({lang:?})"))
        .await?;
    b.screenshot(&format!("secretary-moved-desktop-{code}"))
        .await?;
    b.close().await?;

    // The secretary cancels another booking of the trip: the coordinator's page logs it with
    // its repair, proposed; shown and published, it is applied.
    let other = stops
        .iter()
        .map(|x| x["booking_id"].as_i64().unwrap_or_default())
        .find(|&x| x != booking)
        .context("a second booking")?;
    let (_, secretary_api) = secretary_of(&server, &coordinator, other).await?;
    secretary_api
        .post(&format!("/api/bookings/{other}/cancel"), json!({}))
        .await?;
    let Some(b) = browser(DESKTOP).await? else {
        return Ok(());
    };
    crate::common::log_in(&b, &server, "coordinator", lang).await?;
    // The plan page is the coordinator's first.
    b.wait_for("#day-log").await?;
    let proposed =
        "#day-log [data-kind=cancelled][data-repair=proposed] [data-testid^=event-show-]";
    b.wait_until(&format!("!!document.querySelector(\"{proposed}\")"), 40)
        .await
        .with_context(|| format!("the cancellation's repair is proposed ({lang:?})"))?;
    b.check_page(&format!("coordinator, a proposed repair ({lang:?})"))
        .await?;
    b.screenshot(&format!("coordinator-repair-desktop-{code}"))
        .await?;
    // The log is read again every few seconds: the button is clicked where it is now.
    b.client
        .execute(
            "document.querySelector(arguments[0]).click();",
            vec![json!(proposed)],
        )
        .await?;
    let log = coordinator.get(&format!("/api/events?day={today}")).await?;
    let repair = log
        .as_array()
        .context("the log")?
        .iter()
        .find(|e| e["kind"] == "cancelled")
        .and_then(|e| e["plan_id"].as_i64())
        .context("the repair's plan")?;
    b.wait_until(
        &format!(
            "(document.querySelector('[data-testid=plan-row-{repair}]') || {{ classList: {{ contains: () => false }} }}).classList.contains('current') \
             && document.getElementById('plan-publish') && !document.getElementById('plan-publish').disabled"
        ),
        20,
    )
    .await
    .with_context(|| format!("the repair is shown ({lang:?})"))?;
    b.client
        .execute("document.getElementById('plan-publish').click();", vec![])
        .await?;
    b.wait_until(
        "!!document.querySelector('#day-log [data-kind=cancelled][data-repair=applied]')",
        20,
    )
    .await
    .with_context(|| format!("the repair is applied ({lang:?})"))?;
    // Small repairs may apply by themselves from now on.
    crate::common::set_value(&b, "#auto-repair", "2").await?;
    b.wait_until(
        "document.getElementById('auto-repair-note').textContent.length > 0",
        10,
    )
    .await?;
    assert_eq!(
        coordinator.get("/api/settings/repairs").await?["auto_apply_max_disturbed"],
        2
    );
    b.close().await?;
    Ok(())
}

/// `HH:MM` of seconds of the day, as the pages write it (to the nearest minute).
fn hhmm(t: i64) -> String {
    let m = (t + 30) / 60;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A draft plan as the stored `plan` with `routes` (the next version).
async fn insert_draft(
    server: &vaxride_tests::Server,
    plan: &vaxride_store::PlanView,
    routes: &Value,
) -> anyhow::Result<i64> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", server.db.display())).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO plans (district_id, day, version, status, figures, routes, unassigned, created_at) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7) RETURNING id",
    )
    .bind(plan.district_id)
    .bind(&plan.day)
    .bind(plan.version + 1)
    .bind(plan.figures.to_string())
    .bind(routes.to_string())
    .bind(plan.unserved.to_string())
    .bind(plan.created_at)
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    Ok(id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_driver_acknowledges_a_changed_trip_and_the_secretary_sees_the_new_time()
-> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        replanned(lang).await?;
    }
    Ok(())
}
