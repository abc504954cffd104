//! What happens at junctions: turn costs, U-turns, turn restrictions, traffic signals, stop
//! signs and barriers (the [`TurnProfile`]).
//!
//! With a turn profile (the default, [`crate::CarProfile::turns`]) the network routes on an
//! *edge-based* graph ([`crate::linegraph`]): a state is a road driven in one direction, and
//! moving from one road onto the next at a junction costs what the junction costs here.
//! Without one (`turns: None`) junctions cost nothing and every turn is allowed, as vaxride
//! routed before.
//!
//! # Turn costs (right- or left-hand traffic)
//!
//! The angle of a turn is the change of heading between the last ~10 m of the road driven and
//! the first ~10 m of the next one, positive to the right. Where more than two roads meet (or
//! on a U-turn) it costs, as in OSRM's car profile, `turn_penalty_s / (1 + exp(-(13 / b ·
//! angle / 180 − 6.5 · b)))` for a turn away from the opposing traffic (right in right-hand
//! traffic, `b = turn_bias`) and the same with `b` replaced by `1 / turn_bias` for a turn
//! across it: with the defaults (7.5 s, 1.075) a right turn of 90° costs 2.1 s, a left turn of
//! 90° 5.4 s, going straight on ~0.1 s. Where only two roads meet (a bend, a way split) a turn
//! costs nothing. Which side traffic keeps to is `left_hand`, or, when that is `None` (the
//! default), where the extract lies: left in the rough boxes of [`LEFT_HAND`] (Britain and
//! Ireland, Japan, Hong Kong, Macau, India, Australia, New Zealand, southern Africa), right
//! elsewhere — mainland China included.
//!
//! # U-turns
//!
//! Turning back onto the road just driven is allowed only where nothing else is: at a dead
//! end, in front of a barrier that may not be passed, or where every other exit is forbidden.
//! It costs the angle cost of 180° plus `u_turn_s` (20 s).
//!
//! # Turn restrictions
//!
//! OSM relations `type=restriction` with a `from` way, a `via` *node* and a `to` way. The value
//! is read from the most specific of `restriction:motorcar`, `restriction:motor_vehicle`,
//! `restriction:vehicle` and `restriction`; `no_*` forbids the turn, `only_*` forbids every
//! other turn from the `from` way at that node. A restriction whose `except` lists
//! `motorcar` or `motor_vehicle` does not apply to cars. Deliberately ignored (counted in the
//! [`crate::BuildReport`]): restrictions with a `via` *way* (one in the Columbus extract, none
//! in Heidelberg's), and `restriction:conditional` (the network reads no clock; OSRM ignores
//! it by default too). A `from` or `to` way that passes through the via node counts on both
//! sides of it.
//!
//! # Nodes that cost or block
//!
//! * `highway=traffic_signals`: `signal_s` (2 s); `highway=stop`: `stop_s` (2 s);
//!   `highway=give_way`: `give_way_s` (1 s). Paid when a road is driven through or turned
//!   from at the node; `traffic_signals:direction` / `direction` = `forward` or `backward`
//!   limit it to traffic along or against the way that holds the node.
//! * `barrier=*` on a car road: when the node carries an access key (`motorcar`,
//!   `motor_vehicle`, `vehicle`, `access`, most specific first) the profile's access rule
//!   decides; otherwise the barriers in `passable_barriers` may be passed (with the delay in
//!   `barrier_delay_s`, e.g. 10 s to open a gate) and any other (a bollard, a block) may not:
//!   a car may drive up to it and turn back.

use serde::{Deserialize, Serialize};

/// Settings of what junctions cost; see the module documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnProfile {
    /// Largest angle cost of a turn, in seconds.
    pub turn_penalty_s: f64,
    /// How much more a turn across the traffic costs than one away from it (≥ 1).
    pub turn_bias: f64,
    /// Traffic drives on the left (turns to the left are the cheap ones); `None`: as where the
    /// extract lies ([`left_hand_at`]).
    pub left_hand: Option<bool>,
    /// Added to a U-turn where one is allowed, in seconds.
    pub u_turn_s: f64,
    /// Delay at a traffic signal, in seconds.
    pub signal_s: f64,
    /// Delay at a stop sign, in seconds.
    pub stop_s: f64,
    /// Delay at a give-way sign, in seconds.
    pub give_way_s: f64,
    /// `barrier=*` values a car may pass when the node says nothing about access.
    pub passable_barriers: Vec<String>,
    /// Delay at a passable barrier, by its `barrier=*` value, in seconds (others: none).
    pub barrier_delay_s: Vec<(String, f64)>,
}

