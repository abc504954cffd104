//! The road network on the hand-made fixture `data/fixtures/tiny.osm`, through the public API only.
//!
//! Every feature of the fixture (one-way streets, the roundabout, the roads cars may not use, the
//! island and the one-way trap) has a test here. Where a test says a road is *not* used, a second
//! network built from the fixture with that one tag edited shows that the road would otherwise
//! be used, so the test cannot pass merely because the road was never a shortcut.

use std::io::Write;

use vaxride_roadnet::snap::haversine_m;
use vaxride_roadnet::{CarProfile, DEFAULT_MAX_SNAP_M, RoadNetwork, Route, SnapError, Snapped};

const TINY: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/fixtures/tiny.osm"
));

/// Longitudes of the grid columns c0..c3.
const COL: [f64; 4] = [123.4300, 123.4312, 123.4324, 123.4336];
/// Latitudes of the grid rows r0..r3.
const ROW: [f64; 4] = [41.8000, 41.8009, 41.8018, 41.8027];

/// Roundabout nodes 201 (east), 202 (north), 203 (west), 204 (south) and its centre.
const RB_E: [f64; 2] = [123.4285, 41.8009];
const RB_N: [f64; 2] = [123.4282, 41.801125];
const RB_W: [f64; 2] = [123.4279, 41.8009];
const RB_S: [f64; 2] = [123.4282, 41.800675];
const RB_CENTRE: [f64; 2] = [123.4282, 41.8009];

/// Middles of the diagonals: 301 private, 302 motor_vehicle=no, 303 footway.
const PRIVATE_MID: [f64; 2] = [123.4318, 41.80135];
const NO_MOTOR_MID: [f64; 2] = [123.4306, 41.80225];
const FOOTWAY_MID: [f64; 2] = [123.4318, 41.80045];

/// The clinic road: bend 401 and the door 402.
const CLINIC_BEND: [f64; 2] = [123.4324, 41.8033];
const CLINIC: [f64; 2] = [123.4330, 41.8036];

/// Island node 502 and trap nodes 601, 602.
const ISLAND_MID: [f64; 2] = [123.4376, 41.8012];
const TRAP_ENTRY: [f64; 2] = [123.4300, 41.8034];
const TRAP_END: [f64; 2] = [123.4294, 41.8039];

/// Grid junction at row `r`, column `c`.
fn grid(r: usize, c: usize) -> [f64; 2] {
    [COL[c], ROW[r]]
}

/// The profile these tests hold the fixture to: junctions cost nothing, so that every
/// duration is the roads' alone (`turns.rs` tests the junctions on `turns.osm`).
fn no_turns() -> CarProfile {
    CarProfile {
        turns: None,
        ..CarProfile::default()
    }
}

fn tiny() -> RoadNetwork {
    RoadNetwork::from_osm(TINY, &no_turns()).expect("the fixture builds")
}

