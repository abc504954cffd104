//! Planning where and when the mobile vaccination vans stop (issue 16). `cover.rs`: the
//! covering part — which candidate stop points to choose and who walks to which — exact on
//! small cases and searched on large ones. `timetable.rs`: a van's day — stops in order with
//! arrival, set-up, slots clear of the break, pack-up and the drive between — and its checker.

pub mod couple;
pub mod cover;
pub mod propose;
pub mod request;
pub mod riders;
pub mod timetable;
