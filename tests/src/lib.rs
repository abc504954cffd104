//! Harness of the system tests: a vaxride server on 127.0.0.1 with the demo street office (or
//! empty, as a fresh install), and a headless Chromium driven over WebDriver (Debian's
//! `chromium` and `chromium-driver`).
//!
//! Without chromedriver the browser tests skip, and say so, unless `VAXRIDE_REQUIRE_BROWSER=1`
//! (CI sets it after installing both). `VAXRIDE_AXE_JS` names axe-core's `axe.min.js` for the
//! accessibility checks (CI installs it from npm); `VAXRIDE_SCREENSHOTS` a folder where the
//! tests write each role's main page at phone and desktop size.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};
use vaxride_dispatch::values::Role;
use vaxride_server::{AppState, Application, seed};
use vaxride_store::{NewUser, Store};

/// A server on a fresh SQLite file, seeded with the demo street office.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The store behind it (for checks of what the server holds).
    pub store: Store,
    /// The demo logins: (role, username, password).
    pub logins: Vec<(String, String, String)>,
    /// The SQLite file behind the store (for counts the store has no method for).
    pub db: PathBuf,
}

/// Starts a demo server with a planning budget of `plan_seconds`.
pub async fn demo_server(name: &str, plan_seconds: u64) -> anyhow::Result<Server> {
    demo_server_with_tiles(name, plan_seconds, None).await
}

/// A demo server whose maps draw raster tiles from `tiles` (a `{z}/{x}/{y}` template).
pub async fn demo_server_with_tiles(
    name: &str,
    plan_seconds: u64,
    tiles: Option<vaxride_server::ui::TileSource>,
) -> anyhow::Result<Server> {
    start(name, plan_seconds, tiles, true).await
}

/// A server as a fresh `vaxride serve --no-demo` install: the demo town's roads, an empty
/// database, nobody to log in (see [`Server::bootstrap_admin`]).
pub async fn empty_server(name: &str) -> anyhow::Result<Server> {
    start(name, 2, None, false).await
}

