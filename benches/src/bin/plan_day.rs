//! Clustered against whole-day solving on the demo street office (or any seed of it).
//!
//! `cargo run --release -p vaxride-benches --bin plan_day -- SECONDS [SEED] [--threads N]`
//! prints one JSON line per mode: bookings, served, unserved by reason, vehicles used, driver
//! hours, mean ride, wall time, clusters.

use std::time::{Duration, Instant};

use vaxride_dispatch::demo::{office, road_anchors, town_roads};
use vaxride_dispatch::model::Day;
use vaxride_dispatch::plan::{Layout, PlanBooking, PlanInput};
use vaxride_dispatch::solve::{PlanOptions, Stage, solve_day};
use vaxride_roadnet::{DEFAULT_MAX_SNAP_M, RoadNetwork};
use vaxride_solver::Budget;

struct Deadline(Instant, Duration);

impl Budget for Deadline {
    fn progress(&mut self, _: u64) -> Option<f64> {
        let f = self.0.elapsed().as_secs_f64() / self.1.as_secs_f64();
        (f < 1.0).then_some(f)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(30.0);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2022);
    let threads: usize = args
        .iter()
        .position(|a| a == "--threads")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let ways = town_roads(seed);
    let net = RoadNetwork::from_car_ways(&ways).expect("the demo town has roads");
    let day = Day::parse("2022-04-18").expect("a date");
    let o = office(seed, &day, &road_anchors(&ways));
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
                window: b.window,
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
    let layout = Layout::new(&input);
    let t0 = Instant::now();
    let snapped: Vec<_> = layout
        .points
        .iter()
        .map(|p| {
            net.snap(p.lon, p.lat, DEFAULT_MAX_SNAP_M)
                .expect("on the roads")
        })
        .collect();
    let m = net.matrix(&snapped, &snapped);
    let n = layout.points.len();
    let matrix: Vec<Vec<Option<i64>>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| m.duration_s(i, j).map(|s| s.round() as i64))
                .collect()
        })
        .collect();
    let matrix_ms = t0.elapsed().as_secs_f64() * 1000.0;
    for clustered in [true, false] {
        let total = Duration::from_secs_f64(seconds);
        let started = Instant::now();
        let make = |stage: Stage| -> Box<dyn Budget + Send> {
            let limit = match stage {
                Stage::Cluster { rounds, .. } => total / 2 / rounds.max(1) as u32,
                Stage::Whole if clustered => total / 2,
                Stage::Whole => total,
            };
            Box::new(Deadline(Instant::now(), limit))
        };
        let options = PlanOptions {
            seed: 1,
            threads,
            clustered,
            ..PlanOptions::default()
        };
        let solved = solve_day(&input, &matrix, options, &make);
        let wall = started.elapsed().as_secs_f64();
        vaxride_solver::check(&solved.instance.problem, &solved.solution).expect("checked");
        let plan = solved.instance.plan(&solved.solution);
        let f = &plan.figures;
        println!(
            "{}",
            serde_json::json!({
                "mode": if clustered { "clustered" } else { "whole" },
                "seconds": seconds,
                "threads": threads,
                "points": n,
                "matrix_ms": (matrix_ms * 10.0).round() / 10.0,
                "bookings": f.requested,
                "served": f.served,
                "unserved": f.unserved_by_reason,
                "vehicles_used": f.vehicles_used,
                "driver_hours": (f.driver_seconds as f64 / 360.0).round() / 10.0,
                "mean_ride_min": (f.mean_ride_seconds as f64 / 6.0).round() / 10.0,
                "clusters": solved.clusters.len(),
                "wall_s": (wall * 10.0).round() / 10.0,
            })
        );
    }
}
