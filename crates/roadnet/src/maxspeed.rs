//! Reading OSM `maxspeed` values ([`parse_maxspeed`]).

use crate::profile::is_one_of;

/// `maxspeed=walk`: walking pace, in km/h.
const WALK_KMH: f64 = 7.0;
/// km per statute mile.
const KM_PER_MILE: f64 = 1.609_344;
/// km per nautical mile.
const KM_PER_NAUTICAL_MILE: f64 = 1.852;
/// Parsed limits above this are treated as typos, in km/h.
const MAX_PLAUSIBLE_KMH: f64 = 300.0;

/// Speed in km/h from an OSM `maxspeed` value, or `None` when it is unusable.
///
/// Understood forms (units and zone values case-insensitive, spaces allowed):
///
/// * a number in km/h: `50`, `12.5`, `50 km/h`, `50kmh`, `50 kph`;
/// * a number in other units: `30 mph`, `30mph`, `20 knots` (or `knot`, `kn`);
/// * `walk`: 7 km/h;
/// * a country zone `CC:context` or `CC-REGION:context`, e.g. `DE:urban` (50),
///   `RU:urban` (60), `FR:rural` (80), `DE:living_street` (7),
///   `DE:zone30` / `DE:zone:30` (30; in mph for GB, UK and US). Country
///   values come from a small built-in table of legal default limits; an
///   unknown country gets urban 50 and rural 80. `DE:motorway` (no general
///   limit) and contexts without a known limit give `None`;
/// * a semicolon list (`30;50`): the lowest usable part, since the lower
///   limit is the one that applies somewhere along the way.
///
/// `none`, `signals`, `variable`, zero, negative, above 300 km/h and
/// anything else give `None`, and the caller falls back to the class speed.
pub fn parse_maxspeed(v: &str) -> Option<f64> {
    v.split(';')
        .filter_map(parse_one_maxspeed)
        .fold(None, |low: Option<f64>, s| {
            Some(low.map_or(s, |l| l.min(s)))
        })
}

/// One part of a `maxspeed` value.
fn parse_one_maxspeed(v: &str) -> Option<f64> {
    let v = v.trim();
    if v.eq_ignore_ascii_case("walk") {
        return Some(WALK_KMH);
    }
    let kmh = match v.split_once(':') {
        Some((country, context)) => zone_speed(country.trim(), context.trim())?,
        None => numeric_speed(v)?,
    };
    (kmh > 0.0 && kmh <= MAX_PLAUSIBLE_KMH).then_some(kmh)
}

/// A number with an optional unit, converted to km/h.
fn numeric_speed(v: &str) -> Option<f64> {
    let end = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (number, unit) = v.split_at(end);
    if !number.starts_with(|c: char| c.is_ascii_digit()) || number.ends_with('.') {
        return None;
    }
    let n: f64 = number.parse().ok()?;
    let unit = unit.trim();
    let factor = if unit.is_empty() || is_one_of(unit, &["km/h", "kmh", "kph"]) {
        1.0
    } else if is_one_of(unit, &["mph"]) {
        KM_PER_MILE
    } else if is_one_of(unit, &["knots", "knot", "kn"]) {
        KM_PER_NAUTICAL_MILE
    } else {
        return None;
    };
    Some(n * factor)
}

/// A row of [`ZONES`]: country or `country-region` code, context, and the
/// legal default limit in km/h (`None`: no general limit).
type Zone = (&'static str, &'static str, Option<f64>);

