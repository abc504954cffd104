//! Snapping points to the nearest road *segment* with an R-tree.
//!
//! Segments are indexed in a local equirectangular projection (metres around the centre of the
//! network), which is exact enough at city scale; the reported snap distance is the haversine
//! distance between the input and the projected point.

use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};
use serde::{Deserialize, Serialize};

use crate::graph::{RoadGraph, Weight, pack};

/// Default largest distance between a point and the road it is snapped to, in metres.
pub const DEFAULT_MAX_SNAP_M: f64 = 1000.0;

/// Metres per degree of latitude on the sphere used for the local projection.
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// A point placed on a road edge.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Snapped {
    /// The road edge.
    pub edge: u32,
    /// Segment of the edge's geometry (between points `seg` and `seg + 1`).
    pub seg: u32,
    /// Fraction along the segment, `0.0..=1.0`.
    pub t: f64,
    /// Longitude of the point on the road.
    pub lon: f64,
    /// Latitude of the point on the road.
    pub lat: f64,
    /// Distance from the input point to the road, metres.
    pub snap_m: f64,
    /// Driving time from the edge's start to the point, ms.
    pub pos_ms: u32,
    /// Driving distance from the edge's start to the point, cm.
    pub pos_cm: u32,
}

impl Snapped {
    /// Position along the edge's geometry, comparable between points on the same edge.
    pub fn along(&self) -> f64 {
        self.seg as f64 + self.t
    }

    /// Packed cost from the edge's start to the point.
    pub fn pos(&self) -> Weight {
        pack(self.pos_ms, self.pos_cm)
    }
}

/// Why a point could not be snapped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapError {
    /// Not a finite WGS-84 coordinate in range.
    #[error(
        "not a valid coordinate: lon {lon}, lat {lat} (both must be finite, lon in -180..=180, lat in -90..=90)"
    )]
    InvalidCoordinate {
        /// The longitude given.
        lon: f64,
        /// The latitude given.
        lat: f64,
    },
    /// The nearest road is farther than the limit.
    #[error("the nearest road is {distance_m:.0} m away, farther than the limit of {limit_m:.0} m")]
    TooFar {
        /// Distance to the nearest road, metres.
        distance_m: f64,
        /// The limit, metres.
        limit_m: f64,
    },
    /// The network has no roads.
    #[error("the road network has no roads")]
    EmptyNetwork,
}

type SegmentItem = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// R-tree over every segment of every road edge.
#[derive(Debug, Clone)]
pub struct SnapIndex {
    tree: RTree<SegmentItem>,
    proj: LocalProjection,
}

/// Equirectangular projection to metres around a reference point.
#[derive(Debug, Clone, Copy)]
struct LocalProjection {
    lon0: f64,
    lat0: f64,
    kx: f64,
}

impl LocalProjection {
    fn xy(&self, p: [f64; 2]) -> [f64; 2] {
        [(p[0] - self.lon0) * self.kx, (p[1] - self.lat0) * M_PER_DEG]
    }
}

/// Checks that a point is a finite WGS-84 coordinate.
pub fn check_coordinate(lon: f64, lat: f64) -> Result<(), SnapError> {
    if lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
    {
        Ok(())
    } else {
        Err(SnapError::InvalidCoordinate { lon, lat })
    }
}

/// Haversine distance in metres.
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1]))
}

impl SnapIndex {
    /// Indexes every segment of the graph.
    pub fn new(graph: &RoadGraph) -> SnapIndex {
        let report_bbox = bbox_of(graph);
        let lat0 = (report_bbox[1] + report_bbox[3]) / 2.0;
        let proj = LocalProjection {
            lon0: (report_bbox[0] + report_bbox[2]) / 2.0,
            lat0,
            kx: M_PER_DEG * lat0.to_radians().cos(),
        };
        let mut items = Vec::new();
        for edge in 0..graph.edges().len() as u32 {
            let geom = graph.geometry(edge);
            for (seg, w) in geom.windows(2).enumerate() {
                items.push(GeomWithData::new(
                    Line::new(proj.xy(w[0]), proj.xy(w[1])),
                    (edge, seg as u32),
                ));
            }
        }
        SnapIndex {
            tree: RTree::bulk_load(items),
            proj,
        }
    }

