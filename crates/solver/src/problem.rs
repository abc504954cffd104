//! The problem the solver sees: a travel matrix, vehicles, and requests made of stops.
//!
//! Everything is an integer in the units of the input (seconds for vaxride; scaled instance
//! units for the benchmark families, see `vaxride-formats`). The solver never sees coordinates
//! or roads, only the matrix.

use thiserror::Error;

/// A time or a duration.
pub type Time = i64;
/// A cost (travel cost units of the matrix).
pub type Cost = i64;
/// Number of load dimensions (seats, wheelchair places).
pub const DIMS: usize = 2;

/// A load or a capacity per dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Load(pub [i64; DIMS]);

impl Load {
    /// Nothing.
    pub const ZERO: Load = Load([0; DIMS]);

    /// A load in the first dimension only.
    pub const fn seats(n: i64) -> Load {
        let mut l = [0; DIMS];
        l[0] = n;
        Load(l)
    }

    /// Component-wise sum.
    pub fn plus(self, o: Load) -> Load {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a += b;
        }
        Load(r)
    }

    /// Component-wise difference.
    pub fn minus(self, o: Load) -> Load {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a -= b;
        }
        Load(r)
    }

    /// Component-wise maximum.
    pub fn max(self, o: Load) -> Load {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a = (*a).max(b);
        }
        Load(r)
    }

    /// Every component at most the capacity's.
    pub fn fits(self, cap: Load) -> bool {
        self.0.iter().zip(cap.0).all(|(a, c)| *a <= c)
    }
}

/// Travel durations and costs between locations.
///
/// Kept twice, as `(duration, cost)` pairs: row-major (from one location to all) and
/// column-major (from all to one). Insertion scans ask "from each stop of a route to the new
/// stop": with one layout only, each of those is a cache miss in a large matrix; a column
/// makes them neighbours in memory ([`Matrix::to`]), and a pair brings time and cost together.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    n: usize,
    /// `rows[a * n + b]`: from `a` to `b`.
    rows: Vec<(Time, Cost)>,
    /// `columns[b * n + a]`: from `a` to `b`.
    columns: Vec<(Time, Cost)>,
}

impl Matrix {
    /// A matrix from `n × n` durations and costs, row-major.
    pub fn new(n: usize, duration: Vec<Time>, cost: Vec<Cost>) -> Result<Matrix, ProblemError> {
        if duration.len() != n * n || cost.len() != n * n {
            return Err(ProblemError::MatrixSize {
                n,
                durations: duration.len(),
                costs: cost.len(),
            });
        }
        if let Some(i) = duration.iter().chain(&cost).position(|v| *v < 0) {
            return Err(ProblemError::NegativeTravel {
                cell: i % (n * n).max(1),
            });
        }
        let rows: Vec<(Time, Cost)> = duration.into_iter().zip(cost).collect();
        let mut columns = vec![(0, 0); n * n];
        for a in 0..n {
            for b in 0..n {
                columns[b * n + a] = rows[a * n + b];
            }
        }
        Ok(Matrix { n, rows, columns })
    }

    /// Number of locations.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no locations.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Travel time from `a` to `b`.
    #[inline]
    pub fn time(&self, a: usize, b: usize) -> Time {
        self.rows[a * self.n + b].0
    }

    /// Travel cost from `a` to `b`.
    #[inline]
    pub fn cost(&self, a: usize, b: usize) -> Cost {
        self.rows[a * self.n + b].1
    }

    /// `(time, cost)` from `a` to every location, indexed by the destination.
    #[inline]
    pub fn from(&self, a: usize) -> &[(Time, Cost)] {
        &self.rows[a * self.n..(a + 1) * self.n]
    }

    /// `(time, cost)` from every location to `b`, indexed by the origin.
    #[inline]
    pub fn to(&self, b: usize) -> &[(Time, Cost)] {
        &self.columns[b * self.n..(b + 1) * self.n]
    }
}

/// A vehicle and its driver's shift.
#[derive(Debug, Clone, PartialEq)]
pub struct Vehicle {
    /// Identifier from the input.
    pub id: String,
    /// Location the shift starts at.
    pub start: usize,
    /// Location the shift ends at.
    pub end: usize,
    /// Earliest departure and latest return.
    pub shift: (Time, Time),
    /// Capacity per dimension.
    pub capacity: Load,
    /// Longest route duration (return minus departure), if limited.
    pub max_duration: Option<Time>,
    /// Features this vehicle has (bit set, e.g. a ramp).
    pub features: u64,
    /// Cost of using the vehicle at all.
    pub fixed_cost: Cost,
}

