//! "Which slots can still take this elder?" (issue 15): a same-day booking on a day whose plan
//! is published is offered the slots it can be inserted into now with nothing else moved, each
//! with its pick-up time; choosing one makes the booking and publishes the plan with it in,
//! telling the driver whose trip it joins.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use vaxride_dispatch::FieldError;
use vaxride_dispatch::offer::{OfferError, SlotOffer, insert_booking, slot_offers};
use vaxride_dispatch::values::ClockTime;
use vaxride_store::{NEW_BOOKING, Placed, StoreError, UrgentDay};

use crate::AppState;
use crate::auth::Caller;
use crate::bookings::{
    BOOKERS, BookingBody, community_of, created, idempotency, refused, replayed,
};
use crate::error::ApiError;
use crate::problems;

/// Tries at most this many times when another plan is published while one is being made.
const TRIES: usize = 3;

/// A booking to be offered slots: a booking's fields.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OfferBody {
    /// The community (a coordinator names it; a secretary's own by default).
    #[serde(default)]
    community_id: Option<i64>,
    /// The booking, as in a batch.
    booking: BookingBody,
}

/// A booking into the slot it was offered.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntoSlotBody {
    #[serde(default)]
    community_id: Option<i64>,
    /// The slot chosen: its site and its start (`"09:30"`).
    slot: SlotChoice,
    /// The booking, as in a batch.
    booking: BookingBody,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SlotChoice {
    site_id: i64,
    /// `"HH:MM"`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    start: String,
}

/// One slot offered.
#[derive(Serialize, utoipa::ToSchema)]
struct OfferView {
    site_id: i64,
    site_name: String,
    /// Seconds of the day.
    slot_start: i64,
    slot_end: i64,
    /// When the elder is picked up at home, seconds of the day.
    pickup: i64,
    at_site: i64,
    ride_home: Option<i64>,
    vehicle_id: i64,
    /// What it adds to the day's driving, seconds.
    added_seconds: i64,
}

/// The slots offered.
#[derive(Serialize, utoipa::ToSchema)]
struct OffersView {
    /// Whether the day has a published plan; without one the booking is planned with the day.
    published: bool,
    offers: Vec<OfferView>,
    /// Why no site fits the booking at all (a refusal reason), when none does.
    refused: Option<String>,
}

/// The day of the booking as it stands with the booking in it, or the booking's problems.
async fn urgent_day(
    state: &AppState,
    caller: &Caller,
    community: Option<i64>,
    body: &BookingBody,
) -> Result<(vaxride_store::NewBooking, i64, Option<UrgentDay>), ApiError> {
    let community = community_of(caller, community)?;
    let mut errors = Vec::new();
    let booking = body.parse(
        caller,
        state.now(),
        &|f| format!("booking.{f}"),
        &mut errors,
    );
    if body.walk_in() {
        errors.push(FieldError::new(
            "booking.walk_in",
            vaxride_store::problems::walk_in_no_ride(),
        ));
    }
    let Some(booking) = booking.filter(|_| errors.is_empty()) else {
        return Err(ApiError::invalid(errors));
    };
    let day = state
        .store
        .urgent_day(caller.0.scope(), community, &booking, state.now())
        .await?;
    Ok((booking, community, day))
}

/// `POST /api/bookings/offers`: the slots a booking can go to now.
#[utoipa::path(
    post,
    path = "/api/bookings/offers",
    tag = "bookings",
    request_body = OfferBody,
    responses(
        (status = 200, description = "The slots the elder can be inserted into now with nothing else moved, earliest first (none when the day has no published plan)", body = OffersView),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn offers(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let body: OfferBody = crate::json::parse(&body)?;
    let (_, _, day) = urgent_day(&state, &caller, body.community_id, &body.booking).await?;
    let Some(day) = day else {
        return Ok(HttpResponse::Ok().json(OffersView {
            published: false,
            offers: Vec::new(),
            refused: None,
        }));
    };
    let net = state.network.clone();
    let found = tokio::task::spawn_blocking(move || {
        let offers = crate::with_travel(net.as_deref(), |times| {
            slot_offers(&day.input, &day.day, NEW_BOOKING, times)
        });
        (day, offers)
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let (day, found) = found;
    let name = |site: i64| {
        day.input
            .sites
            .iter()
            .find(|s| s.id == site)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let offers = found
        .offers
        .iter()
        .map(|o: &SlotOffer| OfferView {
            site_id: o.site_id,
            site_name: name(o.site_id),
            slot_start: o.slot_start,
            slot_end: o.slot_end,
            pickup: o.pickup,
            at_site: o.at_site,
            ride_home: o.ride_home,
            vehicle_id: o.vehicle_id,
            added_seconds: o.added_seconds,
        })
        .collect();
    Ok(HttpResponse::Ok().json(OffersView {
        published: true,
        offers,
        refused: found.refused,
    }))
}

/// `POST /api/bookings/into-slot`: books the elder into a slot offered, and publishes the plan
/// with the elder in it; honours `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/bookings/into-slot",
    tag = "bookings",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body replay the first answer (1 to 100 characters)", min_length = 1, max_length = 100, pattern = "^[!-~]([ -~]*[!-~])?$"),
    ),
    request_body = IntoSlotBody,
    responses(
        (status = 201, description = "Booked, and the plan with the elder in it published", body = crate::api::Created),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "The day has no published plan (`not_published`), the slot can no longer take the elder (`slot_gone`), or a conflict with the stored state", body = crate::api::ErrorBody),
        (status = 422, description = "This Idempotency-Key was used with another body (`idempotency_mismatch`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn into_slot(
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
    let body: IntoSlotBody = crate::json::parse(&body)?;
    let start = ClockTime::parse(&body.slot.start)
        .map_err(|m| ApiError::invalid(vec![FieldError::new("slot.start", m)]))?
        .seconds();
    let site = body.slot.site_id;
    for _ in 0..TRIES {
        let (booking, community, day) =
            urgent_day(&state, &caller, body.community_id, &body.booking).await?;
        let Some(day) = day else {
            return Err(ApiError::conflict(problems::not_published(
                booking.day.as_str(),
            )));
        };
        let net = state.network.clone();
        let made = tokio::task::spawn_blocking(move || {
            let plan = crate::with_travel(net.as_deref(), |times| {
                insert_booking(&day.input, &day.day, NEW_BOOKING, (site, start), times)
            });
            (day, plan)
        })
        .await
        .map_err(|_| ApiError::internal())?;
        let plan = match made.1 {
            Ok(plan) => plan,
            Err(OfferError::Gone) => {
                return Err(ApiError::conflict(problems::slot_gone()));
            }
            Err(OfferError::Plan(e)) => {
                tracing::error!(error = %e, "a booking into a slot failed its checks");
                return Err(ApiError::internal());
            }
        };
        let placed = Placed {
            from: &made.0,
            plan,
        };
        let who = (caller.0.scope(), community, caller.0.user_id);
        let done = state
            .store
            .book_into_plan(who, &booking, placed, idem.as_ref(), state.now())
            .await;
        match done {
            Ok((id, _)) => return Ok(created(&[id])),
            // Another plan was published meanwhile: read the day again.
            Err(StoreError::Conflict(p)) if p.code == "plan_outdated" => continue,
            Err(e) => return refused(&state, &caller, &idem, e).await,
        }
    }
    Err(ApiError::conflict(problems::plan_changed()))
}
