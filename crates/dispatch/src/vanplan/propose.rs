//! A proposal of van stops (issue 16), "cover, then lay out the vans' days": choose the stops
//! that serve the most priority-weighted walkers ([`super::cover`]) with the shots a stop is
//! expected to give, group them into the vans' days by the drive between them, order each day,
//! lay it out ([`super::timetable`]) and place the walkers again, exactly, with the shots each
//! stop really has. Pure: the walking reach and the drives are worked out by the caller from the
//! road network; the seed and the search's effort are passed in.

use serde::Serialize;

use super::cover::{Covering, assign, solve};
use super::timetable::{StopTime, Van, VanDay, check, lay_out};

/// What a proposal is made from.
#[derive(Debug, Clone)]
pub struct VanPlanning {
    /// Each walker's weight (priority; more is more urgent).
    pub weights: Vec<u32>,
    /// For each candidate point, the walkers within the walking limit of it.
    pub reach: Vec<Vec<u32>>,
    /// The vans and how they work.
    pub vans: Vec<Van>,
    /// Drive between candidates, minutes: `drive[a][b]`.
    pub drive: Vec<Vec<u32>>,
}

/// Why a walker is not served by the proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unserved {
    /// No candidate point is within the walking limit of their home.
    NoStopInReach,
    /// Stops are within reach, but none is chosen or those chosen are full.
    NoRoom,
}

/// The figures of a proposal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Walkers who still need a dose.
    pub walkers: u32,
    /// Walkers a stop serves.
    pub served: u32,
    /// Their weight.
    pub served_weight: u64,
    /// Walkers with no candidate within reach.
    pub out_of_reach: u32,
    /// Walkers within reach of some candidate but not served.
    pub no_room: u32,
    /// Shots the stops can give.
    pub shots: u32,
    /// Minutes the vans vaccinate.
    pub vaccinating_minutes: u32,
    /// Minutes the vans drive between stops.
    pub moving_minutes: u32,
}

/// A proposal: the vans' days, who walks to which stop, and the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// Each van's day, with its stops.
    pub days: Vec<VanDay>,
    /// For each walker, `(day, stop)` indexes into `days` of the stop they walk to.
    pub assigned: Vec<Option<(u32, u32)>>,
    /// For each walker not served, why.
    pub unserved: Vec<Option<Unserved>>,
    /// The figures.
    pub figures: Figures,
}

/// The shots a stop is expected to give when a van makes its most stops a day: the crew's day
/// less the break, the set-ups, pack-ups and a short drive between stops, shared evenly.
fn expected_shots(van: &Van) -> u32 {
    let stops = van.stops_per_day.max(1);
    let rest = van.rest.map_or(0, |r| r.1);
    let fixed = stops * (van.setup + van.packup) + (stops - 1) * 15 + rest;
    let open = van.end.saturating_sub(van.start).saturating_sub(fixed) / stops;
    (open / van.slot_minutes.max(1)) * van.shots_per_slot
}

/// Each van's working days, with the stops it makes in a day: `(van, day, stops)`.
fn seats(input: &VanPlanning) -> Vec<(u32, u32, u32)> {
    input
        .vans
        .iter()
        .enumerate()
        .flat_map(|(v, van)| {
            let mut days = van.days.clone();
            days.sort_unstable();
            days.dedup();
            days.into_iter()
                .map(move |d| (v as u32, d, van.stops_per_day))
        })
        .collect()
}

/// Proposes the vans' days. `seed` and `iterations` steer the covering search.
pub fn propose(input: &VanPlanning, seed: u64, iterations: u64) -> Proposal {
    let m = input.reach.len();
    let seats = seats(input);
    let stops: usize = seats.iter().map(|s| s.2 as usize).sum();
    let expected = {
        let all: Vec<u32> = input.vans.iter().map(expected_shots).collect();
        (all.iter().sum::<u32>())
            .checked_div(all.len() as u32)
            .unwrap_or(0)
    };
    let covering = Covering {
        weights: input.weights.clone(),
        reach: input.reach.clone(),
        capacity: vec![expected; m],
        stops,
    };
    let first = solve(&covering, seed, iterations);
    // What each chosen stop draws: the walkers it serves, and those it reaches nobody serves.
    let mut draws = vec![0u32; m];
    for &j in &first.chosen {
        draws[j as usize] = input.reach[j as usize]
            .iter()
            .filter(|&&i| {
                matches!(first.assigned.get(i as usize), Some(None))
                    || first.assigned.get(i as usize) == Some(&Some(j))
            })
            .count() as u32;
    }
    let days = arrange(input, &first.chosen, &draws);
    place(input, days)
}

