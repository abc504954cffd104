//! Loading a road network from an OSM file, through the on-disk cache.
//!
//! The cache file name carries the input's stem and the first 16 hex digits of the cache key
//! (SHA-256 of input, profile and format version); the full key is checked inside. A stale or
//! damaged cache is rebuilt and replaced atomically (write to a temporary file, then rename).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use vaxride_roadnet::{CacheKey, CarProfile, RoadNetwork};

/// A network and what loading it cost.
pub struct Loaded {
    pub net: RoadNetwork,
    /// Reading and hashing the input file, ms.
    pub load_ms: f64,
    /// Building the network, or reading it from the cache, ms.
    pub preprocess_ms: f64,
    /// What the cache did: "hit", "miss", "rebuilt (reason)" or "off".
    pub cache: String,
}

/// The default cache folder: `$VAXRIDE_CACHE_DIR`, else `$XDG_CACHE_HOME/vaxride`, else
/// `~/.cache/vaxride`.
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("VAXRIDE_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("vaxride"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache").join("vaxride"))
}

/// The car profile, with junctions that cost or (`turns` false) without.
pub fn profile(turns: bool) -> CarProfile {
    let mut p = CarProfile::default();
    if !turns {
        p.turns = None;
    }
    p
}

/// Loads `osm` with `profile`, using `cache_dir` when given.
pub fn load(osm: &Path, cache_dir: Option<&Path>, profile: &CarProfile) -> anyhow::Result<Loaded> {
    let t0 = Instant::now();
    let bytes = std::fs::read(osm)
        .with_context(|| format!("cannot read the OSM file {}", osm.display()))?;
    let key = CacheKey::new(&bytes, profile);
    let load_ms = ms_since(t0);

    let t1 = Instant::now();
    let Some(dir) = cache_dir else {
        let net = build(&bytes, profile, osm)?;
        return Ok(Loaded {
            net,
            load_ms,
            preprocess_ms: ms_since(t1),
            cache: "off".into(),
        });
    };
    let stem = osm
        .file_name()
        .map(|n| n.to_string_lossy().replace(['.', ' '], "_"))
        .unwrap_or_else(|| "network".into());
    let path = dir.join(format!("{stem}-{}.vxrnet", &key.hex()[..16]));
    let cache = match std::fs::read(&path) {
        Ok(cached) => match RoadNetwork::from_cache_bytes(&cached, &key) {
            Ok(net) => {
                return Ok(Loaded {
                    net,
                    load_ms,
                    preprocess_ms: ms_since(t1),
                    cache: "hit".into(),
                });
            }
            Err(e) => format!("rebuilt ({e})"),
        },
        Err(_) => "miss".to_string(),
    };
    let net = build(&bytes, profile, osm)?;
    if let Err(e) = write_atomically(&path, &net.to_cache_bytes(&key)) {
        eprintln!(
            "warning: could not write the cache {}: {e:#}",
            path.display()
        );
    }
    Ok(Loaded {
        net,
        load_ms,
        preprocess_ms: ms_since(t1),
        cache,
    })
}

fn build(bytes: &[u8], profile: &CarProfile, osm: &Path) -> anyhow::Result<RoadNetwork> {
    RoadNetwork::from_osm(bytes, profile)
        .with_context(|| format!("cannot build a road network from {}", osm.display()))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("cache path has no folder")?;
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

pub fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