impl Default for TurnProfile {
    /// OSRM's car profile numbers (turn penalty 7.5 s, bias 1.075, U-turn 20 s, signals 2 s,
    /// its list of passable barriers); stop 2 s and give-way 1 s; 10 s to open a gate.
    fn default() -> Self {
        let passable_barriers = [
            "cattle_grid",
            "border_control",
            "toll_booth",
            "sally_port",
            "gate",
            "lift_gate",
            "swing_gate",
            "no",
            "entrance",
            "height_restrictor",
            "arch",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        let barrier_delay_s = [
            ("gate", 10.0),
            ("lift_gate", 10.0),
            ("swing_gate", 10.0),
            ("toll_booth", 10.0),
        ]
        .into_iter()
        .map(|(b, s)| (b.to_owned(), s))
        .collect();
        TurnProfile {
            turn_penalty_s: 7.5,
            turn_bias: 1.075,
            left_hand: None,
            u_turn_s: 20.0,
            signal_s: 2.0,
            stop_s: 2.0,
            give_way_s: 1.0,
            passable_barriers,
            barrier_delay_s,
        }
    }
}

/// Which way along the way holding a node a delay applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Along {
    /// Both directions.
    Both,
    /// Only traffic in the way's node order.
    Forward,
    /// Only traffic against it.
    Backward,
}

impl Along {
    /// Whether a delay with this direction applies to a road driven `reversed` (against the
    /// node order of its way).
    pub fn applies(self, reversed: bool) -> bool {
        match self {
            Along::Both => true,
            Along::Forward => !reversed,
            Along::Backward => reversed,
        }
    }
}

/// What a node does to a car passing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Obstacle {
    /// A barrier a car may not pass (it may drive up to it and turn back).
    Blocked,
    /// A delay in milliseconds (a signal, a sign, a gate).
    Delay {
        /// The delay.
        ms: u32,
        /// Which traffic pays it.
        along: Along,
    },
}

/// A turn restriction: from a way, at a node, onto a way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    /// The ways the turn comes from (OSM ids).
    pub from: Vec<i64>,
    /// The junction (OSM node id).
    pub via: i64,
    /// The ways the turn goes onto (OSM ids).
    pub to: Vec<i64>,
    /// `only_*` (every other turn from `from` is forbidden) rather than `no_*`.
    pub only: bool,
}

/// Keys holding a restriction's value for cars, most specific first.
const RESTRICTION_KEYS: [&str; 4] = [
    "restriction:motorcar",
    "restriction:motor_vehicle",
    "restriction:vehicle",
    "restriction",
];

/// Whether a restriction relation's tags make it apply to cars, and if so whether it is an
/// `only_*` one. `None`: not a restriction for cars (another type, another vehicle, an
/// exception for cars, a value that is neither `no_*` nor `only_*`).
pub fn restriction_kind(tags: &[(&str, &str)]) -> Option<bool> {
    let get = |k: &str| {
        tags.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.trim())
    };
    if get("type") != Some("restriction") {
        return None;
    }
    let excepted = get("except").is_some_and(|e| {
        e.split(';')
            .any(|p| matches!(p.trim(), "motorcar" | "motor_vehicle"))
    });
    if excepted {
        return None;
    }
    let value = RESTRICTION_KEYS
        .iter()
        .filter_map(|k| get(k))
        .find(|v| !v.is_empty())?;
    if value.starts_with("only_") {
        Some(true)
    } else if value.starts_with("no_") {
        Some(false)
    } else {
        None
    }
}

impl TurnProfile {
    /// The cost of a turn by its angle in degrees (−180..=180, positive to the right), in ms,
    /// in right-hand traffic or, if `left_hand`, in left-hand traffic.
    pub fn angle_ms(&self, angle: f64, left_hand: bool) -> u32 {
        let bias = if left_hand {
            1.0 / self.turn_bias
        } else {
            self.turn_bias
        };
        let x = angle.abs().min(180.0) / 180.0;
        let s = if angle >= 0.0 {
            self.turn_penalty_s / (1.0 + (-(13.0 / bias * x - 6.5 * bias)).exp())
        } else {
            self.turn_penalty_s / (1.0 + (-(13.0 * bias * x - 6.5 / bias)).exp())
        };
        secs_to_ms(s)
    }

