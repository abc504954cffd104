//! Random problems for the solver tests, and a brute-force oracle for tiny ones.
#![allow(dead_code, missing_docs)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use vaxride_solver::{
    Load, Matrix, Problem, Request, Route, Solution, Stop, StopKind, Unassigned, UnassignedReason,
    Vehicle, check,
};

/// A random problem on a 100×100 square: `deliveries` single-stop requests and `pairs`
/// pick-up/drop-off pairs, `vehicles` identical vehicles at the centre.
pub fn random_problem(
    seed: u64,
    deliveries: usize,
    pairs: usize,
    vehicles: usize,
    ride: bool,
) -> Problem {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut pts: Vec<(f64, f64)> = vec![(50.0, 50.0)];
    let mut stops = Vec::new();
    let mut requests = Vec::new();
    let horizon = 1000;
    let window = |rng: &mut StdRng| {
        let a = rng.random_range(0..horizon - 200);
        let w = rng.random_range(60..400);
        (a, (a + w).min(horizon - 50))
    };
    for i in 0..deliveries {
        pts.push((rng.random_range(0.0..100.0), rng.random_range(0.0..100.0)));
        let id = requests.len();
        stops.push(Stop {
            id: format!("d{i}"),
            loc: pts.len() - 1,
            window: window(&mut rng),
            service: 10,
            load: Load::seats(rng.random_range(1..4)),
            kind: StopKind::Delivery,
            request: id,
            keep: None,
        });
        requests.push(Request::single(
            format!("r{id}"),
            vec![stops.len() - 1],
            1,
            None,
            0,
        ));
    }
    for i in 0..pairs {
        let id = requests.len();
        let q = rng.random_range(1..3);
        let w = window(&mut rng);
        for (k, kind) in [StopKind::Pickup, StopKind::Dropoff]
            .into_iter()
            .enumerate()
        {
            pts.push((rng.random_range(0.0..100.0), rng.random_range(0.0..100.0)));
            let win = if k == 0 {
                w
            } else {
                (w.0, (w.1 + 200).min(horizon - 20))
            };
            stops.push(Stop {
                id: format!("p{i}{}", if k == 0 { "+" } else { "-" }),
                loc: pts.len() - 1,
                window: win,
                service: 5,
                load: Load::seats(q),
                kind,
                request: id,
                keep: None,
            });
        }
        requests.push(Request::single(
            format!("r{id}"),
            vec![stops.len() - 2, stops.len() - 1],
            1,
            ride.then_some(150),
            0,
        ));
    }
    let n = pts.len();
    let d: Vec<i64> = (0..n * n)
        .map(|c| {
            let (a, b) = (pts[c / n], pts[c % n]);
            ((a.0 - b.0).hypot(a.1 - b.1) * 10.0).floor() as i64 / 10
        })
        .collect();
    let vehicles = fleet(vehicles, horizon, 6);
    Problem {
        matrix: Matrix::new(n, d.clone(), d).unwrap(),
        vehicles,
        stops,
        requests,
        slots: Vec::new(),
    }
}

/// `count` identical vehicles at location 0, shift `[0, end]`, `seats` seats.
fn fleet(count: usize, end: i64, seats: i64) -> Vec<Vehicle> {
    (0..count)
        .map(|v| Vehicle {
            id: format!("v{v}"),
            start: 0,
            end: 0,
            shift: (0, end),
            capacity: Load::seats(seats),
            max_duration: None,
            features: 0,
            fixed_cost: 0,
        })
        .collect()
}

/// The best solution by exhaustive search: most served, then least cost. Tiny problems only.
pub fn brute_force(problem: &Problem) -> (usize, i64) {
    let r = problem.requests.len();
    let v = problem.vehicles.len();
    let mut best = (0usize, 0i64);
    let mut first = true;
    // Assign each request to a vehicle or to nobody (v).
    let mut assign = vec![0usize; r];
    loop {
        let mut routes_opts: Vec<Vec<Vec<usize>>> = Vec::new();
        for veh in 0..v {
            let stops: Vec<usize> = (0..r)
                .filter(|&q| assign[q] == veh)
                .flat_map(|q| problem.requests[q].all_stops())
                .collect();
            routes_opts.push(orders(problem, &stops));
        }
        // Best cost per vehicle independently (vehicles do not interact).
        let mut total = 0i64;
        let mut feasible = true;
        for (veh, opts) in routes_opts.iter().enumerate() {
            let mut best_v: Option<i64> = None;
            for o in opts {
                if o.is_empty() {
                    best_v = Some(0);
                    continue;
                }
                let sol = Solution {
                    routes: vec![Route {
                        vehicle: veh,
                        stops: o.clone(),
                    }],
                    unassigned: Vec::new(),
                };
                // Check only this route: mark the other requests unassigned.
                let mut s = sol.clone();
                s.unassigned = (0..r)
                    .filter(|&q| !problem.requests[q].all_stops().all(|st| o.contains(&st)))
                    .map(|q| Unassigned {
                        request: q,
                        reason: UnassignedReason::FleetBusy,
                    })
                    .collect();
                if let Ok(obj) = check(problem, &s) {
                    best_v = Some(best_v.map_or(obj.cost, |b: i64| b.min(obj.cost)));
                }
            }
            match best_v {
                Some(c) => total += c,
                None => feasible = false,
            }
        }
        if feasible {
            let served = assign.iter().filter(|&&a| a < v).count();
            if first || served > best.0 || (served == best.0 && total < best.1) {
                best = (served, total);
                first = false;
            }
        }
        // Next assignment.
        let mut i = 0;
        loop {
            if i == r {
                return best;
            }
            assign[i] += 1;
            if assign[i] <= v {
                break;
            }
            assign[i] = 0;
            i += 1;
        }
    }
}

