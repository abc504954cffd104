//! Shared helpers of the benchmarks: where the extracts and the sampled points are.

use std::path::PathBuf;

/// `$VAXRIDE_SHARED_DIR`, else `<workspace>/../shared`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("VAXRIDE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

/// The bytes of an extract and its 1000 sampled `[lon, lat]` points (the same points the OSRM
/// comparison uses), or `None` when the shared folder is not there.
pub fn extract_and_points(extract: &str, points: &str) -> Option<(Vec<u8>, Vec<[f64; 2]>)> {
    let dir = shared_dir();
    let bytes = std::fs::read(dir.join("osm").join(extract)).ok()?;
    let text = std::fs::read_to_string(dir.join("peers/osrm").join(points)).ok()?;
    let pts: Vec<[f64; 2]> = serde_json::from_str(&text).ok()?;
    Some((bytes, pts))
}

/// Street office `k` of a demo city district of `offices` offices (seed `seed`; `requests`
/// bookings each, else the demo's size) on the generated town's roads, or on a real extract's
/// (`osm`, a file): the road network and the day's planning input, ids from 1.
pub fn office(
    seed: u64,
    osm: Option<&str>,
    requests: Option<usize>,
    offices: usize,
    k: usize,
    turns: bool,
) -> (
    vaxride_roadnet::RoadNetwork,
    vaxride_dispatch::plan::PlanInput,
) {
    use vaxride_demo::{OfficeSize, city, road_anchors, town_roads};
    use vaxride_dispatch::model::{Day, Point};
    use vaxride_dispatch::plan::{PlanBooking, PlanInput};
    use vaxride_roadnet::RoadNetwork;
    let (net, anchors) = match osm {
        Some(path) => {
            let bytes = std::fs::read(path).expect("the OSM file");
            let mut profile = vaxride_roadnet::CarProfile::default();
            if !turns {
                profile.turns = None;
            }
            let net = RoadNetwork::from_osm(&bytes, &profile).expect("a network");
            let g = net.graph();
            let anchors = (0..g.node_count() as u32)
                .map(|i| {
                    let [lon, lat] = g.node(i);
                    Point { lon, lat }
                })
                .collect();
            (net, anchors)
        }
        None => {
            let mut ways = town_roads(seed);
            if !turns {
                ways.turns = None;
            }
            let net = RoadNetwork::from_car_ways(&ways).expect("the demo town has roads");
            (net, road_anchors(&ways))
        }
    };
    let day = Day::parse("2022-04-18").expect("a date");
    let size = requests.map_or(OfficeSize::DEMO, OfficeSize::for_requests);
    let o = city(seed, &day, &anchors, offices, size).swap_remove(k);
    let sites: Vec<_> = o
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut s = s.clone();
            s.id = i as i64 + 1;
            s
        })
        .collect();
    let vehicles: Vec<_> = o
        .vehicles
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut v = v.clone();
            v.id = i as i64 + 1;
            v
        })
        .collect();
    let bookings: Vec<PlanBooking> = o
        .bookings
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let e = &o.elders[b.elder];
            PlanBooking {
                booking_id: i as i64 + 1,
                community_id: e.community as i64 + 1,
                home: e.home,
                mobility: e.mobility,
                companions: e.companions,
                dose: e.dose,
                priority: e.priority,
                window: b.window.seconds(),
                site_id: b.site.map(|s| s as i64 + 1),
                return_wanted: b.return_wanted,
                dwell_minutes: b.dwell_minutes,
            }
        })
        .collect();
    let input = PlanInput {
        day,
        bookings,
        sites,
        vehicles,
    };
    (net, input)
}

/// A bench's command line: `[SEED] [--name value]…`, read one way by every bench.
#[derive(Debug, Clone)]
pub struct Args(Vec<String>);

impl Args {
    /// This process's arguments.
    pub fn from_env() -> Args {
        Args(std::env::args().collect())
    }

    /// The first argument when it is a number, else `or`.
    pub fn seed(&self, or: u64) -> u64 {
        self.0
            .get(1)
            .filter(|a| !a.starts_with("--"))
            .and_then(|s| s.parse().ok())
            .unwrap_or(or)
    }

    /// The `k`-th argument (1 is the first after the program's name).
    pub fn positional(&self, k: usize) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }

    /// The value after `--name`, if given.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .position(|a| a == name)
            .and_then(|i| self.0.get(i + 1))
            .map(String::as_str)
    }

    /// The number after `--name`, else `or`.
    pub fn number(&self, name: &str, or: f64) -> f64 {
        self.flag(name)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(or)
    }
}
