//! The campaign's ledger and progress (issue 16): on a published day two elders reach the site;
//! the driver of one's ride home says on the phone page that she was vaccinated, the secretary
//! records the other's shot on the bookings page (takes it back, records it again); the
//! elder's shots show on the elders page, and the progress page (secretary and coordinator)
//! counts both. On a phone in Chinese, on a desktop in English.

use anyhow::Context;
use serde_json::{Value, json};
use vaxride_tests::{DESKTOP, Lang, PHONE, browser, demo_server};

use crate::common::{
    Api, check_phone_layout, click, day, drivers_with_routes, lang_prefix, log_in, log_in_as,
    login_of, set_value, walkers_published,
};

/// A driver's login, their API session and their trips of the day (accepted).
struct Driving {
    login: String,
    api: Api,
    trips: Vec<Value>,
}

async fn shots(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("progress-{code}"), 2).await?;
    let tomorrow = day(1);
    let (secretary, coordinator, plan) = walkers_published(&server, &tomorrow, 4).await?;
    let (_, password) = login_of(&server, "driver");
    let mut driving = Vec::new();
    for (login, _) in drivers_with_routes(&coordinator, &plan).await? {
        let api = Api::login(&server, &login, &password).await?;
        let trips: Vec<Value> =
            serde_json::from_value(api.get(&format!("/api/trips?day={tomorrow}")).await?)?;
        for t in &trips {
            api.post(&format!("/api/trips/{}/accept", t["id"]), json!({}))
                .await?;
        }
        driving.push(Driving { login, api, trips });
    }
    // A stop of a booking, with the driver whose trip has it.
    let stop_of = |booking: i64, kind: &str| {
        driving.iter().find_map(|d| {
            d.trips.iter().find_map(|t| {
                t["stops"].as_array()?.iter().find_map(|s| {
                    (s["booking_id"] == booking && s["kind"] == kind)
                        .then(|| (d, s["id"].as_i64().unwrap_or_default()))
                })
            })
        })
    };
    let bookings: Vec<Value> = serde_json::from_value(
        secretary
            .get(&format!("/api/bookings?day={tomorrow}"))
            .await?,
    )?;
    let served: Vec<i64> = bookings
        .iter()
        .filter_map(|b| b["id"].as_i64())
        .filter(|&b| stop_of(b, "pickup_site").is_some())
        .collect();
    anyhow::ensure!(
        served.len() >= 2,
        "two elders with a ride home: {bookings:?}"
    );
    let (hers, his) = (served[0], served[1]);
    for booking in [hers, his] {
        for (kind, event) in [
            ("pickup_home", "picked_up"),
            ("drop_site", "dropped_at_site"),
        ] {
            let (d, stop) = stop_of(booking, kind).context("a stop")?;
            d.api
                .post(
                    &format!("/api/stops/{stop}/report"),
                    json!({ "event": event }),
                )
                .await?;
        }
    }
    let size = if lang == Lang::Zh { PHONE } else { DESKTOP };
    let size_name = if size == PHONE { "phone" } else { "desktop" };

    // The driver of her ride home says she was vaccinated.
    let (d, ride_home) = stop_of(hers, "pickup_site").context("her ride home")?;
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in_as(&b, &server, &d.login, &password, lang).await?;
    click(&b, &format!("[data-testid=report-{ride_home}-vaccinated]"))
        .await
        .with_context(|| format!("the driver can say she was vaccinated ({lang:?})"))?;
    let mut recorded = Value::Null;
    for _ in 0..40 {
        recorded = coordinator.get(&format!("/api/bookings/{hers}")).await?;
        if !recorded["vaccinated"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(!recorded["vaccinated"].is_null(), "{recorded}");
    b.wait_until(
        &format!(
            "document.querySelector('[data-testid=report-{ride_home}-vaccinated]')?.disabled \
             && !document.querySelector('[data-testid=report-{ride_home}-health_check_failed]')"
        ),
        20,
    )
    .await
    .with_context(|| format!("the step shows as said, and the failed check goes ({lang:?})"))?;
    b.check_page(&format!("driver, vaccinated ({lang:?})"))
        .await?;
    b.close().await?;

    // The secretary records his shot, sees hers on the elders page and both in the progress.
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "secretary", lang).await?;
    set_value(&b, "#booking-day", &tomorrow).await?;
    b.wait_for(&format!("[data-testid=booking-shot-{hers}]"))
        .await
        .with_context(|| format!("her shot shows on the bookings page ({lang:?})"))?;
    click(&b, &format!("[data-testid=vaccinated-{his}]")).await?;
    b.wait_for(&format!("[data-testid=booking-shot-{his}]"))
        .await
        .with_context(|| format!("his shot is recorded ({lang:?})"))?;
    // Recorded by mistake? Taken back (two taps), then recorded again.
    click(&b, &format!("[data-testid=unvaccinated-{his}]")).await?;
    click(&b, &format!("[data-testid=unvaccinated-{his}]")).await?;
    b.wait_until(
        &format!("!document.querySelector('[data-testid=booking-shot-{his}]')"),
        20,
    )
    .await
    .with_context(|| format!("his shot is taken back ({lang:?})"))?;
    click(&b, &format!("[data-testid=vaccinated-{his}]")).await?;
    b.wait_for(&format!("[data-testid=booking-shot-{his}]"))
        .await
        .with_context(|| format!("his shot is recorded again ({lang:?})"))?;
    let what = format!("secretary, shots recorded ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    b.screenshot(&format!("secretary-shot-{size_name}-{code}"))
        .await?;
    let elder = coordinator.get(&format!("/api/bookings/{his}")).await?["elder_id"]
        .as_i64()
        .context("his elder id")?;
    b.click("#nav-secretary-elders").await?;
    click(&b, &format!("[data-testid=elder-edit-{elder}]")).await?;
    b.wait_for("#elder-shots li")
        .await
        .with_context(|| format!("his shot is on his record ({lang:?})"))?;
    b.click("#nav-progress").await?;
    b.wait_for(&format!("[data-testid=progress-bar-{tomorrow}]"))
        .await
        .with_context(|| format!("the progress has the day's shots ({lang:?})"))?;
    let what = format!("secretary, progress ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    b.screenshot(&format!("secretary-progress-{size_name}-{code}"))
        .await?;
    b.close().await?;

    let progress = coordinator.get("/api/progress").await?;
    let trend = progress["trend"].as_array().context("the trend")?;
    assert_eq!(trend.len(), 1, "{progress}");
    assert_eq!(trend[0]["day"], tomorrow.as_str());
    assert_eq!(trend[0]["total"], 2, "{progress}");
    let csv = coordinator
        .get_text("/api/progress.csv?table=sites&lang=en")
        .await?;
    assert!(
        csv.starts_with("day,site,shots,capacity,site_id\n"),
        "{csv}"
    );
    assert!(csv.contains(&tomorrow), "{csv}");

    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "coordinator", lang).await?;
    b.click("#nav-progress").await?;
    b.wait_for("#progress-chart").await?;
    b.wait_for("#progress-communities").await?;
    let what = format!("coordinator, progress ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    b.screenshot(&format!("coordinator-progress-{size_name}-{code}"))
        .await?;
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shot_said_by_the_driver_or_the_secretary_moves_the_progress_on() -> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        shots(lang).await?;
    }
    Ok(())
}
