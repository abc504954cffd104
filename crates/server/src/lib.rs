//! vaxride's HTTP service: thin handlers over the store (`vaxride-store`), the domain
//! (`vaxride-dispatch`) and, for planning, the road network and the solver.
//!
//! Every handler takes the [`auth::Caller`] and passes its scope to the store, so another
//! community's object answers 404 exactly like a missing one.

pub mod auth;
mod bookings;
mod driver;
pub mod error;
mod fleet;
pub mod metrics;
mod openapi;
mod planning;
mod roads;
pub mod seed;
mod sse;
pub mod ui;

pub use planning::WallClock;

use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpResponse, web};
use vaxride_roadnet::RoadNetwork;
use vaxride_store::Store;

/// A valid argon2id hash of a random password, verified against for unknown usernames so
/// that a login takes the same time whether the user exists or not.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9bXcVdXU7dUVfmJJVUlnGp/O0GnvNE9P0Ee5Z7DPtlA";

/// The largest JSON body accepted, bytes.
pub const JSON_LIMIT: usize = 2 * 1024 * 1024;
/// The most bookings in one batch (JSON or CSV).
pub const MAX_BATCH: usize = 2000;

/// What every handler shares.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The road network, when one is loaded (else straight lines with a detour factor).
    pub network: Option<Arc<RoadNetwork>>,
    /// Password checks running at once.
    pub hashing: tokio::sync::Semaphore,
    /// Login attempts per username: a burst of 5, then one every 12 s.
    pub logins: governor::DefaultKeyedRateLimiter<String>,
    /// Planning runs at once.
    pub planning: Arc<tokio::sync::Semaphore>,
    /// How long a planning run may search.
    pub plan_time: Duration,
    /// Progress of planning jobs run by this instance (others read the database).
    pub jobs: planning::Jobs,
    /// The deployment's tile server for the maps, if any.
    pub tiles: Option<ui::TileSource>,
    /// The drivers' streams' shared watcher of the outbox.
    pub(crate) hub: Arc<driver::Hub>,
    clock: Arc<dyn Fn() -> i64 + Send + Sync>,
}

impl AppState {
    /// A state with the system clock.
    pub fn new(store: Store, network: Option<Arc<RoadNetwork>>, plan_time: Duration) -> AppState {
        AppState {
            store,
            network,
            hashing: tokio::sync::Semaphore::new(2),
            logins: governor::RateLimiter::keyed(
                governor::Quota::per_minute(std::num::NonZeroU32::new(5).expect("5 > 0"))
                    .allow_burst(std::num::NonZeroU32::new(5).expect("5 > 0")),
            ),
            planning: Arc::new(tokio::sync::Semaphore::new(1)),
            plan_time,
            jobs: planning::Jobs::default(),
            tiles: None,
            hub: Arc::default(),
            clock: Arc::new(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64)
            }),
        }
    }

    /// Now, Unix seconds.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }
}

