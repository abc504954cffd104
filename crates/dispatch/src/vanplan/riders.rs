//! The coordinator's proposal judged with the fleet (issue 16): the covering proposal is the
//! start, and [`couple`] searches from it for the van days under which the day's solver serves
//! the most. Each van day's riders are the day's bookings as they stand (a home visit left
//! out: a team makes it, whatever the vans do) and the elders on the roster who need a dose
//! and have no booking on any of the days — walkers no stop takes, and those who cannot walk —
//! spread over the days in turn, each as the ride they would be booked for (any time of the
//! day, home again after the shot). Pure: the days' bookings, sites and fleet, the travel
//! times, the budget and the seed are passed in.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use vaxride_solver::Budget;

use super::couple::{Halt, Judge, Judged, Riding, RidingDay, couple};
use super::propose::{place, propose};
use super::request::{Prepared, VanPlanRequest, VanPlanView, prepare, view};
use crate::model::{Elder, TimePreference};
use crate::plan::{PlanBooking, PlanInput};
use crate::travel::TravelTimes;
use crate::values::Mobility;

/// Booking ids of the rides elders would be booked for: this plus the elder's id.
pub const WOULD_RIDE: i64 = 1 << 41;
/// Minutes at a site of a ride one would book (the booking's default).
const DWELL_MINUTES: i64 = 30;

/// How the search goes.
#[derive(Debug, Clone, Copy)]
pub struct Search {
    /// Seed.
    pub seed: u64,
    /// Sets judged at once.
    pub threads: usize,
    /// The covering search's swaps.
    pub cover_iterations: u64,
    /// The day's solver's iterations for each day judged.
    pub iterations: u64,
    /// At most this many riders a day: the day's bookings (all of them, even beyond it), then
    /// the most urgent of those who would ride while the day has room: the fleet brings only
    /// so many, and each judgement plans them.
    pub riders_per_day: usize,
}

/// What a set of van days serves, as the days would run it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DaysServed {
    /// Elders served, on foot or by ride.
    pub served: usize,
    /// Their priority weight.
    pub weight: u64,
    /// The weight of those who walk to a van.
    pub on_foot: u64,
    /// The weight of those the fleet brings.
    pub by_ride: u64,
    /// Minutes the volunteers drive.
    pub driving_minutes: i64,
}

impl From<&Judged> for DaysServed {
    fn from(j: &Judged) -> DaysServed {
        DaysServed {
            served: j.served,
            weight: j.value(),
            on_foot: j.on_foot,
            by_ride: j.by_ride,
            driving_minutes: (j.driving + 59) / 60,
        }
    }
}

/// The coupled answer: the proposal found, and what the covering proposal and it serve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoupledView {
    /// The proposal found.
    #[serde(flatten)]
    pub view: VanPlanView,
    /// What "cover first, then route" serves.
    pub cover: DaysServed,
    /// What the proposal found serves.
    pub coupled: DaysServed,
}

/// Each van day's riding side. `inputs` are the days' bookings, sites and fleet (one per day
/// of `prepared`, matched by day); `booked` the elders with a booking on one of the days; at
/// most `per_day` riders a day, the most urgent first (a walker left out still walks).
pub fn riding(
    prepared: &Prepared,
    elders: &[Elder],
    booked: &HashSet<i64>,
    inputs: &[PlanInput],
    per_day: usize,
) -> Riding {
    let mut days: Vec<RidingDay> = prepared
        .days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let input = inputs.iter().find(|p| p.day == *day);
            let elders: Vec<PlanBooking> = input
                .map(|p| {
                    p.bookings
                        .iter()
                        .filter(|b| b.mobility != Mobility::Bedridden)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            RidingDay {
                day: day.clone(),
                index: i as u32,
                walker: vec![None; elders.len()],
                elders,
                sites: input.map(|p| p.sites.clone()).unwrap_or_default(),
                vehicles: input.map(|p| p.vehicles.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let walker_of: HashMap<i64, u32> = prepared
        .walkers
        .iter()
        .enumerate()
        .map(|(w, e)| (e.id, w as u32))
        .collect();
    let window = TimePreference::Any.window();
    if !days.is_empty() {
        let mut would_ride: Vec<&Elder> = elders
            .iter()
            .filter(|e| {
                e.dose.next_shot().is_some()
                    && e.mobility != Mobility::Bedridden
                    && !booked.contains(&e.id)
            })
            .collect();
        would_ride.sort_by_key(|e| (std::cmp::Reverse(e.priority), e.id));
        let n = days.len();
        for (k, e) in would_ride.into_iter().enumerate() {
            let day = &mut days[k % n];
            if day.elders.len() >= per_day {
                continue;
            }
            day.walker.push(walker_of.get(&e.id).copied());
            day.elders.push(PlanBooking {
                booking_id: WOULD_RIDE + e.id,
                community_id: e.community_id,
                home: e.home,
                mobility: e.mobility,
                companions: e.companions,
                dose: e.dose,
                priority: e.priority,
                window: (window.from(), window.to()),
                site_id: None,
                return_wanted: true,
                dwell_minutes: DWELL_MINUTES,
            });
        }
    }
    Riding {
        days,
        candidates: prepared.points.iter().map(|p| p.0).collect(),
    }
}

/// Answers a request for van stops judged with the fleet: the covering proposal, then the
/// coupled search from it while `budget` lasts (`improved` hears of each better set); `halt`,
/// if given, cuts a judgement of the search short (the covering proposal's is always made).
#[allow(clippy::too_many_arguments)]
pub fn plan_vans_coupled(
    request: &VanPlanRequest,
    elders: &[Elder],
    booked: &HashSet<i64>,
    inputs: &[PlanInput],
    travel: &dyn TravelTimes,
    search: Search,
    budget: &mut dyn Budget,
    halt: Option<Halt>,
    improved: &mut dyn FnMut(&Judged),
) -> CoupledView {
    let prepared = prepare(request, elders, booked, travel);
    let covered = propose(&prepared.input, search.seed, search.cover_iterations);
    let riding = riding(&prepared, elders, booked, inputs, search.riders_per_day);
    let mut judge = Judge::new(
        &prepared.input,
        &riding,
        travel,
        search.seed,
        search.iterations,
    );
    if let Some(h) = halt {
        judge = judge.halting(h);
    }
    let first = judge.judge(covered.days.clone());
    let best = couple(
        &judge,
        covered.days,
        search.seed,
        search.threads,
        budget,
        improved,
    );
    let proposal = place(&prepared.input, best.days.clone());
    CoupledView {
        view: view(request, &prepared, &proposal),
        cover: DaysServed::from(&first),
        coupled: DaysServed::from(&best),
    }
}
