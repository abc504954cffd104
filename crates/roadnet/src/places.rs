//! Finding places by name (the gazetteer): the extract's named streets, its addresses and its
//! named places, searched with partial input; and the name of the street at a point.
//!
//! What OpenStreetMap has is what there is: a street is found by its `name` or `name:zh`, an
//! address by `addr:street` + `addr:housenumber` (or `addr:housename`), a place by the `name`
//! of a node or closed way tagged as a place, amenity, building, shop, office, leisure, tourism,
//! healthcare or residential estate. Matching is fuzzy (the characters of each word of the query
//! in order, gaps allowed; case and Latin accents ignored; full-width digits and letters read as
//! ASCII), ranked by match quality, then exact words, then streets before the addresses on them,
//! then shorter labels.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};
use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};
use serde::{Deserialize, Serialize};

use crate::snap::haversine_m;

/// What kind of thing a place is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// A named street (a point half-way along it).
    Street,
    /// A house number on a street, or a named house.
    Address,
    /// A named place: an estate, a building, a square, an amenity.
    Place,
}

/// A named point, as read from the extract (or made by the demo town).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// What it is.
    pub kind: PlaceKind,
    /// What people call it: `北中街110号`, `Hauptstraße 12`, `颐养家园`.
    pub label: String,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
    /// A place people meet at or live in and know by name — a square, a residential estate, a
    /// community centre, a market, a park —: where a mobile vaccination van could stop.
    pub gathering: bool,
}

/// The street nearest a point.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetAt {
    /// The street's name.
    pub name: String,
    /// From the point to the street, metres.
    pub distance_m: f64,
}

/// The part of a gazetteer that is cached; the matcher's strings and the street index are
/// rebuilt on load.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct StoredPlaces {
    places: Vec<Place>,
    street_names: Vec<String>,
    /// Named road segments: `(index into street_names, [a, b])`, `[lon, lat]` ends.
    segments: Vec<(u32, [[f64; 2]; 2])>,
}

/// Streets, addresses and places of a road network, searchable.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    stored: StoredPlaces,
    /// Each place's label as the matcher reads it.
    haystacks: Vec<Utf32String>,
    /// Named road segments in a local metric frame, for the street at a point.
    streets: RTree<GeomWithData<Line<[f64; 2]>, u32>>,
    /// Addresses in the same frame (index into the places).
    addresses: RTree<GeomWithData<[f64; 2], u32>>,
    /// Metres per degree of longitude and of latitude in that frame.
    scale: [f64; 2],
}

/// The place an address was matched to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geocoded<'a> {
    /// The place.
    pub place: &'a Place,
    /// The address names this place exactly (else: only its street was found).
    pub exact: bool,
}

/// A label as compared whole: folded, without white space or a final `号`.
fn key(s: &str) -> String {
    let k: String = fold(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，' | '、' | ';' | '；'))
        .collect();
    k.trim_end_matches('号').to_string()
}

/// Metres per degree of latitude.
const M_PER_DEG: f64 = 111_320.0;

/// Text as the matcher compares it: full-width ASCII (as typed with a Chinese input method:
/// `１１０号`, `Ｎｏ．`) as ASCII, the ideographic space as a space, `ß` as `ss`, lower case.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => {
                out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c));
            }
            '\u{3000}' => out.push(' '),
            'ß' | 'ẞ' => out.push_str("ss"),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Whether `s` is written in Chinese characters (then a house number reads `110号`).
fn is_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c))
}

/// The label of a house number on a street, in the street's script's convention.
pub fn address_label(street: &str, number: &str) -> String {
    let number = number.trim();
    if is_cjk(street) {
        let number = number.trim_end_matches('号');
        format!("{street}{number}号")
    } else {
        format!("{street} {number}")
    }
}

