//! A coordinator's manual move (`move_leg`): one leg taken off its route and put into another
//! vehicle's, nothing else moved. Every move passes the independent checker, leaves every other
//! stop in its order, puts the leg where brute force finds it cheapest in that route, and is
//! refused only when brute force finds no place for it there.

mod common;

use common::random_elder_day;
use vaxride_solver::{
    IterationBudget, MoveRefused, Problem, Route, Solution, SolveParams, check, move_leg, solve,
};

/// The routes without `stops`.
fn without(routes: &[Route], stops: &[usize]) -> Vec<(usize, Vec<usize>)> {
    let mut out: Vec<(usize, Vec<usize>)> = routes
        .iter()
        .map(|r| {
            let kept = r.stops.iter().copied().filter(|s| !stops.contains(s));
            (r.vehicle, kept.collect())
        })
        .filter(|(_, s): &(usize, Vec<usize>)| !s.is_empty())
        .collect();
    out.sort();
    out
}

/// The cheapest checked cost of `solution` with `leg` moved into `vehicle`'s route, anywhere.
fn brute_force(p: &Problem, solution: &Solution, leg: &[usize], vehicle: usize) -> Option<i64> {
    let mut routes: Vec<Route> = solution
        .routes
        .iter()
        .map(|r| Route {
            vehicle: r.vehicle,
            stops: r
                .stops
                .iter()
                .copied()
                .filter(|s| !leg.contains(s))
                .collect(),
        })
        .collect();
    if !routes.iter().any(|r| r.vehicle == vehicle) {
        routes.push(Route {
            vehicle,
            stops: Vec::new(),
        });
    }
    let ri = routes.iter().position(|r| r.vehicle == vehicle)?;
    let n = routes[ri].stops.len();
    let mut best = None;
    for i in 0..=n {
        for j in i..=n {
            if leg.len() == 1 && j > i {
                break;
            }
            let mut stops = routes[ri].stops.clone();
            if leg.len() == 2 {
                stops.insert(j, leg[1]);
            }
            stops.insert(i, leg[0]);
            let mut next = routes.clone();
            next[ri].stops = stops;
            let s = Solution {
                routes: next.into_iter().filter(|r| !r.stops.is_empty()).collect(),
                unassigned: solution.unassigned.clone(),
            };
            if let Ok(o) = check(p, &s) {
                best = Some(best.map_or(o.cost, |b: i64| b.min(o.cost)));
            }
        }
    }
    best
}

#[test]
fn a_moved_leg_goes_to_its_cheapest_place_in_the_vehicle_asked_for_and_nothing_else_moves() {
    let (mut moved, mut refused) = (0, 0);
    for seed in 0..12u64 {
        let p = random_elder_day(900 + seed, 4, 2, 2, 2, 2);
        let full = solve(&p, SolveParams::default(), &mut IterationBudget(300));
        let served: Vec<usize> = (0..p.requests.len())
            .filter(|r| full.unassigned.iter().all(|u| u.request != *r))
            .collect();
        for &r in &served {
            let on_route = |s: usize| full.routes.iter().any(|x| x.stops.contains(&s));
            let choice = p.requests[r]
                .choices
                .iter()
                .find(|c| c.stops().all(on_route))
                .expect("a served request has its choice routed");
            for (li, leg) in choice.legs.iter().enumerate() {
                for v in 0..p.vehicles.len() {
                    let brute = brute_force(&p, &full, leg, v);
                    match move_leg(&p, &full.routes, r, li, v) {
                        Ok(s) => {
                            let o = check(&p, &s)
                                .unwrap_or_else(|e| panic!("seed {seed}: checker: {e:?}"));
                            let on = s.routes.iter().find(|x| x.vehicle == v).expect("route");
                            assert!(leg.iter().all(|x| on.stops.contains(x)), "seed {seed}");
                            assert_eq!(
                                without(&s.routes, leg),
                                without(&full.routes, leg),
                                "seed {seed}: something else moved"
                            );
                            assert_eq!(Some(o.cost), brute, "seed {seed}: not the cheapest");
                            moved += 1;
                        }
                        Err(MoveRefused::NoRoom) => {
                            assert_eq!(brute, None, "seed {seed}: brute force found room");
                            refused += 1;
                        }
                        Err(MoveRefused::NotAllowed) => {
                            assert!(!p.requests[r].allows(v, &p.vehicles[v]), "seed {seed}");
                        }
                        Err(e) => panic!("seed {seed}: request {r} leg {li}: {e:?}"),
                    }
                }
            }
        }
    }
    assert!(
        moved >= 20 && refused >= 1,
        "moved {moved}, refused {refused}"
    );
}

#[test]
fn a_leg_not_in_the_routes_is_not_moved() {
    let p = random_elder_day(901, 4, 2, 2, 2, 2);
    assert_eq!(move_leg(&p, &[], 0, 0, 0), Err(MoveRefused::NotRouted));
}
