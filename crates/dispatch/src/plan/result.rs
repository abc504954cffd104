//! A plan as people read it: each vehicle's route with its stops and times, the bookings left
//! out and why, and the day's figures.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Point, StopKind, TimeOfDay};

/// One stop of a planned route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedStop {
    /// Booking.
    pub booking_id: i64,
    /// What happens here.
    pub kind: StopKind,
    /// The site, for stops at a site.
    pub site_id: Option<i64>,
    /// Where.
    pub point: Point,
    /// Planned arrival, seconds of the day.
    pub arrival: TimeOfDay,
    /// Planned service start.
    pub start: TimeOfDay,
    /// A drop at a site: the start of the slot whose place it takes (a drop running late
    /// still counts in the slot it was given; absent in plans stored before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<TimeOfDay>,
}

/// One vehicle's planned route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedRoute {
    /// Vehicle.
    pub vehicle_id: i64,
    /// Departure from the start point.
    pub departure: TimeOfDay,
    /// Return to the start point.
    pub arrival: TimeOfDay,
    /// The stops in order.
    pub stops: Vec<PlannedStop>,
}

/// A booking left out of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnservedBooking {
    /// Booking.
    pub booking_id: i64,
    /// Reason code: a solver reason (`slot_full`, `window_unreachable`, …) or a planner one
    /// (`home_visit`, `no_site_for_dose`, `no_open_slot`).
    pub reason: String,
}

/// Load of one site slot in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotLoad {
    /// Site.
    pub site_id: i64,
    /// Slot start.
    pub start: TimeOfDay,
    /// Slot end.
    pub end: TimeOfDay,
    /// Elders it takes from bookings.
    pub capacity: u32,
    /// Elders planned to arrive in it.
    pub planned: u32,
}

/// The plan's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Bookings planned for.
    pub requested: usize,
    /// Bookings served.
    pub served: usize,
    /// Unserved, by reason.
    pub unserved_by_reason: BTreeMap<String, usize>,
    /// Vehicles with a route.
    pub vehicles_used: usize,
    /// Sum of the routes' durations, seconds (volunteers' time).
    pub driver_seconds: i64,
    /// Mean time on board per ride (legs counted separately), seconds.
    pub mean_ride_seconds: i64,
    /// Longest time on board of any ride, seconds.
    pub max_ride_seconds: i64,
    /// Mean time on board beyond the direct trip, seconds.
    pub mean_excess_ride_seconds: i64,
    /// Load per site slot.
    pub slots: Vec<SlotLoad>,
}

/// A plan as the coordinator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanResult {
    /// Routes.
    pub routes: Vec<PlannedRoute>,
    /// Bookings left out.
    pub unserved: Vec<UnservedBooking>,
    /// Figures.
    pub figures: Figures,
}
