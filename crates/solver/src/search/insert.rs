//! Cheapest feasible insertion of one request into one route, in O(1) per position (O(k) per
//! pick-up position for pairs) from the route's caches. Routes with ride-time or duration limits
//! confirm each candidate with an exact O(k) evaluation.

use rand::Rng;

use crate::problem::{Cost, Load, Problem, Stop, StopKind, Time};
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
/// Positions are screened in O(1) from the route's caches ([`screen`]); on routes that need
/// the exact check the survivors are then confirmed cheapest first ([`first_feasible`]), so
/// the exact schedule runs only until the first one holds; the result is the same as checking
/// every candidate.
pub(crate) fn best_placement(
    problem: &Problem,
    route: &RouteState,
    leg: &[usize],
    blink: f64,
    bound: Cost,
    rng: &mut impl Rng,
) -> Option<Placement> {
    let mut found = Vec::new();
    if leg.len() == 2 {
        boardings(problem, route, &problem.stops[leg[0]], bound, &mut found);
    }
    let leg_in = Leg {
        stops: leg,
        boardings: &found,
    };
    let mut candidates = Vec::new();
    let best = screen(problem, route, leg_in, blink, bound, rng, &mut candidates);
    if candidates.is_empty() {
        return best;
    }
    first_feasible(
        &candidates,
        |p| p.delta,
        |&p| exact_ok(problem, route, leg, p),
    )
}

/// A position where a pick-up fits: after route position `p`, its service starting at `start`
/// (window and capacity hold there); `cost` is the travel from position `p` to it, `detour` what
/// the pick-up alone adds to the route (to it and on to the next stop, less the arc it
/// replaces), and `load` the load once the elder is on board. `ready` is when the route can
/// leave position `p`, which grows along the route.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Boarding {
    pub p: usize,
    pub ready: Time,
    pub start: Time,
    pub cost: Cost,
    pub detour: Cost,
    pub load: Load,
}

/// Every position of `route` where pick-up `u` fits (its window, the vehicle's capacity, and
/// the next stop's latest start) with a detour under `limit`, in route order, into `out`. The
/// same for every leg that starts with an equal pick-up (place, window, service, load): a
/// request's slot choices share theirs, so the search finds them once per route and request.
pub(crate) fn boardings(
    problem: &Problem,
    route: &RouteState,
    u: &Stop,
    limit: Cost,
    out: &mut Vec<Boarding>,
) {
    out.clear();
    let capacity = problem.vehicles[route.vehicle].capacity;
    let (to_u, from_u) = (problem.matrix.to(u.loc), problem.matrix.from(u.loc));
    // Leaving position p no earlier than es[p] + svc[p], which grows along the route: from the
    // first position where that is past the window's close, none can take it.
    let end = route.departs_after(u.window.1).min(route.len() + 1);
    // Whatever follows the pick-up starts after the window opens and the elder boards; the
    // latest starts grow along the route too: before the first position whose next stop may
    // start that late, none can take it.
    let begin = route
        .must_start_by(u.window.0 + u.service)
        .saturating_sub(1);
    for p in begin..end {
        let load = route.load[p].plus(u.load);
        if !load.fits(capacity) {
            continue;
        }
        let (t_in, cost) = to_u[route.loc[p]];
        let detour = cost + from_u[route.loc[p + 1]].1 - route.next_cost[p];
        if detour >= limit {
            continue;
        }
        let ready = route.dep[p];
        let start = (ready + t_in).max(u.window.0);
        if start <= u.window.1 {
            out.push(Boarding {
                p,
                ready,
                start,
                cost,
                detour,
                load,
            });
        }
    }
}

/// A leg as the screening takes it: its stops (`[delivery]` or `[pickup, dropoff]`) and, for a
/// pair, where its pick-up fits in the route being screened ([`boardings`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Leg<'a> {
    pub stops: &'a [usize],
    pub boardings: &'a [Boarding],
}

