//! A day under way: the published plan with what is done or under way, turned into the
//! solver problem that plans the rest (issue 15). The same problem serves a repair after an
//! event (stops kept for their vehicles at a cost, so that it changes as little as it must) and
//! a full re-plan of the day (nothing kept); both keep every stop done or under way first, as it
//! was, and never leave an elder who was picked up without a planned ride (or a reason).
//!
//! Each vehicle's route splits into its *prefix* — the leading stops done or under way (the
//! stop it is driving to stays first) — and the rest. After the prefix the vehicle is where its
//! last prefix stop is, free when that stop's service ends (and not before `now`), with the
//! elders it picked up and has not dropped on board. Each booking then falls in one of these:
//!
//! - not started: an ordinary request (every fitting slot), its pick-up not before `now`;
//! - on board to the site: a delivery at that site pinned to the vehicle (its slot place was
//!   taken), and the ride home as a request of its own;
//! - at the site, waiting for the ride home: the ride home alone, from when the visit ends;
//! - on board going home: a delivery at home pinned to the vehicle;
//! - finished (home, or at the site with no ride home wanted): nothing.
//!
//! Pure: no clock (`now` is given), no I/O.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use vaxride_solver::{Choice, Keep, Load, Request, Route, Stop, StopKind as SolverStop};

use crate::model::{Mobility, Point, Site, StopKind, TimeOfDay};
use crate::plan::{
    BOARDING, DayInstance, HOME_BY, Layout, MAX_WAIT_AFTER, PlanInput, PlannedRoute, PlannedStop,
    RIDE, VISIT, ride_limit,
};

mod changes;
mod invariant;
mod settled;
pub mod simulate;

pub use changes::{Changes, Retimed, StopRef, VehicleChanges, changes};
pub use invariant::stranded;

/// Where a stop of the published plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StopState {
    /// Still to come: the plan may move it.
    Open,
    /// The vehicle is driving to it, or is there: it stays first.
    UnderWay,
    /// Done, at this time.
    Done {
        /// When the driver reported it.
        at: TimeOfDay,
    },
    /// The vehicle came and the elder was not there (a no-show): nobody boarded.
    Missed {
        /// When the driver reported it.
        at: TimeOfDay,
    },
}

/// One stop of a published route, with where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StopUnderWay {
    /// The stop as published.
    pub stop: PlannedStop,
    /// Where it stands.
    pub state: StopState,
}

/// One vehicle's published route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteUnderWay {
    /// Vehicle.
    pub vehicle_id: i64,
    /// Planned departure.
    pub departure: TimeOfDay,
    /// The stops, in order.
    pub stops: Vec<StopUnderWay>,
}

/// The day as it stands: the published routes and the time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayUnderWay {
    /// Now, seconds of the day: nothing new is planned before it.
    pub now: TimeOfDay,
    /// The published routes.
    pub routes: Vec<RouteUnderWay>,
    /// What moving a stop still to come to another vehicle costs (a repair; in the matrix's
    /// units, seconds), or `None` for a re-plan that may move everything not under way. A
    /// repair also picks nobody up earlier than published.
    pub keep_cost: Option<i64>,
    /// Bookings whose visit at the site ends at another time than planned (a failed health
    /// check, an observation ended early or running late; the booking's dwell says when):
    /// their ride home may come earlier than published.
    #[serde(default)]
    pub ended_early: Vec<i64>,
}

/// How far one booking has come, from the prefixes: the furthest of its stops done or under
/// way (a step a driver forgot to report is implied by a later one).
#[derive(Debug, Clone, Default)]
struct Came {
    /// 0 nothing yet, then the step reached: 1 picked up at home, 2 dropped at the site, 3
    /// picked up at the site, 4 home.
    step: u8,
    /// The vehicle (index) that made the furthest pick-up, the elder on board.
    on: Option<usize>,
    /// Dropped at the site: when (reported, or expected), and which site.
    at_site: Option<(TimeOfDay, Option<i64>)>,
    /// The site the published plan takes the elder to.
    site: Option<i64>,
    /// When the published plan had the drop at the site.
    planned_drop: Option<TimeOfDay>,
    /// The published drop at the site, which names the slot whose place the elder holds once
    /// picked up (the plan's figures count it there too).
    drop: Option<PlannedStop>,
}

