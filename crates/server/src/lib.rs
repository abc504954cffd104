//! vaxride's HTTP service: thin handlers over the store (`vaxride-store`), the domain
//! (`vaxride-dispatch`) and, for planning, the road network and the solver.
//!
//! Every handler takes the [`auth::Caller`] and passes its scope to the store, so another
//! community's object answers 404 exactly like a missing one.

mod api;
mod app;
pub mod auth;
mod bookings;
mod communities;
mod driver;
mod elders;
pub mod error;
mod fleet;
mod jobs;
mod json;
mod ledger;
pub mod metrics;
mod moves;
mod offers;
mod openapi;
mod places;
mod planning;
pub mod problems;
mod progress;
mod repairs;
mod roads;
pub mod routes;
pub mod seed;
mod sse;
pub mod ui;
pub mod users;
mod vanjobs;
mod vanplan;
mod vans;
mod walks;

pub use app::{Application, PAYLOAD_LIMIT, build_app};
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
/// The most bookings one planning run takes (a street office's day is a few hundred).
pub const MAX_PLAN_BOOKINGS: usize = 5000;

/// What every handler shares.
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The road network, when one is loaded (else straight lines with a detour factor).
    pub network: Option<Arc<RoadNetwork>>,
    /// Password checks running at once.
    pub hashing: tokio::sync::Semaphore,
    /// Login attempts per username and source address: a burst of 5, then one every 12 s (a
    /// guesser elsewhere does not lock the user out).
    pub logins: governor::DefaultKeyedRateLimiter<(String, std::net::IpAddr)>,
    /// Login attempts per source address, whatever the username: a burst of 60, then one a
    /// second (guessing over many usernames).
    pub login_sources: governor::DefaultKeyedRateLimiter<std::net::IpAddr>,
    /// Planning runs this instance solves at once (default: its cores).
    pub planning: Arc<tokio::sync::Semaphore>,
    /// Threads one planning run solves its clusters on (default: the cores).
    pub plan_threads: usize,
    /// How long a planning run may search.
    pub plan_time: Duration,
    /// The most bookings one planning run takes (default [`MAX_PLAN_BOOKINGS`]).
    pub max_plan_bookings: usize,
    /// This instance's name on the job queue's leases (`VAXRIDE_INSTANCE`): an instance that
    /// starts again under the same name takes back at once the jobs it was running.
    pub instance: String,
    /// The claim loop of the planning jobs.
    pub(crate) runner: jobs::Runner,
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
            login_sources: governor::RateLimiter::keyed(
                governor::Quota::per_second(std::num::NonZeroU32::new(1).expect("1 > 0"))
                    .allow_burst(std::num::NonZeroU32::new(60).expect("60 > 0")),
            ),
            planning: Arc::new(tokio::sync::Semaphore::new(cores())),
            plan_threads: cores(),
            plan_time,
            max_plan_bookings: MAX_PLAN_BOOKINGS,
            instance: format!(
                "pid-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos())
            ),
            runner: jobs::Runner::default(),
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

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
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

/// Whether the service and its database answer.
#[utoipa::path(
    get,
    path = "/api/health",
    tag = "meta",
    security(()),
    responses(
        (status = 200, description = "Up", body = crate::api::Health),
        (status = 503, description = "The database does not answer", body = crate::api::Health),
    )
)]
pub(crate) async fn health(state: web::Data<AppState>) -> HttpResponse {
    if state.store.ping().await {
        HttpResponse::Ok().json(api::Health { status: "ok" })
    } else {
        HttpResponse::ServiceUnavailable().json(api::Health {
            status: "database unavailable",
        })
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
    /// This instance's name on the planning queue's leases.
    pub instance: String,
    /// Planning runs this instance solves at once.
    pub plan_slots: usize,
    /// Threads one planning run solves its clusters on.
    pub plan_threads: usize,
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
    state.instance = config.instance;
    state.planning = Arc::new(tokio::sync::Semaphore::new(config.plan_slots.max(1)));
    state.plan_threads = config.plan_threads.max(1);
    tracing::info!(
        instance = %state.instance,
        plan_slots = config.plan_slots.max(1),
        plan_threads = state.plan_threads,
        "planning"
    );
    let listener = std::net::TcpListener::bind(&config.addr)?;
    let app = Application::build(web::Data::new(state), listener, None)?;
    tracing::info!(addr = %config.addr, "listening");
    app.run_until_stopped().await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}
