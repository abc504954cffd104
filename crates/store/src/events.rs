//! The day as a sequence of events. Each event that changes what a published plan can do (a
//! cancellation, a no-show, a failed health check, an observation ending at another time, a
//! declined or unanswered trip, an urgent booking, a trip running late, a changed site or
//! vehicle) is a row of the day's log, written in the transaction of the change, and queues a
//! repair: a planning job with the event's reason, which any instance runs (`server::jobs`).
//! A booking into a slot offered and a coordinator's move are logged with the plan made and
//! published with them (`urgent.rs`). Nothing is logged or repaired for a day without a
//! published plan: its next plan sees everything.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use vaxride_dispatch::model::{BookingStatus, ChangeReason, Day, TimeOfDay};

use crate::error::Result;
use crate::jobs::{NewJob, enqueue_in};
use crate::problems;
use crate::{BookingView, Scope, Store, StoreError};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The search budget of a repair, seconds: a repair is proposed while the coordinator looks
/// (measured: a 1.5 s budget answers within 1.65 s at p99 on a 500-request day, see
/// `benches/RESULTS.md`).
pub const REPAIR_SECONDS: i64 = 1;

/// What the event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum About {
    /// A booking.
    Booking(i64),
    /// A trip.
    Trip(i64),
}

/// Logs an event of the day `about` belongs to and queues its repair, when that day has a
/// published plan (in `tx`).
pub(crate) async fn day_event(
    tx: &mut Tx,
    kind: ChangeReason,
    about: About,
    now: i64,
) -> Result<()> {
    if let About::Booking(b) = about {
        // A walker's place at a van stop has no ride to repair.
        let walk_in: Option<i64> = sqlx::query_scalar("SELECT walk_in FROM bookings WHERE id = $1")
            .bind(b)
            .fetch_optional(&mut **tx)
            .await?;
        if walk_in.unwrap_or(0) != 0 {
            return Ok(());
        }
    }
    let (sql, id, booking, trip) = match about {
        About::Booking(b) => (
            "SELECT c.district_id, b.day FROM bookings b JOIN communities c ON c.id = b.community_id \
             WHERE b.id = $1",
            b,
            Some(b),
            None,
        ),
        About::Trip(t) => (
            "SELECT p.district_id, p.day FROM trips t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1",
            t,
            None,
            Some(t),
        ),
    };
    let (district, day): (i64, String) = sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let published = crate::plans::published_plan(&mut **tx, district, &day).await?;
    if published.is_none() {
        return Ok(());
    }
    let event = Logged {
        district,
        day: &day,
        kind,
        booking,
        trip,
    };
    repaired_by_job(tx, event, now).await
}

/// Queues the repair of an event and logs the event with it.
async fn repaired_by_job(tx: &mut Tx, event: Logged<'_>, now: i64) -> Result<()> {
    let run = NewJob {
        reason: Some(event.kind),
        seconds: REPAIR_SECONDS,
        clustered: false,
    };
    let job = enqueue_in(tx, event.district, event.day, run, now).await?;
    log(tx, event, Repair::Job(job), now).await
}

/// What a change of the fleet or the sites is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fleet {
    /// A site.
    Site(i64),
    /// A vehicle.
    Vehicle(i64),
}

/// Logs a change of a site or a vehicle of `district` as an event of each day from today on
/// whose published plan it touches (a site with stops still to come, a vehicle with a trip),
/// and queues each day's repair (in `tx`).
pub(crate) async fn fleet_event(
    tx: &mut Tx,
    kind: ChangeReason,
    district: i64,
    what: Fleet,
    now: i64,
) -> Result<()> {
    let today = Day::from_unix(now).map_or_else(String::new, |d| d.as_str().to_string());
    let (sql, id) = match what {
        Fleet::Site(id) => (
            "SELECT DISTINCT p.day FROM plans p JOIN trips t ON t.plan_id = p.id \
             JOIN trip_stops ts ON ts.trip_id = t.id WHERE p.district_id = $1 AND p.status = 'published' \
             AND p.day >= $2 AND t.active = 1 AND ts.active = 1 AND ts.done IS NULL AND ts.site_id = $3",
            id,
        ),
        Fleet::Vehicle(id) => (
            "SELECT DISTINCT p.day FROM plans p JOIN trips t ON t.plan_id = p.id \
             WHERE p.district_id = $1 AND p.status = 'published' AND p.day >= $2 AND t.active = 1 \
             AND t.vehicle_id = $3",
            id,
        ),
    };
    let days: Vec<String> = sqlx::query_scalar(sql)
        .bind(district)
        .bind(&today)
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
    for day in days {
        let event = Logged {
            district,
            day: &day,
            kind,
            booking: None,
            trip: None,
        };
        repaired_by_job(tx, event, now).await?;
    }
    Ok(())
}

