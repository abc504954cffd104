//! The solver's two hooks for repairing a published plan: a request pinned to one vehicle (an
//! elder on board) and a stop kept for the vehicle that had it (moving it costs its `keep`
//! cost). Every solution passes the independent checker, which also holds the pins.

mod common;

use common::random_elder_day;
use vaxride_solver::{
    CheckError, IterationBudget, Keep, Load, Matrix, Problem, ProblemError, Request, SolveParams,
    Stop, StopKind, UnassignedReason, Vehicle, check, solve, solve_from,
};

/// Two vehicles on a line, A at 0 and B at 100, and one ride from 10 to 20.
fn line(keep: Option<Keep>, pinned: Option<usize>, capacity_b: i64) -> Problem {
    let at = [0i64, 100, 10, 20];
    let n = at.len();
    let cells: Vec<i64> = (0..n * n).map(|c| (at[c / n] - at[c % n]).abs()).collect();
    let vehicle = |id: &str, loc: usize, seats: i64| Vehicle {
        id: id.into(),
        start: loc,
        end: loc,
        shift: (0, 1000),
        capacity: Load::seats(seats),
        max_duration: None,
        features: 0,
        fixed_cost: 0,
    };
    let stop = |id: &str, loc: usize, kind: StopKind| Stop {
        id: id.into(),
        loc,
        window: (0, 1000),
        service: 1,
        load: Load::seats(1),
        kind,
        request: 0,
        keep,
    };
    let mut ride = Request::single("ride", vec![0, 1], 1, None, 0);
    ride.vehicle = pinned;
    Problem {
        matrix: Matrix::new(n, cells.clone(), cells).expect("a square matrix"),
        vehicles: vec![vehicle("A", 0, 4), vehicle("B", 1, capacity_b)],
        stops: vec![
            stop("pick", 2, StopKind::Pickup),
            stop("drop", 3, StopKind::Dropoff),
        ],
        requests: vec![ride],
        slots: Vec::new(),
    }
}

/// The checker and the solver count the same served requests, cost and disruption.
fn agree(checked: &vaxride_solver::Objective, own: &vaxride_solver::Objective) {
    assert_eq!(
        (checked.served_priority, checked.cost, checked.disruption),
        (own.served_priority, own.cost, own.disruption),
        "{checked:?} vs {own:?}"
    );
}

fn solved(problem: &Problem) -> (vaxride_solver::Solution, vaxride_solver::Objective) {
    problem.validate().expect("a valid problem");
    let s = solve(problem, SolveParams::default(), &mut IterationBudget(200));
    let o = check(problem, &s).unwrap_or_else(|e| panic!("checker: {e:?}"));
    agree(&o, &s.objective(problem));
    (s, o)
}

#[test]
fn a_kept_ride_stays_with_its_vehicle_unless_moving_it_saves_more_than_it_costs() {
    // Nothing kept: A is 40 away round trip, B 200.
    let (s, o) = solved(&line(None, None, 4));
    assert_eq!((s.routes[0].vehicle, o.cost, o.disruption), (0, 40, 0));
    // Kept for B at 100 a stop: moving saves 140 but costs 200, so it stays.
    let dear = Some(Keep {
        vehicle: 1,
        cost: 100,
    });
    let (s, o) = solved(&line(dear, None, 4));
    assert_eq!((s.routes[0].vehicle, o.cost, o.disruption), (1, 180, 0));
    // Kept for B at 10 a stop: moving saves 140 and costs 20, so it moves, and says so.
    let cheap = Some(Keep {
        vehicle: 1,
        cost: 10,
    });
    let (s, o) = solved(&line(cheap, None, 4));
    assert_eq!((s.routes[0].vehicle, o.cost, o.disruption), (0, 40, 20));
}

#[test]
fn a_pinned_ride_goes_with_its_vehicle_or_not_at_all() {
    let (s, o) = solved(&line(None, Some(1), 4));
    assert_eq!((s.routes[0].vehicle, o.cost), (1, 180));
    // Its vehicle has no seat: unserved, and the reason says why (A's seats do not count).
    let (s, _) = solved(&line(None, Some(1), 0));
    assert!(s.routes.is_empty());
    assert_eq!(s.unassigned[0].reason, UnassignedReason::Capacity);
    // The checker refuses a pinned ride in another vehicle.
    let p = line(None, Some(1), 4);
    let wrong = vaxride_solver::Solution {
        routes: vec![vaxride_solver::Route {
            vehicle: 0,
            stops: vec![0, 1],
        }],
        unassigned: Vec::new(),
    };
    let errors = check(&p, &wrong).expect_err("pinned elsewhere");
    assert!(
        errors.iter().any(|e| matches!(
            e,
            CheckError::Pinned {
                request: 0,
                pinned: 1,
                route: 0
            }
        )),
        "{errors:?}"
    );
}

#[test]
fn pins_and_keeps_name_vehicles_that_exist() {
    let p = line(
        Some(Keep {
            vehicle: 7,
            cost: 1,
        }),
        Some(9),
        4,
    );
    let errors = p.validate().expect_err("no vehicle 7 or 9");
    let refs = errors
        .iter()
        .filter(|e| matches!(e, ProblemError::VehicleRef { .. }))
        .count();
    assert_eq!(refs, 3, "two stops and the request: {errors:?}");
    let p = line(
        Some(Keep {
            vehicle: 0,
            cost: -1,
        }),
        None,
        4,
    );
    assert!(p.validate().is_err(), "a negative cost of moving");
}

/// A plan solved, then repaired unchanged with every stop kept dearly for its vehicle: the
/// repair serves at least as many, and moves nothing unless that serves more. Then a
/// random half of the served requests are pinned to their vehicles and the rest kept cheaply:
/// every solution passes the checker (pins included), and the objective's disruption is what
/// the checker counts.
#[test]
fn repairs_of_random_elder_days_keep_what_is_dear_and_hold_every_pin() {
    for seed in 0..12 {
        let mut p = random_elder_day(seed, 14, 2, 3, 3, 3);
        let params = SolveParams {
            seed,
            ..SolveParams::default()
        };
        let first = solve(&p, params, &mut IterationBudget(300));
        let before = check(&p, &first).expect("the first plan");
        for r in &first.routes {
            for &s in &r.stops {
                p.stops[s].keep = Some(Keep {
                    vehicle: r.vehicle,
                    cost: 10_000,
                });
            }
        }
        let again = solve_from(&p, &first.routes, params, &mut IterationBudget(300));
        let after = check(&p, &again).unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
        assert!(
            after.served_priority >= before.served_priority,
            "seed {seed}"
        );
        // Moving a kept stop is worth it only to serve more (serving comes first).
        if after.served_priority == before.served_priority {
            assert_eq!(after.disruption, 0, "seed {seed}: nothing moved");
        }

        for (k, r) in first.routes.iter().enumerate() {
            for &s in &r.stops {
                let req = p.stops[s].request;
                if (req + k).is_multiple_of(2) {
                    p.requests[req].vehicle = Some(r.vehicle);
                } else {
                    p.stops[s].keep = Some(Keep {
                        vehicle: r.vehicle,
                        cost: 3,
                    });
                }
            }
        }
        let pinned = solve(&p, params, &mut IterationBudget(300));
        let o = check(&p, &pinned).unwrap_or_else(|e| panic!("seed {seed}, pinned: {e:?}"));
        agree(&o, &pinned.objective(&p));
    }
}
