//! Van stops chosen for what the day can serve, against "cover first, then route" (issue 16),
//! measured on generated street-office days: elders in communities over a 3 × 3 km town (two
//! in three walk, with help; the others need a ramp), all needing a dose, each with a
//! morning or afternoon window and a ride home wanted; one fixed site in the middle; a
//! volunteer fleet of cars and ramp vans; one vaccination van making three stops around the
//! crew's break. Travel by straight line (× 1.3, 25 km/h), walking by straight line × 1.3 within
//! 500 m. Cover-then-route: the covering proposal (walkers only), then everyone else planned
//! with the fleet. Coupled: from there, stops swapped and each set judged by the day's solver.
//!
//! Both answers are then judged again with `--final` iterations (another seed), and those
//! figures are printed: the search keeps the best of many short judgements, and a short
//! search's luck should not count.
//!
//! `cargo run --release -p vaxride-benches --bin van_couple -- [SEED] [--elders 300]
//! [--evaluations 15] [--iterations 2000] [--final 10000] [--threads 1]` prints one JSON object per seed
//! (the seconds are each search's, before the final judgement).

use std::time::Instant;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use vaxride_dispatch::model::{Point, Site, SiteKind, Vehicle};
use vaxride_dispatch::plan::PlanBooking;
use vaxride_dispatch::travel::{StraightLines, TravelTimes};
use vaxride_dispatch::values::{Day, Dose, Mobility, Shot, Weekdays};
use vaxride_dispatch::vanplan::couple::{Judge, Judged, Riding, RidingDay, couple, judge};
use vaxride_dispatch::vanplan::propose::{VanPlanning, propose};
use vaxride_dispatch::vanplan::request::own_candidates;
use vaxride_dispatch::vanplan::timetable::Van;

fn main() {
    let args = vaxride_benches::Args::from_env();
    let seed = args.seed(1);
    let number = |name: &str, or: u64| args.number(name, or as f64) as u64;
    let (input, riding) = generate(seed, number("--elders", 300) as usize);
    let evaluations = number("--evaluations", 15);
    let iterations = number("--iterations", 2000);
    let travel = StraightLines;
    let started = Instant::now();
    let covered = propose(&input, seed, 2000);
    let first = judge(
        &input,
        &riding,
        covered.days.clone(),
        &travel,
        seed,
        iterations,
    );
    let first_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let coupled = couple(
        &Judge::new(&input, &riding, &travel, seed, iterations),
        covered.days,
        seed,
        number("--threads", 1) as usize,
        &mut vaxride_solver::IterationBudget(evaluations),
        &mut |_| {},
    );
    let coupled_s = started.elapsed().as_secs_f64();
    // Both sets judged again with a longer search, so that neither wins by the short search's
    // luck (the coupled search keeps the best of many short judgements).
    let again = number("--final", 5 * iterations);
    let first = judge(&input, &riding, first.days, &travel, seed + 1, again);
    let coupled = judge(&input, &riding, coupled.days, &travel, seed + 1, again);
    let show = |j: &Judged, s: f64| {
        serde_json::json!({
            "weight": j.value(), "on_foot": j.on_foot, "by_ride": j.by_ride,
            "served": j.served, "driving_s": j.driving, "seconds": (s * 10.0).round() / 10.0,
        })
    };
    println!(
        "{}",
        serde_json::json!({
            "seed": seed,
            "elders": riding.days[0].elders.len(),
            "walkers": input.weights.len(),
            "candidates": input.reach.len(),
            "cover_then_route": show(&first, first_s),
            "coupled": show(&coupled, coupled_s),
        })
    );
}

/// Metres to degrees near 39.9° N.
const LON_M: f64 = 1.0 / 85_400.0;
const LAT_M: f64 = 1.0 / 111_200.0;

