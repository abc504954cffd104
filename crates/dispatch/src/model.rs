//! The domain's values: what a street office keeps about elders, sites, vehicles and bookings.
//!
//! Times of day are seconds since local midnight ([`TimeOfDay`]); days are ISO dates
//! (`YYYY-MM-DD`, [`Day`]); coordinates are WGS-84 `[lon, lat]` degrees.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Fields, Problem};
use crate::problem;

/// Seconds since local midnight.
pub type TimeOfDay = i64;

/// A WGS-84 position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

impl Point {
    /// Checks that both numbers are finite and in range; `field` names the point in errors.
    pub fn validate(&self, field: &str, errors: &mut Fields) {
        if !self.lon.is_finite() || !(-180.0..=180.0).contains(&self.lon) {
            errors.push(FieldError::new(
                format!("{field}.lon"),
                problem!("bad_longitude", "must be a finite longitude in [-180, 180]"),
            ));
        }
        if !self.lat.is_finite() || !(-90.0..=90.0).contains(&self.lat) {
            errors.push(FieldError::new(
                format!("{field}.lat"),
                problem!("bad_latitude", "must be a finite latitude in [-90, 90]"),
            ));
        }
    }
}

/// A calendar day, `YYYY-MM-DD`, checked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day(String);

impl Day {
    /// Parses `YYYY-MM-DD` (a real date of the Gregorian calendar, years 2000–2199).
    pub fn parse(s: &str) -> Result<Day, Problem> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            s.get(r.clone())
                .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|t| t.parse().ok())
        };
        let bad = || {
            problem!(
                "not_a_day",
                "'{value}' is not a date like 2026-12-01",
                value = s
            )
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let (y, m, d) = match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            _ => return Err(bad()),
        };
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(2000..2200).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days[m as usize - 1]
        {
            return Err(bad());
        }
        Ok(Day(s.to_string()))
    }

    /// The date as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// ISO weekday, 1 = Monday … 7 = Sunday.
    pub fn weekday(&self) -> u32 {
        let y: i64 = self.0[0..4].parse().expect("checked");
        let m: i64 = self.0[5..7].parse().expect("checked");
        let d: i64 = self.0[8..10].parse().expect("checked");
        // Days since 1970-01-01 (a Thursday), by the civil-from-days inverse.
        let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        ((days + 3).rem_euclid(7) + 1) as u32
    }
}

impl TryFrom<String> for Day {
    type Error = Problem;
    fn try_from(s: String) -> Result<Day, Problem> {
        Day::parse(&s)
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.0
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How an elder moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mobility {
    /// Walks, with help: takes a seat.
    Walks,
    /// Travels in a wheelchair: takes a wheelchair place and needs a vehicle with a ramp.
    Wheelchair,
    /// Cannot travel: gets a home visit, never a ride.
    Bedridden,
}

impl Mobility {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Mobility::Walks => "walks",
            Mobility::Wheelchair => "wheelchair",
            Mobility::Bedridden => "bedridden",
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<Mobility> {
        [Mobility::Walks, Mobility::Wheelchair, Mobility::Bedridden]
            .into_iter()
            .find(|m| m.code() == s)
    }
}

/// Vaccination status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dose {
    /// Not vaccinated: needs a first dose.
    None,
    /// One dose: needs the second.
    First,
    /// Fully vaccinated: may get a booster.
    Full,
    /// Booster given.
    Booster,
}

impl Dose {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Dose::None => "none",
            Dose::First => "first",
            Dose::Full => "full",
            Dose::Booster => "booster",
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<Dose> {
        [Dose::None, Dose::First, Dose::Full, Dose::Booster]
            .into_iter()
            .find(|d| d.code() == s)
    }
    /// The dose this elder would get next (`first`, `second`, `booster`), if any.
    pub fn next_dose(self) -> Option<&'static str> {
        match self {
            Dose::None => Some("first"),
            Dose::First => Some("second"),
            Dose::Full => Some("booster"),
            Dose::Booster => None,
        }
    }
}

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
        [SiteKind::Fixed, SiteKind::CommunityPoint, SiteKind::VanStop]
            .into_iter()
            .find(|k| k.code() == s)
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
    /// ISO weekdays it opens (`"12345"` = Monday to Friday); van stops: every day of `day`.
    pub open_days: String,
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
    /// Doses given (`first`, `second`, `booster`).
    pub doses: Vec<String>,
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
            None => self
                .open_days
                .contains(char::from_digit(day.weekday(), 10).expect("weekday 1..=7")),
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
        dose.next_dose()
            .is_some_and(|d| self.doses.iter().any(|x| x == d))
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
    /// The pick-up window.
    pub fn window(self) -> (TimeOfDay, TimeOfDay) {
        match self {
            TimePreference::Morning => (8 * 3600, 12 * 3600),
            TimePreference::Afternoon => (13 * 3600, 17 * 3600 + 1800),
            TimePreference::Any => (7 * 3600, 18 * 3600),
        }
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
}

impl BookingStatus {
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
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<BookingStatus> {
        use BookingStatus::*;
        [
            Booked,
            Planned,
            Unserved,
            Confirmed,
            DriverArrived,
            PickedUp,
            NoShow,
            AtSite,
            ReturnPickedUp,
            Home,
            Cancelled,
        ]
        .into_iter()
        .find(|b| b.code() == s)
    }
    /// Whether the ride has begun (a re-plan never moves it, a secretary cannot cancel it).
    pub fn under_way(self) -> bool {
        use BookingStatus::*;
        matches!(
            self,
            DriverArrived | PickedUp | AtSite | ReturnPickedUp | Home | NoShow
        )
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
}

impl Report {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Report::Arrived => "arrived",
            Report::PickedUp => "picked_up",
            Report::NoShow => "no_show",
            Report::DroppedAtSite => "dropped_at_site",
            Report::ReturnPickedUp => "return_picked_up",
            Report::Home => "home",
        }
    }
    /// The booking's status after this report.
    pub fn status(self) -> BookingStatus {
        match self {
            Report::Arrived => BookingStatus::DriverArrived,
            Report::PickedUp => BookingStatus::PickedUp,
            Report::NoShow => BookingStatus::NoShow,
            Report::DroppedAtSite => BookingStatus::AtSite,
            Report::ReturnPickedUp => BookingStatus::ReturnPickedUp,
            Report::Home => BookingStatus::Home,
        }
    }
    /// The reports that fit a stop of this kind.
    pub fn fits(self, stop: StopKind) -> bool {
        match stop {
            StopKind::PickupHome => {
                matches!(self, Report::Arrived | Report::PickedUp | Report::NoShow)
            }
            StopKind::DropSite => self == Report::DroppedAtSite,
            StopKind::PickupSite => matches!(self, Report::ReturnPickedUp | Report::NoShow),
            StopKind::DropHome => self == Report::Home,
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
}

impl StopKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            StopKind::PickupHome => "pickup_home",
            StopKind::DropSite => "drop_site",
            StopKind::PickupSite => "pickup_site",
            StopKind::DropHome => "drop_home",
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<StopKind> {
        use StopKind::*;
        [PickupHome, DropSite, PickupSite, DropHome]
            .into_iter()
            .find(|k| k.code() == s)
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
            open_days: "12345".into(),
            open_from: 8 * 3600,
            open_to: 11 * 3600 + 1800,
            slot_minutes: 60,
            capacity_per_slot: 10,
            booked_share: 0.75,
            doses: vec!["first".into()],
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
