//! Places: WGS-84 coordinates.

use serde::{Deserialize, Serialize};

use std::str::FromStr;

use vaxride_roadnet::Crs;

use crate::error::{FieldError, Fields, Problem};
use crate::problems;

/// A longitude or a latitude as typed (a ledger cell, a query parameter): a finite number
/// (`not_a_number`); its range is [`Point::parse`]'s.
pub fn parse_coordinate(s: &str) -> Result<f64, Problem> {
    let s = s.trim();
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(problems::not_a_number(shown(s))),
    }
}

/// A coordinate system by its code (`wgs84`, `gcj02`, `bd09`) or the map app a pair was copied
/// from (高德, 腾讯, 百度, GPS …) (`csv_bad_crs`).
pub fn parse_crs(s: &str) -> Result<Crs, Problem> {
    if let Ok(crs) = Crs::from_str(s.trim()) {
        return Ok(crs);
    }
    match s.trim().to_lowercase().as_str() {
        "gps" | "天地图" | "osm" => Ok(Crs::Wgs84),
        "高德" | "高德地图" | "amap" | "gaode" | "腾讯" | "腾讯地图" | "tencent" | "火星"
        | "国测局" => Ok(Crs::Gcj02),
        "百度" | "百度地图" | "baidu" => Ok(Crs::Bd09),
        _ => Err(problems::csv_bad_crs(shown(s))),
    }
}

/// Text quoted back in a message: at most 40 characters.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// A number quoted back in a message: short even when huge (`1e308`, not 309 digits).
fn number(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e7 {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

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
            errors.lon = Some(problems::not_a_longitude(number(lon)));
        }
        if !is_lat(lat) {
            errors.lat = Some(if is_lat(lon) && is_lon(lat) {
                problems::lon_lat_swapped(number(lat))
            } else {
                problems::not_a_latitude(number(lat))
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
                    let name = if field.is_empty() {
                        axis.to_string()
                    } else {
                        format!("{field}.{axis}")
                    };
                    errors.push(FieldError::new(name, problem));
                }
            }
        }
    }
}