/// The vans' days for a set of chosen stops: shared among the vans' days by the drive between
/// them, each day in its shortest order, laid out with slots where `needs` (shots, per
/// candidate) are largest. A stop that does not fit its day is left out.
pub fn arrange(input: &VanPlanning, chosen: &[u32], needs: &[u32]) -> Vec<VanDay> {
    let seats = seats(input);
    let drive = |a: u32, b: u32| {
        input
            .drive
            .get(a as usize)
            .and_then(|r| r.get(b as usize))
            .copied()
            .unwrap_or(u32::MAX / 4)
    };
    let need = |c: u32| needs.get(c as usize).copied().unwrap_or(0);
    let draws: Vec<u32> = (0..input.reach.len() as u32).map(need).collect();
    let groups = group(chosen, &draws, &seats, &drive);
    let mut days: Vec<VanDay> = Vec::new();
    for ((van, day, _), group) in seats.iter().zip(groups) {
        if group.is_empty() {
            continue;
        }
        let order = best_order(&group, &drive);
        let wanted: Vec<u32> = order.iter().map(|&c| need(c)).collect();
        let stops = lay_out(&input.vans[*van as usize], &order, &wanted, &drive);
        if !stops.is_empty() {
            days.push(VanDay {
                van: *van,
                day: *day,
                stops,
            });
        }
    }
    debug_assert!(check(&days, &input.vans, &drive).is_ok());
    days
}

/// Places the walkers exactly on the stops as laid out, and counts.
pub fn place(input: &VanPlanning, days: Vec<VanDay>) -> Proposal {
    let m = input.reach.len();
    let mut capacity = vec![0u32; m];
    let mut where_: Vec<Option<(u32, u32)>> = vec![None; m];
    for (d, day) in days.iter().enumerate() {
        for (s, stop) in day.stops.iter().enumerate() {
            capacity[stop.candidate as usize] = stop.capacity;
            where_[stop.candidate as usize] = Some((d as u32, s as u32));
        }
    }
    let chosen: Vec<u32> = (0..m as u32)
        .filter(|&j| where_[j as usize].is_some())
        .collect();
    let problem = Covering {
        weights: input.weights.clone(),
        reach: input.reach.clone(),
        capacity,
        stops: chosen.len(),
    };
    let cover = assign(&problem, &chosen);
    let n = input.weights.len();
    let mut in_reach = vec![false; n];
    for reach in &input.reach {
        for &i in reach {
            if let Some(r) = in_reach.get_mut(i as usize) {
                *r = true;
            }
        }
    }
    let assigned: Vec<Option<(u32, u32)>> = cover
        .assigned
        .iter()
        .map(|a| a.and_then(|j| where_[j as usize]))
        .collect();
    let unserved: Vec<Option<Unserved>> = (0..n)
        .map(|i| match (assigned[i], in_reach[i]) {
            (Some(_), _) => None,
            (None, false) => Some(Unserved::NoStopInReach),
            (None, true) => Some(Unserved::NoRoom),
        })
        .collect();
    let stops = days.iter().flat_map(|d| &d.stops);
    let figures = Figures {
        walkers: n as u32,
        served: assigned.iter().filter(|a| a.is_some()).count() as u32,
        served_weight: cover.value,
        out_of_reach: unserved
            .iter()
            .filter(|u| **u == Some(Unserved::NoStopInReach))
            .count() as u32,
        no_room: unserved
            .iter()
            .filter(|u| **u == Some(Unserved::NoRoom))
            .count() as u32,
        shots: stops.clone().map(|s| s.capacity).sum(),
        vaccinating_minutes: stops
            .clone()
            .map(|s| s.slots.iter().map(|(f, u)| u - f).sum::<u32>())
            .sum(),
        moving_minutes: days.iter().map(moving).sum(),
    };
    Proposal {
        days,
        assigned,
        unserved,
        figures,
    }
}

/// Minutes a van day spends driving between its stops.
pub fn moving(day: &VanDay) -> u32 {
    day.stops.windows(2).map(|w| w[1].arrive - w[0].leave).sum()
}

/// Shares the chosen stops among the vans' days (`seats`: van, day, stops it makes): each day
/// starts from the stop that draws the most of those left and takes the nearest ones by drive.
fn group(
    chosen: &[u32],
    draws: &[u32],
    seats: &[(u32, u32, u32)],
    drive: &dyn Fn(u32, u32) -> u32,
) -> Vec<Vec<u32>> {
    let mut left: Vec<u32> = chosen.to_vec();
    left.sort_by_key(|&c| (std::cmp::Reverse(draws[c as usize]), c));
    seats
        .iter()
        .map(|&(_, _, per)| {
            let mut day: Vec<u32> = Vec::new();
            if left.is_empty() || per == 0 {
                return day;
            }
            day.push(left.remove(0));
            while day.len() < per as usize && !left.is_empty() {
                let last = *day.last().expect("a stop");
                let (at, _) = left
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, c)| (drive(last, **c).saturating_add(drive(**c, last)), **c))
                    .expect("stops left");
                day.push(left.remove(at));
            }
            day
        })
        .collect()
}

