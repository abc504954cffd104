//! A day replayed as a stream of events, without a database: what the store and the server do
//! with reports, cancellations and declines, kept in memory, so that property tests and the
//! repair bench can drive a day through many events and repair it after each. Time moves only
//! when the caller says (`advance`); which event comes next is the caller's choice, or drawn
//! with the caller's `pick` (a uniform index below its argument): no clock, no randomness here.

use std::collections::{HashMap, HashSet};

use super::{DayUnderWay, RouteUnderWay, StopState, StopUnderWay};
use crate::model::{StopKind, TimeOfDay};
use crate::plan::{PlanBooking, PlanInput, PlanResult};

/// Something that happens to a day under way.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A booking not picked up yet is cancelled.
    Cancel(i64),
    /// The driver is at the door and the elder is not there.
    NoShow(i64),
    /// At the site, the elder's health check failed: the visit ends now.
    HealthCheckFailed(i64),
    /// The driver of a vehicle whose route has not begun declines it: the vehicle is out.
    Decline(i64),
    /// An urgent booking for the day.
    Urgent(PlanBooking),
    /// At the site, the elder's observation ends at this time: earlier or later than planned.
    ObservationEnds(i64, TimeOfDay),
}

impl Event {
    /// The kinds, in the order [`Event::kind`] numbers them.
    pub const KINDS: [&'static str; 6] = [
        "cancel",
        "no_show",
        "health",
        "decline",
        "urgent",
        "observation",
    ];

    /// Which kind it is: an index into [`Event::KINDS`].
    pub fn kind(&self) -> usize {
        match self {
            Event::Cancel(_) => 0,
            Event::NoShow(_) => 1,
            Event::HealthCheckFailed(_) => 2,
            Event::Decline(_) => 3,
            Event::Urgent(_) => 4,
            Event::ObservationEnds(..) => 5,
        }
    }
}

/// A day under way in memory: the bookings, sites and vehicles still in play, the plan in
/// force, and what is done.
#[derive(Debug, Clone)]
pub struct Sim {
    /// What planning works on now.
    pub input: PlanInput,
    /// The plan in force.
    pub plan: PlanResult,
    /// Now, seconds of the day.
    pub now: TimeOfDay,
    done: HashMap<(i64, StopKind), TimeOfDay>,
    missed: HashMap<i64, TimeOfDay>,
    ended_early: Vec<i64>,
}

impl Sim {
    /// The day at `now` with `plan` in force and nothing done yet.
    pub fn new(input: PlanInput, plan: PlanResult, now: TimeOfDay) -> Sim {
        Sim {
            input,
            plan,
            now,
            done: HashMap::new(),
            missed: HashMap::new(),
            ended_early: Vec::new(),
        }
    }

    /// The day as it stands, for [`crate::planning::plan_under_way`]: each route's stops done
    /// (or missed) so far, and the stop a begun route drives to under way.
    pub fn day(&self, keep_cost: Option<i64>) -> DayUnderWay {
        let routes = self
            .plan
            .routes
            .iter()
            .map(|r| {
                let mut stops: Vec<StopUnderWay> = r
                    .stops
                    .iter()
                    .map(|s| {
                        let state = match (
                            self.done.get(&(s.booking_id, s.kind)),
                            self.missed.get(&s.booking_id),
                        ) {
                            (Some(&at), _) => StopState::Done { at },
                            (None, Some(&at)) if s.kind == StopKind::PickupHome => {
                                StopState::Missed { at }
                            }
                            _ => StopState::Open,
                        };
                        StopUnderWay {
                            stop: s.clone(),
                            state,
                        }
                    })
                    .collect();
                let k = stops
                    .iter()
                    .take_while(|s| s.state != StopState::Open)
                    .count();
                if k > 0 && k < stops.len() {
                    stops[k].state = StopState::UnderWay;
                }
                RouteUnderWay {
                    vehicle_id: r.vehicle_id,
                    departure: r.departure,
                    stops,
                }
            })
            .collect();
        DayUnderWay {
            now: self.now,
            routes,
            keep_cost,
            ended_early: self.ended_early.clone(),
        }
    }

    /// Time moves to `to`: every stop planned to start by then is done, route by route in
    /// order (a route stops at its first stop still to come).
    pub fn advance(&mut self, to: TimeOfDay) {
        self.now = self.now.max(to);
        for r in &self.plan.routes {
            for s in &r.stops {
                let key = (s.booking_id, s.kind);
                if self.done.contains_key(&key)
                    || (s.kind == StopKind::PickupHome && self.missed.contains_key(&s.booking_id))
                {
                    continue;
                }
                if s.start > self.now {
                    break;
                }
                self.done.insert(key, s.start);
            }
        }
    }

    /// Whether the booking's stop of `kind` is done.
    pub fn is_done(&self, booking: i64, kind: StopKind) -> bool {
        self.done.contains_key(&(booking, kind))
    }

