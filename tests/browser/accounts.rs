//! Accounts on a fresh install (no demo): the first admin, made as `vaxride user add` makes
//! them, logs in with the one-time password and must choose their own before anything else;
//! they add a street office and its coordinator, whose one-time password is shown once. The
//! coordinator (made to change theirs too) adds a community, a secretary and a driver's login;
//! the secretary and the driver log in with theirs, change it and land on their own pages. A
//! reset shows a new one-time password once; a deactivated secretary cannot log in, a
//! reactivated one can. In Chinese and English at phone size (no sideways scroll, every control
//! of these pages at least 44 px), and once on a desktop; axe-clean throughout.

use anyhow::{Context, bail};
use fantoccini::Locator;
use serde_json::{Value, json};
use vaxride_tests::{Browser, DESKTOP, IPHONE, Lang, Server, browser, empty_server};

use crate::common::{Api, expect_console, lang_prefix, log_in_as, words};

/// Waits until the page shows `route`.
async fn view(b: &Browser, route: &str) -> anyhow::Result<()> {
    let waited = b
        .wait_until(
            &format!("document.getElementById('main').dataset.view === '{route}'"),
            20,
        )
        .await;
    if waited.is_err() {
        let seen = b
            .client
            .execute(
                "return [location.hash, document.getElementById('main').dataset.view, document.getElementById('toast').textContent, document.body.innerText.slice(0, 400)];",
                vec![],
            )
            .await?;
        bail!("waiting for the view {route}: {seen}");
    }
    Ok(())
}

/// A JavaScript string from the page.
async fn js_text(b: &Browser, script: &str) -> anyhow::Result<String> {
    let v = b
        .client
        .execute(&format!("return {script};"), vec![])
        .await?;
    v.as_str()
        .map(str::to_string)
        .with_context(|| format!("{script} is not a string: {v}"))
}

/// At phone size: the page does not scroll sideways, and every control of the main view (its
/// add forms opened), the nav links, the password link and the one-time password dialog is at
/// least 44 × 44 px.
async fn check_phone_layout(b: &Browser, what: &str) -> anyhow::Result<()> {
    let v = b
        .client
        .execute(
            "const shut = [...document.querySelectorAll('#main details')].filter((d) => !d.open);\
             shut.forEach((d) => { d.open = true; });\
             const small = [...document.querySelectorAll(\
               '#main button, #main input, #main select, #main summary, #main a, #nav a, \
                #account-link, #otp-dialog button')]\
               .map((e) => [e, e.getBoundingClientRect()])\
               .filter(([, r]) => r.width > 0 && (r.width < 44 || r.height < 44))\
               .map(([e, r]) => `${e.id || e.dataset.testid || e.tagName} ${Math.round(r.width)}x${Math.round(r.height)}`);\
             const wide = document.documentElement.scrollWidth - window.innerWidth;\
             shut.forEach((d) => { d.open = false; });\
             return { wide, small };",
            vec![],
        )
        .await?;
    let wide = v["wide"].as_f64().unwrap_or(f64::MAX);
    if wide > 0.0 {
        bail!("{what}: the page is {wide} px wider than the screen");
    }
    let small = v["small"].as_array().cloned().unwrap_or_default();
    if !small.is_empty() {
        bail!("{what}: touch targets under 44 px: {small:?}");
    }
    Ok(())
}

/// The page's checks: console and axe, and at phone size its layout.
async fn check(b: &Browser, what: &str, phone: bool) -> anyhow::Result<()> {
    b.check_page(what).await?;
    if phone {
        check_phone_layout(b, what).await?;
    }
    Ok(())
}

/// Opens the `<details>` holding `form` (a click on its `<summary>`), unless it is open.
async fn open_form(b: &Browser, form: &str) -> anyhow::Result<()> {
    let open = b
        .client
        .execute(
            &format!("return !!document.querySelector('details[open] {form}');"),
            vec![],
        )
        .await?;
    if open == json!(true) {
        return Ok(());
    }
    b.click(&format!("details:has({form}) > summary")).await?;
    b.wait_for(&format!("details[open] {form}")).await?;
    Ok(())
}

/// Fills the add form `#<prefix>-form` (opening it) with `#<prefix>-<field>` values and
/// saves it.
async fn submit_form(b: &Browser, prefix: &str, values: &[(&str, &str)]) -> anyhow::Result<()> {
    open_form(b, &format!("#{prefix}-form")).await?;
    for (field, value) in values {
        type_into(b, &format!("#{prefix}-{field}"), value).await?;
    }
    b.click(&format!("#{prefix}-save")).await?;
    Ok(())
}

