//! The campaign's ledger (issue 16): a shot given at the site, recorded for the booking that
//! brought the elder there, moves the elder's dose status on, with the day and the place.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use vaxride_dispatch::model::{BookingStatus, Day};
use vaxride_dispatch::values::{Dose, Shot};

use crate::error::Result;
use crate::{Scope, Store, StoreError, problems};

/// One shot given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vaccination {
    /// Id.
    pub id: i64,
    /// Who got it.
    pub elder_id: i64,
    /// The booking that brought them, if any.
    pub booking_id: Option<i64>,
    /// Which shot.
    pub shot: Shot,
    /// The day (`YYYY-MM-DD`).
    pub day: String,
    /// Where.
    pub site_id: Option<i64>,
    /// When it was recorded (Unix seconds).
    pub at: i64,
}

/// A shot as the database keeps it.
pub(crate) fn stored_shot(code: &str) -> Result<Shot> {
    Shot::parse(code).map_err(|_| StoreError::Database("bad stored shot".into()))
}

const COLUMNS: &str = "id, elder_id, booking_id, shot, day, site_id, at";

fn vaccination(r: &sqlx::any::AnyRow) -> Result<Vaccination> {
    let shot: String = r.try_get("shot")?;
    Ok(Vaccination {
        id: r.try_get("id")?,
        elder_id: r.try_get("elder_id")?,
        booking_id: r.try_get("booking_id")?,
        shot: stored_shot(&shot)?,
        day: r.try_get("day")?,
        site_id: r.try_get("site_id")?,
        at: r.try_get("at")?,
    })
}

