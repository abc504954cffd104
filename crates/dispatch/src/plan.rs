//! From a day's bookings, sites and vehicles to the solver's problem, and from its solution back
//! to a plan a person can read: routes with their stops and times, the elders left out and why,
//! and the figures (served, ride times, driver hours, load per site slot).
//!
//! Two steps: [`Layout::new`] lists the points the travel matrix is needed for; the matrix
//! between them (from a [`TravelTimes`](crate::travel::TravelTimes)) goes to
//! [`Layout::instance`]. The planning pipeline ([`crate::planning`]) runs both.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use vaxride_formats::json::{Doc, MatrixDoc, RequestDoc, ReturnDoc, SlotDoc, VehicleDoc, VisitDoc};
use vaxride_solver::solution::Schedule;
use vaxride_solver::{Problem, Solution, StopKind as SolverStop};

use crate::model::{Day, Dose, Mobility, Point, Site, SiteSlot, StopKind, TimeOfDay, Vehicle};

mod refusal;
mod result;

pub use refusal::{RefusalReason, Refused};
pub use result::{Figures, PlanResult, PlannedRoute, PlannedStop, SlotLoad, UnservedBooking};

/// How many of the nearest sites that give an elder's dose are offered to the solver.
pub const NEAREST_SITES: usize = 4;

/// A booking's longest ride, each way: twice the travel time to the farthest of its
/// [`Layout::fitting_sites`] plus ten minutes, within 30 to 90 minutes (`None`: no site fits).
/// The plan and every repair of the day under way give a booking the same limit.
pub(crate) fn ride_limit(fitting: &[(i64, i64)]) -> Option<i64> {
    let farthest = fitting.last()?.0;
    Some((2 * farthest + 600).clamp(1800, 5400))
}

/// Longest wait at the site after the observation before the ride home, seconds.
pub const MAX_WAIT_AFTER: i64 = 1800;
/// Boarding or alighting time of an elder, seconds.
pub const BOARDING: i64 = 120;
/// Latest time an elder is brought home.
pub const HOME_BY: TimeOfDay = 19 * 3600;
/// A home visit's time at the home, seconds: the assessment (10 min), the shot (5 min) and
/// the observation (30 min).
pub const VISIT: i64 = 45 * 60;
/// The feature every car for rides has, and every ride needs (a home-visit team has not).
pub const RIDE: &str = "ride";
/// The feature a home-visit team has, and every home visit needs.
pub const HOME_VISIT: &str = "home_visit";

/// One booking as the planner needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanBooking {
    /// Booking id.
    pub booking_id: i64,
    /// Community of the elder.
    pub community_id: i64,
    /// Home.
    pub home: Point,
    /// How the elder moves.
    pub mobility: Mobility,
    /// Companions riding along.
    pub companions: i64,
    /// Dose status (decides which sites fit).
    pub dose: Dose,
    /// Priority 1–5.
    pub priority: i64,
    /// Pick-up window.
    pub window: (TimeOfDay, TimeOfDay),
    /// A named site, or any.
    pub site_id: Option<i64>,
    /// Whether a ride home is wanted.
    pub return_wanted: bool,
    /// Minutes at the site (queue, shot, observation).
    pub dwell_minutes: i64,
}

/// What a day's planning works on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanInput {
    /// The day.
    pub day: Day,
    /// Bookings to plan.
    pub bookings: Vec<PlanBooking>,
    /// Sites (van stops included).
    pub sites: Vec<Site>,
    /// Vehicles on duty.
    pub vehicles: Vec<Vehicle>,
}

/// The points of the travel matrix and the slots of the day.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Matrix locations: vehicle starts, then sites, then distinct homes.
    pub points: Vec<Point>,
    pub(crate) vehicle_loc: Vec<usize>,
    pub(crate) site_loc: HashMap<i64, usize>,
    pub(crate) home_loc: Vec<usize>,
    /// The day's slots, in the order of the problem's slots.
    pub slots: Vec<SiteSlot>,
}

