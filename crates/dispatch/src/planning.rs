//! The day's planning pipeline, whole: the matrix points, the travel times between them, the
//! clusters solved and joined, the independent checker, the plan a person reads and its map.
//!
//! [`plan_day`] is the one way to make a [`CheckedPlan`], and a `CheckedPlan` is the only plan
//! the store saves: a stored plan has passed the checker because nothing else can be stored.
//! The caller passes where travel times come from, the time budget and where progress goes;
//! the pipeline reads no clock and does no I/O.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};

use serde_json::{Value, json};
use vaxride_solver::{Budget, Cost, IterationBudget};

use crate::model::Point;
use crate::plan::{Layout, PlanInput, PlanResult};
use crate::solve::{PlanOptions, SolvedDay, Stage, solve_day};
use crate::travel::TravelTimes;
use crate::underway::DayUnderWay;

/// What the pipeline is doing, as reported to [`Progress::stage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStage {
    /// Travel times between the plan's points.
    Matrix,
    /// Solving the clusters, each alone.
    Clusters,
    /// Improving the joined clusters as one day.
    Joining,
    /// Solving the whole day at once (not clustered).
    Solving,
    /// The checker, the readable plan and its map.
    Checking,
}

impl PlanStage {
    /// Its stable name (`matrix`, `clusters`, `joining`, `solving`, `checking`).
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStage::Matrix => "matrix",
            PlanStage::Clusters => "clusters",
            PlanStage::Joining => "joining",
            PlanStage::Solving => "solving",
            PlanStage::Checking => "checking",
        }
    }
}

/// Where a planning run reports how far it is. Called from the search threads.
pub trait Progress: Sync {
    /// A stage begins, at `percent` (0–100) of the run.
    fn stage(&self, _stage: PlanStage, _percent: i64) {}
    /// The run is at `percent` (0–100); called when the whole percent changes.
    fn percent(&self, _percent: i64) {}
    /// The search found a better solution: requests served and driving cost (of the current
    /// stage's problem).
    fn improved(&self, _served: usize, _cost: Cost) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// The time a run may take, handed out by share: a stage that is given `share` of the run gets
/// a budget for that share (`0.0..=1.0`) of the whole. A wall-clock budget lives with the
/// caller (the pipeline reads no clock); [`Iterations`] makes a run deterministic.
pub trait Budgets: Sync {
    /// A budget for `share` of the whole run.
    fn budget(&self, share: f64) -> Box<dyn Budget + Send>;
}

/// A fixed number of search iterations for the whole run, shared out like time: the same
/// input, options and iterations give the same plan.
#[derive(Debug, Clone, Copy)]
pub struct Iterations(pub u64);

impl Budgets for Iterations {
    fn budget(&self, share: f64) -> Box<dyn Budget + Send> {
        Box::new(IterationBudget((self.0 as f64 * share) as u64))
    }
}

/// What share of the run a stage gets, and the percent range it covers. Clustered: half to
/// the clusters (divided by the rounds they are solved in), half to the joined day.
fn share(stage: Stage, clustered: bool) -> (f64, (f64, f64)) {
    match stage {
        Stage::Cluster { rounds, .. } => (0.5 / rounds.max(1) as f64, (10.0, 55.0)),
        Stage::Whole if clustered => (0.5, (55.0, 95.0)),
        Stage::Whole => (1.0, (10.0, 95.0)),
    }
}

/// A caller's budget that also reports the run's percent and improvements.
struct Reporting<'a> {
    inner: Box<dyn Budget + Send>,
    span: (f64, f64),
    progress: &'a dyn Progress,
    last: &'a AtomicI64,
}

impl Budget for Reporting<'_> {
    fn progress(&mut self, iteration: u64) -> Option<f64> {
        let f = self.inner.progress(iteration)?;
        let pct = (self.span.0 + (self.span.1 - self.span.0) * f) as i64;
        if self.last.fetch_max(pct, Ordering::Relaxed) < pct {
            self.progress.percent(pct);
        }
        Some(f)
    }

    fn improved(&mut self, served: usize, cost: Cost) {
        self.inner.improved(served, cost);
        self.progress.improved(served, cost);
    }
}