/// Records the shot due for the elder `booking` brought to the site, inside `tx`; see
/// [`Store::vaccinated`]. `by` is the user who said so (a driver's report: their account).
pub(crate) async fn record_shot(
    tx: &mut sqlx::AnyConnection,
    booking: i64,
    by: Option<i64>,
    now: i64,
) -> Result<Vaccination> {
    let done = sqlx::query(sql!(
        "SELECT {COLUMNS} FROM vaccinations WHERE booking_id = $1"
    ))
    .bind(booking)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = done {
        return vaccination(&row);
    }
    let b = sqlx::query(
        "SELECT b.status, b.health_check_failed_at, b.elder_id, b.day, e.dose, b.walk_in, \
         COALESCE((SELECT ts.site_id FROM trip_stops ts WHERE ts.booking_id = b.id \
           AND ts.kind = 'drop_site' AND ts.active = 1), b.site_id) AS site \
         FROM bookings b JOIN elders e ON e.id = b.elder_id WHERE b.id = $1",
    )
    .bind(booking)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let status: String = b.try_get("status")?;
    let there = BookingStatus::from_code(&status);
    // A walker booked into a van slot comes by themselves: their shot is their arrival.
    let walked_in = b.try_get::<i64, _>("walk_in")? != 0 && there == Some(BookingStatus::Booked);
    if !walked_in && !there.is_some_and(BookingStatus::reached_site) {
        return Err(StoreError::Conflict(problems::not_at_site(&status)));
    }
    let day: String = b.try_get("day")?;
    if walked_in && Day::from_unix(now).is_some_and(|today| day.as_str() > today.as_str()) {
        return Err(StoreError::Conflict(problems::walk_in_not_yet(&day)));
    }
    if b.try_get::<Option<i64>, _>("health_check_failed_at")?
        .is_some()
    {
        return Err(StoreError::Conflict(problems::health_check_failed()));
    }
    let dose: String = b.try_get("dose")?;
    let dose = Dose::from_code(&dose).ok_or(StoreError::Database("bad stored dose".into()))?;
    let shot = dose
        .next_shot()
        .ok_or(StoreError::Conflict(problems::no_shot_due()))?;
    let elder: i64 = b.try_get("elder_id")?;
    let row = sqlx::query(sql!(
        "INSERT INTO vaccinations (elder_id, booking_id, shot, day, site_id, recorded_by, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(elder)
    .bind(booking)
    .bind(shot.code())
    .bind(b.try_get::<String, _>("day")?)
    .bind(b.try_get::<Option<i64>, _>("site")?)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE elders SET dose = $1, updated_at = $2 WHERE id = $3")
        .bind(shot.gives().code())
        .bind(now)
        .bind(elder)
        .execute(&mut *tx)
        .await?;
    if walked_in {
        sqlx::query("UPDATE bookings SET status = 'home', status_at = $1 WHERE id = $2")
            .bind(now)
            .bind(booking)
            .execute(&mut *tx)
            .await?;
    }
    vaccination(&row)
}

/// Whether a shot is recorded for `booking`.
pub(crate) async fn shot_recorded(tx: &mut sqlx::AnyConnection, booking: i64) -> Result<bool> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM vaccinations WHERE booking_id = $1")
        .bind(booking)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(id.is_some())
}

impl Store {
    /// Records that the elder of `booking` got the shot due at the site: the shot their dose
    /// status asks for next, on the booking's day, at the site the plan took them to. Only for
    /// an elder who reached the site (`not_at_site`), whose health check did not fail
    /// (`health_check_failed`) and who has a shot due (`no_shot_due`). Recording it again
    /// answers the vaccination recorded, and changes nothing.
    pub async fn vaccinated(
        &self,
        scope: Scope,
        booking: i64,
        user_id: i64,
        now: i64,
    ) -> Result<Vaccination> {
        self.booking(scope, booking).await?;
        let mut tx = self.write().await?;
        let made = record_shot(&mut tx, booking, Some(user_id), now).await?;
        tx.commit().await?;
        Ok(made)
    }

    /// Takes back the shot recorded for `booking` (recorded by mistake): the record goes and
    /// the elder's dose status is what it was before it. Only the elder's latest shot
    /// (`not_latest_shot`), and only one recorded (`no_shot_recorded`). What drivers and teams
    /// reported stays in their trips' history. Returns the record taken back.
    pub async fn unvaccinated(&self, scope: Scope, booking: i64, now: i64) -> Result<Vaccination> {
        self.booking(scope, booking).await?;
        let mut tx = self.write().await?;
        let row = sqlx::query(sql!(
            "SELECT {COLUMNS} FROM vaccinations WHERE booking_id = $1"
        ))
        .bind(booking)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Conflict(problems::no_shot_recorded()))?;
        let made = vaccination(&row)?;
        let later = sqlx::query(sql!(
            "SELECT {COLUMNS} FROM vaccinations WHERE elder_id = $1 AND id > $2 ORDER BY id DESC"
        ))
        .bind(made.elder_id)
        .bind(made.id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(later) = later {
            let later = vaccination(&later)?;
            return Err(StoreError::Conflict(problems::not_latest_shot(
                later.shot.code(),
                &later.day,
            )));
        }
        sqlx::query("DELETE FROM vaccinations WHERE id = $1")
            .bind(made.id)
            .execute(&mut *tx)
            .await?;
        // A walker's place is open again (its shot was what made it done).
        if let Some(b) = made.booking_id {
            sqlx::query(
                "UPDATE bookings SET status = 'booked', status_at = $1 \
                 WHERE id = $2 AND walk_in = 1 AND status = 'home'",
            )
            .bind(now)
            .bind(b)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE elders SET dose = $1, updated_at = $2 WHERE id = $3")
            .bind(made.shot.before().code())
            .bind(now)
            .bind(made.elder_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(made)
    }

    /// The shots an elder of the caller's scope got, oldest first.
    pub async fn vaccinations(&self, scope: Scope, elder: i64) -> Result<Vec<Vaccination>> {
        self.elder(scope, elder).await?;
        let rows = sqlx::query(sql!(
            "SELECT {COLUMNS} FROM vaccinations WHERE elder_id = $1 ORDER BY at, id"
        ))
        .bind(elder)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(vaccination).collect()
    }
}