async fn start(
    name: &str,
    plan_seconds: u64,
    tiles: Option<vaxride_server::ui::TileSource>,
    demo: bool,
) -> anyhow::Result<Server> {
    let dir = std::env::temp_dir().join(format!("vaxride-browser-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("demo.db");
    let _ = std::fs::remove_file(&path);
    let store = Store::open(&format!("sqlite://{}", path.display())).await?;
    let network = seed::demo_network(true)?;
    let logins = if demo {
        seed::seed_demo(&store, &network, false).await?
    } else {
        Vec::new()
    };
    let mut state = AppState::new(
        store.clone(),
        Some(Arc::new(network)),
        Duration::from_secs(plan_seconds),
    );
    state.tiles = tiles;
    let state = actix_web::web::Data::new(state);
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    let app = Application::build(state, listener, Some(2))?;
    let base = app.local_url();
    app.spawn();
    Ok(Server {
        base,
        store,
        logins,
        db: path,
    })
}

impl Server {
    /// The first admin of a fresh install, made as `vaxride user add --role admin` makes it
    /// (straight into the store, with a one-time password to replace at the first login);
    /// answers the one-time password.
    pub async fn bootstrap_admin(&self, username: &str) -> anyhow::Result<String> {
        let password = vaxride_server::users::one_time_password();
        self.store
            .create_account(&NewUser {
                username: username.to_string(),
                password_hash: vaxride_server::auth::hash_password(&password),
                role: Role::Admin,
                district_id: None,
                community_id: None,
                driver_id: None,
                display_name: username.to_string(),
            })
            .await?;
        Ok(password)
    }
}

/// A stand-in tile server on 127.0.0.1 (another origin than the app's): every tile is the
/// same small SVG; `served` counts the tiles asked for.
pub struct TileServer {
    /// The `{z}/{x}/{y}` template of its tiles.
    pub template: String,
    /// Tiles served so far.
    pub served: Arc<std::sync::atomic::AtomicUsize>,
}

/// Starts a [`TileServer`].
pub async fn tile_server() -> anyhow::Result<TileServer> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    let server = actix_web::HttpServer::new(move || {
        let count = count.clone();
        actix_web::App::new().route(
            "/tiles/{z}/{x}/{y}.svg",
            actix_web::web::get().to(move || {
                count.fetch_add(1, Ordering::SeqCst);
                async {
                    actix_web::HttpResponse::Ok()
                        .content_type("image/svg+xml")
                        .body(
                            "<svg xmlns='http://www.w3.org/2000/svg' width='256' height='256'>\
                             <rect width='256' height='256' fill='#eef2e6' stroke='#d5dccb'/></svg>",
                        )
                }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))?;
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    Ok(TileServer {
        template: format!("http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.svg"),
        served,
    })
}

/// The page languages the tests run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese, the default.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The code the page stores (`zh-CN` or `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// Phone and desktop window sizes.
pub const PHONE: (u32, u32) = (360, 740);
/// A larger phone (an iPhone's 390 × 844, the size issue 14 was walked through at).
pub const IPHONE: (u32, u32) = (390, 844);
/// A desktop window.
pub const DESKTOP: (u32, u32) = (1280, 900);

/// chromedriver and one browser session; the driver process dies with it.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    _driver: Child,
    closed: bool,
}

impl Drop for Browser {
    /// A test that fails before `close` still ends its session: killing chromedriver alone
    /// would leave the Chromium it started running.
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        let client = self.client.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current()
            && rt.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread
        {
            tokio::task::block_in_place(|| {
                let _ = rt.block_on(tokio::time::timeout(
                    Duration::from_secs(10),
                    client.close(),
                ));
            });
        }
    }
}

fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// Opens a headless Chromium at `size`, or `None` (with a message) when chromedriver is not
/// installed and the browser is not required.
pub async fn browser(size: (u32, u32)) -> anyhow::Result<Option<Browser>> {
    let required = std::env::var("VAXRIDE_REQUIRE_BROWSER").as_deref() == Ok("1");
    let Some(driver) = find_program(&["chromedriver"]) else {
        if required {
            bail!("chromedriver is required (VAXRIDE_REQUIRE_BROWSER=1) but not on PATH");
        }
        eprintln!("chromedriver not found: skipping the browser test");
        return Ok(None);
    };
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"])
        .context("chromedriver is there but no chromium")?;
    let port = free_port()?;
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .context("starting chromedriver")?;
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-dev-shm-usage",
                "--no-first-run", "--hide-scrollbars",
                format!("--window-size={},{}", size.0, size.1),
            ],
        }),
    );
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    let mut last = None;
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(client) => {
                client.set_window_size(size.0, size.1).await?;
                return Ok(Some(Browser {
                    client,
                    _driver: child,
                    closed: false,
                }));
            }
            Err(e) => {
                last = Some(e);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    Err(anyhow!("no WebDriver session: {last:?}"))
}

/// A WebDriver command of chromedriver's own (console log, network emulation).
#[derive(Debug)]
struct Raw {
    path: &'static str,
    method: http::Method,
    body: Option<Value>,
}

impl WebDriverCompatibleCommand for Raw {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            self.method.clone(),
            self.body.as_ref().map(ToString::to_string),
        )
    }
}

impl Browser {
    /// Opens `url` with the page language set to `lang` (stored as the page stores it).
    pub async fn open(&self, base: &str, lang: Lang) -> anyhow::Result<()> {
        self.client.goto(&format!("{base}/")).await?;
        self.client
            .execute(
                "localStorage.setItem('vaxride.lang', arguments[0]);",
                vec![json!(lang.code())],
            )
            .await?;
        self.client.goto(&format!("{base}/")).await?;
        Ok(())
    }

