//! The built-in town's roads: a jittered grid with avenues, a ring and one-way streets, every
//! street named and its houses numbered (odd on the left, even on the right, in the street's
//! direction), so that the address search works on the demo as it does on a real extract.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use vaxride_dispatch::model::Point;
use vaxride_roadnet::osm::{CarWay, CarWays};
use vaxride_roadnet::places::address_label;
use vaxride_roadnet::{CarProfile, Place, PlaceKind};

use crate::frame::Frame;

/// Centre of the built-in town, near Shenyang's old city (WGS-84).
pub const TOWN_CENTRE: Point = Point {
    lon: 123.43,
    lat: 41.80,
};

/// Street lines of the town's grid in each direction (26 blocks of [`BLOCK_M`]: 3.9 km).
const GRID: usize = 27;
/// Distance between parallel streets, metres.
const BLOCK_M: f64 = 150.0;
/// Largest displacement of a junction from its grid position, metres.
const JUNCTION_JITTER_M: f64 = 12.0;
/// Largest displacement of a mid-block shape node, metres.
const MID_JITTER_M: f64 = 5.0;
/// Share of residential blocks whose street segment is missing (a cul-de-sac, a school yard).
const REMOVED_SHARE: f64 = 0.08;

/// Distance between house numbers along a street, metres.
const HOUSE_SPACING_M: f64 = 30.0;
/// From a street's centre line to its houses, metres.
const HOUSE_SETBACK_M: f64 = 10.0;

/// Chinese numerals for the numbered streets (一 … 十二).
const NUMERALS: [&str; 12] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
];

/// The name of street line `k` of the grid (`east_west`: a line of constant latitude, numbered
/// from the south; otherwise from the west): the ring, the avenues and the one-way streets by
/// name, the residential streets numbered outwards from the centre.
fn street_name(k: usize, east_west: bool) -> String {
    let named = if east_west {
        match k {
            0 => Some("南环路"),
            4 => Some("南顺城路"),
            9 => Some("热闹路"),
            13 => Some("市府大路"),
            17 => Some("文艺路"),
            22 => Some("北顺城路"),
            26 => Some("北环路"),
            _ => None,
        }
    } else {
        match k {
            0 => Some("西环街"),
            4 => Some("西顺城街"),
            9 => Some("朝阳街"),
            13 => Some("正阳街"),
            22 => Some("东顺城街"),
            26 => Some("东环街"),
            _ => None,
        }
    };
    if let Some(name) = named {
        return name.to_string();
    }
    let (side, n) = match (east_west, k < 13) {
        (true, true) => ("南", 13 - k),
        (true, false) => ("北", k - 13),
        (false, true) => ("西", 13 - k),
        (false, false) => ("东", k - 13),
    };
    let suffix = if east_west { "路" } else { "街" };
    format!("{side}{}{suffix}", NUMERALS[n - 1])
}

/// The numbered houses along a street through `xy` (metres in `frame`): every
/// [`HOUSE_SPACING_M`], odd numbers on the left and even on the right, [`HOUSE_SETBACK_M`] off
/// the centre line.
fn houses(name: &str, xy: &[[f64; 2]], frame: &Frame) -> Vec<Place> {
    let mut out = Vec::new();
    let mut next = HOUSE_SPACING_M / 2.0;
    let mut walked = 0.0;
    let mut k = 0;
    for w in xy.windows(2) {
        let (dx, dy) = (w[1][0] - w[0][0], w[1][1] - w[0][1]);
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            continue;
        }
        let (ux, uy) = (dx / len, dy / len);
        while next <= walked + len {
            let t = next - walked;
            let c = [w[0][0] + ux * t, w[0][1] + uy * t];
            for (side, number) in [(1.0, 2 * k + 1), (-1.0, 2 * k + 2)] {
                // Left of the direction of travel is (-uy, ux).
                let p = frame.point([
                    c[0] - side * uy * HOUSE_SETBACK_M,
                    c[1] + side * ux * HOUSE_SETBACK_M,
                ]);
                out.push(Place {
                    kind: PlaceKind::Address,
                    label: address_label(name, &number.to_string()),
                    lon: p.lon,
                    lat: p.lat,
                    gathering: false,
                });
            }
            k += 1;
            next += HOUSE_SPACING_M;
        }
        walked += len;
    }
    out
}