/// The solver's problem for a day, and how to read its solution back.
#[derive(Debug, Clone)]
pub struct DayInstance {
    /// The problem.
    pub problem: Problem,
    /// Problem request index → booking id.
    pub booking_of: Vec<i64>,
    /// Problem vehicle index → vehicle id.
    pub vehicle_of: Vec<i64>,
    /// Problem slot index → slot.
    pub slots: Vec<SiteSlot>,
    /// Bookings left out before solving.
    pub refused: Vec<Refused>,
    points: Vec<Point>,
    direct: HashMap<i64, i64>,
    /// Per request: whether it is a home visit (a team's one stop at a bedridden elder's home).
    pub(crate) visit: Vec<bool>,
    /// The problem's feature names in the order of their bits.
    pub(crate) features: Vec<String>,
    /// Per request: whether its first leg is a ride home (an elder at the site or on the way
    /// home when a day under way is planned again).
    pub(crate) returns_first: Vec<bool>,
    /// Per request: its site when no slot says it (an elder on board to a site).
    pub(crate) site_of: Vec<Option<i64>>,
    /// Per request: the slot whose place an elder on board to the site already holds (its
    /// capacity in the problem is one less); the drop counts there, whenever it comes.
    pub(crate) reserved_slot: Vec<Option<usize>>,
    /// The stops done or under way, per vehicle, that the plan keeps first (a day under way).
    pub(crate) prefixes: Vec<PlannedRoute>,
    /// Bookings finished or fully under way in the prefixes (served, and not in the problem).
    pub(crate) finished: Vec<i64>,
}

fn key(p: Point) -> (u64, u64) {
    (p.lon.to_bits(), p.lat.to_bits())
}

impl Layout {
    /// The sites a booking can go to: the nearest that give its dose (or the one it names), as
    /// (travel time from home, site id), nearest first.
    pub(crate) fn fitting_sites(
        &self,
        d: &dyn Fn(usize, usize) -> i64,
        sites: &HashMap<i64, &Site>,
        b: &PlanBooking,
        home: usize,
    ) -> Vec<(i64, i64)> {
        let mut fitting: Vec<(i64, i64)> = self
            .site_loc
            .iter()
            .filter(|(id, _)| b.site_id.is_none_or(|w| w == **id))
            .filter(|(id, _)| sites.get(*id).is_some_and(|s| s.gives(b.dose)))
            .map(|(&id, &loc)| (d(home, loc), id))
            .collect();
        fitting.sort_unstable();
        fitting.truncate(NEAREST_SITES);
        fitting
    }

    /// Lists the matrix points: vehicle starts, sites open that day, homes (elders at one
    /// address share a point).
    pub fn new(input: &PlanInput) -> Layout {
        Layout::with_places(input, &[])
    }

    /// The points of [`Layout::new`], then `places` not among them (where vehicles are when a
    /// day under way is planned again: the home of an elder already brought back, say).
    pub fn with_places(input: &PlanInput, places: &[Point]) -> Layout {
        let mut points = Vec::new();
        let mut index: HashMap<(u64, u64), usize> = HashMap::new();
        let mut at = |p: Point, points: &mut Vec<Point>| {
            *index.entry(key(p)).or_insert_with(|| {
                points.push(p);
                points.len() - 1
            })
        };
        let vehicle_loc = input
            .vehicles
            .iter()
            .map(|v| at(v.start, &mut points))
            .collect();
        let mut slots = Vec::new();
        let mut site_loc = HashMap::new();
        for s in &input.sites {
            let day_slots = s.slots(&input.day);
            if day_slots.is_empty() {
                continue;
            }
            site_loc.insert(s.id, at(s.location, &mut points));
            slots.extend(day_slots.into_iter().filter(|x| x.capacity > 0));
        }
        let home_loc = input
            .bookings
            .iter()
            .map(|b| at(b.home, &mut points))
            .collect();
        for &p in places {
            at(p, &mut points);
        }
        Layout {
            points,
            vehicle_loc,
            site_loc,
            home_loc,
            slots,
        }
    }

