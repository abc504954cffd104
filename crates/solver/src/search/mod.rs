//! The search: greedy construction, then ruin-and-recreate (SISR) under simulated annealing.
//!
//! The caller passes the seed, the number of threads and a [`Budget`]; the search reads no
//! clock. With an [`IterationBudget`] and the same seed, results are identical run to run
//! (whatever the thread count, since each thread's seed is derived from the seed and the best
//! is taken in thread order).

mod insert;
mod offer;
mod recreate;
mod route;
mod ruin;
mod team;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::problem::{Cost, Problem};
use crate::solution::{Route, Solution, Unassigned, UnassignedReason};
pub use offer::{Insertion, MoveRefused, insertions, move_leg};
use route::RouteState;
pub use team::solve_threads;

/// How long to search. `progress` is asked once per iteration: `None` stops the search,
/// `Some(f)` says how far along it is (`0.0..=1.0`, drives the annealing temperature).
pub trait Budget {
    /// Progress after `iteration` iterations, or `None` to stop.
    fn progress(&mut self, iteration: u64) -> Option<f64>;

    /// Told each time the search finds a better solution: requests served and its travel cost
    /// (fixed costs included). For progress reports; the default does nothing.
    fn improved(&mut self, _served: usize, _cost: Cost) {}
}

/// A fixed number of iterations: deterministic, for tests and reproducible runs.
#[derive(Debug, Clone, Copy)]
pub struct IterationBudget(pub u64);

impl Budget for IterationBudget {
    fn progress(&mut self, iteration: u64) -> Option<f64> {
        (iteration < self.0).then(|| iteration as f64 / self.0.max(1) as f64)
    }
}

/// Search parameters.
#[derive(Debug, Clone, Copy)]
pub struct SolveParams {
    /// Seed of the random generator.
    pub seed: u64,
    /// Annealing temperature at the start and at the end, in multiples of the mean cost from a
    /// stop to its nearest neighbour.
    pub temperature: (f64, f64),
}

impl SolveParams {
    /// The temperatures for street-office days (elders in communities, rides to slots and
    /// home): their homes are close together and their rides long, so a move's cost is many
    /// nearest-neighbour costs, and a hotter start pays. Measured on generated 500-request days
    /// at 20 s (benches/RESULTS.md): every elder served on every seed and 3 % less driving than
    /// with the default, which stays the better one on the Solomon instances. `vaxride solve`
    /// uses them for vaxride JSON days.
    pub const STREET_OFFICE_TEMPERATURE: (f64, f64) = (100.0, 0.3);
}

impl Default for SolveParams {
    fn default() -> Self {
        SolveParams {
            seed: 1,
            temperature: (10.0, 0.1),
        }
    }
}

/// Everything that makes two empty vehicles interchangeable (the last part: the vehicle itself
/// when a request is pinned to it or a stop kept for it).
type VehicleKey = (
    usize,
    usize,
    (i64, i64),
    [i64; 2],
    Option<i64>,
    u64,
    i64,
    Option<usize>,
);

/// What the operators share: neighbour lists and vehicle groups.
pub(crate) struct Context {
    /// For each location that hosts stops, the nearest other such locations, nearest first.
    pub neighbours: Vec<Vec<usize>>,
    /// The stops at each location.
    pub stops_at: Vec<Vec<usize>>,
    /// Vehicle index → kind (vehicles of one kind are interchangeable when empty).
    pub vehicle_kind: Vec<usize>,
    /// Number of kinds.
    pub vehicle_kinds: usize,
    /// Request → cost from the first vehicle's start to its first stop.
    pub far: Vec<Cost>,
    /// Cost of leaving a request out (per unit of priority).
    pub penalty: Cost,
    /// Stop → the slot it takes when it is the first stop of a choice with a slot.
    pub slot_opened: Vec<Option<usize>>,
}

