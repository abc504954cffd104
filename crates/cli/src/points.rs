//! Reading points: a GeoJSON FeatureCollection of Points, or a plain array of `[lon, lat]`.

use anyhow::{Context, bail};
use serde_json::Value;

/// `[lon, lat]` pairs from JSON text; errors name the offending point.
pub fn parse_points(text: &str) -> anyhow::Result<Vec<[f64; 2]>> {
    let v: Value = serde_json::from_str(text).context("points file is not valid JSON")?;
    match &v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, p)| pair(p).with_context(|| format!("point {i}: expected [lon, lat]")))
            .collect(),
        Value::Object(o) if o.get("type").and_then(Value::as_str) == Some("FeatureCollection") => {
            let features = o
                .get("features")
                .and_then(Value::as_array)
                .context("FeatureCollection without a `features` array")?;
            features
                .iter()
                .map(|f| {
                    let g = f.get("geometry").context("feature without `geometry`")?;
                    if g.get("type").and_then(Value::as_str) != Some("Point") {
                        bail!("geometry is not a Point");
                    }
                    pair(
                        g.get("coordinates")
                            .context("Point without `coordinates`")?,
                    )
                })
                .enumerate()
                .map(|(i, r)| r.with_context(|| format!("feature {i}")))
                .collect()
        }
        _ => {
            bail!("points must be a GeoJSON FeatureCollection of Points or an array of [lon, lat]")
        }
    }
}

fn pair(v: &Value) -> anyhow::Result<[f64; 2]> {
    let a = v.as_array().context("not an array")?;
    if a.len() < 2 {
        bail!("needs two numbers, got {}", a.len());
    }
    let lon = a[0].as_f64().context("longitude is not a number")?;
    let lat = a[1].as_f64().context("latitude is not a number")?;
    Ok([lon, lat])
}

/// Parses `LON,LAT`.
pub fn parse_lon_lat(s: &str) -> Result<[f64; 2], String> {
    let (lon, lat) = s
        .split_once(',')
        .ok_or_else(|| format!("expected LON,LAT, got {s:?}"))?;
    let lon: f64 = lon
        .trim()
        .parse()
        .map_err(|_| format!("longitude {lon:?} is not a number"))?;
    let lat: f64 = lat
        .trim()
        .parse()
        .map_err(|_| format!("latitude {lat:?} is not a number"))?;
    Ok([lon, lat])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_array_and_a_feature_collection_give_the_same_points() {
        let a = parse_points("[[8.1, 49.2], [8.3, 49.4]]").unwrap();
        let fc = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[8.1,49.2]},"properties":{}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[8.3,49.4]},"properties":{}}]}"#;
        assert_eq!(a, parse_points(fc).unwrap());
    }

    #[test]
    fn a_bad_point_is_named_by_its_index() {
        let err = parse_points(r#"[[8.1, 49.2], ["x", 49.4]]"#).unwrap_err();
        assert!(format!("{err:#}").contains("point 1"), "{err:#}");
    }

    #[test]
    fn lon_lat_arguments_are_checked() {
        assert_eq!(parse_lon_lat("8.5, 49.1").unwrap(), [8.5, 49.1]);
        assert!(parse_lon_lat("8.5").is_err());
        assert!(parse_lon_lat("a,1").unwrap_err().contains("longitude"));
    }
}
