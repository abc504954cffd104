//! Van stops judged by what the days can really serve (issue 16): the walkers a stop reaches go
//! on foot, and everyone else who needs a dose — riders, and walkers no stop takes — is booked
//! for a ride, to a fixed site or to a van stop, and planned by the day's solver with the
//! volunteer fleet, day by day. [`Judge`] scores a set of van days that way (remembering the
//! days it has planned, so that a change to one day plans only the days it touches);
//! [`couple`] searches the stops (one swapped at a time, each candidate set laid out and
//! judged, as many at once as it has threads) from the covering proposal, the "cover first,
//! then route" answer it is measured against. Pure: the travel times, the seed, the budget and
//! the solver's iterations are passed in.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use vaxride_solver::Budget;

use super::propose::{VanPlanning, arrange, place};
use super::timetable::VanDay;
use crate::model::{Point, Site, SiteKind, Vehicle};
use crate::plan::{PlanBooking, PlanInput};
use crate::planning::{Budgets, Silent, plan_day};
use crate::solve::PlanOptions;
use crate::travel::TravelTimes;
use crate::values::{Day, Shot, Weekdays};

/// One day's riding side: everyone who would ride that day, the fixed sites and the fleet.
#[derive(Debug, Clone)]
pub struct RidingDay {
    /// The day.
    pub day: Day,
    /// Its index among the [`VanPlanning`]'s days (`VanDay::day`).
    pub index: u32,
    /// Everyone who would ride that day, as the booking they have or would have.
    pub elders: Vec<PlanBooking>,
    /// For each of them, their index among the walkers of the [`VanPlanning`], if a walker
    /// (who rides only when no van stop takes them).
    pub walker: Vec<Option<u32>>,
    /// The sites open that day (van stops already made included).
    pub sites: Vec<Site>,
    /// The volunteer fleet on duty.
    pub vehicles: Vec<Vehicle>,
}

/// The riding side of every van day.
#[derive(Debug, Clone)]
pub struct Riding {
    /// The days.
    pub days: Vec<RidingDay>,
    /// Where each candidate point is.
    pub candidates: Vec<Point>,
}

/// A set of van days as the days would run it.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// The vans' days.
    pub days: Vec<VanDay>,
    /// Priority-weighted elders who walk to a van.
    pub on_foot: u64,
    /// Priority-weighted elders the fleet brings (to a site or a van).
    pub by_ride: u64,
    /// Elders served, on foot or by ride.
    pub served: usize,
    /// Seconds the volunteers drive.
    pub driving: i64,
}

impl Judged {
    /// All the weight served.
    pub fn value(&self) -> u64 {
        self.on_foot + self.by_ride
    }

    /// Better: more weight served, then less driving.
    pub fn beats(&self, other: &Judged) -> bool {
        (self.value(), -self.driving) > (other.value(), -other.driving)
    }
}

/// Ids the van stops get as sites of the day's plan (the fixed sites keep theirs).
const VAN_SITE: i64 = 1 << 40;

/// One day's rides as planned: weight brought, elders brought, driving seconds.
type Rides = (u64, usize, i64);

/// Whether to stop at once (the caller's deadline passed, or the run was cancelled).
pub type Halt = Arc<dyn Fn() -> bool + Send + Sync>;

/// The day's solver's iterations for one judgement, cut short by a [`Halt`] once armed.
struct Halting {
    iterations: u64,
    halt: Option<(Halt, Arc<AtomicBool>)>,
    halted: Arc<AtomicBool>,
}

impl Budgets for Halting {
    fn budget(&self, share: f64) -> Box<dyn Budget + Send> {
        Box::new(HaltingBudget {
            inner: vaxride_solver::IterationBudget((self.iterations as f64 * share) as u64),
            halt: self.halt.clone(),
            halted: self.halted.clone(),
        })
    }
}

struct HaltingBudget {
    inner: vaxride_solver::IterationBudget,
    halt: Option<(Halt, Arc<AtomicBool>)>,
    halted: Arc<AtomicBool>,
}

impl Budget for HaltingBudget {
    fn progress(&mut self, iteration: u64) -> Option<f64> {
        if let Some((halt, armed)) = &self.halt
            && armed.load(Ordering::Relaxed)
            && halt()
        {
            self.halted.store(true, Ordering::SeqCst);
            return None;
        }
        self.inner.progress(iteration)
    }
}

