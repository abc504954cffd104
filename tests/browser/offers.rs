//! A same-day booking into a slot it is offered (issue 15): on a day whose plan is published,
//! the secretary picks one elder, asks which slots can still take her, and books her into one;
//! the page lists her as planned with the pick-up time the slot offered, and the coordinator's
//! log has the event with its plan applied. On a phone in Chinese, on a desktop in English.

use anyhow::Context;
use serde_json::{Value, json};
use vaxride_tests::{DESKTOP, Lang, PHONE, browser, demo_server};

use crate::common::{Api, check_phone_layout, day, lang_prefix, log_in, set_value};

async fn offered(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("offers-{code}"), 2).await?;
    // Tomorrow: a few of the community's elders booked, planned and published.
    let tomorrow = day(1);
    let secretary = Api::as_role(&server, "secretary").await?;
    let elders: Vec<Value> = serde_json::from_value(secretary.get("/api/elders").await?)?;
    let riders: Vec<i64> = elders
        .iter()
        .filter(|e| e["mobility"] != "bedridden")
        .filter_map(|e| e["id"].as_i64())
        .collect();
    anyhow::ensure!(riders.len() >= 5, "the demo community has riders");
    let batch: Vec<Value> = riders[..4]
        .iter()
        .map(|&e| json!({"elder_id": e, "day": tomorrow}))
        .collect();
    secretary
        .post("/api/bookings", json!({ "bookings": batch }))
        .await?;
    let coordinator = Api::as_role(&server, "coordinator").await?;
    let plan = coordinator.run_plan(&tomorrow, 2).await?;
    coordinator
        .post(&format!("/api/plans/{plan}/publish"), json!({}))
        .await?;
    let elder = riders[4];

    let size = if lang == Lang::Zh { PHONE } else { DESKTOP };
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    log_in(&b, &server, "secretary", lang).await?;
    b.wait_for("#booking-day").await?;
    set_value(&b, "#booking-day", &tomorrow).await?;
    b.wait_for("#booking-table").await?;
    b.wait_until(
        &format!("!!document.getElementById('pick-{elder}') && !document.getElementById('pick-{elder}').disabled"),
        20,
    )
    .await?;
    b.client
        .execute(
            "document.getElementById(arguments[0]).click();",
            vec![json!(format!("pick-{elder}"))],
        )
        .await?;
    b.wait_until("!document.getElementById('offers-ask').hidden", 5)
        .await?;
    b.click("#offers-ask").await?;
    b.wait_for("[data-testid=offer-0]")
        .await
        .with_context(|| format!("slots are offered ({lang:?})"))?;
    let what = format!("secretary, slots offered ({lang:?})");
    if size == PHONE {
        check_phone_layout(&b, &what).await?;
    }
    b.check_page(&what).await?;
    let size_name = if size == PHONE { "phone" } else { "desktop" };
    b.screenshot(&format!("secretary-offers-{size_name}-{code}"))
        .await?;
    b.click("#offer-take-0").await?;
    // She is booked and planned at once.
    let mut booked = Value::Null;
    for _ in 0..40 {
        let day_now: Vec<Value> = serde_json::from_value(
            secretary
                .get(&format!("/api/bookings?day={tomorrow}"))
                .await?,
        )?;
        if let Some(x) = day_now
            .into_iter()
            .find(|x| x["elder_id"] == elder && x["status"] != "cancelled")
        {
            booked = x;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let id = booked["id"].as_i64().context("she is booked")?;
    assert_eq!(booked["status"], "planned", "{booked}");
    b.wait_until(
        &format!("(document.querySelector('[data-testid=booking-status-{id}]') || {{dataset: {{}}}}).dataset.status === 'planned'"),
        20,
    )
    .await
    .with_context(|| format!("the page lists her as planned ({lang:?})"))?;
    let log = coordinator
        .get(&format!("/api/events?day={tomorrow}"))
        .await?;
    let event = log
        .as_array()
        .and_then(|l| l.iter().find(|e| e["booking_id"] == id))
        .context("the event is logged")?;
    assert_eq!(
        (&event["kind"], &event["plan_status"]),
        (&json!("urgent_booking"), &json!("published")),
        "{event}"
    );
    b.check_page(&format!("secretary, booked into a slot ({lang:?})"))
        .await?;
    b.screenshot(&format!("secretary-offer-taken-{size_name}-{code}"))
        .await?;
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secretary_books_an_elder_into_a_slot_offered() -> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        offered(lang).await?;
    }
    Ok(())
}