/// Adds an account through the form `#<prefix>-form` once its `choice` select offers the
/// one office, community or driver there is; the one-time password shown.
async fn add_account(
    run: &Run<'_>,
    prefix: &str,
    choice: &str,
    values: &[(&str, &str)],
) -> anyhow::Result<String> {
    run.b
        .wait_until(
            &format!("document.querySelectorAll('#{prefix}-{choice} option').length === 1"),
            10,
        )
        .await?;
    submit_form(run.b, prefix, values).await?;
    run.b
        .wait_until(
            &format!(
                "document.querySelector('#otp-dialog[open]') \
                 || document.getElementById('{prefix}-error').textContent"
            ),
            20,
        )
        .await?;
    let refused = js_text(
        run.b,
        &format!("document.getElementById('{prefix}-error').textContent"),
    )
    .await?;
    if !refused.is_empty() {
        bail!("{}: refused: {refused}", run.what(prefix));
    }
    let username = values
        .iter()
        .find(|(f, _)| *f == "username")
        .map_or("", |(_, v)| *v);
    take_one_time(run.b, username, &run.what(prefix), run.phone).await
}

/// Types `text` into `css` (after clearing it).
async fn type_into(b: &Browser, css: &str, text: &str) -> anyhow::Result<()> {
    let el = b.wait_for(css).await?;
    el.clear().await?;
    el.send_keys(text).await?;
    Ok(())
}

/// Reads the one-time password from its dialog, checks the dialog, closes it, and checks that
/// the password is nowhere on the page any more, nor after the view is drawn again.
async fn take_one_time(
    b: &Browser,
    username: &str,
    what: &str,
    phone: bool,
) -> anyhow::Result<String> {
    b.wait_for("#otp-dialog[open]")
        .await
        .with_context(|| format!("{what}: the one-time password"))?;
    let password = js_text(b, "document.getElementById('otp-value').textContent").await?;
    assert_eq!(password.len(), 12, "{what}: a one-time password");
    let user = js_text(b, "document.getElementById('otp-user').textContent").await?;
    assert!(
        user.contains(username),
        "{what}: the dialog names {username}"
    );
    check(b, &format!("{what}, one-time password"), phone).await?;
    b.click("#otp-close").await?;
    b.wait_until("!document.getElementById('otp-dialog')", 5)
        .await?;
    let not_shown = |b: &Browser| {
        let p = password.clone();
        let b = b.client.clone();
        async move {
            let shown = b
                .execute(
                    "const p = arguments[0];\
                     return document.documentElement.outerHTML.includes(p)\
                       || document.body.innerText.includes(p)\
                       || [...document.querySelectorAll('input')].some((i) => i.value.includes(p));",
                    vec![json!(p)],
                )
                .await?;
            anyhow::Ok(shown == Value::Bool(false))
        }
    };
    assert!(not_shown(b).await?, "{what}: shown again after closing");
    let route = js_text(b, "document.getElementById('main').dataset.view").await?;
    b.client
        .execute("location.hash = '#/account';", vec![])
        .await?;
    view(b, "account").await?;
    b.client
        .execute(&format!("location.hash = '#/{route}';"), vec![])
        .await?;
    view(b, &route).await?;
    b.wait_for("#user-table").await?;
    assert!(not_shown(b).await?, "{what}: shown again on a new visit");
    Ok(password)
}

