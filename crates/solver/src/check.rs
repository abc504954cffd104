//! The independent checker: recomputes every route's schedule from scratch and verifies every
//! constraint. It shares no code with the search (only the problem types), so a bug in the
//! search's incremental bookkeeping cannot hide here. Every solver test runs it.
//!
//! Time constraints are decided exactly: a route is feasible when *some* schedule meets its
//! windows, shift, duration and ride limits (difference constraints, Bellman–Ford; written
//! here again, independently of `crate::schedule`). Broken constraints are named from the simple
//! earliest-start schedule.

use std::collections::HashMap;

use crate::problem::{Cost, Load, Problem, StopKind, Time};
use crate::solution::{Objective, Solution};

/// One broken constraint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// A route names a vehicle that does not exist, or a vehicle drives two routes.
    #[error("route {route}: vehicle {vehicle} does not exist or is used twice")]
    Vehicle {
        /// Route index.
        route: usize,
        /// Vehicle index.
        vehicle: usize,
    },
    /// A stop index out of range or visited twice.
    #[error("stop {stop} is out of range or visited more than once")]
    Stop {
        /// Stop index.
        stop: usize,
    },
    /// A request partly served, served and unassigned, or neither.
    #[error("request {request}: {what}")]
    Request {
        /// Request index.
        request: usize,
        /// What is wrong.
        what: String,
    },
    /// Service starts after the window closes.
    #[error("route {route}: stop {stop} starts at {start}, after its window closes at {close}")]
    Late {
        /// Route index.
        route: usize,
        /// Stop index.
        stop: usize,
        /// Service start.
        start: Time,
        /// Window close.
        close: Time,
    },
    /// Back after the shift ends.
    #[error("route {route}: returns at {arrival}, after the shift ends at {end}")]
    ShiftEnd {
        /// Route index.
        route: usize,
        /// Return time.
        arrival: Time,
        /// Shift end.
        end: Time,
    },
    /// Longer than the vehicle's maximum route duration.
    #[error("route {route}: lasts {duration}, more than the maximum {max}")]
    Duration {
        /// Route index.
        route: usize,
        /// Route duration.
        duration: Time,
        /// The limit.
        max: Time,
    },
    /// Load above capacity or below zero.
    #[error("route {route}: load {load:?} after stop {stop} does not fit capacity {capacity:?}")]
    Load {
        /// Route index.
        route: usize,
        /// Stop index.
        stop: usize,
        /// Load after the stop.
        load: Load,
        /// Capacity.
        capacity: Load,
    },
    /// A ride longer than allowed.
    #[error("request {request}: ride of {ride} exceeds the maximum {max}")]
    Ride {
        /// Request index.
        request: usize,
        /// Ride duration.
        ride: Time,
        /// The limit.
        max: Time,
    },
    /// A vehicle without the features a request needs.
    #[error("request {request} needs features the vehicle of route {route} lacks")]
    Features {
        /// Request index.
        request: usize,
        /// Route index.
        route: usize,
    },
    /// A request pinned to one vehicle served by another.
    #[error("request {request} is pinned to vehicle {pinned}, but route {route} serves it")]
    Pinned {
        /// Request index.
        request: usize,
        /// The vehicle it is pinned to.
        pinned: usize,
        /// Route index.
        route: usize,
    },
    /// More elders booked into a site slot than it takes.
    #[error("slot {slot}: {count} elders for {capacity} places")]
    SlotFull {
        /// Slot index.
        slot: usize,
        /// Elders the solution brings.
        count: u32,
        /// Places.
        capacity: u32,
    },
    /// The claimed objective differs from the recomputed one.
    #[error("claimed cost {claimed} but the routes cost {actual}")]
    Cost {
        /// What the solver said.
        claimed: Cost,
        /// What the routes cost.
        actual: Cost,
    },
}

/// The pick-up that starts the leg a drop-off ends, found in the request's choices.
fn leg_start(problem: &Problem, dropoff: usize) -> Option<usize> {
    problem.requests[problem.stops[dropoff].request]
        .choices
        .iter()
        .flat_map(|c| c.legs.iter())
        .find(|leg| leg.len() == 2 && leg[1] == dropoff)
        .map(|leg| leg[0])
}

