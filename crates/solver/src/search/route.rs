//! A route with the precomputed data that makes insertion checks O(1): earliest and latest
//! service starts, cumulative fixed durations, loads and their prefix maxima.
//!
//! Position 0 is the vehicle's start, positions `1..=k` the stops, `k + 1` the end.

use crate::problem::{Cost, Load, Problem, StopKind, Time};

/// One route of the search, with its caches.
#[derive(Debug, Clone)]
pub(crate) struct RouteState {
    pub vehicle: usize,
    pub stops: Vec<usize>,
    /// Location per position.
    pub loc: Vec<usize>,
    /// Service duration per position (0 at start and end).
    pub svc: Vec<Time>,
    /// Window opening per position (start and end: the shift start).
    pub open: Vec<Time>,
    /// Window closing per position (start and end: the shift end).
    pub close: Vec<Time>,
    /// Earliest service start per position (arrival at the end).
    pub es: Vec<Time>,
    /// Latest service start per position keeping the rest feasible.
    pub ls: Vec<Time>,
    /// Earliest departure per position: `es + svc` (grows along the route).
    pub dep: Vec<Time>,
    /// `cum[p]`: sum of service and travel from position 0 up to arriving at `p`.
    pub cum: Vec<Time>,
    /// Travel cost from each position to the next (none from the end).
    pub next_cost: Vec<Cost>,
    /// Load after service at each position (position 0: deliveries on board).
    pub load: Vec<Load>,
    /// `max(load[0..=p])`.
    pub max_load_prefix: Vec<Load>,
    /// Travel cost of the route, plus the cost of the stops it took from another vehicle
    /// (`Stop::keep`).
    pub cost: Cost,
    /// Whether the route needs the exact (slow) check: ride times or a duration limit.
    pub exact: bool,
}

/// What serving `stop` with `vehicle` costs beyond the travel: its `keep` cost when the plan
/// being repaired had it with another vehicle.
#[inline]
pub(crate) fn moved_cost(stop: &crate::problem::Stop, vehicle: usize) -> Cost {
    stop.keep
        .filter(|k| k.vehicle != vehicle)
        .map_or(0, |k| k.cost)
}

impl RouteState {
    pub fn new(problem: &Problem, vehicle: usize, stops: Vec<usize>) -> RouteState {
        let mut r = RouteState {
            vehicle,
            stops,
            loc: Vec::new(),
            svc: Vec::new(),
            open: Vec::new(),
            close: Vec::new(),
            es: Vec::new(),
            ls: Vec::new(),
            dep: Vec::new(),
            cum: Vec::new(),
            next_cost: Vec::new(),
            load: Vec::new(),
            max_load_prefix: Vec::new(),
            cost: 0,
            exact: problem.vehicles[vehicle].max_duration.is_some(),
        };
        r.update(problem);
        r
    }

    /// Number of stops.
    pub fn len(&self) -> usize {
        self.stops.len()
    }

