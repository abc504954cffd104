//! The junction rules ([`vaxride_roadnet::turns`]) on the hand-made crossing
//! `data/fixtures/turns.osm`: each restriction, barrier and signal is asserted against the same
//! file with that one thing taken out, and the turn costs against the network without turns.

use vaxride_roadnet::{CarProfile, RoadNetwork, Route, Snapped};

const TURNS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/fixtures/turns.osm"
));

const X: [f64; 2] = [123.4300, 41.8000];
const NW: [f64; 2] = [123.4280, 41.8015];
const NE: [f64; 2] = [123.4320, 41.8015];
const SE: [f64; 2] = [123.4320, 41.7985];

/// Points in the middle of roads.
const ON_SOUTH: [f64; 2] = [123.4300, 41.79925];
const ON_WEST: [f64; 2] = [123.4290, 41.8000];
const ON_NORTH: [f64; 2] = [123.4300, 41.80075];
const X_TO_SIGNAL: [f64; 2] = [123.4305, 41.8000];
const SIGNAL_TO_E: [f64; 2] = [123.4315, 41.8000];
const E_TO_GATE: [f64; 2] = [123.4320, 41.79925];
const GATE_TO_S: [f64; 2] = [123.4310, 41.7985];
const N_TO_BOLLARD: [f64; 2] = [123.4310, 41.8015];
const BOLLARD_TO_E: [f64; 2] = [123.4320, 41.80075];

fn network(osm: &str, profile: &CarProfile) -> RoadNetwork {
    RoadNetwork::from_osm(osm.as_bytes(), profile).expect("the fixture builds")
}

fn with_turns(osm: &str) -> RoadNetwork {
    network(osm, &CarProfile::default())
}

/// The fixture with one piece of text taken out (it must be there).
fn without(piece: &str) -> String {
    assert!(TURNS.contains(piece), "the fixture has no {piece:?}");
    TURNS.replacen(piece, "", 1)
}

fn route(net: &RoadNetwork, a: [f64; 2], b: [f64; 2]) -> Route {
    let s = |p: [f64; 2]| -> Snapped { net.snap(p[0], p[1], 20.0).expect("on a road") };
    let (a, b) = (s(a), s(b));
    let r = net.route(&a, &b).expect("reachable");
    let m = net.matrix(&[a], &[b]);
    assert_eq!(m.weight(0, 0), Some(r.weight), "route and matrix agree");
    r
}

fn passes(r: &Route, p: [f64; 2]) -> bool {
    r.coords
        .iter()
        .any(|c| (c[0] - p[0]).abs() < 1e-9 && (c[1] - p[1]).abs() < 1e-9)
}

/// Whether the route arrives at X along the west road and leaves it southward.
fn turns_at_x_from_the_west(r: &Route) -> bool {
    r.coords.windows(3).any(|w| {
        w[1] == X && w[0][1] == X[1] && w[0][0] < X[0] && w[2][0] == X[0] && w[2][1] < X[1]
    })
}

fn restriction(id: u32) -> String {
    let start = TURNS
        .find(&format!(r#"<relation id="{id}">"#))
        .expect("the relation is in the fixture");
    let end = start + TURNS[start..].find("</relation>").expect("closed") + "</relation>".len();
    TURNS[start..end].to_string()
}

#[test]
fn the_fixture_reads_its_restrictions_and_obstacles() {
    let net = with_turns(TURNS);
    let r = net.report();
    assert_eq!(r.restrictions, [2, 2], "{r:?}");
    assert_eq!(r.obstacles, 3, "{r:?}");
    assert_eq!(r.unreachable_edges, 0, "{r:?}");
}

#[test]
fn no_left_turn_sends_the_car_round_the_block() {
    let restricted = route(&with_turns(TURNS), ON_SOUTH, ON_WEST);
    let free = route(&with_turns(&without(&restriction(901))), ON_SOUTH, ON_WEST);
    assert!(
        !passes(&free, NW),
        "without the restriction the car turns left at X"
    );
    assert!(passes(&free, X));
    assert!(passes(&restricted, NW), "{:?}", restricted.coords);
    assert!(restricted.duration_s() > free.duration_s() + 30.0);
}

#[test]
fn only_straight_on_forbids_the_right_turn() {
    let restricted = route(&with_turns(TURNS), ON_WEST, ON_SOUTH);
    let free = route(&with_turns(&without(&restriction(902))), ON_WEST, ON_SOUTH);
    assert!(
        !passes(&free, SE),
        "without the restriction the car turns right at X"
    );
    assert!(turns_at_x_from_the_west(&free), "{:?}", free.coords);
    // With it, the car goes round (by the north road and straight over X, say), never right.
    assert!(
        !turns_at_x_from_the_west(&restricted),
        "{:?}",
        restricted.coords
    );
    assert!(restricted.duration_s() > free.duration_s() + 30.0);
}

#[test]
fn a_gate_delays_and_a_bollard_blocks() {
    let gate = r#"<tag k="barrier" v="gate"/>"#;
    let through_gate = route(&with_turns(TURNS), E_TO_GATE, GATE_TO_S);
    let open = route(&with_turns(&without(gate)), E_TO_GATE, GATE_TO_S);
    assert!(passes(&through_gate, SE) && passes(&open, SE));
    // Two roads meet at the gate: no angle cost, only the 10 s to open it.
    assert_eq!(through_gate.weight - open.weight, 10_000 << 32);

    let bollard = r#"<tag k="barrier" v="bollard"/>"#;
    let blocked = route(&with_turns(TURNS), N_TO_BOLLARD, BOLLARD_TO_E);
    let passable = route(&with_turns(&without(bollard)), N_TO_BOLLARD, BOLLARD_TO_E);
    assert!(passes(&passable, NE));
    assert!(!passes(&blocked, NE), "{:?}", blocked.coords);
    assert!(blocked.duration_s() > passable.duration_s() + 20.0);
}

#[test]
fn a_signal_costs_two_seconds_to_drive_through() {
    let signal = r#"<tag k="highway" v="traffic_signals"/>"#;
    let with_signal = route(&with_turns(TURNS), X_TO_SIGNAL, SIGNAL_TO_E);
    let without_signal = route(&with_turns(&without(signal)), X_TO_SIGNAL, SIGNAL_TO_E);
    assert_eq!(with_signal.weight - without_signal.weight, 2_000 << 32);
}

#[test]
fn turning_costs_by_angle_and_side_and_nothing_without_turns() {
    let no_turns = CarProfile {
        turns: None,
        ..CarProfile::default()
    };
    let (turning, plain) = (with_turns(TURNS), network(TURNS, &no_turns));
    // From the north road into the west road: a right turn of 90°.
    let right = route(&turning, ON_NORTH, ON_WEST).weight - route(&plain, ON_NORTH, ON_WEST).weight;
    assert_eq!(right, 2_105 << 32);
    // From the north road into the east road: a left turn of 90°.
    let left =
        route(&turning, ON_NORTH, X_TO_SIGNAL).weight - route(&plain, ON_NORTH, X_TO_SIGNAL).weight;
    assert_eq!(left, 5_395 << 32);
    // Left-hand traffic swaps them.
    let mut lh = CarProfile::default();
    lh.turns.as_mut().expect("turns by default").left_hand = Some(true);
    let lh = network(TURNS, &lh);
    let right = route(&lh, ON_NORTH, ON_WEST).weight - route(&plain, ON_NORTH, ON_WEST).weight;
    assert_eq!(right, 5_395 << 32);
}