impl StoredPlaces {
    /// Gathers places and named street lines (`name`, `[lon, lat]` points in order).
    pub(crate) fn new<'a>(
        places: Vec<Place>,
        lines: impl IntoIterator<Item = (&'a str, Vec<[f64; 2]>)>,
    ) -> StoredPlaces {
        use std::collections::HashMap;
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut street_names: Vec<String> = Vec::new();
        let mut segments = Vec::new();
        // Per street: its lines, to put the street's own entry half-way along its longest line.
        let mut longest: Vec<(f64, Vec<[f64; 2]>)> = Vec::new();
        for (name, points) in lines {
            let name = name.trim();
            if name.is_empty() || points.len() < 2 {
                continue;
            }
            let id = *index.entry(name.to_string()).or_insert_with(|| {
                street_names.push(name.to_string());
                longest.push((0.0, Vec::new()));
                street_names.len() as u32 - 1
            });
            let length: f64 = points.windows(2).map(|w| haversine_m(w[0], w[1])).sum();
            for w in points.windows(2) {
                segments.push((id, [w[0], w[1]]));
            }
            let best = &mut longest[id as usize];
            if length > best.0 {
                *best = (length, points);
            }
        }
        let mut all: Vec<Place> = street_names
            .iter()
            .zip(&longest)
            .map(|(name, (length, points))| {
                let [lon, lat] = point_along(points, length / 2.0);
                Place {
                    kind: PlaceKind::Street,
                    label: name.clone(),
                    lon,
                    lat,
                    gathering: false,
                }
            })
            .collect();
        let mut seen: std::collections::HashSet<(PlaceKind, String)> =
            all.iter().map(|p| (p.kind, p.label.clone())).collect();
        for p in places {
            let label = p.label.trim();
            if label.is_empty() || !(p.lon.is_finite() && p.lat.is_finite()) {
                continue;
            }
            if seen.insert((p.kind, label.to_string())) {
                all.push(Place {
                    label: label.to_string(),
                    ..p
                });
            }
        }
        StoredPlaces {
            places: all,
            street_names,
            segments,
        }
    }
}

/// The point `distance` metres along a line (its last point beyond its end).
fn point_along(points: &[[f64; 2]], distance: f64) -> [f64; 2] {
    let mut left = distance;
    for w in points.windows(2) {
        let d = haversine_m(w[0], w[1]);
        if d > 0.0 && left <= d {
            let f = left / d;
            return [
                w[0][0] + f * (w[1][0] - w[0][0]),
                w[0][1] + f * (w[1][1] - w[0][1]),
            ];
        }
        left -= d;
    }
    points.last().copied().unwrap_or([0.0, 0.0])
}

impl Gazetteer {
    /// A gazetteer of `places` and named street lines (`name`, `[lon, lat]` points in order);
    /// one street entry per name is added, half-way along its longest line.
    pub fn build<'a>(
        places: Vec<Place>,
        lines: impl IntoIterator<Item = (&'a str, Vec<[f64; 2]>)>,
    ) -> Gazetteer {
        Gazetteer::new(StoredPlaces::new(places, lines))
    }

    /// Indexes stored places for search and street lookup.
    pub(crate) fn new(stored: StoredPlaces) -> Gazetteer {
        let haystacks = stored
            .places
            .iter()
            .map(|p| Utf32String::from(fold(&p.label)))
            .collect();
        let mid_lat = if stored.segments.is_empty() {
            0.0
        } else {
            let sum: f64 = stored.segments.iter().map(|(_, s)| s[0][1]).sum();
            sum / stored.segments.len() as f64
        };
        let scale = [M_PER_DEG * mid_lat.to_radians().cos(), M_PER_DEG];
        let project = |p: [f64; 2]| [p[0] * scale[0], p[1] * scale[1]];
        let streets = RTree::bulk_load(
            stored
                .segments
                .iter()
                .map(|(id, [a, b])| GeomWithData::new(Line::new(project(*a), project(*b)), *id))
                .collect(),
        );
        let addresses = RTree::bulk_load(
            stored
                .places
                .iter()
                .enumerate()
                .filter(|(_, p)| p.kind == PlaceKind::Address)
                .map(|(i, p)| GeomWithData::new(project([p.lon, p.lat]), i as u32))
                .collect(),
        );
        Gazetteer {
            stored,
            haystacks,
            streets,
            addresses,
            scale,
        }
    }

    pub(crate) fn stored(&self) -> &StoredPlaces {
        &self.stored
    }

    /// Every place, streets first.
    pub fn places(&self) -> &[Place] {
        &self.stored.places
    }

