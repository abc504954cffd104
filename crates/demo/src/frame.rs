//! A local flat projection: metres east and north of a point.

use rand::Rng;
use rand::rngs::StdRng;
use vaxride_dispatch::model::Point;

/// Metres per degree of latitude (spherical Earth).
pub(crate) const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// A local flat projection around an origin, metres east (`x`) and north (`y`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    origin: Point,
    m_per_deg_lon: f64,
}

impl Frame {
    pub(crate) fn new(origin: Point) -> Frame {
        Frame {
            origin,
            m_per_deg_lon: M_PER_DEG * origin.lat.to_radians().cos().max(1e-6),
        }
    }

    pub(crate) fn xy(&self, p: Point) -> [f64; 2] {
        [
            (p.lon - self.origin.lon) * self.m_per_deg_lon,
            (p.lat - self.origin.lat) * M_PER_DEG,
        ]
    }

    pub(crate) fn point(&self, xy: [f64; 2]) -> Point {
        Point {
            lon: self.origin.lon + xy[0] / self.m_per_deg_lon,
            lat: self.origin.lat + xy[1] / M_PER_DEG,
        }
    }
}

pub(crate) fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// `p` moved by at most `max_m` metres in a random direction.
pub(crate) fn nudge(p: Point, max_m: f64, rng: &mut StdRng) -> Point {
    let angle = rng.random_range(0.0..std::f64::consts::TAU);
    let r = rng.random_range(0.0..max_m);
    Frame::new(p).point([r * angle.cos(), r * angle.sin()])
}
