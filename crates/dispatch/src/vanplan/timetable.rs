//! A van's day (issue 16): the stops it makes, in order, each with its arrival, set-up, the
//! slots it vaccinates in, pack-up and departure, and the drive to the next. A van is in one
//! place at a time; its crew's day has a start and an end; no shots are given in the crew's
//! break (the stop stays set up, its slots skip the break); a stop's shots follow from its
//! slots. [`lay_out`] builds a day from an order of stops and what each needs; [`check`] is the
//! independent judge of any timetable. Times are minutes after midnight. Pure.

use serde::Serialize;

/// How a van works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Van {
    /// The days it works (0 is the plan's first day).
    pub days: Vec<u32>,
    /// The crew's day: from.
    pub start: u32,
    /// The crew's day: until.
    pub end: u32,
    /// Minutes to set up at a stop before the first shot.
    pub setup: u32,
    /// Minutes to pack up after the last shot.
    pub packup: u32,
    /// Length of a slot, minutes.
    pub slot_minutes: u32,
    /// Shots in a slot (the van's shots per hour × slot length / 60).
    pub shots_per_slot: u32,
    /// The crew's break: from, and how long; no shots then.
    pub rest: Option<(u32, u32)>,
    /// At most this many stops a day.
    pub stops_per_day: u32,
}

/// One stop of a van's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StopTime {
    /// The candidate point.
    pub candidate: u32,
    /// Arrives (then sets up).
    pub arrive: u32,
    /// The vaccination slots, `[from, until)`, in order.
    pub slots: Vec<(u32, u32)>,
    /// Leaves (after packing up).
    pub leave: u32,
    /// Shots it can give: slots × shots per slot.
    pub capacity: u32,
}

impl StopTime {
    /// The first shot (the arrival when it has no slot).
    pub fn opens(&self) -> u32 {
        self.slots.first().map_or(self.arrive, |s| s.0)
    }
    /// The end of the last slot (the arrival when it has none).
    pub fn closes(&self) -> u32 {
        self.slots.last().map_or(self.arrive, |s| s.1)
    }
}

/// One van's stops on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VanDay {
    /// Index of the van.
    pub van: u32,
    /// The day.
    pub day: u32,
    /// Its stops, in the order it makes them.
    pub stops: Vec<StopTime>,
}

/// The next slot start at or after `t` that does not run into the break.
fn slot_from(van: &Van, t: u32) -> u32 {
    match van.rest {
        Some((from, len)) if t < from + len && t + van.slot_minutes > from => from + len,
        _ => t,
    }
}

/// Lays out a day from the order of its stops and how many slots each gets; `None` when it
/// does not fit in the crew's day.
fn simulate(
    van: &Van,
    order: &[u32],
    slots: &[u32],
    moves: &dyn Fn(u32, u32) -> u32,
) -> Option<Vec<StopTime>> {
    let mut t = van.start;
    let mut out = Vec::with_capacity(order.len());
    for (k, (&c, &n)) in order.iter().zip(slots).enumerate() {
        if k > 0 {
            t += moves(order[k - 1], c);
        }
        let arrive = t;
        let mut at = arrive + van.setup;
        let mut laid = Vec::with_capacity(n as usize);
        for _ in 0..n {
            at = slot_from(van, at);
            laid.push((at, at + van.slot_minutes));
            at += van.slot_minutes;
        }
        let closes = laid.last().map_or(arrive + van.setup, |s| s.1);
        t = closes + van.packup;
        out.push(StopTime {
            candidate: c,
            arrive,
            slots: laid,
            leave: t,
            capacity: n * van.shots_per_slot,
        });
    }
    (t <= van.end).then_some(out)
}

/// Lays out a van's day: the stops in `order`, each with one slot, then slots given one at a
/// time to the stop that still needs the most (`needs`, in shots), while the day has room;
/// once every need is met, the room left goes round the stops in turn (for those who walk up
/// unbooked). Stops that cannot each have a slot are dropped from the end. Returns the stops
/// as laid out.
pub fn lay_out(
    van: &Van,
    order: &[u32],
    needs: &[u32],
    moves: &dyn Fn(u32, u32) -> u32,
) -> Vec<StopTime> {
    let mut order = order.to_vec();
    let mut needs = needs.to_vec();
    if van.slot_minutes == 0 {
        return Vec::new();
    }
    // Drop stops from the end until each can have one slot: a stop is worth the van's drive
    // only if it vaccinates.
    while !order.is_empty() && simulate(van, &order, &vec![1; order.len()], moves).is_none() {
        order.pop();
        needs.pop();
    }
    let mut slots = vec![1u32; order.len()];
    if order.is_empty() {
        return Vec::new();
    }
    let per = van.shots_per_slot.max(1);
    let mut full = vec![false; order.len()];
    let mut turn = 0usize;
    loop {
        // The stop with the most unmet need, else the next in turn that can still grow.
        let unmet = (0..order.len())
            .filter(|&k| !full[k] && needs[k] > slots[k] * per)
            .max_by_key(|&k| (needs[k] - slots[k] * per, std::cmp::Reverse(k)));
        let k = match unmet {
            Some(k) => k,
            None => match (0..order.len())
                .map(|i| (turn + i) % order.len())
                .find(|&k| !full[k])
            {
                Some(k) => {
                    turn = k + 1;
                    k
                }
                None => break,
            },
        };
        slots[k] += 1;
        if simulate(van, &order, &slots, moves).is_none() {
            slots[k] -= 1;
            full[k] = true;
        }
    }
    simulate(van, &order, &slots, moves).unwrap_or_default()
}

