//! Bookings: made in batches (JSON, all or nothing, idempotent by key), listed, read and
//! cancelled by the community's secretary.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use vaxride_dispatch::FieldError;
use vaxride_dispatch::model::{Day, TimePreference};
use vaxride_dispatch::values::{ClockTime, Role, Window};
use vaxride_store::{Idempotency, NewBooking, Replay, Scope, StoreError};

use crate::AppState;
use crate::api::Created;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::problems;

/// The community a secretary works for, or the one a coordinator names.
pub(crate) fn community_of(caller: &Caller, named: Option<i64>) -> Result<i64, ApiError> {
    match (caller.0.role, caller.0.community_id, named) {
        (Role::Secretary, Some(c), None) => Ok(c),
        (Role::Secretary, Some(c), Some(n)) if n == c => Ok(c),
        (Role::Secretary, _, Some(_)) => Err(ApiError::not_found()),
        (Role::Coordinator | Role::Admin, _, Some(n)) => Ok(n),
        (Role::Coordinator | Role::Admin, _, None) => Err(ApiError::field(
            "community_id",
            problems::community_needed(),
        )),
        _ => Err(ApiError::forbidden()),
    }
}

/// A secretary books today or later; a coordinator may book a past day (to record a ride
/// that was made by hand).
pub(crate) fn refuse_past(
    caller: &Caller,
    day: &Day,
    now: i64,
    field: &str,
    errors: &mut Vec<FieldError>,
) {
    if caller.0.role != Role::Secretary {
        return;
    }
    if let Some(today) = Day::from_unix(now)
        && *day < today
    {
        errors.push(FieldError::new(field, problems::day_in_past(day, today)));
    }
}

pub(crate) const BOOKERS: &[Role] = &[Role::Secretary, Role::Coordinator];

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BatchBody {
    #[serde(default)]
    community_id: Option<i64>,
    bookings: Vec<BookingBody>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BookingBody {
    elder_id: i64,
    day: String,
    /// `morning`, `afternoon` or `any` (default), unless `window` is given.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::TimePreference>)]
    time: Option<TimePreference>,
    /// `["08:00", "10:00"]`.
    #[serde(default)]
    window: Option<[String; 2]>,
    #[serde(default)]
    site_id: Option<i64>,
    #[serde(default = "yes", rename = "return")]
    return_wanted: bool,
    #[serde(default = "thirty")]
    #[schema(minimum = 0, maximum = 240)]
    dwell_minutes: i64,
    #[serde(default)]
    #[schema(max_length = 500)]
    notes: String,
    /// A walker's place at a van stop, no ride: `site_id` the van stop of that day, `window`
    /// one of its slots (`GET /api/vanplan/walks` lists them with the places left).
    #[serde(default)]
    walk_in: bool,
}

impl BookingBody {
    /// Whether it books a walker's place at a van stop.
    pub(crate) fn walk_in(&self) -> bool {
        self.walk_in
    }

    /// The booking, or its problems added to `errors` with their fields named by `f`.
    pub(crate) fn parse(
        &self,
        caller: &Caller,
        now: i64,
        f: &dyn Fn(&str) -> String,
        errors: &mut Vec<FieldError>,
    ) -> Option<NewBooking> {
        let day = match Day::parse(&self.day) {
            Ok(d) => {
                refuse_past(caller, &d, now, &f("day"), errors);
                Some(d)
            }
            Err(m) => {
                errors.push(FieldError::new(f("day"), m));
                None
            }
        };
        let window = match (&self.window, self.time) {
            (Some(_), Some(_)) => {
                errors.push(FieldError::new(f("window"), problems::time_or_window()));
                None
            }
            (Some([from, to]), None) => match Window::parse(from, to).and_then(Window::pickup) {
                Ok(w) => Some(w),
                Err(problem) => {
                    errors.push(FieldError::new(f("window"), problem));
                    None
                }
            },
            (None, t) => Some(t.unwrap_or(TimePreference::Any).window()),
        };
        Some(NewBooking {
            elder_id: self.elder_id,
            day: day?,
            window: window?,
            site_id: self.site_id,
            return_wanted: self.return_wanted && !self.walk_in,
            dwell_minutes: self.dwell_minutes,
            notes: self.notes.clone(),
            walk_in: self.walk_in,
        })
    }
}

fn yes() -> bool {
    true
}
fn thirty() -> i64 {
    30
}

pub(crate) fn idempotency(req: &HttpRequest, body: &[u8]) -> Result<Option<Idempotency>, ApiError> {
    let Some(h) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = h
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 100)
        .ok_or_else(|| ApiError::field("Idempotency-Key", problems::idempotency_key(100)))?;
    // The key names one request: the same method, path, query and body (the store keeps keys
    // per user). The same key sent elsewhere, or with another body, is a mismatch.
    let mut hash = Sha256::new();
    for part in [
        req.method().as_str().as_bytes(),
        req.path().as_bytes(),
        req.query_string().as_bytes(),
    ] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    hash.update(body);
    let sha: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Some(Idempotency {
        key: key.to_string(),
        request_sha256: sha,
    }))
}

