//! A coordinator's manual move of a stop (issue 15): one ride of an elder — the ride to the
//! site, or the ride home — taken off the trip that has it and put into another vehicle's trip
//! where it costs least there, nothing else in the plan moved; checked like every plan.
//!
//! Pure: the day as it stands ([`DayUnderWay`]) and the travel times are passed in.

use serde::{Deserialize, Serialize};
use vaxride_solver::MoveRefused;

use crate::plan::{Layout, PlanInput};
use crate::planning::{CheckedPlan, PlanError, checked_under_way};
use crate::travel::TravelTimes;
use crate::underway::{DayUnderWay, where_vehicles_are};

/// Which of an elder's rides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ride {
    /// Home to the site: the pick-up at home and the drop at the site.
    Out,
    /// The site to home: the pick-up at the site and the drop at home.
    Home,
}

impl Ride {
    /// Every value, in order.
    pub const ALL: [Ride; 2] = [Ride::Out, Ride::Home];
}

/// Why a ride could not be moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// The ride has begun or is done: it stays with its driver.
    #[error("that ride has begun: it stays with its driver")]
    UnderWay,
    /// The published plan has no such ride (not planned, finished, or no ride home wanted).
    #[error("the published plan has no such ride")]
    NotPlanned,
    /// The vehicle may not carry the elder (a wheelchair needs a ramp) or is not the day's.
    #[error("that vehicle cannot carry the elder")]
    NotAllowed,
    /// The vehicle's trip has no place for the ride with nothing else moved.
    #[error("that vehicle's trip has no room for the ride")]
    NoRoom,
    /// The plan with the ride moved did not pass its checks (a defect).
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// The published plan with `ride` of `booking_id` moved into `vehicle_id`'s trip at its
/// cheapest place there, nothing else moved. Nobody is picked up earlier than published.
pub fn move_ride(
    input: &PlanInput,
    day: &DayUnderWay,
    (booking_id, ride): (i64, Ride),
    vehicle_id: i64,
    times: &dyn TravelTimes,
) -> Result<CheckedPlan, MoveError> {
    let day = &day.settled();
    let layout = Layout::with_places(input, &where_vehicles_are(day));
    let durations = times.durations(&layout.points);
    // Kept at no cost: the published pick-up times are floors, as in a repair.
    let kept = DayUnderWay {
        keep_cost: Some(0),
        ..day.clone()
    };
    let (instance, warm) = layout.instance_under_way(input, &kept, &durations);
    let mut found = None;
    let mut begun = false;
    for (r, req) in instance.problem.requests.iter().enumerate() {
        if instance.booking_of[r] != booking_id {
            continue;
        }
        let legs = req.choices.first().map_or(0, |c| c.legs.len());
        let leg = match (ride, instance.returns_first[r]) {
            (Ride::Out, false) => Some(0),
            (Ride::Home, false) => (legs == 2).then_some(1),
            (Ride::Home, true) => Some(0),
            (Ride::Out, true) => None,
        };
        // An elder on board: a delivery pinned to the vehicle they are in.
        let on_board = req.vehicle.is_some();
        match leg {
            Some(leg) if !on_board => found = Some((r, leg)),
            _ => begun |= on_board || ride == Ride::Out,
        }
    }
    let Some((request, leg)) = found else {
        let finished = instance.finished.contains(&booking_id);
        return Err(if begun || finished {
            MoveError::UnderWay
        } else {
            MoveError::NotPlanned
        });
    };
    let vehicle = instance
        .vehicle_of
        .iter()
        .position(|&v| v == vehicle_id)
        .ok_or(MoveError::NotAllowed)?;
    let solution = vaxride_solver::move_leg(&instance.problem, &warm, request, leg, vehicle)
        .map_err(|e| match e {
            MoveRefused::NotRouted => MoveError::NotPlanned,
            MoveRefused::NotAllowed => MoveError::NotAllowed,
            MoveRefused::NoRoom => MoveError::NoRoom,
        })?;
    Ok(checked_under_way(input, day, times, instance, solution)?)
}
