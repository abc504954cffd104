//! The `vaxride` command line.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::json;
use vaxride_roadnet::{Crs, DEFAULT_MAX_SNAP_M, Matrix, RoadNetwork, Snapped};

mod netload;
mod points;
mod serve;
mod solve;
mod user;

use netload::ms_since;

/// vaxride: rides to vaccination for elders who cannot travel alone.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Accounts: `user add` makes the first admin of a fresh install.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Road network tools.
    Roadnet {
        #[command(subcommand)]
        command: RoadnetCommand,
    },
    /// Travel-time and distance matrix between points, on real roads.
    Matrix {
        #[command(flatten)]
        net: NetArgs,
        /// Points: a GeoJSON FeatureCollection of Points or a JSON array of [lon, lat].
        #[arg(long)]
        points: PathBuf,
        /// Coordinate system of the points.
        #[arg(long, default_value = "wgs84")]
        crs: Crs,
        /// Where to write the matrix JSON (standard output when absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Solve a routing problem (Solomon/Gehring-Homberger VRPLIB or text, Li & Lim, Cordeau DARP).
    Solve {
        /// The problem file.
        file: PathBuf,
        /// vrplib, solomon, lilim or cordeau (guessed from the file when absent).
        #[arg(long)]
        format: Option<String>,
        /// Wall-clock limit in seconds.
        #[arg(long, default_value_t = 10.0)]
        time_limit: f64,
        /// Seed of the search (same seed, thread count and --iterations: same result).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Searches run in parallel, one per core (seeds seed, seed+1, ...), meeting every
        /// hundred iterations to carry on from the best plan found so far.
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Stop after this many iterations per search (for reproducible runs).
        #[arg(long)]
        iterations: Option<u64>,
        /// Annealing temperatures at start and end, as multiples of the mean nearest-neighbour
        /// cost (default: the street-office day's for vaxride JSON, else the solver's default).
        #[arg(long, value_parser = points::parse_lon_lat, hide = true)]
        temperature: Option<[f64; 2]>,
        /// Where to write the solution JSON (standard output when absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a generated street-office day (vaxride JSON problem) for demos and benchmarks.
    GenerateDay {
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Ride requests (elders).
        #[arg(long, default_value_t = 500)]
        requests: usize,
        /// Vehicles.
        #[arg(long, default_value_t = 60)]
        vehicles: usize,
        /// Where to write the JSON.
        #[arg(long)]
        out: PathBuf,
    },
    /// Run the service (API and web interface) on a database; seeds the demo street office
    /// into an empty database.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Database URL: sqlite://FILE (default ./vaxride.db) or postgres://… (also $DATABASE_URL).
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://vaxride.db")]
        database_url: String,
        /// Place the demo campaign on this real OSM extract instead of the generated town.
        #[arg(long)]
        osm: Option<PathBuf>,
        /// Do not seed the demo street office into an empty database.
        #[arg(long)]
        no_demo: bool,
        /// Seconds of search per planning run.
        #[arg(long, default_value_t = 20)]
        plan_seconds: u64,
        /// This instance's name on the planning queue's leases (default: the address): one
        /// started again under the same name takes back at once the jobs it was running.
        #[arg(long, env = "VAXRIDE_INSTANCE")]
        instance: Option<String>,
        /// Seed the demo and exit (for CI and scripted set-ups).
        #[arg(long)]
        seed_only: bool,
        /// Seed a demo city district of this many street offices, side by side on the roads
        /// (each its own district; office N's logins are oN-coordinator, oN-sec-1, …).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=100))]
        demo_offices: u16,
        /// Bookings of each demo office on the day, with its elders, sites, vans and vehicles
        /// scaled to them (default: the demo office's own size, 220).
        #[arg(long, value_parser = clap::value_parser!(u16).range(10..=5000))]
        demo_requests: Option<u16>,
        /// Planning runs this instance solves at once (default: its cores).
        #[arg(long, env = "VAXRIDE_PLAN_SLOTS", value_parser = clap::value_parser!(u16).range(1..))]
        plan_slots: Option<u16>,
        /// Threads one planning run solves its clusters on (default: the cores).
        #[arg(long, env = "VAXRIDE_PLAN_THREADS", value_parser = clap::value_parser!(u16).range(1..))]
        plan_threads: Option<u16>,
        /// A raster tile server under the maps, e.g. https://tiles.example.org/{z}/{x}/{y}.png
        /// (its origin is added to the page's Content-Security-Policy). Without one the base
        /// map is the road network.
        #[arg(long, env = "VAXRIDE_TILE_URL", value_parser = parse_tile_url)]
        tile_url: Option<vaxride_server::ui::TileSource>,
        /// The tile provider's credit line, shown under every map after the OpenStreetMap one
        /// (e.g. "Tiles © Example Maps").
        #[arg(long, env = "VAXRIDE_TILE_ATTRIBUTION", requires = "tile_url")]
        tile_attribution: Option<String>,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// The fastest route between two points, as a GeoJSON Feature.
    Route {
        #[command(flatten)]
        net: NetArgs,
        /// Start, LON,LAT.
        #[arg(long, value_parser = points::parse_lon_lat, allow_hyphen_values = true)]
        from: [f64; 2],
        /// End, LON,LAT.
        #[arg(long, value_parser = points::parse_lon_lat, allow_hyphen_values = true)]
        to: [f64; 2],
        /// Coordinate system of the points (the output is WGS-84).
        #[arg(long, default_value = "wgs84")]
        crs: Crs,
    },
}

#[derive(Subcommand)]
enum RoadnetCommand {
    /// Nodes, edges, components kept and dropped, bounding box, time taken.
    Info {
        /// OSM file (.osm.pbf, .osm or .osm.gz).
        file: PathBuf,
        #[command(flatten)]
        cache: CacheArgs,
    },
}

#[derive(Args)]
struct NetArgs {
    /// OSM file (.osm.pbf, .osm or .osm.gz).
    #[arg(long)]
    osm: PathBuf,
    /// Largest distance from a point to its road, metres.
    #[arg(long, default_value_t = DEFAULT_MAX_SNAP_M)]
    max_snap_m: f64,
    #[command(flatten)]
    cache: CacheArgs,
}

#[derive(Args)]
struct CacheArgs {
    /// Folder for the preprocessed-network cache (default: $VAXRIDE_CACHE_DIR, else ~/.cache/vaxride).
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// Do not read or write the cache.
    #[arg(long)]
    no_cache: bool,
    /// Junctions cost nothing: no turn costs, turn restrictions, signals or barriers (the road
    /// model without turns; the default counts them).
    #[arg(long)]
    no_turns: bool,
}

impl CacheArgs {
    fn profile(&self) -> vaxride_roadnet::CarProfile {
        netload::profile(!self.no_turns)
    }

    fn dir(&self) -> Option<PathBuf> {
        if self.no_cache {
            None
        } else {
            self.cache_dir.clone().or_else(netload::default_cache_dir)
        }
    }
}

#[derive(Subcommand)]
enum UserCommand {
    /// Adds an admin (or a district's coordinator). The password comes from standard input when
    /// piped; otherwise a one-time password is printed once, to be replaced at the first login.
    Add {
        /// Database URL: sqlite://FILE (default ./vaxride.db) or postgres://… (also $DATABASE_URL).
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://vaxride.db")]
        database_url: String,
        /// admin, or coordinator (with --district).
        #[arg(long, value_parser = parse_role)]
        role: vaxride_dispatch::values::Role,
        /// Login name: 3 to 40 letters, digits, `.`, `_`, `-`.
        #[arg(long)]
        username: String,
        /// The name the interface shows (default: the username).
        #[arg(long)]
        display_name: Option<String>,
        /// A coordinator's district id.
        #[arg(long)]
        district: Option<i64>,
        /// Make a one-time password and print it, even when standard input is not a terminal.
        #[arg(long)]
        one_time_password: bool,
    },
}

fn parse_role(s: &str) -> Result<vaxride_dispatch::values::Role, String> {
    vaxride_dispatch::values::Role::parse(s).map_err(|p| p.message)
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::User {
            command:
                UserCommand::Add {
                    database_url,
                    role,
                    username,
                    display_name,
                    district,
                    one_time_password,
                },
        } => user::add(user::AddUser {
            database_url,
            role,
            username,
            display_name,
            district,
            one_time: one_time_password,
        }),
        Command::Roadnet {
            command: RoadnetCommand::Info { file, cache },
        } => info(&file, &cache),
        Command::Matrix {
            net,
            points,
            crs,
            out,
        } => matrix(&net, &points, crs, out.as_deref()),
        Command::Route { net, from, to, crs } => route(&net, from, to, crs),
        Command::Serve {
            addr,
            database_url,
            osm,
            no_demo,
            plan_seconds,
            instance,
            seed_only,
            demo_offices,
            demo_requests,
            plan_slots,
            plan_threads,
            tile_url,
            tile_attribution,
            cache,
        } => serve::run(serve::Options {
            instance: instance.unwrap_or_else(|| addr.clone()),
            addr,
            database_url,
            osm,
            demo: !no_demo,
            demo_offices: demo_offices.into(),
            demo_size: demo_requests.map_or(vaxride_server::seed::OfficeSize::DEMO, |r| {
                vaxride_server::seed::OfficeSize::for_requests(r.into())
            }),
            plan_seconds,
            plan_slots: plan_slots.map_or_else(vaxride_server::cores, usize::from),
            plan_threads: plan_threads.map_or_else(vaxride_server::cores, usize::from),
            seed_only,
            tiles: tile_url.map(|t| t.with_attribution(tile_attribution)),
            cache_dir: cache.dir(),
            turns: !cache.no_turns,
        }),
        Command::GenerateDay {
            seed,
            requests,
            vehicles,
            out,
        } => {
            let params = vaxride_formats::generate::DayParams {
                requests,
                vehicles,
                ..Default::default()
            };
            std::fs::write(
                &out,
                vaxride_formats::generate::street_office_day(seed, &params),
            )
            .with_context(|| format!("cannot write {}", out.display()))
        }
        Command::Solve {
            file,
            format,
            time_limit,
            seed,
            threads,
            iterations,
            temperature,
            out,
        } => solve::run(&solve::SolveArgs {
            file: &file,
            format: format.as_deref(),
            time_limit_s: time_limit,
            seed,
            threads,
            iterations,
            temperature: temperature.map(|t| (t[0], t[1])),
            out: out.as_deref(),
        }),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn info(file: &Path, cache: &CacheArgs) -> anyhow::Result<()> {
    let t = Instant::now();
    let loaded = netload::load(file, cache.dir().as_deref(), &cache.profile())?;
    let r = loaded.net.report();
    let out = json!({
        "file": file.display().to_string(),
        "nodes": r.nodes,
        "edges": r.edges,
        "arcs": r.arcs,
        "hierarchy_arcs": loaded.net.hierarchy_arcs(),
        "components": {"total": r.components, "kept": 1, "dropped": r.components.saturating_sub(1)},
        "dropped": {"nodes": r.dropped_nodes, "edges": r.dropped_edges},
        "input": {"ways": r.ways_read, "car_ways": r.car_ways, "osm_nodes": r.osm_nodes, "missing_node_refs": r.missing_refs},
        "bbox": r.bbox,
        "turns": loaded.net.turn_graph().map(|_| json!({
            "states": r.turn_graph[0],
            "allowed_turns": r.turn_graph[1],
            "restrictions": {"read": r.restrictions[0], "placed": r.restrictions[1], "skipped": r.skipped_restrictions},
            "obstacles": r.obstacles,
            "unreachable_edges": r.unreachable_edges,
        })),
        "timings_ms": {"load": round1(loaded.load_ms), "preprocess": round1(loaded.preprocess_ms), "total": round1(ms_since(t))},
        "cache": loaded.cache,
        "attribution": "© OpenStreetMap contributors",
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

fn snap_all(
    net: &RoadNetwork,
    pts: &[[f64; 2]],
    crs: Crs,
    max_m: f64,
) -> anyhow::Result<Vec<Snapped>> {
    let mut snapped = Vec::with_capacity(pts.len());
    let mut errors = Vec::new();
    for (i, p) in pts.iter().enumerate() {
        let (lon, lat) = crs.to_wgs84(p[0], p[1]);
        match net.snap(lon, lat, max_m) {
            Ok(s) => snapped.push(s),
            Err(e) => errors.push(format!("point {i} ({}, {}): {e}", p[0], p[1])),
        }
    }
    if !errors.is_empty() {
        let shown = errors
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  ");
        bail!(
            "{} of {} points cannot be placed on a road:\n  {shown}",
            errors.len(),
            pts.len()
        );
    }
    Ok(snapped)
}

fn matrix(
    net_args: &NetArgs,
    points_file: &Path,
    crs: Crs,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(points_file)
        .with_context(|| format!("cannot read the points file {}", points_file.display()))?;
    let pts =
        points::parse_points(&text).with_context(|| format!("in {}", points_file.display()))?;
    let loaded = netload::load(
        &net_args.osm,
        net_args.cache.dir().as_deref(),
        &net_args.cache.profile(),
    )?;
    let t = Instant::now();
    let snapped = snap_all(&loaded.net, &pts, crs, net_args.max_snap_m)?;
    let snap_ms = ms_since(t);
    let t = Instant::now();
    let m = loaded.net.matrix(&snapped, &snapped);
    let matrix_ms = ms_since(t);
    let doc = MatrixDoc {
        m: &m,
        snapped: &snapped,
    };
    write_json(&doc, out)?;
    eprintln!(
        "load_ms={:.1} preprocess_ms={:.1} cache={} snap_ms={:.2} matrix_ms={:.2}",
        loaded.load_ms, loaded.preprocess_ms, loaded.cache, snap_ms, matrix_ms
    );
    Ok(())
}

fn route(net_args: &NetArgs, from: [f64; 2], to: [f64; 2], crs: Crs) -> anyhow::Result<()> {
    let loaded = netload::load(
        &net_args.osm,
        net_args.cache.dir().as_deref(),
        &net_args.cache.profile(),
    )?;
    let ends = snap_all(&loaded.net, &[from, to], crs, net_args.max_snap_m)?;
    let r = loaded
        .net
        .route(&ends[0], &ends[1])
        .context("no route: the destination cannot be reached by car from the start")?;
    let doc = json!({
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": r.coords},
        "properties": {"duration_s": r.duration_s(), "distance_m": r.distance_m(), "attribution": "© OpenStreetMap contributors"},
    });
    write_json(&doc, None)
}

/// The matrix output, serialized straight from the matrix (no JSON tree in memory):
/// `{"durations_s": [[…]], "distances_m": [[…]], "snapped": [{"lon", "lat", "snap_m"}…]}`.
struct MatrixDoc<'a> {
    m: &'a Matrix,
    snapped: &'a [Snapped],
}

impl Serialize for MatrixDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Rows<'a>(&'a Matrix, fn(&Matrix, usize, usize) -> Option<f64>);
        struct Row<'a>(&'a Matrix, fn(&Matrix, usize, usize) -> Option<f64>, usize);
        impl Serialize for Rows<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq((0..self.0.rows()).map(|i| Row(self.0, self.1, i)))
            }
        }
        impl Serialize for Row<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq((0..self.0.cols()).map(|j| (self.1)(self.0, self.2, j)))
            }
        }
        let snapped = self
            .snapped
            .iter()
            .map(|p| json!({"lon": p.lon, "lat": p.lat, "snap_m": round1(p.snap_m)}));
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("durations_s", &Rows(self.m, Matrix::duration_s))?;
        map.serialize_entry("distances_m", &Rows(self.m, Matrix::distance_m))?;
        map.serialize_entry("snapped", &snapped.collect::<Vec<_>>())?;
        map.end()
    }
}

fn write_json(doc: &impl Serialize, out: Option<&Path>) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            serde_json::to_writer(std::io::BufWriter::new(file), doc)?;
        }
        None => println!("{}", serde_json::to_string(doc)?),
    }
    Ok(())
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn parse_tile_url(s: &str) -> Result<vaxride_server::ui::TileSource, String> {
    vaxride_server::ui::TileSource::parse(s).map_err(|e| e.to_string())
}
