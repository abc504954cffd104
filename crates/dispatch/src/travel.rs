//! Travel times and lines between a plan's points: on the road network, or by straight line
//! where there is none. The planning pipeline asks a [`TravelTimes`] and never knows which.

use vaxride_roadnet::{DEFAULT_MAX_SNAP_M, RoadNetwork};

use crate::model::Point;

/// Speed of the straight-line fallback, km/h (with a detour factor of 1.3).
pub const STRAIGHT_LINE_KMH: f64 = 25.0;

/// Where travel times and lines come from.
pub trait TravelTimes: Sync {
    /// Seconds from `points[i]` to `points[j]` (`None`: unreachable).
    fn durations(&self, points: &[Point]) -> Vec<Vec<Option<i64>>>;

    /// The line through `points` in order (`[lon, lat]`), and whether every leg followed the
    /// roads.
    fn line(&self, points: &[Point]) -> (Vec<[f64; 2]>, bool);

    /// For each of `from`, the indexes of `to` within `limit_m` metres' walk: along the roads
    /// both ways (from each point's road, the walk to the road included), or by straight line
    /// with the detour factor where there are no roads.
    fn walkable(&self, from: &[Point], to: &[Point], limit_m: f64) -> Vec<Vec<u32>>;

    /// The point on the road nearest `p`, where a vehicle can stop (`p` itself without roads,
    /// or farther than the snap limit from them).
    fn road_point(&self, p: Point) -> Point;
}

/// Straight-line detour factor: a walk or a drive is this much longer than the crow flies.
pub const DETOUR: f64 = 1.3;

/// Checks an elder's home: not the `(0, 0)` of a form left blank (`home_missing`), and, with a
/// road network, within [`DEFAULT_MAX_SNAP_M`] of its roads, the limit planning reaches a point
/// by road (`home_off_roads`, saying how far it is).
pub fn check_home(net: Option<&RoadNetwork>, home: Point) -> Result<(), crate::Problem> {
    if home.lon == 0.0 && home.lat == 0.0 {
        return Err(crate::problems::home_missing());
    }
    match net.map(|n| n.snap(home.lon, home.lat, DEFAULT_MAX_SNAP_M)) {
        Some(Err(vaxride_roadnet::SnapError::TooFar {
            distance_m,
            limit_m,
        })) => Err(crate::problems::home_off_roads(
            distance_m.round() as i64,
            limit_m.round() as i64,
        )),
        _ => Ok(()),
    }
}

/// Straight lines at [`STRAIGHT_LINE_KMH`]: for when no road network is loaded, and for tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct StraightLines;

impl TravelTimes for StraightLines {
    fn durations(&self, points: &[Point]) -> Vec<Vec<Option<i64>>> {
        straight_line_matrix(points, STRAIGHT_LINE_KMH)
    }

    fn line(&self, points: &[Point]) -> (Vec<[f64; 2]>, bool) {
        let line = points
            .windows(2)
            .flat_map(|w| [[w[0].lon, w[0].lat], [w[1].lon, w[1].lat]])
            .collect();
        (line, points.len() < 2)
    }

    fn walkable(&self, from: &[Point], to: &[Point], limit_m: f64) -> Vec<Vec<u32>> {
        from.iter()
            .map(|a| {
                (0..to.len() as u32)
                    .filter(|&j| DETOUR * haversine_m(*a, to[j as usize]) <= limit_m)
                    .collect()
            })
            .collect()
    }

    fn road_point(&self, p: Point) -> Point {
        p
    }
}

/// The road network: exact fastest-road times between snapped points; a point farther than
/// the snap limit from the roads is reached by straight line.
#[derive(Clone, Copy)]
pub struct Roads<'a>(pub &'a RoadNetwork);

impl TravelTimes for Roads<'_> {
    fn durations(&self, points: &[Point]) -> Vec<Vec<Option<i64>>> {
        let net = self.0;
        let snapped: Vec<_> = points
            .iter()
            .map(|p| net.snap(p.lon, p.lat, DEFAULT_MAX_SNAP_M).ok())
            .collect();
        let on: Vec<usize> = (0..points.len())
            .filter(|&i| snapped[i].is_some())
            .collect();
        let at: Vec<_> = on.iter().filter_map(|&i| snapped[i]).collect();
        let m = net.matrix(&at, &at);
        let mut out = straight_line_matrix(points, STRAIGHT_LINE_KMH);
        for (a, &i) in on.iter().enumerate() {
            for (b, &j) in on.iter().enumerate() {
                out[i][j] = m.duration_s(a, b).map(|s| s.round() as i64);
            }
        }
        out
    }

    fn line(&self, points: &[Point]) -> (Vec<[f64; 2]>, bool) {
        let net = self.0;
        let mut line: Vec<[f64; 2]> = Vec::new();
        let mut on_roads = true;
        for w in points.windows(2) {
            let a = net.snap(w[0].lon, w[0].lat, DEFAULT_MAX_SNAP_M).ok();
            let b = net.snap(w[1].lon, w[1].lat, DEFAULT_MAX_SNAP_M).ok();
            match a.zip(b).and_then(|(a, b)| net.route(&a, &b)) {
                Some(route) => line.extend(route.coords.iter().copied()),
                None => {
                    on_roads = false;
                    line.extend([[w[0].lon, w[0].lat], [w[1].lon, w[1].lat]]);
                }
            }
        }
        (line, on_roads)
    }

    fn walkable(&self, from: &[Point], to: &[Point], limit_m: f64) -> Vec<Vec<u32>> {
        let net = self.0;
        let walks = vaxride_roadnet::walk::Walks::new(net.graph());
        // Walking starts and ends on a road that may be walked along, not on the trunk road
        // that happens to pass nearest.
        let snap = |p: &Point| net.snap_walkable(p.lon, p.lat, DEFAULT_MAX_SNAP_M).ok();
        let targets: Vec<_> = to.iter().map(snap).collect();
        let on: Vec<u32> = (0..to.len() as u32)
            .filter(|&j| targets[j as usize].is_some())
            .collect();
        let at: Vec<_> = on.iter().filter_map(|&j| targets[j as usize]).collect();
        from.iter()
            .map(|a| {
                let Some(start) = snap(a) else {
                    return Vec::new();
                };
                walks
                    .within(&start, &at, limit_m)
                    .iter()
                    .zip(&at)
                    .zip(&on)
                    .filter(|((d, t), _)| d.is_some_and(|d| d + t.snap_m + start.snap_m <= limit_m))
                    .map(|(_, &j)| j)
                    .collect()
            })
            .collect()
    }

    fn road_point(&self, p: Point) -> Point {
        match self.0.snap(p.lon, p.lat, DEFAULT_MAX_SNAP_M) {
            Ok(s) => Point {
                lon: s.lon,
                lat: s.lat,
            },
            Err(_) => p,
        }
    }
}

/// Travel times by straight line at `kmh` with a detour factor of 1.3.
pub fn straight_line_matrix(points: &[Point], kmh: f64) -> Vec<Vec<Option<i64>>> {
    let metres_per_s = kmh / 3.6;
    points
        .iter()
        .map(|a| {
            points
                .iter()
                .map(|b| Some((DETOUR * haversine_m(*a, *b) / metres_per_s).round() as i64))
                .collect()
        })
        .collect()
}

/// Great-circle distance in metres.
pub fn haversine_m(a: Point, b: Point) -> f64 {
    let r = 6_371_008.8;
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}
