//! A secretary places homes without typing coordinates (issue 14), at phone size, in Chinese
//! and in English: one elder found by address (the demo town numbers its houses), one by a tap
//! on the map (put on the nearest road, the street named), one from a pasted coordinate pair.

use anyhow::Context;
use serde_json::json;
use vaxride_tests::{Lang, PHONE, browser, demo_server};

use crate::common::{Api, choose_csv, count, day, lang_prefix, log_in, map_moves, set_value};

/// The value of an input, as a number.
async fn input_number(b: &vaxride_tests::Browser, css: &str) -> anyhow::Result<f64> {
    let v = b
        .client
        .execute(
            "return Number(document.querySelector(arguments[0]).value);",
            vec![json!(css)],
        )
        .await?;
    v.as_f64().with_context(|| format!("{css} holds no number"))
}

/// Waits for the form's home to be filled and checks it is `want` (within a metre).
async fn home_is(
    b: &vaxride_tests::Browser,
    want: (f64, f64),
    what: &str,
    lang: Lang,
) -> anyhow::Result<()> {
    b.wait_until("document.getElementById('elder-lon').value !== ''", 5)
        .await?;
    let (lon, lat) = (
        input_number(b, "#elder-lon").await?,
        input_number(b, "#elder-lat").await?,
    );
    assert!(
        (lon - want.0).abs() < 1e-5 && (lat - want.1).abs() < 1e-5,
        "{what} ({lang:?}): {lon},{lat}"
    );
    Ok(())
}

async fn open_form(b: &vaxride_tests::Browser, name: &str) -> anyhow::Result<()> {
    b.click("#elder-add").await?;
    b.wait_for("#elder-form").await?;
    set_value(b, "#elder-name", name).await
}

async fn save(b: &vaxride_tests::Browser) -> anyhow::Result<()> {
    b.click("#elder-save").await?;
    b.wait_until("!document.getElementById('elder-form')", 10)
        .await
        .context("the form closes once the elder is saved")
}

