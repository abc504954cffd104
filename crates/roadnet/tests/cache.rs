//! The preprocessed-network cache: round trip, stale and damaged caches, determinism.

mod common;

use common::{random_snapped, random_ways};
use rand::SeedableRng;
use rand::rngs::StdRng;
use vaxride_roadnet::{CacheError, CacheKey, CarProfile, RoadNetwork};

fn network() -> (RoadNetwork, CacheKey) {
    let net = RoadNetwork::from_car_ways(&random_ways(3, 9)).expect("network");
    let key = CacheKey::new(b"random network 3", &CarProfile::default());
    (net, key)
}

#[test]
fn a_cached_network_answers_exactly_like_the_original() {
    let (net, key) = network();
    let back = RoadNetwork::from_cache_bytes(&net.to_cache_bytes(&key), &key).expect("loads");
    let mut rng = StdRng::seed_from_u64(1);
    let points = random_snapped(&net, &mut rng, 30);
    let again: Vec<_> = points
        .iter()
        .map(|p| back.snap(p.lon, p.lat, 1.0).expect("snaps on the copy"))
        .collect();
    assert_eq!(net.matrix(&points, &points), back.matrix(&again, &again));
    assert_eq!(net.report(), back.report());
}

#[test]
fn a_cache_made_from_other_input_is_stale() {
    let (net, key) = network();
    let other = CacheKey::new(b"another file", &CarProfile::default());
    let err = RoadNetwork::from_cache_bytes(&net.to_cache_bytes(&key), &other).unwrap_err();
    assert_eq!(err, CacheError::Stale);
}

#[test]
fn a_cache_made_with_another_profile_is_stale() {
    let profile = CarProfile {
        maxspeed_factor: 0.5,
        ..CarProfile::default()
    };
    assert_ne!(
        CacheKey::new(b"x", &profile),
        CacheKey::new(b"x", &CarProfile::default())
    );
}

#[test]
fn every_flipped_byte_is_detected() {
    let (net, key) = network();
    let bytes = net.to_cache_bytes(&key);
    for at in (0..bytes.len()).step_by(bytes.len() / 97 + 1) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x5a;
        assert!(
            RoadNetwork::from_cache_bytes(&bad, &key).is_err(),
            "a flipped byte at {at} of {} went unnoticed",
            bytes.len()
        );
    }
}

#[test]
fn a_truncated_cache_is_corrupt_and_foreign_bytes_are_not_a_cache() {
    let (net, key) = network();
    let bytes = net.to_cache_bytes(&key);
    for len in [0, 5, 30, 60, bytes.len() / 2, bytes.len() - 1] {
        let err = RoadNetwork::from_cache_bytes(&bytes[..len], &key).unwrap_err();
        assert!(
            matches!(err, CacheError::Corrupt(_) | CacheError::NotACache),
            "{len}: {err}"
        );
    }
    let err = RoadNetwork::from_cache_bytes(b"<?xml version='1.0'?><osm/>", &key).unwrap_err();
    assert_eq!(err, CacheError::NotACache);
}

#[test]
fn preparing_the_same_input_twice_gives_the_same_bytes() {
    let (a, key) = network();
    let (b, _) = network();
    assert_eq!(a.to_cache_bytes(&key), b.to_cache_bytes(&key));
}
