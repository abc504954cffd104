//! A same-day booking into a day under way, into a slot it was offered (issue 15): the day as
//! it stands with the booking in it, for the offer; then, in one transaction, the booking made,
//! the plan with it inserted saved and published (unless another plan was published since the
//! day was read), and the event logged with that plan as its repair.

use sqlx::Row;
use vaxride_dispatch::model::{ChangeReason, Day};
use vaxride_dispatch::plan::PlanInput;
use vaxride_dispatch::planning::CheckedPlan;
use vaxride_dispatch::underway::DayUnderWay;

use crate::bookings::{check_bookings, check_community, insert_booking, store_key};
use crate::changes::TELL_AFTER;
use crate::elders::ELDER;
use crate::error::Result;
use crate::events::{Logged, Repair, log};
use crate::plans::{Booked, plan_booking};
use crate::publish::{Draft, publish_in};
use crate::{Idempotency, NewBooking, Scope, Store, StoreError};
use vaxride_dispatch::FieldError;

/// The id a booking not yet made has in the day that offers it slots.
pub const NEW_BOOKING: i64 = -1;

/// A day with a published plan, with a booking not yet made in it as [`NEW_BOOKING`].
#[derive(Debug, Clone)]
pub struct UrgentDay {
    /// The district.
    pub district: i64,
    /// The day's bookings still to serve or under way, and the new one.
    pub input: PlanInput,
    /// The published routes with where each stop stands.
    pub day: DayUnderWay,
    /// The published plan it was read from.
    pub plan_id: i64,
}

/// A plan with a new booking inserted, made from an [`UrgentDay`].
pub struct Placed<'a> {
    /// The day it was made from.
    pub from: &'a UrgentDay,
    /// The plan, the new booking in it as [`NEW_BOOKING`].
    pub plan: CheckedPlan,
}

/// The batch checks of one booking, their fields named as in a single booking's body.
async fn check_one(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    scope: Scope,
    community: i64,
    booking: &NewBooking,
) -> Result<()> {
    check_community(tx, scope, community).await?;
    match check_bookings(tx, scope, community, std::slice::from_ref(booking), "b").await {
        Err(StoreError::Invalid(errors)) => Err(StoreError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: e.field.replacen("b[0].", "booking.", 1),
                    ..e
                })
                .collect(),
        )),
        other => other,
    }
}

/// The published day a plan was made from.
pub(crate) struct Made<'a> {
    pub district: i64,
    pub date: &'a Day,
    pub day: &'a DayUnderWay,
    /// The published plan the day was read from.
    pub plan_id: i64,
}

/// Saves `plan`, made from the published day `made`, with what it changes, and publishes it
/// (refused with `plan_outdated` when another plan was published since the day was read),
/// logging `event` with it as its repair; in `tx`. Returns the plan's id.
pub(crate) async fn publish_made(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    made: Made<'_>,
    plan: &CheckedPlan,
    event: Logged<'_>,
    now: i64,
) -> Result<i64> {
    let plan_id =
        crate::plans::save_in(tx, made.district, made.date, plan, Some(made.plan_id), now).await?;
    let changes = vaxride_dispatch::underway::changes(made.day, plan.result(), TELL_AFTER);
    sqlx::query("UPDATE plans SET reason = $1, changes = $2 WHERE id = $3")
        .bind(event.kind.code())
        .bind(serde_json::to_string(&changes).expect("changes serialise"))
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    let draft = Draft {
        id: plan_id,
        district: made.district,
        day: event.day,
        based_on: Some(made.plan_id),
    };
    publish_in(tx, draft, plan.result(), event.kind, now).await?;
    log(tx, event, Repair::Plan(plan_id), now).await?;
    Ok(plan_id)
}

impl Store {
    /// Publishes `plan`, made from `from` by a coordinator's manual move of `booking`'s ride,
    /// and logs the move with it (see [`publish_made`]). Returns the plan's id.
    pub async fn move_into_plan(
        &self,
        district: i64,
        day: &Day,
        from: &crate::UnderWay,
        plan: &CheckedPlan,
        booking: i64,
        now: i64,
    ) -> Result<i64> {
        let mut tx = self.write().await?;
        let made = Made {
            district,
            date: day,
            day: &from.day,
            plan_id: from.plan_id,
        };
        let event = Logged {
            district,
            day: day.as_str(),
            kind: ChangeReason::Moved,
            booking: Some(booking),
            trip: None,
        };
        let plan_id = publish_made(&mut tx, made, plan, event, now).await?;
        tx.commit().await?;
        Ok(plan_id)
    }

    /// The day of `booking` as it stands with the booking in it (not made: nothing is
    /// written), checked as a booking is; `None` when that day has no published plan.
    pub async fn urgent_day(
        &self,
        scope: Scope,
        community: i64,
        booking: &NewBooking,
        now: i64,
    ) -> Result<Option<UrgentDay>> {
        let mut tx = self.pool.begin().await?;
        check_one(&mut tx, scope, community, booking).await?;
        let row = sqlx::query(sql!(
            "SELECT c.district_id, {ELDER} FROM elders e JOIN communities c ON c.id = e.community_id \
             WHERE e.id = $1"
        ))
        .bind(booking.elder_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let district: i64 = row.try_get("district_id")?;
        let e = crate::elders::elder(&row)?;
        let Some(under_way) = self.day_under_way(district, &booking.day, now).await? else {
            return Ok(None);
        };
        let mut input = under_way.input;
        let b = Booked {
            id: NEW_BOOKING,
            window: (booking.window.from(), booking.window.to()),
            site_id: booking.site_id,
            return_wanted: booking.return_wanted,
            dwell_minutes: booking.dwell_minutes,
        };
        input.bookings.push(plan_booking(&e, b));
        Ok(Some(UrgentDay {
            district,
            input,
            day: under_way.day,
            plan_id: under_way.plan_id,
        }))
    }

    /// Makes `booking` and publishes the plan `placed` with it inserted, in one transaction:
    /// the booking is checked again, the plan is refused (`plan_outdated`) when another was
    /// published since its day was read, drivers whose trips change are told, and the event is
    /// logged with the plan as its repair. Returns the booking's id and the plan's.
    pub async fn book_into_plan(
        &self,
        (scope, community, user_id): (Scope, i64, i64),
        booking: &NewBooking,
        placed: Placed<'_>,
        idem: Option<&Idempotency>,
        now: i64,
    ) -> Result<(i64, i64)> {
        let mut tx = self.write().await?;
        check_one(&mut tx, scope, community, booking).await?;
        let id = insert_booking(&mut tx, community, user_id, booking, now).await?;
        let plan = placed.plan.renumbered(NEW_BOOKING, id);
        let from = placed.from;
        let made = Made {
            district: from.district,
            date: &booking.day,
            day: &from.day,
            plan_id: from.plan_id,
        };
        let event = Logged {
            district: from.district,
            day: booking.day.as_str(),
            kind: ChangeReason::UrgentBooking,
            booking: Some(id),
            trip: None,
        };
        let plan_id = publish_made(&mut tx, made, &plan, event, now).await?;
        store_key(&mut tx, user_id, idem, &[id], now).await?;
        tx.commit().await?;
        Ok((id, plan_id))
    }
}