/// Answers a repeated key: the stored answer, or 422 when the body differs.
pub(crate) async fn replayed(
    state: &AppState,
    caller: &Caller,
    idem: &Option<Idempotency>,
) -> Result<Option<HttpResponse>, ApiError> {
    let Some(idem) = idem else { return Ok(None) };
    match state.store.replay(caller.0.user_id, idem).await? {
        None => Ok(None),
        Some(Replay::Same { status, body }) => Ok(Some(
            HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
                .content_type("application/json")
                .insert_header(("Idempotent-Replayed", "true"))
                .body(body),
        )),
        Some(Replay::Mismatch) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_mismatch",
            "this Idempotency-Key was used with another request body",
        )),
    }
}

pub(crate) fn created(ids: &[i64]) -> HttpResponse {
    HttpResponse::Created().json(Created {
        created: ids.to_vec(),
    })
}

/// `POST /api/bookings`: a batch, all or nothing; honours `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/bookings",
    tag = "bookings",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body replay the first answer (1 to 100 characters)", min_length = 1, max_length = 100, pattern = "^[!-~]([ -~]*[!-~])?$"),
    ),
    request_body = BatchBody,
    responses(
        (status = 201, description = "All saved (a replayed answer has `Idempotent-Replayed: true`)", body = crate::api::Created),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
        (status = 422, description = "This Idempotency-Key was used with another body (`idempotency_mismatch`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn create_batch(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let idem = idempotency(&req, &body)?;
    if let Some(r) = replayed(&state, &caller, &idem).await? {
        return Ok(r);
    }
    let batch: BatchBody = crate::json::parse(&body)?;
    if batch.bookings.is_empty() || batch.bookings.len() > crate::MAX_BATCH {
        return Err(ApiError::field(
            "bookings",
            problems::batch_size(crate::MAX_BATCH),
        ));
    }
    let community = community_of(&caller, batch.community_id)?;
    let mut errors = Vec::new();
    let mut list = Vec::with_capacity(batch.bookings.len());
    for (k, b) in batch.bookings.iter().enumerate() {
        let f = |name: &str| format!("bookings[{k}].{name}");
        if let Some(b) = b.parse(&caller, state.now(), &f, &mut errors) {
            list.push(b);
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let ids = state
        .store
        .create_bookings(
            caller.0.scope(),
            community,
            caller.0.user_id,
            &list,
            idem.as_ref(),
            state.now(),
        )
        .await;
    match ids {
        Ok(ids) => Ok(created(&ids)),
        Err(e) => refused(&state, &caller, &idem, e).await,
    }
}

/// The answer to a write the store refused: the error, or, when two requests with one key
/// came at once, the winner's answer replayed to the loser.
pub(crate) async fn refused(
    state: &AppState,
    caller: &Caller,
    idem: &Option<Idempotency>,
    e: StoreError,
) -> Result<HttpResponse, ApiError> {
    match e {
        StoreError::Conflict(p) if idem.is_some() && p.code == "idempotency_in_progress" => {
            match replayed(state, caller, idem).await? {
                Some(r) => Ok(r),
                None => Err(ApiError::conflict(p)),
            }
        }
        e => Err(e.into()),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DayQuery {
    /// The day, YYYY-MM-DD.
    day: String,
}

impl DayQuery {
    /// The day, or a field error naming `day`.
    pub(crate) fn day(&self) -> Result<Day, ApiError> {
        Day::parse(&self.day).map_err(|m| ApiError::field("day", m))
    }
}

/// `GET /api/bookings?day=YYYY-MM-DD`.
#[utoipa::path(
    get,
    path = "/api/bookings",
    tag = "bookings",
    operation_id = "list_bookings",
    params(
        DayQuery,
    ),
    responses(
        (status = 200, description = "The day's bookings", body = [Object]),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let day = q.day()?;
    Ok(HttpResponse::Ok().json(state.store.bookings(caller.0.scope(), &day).await?))
}

/// `GET /api/bookings/{id}`.
#[utoipa::path(
    get,
    path = "/api/bookings/{id}",
    tag = "bookings",
    operation_id = "get_booking",
    params(
        ("id" = i64, Path, description = "Booking id"),
    ),
    responses(
        (status = 200, description = "The booking", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    Ok(HttpResponse::Ok().json(state.store.booking(caller.0.scope(), *id).await?))
}

/// `POST /api/bookings/{id}/cancel`.
#[utoipa::path(
    post,
    path = "/api/bookings/{id}/cancel",
    tag = "bookings",
    operation_id = "cancel_booking",
    params(
        ("id" = i64, Path, description = "Booking id"),
    ),
    responses(
        (status = 200, description = "The cancelled booking", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let scope: Scope = caller.0.scope();
    Ok(HttpResponse::Ok().json(state.store.cancel_booking(scope, *id, state.now()).await?))
}

/// When the elder at the site is through with the observation.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReadyBody {
    /// `"HH:MM"`: the observation ended (earlier than planned), or will end (it runs late).
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    at: String,
}

/// `POST /api/bookings/{id}/ready`: the elder at the site is through with the observation at
/// another time than planned; the ride home is repaired to leave from then.
#[utoipa::path(
    post,
    path = "/api/bookings/{id}/ready",
    tag = "bookings",
    params(
        ("id" = i64, Path, description = "Booking id"),
    ),
    request_body = ReadyBody,
    responses(
        (status = 200, description = "The booking; the event is logged and its repair queued", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "The elder is not at the site (`not_at_site`) or wants no ride home (`no_ride_home_wanted`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn ready(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let body: ReadyBody = crate::json::parse(&body)?;
    let at = ClockTime::parse(&body.at)
        .map_err(|m| ApiError::field("at", m))?
        .seconds();
    let scope: Scope = caller.0.scope();
    let view = state
        .store
        .observation_ends(scope, *id, at, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /api/bookings/{id}/vaccinated`: the elder brought by this booking got the shot due
/// at the site; their dose status moves on (the campaign's ledger).
#[utoipa::path(
    post,
    path = "/api/bookings/{id}/vaccinated",
    tag = "bookings",
    params(
        ("id" = i64, Path, description = "Booking id"),
    ),
    responses(
        (status = 200, description = "The vaccination recorded (the same one when recorded before): id, elder_id, booking_id, shot, day, site_id, at", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "The elder did not reach the site (`not_at_site`), the health check failed (`health_check_failed`), or every shot is given (`no_shot_due`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn vaccinated(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let scope: Scope = caller.0.scope();
    let made = state
        .store
        .vaccinated(scope, *id, caller.0.user_id, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(made))
}

/// `DELETE /api/bookings/{id}/vaccinated`: the shot recorded for this booking is taken back
/// (recorded by mistake); the elder's dose status is what it was before it.
#[utoipa::path(
    delete,
    path = "/api/bookings/{id}/vaccinated",
    tag = "bookings",
    params(
        ("id" = i64, Path, description = "Booking id"),
    ),
    responses(
        (status = 200, description = "The vaccination taken back: id, elder_id, booking_id, shot, day, site_id, at", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "No shot is recorded for the booking (`no_shot_recorded`), or a later one is recorded for the elder (`not_latest_shot`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn unvaccinated(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let scope: Scope = caller.0.scope();
    let taken = state.store.unvaccinated(scope, *id, state.now()).await?;
    Ok(HttpResponse::Ok().json(taken))
}