    /// Places matching `query`, best first, at most `limit`; only those inside `bbox`
    /// (`[min_lon, min_lat, max_lon, max_lat]`) when one is given. An empty query finds nothing.
    pub fn search(&self, query: &str, limit: usize, bbox: Option<[f64; 4]>) -> Vec<&Place> {
        let query = fold(query);
        let pattern = Pattern::new(
            &query,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        if pattern.atoms.is_empty() || limit == 0 {
            return Vec::new();
        }
        let words: Vec<&str> = query.split_whitespace().collect();
        let inside = |p: &Place| match bbox {
            Some(b) => p.lon >= b[0] && p.lon <= b[2] && p.lat >= b[1] && p.lat <= b[3],
            None => true,
        };
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut found: Vec<(u32, usize, usize)> = Vec::new();
        for (i, (place, hay)) in self.stored.places.iter().zip(&self.haystacks).enumerate() {
            if !inside(place) {
                continue;
            }
            if let Some(score) = pattern.score(hay.slice(..), &mut matcher) {
                // Whole words of the query found as typed rank above scattered matches.
                let label = fold(&place.label);
                let whole = words.iter().filter(|w| label.contains(*w)).count();
                found.push((score, whole, i));
            }
        }
        let kind_rank = |k: PlaceKind| match k {
            PlaceKind::Street => 0,
            PlaceKind::Place => 1,
            PlaceKind::Address => 2,
        };
        found.sort_by(|a, b| {
            let (pa, pb) = (&self.stored.places[a.2], &self.stored.places[b.2]);
            b.1.cmp(&a.1)
                .then(b.0.cmp(&a.0))
                .then(kind_rank(pa.kind).cmp(&kind_rank(pb.kind)))
                .then(pa.label.chars().count().cmp(&pb.label.chars().count()))
                .then(pa.label.cmp(&pb.label))
        });
        found
            .into_iter()
            .take(limit)
            .map(|(_, _, i)| &self.stored.places[i])
            .collect()
    }

    /// The place a written address names, for a ledger row without coordinates: the house
    /// (or place) whose label is the address, or the address's first words (a Chinese address
    /// goes on with the estate, building and flat: `北中街110号 翠生小区3号楼…`), found by
    /// [`Gazetteer::search`]; failing that, the longest street the address starts with
    /// (`exact: false`). `None` when neither is in `bbox`.
    pub fn geocode(&self, address: &str, bbox: Option<[f64; 4]>) -> Option<Geocoded<'_>> {
        let parts: Vec<&str> = address.split_whitespace().collect();
        for k in (1..=parts.len()).rev() {
            let q = parts[..k].join(" ");
            let want = key(&q);
            if let Some(p) = self
                .search(&q, 5, bbox)
                .into_iter()
                // A street alone matches only the whole text (else its number is looked for).
                .find(|p| {
                    key(&p.label) == want && (p.kind != PlaceKind::Street || k == parts.len())
                })
            {
                return Some(Geocoded {
                    place: p,
                    exact: true,
                });
            }
        }
        // A street named anywhere in the text (a district or city before it, a building or
        // flat after it, no spaces between): the longest such name, then the house number
        // written right after it.
        let whole = key(address);
        let inside = |p: &Place| {
            bbox.is_none_or(|b| p.lon >= b[0] && p.lon <= b[2] && p.lat >= b[1] && p.lat <= b[3])
        };
        let (street, at, len) = self
            .stored
            .places
            .iter()
            .filter(|p| p.kind == PlaceKind::Street && inside(p))
            .filter_map(|p| {
                let k = key(&p.label);
                let at = if k.is_empty() { None } else { whole.find(&k) }?;
                Some((p, at, k.len()))
            })
            .max_by_key(|&(_, at, len)| (len, std::cmp::Reverse(at)))?;
        let rest = &whole[at + len..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            // `12a` before `12`.
            let letter = rest[digits.len()..]
                .chars()
                .next()
                .filter(char::is_ascii_lowercase);
            let numbers = letter
                .map(|c| format!("{digits}{c}"))
                .into_iter()
                .chain(std::iter::once(digits.clone()));
            for number in numbers {
                let label = address_label(&street.label, &number);
                let want = key(&label);
                if let Some(p) = self
                    .search(&label, 5, bbox)
                    .into_iter()
                    .find(|p| p.kind == PlaceKind::Address && key(&p.label) == want)
                {
                    return Some(Geocoded {
                        place: p,
                        exact: true,
                    });
                }
            }
        }
        Some(Geocoded {
            place: street,
            exact: false,
        })
    }

