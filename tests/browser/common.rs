//! Helpers shared by the flows: logging in through the form, the API as a role (bearer token),
//! the demo day, and counts straight from the server's SQLite file.

use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::{Value, json};
use vaxride_tests::{Browser, Lang, Server};

/// The demo login of a role.
pub fn login_of(server: &Server, role: &str) -> (String, String) {
    let (_, user, password) = server
        .logins
        .iter()
        .find(|(r, _, _)| r == role)
        .unwrap_or_else(|| panic!("no demo login for {role}"));
    (user.clone(), password.clone())
}

/// Logs in as a role's demo login through the form and waits for the role's first view.
pub async fn log_in(b: &Browser, server: &Server, role: &str, lang: Lang) -> anyhow::Result<()> {
    let (user, password) = login_of(server, role);
    log_in_as(b, server, &user, &password, lang).await
}

/// Logs in as `user` through the form and waits for the first view in `lang`.
pub async fn log_in_as(
    b: &Browser,
    server: &Server,
    user: &str,
    password: &str,
    lang: Lang,
) -> anyhow::Result<()> {
    b.open(&server.base, lang).await?;
    b.wait_for("#login-username").await?.send_keys(user).await?;
    b.wait_for("#login-password")
        .await?
        .send_keys(password)
        .await?;
    b.click("#login-submit").await?;
    b.wait_until("!document.getElementById('logout').hidden", 20)
        .await?;
    b.wait_until(
        &format!(
            "document.documentElement.lang.startsWith('{}')",
            lang_prefix(lang)
        ),
        5,
    )
    .await?;
    Ok(())
}