fn generate(seed: u64, elders: usize) -> (VanPlanning, Riding) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let centre = Point {
        lon: 116.40,
        lat: 39.90,
    };
    let at = |x: f64, y: f64| Point {
        lon: centre.lon + x * LON_M,
        lat: centre.lat + y * LAT_M,
    };
    let communities: Vec<(f64, f64)> = (0..12)
        .map(|_| {
            (
                rng.random_range(-1500.0..1500.0),
                rng.random_range(-1500.0..1500.0),
            )
        })
        .collect();
    let normal = |rng: &mut SmallRng| {
        let (u, v): (f64, f64) = (rng.random_range(1e-12..1.0), rng.random_range(0.0..1.0));
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    };
    let day = Day::parse("2026-12-08").expect("a day");
    let mut bookings = Vec::new();
    let mut walker = Vec::new();
    let mut homes = Vec::new();
    let mut weights = Vec::new();
    for i in 0..elders {
        let (cx, cy) = communities[rng.random_range(0..communities.len())];
        let home = at(cx + 250.0 * normal(&mut rng), cy + 250.0 * normal(&mut rng));
        let walks = rng.random_bool(2.0 / 3.0);
        let priority = rng.random_range(1..=5);
        let morning = rng.random_bool(0.5);
        let from = if morning { 8 * 3600 } else { 13 * 3600 } + rng.random_range(0..5) * 1800;
        bookings.push(PlanBooking {
            booking_id: i as i64 + 1,
            community_id: 1,
            home,
            mobility: if walks {
                Mobility::Walks
            } else {
                Mobility::Wheelchair
            },
            companions: 0,
            dose: [Dose::None, Dose::First, Dose::Full][rng.random_range(0..3)],
            priority,
            window: (from, from + 2 * 3600),
            site_id: None,
            return_wanted: true,
            dwell_minutes: 40,
        });
        if walks {
            walker.push(Some(homes.len() as u32));
            homes.push(home);
            weights.push(priority as u32);
        } else {
            walker.push(None);
        }
    }
    let all_homes: Vec<Point> = bookings.iter().map(|b| b.home).collect();
    let candidates = own_candidates(&all_homes, 250.0, 150);
    let travel = StraightLines;
    let reach = travel.walkable(&candidates, &homes, 500.0);
    let drive = travel
        .durations(&candidates)
        .iter()
        .map(|row| {
            row.iter()
                .map(|s| s.map_or(600, |s| ((s + 59) / 60) as u32))
                .collect()
        })
        .collect();
    let van = Van {
        days: vec![0],
        start: 8 * 60,
        end: 17 * 60,
        setup: 20,
        packup: 15,
        slot_minutes: 30,
        shots_per_slot: 6,
        rest: Some((12 * 60, 60)),
        stops_per_day: 3,
    };
    let every = Weekdays::parse("1234567").expect("every day");
    let site = Site {
        id: 1,
        name: "health centre".into(),
        kind: SiteKind::Fixed,
        location: centre,
        open_days: every,
        open_from: 8 * 3600,
        open_to: 17 * 3600,
        slot_minutes: 30,
        capacity_per_slot: 6,
        booked_share: 1.0,
        doses: vec![Shot::First, Shot::Second, Shot::Booster],
        day: None,
    };
    let vehicles: Vec<Vehicle> = (0..8)
        .map(|k| {
            let ramp = k >= 5;
            Vehicle {
                id: k + 1,
                name: format!("car {}", k + 1),
                seats: if ramp { 2 } else { 4 },
                wheelchairs: if ramp { 2 } else { 0 },
                features: if ramp {
                    vec!["ramp".to_string()]
                } else {
                    Vec::new()
                },
                shift_from: 7 * 3600 + 1800,
                team: None,
                shift_to: 18 * 3600,
                start: centre,
            }
        })
        .collect();
    (
        VanPlanning {
            weights,
            reach,
            vans: vec![van],
            drive,
        },
        Riding {
            days: vec![RidingDay {
                day,
                index: 0,
                elders: bookings,
                walker,
                sites: vec![site],
                vehicles,
            }],
            candidates,
        },
    )
}
