//! Road network hot paths on real extracts, single thread: cold preparation, loading from the
//! cache, snapping 1000 points, and the 1000×1000 duration+distance matrix.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vaxride_benches::extract_and_points;
use vaxride_roadnet::{CacheKey, CarProfile, DEFAULT_MAX_SNAP_M, RoadNetwork};

const CITIES: [(&str, &str, &str); 2] = [
    (
        "heidelberg",
        "heidelberg.test.osm.pbf",
        "heidelberg_points_1000.json",
    ),
    (
        "columbus",
        "columbus.otp.osm.pbf",
        "columbus_points_1000.json",
    ),
];

fn roadnet(c: &mut Criterion) {
    for (city, extract, points) in CITIES {
        let Some((bytes, pts)) = extract_and_points(extract, points) else {
            eprintln!("skipped {city}: ../shared not found (set VAXRIDE_SHARED_DIR)");
            continue;
        };
        let profile = CarProfile::default();
        let net = RoadNetwork::from_osm(&bytes, &profile).expect("network");
        let key = CacheKey::new(&bytes, &profile);
        let cached = net.to_cache_bytes(&key);
        let snapped: Vec<_> = pts
            .iter()
            .map(|p| net.snap(p[0], p[1], DEFAULT_MAX_SNAP_M).expect("snaps"))
            .collect();

        let mut g = c.benchmark_group(city);
        g.sample_size(10);
        g.bench_function("prepare_cold", |b| {
            b.iter(|| RoadNetwork::from_osm(black_box(&bytes), &profile).expect("network"))
        });
        g.bench_function("load_from_cache_bytes", |b| {
            b.iter(|| RoadNetwork::from_cache_bytes(black_box(&cached), &key).expect("cache"))
        });
        g.sample_size(30);
        g.bench_function("snap_1000", |b| {
            b.iter(|| {
                pts.iter()
                    .map(|p| net.snap(p[0], p[1], DEFAULT_MAX_SNAP_M).expect("snaps"))
                    .collect::<Vec<_>>()
            })
        });
        g.bench_function("matrix_1000x1000", |b| {
            b.iter(|| net.matrix(black_box(&snapped), black_box(&snapped)))
        });
        g.bench_function("route_one_pair", |b| {
            b.iter(|| net.route(black_box(&snapped[0]), black_box(&snapped[1])))
        });
        g.finish();
    }
}

criterion_group!(benches, roadnet);
criterion_main!(benches);
