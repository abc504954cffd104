//! Car profile: turns the tags of an OpenStreetMap way into routing attributes.
//!
//! [`CarProfile::way`] answers three questions about a way: may a car use it at
//! all, in which directions, and how fast does a car travel along it.
//!
//! # Routable ways
//!
//! A way is routable when its `highway` value is one of the [`HighwayClass`]
//! values: `motorway`, `trunk`, `primary`, `secondary`, `tertiary` (each with
//! its `_link`), `unclassified`, `residential`, `living_street`, `service` and
//! `road`. Everything else (`track`, `path`, `construction`, `proposed`, …) is
//! not for cars. A way that is otherwise routable is still rejected when:
//!
//! * it is tagged `area=yes` (a square or a parking lot outline, not a lane);
//! * it is tagged `service=emergency_access`;
//! * the access decision below says cars are denied;
//! * its effective oneway value is `reversible` (the direction changes a few
//!   times a day; without a timetable no direction can be promised).
//!
//! # Access
//!
//! The keys `motorcar`, `motor_vehicle`, `vehicle` and `access` are looked at
//! in that order, most specific first; the first one present (with a
//! non-empty value) alone decides. So `access=private` + `motor_vehicle=yes`
//! is allowed and `access=yes` + `motor_vehicle=no` is denied. The value
//! denies access when it is in [`CarProfile::denied_access`]; by default
//! `no`, `private`, `agricultural`, `forestry`, `emergency`, `psv`, `bus`,
//! `taxi`, `military`, `official`, `permit` and `residents`. Every other value
//! allows access, in particular `yes`, `designated`, `permissive`,
//! `destination`, `customers` and `delivery`: those roads may legally be
//! driven to reach something on them, and a door-to-door router must be able
//! to reach addresses there (no extra penalty is applied for through traffic).
//! A semicolon list (`private;delivery`) is allowed when any of its parts is.
//! Values are compared ASCII-case-insensitively.
//!
//! # Direction
//!
//! The oneway value is taken from the most specific of `oneway:motorcar`,
//! `oneway:motor_vehicle`, `oneway:vehicle` and `oneway` that is present:
//!
//! * `yes`, `1`, `true`: forward only (the way's node order);
//! * `-1`, `reverse`: backward only;
//! * `no`, `false`, `0`: both ways, even on a motorway or a roundabout;
//! * `reversible`: not routable at all;
//! * `alternating` (one lane shared by turns, e.g. behind traffic lights) is
//!   driven both ways, with no waiting time added;
//! * absent or anything else: forward only when implied, both ways otherwise.
//!
//! A oneway is implied on `highway=motorway`, `junction=roundabout` and
//! `junction=circular`. It is *not* implied on `motorway_link`, as in OSRM's
//! car profile: some links are two-way, and mappers tag `oneway=yes` on the
//! ones that are not.
//!
//! # Speed
//!
//! 1. When the way's plain `maxspeed` tag parses ([`parse_maxspeed`]), the
//!    driven speed is `maxspeed × maxspeed_factor` (0.8 by default, as OSRM
//!    does: traffic rarely flows at the limit), never more than the limit
//!    itself. The class speed is not used as a ceiling, so a motorway signed
//!    130 is driven at 104 km/h although the class default is 90.
//! 2. Otherwise the class speed from [`CarProfile::class_speed_kmh`] is used:
//!    realistic average speeds, not limits. A class missing from that list
//!    falls back to [`CarProfile::fallback_speed_kmh`].
//! 3. A `service` value listed in [`CarProfile::service_speed_kmh`] (parking
//!    aisles, driveways, drive-throughs) caps the result of 1 or 2.
//! 4. The result is at least 1 km/h.
//!
//! # Junctions
//!
//! Turn costs, U-turns, turn restrictions, signals, stop signs and barriers: [`crate::turns`]
//! (`turns: None` leaves them out).
//!
//! # Not modelled
//!
//! Time-dependent speeds or traffic, conditional restrictions (`*:conditional`),
//! direction-specific access and speeds (`maxspeed:forward` and the like; only `maxspeed`
//! counts), surface, width, height, weight and length limits, lanes, tolls, ferries,
//! `construction=*` on an open highway.

use serde::{Deserialize, Serialize};

pub use crate::maxspeed::parse_maxspeed;
use crate::turns::TurnProfile;

