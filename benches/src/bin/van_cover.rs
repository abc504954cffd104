//! The covering part of van stop planning (issue 16), measured: a generated street office —
//! elders who walk and still need a dose, in clusters (communities) over a 4 × 4 km area, with
//! priorities 1–5; candidate stop points near where they live; a stop reaches the elders within
//! the walking limit (here the straight line, a lower bound of the walk along the roads: the
//! covering part does not care where the distances come from) and gives a van's shots for its
//! hours — solved by `vanplan::cover::solve`, timed. `--dump FILE` writes the instance as JSON
//! for the CP-SAT reference (`benches/vans/cpsat_cover.py`).
//!
//! `cargo run --release -p vaxride-benches --bin van_cover -- [SEED] [--elders 5000]
//! [--candidates 300] [--stops 30] [--capacity 30] [--walk 500] [--iterations 2000]
//! [--dump FILE]` prints one JSON object: the instance's size, the value (priority-weighted
//! elders served), elders served, and the wall time.

use std::time::Instant;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use vaxride_dispatch::vanplan::cover::{Covering, solve};

fn main() {
    let args = vaxride_benches::Args::from_env();
    let seed = args.seed(1);
    let flag = |name: &str| args.flag(name);
    let number = |name: &str, or: f64| args.number(name, or);
    let problem = generate(
        seed,
        number("--elders", 5000.0) as usize,
        number("--candidates", 300.0) as usize,
        number("--stops", 30.0) as usize,
        number("--capacity", 30.0) as u32,
        number("--walk", 500.0),
    );
    if let Some(path) = flag("--dump") {
        let doc = serde_json::json!({
            "weights": problem.weights,
            "reach": problem.reach,
            "capacity": problem.capacity,
            "stops": problem.stops,
        });
        std::fs::write(path, doc.to_string()).expect("the instance written");
    }
    let iterations = number("--iterations", 2000.0) as u64;
    let started = Instant::now();
    let cover = solve(&problem, seed, iterations);
    let seconds = started.elapsed().as_secs_f64();
    let served = cover.assigned.iter().filter(|a| a.is_some()).count();
    let reachable = (0..problem.weights.len() as u32)
        .filter(|i| problem.reach.iter().any(|r| r.contains(i)))
        .count();
    println!(
        "{}",
        serde_json::json!({
            "seed": seed,
            "elders": problem.weights.len(),
            "reachable": reachable,
            "candidates": problem.reach.len(),
            "stops": problem.stops,
            "value": cover.value,
            "served": served,
            "chosen": cover.chosen.len(),
            "iterations": iterations,
            "seconds": (seconds * 1000.0).round() / 1000.0,
        })
    );
}

/// Elders in 25 communities (normal around a centre, 300 m), candidates at jittered homes.
fn generate(
    seed: u64,
    elders: usize,
    candidates: usize,
    stops: usize,
    capacity: u32,
    walk: f64,
) -> Covering {
    let mut rng = SmallRng::seed_from_u64(seed);
    let side = 4000.0;
    let centres: Vec<(f64, f64)> = (0..25)
        .map(|_| (rng.random_range(0.0..side), rng.random_range(0.0..side)))
        .collect();
    let normal = |rng: &mut SmallRng| {
        // Box–Muller.
        let (u, v): (f64, f64) = (rng.random_range(1e-12..1.0), rng.random_range(0.0..1.0));
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    };
    let homes: Vec<(f64, f64)> = (0..elders)
        .map(|_| {
            let (cx, cy) = centres[rng.random_range(0..centres.len())];
            (cx + 300.0 * normal(&mut rng), cy + 300.0 * normal(&mut rng))
        })
        .collect();
    let points: Vec<(f64, f64)> = (0..candidates)
        .map(|_| {
            let (x, y) = homes[rng.random_range(0..homes.len())];
            (
                x + rng.random_range(-150.0..150.0),
                y + rng.random_range(-150.0..150.0),
            )
        })
        .collect();
    let reach = points
        .iter()
        .map(|&(px, py)| {
            homes
                .iter()
                .enumerate()
                .filter(|(_, (x, y))| (x - px).hypot(y - py) <= walk)
                .map(|(i, _)| i as u32)
                .collect()
        })
        .collect();
    Covering {
        weights: (0..elders).map(|_| rng.random_range(1..=5)).collect(),
        reach,
        capacity: vec![capacity; candidates],
        stops,
    }
}
