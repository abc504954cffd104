//! Places: WGS-84 coordinates.

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Fields, Problem};
use crate::problems;

/// A WGS-84 position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

/// What is wrong with a coordinate pair, per axis.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PointErrors {
    /// The longitude's problem.
    pub lon: Option<Problem>,
    /// The latitude's problem.
    pub lat: Option<Problem>,
}

impl Point {
    /// Checks a longitude and a latitude: finite, in `[-180, 180]` and `[-90, 90]`
    /// (`not_a_longitude`, `not_a_latitude`, or `lon_lat_swapped` when the pair would fit the
    /// other way round).
    pub fn parse(lon: f64, lat: f64) -> Result<Point, Box<PointErrors>> {
        let is_lon = |x: f64| x.is_finite() && (-180.0..=180.0).contains(&x);
        let is_lat = |x: f64| x.is_finite() && (-90.0..=90.0).contains(&x);
        let mut errors = PointErrors::default();
        if !is_lon(lon) {
            errors.lon = Some(problems::not_a_longitude(lon));
        }
        if !is_lat(lat) {
            errors.lat = Some(if is_lat(lon) && is_lon(lat) {
                problems::lon_lat_swapped(lat)
            } else {
                problems::not_a_latitude(lat)
            });
        }
        if errors == PointErrors::default() {
            Ok(Point { lon, lat })
        } else {
            Err(Box::new(errors))
        }
    }

    /// Checks this point with [`Point::parse`]; `field` names the point in errors
    /// (`field.lon`, `field.lat`).
    pub fn validate(&self, field: &str, errors: &mut Fields) {
        if let Err(e) = Point::parse(self.lon, self.lat) {
            for (axis, problem) in [("lon", e.lon), ("lat", e.lat)] {
                if let Some(problem) = problem {
                    errors.push(FieldError::new(format!("{field}.{axis}"), problem));
                }
            }
        }
    }
}
