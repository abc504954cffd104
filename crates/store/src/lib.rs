//! vaxride's persistence. One [`Store`] over sqlx's `Any` driver: a SQLite file by default
//! (WAL, `synchronous=FULL`, foreign keys on), PostgreSQL when the URL says so. The schema is
//! in `migrations/sqlite` and `migrations/postgres` (the same tables in each dialect); every
//! query is written once, in the SQL both understand, with `$1`-style parameters.
//!
//! Every read and write that serves a user takes a [`Scope`]: what belongs to another
//! community, district or driver is treated exactly like what does not exist.

/// Query text made of constant fragments and integer ids from the caller's session, never of
/// request input (values always go through `bind`).
macro_rules! sql {
    ($($t:tt)*) => {
        sqlx::AssertSqlSafe(format!($($t)*))
    };
}

mod bookings;
mod changes;
mod communities;
mod db;
mod drivers;
mod elders;
mod error;
mod events;
mod jobs;
mod ledger;
mod plans;
pub mod problems;
mod progress;
mod publish;
mod sites;
mod trip_view;
mod trips;
mod urgent;
mod users;
mod vaccinations;
mod vans;
mod vehicles;
mod walk_ins;

pub use bookings::{BookingView, Idempotency, NewBooking, PickupMoved, Replay};
pub use changes::TELL_AFTER;
pub use communities::Community;
pub use db::{Backend, Store};
pub use drivers::{DriverView, NewDriver};
pub use elders::ElderInput;
pub use error::StoreError;
pub use events::{DayEvent, DaySettings, REPAIR_SECONDS};
pub use jobs::{
    ClaimedJob, JobEnd, JobKind, JobStatus, JobUpdate, JobView, Lease, MAX_ATTEMPTS, NewJob,
};
pub use ledger::LedgerEntry;
pub use plans::{PlanSummary, PlanView, UnderWay};
pub use sites::{NewSite, Retire};
pub use trip_view::{ChangedStopView, RemovedStopView, TripChangeView, TripStopView, TripView};
pub use trips::OutboxEvent;
pub use urgent::{NEW_BOOKING, Placed, UrgentDay};
pub use users::{Account, District, NewUser, Principal};
pub use vaccinations::Vaccination;
pub use vans::Van;
pub use vehicles::NewVehicle;

/// Who is asking, and what they may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything.
    Admin,
    /// One street office (district).
    District(i64),
    /// One community of a district.
    Community {
        /// District.
        district: i64,
        /// Community.
        community: i64,
    },
    /// One driver's trips.
    Driver {
        /// District.
        district: i64,
        /// Driver.
        driver: i64,
    },
}

impl Scope {
    /// The district, if the scope is limited to one.
    pub fn district(self) -> Option<i64> {
        match self {
            Scope::Admin => None,
            Scope::District(d) | Scope::Community { district: d, .. } => Some(d),
            Scope::Driver { district, .. } => Some(district),
        }
    }
}