/// The step a stop of this kind reaches (see [`Came::step`]).
pub(crate) fn step(kind: StopKind) -> u8 {
    match kind {
        StopKind::PickupHome => 1,
        StopKind::DropSite => 2,
        StopKind::PickupSite => 3,
        StopKind::DropHome | StopKind::HomeVisit => 4,
    }
}

/// How long a stop of this kind takes once begun.
fn service(kind: StopKind) -> TimeOfDay {
    match kind {
        StopKind::HomeVisit => VISIT,
        _ => BOARDING,
    }
}

/// When a prefix stop's service ends: reported, or expected (not before `now`).
fn ends(s: &StopUnderWay, now: TimeOfDay) -> TimeOfDay {
    match s.state {
        StopState::Done { at } | StopState::Missed { at } => at + BOARDING,
        _ => s.stop.start.max(now) + service(s.stop.kind),
    }
}

/// The leading stops of a route that are done or under way.
pub(crate) fn prefix_len(r: &RouteUnderWay) -> usize {
    r.stops
        .iter()
        .take_while(|s| s.state != StopState::Open)
        .count()
}

/// Where each vehicle with stops done or under way is after them: the places a layout of the
/// day under way needs beside the plan's ([`Layout::with_places`]).
pub fn where_vehicles_are(day: &DayUnderWay) -> Vec<Point> {
    day.routes
        .iter()
        .filter_map(|r| r.stops[..prefix_len(r)].last().map(|s| s.stop.point))
        .collect()
}