/// A plan that passed the independent checker, with its map. Only [`plan_day`] makes one.
#[derive(Debug, Clone)]
pub struct CheckedPlan {
    result: PlanResult,
    geometry: Value,
}

impl CheckedPlan {
    /// The plan: routes, bookings left out and why, figures.
    pub fn result(&self) -> &PlanResult {
        &self.result
    }

    /// The plan's map as GeoJSON: one line per vehicle along the roads, with `clusters` (the
    /// communities solved together) and `unserved` (where the elders left out live).
    pub fn geometry(&self) -> &Value {
        &self.geometry
    }

    /// The same plan with booking `from` called `to`: a booking offered a slot before it was
    /// made ([`crate::offer`]) is saved under the id it got.
    pub fn renumbered(mut self, from: i64, to: i64) -> CheckedPlan {
        let rename = |id: &mut i64| {
            if *id == from {
                *id = to;
            }
        };
        for s in self
            .result
            .routes
            .iter_mut()
            .flat_map(|r| r.stops.iter_mut())
        {
            rename(&mut s.booking_id);
        }
        for u in &mut self.result.unserved {
            rename(&mut u.booking_id);
        }
        if let Some(list) = self.geometry["unserved"].as_array_mut() {
            for u in list {
                if u["booking_id"] == from {
                    u["booking_id"] = to.into();
                }
            }
        }
        self
    }
}

/// Why a run made no plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The search's solution failed the independent checker (a solver defect, never the
    /// input's fault).
    #[error("the plan failed its check ({0} problems)")]
    Check(usize),
    /// Elders picked up whose ride the plan neither has nor names as unserved (a bug).
    #[error("bookings {0:?} were picked up, and the plan neither carries them on nor says why")]
    Stranded(Vec<i64>),
}

/// Plans a day: travel times between the plan's points from `times`, clusters solved alone
/// and then joined (or the whole day at once), the result checked by the independent checker
/// and read back as a plan with its map.
pub fn plan_day(
    input: &PlanInput,
    times: &dyn TravelTimes,
    options: PlanOptions,
    budgets: &dyn Budgets,
    progress: &dyn Progress,
) -> Result<CheckedPlan, PlanError> {
    progress.stage(PlanStage::Matrix, 5);
    let layout = Layout::new(input);
    let durations = times.durations(&layout.points);
    let clustered = options.clustered;
    progress.stage(
        if clustered {
            PlanStage::Clusters
        } else {
            PlanStage::Solving
        },
        10,
    );
    let last = AtomicI64::new(10);
    let budget_for = |stage: Stage| -> Box<dyn Budget + Send + '_> {
        if stage == Stage::Whole && clustered {
            progress.stage(PlanStage::Joining, last.load(Ordering::Relaxed));
        }
        let (share, span) = share(stage, clustered);
        Box::new(Reporting {
            inner: budgets.budget(share),
            span,
            progress,
            last: &last,
        })
    };
    let solved = solve_day(input, &layout, &durations, options, &budget_for);
    progress.stage(PlanStage::Checking, 95);
    if let Err(errors) = vaxride_solver::check(&solved.instance.problem, &solved.solution) {
        return Err(PlanError::Check(errors.len()));
    }
    let result = solved.instance.plan(&solved.solution);
    let geometry = geometry(times, input, &solved, &result);
    Ok(CheckedPlan { result, geometry })
}

/// A repair gives each vehicle whose stops it did not change its published order back: the
/// search may find a shorter order, but every stop it re-times is a driver and an elder to tell
/// again. A route is given back its order only when the independent checker still passes.
fn keep_orders(
    problem: &vaxride_solver::Problem,
    warm: &[vaxride_solver::Route],
    mut solution: vaxride_solver::Solution,
) -> vaxride_solver::Solution {
    for i in 0..solution.routes.len() {
        let r = &solution.routes[i];
        let Some(w) = warm.iter().find(|w| w.vehicle == r.vehicle) else {
            continue;
        };
        if w.stops == r.stops {
            continue;
        }
        let (mut a, mut b) = (w.stops.clone(), r.stops.clone());
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            continue;
        }
        let mut trial = solution.clone();
        trial.routes[i].stops = w.stops.clone();
        if vaxride_solver::check(problem, &trial).is_ok() {
            solution = trial;
        }
    }
    solution
}

