//! Solving a day: cluster, solve the clusters in parallel, join them and improve the whole.
//! Called by the planning pipeline ([`crate::planning`]), which checks what it finds.

use std::collections::HashMap;

use vaxride_solver::{Budget, Route, Solution, SolveParams, solve, solve_threads};

use crate::cluster::{Cluster, ClusterParams, clusters};
use crate::plan::{DayInstance, Layout, PlanInput};

/// Which part of the planning a budget is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Solving cluster `index` of `of`, alone.
    Cluster {
        /// Which cluster.
        index: usize,
        /// How many clusters there are.
        of: usize,
        /// Clusters are solved in this many rounds (clusters / threads, rounded up): a
        /// wall-clock budget for the cluster stage is to be divided by it.
        rounds: usize,
    },
    /// Solving the whole day (from the joined clusters, or from scratch).
    Whole,
}

/// How to plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    /// Seed of the search.
    pub seed: u64,
    /// Clusters solved at the same time.
    pub threads: usize,
    /// Solve clusters first (else the whole day at once).
    pub clustered: bool,
    /// Cluster sizes.
    pub cluster: ClusterParams,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            seed: 1,
            threads: 1,
            clustered: true,
            cluster: ClusterParams::default(),
        }
    }
}

/// A solved day (not yet checked: [`crate::planning`] checks it).
#[derive(Debug, Clone)]
pub(crate) struct SolvedDay {
    /// The day's problem and how to read it.
    pub instance: DayInstance,
    /// The best solution.
    pub solution: Solution,
    /// The clusters (one, holding everything, when not clustered).
    pub clusters: Vec<Cluster>,
}

/// Budgets per stage (the core reads no clock).
pub(crate) type BudgetFor<'a> = dyn Fn(Stage) -> Box<dyn Budget + Send + 'a> + Sync + 'a;

/// Plans a day on `durations`, the travel matrix between the points of `layout` (made by
/// [`Layout::new`] from this `input`).
pub(crate) fn solve_day(
    input: &PlanInput,
    layout: &Layout,
    durations: &[Vec<Option<i64>>],
    options: PlanOptions,
    budget_for: &BudgetFor<'_>,
) -> SolvedDay {
    let whole = layout.instance(input, durations);
    let params = SolveParams {
        seed: options.seed,
        temperature: SolveParams::STREET_OFFICE_TEMPERATURE,
    };
    let parts = if options.clustered {
        clusters(&input.bookings, &input.vehicles, options.cluster)
    } else {
        Vec::new()
    };
    if parts.len() <= 1 {
        let mut budget = budget_for(Stage::Whole);
        let threads = options.threads.max(1);
        let solution = solve_threads(&whole.problem, &[], params, threads, budget.as_mut()).0;
        let all = Cluster {
            communities: {
                let mut c: Vec<i64> = input.bookings.iter().map(|b| b.community_id).collect();
                c.sort_unstable();
                c.dedup();
                c
            },
            bookings: (0..input.bookings.len()).collect(),
            vehicles: (0..input.vehicles.len()).collect(),
            centre: parts
                .first()
                .map_or(crate::model::Point { lon: 0.0, lat: 0.0 }, |c| c.centre),
        };
        return SolvedDay {
            instance: whole,
            solution,
            clusters: vec![all],
        };
    }

    // Matrix points of the whole day, to cut each cluster's matrix out of it.
    let index: HashMap<(u64, u64), usize> = layout
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.lon.to_bits(), p.lat.to_bits()), i))
        .collect();
    let stop_index: HashMap<&str, usize> = whole
        .problem
        .stops
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let vehicle_index: HashMap<i64, usize> = whole
        .vehicle_of
        .iter()
        .enumerate()
        .map(|(i, &v)| (v, i))
        .collect();

    let solve_part = |k: usize| -> Vec<Route> {
        let part = &parts[k];
        if part.vehicles.is_empty() || part.bookings.is_empty() {
            return Vec::new();
        }
        let sub = PlanInput {
            day: input.day.clone(),
            bookings: part
                .bookings
                .iter()
                .map(|&i| input.bookings[i].clone())
                .collect(),
            sites: input.sites.clone(),
            vehicles: part
                .vehicles
                .iter()
                .map(|&i| input.vehicles[i].clone())
                .collect(),
        };
        let sub_layout = Layout::new(&sub);
        let map: Vec<usize> = sub_layout
            .points
            .iter()
            .map(|p| index[&(p.lon.to_bits(), p.lat.to_bits())])
            .collect();
        let sub_d: Vec<Vec<Option<i64>>> = map
            .iter()
            .map(|&i| map.iter().map(|&j| durations[i][j]).collect())
            .collect();
        let inst = sub_layout.instance(&sub, &sub_d);
        let mut budget = budget_for(Stage::Cluster {
            index: k,
            of: parts.len(),
            rounds: parts.len().div_ceil(options.threads.max(1)),
        });
        let sol = solve(
            &inst.problem,
            SolveParams {
                seed: options.seed.wrapping_add(k as u64 + 1),
                ..params
            },
            budget.as_mut(),
        );
        sol.routes
            .iter()
            .map(|r| Route {
                vehicle: vehicle_index[&inst.vehicle_of[r.vehicle]],
                stops: r
                    .stops
                    .iter()
                    .map(|&s| stop_index[inst.problem.stops[s].id.as_str()])
                    .collect(),
            })
            .collect()
    };

    let threads = options.threads.max(1);
    let mut joined: Vec<Route> = Vec::new();
    for chunk in (0..parts.len()).collect::<Vec<_>>().chunks(threads) {
        let results: Vec<Vec<Route>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|&k| scope.spawn(move || solve_part(k)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a cluster's search panicked"))
                .collect()
        });
        joined.extend(results.into_iter().flatten());
    }
    let mut budget = budget_for(Stage::Whole);
    let solution = solve_threads(&whole.problem, &joined, params, threads, budget.as_mut()).0;
    SolvedDay {
        instance: whole,
        solution,
        clusters: parts,
    }
}
