//! The day as it runs (issue 15): a street office's day planned, then a seeded stream of events
//! replayed through it — cancellations, no-shows, failed health checks, declined trips, urgent
//! bookings, with 3 to 12 minutes between them from 07:30 — each followed by a repair
//! (`plan_under_way`, stops kept with their vehicles at 1,200 s each, as the service does),
//! timed; at the end, the repaired plan against a full re-solve of the same day from scratch
//! (the same fixed prefixes, nothing else kept or warm-started) with a longer budget.
//!
//! `cargo run --release -p vaxride-benches --bin repair_day -- [SEED] [--osm FILE]
//! [--requests N] [--events 50] [--first 20] [--repair 1.5] [--full 20] [--threads 2] [--keep 1200]`
//! prints one JSON object: repair wall time p50/p99/max, drivers disturbed per event
//! (median, mean, max), elders stranded, slot overloads, served % repaired and from scratch.

use std::time::{Duration, Instant};

use vaxride_dispatch::plan::PlanBooking;
use vaxride_dispatch::planning::{Silent, plan_day, plan_under_way};
use vaxride_dispatch::solve::PlanOptions;
use vaxride_dispatch::travel::Roads;
use vaxride_dispatch::underway::simulate::{Event, Sim};
use vaxride_dispatch::underway::{StopState, changes, stranded};
use vaxride_server::WallClock;

