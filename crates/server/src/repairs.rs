//! The day as it runs, for the coordinator: the log of the day's events with the repair each
//! asked for, and whether a small repair applies by itself.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use vaxride_dispatch::FieldError;
use vaxride_store::DaySettings;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::planning::district;
use crate::problems;

/// The most drivers a repair may disturb and still apply by itself, at most.
const MOST: i64 = 50;
/// The least and the most minutes a district may give drivers to answer a trip.
const ANSWER: (i64, i64) = (5, 1440);

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

/// Whether repairs apply by themselves, and how long drivers have to answer a trip.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RepairSettings {
    /// A repair that disturbs at most this many drivers is published by itself; `null`:
    /// every repair waits for the coordinator.
    #[schema(minimum = 0, maximum = 50)]
    auto_apply_max_disturbed: Option<i64>,
    /// Minutes a driver has to answer an offered trip; then it goes to the others as if
    /// declined (`unanswered`). `null`: no limit.
    #[serde(default)]
    #[schema(minimum = 5, maximum = 1440)]
    answer_within_minutes: Option<i64>,
}

impl From<DaySettings> for RepairSettings {
    fn from(s: DaySettings) -> RepairSettings {
        RepairSettings {
            auto_apply_max_disturbed: s.auto_repair,
            answer_within_minutes: s.answer_minutes,
        }
    }
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
    let settings = state.store.day_settings(district).await?;
    Ok(HttpResponse::Ok().json(RepairSettings::from(settings)))
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
    let settings = DaySettings {
        auto_repair: body.auto_apply_max_disturbed,
        answer_minutes: body.answer_within_minutes,
    };
    let mut errors = Vec::new();
    for (field, value, (min, max)) in [
        ("auto_apply_max_disturbed", settings.auto_repair, (0, MOST)),
        ("answer_within_minutes", settings.answer_minutes, ANSWER),
    ] {
        if value.is_some_and(|n| !(min..=max).contains(&n)) {
            errors.push(FieldError::new(field, problems::range(min, max)));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    state.store.set_day_settings(district, settings).await?;
    Ok(HttpResponse::Ok().json(RepairSettings::from(settings)))
}