    /// Builds the problem on the caller's matrix (`durations[i][j]` seconds between
    /// [`points`](Self::points) `i` and `j`; `None` = unreachable).
    pub fn instance(&self, input: &PlanInput, durations: &[Vec<Option<i64>>]) -> DayInstance {
        const FAR: i64 = 10 * 3600;
        let n = self.points.len();
        let d: Vec<Vec<i64>> = (0..n)
            .map(|i| (0..n).map(|j| durations[i][j].unwrap_or(FAR)).collect())
            .collect();
        let sites: HashMap<i64, &Site> = input.sites.iter().map(|s| (s.id, s)).collect();
        let vehicles: Vec<VehicleDoc> = input
            .vehicles
            .iter()
            .zip(&self.vehicle_loc)
            .map(|(v, &loc)| VehicleDoc {
                id: v.id.to_string(),
                start: loc,
                end: loc,
                shift: [v.shift_from, v.shift_to],
                // A team carries its shots for the day, one a visit, and nobody on board.
                seats: v.team.map_or(v.seats, |t| t.shots_per_day),
                wheelchairs: if v.team.is_some() { 0 } else { v.wheelchairs },
                features: match v.team {
                    Some(_) => vec![HOME_VISIT.to_string()],
                    None => v
                        .features
                        .iter()
                        .cloned()
                        .chain([RIDE.to_string()])
                        .collect(),
                },
                max_duration: None,
                fixed_cost: 0,
            })
            .collect();
        let slot_id = |s: &SiteSlot| format!("{}@{}", s.site_id, s.start);
        let slot_docs: Vec<SlotDoc> = self
            .slots
            .iter()
            .map(|s| SlotDoc {
                id: slot_id(s),
                location: self.site_loc[&s.site_id],
                window: [s.start, s.end - 1],
                capacity: s.capacity,
            })
            .collect();
        let mut requests = Vec::new();
        let mut visits = Vec::new();
        let mut visit_of = Vec::new();
        let mut booking_of = Vec::new();
        let mut refused = Vec::new();
        let mut direct = HashMap::new();
        for (b, &home) in input.bookings.iter().zip(&self.home_loc) {
            let refuse = |reason: RefusalReason| Refused {
                booking_id: b.booking_id,
                reason: reason.code().to_string(),
            };
            if b.mobility == Mobility::Bedridden {
                // A visit gives the shot due: none due, no visit; no team, nobody to make it.
                if b.dose.next_shot().is_none() {
                    refused.push(refuse(RefusalReason::NoSiteForDose));
                    continue;
                }
                if !input.vehicles.iter().any(|v| v.team.is_some()) {
                    refused.push(refuse(RefusalReason::NoHomeVisitTeam));
                    continue;
                }
                visits.push(VisitDoc {
                    id: b.booking_id.to_string(),
                    home,
                    window: [b.window.0, b.window.1],
                    service: VISIT,
                    needs: vec![HOME_VISIT.to_string()],
                    priority: b.priority.max(1),
                });
                visit_of.push(b.booking_id);
                continue;
            }
            let fitting = self.fitting_sites(&|a, b| d[a][b], &sites, b, home);
            let Some(max_ride) = ride_limit(&fitting) else {
                refused.push(refuse(RefusalReason::NoSiteForDose));
                continue;
            };
            direct.insert(b.booking_id, fitting[0].0);
            let (from, to) = b.window;
            let slot_ids: Vec<String> = self
                .slots
                .iter()
                .filter(|s| fitting.iter().any(|f| f.1 == s.site_id))
                .filter(|s| s.end > from && s.start <= to + max_ride)
                .map(slot_id)
                .collect();
            if slot_ids.is_empty() {
                refused.push(refuse(RefusalReason::NoOpenSlot));
                continue;
            }
            let wheelchair = b.mobility == Mobility::Wheelchair;
            requests.push(RequestDoc {
                id: b.booking_id.to_string(),
                home,
                pickup_window: [from, to],
                boarding: BOARDING,
                seats: b.companions + i64::from(!wheelchair),
                wheelchair,
                needs: if wheelchair {
                    vec!["ramp".to_string(), RIDE.to_string()]
                } else {
                    vec![RIDE.to_string()]
                },
                slots: slot_ids,
                max_ride: Some(max_ride),
                priority: b.priority.max(1),
                ride_home: b.return_wanted.then_some(ReturnDoc {
                    dwell: b.dwell_minutes * 60,
                    max_wait: MAX_WAIT_AFTER,
                    home_by: HOME_BY,
                }),
            });
            booking_of.push(b.booking_id);
        }
        let doc = Doc {
            name: Some(format!("plan {}", input.day)),
            matrix: MatrixDoc {
                durations: d,
                costs: None,
            },
            vehicles,
            slots: slot_docs,
            requests,
            visits,
        };
        let problem = vaxride_formats::json::build("plan", &doc)
            .expect("the planner builds only valid problems")
            .problem;
        let mut visit = vec![false; booking_of.len()];
        visit.resize(booking_of.len() + visit_of.len(), true);
        booking_of.extend(visit_of);
        let n = booking_of.len();
        DayInstance {
            problem,
            booking_of,
            vehicle_of: input.vehicles.iter().map(|v| v.id).collect(),
            slots: self.slots.clone(),
            refused,
            points: self.points.clone(),
            direct,
            visit,
            features: feature_names(&doc),
            returns_first: vec![false; n],
            site_of: vec![None; n],
            reserved_slot: vec![None; n],
            prefixes: Vec::new(),
            finished: Vec::new(),
        }
    }
}