impl Context {
    fn new(problem: &Problem) -> Context {
        let m = &problem.matrix;
        let n = problem.stops.len();
        // Neighbours by location: many stops share one (a site, an elder's home in each choice).
        let mut stops_at = vec![Vec::new(); m.len()];
        for (i, st) in problem.stops.iter().enumerate() {
            stops_at[st.loc].push(i);
        }
        let hosts: Vec<usize> = (0..m.len()).filter(|&l| !stops_at[l].is_empty()).collect();
        let mut neighbours = vec![Vec::new(); m.len()];
        for &a in &hosts {
            let mut v: Vec<usize> = hosts.iter().copied().filter(|&b| b != a).collect();
            v.sort_by_key(|&b| (m.cost(a, b), b));
            v.truncate(60);
            neighbours[a] = v;
        }
        let mut named = vec![false; problem.vehicles.len()];
        for v in problem.requests.iter().filter_map(|r| r.vehicle) {
            named[v] = true;
        }
        for k in problem.stops.iter().filter_map(|s| s.keep) {
            named[k.vehicle] = true;
        }
        let mut kinds: Vec<VehicleKey> = Vec::new();
        let vehicle_kind = problem
            .vehicles
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let key = (
                    v.start,
                    v.end,
                    v.shift,
                    v.capacity.0,
                    v.max_duration,
                    v.features,
                    v.fixed_cost,
                    named[i].then_some(i),
                );
                kinds.iter().position(|k| *k == key).unwrap_or_else(|| {
                    kinds.push(key);
                    kinds.len() - 1
                })
            })
            .collect();
        let depot = problem.vehicles.first().map_or(0, |v| v.start);
        let far = problem
            .requests
            .iter()
            .map(|r| m.cost(depot, problem.stops[r.choices[0].legs[0][0]].loc))
            .collect();
        let max_arc = (0..m.len())
            .flat_map(|a| (0..m.len()).map(move |b| (a, b)))
            .map(|(a, b)| m.cost(a, b))
            .max()
            .unwrap_or(0);
        let fixed: Cost = problem.vehicles.iter().map(|v| v.fixed_cost).sum();
        // Serving one more request always beats any travel, any fleet and any disturbance.
        let moves: Cost = problem
            .stops
            .iter()
            .filter_map(|s| s.keep)
            .map(|k| k.cost)
            .sum();
        let penalty = 2 * max_arc * (n as Cost + 2) + fixed + moves + 1;
        // A stop opens the slot of the first choice it begins (as the plan counts it).
        let mut slot_opened = vec![None; n];
        let mut seen = vec![false; n];
        for c in problem.requests.iter().flat_map(|r| &r.choices) {
            let first = c.legs[0][0];
            if !std::mem::replace(&mut seen[first], true) {
                slot_opened[first] = c.slot;
            }
        }
        Context {
            neighbours,
            stops_at,
            vehicle_kind,
            vehicle_kinds: kinds.len(),
            far,
            penalty,
            slot_opened,
        }
    }
}

/// The search state: one route per vehicle (most empty) and the unserved requests.
#[derive(Clone)]
struct State {
    routes: Vec<RouteState>,
    left: Vec<usize>,
}

impl State {
    fn left_cost(&self, problem: &Problem, ctx: &Context) -> Cost {
        self.left
            .iter()
            .map(|&r| problem.requests[r].priority.max(1))
            .sum::<Cost>()
            * ctx.penalty
    }

    fn cost(&self, problem: &Problem, ctx: &Context) -> Cost {
        let travel: Cost = self
            .routes
            .iter()
            .filter(|r| r.len() > 0)
            .map(|r| r.cost + problem.vehicles[r.vehicle].fixed_cost)
            .sum();
        let left: Cost = self
            .left
            .iter()
            .map(|&r| problem.requests[r].priority.max(1))
            .sum();
        travel + left * ctx.penalty
    }
}

/// The cheapest feasible way to add `request` (its first choice's first leg) to a route of `vehicle` visiting `stops`: the cost
/// increase and the positions (the pick-up or delivery goes after position `at[0]`, the drop-off
/// after `at[1]`, position 0 being the vehicle's start). Builds the route's caches, then checks
/// every position; the search's hot path, exposed for benchmarks and tests.
pub fn cheapest_insertion(
    problem: &Problem,
    vehicle: usize,
    stops: &[usize],
    request: usize,
) -> Option<(Cost, [usize; 2])> {
    let route = RouteState::new(problem, vehicle, stops.to_vec());
    let mut rng = SmallRng::seed_from_u64(0);
    let leg = &problem.requests[request].choices[0].legs[0];
    insert::best_placement(problem, &route, leg, 0.0, Cost::MAX, &mut rng).map(|p| (p.delta, p.at))
}