/// Whether some schedule meets every time constraint of the route: the latest-start solution of
/// the difference constraints (longest waits pushed to the end), found by Bellman–Ford from a
/// time-zero node; a negative cycle means no schedule exists.
fn latest_schedule_exists(problem: &Problem, vehicle: usize, stops: &[usize]) -> bool {
    let v = &problem.vehicles[vehicle];
    let m = &problem.matrix;
    let k = stops.len();
    let zero = k + 2;
    let place = |p: usize| -> (usize, Time, (Time, Time)) {
        if p == 0 {
            (v.start, 0, v.shift)
        } else if p == k + 1 {
            (v.end, 0, v.shift)
        } else {
            let st = &problem.stops[stops[p - 1]];
            (st.loc, st.service, st.window)
        }
    };
    // latest[p] ≤ latest[q] + w for every arc (q, p, w).
    let mut arcs: Vec<(usize, usize, Time)> = Vec::new();
    for p in 0..=k + 1 {
        let (_, _, (open, close)) = place(p);
        arcs.push((zero, p, close));
        arcs.push((p, zero, -open));
        if p <= k {
            let (a, service, _) = place(p);
            let (b, _, _) = place(p + 1);
            arcs.push((p + 1, p, -(service + m.time(a, b))));
        }
    }
    if let Some(max) = v.max_duration {
        arcs.push((0, k + 1, max));
    }
    for (i, &s) in stops.iter().enumerate() {
        let st = &problem.stops[s];
        let request = &problem.requests[st.request];
        if let (StopKind::Dropoff, Some(max), Some(pick)) =
            (st.kind, request.max_ride, leg_start(problem, s))
            && let Some(j) = stops.iter().position(|&x| x == pick)
        {
            arcs.push((j + 1, i + 1, max + problem.stops[pick].service));
        }
    }
    let mut latest = vec![Time::MAX; k + 3];
    latest[zero] = 0;
    for _ in 0..k + 3 {
        let mut relaxed = false;
        for &(q, p, w) in &arcs {
            if latest[q] != Time::MAX && latest[q] + w < latest[p] {
                latest[p] = latest[q] + w;
                relaxed = true;
            }
        }
        if !relaxed {
            return true;
        }
    }
    false
}