/// The `highway=*` values a car may be routed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HighwayClass {
    /// `highway=motorway`: controlled-access highway.
    Motorway,
    /// `highway=motorway_link`: slip road to or from a motorway.
    MotorwayLink,
    /// `highway=trunk`: most important roads that are not motorways.
    Trunk,
    /// `highway=trunk_link`: slip road to or from a trunk road.
    TrunkLink,
    /// `highway=primary`: major roads linking large towns.
    Primary,
    /// `highway=primary_link`: slip road to or from a primary road.
    PrimaryLink,
    /// `highway=secondary`: roads linking towns.
    Secondary,
    /// `highway=secondary_link`: slip road to or from a secondary road.
    SecondaryLink,
    /// `highway=tertiary`: roads linking villages, or collector streets.
    Tertiary,
    /// `highway=tertiary_link`: slip road to or from a tertiary road.
    TertiaryLink,
    /// `highway=unclassified`: minor public roads, lowest through-road class.
    Unclassified,
    /// `highway=residential`: streets with housing along them.
    Residential,
    /// `highway=living_street`: pedestrians have priority, walking pace.
    LivingStreet,
    /// `highway=service`: access roads, parking aisles, driveways.
    Service,
    /// `highway=road`: a road whose class is not known yet.
    Road,
}

impl HighwayClass {
    /// Every class, from the most important road to the least.
    pub const ALL: [HighwayClass; 15] = [
        HighwayClass::Motorway,
        HighwayClass::MotorwayLink,
        HighwayClass::Trunk,
        HighwayClass::TrunkLink,
        HighwayClass::Primary,
        HighwayClass::PrimaryLink,
        HighwayClass::Secondary,
        HighwayClass::SecondaryLink,
        HighwayClass::Tertiary,
        HighwayClass::TertiaryLink,
        HighwayClass::Unclassified,
        HighwayClass::Residential,
        HighwayClass::LivingStreet,
        HighwayClass::Service,
        HighwayClass::Road,
    ];

    /// The class for a `highway=*` value (exact, lowercase as in OSM), or
    /// `None` when that value is not routable for cars.
    pub fn from_tag(v: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == v)
    }

    /// The `highway=*` value of this class, e.g. `"motorway_link"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HighwayClass::Motorway => "motorway",
            HighwayClass::MotorwayLink => "motorway_link",
            HighwayClass::Trunk => "trunk",
            HighwayClass::TrunkLink => "trunk_link",
            HighwayClass::Primary => "primary",
            HighwayClass::PrimaryLink => "primary_link",
            HighwayClass::Secondary => "secondary",
            HighwayClass::SecondaryLink => "secondary_link",
            HighwayClass::Tertiary => "tertiary",
            HighwayClass::TertiaryLink => "tertiary_link",
            HighwayClass::Unclassified => "unclassified",
            HighwayClass::Residential => "residential",
            HighwayClass::LivingStreet => "living_street",
            HighwayClass::Service => "service",
            HighwayClass::Road => "road",
        }
    }
}

/// What a car may do on one way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayAttrs {
    /// The way's highway class.
    pub class: HighwayClass,
    /// Travel speed in km/h, the same in both directions; at least 1.
    pub speed_kmh: f64,
    /// A car may drive along the way in the order of its nodes.
    pub forward: bool,
    /// A car may drive against the order of its nodes.
    pub backward: bool,
}

/// Settings of the car profile. All plain data, so that a serialised profile
/// can go into a cache key; see the module documentation for the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarProfile {
    /// Travel speed per class when the way has no usable `maxspeed`, in km/h.
    /// These are realistic average speeds, not limits. The first entry for a
    /// class counts.
    pub class_speed_kmh: Vec<(HighwayClass, f64)>,
    /// Speed for a class that has no entry in `class_speed_kmh`, in km/h.
    pub fallback_speed_kmh: f64,
    /// Share of a parsed `maxspeed` that is actually driven: speed =
    /// `min(maxspeed × maxspeed_factor, maxspeed)`.
    pub maxspeed_factor: f64,
    /// `service=*` values whose speed is capped, with the cap in km/h
    /// (compared ASCII-case-insensitively).
    pub service_speed_kmh: Vec<(String, f64)>,
    /// Values of the most specific access key that deny cars (compared
    /// ASCII-case-insensitively). Any other value allows them.
    pub denied_access: Vec<String>,
    /// What junctions cost ([`crate::turns`]); `None`: nothing, every turn allowed.
    pub turns: Option<TurnProfile>,
}

/// Keys deciding access, most specific first.
const ACCESS_KEYS: [&str; 4] = ["motorcar", "motor_vehicle", "vehicle", "access"];

/// Keys deciding the oneway state, most specific first.
const ONEWAY_KEYS: [&str; 4] = [
    "oneway:motorcar",
    "oneway:motor_vehicle",
    "oneway:vehicle",
    "oneway",
];

