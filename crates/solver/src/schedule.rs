//! Exact scheduling of a fixed stop sequence under time windows, shift, maximum route duration
//! and maximum ride times.
//!
//! Every constraint is a difference constraint between two service-start times (`x_j - x_i ≤ w`):
//! travel and service between consecutive stops, windows (against a reference time zero), the
//! ride limit between a pick-up and its drop-off, the route duration between departure and
//! return. Such a system is feasible exactly when its constraint graph has no negative cycle,
//! and then its componentwise-earliest solution is `x_i = -dist(i → zero)` (Bellman–Ford).
//! Waiting with an elder on board therefore counts as ride time, and pick-ups are delayed when
//! that is what keeps a ride short enough.

use crate::problem::{Problem, StopKind, Time};

/// What the earliest-start schedule alone says about a stop sequence ([`quick`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quick {
    /// Every constraint holds when each stop starts as early as it can (and the vehicle leaves
    /// as late as its first stop allows): a schedule exists.
    Feasible,
    /// A window or the shift end is missed even starting every stop as early as it can: no
    /// schedule exists (any schedule starts every stop at least that late).
    Infeasible,
    /// Only a ride limit or the route duration is broken, which delaying pick-ups might cure:
    /// ask [`earliest`].
    Unsure,
}

/// The O(k) test in front of [`earliest`]: one pass of earliest service starts along `stops`
/// (windows, shift end), then ride times and the route duration on that schedule.
pub fn quick(problem: &Problem, vehicle: usize, stops: impl Iterator<Item = usize>) -> Quick {
    let v = &problem.vehicles[vehicle];
    let m = &problem.matrix;
    // Elders on board: (time the ride starts: pick-up start + service, pick-up stop, request).
    let mut on_board: Vec<(Time, usize, usize)> = Vec::with_capacity(8);
    let (mut ready, mut at) = (v.shift.0, v.start);
    let mut first: Option<(usize, Time)> = None;
    let mut unsure = false;
    for s in stops {
        let st = &problem.stops[s];
        let start = (ready + m.time(at, st.loc)).max(st.window.0);
        if start > st.window.1 {
            return Quick::Infeasible;
        }
        first.get_or_insert((st.loc, start));
        match st.kind {
            StopKind::Pickup => on_board.push((start + st.service, s, st.request)),
            StopKind::Dropoff => {
                if let Some(i) = pickup_on_board(problem, &on_board, s) {
                    let rode_from = on_board.remove(i).0;
                    if let Some(max) = problem.requests[st.request].max_ride
                        && start - rode_from > max
                    {
                        unsure = true;
                    }
                }
            }
            StopKind::Delivery => {}
        }
        ready = start + st.service;
        at = st.loc;
    }
    let arrival = (ready + m.time(at, v.end)).max(v.shift.0);
    if arrival > v.shift.1 {
        return Quick::Infeasible;
    }
    if let (Some(max), Some((loc, start))) = (v.max_duration, first) {
        let departure = v.shift.0.max(start - m.time(v.start, loc));
        if arrival - departure > max {
            unsure = true;
        }
    }
    if unsure {
        Quick::Unsure
    } else {
        Quick::Feasible
    }
}

/// Where in `on_board` (entries `(_, pick-up stop, request)`, in boarding order) the pick-up
/// of drop-off `stop` is. The one of its request on board, when only one is: sequences hold
/// whole legs (a drop-off's own pick-up is on board whenever another of its request is), which
/// spares [`Problem::pickup_of`]'s walk through every choice; else found through the legs.
fn pickup_on_board<T>(
    problem: &Problem,
    on_board: &[(T, usize, usize)],
    stop: usize,
) -> Option<usize> {
    let request = problem.stops[stop].request;
    let mut same = on_board.iter().enumerate().filter(|(_, b)| b.2 == request);
    match (same.next(), same.next()) {
        (None, _) => None,
        (Some((i, b)), None) => {
            debug_assert_eq!(
                b.1,
                problem.pickup_of(stop),
                "a drop-off without its pick-up"
            );
            Some(i)
        }
        (Some(_), Some(_)) => {
            let pickup = problem.pickup_of(stop);
            on_board.iter().position(|b| b.1 == pickup)
        }
    }
}

