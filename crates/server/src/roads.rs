//! The road network as GeoJSON, the base layer of the web interface's maps (no tile server is
//! needed): the routed roads around the caller's district, one MultiLineString per road class.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};
use vaxride_store::Scope;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// Margin around the district's communities and sites, degrees (about 2 km).
const MARGIN_DEG: f64 = 0.02;

/// Rounds a coordinate to 1e-5 degrees (about a metre): plenty for drawing, a third the bytes.
fn round(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

/// The district's bounding box `[min_lon, min_lat, max_lon, max_lat]` (its communities'
/// centres and its sites, with a margin), or `None` when it has neither.
pub(crate) async fn district_bbox(
    state: &AppState,
    district: i64,
) -> Result<Option<[f64; 4]>, ApiError> {
    let mut points: Vec<(f64, f64)> = state
        .store
        .communities(Scope::District(district))
        .await?
        .iter()
        .map(|c| (c.centre.lon, c.centre.lat))
        .collect();
    points.extend(
        state
            .store
            .sites(district)
            .await?
            .iter()
            .map(|s| (s.location.lon, s.location.lat)),
    );
    if points.is_empty() {
        return Ok(None);
    }
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for (lon, lat) in points {
        b = [b[0].min(lon), b[1].min(lat), b[2].max(lon), b[3].max(lat)];
    }
    Ok(Some([
        b[0] - MARGIN_DEG,
        b[1] - MARGIN_DEG,
        b[2] + MARGIN_DEG,
        b[3] + MARGIN_DEG,
    ]))
}

/// `GET /api/roads`: the routed road network around the caller's district.
#[utoipa::path(
    get,
    path = "/api/roads",
    tag = "planning",
    responses(
        (status = 200, description = "A GeoJSON FeatureCollection (WGS-84): one MultiLineString per road class (`properties.class`, e.g. `primary`, `residential`), the roads with a point inside `bbox` (the district's communities and sites with a 2 km margin; the whole network for an administrator). Empty when no road network is loaded. Road data © OpenStreetMap contributors (ODbL) when it comes from an extract.", body = Object),
    )
)]
pub(crate) async fn roads(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let bbox = match caller.0.district_id {
        Some(d) => district_bbox(&state, d).await?,
        None => None,
    };
    let Some(net) = state.network.clone() else {
        return Ok(HttpResponse::Ok().json(json!({
            "type": "FeatureCollection", "bbox": bbox, "features": [],
        })));
    };
    let body = web::block(move || collection(&net, bbox))
        .await
        .map_err(|_| ApiError::internal())?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, max-age=300"))
        .json(body))
}

fn collection(net: &vaxride_roadnet::RoadNetwork, bbox: Option<[f64; 4]>) -> Value {
    let g = net.graph();
    let inside = |p: &[f64; 2]| {
        bbox.is_none_or(|b| p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3])
    };
    let mut by_class: BTreeMap<&'static str, Vec<Value>> = BTreeMap::new();
    let mut seen = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for (i, e) in g.edges().iter().enumerate() {
        let geom = g.geometry(i as u32);
        if !geom.iter().any(inside) {
            continue;
        }
        let line: Vec<[f64; 2]> = geom
            .iter()
            .map(|p| {
                seen = [
                    seen[0].min(p[0]),
                    seen[1].min(p[1]),
                    seen[2].max(p[0]),
                    seen[3].max(p[1]),
                ];
                [round(p[0]), round(p[1])]
            })
            .collect();
        by_class
            .entry(e.class.as_str())
            .or_default()
            .push(json!(line));
    }
    let features: Vec<Value> = by_class
        .into_iter()
        .map(|(class, lines)| {
            json!({
                "type": "Feature",
                "properties": {"class": class},
                "geometry": {"type": "MultiLineString", "coordinates": lines},
            })
        })
        .collect();
    let bbox = if features.is_empty() {
        bbox.map(|b| b.to_vec())
    } else {
        Some(seen.iter().map(|&x| round(x)).collect())
    };
    json!({"type": "FeatureCollection", "bbox": bbox, "features": features})
}