/// `zh` or `en` (for screenshot names and `<html lang>`).
pub fn lang_prefix(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// The page's words for `key` in `lang`, from the dictionaries the page loads.
pub fn words(lang: Lang, key: &str) -> anyhow::Result<String> {
    let file = format!(
        "{}/../crates/server/assets/i18n.{}.json",
        env!("CARGO_MANIFEST_DIR"),
        lang.code()
    );
    let dict: Value = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
    dict[key]
        .as_str()
        .map(str::to_string)
        .with_context(|| format!("no {key} in {file}"))
}

/// The demo day (today, UTC, as the seed books it) shifted by `days`, as `YYYY-MM-DD`.
pub fn day(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    vaxride_server::seed::today(now + days * 86_400).to_string()
}

/// Sets a form control's value from script and fires `input` and `change` (date inputs take
/// typed keys in the browser's locale order, which differs between machines).
pub async fn set_value(b: &Browser, css: &str, value: &str) -> anyhow::Result<()> {
    b.wait_for(css).await?;
    b.client
        .execute(
            "const el = document.querySelector(arguments[0]); el.value = arguments[1];\
             el.dispatchEvent(new Event('input', {bubbles: true}));\
             el.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(css), json!(value)],
        )
        .await?;
    Ok(())
}

/// Clicks the element `css` names once it is there, found again at the click: a view that
/// redraws itself (a refresh, a pushed event) leaves no stale element behind.
pub async fn click(b: &Browser, css: &str) -> anyhow::Result<()> {
    b.wait_for(css).await?;
    b.client
        .execute(
            "document.querySelector(arguments[0]).click();",
            vec![json!(css)],
        )
        .await?;
    Ok(())
}

/// A JavaScript number from the page.
pub async fn js_number(b: &Browser, script: &str) -> anyhow::Result<f64> {
    let v = b
        .client
        .execute(&format!("return {script};"), vec![])
        .await?;
    v.as_f64()
        .with_context(|| format!("{script} is not a number: {v}"))
}

/// The API as one user (a bearer token from `POST /api/login`).
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    /// Logs in as `user`.
    pub async fn login(server: &Server, user: &str, password: &str) -> anyhow::Result<Api> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        let r = http
            .post(format!("{}/api/login", server.base))
            .json(&json!({"username": user, "password": password}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("login as {user}: {} {}", r.status(), r.text().await?);
        }
        let v: Value = r.json().await?;
        let token = v["token"].as_str().context("no token")?.to_string();
        Ok(Api {
            http,
            base: server.base.clone(),
            token,
        })
    }

    /// Logs in as a role's demo login.
    pub async fn as_role(server: &Server, role: &str) -> anyhow::Result<Api> {
        let (user, password) = login_of(server, role);
        Api::login(server, &user, &password).await
    }

    async fn send(&self, req: reqwest::RequestBuilder, what: &str) -> anyhow::Result<Value> {
        let r = req.bearer_auth(&self.token).send().await?;
        let status = r.status();
        let text = r.text().await?;
        if !status.is_success() {
            bail!("{what}: {status} {text}");
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        })
    }

    /// `GET path`, the JSON answer (an error unless 2xx).
    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.send(self.http.get(format!("{}{path}", self.base)), path)
            .await
    }

    /// `GET path`, the status code only.
    pub async fn status_of(&self, path: &str) -> anyhow::Result<u16> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        Ok(r.status().as_u16())
    }

    /// `GET path`, the body as text.
    pub async fn get_text(&self, path: &str) -> anyhow::Result<String> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?
            .error_for_status()?;
        Ok(r.text().await?)
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.send(
            self.http.post(format!("{}{path}", self.base)).json(&body),
            path,
        )
        .await
    }

    /// Runs the plan of `day` with a budget of `seconds` and waits for it; the plan id.
    pub async fn run_plan(&self, day: &str, seconds: u64) -> anyhow::Result<i64> {
        let job = self
            .post("/api/plans/run", json!({"day": day, "seconds": seconds}))
            .await?;
        let job = job["job"].as_i64().context("no job id")?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let p = self.get(&format!("/api/plans/jobs/{job}")).await?;
            match p["status"].as_str() {
                Some("done") => return p["plan_id"].as_i64().context("done without a plan"),
                Some("failed") => bail!("planning failed: {p}"),
                _ => {}
            }
            if tokio::time::Instant::now() > deadline {
                bail!("planning did not finish: {p}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// `SELECT COUNT(*) …` on the server's SQLite file, with `binds` as `$1`, `$2`….
pub async fn count(server: &Server, sql: &'static str, binds: &[Value]) -> anyhow::Result<i64> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", server.db.display())).await?;
    let mut q = sqlx::query_scalar::<_, i64>(sql);
    for v in binds {
        q = match v {
            Value::Number(n) => q.bind(n.as_i64().context("an integer bind")?),
            other => q.bind(other.as_str().context("a string bind")?.to_string()),
        };
    }
    let n = q.fetch_one(&pool).await?;
    pool.close().await;
    Ok(n)
}

/// Fails on console errors so far except the browser's own lines about requests expected to
/// fail: those naming one of `expected` (a request already under way when the page is cut off
/// the network). `check_page` afterwards sees only what came later.
pub async fn expect_console(b: &Browser, what: &str, expected: &[&str]) -> anyhow::Result<()> {
    let errors: Vec<String> = b
        .console_errors()
        .await?
        .into_iter()
        .filter(|e| !expected.iter().any(|x| e.contains(x)))
        .collect();
    if !errors.is_empty() {
        bail!("{what}: console errors: {errors:#?}");
    }
    Ok(())
}

/// Phone-size layout checks: no sideways scroll (the page is no wider than the window), and
/// every visible link, button and form control at least 44 px tall (a checkbox together with
/// its label, which is what a finger hits).
pub async fn check_phone_layout(b: &Browser, what: &str) -> anyhow::Result<()> {
    let v = b
        .client
        .execute(
            "const out = [];\
             const w = document.documentElement.scrollWidth;\
             if (w > innerWidth) {\
               const wide = [...document.querySelectorAll('body *')]\
                 .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)\
                 .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : ''));\
               out.push(`page ${w} px wide in ${innerWidth} px: ${wide.join(' ')}`);\
             }\
             for (const e of document.querySelectorAll('a, button, select, input')) {\
               if (!e.getClientRects().length) continue;\
               let r = e.getBoundingClientRect();\
               if (r.width === 0 || r.height === 0) continue;\
               let height = r.height;\
               if (e.type === 'checkbox' || e.type === 'radio') {\
                 for (const l of e.labels || []) height = Math.max(height, l.getBoundingClientRect().height);\
               }\
               if (height < 44) {\
                 const name = e.id || e.dataset.testid || (e.textContent || e.type || '').trim().slice(0, 30);\
                 out.push(`${e.tagName.toLowerCase()} ${name}: ${height.toFixed(1)} px tall`);\
               }\
             }\
             return out;",
            vec![],
        )
        .await?;
    let problems: Vec<String> = serde_json::from_value(v)?;
    if !problems.is_empty() {
        bail!("{what}: phone layout: {problems:#?}");
    }
    Ok(())
}

/// The demo secretary who sees `booking` (`sec-1`, `sec-2`… one per community), logged in.
pub async fn secretary_of(
    server: &Server,
    coordinator: &Api,
    booking: i64,
) -> anyhow::Result<(String, Api)> {
    let (_, password) = login_of(server, "secretary");
    let communities = coordinator.get("/api/communities").await?;
    for c in 1..=communities.as_array().map_or(0, Vec::len) {
        let name = format!("sec-{c}");
        let api = Api::login(server, &name, &password).await?;
        if api.status_of(&format!("/api/bookings/{booking}")).await? == 200 {
            return Ok((name, api));
        }
    }
    bail!("no secretary sees booking {booking}")
}

/// The demo drivers' logins (`driver-1`, `driver-2`…, in the order they were made) whose
/// vehicle has a route in `plan`, with their driver ids.
pub async fn drivers_with_routes(
    coordinator: &Api,
    plan: &Value,
) -> anyhow::Result<Vec<(String, i64)>> {
    let mut drivers: Vec<Value> = serde_json::from_value(coordinator.get("/api/drivers").await?)?;
    drivers.sort_by_key(|d| d["id"].as_i64());
    let routes = plan["routes"]["routes"]
        .as_array()
        .context("the plan's routes")?;
    Ok(drivers
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            routes.iter().any(|r| {
                r["vehicle_id"] == d["vehicle_id"]
                    && r["stops"].as_array().is_some_and(|s| !s.is_empty())
            })
        })
        .map(|(i, d)| {
            (
                format!("driver-{}", i + 1),
                d["id"].as_i64().unwrap_or_default(),
            )
        })
        .collect())
}

/// The map whose view is `view` (a `.map-view`) pans and zooms and comes back (issue 14): its
/// zoom buttons are named in the page's language and at least 44 px, the buttons, the mouse
/// wheel and a drag move it, and the fit button shows the whole area again.
pub async fn map_moves(b: &Browser, view: &str, lang: Lang) -> anyhow::Result<()> {
    let el = format!("document.querySelector('{view}')");
    b.wait_until(&format!("{el} && {el}.dataset.zoom"), 20)
        .await
        .context("the map is drawn and fitted")?;
    let state = || async {
        let v = b
            .client
            .execute(
                &format!(
                    "const d = {el}.dataset; return [Number(d.zoom), ...d.centre.split(',').map(Number)];"
                ),
                vec![],
            )
            .await?;
        anyhow::Ok(serde_json::from_value::<[f64; 3]>(v)?)
    };
    let fitted = state().await?;
    let title: String = serde_json::from_value(
        b.client
            .execute(
                &format!("return {el}.querySelector('.leaflet-control-zoom-in').title;"),
                vec![],
            )
            .await?,
    )?;
    let want = match lang {
        Lang::Zh => "放大",
        Lang::En => "Zoom in",
    };
    assert_eq!(title, want, "the zoom button's name ({lang:?})");
    let smallest = js_number(
        b,
        &format!(
            "Math.min(...[...{el}.querySelectorAll('.leaflet-bar a, .map-fit button')]\
             .flatMap(x => {{ const r = x.getBoundingClientRect(); return [r.width, r.height]; }}))"
        ),
    )
    .await?;
    assert!(
        smallest >= 44.0,
        "map buttons ≥ 44 px ({lang:?}): {smallest}"
    );
    // The buttons.
    b.click(&format!("{view} .leaflet-control-zoom-in")).await?;
    b.wait_until(&format!("Number({el}.dataset.zoom) > {}", fitted[0]), 5)
        .await
        .context("zoom in with the button")?;
    let after_button = state().await?;
    // The wheel, over the middle of the map.
    b.client
        .execute(
            &format!(
                "const v = {el}; const r = v.getBoundingClientRect();\
                 v.dispatchEvent(new WheelEvent('wheel', {{ deltaY: -400, deltaMode: 0, bubbles: true, cancelable: true,\
                   clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 }}));"
            ),
            vec![],
        )
        .await?;
    b.wait_until(
        &format!("Number({el}.dataset.zoom) > {}", after_button[0]),
        5,
    )
    .await
    .context("zoom in with the mouse wheel")?;
    let zoomed = state().await?;
    // A drag to the left and up, with the mouse.
    {
        use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
        let element = b.wait_for(view).await?;
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element,
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(300)),
                x: -96.0,
                y: -64.0,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        b.client.perform_actions(drag).await?;
        b.client.release_actions().await?;
    }
    b.wait_until(
        &format!(
            "{el}.dataset.centre !== '{:.5},{:.5}'",
            zoomed[1], zoomed[2]
        ),
        5,
    )
    .await
    .context("pan with a drag")?;
    // Fit: the whole area again, as first shown.
    b.click(&format!("{view} [data-testid=map-fit]")).await?;
    b.wait_until(&format!("Number({el}.dataset.zoom) === {}", fitted[0]), 5)
        .await
        .context("fit to the area")?;
    let back = state().await?;
    assert!(
        (back[1] - fitted[1]).abs() < 1e-4 && (back[2] - fitted[2]).abs() < 1e-4,
        "the fit button brings back the first view ({lang:?}): {back:?} vs {fitted:?}"
    );
    Ok(())
}