/// Verifies a solution; returns its recomputed objective, or every broken constraint.
///
/// The `duration` of the objective is measured on the simple earliest-start schedule; the
/// solver's reported schedule may differ (it may delay pick-ups to shorten rides).
pub fn check(problem: &Problem, solution: &Solution) -> Result<Objective, Vec<CheckError>> {
    let mut errors = Vec::new();
    let m = &problem.matrix;
    let mut vehicle_used = vec![false; problem.vehicles.len()];
    let mut seen_stop = vec![false; problem.stops.len()];
    // request -> (route, positions of its stops in order of the request's stop list)
    let mut placed: HashMap<usize, Vec<(usize, usize, usize)>> = HashMap::new();
    let mut objective = Objective::default();

    for (ri, route) in solution.routes.iter().enumerate() {
        if route.vehicle >= problem.vehicles.len() || vehicle_used[route.vehicle] {
            errors.push(CheckError::Vehicle {
                route: ri,
                vehicle: route.vehicle,
            });
            continue;
        }
        vehicle_used[route.vehicle] = true;
        if route.stops.is_empty() {
            continue;
        }
        let v = &problem.vehicles[route.vehicle];
        if route.stops.iter().any(|&s| s >= problem.stops.len()) {
            for &s in route.stops.iter().filter(|&&s| s >= problem.stops.len()) {
                errors.push(CheckError::Stop { stop: s });
            }
            continue;
        }
        // Loads: deliveries are on board from the start.
        let mut load = Load::ZERO;
        for &s in &route.stops {
            if problem.stops[s].kind == StopKind::Delivery {
                load = load.plus(problem.stops[s].load);
            }
        }
        if !load.fits(v.capacity) {
            errors.push(CheckError::Load {
                route: ri,
                stop: route.stops[0],
                load,
                capacity: v.capacity,
            });
        }
        // Time constraints found broken by the simple earliest-start schedule; they only count
        // if no other schedule meets them all (decided exactly below).
        let mut timing: Vec<CheckError> = Vec::new();
        let mut starts: Vec<Time> = Vec::with_capacity(route.stops.len());
        let mut prev_loc = v.start;
        let mut ready = v.shift.0; // when the vehicle can leave the previous place
        let mut cost: Cost = 0;
        for (pos, &s) in route.stops.iter().enumerate() {
            if seen_stop[s] {
                errors.push(CheckError::Stop { stop: s });
            }
            seen_stop[s] = true;
            let stop = &problem.stops[s];
            let arrival = ready + m.time(prev_loc, stop.loc);
            let start = arrival.max(stop.window.0);
            if start > stop.window.1 {
                timing.push(CheckError::Late {
                    route: ri,
                    stop: s,
                    start,
                    close: stop.window.1,
                });
            }
            load = match stop.kind {
                StopKind::Pickup => load.plus(stop.load),
                StopKind::Delivery | StopKind::Dropoff => load.minus(stop.load),
            };
            if !load.fits(v.capacity) || !Load::ZERO.fits(load) {
                errors.push(CheckError::Load {
                    route: ri,
                    stop: s,
                    load,
                    capacity: v.capacity,
                });
            }
            let request = &problem.requests[stop.request];
            if request.needs & !v.features != 0 {
                errors.push(CheckError::Features {
                    request: stop.request,
                    route: ri,
                });
            }
            if let Some(pinned) = request.vehicle
                && pinned != route.vehicle
            {
                errors.push(CheckError::Pinned {
                    request: stop.request,
                    pinned,
                    route: ri,
                });
            }
            if let Some(k) = stop.keep
                && k.vehicle != route.vehicle
            {
                objective.disruption += k.cost;
            }
            placed.entry(stop.request).or_default().push((ri, pos, s));
            cost += m.cost(prev_loc, stop.loc);
            starts.push(start);
            ready = start + stop.service;
            prev_loc = stop.loc;
        }
        let arrival = ready + m.time(prev_loc, v.end);
        cost += m.cost(prev_loc, v.end);
        if arrival > v.shift.1 {
            timing.push(CheckError::ShiftEnd {
                route: ri,
                arrival,
                end: v.shift.1,
            });
        }
        let first = &problem.stops[route.stops[0]];
        let departure = v.shift.0.max(starts[0] - m.time(v.start, first.loc));
        let duration = arrival - departure;
        if let Some(max) = v.max_duration
            && duration > max
        {
            timing.push(CheckError::Duration {
                route: ri,
                duration,
                max,
            });
        }
        // Ride times, for pairs in this route.
        for (pos, &s) in route.stops.iter().enumerate() {
            let stop = &problem.stops[s];
            let request = &problem.requests[stop.request];
            if stop.kind != StopKind::Dropoff {
                continue;
            }
            let Some(max) = request.max_ride else {
                continue;
            };
            let Some(pick) = leg_start(problem, s) else {
                continue;
            };
            if let Some(pp) = route.stops.iter().position(|&x| x == pick) {
                let ride = starts[pos] - (starts[pp] + problem.stops[pick].service);
                if ride > max {
                    timing.push(CheckError::Ride {
                        request: stop.request,
                        ride,
                        max,
                    });
                }
            }
        }
        if !timing.is_empty() && !latest_schedule_exists(problem, route.vehicle, &route.stops) {
            errors.append(&mut timing);
        }
        objective.vehicles += 1;
        objective.cost += cost + v.fixed_cost;
        objective.duration += duration;
    }

    let mut slot_count = vec![0u32; problem.slots.len()];
    let mut unassigned = vec![false; problem.requests.len()];
    for u in &solution.unassigned {
        if u.request >= problem.requests.len() || unassigned[u.request] {
            errors.push(CheckError::Request {
                request: u.request,
                what: "listed as unassigned twice or out of range".into(),
            });
            continue;
        }
        unassigned[u.request] = true;
    }
    for (ri, request) in problem.requests.iter().enumerate() {
        let visits = placed.remove(&ri).unwrap_or_default();
        if unassigned[ri] {
            if !visits.is_empty() {
                errors.push(CheckError::Request {
                    request: ri,
                    what: "both served and unassigned".into(),
                });
            }
            continue;
        }
        // Exactly the stops of one choice are visited; each leg in one route, in order.
        let mut visited: Vec<usize> = visits.iter().map(|v| v.2).collect();
        visited.sort_unstable();
        let choice = request.choices.iter().find(|c| {
            let mut own: Vec<usize> = c.legs.iter().flatten().copied().collect();
            own.sort_unstable();
            own == visited
        });
        let Some(choice) = choice else {
            errors.push(CheckError::Request {
                request: ri,
                what: format!(
                    "its {} visited stops are not exactly the stops of one of its choices, and it is not unassigned",
                    visits.len()
                ),
            });
            continue;
        };
        let at = |stop: usize| visits.iter().find(|v| v.2 == stop).map(|v| (v.0, v.1));
        let legs_ok = choice.legs.iter().all(|leg| match leg.as_slice() {
            [p, d] => {
                matches!((at(*p), at(*d)), (Some((rp, pp)), Some((rd, pd))) if rp == rd && pp < pd)
            }
            _ => true,
        });
        if !legs_ok {
            errors.push(CheckError::Request {
                request: ri,
                what: "a pick-up and its drop-off are not in one route in that order".into(),
            });
            continue;
        }
        if let Some(slot) = choice.slot {
            slot_count[slot] += 1;
        }
        objective.served += 1;
        objective.served_priority += request.priority;
    }
    for (slot, (&count, spec)) in slot_count.iter().zip(&problem.slots).enumerate() {
        if count > spec.capacity {
            errors.push(CheckError::SlotFull {
                slot,
                count,
                capacity: spec.capacity,
            });
        }
    }
    if errors.is_empty() {
        Ok(objective)
    } else {
        Err(errors)
    }
}
