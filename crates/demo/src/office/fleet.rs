//! The volunteer fleet: 25 vehicles in the demo (four with a ramp, five partner seven-seaters,
//! private cars; a larger fleet in the same shares), each with its driver and shift; and the
//! community health centre's home-visit teams (a doctor and a nurse in a car).

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;
use vaxride_dispatch::model::{Point, Team, Vehicle};

use super::{DemoDriver, hm};
use crate::area::Area;
use crate::names::{phone, plate, younger_name};

/// Vehicles of the demo office.
pub(crate) const VEHICLES: usize = 25;

/// `count` vehicles and their drivers; drivers' phones are added to `phones`.
pub(super) fn draw(
    area: &Area,
    count: usize,
    phones: &mut HashSet<String>,
    rng: &mut StdRng,
) -> (Vec<Vehicle>, Vec<DemoDriver>) {
    let morning = (hm(7, 30), hm(12, 30));
    let afternoon = (hm(13, 0), hm(18, 0));
    let full = (hm(7, 30), hm(17, 30));
    let mut vehicles = Vec::new();
    let mut drivers = Vec::new();
    // The demo's shares: 4 in 25 with a ramp, 5 in 25 partner seven-seaters.
    let ramps = (4 * count).div_ceil(VEHICLES);
    let partners = ramps + (5 * count).div_ceil(VEHICLES);
    for v in 0..count {
        let (kind, seats, wheelchairs) = if v < ramps {
            ("无障碍车", 5, 1)
        } else if v < partners {
            ("合作单位七座车", 7, 0)
        } else {
            ("私家车", 4, 0)
        };
        let shift = match v {
            0 | 3 => full,
            1 => morning,
            2 => afternoon,
            _ => {
                let u: f64 = rng.random();
                if u < 0.4 {
                    morning
                } else if u < 0.7 {
                    afternoon
                } else {
                    full
                }
            }
        };
        let start = area.points[rng.random_range(0..area.points.len())];
        vehicles.push(Vehicle {
            id: 0,
            name: format!("{}（{kind}）", plate(rng)),
            seats,
            wheelchairs,
            features: if wheelchairs > 0 {
                vec!["ramp".into()]
            } else {
                Vec::new()
            },
            shift_from: shift.0,
            team: None,
            shift_to: shift.1,
            start,
        });
        drivers.push(DemoDriver {
            name: younger_name(rng),
            phone: phone(rng, phones),
            vehicle: v,
        });
    }
    (vehicles, drivers)
}

/// Shots a demo home-visit team carries for a day.
pub(crate) const TEAM_SHOTS: i64 = 10;

/// `count` home-visit teams leaving from `base` (the health centre), 08:00–17:00, and their
/// doctors as drivers (vehicles numbered from `first`).
pub(super) fn teams(
    base: Point,
    count: usize,
    first: usize,
    phones: &mut HashSet<String>,
    rng: &mut StdRng,
) -> (Vec<Vehicle>, Vec<DemoDriver>) {
    (0..count)
        .map(|k| {
            let vehicle = Vehicle {
                id: 0,
                name: format!("上门接种{}组（{}）", k + 1, plate(rng)),
                seats: 2,
                wheelchairs: 0,
                features: Vec::new(),
                shift_from: hm(8, 0),
                shift_to: hm(17, 0),
                start: base,
                team: Some(Team {
                    shots_per_day: TEAM_SHOTS,
                }),
            };
            let doctor = DemoDriver {
                name: younger_name(rng),
                phone: phone(rng, phones),
                vehicle: first + k,
            };
            (vehicle, doctor)
        })
        .unzip()
}
