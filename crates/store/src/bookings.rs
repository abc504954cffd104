//! Bookings: made in batches (all or nothing, idempotent by key), seen and cancelled by the
//! community's secretary.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use vaxride_dispatch::model::{BookingStatus, ChangeReason, Day, Mobility, TimeOfDay};
use vaxride_dispatch::values::{Shot, Window, check_text};
use vaxride_dispatch::{FieldError, Problem};

use crate::communities::community_filter;
use crate::events::About;

use crate::error::Result;
use crate::problems;
use crate::{Scope, Store, StoreError};

/// A booking to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewBooking {
    /// Elder (0 when the elder is created by the same batch: see [`Store::import_ledger`]).
    pub elder_id: i64,
    /// Day.
    pub day: Day,
    /// Pick-up window (a [`Window::pickup`] is checked again when the batch is made).
    pub window: Window,
    /// Named site, or any.
    pub site_id: Option<i64>,
    /// Ride home wanted.
    pub return_wanted: bool,
    /// Minutes at the site.
    pub dwell_minutes: i64,
    /// Notes.
    pub notes: String,
    /// A walker's place in a van stop's slot (`site_id`, the slot as `window`), no ride.
    pub walk_in: bool,
}

/// A booking as its secretary sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingView {
    /// Id.
    pub id: i64,
    /// Elder.
    pub elder_id: i64,
    /// Elder's name.
    pub elder_name: String,
    /// Community.
    pub community_id: i64,
    /// Day.
    pub day: String,
    /// Pick-up window.
    pub window: (TimeOfDay, TimeOfDay),
    /// Named site.
    pub site_id: Option<i64>,
    /// Ride home wanted.
    pub return_wanted: bool,
    /// Minutes at the site.
    pub dwell_minutes: i64,
    /// Notes.
    pub notes: String,
    /// Status.
    pub status: BookingStatus,
    /// When the status last changed (Unix seconds).
    pub status_at: i64,
    /// Planned pick-up at home (seconds of the day), once published.
    pub planned_pickup: Option<TimeOfDay>,
    /// Planned site.
    pub planned_site_id: Option<i64>,
    /// Vehicle name, once published.
    pub vehicle: Option<String>,
    /// Driver's name, once published.
    pub driver: Option<String>,
    /// Why the published plan leaves it out.
    pub unserved_reason: Option<String>,
    /// Planned pick-up at the site for the ride home (seconds of the day), once published.
    pub planned_return: Option<TimeOfDay>,
    /// The last time its pick-up moved by five minutes or more after it was published.
    pub moved: Option<PickupMoved>,
    /// When the health check at the site failed (not vaccinated; going home early).
    pub health_check_failed_at: Option<i64>,
    /// When the elder's observation at the site ends after all (earlier or later than
    /// planned), Unix seconds.
    pub ready_at: Option<i64>,
    /// The shot recorded for this visit (`first`, `second`, `booster`), once given.
    pub vaccinated: Option<Shot>,
    /// A home visit (the elder is bedridden): `planned_pickup` is when the team comes, and
    /// `vehicle` and `driver` are the team's.
    pub home_visit: bool,
    /// A walker's place at a van stop (`site_id`), in the slot `window`: no ride.
    pub walk_in: bool,
}

/// A pick-up that moved: the time it had, why it moved and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickupMoved {
    /// The pick-up time it had (seconds of the day).
    pub from: TimeOfDay,
    /// Why.
    pub reason: ChangeReason,
    /// When (Unix seconds).
    pub at: i64,
}

/// An idempotency key with the SHA-256 of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    /// The client's key.
    pub key: String,
    /// SHA-256 of the request body (hex).
    pub request_sha256: String,
}

/// What a stored idempotency key says about a repeated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    /// Same key, same body: the stored answer.
    Same {
        /// HTTP status.
        status: u16,
        /// Body.
        body: String,
    },
    /// Same key, another body.
    Mismatch,
}

