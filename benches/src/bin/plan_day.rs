//! Clustered against whole-day solving on the demo street office (or any seed of it).
//!
//! `cargo run --release -p vaxride-benches --bin plan_day -- SECONDS [SEED] [--threads N] [--iterations N]
//! [--osm FILE] [--offices N --requests R --office K] [--mode clustered|whole]`
//! (`--iterations`: a deterministic budget, split between the stages as the seconds are;
//! `--osm`: the office on a real extract's roads instead of the generated town's; `--offices`,
//! `--requests`, `--office`: office K (from 0) of a demo city district of N offices with R
//! bookings each, as `serve --demo-offices N --demo-requests R` seeds it; `--mode`: one mode
//! only) prints one JSON line per mode: bookings, served, unserved by reason, vehicles used,
//! driver hours, mean ride, wall time, clusters. `--trace FILE` writes every improvement the
//! search reports as CSV (`mode,threads,stage,seconds,served,cost`; the cost is the current
//! stage's problem's: the whole day's in the `solving` and `joining` stages), for the
//! convergence chart (`benches/solver/convergence.sh`).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use vaxride_dispatch::planning::{Iterations, PlanStage, Progress, plan_day};
use vaxride_dispatch::solve::PlanOptions;
use vaxride_dispatch::travel::Roads;
use vaxride_server::WallClock;

/// Times the matrix stage (from its start to the next stage's) and keeps the improvements the
/// search reports: (stage, seconds since the run began, served, cost).
struct MatrixTimer {
    begun: Instant,
    state: Mutex<TimerState>,
}

#[derive(Default)]
struct TimerState {
    matrix: (Option<Instant>, Option<Duration>),
    stage: Option<PlanStage>,
    trace: Vec<(&'static str, f64, usize, i64)>,
}

impl MatrixTimer {
    fn new() -> MatrixTimer {
        MatrixTimer {
            begun: Instant::now(),
            state: Mutex::new(TimerState::default()),
        }
    }

    fn matrix_ms(&self) -> f64 {
        let t = self.state.lock().expect("timer");
        t.matrix.1.map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
}

impl Progress for MatrixTimer {
    fn stage(&self, stage: PlanStage, _percent: i64) {
        let mut t = self.state.lock().expect("timer");
        t.stage = Some(stage);
        match (stage, t.matrix.0) {
            (PlanStage::Matrix, _) => t.matrix.0 = Some(Instant::now()),
            (_, Some(start)) if t.matrix.1.is_none() => t.matrix.1 = Some(start.elapsed()),
            _ => {}
        }
    }

    fn improved(&self, served: usize, cost: i64) {
        let seconds = self.begun.elapsed().as_secs_f64();
        let mut t = self.state.lock().expect("timer");
        let stage = t.stage.map_or("", PlanStage::as_str);
        t.trace.push((stage, seconds, served, cost));
    }
}

fn main() {
    let args = vaxride_benches::Args::from_env();
    let seconds: f64 = args
        .positional(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30.0);
    let seed: u64 = args
        .positional(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2022);
    let flag = |name: &str| args.flag(name);
    let number = |name: &str| flag(name).and_then(|s| s.parse::<usize>().ok());
    let threads = number("--threads").unwrap_or(2);
    // An iteration budget instead of seconds: a deterministic run (same seed, same plan).
    let iterations: Option<u64> = flag("--iterations").and_then(|s| s.parse().ok());
    let (net, input) = vaxride_benches::office(
        seed,
        flag("--osm"),
        number("--requests"),
        number("--offices").unwrap_or(1),
        number("--office").unwrap_or(0),
        flag("--turns") != Some("off"),
    );
    let modes: &[bool] = match flag("--mode") {
        Some("clustered") => &[true],
        Some("whole") => &[false],
        _ => &[true, false],
    };
    for &clustered in modes {
        let options = PlanOptions {
            seed: 1,
            threads,
            clustered,
            ..PlanOptions::default()
        };
        let timer = MatrixTimer::new();
        let started = Instant::now();
        let checked = match iterations {
            Some(n) => plan_day(&input, &Roads(&net), options, &Iterations(n), &timer),
            None => plan_day(
                &input,
                &Roads(&net),
                options,
                &WallClock(Duration::from_secs_f64(seconds)),
                &timer,
            ),
        }
        .expect("checked");
        let wall = started.elapsed().as_secs_f64();
        let matrix_ms = timer.matrix_ms();
        if let Some(path) = flag("--trace") {
            let mode = if clustered { "clustered" } else { "whole" };
            let state = timer.state.lock().expect("timer");
            let mut text = String::new();
            for (stage, seconds, served, cost) in &state.trace {
                text.push_str(&format!(
                    "{mode},{threads},{stage},{seconds:.3},{served},{cost}\n"
                ));
            }
            append(path, &text);
        }
        let plan = checked.result();
        let f = &plan.figures;
        let clusters = checked.geometry()["clusters"]
            .as_array()
            .map_or(0, Vec::len);
        println!(
            "{}",
            serde_json::json!({
                "mode": if clustered { "clustered" } else { "whole" },
                "seconds": seconds,
                "threads": threads,
                "matrix_ms": (matrix_ms * 10.0).round() / 10.0,
                "bookings": f.requested,
                "served": f.served,
                "unserved": f.unserved_by_reason,
                "vehicles_used": f.vehicles_used,
                "driver_hours": (f.driver_seconds as f64 / 360.0).round() / 10.0,
                "mean_ride_min": (f.mean_ride_seconds as f64 / 6.0).round() / 10.0,
                "clusters": clusters,
                "wall_s": (wall * 10.0).round() / 10.0,
                "routes_digest": digest(&serde_json::to_string(&plan.routes).expect("json")),
            })
        );
    }
}

/// Appends `text` to the file at `path` (made if missing).
fn append(path: &str, text: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("cannot open {path}: {e}"));
    f.write_all(text.as_bytes())
        .unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
}

/// A short fingerprint of the plan's routes (two runs print the same one for the same plan).
fn digest(text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    format!("{:016x}", h.finish())
}
