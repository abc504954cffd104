//! The elders roster of a community: find, add, read, correct, take off.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use vaxride_dispatch::model::{Dose, Mobility, Point};
use vaxride_roadnet::Crs;
use vaxride_store::ElderInput;

use crate::AppState;
use crate::auth::Caller;
use crate::bookings::{BOOKERS, community_of};
use crate::error::ApiError;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ElderBody {
    #[serde(default)]
    community_id: Option<i64>,
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[serde(default)]
    #[schema(max_length = 30)]
    phone: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    address: String,
    #[schema(value_type = crate::api::Point)]
    home: Point,
    #[serde(default)]
    #[schema(value_type = crate::api::Crs)]
    crs: Crs,
    #[schema(value_type = crate::api::Mobility)]
    mobility: Mobility,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 3)]
    companions: i64,
    #[schema(value_type = crate::api::Dose)]
    dose: Dose,
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 5)]
    priority: i64,
    #[serde(default)]
    #[schema(max_length = 1000)]
    notes: String,
}

fn one() -> i64 {
    1
}

impl ElderBody {
    /// The elder as the store takes it; the home is checked against the loaded roads.
    fn input(&self, net: Option<&vaxride_roadnet::RoadNetwork>) -> Result<ElderInput, ApiError> {
        let mut errors = Vec::new();
        self.home.validate("home", &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
        let (lon, lat) = self.crs.to_wgs84(self.home.lon, self.home.lat);
        vaxride_dispatch::travel::check_home(net, Point { lon, lat })
            .map_err(|p| ApiError::field("home", p))?;
        let input = ElderInput {
            name: self.name.trim().to_string(),
            phone: self.phone.trim().to_string(),
            address: self.address.trim().to_string(),
            home: Point { lon, lat },
            mobility: self.mobility,
            companions: self.companions,
            dose: self.dose,
            priority: self.priority,
            notes: self.notes.clone(),
        };
        input.validate("", &mut errors);
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(ApiError::invalid(errors))
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Find {
    find: Option<String>,
}

/// `GET /api/elders?find=`.
#[utoipa::path(
    get,
    path = "/api/elders",
    tag = "bookings",
    params(
        Find,
    ),
    responses(
        (status = 200, description = "Elders of the caller's communities", body = [Object]),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list_elders(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<Find>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let elders = state
        .store
        .elders(
            caller.0.scope(),
            q.find.as_deref().filter(|f| !f.is_empty()),
        )
        .await?;
    Ok(HttpResponse::Ok().json(elders))
}

/// `POST /api/elders`.
#[utoipa::path(
    post,
    path = "/api/elders",
    tag = "bookings",
    request_body = ElderBody,
    responses(
        (status = 201, description = "The elder", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn create_elder(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<ElderBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let community = community_of(&caller, body.community_id)?;
    let input = body.input(state.network.as_deref())?;
    let e = state
        .store
        .create_elder(caller.0.scope(), community, &input, state.now())
        .await?;
    Ok(HttpResponse::Created().json(e))
}

/// `GET /api/elders/{id}`.
#[utoipa::path(
    get,
    path = "/api/elders/{id}",
    tag = "bookings",
    params(
        ("id" = i64, Path, description = "Elder id"),
    ),
    responses(
        (status = 200, description = "The elder", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn get_elder(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    Ok(HttpResponse::Ok().json(state.store.elder(caller.0.scope(), *id).await?))
}

/// `PUT /api/elders/{id}`.
#[utoipa::path(
    put,
    path = "/api/elders/{id}",
    tag = "bookings",
    params(
        ("id" = i64, Path, description = "Elder id"),
    ),
    request_body = ElderBody,
    responses(
        (status = 200, description = "The elder", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn update_elder(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: crate::json::Json<ElderBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let input = body.input(state.network.as_deref())?;
    let e = state
        .store
        .update_elder(caller.0.scope(), *id, &input, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(e))
}

/// `DELETE /api/elders/{id}`: takes the elder off the roster (moved away, died, no longer
/// needs rides); their bookings that have not begun are cancelled.
#[utoipa::path(
    delete,
    path = "/api/elders/{id}",
    tag = "bookings",
    params(
        ("id" = i64, Path, description = "Elder id"),
    ),
    responses(
        (status = 200, description = "Retired: `{\"cancelled\": [booking ids]}`", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, description = "Missing, retired, or not the caller's to see (`not_found`)", body = crate::api::ErrorBody),
        (status = 409, description = "A ride of theirs is under way (`conflict`, detail `ride_under_way`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn retire_elder(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let cancelled = state
        .store
        .retire_elder(caller.0.scope(), *id, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "cancelled": cancelled })))
}
