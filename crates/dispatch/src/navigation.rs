//! Links that open a stop in a navigation app, each in the coordinate system its app expects:
//! AMap (高德, GCJ-02), Baidu (百度, BD-09), Apple Maps (WGS-84; Apple converts inside China
//! itself) and the generic `geo:` URI (WGS-84). A `geo:` link alone opens nothing on an
//! iPhone or inside WeChat, and a WGS-84 point laid on AMap or Baidu lands hundreds of metres
//! off; so the driver's page offers all four and the driver picks one.
//!
//! The URL forms are the providers' documented web ones (no key needed):
//! - AMap URI API, route planning: `https://uri.amap.com/navigation?to=lon,lat[,name]&mode=car`
//!   with `coordinate=gaode` (GCJ-02, AMap's default), `callnative=1` (try the app first) and
//!   `src`.
//! - Baidu URI API (web), route planning: `https://api.map.baidu.com/direction?origin=…&
//!   destination=latlng:lat,lng[|name:…]&mode=driving&coord_type=bd09ll&output=html&src=
//!   webapp.<company>.<app>`. The origin is the trip's previous stop where there is one;
//!   without it Baidu starts from where the phone is.
//! - Apple Map Links: `https://maps.apple.com/?daddr=lat,lon&dirflg=d` (driving directions
//!   from the current position).
//!
//! Only a site's name travels to the map provider: an elder's home is given by its
//! coordinates alone, never by name or address. Coordinates have 6 decimals (about 0.1 m).

use serde::{Deserialize, Serialize};
use vaxride_roadnet::crs::{wgs84_to_bd09, wgs84_to_gcj02};

use crate::values::Point;

/// Who is asking, for the providers' statistics (`src`).
const SOURCE: &str = "vaxride";
/// Baidu's `src`: `webapp.<company>.<app>`.
const BAIDU_SOURCE: &str = "webapp.vaxride.driver";

/// One stop's navigation links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavLinks {
    /// AMap (高德) route planning to the stop, GCJ-02.
    pub amap: String,
    /// Baidu (百度) route planning to the stop, BD-09.
    pub baidu: String,
    /// Apple Maps driving directions to the stop, WGS-84.
    pub apple: String,
    /// `geo:lat,lon?q=lat,lon` (Android's map apps), WGS-84.
    pub geo: String,
}

impl NavLinks {
    /// The links to `to`, a WGS-84 point, named `name` where that may be shown to a map
    /// provider (a site's name; `None` for a home), coming from `from` (the trip's previous
    /// stop, where there is one).
    #[must_use]
    pub fn to(to: Point, name: Option<&str>, from: Option<Point>) -> NavLinks {
        let name = name.map(label).filter(|n| !n.is_empty());
        let (g_lon, g_lat) = wgs84_to_gcj02(to.lon, to.lat);
        let amap_name = name.as_ref().map_or(String::new(), |n| format!(",{n}"));
        let amap = format!(
            "https://uri.amap.com/navigation?to={g_lon:.6},{g_lat:.6}{amap_name}&mode=car&coordinate=gaode&callnative=1&src={SOURCE}"
        );
        let (b_lon, b_lat) = wgs84_to_bd09(to.lon, to.lat);
        let baidu_name = name
            .as_ref()
            .map_or(String::new(), |n| format!("|name:{n}"));
        let origin = from.map_or(String::new(), |p| {
            let (lon, lat) = wgs84_to_bd09(p.lon, p.lat);
            format!("origin=latlng:{lat:.6},{lon:.6}&")
        });
        let baidu = format!(
            "https://api.map.baidu.com/direction?{origin}destination=latlng:{b_lat:.6},{b_lon:.6}{baidu_name}&mode=driving&coord_type=bd09ll&output=html&src={BAIDU_SOURCE}"
        );
        let apple = format!(
            "https://maps.apple.com/?daddr={:.6},{:.6}&dirflg=d",
            to.lat, to.lon
        );
        let geo = format!(
            "geo:{lat:.6},{lon:.6}?q={lat:.6},{lon:.6}",
            lat = to.lat,
            lon = to.lon
        );
        NavLinks {
            amap,
            baidu,
            apple,
            geo,
        }
    }
}

/// A name as one query value: the characters the providers use as separators (`,` `|` `:`)
/// dropped, everything but unreserved ASCII percent-encoded (UTF-8).
fn label(name: &str) -> String {
    let mut out = String::new();
    for c in name
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '|' | ':'))
    {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // A published three-way pair (wandergis/coordtransform, also in roadnet's crs tests):
    // WGS-84 (121.0917077, 30.6107779) = GCJ-02 (121.09626935575027, 30.608604331756705)
    // = BD-09 (121.10271732371203, 30.61484572185035).
    const WGS: Point = Point {
        lon: 121.0917077,
        lat: 30.6107779,
    };

    #[test]
    fn each_app_gets_the_point_in_its_own_system() {
        let l = NavLinks::to(WGS, None, None);
        assert_eq!(
            l.amap,
            "https://uri.amap.com/navigation?to=121.096269,30.608604&mode=car&coordinate=gaode&callnative=1&src=vaxride"
        );
        assert_eq!(
            l.baidu,
            "https://api.map.baidu.com/direction?destination=latlng:30.614846,121.102717&mode=driving&coord_type=bd09ll&output=html&src=webapp.vaxride.driver"
        );
        assert_eq!(
            l.apple,
            "https://maps.apple.com/?daddr=30.610778,121.091708&dirflg=d"
        );
        assert_eq!(l.geo, "geo:30.610778,121.091708?q=30.610778,121.091708");
    }

    #[test]
    fn a_site_s_name_is_encoded_and_the_previous_stop_is_baidu_s_origin() {
        let from = Point {
            lon: 121.0917077,
            lat: 30.6107779,
        };
        let l = NavLinks::to(WGS, Some(" 社区卫生 A|B,C:D "), Some(from));
        let name = "%E7%A4%BE%E5%8C%BA%E5%8D%AB%E7%94%9F%20ABCD";
        assert!(
            l.amap.contains(&format!("to=121.096269,30.608604,{name}&")),
            "{}",
            l.amap
        );
        assert!(
            l.baidu.starts_with(
                "https://api.map.baidu.com/direction?origin=latlng:30.614846,121.102717&destination="
            ),
            "{}",
            l.baidu
        );
        assert!(l.baidu.contains(&format!("|name:{name}&")), "{}", l.baidu);
        assert!(!l.apple.contains("%"), "Apple gets coordinates only");
    }

    #[test]
    fn outside_china_every_app_gets_wgs84() {
        let l = NavLinks::to(
            Point {
                lon: 8.6821,
                lat: 50.1109,
            },
            None,
            None,
        );
        assert!(l.amap.contains("to=8.682100,50.110900&"), "{}", l.amap);
        assert!(
            l.baidu.contains("latlng:50.110900,8.682100&"),
            "{}",
            l.baidu
        );
    }
}
