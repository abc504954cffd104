//! A seeded generator of street-office days, written as vaxride JSON problems: communities of
//! elders around their centres, fixed sites and a temporary point with 15-minute slots, a mobile
//! vaccination van whose slots follow its timetable at two stops, and a fleet of volunteer cars
//! and partner vans. Travel times are Euclidean × 1.3 (detours) at 30 km/h, in seconds: a
//! stand-in for a real road matrix, with the same shape of data.
//!
//! Used by the benchmarks (the "500 requests, 60 vehicles, 6 sites × 16 slots" day of issue 3)
//! and the tests; `vaxride generate-day` writes one.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::json::{Doc, MatrixDoc, RequestDoc, ReturnDoc, SlotDoc, VehicleDoc};

/// The size and mix of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayParams {
    /// Ride requests (elders).
    pub requests: usize,
    /// Vehicles; one in six is a partner van with a ramp and a wheelchair place.
    pub vehicles: usize,
    /// Communities the elders live in.
    pub communities: usize,
    /// Fixed sites and temporary points (the van comes on top, as one more site with two stops).
    pub sites: usize,
    /// Slots per site (15 minutes each from 08:00); the van's are split over its two stops.
    pub slots_per_site: usize,
    /// Elders a slot takes.
    pub slot_capacity: u32,
    /// Share of elders who want a ride home.
    pub return_share: f64,
    /// Share of elders in a wheelchair.
    pub wheelchair_share: f64,
}

impl Default for DayParams {
    fn default() -> Self {
        DayParams {
            requests: 500,
            vehicles: 60,
            communities: 12,
            sites: 5,
            slots_per_site: 16,
            slot_capacity: 8,
            return_share: 0.8,
            wheelchair_share: 0.05,
        }
    }
}

const HOUR: i64 = 3600;
/// Metres per second at 30 km/h.
const SPEED: f64 = 30.0 / 3.6;

