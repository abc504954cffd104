//! Errors of the road network library.

/// What can go wrong building or loading a road network.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RoadnetError {
    /// The OSM input could not be read.
    #[error("cannot read the OSM data: {0}")]
    Osm(String),
    /// The OSM input holds no road a car may drive.
    #[error("the OSM data holds no road a car may drive")]
    NoRoads,
}

/// Why a cached network cannot be used; the caller rebuilds it from the OSM input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// Not a vaxride road network cache, or one written by another format version.
    #[error("not a road network cache of this version")]
    NotACache,
    /// Made from another input file or another profile.
    #[error("the cache was made from other input or another profile")]
    Stale,
    /// Truncated or damaged.
    #[error("the cache is damaged: {0}")]
    Corrupt(String),
}