/// Seeds are mixed with these so that roads and the office draw from different streams.
const ROADS_SALT: u64 = 0x7a78_7269_6465_0001;

/// One street of the town: its junctions in order and its tags.
struct Line {
    nodes: Vec<(usize, usize)>,
    tags: Vec<(&'static str, &'static str)>,
    /// The street's name.
    name: String,
    /// Residential two-way street: segments may be missing, blocks get a mid-block node.
    minor: bool,
}

/// The car ways of a plausible small city around [`TOWN_CENTRE`], about 4 km × 4 km.
///
/// A grid of residential streets 150 m apart with jittered junctions, a mid-block node on each
/// residential block and about 8 % of residential blocks missing; two primary avenues crossing
/// in the centre, four secondary streets, a diagonal secondary avenue from the south-west to the
/// north-east corner, a tertiary ring along the edge and three one-way streets. Attributes come
/// from [`CarProfile::default`] for the tags such a way would carry in OpenStreetMap, so the
/// speeds are the ones a real extract would get. Node ids are positive; coordinates are WGS-84.
pub fn town_roads(seed: u64) -> CarWays {
    let mut rng = StdRng::seed_from_u64(seed ^ ROADS_SALT);
    let profile = CarProfile::default();
    let frame = Frame::new(TOWN_CENTRE);
    let n = GRID;
    let half = (n - 1) as f64 * BLOCK_M / 2.0;
    let junction_id = |(i, j): (usize, usize)| (1 + j * n + i) as i64;

    let mut xy = vec![[0.0; 2]; n * n];
    for j in 0..n {
        for i in 0..n {
            let jitter = |rng: &mut StdRng| rng.random_range(-JUNCTION_JITTER_M..JUNCTION_JITTER_M);
            xy[j * n + i] = [
                i as f64 * BLOCK_M - half + jitter(&mut rng),
                j as f64 * BLOCK_M - half + jitter(&mut rng),
            ];
        }
    }

    let street = |k: usize| -> (Vec<(&'static str, &'static str)>, bool) {
        match k {
            13 => (vec![("highway", "primary")], false),
            4 | 22 => (vec![("highway", "secondary")], false),
            0 | 26 => (vec![("highway", "tertiary")], false),
            _ => (vec![("highway", "residential")], true),
        }
    };
    let mut lines = Vec::new();
    for j in 0..n {
        let (mut tags, mut minor) = street(j);
        // Two one-way streets running in opposite directions (a couplet).
        if j == 9 || j == 17 {
            tags.push(("oneway", if j == 9 { "yes" } else { "-1" }));
            minor = false;
        }
        let nodes = (0..n).map(|i| (i, j)).collect();
        let name = street_name(j, true);
        lines.push(Line {
            nodes,
            tags,
            name,
            minor,
        });
    }
    for i in 0..n {
        let (mut tags, mut minor) = street(i);
        if i == 9 {
            tags.push(("oneway", "yes"));
            minor = false;
        }
        let nodes = (0..n).map(|j| (i, j)).collect();
        let name = street_name(i, false);
        lines.push(Line {
            nodes,
            tags,
            name,
            minor,
        });
    }
    lines.push(Line {
        nodes: (0..n).map(|k| (k, k)).collect(),
        tags: vec![("highway", "secondary")],
        name: "中街路".to_string(),
        minor: false,
    });

    // Missing blocks: never on a main or one-way street, never leaving a junction with fewer than
    // two roads.
    let mut degree = vec![0usize; n * n];
    for line in &lines {
        for w in line.nodes.windows(2) {
            degree[w[0].1 * n + w[0].0] += 1;
            degree[w[1].1 * n + w[1].0] += 1;
        }
    }
    let mut kept: Vec<Vec<bool>> = lines
        .iter()
        .map(|l| vec![true; l.nodes.len() - 1])
        .collect();
    for (line, keep) in lines.iter().zip(kept.iter_mut()) {
        if !line.minor {
            continue;
        }
        for (s, w) in line.nodes.windows(2).enumerate() {
            let (a, b) = (w[0].1 * n + w[0].0, w[1].1 * n + w[1].0);
            if rng.random_bool(REMOVED_SHARE) && degree[a] >= 3 && degree[b] >= 3 {
                keep[s] = false;
                degree[a] -= 1;
                degree[b] -= 1;
            }
        }
    }

    let mut coords = HashMap::new();
    for j in 0..n {
        for i in 0..n {
            let p = frame.point(xy[j * n + i]);
            coords.insert(junction_id((i, j)), (p.lon, p.lat));
        }
    }
    let mut ways = Vec::new();
    let mut places = Vec::new();
    let mut next_mid = 100_001i64;
    for (line, keep) in lines.iter().zip(&kept) {
        let line_xy: Vec<[f64; 2]> = line.nodes.iter().map(|&(i, j)| xy[j * n + i]).collect();
        places.extend(houses(&line.name, &line_xy, &frame));
        let attrs = profile.way(&line.tags).expect("town streets are routable");
        let mut runs: Vec<Vec<i64>> = Vec::new();
        let mut refs: Vec<i64> = Vec::new();
        for (s, w) in line.nodes.windows(2).enumerate() {
            if !keep[s] {
                if refs.len() >= 2 {
                    runs.push(std::mem::take(&mut refs));
                }
                refs.clear();
                continue;
            }
            if refs.is_empty() {
                refs.push(junction_id(w[0]));
            }
            if line.minor {
                let (a, b) = (xy[w[0].1 * n + w[0].0], xy[w[1].1 * n + w[1].0]);
                let jitter = |rng: &mut StdRng| rng.random_range(-MID_JITTER_M..MID_JITTER_M);
                let mid = [
                    (a[0] + b[0]) / 2.0 + jitter(&mut rng),
                    (a[1] + b[1]) / 2.0 + jitter(&mut rng),
                ];
                let p = frame.point(mid);
                coords.insert(next_mid, (p.lon, p.lat));
                refs.push(next_mid);
                next_mid += 1;
            }
            refs.push(junction_id(w[1]));
        }
        if refs.len() >= 2 {
            runs.push(refs);
        }
        for refs in runs {
            ways.push(CarWay {
                id: ways.len() as i64 + 1,
                refs,
                attrs,
                names: vec![line.name.clone()],
            });
        }
    }
    // Traffic signals where two main streets cross.
    let mut obstacles = HashMap::new();
    if let Some(turns) = &profile.turns {
        let signal = turns.obstacle(&[("highway", "traffic_signals")], |_| None);
        for j in (0..n).filter(|&j| !street(j).1) {
            for i in (0..n).filter(|&i| !street(i).1) {
                obstacles.extend(signal.map(|o| (junction_id((i, j)), o)));
            }
        }
    }
    CarWays {
        obstacles,
        ways_read: ways.len(),
        ways,
        coords,
        missing_refs: 0,
        places,
        turns: profile.turns.clone(),
        ..CarWays::default()
    }
}

/// The nodes used by `ways`, in ascending id order (deterministic, unlike the map): the anchors
/// to pass to [`office`] for a road network.
pub fn road_anchors(ways: &CarWays) -> Vec<Point> {
    let mut ids: Vec<i64> = ways
        .ways
        .iter()
        .flat_map(|w| w.refs.iter().copied())
        .filter(|r| ways.coords.contains_key(r))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.iter()
        .map(|r| {
            let (lon, lat) = ways.coords[r];
            Point { lon, lat }
        })
        .collect()
}
