//! # vaxride-roadnet
//!
//! The road network under every route vaxride plans: OpenStreetMap in, exact travel-time and
//! distance matrices, snapped points and route geometry out.
//!
//! * [`osm`] reads `.osm.pbf`, `.osm` and `.osm.gz` and keeps the ways a car may drive, as the
//!   [`profile::CarProfile`] decides from their tags.
//! * [`graph::RoadGraph`] splits ways at junctions (degree-2 chains become one edge that keeps its
//!   geometry) and keeps the largest strongly connected component.
//! * [`turns`] says what junctions cost (turn angles, U-turns, restrictions, signals,
//!   barriers) and [`linegraph`] routes on the roads-in-one-direction graph they make.
//! * [`snap`] puts any point on the nearest road *segment* (R-tree).
//! * [`ch`] contracts the graph (with `fast_paths`) and answers many-to-many queries with a
//!   bucket search; [`RoadNetwork::route`] gives the geometry of one route.
//! * [`places`] finds streets, addresses and named places by partial name (the gazetteer), and
//!   the street at a point.
//! * [`walk`] gives walking distances along the roads within a limit (one-way streets walked
//!   both ways; no motorways).
//! * [`crs`] converts GCJ-02 and BD-09 (Chinese map apps) to WGS-84 and back.
//! * [`cache`] frames the preprocessed network as bytes keyed by input and profile.
//!
//! The crate is pure: it reads bytes it is given and returns values. It does no file or network
//! I/O, reads no clock and knows nothing of HTTP, SQL or the solver.
//!
//! Costs are exact integers (milliseconds and centimetres) so that the hierarchy, plain Dijkstra
//! and the route all agree to the unit; see [`graph`].

pub mod cache;
pub mod ch;
pub mod crs;
mod dijkstra;
pub mod error;
pub mod graph;
pub mod linegraph;
mod maxspeed;
mod network;
pub mod osm;
pub mod places;
pub mod profile;
pub mod snap;
pub mod turns;
pub mod walk;

pub use cache::CacheKey;
pub use crs::Crs;
pub use error::{CacheError, RoadnetError};
pub use graph::{BuildReport, Weight};
pub use network::{Matrix, RoadNetwork, Route};
pub use places::{Gazetteer, Geocoded, Place, PlaceKind, StreetAt};
pub use profile::CarProfile;
pub use snap::{DEFAULT_MAX_SNAP_M, SnapError, Snapped};
pub use turns::TurnProfile;
