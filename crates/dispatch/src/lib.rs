//! vaxride's domain, pure: elders, sites and their slots, vehicles, bookings and their life;
//! the community ledger (CSV) import; clustering a day's bookings by community and nearness;
//! building the solver's problem from a day and reading its solution back as a plan.
//!
//! No I/O, no clock, no HTTP or SQL: the store and the server stand on this crate.

pub mod cluster;
pub mod error;
pub mod ledger;
pub mod model;
pub mod moves;
pub mod navigation;
pub mod offer;
pub mod plan;
pub mod planning;
pub mod problems;
pub mod progress;
pub mod solve;
pub mod travel;
pub mod underway;
pub mod values;
pub mod vanplan;

pub use error::{DispatchError, FieldError, Fields, Problem};
