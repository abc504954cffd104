//! SISR ruin (Christiaens & Vanden Berghe, 2020): remove strings of consecutive stops from
//! routes near a random seed stop, so that the removed requests are spatially close and can be
//! re-inserted in a better arrangement.

use rand::Rng;

use crate::problem::Problem;
use crate::search::Context;
use crate::search::insert::{first_violation, schedule_ok};
use crate::search::route::RouteState;

/// Average number of removed requests.
const AVG_REMOVED: f64 = 10.0;
/// Longest string.
const MAX_STRING: f64 = 10.0;

/// Removes strings from `routes`; returns the removed requests (each once).
pub(crate) fn ruin(
    problem: &Problem,
    ctx: &Context,
    routes: &mut [RouteState],
    rng: &mut impl Rng,
) -> Vec<usize> {
    let routed: usize = routes.iter().map(RouteState::len).sum();
    if routed == 0 {
        return Vec::new();
    }
    let non_empty = routes.iter().filter(|r| r.len() > 0).count().max(1);
    let avg_len = routed as f64 / non_empty as f64;
    let l_max = MAX_STRING.min(avg_len);
    let k_max = (4.0 * AVG_REMOVED / (1.0 + l_max) - 1.0).max(1.0);
    let k_s = rng.random_range(1.0..k_max + 1.0).floor() as usize;

    // Where each stop is: (route, position in route.stops).
    let mut where_is = vec![None; problem.stops.len()];
    for (ri, r) in routes.iter().enumerate() {
        for (i, &s) in r.stops.iter().enumerate() {
            where_is[s] = Some((ri, i));
        }
    }
    let seed = loop {
        let s = rng.random_range(0..problem.stops.len());
        if where_is[s].is_some() {
            break s;
        }
    };
    // Stops by location, walking outwards from the seed's location (unrouted ones are skipped).
    let seed_loc = problem.stops[seed].loc;
    let nearby = std::iter::once(&seed_loc)
        .chain(ctx.neighbours[seed_loc].iter())
        .flat_map(|&l| ctx.stops_at[l].iter().copied());
    let mut ruined = vec![false; routes.len()];
    let mut removed_stops: Vec<usize> = Vec::new();
    let mut count = 0;
    for c in std::iter::once(seed).chain(nearby) {
        if count >= k_s {
            break;
        }
        let Some((ri, pos)) = where_is[c] else {
            continue;
        };
        if ruined[ri] {
            continue;
        }
        ruined[ri] = true;
        count += 1;
        let len = routes[ri].len();
        let l_cap = (l_max.min(len as f64)).max(1.0);
        let l = rng.random_range(1.0..l_cap + 1.0).floor() as usize;
        let l = l.min(len);
        if rng.random_bool(0.5) || l == len {
            // A plain string of l stops containing c.
            let lo = pos.saturating_sub(l - 1);
            let hi = pos.min(len - l);
            let start = rng.random_range(lo..=hi);
            removed_stops.extend_from_slice(&routes[ri].stops[start..start + l]);
        } else {
            // A split string: l + m consecutive stops, m of them kept.
            let mut m = 1;
            while l + m < len && rng.random_bool(0.5) {
                m += 1;
            }
            let total = l + m;
            let lo = pos.saturating_sub(total - 1);
            let hi = pos.min(len - total);
            let start = rng.random_range(lo..=hi);
            let keep_at = rng.random_range(0..=l);
            for (k, &s) in routes[ri].stops[start..start + total].iter().enumerate() {
                if k < keep_at || k >= keep_at + m {
                    removed_stops.push(s);
                }
            }
        }
    }
    // Remove whole requests: every leg of the choice they were served by.
    let mut requests: Vec<usize> = removed_stops
        .iter()
        .map(|&s| problem.stops[s].request)
        .collect();
    requests.sort_unstable();
    requests.dedup();
    let mut gone = vec![false; problem.stops.len()];
    for &r in &requests {
        for s in problem.requests[r].all_stops() {
            gone[s] = true;
        }
    }
    for (ri, r) in routes.iter_mut().enumerate() {
        if ruined[ri] || r.stops.iter().any(|&s| gone[s]) {
            r.stops.retain(|&s| !gone[s]);
            // Removing stops can break what held before: an earlier pick-up lengthens a ride
            // that waits for its drop-off window, and rounded matrices break the triangle
            // inequality. Take out whatever no longer fits.
            while !schedule_ok(problem, r.vehicle, &r.stops) {
                let bad = first_violation(problem, r.vehicle, &r.stops)
                    .expect("stricter check fails too");
                r.stops.retain(|&s| problem.stops[s].request != bad);
                requests.push(bad);
            }
            r.update(problem);
        }
    }
    requests
}
