//! The domain's records: what a street office keeps about elders, sites, vehicles and bookings.
//!
//! Times of day are seconds since local midnight ([`TimeOfDay`]); the small values the records
//! are made of (days, coordinates, mobility, doses, …) live in [`crate::values`], each with its
//! one parser, and are re-exported here.

use serde::{Deserialize, Serialize};

use crate::values::{ClockTime, Shot, Weekdays, Window};
pub use crate::values::{Day, Dose, Mobility, Point, PointErrors};

/// Seconds since local midnight.
pub type TimeOfDay = i64;

/// An elder in a community's ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Elder {
    /// Database id.
    pub id: i64,
    /// Community.
    pub community_id: i64,
    /// Full name.
    pub name: String,
    /// Phone number.
    pub phone: String,
    /// Home address (for the driver).
    pub address: String,
    /// Home, WGS-84.
    pub home: Point,
    /// How the elder moves.
    pub mobility: Mobility,
    /// Companions who ride along (each takes a seat, both ways).
    pub companions: i64,
    /// Vaccination status.
    pub dose: Dose,
    /// Priority weight 1–5 (older and higher-risk first).
    pub priority: i64,
    /// Notes (health notes: never shown to drivers).
    pub notes: String,
}

impl Elder {
    /// The first name a driver sees: the given name for a Latin-script name, else the family
    /// name's first character with 老/阿 style courtesy left to the driver (the first character).
    pub fn first_name(&self) -> String {
        let name = self.name.trim();
        if name.is_ascii() {
            name.split_whitespace().next().unwrap_or("").to_string()
        } else {
            // Chinese names put the family name first: "王秀英" -> "王".
            name.chars().next().map(String::from).unwrap_or_default()
        }
    }
}

/// What kind of vaccination site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// A fixed site (health-service centre, plaza site).
    Fixed,
    /// A temporary community point with fixed hours.
    CommunityPoint,
    /// A mobile van's stop on one day.
    VanStop,
}

impl SiteKind {
    /// Every value, in order.
    pub const ALL: [SiteKind; 3] = [SiteKind::Fixed, SiteKind::CommunityPoint, SiteKind::VanStop];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            SiteKind::Fixed => "fixed",
            SiteKind::CommunityPoint => "community_point",
            SiteKind::VanStop => "van_stop",
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<SiteKind> {
        SiteKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// A vaccination site (or a van's stop) with its slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// Database id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: SiteKind,
    /// Location.
    pub location: Point,
    /// The days it opens; van stops: every day of `day`.
    pub open_days: Weekdays,
    /// Opening time.
    pub open_from: TimeOfDay,
    /// Closing time.
    pub open_to: TimeOfDay,
    /// Slot length in minutes.
    pub slot_minutes: i64,
    /// Shots per slot.
    pub capacity_per_slot: i64,
    /// Share of each slot kept for booked elders (the rest is for walk-ins).
    pub booked_share: f64,
    /// The shots given.
    pub doses: Vec<Shot>,
    /// For a van stop: the only day it is there.
    pub day: Option<Day>,
}

/// One bookable slot of a site on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSlot {
    /// Site id.
    pub site_id: i64,
    /// Start of the slot.
    pub start: TimeOfDay,
    /// End (exclusive).
    pub end: TimeOfDay,
    /// Elders it takes from bookings.
    pub capacity: u32,
}

impl Site {
    /// The slots this site offers on `day` (none when closed that day).
    pub fn slots(&self, day: &Day) -> Vec<SiteSlot> {
        let open = match &self.day {
            Some(d) => d == day,
            None => self.open_days.contains(day.weekday()),
        };
        if !open || self.slot_minutes <= 0 {
            return Vec::new();
        }
        let len = self.slot_minutes * 60;
        let capacity = (self.capacity_per_slot as f64 * self.booked_share).floor() as u32;
        let mut out = Vec::new();
        let mut t = self.open_from;
        while t + len <= self.open_to {
            out.push(SiteSlot {
                site_id: self.id,
                start: t,
                end: t + len,
                capacity,
            });
            t += len;
        }
        out
    }

    /// Whether the site gives the dose this elder needs next.
    pub fn gives(&self, dose: Dose) -> bool {
        dose.next_shot().is_some_and(|d| self.doses.contains(&d))
    }
}

