//! The demo street office the server seeds on first start: a small town's roads and a street
//! office with its communities, elders, sites, mobile vans, volunteer vehicles and drivers, a
//! day's bookings and the users of every role.
//!
//! Pure and deterministic: the same seed (and the same anchors) always gives the same office. No
//! I/O, no clock; randomness comes from [`StdRng`] seeded with the seed.
//!
//! Every generated location (homes, sites, vehicle starts, community centres) is one of the
//! given *anchors* or lies a few metres from one, so that it snaps to a road: for the built-in
//! town the anchors are its road nodes ([`road_anchors`] of [`town_roads`]); with a real extract
//! the server passes the nodes of that extract.
//!
//! The communities are those the two source articles name: 翠生, 西华, 平顺, 正义 and 帅府
//! (皇城街道, 沈河区, Shenyang), 富民 (南塔街道, Shenyang), and 红光太古山 and 京畿路 (金山街道,
//! Zhenjiang).
//!
//! The modules follow the generation: [`roads`] (the town), `frame` (metres around a point),
//! `area` (the anchors the office is placed among), `names` and `people` (who lives there), and
//! [`office`] (communities, elders, sites, fleet, bookings and users, drawn in that order from
//! one random stream).
//!
//! A city district is several such offices side by side ([`city`]): the anchors shared out
//! into one region per office, each office in its own region and sized to its day's requests
//! ([`OfficeSize::for_requests`]: elders, sites and vans, vehicles). One office of the demo's
//! size is the demo office itself.

mod area;
mod frame;
mod names;
pub mod office;
mod people;
pub mod roads;

pub use office::{
    DemoBooking, DemoCommunity, DemoDriver, DemoElder, DemoOffice, DemoUser, OfficeSize, city,
    office,
};
pub use roads::{TOWN_CENTRE, road_anchors, town_roads};

#[cfg(test)]
mod tests;