async fn flow(lang: Lang) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let server = demo_server(&format!("homes-{code}"), 2).await?;
    let Some(b) = browser(PHONE).await? else {
        return Ok(());
    };
    let api = Api::as_role(&server, "secretary").await?;
    log_in(&b, &server, "secretary", lang).await?;
    b.click("#nav-secretary-elders").await?;

    // 1. By address: part of the street and the number, as a secretary would type it.
    let found = api
        .get("/api/places?q=%E6%AD%A3%E9%98%B3%E8%A1%97%20110")
        .await?;
    let (want_lon, want_lat) = (
        found[0]["lon"].as_f64().unwrap(),
        found[0]["lat"].as_f64().unwrap(),
    );
    open_form(&b, &format!("Address {code}")).await?;
    b.wait_for("#home-search")
        .await?
        .send_keys("正阳街 110")
        .await?;
    b.click("[data-testid=place-0]").await?;
    home_is(
        &b,
        (want_lon, want_lat),
        "the picked address fills the home",
        lang,
    )
    .await?;
    let address = b
        .client
        .execute(
            "return document.getElementById('elder-address').value;",
            vec![],
        )
        .await?;
    assert_eq!(
        address,
        json!("正阳街110号"),
        "and the empty address ({lang:?})"
    );
    b.wait_for("[data-testid=home-marker]").await?;
    // The found home is brought into view, close up.
    b.wait_until(
        &format!(
            "(() => {{ const d = document.querySelector('#home-map .map-view').dataset;\
               const [lon, lat] = (d.centre || '').split(',').map(Number);\
               return Number(d.zoom) >= 16 && Math.abs(lon - {want_lon}) < 1e-4 && Math.abs(lat - {want_lat}) < 1e-4; }})()"
        ),
        5,
    )
    .await
    .context("the map shows the found home")?;
    b.check_page(&format!("elder form with a found address ({lang:?})"))
        .await?;
    b.screenshot(&format!("secretary-home-phone-{code}"))
        .await?;
    save(&b).await?;

    // 2. A tap on the map: the home goes on the nearest road and the street is named. First
    // the language is switched there and back: the open form and what was typed stay.
    open_form(&b, &format!("Map {code}")).await?;
    set_value(&b, "#elder-phone", "13800000077").await?;
    let (other, back) = match lang {
        Lang::Zh => ("en", "zh-CN"),
        Lang::En => ("zh-CN", "en"),
    };
    for to in [other, back] {
        set_value(&b, "#lang-select", to).await?;
        b.wait_until(&format!("document.documentElement.lang === '{to}'"), 5)
            .await?;
        b.wait_until(
            &format!(
                "document.getElementById('elder-form') \
                 && document.getElementById('elder-name').value === 'Map {code}' \
                 && document.getElementById('elder-phone').value === '13800000077'"
            ),
            5,
        )
        .await
        .with_context(|| format!("the form and its values survive switching to {to}"))?;
    }
    b.click("[data-testid=home-map-view]").await?;
    b.wait_until(
        "document.getElementById('elder-lon').value !== '' && \
         document.getElementById('home-chosen').textContent.trim() !== ''",
        5,
    )
    .await?;
    let (lon, lat) = (
        input_number(&b, "#elder-lon").await?,
        input_number(&b, "#elder-lat").await?,
    );
    let here = api
        .get(&format!("/api/places/at?lon={lon}&lat={lat}"))
        .await?;
    assert!(
        here["distance_m"].as_f64().unwrap() < 0.5,
        "the tapped home is on a road ({lang:?}): {here}"
    );
    let chosen = b
        .client
        .execute(
            "return document.getElementById('home-chosen').textContent;",
            vec![],
        )
        .await?;
    if let Some(street) = here["street"].as_str() {
        assert!(
            chosen.as_str().unwrap_or("").contains(street) || here["address"].is_string(),
            "the street is named ({lang:?}): {chosen} / {here}"
        );
    }
    map_moves(&b, "#home-map .map-view", lang).await?;
    save(&b).await?;

    // 3. A pair pasted from a GPS app (WGS-84 chosen in the form).
    open_form(&b, &format!("Paste {code}")).await?;
    set_value(&b, "#home-paste", &format!("{want_lon}, {want_lat}")).await?;
    set_value(&b, "#home-crs", "wgs84").await?;
    b.click("#home-paste-use").await?;
    home_is(
        &b,
        (want_lon, want_lat),
        "the pasted pair is the home",
        lang,
    )
    .await?;
    save(&b).await?;

    for name in ["Address", "Map", "Paste"] {
        let n = count(
            &server,
            "SELECT COUNT(*) FROM elders WHERE name = $1 AND lon <> 0",
            &[json!(format!("{name} {code}"))],
        )
        .await?;
        assert_eq!(n, 1, "{name} saved ({lang:?})");
    }
    b.check_page(&format!("elders after three homes ({lang:?})"))
        .await?;

    // 4. A ledger whose rows give addresses only: the check shows where each was found.
    let csv = format!(
        "name,phone,address,mobility,dose,day\n\
         Ledger {code},1380000{n:04},正阳街110号 3号楼2单元,walks,none,{tomorrow}\n",
        n = if lang == Lang::Zh { 41 } else { 42 },
        tomorrow = day(1)
    );
    b.click("#nav-secretary-bookings").await?;
    choose_csv(&b, &format!("homes-{code}"), &csv).await?;
    b.click("#csv-check").await?;
    let row = b.wait_for("[data-testid=csv-match]").await?.text().await?;
    assert!(
        row.contains("正阳街110号"),
        "the match is shown ({lang:?}): {row}"
    );
    b.check_page(&format!("ledger check with matched addresses ({lang:?})"))
        .await?;
    b.wait_until("!document.getElementById('csv-import').disabled", 10)
        .await?;
    b.click("#csv-import").await?;
    // Imported: the check's report (with its matches) gives way to the count of bookings made.
    b.wait_until(
        "document.querySelector('#csv-result .ok-text') && !document.getElementById('csv-matches')",
        15,
    )
    .await
    .context("the import reports its bookings")?;
    let found = api
        .get(&format!("/api/elders?find=Ledger%20{code}"))
        .await?;
    let lon = found[0]["home"]["lon"]
        .as_f64()
        .with_context(|| format!("the ledger's elder is listed: {found}"))?;
    assert!(
        (lon - want_lon).abs() < 1e-6,
        "the ledger's elder lives at the matched address ({lang:?}): {found}"
    );
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secretary_places_homes_by_address_map_and_paste() -> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        flow(lang).await?;
    }
    Ok(())
}