/// The order of a day's stops with the least driving: every order up to six stops, else the
/// order given.
fn best_order(stops: &[u32], drive: &dyn Fn(u32, u32) -> u32) -> Vec<u32> {
    fn cost(order: &[u32], drive: &dyn Fn(u32, u32) -> u32) -> u64 {
        order.windows(2).map(|w| u64::from(drive(w[0], w[1]))).sum()
    }
    if stops.len() > 6 {
        return stops.to_vec();
    }
    let mut best = stops.to_vec();
    let mut best_cost = cost(&best, drive);
    let mut order = stops.to_vec();
    permute(&mut order, 0, &mut |o| {
        let c = cost(o, drive);
        if c < best_cost {
            best_cost = c;
            best = o.to_vec();
        }
    });
    best
}

fn permute(items: &mut [u32], k: usize, visit: &mut dyn FnMut(&[u32])) {
    if k == items.len() {
        visit(items);
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permute(items, k + 1, visit);
        items.swap(k, i);
    }
}

/// The stop of a proposal a walker goes to, with its place in the days.
pub fn stop_of(proposal: &Proposal, walker: usize) -> Option<&StopTime> {
    let (d, s) = proposal.assigned.get(walker).copied().flatten()?;
    proposal.days.get(d as usize)?.stops.get(s as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    fn van(days: Vec<u32>) -> Van {
        Van {
            days,
            start: 8 * 60,
            end: 17 * 60,
            setup: 20,
            packup: 15,
            slot_minutes: 30,
            shots_per_slot: 5,
            rest: Some((12 * 60, 60)),
            stops_per_day: 2,
        }
    }

    fn random(seed: u64) -> VanPlanning {
        let mut rng = SmallRng::seed_from_u64(seed);
        let n = rng.random_range(0..200);
        let m = rng.random_range(0..15);
        let points: Vec<(f64, f64)> = (0..m)
            .map(|_| (rng.random_range(0.0..3.0), rng.random_range(0.0..3.0)))
            .collect();
        let homes: Vec<(f64, f64)> = (0..n)
            .map(|_| (rng.random_range(0.0..3.0), rng.random_range(0.0..3.0)))
            .collect();
        VanPlanning {
            weights: (0..n).map(|_| rng.random_range(1..=5)).collect(),
            reach: points
                .iter()
                .map(|p| {
                    (0..n as u32)
                        .filter(|&i| {
                            let h = homes[i as usize];
                            (h.0 - p.0).hypot(h.1 - p.1) <= 0.6
                        })
                        .collect()
                })
                .collect(),
            vans: (0..rng.random_range(0..3))
                .map(|_| van((0..rng.random_range(1..4)).collect()))
                .collect(),
            drive: points
                .iter()
                .map(|a| {
                    points
                        .iter()
                        .map(|b| ((a.0 - b.0).hypot(a.1 - b.1) * 20.0).round() as u32)
                        .collect()
                })
                .collect(),
        }
    }

    /// Random street offices: the days pass the timetable checker, each walker is placed at a
    /// stop that reaches them and has room, and the figures add up.
    #[test]
    fn every_proposal_is_a_valid_timetable_and_a_valid_assignment() {
        for seed in 0..150u64 {
            let input = random(seed);
            let p = propose(&input, seed, 200);
            let drive = |a: u32, b: u32| input.drive[a as usize][b as usize];
            check(&p.days, &input.vans, &drive).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let mut load: std::collections::HashMap<(u32, u32), u32> = Default::default();
            for (i, a) in p.assigned.iter().enumerate() {
                if let Some((d, s)) = *a {
                    let stop = stop_of(&p, i).expect("the stop");
                    assert!(
                        input.reach[stop.candidate as usize].contains(&(i as u32)),
                        "seed {seed}"
                    );
                    *load.entry((d, s)).or_default() += 1;
                }
            }
            for ((d, s), l) in load {
                assert!(
                    l <= p.days[d as usize].stops[s as usize].capacity,
                    "seed {seed}"
                );
            }
            let f = &p.figures;
            assert_eq!(
                f.served + f.out_of_reach + f.no_room,
                f.walkers,
                "seed {seed}"
            );
            // A candidate is a stop at most once.
            let mut seen = std::collections::HashSet::new();
            for s in p.days.iter().flat_map(|d| &d.stops) {
                assert!(seen.insert(s.candidate), "seed {seed}: {p:?}");
            }
        }
    }

    #[test]
    fn two_clusters_and_one_van_for_a_day_get_a_stop_each_in_the_shorter_order() {
        // Walkers 0–9 near candidate 0, 10–19 near candidate 2; candidate 1 reaches nobody.
        let input = VanPlanning {
            weights: vec![1; 20],
            reach: vec![(0..10).collect(), vec![], (10..20).collect()],
            vans: vec![van(vec![0])],
            drive: vec![vec![0, 5, 30], vec![5, 0, 30], vec![30, 30, 0]],
        };
        let p = propose(&input, 1, 50);
        assert_eq!(p.days.len(), 1);
        let stops: Vec<u32> = p.days[0].stops.iter().map(|s| s.candidate).collect();
        assert_eq!(stops.len(), 2);
        assert!(stops.contains(&0) && stops.contains(&2), "{stops:?}");
        assert_eq!(p.figures.served, 20);
        assert_eq!(p.figures.moving_minutes, 30);
    }
}