/// The forced change after a one-time password: nothing else is offered, not even by address;
/// with `probe`, the mistakes are named under their fields in the page's language first.
async fn forced_change(
    run: &Run<'_>,
    one_time: &str,
    new: &str,
    what: &str,
    probe: bool,
) -> anyhow::Result<()> {
    let (b, lang, phone) = (run.b, run.lang, run.phone);
    view(b, "account").await?;
    b.wait_for("#password-forced").await?;
    let offered = b
        .client
        .execute(
            "return document.querySelectorAll('#nav a').length \
             + (document.getElementById('account-link').hidden ? 0 : 1);",
            vec![],
        )
        .await?;
    assert_eq!(offered, json!(0), "{what}: no way around the change");
    b.client
        .execute("location.hash = '#/coordinator/fleet';", vec![])
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    view(b, "account").await?;
    b.wait_for("#password-forced").await?;
    check(b, &format!("{what}: forced password change"), phone).await?;
    if probe {
        let error_of = |field: &'static str| {
            format!("document.getElementById('password-{field}-error').textContent")
        };
        // The repeat differs: said before anything is sent.
        type_into(b, "#password-current", one_time).await?;
        type_into(b, "#password-new", new).await?;
        type_into(b, "#password-repeat", "something-else-1").await?;
        b.click("#password-save").await?;
        b.wait_until(&format!("{} !== ''", error_of("repeat")), 5)
            .await?;
        assert_eq!(
            js_text(b, &error_of("repeat")).await?,
            words(lang, "account.mismatch")?
        );
        // Too short: the server's rule, under the new password.
        type_into(b, "#password-new", "short").await?;
        type_into(b, "#password-repeat", "short").await?;
        b.click("#password-save").await?;
        b.wait_until(&format!("{} !== ''", error_of("new")), 10)
            .await?;
        let short = js_text(b, &error_of("new")).await?;
        let expected = words(lang, "field_msg.password_length")?
            .replace("{min}", "10")
            .replace("{max}", "200");
        assert_eq!(short, expected, "{what}: too short");
        assert_eq!(
            js_text(
                b,
                "document.getElementById('password-new').getAttribute('aria-invalid')"
            )
            .await?,
            "true"
        );
        // A wrong one-time password: under the current one.
        type_into(b, "#password-current", "not-the-one-time").await?;
        type_into(b, "#password-new", new).await?;
        type_into(b, "#password-repeat", new).await?;
        b.click("#password-save").await?;
        b.wait_until(&format!("{} !== ''", error_of("current")), 10)
            .await?;
        assert_eq!(
            js_text(b, &error_of("current")).await?,
            words(lang, "field_msg.wrong_password")?
        );
        assert_eq!(js_text(b, &error_of("new")).await?, "");
        // The two refusals are the browser's console lines about failed requests.
        expect_console(b, what, &["/api/me/password"]).await?;
        check(b, &format!("{what}: field errors"), phone).await?;
    }
    type_into(b, "#password-current", one_time).await?;
    type_into(b, "#password-new", new).await?;
    type_into(b, "#password-repeat", new).await?;
    b.click("#password-save").await?;
    b.wait_until(
        "document.getElementById('main').dataset.view !== 'account'",
        20,
    )
    .await
    .with_context(|| format!("{what}: the change is done"))?;
    Ok(())
}

async fn log_out(b: &Browser) -> anyhow::Result<()> {
    b.click("#logout").await?;
    b.wait_for("#login-form").await?;
    Ok(())
}

/// Clicks a two-tap button twice: the first tap only asks (`confirm` words on the button).
async fn two_taps(b: &Browser, testid: &str, confirm: &str) -> anyhow::Result<()> {
    let css = format!("[data-testid={testid}]");
    b.click(&css).await?;
    let label = js_text(b, &format!("document.querySelector('{css}').textContent")).await?;
    assert_eq!(label, confirm, "{testid}: the first tap asks");
    b.click(&css).await?;
    Ok(())
}

/// The id of the account `username`, as its manager's API lists it.
async fn user_id(api: &Api, username: &str) -> anyhow::Result<i64> {
    let users: Vec<Value> = serde_json::from_value(api.get("/api/users").await?)?;
    users
        .iter()
        .find(|u| u["username"] == username)
        .and_then(|u| u["user_id"].as_i64())
        .with_context(|| format!("no account {username}"))
}

/// One pass: the browser, the server, the page's language and the screen.
struct Run<'a> {
    b: &'a Browser,
    server: &'a Server,
    lang: Lang,
    phone: bool,
    size_name: &'a str,
}

impl Run<'_> {
    /// "what (language, size)" for messages.
    fn what(&self, s: &str) -> String {
        format!("{s} ({:?}, {})", self.lang, self.size_name)
    }

    /// Logs in as `user` with a one-time password, replaces it with `new` and lands on `home`.
    async fn first_login(
        &self,
        user: &str,
        one_time: &str,
        new: &str,
        home: &str,
    ) -> anyhow::Result<()> {
        log_in_as(self.b, self.server, user, one_time, self.lang).await?;
        forced_change(self, one_time, new, &self.what(user), false).await?;
        view(self.b, home).await
    }
}

