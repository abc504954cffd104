//! `vaxride serve`: the service on SQLite (default) or PostgreSQL, with the demo street office
//! (or a demo city district of several) seeded into an empty database.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use vaxride_server::{ServeConfig, seed};
use vaxride_store::Store;

use crate::netload;

/// What `serve` was asked to do.
pub struct Options {
    pub addr: String,
    pub database_url: String,
    pub osm: Option<PathBuf>,
    pub demo: bool,
    pub demo_offices: usize,
    pub demo_size: vaxride_server::seed::OfficeSize,
    pub plan_seconds: u64,
    pub plan_slots: usize,
    pub plan_threads: usize,
    pub instance: String,
    pub seed_only: bool,
    pub tiles: Option<vaxride_server::ui::TileSource>,
    pub cache_dir: Option<PathBuf>,
    /// Junctions cost (the default) or not (`--no-turns`).
    pub turns: bool,
}

pub fn run(o: Options) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,actix_server=warn".into()),
        )
        .with_target(false)
        .init();
    // The road network: a real extract, or the generated demo town.
    let network = match &o.osm {
        Some(path) => netload::load(path, o.cache_dir.as_deref(), &netload::profile(o.turns))?.net,
        None => seed::demo_network(o.turns)?,
    };
    let network = Arc::new(network);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        let store = Store::open(&o.database_url)
            .await
            .with_context(|| "cannot open the database (check --database-url / DATABASE_URL)")?;
        if o.demo && !store.has_users().await? {
            let logins = seed::seed_city(
                &store,
                &network,
                o.osm.is_some(),
                o.demo_offices,
                o.demo_size,
            )
            .await?;
            if o.demo_offices > 1 {
                println!(
                    "Demo city district seeded: {} street offices. Logins (username / password):",
                    o.demo_offices
                );
            } else {
                println!("Demo street office seeded. Logins (username / password):");
            }
            for (role, user, password) in logins {
                println!("  {role:<12} {user:<14} {password}");
            }
        }
        if o.seed_only {
            store.close().await;
            return Ok(());
        }
        println!(
            "vaxride on http://{} (database: {})",
            o.addr,
            store_kind(&o.database_url)
        );
        vaxride_server::serve(
            ServeConfig {
                addr: o.addr,
                database_url: o.database_url,
                plan_seconds: o.plan_seconds,
                instance: o.instance,
                plan_slots: o.plan_slots,
                plan_threads: o.plan_threads,
                tiles: o.tiles,
            },
            store,
            Some(network),
        )
        .await
    })
}

fn store_kind(url: &str) -> &'static str {
    if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}