impl Default for CarProfile {
    /// Class speeds as in OSRM's car profile (`highway=road`, which OSRM does
    /// not route, gets 20 km/h, a little below `unclassified`), a maxspeed
    /// factor of 0.8 as OSRM's `speed_reduction`, parking aisles and
    /// driveways at 10 km/h and drive-throughs at 5 km/h.
    fn default() -> Self {
        use HighwayClass as H;
        let class_speed_kmh = vec![
            (H::Motorway, 90.0),
            (H::MotorwayLink, 45.0),
            (H::Trunk, 85.0),
            (H::TrunkLink, 40.0),
            (H::Primary, 65.0),
            (H::PrimaryLink, 30.0),
            (H::Secondary, 55.0),
            (H::SecondaryLink, 25.0),
            (H::Tertiary, 40.0),
            (H::TertiaryLink, 20.0),
            (H::Unclassified, 25.0),
            (H::Residential, 25.0),
            (H::LivingStreet, 10.0),
            (H::Service, 15.0),
            (H::Road, 20.0),
        ];
        let service_speed_kmh = [
            ("parking_aisle", 10.0),
            ("driveway", 10.0),
            ("drive-through", 5.0),
            ("drive-thru", 5.0),
        ]
        .into_iter()
        .map(|(s, v)| (s.to_owned(), v))
        .collect();
        let denied_access = [
            "no",
            "private",
            "agricultural",
            "forestry",
            "emergency",
            "psv",
            "bus",
            "taxi",
            "military",
            "official",
            "permit",
            "residents",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        CarProfile {
            class_speed_kmh,
            fallback_speed_kmh: 10.0,
            maxspeed_factor: 0.8,
            service_speed_kmh,
            denied_access,
            turns: Some(TurnProfile::default()),
        }
    }
}

impl CarProfile {
    /// Routing attributes of a way with the given `(key, value)` tags, or
    /// `None` when the way is not for cars. When a key appears twice, the
    /// first occurrence counts.
    pub fn way(&self, tags: &[(&str, &str)]) -> Option<WayAttrs> {
        let class = HighwayClass::from_tag(tag(tags, "highway")?.trim())?;
        if tag(tags, "area").is_some_and(|v| is_one_of(v, &["yes"])) {
            return None;
        }
        let service = tag(tags, "service");
        if service.is_some_and(|v| is_one_of(v, &["emergency_access"])) {
            return None;
        }
        if !self.access_allowed(tags) {
            return None;
        }
        let (forward, backward) = direction(class, tags)?;
        Some(WayAttrs {
            class,
            speed_kmh: self.speed(class, service, tags),
            forward,
            backward,
        })
    }

    /// The class speed in km/h: the first entry of `class_speed_kmh` for the
    /// class, else `fallback_speed_kmh`.
    pub fn class_speed(&self, class: HighwayClass) -> f64 {
        self.class_speed_kmh
            .iter()
            .find(|(c, _)| *c == class)
            .map_or(self.fallback_speed_kmh, |&(_, s)| s)
    }

    /// The access rule on a node's tags (a barrier): `None` when no access key is present.
    pub fn node_access(&self, tags: &[(&str, &str)]) -> Option<bool> {
        first_present(tags, &ACCESS_KEYS).map(|_| self.access_allowed(tags))
    }

    /// Whether the most specific access key present lets cars in.
    fn access_allowed(&self, tags: &[(&str, &str)]) -> bool {
        let Some(value) = first_present(tags, &ACCESS_KEYS) else {
            return true;
        };
        value
            .split(';')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .any(|part| {
                !self
                    .denied_access
                    .iter()
                    .any(|d| d.trim().eq_ignore_ascii_case(part))
            })
    }

    /// Driven speed in km/h following the rule in the module documentation.
    fn speed(&self, class: HighwayClass, service: Option<&str>, tags: &[(&str, &str)]) -> f64 {
        let limit = tag(tags, "maxspeed").and_then(parse_maxspeed);
        let mut speed = match limit {
            Some(limit) => (limit * self.maxspeed_factor).min(limit),
            None => self.class_speed(class),
        };
        if let Some(service) = service {
            let cap = self
                .service_speed_kmh
                .iter()
                .find(|(s, _)| s.trim().eq_ignore_ascii_case(service.trim()));
            if let Some(&(_, cap)) = cap {
                speed = speed.min(cap);
            }
        }
        if speed.is_nan() {
            MIN_SPEED_KMH
        } else {
            speed.clamp(MIN_SPEED_KMH, MAX_SPEED_KMH)
        }
    }
}

/// Lowest speed ever returned by [`CarProfile::way`].
const MIN_SPEED_KMH: f64 = 1.0;
/// Highest speed ever returned by [`CarProfile::way`] (guards odd profiles).
const MAX_SPEED_KMH: f64 = 400.0;

/// Value of the first `key` tag, if any.
fn tag<'a>(tags: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
}

