//! "Which slots can still take this elder?" (issue 15): for a booking made on a day whose plan
//! is published and under way, each site slot into which the elder can be inserted now with
//! nothing else in the plan moved, with the pick-up time it gives; and the plan with the elder
//! inserted into the slot chosen, checked like every plan.
//!
//! Pure: the day as it stands ([`DayUnderWay`]) and the travel times are passed in.

use serde::{Deserialize, Serialize};
use vaxride_solver::{Insertion, Route};

use crate::model::{StopKind, TimeOfDay};
use crate::plan::{DayInstance, Layout, PlanInput, RefusalReason};
use crate::planning::{CheckedPlan, PlanError, checked_under_way};
use crate::travel::TravelTimes;
use crate::underway::{DayUnderWay, where_vehicles_are};

/// A slot a booking can go to now, and what it gives the elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotOffer {
    /// The site.
    pub site_id: i64,
    /// The slot's start, seconds of the day.
    pub slot_start: TimeOfDay,
    /// The slot's end (exclusive).
    pub slot_end: TimeOfDay,
    /// When the elder is picked up at home.
    pub pickup: TimeOfDay,
    /// When the elder is dropped at the site.
    pub at_site: TimeOfDay,
    /// When the ride home leaves the site (a ride home wanted).
    pub ride_home: Option<TimeOfDay>,
    /// The vehicle that picks the elder up.
    pub vehicle_id: i64,
    /// What it adds to the day's driving, seconds.
    pub added_seconds: i64,
}

/// The slots a booking can go to now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offers {
    /// Each slot that can take the elder with nothing else moved, earliest first.
    pub offers: Vec<SlotOffer>,
    /// Why no site fits the booking at all (a refusal reason's code), when none does.
    pub refused: Option<String>,
}

/// Why a booking could not be inserted into the slot chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    /// The slot can no longer take the elder with nothing else moved (it filled, or the day
    /// moved on since it was offered).
    #[error("that slot can no longer take the elder")]
    Gone,
    /// The plan with the elder inserted did not pass its checks (a defect).
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// The problem of the day under way with the booking in it, and every way to insert it.
struct Prepared {
    instance: DayInstance,
    insertions: Vec<Insertion>,
    refused: Option<String>,
}

fn prepare(
    input: &PlanInput,
    day: &DayUnderWay,
    booking_id: i64,
    times: &dyn TravelTimes,
) -> Prepared {
    let layout = Layout::with_places(input, &where_vehicles_are(day));
    let durations = times.durations(&layout.points);
    let free = DayUnderWay {
        keep_cost: None,
        ..day.clone()
    };
    let (instance, warm): (DayInstance, Vec<Route>) =
        layout.instance_under_way(input, &free, &durations);
    let position = instance.booking_of.iter().position(|&b| b == booking_id);
    // A home visit has no slot to offer: the team comes to the elder.
    let refused = match position {
        Some(r) if instance.visit[r] => Some(RefusalReason::HomeVisit.code().to_string()),
        _ => instance
            .refused
            .iter()
            .find(|r| r.booking_id == booking_id)
            .map(|r| r.reason.clone()),
    };
    let insertions = match position {
        Some(r) if !instance.visit[r] => vaxride_solver::insertions(&instance.problem, &warm, r).1,
        _ => Vec::new(),
    };
    Prepared {
        instance,
        insertions,
        refused,
    }
}

/// What an insertion gives the booking, read from the plan it makes.
fn offer(instance: &DayInstance, insertion: &Insertion, booking_id: i64) -> Option<SlotOffer> {
    let slot = instance.problem.requests
        [instance.booking_of.iter().position(|&b| b == booking_id)?]
    .choices[insertion.choice]
        .slot?;
    let slot = &instance.slots[slot];
    let result = instance.plan(&insertion.solution);
    let mut offer = SlotOffer {
        site_id: slot.site_id,
        slot_start: slot.start,
        slot_end: slot.end,
        pickup: 0,
        at_site: 0,
        ride_home: None,
        vehicle_id: 0,
        added_seconds: insertion.delta,
    };
    let mut picked = false;
    for r in &result.routes {
        for s in r.stops.iter().filter(|s| s.booking_id == booking_id) {
            match s.kind {
                StopKind::PickupHome => {
                    offer.pickup = s.start;
                    offer.vehicle_id = r.vehicle_id;
                    picked = true;
                }
                StopKind::DropSite => offer.at_site = s.start,
                StopKind::PickupSite => offer.ride_home = Some(s.start),
                StopKind::DropHome | StopKind::HomeVisit => {}
            }
        }
    }
    picked.then_some(offer)
}

/// The slots `booking_id` (a booking of `input` not yet in the published plan) can go to now,
/// each with nothing else in the plan moved.
pub fn slot_offers(
    input: &PlanInput,
    day: &DayUnderWay,
    booking_id: i64,
    times: &dyn TravelTimes,
) -> Offers {
    let day = &day.settled();
    let p = prepare(input, day, booking_id, times);
    let mut offers: Vec<SlotOffer> = p
        .insertions
        .iter()
        .filter_map(|i| offer(&p.instance, i, booking_id))
        .collect();
    offers.sort_by_key(|o| (o.slot_start, o.site_id, o.pickup));
    Offers {
        offers,
        refused: p.refused,
    }
}

/// The published plan with `booking_id` inserted into the slot of `site_id` starting at
/// `slot_start`, nothing else moved; checked like every plan.
pub fn insert_booking(
    input: &PlanInput,
    day: &DayUnderWay,
    booking_id: i64,
    (site_id, slot_start): (i64, TimeOfDay),
    times: &dyn TravelTimes,
) -> Result<CheckedPlan, OfferError> {
    let day = &day.settled();
    let p = prepare(input, day, booking_id, times);
    let request = p.instance.booking_of.iter().position(|&b| b == booking_id);
    let slot_of = |i: &Insertion| {
        let slot = p.instance.problem.requests[request?].choices[i.choice].slot?;
        Some(&p.instance.slots[slot])
    };
    let chosen = p
        .insertions
        .iter()
        .position(|i| slot_of(i).is_some_and(|s| s.site_id == site_id && s.start == slot_start))
        .ok_or(OfferError::Gone)?;
    let chosen = p.insertions.into_iter().nth(chosen).expect("found above");
    Ok(checked_under_way(
        input,
        day,
        times,
        p.instance,
        chosen.solution,
    )?)
}
