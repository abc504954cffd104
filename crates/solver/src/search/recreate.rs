//! SISR recreate: greedy insertion with blinks, requests taken in one of a few orders.

use rand::Rng;
use rand::seq::SliceRandom;

use crate::problem::{Cost, Problem};
use crate::search::Context;
use crate::search::insert::{
    Boarding, Leg, Placement, boardings, exact_ok, first_feasible, screen,
};
use crate::search::route::RouteState;

/// Probability of skipping a position while looking for the cheapest one (none in this
/// module's tests, so that they can check the choice against a plain enumeration).
const BLINK: f64 = if cfg!(test) { 0.0 } else { 0.01 };

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
    let mut pickups = [Pickups::new(routes.len()), Pickups::new(routes.len())];
    for r in requests {
        let req = &problem.requests[r];
        match best_choice(problem, ctx, routes, req, &slot_used, &mut pickups, rng) {
            Some((ci, placed)) => {
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

/// The cheapest choice of `req` whose slot has room and whose legs all fit, each leg at its
/// cheapest (ties to the earlier choice), with its placements; the routes are left as they were.
///
/// Choices are tried nearest drop-off first (from the first leg's pick-up), each completed
/// before the next is begun, and every leg only where it keeps its choice cheaper than the best
/// complete one: a leg costs nothing less than zero to add when travel costs meet the triangle
/// inequality (rounded matrices may break it by a unit, which can only miss a choice a unit
/// cheaper). The routes are restored after each choice, so a pick-up shared by the first legs
/// is found once per route.
fn best_choice(
    problem: &Problem,
    ctx: &Context,
    routes: &mut [RouteState],
    req: &crate::problem::Request,
    slot_used: &[u32],
    pickups: &mut [Pickups; 2],
    rng: &mut impl Rng,
) -> Option<(usize, LegPlacements)> {
    let share = shares_pickup(problem, req);
    let [shared, other] = pickups;
    shared.forget();
    let mut open: Vec<(Cost, usize)> = req
        .choices
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.slot
                .is_none_or(|s| slot_used[s] < problem.slots[s].capacity)
        })
        .map(|(ci, c)| {
            let leg = &c.legs[0];
            let (a, b) = (leg[0], *leg.last().expect("legs are not empty"));
            let reach = problem
                .matrix
                .cost(problem.stops[a].loc, problem.stops[b].loc);
            (reach, ci)
        })
        .collect();
    open.sort_unstable();
    // (total cost, choice, placements leg by leg)
    let mut best: Option<(Cost, usize, LegPlacements)> = None;
    for (_, ci) in open {
        let choice = &req.choices[ci];
        let mut placed: LegPlacements = Vec::with_capacity(choice.legs.len());
        let mut total: Cost = 0;
        for (k, leg) in choice.legs.iter().enumerate() {
            if k > 0 {
                let (ri, p) = placed[k - 1];
                p.apply(problem, &mut routes[ri], &choice.legs[k - 1]);
            }
            // A leg only counts if it keeps the choice cheaper than the best one (or as
            // cheap, from an earlier choice).
            let limit = match &best {
                Some(b) => (b.0 - total).saturating_add(Cost::from(ci < b.1)),
                None => Cost::MAX,
            };
            let pickups = if k == 0 && share {
                &mut *shared
            } else {
                other.forget()
            };
            let Some((p, ri)) = cheapest(problem, ctx, routes, leg, limit, pickups, rng) else {
                break;
            };
            total += p.delta;
            placed.push((ri, p));
        }
        // Take the tentative legs out again (all but the last placed, which was not applied).
        let applied = placed.len().min(choice.legs.len() - 1);
        for k in (0..applied).rev() {
            Placement::undo(problem, &mut routes[placed[k].0], &choice.legs[k]);
        }
        if placed.len() == choice.legs.len()
            && best.as_ref().is_none_or(|b| (total, ci) < (b.0, b.1))
        {
            best = Some((total, ci, placed));
        }
    }
    best.map(|(_, ci, placed)| (ci, placed))
}

/// Where a pick-up fits, per route, with the limit on the detour it was found for (`None`: not
/// yet found). Kept for a request's first legs when they share their pick-up.
struct Pickups {
    per_route: Vec<Vec<Boarding>>,
    found: Vec<Option<Cost>>,
}

impl Pickups {
    fn new(routes: usize) -> Pickups {
        Pickups {
            per_route: vec![Vec::new(); routes],
            found: vec![None; routes],
        }
    }

    fn forget(&mut self) -> &mut Pickups {
        self.found.fill(None);
        self
    }
}

/// Whether every choice of `req` starts with a pair whose pick-up is the same as the first
/// choice's (place, window, service, load): then they fit at the same positions.
fn shares_pickup(problem: &Problem, req: &crate::problem::Request) -> bool {
    let first = |c: &crate::problem::Choice| {
        let leg = &c.legs[0];
        let u = &problem.stops[leg[0]];
        (leg.len() == 2).then_some((u.loc, u.window, u.service, u.load))
    };
    let Some(one) = req.choices.first().and_then(first) else {
        return false;
    };
    req.choices.iter().all(|c| first(c) == Some(one))
}

/// The cheapest feasible placement of a leg over all routes (one empty route per vehicle kind)
/// costing less than `limit`, ties to the earlier route.
///
/// Where a pair's pick-up fits is found in every route first (in `pickups`, or taken from it
/// when found there before for as high a limit); the cheapest boarding's detour is then a lower
/// bound on what the leg costs in that route, and the routes are screened in the order of their
/// bounds, until a bound reaches the best placement found. Each route's candidates are
/// confirmed there and then, cheapest first, until one holds (usually the first), so the best
/// so far bounds the screening of the routes after it.
fn cheapest(
    problem: &Problem,
    ctx: &Context,
    routes: &[RouteState],
    leg: &[usize],
    limit: Cost,
    pickups: &mut Pickups,
    rng: &mut impl Rng,
) -> Option<(Placement, usize)> {
    let u = &problem.stops[leg[0]];
    let fixed_of = |route: &RouteState| {
        if route.len() == 0 {
            problem.vehicles[route.vehicle].fixed_cost
        } else {
            0
        }
    };
    let mut tried_empty = vec![false; ctx.vehicle_kinds];
    // (lower bound, route)
    let mut order: Vec<(Cost, usize)> = Vec::with_capacity(routes.len());
    for (ri, route) in routes.iter().enumerate() {
        if route.len() == 0 {
            let kind = ctx.vehicle_kind[route.vehicle];
            if tried_empty[kind] {
                continue;
            }
            tried_empty[kind] = true;
        }
        let fixed = fixed_of(route);
        let mut lower = fixed;
        if leg.len() == 2 {
            let need = limit.saturating_sub(fixed);
            if pickups.found[ri].is_none_or(|l| l < need) {
                boardings(problem, route, u, need, &mut pickups.per_route[ri]);
                pickups.found[ri] = Some(need);
            }
            match pickups.per_route[ri].iter().map(|b| b.detour).min() {
                Some(d) => lower = lower.saturating_add(d),
                None => continue, // the pick-up fits nowhere here
            }
        }
        order.push((lower, ri));
    }
    order.sort_unstable();
    let mut best: Option<(Placement, usize)> = None;
    let mut screened: Vec<Placement> = Vec::new();
    for (lower, ri) in order {
        // Ties go to the earlier route: a later one must cost less, an earlier one as much.
        let bound = best.map_or(limit, |(b, bri)| b.delta + Cost::from(ri < bri));
        if best.is_some_and(|(b, _)| lower > b.delta) {
            break; // sorted: no route after this one can do as well
        }
        if lower >= bound {
            continue;
        }
        let route = &routes[ri];
        let fixed = fixed_of(route);
        let leg_in = Leg {
            stops: leg,
            boardings: if leg.len() == 2 {
                &pickups.per_route[ri]
            } else {
                &[]
            },
        };
        screened.clear();
        let bound = bound.saturating_sub(fixed);
        let here_best =
            screen(problem, route, leg_in, BLINK, bound, rng, &mut screened).or_else(|| {
                first_feasible(
                    &screened,
                    |p| p.delta,
                    |&p| exact_ok(problem, route, leg, p),
                )
            });
        // Every candidate costs less than the bound, so it beats the best so far.
        if let Some(mut p) = here_best {
            p.delta += fixed;
            best = Some((p, ri));
        }
    }
    best
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

#[cfg(test)]
mod tests {
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    use super::{Pickups, best_choice, recreate, slot_usage};
    use crate::problem::{Choice, Load, Matrix, Problem, Request, Slot, Stop, StopKind, Vehicle};
    use crate::search::Context;
    use crate::search::insert::best_placement;
    use crate::search::route::RouteState;

    /// Elders on a grid (Manhattan travel: the triangle inequality holds), each choosing among
    /// the slots of two sites, most with a ride home.
    fn elder_day(seed: u64) -> Problem {
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut pts: Vec<(i64, i64)> = vec![(5, 5), (2, 8), (8, 3)];
        let (mut stops, mut requests) = (Vec::new(), Vec::new());
        let slot_at: Vec<(usize, i64)> = (0..6).map(|k| (1 + k % 2, 40 + 15 * k as i64)).collect();
        for e in 0..12 {
            pts.push((rng.random_range(0..11), rng.random_range(0..11)));
            let home = pts.len() - 1;
            let back = rng.random_bool(0.7);
            let load = Load::seats(rng.random_range(1..3));
            let mut choices = Vec::new();
            for (slot, &(site, start)) in slot_at.iter().enumerate() {
                let mut stop = |loc, window, kind| {
                    let id = format!("{e}/{}", stops.len());
                    stops.push(Stop {
                        id,
                        loc,
                        window,
                        service: 1,
                        load,
                        kind,
                        request: e,
                        keep: None,
                    });
                    stops.len() - 1
                };
                let mut legs = vec![vec![
                    stop(home, (10, 60), StopKind::Pickup),
                    stop(site, (start, start + 15), StopKind::Dropoff),
                ]];
                if back {
                    legs.push(vec![
                        stop(site, (start + 25, start + 45), StopKind::Pickup),
                        stop(home, (start + 25, 200), StopKind::Dropoff),
                    ]);
                }
                choices.push(Choice {
                    legs,
                    slot: Some(slot),
                });
            }
            requests.push(Request {
                id: e.to_string(),
                choices,
                priority: 1,
                max_ride: Some(30),
                needs: 0,
                vehicle: None,
            });
        }
        let n = pts.len();
        let d: Vec<i64> = (0..n * n)
            .map(|c| {
                let (a, b) = (pts[c / n], pts[c % n]);
                (a.0 - b.0).abs() + (a.1 - b.1).abs()
            })
            .collect();
        let vehicles = (0..3)
            .map(|v| Vehicle {
                id: v.to_string(),
                start: 0,
                end: 0,
                shift: (0, 200),
                capacity: Load::seats(3),
                max_duration: None,
                features: 0,
                fixed_cost: 0,
            })
            .collect();
        let slots = (0..6)
            .map(|k| Slot {
                id: k.to_string(),
                capacity: 2,
            })
            .collect();
        Problem {
            matrix: Matrix::new(n, d.clone(), d).unwrap(),
            vehicles,
            stops,
            requests,
            slots,
        }
    }

    /// The plain rule: every choice with room, legs one after the other each where it costs
    /// least (ties to the earlier route); the cheapest total, ties to the earlier choice.
    fn enumerated(
        p: &Problem,
        routes: &mut [RouteState],
        r: usize,
        used: &[u32],
    ) -> Option<(i64, usize)> {
        let mut rng = SmallRng::seed_from_u64(0);
        let mut best: Option<(i64, usize)> = None;
        for (ci, c) in p.requests[r].choices.iter().enumerate() {
            if c.slot.is_some_and(|s| used[s] >= p.slots[s].capacity) {
                continue;
            }
            let mut trial = routes.to_vec();
            let mut total = 0;
            let all = c.legs.iter().all(|leg| {
                let found = (0..trial.len())
                    .filter_map(|ri| {
                        best_placement(p, &trial[ri], leg, 0.0, i64::MAX, &mut rng).map(|b| (b, ri))
                    })
                    .min_by_key(|(b, ri)| (b.delta, *ri));
                let Some((b, ri)) = found else { return false };
                total += b.delta;
                b.apply(p, &mut trial[ri], leg);
                true
            });
            if all && best.is_none_or(|b| (total, ci) < b) {
                best = Some((total, ci));
            }
        }
        best
    }

    #[test]
    fn the_choice_taken_is_the_cheapest_complete_one_ties_to_the_earliest() {
        let mut compared = 0;
        for seed in 0..60u64 {
            let p = elder_day(seed);
            let ctx = Context::new(&p);
            let mut rng = SmallRng::seed_from_u64(seed);
            let mut routes: Vec<RouteState> = (0..p.vehicles.len())
                .map(|v| RouteState::new(&p, v, Vec::new()))
                .collect();
            // Half the elders in first, then each other one asked for alone.
            let placed: Vec<usize> = (0..p.requests.len()).filter(|r| r % 2 == 0).collect();
            recreate(&p, &ctx, &mut routes, placed, &mut rng);
            let used = slot_usage(&p, &ctx, &routes);
            let mut pickups = [Pickups::new(routes.len()), Pickups::new(routes.len())];
            for r in (0..p.requests.len()).filter(|r| r % 2 == 1) {
                let before: Vec<Vec<usize>> = routes.iter().map(|x| x.stops.clone()).collect();
                let want = enumerated(&p, &mut routes, r, &used);
                let got = best_choice(
                    &p,
                    &ctx,
                    &mut routes,
                    &p.requests[r],
                    &used,
                    &mut pickups,
                    &mut rng,
                );
                let after: Vec<Vec<usize>> = routes.iter().map(|x| x.stops.clone()).collect();
                assert_eq!(
                    before, after,
                    "seed {seed}: request {r} left the routes changed"
                );
                let got = got.map(|(ci, placed)| (placed.iter().map(|x| x.1.delta).sum(), ci));
                assert_eq!(got, want, "seed {seed}: request {r}");
                compared += usize::from(want.is_some());
            }
        }
        assert!(
            compared > 100,
            "too few requests placed to say anything ({compared})"
        );
    }
}