    /// Recomputes every cache after the stop list changed.
    #[allow(clippy::needless_range_loop)] // positions index several parallel arrays
    pub fn update(&mut self, problem: &Problem) {
        let v = &problem.vehicles[self.vehicle];
        let m = &problem.matrix;
        let k = self.stops.len();
        self.loc.clear();
        self.svc.clear();
        self.close.clear();
        self.loc.push(v.start);
        self.svc.push(0);
        self.close.push(v.shift.1);
        let open = &mut self.open;
        open.clear();
        open.push(v.shift.0);
        let mut initial = Load::ZERO;
        let mut moved: Cost = 0;
        self.exact = v.max_duration.is_some();
        for &s in &self.stops {
            let st = &problem.stops[s];
            moved += moved_cost(st, self.vehicle);
            self.loc.push(st.loc);
            self.svc.push(st.service);
            self.close.push(st.window.1);
            open.push(st.window.0);
            if st.kind == StopKind::Delivery {
                initial = initial.plus(st.load);
            }
            if problem.requests[st.request].max_ride.is_some() {
                self.exact = true;
            }
        }
        self.loc.push(v.end);
        self.svc.push(0);
        self.close.push(v.shift.1);
        open.push(v.shift.0);

        let n = k + 2;
        self.es.resize(n, 0);
        self.ls.resize(n, 0);
        self.dep.resize(n, 0);
        self.cum.resize(n, 0);
        self.next_cost.resize(n - 1, 0);
        self.load.resize(n, Load::ZERO);
        self.max_load_prefix.resize(n, Load::ZERO);
        self.es[0] = v.shift.0;
        self.cum[0] = 0;
        self.cost = moved;
        self.load[0] = initial;
        self.max_load_prefix[0] = initial;
        for p in 1..n {
            let step = self.svc[p - 1] + m.time(self.loc[p - 1], self.loc[p]);
            self.es[p] = self.open[p].max(self.es[p - 1] + step);
            self.cum[p] = self.cum[p - 1] + step;
            self.next_cost[p - 1] = m.cost(self.loc[p - 1], self.loc[p]);
            self.cost += self.next_cost[p - 1];
            let l = if p <= k {
                let st = &problem.stops[self.stops[p - 1]];
                match st.kind {
                    StopKind::Pickup => self.load[p - 1].plus(st.load),
                    _ => self.load[p - 1].minus(st.load),
                }
            } else {
                self.load[p - 1]
            };
            self.load[p] = l;
            self.max_load_prefix[p] = self.max_load_prefix[p - 1].max(l);
        }
        for p in 0..n {
            self.dep[p] = self.es[p] + self.svc[p];
        }
        self.ls[n - 1] = self.close[n - 1];
        for p in (0..n - 1).rev() {
            let step = self.svc[p] + m.time(self.loc[p], self.loc[p + 1]);
            self.ls[p] = self.close[p].min(self.ls[p + 1] - step);
        }
    }

    /// The first position the route cannot leave by `time` (its earliest service start plus
    /// service is later), or the position count: earliest departures only grow along a route.
    pub fn departs_after(&self, time: Time) -> usize {
        self.dep.partition_point(|&d| d <= time)
    }

    /// The first position whose latest service start is `time` or later (or the position
    /// count): latest starts only grow along a route.
    pub fn must_start_by(&self, time: Time) -> usize {
        self.ls.partition_point(|&l| l < time)
    }

    /// Whether the cached schedule is feasible (windows, shift end, capacity).
    pub fn feasible(&self, capacity: Load) -> bool {
        self.es.iter().zip(&self.close).all(|(e, c)| e <= c)
            && self.max_load_prefix.last().is_none_or(|l| l.fits(capacity))
    }
}

#[cfg(test)]
mod tests {
    use super::RouteState;

    #[test]
    fn departures_and_latest_starts_are_searched_as_the_route_orders_them() {
        let mut r = RouteState {
            vehicle: 0,
            stops: vec![0, 1, 2],
            loc: vec![0; 5],
            svc: vec![0, 5, 5, 5, 0],
            open: vec![0; 5],
            close: vec![100; 5],
            es: vec![0, 10, 20, 30, 40],
            ls: vec![5, 15, 25, 35, 100],
            dep: vec![0, 15, 25, 35, 40],
            cum: vec![0; 5],
            next_cost: vec![0; 4],
            load: Vec::new(),
            max_load_prefix: Vec::new(),
            cost: 0,
            exact: false,
        };
        let linear = |r: &RouteState, t: i64| {
            (0..r.es.len())
                .find(|&p| r.es[p] + r.svc[p] > t)
                .unwrap_or(r.es.len())
        };
        for t in -1..=50 {
            assert_eq!(r.departs_after(t), linear(&r, t), "t {t}");
            let first = (0..r.ls.len())
                .find(|&p| r.ls[p] >= t)
                .unwrap_or(r.ls.len());
            assert_eq!(r.must_start_by(t), first, "t {t}");
        }
        r.es = vec![0, 0, 0, 0, 0];
        r.svc = vec![0; 5];
        r.dep = vec![0; 5];
        assert_eq!(r.departs_after(0), 5);
        assert_eq!(r.departs_after(-1), 0);
    }
}
