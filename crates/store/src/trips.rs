//! Drivers' trips: the outbox that pushes them (per-driver sequence numbers, written in the
//! transaction of the change it announces), accept/decline, and the reports from the road.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use vaxride_dispatch::Problem;
use vaxride_dispatch::model::{ChangeReason, Report, StopKind, TripStatus};

use crate::events::About;

use crate::error::Result;
use crate::problems;
use crate::trip_view::{TripView, trip_view};
use crate::{Scope, Store, StoreError};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// One event of a driver's stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEvent {
    /// Sequence number, per driver, from 1.
    pub seq: i64,
    /// `trip_offered`, `trip_changed`, `trip_cancelled`.
    pub kind: String,
    /// The trip as it was when the event was written.
    pub payload: Value,
    /// When (Unix seconds).
    pub created_at: i64,
}

/// Writes an outbox event for `driver` carrying the trip as it now is (in `tx`). A
/// cancellation takes the trip from the driver: it carries the trip's id only, and the elders'
/// data in the driver's earlier events of that trip is erased (nothing of it is kept for them).
pub(crate) async fn push_trip(
    tx: &mut Tx,
    driver: i64,
    trip: i64,
    kind: &str,
    now: i64,
) -> Result<i64> {
    let payload = if kind == "trip_cancelled" {
        forget_trip(tx, driver, trip).await?;
        serde_json::json!({ "id": trip }).to_string()
    } else {
        serde_json::to_string(&trip_view(tx, trip).await?).expect("trip serialises")
    };
    let seq: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM driver_outbox WHERE driver_id = $1",
    )
    .bind(driver)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO driver_outbox (driver_id, seq, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(driver)
    .bind(seq)
    .bind(kind)
    .bind(payload)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(seq)
}