/// A vehicle with its volunteer driver's shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vehicle {
    /// Database id.
    pub id: i64,
    /// Name or plate.
    pub name: String,
    /// Passenger seats.
    pub seats: i64,
    /// Wheelchair places.
    pub wheelchairs: i64,
    /// Features (`ramp`).
    pub features: Vec<String>,
    /// Shift start.
    pub shift_from: TimeOfDay,
    /// Shift end.
    pub shift_to: TimeOfDay,
    /// Where the driver starts and ends.
    pub start: Point,
    /// A home-visit team (a doctor and a nurse in a car), not a car for rides: it visits
    /// bedridden elders at home and takes nobody on board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Team>,
}

/// What a home-visit team can do in a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Shots the team carries for the day: at most this many visits.
    pub shots_per_day: i64,
}

/// When the elder wants to be picked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimePreference {
    /// 08:00–12:00.
    Morning,
    /// 13:00–17:30.
    Afternoon,
    /// Any time the sites are open (07:00–18:00).
    Any,
}

impl TimePreference {
    /// Every preference, the default first.
    pub const ALL: [TimePreference; 3] = [
        TimePreference::Any,
        TimePreference::Morning,
        TimePreference::Afternoon,
    ];

    /// The code the API takes.
    pub fn code(self) -> &'static str {
        match self {
            TimePreference::Morning => "morning",
            TimePreference::Afternoon => "afternoon",
            TimePreference::Any => "any",
        }
    }

    /// The pick-up window.
    pub fn window(self) -> Window {
        let (from, to) = match self {
            TimePreference::Morning => (ClockTime::hm(8, 0), ClockTime::hm(12, 0)),
            TimePreference::Afternoon => (ClockTime::hm(13, 0), ClockTime::hm(17, 30)),
            TimePreference::Any => (ClockTime::hm(7, 0), ClockTime::hm(18, 0)),
        };
        Window::new(from, to).expect("each preference's window is in order")
    }
}

/// A booking's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Booked, not yet in a published plan.
    Booked,
    /// In a published plan: a driver and a pick-up time are set.
    Planned,
    /// Left out of the published plan (the plan says why).
    Unserved,
    /// The driver accepted the trip.
    Confirmed,
    /// The driver is at the door.
    DriverArrived,
    /// On the way to the site.
    PickedUp,
    /// Not there when the driver came.
    NoShow,
    /// At the site.
    AtSite,
    /// On the way home.
    ReturnPickedUp,
    /// Home again (or at the site, when no return was wanted): done.
    Home,
    /// Cancelled by the secretary.
    Cancelled,
    /// The home-visit team has been: vaccinated, or the health check said not today (the
    /// ledger tells which). Done.
    Visited,
}

impl BookingStatus {
    /// Every value, in order.
    pub const ALL: [BookingStatus; 12] = [
        BookingStatus::Booked,
        BookingStatus::Planned,
        BookingStatus::Unserved,
        BookingStatus::Confirmed,
        BookingStatus::DriverArrived,
        BookingStatus::PickedUp,
        BookingStatus::NoShow,
        BookingStatus::AtSite,
        BookingStatus::ReturnPickedUp,
        BookingStatus::Home,
        BookingStatus::Cancelled,
        BookingStatus::Visited,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booked",
            BookingStatus::Planned => "planned",
            BookingStatus::Unserved => "unserved",
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::DriverArrived => "driver_arrived",
            BookingStatus::PickedUp => "picked_up",
            BookingStatus::NoShow => "no_show",
            BookingStatus::AtSite => "at_site",
            BookingStatus::ReturnPickedUp => "return_picked_up",
            BookingStatus::Home => "home",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Visited => "visited",
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<BookingStatus> {
        BookingStatus::ALL.into_iter().find(|b| b.code() == s)
    }
    /// Whether a secretary may still cancel it: not under way, not cancelled already.
    pub fn cancellable(self) -> bool {
        !self.under_way() && self != BookingStatus::Cancelled
    }
    /// Whether the ride has begun (a re-plan never moves it, a secretary cannot cancel it).
    pub fn under_way(self) -> bool {
        use BookingStatus::*;
        matches!(
            self,
            DriverArrived | PickedUp | AtSite | ReturnPickedUp | Home | NoShow | Visited
        )
    }
    /// Whether the elder reached the site, or the home-visit team reached the elder (a shot
    /// given there can be recorded).
    pub fn reached_site(self) -> bool {
        use BookingStatus::*;
        matches!(self, AtSite | ReturnPickedUp | Home | Visited)
    }
}

/// A trip's life, as its driver sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TripStatus {
    /// Published, waiting for the driver.
    Offered,
    /// The driver accepted it.
    Accepted,
    /// The driver declined it: the coordinator reassigns it.
    Declined,
    /// Every stop done.
    Done,
    /// Replaced or withdrawn.
    Cancelled,
}

