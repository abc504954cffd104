//! Solutions: routes of stop indices, their earliest-start schedules, and the objective.

use crate::problem::{Cost, Load, Problem, StopKind, Time};

/// One vehicle's ordered stops (indices into `Problem::stops`), between its start and end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Index into `Problem::vehicles`.
    pub vehicle: usize,
    /// Stops in visiting order.
    pub stops: Vec<usize>,
}

/// Why a request was left out, in words a coordinator can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnassignedReason {
    /// No vehicle has the features the request needs.
    NoVehicleWithFeatures,
    /// No vehicle can carry the load (seats, wheelchair places).
    Capacity,
    /// The time window cannot be reached from any vehicle's start within its shift.
    WindowUnreachable,
    /// The maximum ride time cannot be met even on a direct ride.
    RideTimeUnattainable,
    /// Serving it would break a driver's shift or maximum route duration.
    Shift,
    /// Every site slot it could go to is full.
    SlotFull,
    /// Feasible alone, but the fleet is fully used by more important or better-fitting requests.
    FleetBusy,
}

impl UnassignedReason {
    /// Every value, in order.
    pub const ALL: [UnassignedReason; 7] = [
        UnassignedReason::NoVehicleWithFeatures,
        UnassignedReason::Capacity,
        UnassignedReason::WindowUnreachable,
        UnassignedReason::RideTimeUnattainable,
        UnassignedReason::Shift,
        UnassignedReason::SlotFull,
        UnassignedReason::FleetBusy,
    ];

    /// A stable code for APIs and files.
    pub fn code(self) -> &'static str {
        match self {
            UnassignedReason::NoVehicleWithFeatures => "no_vehicle_with_features",
            UnassignedReason::Capacity => "capacity",
            UnassignedReason::WindowUnreachable => "window_unreachable",
            UnassignedReason::RideTimeUnattainable => "ride_time_unattainable",
            UnassignedReason::Shift => "shift",
            UnassignedReason::SlotFull => "slot_full",
            UnassignedReason::FleetBusy => "fleet_busy",
        }
    }
}

/// A request left out, with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unassigned {
    /// Index into `Problem::requests`.
    pub request: usize,
    /// Why.
    pub reason: UnassignedReason,
}

/// A complete answer: one route per vehicle used, and what was left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Solution {
    /// Non-empty routes.
    pub routes: Vec<Route>,
    /// Requests not served.
    pub unassigned: Vec<Unassigned>,
}

/// The lexicographic objective: more priority served, then less cost, then less duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Objective {
    /// Requests served.
    pub served: usize,
    /// Sum of the priorities served.
    pub served_priority: i64,
    /// Vehicles used.
    pub vehicles: usize,
    /// Travel cost plus fixed costs of the vehicles used.
    pub cost: Cost,
    /// Cost of the stops served by another vehicle than the one that had them in the plan
    /// being repaired (`Stop::keep`); weighed with `cost`.
    pub disruption: Cost,
    /// Total time from departure to return, over all routes (earliest-start schedule).
    pub duration: Time,
}

/// One stop of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    /// Index into `Problem::stops`.
    pub stop: usize,
    /// Arrival time.
    pub arrival: Time,
    /// Service start (arrival plus waiting).
    pub start: Time,
    /// Load on board after the stop.
    pub load: Load,
}

/// A route's schedule: the earliest one meeting every constraint ([`crate::schedule`]), leaving
/// the start as late as the first stop allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Departure from the start location.
    pub departure: Time,
    /// The stops.
    pub visits: Vec<Visit>,
    /// Arrival at the end location.
    pub arrival: Time,
    /// Travel cost of the route (without the fixed cost).
    pub cost: Cost,
}

impl Schedule {
    /// Computes the schedule of a route (it does not check feasibility; see [`crate::check`]).
    pub fn of(problem: &Problem, route: &Route) -> Schedule {
        let v = &problem.vehicles[route.vehicle];
        let m = &problem.matrix;
        let mut load = route
            .stops
            .iter()
            .map(|&s| &problem.stops[s])
            .filter(|s| s.kind == StopKind::Delivery)
            .fold(Load::ZERO, |acc, s| acc.plus(s.load));
        // The exact earliest schedule; an infeasible route falls back to serving every stop as
        // early as possible (the checker then says what is broken).
        let times = crate::schedule::earliest(problem, route.vehicle, &route.stops);
        let (mut ready, mut at, mut cost) = match &times {
            Some((departure, _, _)) => (*departure, v.start, 0),
            None => (v.shift.0, v.start, 0),
        };
        let departure = ready;
        let mut visits = Vec::with_capacity(route.stops.len());
        for (i, &s) in route.stops.iter().enumerate() {
            let stop = &problem.stops[s];
            let arrival = ready + m.time(at, stop.loc);
            cost += m.cost(at, stop.loc);
            let start = match &times {
                Some((_, starts, _)) => starts[i],
                None => arrival.max(stop.window.0),
            };
            load = match stop.kind {
                StopKind::Pickup => load.plus(stop.load),
                StopKind::Delivery | StopKind::Dropoff => load.minus(stop.load),
            };
            visits.push(Visit {
                stop: s,
                arrival,
                start,
                load,
            });
            (ready, at) = (start + stop.service, stop.loc);
        }
        let arrival = ready + m.time(at, v.end);
        cost += m.cost(at, v.end);
        Schedule {
            departure,
            visits,
            arrival,
            cost,
        }
    }
}

impl Solution {
    /// The objective of this solution.
    pub fn objective(&self, problem: &Problem) -> Objective {
        let mut o = Objective::default();
        for r in &self.routes {
            if r.stops.is_empty() {
                continue;
            }
            let s = Schedule::of(problem, r);
            o.vehicles += 1;
            o.cost += s.cost + problem.vehicles[r.vehicle].fixed_cost;
            o.disruption += r
                .stops
                .iter()
                .filter_map(|&x| problem.stops[x].keep)
                .filter(|k| k.vehicle != r.vehicle)
                .map(|k| k.cost)
                .sum::<Cost>();
            o.duration += s.arrival - s.departure;
        }
        let left: std::collections::HashSet<usize> =
            self.unassigned.iter().map(|u| u.request).collect();
        for (i, r) in problem.requests.iter().enumerate() {
            if !left.contains(&i) {
                o.served += 1;
                o.served_priority += r.priority;
            }
        }
        o
    }
}