/// Legal default limits for `maxspeed=CC:context` values, in km/h.
///
/// Sources: the OpenStreetMap wiki pages "Default speed limits" and
/// "Speed limits", and the defaults in OSRM's car profile. Germany has no
/// general motorway limit (130 is only advisory), hence `None`. China: the
/// Implementing Regulations of the Road Traffic Safety Law, art. 45 (roads
/// with one lane per direction: 50 in cities, 70 on highways outside them)
/// and art. 78 (expressways at most 120). The UK and GB values are 30, 60
/// and 70 mph.
const ZONES: &[Zone] = &[
    ("AT", "urban", Some(50.0)),
    ("AT", "rural", Some(100.0)),
    ("AT", "trunk", Some(100.0)),
    ("AT", "motorway", Some(130.0)),
    ("BE", "urban", Some(50.0)),
    ("BE", "rural", Some(90.0)),
    ("BE", "motorway", Some(120.0)),
    ("BE-VLG", "rural", Some(70.0)),
    ("BE-BRU", "urban", Some(30.0)),
    ("BE-BRU", "rural", Some(70.0)),
    ("BY", "urban", Some(60.0)),
    ("BY", "rural", Some(90.0)),
    ("BY", "motorway", Some(110.0)),
    ("CH", "urban", Some(50.0)),
    ("CH", "rural", Some(80.0)),
    ("CH", "trunk", Some(100.0)),
    ("CH", "motorway", Some(120.0)),
    ("CN", "urban", Some(50.0)),
    ("CN", "rural", Some(70.0)),
    ("CN", "motorway", Some(120.0)),
    ("CN", "expressway", Some(120.0)),
    ("CZ", "urban", Some(50.0)),
    ("CZ", "rural", Some(90.0)),
    ("CZ", "motorway", Some(130.0)),
    ("DE", "urban", Some(50.0)),
    ("DE", "rural", Some(100.0)),
    ("DE", "living_street", Some(WALK_KMH)),
    ("DE", "motorway", None),
    ("DK", "urban", Some(50.0)),
    ("DK", "rural", Some(80.0)),
    ("DK", "motorway", Some(130.0)),
    ("ES", "urban", Some(50.0)),
    ("ES", "rural", Some(90.0)),
    ("ES", "motorway", Some(120.0)),
    ("FR", "urban", Some(50.0)),
    ("FR", "rural", Some(80.0)),
    ("FR", "motorway", Some(130.0)),
    ("GB", "urban", Some(30.0 * KM_PER_MILE)),
    ("GB", "nsl_single", Some(60.0 * KM_PER_MILE)),
    ("GB", "nsl_dual", Some(70.0 * KM_PER_MILE)),
    ("GB", "motorway", Some(70.0 * KM_PER_MILE)),
    ("IT", "urban", Some(50.0)),
    ("IT", "rural", Some(90.0)),
    ("IT", "trunk", Some(110.0)),
    ("IT", "motorway", Some(130.0)),
    ("NL", "urban", Some(50.0)),
    ("NL", "rural", Some(80.0)),
    ("NL", "trunk", Some(100.0)),
    ("NL", "motorway", Some(100.0)),
    ("NO", "urban", Some(50.0)),
    ("NO", "rural", Some(80.0)),
    ("RU", "urban", Some(60.0)),
    ("RU", "rural", Some(90.0)),
    ("RU", "living_street", Some(20.0)),
    ("RU", "motorway", Some(110.0)),
    ("UK", "urban", Some(30.0 * KM_PER_MILE)),
    ("UK", "nsl_single", Some(60.0 * KM_PER_MILE)),
    ("UK", "nsl_dual", Some(70.0 * KM_PER_MILE)),
    ("UK", "motorway", Some(70.0 * KM_PER_MILE)),
    ("ZA", "urban", Some(60.0)),
    ("ZA", "rural", Some(100.0)),
    ("ZA", "motorway", Some(120.0)),
];

/// Defaults for any country not in [`ZONES`] for that context.
const DEFAULT_ZONES: &[(&str, f64)] = &[("urban", 50.0), ("rural", 80.0)];

/// Countries whose `zoneNN` values are in mph.
const MPH_COUNTRIES: &[&str] = &["GB", "UK", "US"];

/// Limit in km/h for `country:context`, `None` when there is none or the
/// value is not a zone value at all.
fn zone_speed(code: &str, context: &str) -> Option<f64> {
    let country = country_part(code)?;
    if let Some(number) = strip_prefix_ignore_case(context, "zone") {
        let number = number.trim_start_matches(':');
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: f64 = number.parse().ok()?;
        let mph = MPH_COUNTRIES
            .iter()
            .any(|c| c.eq_ignore_ascii_case(country));
        return Some(if mph { n * KM_PER_MILE } else { n });
    }
    let lookup = |cc: &str| {
        ZONES
            .iter()
            .find(|(c, ctx, _)| c.eq_ignore_ascii_case(cc) && ctx.eq_ignore_ascii_case(context))
            .map(|&(_, _, limit)| limit)
    };
    if let Some(limit) = lookup(code) {
        return limit;
    }
    if let Some(limit) = lookup(country) {
        return limit;
    }
    DEFAULT_ZONES
        .iter()
        .find(|(ctx, _)| ctx.eq_ignore_ascii_case(context))
        .map(|&(_, limit)| limit)
}

/// `v` without `prefix` when it starts with it, ignoring ASCII case.
fn strip_prefix_ignore_case<'a>(v: &'a str, prefix: &str) -> Option<&'a str> {
    let head = v.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        v.get(prefix.len()..)
    } else {
        None
    }
}

/// The two-letter country of `CC` or `CC-REGION`, `None` when `code` is not
/// shaped like that.
fn country_part(code: &str) -> Option<&str> {
    let (country, region) = match code.split_once('-') {
        Some((c, r)) => (c, Some(r)),
        None => (code, None),
    };
    let country_ok = country.len() == 2 && country.chars().all(|c| c.is_ascii_alphabetic());
    let region_ok = region
        .is_none_or(|r| (1..=3).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric()));
    (country_ok && region_ok).then_some(country)
}