    /// What a search box shows for `query`: the fuzzy search's places, or, when it finds
    /// nothing (a whole written address: `和平区正阳街110号3单元201`), the house or street the
    /// address names, as the ledger matches it.
    pub fn find(&self, query: &str, limit: usize, bbox: Option<[f64; 4]>) -> Vec<&Place> {
        let found = self.search(query, limit, bbox);
        if !found.is_empty() || limit == 0 {
            return found;
        }
        self.geocode(query, bbox)
            .map(|g| g.place)
            .into_iter()
            .collect()
    }

    /// The named street nearest `(lon, lat)` within `max_m` metres.
    pub fn street_at(&self, lon: f64, lat: f64, max_m: f64) -> Option<StreetAt> {
        let p = [lon * self.scale[0], lat * self.scale[1]];
        let near = self.streets.nearest_neighbor(&p)?;
        let distance_m = near.geom().distance_2(&p).sqrt();
        (distance_m <= max_m).then(|| StreetAt {
            name: self.stored.street_names[near.data as usize].clone(),
            distance_m,
        })
    }

    /// The address nearest `(lon, lat)` within `max_m` metres, with its distance.
    pub fn address_at(&self, lon: f64, lat: f64, max_m: f64) -> Option<(&Place, f64)> {
        let p = [lon * self.scale[0], lat * self.scale[1]];
        let near = self.addresses.nearest_neighbor(&p)?;
        let g = near.geom();
        let d = ((g[0] - p[0]).powi(2) + (g[1] - p[1]).powi(2)).sqrt();
        (d <= max_m).then(|| (&self.stored.places[near.data as usize], d))
    }

    /// Places inside a box `[min_lon, min_lat, max_lon, max_lat]`, in index order (for tests and
    /// tools).
    pub fn within(&self, bbox: [f64; 4]) -> impl Iterator<Item = &Place> {
        self.stored.places.iter().filter(move |p| {
            p.lon >= bbox[0] && p.lon <= bbox[2] && p.lat >= bbox[1] && p.lat <= bbox[3]
        })
    }

    /// The named gathering places (squares, estates, community centres, markets, parks) inside
    /// a box `[min_lon, min_lat, max_lon, max_lat]`.
    pub fn gatherings(&self, bbox: [f64; 4]) -> impl Iterator<Item = &Place> {
        self.within(bbox).filter(|p| p.gathering)
    }