/// How many vehicles without a route a repair offers what is left whole.
const IDLE_TRIED: usize = 3;

/// The least disturbing repair: the published plan with what is left out inserted where it
/// costs least, or all of it given to one vehicle without a route (a declined trip taken over
/// whole: one driver told instead of many), whichever serves more, then disturbs fewer
/// drivers, then drives less.
fn least_disturbing(
    problem: &vaxride_solver::Problem,
    warm: &[vaxride_solver::Route],
    params: vaxride_solver::SolveParams,
) -> vaxride_solver::Solution {
    let insert = |p: &vaxride_solver::Problem| {
        vaxride_solver::solve_from(p, warm, params, &mut vaxride_solver::IterationBudget(0))
    };
    let minimal = insert(problem);
    let disturbed = |s: &vaxride_solver::Solution| {
        s.routes
            .iter()
            .filter(|r| {
                warm.iter()
                    .find(|w| w.vehicle == r.vehicle)
                    .is_none_or(|w| w.stops != r.stops)
            })
            .count()
            + warm
                .iter()
                .filter(|w| !w.stops.is_empty() && !s.routes.iter().any(|r| r.vehicle == w.vehicle))
                .count()
    };
    let routed: Vec<bool> = {
        let mut r = vec![false; problem.requests.len()];
        for w in warm {
            for &s in &w.stops {
                r[problem.stops[s].request] = true;
            }
        }
        r
    };
    let left: Vec<usize> = (0..problem.requests.len())
        .filter(|&r| !routed[r] && problem.requests[r].vehicle.is_none())
        .collect();
    let key = |s: &vaxride_solver::Solution| {
        (s.unassigned.len(), disturbed(s), s.objective(problem).cost)
    };
    let mut best = minimal;
    if left.len() < 2 {
        return best;
    }
    let busy: Vec<usize> = warm
        .iter()
        .filter(|w| !w.stops.is_empty())
        .map(|w| w.vehicle)
        .collect();
    // The few vehicles without a route nearest to what is left (the time from where each
    // starts to the first stop of each request left, summed).
    let m = &problem.matrix;
    let mut idle: Vec<(vaxride_solver::Time, usize)> = (0..problem.vehicles.len())
        .filter(|v| !busy.contains(v))
        .map(|v| {
            let from = problem.vehicles[v].start;
            let near = left
                .iter()
                .map(|&r| {
                    m.time(
                        from,
                        problem.stops[problem.requests[r].choices[0].legs[0][0]].loc,
                    )
                })
                .sum();
            (near, v)
        })
        .collect();
    idle.sort_unstable();
    let mut pinned = problem.clone();
    for &(_, v) in idle.iter().take(IDLE_TRIED) {
        for &r in &left {
            pinned.requests[r].vehicle = Some(v);
        }
        // What the vehicle cannot take goes where it costs least.
        let taken = insert(&pinned);
        let whole = vaxride_solver::solve_from(
            problem,
            &taken.routes,
            params,
            &mut vaxride_solver::IterationBudget(0),
        );
        if key(&whole) < key(&best) && vaxride_solver::check(problem, &whole).is_ok() {
            best = whole;
        }
    }
    best
}