/// Counters of one search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SearchStats {
    /// Ruin-and-recreate iterations run.
    pub iterations: u64,
    /// Iterations whose result was accepted.
    pub accepted: u64,
    /// Iterations that improved the best solution.
    pub improved: u64,
}

/// Solves a problem: returns the best solution found within the budget.
pub fn solve(problem: &Problem, params: SolveParams, budget: &mut dyn Budget) -> Solution {
    solve_with_stats(problem, params, budget).0
}

/// [`solve`], also returning the search's counters.
pub fn solve_with_stats(
    problem: &Problem,
    params: SolveParams,
    budget: &mut dyn Budget,
) -> (Solution, SearchStats) {
    search(problem, params, budget, &[], None)
}

/// [`solve`], starting from the routes of `initial` (for instance the joined solutions of
/// parts of the problem): routes that break a constraint lose the requests that break it, and
/// every request not routed is inserted before the search begins.
pub fn solve_from(
    problem: &Problem,
    initial: &[Route],
    params: SolveParams,
    budget: &mut dyn Budget,
) -> Solution {
    search(problem, params, budget, initial, None).0
}

fn search(
    problem: &Problem,
    params: SolveParams,
    budget: &mut dyn Budget,
    initial: &[Route],
    seat: Option<team::Seat>,
) -> (Solution, SearchStats) {
    let mut stats = SearchStats::default();
    let ctx = Context::new(problem);
    let mut rng = SmallRng::seed_from_u64(params.seed);
    let mut state = State {
        routes: (0..problem.vehicles.len())
            .map(|v| RouteState::new(problem, v, Vec::new()))
            .collect(),
        left: Vec::new(),
    };
    let routed = start_from(problem, &mut state.routes, initial);
    let rest: Vec<usize> = (0..problem.requests.len())
        .filter(|&r| !routed[r])
        .collect();
    state.left = recreate::recreate(problem, &ctx, &mut state.routes, rest, &mut rng);
    let mut cost = state.cost(problem, &ctx);
    // The best solution, as stop lists; the current one is changed in place and restored from
    // `saved` when its change is rejected (no copy of the route caches per iteration).
    let mut best: Vec<Vec<usize>> = state.routes.iter().map(|r| r.stops.clone()).collect();
    let mut best_left = state.left.clone();
    let mut best_cost = cost;
    budget.improved(
        problem.requests.len() - state.left.len(),
        cost - state.left_cost(problem, &ctx),
    );
    let mut saved: Vec<Vec<usize>> = best.clone();
    let mut saved_left: Vec<usize> = Vec::new();

    // Temperatures relative to the typical distance between neighbouring stops.
    let nn: Vec<Cost> = ctx
        .neighbours
        .iter()
        .enumerate()
        .filter_map(|(a, v)| v.first().map(|&b| problem.matrix.cost(a, b)))
        .collect();
    let mean_nn = if nn.is_empty() {
        1.0
    } else {
        nn.iter().sum::<Cost>() as f64 / nn.len() as f64
    }
    .max(1.0);
    let (t0, tf) = (
        params.temperature.0 * mean_nn,
        params.temperature.1 * mean_nn,
    );

    let mut iteration = 0u64;
    while let Some(progress) = budget.progress(iteration) {
        iteration += 1;
        if problem.stops.is_empty() {
            break;
        }
        let temperature = t0 * (tf / t0).powf(progress.clamp(0.0, 1.0));
        for (keep, r) in saved.iter_mut().zip(&state.routes) {
            keep.clone_from(&r.stops);
        }
        saved_left.clone_from(&state.left);
        let mut removed = ruin::ruin(problem, &ctx, &mut state.routes, &mut rng);
        removed.append(&mut state.left);
        state.left = recreate::recreate(problem, &ctx, &mut state.routes, removed, &mut rng);
        let next_cost = state.cost(problem, &ctx);
        let threshold = cost as f64 - temperature * rng.random::<f64>().max(f64::MIN_POSITIVE).ln();
        if (next_cost as f64) < threshold {
            stats.accepted += 1;
            cost = next_cost;
            if cost < best_cost {
                stats.improved += 1;
                best_cost = cost;
                budget.improved(
                    problem.requests.len() - state.left.len(),
                    state.cost(problem, &ctx) - state.left_cost(problem, &ctx),
                );
                for (b, r) in best.iter_mut().zip(&state.routes) {
                    b.clone_from(&r.stops);
                }
                best_left.clone_from(&state.left);
            }
        } else {
            for (r, keep) in state.routes.iter_mut().zip(&saved) {
                if r.stops != *keep {
                    r.stops.clone_from(keep);
                    r.update(problem);
                }
            }
            state.left.clone_from(&saved_left);
        }
        if let Some(seat) = &seat
            && iteration.is_multiple_of(seat.meeting.every)
            && let Some((c, routes, left)) = seat
                .meeting
                .exchange(seat.index, best_cost, &best, &best_left)
        {
            for (r, stops) in state.routes.iter_mut().zip(&routes) {
                if r.stops != *stops {
                    r.stops.clone_from(stops);
                    r.update(problem);
                }
            }
            state.left.clone_from(&left);
            (cost, best_cost, best, best_left) = (c, c, routes, left);
        }
    }
    drop(seat);
    for (r, b) in state.routes.iter_mut().zip(best) {
        r.stops = b;
    }
    state.left = best_left;
    let best = state;
    stats.iterations = iteration;
    (into_solution(problem, &ctx, best), stats)
}