/// Every order of the stops that keeps pick-ups before their drop-offs.
fn orders(problem: &Problem, stops: &[usize]) -> Vec<Vec<usize>> {
    fn go(
        problem: &Problem,
        left: &mut Vec<usize>,
        cur: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) {
        if left.is_empty() {
            out.push(cur.clone());
            return;
        }
        for i in 0..left.len() {
            let s = left[i];
            let st = &problem.stops[s];
            if st.kind == StopKind::Dropoff && !cur.contains(&problem.pickup_of(s)) {
                continue;
            }
            left.remove(i);
            cur.push(s);
            go(problem, left, cur, out);
            cur.pop();
            left.insert(i, s);
        }
    }
    let mut out = Vec::new();
    go(problem, &mut stops.to_vec(), &mut Vec::new(), &mut out);
    out
}

/// A random day of elders' rides: `elders` requests, each choosing among the slots of `sites`
/// sites (`slots_per_site` slots of 60 units, `capacity` elders each), with a ride home after
/// the visit for most of them (pick-up window valid for any arrival inside the slot: from the
/// slot's end plus 30 units of dwell to its start plus 120).
pub fn random_elder_day(
    seed: u64,
    elders: usize,
    sites: usize,
    slots_per_site: usize,
    capacity: u32,
    vehicles: usize,
) -> Problem {
    use vaxride_solver::{Choice, Slot};
    let mut rng = StdRng::seed_from_u64(seed);
    let mut pts: Vec<(f64, f64)> = vec![(50.0, 50.0)];
    for _ in 0..sites {
        pts.push((rng.random_range(20.0..80.0), rng.random_range(20.0..80.0)));
    }
    let mut slots = Vec::new();
    let mut slot_at = Vec::new(); // (site location, start)
    for site in 0..sites {
        for k in 0..slots_per_site {
            slots.push(Slot {
                id: format!("s{site}-{k}"),
                capacity,
            });
            slot_at.push((1 + site, 100 + 80 * k as i64));
        }
    }
    let mut stops = Vec::new();
    let mut requests = Vec::new();
    for e in 0..elders {
        pts.push((rng.random_range(0.0..100.0), rng.random_range(0.0..100.0)));
        let home = pts.len() - 1;
        let companions = rng.random_range(0..2);
        let load = Load::seats(1 + companions);
        let wants_return = rng.random_bool(0.7);
        let mut choices = Vec::new();
        for (slot, &(site, start)) in slot_at.iter().enumerate() {
            let mut stop = |loc: usize, window: (i64, i64), kind: StopKind, id: String| {
                stops.push(Stop {
                    id,
                    loc,
                    window,
                    service: 5,
                    load,
                    kind,
                    request: e,
                    keep: None,
                });
                stops.len() - 1
            };
            let out_p = stop(
                home,
                (start - 90, start),
                StopKind::Pickup,
                format!("e{e}-home"),
            );
            let out_d = stop(
                site,
                (start, start + 60),
                StopKind::Dropoff,
                format!("e{e}-site{slot}"),
            );
            let mut legs = vec![vec![out_p, out_d]];
            if wants_return {
                let back_p = stop(
                    site,
                    (start + 60 + 30, start + 120),
                    StopKind::Pickup,
                    format!("e{e}-site{slot}-back"),
                );
                let back_d = stop(
                    home,
                    (start + 90, start + 400),
                    StopKind::Dropoff,
                    format!("e{e}-home-back"),
                );
                legs.push(vec![back_p, back_d]);
            }
            choices.push(Choice {
                legs,
                slot: Some(slot),
            });
        }
        requests.push(vaxride_solver::Request {
            id: format!("e{e}"),
            choices,
            priority: rng.random_range(1..4),
            max_ride: Some(120),
            needs: 0,
            vehicle: None,
        });
    }
    let n = pts.len();
    let d: Vec<i64> = (0..n * n)
        .map(|c| {
            let (a, b) = (pts[c / n], pts[c % n]);
            (a.0 - b.0).hypot(a.1 - b.1).round() as i64
        })
        .collect();
    let vehicles = fleet(vehicles, 1200, 4);
    Problem {
        matrix: Matrix::new(n, d.clone(), d).unwrap(),
        vehicles,
        stops,
        requests,
        slots,
    }
}