/// The fixture with tags of some ways edited: each `(way id, from, to)` replaces the first
/// `from` inside that way's element by `to`.
fn tiny_edited(edits: &[(u32, &str, &str)]) -> RoadNetwork {
    let mut xml = std::str::from_utf8(TINY)
        .expect("the fixture is UTF-8")
        .to_owned();
    for (id, from, to) in edits {
        let start = xml
            .find(&format!(r#"<way id="{id}""#))
            .unwrap_or_else(|| panic!("way {id} is not in the fixture"));
        let end = start
            + xml[start..]
                .find("</way>")
                .expect("the way element is closed");
        let way = &xml[start..end];
        assert!(way.contains(from), "way {id} has no {from:?}: {way}");
        xml = format!(
            "{}{}{}",
            &xml[..start],
            way.replacen(from, to, 1),
            &xml[end..]
        );
    }
    RoadNetwork::from_osm(xml.as_bytes(), &no_turns()).expect("the edited fixture builds")
}

fn snap(net: &RoadNetwork, p: [f64; 2]) -> Snapped {
    net.snap(p[0], p[1], DEFAULT_MAX_SNAP_M)
        .unwrap_or_else(|e| panic!("{p:?} does not snap: {e}"))
}

/// The route between two points, both snapped.
fn drive(net: &RoadNetwork, from: [f64; 2], to: [f64; 2]) -> Route {
    net.route(&snap(net, from), &snap(net, to))
        .unwrap_or_else(|| panic!("no route {from:?} -> {to:?}"))
}

/// Whether any point of the route's geometry lies within `m` metres of `p`.
fn passes_near(route: &Route, p: [f64; 2], m: f64) -> bool {
    route.coords.iter().any(|c| haversine_m(*c, p) < m)
}

/// Position of the first route point within 1 m of `p`.
fn index_near(route: &Route, p: [f64; 2]) -> Option<usize> {
    route.coords.iter().position(|c| haversine_m(*c, p) < 1.0)
}

/// Length of the route's geometry in metres.
fn geometry_m(route: &Route) -> f64 {
    route
        .coords
        .windows(2)
        .map(|w| haversine_m(w[0], w[1]))
        .sum()
}

/// Seconds to drive `m` metres at `kmh`.
fn seconds(m: f64, kmh: f64) -> f64 {
    m / (kmh / 3.6)
}

/// Points all over the network: on both one-way streets (two on one edge), on the roundabout,
/// on the roundabout's arm, at the clinic, on the maxspeed road, in a block, near the trap.
fn spread_points() -> Vec<[f64; 2]> {
    vec![
        [123.4303, 41.80005],    // r0 (one-way), 5 m off the street
        [123.4308, 41.8000],     // r0, the same edge further east
        [123.4330, 41.7999],     // r0, last block, 11 m south of it
        [123.4337, 41.8003],     // c3 (oneway=-1), 8 m east of it
        [123.42835, 41.8010125], // roundabout, between east and north
        [123.42805, 41.8010125], // roundabout, between north and west
        [123.4281, 41.8015],     // the roundabout's north arm
        CLINIC,                  // the clinic's door (private, motor_vehicle=yes)
        [123.4306, 41.8028],     // r3 (maxspeed=30)
        PRIVATE_MID,             // inside a block: snaps to one of its streets
        TRAP_END,                // the trap's dead end: snaps to the grid
    ]
}

#[test]
fn the_fixture_is_read_as_drawn() {
    let net = tiny();
    let r = net.report();
    assert_eq!(r.ways_read, 20, "{r:?}");
    assert_eq!(
        r.car_ways, 17,
        "private, motor_vehicle=no and footway are not car ways: {r:?}"
    );
    assert_eq!(r.osm_nodes, 28, "{r:?}");
    assert_eq!(r.missing_refs, 0, "{r:?}");
    assert_eq!((r.nodes, r.edges, r.arcs), (20, 30, 52), "{r:?}");
    assert_eq!(net.graph().node_count(), 20);
    assert_eq!(net.graph().edges().len(), 30);
    let want = [RB_W[0], ROW[0], COL[3], CLINIC[1]];
    for (got, want) in r.bbox.iter().zip(want) {
        assert!(
            (got - want).abs() < 1e-9,
            "bbox {:?}, want {want:?}",
            r.bbox
        );
    }
}

#[test]
fn a_oneway_street_is_driven_only_in_its_direction() {
    let net = tiny();
    let (west, east) = ([123.4303, 41.8000], [123.4330, 41.8000]);
    let with_it = drive(&net, west, east);
    let against = drive(&net, east, west);
    assert!(
        against.duration_s() > 2.0 * with_it.duration_s(),
        "against the one-way {} s, with it {} s",
        against.duration_s(),
        with_it.duration_s()
    );
    // The way back detours over the next street north.
    assert!(passes_near(&against, grid(1, 3), 1.0) && passes_near(&against, grid(1, 0), 1.0));
    for route in [&with_it, &against] {
        for w in route.coords.windows(2) {
            let on_row0 = (w[0][1] - ROW[0]).abs() < 1e-9 && (w[1][1] - ROW[0]).abs() < 1e-9;
            assert!(
                !on_row0 || w[1][0] >= w[0][0],
                "drives west on the eastward one-way: {:?} -> {:?}",
                w[0],
                w[1]
            );
        }
    }
    // Without the tag, both directions cost the same.
    let two_way = tiny_edited(&[(1001, r#"<tag k="oneway" v="yes"/>"#, "")]);
    assert_eq!(
        drive(&two_way, east, west).weight,
        drive(&two_way, west, east).weight
    );
}

#[test]
fn a_reverse_oneway_street_is_driven_against_its_node_order_only() {
    let net = tiny();
    let (south, north) = ([123.4336, 41.8003], [123.4336, 41.8024]);
    let with_it = drive(&net, south, north);
    let against = drive(&net, north, south);
    assert!(
        against.duration_s() > 1.5 * with_it.duration_s(),
        "southward {} s, northward {} s",
        against.duration_s(),
        with_it.duration_s()
    );
    assert!(
        passes_near(&against, grid(3, 2), 1.0) || passes_near(&against, grid(2, 2), 1.0),
        "the way south detours over column c2: {:?}",
        against.coords
    );
    for route in [&with_it, &against] {
        for w in route.coords.windows(2) {
            let on_c3 = (w[0][0] - COL[3]).abs() < 1e-9 && (w[1][0] - COL[3]).abs() < 1e-9;
            assert!(
                !on_c3 || w[1][1] >= w[0][1],
                "drives south on the northward one-way: {:?} -> {:?}",
                w[0],
                w[1]
            );
        }
    }
    let two_way = tiny_edited(&[(1008, r#"<tag k="oneway" v="-1"/>"#, "")]);
    assert_eq!(
        drive(&two_way, north, south).weight,
        drive(&two_way, south, north).weight
    );
}

#[test]
fn the_roundabout_is_driven_counter_clockwise() {
    let net = tiny();
    // Two points on the ring: between its east and north nodes, and between north and west.
    let (ne, nw) = ([123.42835, 41.8010125], [123.42805, 41.8010125]);
    let short = drive(&net, ne, nw);
    let long = drive(&net, nw, ne);
    assert!(passes_near(&short, RB_N, 1.0) && !passes_near(&short, RB_S, 1.0));
    let order: Vec<Option<usize>> = [RB_W, RB_S, RB_E]
        .iter()
        .map(|p| index_near(&long, *p))
        .collect();
    assert!(
        matches!(order[..], [Some(w), Some(s), Some(e)] if w < s && s < e),
        "north-west to north-east goes on round by west, south and east: {:?}",
        long.coords
    );
    assert!(
        long.duration_s() > 2.0 * short.duration_s(),
        "three quarters {} s, one quarter {} s",
        long.duration_s(),
        short.duration_s()
    );
    // Every step on the ring turns left around its centre.
    let kx = RB_CENTRE[1].to_radians().cos();
    for route in [&short, &long] {
        for w in route.coords.windows(2) {
            if haversine_m(w[0], RB_CENTRE) > 30.0 || haversine_m(w[1], RB_CENTRE) > 30.0 {
                continue;
            }
            let a = [(w[0][0] - RB_CENTRE[0]) * kx, w[0][1] - RB_CENTRE[1]];
            let b = [(w[1][0] - RB_CENTRE[0]) * kx, w[1][1] - RB_CENTRE[1]];
            assert!(
                a[0] * b[1] - a[1] * b[0] > 0.0,
                "clockwise step on the roundabout: {:?} -> {:?}",
                w[0],
                w[1]
            );
        }
    }
    // Without junction=roundabout the ring is two-way and the way back is as short.
    let plain = tiny_edited(&[(1101, r#"<tag k="junction" v="roundabout"/>"#, "")]);
    assert_eq!(drive(&plain, nw, ne).weight, drive(&plain, ne, nw).weight);
}

#[test]
fn a_private_road_is_never_used_as_a_shortcut() {
    let net = tiny();
    let (from, to) = ([123.4310, 41.8009], [123.4326, 41.8018]);
    let route = drive(&net, from, to);
    assert!(
        !passes_near(&route, PRIVATE_MID, 40.0),
        "the route crosses the private block: {:?}",
        route.coords
    );
    let via_private = haversine_m(from, grid(1, 1))
        + haversine_m(grid(1, 1), PRIVATE_MID)
        + haversine_m(PRIVATE_MID, grid(2, 2))
        + haversine_m(grid(2, 2), to);
    assert!(
        route.duration_s() > seconds(via_private, 25.0) + 5.0,
        "{} s is not slower than the private road ({} s)",
        route.duration_s(),
        seconds(via_private, 25.0)
    );
    // Opened to the public, the diagonal is the fastest way.
    let public = tiny_edited(&[(1201, r#"<tag k="access" v="private"/>"#, "")]);
    let shortcut = drive(&public, from, to);
    assert!(
        index_near(&shortcut, PRIVATE_MID).is_some(),
        "{:?}",
        shortcut.coords
    );
    assert!((shortcut.duration_s() - seconds(via_private, 25.0)).abs() < 0.05);
}

#[test]
fn a_road_closed_to_motor_vehicles_is_never_used_as_a_shortcut() {
    let net = tiny();
    let (from, to) = (grid(2, 0), grid(3, 1));
    let route = drive(&net, from, to);
    assert!(
        !passes_near(&route, NO_MOTOR_MID, 40.0),
        "the route crosses the closed block: {:?}",
        route.coords
    );
    let opened = tiny_edited(&[(1202, r#"<tag k="motor_vehicle" v="no"/>"#, "")]);
    let shortcut = drive(&opened, from, to);
    assert!(
        index_near(&shortcut, NO_MOTOR_MID).is_some(),
        "{:?}",
        shortcut.coords
    );
    assert!(shortcut.duration_s() < route.duration_s());
}

#[test]
fn a_footway_is_not_a_road() {
    let net = tiny();
    let (from, to) = (grid(0, 1), grid(1, 2));
    let route = drive(&net, from, to);
    assert!(
        !passes_near(&route, FOOTWAY_MID, 40.0),
        "the route takes the footway: {:?}",
        route.coords
    );
    // A point on the footway snaps to a street around the block, not to the footway.
    let s = snap(&net, FOOTWAY_MID);
    assert!(
        s.snap_m > 45.0,
        "snapped {} m from the footway's middle",
        s.snap_m
    );
    for edge in 0..net.graph().edges().len() as u32 {
        for p in net.graph().geometry(edge) {
            assert!(
                haversine_m(*p, FOOTWAY_MID) > 1.0,
                "edge {edge} uses the footway"
            );
        }
    }
    // Were it a street, it would be the way to go.
    let street = tiny_edited(&[(
        1203,
        r#"<tag k="highway" v="footway"/>"#,
        r#"<tag k="highway" v="residential"/>"#,
    )]);
    assert!(index_near(&drive(&street, from, to), FOOTWAY_MID).is_some());
    assert!(snap(&street, FOOTWAY_MID).snap_m < 0.01);
}

#[test]
fn a_maxspeed_of_30_is_driven_at_24_kmh() {
    let net = tiny();
    // Two points on the same edge of School Road (tertiary, 40 km/h without the sign).
    let (a, b) = ([123.4303, 41.8027], [123.4309, 41.8027]);
    let m = net.matrix(&[snap(&net, a)], &[snap(&net, b)]);
    let got = m.duration_s(0, 0).expect("reachable");
    let want = seconds(haversine_m(a, b), 24.0);
    assert!(
        (got - want).abs() < 0.005,
        "{got} s, want {want} s at 24 km/h"
    );
    let unsigned = tiny_edited(&[(1004, r#"<tag k="maxspeed" v="30"/>"#, "")]);
    let m = unsigned.matrix(&[snap(&unsigned, a)], &[snap(&unsigned, b)]);
    let got = m.duration_s(0, 0).expect("reachable");
    let want = seconds(haversine_m(a, b), 40.0);
    assert!(
        (got - want).abs() < 0.005,
        "{got} s, want {want} s at 40 km/h"
    );
}

#[test]
fn a_private_road_open_to_motor_vehicles_is_driven() {
    let net = tiny();
    let door = snap(&net, CLINIC);
    assert!(
        door.snap_m < 0.01,
        "the clinic's door is {} m from a road",
        door.snap_m
    );
    let route = drive(&net, grid(1, 1), CLINIC);
    assert!(
        index_near(&route, CLINIC_BEND).is_some(),
        "{:?}",
        route.coords
    );
    let back = drive(&net, CLINIC, grid(1, 1));
    assert!(
        index_near(&back, CLINIC_BEND).is_some(),
        "{:?}",
        back.coords
    );
    // Without motor_vehicle=yes, access=private closes the clinic road.
    let closed = tiny_edited(&[
        (1301, r#"<tag k="motor_vehicle" v="yes"/>"#, ""),
        (1302, r#"<tag k="motor_vehicle" v="yes"/>"#, ""),
    ]);
    assert_eq!(closed.report().car_ways, net.report().car_ways - 2);
    assert!(snap(&closed, CLINIC).snap_m > 90.0);
}

#[test]
fn the_island_and_the_one_way_trap_are_dropped_and_reported() {
    let net = tiny();
    let r = net.report();
    assert_eq!(r.components, 3, "grid, island, trap: {r:?}");
    assert_eq!(r.dropped_nodes, 3 + 2, "{r:?}");
    assert_eq!(r.dropped_edges, 2 + 2, "{r:?}");
    for edge in 0..net.graph().edges().len() as u32 {
        for p in net.graph().geometry(edge) {
            assert!(
                p[0] <= COL[3] + 1e-9,
                "edge {edge} reaches the island at {p:?}"
            );
            for dropped in [TRAP_ENTRY, TRAP_END] {
                assert!(
                    haversine_m(*p, dropped) > 1.0,
                    "edge {edge} enters the trap"
                );
            }
        }
    }
    // Without its one-way tag the trap is a two-way dead end and stays.
    let open = tiny_edited(&[(1501, r#"<tag k="oneway" v="yes"/>"#, "")]);
    let r = open.report();
    assert_eq!(
        (r.components, r.dropped_nodes, r.dropped_edges),
        (2, 3, 2),
        "{r:?}"
    );
}

#[test]
fn a_point_near_the_island_snaps_to_the_main_network_or_is_refused() {
    let net = tiny();
    let s = snap(&net, ISLAND_MID);
    assert!(s.lon <= COL[3] + 1e-9, "snapped onto the island: {s:?}");
    assert!((300.0..360.0).contains(&s.snap_m), "{s:?}");
    match net.snap(ISLAND_MID[0], ISLAND_MID[1], 100.0) {
        Err(SnapError::TooFar {
            distance_m,
            limit_m,
        }) => {
            assert_eq!(limit_m, 100.0);
            assert!((distance_m - s.snap_m).abs() < 1e-6);
        }
        other => panic!("expected TooFar, got {other:?}"),
    }
    // The trap's dead end snaps to the grid, and from there everything is reachable.
    let t = snap(&net, TRAP_END);
    assert!(t.snap_m > 100.0, "snapped onto the trap: {t:?}");
    let others: Vec<Snapped> = spread_points().iter().map(|p| snap(&net, *p)).collect();
    let m = net.matrix(&[t], &others);
    assert!((0..others.len()).all(|j| m.weight(0, j).is_some()));
}

#[test]
fn a_point_farther_than_the_limit_is_refused_with_the_distance() {
    let net = tiny();
    // 0.45 degrees of latitude north of School Road: about 50 km.
    let far = [123.4312, ROW[3] + 0.45];
    let err = net
        .snap(far[0], far[1], DEFAULT_MAX_SNAP_M)
        .expect_err("50 km is too far");
    let SnapError::TooFar {
        distance_m,
        limit_m,
    } = err.clone()
    else {
        panic!("expected TooFar, got {err:?}");
    };
    assert_eq!(limit_m, DEFAULT_MAX_SNAP_M);
    // The nearest road is the clinic's door, the northernmost point of the network.
    let want = haversine_m(far, CLINIC);
    assert!(
        (distance_m - want).abs() < 1.0,
        "{distance_m} m, want {want} m"
    );
    let text = err.to_string();
    assert!(text.contains(&format!("{distance_m:.0} m")), "{text}");
    assert!(text.contains("1000 m"), "{text}");
    // With a larger limit the same point is placed, at the distance the refusal gave.
    let placed = net.snap(far[0], far[1], 60_000.0).expect("within 60 km");
    assert_eq!(placed.snap_m, distance_m);
}

#[test]
fn a_non_finite_coordinate_is_refused() {
    let net = tiny();
    for (lon, lat) in [
        (f64::NAN, ROW[0]),
        (COL[0], f64::NAN),
        (f64::INFINITY, ROW[0]),
        (COL[0], f64::NEG_INFINITY),
        (181.0, ROW[0]),
        (COL[0], -90.5),
    ] {
        let got = net.snap(lon, lat, f64::INFINITY);
        assert!(
            matches!(got, Err(SnapError::InvalidCoordinate { .. })),
            "({lon}, {lat}) gave {got:?}"
        );
    }
}

#[test]
fn gzipped_xml_reads_the_same_as_plain_xml() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(TINY).expect("gzip in memory");
    let gz = gz.finish().expect("gzip in memory");
    assert_eq!(&gz[..2], &[0x1f, 0x8b]);
    let plain = tiny();
    let zipped = RoadNetwork::from_osm(&gz, &no_turns()).expect("the .osm.gz builds");
    assert_eq!(zipped.report(), plain.report());
    assert_eq!(zipped.graph().edges(), plain.graph().edges());
    for edge in 0..plain.graph().edges().len() as u32 {
        assert_eq!(zipped.graph().geometry(edge), plain.graph().geometry(edge));
    }
    let pts = spread_points();
    let a: Vec<Snapped> = pts.iter().map(|p| snap(&plain, *p)).collect();
    let b: Vec<Snapped> = pts.iter().map(|p| snap(&zipped, *p)).collect();
    assert_eq!(a, b);
    assert_eq!(plain.matrix(&a, &a), zipped.matrix(&b, &b));
}

#[test]
fn route_cost_equals_the_matrix_cell() {
    let net = tiny();
    let pts: Vec<Snapped> = spread_points().iter().map(|p| snap(&net, *p)).collect();
    let m = net.matrix(&pts, &pts);
    for (i, from) in pts.iter().enumerate() {
        for (j, to) in pts.iter().enumerate() {
            let route = net
                .route(from, to)
                .unwrap_or_else(|| panic!("no route {i} -> {j}"));
            assert_eq!(Some(route.weight), m.weight(i, j), "route {i} -> {j}");
            assert_eq!(Some(route.duration_s()), m.duration_s(i, j));
            assert_eq!(Some(route.distance_m()), m.distance_m(i, j));
            assert_eq!(route.coords.first(), Some(&[from.lon, from.lat]));
            assert_eq!(route.coords.last(), Some(&[to.lon, to.lat]));
            let drawn = geometry_m(&route);
            assert!(
                (drawn - route.distance_m()).abs() < 0.5,
                "route {i} -> {j}: geometry {drawn} m, distance {} m",
                route.distance_m()
            );
        }
    }
}

#[test]
fn matrix_on_one_point_is_zero() {
    let net = tiny();
    for p in spread_points() {
        let s = snap(&net, p);
        let m = net.matrix(&[s], &[s]);
        assert_eq!((m.rows(), m.cols()), (1, 1));
        assert_eq!(m.weight(0, 0), Some(0), "{p:?}");
        assert_eq!(m.duration_s(0, 0), Some(0.0));
        assert_eq!(m.distance_m(0, 0), Some(0.0));
    }
    let m = net.matrix(&[], &[]);
    assert_eq!((m.rows(), m.cols()), (0, 0));
}

/// A point exactly on a junction (or whose nearest road point is a junction, as beyond a dead
/// end or off a corner) is placed on whichever of the tied segments the R-tree returns. When
/// that is a one-way edge and the point sits at its driving start, `exits` only offers the far
/// end of the edge, so the car must drive the whole edge before it may turn; at the driving
/// end of a one-way edge, `entries` only accepts arrivals over that edge. Matrix and route
/// agree with each other, so the differential tests cannot see it.
#[test]

fn a_point_on_a_junction_may_leave_and_be_reached_by_any_of_its_roads() {
    let net = tiny();
    // Junction 102 starts the one-way edge 102 -> 103 and is crossed by the two-way column c2.
    let at_102 = snap(&net, grid(0, 2));
    let north_of_102 = snap(&net, [COL[2], 41.8003]);
    // Junction 101 ends the one-way edge 100 -> 101 and is crossed by the two-way column c1.
    let at_101 = snap(&net, grid(0, 1));
    let north_of_101 = snap(&net, [COL[1], 41.8003]);
    let m = net.matrix(&[at_102, north_of_101], &[north_of_102, at_101]);
    // Both are about 33 m of residential street at 25 km/h: 4.8 s.
    let leave = m.duration_s(0, 0).expect("reachable");
    let reach = m.duration_s(1, 1).expect("reachable");
    assert!(
        leave < 6.0 && reach < 6.0,
        "from junction 102 to 33 m north of it: {leave} s; from 33 m north of junction 101 \
         to it: {reach} s"
    );
}