    /// Named street segments, for statistics.
    pub fn street_segments(&self) -> usize {
        self.streets.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Gazetteer {
        let places = vec![
            Place {
                kind: PlaceKind::Address,
                label: address_label("北中街", "110"),
                lon: 123.4301,
                lat: 41.8001,
                gathering: false,
            },
            Place {
                kind: PlaceKind::Address,
                label: address_label("北中街", "11"),
                lon: 123.4302,
                lat: 41.8002,
                gathering: false,
            },
            Place {
                kind: PlaceKind::Address,
                label: address_label("Hauptstraße", "12a"),
                lon: 8.69,
                lat: 49.41,
                gathering: false,
            },
            Place {
                kind: PlaceKind::Place,
                label: "颐养家园养老院".into(),
                lon: 123.431,
                lat: 41.801,
                gathering: false,
            },
        ];
        let lines = vec![
            ("北中街", vec![[123.43, 41.80], [123.43, 41.81]]),
            ("北中街", vec![[123.43, 41.81], [123.43, 41.815]]),
            ("正阳街", vec![[123.44, 41.80], [123.44, 41.81]]),
            ("Hauptstraße", vec![[8.69, 49.41], [8.70, 49.41]]),
        ];
        Gazetteer::build(places, lines)
    }

    fn labels(g: &Gazetteer, q: &str) -> Vec<String> {
        g.search(q, 5, None)
            .iter()
            .map(|p| p.label.clone())
            .collect()
    }

    #[test]
    fn one_entry_per_street_half_way_along_its_longest_line() {
        let g = sample();
        let streets: Vec<&Place> = g
            .places()
            .iter()
            .filter(|p| p.kind == PlaceKind::Street)
            .collect();
        assert_eq!(streets.len(), 3);
        let bz = streets.iter().find(|p| p.label == "北中街").unwrap();
        assert!((bz.lat - 41.805).abs() < 1e-9, "{bz:?}");
    }

    #[test]
    fn partial_and_full_width_input_finds_the_house() {
        let g = sample();
        assert_eq!(labels(&g, "北中街 110")[0], "北中街110号");
        assert_eq!(labels(&g, "北中街１１０号")[0], "北中街110号");
        assert_eq!(labels(&g, "北中110")[0], "北中街110号");
        // The exact number first, the street itself before its houses when no number is typed.
        assert_eq!(labels(&g, "北中街 11号")[0], "北中街11号");
        assert_eq!(labels(&g, "北中")[0], "北中街");
        assert_eq!(labels(&g, "hauptstrasse 12")[0], "Hauptstraße 12a");
        assert_eq!(labels(&g, "HAUPTSTR 12")[0], "Hauptstraße 12a");
        assert_eq!(labels(&g, "养老院")[0], "颐养家园养老院");
        assert!(labels(&g, "  ").is_empty());
        assert!(labels(&g, "天安门").is_empty());
        assert!(g.search("北中", 0, None).is_empty());
    }

    #[test]
    fn a_box_keeps_results_to_the_district() {
        let g = sample();
        let found = g.search("12", 5, Some([123.0, 41.0, 124.0, 42.0]));
        assert!(found.iter().all(|p| p.lon > 123.0), "{found:?}");
    }

    #[test]
    fn the_street_at_a_point() {
        let g = sample();
        let at = g.street_at(123.4301, 41.805, 50.0).unwrap();
        assert_eq!(at.name, "北中街");
        assert!((at.distance_m - 8.3).abs() < 1.0, "{at:?}");
        assert!(g.street_at(123.4350, 41.805, 50.0).is_none());
        assert_eq!(g.street_at(123.4390, 41.805, 100.0).unwrap().name, "正阳街");
        assert!(Gazetteer::default().street_at(0.0, 0.0, 1e9).is_none());
        let (house, d) = g.address_at(123.43011, 41.80011, 50.0).unwrap();
        assert_eq!(house.label, "北中街110号");
        assert!(d < 20.0, "{d}");
        assert!(g.address_at(123.5, 41.9, 50.0).is_none());
    }

    #[test]
    fn a_written_address_is_matched_to_its_house_or_else_its_street() {
        let g = sample();
        let m = g
            .geocode("北中街110号 翠生小区3号楼2单元301室", None)
            .unwrap();
        assert_eq!((m.place.label.as_str(), m.exact), ("北中街110号", true));
        let m = g.geocode("北中街 11", None).unwrap();
        assert_eq!((m.place.label.as_str(), m.exact), ("北中街11号", true));
        // No such number: the street, said to be approximate.
        let m = g.geocode("北中街999号", None).unwrap();
        assert_eq!((m.place.label.as_str(), m.exact), ("北中街", false));
        let m = g.geocode("Hauptstrasse 12a", None).unwrap();
        assert_eq!((m.place.label.as_str(), m.exact), ("Hauptstraße 12a", true));
        assert!(g.geocode("天安门广场", None).is_none());
        // A district before the street, a flat after the number, no spaces (as ledgers are
        // typed); a city after a German address.
        for written in [
            "和平区北中街110号3单元201",
            "沈阳市和平区北中街110号",
            "北中街110号翠生小区",
        ] {
            let m = g.geocode(written, None).unwrap();
            assert_eq!(
                (m.place.label.as_str(), m.exact),
                ("北中街110号", true),
                "{written}"
            );
        }
        let m = g
            .geocode("Hauptstraße 12a, 69117 Heidelberg", None)
            .unwrap();
        assert_eq!((m.place.label.as_str(), m.exact), ("Hauptstraße 12a", true));
        let m = g.geocode("和平区正阳街5号", None).unwrap();
        assert_eq!((m.place.label.as_str(), m.exact), ("正阳街", false));
        // The search box falls back to the same reading of a whole address.
        let found: Vec<&str> = g
            .find("北中街110号 翠生小区15号楼4单元501室", 8, None)
            .iter()
            .map(|p| p.label.as_str())
            .collect();
        assert_eq!(found, ["北中街110号"]);
        assert!(g.geocode("", None).is_none());
        assert!(
            g.geocode("北中街110号", Some([8.0, 49.0, 9.0, 50.0]))
                .is_none()
        );
    }

    #[test]
    fn labels_follow_the_street_s_script() {
        assert_eq!(address_label("北中街", "110号"), "北中街110号");
        assert_eq!(address_label("Main Street", " 5 "), "Main Street 5");
    }
}