impl Layout {
    /// The problem of the rest of a day under way, on the caller's matrix over
    /// [`points`](Self::points) (a layout of the day's `input` with
    /// [`where_vehicles_are`]), and the published stops still to come as a warm start.
    pub fn instance_under_way(
        &self,
        input: &PlanInput,
        day: &DayUnderWay,
        durations: &[Vec<Option<i64>>],
    ) -> (DayInstance, Vec<Route>) {
        let vehicle_ix: HashMap<i64, usize> = input
            .vehicles
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id, i))
            .collect();
        let booking_ix: HashMap<i64, usize> = input
            .bookings
            .iter()
            .enumerate()
            .map(|(i, b)| (b.booking_id, i))
            .collect();
        // How far each booking has come, and where each vehicle is after its prefix.
        let mut came: HashMap<i64, Came> = HashMap::new();
        let mut free: HashMap<usize, (Point, TimeOfDay)> = HashMap::new();
        let mut shots_used: HashMap<usize, i64> = HashMap::new();
        let mut prefixes = Vec::new();
        for r in &day.routes {
            let Some(&v) = vehicle_ix.get(&r.vehicle_id) else {
                continue;
            };
            for s in &r.stops {
                let c = came.entry(s.stop.booking_id).or_default();
                if s.stop.kind == StopKind::DropSite {
                    c.site = s.stop.site_id;
                    c.planned_drop = Some(s.stop.start);
                    c.drop = Some(s.stop.clone());
                }
            }
            let k = prefix_len(r);
            if k == 0 {
                continue;
            }
            for s in r.stops[..k]
                .iter()
                .filter(|s| !matches!(s.state, StopState::Missed { .. }))
            {
                let c = came.entry(s.stop.booking_id).or_default();
                let reached = step(s.stop.kind);
                if reached < c.step {
                    continue;
                }
                c.step = reached;
                match s.stop.kind {
                    StopKind::PickupHome | StopKind::PickupSite => c.on = Some(v),
                    StopKind::DropSite => {
                        c.on = None;
                        c.at_site = Some((ends(s, day.now) - BOARDING, s.stop.site_id));
                    }
                    StopKind::DropHome | StopKind::HomeVisit => c.on = None,
                }
            }
            let last = &r.stops[k - 1];
            free.insert(v, (last.stop.point, ends(last, day.now)));
            // A team's shots already used: its visits done or under way.
            *shots_used.entry(v).or_insert(0) += r.stops[..k]
                .iter()
                .filter(|s| {
                    s.stop.kind == StopKind::HomeVisit
                        && !matches!(s.state, StopState::Missed { .. })
                })
                .count() as i64;
            let stops: Vec<PlannedStop> = r.stops[..k].iter().map(|s| s.stop.clone()).collect();
            prefixes.push(PlannedRoute {
                vehicle_id: r.vehicle_id,
                departure: r.departure,
                arrival: ends(last, day.now),
                stops,
            });
        }
        let started = |id: i64| came.get(&id).is_some_and(|c| c.step > 0);

        // The problem of the bookings not started, each vehicle leaving from where it is.
        let fresh = PlanInput {
            day: input.day.clone(),
            bookings: input
                .bookings
                .iter()
                .filter(|b| !started(b.booking_id))
                .map(|b| {
                    let mut b = b.clone();
                    b.window.0 = b.window.0.max(day.now).min(b.window.1);
                    b
                })
                .collect(),
            sites: input.sites.clone(),
            vehicles: input.vehicles.clone(),
        };
        let fresh_home: Vec<usize> = fresh
            .bookings
            .iter()
            .map(|b| self.home_loc[booking_ix[&b.booking_id]])
            .collect();
        let sub = Layout {
            points: self.points.clone(),
            vehicle_loc: self.vehicle_loc.clone(),
            site_loc: self.site_loc.clone(),
            home_loc: fresh_home,
            slots: self.slots.clone(),
        };
        let mut inst = sub.instance(&fresh, durations);
        let at = |p: Point| {
            self.points.iter().position(|q| {
                q.lon.to_bits() == p.lon.to_bits() && q.lat.to_bits() == p.lat.to_bits()
            })
        };
        for (v, (point, time)) in &free {
            let veh = &mut inst.problem.vehicles[*v];
            if let Some(loc) = at(*point) {
                veh.start = loc;
            }
            veh.shift.0 = veh.shift.0.max(*time).min(veh.shift.1);
        }
        for (&v, &used) in &shots_used {
            if input.vehicles[v].team.is_some() {
                let seats = &mut inst.problem.vehicles[v].capacity.0[0];
                *seats = (*seats - used).max(0);
            }
        }
        for (v, veh) in inst.problem.vehicles.iter_mut().enumerate() {
            if !free.contains_key(&v) {
                veh.shift.0 = veh.shift.0.max(day.now).min(veh.shift.1);
            }
        }

        // Slot places taken by elders dropped or on their way there.
        for c in came.values().filter(|c| c.step > 0) {
            if let Some(k) = c.drop.as_ref().and_then(|d| inst.slot_of(d)) {
                let cap = &mut inst.problem.slots[k].capacity;
                *cap = cap.saturating_sub(1);
            }
        }

        // The elders already picked up: the rest of their day, as requests of their own. A
        // ride home needs a car for rides, and a wheelchair its ramp.
        let ramp = inst.feature_bit("ramp");
        // No car on duty: a bit no vehicle has, so no team takes the ride.
        let ride = match inst.feature_bit(RIDE) {
            0 => 1 << 63,
            bit => bit,
        };
        let d = |a: usize, b: usize| durations[a][b].unwrap_or(10 * 3600);
        let sites: HashMap<i64, &Site> = input.sites.iter().map(|s| (s.id, s)).collect();
        let mut extra = Extra {
            inst: &mut inst,
            d: &d,
        };
        let mut finished = Vec::new();
        let mut ids: Vec<i64> = came.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            let c = &came[&id];
            if !started(id) {
                continue;
            }
            let Some(&bi) = booking_ix.get(&id) else {
                continue;
            };
            let b = &input.bookings[bi];
            let home = self.home_loc[bi];
            let wheelchair = b.mobility == Mobility::Wheelchair;
            let load = Load([b.companions + i64::from(!wheelchair), i64::from(wheelchair)]);
            let dwell = b.dwell_minutes * 60;
            // The ride home keeps the limit the booking was planned with.
            let max_ride = ride_limit(&self.fitting_sites(&d, &sites, b, home));
            if let (3, Some(v)) = (c.step, c.on) {
                extra.delivery(id, format!("{id}/home/return"), home, load, v, false, None);
            } else if let (1, Some(v)) = (c.step, c.on) {
                let Some(site) = c.site.and_then(|s| self.site_loc.get(&s).copied()) else {
                    continue;
                };
                // Its place is the one taken above, in the slot of the planned drop: not
                // dropped before that slot opens (late, whenever the vehicle gets there).
                let reserved = c.drop.as_ref().and_then(|d| extra.inst.slot_of(d));
                let opens = reserved.map_or(0, |k| extra.inst.slots[k].start);
                extra.delivery(id, format!("{id}/site"), site, load, v, true, c.site);
                let last = extra.inst.problem.stops.len() - 1;
                let w = &mut extra.inst.problem.stops[last].window;
                w.0 = opens.min(w.1);
                *extra.inst.reserved_slot.last_mut().expect("just pushed") = reserved;
                if b.return_wanted {
                    let drop = c.planned_drop.unwrap_or(day.now).max(day.now);
                    let needs = ride | if wheelchair { ramp } else { 0 };
                    let when = (drop + dwell, max_ride);
                    extra.ride_home(id, (site, home), load, when, c.site, needs);
                }
            } else if c.step == 2
                && let Some((dropped, site_id)) = c.at_site
                && b.return_wanted
            {
                let Some(site) = site_id.and_then(|s| self.site_loc.get(&s).copied()) else {
                    continue;
                };
                let needs = ride | if wheelchair { ramp } else { 0 };
                let open = (dropped + dwell).max(day.now);
                extra.ride_home(id, (site, home), load, (open, max_ride), site_id, needs);
            } else {
                finished.push(id);
            }
        }

        // The published stops still to come are the warm start, in the slot the plan had; a
        // repair keeps each with the vehicle that has it, at a cost.
        let mut slot_of: HashMap<i64, usize> = HashMap::new();
        for r in &day.routes {
            for s in &r.stops {
                if let Some(k) = inst.slot_of(&s.stop) {
                    slot_of.insert(s.stop.booking_id, k);
                }
            }
        }
        let (chosen, every) = stops_by_role(&inst, &slot_of);
        let mut warm: Vec<Route> = Vec::new();
        for r in &day.routes {
            let Some(&v) = vehicle_ix.get(&r.vehicle_id) else {
                continue;
            };
            let mut stops = Vec::new();
            for s in &r.stops[prefix_len(r)..] {
                let key = (s.stop.booking_id, Role::of(s.stop.kind));
                if let Some(&ix) = chosen.get(&key) {
                    stops.push(ix);
                    // A repair picks nobody up (nor visits anyone) earlier than it was
                    // published: the elder is ready then, and the driver keeps the time.
                    // Later stays possible.
                    let stop = &mut inst.problem.stops[ix];
                    if day.keep_cost.is_some()
                        && (stop.kind == SolverStop::Pickup || inst.visit[stop.request])
                        && !day.ended_early.contains(&s.stop.booking_id)
                    {
                        stop.window.0 = stop.window.0.max(s.stop.start).min(stop.window.1);
                    }
                }
                if let Some(cost) = day.keep_cost {
                    for &ix in every.get(&key).into_iter().flatten() {
                        inst.problem.stops[ix].keep = Some(Keep { vehicle: v, cost });
                    }
                }
            }
            warm.push(Route { vehicle: v, stops });
        }
        inst.prefixes = prefixes;
        inst.finished = finished;
        (inst, warm)
    }
}

