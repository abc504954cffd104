//! A driver's page at phone size receives the trip when the plan is published (no reload),
//! accepts it, goes offline, taps two steps, comes back online: the server holds each step
//! once, and the secretary's page shows the elder's new status.

use anyhow::Context;
use serde_json::{Value, json};
use vaxride_tests::{Lang, PHONE, browser, demo_server};

use crate::common::{
    Api, check_phone_layout, click, count, day, drivers_with_routes, expect_console, js_number,
    lang_prefix, log_in_as, login_of, secretary_of,
};

async fn flow(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("driver-{code}"), 2).await?;
    let today = day(0);
    let coordinator = Api::as_role(&server, "coordinator").await?;

    // A draft plan first, to know which driver gets a trip (a route's vehicle's driver).
    let plan_id = coordinator.run_plan(&today, 2).await?;
    let plan = coordinator.get(&format!("/api/plans/{plan_id}")).await?;
    // The demo's drivers log in as driver-1, driver-2…, all with the first one's password.
    let (user, _) = drivers_with_routes(&coordinator, &plan)
        .await?
        .into_iter()
        .next()
        .context("no driver has a route")?;
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
    // The driver zooms in on it; reports to come must not undo that (issue 14 walk-through).
    let view = format!("document.querySelector('#trip-map-{trip_id} .map-view')");
    b.wait_until(&format!("{view}.dataset.zoom"), 20).await?;
    let fitted = js_number(&b, &format!("Number({view}.dataset.zoom)")).await?;
    click(&b, &format!("#trip-map-{trip_id} .leaflet-control-zoom-in")).await?;
    b.wait_until(&format!("Number({view}.dataset.zoom) > {fitted}"), 5)
        .await?;
    let zoomed = js_number(&b, &format!("Number({view}.dataset.zoom)")).await?;

    click(&b, &format!("[data-testid=accept-{trip_id}]")).await?;
    let arrived = format!("[data-testid=report-{stop_id}-arrived]");
    let picked_up = format!("[data-testid=report-{stop_id}-picked_up]");
    b.wait_for(&arrived).await?;

    b.set_offline(true).await?;
    b.wait_until("!navigator.onLine", 10).await?;
    click(&b, &arrived).await?;
    b.wait_until(
        &format!("document.querySelector('{picked_up}') && !document.querySelector('{picked_up}').disabled"),
        10,
    )
    .await?;
    click(&b, &picked_up).await?;
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
    assert_eq!(
        js_number(&b, &format!("Number({view}.dataset.zoom)")).await?,
        zoomed,
        "the trip's map keeps the driver's zoom through accept, arrived and picked up ({lang:?})"
    );
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
    let (sec, sec_api) = secretary_of(&server, &coordinator, booking_id).await?;
    let booking = sec_api.get(&format!("/api/bookings/{booking_id}")).await?;
    let status = booking["status"].as_str().context("status")?.to_string();
    assert_eq!(status, "picked_up", "the booking's status ({lang:?})");
    b.click("#logout").await?;
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

/// The trips of `user` (as the API sends them to the driver).
async fn trips_of(server: &vaxride_tests::Server, user: &str) -> anyhow::Result<Vec<Value>> {
    let (_, password) = login_of(server, "driver");
    let api = Api::login(server, user, &password).await?;
    Ok(serde_json::from_value(api.get("/api/trips").await?)?)
}