/// Writes `csv` to a file of its own (`name` tells the test's runs apart) and chooses it in
/// the ledger form (`#csv-file`), then waits until it can be checked.
pub async fn choose_csv(b: &Browser, name: &str, csv: &str) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("vaxride-browser-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(format!("{name}.csv"));
    std::fs::write(&file, csv)?;
    b.wait_for("#csv-file")
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    b.wait_until("!document.getElementById('csv-check').disabled", 10)
        .await?;
    // The page has read it.
    let _ = std::fs::remove_file(&file);
    Ok(())
}

/// A published day: the demo secretary books `n` of her community's walkers (who still have a
/// shot due) for `day` with a ride home, and the coordinator plans and publishes it. Answers the
/// secretary's and the coordinator's sessions and the plan.
pub async fn walkers_published(
    server: &Server,
    day: &str,
    n: usize,
) -> anyhow::Result<(Api, Api, Value)> {
    let secretary = Api::as_role(server, "secretary").await?;
    let elders: Vec<Value> = serde_json::from_value(secretary.get("/api/elders").await?)?;
    let walkers: Vec<i64> = elders
        .iter()
        .filter(|e| e["mobility"] == "walks" && e["dose"] != "booster")
        .filter_map(|e| e["id"].as_i64())
        .collect();
    anyhow::ensure!(walkers.len() >= n, "the demo community has riders");
    let batch: Vec<Value> = walkers[..n]
        .iter()
        .map(|&e| json!({"elder_id": e, "day": day, "return": true}))
        .collect();
    secretary
        .post("/api/bookings", json!({ "bookings": batch }))
        .await?;
    let coordinator = Api::as_role(server, "coordinator").await?;
    let plan_id = coordinator.run_plan(day, 2).await?;
    coordinator
        .post(&format!("/api/plans/{plan_id}/publish"), json!({}))
        .await?;
    let plan = coordinator.get(&format!("/api/plans/{plan_id}")).await?;
    Ok((secretary, coordinator, plan))
}
