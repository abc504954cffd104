//! The gazetteer on real extracts: streets, addresses and named places are read from PBF and
//! XML alike, found by partial input, and the street at a point is the road the point is on.

mod common;

use common::shared_extract;
use vaxride_roadnet::{CarProfile, PlaceKind, RoadNetwork};

fn load(name: &str) -> Option<RoadNetwork> {
    let bytes = shared_extract(name)?;
    Some(RoadNetwork::from_osm(&bytes, &CarProfile::default()).expect("extract loads"))
}

#[test]
fn heidelberg_streets_addresses_and_places_are_found() {
    let Some(net) = load("heidelberg.test.osm.pbf") else {
        return;
    };
    let g = net.places();
    let count = |k: PlaceKind| g.places().iter().filter(|p| p.kind == k).count();
    let (streets, addresses, places) = (
        count(PlaceKind::Street),
        count(PlaceKind::Address),
        count(PlaceKind::Place),
    );
    eprintln!("heidelberg: {streets} streets, {addresses} addresses, {places} places");
    assert!(streets > 100 && addresses > 100 && places > 10);
    // Squares, estates, parks and the like are the named places a van could stop at.
    let gatherings: Vec<_> = g.places().iter().filter(|p| p.gathering).collect();
    eprintln!("heidelberg: {} gathering places", gatherings.len());
    assert!(!gatherings.is_empty());
    assert!(gatherings.iter().all(|p| p.kind == PlaceKind::Place));
    // Every address found by its own label, near where it is.
    for p in g
        .places()
        .iter()
        .filter(|p| p.kind == PlaceKind::Address)
        .step_by(97)
    {
        let found = g.search(&p.label, 10, None);
        assert!(
            found.iter().any(|f| f.label == p.label),
            "{} not found",
            p.label
        );
    }
    // A street's point is on the street, and the street there is the same street.
    for s in g
        .places()
        .iter()
        .filter(|p| p.kind == PlaceKind::Street)
        .step_by(13)
    {
        let at = g
            .street_at(s.lon, s.lat, 1.0)
            .expect("a street's own point is on it");
        let same = g
            .places()
            .iter()
            .any(|p| p.kind == PlaceKind::Street && p.label == at.name);
        assert!(same, "{at:?}");
        assert!(
            at.distance_m < 0.5,
            "{} is {:.1} m from {}",
            s.label,
            at.distance_m,
            at.name
        );
    }
}

#[test]
fn monaco_xml_and_pbf_agree_on_the_streets() {
    let (Some(pbf), Some(xml)) = (
        load("monaco.osrm.osm.pbf"),
        load("monaco.graphhopper.osm.gz"),
    ) else {
        return;
    };
    let streets = |net: &RoadNetwork| {
        let mut v: Vec<String> = net
            .places()
            .places()
            .iter()
            .filter(|p| p.kind == PlaceKind::Street)
            .map(|p| p.label.clone())
            .collect();
        v.sort();
        v
    };
    let (a, b) = (streets(&pbf), streets(&xml));
    eprintln!("monaco: {} streets (pbf), {} (xml)", a.len(), b.len());
    assert!(a.len() > 50 && b.len() > 50);
    let common = a.iter().filter(|s| b.binary_search(s).is_ok()).count();
    assert!(
        common * 10 >= a.len().min(b.len()) * 9,
        "{common} of {} / {}",
        a.len(),
        b.len()
    );
    let found = pbf.places().search("princesse grace", 5, None);
    assert!(
        found
            .iter()
            .any(|p| p.label.to_lowercase().contains("princesse grace")),
        "{found:?}"
    );
}