/// An event of the day's log.
pub(crate) struct Logged<'a> {
    pub district: i64,
    pub day: &'a str,
    pub kind: ChangeReason,
    pub booking: Option<i64>,
    pub trip: Option<i64>,
}

/// How an event is repaired.
pub(crate) enum Repair {
    /// By a planning job.
    Job(i64),
    /// By a plan made and published with the event.
    Plan(i64),
}

/// Writes an event to the day's log.
pub(crate) async fn log(tx: &mut Tx, e: Logged<'_>, repair: Repair, now: i64) -> Result<()> {
    let (job, plan) = match repair {
        Repair::Job(j) => (Some(j), None),
        Repair::Plan(p) => (None, Some(p)),
    };
    sqlx::query(
        "INSERT INTO day_events (district_id, day, kind, booking_id, trip_id, job_id, plan_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.district)
    .bind(e.day)
    .bind(e.kind.code())
    .bind(e.booking)
    .bind(e.trip)
    .bind(job)
    .bind(plan)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An event of the day's log, with the repair it asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayEvent {
    /// Id.
    pub id: i64,
    /// What happened.
    pub kind: ChangeReason,
    /// The booking it is about.
    pub booking_id: Option<i64>,
    /// The elder's name (the coordinator's view).
    pub elder_name: Option<String>,
    /// The trip it is about.
    pub trip_id: Option<i64>,
    /// When (Unix seconds).
    pub at: i64,
    /// The repair job.
    pub job_id: Option<i64>,
    /// Where the repair job stands (`queued`, `running`, `done`, `failed`, `cancelled`: a
    /// later repair or run took it over).
    pub job_status: Option<String>,
    /// The repair's plan, once made.
    pub plan_id: Option<i64>,
    /// That plan's status (`draft`: proposed; `published`: applied; `superseded`).
    pub plan_status: Option<String>,
}

impl Store {
    /// The district's events of a day, newest first.
    pub async fn day_events(&self, district: i64, day: &Day) -> Result<Vec<DayEvent>> {
        let rows = sqlx::query(
            "SELECT e.id, e.kind, e.booking_id, el.name AS elder_name, e.trip_id, e.at, e.job_id, \
             j.status AS job_status, COALESCE(e.plan_id, j.plan_id) AS plan_id, p.status AS plan_status \
             FROM day_events e LEFT JOIN bookings b ON b.id = e.booking_id \
             LEFT JOIN elders el ON el.id = b.elder_id LEFT JOIN plan_jobs j ON j.id = e.job_id \
             LEFT JOIN plans p ON p.id = COALESCE(e.plan_id, j.plan_id) \
             WHERE e.district_id = $1 AND e.day = $2 ORDER BY e.id DESC",
        )
        .bind(district)
        .bind(day.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DayEvent {
                    id: r.try_get("id")?,
                    kind: ChangeReason::from_code(&r.try_get::<String, _>("kind")?)
                        .ok_or_else(|| StoreError::Database("bad stored event".into()))?,
                    booking_id: r.try_get("booking_id")?,
                    elder_name: r.try_get("elder_name")?,
                    trip_id: r.try_get("trip_id")?,
                    at: r.try_get("at")?,
                    job_id: r.try_get("job_id")?,
                    job_status: r.try_get("job_status")?,
                    plan_id: r.try_get("plan_id")?,
                    plan_status: r.try_get("plan_status")?,
                })
            })
            .collect()
    }

    /// The most drivers a repair may disturb and still be applied by itself (`None`: every
    /// repair is proposed to the coordinator).
    pub async fn auto_repair(&self, district: i64) -> Result<Option<i64>> {
        Ok(self.day_settings(district).await?.auto_repair)
    }

    /// The district's settings for the day as it runs.
    pub async fn day_settings(&self, district: i64) -> Result<DaySettings> {
        let row: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT auto_repair, answer_minutes FROM districts WHERE id = $1")
                .bind(district)
                .fetch_optional(&self.pool)
                .await?;
        let (auto_repair, answer_minutes) = row.unwrap_or_default();
        Ok(DaySettings {
            auto_repair,
            answer_minutes,
        })
    }

    /// Sets [`Store::day_settings`].
    pub async fn set_day_settings(&self, district: i64, settings: DaySettings) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE districts SET auto_repair = $1, answer_minutes = $2 WHERE id = $3")
            .bind(settings.auto_repair)
            .bind(settings.answer_minutes)
            .bind(district)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The elder at the site is through with the observation at `at` (seconds of the day),
    /// earlier or later than planned: the ride home leaves from then. Logged with its repair.
    /// Only for an elder at the site who wants a ride home (`not_at_site`,
    /// `no_ride_home_wanted`).
    pub async fn observation_ends(
        &self,
        scope: Scope,
        id: i64,
        at: TimeOfDay,
        now: i64,
    ) -> Result<BookingView> {
        let current = self.booking(scope, id).await?;
        if current.status != BookingStatus::AtSite {
            let status = current.status.code();
            return Err(StoreError::Conflict(problems::not_at_site(status)));
        }
        if !current.return_wanted {
            return Err(StoreError::Conflict(problems::no_ride_home_wanted()));
        }
        let day =
            Day::parse(&current.day).map_err(|_| StoreError::Database("bad stored day".into()))?;
        let mut tx = self.write().await?;
        let changed =
            sqlx::query("UPDATE bookings SET ready_at = $1 WHERE id = $2 AND status = 'at_site'")
                .bind(day.start_unix() + at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            drop(tx);
            let status = self.booking(scope, id).await?.status.code();
            return Err(StoreError::Conflict(problems::not_at_site(status)));
        }
        day_event(&mut tx, ChangeReason::Observation, About::Booking(id), now).await?;
        tx.commit().await?;
        self.booking(scope, id).await
    }

    /// Trips offered longer than their district gives drivers to answer (`answer_minutes`), of
    /// a day from today on, go to the others as if declined: each becomes declined, its driver
    /// is told, and the event (`unanswered`) is logged with its repair. Every instance's job
    /// runner calls it; a trip lapses once. Returns the trips that lapsed.
    pub async fn lapse_unanswered(&self, now: i64) -> Result<Vec<i64>> {
        let today = Day::from_unix(now).map_or_else(String::new, |d| d.as_str().to_string());
        let due: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT t.id, t.driver_id FROM trips t JOIN plans p ON p.id = t.plan_id \
             JOIN districts d ON d.id = p.district_id WHERE t.active = 1 AND t.status = 'offered' \
             AND d.answer_minutes IS NOT NULL AND t.offered_at IS NOT NULL \
             AND t.offered_at + d.answer_minutes * 60 <= $1 AND p.day >= $2 ORDER BY t.id",
        )
        .bind(now)
        .bind(&today)
        .fetch_all(&self.pool)
        .await?;
        let mut lapsed = Vec::new();
        for (trip, driver) in due {
            let mut tx = self.write().await?;
            let changed = sqlx::query(
                "UPDATE trips SET status = 'declined', updated_at = $1 \
                 WHERE id = $2 AND status = 'offered' AND active = 1",
            )
            .bind(now)
            .bind(trip)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                // Answered, or lapsed by another instance, meanwhile.
                continue;
            }
            if let Some(driver) = driver {
                crate::trips::push_trip(&mut tx, driver, trip, "trip_changed", now).await?;
            }
            day_event(&mut tx, ChangeReason::Unanswered, About::Trip(trip), now).await?;
            tx.commit().await?;
            lapsed.push(trip);
        }
        Ok(lapsed)
    }
}

/// A district's settings for the day as it runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DaySettings {
    /// A repair that disturbs at most this many drivers is published by itself (`None`: each
    /// waits for the coordinator).
    pub auto_repair: Option<i64>,
    /// Minutes a driver has to answer an offered trip before it goes to others (`None`: no
    /// limit).
    pub answer_minutes: Option<i64>,
}