fn main() {
    let args = vaxride_benches::Args::from_env();
    let seed = args.seed(2022);
    let flag = |name: &str| args.flag(name);
    let number = |name: &str, or: f64| args.number(name, or);
    let events = number("--events", 50.0) as usize;
    let threads = number("--threads", 2.0) as usize;
    let (net, input) = vaxride_benches::office(
        seed,
        flag("--osm"),
        flag("--requests").and_then(|s| s.parse().ok()),
        1,
        0,
        true,
    );
    let roads = Roads(&net);
    let options = PlanOptions {
        seed: 1,
        threads,
        ..PlanOptions::default()
    };
    let secs = |s: f64| WallClock(Duration::from_secs_f64(s));
    let first = plan_day(
        &input,
        &roads,
        options,
        &secs(number("--first", 20.0)),
        &Silent,
    )
    .expect("a checked plan");
    let first_served = first.result().figures.served;
    let first_overloads = first
        .result()
        .figures
        .slots
        .iter()
        .filter(|s| s.planned > s.capacity)
        .count();
    let mut sim = Sim::new(input.clone(), first.result().clone(), 7 * 3600 + 1800);

    // A small deterministic stream of choices.
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut pick = move |n: usize| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) % n.max(1) as u64) as usize
    };
    let (mut walls, mut disturbed) = (Vec::new(), Vec::new());
    let (mut kinds, mut refused, mut stranded_total, mut overloads) =
        ([0usize; Event::KINDS.len()], 0usize, 0usize, 0usize);
    for k in 0..events {
        let minutes = 3 + pick(10) as i64;
        sim.advance(sim.now + minutes * 60);
        let urgent = PlanBooking {
            booking_id: 1_000_000 + k as i64,
            ..input.bookings[pick(input.bookings.len())].clone()
        };
        let Some(event) = sim.draw(&mut pick, &urgent) else {
            continue;
        };
        if !sim.apply(&event) {
            continue;
        }
        kinds[event.kind()] += 1;
        let day = sim.day(Some(number("--keep", 1200.0) as i64));
        let started = Instant::now();
        let repaired = plan_under_way(
            &sim.input,
            &day,
            &roads,
            options,
            &secs(number("--repair", 1.5)),
            &Silent,
        );
        walls.push(started.elapsed().as_secs_f64() * 1000.0);
        let Ok(plan) = repaired else {
            refused += 1;
            continue;
        };
        let result = plan.result().clone();
        stranded_total += stranded(&sim.input, &day, &result).len();
        overloads += result
            .figures
            .slots
            .iter()
            .filter(|s| s.planned > s.capacity)
            .count();
        let ch = changes(&day, &result, 300);
        if std::env::var_os("REPAIR_DEBUG").is_some() {
            let (a, r, t): (usize, usize, usize) = ch.vehicles.iter().fold((0, 0, 0), |acc, v| {
                (
                    acc.0 + v.added.len(),
                    acc.1 + v.removed.len(),
                    acc.2 + v.retimed.len(),
                )
            });
            let ex: Vec<_> =
                ch.vehicles
                    .iter()
                    .flat_map(|v| {
                        v.retimed.iter().take(1).map(move |x| {
                            (v.vehicle_id, x.stop.booking_id, x.stop.kind, x.from, x.to)
                        })
                    })
                    .take(4)
                    .collect();
            let kind = Event::KINDS[event.kind()];
            eprintln!(
                "k={k} {kind} disturbed {} added {a} removed {r} retimed {t} e.g. {ex:?} now {}",
                ch.disturbed, sim.now
            );
        }
        disturbed.push(ch.disturbed);
        sim.plan = result;
    }

    // The same day from scratch: the fixed prefixes only (and, for an elder on board, the
    // drop at the site the plan took a place at: fixed too), a longer budget.
    let mut bare = sim.day(None);
    for r in &mut bare.routes {
        let k = r
            .stops
            .iter()
            .take_while(|s| s.state != StopState::Open)
            .count();
        let on_board: Vec<i64> = r.stops[..k]
            .iter()
            .filter(|s| s.stop.kind == vaxride_dispatch::model::StopKind::PickupHome)
            .map(|s| s.stop.booking_id)
            .collect();
        let mut i = 0;
        r.stops.retain(|s| {
            i += 1;
            i <= k
                || (s.stop.kind == vaxride_dispatch::model::StopKind::DropSite
                    && on_board.contains(&s.stop.booking_id))
        });
    }
    bare.routes.retain(|r| !r.stops.is_empty());
    let scratch = plan_under_way(
        &sim.input,
        &bare,
        &roads,
        options,
        &secs(number("--full", 20.0)),
        &Silent,
    )
    .unwrap_or_else(|e| {
        if let vaxride_dispatch::planning::PlanError::Stranded(ids) = &e {
            for id in ids {
                let in_input = sim.input.bookings.iter().find(|b| b.booking_id == *id);
                let states: Vec<_> = bare
                    .routes
                    .iter()
                    .flat_map(|r| {
                        r.stops
                            .iter()
                            .filter(|s| s.stop.booking_id == *id)
                            .map(move |s| (r.vehicle_id, s.stop.kind, s.state))
                    })
                    .collect();
                let repaired: Vec<_> = sim
                    .plan
                    .routes
                    .iter()
                    .flat_map(|r| {
                        r.stops
                            .iter()
                            .filter(|s| s.booking_id == *id)
                            .map(move |s| (r.vehicle_id, s.kind))
                    })
                    .collect();
                eprintln!(
                    "{id}: return {:?} prefix {states:?} repaired {repaired:?}",
                    in_input.map(|b| b.return_wanted)
                );
            }
        }
        panic!("a checked plan from scratch: {e}")
    });
    let pct = |served: usize, of: usize| (1000.0 * served as f64 / of.max(1) as f64).round() / 10.0;
    let f = &sim.plan.figures;
    let g = &scratch.result().figures;
    walls.sort_by(f64::total_cmp);
    disturbed.sort_unstable();
    let q = |v: &[f64], p: f64| {
        v.get(((v.len() as f64 - 1.0) * p).round() as usize)
            .copied()
    };
    println!(
        "{}",
        serde_json::json!({
            "seed": seed,
            "bookings": input.bookings.len(),
            "vehicles": input.vehicles.len(),
            "first_served": first_served,
            "first_overloads": first_overloads,
            "events": Event::KINDS.iter().zip(&kinds).map(|(k, n)| (k.to_string(), serde_json::json!(n)))
                .collect::<serde_json::Map<_, _>>(),
            "repairs": walls.len(),
            "refused": refused,
            "repair_ms": { "p50": q(&walls, 0.5).map(|v| v.round()), "p99": q(&walls, 0.99).map(|v| v.round()),
                           "max": walls.last().map(|v| v.round()) },
            "disturbed": { "median": disturbed.get(disturbed.len() / 2),
                           "mean": (disturbed.iter().sum::<usize>() as f64 / disturbed.len().max(1) as f64 * 10.0).round() / 10.0,
                           "max": disturbed.last() },
            "stranded": stranded_total,
            "slot_overloads": overloads,
            "end_time": format!("{:02}:{:02}", sim.now / 3600, sim.now % 3600 / 60),
            "served_pct_repaired": pct(f.served, f.requested),
            "served_pct_scratch": pct(g.served, g.requested),
            "requested_at_end": f.requested,
        })
    );
}
