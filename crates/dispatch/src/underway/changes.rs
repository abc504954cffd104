//! What a plan of a day under way changes against the published one: what drivers and
//! secretaries are told, and the figures of a repair.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{DayUnderWay, prefix_len};
use crate::model::{StopKind, TimeOfDay};
use crate::plan::PlanResult;

/// One stop of a booking, as a change names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopRef {
    /// Booking.
    pub booking_id: i64,
    /// What happens there.
    pub kind: StopKind,
}

/// A stop still to come that keeps its vehicle but moves in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retimed {
    /// The stop.
    pub stop: StopRef,
    /// Planned start before, seconds of the day.
    pub from: TimeOfDay,
    /// Planned start now.
    pub to: TimeOfDay,
}

/// What a new plan changes in one vehicle's stops still to come: what its driver is told.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VehicleChanges {
    /// Vehicle.
    pub vehicle_id: i64,
    /// Stops it now has and did not.
    pub added: Vec<StopRef>,
    /// Stops it had and has no more.
    pub removed: Vec<StopRef>,
    /// Stops it keeps, moved by more than the tolerance.
    pub retimed: Vec<Retimed>,
}

impl VehicleChanges {
    /// Whether the driver has anything to be told.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.retimed.is_empty()
    }
}

/// What a plan of a day under way changes against the published one, for the stops still to
/// come (those done or under way never change): per vehicle with a change, what it is; the
/// drivers disturbed; the minutes of pick-ups moved beyond `tolerance` seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// The vehicles with a change, by id.
    pub vehicles: Vec<VehicleChanges>,
    /// Vehicles (drivers) with a change.
    pub disturbed: usize,
    /// Sum over pick-ups at home and home visits that kept their vehicle of how far they moved
    /// beyond the tolerance, minutes (rounded up): what secretaries must tell elders.
    pub moved_minutes: i64,
}

/// The changes `after` makes to the stops still to come of `day` (see [`Changes`]).
pub fn changes(day: &DayUnderWay, after: &PlanResult, tolerance: TimeOfDay) -> Changes {
    use std::collections::BTreeMap;
    // Per vehicle: its stops still to come with their planned starts, before and after.
    let mut before: BTreeMap<i64, Vec<(StopRef, TimeOfDay)>> = BTreeMap::new();
    let mut skip: HashMap<i64, usize> = HashMap::new();
    for r in &day.routes {
        let k = prefix_len(r);
        skip.insert(r.vehicle_id, k);
        before
            .entry(r.vehicle_id)
            .or_default()
            .extend(r.stops[k..].iter().map(|s| {
                (
                    StopRef {
                        booking_id: s.stop.booking_id,
                        kind: s.stop.kind,
                    },
                    s.stop.start,
                )
            }));
    }
    let mut now: BTreeMap<i64, Vec<(StopRef, TimeOfDay)>> = BTreeMap::new();
    for r in &after.routes {
        let k = skip
            .get(&r.vehicle_id)
            .copied()
            .unwrap_or(0)
            .min(r.stops.len());
        now.entry(r.vehicle_id)
            .or_default()
            .extend(r.stops[k..].iter().map(|s| {
                (
                    StopRef {
                        booking_id: s.booking_id,
                        kind: s.kind,
                    },
                    s.start,
                )
            }));
    }
    let ids: std::collections::BTreeSet<i64> = before.keys().chain(now.keys()).copied().collect();
    let mut out = Changes::default();
    for v in ids {
        let (b, a) = (
            before.get(&v).map_or(&[][..], Vec::as_slice),
            now.get(&v).map_or(&[][..], Vec::as_slice),
        );
        let find = |list: &[(StopRef, TimeOfDay)], s: StopRef| {
            list.iter().find(|(x, _)| *x == s).map(|&(_, t)| t)
        };
        let mut c = VehicleChanges {
            vehicle_id: v,
            ..VehicleChanges::default()
        };
        for &(s, t) in a {
            match find(b, s) {
                None => c.added.push(s),
                Some(was) if (t - was).abs() > tolerance => {
                    c.retimed.push(Retimed {
                        stop: s,
                        from: was,
                        to: t,
                    });
                    // The times elders wait for: a pick-up at home, a home visit.
                    if matches!(s.kind, StopKind::PickupHome | StopKind::HomeVisit) {
                        out.moved_minutes += ((t - was).abs() - tolerance + 59) / 60;
                    }
                }
                Some(_) => {}
            }
        }
        c.removed = b
            .iter()
            .filter(|(s, _)| find(a, *s).is_none())
            .map(|&(s, _)| s)
            .collect();
        if !c.is_empty() {
            out.disturbed += 1;
            out.vehicles.push(c);
        }
    }
    out
}
