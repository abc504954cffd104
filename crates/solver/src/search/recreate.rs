//! SISR recreate: greedy insertion with blinks, requests taken in one of a few orders.

use rand::Rng;
use rand::seq::SliceRandom;

use crate::problem::{Cost, Problem};
use crate::search::Context;
use crate::search::insert::{Placement, exact_ok, first_feasible, screen};
use crate::search::route::RouteState;

/// Probability of skipping a position while looking for the cheapest one.
const BLINK: f64 = 0.01;

/// Where each leg of a choice goes: (route, placement), leg by leg.
type LegPlacements = Vec<(usize, Placement)>;

/// Inserts `requests` one by one at their cheapest feasible place; returns those that fit
/// nowhere. A request with several choices (site slots) takes the cheapest choice whose slot
/// has room; a choice with several legs (outbound and return) is placed leg after leg, each at
/// its cheapest, and counts only if every leg fits.
pub(crate) fn recreate(
    problem: &Problem,
    ctx: &Context,
    routes: &mut [RouteState],
    mut requests: Vec<usize>,
    rng: &mut impl Rng,
) -> Vec<usize> {
    order(problem, ctx, &mut requests, rng);
    let mut slot_used = slot_usage(problem, ctx, routes);
    let mut left = Vec::new();
    for r in requests {
        let req = &problem.requests[r];
        // (total cost, choice, placements leg by leg)
        let mut best: Option<(Cost, usize, LegPlacements)> = None;
        for (ci, choice) in req.choices.iter().enumerate() {
            if choice
                .slot
                .is_some_and(|s| slot_used[s] >= problem.slots[s].capacity)
            {
                continue;
            }
            let mut placed: LegPlacements = Vec::with_capacity(choice.legs.len());
            let mut total = 0;
            for (k, leg) in choice.legs.iter().enumerate() {
                // The last leg only counts if it makes the choice cheaper than the best one.
                let limit = match &best {
                    Some(b) if k + 1 == choice.legs.len() => b.0.saturating_sub(total),
                    _ => Cost::MAX,
                };
                let Some((p, ri)) = cheapest(problem, ctx, routes, leg, limit, rng) else {
                    break;
                };
                total += p.delta;
                placed.push((ri, p));
                if k + 1 < choice.legs.len() {
                    p.apply(problem, &mut routes[ri], leg);
                }
            }
            // Take the tentative legs out again (all but the last, which was not applied).
            for (k, &(ri, _)) in placed.iter().enumerate().rev() {
                if k + 1 < choice.legs.len() {
                    Placement::undo(problem, &mut routes[ri], &choice.legs[k]);
                }
            }
            if placed.len() == choice.legs.len() && best.as_ref().is_none_or(|b| total < b.0) {
                best = Some((total, ci, placed));
            }
        }
        match best {
            Some((_, ci, placed)) => {
                let choice = &req.choices[ci];
                for (leg, (ri, p)) in choice.legs.iter().zip(placed) {
                    p.apply(problem, &mut routes[ri], leg);
                }
                if let Some(s) = choice.slot {
                    slot_used[s] += 1;
                }
            }
            None => left.push(r),
        }
    }
    left
}

/// The cheapest feasible placement of a leg over all routes (one empty route per vehicle kind)
/// costing less than `limit`, ties to the earlier route. Every route is screened first; the exact checks then run over
/// all routes' candidates together, cheapest first, until one holds — usually one check per
/// leg instead of one per route with a candidate cheaper than the best so far.
fn cheapest(
    problem: &Problem,
    ctx: &Context,
    routes: &[RouteState],
    leg: &[usize],
    limit: Cost,
    rng: &mut impl Rng,
) -> Option<(Placement, usize)> {
    let mut best: Option<(Placement, usize)> = None;
    let mut tried_empty = vec![false; ctx.vehicle_kinds];
    let mut pending: Vec<(Placement, usize)> = Vec::new();
    let mut screened: Vec<Placement> = Vec::new();
    for (ri, route) in routes.iter().enumerate() {
        if route.len() == 0 {
            let kind = ctx.vehicle_kind[route.vehicle];
            if tried_empty[kind] {
                continue;
            }
            tried_empty[kind] = true;
        }
        let fixed = if route.len() == 0 {
            problem.vehicles[route.vehicle].fixed_cost
        } else {
            0
        };
        let bound = best.map_or(limit, |(b, _)| b.delta).saturating_sub(fixed);
        screened.clear();
        if let Some(mut p) = screen(problem, route, leg, BLINK, bound, rng, &mut screened) {
            p.delta += fixed;
            if best.is_none_or(|(b, _)| p.delta < b.delta) {
                best = Some((p, ri));
            }
        }
        pending.extend(screened.iter().map(|&p| {
            let mut p = p;
            p.delta += fixed;
            (p, ri)
        }));
    }
    // Only candidates that would beat the best placement needing no check (ties: earlier route).
    pending.retain(|&(p, ri)| {
        best.is_none_or(|(b, bri)| p.delta < b.delta || (p.delta == b.delta && ri < bri))
    });
    first_feasible(
        &pending,
        |c| c.0.delta,
        |&(p, ri)| exact_ok(problem, &routes[ri], leg, p),
    )
    .or(best)
}

/// Elders per slot in the routes (counted at the first stop of each choice's first leg).
pub(crate) fn slot_usage(problem: &Problem, ctx: &Context, routes: &[RouteState]) -> Vec<u32> {
    let mut used = vec![0u32; problem.slots.len()];
    if used.is_empty() {
        return used;
    }
    for slot in routes
        .iter()
        .flat_map(|r| &r.stops)
        .filter_map(|&s| ctx.slot_opened[s])
    {
        used[slot] += 1;
    }
    used
}

/// Sorts the requests to insert: random, by load, far from the start first, or by window.
fn order(problem: &Problem, ctx: &Context, requests: &mut [usize], rng: &mut impl Rng) {
    requests.shuffle(rng);
    let first = |r: usize| &problem.stops[problem.requests[r].choices[0].legs[0][0]];
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