/// What a stop does for its booking, whichever choice it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    PickupHome,
    DropSite,
    PickupSite,
    DropHome,
    Visit,
}

impl Role {
    fn of(kind: StopKind) -> Role {
        match kind {
            StopKind::PickupHome => Role::PickupHome,
            StopKind::DropSite => Role::DropSite,
            StopKind::PickupSite => Role::PickupSite,
            StopKind::DropHome => Role::DropHome,
            StopKind::HomeVisit => Role::Visit,
        }
    }
}

/// The problem's stops by (booking, role): the one of the choice with the booking's slot in
/// `slot_of` (else of its first choice), and those of every choice.
#[allow(clippy::type_complexity)]
fn stops_by_role(
    inst: &DayInstance,
    slot_of: &HashMap<i64, usize>,
) -> (
    HashMap<(i64, Role), usize>,
    HashMap<(i64, Role), Vec<usize>>,
) {
    let mut chosen = HashMap::new();
    let mut every: HashMap<(i64, Role), Vec<usize>> = HashMap::new();
    for (r, req) in inst.problem.requests.iter().enumerate() {
        let booking = inst.booking_of[r];
        let pick = req
            .choices
            .iter()
            .position(|c| c.slot.is_some() && c.slot == slot_of.get(&booking).copied())
            .unwrap_or(0);
        for (ci, c) in req.choices.iter().enumerate() {
            for (li, leg) in c.legs.iter().enumerate() {
                let outbound = li == 0 && !inst.returns_first[r];
                for &s in leg {
                    let kind = inst.problem.stops[s].kind;
                    let role = match (outbound, kind) {
                        _ if inst.visit[r] => Role::Visit,
                        (true, SolverStop::Pickup) => Role::PickupHome,
                        (true, _) => Role::DropSite,
                        (false, SolverStop::Pickup) => Role::PickupSite,
                        (false, _) => Role::DropHome,
                    };
                    every.entry((booking, role)).or_default().push(s);
                    if ci == pick {
                        chosen.insert((booking, role), s);
                    }
                }
            }
        }
    }
    (chosen, every)
}