/// Screens every placement of `leg` in `route` costing less than `bound`, in O(1) per position
/// (O(k) per pick-up position for pairs) from the route's caches: windows, capacity, the new
/// ride's shortest possible duration. Returns the cheapest when the route needs no exact check
/// (ties to the earlier position); otherwise pushes the survivors onto `candidates` in scan
/// order, for [`exact_ok`] to confirm, and returns `None`. A boarding whose detour alone costs
/// `bound` is passed over whole (a drop-off adds no less than nothing under the triangle
/// inequality), so the blinks drawn depend on `bound`.
pub(crate) fn screen(
    problem: &Problem,
    route: &RouteState,
    leg: Leg<'_>,
    blink: f64,
    bound: Cost,
    rng: &mut impl Rng,
    candidates: &mut Vec<Placement>,
) -> Option<Placement> {
    let v = &problem.vehicles[route.vehicle];
    let stops = leg.stops;
    let req = &problem.requests[problem.stops[stops[0]].request];
    if !req.allows(route.vehicle, v) {
        return None;
    }
    // Taking the leg's stops from the vehicle that had them costs the same at every position.
    let moved: Cost = stops
        .iter()
        .map(|&s| super::route::moved_cost(&problem.stops[s], route.vehicle))
        .sum();
    let m = &problem.matrix;
    let k = route.len();
    let mut best: Option<Placement> = None;
    let exact = route.exact || req.max_ride.is_some();
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
    let u = &problem.stops[stops[0]];
    let from_u = m.from(u.loc);
    if u.kind == StopKind::Delivery {
        let to_u = m.to(u.loc);
        for p in 0..=k {
            if blink > 0.0 && rng.random_bool(blink) {
                continue;
            }
            if !route.max_load_prefix[p].plus(u.load).fits(v.capacity) {
                continue;
            }
            let (t_in, c_in) = to_u[route.loc[p]];
            let start = (route.es[p] + route.svc[p] + t_in).max(u.window.0);
            if start > u.window.1 {
                continue;
            }
            let (t_out, c_out) = from_u[route.loc[p + 1]];
            if start + u.service + t_out > route.ls[p + 1] {
                continue;
            }
            let delta = c_in + c_out - route.next_cost[p];
            consider(Placement { delta, at: [p, p] }, &mut best);
        }
        return best;
    }
    let d = &problem.stops[stops[1]];
    let (to_d, from_d) = (m.to(d.loc), m.from(d.loc));
    let (t_ud, c_ud) = from_u[d.loc];
    let max_ride = req.max_ride.unwrap_or(Time::MAX);
    for &Boarding {
        p,
        ready,
        start: s_u,
        cost: cost_u,
        detour: delta_u,
        load: load_u,
    } in leg.boardings
    {
        // The drop-off comes after the elder boards, and travel takes no negative time.
        if ready + u.service > d.window.1 {
            break; // the later boardings are ready later still
        }
        if s_u + u.service > d.window.1 {
            continue;
        }
        // Every placement boarding here costs at least the pick-up's own detour: a drop-off
        // between two stops adds no less than nothing when travel costs meet the triangle
        // inequality (rounded matrices may break it by a unit, which can only miss a
        // placement a unit cheaper).
        if delta_u + moved >= bound {
            continue;
        }
        // Drop-off right after the pick-up.
        {
            let s_d = (s_u + u.service + t_ud).max(d.window.0);
            let (t_out, c_out) = from_d[route.loc[p + 1]];
            if s_d <= d.window.1
                && max_ride >= t_ud
                && s_d + d.service + t_out <= route.ls[p + 1]
                && !(blink > 0.0 && rng.random_bool(blink))
            {
                let delta = cost_u + c_ud + c_out - route.next_cost[p];
                consider(Placement { delta, at: [p, p] }, &mut best);
            }
        }
        // Drop-off later: the stops p+1..=q are delayed by the pick-up.
        let ride_to_next = from_u[route.loc[p + 1]].0;
        let x = (s_u + u.service + ride_to_next).max(route.open[p + 1]);
        if x > route.ls[p + 1] || p == k {
            continue;
        }
        let mut max_load = load_u;
        for q in p + 1..=k {
            let (t_qd, c_qd) = to_d[route.loc[q]];
            // The shortest the new ride can be with the drop-off after position q: no waiting.
            if ride_to_next + route.cum[q] - route.cum[p + 1] + route.svc[q] + t_qd > max_ride {
                break; // later drop-offs only ride longer
            }
            max_load = max_load.max(route.load[q].plus(u.load));
            if !max_load.fits(v.capacity) {
                break;
            }
            let es_q: Time = route.es[q].max(x + route.cum[q] - route.cum[p + 1]);
            let arr_d = es_q + route.svc[q] + t_qd;
            let s_d = arr_d.max(d.window.0);
            if arr_d > d.window.1 {
                break; // later positions only arrive later
            }
            let (t_out, c_out) = from_d[route.loc[q + 1]];
            if s_d + d.service + t_out > route.ls[q + 1] {
                continue;
            }
            if blink > 0.0 && rng.random_bool(blink) {
                continue;
            }
            let delta = delta_u + c_qd + c_out - route.next_cost[q];
            consider(Placement { delta, at: [p, q] }, &mut best);
        }
    }
    best
}

