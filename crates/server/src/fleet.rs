//! Coordinators' set-up: sites and their slots (van stops included), vehicles, drivers.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use vaxride_dispatch::FieldError;
use vaxride_dispatch::model::{Day, Point, Site, SiteKind, Team, Vehicle};
use vaxride_dispatch::values::Role;
use vaxride_dispatch::values::check_text;
use vaxride_dispatch::values::{Shot, Weekdays, Window};
use vaxride_roadnet::Crs;
use vaxride_store::{NewDriver, NewSite, NewVehicle, Retire};

use crate::AppState;
use crate::api::NewId;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::problems;

pub(crate) fn district(caller: &Caller) -> Result<i64, ApiError> {
    caller.require(&[Role::Coordinator])?;
    caller.0.district_id.ok_or_else(ApiError::forbidden)
}

fn times(field: &str, hours: &[String; 2], errors: &mut Vec<FieldError>) -> Option<Window> {
    Window::parse(&hours[0], &hours[1])
        .map_err(|problem| errors.push(FieldError::new(field, problem)))
        .ok()
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SiteBody {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(value_type = crate::api::SiteKind)]
    kind: SiteKind,
    #[schema(value_type = crate::api::Point)]
    location: Point,
    #[serde(default)]
    #[schema(value_type = crate::api::Crs)]
    crs: Crs,
    #[serde(default)]
    #[schema(max_length = 200)]
    address: String,
    #[serde(default = "every_day")]
    open_days: String,
    /// `["08:00", "17:00"]`.
    hours: [String; 2],
    #[schema(minimum = 5, maximum = 240)]
    slot_minutes: i64,
    #[schema(minimum = 1, maximum = 10_000)]
    capacity_per_slot: i64,
    #[serde(default = "all")]
    #[schema(exclusive_minimum = 0, maximum = 1)]
    booked_share: f64,
    #[serde(default = "all_doses")]
    #[schema(value_type = Vec<crate::api::Shot>)]
    doses: Vec<String>,
    #[serde(default)]
    day: Option<String>,
    /// For a van stop: the van (`POST /api/vans` makes one).
    #[serde(default)]
    van_id: Option<i64>,
    /// For a van stop: how far walkers are sent to it, metres along the roads (default 500;
    /// the van planning's `walk_m`).
    #[serde(default)]
    #[schema(minimum = 50, maximum = 2000)]
    walk_m: Option<i64>,
}

impl SiteBody {
    /// Whether it is a van's stop.
    pub(crate) fn is_van_stop(&self) -> bool {
        self.kind == SiteKind::VanStop
    }
}

fn every_day() -> String {
    "1234567".into()
}
fn all() -> f64 {
    1.0
}
fn all_doses() -> Vec<String> {
    vec!["first".into(), "second".into(), "booster".into()]
}