/// Scores van days: walkers placed exactly on the stops; the van stops become sites whose
/// slots keep for riders what the walkers leave; everyone not on foot rides on their day,
/// planned with `iterations` of the day's search.
pub struct Judge<'a> {
    input: &'a VanPlanning,
    riding: &'a Riding,
    travel: &'a dyn TravelTimes,
    seed: u64,
    iterations: u64,
    planned: Mutex<HashMap<u64, Rides>>,
    halt: Option<Halt>,
    armed: Arc<AtomicBool>,
    halted: Arc<AtomicBool>,
}

impl<'a> Judge<'a> {
    /// A judge of van days over `input` and `riding`.
    pub fn new(
        input: &'a VanPlanning,
        riding: &'a Riding,
        travel: &'a dyn TravelTimes,
        seed: u64,
        iterations: u64,
    ) -> Judge<'a> {
        Judge {
            input,
            riding,
            travel,
            seed,
            iterations,
            planned: Mutex::default(),
            halt: None,
            armed: Arc::default(),
            halted: Arc::default(),
        }
    }

    /// A judge whose judgements stop short when `halt` says so, once [`couple`] has judged
    /// its start (a judgement cut short is not remembered, and [`couple`] drops its round).
    pub fn halting(mut self, halt: Halt) -> Judge<'a> {
        self.halt = Some(halt);
        self
    }

    /// Whether a judgement was cut short.
    pub fn halted(&self) -> bool {
        self.halted.load(Ordering::SeqCst)
    }

    /// Judges `days`.
    pub fn judge(&self, days: Vec<VanDay>) -> Judged {
        let proposal = place(self.input, days);
        let mut walkers_at: HashMap<(u32, u32), u32> = HashMap::new();
        for a in proposal.assigned.iter().flatten() {
            *walkers_at.entry(*a).or_default() += 1;
        }
        let mut judged = Judged {
            days: Vec::new(),
            on_foot: 0,
            by_ride: 0,
            served: 0,
            driving: 0,
        };
        for rd in &self.riding.days {
            let mut sites = rd.sites.clone();
            for (d, day) in proposal.days.iter().enumerate() {
                if day.day == rd.index {
                    sites.extend(self.van_sites(rd, d, day, &walkers_at));
                }
            }
            let bookings: Vec<PlanBooking> = rd
                .elders
                .iter()
                .zip(&rd.walker)
                .filter(|(e, w)| {
                    let walks = w.is_some_and(|w| proposal.assigned[w as usize].is_some());
                    if walks {
                        judged.on_foot += e.priority.max(1) as u64;
                        judged.served += 1;
                    }
                    !walks
                })
                .map(|(e, _)| e.clone())
                .collect();
            let (weight, rode, driving) = self.rides(rd, bookings, sites);
            judged.by_ride += weight;
            judged.served += rode;
            judged.driving += driving;
        }
        // Walkers who ride on none of the days (none was given one) but walk to a stop.
        let riding_walkers: std::collections::HashSet<u32> = self
            .riding
            .days
            .iter()
            .flat_map(|rd| rd.walker.iter().flatten().copied())
            .collect();
        for (w, a) in proposal.assigned.iter().enumerate() {
            if a.is_some() && !riding_walkers.contains(&(w as u32)) {
                judged.on_foot += u64::from(self.input.weights[w].max(1));
                judged.served += 1;
            }
        }
        judged.days = proposal.days;
        judged
    }

    /// The sites a van's day makes for riders: one per vaccinating stretch of a stop (none of
    /// its slots in the crew's break), keeping the shots the walkers sent there need.
    fn van_sites(
        &self,
        rd: &RidingDay,
        d: usize,
        day: &VanDay,
        walkers_at: &HashMap<(u32, u32), u32>,
    ) -> Vec<Site> {
        let van = &self.input.vans[day.van as usize];
        let mut sites = Vec::new();
        for (s, stop) in day.stops.iter().enumerate() {
            let walking = walkers_at.get(&(d as u32, s as u32)).copied().unwrap_or(0);
            let left = stop.capacity.saturating_sub(walking);
            if left == 0 {
                continue;
            }
            for (k, (from, to)) in super::request::stretches(&stop.slots)
                .into_iter()
                .enumerate()
            {
                sites.push(Site {
                    id: VAN_SITE + ((d * 100 + s) * 10 + k) as i64,
                    name: format!("van {} stop {}", day.van, s + 1),
                    kind: SiteKind::VanStop,
                    location: self.riding.candidates[stop.candidate as usize],
                    open_days: Weekdays::parse("1234567").expect("every day"),
                    open_from: i64::from(from) * 60,
                    open_to: i64::from(to) * 60,
                    slot_minutes: i64::from(van.slot_minutes),
                    capacity_per_slot: i64::from(van.shots_per_slot),
                    booked_share: f64::from(left) / f64::from(stop.capacity.max(1)),
                    doses: vec![Shot::First, Shot::Second, Shot::Booster],
                    day: Some(rd.day.clone()),
                });
            }
        }
        sites
    }

    /// Plans one day's riders to `sites` (remembered: the same riders and van sites are
    /// planned once).
    fn rides(&self, rd: &RidingDay, bookings: Vec<PlanBooking>, sites: Vec<Site>) -> Rides {
        let key = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            rd.index.hash(&mut h);
            for b in &bookings {
                b.booking_id.hash(&mut h);
            }
            for s in sites.iter().filter(|s| s.id >= VAN_SITE) {
                (s.location.lon.to_bits(), s.location.lat.to_bits()).hash(&mut h);
                (s.open_from, s.open_to, s.capacity_per_slot).hash(&mut h);
                s.booked_share.to_bits().hash(&mut h);
            }
            h.finish()
        };
        if let Some(r) = self.planned.lock().expect("judge memo").get(&key) {
            return *r;
        }
        let plan_input = PlanInput {
            day: rd.day.clone(),
            bookings,
            sites,
            vehicles: rd.vehicles.clone(),
        };
        let options = PlanOptions {
            seed: self.seed,
            ..PlanOptions::default()
        };
        let budgets = Halting {
            iterations: self.iterations,
            halt: self.halt.clone().map(|h| (h, self.armed.clone())),
            halted: self.halted.clone(),
        };
        let rides = match plan_day(&plan_input, self.travel, options, &budgets, &Silent) {
            Ok(plan) => {
                let r = plan.result();
                let unserved: std::collections::HashSet<i64> =
                    r.unserved.iter().map(|u| u.booking_id).collect();
                let weight: u64 = plan_input
                    .bookings
                    .iter()
                    .filter(|b| !unserved.contains(&b.booking_id))
                    .map(|b| b.priority.max(1) as u64)
                    .sum();
                (
                    weight,
                    plan_input.bookings.len() - unserved.len(),
                    r.figures.driver_seconds,
                )
            }
            Err(_) => (0, 0, 0),
        };
        if !self.halted() {
            self.planned.lock().expect("judge memo").insert(key, rides);
        }
        rides
    }
}

