//! Solver hot paths on real benchmark instances, single thread: one ruin-and-recreate iteration,
//! the cheapest insertion of one request into one route, and the exact schedule of a DARP route.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vaxride_benches::shared_dir;
use vaxride_solver::{IterationBudget, Problem, SolveParams, cheapest_insertion, schedule, solve};

fn instance(rel: &str) -> Option<Problem> {
    let path = shared_dir().join("benchmarks").join(rel);
    let text = std::fs::read_to_string(&path).ok()?;
    let format = vaxride_formats::Format::guess(rel, &text)?;
    Some(vaxride_formats::read(rel, &text, format).ok()?.problem)
}

fn solver(c: &mut Criterion) {
    for rel in [
        "solomon/R101.vrp",
        "solomon/RC208.vrp",
        "lilim100/lr101.txt",
        "darp_cordeau2006/a8-96.txt",
    ] {
        let Some(problem) = instance(rel) else {
            eprintln!("skipped {rel}: ../shared/benchmarks not found (set VAXRIDE_SHARED_DIR)");
            continue;
        };
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let mut g = c.benchmark_group(name);
        g.sample_size(10);
        // 200 iterations after the construction; divide by 200 for one iteration.
        g.bench_function("construction_plus_200_iterations", |b| {
            b.iter(|| {
                solve(
                    black_box(&problem),
                    SolveParams::default(),
                    &mut IterationBudget(200),
                )
            })
        });
        let solution = solve(&problem, SolveParams::default(), &mut IterationBudget(2000));
        let longest = solution
            .routes
            .iter()
            .max_by_key(|r| r.stops.len())
            .expect("a route")
            .clone();
        // A request of another route, to insert into the longest one.
        let other = solution
            .routes
            .iter()
            .find(|r| r.vehicle != longest.vehicle)
            .map(|r| problem.stops[r.stops[0]].request)
            .expect("two routes");
        g.sample_size(50);
        g.bench_function("cheapest_insertion_into_longest_route", |b| {
            b.iter(|| {
                cheapest_insertion(black_box(&problem), longest.vehicle, &longest.stops, other)
            })
        });
        g.bench_function("exact_schedule_of_longest_route", |b| {
            b.iter(|| schedule::earliest(black_box(&problem), longest.vehicle, &longest.stops))
        });
        g.finish();
    }
}

criterion_group!(benches, solver);
criterion_main!(benches);
