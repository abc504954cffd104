//! The volunteer fleet: 25 vehicles (four with a ramp, five partner seven-seaters, private
//! cars), each with its driver and shift.

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;
use vaxride_dispatch::model::Vehicle;

use super::{DemoDriver, hm};
use crate::area::Area;
use crate::names::{phone, plate, younger_name};

/// The vehicles and their drivers; drivers' phones are added to `phones`.
pub(super) fn draw(
    area: &Area,
    phones: &mut HashSet<String>,
    rng: &mut StdRng,
) -> (Vec<Vehicle>, Vec<DemoDriver>) {
    let morning = (hm(7, 30), hm(12, 30));
    let afternoon = (hm(13, 0), hm(18, 0));
    let full = (hm(7, 30), hm(17, 30));
    let mut vehicles = Vec::new();
    let mut drivers = Vec::new();
    for v in 0..25 {
        let (kind, seats, wheelchairs) = match v {
            0..4 => ("无障碍车", 5, 1),
            4..9 => ("合作单位七座车", 7, 0),
            _ => ("私家车", 4, 0),
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
