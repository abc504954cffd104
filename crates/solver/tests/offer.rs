//! One request added to a solution with nothing else moved (`insertions`): every offer passes
//! the independent checker, leaves every other stop where it was, costs what the checker says
//! it adds, and is never cheaper than the cheapest insertion brute force finds.

mod common;

use common::random_elder_day;
use vaxride_solver::{
    IterationBudget, Problem, Route, Solution, SolveParams, check, insertions, solve,
};

/// The solution without `request`'s stops: the plan before the booking came.
fn without(solution: &Solution, problem: &Problem, request: usize) -> Vec<Route> {
    solution
        .routes
        .iter()
        .map(|r| Route {
            vehicle: r.vehicle,
            stops: r
                .stops
                .iter()
                .copied()
                .filter(|&s| problem.stops[s].request != request)
                .collect(),
        })
        .collect()
}

/// The cheapest cost of any feasible solution that is `base` with the single-leg or two-leg
/// choice `ci` of `request` put anywhere (every route, every pair of positions), by brute force.
fn brute_force(problem: &Problem, base: &Solution, request: usize, ci: usize) -> Option<i64> {
    let legs = &problem.requests[request].choices[ci].legs;
    let mut best: Option<i64> = None;
    let mut routes: Vec<Route> = base.routes.clone();
    for v in 0..problem.vehicles.len() {
        if !routes.iter().any(|r| r.vehicle == v) {
            routes.push(Route {
                vehicle: v,
                stops: Vec::new(),
            });
        }
    }
    let placements = |routes: &[Route], leg: &[usize]| -> Vec<Vec<Route>> {
        let mut out = Vec::new();
        for (ri, r) in routes.iter().enumerate() {
            let n = r.stops.len();
            for i in 0..=n {
                for j in i..=n {
                    if leg.len() == 1 && j > i {
                        break;
                    }
                    let mut stops = r.stops.clone();
                    if leg.len() == 2 {
                        stops.insert(j, leg[1]);
                    }
                    stops.insert(i, leg[0]);
                    let mut next = routes.to_vec();
                    next[ri].stops = stops;
                    out.push(next);
                }
            }
        }
        out
    };
    let mut frontier = vec![routes];
    for leg in legs {
        frontier = frontier.iter().flat_map(|rs| placements(rs, leg)).collect();
    }
    for rs in frontier {
        let s = Solution {
            routes: rs.into_iter().filter(|r| !r.stops.is_empty()).collect(),
            unassigned: base
                .unassigned
                .iter()
                .copied()
                .filter(|u| u.request != request)
                .collect(),
        };
        if let Ok(o) = check(problem, &s) {
            best = Some(best.map_or(o.cost, |b: i64| b.min(o.cost)));
        }
    }
    best
}

#[test]
fn an_offer_moves_nothing_else_passes_the_checker_and_is_no_cheaper_than_brute_force() {
    let mut offered = 0;
    for seed in 0..16u64 {
        let p = random_elder_day(700 + seed, 4, 2, 2, 2, 2);
        p.validate().expect("valid problem");
        let full = solve(&p, SolveParams::default(), &mut IterationBudget(300));
        let last = p.requests.len() - 1;
        let before = without(&full, &p, last);
        let (base, offers) = insertions(&p, &before, last);
        let base_cost = check(&p, &base).expect("the plan before passes").cost;
        for offer in &offers {
            let o = check(&p, &offer.solution)
                .unwrap_or_else(|e| panic!("seed {seed}: checker: {e:?}"));
            assert_eq!(o.cost - base_cost, offer.delta, "seed {seed}: the delta");
            for r in &base.routes {
                let now = without(&offer.solution, &p, last);
                let same = now.iter().find(|x| x.vehicle == r.vehicle);
                assert_eq!(same.map(|x| &x.stops), Some(&r.stops), "seed {seed}: moved");
            }
            let brute = brute_force(&p, &base, last, offer.choice).expect("brute force finds it");
            assert!(o.cost >= brute, "seed {seed}: cheaper than brute force");
            if p.requests[last].choices[offer.choice].legs.len() == 1 {
                assert_eq!(
                    o.cost, brute,
                    "seed {seed}: one leg is placed at its cheapest"
                );
            }
            offered += 1;
        }
        // A choice brute force can place, with room in its slot, is offered.
        for ci in 0..p.requests[last].choices.len() {
            let single = p.requests[last].choices[ci].legs.len() == 1;
            if single && brute_force(&p, &base, last, ci).is_some() {
                assert!(
                    offers.iter().any(|o| o.choice == ci),
                    "seed {seed}: choice {ci} can be placed but is not offered"
                );
            }
        }
    }
    assert!(offered >= 8, "too few offers to say anything ({offered})");
}
