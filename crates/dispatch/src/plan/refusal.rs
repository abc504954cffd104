//! Why the planner leaves a booking out before solving.

use serde::{Deserialize, Serialize};

/// Why the planner left a booking out before solving (the solver's own reasons are
/// `vaxride_solver::UnassignedReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalReason {
    /// The elder is bedridden: a home visit by a team, no slot to offer (and, in plans stored
    /// before home visits were planned, why the booking was left out).
    HomeVisit,
    /// No site gives the dose the elder needs next.
    NoSiteForDose,
    /// The sites that give it have no slot open in the window.
    NoOpenSlot,
    /// Picked up, but no ride home (or to the site) could be planned: the coordinator must act.
    NoRideHome,
    /// A home visit, and no home-visit team is on duty that day.
    NoHomeVisitTeam,
}

impl RefusalReason {
    /// Every reason, in order.
    pub const ALL: [RefusalReason; 5] = [
        RefusalReason::HomeVisit,
        RefusalReason::NoSiteForDose,
        RefusalReason::NoOpenSlot,
        RefusalReason::NoRideHome,
        RefusalReason::NoHomeVisitTeam,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            RefusalReason::HomeVisit => "home_visit",
            RefusalReason::NoSiteForDose => "no_site_for_dose",
            RefusalReason::NoOpenSlot => "no_open_slot",
            RefusalReason::NoRideHome => "no_ride_home",
            RefusalReason::NoHomeVisitTeam => "no_home_visit_team",
        }
    }
}

/// A booking that cannot go into the problem at all, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// Booking id.
    pub booking_id: i64,
    /// Reason code: a [`RefusalReason`]'s.
    pub reason: String,
}
