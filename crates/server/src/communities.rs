//! Communities: the list a caller may see, and a coordinator adding one with its boundary.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use vaxride_dispatch::model::Point;
use vaxride_dispatch::values::Role;
use vaxride_dispatch::values::check_text;
use vaxride_dispatch::{FieldError, Problem};
use vaxride_roadnet::Crs;

use crate::AppState;
use crate::api::NewId;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::problems;

/// `GET /api/communities`.
#[utoipa::path(
    get,
    path = "/api/communities",
    tag = "bookings",
    responses(
        (status = 200, description = "The communities the caller may see", body = [Object]),
    )
)]
pub(crate) async fn communities(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.store.communities(caller.0.scope()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommunityBody {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(value_type = crate::api::Point)]
    centre: Point,
    #[serde(default)]
    #[schema(value_type = crate::api::Crs)]
    crs: Crs,
    /// A GeoJSON Polygon (WGS-84, or `crs`), optional.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::Polygon>)]
    boundary: Option<serde_json::Value>,
}

/// Checks a GeoJSON Polygon: closed rings of at least four finite, in-range positions.
fn polygon(v: &serde_json::Value, crs: Crs, errors: &mut Vec<FieldError>) -> Option<String> {
    let bad = |errors: &mut Vec<FieldError>, m: Problem| {
        errors.push(FieldError::new("boundary", m));
        None
    };
    if v["type"] != "Polygon" {
        return bad(errors, problems::not_a_polygon());
    }
    let Some(rings) = v["coordinates"].as_array().filter(|r| !r.is_empty()) else {
        return bad(errors, problems::polygon_rings());
    };
    let mut out = Vec::with_capacity(rings.len());
    for ring in rings {
        let Some(pts) = ring
            .as_array()
            .filter(|p| p.len() >= 4 && p.len() <= 10_000)
        else {
            return bad(errors, problems::polygon_ring_size(4, 10_000));
        };
        let mut converted = Vec::with_capacity(pts.len());
        for p in pts {
            let (Some(lon), Some(lat)) = (p[0].as_f64(), p[1].as_f64()) else {
                return bad(errors, problems::polygon_position());
            };
            let mut e = Vec::new();
            Point { lon, lat }.validate("boundary", &mut e);
            if !e.is_empty() {
                return bad(errors, problems::polygon_range());
            }
            let (x, y) = crs.to_wgs84(lon, lat);
            converted.push(serde_json::json!([x, y]));
        }
        if converted.first() != converted.last() {
            return bad(errors, problems::polygon_open());
        }
        out.push(serde_json::Value::Array(converted));
    }
    Some(serde_json::json!({"type": "Polygon", "coordinates": out}).to_string())
}

/// `POST /api/communities`: a community of the coordinator's district.
#[utoipa::path(
    post,
    path = "/api/communities",
    tag = "bookings",
    request_body = CommunityBody,
    responses(
        (status = 201, description = "Created: `{id}`", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 409, description = "The district has a community of that name (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn create_community(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<CommunityBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let district = caller.0.district_id.ok_or_else(ApiError::forbidden)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    let name = b.name.trim();
    if let Err(problem) = check_text(name, true, 100) {
        errors.push(FieldError::new("name", problem));
    }
    b.centre.validate("centre", &mut errors);
    let boundary = b
        .boundary
        .as_ref()
        .and_then(|v| polygon(v, b.crs, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let (lon, lat) = b.crs.to_wgs84(b.centre.lon, b.centre.lat);
    let id = state
        .store
        .create_community(district, name, Point { lon, lat })
        .await?;
    if let Some(poly) = boundary {
        state.store.set_boundary(district, id, Some(&poly)).await?;
    }
    Ok(HttpResponse::Created().json(NewId { id }))
}