/// `POST /api/sites`.
#[utoipa::path(
    post,
    path = "/api/sites",
    tag = "fleet",
    request_body = SiteBody,
    responses(
        (status = 201, description = "The site", body = crate::api::NewId),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn create_site(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<SiteBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let new = site_of(&state, district, body.into_inner()).await?;
    let id = state.store.create_site(district, &new).await?;
    Ok(HttpResponse::Created().json(NewId { id }))
}

/// Checks a site body and converts it (coordinates to WGS-84, hours to seconds).
pub(crate) async fn site_of(
    state: &AppState,
    district: i64,
    b: SiteBody,
) -> Result<NewSite, ApiError> {
    let mut errors = Vec::new();
    b.location.validate("location", &mut errors);
    let hours = times("hours", &b.hours, &mut errors);
    if let Err(problem) = check_text(&b.name, true, 100) {
        errors.push(FieldError::new("name", problem));
    }
    if b.walk_m.is_some_and(|m| !(50..=2000).contains(&m)) {
        errors.push(FieldError::new("walk_m", problems::range(50, 2000)));
    }
    if let Err(problem) = check_text(&b.address, false, 200) {
        errors.push(FieldError::new("address", problem));
    }
    if !(5..=240).contains(&b.slot_minutes) {
        errors.push(FieldError::new("slot_minutes", problems::range(5, 240)));
    }
    if !(1..=10_000).contains(&b.capacity_per_slot) {
        errors.push(FieldError::new(
            "capacity_per_slot",
            problems::range(1, 10_000),
        ));
    }
    if !(b.booked_share > 0.0 && b.booked_share <= 1.0) {
        errors.push(FieldError::new("booked_share", problems::share()));
    }
    let open_days = Weekdays::parse(&b.open_days)
        .map_err(|problem| errors.push(FieldError::new("open_days", problem)))
        .ok();
    let doses: Vec<Shot> = b
        .doses
        .iter()
        .enumerate()
        .filter_map(|(k, d)| {
            Shot::parse(d)
                .map_err(|problem| errors.push(FieldError::new(format!("doses[{k}]"), problem)))
                .ok()
        })
        .collect();
    let day = match (&b.day, b.kind) {
        (Some(d), _) => match Day::parse(d) {
            Ok(d) => Some(d),
            Err(m) => {
                errors.push(FieldError::new("day", m));
                None
            }
        },
        (None, SiteKind::VanStop) => {
            errors.push(FieldError::new("day", problems::van_stop_day()));
            None
        }
        (None, _) => None,
    };
    match (b.kind, b.van_id) {
        (SiteKind::VanStop, None) => {
            errors.push(FieldError::new("van_id", problems::van_stop_van()))
        }
        (SiteKind::VanStop, Some(v)) if !state.store.van_in(district, v).await? => {
            errors.push(FieldError::new("van_id", problems::no_such_van()))
        }
        (SiteKind::Fixed | SiteKind::CommunityPoint, Some(_)) => {
            errors.push(FieldError::new("van_id", problems::not_a_van_stop()))
        }
        _ => {}
    }
    let (Some(hours), Some(open_days)) = (hours, open_days) else {
        return Err(ApiError::invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let (lon, lat) = b.crs.to_wgs84(b.location.lon, b.location.lat);
    let site = Site {
        id: 0,
        name: b.name.trim().to_string(),
        kind: b.kind,
        location: Point { lon, lat },
        open_days,
        open_from: hours.from(),
        open_to: hours.to(),
        slot_minutes: b.slot_minutes,
        capacity_per_slot: b.capacity_per_slot,
        booked_share: b.booked_share,
        doses,
        day,
    };
    Ok(NewSite {
        site,
        address: b.address,
        van_id: b.van_id,
        walk_m: b.walk_m,
    })
}

/// `GET /api/sites` (every role of the district may see where the sites are).
#[utoipa::path(
    get,
    path = "/api/sites",
    tag = "fleet",
    responses(
        (status = 200, description = "The district's sites and their slots", body = [Object]),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list_sites(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let district = caller.0.district_id.ok_or_else(ApiError::forbidden)?;
    Ok(HttpResponse::Ok().json(state.store.sites(district).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VehicleBody {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(minimum = 1, maximum = 60)]
    seats: i64,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10)]
    wheelchairs: i64,
    #[serde(default)]
    #[schema(value_type = Vec<crate::api::Feature>)]
    features: Vec<String>,
    shift: [String; 2],
    #[schema(value_type = crate::api::Point)]
    start: Point,
    #[serde(default)]
    #[schema(value_type = crate::api::Crs)]
    crs: Crs,
    /// A home-visit team (a doctor and a nurse in a car) instead of a car for rides: it
    /// visits bedridden elders at home, at most `shots_per_day` a day, and takes nobody on
    /// board.
    #[serde(default)]
    team: Option<crate::api::TeamBody>,
}

/// `POST /api/vehicles`.
#[utoipa::path(
    post,
    path = "/api/vehicles",
    tag = "fleet",
    request_body = VehicleBody,
    responses(
        (status = 201, description = "The vehicle", body = crate::api::NewId),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn create_vehicle(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<VehicleBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let new = vehicle_of(body.into_inner())?;
    let id = state.store.create_vehicle(district, &new).await?;
    Ok(HttpResponse::Created().json(NewId { id }))
}

/// Checks a vehicle body and converts it.
fn vehicle_of(b: VehicleBody) -> Result<NewVehicle, ApiError> {
    let mut errors = Vec::new();
    b.start.validate("start", &mut errors);
    let shift = times("shift", &b.shift, &mut errors);
    if !(1..=60).contains(&b.seats) {
        errors.push(FieldError::new("seats", problems::range(1, 60)));
    }
    if !(0..=10).contains(&b.wheelchairs) {
        errors.push(FieldError::new("wheelchairs", problems::range(0, 10)));
    }
    if let Err(problem) = check_text(&b.name, true, 100) {
        errors.push(FieldError::new("name", problem));
    }
    if b.team
        .as_ref()
        .is_some_and(|t| !(1..=500).contains(&t.shots_per_day))
    {
        errors.push(FieldError::new(
            "team.shots_per_day",
            problems::range(1, 500),
        ));
    }
    for (i, f) in b.features.iter().enumerate() {
        if let Err(p) = vaxride_dispatch::values::Feature::parse(f) {
            errors.push(FieldError::new(format!("features[{i}]"), p));
        }
    }
    let Some(shift) = shift else {
        return Err(ApiError::invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let (lon, lat) = b.crs.to_wgs84(b.start.lon, b.start.lat);
    let vehicle = Vehicle {
        id: 0,
        name: b.name,
        seats: b.seats,
        wheelchairs: b.wheelchairs,
        features: {
            let mut f: Vec<String> = b.features.iter().map(|f| f.trim().to_string()).collect();
            f.sort();
            f.dedup();
            f
        },
        shift_from: shift.from(),
        shift_to: shift.to(),
        team: b.team.map(|t| Team {
            shots_per_day: t.shots_per_day,
        }),
        start: Point { lon, lat },
    };
    Ok(NewVehicle { vehicle })
}

/// `GET /api/vehicles`.
#[utoipa::path(
    get,
    path = "/api/vehicles",
    tag = "fleet",
    responses(
        (status = 200, description = "The district's vehicles", body = [Object]),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list_vehicles(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    Ok(HttpResponse::Ok().json(state.store.vehicles(district).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DriverBody {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(min_length = 1, max_length = 30)]
    phone: String,
    #[serde(default)]
    vehicle_id: Option<i64>,
}

/// `POST /api/drivers`.
#[utoipa::path(
    post,
    path = "/api/drivers",
    tag = "fleet",
    request_body = DriverBody,
    responses(
        (status = 201, description = "The driver", body = crate::api::NewId),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn create_driver(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<DriverBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let id = state
        .store
        .create_driver(district, &driver_of(body.into_inner())?)
        .await?;
    Ok(HttpResponse::Created().json(NewId { id }))
}

/// Checks a driver body: a name, a phone to call them on (the vehicle is checked by the store).
fn driver_of(b: DriverBody) -> Result<NewDriver, ApiError> {
    let mut errors = Vec::new();
    let name = b.name.trim().to_string();
    if let Err(problem) = check_text(&name, true, 100) {
        errors.push(FieldError::new("name", problem));
    }
    let phone = b.phone.trim().to_string();
    if let Err(problem) = check_text(&phone, true, 30) {
        errors.push(FieldError::new("phone", problem));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(NewDriver {
        name,
        phone,
        vehicle_id: b.vehicle_id,
    })
}

/// `PUT /api/drivers/{id}`: the same body as adding one; `vehicle_id` null = no vehicle.
#[utoipa::path(
    put,
    path = "/api/drivers/{id}",
    tag = "fleet",
    params(("id" = i64, Path, description = "Driver id")),
    request_body = DriverBody,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "The input is wrong (`invalid_input`; `vehicle_id`: `no_such_vehicle`, `vehicle_has_driver`)", body = crate::api::ErrorBody),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, description = "No such driver in your district (`not_found`)", body = crate::api::ErrorBody),
        (status = 409, description = "The driver is on a trip (`conflict`, detail `driver_on_a_trip`): a driver moved to another vehicle takes its trips and leaves their old vehicle's, so not while on the road", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn update_driver(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: crate::json::Json<DriverBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let new = driver_of(body.into_inner())?;
    state
        .store
        .update_driver(district, *id, &new, state.now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReassignBody {
    vehicle_id: i64,
}

/// `POST /api/trips/{id}/reassign`: gives a declined or unanswered trip to another vehicle and
/// offers it to that vehicle's driver.
#[utoipa::path(
    post,
    path = "/api/trips/{id}/reassign",
    tag = "fleet",
    params(("id" = i64, Path, description = "Trip id")),
    request_body = ReassignBody,
    responses(
        (status = 200, description = "The trip, offered to the new driver", body = crate::api::Trip),
        (status = 400, description = "The vehicle cannot take it (`invalid_input`)", body = crate::api::ErrorBody),
        (status = 404, description = "No such trip in your district (`not_found`)", body = crate::api::ErrorBody),
        (status = 409, description = "The trip was accepted or is done (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn reassign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: crate::json::Json<ReassignBody>,
) -> Result<HttpResponse, ApiError> {
    district(&caller)?;
    let trip = state
        .store
        .reassign(caller.0.scope(), *id, body.vehicle_id, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(trip))
}

/// `PUT /api/sites/{id}`: the same body as creating one.
#[utoipa::path(
    put,
    path = "/api/sites/{id}",
    tag = "fleet",
    params(("id" = i64, Path, description = "Site id")),
    request_body = SiteBody,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, response = crate::api::Invalid),
        (status = 404, description = "No such site in your district (`not_found`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn update_site(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: crate::json::Json<SiteBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let new = site_of(&state, district, body.into_inner()).await?;
    state
        .store
        .update_site(district, *id, &new, state.now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /api/sites/{id}`: no longer offered to new plans (plans made keep it).
#[utoipa::path(
    delete,
    path = "/api/sites/{id}",
    tag = "fleet",
    params(("id" = i64, Path, description = "Site id")),
    responses(
        (status = 204, description = "Retired"),
        (status = 404, description = "No such site in your district (`not_found`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn retire_site(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    state
        .store
        .retire(district, Retire::Site, *id, state.now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `PUT /api/vehicles/{id}`: the same body as creating one.
#[utoipa::path(
    put,
    path = "/api/vehicles/{id}",
    tag = "fleet",
    params(("id" = i64, Path, description = "Vehicle id")),
    request_body = VehicleBody,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, response = crate::api::Invalid),
        (status = 404, description = "No such vehicle in your district (`not_found`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn update_vehicle(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: crate::json::Json<VehicleBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let new = vehicle_of(body.into_inner())?;
    state
        .store
        .update_vehicle(district, *id, &new, state.now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /api/vehicles/{id}`: no longer planned with (trips already published stay).
#[utoipa::path(
    delete,
    path = "/api/vehicles/{id}",
    tag = "fleet",
    params(("id" = i64, Path, description = "Vehicle id")),
    responses(
        (status = 204, description = "Retired"),
        (status = 404, description = "No such vehicle in your district (`not_found`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn retire_vehicle(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    state
        .store
        .retire(district, Retire::Vehicle, *id, state.now())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/drivers`.
#[utoipa::path(
    get,
    path = "/api/drivers",
    tag = "fleet",
    responses(
        (status = 200, description = "The district's drivers", body = [Object]),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list_drivers(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    Ok(HttpResponse::Ok().json(state.store.drivers(district).await?))
}