impl TripStatus {
    /// Every value, in order.
    pub const ALL: [TripStatus; 5] = [
        TripStatus::Offered,
        TripStatus::Accepted,
        TripStatus::Declined,
        TripStatus::Done,
        TripStatus::Cancelled,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            TripStatus::Offered => "offered",
            TripStatus::Accepted => "accepted",
            TripStatus::Declined => "declined",
            TripStatus::Done => "done",
            TripStatus::Cancelled => "cancelled",
        }
    }
}

/// What a driver reports at a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    /// At the pick-up address.
    Arrived,
    /// The elder is on board.
    PickedUp,
    /// The elder was not there.
    NoShow,
    /// Dropped at the site.
    DroppedAtSite,
    /// Picked up at the site for the ride home.
    ReturnPickedUp,
    /// Home again.
    Home,
    /// At the site, the health check before the shot failed: not vaccinated, the elder goes
    /// home early (the ride home may come now).
    HealthCheckFailed,
    /// At the site, the elder got the shot due (the campaign's ledger records it).
    Vaccinated,
}

impl Report {
    /// Every value, in order.
    pub const ALL: [Report; 8] = [
        Report::Arrived,
        Report::PickedUp,
        Report::NoShow,
        Report::DroppedAtSite,
        Report::ReturnPickedUp,
        Report::Home,
        Report::HealthCheckFailed,
        Report::Vaccinated,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Report::Arrived => "arrived",
            Report::PickedUp => "picked_up",
            Report::NoShow => "no_show",
            Report::DroppedAtSite => "dropped_at_site",
            Report::ReturnPickedUp => "return_picked_up",
            Report::Home => "home",
            Report::HealthCheckFailed => "health_check_failed",
            Report::Vaccinated => "vaccinated",
        }
    }
    /// The booking's status after this report at a stop of this kind; `None` for what is said
    /// while the elder is at the site (`health_check_failed`, `vaccinated`), which leaves it as
    /// it was. At a home visit those two end the visit; `no_show` is "not at home".
    pub fn status_at(self, stop: StopKind) -> Option<BookingStatus> {
        if stop == StopKind::HomeVisit
            && matches!(self, Report::HealthCheckFailed | Report::Vaccinated)
        {
            return Some(BookingStatus::Visited);
        }
        match self {
            Report::Arrived => Some(BookingStatus::DriverArrived),
            Report::PickedUp => Some(BookingStatus::PickedUp),
            Report::NoShow => Some(BookingStatus::NoShow),
            Report::DroppedAtSite => Some(BookingStatus::AtSite),
            Report::ReturnPickedUp => Some(BookingStatus::ReturnPickedUp),
            Report::Home => Some(BookingStatus::Home),
            Report::HealthCheckFailed | Report::Vaccinated => None,
        }
    }
    /// Whether this report finishes its stop of this kind (every report but `arrived`,
    /// `health_check_failed` and `vaccinated`, said while the stop waits, does; at a home
    /// visit every report but `arrived`).
    pub fn closes_stop(self, stop: StopKind) -> bool {
        match stop {
            StopKind::HomeVisit => self != Report::Arrived,
            _ => !matches!(
                self,
                Report::Arrived | Report::HealthCheckFailed | Report::Vaccinated
            ),
        }
    }
    /// The reports that fit a stop of this kind.
    pub fn fits(self, stop: StopKind) -> bool {
        match stop {
            StopKind::PickupHome => {
                matches!(self, Report::Arrived | Report::PickedUp | Report::NoShow)
            }
            StopKind::DropSite => self == Report::DroppedAtSite,
            StopKind::PickupSite => matches!(
                self,
                Report::ReturnPickedUp
                    | Report::NoShow
                    | Report::HealthCheckFailed
                    | Report::Vaccinated
            ),
            StopKind::DropHome => self == Report::Home,
            StopKind::HomeVisit => matches!(
                self,
                Report::Arrived | Report::NoShow | Report::HealthCheckFailed | Report::Vaccinated
            ),
        }
    }
}

/// What happens at a stop of a trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopKind {
    /// Pick the elder up at home.
    PickupHome,
    /// Drop the elder at the site.
    DropSite,
    /// Pick the elder up at the site after the visit.
    PickupSite,
    /// Bring the elder home.
    DropHome,
    /// The home-visit team at a bedridden elder's home: assessment, the shot, the observation.
    HomeVisit,
}

