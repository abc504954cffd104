//! Reading OpenStreetMap data (PBF, XML, gzipped XML) into the ways a car may drive.
//!
//! Only what routing and finding places need is kept: the coordinates of nodes referenced by car
//! ways and, per way, its node references, its names and the attributes the [`CarProfile`]
//! derives from its tags; and the addresses and named places of nodes and closed ways (see
//! [`crate::places`]); with a turn profile, also the turn restrictions and the nodes that cost
//! or block ([`crate::turns`]). Everything else in the file (footpaths, other relations) is
//! skipped while reading.

use std::collections::HashMap;
use std::io::Read;

use crate::error::RoadnetError;
use crate::places::{Place, PlaceKind, address_label};
use crate::profile::{CarProfile, WayAttrs};
use crate::turns::{Obstacle, Restriction, TurnProfile, restriction_kind};

/// The encoding of an OSM input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsmFormat {
    /// Protocol-buffer binary format (`.osm.pbf`).
    Pbf,
    /// OSM XML (`.osm`).
    Xml,
    /// Gzip-compressed OSM XML (`.osm.gz`).
    XmlGz,
}

impl OsmFormat {
    /// Tells the format from the first bytes of the data, whatever the file is called.
    pub fn sniff(bytes: &[u8]) -> OsmFormat {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            return OsmFormat::XmlGz;
        }
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match text.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'<') => OsmFormat::Xml,
            _ => OsmFormat::Pbf,
        }
    }
}

/// A car-drivable way as read from the file.
#[derive(Debug, Clone)]
pub struct CarWay {
    /// OSM way id.
    pub id: i64,
    /// Node references in way order.
    pub refs: Vec<i64>,
    /// What the profile made of the way's tags.
    pub attrs: WayAttrs,
    /// The street's names (`name`, then `name:zh` when it differs); empty when unnamed.
    pub names: Vec<String>,
}

/// The car ways of an extract and the coordinates of the nodes they use.
#[derive(Debug, Default)]
pub struct CarWays {
    /// Car ways in file order.
    pub ways: Vec<CarWay>,
    /// `(lon, lat)` of every node referenced by a car way and present in the file.
    pub coords: HashMap<i64, (f64, f64)>,
    /// Ways in the file, of any kind.
    pub ways_read: usize,
    /// Node references of car ways whose node is missing from the file (clipped extracts).
    pub missing_refs: usize,
    /// Addresses and named places of nodes and closed ways (a way's place is the mean of its
    /// nodes).
    pub places: Vec<Place>,
    /// What junctions cost; `None` routes without turns ([`crate::turns`]).
    pub turns: Option<TurnProfile>,
    /// Nodes of car ways that delay or block cars (read only with a turn profile).
    pub obstacles: HashMap<i64, Obstacle>,
    /// Turn restrictions for cars with a via node (read only with a turn profile).
    pub restrictions: Vec<Restriction>,
    /// Restrictions for cars left out: a via way, or members missing or malformed.
    pub skipped_restrictions: usize,
}

/// What the reader collects besides the ways: restrictions, obstacles, places.
#[derive(Default)]
struct Extra {
    obstacles: HashMap<i64, Obstacle>,
    restrictions: Vec<Restriction>,
    skipped_restrictions: usize,
    places: Vec<Place>,
}

impl Extra {
    /// Keeps what a node with these tags means for cars, and for finding places.
    fn node(&mut self, profile: &CarProfile, id: i64, lon: f64, lat: f64, tags: &[(&str, &str)]) {
        if tags.is_empty() {
            return;
        }
        if may_be_place(tags) {
            self.places.extend(tagged_places(tags, lon, lat));
        }
        if let Some(turns) = &profile.turns
            && let Some(o) = turns.obstacle(tags, |t| profile.node_access(t))
        {
            self.obstacles.insert(id, o);
        }
    }

    /// Keeps a restriction relation for cars. `members`: `(type, id, role)`, type `n`, `w`
    /// or `r`.
    fn relation(
        &mut self,
        profile: &CarProfile,
        tags: &[(&str, &str)],
        members: &[(u8, i64, &str)],
    ) {
        if profile.turns.is_none() {
            return;
        }
        let Some(only) = restriction_kind(tags) else {
            return;
        };
        let ways = |role: &str| -> Vec<i64> {
            members
                .iter()
                .filter(|(t, _, r)| *t == b'w' && *r == role)
                .map(|&(_, id, _)| id)
                .collect()
        };
        let via: Vec<&(u8, i64, &str)> = members.iter().filter(|(_, _, r)| *r == "via").collect();
        let (from, to) = (ways("from"), ways("to"));
        match via.as_slice() {
            [(b'n', node, _)] if !from.is_empty() && !to.is_empty() => {
                self.restrictions.push(Restriction {
                    from,
                    via: *node,
                    to,
                    only,
                });
            }
            _ => self.skipped_restrictions += 1,
        }
    }
}

