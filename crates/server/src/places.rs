//! Finding a home without typing coordinates: the address search over the loaded road
//! network's streets, house numbers and named places (`GET /api/places`), and what is at a
//! point tapped on the map or pasted from a Chinese map app (`GET /api/places/at`): the point on
//! the nearest road, the street's name and the nearest house number.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use vaxride_dispatch::FieldError;
use vaxride_dispatch::model::Point;
use vaxride_dispatch::values::{check_text, parse_coordinate, parse_crs};
use vaxride_roadnet::{Crs, DEFAULT_MAX_SNAP_M, PlaceKind};

use crate::AppState;
use crate::auth::Caller;
use crate::bookings::BOOKERS;
use crate::error::ApiError;
use crate::problems;
use crate::roads::district_bbox;

/// Most results one search returns.
const MAX_LIMIT: i64 = 20;
/// Results when the query does not say.
const DEFAULT_LIMIT: i64 = 8;
/// Longest query, characters.
const MAX_QUERY: usize = 100;
/// Farthest a house may be from a point to be named as its address, metres.
const HOUSE_NEAR_M: f64 = 40.0;
/// Farthest a street may be from a point to be named as its street, metres.
const STREET_NEAR_M: f64 = 100.0;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Search {
    /// What the secretary typed: part of a street name, a house number, a place's name.
    #[param(min_length = 1, max_length = 100)]
    q: String,
    /// Most results (1–20, default 8).
    #[param(minimum = 1, maximum = 20, value_type = Option<i64>)]
    limit: Option<String>,
}

/// One place found.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Found {
    /// `street`, `address` or `place`.
    #[schema(value_type = String)]
    kind: PlaceKind,
    /// What people call it: `北中街110号`, `Hauptstraße 12`.
    label: String,
    /// WGS-84 longitude.
    lon: f64,
    /// WGS-84 latitude.
    lat: f64,
}

/// `GET /api/places?q=&limit=`.
#[utoipa::path(
    get,
    path = "/api/places",
    tag = "bookings",
    params(Search),
    responses(
        (status = 200, description = "Streets, house numbers and named places of the loaded road network matching `q` (partial input, characters of each word in order), best first, within the caller's district and 2 km around it; empty without a road network. Data © OpenStreetMap contributors (ODbL) when it comes from an extract.", body = [Found]),
    )
)]
pub(crate) async fn search(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<Search>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let query = q.q.trim();
    check_text(query, true, MAX_QUERY).map_err(|p| ApiError::field("q", p))?;
    let limit = match q.limit.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(s) => match s.parse::<i64>() {
            Ok(n @ 1..=MAX_LIMIT) => n,
            Ok(_) => return Err(ApiError::field("limit", problems::range(1, MAX_LIMIT))),
            Err(_) => {
                let shown: String = s.chars().take(20).collect();
                return Err(ApiError::field(
                    "limit",
                    problems::not_a_whole_number(shown, 1, MAX_LIMIT),
                ));
            }
        },
    };
    let bbox = match caller.0.district_id {
        Some(d) => district_bbox(&state, d).await?,
        None => None,
    };
    let Some(net) = state.network.clone() else {
        return Ok(HttpResponse::Ok().json(Vec::<Found>::new()));
    };
    let query = query.to_string();
    let found = web::block(move || {
        net.places()
            .find(&query, limit as usize, bbox)
            .into_iter()
            .map(|p| Found {
                kind: p.kind,
                label: p.label.clone(),
                lon: p.lon,
                lat: p.lat,
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|_| ApiError::internal())?;
    Ok(HttpResponse::Ok().json(found))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct At {
    /// Longitude in `crs`.
    #[param(minimum = -180, maximum = 180, value_type = f64, required = true)]
    lon: Option<String>,
    /// Latitude in `crs`.
    #[param(minimum = -90, maximum = 90, value_type = f64, required = true)]
    lat: Option<String>,
    /// The coordinate system of `lon`/`lat`: `wgs84` (default; GPS, OpenStreetMap), `gcj02`
    /// (AMap, Tencent) or `bd09` (Baidu).
    #[param(value_type = Option<crate::api::Crs>)]
    crs: Option<String>,
}

/// What is at a point.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Here {
    /// The point asked about, in WGS-84.
    #[schema(value_type = crate::api::Point)]
    point: Point,
    /// The nearest point on a road a car can reach: where a home placed here is picked up.
    #[schema(value_type = crate::api::Point)]
    road: Point,
    /// From the point to that road, metres.
    distance_m: f64,
    /// The nearest named street (within 100 m), if any.
    street: Option<String>,
    /// The nearest house number or named house (within 40 m), if any.
    address: Option<String>,
}

/// `GET /api/places/at?lon=&lat=&crs=`.
#[utoipa::path(
    get,
    path = "/api/places/at",
    tag = "bookings",
    params(At),
    responses(
        (status = 200, description = "The point in WGS-84, the nearest road point, and the street and house number there. Without a road network `road` is the point itself and no street is named. Refused (400, field `home`) with `home_missing` for (0, 0) and `home_off_roads` when the point is farther from the roads than a car can be routed to.", body = Here),
    )
)]
pub(crate) async fn at(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<At>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    // Each parameter by the one parser of its value, each problem under its own name.
    let mut errors = Vec::new();
    let mut number = |name: &str, v: &Option<String>| match v.as_deref().map(str::trim) {
        None | Some("") => {
            errors.push(FieldError::new(name, problems::home_missing()));
            None
        }
        Some(s) => parse_coordinate(s)
            .map_err(|p| errors.push(FieldError::new(name, p)))
            .ok(),
    };
    let (lon, lat) = (number("lon", &q.lon), number("lat", &q.lat));
    let crs = match q.crs.as_deref().map(str::trim) {
        None | Some("") => Ok(Crs::default()),
        Some(s) => parse_crs(s),
    }
    .map_err(|p| errors.push(FieldError::new("crs", p)))
    .ok();
    if let (Some(lon), Some(lat)) = (lon, lat) {
        Point { lon, lat }.validate("", &mut errors);
    }
    let (Some(lon), Some(lat), Some(crs), true) = (lon, lat, crs, errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    let (lon, lat) = crs.to_wgs84(lon, lat);
    let point = Point { lon, lat };
    let net = state.network.clone();
    vaxride_dispatch::travel::check_home(net.as_deref(), point)
        .map_err(|p| ApiError::field("home", p))?;
    let Some(net) = net else {
        return Ok(HttpResponse::Ok().json(Here {
            point,
            road: point,
            distance_m: 0.0,
            street: None,
            address: None,
        }));
    };
    let here = web::block(move || -> Result<Here, ApiError> {
        let s = net
            .snap(lon, lat, DEFAULT_MAX_SNAP_M)
            .map_err(|_| ApiError::internal())?;
        let places = net.places();
        Ok(Here {
            point,
            road: Point {
                lon: s.lon,
                lat: s.lat,
            },
            distance_m: (s.snap_m * 10.0).round() / 10.0,
            street: places
                .street_at(s.lon, s.lat, STREET_NEAR_M)
                .map(|st| st.name),
            address: places
                .address_at(lon, lat, HOUSE_NEAR_M)
                .map(|(p, _)| p.label.clone()),
        })
    })
    .await
    .map_err(|_| ApiError::internal())??;
    Ok(HttpResponse::Ok().json(here))
}