    /// The U-turn cost, in ms.
    pub fn u_turn_ms(&self) -> u32 {
        self.angle_ms(180.0, false) + secs_to_ms(self.u_turn_s)
    }

    /// What a node with these tags does to cars, if anything. `car_may_pass(tags)` is the
    /// profile's access rule applied to the node's tags, or `None` when the node carries no
    /// access key.
    pub fn obstacle(
        &self,
        tags: &[(&str, &str)],
        car_may_pass: impl Fn(&[(&str, &str)]) -> Option<bool>,
    ) -> Option<Obstacle> {
        let get = |k: &str| {
            tags.iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        if let Some(barrier) = get("barrier") {
            let passable = car_may_pass(tags).unwrap_or_else(|| {
                self.passable_barriers
                    .iter()
                    .any(|b| b.eq_ignore_ascii_case(barrier))
            });
            if !passable {
                return Some(Obstacle::Blocked);
            }
            let delay = self
                .barrier_delay_s
                .iter()
                .find(|(b, _)| b.eq_ignore_ascii_case(barrier))
                .map_or(0.0, |&(_, s)| s);
            if delay > 0.0 {
                return Some(Obstacle::Delay {
                    ms: secs_to_ms(delay),
                    along: Along::Both,
                });
            }
        }
        let along = |key: &str| match get(key) {
            Some(v) if v.eq_ignore_ascii_case("forward") => Along::Forward,
            Some(v) if v.eq_ignore_ascii_case("backward") => Along::Backward,
            _ => Along::Both,
        };
        let (secs, along) = match get("highway") {
            Some("traffic_signals") => (self.signal_s, along("traffic_signals:direction")),
            Some("stop") => (self.stop_s, along("direction")),
            Some("give_way") => (self.give_way_s, along("direction")),
            _ => return None,
        };
        (secs > 0.0).then(|| Obstacle::Delay {
            ms: secs_to_ms(secs),
            along,
        })
    }
}

/// Where traffic keeps left, roughly: `[min_lon, min_lat, max_lon, max_lat]` boxes drawn
/// inside those countries' borders (a city in them is in a box; their neighbours driving on the
/// right, China's mainland among them, are not).
pub const LEFT_HAND: [[f64; 4]; 10] = [
    [-10.7, 49.8, 1.8, 60.9],       // Britain and Ireland
    [129.5, 30.0, 146.0, 45.6],     // Japan
    [128.9, 30.9, 132.0, 34.0],     // Japan: Kyushu
    [113.82, 22.13, 114.45, 22.50], // Hong Kong
    [113.52, 22.10, 113.60, 22.22], // Macau
    [68.0, 6.0, 89.0, 26.5],        // India
    [112.0, -44.0, 154.0, -10.0],   // Australia
    [166.0, -47.5, 179.0, -34.0],   // New Zealand
    [16.0, -35.0, 33.0, -22.0],     // South Africa and its neighbours
    [103.6, 1.15, 104.1, 1.48],     // Singapore
];

/// Whether traffic keeps left at a point, by [`LEFT_HAND`].
pub fn left_hand_at(lon: f64, lat: f64) -> bool {
    LEFT_HAND
        .iter()
        .any(|b| (b[0]..=b[2]).contains(&lon) && (b[1]..=b[3]).contains(&lat))
}

/// Seconds to whole milliseconds (negative and non-finite values count as zero).
fn secs_to_ms(s: f64) -> u32 {
    if s.is_finite() && s > 0.0 {
        (s * 1000.0).round().min(u32::MAX as f64 / 4.0) as u32
    } else {
        0
    }
}

/// Heading in degrees (0 = north, clockwise) from `a` to `b`, `[lon, lat]`, on a local plane.
pub(crate) fn heading(a: [f64; 2], b: [f64; 2]) -> f64 {
    let k = ((a[1] + b[1]) / 2.0).to_radians().cos();
    let (dx, dy) = ((b[0] - a[0]) * k, b[1] - a[1]);
    dx.atan2(dy).to_degrees()
}

/// The turn angle from heading `h_in` to heading `h_out`, in (−180, 180], positive to the right.
pub(crate) fn turn_angle(h_in: f64, h_out: f64) -> f64 {
    let mut d = (h_out - h_in) % 360.0;
    if d > 180.0 {
        d -= 360.0;
    } else if d <= -180.0 {
        d += 360.0;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angle_costs_match_osrm_car_numbers() {
        let p = TurnProfile::default();
        // OSRM car.lua with turn_penalty 7.5 and turn_bias 1.075.
        assert_eq!(p.angle_ms(90.0, false), 2105);
        assert_eq!(p.angle_ms(-90.0, false), 5395);
        assert_eq!(p.angle_ms(45.0, false), 140);
        assert_eq!(p.angle_ms(-45.0, false), 542);
        assert!(p.angle_ms(0.0, false) < 20);
        assert_eq!(p.u_turn_ms(), 7455 + 20_000);
        assert_eq!(p.angle_ms(-90.0, true), 2105);
        assert_eq!(p.angle_ms(90.0, true), 5395);
    }

    #[test]
    fn traffic_keeps_left_in_hong_kong_and_right_in_shenzhen_and_shenyang() {
        assert!(left_hand_at(114.17, 22.30)); // Hong Kong
        assert!(left_hand_at(113.55, 22.19)); // Macau
        assert!(left_hand_at(-0.12, 51.5)); // London
        assert!(left_hand_at(139.7, 35.7)); // Tokyo
        assert!(!left_hand_at(114.06, 22.54)); // Shenzhen
        assert!(!left_hand_at(123.43, 41.80)); // Shenyang
        assert!(!left_hand_at(8.69, 49.41)); // Heidelberg
        assert!(!left_hand_at(129.07, 35.18)); // Busan
        assert!(!left_hand_at(2.35, 48.86)); // Paris
    }

    #[test]
    fn headings_and_angles() {
        let north = heading([8.0, 49.0], [8.0, 49.001]);
        let east = heading([8.0, 49.0], [8.001, 49.0]);
        assert!(north.abs() < 1e-9 && (east - 90.0).abs() < 1e-9);
        assert!((turn_angle(north, east) - 90.0).abs() < 1e-9);
        assert!((turn_angle(east, north) + 90.0).abs() < 1e-9);
        assert!((turn_angle(170.0, -170.0) - 20.0).abs() < 1e-9);
        assert!((turn_angle(0.0, 180.0) - 180.0).abs() < 1e-9);
    }

    #[test]
    fn restriction_tags() {
        let kind = |t: &[(&str, &str)]| restriction_kind(t);
        assert_eq!(
            kind(&[("type", "restriction"), ("restriction", "no_left_turn")]),
            Some(false)
        );
        assert_eq!(
            kind(&[("type", "restriction"), ("restriction", "only_straight_on")]),
            Some(true)
        );
        assert_eq!(
            kind(&[
                ("type", "restriction"),
                ("restriction", "no_left_turn"),
                ("except", "bicycle;motorcar")
            ]),
            None
        );
        assert_eq!(
            kind(&[("type", "restriction"), ("restriction:hgv", "no_left_turn")]),
            None
        );
        assert_eq!(
            kind(&[
                ("type", "restriction"),
                ("restriction:motorcar", "only_right_turn"),
                ("restriction", "no_u_turn")
            ]),
            Some(true)
        );
        assert_eq!(
            kind(&[("type", "multipolygon"), ("restriction", "no_left_turn")]),
            None
        );
    }

    #[test]
    fn barriers_signals_and_signs() {
        let p = TurnProfile::default();
        let none = |_: &[(&str, &str)]| None;
        assert_eq!(
            p.obstacle(&[("barrier", "bollard")], none),
            Some(Obstacle::Blocked)
        );
        assert_eq!(
            p.obstacle(&[("barrier", "gate")], none),
            Some(Obstacle::Delay {
                ms: 10_000,
                along: Along::Both
            })
        );
        assert_eq!(p.obstacle(&[("barrier", "cattle_grid")], none), None);
        assert_eq!(
            p.obstacle(&[("barrier", "gate"), ("access", "private")], |_| Some(
                false
            )),
            Some(Obstacle::Blocked)
        );
        assert_eq!(
            p.obstacle(&[("barrier", "bollard"), ("motor_vehicle", "yes")], |_| {
                Some(true)
            }),
            None
        );
        assert_eq!(
            p.obstacle(
                &[
                    ("highway", "traffic_signals"),
                    ("traffic_signals:direction", "backward")
                ],
                none
            ),
            Some(Obstacle::Delay {
                ms: 2000,
                along: Along::Backward
            })
        );
        assert_eq!(
            p.obstacle(&[("highway", "give_way")], none),
            Some(Obstacle::Delay {
                ms: 1000,
                along: Along::Both
            })
        );
        assert_eq!(p.obstacle(&[("highway", "crossing")], none), None);
        assert!(Along::Forward.applies(false) && !Along::Forward.applies(true));
    }
}