/// What is wrong with a set of van days, if anything: each van works only its days, once a
/// day, at most its stops a day; each stop is reached after the drive from the one before,
/// set up before its first slot, its slots of the van's length, in order, clear of the break
/// and of each other, packed up before it leaves; the day within the crew's hours; and each
/// stop's shots its slots × shots per slot.
pub fn check(days: &[VanDay], vans: &[Van], moves: &dyn Fn(u32, u32) -> u32) -> Result<(), String> {
    let mut worked = std::collections::HashSet::new();
    for d in days {
        let van = vans
            .get(d.van as usize)
            .ok_or_else(|| format!("van {} does not exist", d.van))?;
        let at = format!("van {} day {}", d.van, d.day);
        if !van.days.contains(&d.day) {
            return Err(format!("{at}: the van does not work that day"));
        }
        if !worked.insert((d.van, d.day)) {
            return Err(format!("{at}: the van is given two timetables for one day"));
        }
        if d.stops.len() > van.stops_per_day as usize {
            return Err(format!(
                "{at}: {} stops, at most {}",
                d.stops.len(),
                van.stops_per_day
            ));
        }
        let mut free_from = van.start;
        let mut last: Option<u32> = None;
        for s in &d.stops {
            let drive = last.map_or(0, |l| moves(l, s.candidate));
            if s.arrive < free_from + drive {
                return Err(format!(
                    "{at}: reaches stop {} at {} but cannot before {}",
                    s.candidate,
                    s.arrive,
                    free_from + drive
                ));
            }
            let mut ready = s.arrive + van.setup;
            for &(from, until) in &s.slots {
                if from < ready || until != from + van.slot_minutes {
                    return Err(format!(
                        "{at}: slot {from}–{until} at stop {} is out of place",
                        s.candidate
                    ));
                }
                if let Some((r, len)) = van.rest
                    && from < r + len
                    && until > r
                {
                    return Err(format!("{at}: slot {from}–{until} falls in the break"));
                }
                ready = until;
            }
            if s.leave < ready + van.packup {
                return Err(format!(
                    "{at}: leaves stop {} before packing up",
                    s.candidate
                ));
            }
            if s.capacity != s.slots.len() as u32 * van.shots_per_slot {
                return Err(format!(
                    "{at}: stop {} claims {} shots",
                    s.candidate, s.capacity
                ));
            }
            free_from = s.leave;
            last = Some(s.candidate);
        }
        if free_from > van.end {
            return Err(format!(
                "{at}: the day ends at {free_from}, after {}",
                van.end
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    fn van() -> Van {
        Van {
            days: vec![0, 1],
            start: 8 * 60,
            end: 17 * 60,
            setup: 20,
            packup: 15,
            slot_minutes: 30,
            shots_per_slot: 6,
            rest: Some((12 * 60, 60)),
            stops_per_day: 3,
        }
    }

    #[test]
    fn a_day_of_two_stops_fills_the_crews_hours_around_the_break() {
        let v = van();
        let moves = |_: u32, _: u32| 25;
        let stops = lay_out(&v, &[4, 9], &[30, 30], &moves);
        check(
            &[VanDay {
                van: 0,
                day: 1,
                stops: stops.clone(),
            }],
            std::slice::from_ref(&v),
            &moves,
        )
        .expect("valid");
        assert_eq!(stops[0].arrive, 8 * 60);
        assert_eq!(stops[0].opens(), 8 * 60 + 20);
        // 9 h minus 2 set-ups, 2 pack-ups and one drive leave 445 min; the break may fall in
        // the pack-up, the drive and the set-up (no shots are lost then): 14 slots, 7 each.
        let total: usize = stops.iter().map(|s| s.slots.len()).sum();
        assert_eq!(total, 14, "{stops:?}");
        assert!(stops.iter().all(|s| s.capacity == 42), "{stops:?}");
        assert!(stops[1].leave <= v.end);
        assert!(
            stops
                .iter()
                .flat_map(|s| &s.slots)
                .all(|&(f, u)| u <= 12 * 60 || f >= 13 * 60),
            "{stops:?}"
        );
    }

    #[test]
    fn slots_go_first_where_more_elders_wait() {
        let v = Van {
            rest: None,
            ..van()
        };
        let moves = |_: u32, _: u32| 10;
        let stops = lay_out(&v, &[1, 2], &[12, 60], &moves);
        // The first stop gets the two slots its 12 elders need; the second the rest.
        assert_eq!(stops.iter().map(|s| s.slots.len()).sum::<usize>(), 15);
        assert!(
            stops[0].capacity >= 12 && stops[1].capacity >= 60,
            "{stops:?}"
        );
        assert!(stops[1].slots.len() > stops[0].slots.len());
    }

    #[test]
    fn every_stop_made_vaccinates() {
        // Four hours, two stops: the big one does not take every slot.
        let v = Van {
            start: 8 * 60,
            end: 12 * 60,
            setup: 15,
            packup: 15,
            rest: None,
            ..van()
        };
        let moves = |_: u32, _: u32| 10;
        let stops = lay_out(&v, &[1, 2], &[100, 10], &moves);
        assert_eq!(stops.len(), 2);
        assert!(stops.iter().all(|s| !s.slots.is_empty()), "{stops:?}");
    }

    #[test]
    fn a_stop_that_does_not_fit_the_day_is_dropped() {
        let v = van();
        let far = |_: u32, _: u32| 400;
        let stops = lay_out(&v, &[1, 2, 3], &[10, 10, 10], &far);
        assert_eq!(stops.len(), 2, "{stops:?}");
        check(
            &[VanDay {
                van: 0,
                day: 0,
                stops,
            }],
            &[v],
            &far,
        )
        .expect("valid");
    }

    #[test]
    fn the_checker_catches_each_broken_rule() {
        let v = van();
        let moves = |_: u32, _: u32| 30;
        let good = lay_out(&v, &[1, 2], &[20, 20], &moves);
        let day = |stops: Vec<StopTime>| {
            vec![VanDay {
                van: 0,
                day: 0,
                stops,
            }]
        };
        check(&day(good.clone()), std::slice::from_ref(&v), &moves).expect("valid");
        let mut bad = good.clone();
        bad[1].arrive = bad[0].leave + 5; // the drive takes 30
        assert!(
            check(&day(bad), std::slice::from_ref(&v), &moves)
                .unwrap_err()
                .contains("cannot before")
        );
        let mut bad = good.clone();
        bad[0].slots[0].0 -= 10; // into the set-up
        assert!(check(&day(bad), std::slice::from_ref(&v), &moves).is_err());
        let mut bad = good.clone();
        bad[0].capacity += 1;
        assert!(check(&day(bad), std::slice::from_ref(&v), &moves).is_err());
        let mut bad = good.clone();
        bad[0].leave = bad[0].closes();
        assert!(
            check(&day(bad), std::slice::from_ref(&v), &moves)
                .unwrap_err()
                .contains("packing")
        );
        let twice = [day(good.clone()), day(good.clone())].concat();
        assert!(
            check(&twice, std::slice::from_ref(&v), &moves)
                .unwrap_err()
                .contains("two timetables")
        );
        let other_day = vec![VanDay {
            van: 0,
            day: 5,
            stops: good,
        }];
        assert!(
            check(&other_day, &[v], &moves)
                .unwrap_err()
                .contains("does not work")
        );
    }

    /// Random vans, orders, needs and drives: every laid-out day passes the checker, and no
    /// stop could take one more slot without the day running over (the day is full) unless
    /// it already meets its need and the others' turn is not done.
    #[test]
    fn every_laid_out_day_passes_the_checker() {
        for seed in 0..500u64 {
            let mut rng = SmallRng::seed_from_u64(seed);
            let start = rng.random_range(6 * 60..10 * 60);
            let v = Van {
                days: vec![0],
                start,
                end: start + rng.random_range(60..11 * 60),
                setup: rng.random_range(0..40),
                packup: rng.random_range(0..40),
                slot_minutes: [15, 20, 30, 60][rng.random_range(0..4)],
                shots_per_slot: rng.random_range(1..12),
                rest: rng.random_bool(0.6).then(|| {
                    (
                        rng.random_range(start..start + 400),
                        rng.random_range(15..90),
                    )
                }),
                stops_per_day: 4,
            };
            let k = rng.random_range(0..=4);
            let order: Vec<u32> = (0..k).collect();
            let needs: Vec<u32> = (0..k).map(|_| rng.random_range(0..80)).collect();
            let table: Vec<Vec<u32>> = (0..4)
                .map(|_| (0..4).map(|_| rng.random_range(0..90)).collect())
                .collect();
            let moves = move |a: u32, b: u32| table[a as usize][b as usize];
            let stops = lay_out(&v, &order, &needs, &moves);
            check(
                &[VanDay {
                    van: 0,
                    day: 0,
                    stops: stops.clone(),
                }],
                std::slice::from_ref(&v),
                &moves,
            )
            .unwrap_or_else(|e| panic!("seed {seed}: {e}: {stops:?}"));
            assert!(
                stops.iter().all(|s| !s.slots.is_empty()),
                "seed {seed}: a stop without a slot: {stops:?}"
            );
            // Full: one more slot anywhere runs over the day.
            let kept: Vec<u32> = stops.iter().map(|s| s.candidate).collect();
            let slots: Vec<u32> = stops.iter().map(|s| s.slots.len() as u32).collect();
            for i in 0..kept.len() {
                let mut more = slots.clone();
                more[i] += 1;
                assert!(
                    simulate(&v, &kept, &more, &moves).is_none(),
                    "seed {seed}: stop {i} could have one more slot: {stops:?}"
                );
            }
        }
    }
}