    /// Waits for an element matching `css` (up to 20 s).
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    /// Waits for the element `css` names and clicks it; found again if the view redrew it
    /// between the two (a stale element), up to three times.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let mut tries = 0;
        loop {
            let el = self.wait_for(css).await?;
            match el.click().await {
                Ok(_) => return Ok(()),
                Err(e) if tries < 3 && e.to_string().contains("stale element") => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => return Err(anyhow::Error::from(e).context(format!("clicking {css}"))),
            }
        }
    }

    /// Waits until `script` (a JavaScript expression) is truthy (up to `secs`).
    pub async fn wait_until(&self, script: &str, secs: u64) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self
                .client
                .execute(&format!("return !!({script});"), vec![])
                .await?;
            if v == json!(true) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                bail!("timed out waiting for {script}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Console errors and uncaught exceptions since the last call.
    pub async fn console_errors(&self) -> anyhow::Result<Vec<String>> {
        let v = self
            .client
            .issue_cmd(Raw {
                path: "se/log",
                method: http::Method::POST,
                body: Some(json!({"type": "browser"})),
            })
            .await?;
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect())
    }

    /// Cuts the page off the network (`true`) or puts it back.
    pub async fn set_offline(&self, offline: bool) -> anyhow::Result<()> {
        self.client
            .issue_cmd(Raw {
                path: "chromium/network_conditions",
                method: http::Method::POST,
                body: Some(json!({"network_conditions": {
                    "offline": offline, "latency": 0,
                    "download_throughput": 1_000_000, "upload_throughput": 1_000_000,
                }})),
            })
            .await?;
        Ok(())
    }

    /// Runs `script` in every page this session opens from now on, before the page's own
    /// scripts (Chrome DevTools' `Page.addScriptToEvaluateOnNewDocument`): e.g. to slow one of
    /// the page's requests down.
    pub async fn before_each_page(&self, script: &str) -> anyhow::Result<()> {
        self.client
            .issue_cmd(Raw {
                path: "goog/cdp/execute",
                method: http::Method::POST,
                body: Some(json!({
                    "cmd": "Page.addScriptToEvaluateOnNewDocument",
                    "params": {"source": script},
                })),
            })
            .await?;
        Ok(())
    }

    /// Runs axe-core (labels, contrast, names, landmarks…) on the page; the violations, each as
    /// "rule: target". `None` when `VAXRIDE_AXE_JS` is not set (CI sets it).
    pub async fn axe(&self) -> anyhow::Result<Option<Vec<String>>> {
        let Ok(path) = std::env::var("VAXRIDE_AXE_JS") else {
            eprintln!("VAXRIDE_AXE_JS not set: skipping the accessibility check");
            return Ok(None);
        };
        let source = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        self.client.execute(&source, vec![]).await?;
        let v = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})\
                   .then(r => done(r.violations.map(v => v.id + ': ' +\
                     v.nodes.map(n => n.target.join(' ')).join(', '))))\
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await?;
        Ok(Some(
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(String::from))
                .collect(),
        ))
    }

    /// Writes a PNG of the page to `$VAXRIDE_SCREENSHOTS/NAME.png` when that is set.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<()> {
        let Ok(dir) = std::env::var("VAXRIDE_SCREENSHOTS") else {
            return Ok(());
        };
        std::fs::create_dir_all(&dir)?;
        let png = self.client.screenshot().await?;
        std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png)?;
        Ok(())
    }

    /// Checks the page: no console errors, no accessibility violations.
    pub async fn check_page(&self, what: &str) -> anyhow::Result<()> {
        let errors = self.console_errors().await?;
        if !errors.is_empty() {
            bail!("{what}: console errors: {errors:#?}");
        }
        if let Some(v) = self.axe().await?
            && !v.is_empty()
        {
            bail!("{what}: accessibility violations: {v:#?}");
        }
        Ok(())
    }

    /// Ends the session.
    pub async fn close(mut self) -> anyhow::Result<()> {
        self.closed = true;
        self.client.clone().close().await?;
        Ok(())
    }
}