/// Erases the trip's data from `driver`'s earlier events: each keeps its place in the stream
/// and the trip's id.
async fn forget_trip(tx: &mut Tx, driver: i64, trip: i64) -> Result<()> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT seq, payload FROM driver_outbox WHERE driver_id = $1")
            .bind(driver)
            .fetch_all(&mut **tx)
            .await?;
    let bare = serde_json::json!({ "id": trip }).to_string();
    for (seq, payload) in rows {
        let of_trip = serde_json::from_str::<Value>(&payload)
            .ok()
            .and_then(|p| p.get("id").and_then(Value::as_i64))
            == Some(trip);
        if of_trip && payload != bare {
            sqlx::query("UPDATE driver_outbox SET payload = $1 WHERE driver_id = $2 AND seq = $3")
                .bind(&bare)
                .bind(driver)
                .bind(seq)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

fn driver_of(scope: Scope) -> Result<i64> {
    match scope {
        Scope::Driver { driver, .. } => Ok(driver),
        _ => Err(StoreError::NotFound),
    }
}

impl Store {
    /// The driver's events after `after` (exclusive), oldest first, at most `limit`.
    pub async fn outbox_after(
        &self,
        scope: Scope,
        after: i64,
        limit: i64,
    ) -> Result<Vec<OutboxEvent>> {
        let driver = driver_of(scope)?;
        let rows = sqlx::query(
            "SELECT seq, kind, payload, created_at FROM driver_outbox WHERE driver_id = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3",
        )
        .bind(driver)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        // The trips that are this driver's now: an event of any other trip (withdrawn,
        // reassigned, replaced by a new plan) is replayed as that trip's cancellation, with
        // its id only, never with the elders it carried.
        let mine: std::collections::HashSet<i64> = sqlx::query_scalar(
            "SELECT id FROM trips WHERE driver_id = $1 AND active = 1 AND status <> 'cancelled'",
        )
        .bind(driver)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .collect();
        rows.iter()
            .map(|r| {
                let payload: String = r.try_get("payload")?;
                let payload: Value = serde_json::from_str(&payload)
                    .map_err(|_| StoreError::Database("bad stored event".into()))?;
                let trip = payload.get("id").and_then(Value::as_i64);
                let (kind, payload) = match trip {
                    Some(t) if mine.contains(&t) => (r.try_get("kind")?, payload),
                    _ => (
                        "trip_cancelled".to_string(),
                        serde_json::json!({ "id": trip }),
                    ),
                };
                Ok(OutboxEvent {
                    seq: r.try_get("seq")?,
                    kind,
                    payload,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The newest event sequence of each of `drivers` that has any: one query for every
    /// connected driver of a server instance, instead of one per stream.
    pub async fn outbox_heads(&self, drivers: &[i64]) -> Result<Vec<(i64, i64)>> {
        let mut out = Vec::with_capacity(drivers.len());
        for chunk in drivers.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let mut q = sqlx::query_as::<_, (i64, i64)>(sql!(
                "SELECT driver_id, MAX(seq) FROM driver_outbox WHERE driver_id IN ({}) GROUP BY driver_id",
                marks.join(", ")
            ));
            for d in chunk {
                q = q.bind(*d);
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    /// Acknowledges the driver's events up to and including `seq` (repeats are harmless).
    pub async fn ack(&self, scope: Scope, seq: i64, now: i64) -> Result<()> {
        let driver = driver_of(scope)?;
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE driver_outbox SET acked_at = $1 WHERE driver_id = $2 AND seq <= $3 AND acked_at IS NULL",
        )
        .bind(now)
        .bind(driver)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The driver's active trips (or, for a coordinator, the district's trips of a day).
    pub async fn trips(&self, scope: Scope, day: Option<&str>) -> Result<Vec<TripView>> {
        let ids: Vec<i64> = match scope {
            Scope::Driver { driver, .. } => {
                sqlx::query_scalar(
                    "SELECT t.id FROM trips t JOIN plans p ON p.id = t.plan_id \
                     WHERE t.driver_id = $1 AND t.active = 1 AND ($2 = '' OR p.day = $2) ORDER BY t.id",
                )
                .bind(driver)
                .bind(day.unwrap_or(""))
                .fetch_all(&self.pool)
                .await?
            }
            Scope::District(d) => {
                sqlx::query_scalar(
                    "SELECT t.id FROM trips t JOIN plans p ON p.id = t.plan_id \
                     WHERE p.district_id = $1 AND t.active = 1 AND ($2 = '' OR p.day = $2) ORDER BY t.id",
                )
                .bind(d)
                .bind(day.unwrap_or(""))
                .fetch_all(&self.pool)
                .await?
            }
            _ => return Err(StoreError::NotFound),
        };
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(trip_view(&mut conn, id).await?);
        }
        Ok(out)
    }

    /// The driver acknowledges a change of their trip (repeats are harmless).
    pub async fn acknowledge_change(
        &self,
        scope: Scope,
        trip: i64,
        change: i64,
        now: i64,
    ) -> Result<TripView> {
        let driver = driver_of(scope)?;
        let mut tx = self.write().await?;
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT c.id FROM trip_changes c JOIN trips t ON t.id = c.trip_id \
             WHERE c.id = $1 AND c.trip_id = $2 AND t.driver_id = $3 AND t.active = 1",
        )
        .bind(change)
        .bind(trip)
        .bind(driver)
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE trip_changes SET acknowledged_at = $1 WHERE id = $2 AND acknowledged_at IS NULL",
        )
        .bind(now)
        .bind(change)
        .execute(&mut *tx)
        .await?;
        let view = trip_view(&mut tx, trip).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The driver accepts or declines an offered trip. Repeating the same answer is harmless;
    /// changing it afterwards is a conflict. A decline leaves the trip for the coordinator to
    /// reassign.
    pub async fn respond(
        &self,
        scope: Scope,
        trip: i64,
        accept: bool,
        now: i64,
    ) -> Result<TripView> {
        let driver = driver_of(scope)?;
        let mut tx = self.write().await?;
        let status: Option<String> = sqlx::query_scalar(
            "SELECT status FROM trips WHERE id = $1 AND driver_id = $2 AND active = 1",
        )
        .bind(trip)
        .bind(driver)
        .fetch_optional(&mut *tx)
        .await?;
        let status = status.ok_or(StoreError::NotFound)?;
        let wanted = if accept {
            TripStatus::Accepted
        } else {
            TripStatus::Declined
        }
        .code();
        if status == wanted {
            return trip_view(&mut tx, trip).await;
        }
        if status != TripStatus::Offered.code() {
            return Err(StoreError::Conflict(problems::trip_already(status)));
        }
        sqlx::query("UPDATE trips SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(wanted)
            .bind(now)
            .bind(trip)
            .execute(&mut *tx)
            .await?;
        if accept {
            sqlx::query(
                "UPDATE bookings SET status = 'confirmed', status_at = $1 WHERE status = 'planned' AND id IN \
                 (SELECT booking_id FROM trip_stops WHERE trip_id = $2 AND active = 1)",
            )
            .bind(now)
            .bind(trip)
            .execute(&mut *tx)
            .await?;
        }
        push_trip(&mut tx, driver, trip, "trip_changed", now).await?;
        if !accept {
            // Its stops go to the other vehicles: a repair is proposed.
            crate::events::day_event(&mut tx, ChangeReason::Declined, About::Trip(trip), now)
                .await?;
        }
        let view = trip_view(&mut tx, trip).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Gives a declined (or still unanswered) trip to another vehicle of the district and
    /// offers it to that vehicle's driver. The vehicle must have a driver, room for the trip's
    /// largest load (seats and wheelchairs), a shift covering its planned times, and no other
    /// active trip that day.
    pub async fn reassign(
        &self,
        scope: Scope,
        trip: i64,
        vehicle: i64,
        now: i64,
    ) -> Result<TripView> {
        let Scope::District(district) = scope else {
            return Err(StoreError::NotFound);
        };
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "SELECT t.status, t.driver_id, p.day FROM trips t JOIN plans p ON p.id = t.plan_id \
             WHERE t.id = $1 AND p.district_id = $2 AND t.active = 1",
        )
        .bind(trip)
        .bind(district)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let status: String = row.try_get("status")?;
        let old_driver: Option<i64> = row.try_get("driver_id")?;
        let day: String = row.try_get("day")?;
        if status != TripStatus::Declined.code() && status != TripStatus::Offered.code() {
            return Err(StoreError::Conflict(problems::trip_not_reassignable(
                status,
            )));
        }
        let field = |m: Problem| {
            StoreError::Invalid(vec![vaxride_dispatch::FieldError::new("vehicle_id", m)])
        };
        let v = sqlx::query(
            "SELECT v.seats, v.wheelchairs, v.shift_from, v.shift_to, v.shots_per_day, \
             d.id AS driver_id FROM vehicles v \
             LEFT JOIN drivers d ON d.vehicle_id = v.id WHERE v.id = $1 AND v.district_id = $2 AND v.active = 1",
        )
        .bind(vehicle)
        .bind(district)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            field(problems::no_such_vehicle())
        })?;
        let driver: Option<i64> = v.try_get("driver_id")?;
        let driver = driver.ok_or_else(|| field(problems::vehicle_without_driver()))?;
        let busy: Option<i64> = sqlx::query_scalar(
            "SELECT t.id FROM trips t JOIN plans p ON p.id = t.plan_id \
             WHERE t.vehicle_id = $1 AND p.day = $2 AND t.active = 1 AND t.id <> $3",
        )
        .bind(vehicle)
        .bind(&day)
        .bind(trip)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(other) = busy {
            return Err(field(problems::vehicle_busy(other)));
        }
        // The trip's load along its stops, and its planned span.
        let view = trip_view(&mut tx, trip).await?;
        let visits = view
            .stops
            .iter()
            .filter(|s| s.kind == StopKind::HomeVisit)
            .count() as i64;
        let shots: Option<i64> = v.try_get("shots_per_day")?;
        match shots {
            None if visits > 0 => return Err(field(problems::vehicle_wrong_kind())),
            Some(_) if visits < view.stops.len() as i64 => {
                return Err(field(problems::vehicle_wrong_kind()));
            }
            Some(shots) if visits > shots => {
                return Err(field(problems::team_short_of_shots(visits, shots)));
            }
            _ => {}
        }
        let (mut seats, mut chairs, mut max_seats, mut max_chairs) = (0i64, 0i64, 0i64, 0i64);
        for st in view.stops.iter().filter(|s| s.kind != StopKind::HomeVisit) {
            let s = st.companions + i64::from(!st.wheelchair);
            let c = i64::from(st.wheelchair);
            if matches!(st.kind, StopKind::PickupHome | StopKind::PickupSite) {
                seats += s;
                chairs += c;
            } else {
                seats -= s;
                chairs -= c;
            }
            max_seats = max_seats.max(seats);
            max_chairs = max_chairs.max(chairs);
        }
        let (cap_seats, cap_chairs): (i64, i64) = (v.try_get("seats")?, v.try_get("wheelchairs")?);
        if max_seats > cap_seats || max_chairs > cap_chairs {
            return Err(field(problems::vehicle_too_small(max_seats, max_chairs)));
        }
        let (from, to): (i64, i64) = (v.try_get("shift_from")?, v.try_get("shift_to")?);
        let first = view.stops.first().map_or(from, |s| s.planned);
        let last = view.stops.last().map_or(to, |s| s.planned);
        if first < from || last > to {
            return Err(field(problems::shift_does_not_cover()));
        }
        sqlx::query(
            "UPDATE trips SET vehicle_id = $1, driver_id = $2, status = 'offered', updated_at = $3, \
             offered_at = $3 WHERE id = $4",
        )
        .bind(vehicle)
        .bind(driver)
        .bind(now)
        .bind(trip)
        .execute(&mut *tx)
        .await?;
        if let Some(old) = old_driver.filter(|&d| d != driver) {
            push_trip(&mut tx, old, trip, "trip_cancelled", now).await?;
        }
        push_trip(&mut tx, driver, trip, "trip_offered", now).await?;
        let view = trip_view(&mut tx, trip).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A report from the road about one stop. Idempotent: the same report again changes
    /// nothing and answers the same. Returns the booking's new status code.
    pub async fn report(
        &self,
        scope: Scope,
        stop: i64,
        report: Report,
        now: i64,
    ) -> Result<String> {
        let driver = driver_of(scope)?;
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "SELECT ts.kind, ts.booking_id, ts.planned, t.id AS trip_id, t.status, p.day \
             FROM trip_stops ts JOIN trips t ON t.id = ts.trip_id JOIN plans p ON p.id = t.plan_id \
             WHERE ts.id = $1 AND t.driver_id = $2 AND ts.active = 1 AND t.active = 1",
        )
        .bind(stop)
        .bind(driver)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let kind = StopKind::from_code(&row.try_get::<String, _>("kind")?)
            .ok_or_else(|| StoreError::Database("bad stored stop kind".into()))?;
        let booking: i64 = row.try_get("booking_id")?;
        let trip_status: String = row.try_get("status")?;
        if !report.fits(kind) {
            return Err(StoreError::Invalid(vec![
                vaxride_dispatch::FieldError::new(
                    "event",
                    problems::step_does_not_fit(report.code(), kind.code()),
                ),
            ]));
        }
        if trip_status != TripStatus::Accepted.code() {
            return Err(StoreError::Conflict(problems::trip_not_accepted(
                trip_status,
            )));
        }
        let inserted = sqlx::query(
            "INSERT INTO reports (trip_stop_id, event, driver_id, at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (trip_stop_id, event) DO NOTHING",
        )
        .bind(stop)
        .bind(report.code())
        .bind(driver)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            let planned: i64 = row.try_get("planned")?;
            let day: String = row.try_get("day")?;
            let trip: i64 = row.try_get("trip_id")?;
            running_late(&mut tx, trip, &day, planned, now).await?;
            let closes = report.closes_stop(kind);
            if closes {
                sqlx::query(
                    "UPDATE trip_stops SET done = $1, done_at = $2 WHERE id = $3 AND done IS NULL",
                )
                .bind(report.code())
                .bind(now)
                .bind(stop)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(status) = report.status_at(kind) {
                sqlx::query("UPDATE bookings SET status = $1, status_at = $2 WHERE id = $3")
                    .bind(status.code())
                    .bind(now)
                    .bind(booking)
                    .execute(&mut *tx)
                    .await?;
            }
            if report == Report::Vaccinated {
                let by: Option<i64> =
                    sqlx::query_scalar("SELECT MIN(id) FROM users WHERE driver_id = $1")
                        .bind(driver)
                        .fetch_one(&mut *tx)
                        .await?;
                crate::vaccinations::record_shot(&mut tx, booking, by, now).await?;
            }
            if report == Report::HealthCheckFailed {
                if crate::vaccinations::shot_recorded(&mut tx, booking).await? {
                    return Err(StoreError::Conflict(problems::already_vaccinated()));
                }
                sqlx::query("UPDATE bookings SET health_check_failed_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(booking)
                    .execute(&mut *tx)
                    .await?;
                // At the site the elder goes home early; a home visit simply ends.
                if kind != StopKind::HomeVisit {
                    let why = ChangeReason::HealthCheckFailed;
                    crate::events::day_event(&mut tx, why, About::Booking(booking), now).await?;
                }
            }
            if report == Report::NoShow {
                // Nobody to bring home: the booking's later stops leave the trip.
                // The driver of another trip with them is told; this driver knows.
                crate::changes::take_off_where(
                    &mut tx,
                    &format!("ts.booking_id = $1 AND ts.done IS NULL AND ts.id <> {stop}"),
                    booking,
                    ChangeReason::NoShow,
                    Some(driver),
                    now,
                )
                .await?;
                let why = ChangeReason::NoShow;
                crate::events::day_event(&mut tx, why, About::Booking(booking), now).await?;
            }
        }
        let status: String = sqlx::query_scalar("SELECT status FROM bookings WHERE id = $1")
            .bind(booking)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(status)
    }
}

/// A report this much later than its stop's planned time (seconds) says the trip runs late.
pub const LATE_AFTER: i64 = 600;

/// Logs that `trip` runs late, and queues a repair, when a report at `now` comes more than
/// [`LATE_AFTER`] after its stop's planned time (`planned`, seconds of `day`), once in a quarter
/// of an hour per trip: the repair moves the trip's later stops (and whatever they affect).
async fn running_late(tx: &mut Tx, trip: i64, day: &str, planned: i64, now: i64) -> Result<()> {
    let Ok(day) = vaxride_dispatch::model::Day::parse(day) else {
        return Ok(());
    };
    if now - day.start_unix() - planned <= LATE_AFTER {
        return Ok(());
    }
    let recent: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM day_events WHERE trip_id = $1 AND kind = 'running_late' AND at > $2",
    )
    .bind(trip)
    .bind(now - 900)
    .fetch_optional(&mut **tx)
    .await?;
    if recent.is_none() {
        let why = ChangeReason::RunningLate;
        crate::events::day_event(tx, why, About::Trip(trip), now).await?;
    }
    Ok(())
}
