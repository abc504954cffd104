//! `vaxride solve`: reads a benchmark file, solves it within a wall-clock budget, writes JSON.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use vaxride_formats::{Format, Instance};
use vaxride_solver::solution::Schedule;
use vaxride_solver::{Budget, Solution, SolveParams, check, solve_threads};

/// A wall-clock budget, optionally capped by an iteration count.
struct WallClock {
    start: Instant,
    limit: Duration,
    max_iterations: Option<u64>,
}

impl Budget for WallClock {
    fn progress(&mut self, iteration: u64) -> Option<f64> {
        if self.max_iterations.is_some_and(|m| iteration >= m) {
            return None;
        }
        let f = self.start.elapsed().as_secs_f64() / self.limit.as_secs_f64();
        let by_iterations = self
            .max_iterations
            .map_or(0.0, |m| iteration as f64 / m as f64);
        (f < 1.0).then_some(f.max(by_iterations))
    }
}

/// Options of one solve.
pub struct SolveArgs<'a> {
    pub file: &'a Path,
    pub format: Option<&'a str>,
    pub time_limit_s: f64,
    pub seed: u64,
    pub threads: usize,
    pub iterations: Option<u64>,
    /// `None`: the street-office temperatures for vaxride JSON days, the default otherwise.
    pub temperature: Option<(f64, f64)>,
    pub out: Option<&'a Path>,
}

pub fn run(args: &SolveArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = args.file.display().to_string();
    let format = match args.format {
        Some(f) => parse_format(f)?,
        None => {
            Format::guess(&name, &text).context("cannot tell the file's format: pass --format")?
        }
    };
    let instance = vaxride_formats::read(&name, &text, format)?;
    if let Err(errors) = instance.problem.validate() {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        bail!("the problem is not consistent:\n  {}", list.join("\n  "));
    }
    if !(args.time_limit_s > 0.0 && args.time_limit_s.is_finite()) {
        bail!("--time-limit must be a positive number of seconds");
    }
    let start = Instant::now();
    let mut budget = WallClock {
        start,
        limit: Duration::from_secs_f64(args.time_limit_s),
        max_iterations: args.iterations,
    };
    let params = SolveParams {
        seed: args.seed,
        temperature: args.temperature.unwrap_or(match format {
            Format::Json => SolveParams::STREET_OFFICE_TEMPERATURE,
            _ => SolveParams::default().temperature,
        }),
    };
    let (best, stats) = solve_threads(
        &instance.problem,
        &[],
        params,
        args.threads.max(1),
        &mut budget,
    );
    let iterations = stats.iterations;
    let elapsed = start.elapsed().as_secs_f64();
    if let Err(errors) = check(&instance.problem, &best) {
        bail!("internal error: the solution fails the checker: {errors:?}");
    }
    let mut doc = solution_json(&instance, &best, elapsed);
    doc["iterations"] = iterations.into();
    let text = serde_json::to_string_pretty(&doc)?;
    match args.out {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?
        }
        None => println!("{text}"),
    }
    let o = &doc["objective"];
    eprintln!(
        "{}: served={} vehicles={} distance={} time_s={elapsed:.2} iterations={iterations}",
        instance.name, o["served"], o["vehicles"], o["total_distance"]
    );
    Ok(())
}

fn parse_format(f: &str) -> anyhow::Result<Format> {
    Ok(match f {
        "vrplib" => Format::Vrplib,
        "solomon" => Format::Solomon,
        "lilim" => Format::LiLim,
        "cordeau" => Format::Cordeau,
        "json" => Format::Json,
        other => bail!("unknown --format {other:?}: use json, vrplib, solomon, lilim or cordeau"),
    })
}

/// The solution in the input's units: `{"objective", "routes", "unassigned"}`.
fn solution_json(instance: &Instance, solution: &Solution, elapsed_s: f64) -> Value {
    let p = &instance.problem;
    let o = solution.objective(p);
    let unit = |t: i64| t as f64 / instance.scale;
    // Benchmark families have one load dimension; vaxride problems report [seats, wheelchairs].
    let load = |l: vaxride_solver::Load| -> Value {
        if instance.family == vaxride_formats::Family::Vaxride {
            json!(l.0)
        } else {
            json!(l.0[0])
        }
    };
    let routes: Vec<&[usize]> = solution.routes.iter().map(|r| r.stops.as_slice()).collect();
    let vehicles: Vec<usize> = solution.routes.iter().map(|r| r.vehicle).collect();
    let routes_vec: Vec<Vec<usize>> = routes.iter().map(|r| r.to_vec()).collect();
    let distance = instance.reported_distance(&routes_vec, &vehicles);
    let routes_json: Vec<Value> = solution
        .routes
        .iter()
        .map(|r| {
            let s = Schedule::of(p, r);
            let stops: Vec<Value> = s
                .visits
                .iter()
                .map(|v| {
                    json!({
                        "id": p.stops[v.stop].id,
                        "arrival": unit(v.arrival),
                        "start": unit(v.start),
                        "load": load(v.load),
                    })
                })
                .collect();
            json!({
                "vehicle": p.vehicles[r.vehicle].id,
                "departure": unit(s.departure),
                "return": unit(s.arrival),
                "stops": stops,
            })
        })
        .collect();
    let unassigned: Vec<Value> = solution
        .unassigned
        .iter()
        .map(|u| json!({"id": p.requests[u.request].id, "reason": u.reason.code()}))
        .collect();
    json!({
        "instance": instance.name,
        "objective": {
            "served": o.served,
            "vehicles": o.vehicles,
            "total_distance": (distance * 1000.0).round() / 1000.0,
            "total_duration": unit(o.duration),
        },
        "elapsed_s": (elapsed_s * 100.0).round() / 100.0,
        "routes": routes_json,
        "unassigned": unassigned,
    })
}
