//! Cheapest feasible insertion of one request into one route, in O(1) per position (O(k) per
//! pick-up position for pairs) from the route's caches. Routes with ride-time or duration limits
//! confirm each candidate with an exact O(k) evaluation.

use rand::Rng;

use crate::problem::{Cost, Problem, StopKind, Time};
use crate::search::route::RouteState;

/// Where to put a request: after position `at[0]` (and the drop-off after `at[1]`, counted in
/// the original route; equal positions mean right after the pick-up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placement {
    pub delta: Cost,
    pub at: [usize; 2],
}

impl Placement {
    /// Applies the placement of `leg` to a route.
    pub fn apply(&self, problem: &Problem, route: &mut RouteState, leg: &[usize]) {
        if leg.len() == 1 {
            route.stops.insert(self.at[0], leg[0]);
        } else {
            route.stops.insert(self.at[1], leg[1]);
            route.stops.insert(self.at[0], leg[0]);
        }
        route.update(problem);
        debug_assert!(
            route.feasible(problem.vehicles[route.vehicle].capacity),
            "insertion broke the route"
        );
    }

    /// Takes `leg` out of a route again.
    pub fn undo(problem: &Problem, route: &mut RouteState, leg: &[usize]) {
        route.stops.retain(|s| !leg.contains(s));
        route.update(problem);
    }
}

/// The cheapest feasible placement of one `leg` (`[delivery]` or `[pickup, dropoff]`) in
/// `route` that costs less than `bound`, skipping each position with probability `blink`.
///
/// Positions are screened in O(1) from the route's caches (windows, capacity, the new ride's
/// shortest possible duration). On routes that need the exact check (ride times, duration
/// limit) the survivors are then confirmed cheapest first, so the O(k²) exact schedule runs
/// only until the first one holds; the result is the same as checking every candidate.
pub(crate) fn best_placement(
    problem: &Problem,
    route: &RouteState,
    leg: &[usize],
    blink: f64,
    bound: Cost,
    rng: &mut impl Rng,
) -> Option<Placement> {
    let v = &problem.vehicles[route.vehicle];
    let req = &problem.requests[problem.stops[leg[0]].request];
    if !req.allows(route.vehicle, v) {
        return None;
    }
    // Taking the leg's stops from the vehicle that had them costs the same at every position.
    let moved: Cost = leg
        .iter()
        .map(|&s| super::route::moved_cost(&problem.stops[s], route.vehicle))
        .sum();
    let m = &problem.matrix;
    let k = route.len();
    let mut best: Option<Placement> = None;
    let exact = route.exact || req.max_ride.is_some();
    // Candidates for the exact check, in scan order (ties then go to the earlier position).
    let mut candidates: Vec<Placement> = Vec::new();
    let mut consider = |mut p: Placement, best: &mut Option<Placement>| {
        p.delta += moved;
        if p.delta >= bound {
            return;
        }
        if exact {
            candidates.push(p);
        } else if best.is_none_or(|b| p.delta < b.delta) {
            *best = Some(p);
        }
    };
    let u = &problem.stops[leg[0]];
    if u.kind == StopKind::Delivery {
        for p in 0..=k {
            if blink > 0.0 && rng.random_bool(blink) {
                continue;
            }
            if !route.max_load_prefix[p].plus(u.load).fits(v.capacity) {
                continue;
            }
            let arr = route.es[p] + route.svc[p] + m.time(route.loc[p], u.loc);
            let start = arr.max(u.window.0);
            if start > u.window.1 {
                continue;
            }
            if start + u.service + m.time(u.loc, route.loc[p + 1]) > route.ls[p + 1] {
                continue;
            }
            let delta = m.cost(route.loc[p], u.loc) + m.cost(u.loc, route.loc[p + 1])
                - m.cost(route.loc[p], route.loc[p + 1]);
            consider(Placement { delta, at: [p, p] }, &mut best);
        }
        return confirm(problem, route, leg, best, candidates);
    }
    let d = &problem.stops[leg[1]];
    let max_ride = req.max_ride.unwrap_or(Time::MAX);
    for p in 0..=k {
        let load_u = route.load[p].plus(u.load);
        if !load_u.fits(v.capacity) {
            continue;
        }
        let arr_u = route.es[p] + route.svc[p] + m.time(route.loc[p], u.loc);
        let s_u = arr_u.max(u.window.0);
        if s_u > u.window.1 {
            continue;
        }
        let cost_u = m.cost(route.loc[p], u.loc);
        // Drop-off right after the pick-up.
        {
            let arr_d = s_u + u.service + m.time(u.loc, d.loc);
            let s_d = arr_d.max(d.window.0);
            if s_d <= d.window.1
                && max_ride >= m.time(u.loc, d.loc)
                && s_d + d.service + m.time(d.loc, route.loc[p + 1]) <= route.ls[p + 1]
                && !(blink > 0.0 && rng.random_bool(blink))
            {
                let delta = cost_u + m.cost(u.loc, d.loc) + m.cost(d.loc, route.loc[p + 1])
                    - m.cost(route.loc[p], route.loc[p + 1]);
                consider(Placement { delta, at: [p, p] }, &mut best);
            }
        }
        // Drop-off later: the stops p+1..=q are delayed by the pick-up.
        let arr_next = s_u + u.service + m.time(u.loc, route.loc[p + 1]);
        let x = arr_next.max(route.open[p + 1]);
        if x > route.ls[p + 1] || p == k {
            continue;
        }
        let delta_u =
            cost_u + m.cost(u.loc, route.loc[p + 1]) - m.cost(route.loc[p], route.loc[p + 1]);
        let mut max_load = load_u;
        // The shortest the new ride can be with the drop-off after position q: no waiting.
        let ride_to_next = m.time(u.loc, route.loc[p + 1]);
        for q in p + 1..=k {
            if ride_to_next + route.cum[q] - route.cum[p + 1]
                + route.svc[q]
                + m.time(route.loc[q], d.loc)
                > max_ride
            {
                break; // later drop-offs only ride longer
            }
            max_load = max_load.max(route.load[q].plus(u.load));
            if !max_load.fits(v.capacity) {
                break;
            }
            let es_q: Time = route.es[q].max(x + route.cum[q] - route.cum[p + 1]);
            let arr_d = es_q + route.svc[q] + m.time(route.loc[q], d.loc);
            let s_d = arr_d.max(d.window.0);
            if arr_d > d.window.1 {
                break; // later positions only arrive later
            }
            if s_d + d.service + m.time(d.loc, route.loc[q + 1]) > route.ls[q + 1] {
                continue;
            }
            if blink > 0.0 && rng.random_bool(blink) {
                continue;
            }
            let delta = delta_u + m.cost(route.loc[q], d.loc) + m.cost(d.loc, route.loc[q + 1])
                - m.cost(route.loc[q], route.loc[q + 1]);
            consider(Placement { delta, at: [p, q] }, &mut best);
        }
    }
    confirm(problem, route, leg, best, candidates)
}