/// A street-office day as vaxride JSON text.
pub fn street_office_day(seed: u64, p: &DayParams) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    // Locations, metres on a 10 km × 8 km street office.
    let mut pts: Vec<(f64, f64)> = Vec::new();
    let add = |x: f64, y: f64, pts: &mut Vec<(f64, f64)>| {
        pts.push((x, y));
        pts.len() - 1
    };
    let communities: Vec<(f64, f64)> = (0..p.communities.max(1))
        .map(|_| {
            (
                rng.random_range(800.0..9200.0),
                rng.random_range(800.0..7200.0),
            )
        })
        .collect();
    let office = add(5000.0, 4000.0, &mut pts);
    // Fixed sites and temporary points, then the van's two stops at community squares.
    let mut slots = Vec::new();
    let slot_len = HOUR / 4;
    let day_start = 8 * HOUR;
    for site in 0..p.sites {
        let (x, y) = (
            rng.random_range(1500.0..8500.0),
            rng.random_range(1500.0..6500.0),
        );
        let loc = add(x, y, &mut pts);
        for k in 0..p.slots_per_site {
            let start = day_start + k as i64 * slot_len;
            slots.push(SlotDoc {
                id: format!("site{site}-{:02}{:02}", start / HOUR, start % HOUR / 60),
                location: loc,
                window: [start, start + slot_len],
                capacity: p.slot_capacity,
            });
        }
    }
    let van_stops: Vec<usize> = (0..2)
        .map(|i| {
            let c = communities[i % communities.len()];
            add(c.0 + 150.0, c.1 - 100.0, &mut pts)
        })
        .collect();
    for k in 0..p.slots_per_site {
        // First half of the morning at stop A, then 30 minutes to move, then stop B.
        let half = p.slots_per_site / 2;
        let (loc, start) = if k < half {
            (van_stops[0], day_start + k as i64 * slot_len)
        } else {
            (van_stops[1], day_start + HOUR / 2 + k as i64 * slot_len)
        };
        slots.push(SlotDoc {
            id: format!(
                "van-{}-{:02}{:02}",
                if k < half { "a" } else { "b" },
                start / HOUR,
                start % HOUR / 60
            ),
            location: loc,
            window: [start, start + slot_len],
            capacity: p.slot_capacity.div_ceil(2),
        });
    }
    // Vehicles start from their drivers' homes, spread over the communities.
    let mut vehicles = Vec::new();
    for v in 0..p.vehicles {
        let c = communities[v % communities.len()];
        let loc = add(
            c.0 + rng.random_range(-600.0..600.0),
            c.1 + rng.random_range(-600.0..600.0),
            &mut pts,
        );
        let van = v % 6 == 5;
        vehicles.push(VehicleDoc {
            id: if van {
                format!("van-{v}")
            } else {
                format!("car-{v}")
            },
            start: loc,
            end: loc,
            shift: [7 * HOUR + HOUR / 2, 13 * HOUR],
            seats: if van { 6 } else { 3 },
            wheelchairs: i64::from(van),
            features: if van { vec!["ramp".into()] } else { Vec::new() },
            max_duration: None,
            fixed_cost: 0,
        });
    }
    // Elders.
    let mut requests = Vec::new();
    for e in 0..p.requests {
        let c = communities[rng.random_range(0..communities.len())];
        let spread = 450.0;
        let home = add(
            (c.0 + rng.random_range(-spread..spread)).clamp(0.0, 10_000.0),
            (c.1 + rng.random_range(-spread..spread)).clamp(0.0, 8_000.0),
            &mut pts,
        );
        let wheelchair = rng.random_bool(p.wheelchair_share);
        let companions = i64::from(rng.random_bool(0.3));
        // A one-hour pick-up window somewhere in the morning.
        let from = 7 * HOUR + HOUR / 2 + rng.random_range(0..6) * HOUR / 4 * 2;
        let pickup_window = [from, from + HOUR];
        // Candidate slots: those of the four nearest sites (the van's stops included) that
        // start between 15 and 75 minutes after the window opens.
        let mut by_distance: Vec<usize> = slots.iter().map(|s| s.location).collect();
        by_distance.sort_unstable();
        by_distance.dedup();
        let here = pts[home];
        by_distance.sort_by(|a, b| dist(pts[*a], here).total_cmp(&dist(pts[*b], here)));
        let near: Vec<usize> = by_distance.into_iter().take(4).collect();
        let candidates: Vec<String> = slots
            .iter()
            .filter(|s| near.contains(&s.location))
            .filter(|s| s.window[0] >= from + HOUR / 4 && s.window[0] <= from + HOUR + HOUR / 4)
            .map(|s| s.id.clone())
            .collect();
        if candidates.is_empty() {
            continue;
        }
        requests.push(RequestDoc {
            id: format!("elder-{e}"),
            home,
            pickup_window,
            boarding: if wheelchair { 300 } else { 120 },
            seats: if wheelchair {
                companions
            } else {
                1 + companions
            },
            wheelchair,
            needs: if wheelchair {
                vec!["ramp".into()]
            } else {
                Vec::new()
            },
            slots: candidates,
            max_ride: Some(45 * 60),
            priority: rng.random_range(1..=3),
            ride_home: rng.random_bool(p.return_share).then_some(ReturnDoc {
                dwell: 45 * 60,
                max_wait: 30 * 60,
                home_by: 13 * HOUR,
            }),
        });
    }
    let _ = office;
    let n = pts.len();
    let durations: Vec<Vec<i64>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| (dist(pts[a], pts[b]) * 1.3 / SPEED).round() as i64)
                .collect()
        })
        .collect();
    let doc = Doc {
        name: Some(format!("street-office-day-{seed}")),
        matrix: MatrixDoc {
            durations,
            costs: None,
        },
        vehicles,
        slots,
        requests,
        visits: Vec::new(),
    };
    serde_json::to_string(&doc).expect("serializing to memory cannot fail")
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}