    /// Applies `event`; `false` (and nothing changes) when it cannot happen now.
    pub fn apply(&mut self, event: &Event) -> bool {
        match event {
            Event::Cancel(b) => {
                if self.started(*b) || !self.has(*b) {
                    return false;
                }
                self.input.bookings.retain(|x| x.booking_id != *b);
                self.drop_stops(*b, None);
            }
            Event::NoShow(b) => {
                let at_door = self.plan.routes.iter().any(|r| {
                    r.stops
                        .iter()
                        .find(|s| !self.closed(s.booking_id, s.kind))
                        .is_some_and(|s| s.booking_id == *b && s.kind == StopKind::PickupHome)
                });
                if !at_door {
                    return false;
                }
                self.missed.insert(*b, self.now);
                self.input.bookings.retain(|x| x.booking_id != *b);
                self.drop_stops(*b, Some(StopKind::PickupHome));
            }
            Event::HealthCheckFailed(b) => return self.visit_ends(*b, self.now),
            Event::ObservationEnds(b, at) => return self.visit_ends(*b, *at),
            Event::Decline(v) => {
                let Some(r) = self.plan.routes.iter().find(|r| r.vehicle_id == *v) else {
                    return false;
                };
                if r.stops.iter().any(|s| self.closed(s.booking_id, s.kind)) {
                    return false;
                }
                self.input.vehicles.retain(|x| x.id != *v);
                self.plan.routes.retain(|r| r.vehicle_id != *v);
            }
            Event::Urgent(b) => {
                if self.has(b.booking_id) || b.window.1 <= self.now {
                    return false;
                }
                self.input.bookings.push(b.clone());
            }
        }
        true
    }

    /// Draws an event that can happen now: one of the kinds, each on a booking or a
    /// vehicle `pick`ed at random (`pick(n)` is uniform below `n`); an urgent booking is
    /// `urgent` with its window moved to start now. `None` when the drawn kind has nothing
    /// to act on.
    pub fn draw(
        &self,
        pick: &mut dyn FnMut(usize) -> usize,
        urgent: &PlanBooking,
    ) -> Option<Event> {
        let bookings: Vec<i64> = self.input.bookings.iter().map(|b| b.booking_id).collect();
        let one = |pick: &mut dyn FnMut(usize) -> usize, xs: &[i64]| {
            (!xs.is_empty()).then(|| xs[pick(xs.len())])
        };
        let candidates: Vec<i64> = match pick(5) {
            0 => bookings
                .iter()
                .copied()
                .filter(|&b| !self.started(b))
                .collect(),
            1 => {
                let at_door: Vec<i64> = self
                    .plan
                    .routes
                    .iter()
                    .filter_map(|r| r.stops.iter().find(|s| !self.closed(s.booking_id, s.kind)))
                    .filter(|s| s.kind == StopKind::PickupHome)
                    .map(|s| s.booking_id)
                    .collect();
                return one(pick, &at_door).map(Event::NoShow);
            }
            2 => {
                let at_site: Vec<i64> = bookings
                    .iter()
                    .copied()
                    .filter(|&b| {
                        self.is_done(b, StopKind::DropSite)
                            && !self.is_done(b, StopKind::PickupSite)
                    })
                    .collect();
                let b = one(pick, &at_site)?;
                // Half the time the check fails now; else the observation ends up to 20
                // minutes earlier or 40 minutes later than planned.
                if pick(2) == 0 {
                    return Some(Event::HealthCheckFailed(b));
                }
                let dropped = self.done[&(b, StopKind::DropSite)];
                let dwell = self
                    .input
                    .bookings
                    .iter()
                    .find(|x| x.booking_id == b)?
                    .dwell_minutes;
                let at = dropped + dwell * 60 + (pick(61) as i64 - 20) * 60;
                return Some(Event::ObservationEnds(b, at.max(self.now)));
            }
            3 => {
                let idle: Vec<i64> = self
                    .plan
                    .routes
                    .iter()
                    .filter(|r| !r.stops.iter().any(|s| self.closed(s.booking_id, s.kind)))
                    .map(|r| r.vehicle_id)
                    .collect();
                return one(pick, &idle).map(Event::Decline);
            }
            _ => {
                let mut b = urgent.clone();
                let span = b.window.1 - b.window.0;
                b.window = (self.now + 900, self.now + 900 + span);
                return Some(Event::Urgent(b));
            }
        };
        one(pick, &candidates).map(Event::Cancel)
    }

    /// The elder at the site is through at `at`: the ride home leaves from then. `false` for
    /// an elder not at the site, or without a ride home.
    fn visit_ends(&mut self, b: i64, at: TimeOfDay) -> bool {
        let Some(&dropped) = self.done.get(&(b, StopKind::DropSite)) else {
            return false;
        };
        if self.is_done(b, StopKind::PickupSite) {
            return false;
        }
        let Some(x) = self.input.bookings.iter_mut().find(|x| x.booking_id == b) else {
            return false;
        };
        if !x.return_wanted {
            return false;
        }
        x.dwell_minutes = ((at - dropped).max(0) + 59) / 60;
        if !self.ended_early.contains(&b) {
            self.ended_early.push(b);
        }
        true
    }

    /// Whether the booking is in play.
    fn has(&self, booking: i64) -> bool {
        self.input.bookings.iter().any(|b| b.booking_id == booking)
    }

    /// Whether any stop of the booking is done or missed.
    fn started(&self, booking: i64) -> bool {
        self.missed.contains_key(&booking) || self.done.keys().any(|(b, _)| *b == booking)
    }

    /// Whether that stop is done or missed.
    fn closed(&self, booking: i64, kind: StopKind) -> bool {
        self.is_done(booking, kind)
            || (kind == StopKind::PickupHome && self.missed.contains_key(&booking))
    }

    /// Takes the booking's stops still to come off the plan, but `keep`'s.
    fn drop_stops(&mut self, booking: i64, keep: Option<StopKind>) {
        let done: HashSet<StopKind> = self
            .done
            .keys()
            .filter(|(b, _)| *b == booking)
            .map(|(_, k)| *k)
            .collect();
        for r in &mut self.plan.routes {
            r.stops.retain(|s| {
                s.booking_id != booking || done.contains(&s.kind) || Some(s.kind) == keep
            });
        }
        self.plan.routes.retain(|r| !r.stops.is_empty());
    }
}