const VIEW: &str = "SELECT b.id, b.elder_id, e.name AS elder_name, b.community_id, b.day, \
    b.window_from, b.window_to, b.site_id, b.return_wanted, b.dwell_minutes, b.notes, b.status, \
    b.status_at, \
    (SELECT ts.planned FROM trip_stops ts WHERE ts.booking_id = b.id AND ts.kind IN ('pickup_home', 'home_visit') AND ts.active = 1) AS planned_pickup, \
    (SELECT ts.site_id FROM trip_stops ts WHERE ts.booking_id = b.id AND ts.kind = 'drop_site' AND ts.active = 1) AS planned_site_id, \
    (SELECT v.name FROM trip_stops ts JOIN trips t ON t.id = ts.trip_id JOIN vehicles v ON v.id = t.vehicle_id \
       WHERE ts.booking_id = b.id AND ts.kind IN ('pickup_home', 'home_visit') AND ts.active = 1) AS vehicle, \
    (SELECT d.name FROM trip_stops ts JOIN trips t ON t.id = ts.trip_id JOIN drivers d ON d.id = t.driver_id \
       WHERE ts.booking_id = b.id AND ts.kind IN ('pickup_home', 'home_visit') AND ts.active = 1) AS driver, \
    b.unserved_reason, b.previous_pickup, b.change_reason, b.changed_at, b.health_check_failed_at, b.ready_at, \
    (SELECT ts.planned FROM trip_stops ts WHERE ts.booking_id = b.id AND ts.kind = 'pickup_site' AND ts.active = 1) AS planned_return, \
    (SELECT v.shot FROM vaccinations v WHERE v.booking_id = b.id) AS shot, \
    CASE WHEN e.mobility = 'bedridden' THEN 1 ELSE 0 END AS home_visit, b.walk_in \
    FROM bookings b JOIN elders e ON e.id = b.elder_id JOIN communities c ON c.id = b.community_id";

