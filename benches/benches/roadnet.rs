//! Road network hot paths on real extracts, single thread: cold preparation, loading from the
//! cache, snapping 1000 points, and the 1000×1000 duration+distance matrix; with junctions that
//! cost (the default, `CITY/turns`) and without (`CITY/no_turns`).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vaxride_benches::extract_and_points;
use vaxride_roadnet::places::address_label;
use vaxride_roadnet::{
    CacheKey, CarProfile, DEFAULT_MAX_SNAP_M, Gazetteer, Place, PlaceKind, RoadNetwork,
};

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
        for (model, turns) in [("turns", true), ("no_turns", false)] {
            let mut profile = CarProfile::default();
            if !turns {
                profile.turns = None;
            }
            bench_network(c, &format!("{city}/{model}"), &bytes, &pts, &profile);
        }
    }
}

fn bench_network(
    c: &mut Criterion,
    name: &str,
    bytes: &[u8],
    pts: &[[f64; 2]],
    profile: &CarProfile,
) {
    let net = RoadNetwork::from_osm(bytes, profile).expect("network");
    let key = CacheKey::new(bytes, profile);
    let cached = net.to_cache_bytes(&key);
    let snapped: Vec<_> = pts
        .iter()
        .map(|p| net.snap(p[0], p[1], DEFAULT_MAX_SNAP_M).expect("snaps"))
        .collect();

    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    g.bench_function("prepare_cold", |b| {
        b.iter(|| RoadNetwork::from_osm(black_box(bytes), profile).expect("network"))
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

/// Address search (the gazetteer): a real extract's, the demo town's (14,000 numbered houses)
/// and a large city's (2,000 streets × 100 numbers = 200,000 addresses), for a street, a house
/// number and a partial input; the goal is ≤ 50 ms per search.
fn places(c: &mut Criterion) {
    let mut g = c.benchmark_group("places");
    g.sample_size(20);
    if let Some((bytes, _)) = extract_and_points(CITIES[0].1, CITIES[0].2) {
        let net = RoadNetwork::from_osm(&bytes, &CarProfile::default()).expect("network");
        for q in ["hauptstr", "bergheimer str 12", "bhf"] {
            g.bench_function(format!("heidelberg/{q}"), |b| {
                b.iter(|| net.places().search(black_box(q), 8, None).len())
            });
        }
    }
    let town = RoadNetwork::from_car_ways(&vaxride_demo::town_roads(2022)).expect("town");
    for q in ["正阳街 110", "北三路", "东顺 8"] {
        g.bench_function(format!("town/{q}"), |b| {
            b.iter(|| town.places().search(black_box(q), 8, None).len())
        });
    }
    let city = large_city();
    for q in ["和平路", "和平路 110", "平南 8"] {
        g.bench_function(format!("city_200k/{q}"), |b| {
            b.iter(|| city.search(black_box(q), 8, None).len())
        });
    }
    g.finish();
}

/// 2,000 streets named from two lists of words and a suffix, 100 numbered houses each.
fn large_city() -> Gazetteer {
    const A: [&str; 40] = [
        "和平", "新华", "光明", "幸福", "建设", "友谊", "团结", "胜利", "民主", "文化", "长青",
        "春晓", "东风", "红旗", "朝阳", "向阳", "青年", "人民", "中山", "解放", "北京", "南京",
        "黄河", "长江", "泰山", "华山", "松花", "辽河", "沈阳", "大连", "鞍山", "抚顺", "本溪",
        "丹东", "锦州", "营口", "阜新", "辽阳", "铁岭", "朝日",
    ];
    const B: [&str; 25] = [
        "", "东", "西", "南", "北", "中", "一", "二", "三", "四", "五", "六", "七", "八", "九",
        "十", "新", "老", "前", "后", "上", "下", "大", "小", "外",
    ];
    const SUFFIX: [&str; 2] = ["路", "街"];
    let mut places = Vec::new();
    let mut lines = Vec::new();
    for (i, a) in A.iter().enumerate() {
        for (j, b) in B.iter().enumerate() {
            for (k, s) in SUFFIX.iter().enumerate() {
                let name = format!("{a}{b}{s}");
                let lon = 123.0 + i as f64 * 0.01 + k as f64 * 0.003;
                let lat = 41.5 + j as f64 * 0.01;
                for n in 1..=100 {
                    places.push(Place {
                        kind: PlaceKind::Address,
                        label: address_label(&name, &n.to_string()),
                        lon: lon + n as f64 * 1e-5,
                        lat,
                        gathering: false,
                    });
                }
                lines.push((name, vec![[lon, lat], [lon + 0.001, lat]]));
            }
        }
    }
    let lines: Vec<(&str, Vec<[f64; 2]>)> =
        lines.iter().map(|(n, l)| (n.as_str(), l.clone())).collect();
    Gazetteer::build(places, lines)
}

criterion_group!(benches, roadnet, places);
criterion_main!(benches);