async fn flow(lang: Lang, size: (u32, u32), size_name: &str) -> anyhow::Result<()> {
    let code = lang_prefix(lang);
    let phone = size != DESKTOP;
    let server = empty_server(&format!("accounts-{code}-{size_name}")).await?;
    let Some(b) = browser(size).await? else {
        return Ok(());
    };
    let run = Run {
        b: &b,
        server: &server,
        lang,
        phone,
        size_name,
    };
    let what = |s: &str| run.what(s);
    let t = |key: &str| words(lang, key);

    // The first admin of the install must choose their own password first; the mistakes on
    // the way are named under their fields.
    let one_time = server.bootstrap_admin("root").await?;
    log_in_as(&b, &server, "root", &one_time, lang).await?;
    forced_change(&run, &one_time, "root-chooses-this-1", &what("admin"), true).await?;
    view(&b, "admin/accounts").await?;
    b.wait_for("#district-empty").await?;
    check(&b, &what("admin accounts, empty"), phone).await?;
    b.screenshot(&format!("admin-accounts-{size_name}-{code}"))
        .await?;

    // A street office and its coordinator.
    let office = match lang {
        Lang::Zh => "皇城街道",
        Lang::En => "Huangcheng office",
    };
    submit_form(&b, "district", &[("name", office)]).await?;
    b.wait_for("#district-table [data-testid^=district-row-]")
        .await?;
    let coordinator = format!("wang-{code}");
    let coordinator_otp = add_account(
        &run,
        "coordinator",
        "district",
        &[("username", &coordinator), ("display", "王协调")],
    )
    .await?;
    b.wait_until(
        "document.querySelectorAll('#user-table [data-testid^=user-row-]').length === 2",
        10,
    )
    .await?;
    check(&b, &what("admin accounts"), phone).await?;
    log_out(&b).await?;

    // The coordinator: their own password, then a community, a secretary and a driver's login.
    let coordinator_pw = "wang-chooses-this-1";
    run.first_login(
        &coordinator,
        &coordinator_otp,
        coordinator_pw,
        "coordinator/plan",
    )
    .await?;
    b.click("#nav-coordinator-people").await?;
    view(&b, "coordinator/people").await?;
    b.wait_for("#community-empty").await?;
    check(&b, &what("people, empty"), phone).await?;
    let network = vaxride_server::seed::demo_network(true)?;
    let [lon, lat] = network.graph().node(0);
    // The centre by address, as an elder's home (no numbers typed).
    open_form(&b, "#community-form").await?;
    b.wait_for("#community-form #home-search")
        .await?
        .send_keys("正阳街 110")
        .await?;
    b.click("#community-form [data-testid=place-0]").await?;
    b.wait_until(
        "document.getElementById('community-lon').value !== '' && \
         document.getElementById('community-lat').value !== ''",
        5,
    )
    .await
    .context("the found centre fills the coordinates")?;
    submit_form(&b, "community", &[("name", "北中社区")]).await?;
    b.wait_for("#community-table [data-testid^=community-row-]")
        .await?;
    let secretary = format!("li-{code}");
    let secretary_otp = add_account(
        &run,
        "secretary",
        "community",
        &[("username", &secretary), ("display", "李书记")],
    )
    .await?;

    // A vehicle and its driver, as the fleet page adds them; then the driver's login.
    let api = Api::login(&server, &coordinator, coordinator_pw).await?;
    let vehicle = api
        .post(
            "/api/vehicles",
            json!({"name": "1号车", "seats": 4, "shift": ["07:00", "18:00"],
                   "start": {"lon": lon, "lat": lat}}),
        )
        .await?["id"]
        .as_i64()
        .context("vehicle id")?;
    api.post(
        "/api/drivers",
        json!({"name": "赵师傅", "phone": "13800000001", "vehicle_id": vehicle}),
    )
    .await?;
    b.client.refresh().await?;
    view(&b, "coordinator/people").await?;
    let driver = format!("zhao-{code}");
    let driver_otp = add_account(&run, "driver-login", "driver", &[("username", &driver)]).await?;
    let secretary_id = user_id(&api, &secretary).await?;
    let driver_id = user_id(&api, &driver).await?;
    let row =
        |id: i64| format!("document.querySelector('[data-testid=user-row-{id}]').textContent");
    b.wait_until(&format!("{}.includes('北中社区')", row(secretary_id)), 10)
        .await?;
    b.wait_until(
        &format!(
            "{}.includes('赵师傅') && {0}.includes('1号车')",
            row(driver_id)
        ),
        10,
    )
    .await?;
    // The driver has a login now: none left to offer.
    b.wait_until(
        "document.querySelectorAll('#driver-login-driver option').length === 0",
        10,
    )
    .await?;
    check(&b, &what("people"), phone).await?;
    b.screenshot(&format!("coordinator-people-{size_name}-{code}"))
        .await?;
    log_out(&b).await?;

    // The secretary and the driver choose their own and land on their pages.
    let secretary_pw = "li-chooses-this-1";
    run.first_login(
        &secretary,
        &secretary_otp,
        secretary_pw,
        "secretary/bookings",
    )
    .await?;
    // Every role reaches its own password page from the header.
    b.click("#account-link").await?;
    view(&b, "account").await?;
    assert!(
        b.client
            .find(Locator::Css("#password-forced"))
            .await
            .is_err(),
        "{}",
        what("no forced notice once changed")
    );
    check(&b, &what("secretary's own password"), phone).await?;
    log_out(&b).await?;
    let driver_pw = "zhao-chooses-this-1";
    run.first_login(&driver, &driver_otp, driver_pw, "driver")
        .await?;
    log_out(&b).await?;

    // The coordinator resets the driver's password (shown once) and deactivates the secretary,
    // reactivates and deactivates her again.
    log_in_as(&b, &server, &coordinator, coordinator_pw, lang).await?;
    view(&b, "coordinator/plan").await?;
    b.click("#nav-coordinator-people").await?;
    view(&b, "coordinator/people").await?;
    two_taps(
        &b,
        &format!("user-reset-{driver_id}"),
        &t("account.reset_confirm")?,
    )
    .await?;
    let reset_otp = take_one_time(&b, &driver, &what("reset"), phone).await?;
    assert_ne!(reset_otp, driver_otp, "a new one-time password");
    assert!(
        Api::login(&server, &driver, driver_pw).await.is_err(),
        "the reset ends the old password"
    );
    two_taps(
        &b,
        &format!("user-active-{secretary_id}"),
        &t("account.deactivate_confirm")?,
    )
    .await?;
    let status = |id: i64, active: &str| {
        format!("document.querySelector('[data-testid=user-status-{id}][data-active={active}]')")
    };
    b.wait_until(&status(secretary_id, "no"), 10).await?;
    assert!(
        Api::login(&server, &secretary, secretary_pw).await.is_err(),
        "a deactivated secretary cannot log in"
    );
    two_taps(
        &b,
        &format!("user-active-{secretary_id}"),
        &t("account.reactivate_confirm")?,
    )
    .await?;
    b.wait_until(&status(secretary_id, "yes"), 10).await?;
    Api::login(&server, &secretary, secretary_pw)
        .await
        .context("a reactivated secretary logs in")?;
    two_taps(
        &b,
        &format!("user-active-{secretary_id}"),
        &t("account.deactivate_confirm")?,
    )
    .await?;
    b.wait_until(&status(secretary_id, "no"), 10).await?;
    check(&b, &what("people, after reset and deactivation"), phone).await?;
    log_out(&b).await?;

    // Through the form: refused, in the page's language.
    b.open(&server.base, lang).await?;
    type_into(&b, "#login-username", &secretary).await?;
    type_into(&b, "#login-password", secretary_pw).await?;
    b.click("#login-submit").await?;
    b.wait_until(
        "document.getElementById('login-error').textContent !== ''",
        20,
    )
    .await?;
    assert_eq!(
        js_text(&b, "document.getElementById('login-error').textContent").await?,
        t("err.bad_credentials")?
    );
    expect_console(&b, &what("deactivated login"), &["/api/login"]).await?;
    // The driver's reset one-time password leads to the forced change again.
    run.first_login(&driver, &reset_otp, "zhao-chooses-anew-2", "driver")
        .await?;
    b.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_install_gets_its_accounts_through_the_pages_on_a_phone() -> anyhow::Result<()> {
    for lang in [Lang::Zh, Lang::En] {
        flow(lang, IPHONE, "phone").await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_install_gets_its_accounts_through_the_pages_on_a_desktop() -> anyhow::Result<()> {
    flow(Lang::En, DESKTOP, "desktop").await
}
