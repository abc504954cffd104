//! Reading OpenStreetMap data (PBF, XML, gzipped XML) into the ways a car may drive.
//!
//! Only what routing needs is kept: the coordinates of nodes referenced by car ways and, per way,
//! its node references with the attributes the [`CarProfile`] derives from its tags. Everything
//! else in the file (buildings, footpaths, relations) is skipped while reading.

use std::collections::HashMap;
use std::io::Read;

use crate::error::RoadnetError;
use crate::profile::{CarProfile, WayAttrs};

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
}

/// Reads OSM data of the given format and keeps what a car may drive according to `profile`.
pub fn read_car_ways(
    bytes: &[u8],
    format: OsmFormat,
    profile: &CarProfile,
) -> Result<CarWays, RoadnetError> {
    let (ways, all_coords, ways_read) = match format {
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
    Ok(CarWays {
        ways: kept,
        coords,
        ways_read,
        missing_refs,
    })
}

/// A way being read from XML: id, node refs, tags.
type XmlWay = (i64, Vec<i64>, Vec<(String, String)>);

type Parsed = (Vec<CarWay>, HashMap<i64, (f64, f64)>, usize);

fn read_pbf(bytes: &[u8], profile: &CarProfile) -> Result<Parsed, RoadnetError> {
    use osmpbf::{Element, ElementReader};
    let mut coords = HashMap::new();
    let mut ways = Vec::new();
    let mut ways_read = 0;
    ElementReader::new(bytes)
        .for_each(|element| match element {
            Element::Node(n) => {
                coords.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::DenseNode(n) => {
                coords.insert(n.id(), (n.lon(), n.lat()));
            }
            Element::Way(w) => {
                ways_read += 1;
                let way_tags: Vec<(&str, &str)> = w.tags().collect();
                if let Some(attrs) = profile.way(&way_tags) {
                    ways.push(CarWay {
                        id: w.id(),
                        refs: w.refs().collect(),
                        attrs,
                    });
                }
            }
            Element::Relation(_) => {}
        })
        .map_err(|e| RoadnetError::Osm(format!("pbf: {e}")))?;
    Ok((ways, coords, ways_read))
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
    // The way being read: id, refs, tags.
    let mut way: Option<XmlWay> = None;
    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| RoadnetError::Osm(format!("xml at byte {pos}: {e}")))?;
        let (e, closes) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if e.name().as_ref() == "way" {
                    finish_way(&mut way, profile, &mut ways);
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
            }
            "way" => {
                ways_read += 1;
                way = Some((num(e, "id", "way", pos)?, Vec::new(), Vec::new()));
                if closes {
                    finish_way(&mut way, profile, &mut ways);
                }
            }
            "nd" => {
                if let Some((_, refs, _)) = way.as_mut() {
                    refs.push(num(e, "ref", "nd", pos)?);
                }
            }
            "tag" => {
                if let Some((_, _, tags)) = way.as_mut() {
                    let k = attr(e, "k")?.unwrap_or_default();
                    let v = attr(e, "v")?.unwrap_or_default();
                    tags.push((k, v));
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok((ways, coords, ways_read))
}

fn finish_way(way: &mut Option<XmlWay>, profile: &CarProfile, ways: &mut Vec<CarWay>) {
    if let Some((id, refs, tags)) = way.take() {
        let tags: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        if let Some(attrs) = profile.way(&tags) {
            ways.push(CarWay { id, refs, attrs });
        }
    }
}