/// The names a street goes by: `name`, then `name:zh` when it differs.
fn street_names(tags: &[(&str, &str)]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for key in ["name", "name:zh"] {
        if let Some((_, v)) = tags.iter().find(|(k, _)| *k == key) {
            let v = v.trim();
            if !v.is_empty() && !names.iter().any(|n| n == v) {
                names.push(v.to_string());
            }
        }
    }
    names
}

/// Tags that make a named element a place people would look for.
const PLACE_KEYS: [&str; 9] = [
    "place",
    "amenity",
    "building",
    "shop",
    "office",
    "leisure",
    "tourism",
    "healthcare",
    "historic",
];

/// Whether a named place is one people gather at or live in: a square, a pedestrian square, a
/// residential estate (`landuse=residential`, the 小区 of a Chinese city), a community centre,
/// a market, a park or a playground.
fn is_gathering<'a>(get: &dyn Fn(&str) -> Option<&'a str>) -> bool {
    matches!(get("place"), Some("square" | "neighbourhood" | "quarter"))
        || (get("highway") == Some("pedestrian") && get("area") == Some("yes"))
        || get("landuse") == Some("residential")
        || matches!(
            get("amenity"),
            Some("community_centre" | "marketplace" | "social_centre" | "townhall")
        )
        || matches!(get("leisure"), Some("park" | "playground" | "common"))
}

