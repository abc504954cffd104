//! One request added to a solution without moving anything else: for each of its choices (a
//! site slot, say), the cheapest place for its legs in the routes as they are. What a same-day
//! booking is offered ("which slots can still take this elder?"), and how the one chosen goes in.

use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::problem::{Cost, Problem};
use crate::search::insert::Placement;
use crate::search::route::RouteState;
use crate::search::{Context, State, into_solution, recreate, start_from};
use crate::solution::{Route, Solution};

/// One way to serve a request in a solution with nothing else moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    /// The request's choice it takes (index into `Request::choices`).
    pub choice: usize,
    /// What it adds to the travel cost.
    pub delta: Cost,
    /// The solution with the request in it.
    pub solution: Solution,
}

/// The routes of `initial` (validated as [`crate::solve_from`] does: a route that breaks a
/// constraint loses the requests that break it) with nothing inserted, and for each choice of
/// `request` whose slot has room, the cheapest insertion of its legs, leg after leg, each in
/// the route where it costs least, nothing else moved. Every other request not in `initial`
/// stays left out. Deterministic.
pub fn insertions(
    problem: &Problem,
    initial: &[Route],
    request: usize,
) -> (Solution, Vec<Insertion>) {
    let ctx = Context::new(problem);
    let mut routes: Vec<RouteState> = (0..problem.vehicles.len())
        .map(|v| RouteState::new(problem, v, Vec::new()))
        .collect();
    let routed = start_from(problem, &mut routes, initial);
    let left: Vec<usize> = (0..problem.requests.len())
        .filter(|&r| !routed[r])
        .collect();
    let base = into_solution(
        problem,
        &ctx,
        State {
            routes: routes.clone(),
            left: left.clone(),
        },
    );
    if request >= problem.requests.len() || routed[request] {
        return (base, Vec::new());
    }
    let slot_used = recreate::slot_usage(problem, &routes);
    let mut rng = SmallRng::seed_from_u64(0);
    let mut found = Vec::new();
    for (ci, choice) in problem.requests[request].choices.iter().enumerate() {
        if choice
            .slot
            .is_some_and(|s| slot_used[s] >= problem.slots[s].capacity)
        {
            continue;
        }
        let mut trial = routes.clone();
        let mut delta = 0;
        let placed = choice.legs.iter().all(|leg| {
            let best = trial
                .iter()
                .enumerate()
                .filter_map(|(ri, r)| {
                    super::insert::best_placement(problem, r, leg, 0.0, Cost::MAX, &mut rng)
                        .map(|p| (ri, p))
                })
                .min_by_key(|(_, p): &(usize, Placement)| p.delta);
            let Some((ri, p)) = best else {
                return false;
            };
            p.apply(problem, &mut trial[ri], leg);
            delta += p.delta;
            true
        });
        if !placed {
            continue;
        }
        let mut solution = into_solution(
            problem,
            &ctx,
            State {
                routes: trial,
                left: Vec::new(),
            },
        );
        solution.unassigned = base
            .unassigned
            .iter()
            .copied()
            .filter(|u| u.request != request)
            .collect();
        found.push(Insertion {
            choice: ci,
            delta,
            solution,
        });
    }
    (base, found)
}