/// Mounts the API under `/api`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(JSON_LIMIT)
            .error_handler(|e, _| error::json_error(e)),
    )
    .app_data(web::QueryConfig::default().error_handler(|e, _| error::query_error(e)))
    .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
    .route("/", web::get().to(ui::index))
    .route("/", web::head().to(ui::index))
    .route("/assets/{name}", web::get().to(ui::asset))
    .route("/assets/{name}", web::head().to(ui::asset))
    .route("/metrics", web::get().to(metrics::render))
    .service(
        web::scope("/api")
            .route("/health", web::get().to(health))
            .route("/openapi.json", web::get().to(openapi::openapi_json))
            .route("/login", web::post().to(auth::login))
            .route("/logout", web::post().to(auth::logout))
            .route("/me", web::get().to(auth::me))
            .route("/session", web::get().to(auth::session))
            .route("/roads", web::get().to(roads::roads))
            .route("/communities", web::get().to(bookings::communities))
            .route("/communities", web::post().to(bookings::create_community))
            .route("/elders", web::get().to(bookings::list_elders))
            .route("/elders", web::post().to(bookings::create_elder))
            .route("/elders/{id}", web::get().to(bookings::get_elder))
            .route("/elders/{id}", web::put().to(bookings::update_elder))
            .route("/elders/{id}", web::delete().to(bookings::retire_elder))
            .route("/bookings", web::get().to(bookings::list))
            .route("/bookings", web::post().to(bookings::create_batch))
            .route("/bookings/import", web::post().to(bookings::import_csv))
            .route("/bookings/template.csv", web::get().to(bookings::template))
            .route("/bookings/{id}", web::get().to(bookings::get))
            .route("/bookings/{id}/cancel", web::post().to(bookings::cancel))
            .route("/sites", web::get().to(fleet::list_sites))
            .route("/sites", web::post().to(fleet::create_site))
            .route("/vehicles", web::get().to(fleet::list_vehicles))
            .route("/vehicles", web::post().to(fleet::create_vehicle))
            .route("/sites/{id}", web::put().to(fleet::update_site))
            .route("/sites/{id}", web::delete().to(fleet::retire_site))
            .route("/vehicles/{id}", web::put().to(fleet::update_vehicle))
            .route("/vehicles/{id}", web::delete().to(fleet::retire_vehicle))
            .route("/drivers", web::get().to(fleet::list_drivers))
            .route("/drivers", web::post().to(fleet::create_driver))
            .route("/drivers/{id}", web::put().to(fleet::update_driver))
            .route("/vans", web::get().to(fleet::list_vans))
            .route("/vans", web::post().to(fleet::create_van))
            .route("/trips/{id}/reassign", web::post().to(fleet::reassign))
            .route("/plans", web::get().to(planning::list))
            .route("/plans/run", web::post().to(planning::run))
            .route("/plans/jobs/{id}", web::get().to(planning::job))
            .route(
                "/plans/jobs/{id}/events",
                web::get().to(planning::job_events),
            )
            .route("/plans/{id}", web::get().to(planning::get))
            .route("/plans/{id}/publish", web::post().to(planning::publish))
            .route("/trips", web::get().to(driver::trips))
            .route("/driver/events", web::get().to(driver::events))
            .route("/driver/ack", web::post().to(driver::ack))
            .route("/trips/{id}/accept", web::post().to(driver::accept))
            .route("/trips/{id}/decline", web::post().to(driver::decline))
            .route("/stops/{id}/report", web::post().to(driver::report)),
    );
}

/// Runs `f` with the travel times of the loaded road network, or by straight line without one.
pub(crate) fn with_travel<R>(
    net: Option<&RoadNetwork>,
    f: impl FnOnce(&dyn vaxride_dispatch::travel::TravelTimes) -> R,
) -> R {
    match net {
        Some(n) => f(&vaxride_dispatch::travel::Roads(n)),
        None => f(&vaxride_dispatch::travel::StraightLines),
    }
}

async fn health(state: web::Data<AppState>) -> HttpResponse {
    if state.store.ping().await {
        HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "database unavailable"}))
    }
}

/// How to run the service.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on.
    pub addr: String,
    /// Database URL (`sqlite://FILE` or `postgres://…`).
    pub database_url: String,
    /// Seconds of search per planning run.
    pub plan_seconds: u64,
    /// A tile server for the maps' base layer (else the road network alone).
    pub tiles: Option<ui::TileSource>,
}

/// Runs the service until SIGINT/SIGTERM; in-flight requests get 10 s to finish.
pub async fn serve(
    config: ServeConfig,
    store: Store,
    network: Option<Arc<RoadNetwork>>,
) -> anyhow::Result<()> {
    let mut state = AppState::new(
        store.clone(),
        network,
        Duration::from_secs(config.plan_seconds),
    );
    state.tiles = config.tiles;
    let state = web::Data::new(state);
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(state.clone())
            .wrap(actix_web::middleware::Compress::default())
            .wrap(actix_web::middleware::from_fn(metrics::observe))
            .configure(configure)
    })
    .shutdown_timeout(10)
    .bind(&config.addr)?
    .run();
    tracing::info!(addr = %config.addr, "listening");
    server.await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}