/// The best solution of a tiny elder day by exhaustive search over complete solutions: each
/// request left out or served by one of its choices with a vehicle per leg, then every order of
/// every vehicle's stops; the checker decides feasibility (slots, rides, windows) and cost.
/// Returns the lexicographic optimum: most priority served, then least cost.
pub fn brute_force_elders(problem: &Problem) -> (i64, i64) {
    // Options per request: None, or (choice, vehicle of each leg).
    let v = problem.vehicles.len();
    // Per request: None, or (choice, vehicle of each leg).
    type Options = Vec<Option<(usize, Vec<usize>)>>;
    let options: Vec<Options> = problem
        .requests
        .iter()
        .map(|req| {
            let mut opts = vec![None];
            for (ci, c) in req.choices.iter().enumerate() {
                let legs = c.legs.len();
                for code in 0..v.pow(legs as u32) {
                    let vehicles = (0..legs).map(|k| code / v.pow(k as u32) % v).collect();
                    opts.push(Some((ci, vehicles)));
                }
            }
            opts
        })
        .collect();
    let mut best: Option<(i64, i64)> = None;
    let mut pick = vec![0usize; options.len()];
    loop {
        // Slot capacities first: cheap, and prunes most assignments.
        let mut used = vec![0u32; problem.slots.len()];
        for (q, &o) in pick.iter().enumerate() {
            if let Some((ci, _)) = &options[q][o]
                && let Some(s) = problem.requests[q].choices[*ci].slot
            {
                used[s] += 1;
            }
        }
        let priority: i64 = pick
            .iter()
            .enumerate()
            .filter(|&(q, &o)| options[q][o].is_some())
            .map(|(q, _)| problem.requests[q].priority.max(1))
            .sum();
        let slots_ok = used
            .iter()
            .zip(&problem.slots)
            .all(|(&u, s)| u <= s.capacity);
        if slots_ok && best.is_none_or(|b| priority >= b.0) {
            let mut per_vehicle: Vec<Vec<usize>> = vec![Vec::new(); v];
            for (q, &o) in pick.iter().enumerate() {
                if let Some((ci, vehicles)) = &options[q][o] {
                    for (leg, &veh) in problem.requests[q].choices[*ci].legs.iter().zip(vehicles) {
                        per_vehicle[veh].extend_from_slice(leg);
                    }
                }
            }
            let orders: Vec<Vec<Vec<usize>>> =
                per_vehicle.iter().map(|s| orders(problem, s)).collect();
            let unassigned: Vec<Unassigned> = pick
                .iter()
                .enumerate()
                .filter(|&(q, &o)| options[q][o].is_none())
                .map(|(q, _)| Unassigned {
                    request: q,
                    reason: UnassignedReason::FleetBusy,
                })
                .collect();
            let mut idx = vec![0usize; v];
            'orders: loop {
                let routes = (0..v)
                    .filter(|&veh| !orders[veh][idx[veh]].is_empty())
                    .map(|veh| Route {
                        vehicle: veh,
                        stops: orders[veh][idx[veh]].clone(),
                    })
                    .collect();
                let s = Solution {
                    routes,
                    unassigned: unassigned.clone(),
                };
                if let Ok(o) = check(problem, &s) {
                    let key = (o.served_priority, o.cost);
                    if best.is_none_or(|b| key.0 > b.0 || (key.0 == b.0 && key.1 < b.1)) {
                        best = Some(key);
                    }
                }
                let mut k = 0;
                loop {
                    if k == v {
                        break 'orders;
                    }
                    idx[k] += 1;
                    if idx[k] < orders[k].len() {
                        break;
                    }
                    idx[k] = 0;
                    k += 1;
                }
            }
        }
        let mut i = 0;
        loop {
            if i == pick.len() {
                return best.expect("leaving everyone out is always feasible");
            }
            pick[i] += 1;
            if pick[i] < options[i].len() {
                break;
            }
            pick[i] = 0;
            i += 1;
        }
    }
}