/// The cheapest of `candidates` that `ok` accepts, ties to the earliest; `ok` is asked
/// cheapest first and only until it accepts one (it is the expensive exact check).
pub(crate) fn first_feasible<T: Copy>(
    candidates: &[T],
    delta: impl Fn(&T) -> Cost,
    mut ok: impl FnMut(&T) -> bool,
) -> Option<T> {
    // Most of the time the cheapest holds: find it by a scan, and the next few likewise.
    let mut tried = vec![false; candidates.len()];
    for _ in 0..4 {
        let next = (0..candidates.len())
            .filter(|&i| !tried[i])
            .min_by_key(|&i| (delta(&candidates[i]), i))?;
        if ok(&candidates[next]) {
            return Some(candidates[next]);
        }
        tried[next] = true;
    }
    let mut rest: Vec<usize> = (0..candidates.len()).filter(|&i| !tried[i]).collect();
    rest.sort_by_key(|&i| (delta(&candidates[i]), i));
    rest.into_iter().map(|i| candidates[i]).find(|c| ok(c))
}

/// Exact check of a candidate on a route with ride-time or duration limits: the O(k)
/// earliest-start pass over the route with the leg in place, the exact schedule only when that
/// is unsure ([`crate::schedule::quick`]).
pub(crate) fn exact_ok(problem: &Problem, route: &RouteState, leg: &[usize], p: Placement) -> bool {
    let (before, rest) = route.stops.split_at(p.at[0]);
    let (middle, after) = rest.split_at(p.at[1] - p.at[0]);
    let tail = leg.get(1).into_iter().chain(after);
    let with_leg = before.iter().chain(&leg[..1]).chain(middle).chain(tail);
    crate::schedule::feasible(problem, route.vehicle, with_leg.copied())
}

/// Whether a stop sequence has a schedule meeting windows, shift, duration and ride limits.
pub(crate) fn schedule_ok(problem: &Problem, vehicle: usize, stops: &[usize]) -> bool {
    crate::schedule::feasible(problem, vehicle, stops.iter().copied())
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

#[cfg(test)]
mod tests {
    use super::first_feasible;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    #[test]
    fn first_feasible_is_the_cheapest_accepted_ties_to_the_earliest_asked_cheapest_first() {
        for seed in 0..300u64 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let n = rng.random_range(0..30usize);
            let cands: Vec<(i64, bool)> = (0..n)
                .map(|_| (rng.random_range(0..8), rng.random_bool(0.3)))
                .collect();
            let want = cands
                .iter()
                .enumerate()
                .filter(|(_, c)| c.1)
                .min_by_key(|&(i, c)| (c.0, i))
                .map(|(_, &c)| c);
            let mut asked = Vec::new();
            let got = first_feasible(
                &cands,
                |c| c.0,
                |c| {
                    asked.push(c.0);
                    c.1
                },
            );
            assert_eq!(got, want, "seed {seed}");
            assert!(asked.is_sorted(), "seed {seed}: asked {asked:?}");
            let stop = got.map_or(i64::MAX, |c| c.0);
            assert!(asked.iter().all(|&d| d <= stop), "seed {seed}");
        }
    }
}