/// Whether `stops` driven by `vehicle` has a schedule meeting every constraint: [`quick`],
/// and [`earliest`] when that is unsure.
pub fn feasible(
    problem: &Problem,
    vehicle: usize,
    stops: impl Iterator<Item = usize> + Clone,
) -> bool {
    match quick(problem, vehicle, stops.clone()) {
        Quick::Feasible => true,
        Quick::Infeasible => false,
        Quick::Unsure => earliest(problem, vehicle, &stops.collect::<Vec<_>>()).is_some(),
    }
}

/// The earliest feasible schedule of `stops` driven by `vehicle`: departure, the service start
/// of every stop, and the return; `None` when no schedule meets every constraint.
pub fn earliest(
    problem: &Problem,
    vehicle: usize,
    stops: &[usize],
) -> Option<(Time, Vec<Time>, Time)> {
    let v = &problem.vehicles[vehicle];
    let m = &problem.matrix;
    let k = stops.len();
    // Nodes: 0 = departure, 1..=k = stops, k + 1 = return, k + 2 = time zero.
    let zero = k + 2;
    let loc = |p: usize| match p {
        0 => v.start,
        p if p == k + 1 => v.end,
        p => problem.stops[stops[p - 1]].loc,
    };
    let svc = |p: usize| {
        if p == 0 || p == k + 1 {
            0
        } else {
            problem.stops[stops[p - 1]].service
        }
    };
    let window = |p: usize| {
        if p == 0 || p == k + 1 {
            v.shift
        } else {
            problem.stops[stops[p - 1]].window
        }
    };
    // Edges (from, to, w) for x_to - x_from ≤ w.
    let mut edges: Vec<(usize, usize, Time)> = Vec::with_capacity(4 * k + 8);
    for p in 0..=k {
        edges.push((p + 1, p, -(svc(p) + m.time(loc(p), loc(p + 1)))));
    }
    for p in 0..=k + 1 {
        let (open, close) = window(p);
        edges.push((zero, p, close));
        edges.push((p, zero, -open));
    }
    if let Some(max) = v.max_duration {
        edges.push((0, k + 1, max));
    }
    // Pick-ups not yet dropped off, by position: (position, stop, request).
    let mut on_board: Vec<(usize, usize, usize)> = Vec::with_capacity(8);
    for (i, &s) in stops.iter().enumerate() {
        let st = &problem.stops[s];
        match st.kind {
            StopKind::Pickup => on_board.push((i, s, st.request)),
            StopKind::Dropoff => {
                if let Some(b) = pickup_on_board(problem, &on_board, s) {
                    let (j, pickup, _) = on_board.remove(b);
                    if let Some(max) = problem.requests[st.request].max_ride {
                        edges.push((j + 1, i + 1, max + problem.stops[pickup].service));
                    }
                }
            }
            StopKind::Delivery => {}
        }
    }
    // dist[i] = shortest distance from i to `zero`.
    let n = k + 3;
    let mut dist = vec![Time::MAX; n];
    dist[zero] = 0;
    for pass in 0..=n {
        let mut changed = false;
        for &(from, to, w) in &edges {
            if dist[to] != Time::MAX && dist[to] + w < dist[from] {
                dist[from] = dist[to] + w;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        // A path from the reference back to itself of negative length is a negative cycle:
        // some stop is pushed past its window's close. Most infeasible sequences end here,
        // after a pass or two, instead of after n.
        if dist[zero] < 0 || pass == n {
            return None; // a negative cycle: no schedule exists
        }
    }
    let x: Vec<Time> = dist.iter().map(|d| -d).collect();
    // Leave as late as the first stop allows (less driver time, same service times).
    let departure = if k == 0 {
        x[0]
    } else {
        x[0].max(x[1] - svc(0) - m.time(loc(0), loc(1)))
    };
    Some((departure, x[1..=k].to_vec(), x[k + 1]))
}