fn view(r: &sqlx::any::AnyRow) -> Result<BookingView> {
    let status: String = r.try_get("status")?;
    Ok(BookingView {
        id: r.try_get("id")?,
        elder_id: r.try_get("elder_id")?,
        elder_name: r.try_get("elder_name")?,
        community_id: r.try_get("community_id")?,
        day: r.try_get("day")?,
        window: (r.try_get("window_from")?, r.try_get("window_to")?),
        site_id: r.try_get("site_id")?,
        return_wanted: r.try_get::<i64, _>("return_wanted")? != 0,
        dwell_minutes: r.try_get("dwell_minutes")?,
        notes: r.try_get("notes")?,
        status: BookingStatus::from_code(&status)
            .ok_or_else(|| StoreError::Database("bad stored status".into()))?,
        status_at: r.try_get("status_at")?,
        planned_pickup: r.try_get("planned_pickup")?,
        planned_site_id: r.try_get("planned_site_id")?,
        vehicle: r.try_get("vehicle")?,
        driver: r.try_get("driver")?,
        unserved_reason: r.try_get("unserved_reason")?,
        planned_return: r.try_get("planned_return")?,
        health_check_failed_at: r.try_get("health_check_failed_at")?,
        ready_at: r.try_get("ready_at")?,
        vaccinated: match r.try_get::<Option<String>, _>("shot")? {
            Some(shot) => Some(crate::vaccinations::stored_shot(&shot)?),
            None => None,
        },
        home_visit: r.try_get::<i64, _>("home_visit")? == 1,
        walk_in: r.try_get::<i64, _>("walk_in")? != 0,
        moved: match (
            r.try_get::<Option<i64>, _>("previous_pickup")?,
            r.try_get::<Option<String>, _>("change_reason")?
                .and_then(|c| ChangeReason::from_code(&c)),
            r.try_get::<Option<i64>, _>("changed_at")?,
        ) {
            (Some(from), Some(reason), Some(at)) => Some(PickupMoved { from, reason, at }),
            _ => None,
        },
    })
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

impl Store {
    /// What an idempotency key already says, if it was used by this user.
    pub async fn replay(&self, user_id: i64, idem: &Idempotency) -> Result<Option<Replay>> {
        let row = sqlx::query(
            "SELECT request_sha256, status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2",
        )
        .bind(user_id)
        .bind(&idem.key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let sha: String = row.try_get("request_sha256")?;
        if sha != idem.request_sha256 {
            return Ok(Some(Replay::Mismatch));
        }
        Ok(Some(Replay::Same {
            status: u16::try_from(row.try_get::<i64, _>("status")?).unwrap_or(200),
            body: row.try_get("response")?,
        }))
    }

    /// Books a batch for one community: every booking or none. Errors name the batch entry
    /// (`bookings[3].elder_id`). With `idem`, the answer (`{"created": [ids]}`) is stored
    /// with the key in the same transaction.
    pub async fn create_bookings(
        &self,
        scope: Scope,
        community: i64,
        user_id: i64,
        batch: &[NewBooking],
        idem: Option<&Idempotency>,
        now: i64,
    ) -> Result<Vec<i64>> {
        let mut tx = self.write().await?;
        check_community(&mut tx, scope, community).await?;
        let ids =
            insert_bookings(&mut tx, scope, community, user_id, batch, "bookings", now).await?;
        store_key(&mut tx, user_id, idem, &ids, now).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The bookings of a day the scope sees.
    pub async fn bookings(&self, scope: Scope, day: &Day) -> Result<Vec<BookingView>> {
        let rows = sqlx::query(sql!(
            "{VIEW} WHERE b.day = $1{} ORDER BY b.id",
            community_filter(scope)
        ))
        .bind(day.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(view).collect()
    }

    /// One booking the scope sees.
    pub async fn booking(&self, scope: Scope, id: i64) -> Result<BookingView> {
        let row = sqlx::query(sql!("{VIEW} WHERE b.id = $1{}", community_filter(scope)))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        view(&row)
    }

    /// Cancels a booking that has not started; its stops leave their trip and the driver is
    /// told.
    pub async fn cancel_booking(&self, scope: Scope, id: i64, now: i64) -> Result<BookingView> {
        let current = self.booking(scope, id).await?;
        if current.status.under_way() {
            return Err(StoreError::Conflict(problems::ride_begun()));
        }
        if current.status == BookingStatus::Cancelled {
            return Ok(current);
        }
        let mut tx = self.write().await?;
        cancel_in(&mut tx, id, now).await?;
        tx.commit().await?;
        self.booking(scope, id).await
    }

    /// Takes an elder off the roster (moved away, died, no longer needs rides). Their bookings
    /// that have not begun are cancelled (stops leave their trips, drivers are told), in the same
    /// transaction; while a ride of theirs is under way nothing changes (`ride_under_way`).
    /// Their history stays; they are no longer listed, changed or booked. Returns the ids of
    /// the bookings cancelled.
    pub async fn retire_elder(&self, scope: Scope, id: i64, now: i64) -> Result<Vec<i64>> {
        let mut tx = self.write().await?;
        let visible: Option<i64> = sqlx::query_scalar(sql!(
            "SELECT e.id FROM elders e JOIN communities c ON c.id = e.community_id \
             WHERE e.id = $1 AND e.active = 1{}",
            community_filter(scope)
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if visible.is_none() {
            return Err(StoreError::NotFound);
        }
        let bookings: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, status FROM bookings WHERE elder_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        let mut open = Vec::new();
        for (booking, status) in bookings {
            use BookingStatus::*;
            match BookingStatus::from_code(&status) {
                Some(Booked | Planned | Unserved | Confirmed) => open.push(booking),
                Some(DriverArrived | PickedUp | AtSite | ReturnPickedUp) => {
                    return Err(StoreError::Conflict(problems::ride_under_way(booking)));
                }
                Some(Home | NoShow | Cancelled | Visited) => {}
                None => return Err(StoreError::Database("bad stored booking status".into())),
            }
        }
        for &booking in &open {
            cancel_in(&mut tx, booking, now).await?;
        }
        sqlx::query("UPDATE elders SET active = 0, updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(open)
    }
}

/// Cancels one booking inside a transaction: its stops leave their trips and each trip's driver
/// is told.
async fn cancel_in(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE bookings SET status = 'cancelled', status_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    crate::changes::take_off_where(
        tx,
        "ts.booking_id = $1",
        id,
        ChangeReason::Cancelled,
        None,
        now,
    )
    .await?;
    crate::events::day_event(tx, ChangeReason::Cancelled, About::Booking(id), now).await
}

pub(crate) async fn check_community(tx: &mut Tx, scope: Scope, community: i64) -> Result<()> {
    let visible: Option<i64> = sqlx::query_scalar(sql!(
        "SELECT c.id FROM communities c WHERE c.id = $1{}",
        community_filter(scope)
    ))
    .bind(community)
    .fetch_optional(&mut **tx)
    .await?;
    visible.map(|_| ()).ok_or(StoreError::NotFound)
}

/// Inserts a batch; all problems are collected and named `{what}[k].field` (row k for the
/// ledger), and nothing is written when there is one.
pub(crate) async fn insert_bookings(
    tx: &mut Tx,
    scope: Scope,
    community: i64,
    user_id: i64,
    batch: &[NewBooking],
    what: &str,
    now: i64,
) -> Result<Vec<i64>> {
    check_bookings(tx, scope, community, batch, what).await?;
    let mut ids = Vec::with_capacity(batch.len());
    for b in batch {
        let id = insert_booking(tx, community, user_id, b, now).await?;
        ids.push(id);
        // A booking for a day already published is urgent: the plan is repaired to take it
        // (a walker's place at a van needs no ride).
        if !b.walk_in {
            crate::events::day_event(tx, ChangeReason::UrgentBooking, About::Booking(id), now)
                .await?;
        }
    }
    Ok(ids)
}

/// Inserts one booking checked by [`check_bookings`], `booked`.
pub(crate) async fn insert_booking(
    tx: &mut Tx,
    community: i64,
    user_id: i64,
    b: &NewBooking,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO bookings (community_id, elder_id, day, window_from, window_to, site_id, \
         return_wanted, dwell_minutes, notes, status, status_at, created_by, created_at, walk_in) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'booked', $10, $11, $12, $13) RETURNING id",
    )
    .bind(community)
    .bind(b.elder_id)
    .bind(b.day.as_str())
    .bind(b.window.from())
    .bind(b.window.to())
    .bind(b.site_id)
    .bind(i64::from(b.return_wanted))
    .bind(b.dwell_minutes)
    .bind(&b.notes)
    .bind(now)
    .bind(user_id)
    .bind(now)
    .bind(i64::from(b.walk_in))
    .fetch_one(&mut **tx)
    .await?)
}

/// Checks a batch before it is booked: each elder of the community, active (a bedridden one
/// for a home visit, naming no site),
/// not booked that day already (nor twice in the batch), the window, the minutes at the site,
/// the notes and the site. Errors name the entry (`{what}[3].elder_id`).
pub(crate) async fn check_bookings(
    tx: &mut Tx,
    scope: Scope,
    community: i64,
    batch: &[NewBooking],
    what: &str,
) -> Result<()> {
    let mut errors = Vec::new();
    let err = |k: usize, field: &str, msg: Problem| {
        let mut e = FieldError::new(format!("{what}[{k}].{field}"), msg);
        if what == "row" {
            e.row = Some(k);
            e.column = Some(field.to_string());
        }
        e
    };
    crate::walk_ins::lock_walk_in_stops(tx, batch).await?;
    let mut seen = std::collections::HashSet::new();
    for (k, b) in batch.iter().enumerate() {
        let mobility: Option<String> = sqlx::query_scalar(sql!(
            "SELECT e.mobility FROM elders e JOIN communities c ON c.id = e.community_id \
             WHERE e.id = $1 AND e.community_id = $2 AND e.active = 1{}",
            community_filter(scope)
        ))
        .bind(b.elder_id)
        .bind(community)
        .fetch_optional(&mut **tx)
        .await?;
        let mobility = mobility.as_deref().and_then(Mobility::from_code);
        if b.walk_in {
            if mobility.is_some_and(|m| m != Mobility::Walks) {
                errors.push(err(k, "walk_in", problems::walk_in_walkers_only()));
            }
            if let Some(problem) =
                crate::walk_ins::walk_in_room(tx, community, b, &batch[..k]).await?
            {
                let field = match problem.code {
                    "walk_in_van_stop" | "van_stop_dose" => "site_id",
                    "no_shot_due" => "elder_id",
                    _ => "window",
                };
                errors.push(err(k, field, problem));
            }
        }
        match mobility {
            None => errors.push(err(k, "elder_id", problems::no_such_elder())),
            // A home visit: the team comes to the elder, so there is no site to name.
            Some(Mobility::Bedridden) if b.site_id.is_some() => {
                errors.push(err(k, "site_id", problems::home_visit_site()));
            }
            Some(_) => {}
        }
        if let Err(problem) = b.window.pickup() {
            errors.push(err(k, "window", problem));
        }
        if !(0..=240).contains(&b.dwell_minutes) {
            errors.push(err(k, "dwell_minutes", problems::range(0, 240)));
        }
        if let Err(problem) = check_text(&b.notes, false, 500) {
            errors.push(err(k, "notes", problem));
        }
        if let Some(site) = b.site_id {
            let ok: Option<i64> = sqlx::query_scalar(
                "SELECT s.id FROM sites s JOIN communities c ON c.district_id = s.district_id \
                 WHERE s.id = $1 AND c.id = $2 AND s.active = 1",
            )
            .bind(site)
            .bind(community)
            .fetch_optional(&mut **tx)
            .await?;
            if ok.is_none() {
                errors.push(err(k, "site_id", problems::no_such_site()));
            }
        }
        if !seen.insert((b.elder_id, b.day.clone())) {
            errors.push(err(k, "elder_id", problems::booked_twice_in_batch()));
            continue;
        }
        let live: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM bookings WHERE elder_id = $1 AND day = $2 AND status <> 'cancelled'",
        )
        .bind(b.elder_id)
        .bind(b.day.as_str())
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(other) = live {
            errors.push(err(k, "elder_id", problems::already_booked(&b.day, other)));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    Ok(())
}

pub(crate) async fn store_key(
    tx: &mut Tx,
    user_id: i64,
    idem: Option<&Idempotency>,
    ids: &[i64],
    now: i64,
) -> Result<()> {
    let Some(idem) = idem else { return Ok(()) };
    let body = serde_json::json!({ "created": ids }).to_string();
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, request_sha256, status, response, created_at) \
         VALUES ($1, $2, $3, 201, $4, $5)",
    )
    .bind(user_id)
    .bind(&idem.key)
    .bind(&idem.request_sha256)
    .bind(body)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(problems::idempotency_in_progress()),
        other => other,
    })?;
    Ok(())
}