/// Steps that cannot be undone ask once more; a declined trip folds to one line; stops taken
/// off a trip stay on it, struck through with the reason, under a notice of what changed; each
/// stop's navigation link opens the driver's chosen app (by default the page language's).
async fn confirm_and_changes(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("driver-changes-{code}"), 2).await?;
    let today = day(0);
    let coordinator = Api::as_role(&server, "coordinator").await?;
    let plan_id = coordinator.run_plan(&today, 2).await?;
    let plan = coordinator.get(&format!("/api/plans/{plan_id}")).await?;
    coordinator
        .post(&format!("/api/plans/{plan_id}/publish"), json!({}))
        .await?;
    let (_, password) = login_of(&server, "driver");
    // One driver declines; another, with a trip of at least two elders, drives it.
    let drivers = drivers_with_routes(&coordinator, &plan).await?;
    let mut decliner = None;
    let mut driver = None;
    for (user, _) in &drivers {
        let trips = trips_of(&server, user).await?;
        let Some(trip) = trips.into_iter().next() else {
            continue;
        };
        let pickups = trip["stops"].as_array().map_or(0, |s| {
            s.iter().filter(|x| x["kind"] == "pickup_home").count()
        });
        if driver.is_none() && pickups >= 2 {
            driver = Some((user.clone(), trip));
        } else if decliner.is_none() {
            decliner = Some((user.clone(), trip));
        }
    }
    let (decliner, offered) = decliner.context("a second driver with a trip")?;
    let (user, trip) = driver.context("a trip with two elders")?;
    let offered_id = offered["id"].as_i64().context("trip id")?;

    let Some(b) = browser(PHONE).await? else {
        return Ok(());
    };
    log_in_as(&b, &server, &decliner, &password, lang).await?;
    let card = format!("[data-testid=trip-{offered_id}]");
    b.wait_for(&card).await?;

    // Navigation: the page language's app by default, the driver's choice once made.
    let stop = &offered["stops"][0];
    let stop_id = stop["id"].as_i64().context("stop id")?;
    let nav = format!("[data-testid=nav-{stop_id}]");
    let href = |b: &vaxride_tests::Browser| {
        let nav = nav.clone();
        let b = b.client.clone();
        async move {
            let v = b
                .execute(
                    "return document.querySelector(arguments[0]).getAttribute('href');",
                    vec![json!(nav)],
                )
                .await?;
            anyhow::Ok(v.as_str().unwrap_or_default().to_string())
        }
    };
    let default = match lang {
        Lang::Zh => "amap",
        Lang::En => "apple",
    };
    let chosen: String = serde_json::from_value(
        b.client
            .execute("return document.getElementById('nav-app').value;", vec![])
            .await?,
    )?;
    assert_eq!(
        chosen, default,
        "the default app follows the page's language"
    );
    assert_eq!(
        href(&b).await?,
        stop["nav"][default].as_str().unwrap_or("-")
    );
    let (lon, lat) = (
        stop["lon"].as_f64().context("lon")?,
        stop["lat"].as_f64().context("lat")?,
    );
    assert_eq!(
        stop["nav"]["apple"],
        format!("https://maps.apple.com/?daddr={lat:.6},{lon:.6}&dirflg=d"),
        "Apple Maps takes WGS-84"
    );
    // AMap gets GCJ-02 (lon,lat) and Baidu BD-09 (lat,lng): shifted from WGS-84 by a few
    // hundred metres in China (the exact values are the dispatch crate's unit tests).
    let amap = stop["nav"]["amap"].as_str().context("amap")?;
    let to = amap
        .strip_prefix("https://uri.amap.com/navigation?to=")
        .context("AMap's route-planning URI")?;
    let mut xy = to.split(['&', ',']).map(str::parse::<f64>);
    let (g_lon, g_lat) = (xy.next().context("lon")??, xy.next().context("lat")??);
    let shift = ((g_lon - lon).powi(2) + (g_lat - lat).powi(2)).sqrt();
    assert!(
        (0.001..0.02).contains(&shift),
        "GCJ-02 is shifted: {amap} from {lon},{lat}"
    );
    assert!(amap.contains("&mode=car&coordinate=gaode"), "{amap}");
    let baidu = stop["nav"]["baidu"].as_str().context("baidu")?;
    assert!(
        baidu.starts_with("https://api.map.baidu.com/direction?")
            && baidu.contains("destination=latlng:")
            && baidu.contains("&mode=driving&coord_type=bd09ll&output=html&src=webapp."),
        "{baidu}"
    );
    crate::common::set_value(&b, "#nav-app", "baidu").await?;
    b.wait_until(
        &format!("document.querySelector('{nav}').dataset.app === 'baidu'"),
        5,
    )
    .await?;
    assert_eq!(href(&b).await?, baidu);
    b.client.refresh().await?;
    b.wait_for(&card).await?;
    b.wait_until(
        &format!("document.getElementById('nav-app').value === 'baidu' && document.querySelector('{nav}').dataset.app === 'baidu'"),
        10,
    )
    .await
    .context("the choice is remembered")?;

    // Declining asks once more; one tap declines nothing.
    let decline = format!("[data-testid=decline-{offered_id}]");
    b.click(&decline).await?;
    b.wait_until(
        &format!("document.querySelector('{decline}').dataset.armed === 'yes'"),
        2,
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        trips_of(&server, &decliner).await?[0]["status"],
        "offered",
        "one tap declines nothing ({lang:?})"
    );
    let tall = js_number(
        &b,
        &format!("document.querySelector('{card}').getBoundingClientRect().height"),
    )
    .await?;
    b.click(&decline).await?;
    // Declined: one line, which unfolds on a tap.
    b.wait_for(&format!("[data-testid=trip-summary-{offered_id}]"))
        .await?;
    assert_eq!(trips_of(&server, &decliner).await?[0]["status"], "declined");
    let folded = js_number(
        &b,
        &format!("document.querySelector('{card}').getBoundingClientRect().height"),
    )
    .await?;
    assert!(
        folded < 70.0 && tall > 300.0,
        "a declined trip is one line: {folded} px (was {tall} px) ({lang:?})"
    );
    check_phone_layout(&b, &format!("driver, a declined trip ({lang:?})")).await?;
    b.check_page(&format!("driver, a declined trip ({lang:?})"))
        .await?;
    b.click(&format!("[data-testid=trip-summary-{offered_id}]"))
        .await?;
    b.wait_until(
        &format!("document.querySelector('{card}').getBoundingClientRect().height > 300"),
        5,
    )
    .await?;
    b.click("#logout").await?;
    b.wait_for("#login-form").await?;

    // The other driver accepts and is on the road.
    let driver_api = Api::login(&server, &user, &password).await?;
    let trip_id = trip["id"].as_i64().context("trip id")?;
    driver_api
        .post(&format!("/api/trips/{trip_id}/accept"), json!({}))
        .await?;
    let pickups: Vec<&Value> = trip["stops"]
        .as_array()
        .context("stops")?
        .iter()
        .filter(|x| x["kind"] == "pickup_home")
        .collect();
    let (gone, absent) = (pickups[0], pickups[1]);
    let gone_booking = gone["booking_id"].as_i64().context("booking")?;
    log_in_as(&b, &server, &user, &password, lang).await?;
    b.wait_for(&format!("[data-testid=trip-{trip_id}]")).await?;
    b.wait_until(
        "document.getElementById('net-status').classList.contains('online')",
        20,
    )
    .await?;
    assert_eq!(
        js_number(
            &b,
            "document.querySelectorAll('[data-testid^=trip-changes-]').length"
        )
        .await?,
        0.0,
        "nothing changed yet"
    );

    // The secretary cancels a booking while the page is open: its stops stay, struck
    // through, with the reason, and a notice says what changed.
    let (_, secretary) = secretary_of(&server, &coordinator, gone_booking).await?;
    secretary
        .post(&format!("/api/bookings/{gone_booking}/cancel"), json!({}))
        .await?;
    let gone_stop = format!("[data-testid=stop-{}]", gone["id"]);
    b.wait_until(
        &format!("document.querySelector('{gone_stop}') && document.querySelector('{gone_stop}').dataset.removed === 'cancelled'"),
        20,
    )
    .await
    .context("the cancelled stop stays, marked")?;
    let (struck, why, notice): (String, String, String) = serde_json::from_value(
        b.client
            .execute(
                "const li = document.querySelector(arguments[0]);\
                 const n = document.querySelector(`[data-testid=trip-changes-${arguments[1]}]`);\
                 return [li.querySelector('s') ? li.querySelector('s').textContent : '',\
                         li.querySelector('.why').textContent, n ? n.textContent : ''];",
                vec![json!(gone_stop), json!(trip_id)],
            )
            .await?,
    )?;
    let first_name = gone["first_name"].as_str().unwrap_or_default();
    assert!(struck.contains(first_name), "{struck:?}");
    let secretary_words = match lang {
        Lang::Zh => "社区秘书",
        Lang::En => "cancelled by the community secretary",
    };
    assert!(why.contains(secretary_words), "{why:?} ({lang:?})");
    assert!(
        notice.contains(secretary_words) && notice.contains(first_name),
        "{notice:?}"
    );
    assert!(
        js_number(
            &b,
            &format!("document.querySelectorAll('{gone_stop} a').length")
        )
        .await?
            == 0.0,
        "no call or navigation link for a stop that is off"
    );
    b.screenshot(&format!("driver-changed-phone-{code}"))
        .await?;
    // Seen: the notice goes, also after a reload; the struck stop stays.
    b.click(&format!("[data-testid=changes-seen-{trip_id}]"))
        .await?;
    b.wait_until(
        &format!("!document.querySelector('[data-testid=trip-changes-{trip_id}]')"),
        5,
    )
    .await?;
    b.client.refresh().await?;
    b.wait_for(&gone_stop).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        js_number(
            &b,
            "document.querySelectorAll('[data-testid^=trip-changes-]').length"
        )
        .await?,
        0.0,
        "a change seen is not news again"
    );

    // Nobody at the door: "not there" asks once more; the second tap reports it and the
    // elder's later stops are off, marked so.
    let absent_id = absent["id"].as_i64().context("stop id")?;
    let no_show = format!("[data-testid=report-{absent_id}-no_show]");
    b.click(&no_show).await?;
    b.wait_until(
        &format!("document.querySelector('{no_show}').dataset.armed === 'yes'"),
        2,
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) FROM reports WHERE trip_stop_id = $1",
            &[json!(absent_id)]
        )
        .await?,
        0,
        "one tap reports nothing ({lang:?})"
    );
    b.click(&no_show).await?;
    b.wait_for(&format!("[data-testid=stop-done-{absent_id}]"))
        .await?;
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) FROM reports WHERE trip_stop_id = $1 AND event = 'no_show'",
            &[json!(absent_id)]
        )
        .await?,
        1
    );
    let later: Vec<i64> = trip["stops"]
        .as_array()
        .context("stops")?
        .iter()
        .filter(|x| x["booking_id"] == absent["booking_id"] && x["id"] != absent["id"])
        .filter_map(|x| x["id"].as_i64())
        .collect();
    for id in &later {
        b.wait_until(
            &format!("(document.querySelector('[data-testid=stop-{id}]') || {{}}).dataset?.removed === 'no_show'"),
            20,
        )
        .await
        .with_context(|| format!("stop {id} is off after the no-show ({lang:?})"))?;
    }
    check_phone_layout(&b, &format!("driver on the road ({lang:?})")).await?;
    b.check_page(&format!("driver after changes ({lang:?})"))
        .await?;
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn driver_confirms_what_cannot_be_undone_and_sees_what_changed() -> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        confirm_and_changes(lang).await?;
    }
    Ok(())
}
