//! A coordinator's manual move of a stop (issue 15): one ride of an elder — to the site, or
//! home — moved into another vehicle's trip where it costs least there, nothing else moved;
//! the plan with it is published at once, telling the two drivers whose trips change.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use vaxride_dispatch::model::Day;
use vaxride_dispatch::moves::{MoveError, Ride, move_ride};
use vaxride_store::{BookingView, StoreError};

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::planning::district;
use crate::problems;

/// Tries at most this many times when another plan is published while one is being made.
const TRIES: usize = 3;

/// Which ride goes to which vehicle.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MoveBody {
    /// `out` (home to the site) or `home` (the site to home).
    ride: Ride,
    /// The vehicle whose trip takes the ride.
    vehicle_id: i64,
}

/// The plan published with the ride moved, and the booking as it now stands.
#[derive(Serialize, utoipa::ToSchema)]
struct Moved {
    plan_id: i64,
    #[schema(value_type = Object)]
    booking: BookingView,
}

/// `POST /api/bookings/{id}/move`: moves one ride of the elder to another vehicle's trip.
#[utoipa::path(
    post,
    path = "/api/bookings/{id}/move",
    tag = "planning",
    params(
        ("id" = i64, Path, description = "Booking id"),
    ),
    request_body = MoveBody,
    responses(
        (status = 200, description = "Moved: the plan with the ride in the vehicle's trip is published", body = Moved),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "The day has no published plan (`not_published`), the ride has begun (`ride_started`), is not in the plan (`ride_not_planned`), the vehicle cannot carry the elder (`vehicle_cannot_carry`) or has no room with nothing else moved (`no_room`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn move_booking(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let body: MoveBody = crate::json::parse(&body)?;
    let scope = caller.0.scope();
    let booking = state.store.booking(scope, *id).await?;
    let (ride, vehicle) = (body.ride, body.vehicle_id);
    let date = Day::parse(&booking.day).map_err(|_| ApiError::internal())?;
    for _ in 0..TRIES {
        let Some(day) = state
            .store
            .day_under_way(district, &date, state.now())
            .await?
        else {
            return Err(ApiError::conflict(problems::not_published(&booking.day)));
        };
        if !day.input.vehicles.iter().any(|v| v.id == vehicle) {
            return Err(ApiError::field("vehicle_id", problems::no_such_vehicle()));
        }
        let net = state.network.clone();
        let (day, made) = tokio::task::spawn_blocking(move || {
            let plan = crate::with_travel(net.as_deref(), |times| {
                move_ride(&day.input, &day.day, (booking.id, ride), vehicle, times)
            });
            (day, plan)
        })
        .await
        .map_err(|_| ApiError::internal())?;
        let plan = match made {
            Ok(plan) => plan,
            Err(MoveError::UnderWay) => return Err(ApiError::conflict(problems::ride_started())),
            Err(MoveError::NotPlanned) => {
                return Err(ApiError::conflict(problems::ride_not_planned()));
            }
            Err(MoveError::NotAllowed) => {
                return Err(ApiError::conflict(problems::vehicle_cannot_carry()));
            }
            Err(MoveError::NoRoom) => return Err(ApiError::conflict(problems::no_room(vehicle))),
            Err(MoveError::Plan(e)) => {
                tracing::error!(error = %e, "a moved ride failed its checks");
                return Err(ApiError::internal());
            }
        };
        let now = state.now();
        let done = state
            .store
            .move_into_plan(district, &date, &day, &plan, booking.id, now)
            .await;
        match done {
            Ok(plan_id) => {
                let booking = state.store.booking(scope, booking.id).await?;
                return Ok(HttpResponse::Ok().json(Moved { plan_id, booking }));
            }
            Err(StoreError::Conflict(p)) if p.code == "plan_outdated" => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::conflict(problems::plan_changed()))
}