/// The cheapest candidate that passes the exact check (`best` when there was none to check).
fn confirm(
    problem: &Problem,
    route: &RouteState,
    leg: &[usize],
    best: Option<Placement>,
    mut candidates: Vec<Placement>,
) -> Option<Placement> {
    if candidates.is_empty() {
        return best;
    }
    candidates.sort_by_key(|p| p.delta); // stable: equal costs keep their scan order
    candidates
        .into_iter()
        .find(|&p| exact_ok(problem, route, leg, p))
}

/// Exact check of a candidate on a route with ride-time or duration limits.
fn exact_ok(problem: &Problem, route: &RouteState, leg: &[usize], p: Placement) -> bool {
    let mut r = route.stops.clone();
    if leg.len() == 1 {
        r.insert(p.at[0], leg[0]);
    } else {
        r.insert(p.at[1], leg[1]);
        r.insert(p.at[0], leg[0]);
    }
    schedule_ok(problem, route.vehicle, &r)
}

/// Whether a stop sequence has a schedule meeting windows, shift, duration and ride limits.
pub(crate) fn schedule_ok(problem: &Problem, vehicle: usize, stops: &[usize]) -> bool {
    crate::schedule::earliest(problem, vehicle, stops).is_some()
}

/// The request to blame for the first broken window, ride time, duration or shift end of a stop
/// sequence under the simple earliest-start schedule (stricter than [`schedule_ok`]: whenever
/// that fails, this names a request), if any.
pub(crate) fn first_violation(problem: &Problem, vehicle: usize, stops: &[usize]) -> Option<usize> {
    let v = &problem.vehicles[vehicle];
    let m = &problem.matrix;
    let mut starts = Vec::with_capacity(stops.len());
    let (mut ready, mut at) = (v.shift.0, v.start);
    for &s in stops {
        let st = &problem.stops[s];
        let start = (ready + m.time(at, st.loc)).max(st.window.0);
        if start > st.window.1 {
            return Some(st.request);
        }
        starts.push(start);
        ready = start + st.service;
        at = st.loc;
    }
    let last = stops.last().map(|&s| problem.stops[s].request);
    let arrival = ready + m.time(at, v.end);
    if arrival > v.shift.1 {
        return last;
    }
    if let (Some(max), Some(&first)) = (v.max_duration, stops.first()) {
        let departure = v
            .shift
            .0
            .max(starts[0] - m.time(v.start, problem.stops[first].loc));
        if arrival - departure > max {
            return last;
        }
    }
    for (i, &s) in stops.iter().enumerate() {
        let st = &problem.stops[s];
        if st.kind != StopKind::Dropoff {
            continue;
        }
        let pickup = problem.pickup_of(s);
        if let Some(max) = problem.requests[st.request].max_ride
            && let Some(j) = stops[..i].iter().position(|&x| x == pickup)
            && starts[i] - (starts[j] + problem.stops[pickup].service) > max
        {
            return Some(st.request);
        }
    }
    None
}