/// The feature names of a problem built from `doc`, in the order of their bits (first seen
/// over the vehicles' features, then the requests' and the visits' needs: vaxride-formats'
/// JSON problem).
fn feature_names(doc: &Doc) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let all = doc.vehicles.iter().flat_map(|v| &v.features);
    let needs = doc.requests.iter().flat_map(|r| &r.needs);
    for f in all
        .chain(needs)
        .chain(doc.visits.iter().flat_map(|v| &v.needs))
    {
        if !names.contains(f) {
            names.push(f.clone());
        }
    }
    names
}

impl DayInstance {
    /// The bit of a feature by name in the problem (0 when no vehicle or request names it).
    pub(crate) fn feature_bit(&self, name: &str) -> u64 {
        self.features
            .iter()
            .position(|f| f == name)
            .map_or(0, |i| 1 << i)
    }

    /// The slot of `site` that `at` falls in.
    fn slot_at(&self, site: Option<i64>, at: TimeOfDay) -> Option<usize> {
        let site = site?;
        self.slots
            .iter()
            .position(|s| s.site_id == site && s.start <= at && at < s.end)
    }

    /// The slot a planned drop at a site takes a place in: the one it was given, else (a plan
    /// stored before slots were kept) the one its start falls in.
    pub(crate) fn slot_of(&self, stop: &PlannedStop) -> Option<usize> {
        if stop.kind != StopKind::DropSite {
            return None;
        }
        match (stop.slot, stop.site_id) {
            (Some(start), Some(site)) => self
                .slots
                .iter()
                .position(|s| s.site_id == site && s.start == start),
            _ => self.slot_at(stop.site_id, stop.start),
        }
    }

    /// Whether request `r` carries an elder already picked up (on board, or waiting at the
    /// site for the ride home).
    fn picked_up(&self, r: usize) -> bool {
        self.returns_first[r] || self.problem.requests[r].vehicle.is_some()
    }

