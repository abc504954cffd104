//! The invariant every plan of a day under way is checked against.

use std::collections::HashMap;

use super::{DayUnderWay, StopState, prefix_len, step};
use crate::model::StopKind;
use crate::plan::{PlanInput, PlanResult, RefusalReason};

/// The invariant of a day under way, checked on every plan of one: the bookings whose elder was
/// picked up and is not yet where the day ends for them (home; the site when no ride home is
/// wanted) whose remaining stops the plan does not all have, unless it names them unserved with
/// `no_ride_home`; and those of a stop done or under way that is not where it was, first on its
/// vehicle's route. How far an elder has come is the furthest of their stops done or under way.
pub fn stranded(input: &PlanInput, day: &DayUnderWay, plan: &PlanResult) -> Vec<i64> {
    let mut bad = Vec::new();
    let wants_return: HashMap<i64, bool> = input
        .bookings
        .iter()
        .map(|b| (b.booking_id, b.return_wanted))
        .collect();
    let named: std::collections::HashSet<i64> = plan
        .unserved
        .iter()
        .filter(|u| u.reason == RefusalReason::NoRideHome.code())
        .map(|u| u.booking_id)
        .collect();
    let mut reached: HashMap<i64, u8> = HashMap::new();
    for r in &day.routes {
        let k = prefix_len(r);
        let now = plan.routes.iter().find(|x| x.vehicle_id == r.vehicle_id);
        // The prefix, unchanged and first.
        let kept = now.is_some_and(|x| {
            x.stops.len() >= k
                && x.stops[..k]
                    .iter()
                    .zip(&r.stops[..k])
                    .all(|(a, b)| a.booking_id == b.stop.booking_id && a.kind == b.stop.kind)
        });
        if k > 0 && !kept {
            bad.extend(r.stops[..k].iter().map(|s| s.stop.booking_id));
        }
        for s in r.stops[..k]
            .iter()
            .filter(|s| !matches!(s.state, StopState::Missed { .. }))
        {
            let e = reached.entry(s.stop.booking_id).or_default();
            *e = (*e).max(step(s.stop.kind));
        }
    }
    for (&id, &at) in &reached {
        let home = wants_return.get(&id).copied().unwrap_or(false);
        let still: &[StopKind] = match at {
            1 if home => &[StopKind::DropSite, StopKind::PickupSite, StopKind::DropHome],
            1 => &[StopKind::DropSite],
            2 if home => &[StopKind::PickupSite, StopKind::DropHome],
            3 => &[StopKind::DropHome],
            _ => &[],
        };
        let planned: Vec<StopKind> = plan
            .routes
            .iter()
            .flat_map(|x| &x.stops)
            .filter(|x| x.booking_id == id && still.contains(&x.kind))
            .map(|x| x.kind)
            .collect();
        if !still.iter().all(|k| planned.contains(k)) && !named.contains(&id) {
            bad.push(id);
        }
    }
    bad.sort_unstable();
    bad.dedup();
    bad
}
