//! SISR recreate: greedy insertion with blinks, requests taken in one of a few orders.

use rand::Rng;
use rand::seq::SliceRandom;

use crate::problem::Problem;
use crate::search::Context;
use crate::search::insert::{Placement, best_placement};
use crate::search::route::RouteState;

/// Probability of skipping a position while looking for the cheapest one.
const BLINK: f64 = 0.01;

/// Inserts `requests` one by one at their cheapest feasible place; returns those that fit
/// nowhere.
pub(crate) fn recreate(
    problem: &Problem,
    ctx: &Context,
    routes: &mut [RouteState],
    mut requests: Vec<usize>,
    rng: &mut impl Rng,
) -> Vec<usize> {
    order(problem, ctx, &mut requests, rng);
    let mut left = Vec::new();
    for r in requests {
        let mut best: Option<(Placement, usize)> = None;
        let mut tried_empty = vec![false; ctx.vehicle_kinds];
        for (ri, route) in routes.iter().enumerate() {
            if route.len() == 0 {
                let kind = ctx.vehicle_kind[route.vehicle];
                if tried_empty[kind] {
                    continue;
                }
                tried_empty[kind] = true;
            }
            if let Some(mut p) = best_placement(problem, route, r, BLINK, rng) {
                if route.len() == 0 {
                    p.delta += problem.vehicles[route.vehicle].fixed_cost;
                }
                if best.is_none_or(|(b, _)| p.delta < b.delta) {
                    best = Some((p, ri));
                }
            }
        }
        match best {
            Some((p, ri)) => p.apply(problem, &mut routes[ri], r),
            None => left.push(r),
        }
    }
    left
}

/// Sorts the requests to insert: random, by load, far from the start first, or by window.
fn order(problem: &Problem, ctx: &Context, requests: &mut [usize], rng: &mut impl Rng) {
    requests.shuffle(rng);
    let first = |r: usize| &problem.stops[problem.requests[r].stops[0]];
    // Higher priority is always inserted first; the weights of the orders follow SISR (4:4:2:1).
    match rng.random_range(0..11) {
        0..=3 => {}
        4..=7 => requests.sort_by_key(|&r| std::cmp::Reverse(first(r).load.0.iter().sum::<i64>())),
        8..=9 => requests.sort_by_key(|&r| std::cmp::Reverse(ctx.far[r])),
        _ => requests.sort_by_key(|&r| {
            let w = first(r).window;
            w.1 - w.0
        }),
    }
    requests.sort_by_key(|&r| std::cmp::Reverse(problem.requests[r].priority));
}