impl StopKind {
    /// Every value, in order.
    pub const ALL: [StopKind; 5] = [
        StopKind::PickupHome,
        StopKind::DropSite,
        StopKind::PickupSite,
        StopKind::DropHome,
        StopKind::HomeVisit,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            StopKind::PickupHome => "pickup_home",
            StopKind::DropSite => "drop_site",
            StopKind::PickupSite => "pickup_site",
            StopKind::DropHome => "drop_home",
            StopKind::HomeVisit => "home_visit",
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<StopKind> {
        StopKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// Why a published trip changed (a stop added, taken off or re-timed), as its driver and the
/// elder's secretary are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeReason {
    /// The secretary cancelled the booking.
    Cancelled,
    /// The elder was not there: their later stops are off.
    NoShow,
    /// The coordinator published a new plan of the day.
    Replanned,
    /// An elder's health check at the site failed: they go home early.
    HealthCheckFailed,
    /// A driver declined their trip: its stops went to others.
    Declined,
    /// An urgent booking for the day was added.
    UrgentBooking,
    /// A driver reported a stop well after its planned time: the trip runs late.
    RunningLate,
    /// The coordinator changed a site (its hours, its slots, closed it).
    SiteChanged,
    /// The coordinator changed a vehicle (its shift: unavailable from a time; taken out).
    VehicleChanged,
    /// The coordinator moved an elder's ride to another vehicle by hand.
    Moved,
    /// A driver did not answer their trip in the district's time: it went to others.
    Unanswered,
    /// An elder's observation at the site ended earlier, or runs later, than planned.
    Observation,
}

impl ChangeReason {
    /// Every value, in order.
    pub const ALL: [ChangeReason; 12] = [
        ChangeReason::Cancelled,
        ChangeReason::NoShow,
        ChangeReason::Replanned,
        ChangeReason::HealthCheckFailed,
        ChangeReason::Declined,
        ChangeReason::UrgentBooking,
        ChangeReason::RunningLate,
        ChangeReason::SiteChanged,
        ChangeReason::VehicleChanged,
        ChangeReason::Moved,
        ChangeReason::Unanswered,
        ChangeReason::Observation,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ChangeReason::Cancelled => "cancelled",
            ChangeReason::NoShow => "no_show",
            ChangeReason::Replanned => "replanned",
            ChangeReason::HealthCheckFailed => "health_check_failed",
            ChangeReason::Declined => "declined",
            ChangeReason::UrgentBooking => "urgent_booking",
            ChangeReason::RunningLate => "running_late",
            ChangeReason::SiteChanged => "site_changed",
            ChangeReason::VehicleChanged => "vehicle_changed",
            ChangeReason::Moved => "moved",
            ChangeReason::Unanswered => "unanswered",
            ChangeReason::Observation => "observation",
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<ChangeReason> {
        ChangeReason::ALL.into_iter().find(|k| k.code() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked_and_know_their_weekday() {
        assert_eq!(Day::parse("2022-04-18").unwrap().weekday(), 1); // a Monday
        assert_eq!(Day::parse("2026-11-22").unwrap().weekday(), 7); // a Sunday
        assert_eq!(Day::parse("2024-02-29").unwrap().weekday(), 4);
        for bad in [
            "2023-02-29",
            "2022-13-01",
            "2022-4-18",
            "18.04.2022",
            "",
            "2022-04-00",
        ] {
            assert!(Day::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slots_follow_the_opening_hours_and_keep_the_walk_in_share() {
        let site = Site {
            id: 1,
            name: "centre".into(),
            kind: SiteKind::Fixed,
            location: Point { lon: 0.0, lat: 0.0 },
            open_days: Weekdays::parse("12345").unwrap(),
            open_from: 8 * 3600,
            open_to: 11 * 3600 + 1800,
            slot_minutes: 60,
            capacity_per_slot: 10,
            booked_share: 0.75,
            doses: vec![Shot::First],
            day: None,
        };
        let monday = Day::parse("2022-04-18").unwrap();
        let slots = site.slots(&monday);
        assert_eq!(slots.len(), 3);
        assert_eq!(
            (slots[2].start, slots[2].end, slots[2].capacity),
            (36000, 39600, 7)
        );
        assert!(site.slots(&Day::parse("2022-04-17").unwrap()).is_empty()); // Sunday
        assert!(site.gives(Dose::None) && !site.gives(Dose::First));
    }
}