/// Plans the rest of a day under way ([`crate::underway`]): every stop done or under way stays
/// first, as it was; the rest is solved again from the published plan (a warm start), each
/// stop kept with its vehicle at `day.keep_cost` when given (a repair changes as little as it
/// must: the published plan with what is left out inserted, unless the search serves more
/// elders; a vehicle whose stops it did not change keeps their order), or free to move (a full
/// re-plan). Checked by the independent checker, and by the
/// invariant that every elder picked up has their ride planned or is named with the reason
/// `no_ride_home`.
pub fn plan_under_way(
    input: &PlanInput,
    day: &DayUnderWay,
    times: &dyn TravelTimes,
    options: PlanOptions,
    budgets: &dyn Budgets,
    progress: &dyn Progress,
) -> Result<CheckedPlan, PlanError> {
    let day = &day.settled();
    progress.stage(PlanStage::Matrix, 5);
    let layout = Layout::with_places(input, &crate::underway::where_vehicles_are(day));
    let durations = times.durations(&layout.points);
    progress.stage(PlanStage::Solving, 10);
    let (instance, warm) = layout.instance_under_way(input, day, &durations);
    let last = AtomicI64::new(10);
    let mut budget = Reporting {
        inner: budgets.budget(1.0),
        span: (10.0, 95.0),
        progress,
        last: &last,
    };
    let params = vaxride_solver::SolveParams {
        seed: options.seed,
        temperature: vaxride_solver::SolveParams::STREET_OFFICE_TEMPERATURE,
    };
    let solution = vaxride_solver::solve_from(&instance.problem, &warm, params, &mut budget);
    let solution = match day.keep_cost {
        // A repair: the published plan with what the event left out inserted, unless the
        // search serves more elders; either way, unchanged vehicles keep their order.
        Some(_) => {
            let minimal = least_disturbing(&instance.problem, &warm, params);
            let best = if solution.unassigned.len() < minimal.unassigned.len() {
                solution
            } else {
                minimal
            };
            keep_orders(&instance.problem, &warm, best)
        }
        None => solution,
    };
    progress.stage(PlanStage::Checking, 95);
    checked_under_way(input, day, times, instance, solution)
}

/// The last step of planning a day under way: the independent checker, the invariant that
/// nobody picked up is stranded, the readable plan and its map.
pub(crate) fn checked_under_way(
    input: &PlanInput,
    day: &DayUnderWay,
    times: &dyn TravelTimes,
    instance: crate::plan::DayInstance,
    solution: vaxride_solver::Solution,
) -> Result<CheckedPlan, PlanError> {
    if let Err(errors) = vaxride_solver::check(&instance.problem, &solution) {
        return Err(PlanError::Check(errors.len()));
    }
    let result = instance.plan(&solution);
    let stranded = crate::underway::stranded(input, day, &result);
    if !stranded.is_empty() {
        return Err(PlanError::Stranded(stranded));
    }
    let solved = SolvedDay {
        instance,
        solution,
        clusters: Vec::new(),
    };
    let geometry = geometry(times, input, &solved, &result);
    Ok(CheckedPlan { result, geometry })
}

/// The plan's map: route lines, clusters, the homes of the elders left out.
fn geometry(
    times: &dyn TravelTimes,
    input: &PlanInput,
    solved: &SolvedDay,
    result: &PlanResult,
) -> Value {
    let starts: HashMap<i64, Point> = input.vehicles.iter().map(|v| (v.id, v.start)).collect();
    let features: Vec<Value> = result
        .routes
        .iter()
        .map(|r| {
            let start = starts.get(&r.vehicle_id).copied();
            let pts: Vec<Point> = start
                .into_iter()
                .chain(r.stops.iter().map(|s| s.point))
                .chain(start)
                .collect();
            let (line, _) = times.line(&pts);
            json!({
                "type": "Feature",
                "properties": {"vehicle_id": r.vehicle_id, "stops": r.stops.len()},
                "geometry": {"type": "LineString", "coordinates": line},
            })
        })
        .collect();
    let clusters: Vec<Value> = solved
        .clusters
        .iter()
        .map(|c| {
            json!({"communities": c.communities, "centre": c.centre,
                   "bookings": c.bookings.len(), "vehicles": c.vehicles.len()})
        })
        .collect();
    let homes: HashMap<i64, Point> = input
        .bookings
        .iter()
        .map(|b| (b.booking_id, b.home))
        .collect();
    let unserved: Vec<Value> = result
        .unserved
        .iter()
        .filter_map(|u| {
            homes
                .get(&u.booking_id)
                .map(|p| json!({"booking_id": u.booking_id, "point": p}))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features,
           "clusters": clusters, "unserved": unserved})
}