/// Judges `days` once (see [`Judge`]).
pub fn judge(
    input: &VanPlanning,
    riding: &Riding,
    days: Vec<VanDay>,
    travel: &dyn TravelTimes,
    seed: u64,
    iterations: u64,
) -> Judged {
    Judge::new(input, riding, travel, seed, iterations).judge(days)
}

/// Searches the van stops by what the days serve: from `start` (the covering proposal's
/// days), while `budget` lasts, one chosen stop is swapped for another candidate — one near
/// elders who are not served, more often than not —, the days laid out again and judged; a set
/// that serves more (or as much with less driving) is kept. Each round tries `threads` sets at
/// once; `improved` hears of each better set. The same seed and threads, the same answer.
pub fn couple(
    judge: &Judge,
    start: Vec<VanDay>,
    seed: u64,
    threads: usize,
    budget: &mut dyn Budget,
    improved: &mut dyn FnMut(&Judged),
) -> Judged {
    let (input, riding) = (judge.input, judge.riding);
    let m = input.reach.len();
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut best = judge.judge(start);
    improved(&best);
    // From here on a judgement may be cut short by the caller's halt.
    judge.armed.store(true, Ordering::SeqCst);
    let chosen_of = |days: &[VanDay]| -> Vec<u32> {
        days.iter()
            .flat_map(|d| d.stops.iter().map(|s| s.candidate))
            .collect()
    };
    // What each candidate could draw: the walkers it reaches, and the riders living within
    // twice the walking reach of it (straight line), by weight.
    let near: Vec<u64> = (0..m)
        .map(|j| {
            let at = riding.candidates[j];
            riding
                .days
                .iter()
                .flat_map(|rd| rd.elders.iter().zip(&rd.walker))
                .filter(|(e, w)| w.is_none() && crate::travel::haversine_m(e.home, at) <= 1_000.0)
                .map(|(e, _)| e.priority.max(1) as u64)
                .sum::<u64>()
                + input.reach[j]
                    .iter()
                    .map(|&i| u64::from(input.weights[i as usize]))
                    .sum::<u64>()
        })
        .collect();
    let needs: Vec<u32> = near
        .iter()
        .map(|&n| n.min(u64::from(u32::MAX)) as u32)
        .collect();
    let mut ranked: Vec<u32> = (0..m as u32).collect();
    ranked.sort_by_key(|&j| (std::cmp::Reverse(near[j as usize]), j));
    let top = ranked.len().clamp(1, 30);
    let threads = threads.max(1);
    let mut round = 0u64;
    while budget.progress(round).is_some() {
        round += 1;
        let chosen = chosen_of(&best.days);
        if chosen.is_empty() || m <= chosen.len() {
            break;
        }
        let pick = |rng: &mut SmallRng| -> u32 {
            if rng.random_bool(0.7) {
                ranked[rng.random_range(0..top)]
            } else {
                rng.random_range(0..m as u32)
            }
        };
        let mut sets = Vec::with_capacity(threads);
        for _ in 0..threads {
            let mut incoming = pick(&mut rng);
            for _ in 0..20 {
                if !chosen.contains(&incoming) {
                    break;
                }
                incoming = pick(&mut rng);
            }
            if chosen.contains(&incoming) {
                continue;
            }
            let mut next = chosen.clone();
            let out = rng.random_range(0..next.len());
            next[out] = incoming;
            sets.push(next);
        }
        let tried: Vec<Judged> = if sets.len() > 1 {
            std::thread::scope(|s| {
                let handles: Vec<_> = sets
                    .iter()
                    .map(|next| s.spawn(|| judge.judge(arrange(input, next, &needs))))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a judging thread"))
                    .collect()
            })
        } else {
            sets.iter()
                .map(|next| judge.judge(arrange(input, next, &needs)))
                .collect()
        };
        if judge.halted() {
            break;
        }
        for t in tried {
            if t.beats(&best) {
                best = t;
                improved(&best);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::travel::StraightLines;
    use crate::values::{Dose, Mobility};
    use crate::vanplan::propose::propose;
    use crate::vanplan::timetable::{Van, check};

    /// Ten walkers in block A, six elders in wheelchairs in block B 2 km away, a fixed site
    /// between with four shots, one ramp van of the fleet, one vaccination van stopping once.
    fn day() -> (VanPlanning, Riding) {
        let p = |x: f64, y: f64| Point {
            lon: 116.40 + x / 85_400.0,
            lat: 39.90 + y / 111_200.0,
        };
        let mut elders = Vec::new();
        let mut walker = Vec::new();
        for i in 0..16 {
            let walks = i < 10;
            let (x, y) = if walks { (-1000.0, 0.0) } else { (1000.0, 0.0) };
            elders.push(PlanBooking {
                booking_id: i + 1,
                community_id: 1,
                home: p(x + (i as f64) * 10.0, y),
                mobility: if walks {
                    Mobility::Walks
                } else {
                    Mobility::Wheelchair
                },
                companions: 0,
                dose: Dose::None,
                priority: 1,
                window: (8 * 3600, 11 * 3600),
                site_id: None,
                return_wanted: false,
                dwell_minutes: 40,
            });
            walker.push(walks.then_some(i as u32));
        }
        let candidates = vec![p(-1000.0, 0.0), p(1000.0, 0.0)];
        let homes: Vec<Point> = elders[..10].iter().map(|e| e.home).collect();
        let every = Weekdays::parse("1234567").expect("every day");
        let site = Site {
            id: 1,
            name: "centre".into(),
            kind: SiteKind::Fixed,
            location: p(0.0, 0.0),
            open_days: every,
            open_from: 8 * 3600,
            open_to: 12 * 3600,
            slot_minutes: 60,
            capacity_per_slot: 1,
            booked_share: 1.0,
            doses: vec![Shot::First, Shot::Second, Shot::Booster],
            day: None,
        };
        let vehicle = Vehicle {
            id: 1,
            name: "ramp van".into(),
            seats: 2,
            wheelchairs: 2,
            features: vec!["ramp".into()],
            shift_from: 7 * 3600,
            team: None,
            shift_to: 18 * 3600,
            start: p(0.0, 0.0),
        };
        let input = VanPlanning {
            weights: vec![1; 10],
            reach: StraightLines.walkable(&candidates, &homes, 500.0),
            vans: vec![Van {
                days: vec![0],
                start: 8 * 60,
                end: 12 * 60,
                setup: 15,
                packup: 15,
                slot_minutes: 30,
                shots_per_slot: 3,
                rest: None,
                stops_per_day: 1,
            }],
            drive: vec![vec![0, 7], vec![7, 0]],
        };
        let riding = Riding {
            days: vec![RidingDay {
                day: Day::parse("2026-12-08").expect("a day"),
                index: 0,
                elders,
                walker,
                sites: vec![site],
                vehicles: vec![vehicle],
            }],
            candidates,
        };
        (input, riding)
    }

    #[test]
    fn a_judged_day_counts_the_walkers_on_foot_and_the_riders_the_fleet_brings() {
        let (input, riding) = day();
        let covered = propose(&input, 1, 100);
        // Covering alone goes where the walkers are.
        assert_eq!(covered.days[0].stops[0].candidate, 0);
        let j = judge(&input, &riding, covered.days, &StraightLines, 1, 300);
        let drive = |a: u32, b: u32| input.drive[a as usize][b as usize];
        check(&j.days, &input.vans, &drive).expect("a valid timetable");
        assert_eq!(j.on_foot, 10);
        // The six riders are brought: to the fixed site (four shots) and to the van stop's
        // shots the walkers leave (21 − 10).
        assert_eq!(j.by_ride, 6, "{j:?}");
        assert_eq!(j.served as u64, j.on_foot + j.by_ride);
    }

    #[test]
    fn a_halted_search_keeps_its_start_whole() {
        let (input, riding) = day();
        let covered = propose(&input, 1, 100);
        let whole = Judge::new(&input, &riding, &StraightLines, 1, 300).judge(covered.days.clone());
        let halting =
            Judge::new(&input, &riding, &StraightLines, 1, 300).halting(Arc::new(|| true));
        let found = couple(
            &halting,
            covered.days,
            1,
            2,
            &mut vaxride_solver::IterationBudget(50),
            &mut |_| {},
        );
        assert!(halting.halted(), "the first round is cut short");
        assert_eq!(
            found, whole,
            "the start is judged whole, the cut round dropped"
        );
    }

    #[test]
    fn the_coupled_search_keeps_the_best_set_it_judges() {
        let (input, riding) = day();
        let covered = propose(&input, 1, 100);
        let start = judge(
            &input,
            &riding,
            covered.days.clone(),
            &StraightLines,
            1,
            300,
        );
        let judge = Judge::new(&input, &riding, &StraightLines, 1, 300);
        for threads in [1, 2] {
            let mut heard = Vec::new();
            let found = couple(
                &judge,
                covered.days.clone(),
                1,
                threads,
                &mut vaxride_solver::IterationBudget(4),
                &mut |j| heard.push(j.value()),
            );
            assert!(found.value() >= start.value(), "{found:?} {start:?}");
            assert_eq!(
                heard.first(),
                Some(&start.value()),
                "the start is heard first"
            );
            assert_eq!(heard.last(), Some(&found.value()), "and the best last");
            let drive = |a: u32, b: u32| input.drive[a as usize][b as usize];
            check(&found.days, &input.vans, &drive).expect("a valid timetable");
        }
    }
}