/// Trimmed value of the first key in `keys` (most specific first) that is
/// present with a non-empty value.
fn first_present<'a>(tags: &[(&str, &'a str)], keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .filter_map(|k| tag(tags, k))
        .map(str::trim)
        .find(|v| !v.is_empty())
}

/// Whether `v` (trimmed) equals one of `options`, ignoring ASCII case.
pub(crate) fn is_one_of(v: &str, options: &[&str]) -> bool {
    let v = v.trim();
    options.iter().any(|o| o.eq_ignore_ascii_case(v))
}

/// `(forward, backward)` for a way, or `None` for a reversible oneway.
fn direction(class: HighwayClass, tags: &[(&str, &str)]) -> Option<(bool, bool)> {
    let oneway = first_present(tags, &ONEWAY_KEYS);
    match oneway {
        Some(v) if is_one_of(v, &["yes", "1", "true"]) => Some((true, false)),
        Some(v) if is_one_of(v, &["-1", "reverse"]) => Some((false, true)),
        Some(v) if is_one_of(v, &["no", "false", "0", "alternating"]) => Some((true, true)),
        Some(v) if is_one_of(v, &["reversible"]) => None,
        _ => {
            let implied = class == HighwayClass::Motorway
                || tag(tags, "junction").is_some_and(|j| is_one_of(j, &["roundabout", "circular"]));
            Some((true, !implied))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn way(tags: &[(&str, &str)]) -> Option<WayAttrs> {
        CarProfile::default().way(tags)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn speed(tags: &[(&str, &str)]) -> f64 {
        way(tags).map(|w| w.speed_kmh).unwrap_or(f64::NAN)
    }

    fn dirs(tags: &[(&str, &str)]) -> Option<(bool, bool)> {
        way(tags).map(|w| (w.forward, w.backward))
    }

    // --- classes ---

    #[test]
    fn every_class_round_trips_through_its_tag() {
        for c in HighwayClass::ALL {
            assert_eq!(HighwayClass::from_tag(c.as_str()), Some(c));
        }
    }

    #[test]
    fn the_serde_name_of_a_class_is_its_tag() {
        // Checked through serde's own value-free machinery: the derived
        // `rename_all = "snake_case"` must agree with `as_str`.
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        for c in HighwayClass::ALL {
            let d: StrDeserializer<'_, Error> = c.as_str().into_deserializer();
            assert_eq!(HighwayClass::deserialize(d), Ok(c));
        }
    }

    #[test]
    fn non_car_highways_are_not_classes() {
        for v in [
            "track",
            "path",
            "footway",
            "cycleway",
            "construction",
            "proposed",
            "steps",
            "",
        ] {
            assert_eq!(HighwayClass::from_tag(v), None, "{v}");
        }
    }

    #[test]
    fn every_class_is_routable_both_ways_except_the_motorway() {
        for c in HighwayClass::ALL {
            let w = way(&[("highway", c.as_str())]).expect("routable");
            assert_eq!(w.class, c);
            assert!(w.forward);
            assert_eq!(w.backward, c != HighwayClass::Motorway, "{c:?}");
        }
    }

    #[test]
    fn a_way_without_a_highway_tag_is_not_routable() {
        assert_eq!(way(&[("name", "Main Street")]), None);
        assert_eq!(way(&[]), None);
    }

    #[test]
    fn construction_and_proposed_highways_are_not_routable() {
        assert_eq!(way(&[("highway", "construction")]), None);
        assert_eq!(way(&[("highway", "proposed")]), None);
    }

    #[test]
    fn a_footway_is_not_routable() {
        assert_eq!(way(&[("highway", "footway")]), None);
    }

    #[test]
    fn an_area_is_not_routable() {
        assert_eq!(way(&[("highway", "service"), ("area", "yes")]), None);
        assert!(way(&[("highway", "service"), ("area", "no")]).is_some());
    }

    #[test]
    fn an_emergency_access_service_road_is_not_routable() {
        assert_eq!(
            way(&[("highway", "service"), ("service", "emergency_access")]),
            None
        );
    }

    // --- access ---

    #[test]
    fn a_private_road_is_not_routable() {
        assert_eq!(
            way(&[("highway", "residential"), ("access", "private")]),
            None
        );
    }

    #[test]
    fn every_denied_access_value_makes_a_road_unroutable() {
        for v in CarProfile::default().denied_access {
            assert_eq!(
                way(&[("highway", "residential"), ("access", &v)]),
                None,
                "{v}"
            );
        }
    }

    #[test]
    fn agricultural_and_forestry_roads_are_not_routable() {
        assert_eq!(
            way(&[
                ("highway", "unclassified"),
                ("motor_vehicle", "agricultural")
            ]),
            None
        );
        assert_eq!(
            way(&[("highway", "unclassified"), ("vehicle", "forestry")]),
            None
        );
    }

    #[test]
    fn permissive_values_keep_a_road_routable() {
        for v in [
            "yes",
            "designated",
            "permissive",
            "destination",
            "customers",
            "delivery",
        ] {
            assert!(
                way(&[("highway", "residential"), ("access", v)]).is_some(),
                "{v}"
            );
        }
    }

    #[test]
    fn a_private_road_open_to_motor_vehicles_is_routable() {
        let w = way(&[
            ("highway", "service"),
            ("access", "private"),
            ("motor_vehicle", "yes"),
        ]);
        assert!(w.is_some());
    }

    #[test]
    fn a_road_closed_to_motor_vehicles_is_not_routable_even_with_access_yes() {
        let tags = [
            ("highway", "residential"),
            ("access", "yes"),
            ("motor_vehicle", "no"),
        ];
        assert_eq!(way(&tags), None);
    }

    #[test]
    fn motorcar_is_more_specific_than_motor_vehicle_and_vehicle() {
        let open = [
            ("highway", "residential"),
            ("vehicle", "no"),
            ("motor_vehicle", "no"),
            ("motorcar", "destination"),
        ];
        assert!(way(&open).is_some());
        let closed = [
            ("highway", "residential"),
            ("vehicle", "yes"),
            ("motorcar", "no"),
        ];
        assert_eq!(way(&closed), None);
    }

    #[test]
    fn vehicle_no_closes_a_road_with_access_yes() {
        assert_eq!(
            way(&[
                ("highway", "tertiary"),
                ("access", "yes"),
                ("vehicle", "no")
            ]),
            None
        );
    }

    #[test]
    fn an_access_list_is_open_when_any_part_is_open() {
        assert!(way(&[("highway", "service"), ("access", "private;delivery")]).is_some());
        assert_eq!(
            way(&[("highway", "service"), ("access", "no;private")]),
            None
        );
    }

    #[test]
    fn access_values_ignore_case_and_spaces() {
        assert_eq!(
            way(&[("highway", "service"), ("access", " Private ")]),
            None
        );
    }

    #[test]
    fn an_empty_specific_access_tag_is_skipped() {
        assert_eq!(
            way(&[("highway", "service"), ("motorcar", ""), ("access", "no")]),
            None
        );
    }

    #[test]
    fn the_denied_access_list_is_configurable() {
        let profile = CarProfile {
            denied_access: vec!["no".to_owned()],
            ..CarProfile::default()
        };
        assert!(
            profile
                .way(&[("highway", "service"), ("access", "private")])
                .is_some()
        );
    }

    // --- oneway ---

    #[test]
    fn oneway_yes_is_forward_only() {
        for v in ["yes", "1", "true", "YES"] {
            assert_eq!(
                dirs(&[("highway", "primary"), ("oneway", v)]),
                Some((true, false)),
                "{v}"
            );
        }
    }

    #[test]
    fn oneway_minus_one_is_backward_only() {
        for v in ["-1", "reverse"] {
            assert_eq!(
                dirs(&[("highway", "primary"), ("oneway", v)]),
                Some((false, true)),
                "{v}"
            );
        }
    }

    #[test]
    fn oneway_no_is_both_ways() {
        for v in ["no", "false", "0"] {
            assert_eq!(
                dirs(&[("highway", "primary"), ("oneway", v)]),
                Some((true, true)),
                "{v}"
            );
        }
    }

    #[test]
    fn a_road_without_oneway_is_both_ways() {
        assert_eq!(dirs(&[("highway", "primary")]), Some((true, true)));
    }

    #[test]
    fn a_motorway_is_an_implied_oneway() {
        assert_eq!(dirs(&[("highway", "motorway")]), Some((true, false)));
    }

    #[test]
    fn a_motorway_with_an_unknown_oneway_value_stays_an_implied_oneway() {
        assert_eq!(
            dirs(&[("highway", "motorway"), ("oneway", "unknown")]),
            Some((true, false))
        );
    }

    #[test]
    fn a_motorway_link_is_not_an_implied_oneway() {
        assert_eq!(dirs(&[("highway", "motorway_link")]), Some((true, true)));
        assert_eq!(
            dirs(&[("highway", "motorway_link"), ("oneway", "yes")]),
            Some((true, false))
        );
    }

    #[test]
    fn a_motorway_tagged_oneway_no_is_both_ways() {
        assert_eq!(
            dirs(&[("highway", "motorway"), ("oneway", "no")]),
            Some((true, true))
        );
    }

    #[test]
    fn a_roundabout_is_an_implied_oneway() {
        assert_eq!(
            dirs(&[("highway", "primary"), ("junction", "roundabout")]),
            Some((true, false))
        );
        assert_eq!(
            dirs(&[("highway", "residential"), ("junction", "circular")]),
            Some((true, false))
        );
    }

    #[test]
    fn a_roundabout_tagged_oneway_no_is_both_ways() {
        assert_eq!(
            dirs(&[
                ("highway", "primary"),
                ("junction", "roundabout"),
                ("oneway", "no")
            ]),
            Some((true, true))
        );
    }

    #[test]
    fn a_roundabout_tagged_oneway_minus_one_is_backward_only() {
        assert_eq!(
            dirs(&[
                ("highway", "primary"),
                ("junction", "roundabout"),
                ("oneway", "-1")
            ]),
            Some((false, true))
        );
    }

    #[test]
    fn oneway_for_motorcars_is_more_specific_than_oneway() {
        assert_eq!(
            dirs(&[
                ("highway", "residential"),
                ("oneway", "yes"),
                ("oneway:motorcar", "no")
            ]),
            Some((true, true))
        );
        assert_eq!(
            dirs(&[
                ("highway", "residential"),
                ("oneway", "no"),
                ("oneway:motor_vehicle", "-1"),
            ]),
            Some((false, true))
        );
        assert_eq!(
            dirs(&[
                ("highway", "residential"),
                ("oneway:motor_vehicle", "yes"),
                ("oneway:motorcar", "-1"),
            ]),
            Some((false, true))
        );
    }

    #[test]
    fn oneway_for_bicycles_does_not_change_car_directions() {
        assert_eq!(
            dirs(&[
                ("highway", "residential"),
                ("oneway", "yes"),
                ("oneway:bicycle", "no")
            ]),
            Some((true, false))
        );
    }

    #[test]
    fn a_reversible_oneway_is_not_routable() {
        assert_eq!(
            way(&[("highway", "primary"), ("oneway", "reversible")]),
            None
        );
        assert_eq!(
            way(&[
                ("highway", "primary"),
                ("oneway:motor_vehicle", "reversible")
            ]),
            None
        );
    }

    #[test]
    fn an_alternating_oneway_is_both_ways() {
        assert_eq!(
            dirs(&[("highway", "primary"), ("oneway", "alternating")]),
            Some((true, true))
        );
    }

    // --- speed ---

    #[test]
    fn without_maxspeed_the_class_speed_is_used() {
        let p = CarProfile::default();
        for c in HighwayClass::ALL {
            assert!(
                close(speed(&[("highway", c.as_str())]), p.class_speed(c)),
                "{c:?}"
            );
        }
        assert!(close(speed(&[("highway", "motorway")]), 90.0));
        assert!(close(speed(&[("highway", "residential")]), 25.0));
    }

    #[test]
    fn the_default_table_covers_every_class_once() {
        let p = CarProfile::default();
        assert_eq!(p.class_speed_kmh.len(), HighwayClass::ALL.len());
        for c in HighwayClass::ALL {
            assert_eq!(p.class_speed_kmh.iter().filter(|(k, _)| *k == c).count(), 1);
        }
    }

    #[test]
    fn a_living_street_defaults_to_ten() {
        assert!(close(speed(&[("highway", "living_street")]), 10.0));
    }

    #[test]
    fn a_class_missing_from_the_table_uses_the_fallback_speed() {
        let p = CarProfile {
            class_speed_kmh: vec![],
            ..CarProfile::default()
        };
        let w = p.way(&[("highway", "primary")]).expect("routable");
        assert!(close(w.speed_kmh, 10.0));
    }

    #[test]
    fn a_maxspeed_is_driven_at_eighty_percent() {
        assert!(close(
            speed(&[("highway", "primary"), ("maxspeed", "50")]),
            40.0
        ));
    }

    #[test]
    fn a_maxspeed_above_the_class_speed_raises_the_speed() {
        assert!(close(
            speed(&[("highway", "motorway"), ("maxspeed", "130")]),
            104.0
        ));
    }

    #[test]
    fn a_maxspeed_factor_above_one_never_exceeds_the_limit() {
        let p = CarProfile {
            maxspeed_factor: 1.5,
            ..CarProfile::default()
        };
        let w = p
            .way(&[("highway", "primary"), ("maxspeed", "50")])
            .expect("routable");
        assert!(close(w.speed_kmh, 50.0));
    }

    #[test]
    fn a_zone_maxspeed_is_driven_at_eighty_percent() {
        assert!(close(
            speed(&[("highway", "residential"), ("maxspeed", "DE:zone30")]),
            24.0
        ));
    }

    #[test]
    fn an_mph_maxspeed_is_converted_before_the_factor() {
        let s = speed(&[("highway", "primary"), ("maxspeed", "30 mph")]);
        assert!(close(s, 30.0 * 1.609_344 * 0.8));
    }

    #[test]
    fn an_unusable_maxspeed_falls_back_to_the_class_speed() {
        for v in ["none", "signals", "variable", "fast", "DE:motorway", ""] {
            assert!(
                close(speed(&[("highway", "motorway"), ("maxspeed", v)]), 90.0),
                "{v}"
            );
        }
    }

    #[test]
    fn directional_maxspeeds_are_ignored() {
        let tags = [
            ("highway", "primary"),
            ("maxspeed:forward", "30"),
            ("maxspeed:backward", "30"),
        ];
        assert!(close(speed(&tags), 65.0));
    }

    #[test]
    fn a_parking_aisle_is_slow() {
        let s = speed(&[("highway", "service"), ("service", "parking_aisle")]);
        assert!(close(s, 10.0));
        let s = speed(&[("highway", "service"), ("service", "driveway")]);
        assert!(close(s, 10.0));
        let s = speed(&[("highway", "service"), ("service", "drive-through")]);
        assert!(close(s, 5.0));
    }

    #[test]
    fn a_parking_aisle_stays_slow_with_a_high_maxspeed() {
        let tags = [
            ("highway", "service"),
            ("service", "parking_aisle"),
            ("maxspeed", "50"),
        ];
        assert!(close(speed(&tags), 10.0));
    }

    #[test]
    fn a_parking_aisle_with_a_lower_maxspeed_is_slower_still() {
        let tags = [
            ("highway", "service"),
            ("service", "parking_aisle"),
            ("maxspeed", "5"),
        ];
        assert!(close(speed(&tags), 4.0));
    }

    #[test]
    fn other_service_roads_use_the_service_speed() {
        assert!(close(
            speed(&[("highway", "service"), ("service", "alley")]),
            15.0
        ));
    }

    #[test]
    fn the_speed_is_at_least_one() {
        assert!(close(
            speed(&[("highway", "primary"), ("maxspeed", "1")]),
            1.0
        ));
    }

    #[test]
    fn a_broken_profile_still_gives_a_finite_speed_of_at_least_one() {
        let p = CarProfile {
            maxspeed_factor: f64::NAN,
            class_speed_kmh: vec![(HighwayClass::Primary, -5.0)],
            ..CarProfile::default()
        };
        assert!(close(
            p.way(&[("highway", "primary")])
                .map(|w| w.speed_kmh)
                .unwrap_or(0.0),
            1.0
        ));
        let w = p
            .way(&[("highway", "primary"), ("maxspeed", "50")])
            .expect("routable");
        assert!(w.speed_kmh.is_finite() && w.speed_kmh >= 1.0);
    }

    #[test]
    fn the_first_of_duplicate_tags_counts() {
        let tags = [
            ("highway", "primary"),
            ("maxspeed", "50"),
            ("maxspeed", "100"),
        ];
        assert!(close(speed(&tags), 40.0));
    }

    // --- parse_maxspeed ---

    fn parsed(v: &str) -> f64 {
        parse_maxspeed(v).unwrap_or(f64::NAN)
    }

    #[test]
    fn plain_numbers_are_kmh() {
        assert!(close(parsed("50"), 50.0));
        assert!(close(parsed("12.5"), 12.5));
        assert!(close(parsed(" 70 "), 70.0));
    }

    #[test]
    fn kmh_units_are_accepted_in_every_spelling() {
        for v in [
            "50 km/h", "50km/h", "50kmh", "50 kmh", "50 kph", "50kph", "50 KM/H",
        ] {
            assert!(close(parsed(v), 50.0), "{v}");
        }
    }

    #[test]
    fn mph_is_converted_to_kmh() {
        assert!(close(parsed("30 mph"), 48.280_32));
        assert!(close(parsed("30mph"), 48.280_32));
    }

    #[test]
    fn knots_are_converted_to_kmh() {
        assert!(close(parsed("20 knots"), 37.04));
        assert!(close(parsed("20 kn"), 37.04));
    }

    #[test]
    fn walk_is_seven() {
        assert!(close(parsed("walk"), 7.0));
    }

    #[test]
    fn non_numeric_keywords_are_unusable() {
        for v in ["none", "signals", "variable", "implicit", "unknown", "no"] {
            assert_eq!(parse_maxspeed(v), None, "{v}");
        }
    }

    #[test]
    fn garbage_maxspeed_is_unusable() {
        for v in [
            "",
            " ",
            "fast",
            "50 furlongs",
            "50 km",
            "km/h",
            ".5",
            "5.",
            "1.2.3",
            "-30",
            "0",
            "0 mph",
            "5000",
            "1e3",
            "50,5",
            "NaN",
            "inf",
            "５０",
            "50 km/h/h",
            ":",
            "DE:",
            ":urban",
            "DEU:urban",
            "D1:urban",
            "DE-TOOLONG:urban",
            "DE:zone",
            "DE:zone:x",
            "DE:zone:-30",
            "DE:zone:",
            "DE:spaceship",
        ] {
            assert_eq!(parse_maxspeed(v), None, "{v:?}");
        }
    }

    #[test]
    fn german_zone_values_follow_german_law() {
        assert!(close(parsed("DE:urban"), 50.0));
        assert!(close(parsed("DE:rural"), 100.0));
        assert!(close(parsed("DE:living_street"), 7.0));
        assert_eq!(parse_maxspeed("DE:motorway"), None);
    }

    #[test]
    fn zone_numbers_work_with_and_without_a_colon() {
        assert!(close(parsed("DE:zone30"), 30.0));
        assert!(close(parsed("DE:zone:30"), 30.0));
        assert!(close(parsed("DE:zone20"), 20.0));
        assert!(close(parsed("FR:zone30"), 30.0));
    }

    #[test]
    fn british_zone_numbers_are_mph() {
        assert!(close(parsed("GB:zone20"), 20.0 * 1.609_344));
        assert!(close(parsed("GB:nsl_single"), 60.0 * 1.609_344));
        assert!(close(parsed("UK:motorway"), 70.0 * 1.609_344));
    }

    #[test]
    fn other_country_zone_values_use_the_table() {
        assert!(close(parsed("RU:urban"), 60.0));
        assert!(close(parsed("RU:living_street"), 20.0));
        assert!(close(parsed("FR:rural"), 80.0));
        assert!(close(parsed("FR:urban"), 50.0));
        assert!(close(parsed("AT:rural"), 100.0));
        assert!(close(parsed("CH:motorway"), 120.0));
        assert!(close(parsed("IT:trunk"), 110.0));
    }

    #[test]
    fn chinese_zone_values_follow_the_road_traffic_safety_regulations() {
        assert!(close(parsed("CN:urban"), 50.0));
        assert!(close(parsed("CN:rural"), 70.0));
        assert!(close(parsed("CN:motorway"), 120.0));
    }

    #[test]
    fn unknown_countries_get_urban_fifty_and_rural_eighty() {
        assert!(close(parsed("US:urban"), 50.0));
        assert!(close(parsed("XX:rural"), 80.0));
        assert_eq!(parse_maxspeed("XX:motorway"), None);
        assert_eq!(parse_maxspeed("XX:living_street"), None);
    }

    #[test]
    fn regional_codes_use_their_own_row_then_the_country_row() {
        assert!(close(parsed("BE-VLG:rural"), 70.0));
        assert!(close(parsed("BE-WAL:rural"), 90.0));
        assert!(close(parsed("BE-BRU:urban"), 30.0));
        assert!(close(parsed("DE-BY:rural"), 100.0));
        assert!(close(parsed("XX-YY:urban"), 50.0));
    }

    #[test]
    fn zone_values_ignore_case() {
        assert!(close(parsed("de:urban"), 50.0));
        assert!(close(parsed("RU:URBAN"), 60.0));
        assert!(close(parsed("de:Zone:30"), 30.0));
    }

    #[test]
    fn a_semicolon_list_takes_the_lowest_usable_value() {
        assert!(close(parsed("30;50"), 30.0));
        assert!(close(parsed("50; 30 mph"), 48.280_32));
        assert!(close(parsed("none;60"), 60.0));
        assert!(close(parsed("DE:urban;70"), 50.0));
        assert_eq!(parse_maxspeed("none;signals"), None);
        assert_eq!(parse_maxspeed(";"), None);
    }
}
