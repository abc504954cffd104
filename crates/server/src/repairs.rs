//! The day as it runs, for the coordinator: the log of the day's events with the repair each
//! asked for, and whether a small repair applies by itself.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::planning::district;
use crate::problems;

/// The most drivers a repair may disturb and still apply by itself, at most.
const MOST: i64 = 50;

/// `GET /api/events?day=YYYY-MM-DD`: the day's events, newest first, each with its repair.
#[utoipa::path(
    get,
    path = "/api/events",
    tag = "planning",
    operation_id = "list_day_events",
    params(
        crate::bookings::DayQuery,
    ),
    responses(
        (status = 200, description = "The day's events in the caller's district, newest first: id, kind (a change reason), booking_id, elder_name, trip_id, at, job_id, job_status, plan_id, plan_status", body = [Object]),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<crate::bookings::DayQuery>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let day = q.day()?;
    Ok(HttpResponse::Ok().json(state.store.day_events(district, &day).await?))
}

/// Whether repairs apply by themselves.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RepairSettings {
    /// A repair that disturbs at most this many drivers is published by itself; `null`:
    /// every repair waits for the coordinator.
    #[schema(minimum = 0, maximum = 50)]
    auto_apply_max_disturbed: Option<i64>,
}

/// `GET /api/settings/repairs`.
#[utoipa::path(
    get,
    path = "/api/settings/repairs",
    tag = "planning",
    responses(
        (status = 200, description = "The district's setting", body = RepairSettings),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn settings(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let most = state.store.auto_repair(district).await?;
    Ok(HttpResponse::Ok().json(RepairSettings {
        auto_apply_max_disturbed: most,
    }))
}

/// `PUT /api/settings/repairs`.
#[utoipa::path(
    put,
    path = "/api/settings/repairs",
    tag = "planning",
    request_body = RepairSettings,
    responses(
        (status = 200, description = "The district's setting now", body = RepairSettings),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn set_settings(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<RepairSettings>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let most = body.auto_apply_max_disturbed;
    if let Some(n) = most
        && !(0..=MOST).contains(&n)
    {
        return Err(ApiError::field(
            "auto_apply_max_disturbed",
            problems::range(0, MOST),
        ));
    }
    state.store.set_auto_repair(district, most).await?;
    Ok(HttpResponse::Ok().json(RepairSettings {
        auto_apply_max_disturbed: most,
    }))
}