    /// Snaps a WGS-84 point to the nearest road segment no farther than `max_m` metres.
    pub fn snap(
        &self,
        graph: &RoadGraph,
        lon: f64,
        lat: f64,
        max_m: f64,
    ) -> Result<Snapped, SnapError> {
        check_coordinate(lon, lat)?;
        let q = self.proj.xy([lon, lat]);
        let item = self
            .tree
            .nearest_neighbor(&q)
            .ok_or(SnapError::EmptyNetwork)?;
        let (edge, seg) = item.data;
        let snapped = place(
            graph,
            edge,
            seg,
            segment_fraction(&item.geom().from, &item.geom().to, &q),
            [lon, lat],
        );
        if snapped.snap_m > max_m {
            return Err(SnapError::TooFar {
                distance_m: snapped.snap_m,
                limit_m: max_m,
            });
        }
        Ok(snapped)
    }

    /// Snaps a WGS-84 point to the nearest segment of an edge `keep` accepts, no farther than
    /// `max_m` metres (segments are visited nearest first, so the first kept is the nearest).
    pub fn snap_where(
        &self,
        graph: &RoadGraph,
        lon: f64,
        lat: f64,
        max_m: f64,
        keep: impl Fn(u32) -> bool,
    ) -> Result<Snapped, SnapError> {
        check_coordinate(lon, lat)?;
        let q = self.proj.xy([lon, lat]);
        let mut nearest = None;
        for item in self.tree.nearest_neighbor_iter(&q) {
            let (edge, seg) = item.data;
            let at = segment_fraction(&item.geom().from, &item.geom().to, &q);
            let snapped = place(graph, edge, seg, at, [lon, lat]);
            if snapped.snap_m > max_m {
                return Err(SnapError::TooFar {
                    distance_m: nearest.map_or(snapped.snap_m, |d: f64| d.min(snapped.snap_m)),
                    limit_m: max_m,
                });
            }
            if keep(edge) {
                return Ok(snapped);
            }
            nearest.get_or_insert(snapped.snap_m);
        }
        Err(SnapError::EmptyNetwork)
    }

    /// Squared projected distance from a point to a segment of the graph; for tests.
    pub fn projected_distance2(
        &self,
        graph: &RoadGraph,
        lon: f64,
        lat: f64,
        edge: u32,
        seg: u32,
    ) -> f64 {
        let g = graph.geometry(edge);
        let (a, b) = (
            self.proj.xy(g[seg as usize]),
            self.proj.xy(g[seg as usize + 1]),
        );
        let q = self.proj.xy([lon, lat]);
        let t = segment_fraction(&a, &b, &q);
        let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)
    }
}

fn bbox_of(graph: &RoadGraph) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for i in 0..graph.node_count() as u32 {
        let p = graph.node(i);
        b = [
            b[0].min(p[0]),
            b[1].min(p[1]),
            b[2].max(p[0]),
            b[3].max(p[1]),
        ];
    }
    if graph.node_count() == 0 { [0.0; 4] } else { b }
}

/// Fraction of the way along `a → b` of the point of the segment nearest to `q`.
fn segment_fraction(a: &[f64; 2], b: &[f64; 2], q: &[f64; 2]) -> f64 {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    if len2 == 0.0 {
        return 0.0;
    }
    (((q[0] - a[0]) * d[0] + (q[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
}

/// Places a point at fraction `t` of segment `seg` of `edge`.
pub(crate) fn place(graph: &RoadGraph, edge: u32, seg: u32, t: f64, input: [f64; 2]) -> Snapped {
    let g = graph.geometry(edge);
    let (cum_ms, cum_cm) = graph.cumulative(edge);
    let (a, b) = (g[seg as usize], g[seg as usize + 1]);
    let s = seg as usize;
    let lon = a[0] + t * (b[0] - a[0]);
    let lat = a[1] + t * (b[1] - a[1]);
    let frac = |cum: &[u32]| cum[s] + (t * f64::from(cum[s + 1] - cum[s])).round() as u32;
    Snapped {
        edge,
        seg,
        t,
        lon,
        lat,
        snap_m: haversine_m(input, [lon, lat]),
        pos_ms: frac(cum_ms),
        pos_cm: frac(cum_cm),
    }
}