/// The places an element's tags describe: its address (`addr:street` + `addr:housenumber`, or
/// `addr:housename`) and its name when it is a place ([`PLACE_KEYS`], or a residential estate).
fn tagged_places(tags: &[(&str, &str)], lon: f64, lat: f64) -> Vec<Place> {
    let get = |key: &str| {
        tags.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut out = Vec::new();
    let gathering = is_gathering(&get);
    let mut push = |kind, label: String| {
        out.push(Place {
            kind,
            label,
            lon,
            lat,
            gathering: kind == PlaceKind::Place && gathering,
        })
    };
    match (
        get("addr:street"),
        get("addr:housenumber"),
        get("addr:housename"),
    ) {
        (Some(street), Some(number), _) => push(PlaceKind::Address, address_label(street, number)),
        (_, _, Some(house)) => push(PlaceKind::Address, house.to_string()),
        _ => {}
    }
    let is_place = PLACE_KEYS.iter().any(|k| get(k).is_some())
        || get("landuse") == Some("residential")
        || gathering;
    if is_place {
        for name in street_names(tags) {
            push(PlaceKind::Place, name);
        }
    }
    out
}

/// An element whose place is the mean of its nodes, resolved once every node is read.
type PendingWay = (Vec<i64>, Vec<(String, String)>);

/// The places of closed (or any) non-car ways: the mean of their nodes that are in the file.
fn way_places(pending: Vec<PendingWay>, coords: &HashMap<i64, (f64, f64)>) -> Vec<Place> {
    let mut out = Vec::new();
    for (refs, tags) in pending {
        let pts: Vec<(f64, f64)> = refs.iter().filter_map(|r| coords.get(r).copied()).collect();
        if pts.is_empty() {
            continue;
        }
        // A closed way repeats its first node; count it once.
        let pts = if pts.len() > 1 && refs.first() == refs.last() {
            &pts[1..]
        } else {
            &pts[..]
        };
        let n = pts.len() as f64;
        let lon = pts.iter().map(|p| p.0).sum::<f64>() / n;
        let lat = pts.iter().map(|p| p.1).sum::<f64>() / n;
        let tags: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        out.extend(tagged_places(&tags, lon, lat));
    }
    out
}

/// Whether an element's tags may describe a place (so that they are worth keeping).
fn may_be_place(tags: &[(&str, &str)]) -> bool {
    tags.iter()
        .any(|(k, _)| k.starts_with("addr:") || *k == "name")
}

/// Reads OSM data of the given format and keeps what a car may drive according to `profile`.
pub fn read_car_ways(
    bytes: &[u8],
    format: OsmFormat,
    profile: &CarProfile,
) -> Result<CarWays, RoadnetError> {
    let (ways, all_coords, ways_read, mut extra) = match format {
        OsmFormat::Pbf => read_pbf(bytes, profile)?,
        OsmFormat::Xml => read_xml(bytes, profile)?,
        OsmFormat::XmlGz => {
            let mut text = Vec::new();
            flate2::read::MultiGzDecoder::new(bytes)
                .read_to_end(&mut text)
                .map_err(|e| RoadnetError::Osm(format!("gzip: {e}")))?;
            read_xml(&text, profile)?
        }
    };
    let mut coords = HashMap::new();
    let mut missing_refs = 0;
    let mut kept = Vec::with_capacity(ways.len());
    for mut way in ways {
        way.refs.retain(|r| match all_coords.get(r) {
            Some(c) => {
                coords.insert(*r, *c);
                true
            }
            None => {
                missing_refs += 1;
                false
            }
        });
        if way.refs.len() >= 2 {
            kept.push(way);
        }
    }
    extra.obstacles.retain(|id, _| coords.contains_key(id));
    Ok(CarWays {
        ways: kept,
        coords,
        ways_read,
        missing_refs,
        places: extra.places,
        turns: profile.turns.clone(),
        obstacles: extra.obstacles,
        restrictions: extra.restrictions,
        skipped_restrictions: extra.skipped_restrictions,
    })
}

/// A way being read from XML: id, node refs, tags.
type XmlWay = (i64, Vec<i64>, Vec<(String, String)>);

type Parsed = (Vec<CarWay>, HashMap<i64, (f64, f64)>, usize, Extra);

fn read_pbf(bytes: &[u8], profile: &CarProfile) -> Result<Parsed, RoadnetError> {
    use osmpbf::{Element, ElementReader};
    let mut coords = HashMap::new();
    let mut ways = Vec::new();
    let mut ways_read = 0;
    let mut extra = Extra::default();
    let mut pending: Vec<PendingWay> = Vec::new();
    ElementReader::new(bytes)
        .for_each(|element| match element {
            Element::Node(n) => {
                let tags: Vec<(&str, &str)> = n.tags().collect();
                coords.insert(n.id(), (n.lon(), n.lat()));
                extra.node(profile, n.id(), n.lon(), n.lat(), &tags);
            }
            Element::DenseNode(n) => {
                let tags: Vec<(&str, &str)> = n.tags().collect();
                coords.insert(n.id(), (n.lon(), n.lat()));
                extra.node(profile, n.id(), n.lon(), n.lat(), &tags);
            }
            Element::Way(w) => {
                ways_read += 1;
                let way_tags: Vec<(&str, &str)> = w.tags().collect();
                if let Some(attrs) = profile.way(&way_tags) {
                    ways.push(CarWay {
                        id: w.id(),
                        refs: w.refs().collect(),
                        attrs,
                        names: street_names(&way_tags),
                    });
                } else if may_be_place(&way_tags) {
                    pending.push((
                        w.refs().collect(),
                        way_tags
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                    ));
                }
            }
            Element::Relation(r) => {
                use osmpbf::RelMemberType as T;
                let tags: Vec<(&str, &str)> = r.tags().collect();
                let members: Vec<(u8, i64, &str)> = r
                    .members()
                    .map(|m| {
                        let t = match m.member_type {
                            T::Node => b'n',
                            T::Way => b'w',
                            T::Relation => b'r',
                        };
                        (t, m.member_id, m.role().unwrap_or(""))
                    })
                    .collect();
                extra.relation(profile, &tags, &members);
            }
        })
        .map_err(|e| RoadnetError::Osm(format!("pbf: {e}")))?;
    extra.places.extend(way_places(pending, &coords));
    Ok((ways, coords, ways_read, extra))
}

fn read_xml(bytes: &[u8], profile: &CarProfile) -> Result<Parsed, RoadnetError> {
    use quick_xml::Reader;
    use quick_xml::events::{BytesStart, Event};

    fn attr(e: &BytesStart<'_>, key: &str) -> Result<Option<String>, RoadnetError> {
        for a in e.attributes() {
            let a = a.map_err(|err| RoadnetError::Osm(format!("xml attribute: {err}")))?;
            if a.key.as_ref() == key {
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|err| RoadnetError::Osm(format!("xml attribute: {err}")))?;
                return Ok(Some(v.into_owned()));
            }
        }
        Ok(None)
    }
    fn num<T: std::str::FromStr>(
        e: &BytesStart<'_>,
        key: &str,
        what: &str,
        pos: u64,
    ) -> Result<T, RoadnetError> {
        let v = attr(e, key)?.ok_or_else(|| {
            RoadnetError::Osm(format!("xml: <{what}> without `{}` at byte {pos}", key))
        })?;
        v.parse().map_err(|_| {
            RoadnetError::Osm(format!(
                "xml: <{what}> has a bad `{}`: {v:?} at byte {pos}",
                key
            ))
        })
    }

    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut coords = HashMap::new();
    let mut ways = Vec::new();
    let mut ways_read = 0;
    let mut extra = Extra::default();
    let mut pending: Vec<PendingWay> = Vec::new();
    // The relation being read: members (type, id, role) and tags.
    let mut relation: Option<XmlRelation> = None;
    // The way being read: id, refs, tags.
    let mut way: Option<XmlWay> = None;
    // The node being read (one with child tags): position and tags.
    let mut node: Option<XmlNode> = None;
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| RoadnetError::Osm(format!("xml at byte {pos}: {e}")))?;
        let (e, closes) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.name().as_ref() {
                    "way" => finish_way(&mut way, profile, &mut ways, &mut pending),
                    "node" => finish_node(&mut node, profile, &mut extra),
                    "relation" => finish_relation(&mut relation, profile, &mut extra),
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        match e.name().as_ref() {
            "node" => {
                let id: i64 = num(e, "id", "node", pos)?;
                let lat: f64 = num(e, "lat", "node", pos)?;
                let lon: f64 = num(e, "lon", "node", pos)?;
                coords.insert(id, (lon, lat));
                if !closes {
                    node = Some((id, lon, lat, Vec::new()));
                }
            }
            "way" => {
                ways_read += 1;
                way = Some((num(e, "id", "way", pos)?, Vec::new(), Vec::new()));
                if closes {
                    finish_way(&mut way, profile, &mut ways, &mut pending);
                }
            }
            "relation" => {
                relation = (!closes).then(|| (Vec::new(), Vec::new()));
            }
            "member" => {
                if let Some((members, _)) = relation.as_mut() {
                    let t = attr(e, "type")?.unwrap_or_default();
                    let t = t.bytes().next().unwrap_or(b'?');
                    let id: i64 = num(e, "ref", "member", pos)?;
                    members.push((t, id, attr(e, "role")?.unwrap_or_default()));
                }
            }
            "nd" => {
                if let Some((_, refs, _)) = way.as_mut() {
                    refs.push(num(e, "ref", "nd", pos)?);
                }
            }
            "tag" => {
                let tags = match (way.as_mut(), node.as_mut(), relation.as_mut()) {
                    (Some((_, _, tags)), _, _)
                    | (None, Some((_, _, _, tags)), _)
                    | (None, None, Some((_, tags))) => Some(tags),
                    (None, None, None) => None,
                };
                if let Some(tags) = tags {
                    let k = attr(e, "k")?.unwrap_or_default();
                    let v = attr(e, "v")?.unwrap_or_default();
                    tags.push((k, v));
                }
            }
            _ => {}
        }
        buf.clear();
    }
    extra.places.extend(way_places(pending, &coords));
    Ok((ways, coords, ways_read, extra))
}

