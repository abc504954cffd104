//! Shared helpers of the benchmarks: where the extracts and the sampled points are.

use std::path::PathBuf;

/// `$VAXRIDE_SHARED_DIR`, else `<workspace>/../shared`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("VAXRIDE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

/// The bytes of an extract and its 1000 sampled `[lon, lat]` points (the same points the OSRM
/// comparison uses), or `None` when the shared folder is not there.
pub fn extract_and_points(extract: &str, points: &str) -> Option<(Vec<u8>, Vec<[f64; 2]>)> {
    let dir = shared_dir();
    let bytes = std::fs::read(dir.join("osm").join(extract)).ok()?;
    let text = std::fs::read_to_string(dir.join("peers/osrm").join(points)).ok()?;
    let pts: Vec<[f64; 2]> = serde_json::from_str(&text).ok()?;
    Some((bytes, pts))
}