/// What a stop does with the load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopKind {
    /// A delivery whose goods are loaded at the vehicle's start (the VRPTW customer).
    Delivery,
    /// The pick-up of a pick-up-and-delivery pair: the load comes on board.
    Pickup,
    /// The drop-off of a pair: the load leaves.
    Dropoff,
}

/// Where a stop was in the plan a repair starts from: the vehicle that served it, and what
/// serving it with another vehicle costs (a driver told of a change). Added to the travel cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    /// Index into `Problem::vehicles`.
    pub vehicle: usize,
    /// Cost of moving the stop to another vehicle.
    pub cost: Cost,
}

/// One place a vehicle must visit for a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// Identifier from the input (reported back in solutions).
    pub id: String,
    /// Location in the matrix.
    pub loc: usize,
    /// Service may start no earlier than `.0` and no later than `.1`.
    pub window: (Time, Time),
    /// Service (boarding, alighting) duration.
    pub service: Time,
    /// Load picked up or delivered (non-negative).
    pub load: Load,
    /// What the stop does.
    pub kind: StopKind,
    /// The request the stop belongs to.
    pub request: usize,
    /// The vehicle that had it in the plan being repaired, if any.
    pub keep: Option<Keep>,
}

/// One leg of a request: `[delivery]`, or `[pickup, dropoff]` driven by one vehicle.
pub type Leg = Vec<usize>;

/// One way of serving a request: its legs (each may be driven by a different vehicle) and the
/// site slot it takes, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The legs, all served or none. An elder's visit has an outbound leg (home → site) and,
    /// when a ride home is wanted, a return leg (site → home).
    pub legs: Vec<Leg>,
    /// The slot (index into `Problem::slots`) this choice occupies.
    pub slot: Option<usize>,
}

impl Choice {
    /// A choice of one leg and no slot.
    pub fn leg(stops: Leg) -> Choice {
        Choice {
            legs: vec![stops],
            slot: None,
        }
    }

    /// Every stop of the choice.
    pub fn stops(&self) -> impl Iterator<Item = usize> + '_ {
        self.legs.iter().flatten().copied()
    }
}

/// One request: served by exactly one of its choices, or not at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Identifier from the input.
    pub id: String,
    /// The ways of serving it. Classic requests have one choice of one leg; an elder's visit
    /// has one choice per candidate site slot. Stops are never shared between choices.
    pub choices: Vec<Choice>,
    /// Weight of serving it (larger = more important).
    pub priority: i64,
    /// Longest ride of each leg (drop-off service start minus pick-up service end), if limited.
    pub max_ride: Option<Time>,
    /// Features the vehicle must have.
    pub needs: u64,
    /// The only vehicle that may serve it (index into `Problem::vehicles`): an elder already
    /// on board when a plan is repaired.
    pub vehicle: Option<usize>,
}

impl Request {
    /// A request served one way, by one leg: `[delivery]` or `[pickup, dropoff]`.
    pub fn single(
        id: impl Into<String>,
        stops: Leg,
        priority: i64,
        max_ride: Option<Time>,
        needs: u64,
    ) -> Request {
        Request {
            id: id.into(),
            choices: vec![Choice::leg(stops)],
            priority,
            max_ride,
            needs,
            vehicle: None,
        }
    }

    /// Whether vehicle `index` may serve it: it has the features, and the request is not
    /// pinned to another.
    pub fn allows(&self, index: usize, vehicle: &Vehicle) -> bool {
        self.needs & !vehicle.features == 0 && self.vehicle.is_none_or(|v| v == index)
    }

    /// Every stop of every choice.
    pub fn all_stops(&self) -> impl Iterator<Item = usize> + '_ {
        self.choices.iter().flat_map(Choice::stops)
    }
}

/// A time slot of a vaccination site: how many more elders it takes, from all vehicles
/// together. The site's location and the slot's arrival window are on the stops that use it.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Identifier from the input.
    pub id: String,
    /// Elders it still takes.
    pub capacity: u32,
}

/// A whole problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Travel between locations.
    pub matrix: Matrix,
    /// The fleet.
    pub vehicles: Vec<Vehicle>,
    /// All stops of all requests.
    pub stops: Vec<Stop>,
    /// The requests.
    pub requests: Vec<Request>,
    /// Site slots with a shared capacity (empty for the classic families).
    pub slots: Vec<Slot>,
}

