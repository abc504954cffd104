//! The checker refuses what must be refused: half-served elders and overbooked slots.

mod common;

use vaxride_solver::{CheckError, Route, Solution, check};

#[test]
fn an_elder_taken_to_the_site_but_not_home_is_refused() {
    let mut seed = 0;
    let p = loop {
        let p = common::random_elder_day(seed, 1, 1, 1, 1, 1);
        if p.requests[0].choices[0].legs.len() == 2 {
            break p;
        }
        seed += 1;
    };
    let outbound = p.requests[0].choices[0].legs[0].clone();
    let s = Solution {
        routes: vec![Route {
            vehicle: 0,
            stops: outbound,
        }],
        unassigned: vec![],
    };
    let errors = check(&p, &s).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| matches!(e, CheckError::Request { request: 0, .. })),
        "{errors:?}"
    );
}

#[test]
fn more_elders_than_a_slot_takes_are_refused() {
    let p = common::random_elder_day(4, 2, 1, 1, 1, 2);
    // Each elder's whole first choice, in its own vehicle.
    let routes = (0..2)
        .map(|e| Route {
            vehicle: e,
            stops: p.requests[e].choices[0].stops().collect(),
        })
        .collect();
    let errors = check(
        &p,
        &Solution {
            routes,
            unassigned: vec![],
        },
    )
    .unwrap_err();
    assert!(
        errors.iter().any(|e| matches!(
            e,
            CheckError::SlotFull {
                slot: 0,
                count: 2,
                capacity: 1
            }
        )),
        "{errors:?}"
    );
}