/// Adds the requests of elders already picked up to an instance.
struct Extra<'a, 'd> {
    inst: &'a mut DayInstance,
    d: &'d dyn Fn(usize, usize) -> i64,
}

impl Extra<'_, '_> {
    fn stop(
        &mut self,
        id: String,
        loc: usize,
        window: (i64, i64),
        load: Load,
        kind: SolverStop,
    ) -> usize {
        let p = &mut self.inst.problem;
        p.stops.push(Stop {
            id,
            loc,
            window,
            service: BOARDING,
            load,
            kind,
            request: p.requests.len(),
            keep: None,
        });
        p.stops.len() - 1
    }

    fn push(&mut self, booking: i64, req: Request, returns_first: bool, site: Option<i64>) {
        self.inst.problem.requests.push(req);
        self.inst.booking_of.push(booking);
        self.inst.returns_first.push(returns_first);
        self.inst.visit.push(false);
        self.inst.site_of.push(site);
        self.inst.reserved_slot.push(None);
    }

    /// An elder on board of vehicle `v`, dropped at `loc` (the site when `to_site`, else home).
    #[allow(clippy::too_many_arguments)]
    fn delivery(
        &mut self,
        booking: i64,
        id: String,
        loc: usize,
        load: Load,
        v: usize,
        to_site: bool,
        site: Option<i64>,
    ) {
        let s = self.stop(id.clone(), loc, (0, HOME_BY), load, SolverStop::Delivery);
        let mut req = Request::single(id, vec![s], 1_000, None, 0);
        req.vehicle = Some(v);
        self.push(booking, req, !to_site, site);
    }

    /// The ride home from the site to home (matrix locations), from `open` on, riding at most
    /// `max_ride` (the limit the booking was planned with).
    fn ride_home(
        &mut self,
        booking: i64,
        (site, home): (usize, usize),
        load: Load,
        (open, max_ride): (TimeOfDay, Option<i64>),
        site_id: Option<i64>,
        needs: u64,
    ) {
        let open = open.min(HOME_BY);
        let p = self.stop(
            format!("{booking}/site/return"),
            site,
            (open, (open + MAX_WAIT_AFTER).min(HOME_BY)),
            load,
            SolverStop::Pickup,
        );
        let q = self.stop(
            format!("{booking}/home/return"),
            home,
            (open, HOME_BY),
            load,
            SolverStop::Dropoff,
        );
        // No site fits any more (one named, then changed): the limit of going to this one.
        let max_ride =
            max_ride.unwrap_or_else(|| (2 * (self.d)(site, home) + 600).clamp(1800, 5400));
        let req = Request {
            id: format!("{booking}/return"),
            choices: vec![Choice {
                legs: vec![vec![p, q]],
                slot: None,
            }],
            priority: 1_000,
            max_ride: Some(max_ride),
            needs,
            vehicle: None,
        };
        self.push(booking, req, true, site_id);
    }
}