/// A problem that cannot be solved as given.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ProblemError {
    /// Matrix arrays of the wrong size.
    #[error("matrix for {n} locations needs {} cells, got {durations} durations and {costs} costs", n * n)]
    MatrixSize {
        /// Locations.
        n: usize,
        /// Duration cells given.
        durations: usize,
        /// Cost cells given.
        costs: usize,
    },
    /// A negative travel time or cost.
    #[error("matrix cell {cell} is negative")]
    NegativeTravel {
        /// Row-major cell index.
        cell: usize,
    },
    /// A location index outside the matrix.
    #[error("{what} refers to location {loc}, but the matrix has {n}")]
    Location {
        /// Which stop or vehicle.
        what: String,
        /// The bad index.
        loc: usize,
        /// Matrix size.
        n: usize,
    },
    /// A window that closes before it opens.
    #[error("{what} has an inverted time window [{open}, {close}]")]
    Window {
        /// Which stop or vehicle.
        what: String,
        /// Opening.
        open: Time,
        /// Closing.
        close: Time,
    },
    /// A request whose legs are not each one delivery or a pick-up/drop-off pair of its own stops.
    #[error(
        "request {0}: every choice needs legs of one delivery, or one pick-up then one drop-off, with stops of its own"
    )]
    Shape(String),
    /// Negative load, service time or cost of moving.
    #[error("stop {0} has a negative load, service time or cost of moving")]
    Negative(String),
    /// A request pinned to, or a stop kept for, a vehicle that does not exist.
    #[error("{what} refers to vehicle {vehicle}, but there are {n}")]
    VehicleRef {
        /// Which stop or request.
        what: String,
        /// The bad index.
        vehicle: usize,
        /// Vehicles.
        n: usize,
    },
}

impl Problem {
    /// The pick-up of the leg a drop-off ends (the stop itself for other kinds).
    pub fn pickup_of(&self, stop: usize) -> usize {
        let r = &self.requests[self.stops[stop].request];
        r.choices
            .iter()
            .flat_map(|c| &c.legs)
            .find(|leg| leg.last() == Some(&stop))
            .map_or(stop, |leg| leg[0])
    }

    /// Checks the problem's internal consistency; every error found, not only the first.
    pub fn validate(&self) -> Result<(), Vec<ProblemError>> {
        let n = self.matrix.len();
        let mut errors = Vec::new();
        for v in &self.vehicles {
            for loc in [v.start, v.end] {
                if loc >= n {
                    errors.push(ProblemError::Location {
                        what: format!("vehicle {}", v.id),
                        loc,
                        n,
                    });
                }
            }
            if v.shift.0 > v.shift.1 {
                errors.push(ProblemError::Window {
                    what: format!("vehicle {}", v.id),
                    open: v.shift.0,
                    close: v.shift.1,
                });
            }
        }
        for s in &self.stops {
            if s.loc >= n {
                errors.push(ProblemError::Location {
                    what: format!("stop {}", s.id),
                    loc: s.loc,
                    n,
                });
            }
            if s.window.0 > s.window.1 {
                errors.push(ProblemError::Window {
                    what: format!("stop {}", s.id),
                    open: s.window.0,
                    close: s.window.1,
                });
            }
            if s.service < 0
                || s.load.0.iter().any(|l| *l < 0)
                || s.keep.is_some_and(|k| k.cost < 0)
            {
                errors.push(ProblemError::Negative(s.id.clone()));
            }
            if let Some(k) = s.keep
                && k.vehicle >= self.vehicles.len()
            {
                errors.push(ProblemError::VehicleRef {
                    what: format!("stop {}", s.id),
                    vehicle: k.vehicle,
                    n: self.vehicles.len(),
                });
            }
        }
        let mut owner = vec![false; self.stops.len()];
        for (ix, r) in self.requests.iter().enumerate() {
            if let Some(v) = r.vehicle
                && v >= self.vehicles.len()
            {
                errors.push(ProblemError::VehicleRef {
                    what: format!("request {}", r.id),
                    vehicle: v,
                    n: self.vehicles.len(),
                });
            }
            let mut ok = !r.choices.is_empty();
            for c in &r.choices {
                ok &= !c.legs.is_empty() && c.slot.is_none_or(|s| s < self.slots.len());
                for leg in &c.legs {
                    let kinds: Vec<StopKind> = leg
                        .iter()
                        .filter_map(|s| self.stops.get(*s).map(|s| s.kind))
                        .collect();
                    ok &= kinds == [StopKind::Delivery]
                        || kinds == [StopKind::Pickup, StopKind::Dropoff];
                    for &s in leg {
                        // Each stop belongs to this request, and to one leg only.
                        ok &= self.stops.get(s).is_some_and(|st| st.request == ix)
                            && owner.get(s).is_some_and(|seen| !seen);
                        if let Some(seen) = owner.get_mut(s) {
                            *seen = true;
                        }
                    }
                }
            }
            if !ok {
                errors.push(ProblemError::Shape(r.id.clone()));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
