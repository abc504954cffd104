//! The anchors the office is placed among.

use rand::Rng;
use rand::rngs::StdRng;
use vaxride_dispatch::model::Point;

use crate::frame::{Frame, dist2};
use crate::roads::TOWN_CENTRE;

/// Half the side of the square of anchors the office is placed in, metres.
pub(crate) const AREA_HALF_M: f64 = 2_200.0;
/// With fewer anchors than this in the square, all anchors are used.
pub(crate) const MIN_AREA_ANCHORS: usize = 30;

/// The anchors the office is placed among, in metres around the busiest spot.
pub(crate) struct Area {
    pub(crate) points: Vec<Point>,
    xy: Vec<[f64; 2]>,
}

impl Area {
    /// The anchors within [`AREA_HALF_M`] (east-west and north-south) of the anchor nearest to
    /// the median of all anchors; all anchors when that leaves too few. Invalid anchors are
    /// ignored; without any, [`TOWN_CENTRE`] is the only anchor.
    pub(crate) fn new(anchors: &[Point]) -> Area {
        Area::around(anchors, AREA_HALF_M)
    }

    /// Like [`Area::new`], with a square of half side `half_m` metres.
    pub(crate) fn around(anchors: &[Point], half_m: f64) -> Area {
        let mut valid: Vec<Point> = anchors
            .iter()
            .copied()
            .filter(|p| {
                p.lon.is_finite()
                    && p.lat.is_finite()
                    && (-180.0..=180.0).contains(&p.lon)
                    && (-85.0..=85.0).contains(&p.lat)
            })
            .collect();
        if valid.is_empty() {
            valid.push(TOWN_CENTRE);
        }
        let median = |f: fn(&Point) -> f64| {
            let mut v: Vec<f64> = valid.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let rough = Frame::new(Point {
            lon: median(|p| p.lon),
            lat: median(|p| p.lat),
        });
        let hub = valid
            .iter()
            .map(|p| dist2(rough.xy(*p), [0.0, 0.0]))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(i, _)| i);
        let frame = Frame::new(valid[hub]);
        let near: Vec<Point> = valid
            .iter()
            .copied()
            .filter(|p| {
                let [x, y] = frame.xy(*p);
                x.abs() <= half_m && y.abs() <= half_m
            })
            .collect();
        let points = if near.len() >= MIN_AREA_ANCHORS {
            near
        } else {
            valid
        };
        let xy = points.iter().map(|p| frame.xy(*p)).collect();
        Area { points, xy }
    }

    /// The anchor nearest to a local position.
    pub(crate) fn nearest(&self, at: [f64; 2]) -> usize {
        self.xy
            .iter()
            .map(|p| dist2(*p, at))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(i, _)| i)
    }

    /// Index of the centre nearest to anchor `i` (the first on a tie).
    pub(crate) fn nearest_centre(&self, i: usize, centres: &[usize]) -> usize {
        centres
            .iter()
            .map(|&c| dist2(self.xy[i], self.xy[c]))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(k, _)| k)
    }

    /// `k` anchors spread over the area: farthest-point selection from a random start, then a
    /// few rounds of k-means with the centres kept on anchors.
    pub(crate) fn spread(&self, k: usize, rng: &mut StdRng) -> Vec<usize> {
        let mut centres = vec![rng.random_range(0..self.points.len())];
        let mut gap: Vec<f64> = self
            .xy
            .iter()
            .map(|p| dist2(*p, self.xy[centres[0]]))
            .collect();
        while centres.len() < k {
            let far = gap
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i);
            centres.push(far);
            for (g, p) in gap.iter_mut().zip(&self.xy) {
                *g = g.min(dist2(*p, self.xy[far]));
            }
        }
        for _ in 0..12 {
            let mut sums = vec![[0.0f64; 3]; k];
            for (i, p) in self.xy.iter().enumerate() {
                let c = self.nearest_centre(i, &centres);
                sums[c][0] += p[0];
                sums[c][1] += p[1];
                sums[c][2] += 1.0;
            }
            let moved: Vec<usize> = sums
                .iter()
                .zip(&centres)
                .map(|(s, &old)| {
                    if s[2] > 0.0 {
                        self.nearest([s[0] / s[2], s[1] / s[2]])
                    } else {
                        old
                    }
                })
                .collect();
            if moved == centres {
                break;
            }
            centres = moved;
        }
        centres
    }

    /// The anchors nearest to each centre, each list sorted by distance to its centre (never
    /// empty: a centre that wins no anchor keeps itself).
    pub(crate) fn clusters(&self, centres: &[usize]) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); centres.len()];
        for i in 0..self.points.len() {
            out[self.nearest_centre(i, centres)].push(i);
        }
        for (list, &c) in out.iter_mut().zip(centres) {
            if list.is_empty() {
                list.push(c);
            }
            let at = self.xy[c];
            list.sort_by(|a, b| {
                dist2(self.xy[*a], at)
                    .total_cmp(&dist2(self.xy[*b], at))
                    .then(a.cmp(b))
            });
        }
        out
    }
}