/// Puts the initial routes in place, keeping of each request only a complete, feasible
/// choice; returns which requests are routed.
fn start_from(problem: &Problem, routes: &mut [RouteState], initial: &[Route]) -> Vec<bool> {
    let mut routed = vec![false; problem.requests.len()];
    let mut on_vehicle = vec![false; problem.vehicles.len()];
    let mut seen = vec![false; problem.stops.len()];
    for r in initial {
        if r.vehicle >= routes.len() || on_vehicle[r.vehicle] {
            continue;
        }
        on_vehicle[r.vehicle] = true;
        let stops: Vec<usize> = r
            .stops
            .iter()
            .copied()
            // A stop of a request this vehicle may not serve (features, a pin) is left out.
            .filter(|&s| {
                s < problem.stops.len()
                    && problem.requests[problem.stops[s].request]
                        .allows(r.vehicle, &problem.vehicles[r.vehicle])
            })
            .filter(|&s| !std::mem::replace(&mut seen[s], true))
            .collect();
        routes[r.vehicle].stops = stops;
    }
    // A request counts only if every stop of one of its choices is routed; else its stops go.
    let mut keep = vec![false; problem.stops.len()];
    for (q, req) in problem.requests.iter().enumerate() {
        if let Some(c) = req.choices.iter().find(|c| c.stops().all(|s| seen[s])) {
            routed[q] = true;
            for s in c.stops() {
                keep[s] = true;
            }
        }
    }
    let mut slot_used = vec![0u32; problem.slots.len()];
    for route in routes.iter_mut() {
        route.stops.retain(|&s| keep[s]);
        while !insert::schedule_ok(problem, route.vehicle, &route.stops) {
            let bad = insert::first_violation(problem, route.vehicle, &route.stops)
                .expect("stricter check fails too");
            route.stops.retain(|&s| problem.stops[s].request != bad);
            routed[bad] = false;
        }
    }
    // A request out of one route is out of every route (its other legs too).
    for route in routes.iter_mut() {
        route.stops.retain(|&s| routed[problem.stops[s].request]);
    }
    // Requests that lost a leg on another route, and slots over capacity, go out too.
    for (q, req) in problem.requests.iter().enumerate() {
        if !routed[q] {
            continue;
        }
        // Every leg on one route, in its order.
        let leg_ok = |leg: &Vec<usize>| {
            routes.iter().any(|r| {
                let pos: Vec<Option<usize>> = leg
                    .iter()
                    .map(|s| r.stops.iter().position(|x| x == s))
                    .collect();
                pos.iter().all(Option::is_some) && pos.windows(2).all(|w| w[0] < w[1])
            })
        };
        let chosen = req.choices.iter().find(|c| c.legs.iter().all(leg_ok));
        match chosen {
            Some(c)
                if c.slot
                    .is_none_or(|s| slot_used[s] < problem.slots[s].capacity) =>
            {
                if let Some(s) = c.slot {
                    slot_used[s] += 1;
                }
            }
            _ => {
                routed[q] = false;
                for route in routes.iter_mut() {
                    route.stops.retain(|&s| problem.stops[s].request != q);
                }
            }
        }
    }
    for route in routes.iter_mut() {
        route.update(problem);
    }
    routed
}