    /// Reads a solution of [`problem`](Self::problem) back into a plan.
    pub fn plan(&self, solution: &Solution) -> PlanResult {
        let p = &self.problem;
        let mut routes = Vec::new();
        let mut planned_in_slot = vec![0u32; self.slots.len()];
        let mut rides: Vec<(i64, i64)> = Vec::new(); // (on board, direct)
        let mut picked: HashMap<(i64, bool), TimeOfDay> = HashMap::new();
        let mut driver_seconds = 0;
        // A day under way: each vehicle's stops done or under way come first, as they were.
        let mut prefix_of: HashMap<i64, &PlannedRoute> =
            self.prefixes.iter().map(|r| (r.vehicle_id, r)).collect();
        for r in &self.prefixes {
            for s in &r.stops {
                if let Some(k) = self.slot_of(s) {
                    planned_in_slot[k] += 1;
                }
            }
        }
        for route in &solution.routes {
            let schedule = Schedule::of(p, route);
            let prefix = prefix_of.remove(&self.vehicle_of[route.vehicle]);
            let departure = prefix.map_or(schedule.departure, |r| r.departure);
            driver_seconds += schedule.arrival - departure;
            let mut stops: Vec<PlannedStop> = prefix.map(|r| r.stops.clone()).unwrap_or_default();
            for v in &schedule.visits {
                let stop = &p.stops[v.stop];
                let req = &p.requests[stop.request];
                let booking_id = self.booking_of[stop.request];
                let (choice, leg) = req
                    .choices
                    .iter()
                    .enumerate()
                    .find_map(|(ci, c)| {
                        c.legs
                            .iter()
                            .position(|l| l.contains(&v.stop))
                            .map(|li| (ci, li))
                    })
                    .expect("every stop belongs to a leg");
                let outbound = leg == 0 && !self.returns_first[stop.request];
                let kind = match (outbound, stop.kind) {
                    _ if self.visit[stop.request] => StopKind::HomeVisit,
                    (true, SolverStop::Pickup) => StopKind::PickupHome,
                    (true, _) => StopKind::DropSite,
                    (false, SolverStop::Pickup) => StopKind::PickupSite,
                    (false, _) => StopKind::DropHome,
                };
                let slot = req.choices[choice].slot;
                let site_id = slot
                    .map(|s| self.slots[s].site_id)
                    .or(self.site_of[stop.request])
                    .filter(|_| matches!(kind, StopKind::DropSite | StopKind::PickupSite));
                let slot_taken = if kind == StopKind::DropSite {
                    slot.or(self.reserved_slot[stop.request])
                        .or_else(|| self.slot_at(site_id, v.start))
                } else {
                    None
                };
                if let Some(s) = slot_taken {
                    planned_in_slot[s] += 1;
                }
                match stop.kind {
                    SolverStop::Pickup => {
                        picked.insert((booking_id, outbound), v.start + stop.service);
                    }
                    _ => {
                        if let Some(t) = picked.get(&(booking_id, outbound)) {
                            let direct = self.direct.get(&booking_id).copied().unwrap_or(0);
                            rides.push((v.start - t, direct));
                        }
                    }
                }
                stops.push(PlannedStop {
                    booking_id,
                    kind,
                    site_id,
                    point: self.points[stop.loc],
                    arrival: v.arrival,
                    start: v.start,
                    slot: slot_taken.map(|s| self.slots[s].start),
                });
            }
            routes.push(PlannedRoute {
                vehicle_id: self.vehicle_of[route.vehicle],
                departure,
                arrival: schedule.arrival,
                stops,
            });
        }
        // Vehicles with nothing more to do than what is under way.
        let mut rest: Vec<&PlannedRoute> = prefix_of.into_values().collect();
        rest.sort_by_key(|r| r.vehicle_id);
        for r in rest {
            driver_seconds += r.arrival - r.departure;
            routes.push(r.clone());
        }
        let mut unserved: Vec<UnservedBooking> = self
            .refused
            .iter()
            .map(|r| UnservedBooking {
                booking_id: r.booking_id,
                reason: r.reason.clone(),
            })
            .chain(solution.unassigned.iter().map(|u| UnservedBooking {
                booking_id: self.booking_of[u.request],
                // An elder already picked up: the coordinator must act, whatever the cause.
                reason: if self.picked_up(u.request) {
                    RefusalReason::NoRideHome.code().to_string()
                } else {
                    u.reason.code().to_string()
                },
            }))
            .collect();
        unserved.sort_by_key(|u| u.booking_id);
        unserved.dedup_by_key(|u| u.booking_id);
        let mut unserved_by_reason = BTreeMap::new();
        for u in &unserved {
            *unserved_by_reason.entry(u.reason.clone()).or_insert(0) += 1;
        }
        let count = rides.len().max(1) as i64;
        // Bookings, not requests: a day under way may split one (on board, then home).
        let requested: std::collections::BTreeSet<i64> = self
            .booking_of
            .iter()
            .chain(self.refused.iter().map(|r| &r.booking_id))
            .chain(&self.finished)
            .copied()
            .collect();
        let left: std::collections::BTreeSet<i64> = unserved.iter().map(|u| u.booking_id).collect();
        let figures = Figures {
            requested: requested.len(),
            served: requested.len() - left.len(),
            unserved_by_reason,
            vehicles_used: routes.len(),
            driver_seconds,
            mean_ride_seconds: rides.iter().map(|r| r.0).sum::<i64>() / count,
            max_ride_seconds: rides.iter().map(|r| r.0).max().unwrap_or(0),
            mean_excess_ride_seconds: rides.iter().map(|r| (r.0 - r.1).max(0)).sum::<i64>() / count,
            slots: self
                .slots
                .iter()
                .zip(&planned_in_slot)
                .map(|(s, &n)| SlotLoad {
                    site_id: s.site_id,
                    start: s.start,
                    end: s.end,
                    capacity: s.capacity,
                    planned: n,
                })
                .collect(),
        };
        PlanResult {
            routes,
            unserved,
            figures,
        }
    }
}
