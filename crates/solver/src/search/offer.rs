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
    let slot_used = recreate::slot_usage(problem, &ctx, &routes);
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

/// Why a leg could not be moved to the vehicle asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveRefused {
    /// The request is not served by the routes given (or has no such leg).
    #[error("the request is not in the routes")]
    NotRouted,
    /// The vehicle may not serve the request (a feature it lacks, a pin to another).
    #[error("the vehicle may not serve the request")]
    NotAllowed,
    /// No place in the vehicle's route takes the leg with nothing else moved.
    #[error("the vehicle has no room for it")]
    NoRoom,
}

/// The routes of `initial` (validated as in [`insertions`]) with leg `leg` of `request`'s
/// choice in use taken out of its route and put into `vehicle`'s at the cheapest place there,
/// nothing else moved: a coordinator's manual move of a stop. Deterministic.
pub fn move_leg(
    problem: &Problem,
    initial: &[Route],
    request: usize,
    leg: usize,
    vehicle: usize,
) -> Result<Solution, MoveRefused> {
    let ctx = Context::new(problem);
    let mut routes: Vec<RouteState> = (0..problem.vehicles.len())
        .map(|v| RouteState::new(problem, v, Vec::new()))
        .collect();
    let routed = start_from(problem, &mut routes, initial);
    if request >= problem.requests.len() || !routed[request] || vehicle >= routes.len() {
        return Err(MoveRefused::NotRouted);
    }
    let req = &problem.requests[request];
    let on_route = |s: usize| routes.iter().any(|r| r.stops.contains(&s));
    let stops = req
        .choices
        .iter()
        .find(|c| c.stops().all(on_route))
        .and_then(|c| c.legs.get(leg))
        .ok_or(MoveRefused::NotRouted)?
        .clone();
    if !req.allows(vehicle, &problem.vehicles[vehicle]) {
        return Err(MoveRefused::NotAllowed);
    }
    for r in routes.iter_mut() {
        if r.stops.iter().any(|s| stops.contains(s)) {
            let left: Vec<usize> = r
                .stops
                .iter()
                .copied()
                .filter(|s| !stops.contains(s))
                .collect();
            if !super::insert::schedule_ok(problem, r.vehicle, &left) {
                return Err(MoveRefused::NoRoom);
            }
            *r = RouteState::new(problem, r.vehicle, left);
        }
    }
    let mut rng = SmallRng::seed_from_u64(0);
    let placement =
        super::insert::best_placement(problem, &routes[vehicle], &stops, 0.0, Cost::MAX, &mut rng)
            .ok_or(MoveRefused::NoRoom)?;
    placement.apply(problem, &mut routes[vehicle], &stops);
    let left = (0..problem.requests.len())
        .filter(|&r| !routed[r])
        .collect();
    Ok(into_solution(problem, &ctx, State { routes, left }))
}
