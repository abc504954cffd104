//! Small generated days for the tests of days under way: bookings around one town on straight
//! lines, two sites, a few vans; planned and planned again.

#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use vaxride_dispatch::model::{Day, Dose, Mobility, Point, Site, SiteKind, Vehicle};
use vaxride_dispatch::plan::{PlanBooking, PlanInput, PlanResult};
use vaxride_dispatch::planning::{
    CheckedPlan, Iterations, PlanError, Silent, plan_day, plan_under_way,
};
use vaxride_dispatch::solve::PlanOptions;
use vaxride_dispatch::travel::StraightLines;
use vaxride_dispatch::underway::DayUnderWay;
use vaxride_dispatch::values::{Shot, Weekdays};

pub const H: i64 = 3600;

/// A day of `n` bookings around one town (about 4 km across), two sites, `vehicles` vans.
pub fn day(seed: u64, n: usize, vehicles: usize) -> PlanInput {
    let mut rng = StdRng::seed_from_u64(seed);
    let at = |rng: &mut StdRng| Point {
        lon: 123.40 + rng.random_range(0.0..0.05),
        lat: 41.78 + rng.random_range(0.0..0.04),
    };
    let sites = (0..2)
        .map(|i| Site {
            id: 100 + i,
            name: format!("site {i}"),
            kind: SiteKind::Fixed,
            location: at(&mut rng),
            open_days: Weekdays::EVERY_DAY,
            open_from: 8 * H,
            open_to: 16 * H,
            slot_minutes: 30,
            capacity_per_slot: 6,
            booked_share: 1.0,
            doses: vec![Shot::First, Shot::Second, Shot::Booster],
            day: None,
        })
        .collect();
    let vehicles = (0..vehicles as i64)
        .map(|i| Vehicle {
            id: 10 + i,
            name: format!("van {i}"),
            seats: 4,
            wheelchairs: 1,
            features: vec!["ramp".into()],
            shift_from: 7 * H,
            team: None,
            shift_to: 18 * H,
            start: at(&mut rng),
        })
        .collect();
    let bookings = (0..n as i64)
        .map(|i| {
            let from = 8 * H + rng.random_range(0..12) * 900;
            PlanBooking {
                booking_id: 1000 + i,
                community_id: 1,
                home: at(&mut rng),
                mobility: if rng.random_bool(0.2) {
                    Mobility::Wheelchair
                } else {
                    Mobility::Walks
                },
                companions: rng.random_range(0..2),
                dose: Dose::None,
                priority: 1,
                window: (from, from + H),
                site_id: None,
                return_wanted: rng.random_bool(0.8),
                dwell_minutes: 30,
            }
        })
        .collect();
    PlanInput {
        day: Day::parse("2099-04-21").expect("a day"),
        bookings,
        sites,
        vehicles,
    }
}

pub fn options() -> PlanOptions {
    PlanOptions {
        clustered: false,
        ..PlanOptions::default()
    }
}

/// The day under way planned again on straight lines with `iterations`.
pub fn replan(
    input: &PlanInput,
    day: &DayUnderWay,
    iterations: u64,
) -> Result<CheckedPlan, PlanError> {
    plan_under_way(
        input,
        day,
        &StraightLines,
        options(),
        &Iterations(iterations),
        &Silent,
    )
}

pub fn first_plan(input: &PlanInput) -> PlanResult {
    plan_day(input, &StraightLines, options(), &Iterations(3000), &Silent)
        .expect("a checked plan")
        .result()
        .clone()
}