fn into_solution(problem: &Problem, ctx: &Context, state: State) -> Solution {
    let slot_used = recreate::slot_usage(problem, ctx, &state.routes);
    let routes = state
        .routes
        .into_iter()
        .filter(|r| r.len() > 0)
        .map(|r| Route {
            vehicle: r.vehicle,
            stops: r.stops,
        })
        .collect();
    let mut unassigned: Vec<Unassigned> = state
        .left
        .iter()
        .map(|&r| Unassigned {
            request: r,
            reason: diagnose(problem, ctx, &slot_used, r),
        })
        .collect();
    unassigned.sort_by_key(|u| u.request);
    Solution { routes, unassigned }
}

/// Why a request could not be served: the first condition that fails for every vehicle and
/// every choice.
fn diagnose(
    problem: &Problem,
    ctx: &Context,
    slot_used: &[u32],
    request: usize,
) -> UnassignedReason {
    let req = &problem.requests[request];
    let with_features: Vec<usize> = (0..problem.vehicles.len())
        .filter(|&v| req.allows(v, &problem.vehicles[v]))
        .collect();
    if with_features.is_empty() {
        return UnassignedReason::NoVehicleWithFeatures;
    }
    let load = problem.stops[req.choices[0].legs[0][0]].load;
    if !with_features
        .iter()
        .any(|&v| load.fits(problem.vehicles[v].capacity))
    {
        return UnassignedReason::Capacity;
    }
    let open: Vec<&crate::problem::Choice> = req
        .choices
        .iter()
        .filter(|c| {
            c.slot
                .is_none_or(|s| slot_used[s] < problem.slots[s].capacity)
        })
        .collect();
    if open.is_empty() {
        return UnassignedReason::SlotFull;
    }
    // Does every leg of some choice fit alone in an empty route?
    let mut rng = SmallRng::seed_from_u64(0);
    let empties: Vec<RouteState> = {
        let mut seen = vec![false; ctx.vehicle_kinds];
        with_features
            .iter()
            .filter(|&&v| !std::mem::replace(&mut seen[ctx.vehicle_kind[v]], true))
            .map(|&v| RouteState::new(problem, v, Vec::new()))
            .collect()
    };
    let fits_alone = open.iter().any(|c| {
        c.legs.iter().all(|leg| {
            empties.iter().any(|e| {
                insert::best_placement(problem, e, leg, 0.0, Cost::MAX, &mut rng).is_some()
            })
        })
    });
    if fits_alone {
        return UnassignedReason::FleetBusy;
    }
    // Alone in an empty route it fails: tell windows from ride time from shift.
    let m = &problem.matrix;
    let reachable = open.iter().any(|c| {
        let u = &problem.stops[c.legs[0][0]];
        with_features.iter().any(|&v| {
            let veh = &problem.vehicles[v];
            veh.shift.0 + m.time(veh.start, u.loc) <= u.window.1
        })
    });
    if !reachable {
        return UnassignedReason::WindowUnreachable;
    }
    if let Some(max) = req.max_ride {
        let too_long = |leg: &Vec<usize>| {
            leg.len() == 2 && m.time(problem.stops[leg[0]].loc, problem.stops[leg[1]].loc) > max
        };
        if open.iter().all(|c| c.legs.iter().any(too_long)) {
            return UnassignedReason::RideTimeUnattainable;
        }
    }
    UnassignedReason::Shift
}