/// A node with child tags being read from XML: id, lon, lat, tags.
type XmlNode = (i64, f64, f64, Vec<(String, String)>);

/// A relation being read from XML: members `(type, id, role)`, tags.
type XmlRelation = (Vec<(u8, i64, String)>, Vec<(String, String)>);

fn finish_node(node: &mut Option<XmlNode>, profile: &CarProfile, extra: &mut Extra) {
    if let Some((id, lon, lat, tags)) = node.take() {
        let tags: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        extra.node(profile, id, lon, lat, &tags);
    }
}

fn finish_relation(relation: &mut Option<XmlRelation>, profile: &CarProfile, extra: &mut Extra) {
    if let Some((members, tags)) = relation.take() {
        let tags: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let members: Vec<(u8, i64, &str)> = members
            .iter()
            .map(|(t, id, r)| (*t, *id, r.as_str()))
            .collect();
        extra.relation(profile, &tags, &members);
    }
}

fn finish_way(
    way: &mut Option<XmlWay>,
    profile: &CarProfile,
    ways: &mut Vec<CarWay>,
    pending: &mut Vec<PendingWay>,
) {
    if let Some((id, refs, tags)) = way.take() {
        let view: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if let Some(attrs) = profile.way(&view) {
            let names = street_names(&view);
            ways.push(CarWay {
                id,
                refs,
                attrs,
                names,
            });
        } else if may_be_place(&view) {
            pending.push((refs, tags));
        }
    }
}

#[cfg(test)]
mod gathering_tests {
    use super::*;

    #[test]
    fn squares_estates_and_parks_are_gathering_places_and_shops_are_not() {
        let at = |tags: &[(&str, &str)]| tagged_places(tags, 8.69, 49.41);
        for tags in [
            &[("place", "square"), ("name", "Marktplatz")][..],
            &[("landuse", "residential"), ("name", "颐和小区")],
            &[("amenity", "community_centre"), ("name", "Bürgerhaus")],
            &[("leisure", "park"), ("name", "Stadtgarten")],
            &[
                ("highway", "pedestrian"),
                ("area", "yes"),
                ("name", "Uniplatz"),
            ],
        ] {
            let found = at(tags);
            assert!(
                found.len() == 1 && found[0].gathering && found[0].kind == PlaceKind::Place,
                "{tags:?}: {found:?}"
            );
        }
        for tags in [
            &[("shop", "bakery"), ("name", "Bäcker")][..],
            &[("highway", "pedestrian"), ("name", "Hauptstraße")],
        ] {
            assert!(at(tags).iter().all(|p| !p.gathering), "{tags:?}");
        }
    }
}
